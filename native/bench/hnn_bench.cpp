// hnn_bench: times every CKKS operation on the parameters of the Microsoft SEAL reference
// (../shared/bench/README.md) so the two compare line by line, and prints serialized sizes.
//
//   hnn_bench [--n 8192,16384,32768] [--threads 1,2] [--ops op1,op2] [--min-seconds 0.5] [--cpu-time]
//             [--bits 36,28,...,31 --special 3 --scale-bits 28]
//
// --bits replaces the reference chain with any other (the encrypted head's, say); its last --special primes
// are the key-switching primes.
//
// --cpu-time times single-thread runs by the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID) instead of
// wall time: on a shared machine it leaves out the time the thread was not scheduled, for A/B comparisons.
// Multi-thread runs are always wall time.
//
// Output: CSV lines "N,op,threads,median_us", then "N,object,bytes".
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/ring/simd.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/decryptor.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/key_generator.h"
#include "hnn/serial/serialization.h"
#include "hnn/util/thread_pool.h"

using namespace hnn;

namespace {

struct Options {
  std::vector<std::size_t> degrees{8192, 16384, 32768};
  std::vector<std::size_t> threads{1, 0};  // 0: all cores
  std::set<std::string> ops;               // empty: all
  double min_seconds = 0.5;
  bool sizes = true;
  bool cpu_time = false;
  std::vector<int> bits;          // empty: the reference chain for each N
  std::size_t special_primes = 1; // with --bits: how many of the last primes are special
  int scale_bits = 40;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "missing value after %s\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--n") {
      o.degrees.clear();
      for (auto& v : split(next())) o.degrees.push_back(std::stoul(v));
    } else if (a == "--threads") {
      o.threads.clear();
      for (auto& v : split(next())) o.threads.push_back(v == "all" ? 0 : std::stoul(v));
    } else if (a == "--ops") {
      for (auto& v : split(next())) o.ops.insert(v);
    } else if (a == "--min-seconds") {
      o.min_seconds = std::stod(next());
    } else if (a == "--no-sizes") {
      o.sizes = false;
    } else if (a == "--cpu-time") {
      o.cpu_time = true;
    } else if (a == "--bits") {
      for (auto& v : split(next())) o.bits.push_back(std::stoi(v));
    } else if (a == "--special") {
      o.special_primes = std::stoul(next());
    } else if (a == "--scale-bits") {
      o.scale_bits = std::stoi(next());
    } else {
      std::fprintf(stderr,
                   "usage: hnn_bench [--n 8192,16384,32768] [--threads 1,all] [--ops a,b] [--min-seconds S] "
                   "[--no-sizes] [--cpu-time] [--bits b0,b1,... --special K --scale-bits S]\n");
      std::exit(a == "--help" ? 0 : 2);
    }
  }
  return o;
}

// The reference chains: 60, then 40-bit primes, then one 60-bit special prime.
std::vector<int> chain_for(std::size_t n) {
  std::size_t middle = n == 8192 ? 2 : n == 16384 ? 6 : n == 32768 ? 15 : 0;
  if (middle == 0) {
    std::fprintf(stderr, "no reference chain for N=%zu (use 8192, 16384 or 32768)\n", n);
    std::exit(2);
  }
  std::vector<int> bits{60};
  for (std::size_t i = 0; i < middle; ++i) bits.push_back(40);
  bits.push_back(60);
  return bits;
}

double thread_cpu_us() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) * 1e-3;
}

// Median time of fn in microseconds (wall, or this thread's CPU time): one warm-up call, then at least 5
// timed calls and at least min_seconds of wall time in total (at most 2000 calls).
double median_us(const std::function<void()>& fn, double min_seconds, bool cpu_time) {
  using clock = std::chrono::steady_clock;
  fn();
  std::vector<double> samples;
  const auto start = clock::now();
  while (samples.size() < 5 ||
         (std::chrono::duration<double>(clock::now() - start).count() < min_seconds && samples.size() < 2000)) {
    const auto t0 = clock::now();
    const double c0 = cpu_time ? thread_cpu_us() : 0;
    fn();
    samples.push_back(cpu_time ? thread_cpu_us() - c0
                               : std::chrono::duration<double, std::micro>(clock::now() - t0).count());
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return samples[samples.size() / 2];
}

void run_degree(std::size_t n, const Options& opt) {
  EncryptionParameters params(n);
  params.set_coeff_modulus(coeff_modulus::create(n, opt.bits.empty() ? chain_for(n) : opt.bits));
  if (!opt.bits.empty()) params.set_special_prime_count(opt.special_primes);
  auto ctx = Context::create(params);
  const double scale = std::ldexp(1.0, opt.scale_bits);
  const std::size_t top = ctx->max_level();

  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<double> values(n / 2);
  for (auto& v : values) v = dist(rng);

  KeyGenerator keygen(ctx);
  PublicKey pk;
  keygen.create_public_key(pk);
  RelinKeys rk;
  keygen.create_relin_keys(rk);
  GaloisKeys gk;
  keygen.create_galois_keys({1, 2, 3}, false, gk);
  CkksEncoder encoder(ctx);
  Encryptor encryptor(ctx, pk, keygen.secret_key());
  Decryptor decryptor(ctx, keygen.secret_key());
  CkksEvaluator evaluator(ctx);

  Plaintext pt;
  encoder.encode(values, scale, top, pt);
  Ciphertext ct, ct2;
  encryptor.encrypt(pt, ct);
  encryptor.encrypt(pt, ct2);
  Ciphertext product;
  evaluator.multiply(ct, ct2, product);
  Ciphertext relinearized;
  evaluator.relinearize(product, rk, relinearized);

  for (std::size_t threads : opt.threads) {
    const std::size_t t = threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
    if (threads == 0 && t == 1 && std::find(opt.threads.begin(), opt.threads.end(), 1) != opt.threads.end()) continue;
    set_thread_count(t);
    auto bench = [&](const char* op, const std::function<void()>& fn) {
      if (!opt.ops.empty() && !opt.ops.count(op)) return;
      std::printf("%zu,%s,%zu,%.2f\n", n, op, t, median_us(fn, opt.min_seconds, opt.cpu_time && t == 1));
      std::fflush(stdout);
    };
    Ciphertext out;
    Plaintext pout;
    std::vector<double> decoded;
    bench("keygen_secret", [&] { KeyGenerator kg(ctx); });
    bench("keygen_public", [&] { PublicKey k; keygen.create_public_key(k); });
    bench("keygen_relin", [&] { RelinKeys k; keygen.create_relin_keys(k); });
    bench("keygen_galois_1step", [&] { GaloisKeys k; keygen.create_galois_keys({1}, false, k); });
    bench("encode", [&] { encoder.encode(values, scale, top, pout); });
    bench("encrypt_public", [&] { encryptor.encrypt(pt, out); });
    bench("encrypt_symmetric", [&] { encryptor.encrypt_symmetric(pt, out); });
    bench("decrypt", [&] { decryptor.decrypt(ct, pout); });
    bench("decode", [&] { encoder.decode(pt, decoded); });
    bench("add", [&] { evaluator.add(ct, ct2, out); });
    // Not in SEAL's table: the memory system's floor for `add` on this machine. The same words as add reads and
    // writes (two ciphertexts in, one out, out of place), summed without any modular reduction: no add of
    // ciphertexts this size can be faster here, whatever its arithmetic.
    {
      const std::size_t words = 2 * ct.limb_count() * n;
      U64Vector floor_a(ct.limb(0, 0), ct.limb(0, 0) + words), floor_b(ct2.limb(0, 0), ct2.limb(0, 0) + words),
          floor_out(words);
      bench("add_memory_floor", [&] {
        std::transform(floor_a.begin(), floor_a.end(), floor_b.begin(), floor_out.begin(), std::plus<>());
      });
    }
    bench("multiply_plain", [&] { evaluator.multiply_plain(ct, pt, out); });
    bench("multiply", [&] { evaluator.multiply(ct, ct2, out); });
    bench("relinearize", [&] { evaluator.relinearize(product, rk, out); });
    bench("rescale", [&] { evaluator.rescale(relinearized, out); });
    bench("mul_relin_rescale", [&] { evaluator.multiply_relin_rescale(ct, ct2, rk, out); });
    bench("rotate_1", [&] { evaluator.rotate(ct, 1, gk, out); });
    // Not in SEAL's table: a radix-4 round of rotate-and-sum, x + rot(x, 1) + rot(x, 2) + rot(x, 3), in one
    // rotate_sum; compare with two rotate_1 (the radix-2 rounds it replaces).
    bench("rotate_sum_4", [&] { evaluator.rotate_sum(ct, {0, 1, 2, 3}, gk, out); });
    // Not in SEAL's table: the wire cost of a request (a seed-compressed fresh ciphertext, saved with its
    // context's checks, then loaded with full validation and the expansion of c_1 from its seed).
    Ciphertext seeded;
    encryptor.encrypt_symmetric(pt, seeded);
    const std::vector<std::uint8_t> seeded_bytes = save(*ctx, seeded);
    bench("save_symmetric_ct", [&] { save(*ctx, seeded); });
    bench("load_symmetric_ct", [&] { load(*ctx, seeded_bytes.data(), seeded_bytes.size(), out); });
    // One RNS component: the 60-bit prime q_0.
    U64Vector limb(ct.limb(0, 0), ct.limb(0, 0) + n);
    bench("ntt_forward_1limb", [&] { ctx->ntt(0).forward(limb.data()); });
    bench("ntt_inverse_1limb", [&] { ctx->ntt(0).inverse(limb.data()); });
  }
  set_thread_count(0);

  if (opt.sizes) {
    Ciphertext symmetric;
    encryptor.encrypt_symmetric(pt, symmetric);
    std::printf("%zu,ciphertext_fresh_public,%zu\n", n, save(*ctx, ct).size());
    std::printf("%zu,ciphertext_fresh_symmetric,%zu\n", n, save(*ctx, symmetric).size());
    std::printf("%zu,relin_keys,%zu\n", n, save(*ctx, rk).size());
    GaloisKeys one_step;
    keygen.create_galois_keys({1}, false, one_step);
    std::printf("%zu,galois_keys_1step,%zu\n", n, save(*ctx, one_step).size());
    std::printf("%zu,ciphertext_fresh_public_zlib,%zu\n", n, save(*ctx, ct, Compression::kZlib).size());
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  std::fprintf(stderr, "hnn_bench: SIMD level %s, %u hardware threads\n", to_string(active_simd_level()).c_str(),
               std::thread::hardware_concurrency());
  std::printf("N,op,threads,median_us\n");
  for (std::size_t n : opt.degrees) run_degree(n, opt);
  return 0;
}
