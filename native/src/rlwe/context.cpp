#include "hnn/rlwe/context.h"

#include <cmath>
#include <string>

#include "hnn/ring/automorphism.h"
#include "hnn/ring/primes.h"
#include "hnn/util/bits.h"
#include "hnn/util/thread_pool.h"

namespace hnn {

std::shared_ptr<const Context> Context::create(const EncryptionParameters& params, SecurityLevel security) {
  return std::shared_ptr<const Context>(new Context(params, security));
}

Context::Context(const EncryptionParameters& params, SecurityLevel security)
    : params_(params), security_(security) {
  n_ = params.poly_modulus_degree();
  primes_ = params.coeff_modulus();
  special_count_ = params.special_prime_count();
  const std::size_t min_n = security == SecurityLevel::kNone ? 8 : 1024;
  if (!is_power_of_two(n_) || n_ < min_n || n_ > (1u << 17))
    throw InvalidParametersError("polynomial modulus degree " + std::to_string(n_) +
                                 " must be a power of two between " + std::to_string(min_n) + " and 131072");
  if (primes_.size() < 2)
    throw InvalidParametersError("the coefficient modulus needs at least two primes: one data prime and one "
                                 "special prime for key switching");
  if (special_count_ < 1 || special_count_ >= primes_.size())
    throw InvalidParametersError("special prime count " + std::to_string(special_count_) +
                                 " must be at least 1 and leave at least one data prime");
  for (std::size_t i = 0; i < primes_.size(); ++i) {
    const std::uint64_t q = primes_[i].value();
    if (!is_prime(q)) throw InvalidParametersError("coefficient modulus " + std::to_string(q) + " is not prime");
    if ((q - 1) % (2 * n_) != 0)
      throw InvalidParametersError("prime " + std::to_string(q) + " is not congruent to 1 mod 2N = " +
                                   std::to_string(2 * n_) + ": use coeff_modulus::create to pick NTT-friendly primes");
    for (std::size_t j = 0; j < i; ++j)
      if (primes_[j] == primes_[i]) throw InvalidParametersError("prime " + std::to_string(q) + " appears twice");
  }
  if (security != SecurityLevel::kNone) {
    const int max_bits = coeff_modulus::max_bit_count(n_, security);
    const int bits = params.total_coeff_modulus_bits();
    if (max_bits == 0)
      throw InvalidParametersError("no 128-bit security bound is known for N = " + std::to_string(n_) +
                                   ": use N between 1024 and 65536");
    if (bits > max_bits)
      throw InvalidParametersError("the coefficient modulus has " + std::to_string(bits) + " bits, above the " +
                                   std::to_string(max_bits) + " bits the HE Standard allows for 128-bit security at N = " +
                                   std::to_string(n_) + " (special primes included): use fewer or smaller primes, or "
                                   "a larger N");
  }
  data_count_ = primes_.size() - special_count_;
  digit_count_ = (data_count_ + special_count_ - 1) / special_count_;
  hash_ = params.hash();

  ntt_.resize(primes_.size());
  parallel_for(0, primes_.size(), [&](std::size_t i) { ntt_[i] = std::make_unique<NttTables>(n_, primes_[i]); });

  log2_q_at_.resize(data_count_);
  double acc = 0;
  for (std::size_t l = 0; l < data_count_; ++l) {
    acc += std::log2(static_cast<double>(primes_[l].value()));
    log2_q_at_[l] = acc;
  }

  inv_last_.resize(data_count_);
  for (std::size_t l = 1; l < data_count_; ++l)
    for (std::size_t i = 0; i < l; ++i)
      inv_last_[l].emplace_back(inverse_mod(primes_[i].reduce(primes_[l].value()), primes_[i]), primes_[i]);

  std::vector<Modulus> special(primes_.begin() + data_count_, primes_.end());
  RnsBase special_base(special);
  for (std::size_t i = 0; i < data_count_; ++i) {
    const std::uint64_t p_mod = special_base.product_mod(primes_[i]);
    p_mod_.push_back(p_mod);
    inv_p_.emplace_back(inverse_mod(p_mod, primes_[i]), primes_[i]);
  }
  mod_up_.resize(data_count_);
  mod_down_.resize(data_count_);
  mod_down_rescale_.resize(data_count_);
  inv_p_last_.resize(data_count_);
  for (std::size_t l = 1; l < data_count_; ++l) {
    std::vector<Modulus> from{primes_[l]};
    from.insert(from.end(), special.begin(), special.end());
    std::vector<Modulus> to(primes_.begin(), primes_.begin() + l);
    mod_down_rescale_[l] = std::make_unique<BaseConverter>(RnsBase(from), RnsBase(to));
    for (std::size_t i = 0; i < l; ++i) {
      const std::uint64_t pq = mul_mod(p_mod_[i], primes_[i].reduce(primes_[l].value()), primes_[i]);
      inv_p_last_[l].emplace_back(inverse_mod(pq, primes_[i]), primes_[i]);
    }
  }
  for (std::size_t l = 0; l < data_count_; ++l) {
    std::vector<Modulus> data_l(primes_.begin(), primes_.begin() + l + 1);
    mod_down_[l] = std::make_unique<BaseConverter>(special_base, RnsBase(data_l));
    for (std::size_t j = 0; j < digit_count_at(l); ++j) {
      std::vector<Modulus> from, to;
      for (std::size_t i = 0; i <= l; ++i) {
        if (i >= digit_begin(j) && i < digit_end(j, l)) from.push_back(primes_[i]);
        else to.push_back(primes_[i]);
      }
      to.insert(to.end(), special.begin(), special.end());
      mod_up_[l].push_back(std::make_unique<BaseConverter>(RnsBase(from), RnsBase(to)));
    }
  }
}

const std::vector<std::uint32_t>& Context::galois_permutation(std::uint64_t galois_elt) const {
  std::lock_guard<std::mutex> lock(galois_mu_);
  auto it = galois_perms_.find(galois_elt);
  if (it != galois_perms_.end()) return it->second;
  return galois_perms_.emplace(galois_elt, ntt_automorphism_permutation(n_, galois_elt)).first->second;
}

}  // namespace hnn
