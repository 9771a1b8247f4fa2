// Implementation of the SEAL backend's shim (see hnn/seal/seal_shim.h). Uses SEAL's public API only; where SEAL
// lacks an operation of the engine (scalar addition, integer multiplication, fused multiply-accumulate,
// hoisted rotations, rotate-and-sum) it is composed from SEAL's operations here.
#include "hnn/seal/seal_shim.h"

#include <seal/seal.h>
#include <seal/util/galois.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

namespace hnn {
namespace sealjni {

namespace {

/// An exception already carrying its "hnn:<Tag>:" prefix.
class ShimError : public std::runtime_error {
 public:
  ShimError(const char* tag, const std::string& message)
      : std::runtime_error(std::string("hnn:") + tag + ":" + message) {}
};

[[noreturn]] void fail(const char* tag, const std::string& message) { throw ShimError(tag, message); }
void require(bool ok, const char* message) {
  if (!ok) fail("InvalidArgument", message);
}

bool contains(const char* s, const char* part) { return s != nullptr && std::strstr(s, part) != nullptr; }

/// The tag of a SEAL exception outside deserialization.
const char* classify(const char* m) {
  if (contains(m, "end of modulus switching chain")) return "DepthExhausted";
  if (contains(m, "mismatch") || contains(m, "not valid for encryption parameters")) return "IncompatibleObjects";
  if (contains(m, "not present")) return "MissingKey";
  return "InvalidArgument";
}

/// Runs f, converting every non-shim exception: with a fixed tag (e.g. CorruptData for loads) or classified.
template <class F>
auto guarded(const char* tag, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ShimError&) {
    throw;
  } catch (const std::bad_alloc&) {
    fail("OutOfMemory", "SEAL could not allocate memory");
  } catch (const std::invalid_argument& e) {
    fail(tag != nullptr ? tag : classify(e.what()), e.what());
  } catch (const std::exception& e) {
    fail(tag != nullptr ? tag : "Error", e.what());
  }
}
#define SHIM(...) return guarded(nullptr, [&]() { __VA_ARGS__ })
#define SHIM_LOAD(...) return guarded("CorruptData", [&]() { __VA_ARGS__ })

/// SEAL refuses results that are "transparent" (an all-zero c_1, e.g. after multiplying by zero); the engine
/// returns them. The operation has completed in place when SEAL throws, so the result is kept.
template <class F>
void allow_transparent(F&& f) {
  try {
    f();
  } catch (const std::logic_error& e) {
    if (!contains(e.what(), "transparent")) throw;
  }
}

const seal::SEALContext& checked(const seal::SEALContext& ctx) {
  if (!ctx.parameters_set()) fail("InvalidParameters", std::string("SEAL rejects the parameters: ") + ctx.parameter_error_message());
  return ctx;
}

seal::compr_mode_type mode(bool zlib) { return zlib ? seal::compr_mode_type::zlib : seal::compr_mode_type::none; }

template <class T>
Bytes* save_object(const T& obj, bool zlib) {
  SHIM({
    auto out = std::make_unique<Bytes>(static_cast<std::size_t>(obj.save_size(mode(zlib))));
    auto written = obj.save(reinterpret_cast<seal::seal_byte*>(out->data()), out->size(), mode(zlib));
    out->resize(static_cast<std::size_t>(written));
    return out.release();
  });
}

const seal::seal_byte* as_bytes(const signed char* p) { return reinterpret_cast<const seal::seal_byte*>(p); }

}  // namespace

struct ContextHandle {
  ContextHandle(const seal::EncryptionParameters& parms, bool secure)
      : ctx(parms, true, secure ? seal::sec_level_type::tc128 : seal::sec_level_type::none),
        encoder(checked(ctx)),
        evaluator(ctx) {
    auto first = ctx.first_context_data();
    levels.resize(first->chain_index() + 1);
    for (auto cd = first; cd; cd = cd->next_context_data()) levels[cd->chain_index()] = cd->parms_id();
    for (const auto& q : parms.coeff_modulus()) primes.push_back(q.value());
  }

  seal::SEALContext ctx;
  seal::CKKSEncoder encoder;
  seal::Evaluator evaluator;
  std::vector<seal::parms_id_type> levels;  // index: level
  std::vector<std::uint64_t> primes;

  std::size_t max_level() const { return levels.size() - 1; }
  const seal::parms_id_type& at(std::size_t level) const {
    if (level > max_level()) fail("InvalidArgument", "level out of range");
    return levels[level];
  }
  /// Level of a parms_id of the data chain; IncompatibleObjects for a foreign or empty object.
  std::size_t level_of(const seal::parms_id_type& id) const {
    auto cd = ctx.get_context_data(id);
    if (!cd || cd->chain_index() > max_level() || levels[cd->chain_index()] != id)
      fail("IncompatibleObjects", "object does not belong to these encryption parameters (or is empty)");
    return cd->chain_index();
  }
};

namespace {

std::size_t level(const ContextHandle& c, const seal::Ciphertext& a) { return c.level_of(a.parms_id()); }

void check_scales(double a, double b, const char* what) {
  if (!(std::abs(a / b - 1) <= 1e-9))
    fail("IncompatibleObjects",
         std::string(what) + ": scales differ (2^" + std::to_string(std::log2(a)) + " vs 2^" +
             std::to_string(std::log2(b)) + "): rescale or set the scale so that they agree");
}

void check_same_level(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b) {
  std::size_t la = level(c, a), lb = level(c, b);
  if (la != lb)
    fail("IncompatibleObjects", "operands are at different levels (" + std::to_string(la) + " and " +
                                    std::to_string(lb) + "): mod switch the higher one down");
}

/// The plaintext at the ciphertext's level: itself, or a copy switched down into `tmp`.
const seal::Plaintext& plain_at(const ContextHandle& c, const seal::Plaintext& p, std::size_t lvl, seal::Plaintext& tmp) {
  std::size_t lp = c.level_of(p.parms_id());
  if (lp < lvl)
    fail("IncompatibleObjects", "plaintext at level " + std::to_string(lp) + " is below the ciphertext's level " +
                                    std::to_string(lvl) + ": encode it at a higher level");
  if (lp == lvl) return p;
  tmp = p;
  c.evaluator.mod_switch_to_inplace(tmp, c.levels[lvl]);
  return tmp;
}

/// out = a (unless out is a), then f(out); if out is the other operand b, work on a temporary. Transparent
/// results (see allow_transparent) are accepted throughout.
template <class F>
void into(const seal::Ciphertext& a, const void* other, seal::Ciphertext& out, F&& f) {
  if (&out == &a) {
    allow_transparent([&] { f(out); });
  } else if (&out == other) {
    seal::Ciphertext t = a;
    allow_transparent([&] { f(t); });
    out = std::move(t);
  } else {
    out = a;
    allow_transparent([&] { f(out); });
  }
}

void add_like(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out,
              bool subtract) {
  check_same_level(c, a, b);
  check_scales(a.scale(), b.scale(), subtract ? "sub" : "add");
  double s = a.scale();
  into(a, &b, out, [&](seal::Ciphertext& t) {
    t.scale() = b.scale();  // SEAL compares scales to machine precision; the engine accepts 1e-9
    allow_transparent([&] { subtract ? c.evaluator.sub_inplace(t, b) : c.evaluator.add_inplace(t, b); });
    t.scale() = s;
  });
}

void plain_op(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p, seal::Ciphertext& out,
              int op) {  // 0 add, 1 sub, 2 multiply
  std::size_t la = level(c, a);
  seal::Plaintext tmp;
  const seal::Plaintext& q = plain_at(c, p, la, tmp);
  if (op != 2) check_scales(a.scale(), q.scale(), op == 0 ? "addPlain" : "subPlain");
  double s = a.scale();
  into(a, nullptr, out, [&](seal::Ciphertext& t) {
    allow_transparent([&] {
      if (op == 2) {
        c.evaluator.multiply_plain_inplace(t, q);
      } else {
        t.scale() = q.scale();
        op == 0 ? c.evaluator.add_plain_inplace(t, q) : c.evaluator.sub_plain_inplace(t, q);
        t.scale() = s;
      }
    });
  });
}

void check_size2(const seal::Ciphertext& a) {
  if (a.size() != 2) fail("InvalidArgument", "operand has size " + std::to_string(a.size()) + ": relinearize it first");
}

const seal::Ciphertext& at_address(std::int64_t a) {
  return *reinterpret_cast<const seal::Ciphertext*>(static_cast<std::intptr_t>(a));
}

void check_galois(const seal::GaloisKeys& gk, std::uint64_t elt, const char* what) {
  if (!gk.has_key(static_cast<std::uint32_t>(elt)))
    fail("MissingKey", std::string("no Galois key for ") + what + " (element " + std::to_string(elt) + ")");
}

}  // namespace

// ------------------------------------------------------------------------------------------ bytes

std::size_t bytes_size(const Bytes& b) { return b.size(); }
void bytes_copy(const Bytes& b, std::size_t offset, std::size_t count, signed char* out) {
  require(offset <= b.size() && count <= b.size() - offset, "byte range out of bounds");
  if (count != 0) std::memcpy(out, b.data() + offset, count);
}
void delete_bytes(Bytes* b) { delete b; }

// ------------------------------------------------------------------------------------------ context

int max_bit_count(std::size_t n) {
  SHIM(return seal::CoeffModulus::MaxBitCount(n, seal::sec_level_type::tc128););
}

ContextHandle* new_context(std::size_t n, const int* bits, std::size_t count, std::size_t special, bool secure) {
  SHIM({
    require(bits != nullptr && count >= 2, "need at least two primes");
    if (special != 1)
      fail("InvalidParameters", "the SEAL backend supports exactly one special prime (SEAL keeps the last prime of "
                                "the chain for key switching), got " + std::to_string(special));
    seal::EncryptionParameters parms(seal::scheme_type::ckks);
    parms.set_poly_modulus_degree(n);
    try {
      parms.set_coeff_modulus(seal::CoeffModulus::Create(n, std::vector<int>(bits, bits + count)));
    } catch (const std::exception& e) {
      fail("InvalidParameters", std::string("SEAL cannot choose the primes: ") + e.what());
    }
    return new ContextHandle(parms, secure);
  });
}

ContextHandle* load_context(const signed char* data, std::size_t size, bool secure) {
  seal::EncryptionParameters parms;
  guarded("CorruptData", [&]() {
    require(data != nullptr, "data is null");
    parms.load(as_bytes(data), size);
  });
  if (parms.scheme() != seal::scheme_type::ckks) fail("CorruptData", "serialized SEAL parameters are not CKKS");
  SHIM(return new ContextHandle(parms, secure););
}

Bytes* save_parameters(const ContextHandle& c) { return save_object(c.ctx.key_context_data()->parms(), false); }
void delete_context(ContextHandle* c) { delete c; }
std::size_t context_n(const ContextHandle& c) { return c.ctx.key_context_data()->parms().poly_modulus_degree(); }
std::size_t context_slot_count(const ContextHandle& c) { return c.encoder.slot_count(); }
std::size_t context_max_level(const ContextHandle& c) { return c.max_level(); }
std::size_t context_prime_count(const ContextHandle& c) { return c.primes.size(); }
std::uint64_t context_prime(const ContextHandle& c, std::size_t i) {
  require(i < c.primes.size(), "prime index out of range");
  return c.primes[i];
}
double context_log2_modulus_at(const ContextHandle& c, std::size_t level) {
  require(level <= c.max_level(), "level out of range");
  double bits = 0;
  for (std::size_t i = 0; i <= level; ++i) bits += std::log2(static_cast<double>(c.primes[i]));
  return bits;
}

// ------------------------------------------------------------------------------------------ objects

seal::Plaintext* new_plaintext() { SHIM(return new seal::Plaintext();); }
seal::Plaintext* copy_plaintext(const seal::Plaintext& p) { SHIM(return new seal::Plaintext(p);); }
void delete_plaintext(seal::Plaintext* p) { delete p; }
std::size_t plaintext_words(const seal::Plaintext& p) { return p.coeff_count(); }
std::size_t plaintext_level(const ContextHandle& c, const seal::Plaintext& p) {
  auto cd = c.ctx.get_context_data(p.parms_id());
  return cd ? cd->chain_index() : 0;
}
double plaintext_scale(const seal::Plaintext& p) { return p.scale(); }
seal::Ciphertext* new_ciphertext() { SHIM(return new seal::Ciphertext();); }
seal::Ciphertext* copy_ciphertext(const seal::Ciphertext& ct) { SHIM(return new seal::Ciphertext(ct);); }
void delete_ciphertext(seal::Ciphertext* ct) { delete ct; }
std::size_t ciphertext_words(const seal::Ciphertext& ct) {
  return ct.size() * ct.poly_modulus_degree() * ct.coeff_modulus_size();
}
std::size_t ciphertext_level(const ContextHandle& c, const seal::Ciphertext& ct) {
  auto cd = c.ctx.get_context_data(ct.parms_id());
  return cd ? cd->chain_index() : 0;
}
double ciphertext_scale(const seal::Ciphertext& ct) { return ct.scale(); }
std::size_t ciphertext_size(const seal::Ciphertext& ct) { return ct.size(); }

// ------------------------------------------------------------------------------------------ keys

seal::SecretKey* generate_secret_key(const ContextHandle& c) {
  SHIM({
    seal::KeyGenerator kg(c.ctx);
    return new seal::SecretKey(kg.secret_key());
  });
}
seal::PublicKey* create_public_key(const ContextHandle& c, const seal::SecretKey& sk) {
  SHIM({
    seal::KeyGenerator kg(c.ctx, sk);
    auto pk = std::make_unique<seal::PublicKey>();
    kg.create_public_key(*pk);
    return pk.release();
  });
}
seal::RelinKeys* create_relin_keys(const ContextHandle& c, const seal::SecretKey& sk) {
  SHIM({
    seal::KeyGenerator kg(c.ctx, sk);
    auto rk = std::make_unique<seal::RelinKeys>();
    kg.create_relin_keys(*rk);
    return rk.release();
  });
}
seal::GaloisKeys* create_galois_keys(const ContextHandle& c, const seal::SecretKey& sk, const std::int64_t* elements,
                                     std::size_t count) {
  SHIM({
    require(elements != nullptr || count == 0, "elements are null");
    auto gk = std::make_unique<seal::GaloisKeys>();
    if (count == 0) return gk.release();
    std::vector<std::uint32_t> e(count);
    std::uint64_t two_n = 2 * context_n(c);
    for (std::size_t i = 0; i < count; ++i) {
      require(elements[i] > 1 && static_cast<std::uint64_t>(elements[i]) < two_n && (elements[i] & 1) == 1,
              "a Galois element must be odd and in (1, 2N)");
      e[i] = static_cast<std::uint32_t>(elements[i]);
    }
    seal::KeyGenerator kg(c.ctx, sk);
    kg.create_galois_keys(e, *gk);
    return gk.release();
  });
}
seal::GaloisKeys* new_galois_keys() { SHIM(return new seal::GaloisKeys();); }
std::size_t galois_key_count(const seal::GaloisKeys& gk) {
  std::size_t n = 0;
  for (const auto& k : gk.data()) n += k.empty() ? 0 : 1;
  return n;
}
void galois_elements(const seal::GaloisKeys& gk, std::int64_t* out) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < gk.data().size(); ++i)
    if (!gk.data()[i].empty()) out[j++] = static_cast<std::int64_t>(2 * i + 1);
}
std::uint64_t galois_element_for_step(const ContextHandle& c, long long steps) {
  SHIM({
    long long slots = static_cast<long long>(c.encoder.slot_count());
    long long s = ((steps % slots) + slots) % slots;
    if (s == 0) return std::uint64_t{1};
    return static_cast<std::uint64_t>(c.ctx.key_context_data()->galois_tool()->get_elt_from_step(static_cast<int>(s)));
  });
}
std::uint64_t galois_element_conjugate(const ContextHandle& c) { return 2 * context_n(c) - 1; }
seal::GaloisKeys* galois_single(const ContextHandle& c, const seal::GaloisKeys& gk, std::uint64_t elt) {
  SHIM({
    check_galois(gk, elt, "this element");
    std::size_t idx = seal::GaloisKeys::get_index(static_cast<std::uint32_t>(elt));
    auto out = std::make_unique<seal::GaloisKeys>();
    out->data().resize(idx + 1);
    out->data()[idx] = gk.data()[idx];
    out->parms_id() = gk.parms_id();
    return out.release();
  });
}
void galois_merge(const ContextHandle& c, seal::GaloisKeys& into, const seal::GaloisKeys& from) {
  SHIM({
    if (from.parms_id() != c.ctx.key_parms_id()) fail("CorruptData", "Galois key of other parameters");
    if (into.data().size() < from.data().size()) into.data().resize(from.data().size());
    for (std::size_t i = 0; i < from.data().size(); ++i) {
      if (from.data()[i].empty()) continue;
      if (!into.data()[i].empty()) fail("CorruptData", "duplicate Galois key in key set");
      into.data()[i] = from.data()[i];
    }
    into.parms_id() = from.parms_id();
  });
}
void delete_secret_key(seal::SecretKey* k) {
  if (k == nullptr) return;
  seal::Plaintext& d = k->data();
  if (d.coeff_count() != 0) {
    volatile std::uint64_t* p = d.data();
    for (std::size_t i = 0; i < d.coeff_count(); ++i) p[i] = 0;
  }
  delete k;
}
void delete_public_key(seal::PublicKey* k) { delete k; }
void delete_relin_keys(seal::RelinKeys* k) { delete k; }
void delete_galois_keys(seal::GaloisKeys* k) { delete k; }

// ------------------------------------------------------------------------------------------ encryption

seal::Encryptor* new_encryptor(const ContextHandle& c, const seal::PublicKey* pk, const seal::SecretKey* sk) {
  SHIM({
    if (pk != nullptr && sk != nullptr) return new seal::Encryptor(c.ctx, *pk, *sk);
    if (pk != nullptr) return new seal::Encryptor(c.ctx, *pk);
    if (sk != nullptr) return new seal::Encryptor(c.ctx, *sk);
    fail("MissingKey", "an encryptor needs a public key or a secret key");
  });
}
void delete_encryptor(seal::Encryptor* e) { delete e; }
void encrypt(const ContextHandle& c, const seal::Encryptor& e, const seal::Plaintext& p, seal::Ciphertext& out) {
  SHIM({
    c.level_of(p.parms_id());
    e.encrypt(p, out);
  });
}
void encrypt_symmetric(const ContextHandle& c, const seal::Encryptor& e, const seal::Plaintext& p,
                       seal::Ciphertext& out) {
  SHIM({
    c.level_of(p.parms_id());
    e.encrypt_symmetric(p, out);
  });
}
void encrypt_zero(const ContextHandle& c, const seal::Encryptor& e, std::size_t level, seal::Ciphertext& out) {
  SHIM({
    e.encrypt_zero(c.at(level), out);
    out.scale() = 1.0;
  });
}
seal::Decryptor* new_decryptor(const ContextHandle& c, const seal::SecretKey& sk) {
  SHIM(return new seal::Decryptor(c.ctx, sk););
}
void delete_decryptor(seal::Decryptor* d) { delete d; }
void decrypt(const ContextHandle& c, const seal::Decryptor& d, const seal::Ciphertext& ct, seal::Plaintext& out) {
  SHIM({
    level(c, ct);
    const_cast<seal::Decryptor&>(d).decrypt(ct, out);  // SEAL's decrypt is not const; it is thread-safe
  });
}

// ------------------------------------------------------------------------------------------ encoding

void encode(const ContextHandle& c, const double* values, std::size_t count, double scale, std::size_t level,
            seal::Plaintext& out) {
  SHIM({
    require(values != nullptr || count == 0, "values are null");
    require(count <= c.encoder.slot_count(), "more values than slots");
    c.encoder.encode(std::vector<double>(values, values + count), c.at(level), scale, out);
  });
}
void encode_complex(const ContextHandle& c, const double* interleaved, std::size_t count, double scale,
                    std::size_t level, seal::Plaintext& out) {
  SHIM({
    require(interleaved != nullptr || count == 0, "values are null");
    require(count <= c.encoder.slot_count(), "more values than slots");
    std::vector<std::complex<double>> v(count);
    for (std::size_t i = 0; i < count; ++i) v[i] = {interleaved[2 * i], interleaved[2 * i + 1]};
    c.encoder.encode(v, c.at(level), scale, out);
  });
}
void encode_constant(const ContextHandle& c, double value, double scale, std::size_t level, seal::Plaintext& out) {
  SHIM(c.encoder.encode(value, c.at(level), scale, out););
}
void decode(const ContextHandle& c, const seal::Plaintext& p, double* out, std::size_t count) {
  SHIM({
    require(count <= c.encoder.slot_count(), "more values asked for than there are slots");
    c.level_of(p.parms_id());
    std::vector<double> v;
    c.encoder.decode(p, v);
    std::memcpy(out, v.data(), count * sizeof(double));
  });
}
void decode_complex(const ContextHandle& c, const seal::Plaintext& p, double* out, std::size_t count) {
  SHIM({
    require(count <= c.encoder.slot_count(), "more values asked for than there are slots");
    c.level_of(p.parms_id());
    std::vector<std::complex<double>> v;
    c.encoder.decode(p, v);
    for (std::size_t i = 0; i < count; ++i) {
      out[2 * i] = v[i].real();
      out[2 * i + 1] = v[i].imag();
    }
  });
}

// ------------------------------------------------------------------------------------------ evaluation

void add(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out) {
  SHIM(add_like(c, a, b, out, false););
}
void sub(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out) {
  SHIM(add_like(c, a, b, out, true););
}
void negate(const ContextHandle& c, const seal::Ciphertext& a, seal::Ciphertext& out) {
  SHIM({
    level(c, a);
    into(a, nullptr, out, [&](seal::Ciphertext& t) { c.evaluator.negate_inplace(t); });
  });
}
void add_plain(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p, seal::Ciphertext& out) {
  SHIM(plain_op(c, a, p, out, 0););
}
void sub_plain(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p, seal::Ciphertext& out) {
  SHIM(plain_op(c, a, p, out, 1););
}
void multiply_plain(const ContextHandle& c, const seal::Ciphertext& a, const seal::Plaintext& p,
                    seal::Ciphertext& out) {
  SHIM(plain_op(c, a, p, out, 2););
}
void add_scalar(const ContextHandle& c, const seal::Ciphertext& a, double value, seal::Ciphertext& out) {
  SHIM({
    std::size_t la = level(c, a);
    seal::Plaintext p;
    c.encoder.encode(value, c.levels[la], a.scale(), p);
    into(a, nullptr, out, [&](seal::Ciphertext& t) { allow_transparent([&] { c.evaluator.add_plain_inplace(t, p); }); });
  });
}
void multiply_scalar(const ContextHandle& c, const seal::Ciphertext& a, double value, double scale,
                     seal::Ciphertext& out) {
  SHIM({
    std::size_t la = level(c, a);
    seal::Plaintext p;
    c.encoder.encode(value, c.levels[la], scale, p);
    into(a, nullptr, out,
         [&](seal::Ciphertext& t) { allow_transparent([&] { c.evaluator.multiply_plain_inplace(t, p); }); });
  });
}
void multiply_integer(const ContextHandle& c, const seal::Ciphertext& a, long long value, seal::Ciphertext& out) {
  SHIM({
    std::size_t la = level(c, a);
    seal::Plaintext p;
    c.encoder.encode(static_cast<std::int64_t>(value), c.levels[la], p);  // the integer itself, scale 1
    into(a, nullptr, out,
         [&](seal::Ciphertext& t) { allow_transparent([&] { c.evaluator.multiply_plain_inplace(t, p); }); });
  });
}
void multiply(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b, seal::Ciphertext& out) {
  SHIM({
    check_same_level(c, a, b);
    check_size2(a);
    check_size2(b);
    into(a, &b, out, [&](seal::Ciphertext& t) {
      allow_transparent([&] { &b == &out ? c.evaluator.multiply_inplace(t, a) : c.evaluator.multiply_inplace(t, b); });
    });
  });
}
void square(const ContextHandle& c, const seal::Ciphertext& a, seal::Ciphertext& out) {
  SHIM({
    level(c, a);
    check_size2(a);
    into(a, nullptr, out, [&](seal::Ciphertext& t) { allow_transparent([&] { c.evaluator.square_inplace(t); }); });
  });
}
void relinearize(const ContextHandle& c, const seal::Ciphertext& a, const seal::RelinKeys& rk, seal::Ciphertext& out) {
  SHIM({
    level(c, a);
    into(a, nullptr, out, [&](seal::Ciphertext& t) {
      if (t.size() > 2) c.evaluator.relinearize_inplace(t, rk);
    });
  });
}
void rescale(const ContextHandle& c, const seal::Ciphertext& a, seal::Ciphertext& out) {
  SHIM({
    if (level(c, a) == 0) fail("DepthExhausted", "cannot rescale at level 0: the modulus chain is exhausted");
    into(a, nullptr, out, [&](seal::Ciphertext& t) { c.evaluator.rescale_to_next_inplace(t); });
  });
}
void multiply_relin_rescale(const ContextHandle& c, const seal::Ciphertext& a, const seal::Ciphertext& b,
                            const seal::RelinKeys& rk, seal::Ciphertext& out) {
  SHIM({
    check_same_level(c, a, b);
    if (level(c, a) == 0) fail("DepthExhausted", "cannot rescale at level 0: the modulus chain is exhausted");
    check_size2(a);
    check_size2(b);
    seal::Ciphertext t = a;
    allow_transparent([&] { c.evaluator.multiply_inplace(t, b); });
    allow_transparent([&] { c.evaluator.relinearize_inplace(t, rk); });
    allow_transparent([&] { c.evaluator.rescale_to_next_inplace(t); });
    out = std::move(t);
  });
}
namespace {
// sum_i cts[i] * (the plaintext plain_for(i, low) gives), every term brought down to the lowest level `low` first;
// the terms' scales must agree (checked, then made bit-equal, since SEAL compares them exactly).
template <typename PlainFor>
void accumulate_products(const ContextHandle& c, const std::int64_t* cts, std::size_t count, const char* op,
                         PlainFor plain_for, seal::Ciphertext& out) {
  std::size_t low = SIZE_MAX;
  for (std::size_t i = 0; i < count; ++i) {
    check_size2(at_address(cts[i]));
    low = std::min(low, level(c, at_address(cts[i])));
  }
  seal::Ciphertext acc;  // SEAL's moved-from objects have no memory pool: never reuse one
  double scale = 0;
  for (std::size_t i = 0; i < count; ++i) {
    seal::Ciphertext term;
    const seal::Ciphertext& a = at_address(cts[i]);
    if (level(c, a) != low) {
      allow_transparent([&] { c.evaluator.mod_switch_to(a, c.levels[low], term); });
    } else {
      term = a;
    }
    seal::Plaintext tmp;
    const seal::Plaintext& q = plain_for(i, low, tmp);
    allow_transparent([&] { c.evaluator.multiply_plain_inplace(term, q); });
    if (i == 0) {
      scale = term.scale();
      acc = std::move(term);
    } else {
      check_scales(scale, term.scale(), op);
      term.scale() = scale;
      allow_transparent([&] { c.evaluator.add_inplace(acc, term); });
    }
  }
  out = std::move(acc);
}
}  // namespace

void multiply_plain_accumulate(const ContextHandle& c, const std::int64_t* cts, const std::int64_t* pts,
                               std::size_t count, seal::Ciphertext& out) {
  SHIM({
    require(cts != nullptr && pts != nullptr && count > 0, "operands are null or empty");
    accumulate_products(
        c, cts, count, "multiplyPlainAccumulate",
        [&](std::size_t i, std::size_t low, seal::Plaintext& tmp) -> const seal::Plaintext& {
          const auto& p = *reinterpret_cast<const seal::Plaintext*>(static_cast<std::intptr_t>(pts[i]));
          return plain_at(c, p, low, tmp);
        },
        out);
  });
}
void multiply_scalar_accumulate(const ContextHandle& c, const std::int64_t* cts, const double* values,
                                const double* scales, std::size_t count, seal::Ciphertext& out) {
  SHIM({
    require(cts != nullptr && values != nullptr && scales != nullptr && count > 0, "operands are null or empty");
    accumulate_products(
        c, cts, count, "multiplyScalarAccumulate",
        [&](std::size_t i, std::size_t low, seal::Plaintext& tmp) -> const seal::Plaintext& {
          c.encoder.encode(values[i], c.levels[low], scales[i], tmp);
          return tmp;
        },
        out);
  });
}
void mod_switch_to(const ContextHandle& c, const seal::Ciphertext& a, std::size_t lvl, seal::Ciphertext& out) {
  SHIM({
    std::size_t la = level(c, a);
    if (lvl > la)
      fail("InvalidArgument", "cannot switch up from level " + std::to_string(la) + " to " + std::to_string(lvl));
    into(a, nullptr, out, [&](seal::Ciphertext& t) {
      if (lvl != la) c.evaluator.mod_switch_to_inplace(t, c.levels[lvl]);
    });
  });
}
void mod_switch_plain_to(const ContextHandle& c, seal::Plaintext& p, std::size_t lvl) {
  SHIM({
    std::size_t lp = c.level_of(p.parms_id());
    if (lvl > lp)
      fail("InvalidArgument", "cannot switch up from level " + std::to_string(lp) + " to " + std::to_string(lvl));
    if (lvl != lp) c.evaluator.mod_switch_to_inplace(p, c.levels[lvl]);
  });
}
void align_inplace(const ContextHandle& c, seal::Ciphertext& a, seal::Ciphertext& b) {
  SHIM({
    std::size_t la = level(c, a), lb = level(c, b);
    if (la > lb) allow_transparent([&] { c.evaluator.mod_switch_to_inplace(a, c.levels[lb]); });
    if (lb > la) allow_transparent([&] { c.evaluator.mod_switch_to_inplace(b, c.levels[la]); });
    check_scales(a.scale(), b.scale(), "align");
  });
}
void set_scale(const ContextHandle& c, seal::Ciphertext& a, double scale) {
  SHIM({
    level(c, a);
    require(scale > 0 && std::isfinite(scale), "scale must be finite and positive");
    a.scale() = scale;
  });
}
void rotate(const ContextHandle& c, const seal::Ciphertext& a, long long steps, const seal::GaloisKeys& gk,
            seal::Ciphertext& out) {
  SHIM({
    level(c, a);
    check_size2(a);
    long long slots = static_cast<long long>(c.encoder.slot_count());
    long long s = ((steps % slots) + slots) % slots;
    into(a, nullptr, out, [&](seal::Ciphertext& t) {
      if (s == 0) return;
      check_galois(gk, galois_element_for_step(c, s), "this rotation");
      c.evaluator.rotate_vector_inplace(t, static_cast<int>(s), gk);
    });
  });
}
void rotate_hoisted(const ContextHandle& c, const seal::Ciphertext& a, const std::int64_t* steps, std::size_t count,
                    const seal::GaloisKeys& gk, const std::int64_t* outs) {
  SHIM({
    require(steps != nullptr && outs != nullptr, "operands are null");
    std::vector<seal::Ciphertext> r(count);
    for (std::size_t i = 0; i < count; ++i) rotate(c, a, steps[i], gk, r[i]);
    for (std::size_t i = 0; i < count; ++i)
      *reinterpret_cast<seal::Ciphertext*>(static_cast<std::intptr_t>(outs[i])) = std::move(r[i]);
  });
}
void rotate_sum(const ContextHandle& c, const seal::Ciphertext& a, const std::int64_t* steps, std::size_t count,
                const seal::GaloisKeys& gk, seal::Ciphertext& out) {
  SHIM({
    require(steps != nullptr && count > 0, "no rotation steps");
    seal::Ciphertext acc, t;
    rotate(c, a, steps[0], gk, acc);
    for (std::size_t i = 1; i < count; ++i) {
      rotate(c, a, steps[i], gk, t);
      allow_transparent([&] { c.evaluator.add_inplace(acc, t); });
    }
    out = std::move(acc);
  });
}
void conjugate(const ContextHandle& c, const seal::Ciphertext& a, const seal::GaloisKeys& gk, seal::Ciphertext& out) {
  SHIM({
    level(c, a);
    check_size2(a);
    check_galois(gk, galois_element_conjugate(c), "conjugation");
    into(a, nullptr, out, [&](seal::Ciphertext& t) { c.evaluator.complex_conjugate_inplace(t, gk); });
  });
}
void apply_galois(const ContextHandle& c, const seal::Ciphertext& a, std::uint64_t elt, const seal::GaloisKeys& gk,
                  seal::Ciphertext& out) {
  SHIM({
    level(c, a);
    check_size2(a);
    require(elt > 1 && elt < 2 * context_n(c) && (elt & 1) == 1, "a Galois element must be odd and in (1, 2N)");
    check_galois(gk, elt, "this Galois element");
    into(a, nullptr, out, [&](seal::Ciphertext& t) {
      c.evaluator.apply_galois_inplace(t, static_cast<std::uint32_t>(elt), gk);
    });
  });
}

// ------------------------------------------------------------------------------------------ serialization

Bytes* save_plaintext(const seal::Plaintext& p, bool zlib) { return save_object(p, zlib); }
Bytes* save_ciphertext(const seal::Ciphertext& ct, bool zlib) { return save_object(ct, zlib); }
Bytes* save_secret_key(const seal::SecretKey& k, bool zlib) { return save_object(k, zlib); }
Bytes* save_public_key(const seal::PublicKey& k, bool zlib) { return save_object(k, zlib); }
Bytes* save_relin_keys(const seal::RelinKeys& k, bool zlib) { return save_object(k, zlib); }
Bytes* save_galois_keys(const seal::GaloisKeys& k, bool zlib) { return save_object(k, zlib); }

// SEAL's load() checks the header, decompresses within the declared size and validates the object against the
// context (is_valid_for); the shim adds that plaintexts and ciphertexts sit on the data chain.
void load_plaintext(const ContextHandle& c, const signed char* data, std::size_t size, seal::Plaintext& out) {
  SHIM_LOAD({
    require(data != nullptr, "data is null");
    seal::Plaintext p;
    p.load(c.ctx, as_bytes(data), size);
    if (!p.is_ntt_form()) fail("CorruptData", "a CKKS plaintext must be in NTT form");
    c.level_of(p.parms_id());
    out = std::move(p);
  });
}
void load_ciphertext(const ContextHandle& c, const signed char* data, std::size_t size, seal::Ciphertext& out) {
  SHIM_LOAD({
    require(data != nullptr, "data is null");
    seal::Ciphertext ct;
    ct.load(c.ctx, as_bytes(data), size);
    if (!ct.is_ntt_form()) fail("CorruptData", "a CKKS ciphertext must be in NTT form");
    c.level_of(ct.parms_id());
    out = std::move(ct);
  });
}
template <class K>
K* load_key(const ContextHandle& c, const signed char* data, std::size_t size) {
  SHIM_LOAD({
    require(data != nullptr, "data is null");
    auto k = std::make_unique<K>();
    k->load(c.ctx, as_bytes(data), size);
    return k.release();
  });
}
seal::SecretKey* load_secret_key(const ContextHandle& c, const signed char* data, std::size_t size) {
  return load_key<seal::SecretKey>(c, data, size);
}
seal::PublicKey* load_public_key(const ContextHandle& c, const signed char* data, std::size_t size) {
  return load_key<seal::PublicKey>(c, data, size);
}
seal::RelinKeys* load_relin_keys(const ContextHandle& c, const signed char* data, std::size_t size) {
  return load_key<seal::RelinKeys>(c, data, size);
}
seal::GaloisKeys* load_galois_keys(const ContextHandle& c, const signed char* data, std::size_t size) {
  return load_key<seal::GaloisKeys>(c, data, size);
}

const char* seal_version() { return "SEAL " SEAL_VERSION; }

}  // namespace sealjni
}  // namespace hnn
