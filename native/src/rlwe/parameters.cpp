#include "hnn/rlwe/parameters.h"

#include <openssl/evp.h>

#include <map>
#include <sstream>

#include "hnn/ring/primes.h"

namespace hnn {

int EncryptionParameters::total_coeff_modulus_bits() const {
  int bits = 0;
  for (const Modulus& q : primes_) bits += q.bit_count();
  return bits;
}

ParamsHash EncryptionParameters::hash() const {
  // Canonical encoding: domain tag, N, special count, prime count, primes (all little-endian u64).
  std::vector<unsigned char> buf;
  const char tag[] = "HNN-RNS-CKKS-params-v1";
  buf.insert(buf.end(), tag, tag + sizeof(tag));
  auto put = [&](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) buf.push_back(static_cast<unsigned char>(v >> (8 * i)));
  };
  put(n_);
  put(special_);
  put(primes_.size());
  for (const Modulus& q : primes_) put(q.value());
  ParamsHash h{};
  unsigned int len = 0;
  if (EVP_Digest(buf.data(), buf.size(), h.data(), &len, EVP_sha256(), nullptr) != 1 || len != h.size())
    throw Error("OpenSSL SHA-256 failed while hashing encryption parameters");
  return h;
}

std::string EncryptionParameters::describe() const {
  std::ostringstream os;
  os << "N=" << n_ << ", log2 Q=" << total_coeff_modulus_bits() << " (";
  std::size_t data = data_prime_count();
  for (std::size_t i = 0; i < primes_.size(); ++i) {
    if (i == data) os << " | special ";
    else if (i > 0) os << "+";
    os << primes_[i].bit_count();
  }
  os << ")";
  return os.str();
}

namespace coeff_modulus {

std::vector<Modulus> create(std::size_t n, const std::vector<int>& bit_sizes) {
  std::map<int, std::size_t> count;
  for (int b : bit_sizes) count[b]++;
  std::map<int, std::vector<Modulus>> pool;
  std::vector<Modulus> taken;
  for (auto& [bits, c] : count) {
    pool[bits] = generate_ntt_primes(bits, c, n, taken);
    taken.insert(taken.end(), pool[bits].begin(), pool[bits].end());
  }
  std::map<int, std::size_t> next;
  std::vector<Modulus> out;
  for (int b : bit_sizes) out.push_back(pool[b][next[b]++]);
  return out;
}

int max_bit_count(std::size_t n, SecurityLevel level) {
  if (level == SecurityLevel::kNone) return 1 << 30;
  // Homomorphic Encryption Standard (2018), Table 1: classical 128-bit security, uniform ternary secret.
  switch (n) {
    case 1024: return 27;
    case 2048: return 54;
    case 4096: return 109;
    case 8192: return 218;
    case 16384: return 438;
    case 32768: return 881;
    case 65536: return 1772;
    default: return 0;
  }
}

}  // namespace coeff_modulus
}  // namespace hnn
