// hnn_bench: times every CKKS operation on the parameters of the Microsoft SEAL reference
// (../shared/bench/README.md) so the two compare line by line, and prints serialized sizes.
//
//   hnn_bench [--n 8192,16384,32768] [--threads 1,2] [--ops op1,op2] [--min-seconds 0.5] [--cpu-time]
//             [--bits 36,28,...,31 --special 3 --scale-bits 28]
//   hnn_bench --bootstrap [--n 65536] [--threads 1,all] [--boot-cts 3 --boot-stc 3 --boot-special 6]
//             [--boot-runs 2] [--boot-no-cache] [--boot-q0-bits 47]
//
// --bootstrap times non-interactive bootstrapping (hnn/boot) at full slots on the chain of bootstrap_chain()
// (dense ternary keys, sparse-secret encapsulation) and prints its levels left, precision on inputs uniform
// in [-1, 1], key sizes and the peak resident memory.
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
#include <complex>
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

#include <sys/resource.h>

#include "hnn/boot/bootstrapper.h"
#include "hnn/boot/sparse_secret.h"
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
  bool bootstrap = false;
  std::size_t boot_cts = 3, boot_stc = 3, boot_special = 6, boot_runs = 2;
  bool boot_cache = true;
  int boot_q0_bits = 47;
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
    } else if (a == "--bootstrap") {
      o.bootstrap = true;
    } else if (a == "--boot-cts") {
      o.boot_cts = std::stoul(next());
    } else if (a == "--boot-stc") {
      o.boot_stc = std::stoul(next());
    } else if (a == "--boot-special") {
      o.boot_special = std::stoul(next());
    } else if (a == "--boot-q0-bits") {
      o.boot_q0_bits = std::stoi(next());
    } else if (a == "--boot-no-cache") {
      o.boot_cache = false;
    } else if (a == "--boot-runs") {
      o.boot_runs = std::stoul(next());
    } else {
      std::fprintf(stderr,
                   "usage: hnn_bench [--n 8192,16384,32768] [--threads 1,all] [--ops a,b] [--min-seconds S] "
                   "[--no-sizes] [--cpu-time] [--bits b0,b1,... --special K --scale-bits S]\n"
                   "       hnn_bench --bootstrap [--n 65536] [--threads 1,all] [--boot-cts C --boot-stc S "
                   "--boot-special K --boot-runs R --boot-no-cache --boot-q0-bits B]\n");
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

// The bootstrapping chain: q_0 of 47 bits (messages at 2^40: q_0 / scale = 2^7), 12 levels of 40 bits for the
// computation, SlotsToCoeffs on 58-bit primes, EvalMod on 60-bit primes, CoeffsToSlots on 60-bit primes, then
// the special primes (60 bits).
std::vector<int> bootstrap_chain(const boot::BootstrapParameters& bp, std::size_t special, int q0_bits) {
  std::vector<int> bits{q0_bits};
  for (int i = 0; i < 12; ++i) bits.push_back(40);
  for (std::size_t i = 0; i < bp.stc_levels; ++i) bits.push_back(58);
  for (std::size_t i = 0; i < boot::EvalMod(bp.eval_mod).depth(); ++i) bits.push_back(60);
  for (std::size_t i = 0; i < bp.cts_levels; ++i) bits.push_back(60);
  for (std::size_t i = 0; i < special; ++i) bits.push_back(60);
  return bits;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void run_bootstrap(std::size_t n, const Options& opt) {
  using clock = std::chrono::steady_clock;
  boot::BootstrapParameters bp;
  bp.cts_levels = opt.boot_cts;
  bp.stc_levels = opt.boot_stc;
  bp.message_scale = 0x1p40;
  bp.cache_plaintexts = opt.boot_cache;
  EncryptionParameters params(n);
  params.set_coeff_modulus(coeff_modulus::create(n, bootstrap_chain(bp, opt.boot_special, opt.boot_q0_bits)));
  params.set_special_prime_count(opt.boot_special);
  auto ctx = Context::create(params);  // the HE Standard's 128-bit check (dense ternary secret)
  std::fprintf(stderr, "bootstrap: %s\n", params.describe().c_str());
  std::printf("%zu,bootstrap_log2_qp,%d\n", n, params.total_coeff_modulus_bits());
  auto t0 = clock::now();
  boot::Bootstrapper boot(ctx, bp);
  std::printf("%zu,bootstrap_setup_s,%.2f\n", n, seconds_since(t0));
  std::printf("%zu,bootstrap_plaintext_bytes,%zu\n", n, boot.plaintext_bytes());
  std::printf("%zu,bootstrap_galois_key_count,%zu\n", n, boot.galois_elements().size());
  std::printf("%zu,bootstrap_depth,%zu\n", n, boot.depth());
  std::fflush(stdout);

  t0 = clock::now();
  KeyGenerator keygen(ctx);
  RelinKeys rk;
  keygen.create_relin_keys(rk);
  GaloisKeys gk;
  keygen.create_galois_keys_for_elements(boot.galois_elements(), gk);
  boot::SparseSecretEncapsulation sse(ctx, keygen.secret_key());
  std::printf("%zu,bootstrap_keygen_s,%.2f\n", n, seconds_since(t0));
  std::size_t gk_memory = 0;
  for (const auto& [g, k] : gk.keys()) gk_memory += k.byte_count();
  std::printf("%zu,bootstrap_galois_keys_memory,%zu\n", n, gk_memory);
  // Serialized (seed-compressed) one key at a time: the whole set at once would hold its bytes beside the keys.
  std::size_t gk_serialized = 0;
  for (const auto& [g, k] : gk.keys()) {
    GaloisKeys one;
    one.insert(g) = k;
    gk_serialized += save(*ctx, one).size();
  }
  std::printf("%zu,bootstrap_galois_keys_serialized,%zu\n", n, gk_serialized);
  std::printf("%zu,bootstrap_relin_key_serialized,%zu\n", n, save(*ctx, rk).size());
  std::printf("%zu,bootstrap_encapsulation_keys_memory,%zu\n", n, sse.key_bytes());
  std::fflush(stdout);

  CkksEncoder encoder(ctx);
  Encryptor encryptor(ctx, keygen.secret_key());
  Decryptor decryptor(ctx, keygen.secret_key());
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<std::complex<double>> values(n / 2);
  for (auto& v : values) v = {dist(rng), dist(rng)};
  Plaintext pt;
  encoder.encode(values, bp.message_scale, 0, pt);
  Ciphertext ct, out;
  encryptor.encrypt_symmetric(pt, ct);
  for (std::size_t threads : opt.threads) {
    const std::size_t t = threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : threads;
    set_thread_count(t);
    std::vector<double> runs;
    for (std::size_t r = 0; r < std::max<std::size_t>(opt.boot_runs, 1); ++r) {
      const auto s0 = clock::now();
      boot.bootstrap(ct, gk, rk, sse, out);
      runs.push_back(seconds_since(s0) * 1e6);
    }
    std::sort(runs.begin(), runs.end());
    std::printf("%zu,bootstrap,%zu,%.0f\n", n, t, runs[runs.size() / 2]);
    std::fflush(stdout);
  }
  // Where the time goes (all cores): ModRaise with the encapsulation, CoeffsToSlots, the two EvalMods,
  // SlotsToCoeffs, through the bootstrapper's test hooks.
  {
    const auto s0 = clock::now();
    Ciphertext raised, real, imag, real_mod, imag_mod, stc_out;
    sse.mod_raise(ct, ctx->max_level(), boot.raise_bits(), raised);
    raised.set_scale(std::ldexp(static_cast<double>(ctx->prime(0).value()), boot.raise_bits()));
    const double t_raise = seconds_since(s0);
    auto s1 = clock::now();
    boot.coeffs_to_slots(raised, gk, real, imag);
    const double t_cts = seconds_since(s1);
    s1 = clock::now();
    boot::EvalMod em(bp.eval_mod);
    CkksEvaluator ev(ctx);
    em.evaluate(ev, rk, real, boot.eval_mod_scale(), real_mod);
    em.evaluate(ev, rk, imag, boot.eval_mod_scale(), imag_mod);
    const double t_mod = seconds_since(s1);
    s1 = clock::now();
    boot.slots_to_coeffs(real_mod, imag_mod, gk, stc_out);
    const double t_stc = seconds_since(s1);
    std::printf("%zu,bootstrap_stage_modraise_s,%.2f\n%zu,bootstrap_stage_coeffs_to_slots_s,%.2f\n"
                "%zu,bootstrap_stage_eval_mod_s,%.2f\n%zu,bootstrap_stage_slots_to_coeffs_s,%.2f\n",
                n, t_raise, n, t_cts, n, t_mod, n, t_stc);
    std::fflush(stdout);
  }
  set_thread_count(0);
  decryptor.decrypt(out, pt);
  std::vector<std::complex<double>> got;
  encoder.decode(pt, got);
  double sum = 0, worst = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double er = std::fabs(got[i].real() - values[i].real()), ei = std::fabs(got[i].imag() - values[i].imag());
    sum += er + ei;
    worst = std::max({worst, er, ei});
  }
  std::printf("%zu,bootstrap_levels_left,%zu\n", n, out.level());
  std::printf("%zu,bootstrap_precision_mean_bits,%.2f\n", n, -std::log2(sum / (2 * values.size())));
  std::printf("%zu,bootstrap_precision_min_bits,%.2f\n", n, -std::log2(worst));
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%zu,bootstrap_peak_rss_bytes,%ld\n", n, static_cast<long>(ru.ru_maxrss) * 1024);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  std::fprintf(stderr, "hnn_bench: SIMD level %s, %u hardware threads\n", to_string(active_simd_level()).c_str(),
               std::thread::hardware_concurrency());
  std::printf("N,op,threads,median_us\n");
  if (opt.bootstrap) {
    bool degrees_given = false;
    for (int i = 1; i < argc; ++i) degrees_given = degrees_given || std::string(argv[i]) == "--n";
    for (std::size_t n : degrees_given ? opt.degrees : std::vector<std::size_t>{65536}) run_bootstrap(n, opt);
    return 0;
  }
  for (std::size_t n : opt.degrees) run_degree(n, opt);
  return 0;
}
