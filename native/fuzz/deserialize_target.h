// The deserialization fuzz target, shared by the libFuzzer entry point, the standalone driver and the
// serialization tests: load bytes as a given object type against a fixed toy context and classify the
// outcome. The oracle beyond "no crash, no UB, only the documented exceptions": an uncompressed blob that
// loads must be the canonical encoding of what was loaded (save(load(x)) == x byte for byte).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hnn/ckks/encoder.h"
#include "hnn/ckks/evaluator.h"
#include "hnn/rlwe/context.h"
#include "hnn/rlwe/encryptor.h"
#include "hnn/rlwe/key_generator.h"
#include "hnn/serial/serialization.h"

namespace hnn_fuzz {

/// Thrown when the canonical-encoding oracle fails (a bug, not bad input).
struct OracleFailure : std::logic_error {
  using std::logic_error::logic_error;
};

enum class Outcome { kLoaded, kCorrupt, kIncompatible };

/// A toy context (N = 1024, three 30-bit primes, no security check) and one valid blob of each kind.
struct Env {
  hnn::ContextPtr ctx;
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seeds;  // name, blob
};

inline hnn::ContextPtr make_toy_context(std::size_t n = 1024, std::vector<int> bits = {30, 30, 30}) {
  hnn::EncryptionParameters p(n);
  p.set_coeff_modulus(hnn::coeff_modulus::create(n, bits));
  return hnn::Context::create(p, hnn::SecurityLevel::kNone);
}

inline const Env& env() {
  static const Env e = [] {
    Env r;
    r.ctx = make_toy_context();
    const hnn::Context& ctx = *r.ctx;
    hnn::KeyGenerator kg(r.ctx);
    hnn::PublicKey pk;
    kg.create_public_key(pk);
    hnn::RelinKeys rk;
    kg.create_relin_keys(rk);
    hnn::GaloisKeys gk;
    kg.create_galois_keys({1, -1}, true, gk);
    hnn::CkksEncoder enc(r.ctx);
    std::vector<double> v(ctx.slot_count());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.1 * static_cast<double>(i));
    hnn::Plaintext pt;
    enc.encode(v, std::ldexp(1.0, 20), ctx.max_level(), pt);
    hnn::Encryptor encryptor(r.ctx, pk, kg.secret_key());
    hnn::Ciphertext ct, cts, ct3, ct0;
    encryptor.encrypt(pt, ct);
    encryptor.encrypt_symmetric(pt, cts);
    hnn::CkksEvaluator ev(r.ctx);
    ev.multiply(ct, ct, ct3);
    ct0 = ct;
    ev.mod_switch_to_inplace(ct0, 0);
    for (auto c : {hnn::Compression::kNone, hnn::Compression::kZlib}) {
      const std::string z = c == hnn::Compression::kZlib ? "+zlib" : "";
      r.seeds.emplace_back("parameters" + z, hnn::save(ctx.parameters(), c));
      r.seeds.emplace_back("plaintext" + z, hnn::save(ctx, pt, c));
      r.seeds.emplace_back("ciphertext" + z, hnn::save(ctx, ct, c));
      r.seeds.emplace_back("ciphertext seeded" + z, hnn::save(ctx, cts, c));
      r.seeds.emplace_back("ciphertext size 3" + z, hnn::save(ctx, ct3, c));
      r.seeds.emplace_back("ciphertext level 0" + z, hnn::save(ctx, ct0, c));
      r.seeds.emplace_back("secret key" + z, hnn::save(ctx, kg.secret_key(), c));
      r.seeds.emplace_back("public key" + z, hnn::save(ctx, pk, c));
      r.seeds.emplace_back("relin keys" + z, hnn::save(ctx, rk, c));
      r.seeds.emplace_back("galois keys" + z, hnn::save(ctx, gk, c));
    }
    return r;
  }();
  return e;
}

namespace detail {

inline bool uncompressed(const std::uint8_t* data, std::size_t size) {
  return size >= hnn::serial::kHeaderSize && data[7] == static_cast<std::uint8_t>(hnn::Compression::kNone);
}

inline void check_canonical(const std::vector<std::uint8_t>& again, const std::uint8_t* data, std::size_t size,
                            hnn::ObjectType type) {
  if (!uncompressed(data, size)) return;
  if (again.size() != size || !std::equal(again.begin(), again.end(), data))
    throw OracleFailure(std::string("accepted ") + hnn::object_type_name(type) +
                        " blob is not the canonical encoding of what it loaded");
}

// Bytes a stream load consumed: it reads exactly one object and leaves the rest.
inline std::size_t stream_position(std::istream& is, std::size_t size) {
  is.clear();
  const auto pos = is.tellg();
  return pos < 0 ? size : static_cast<std::size_t>(pos);
}

template <typename T>
void load_and_check(const hnn::Context& ctx, const std::uint8_t* data, std::size_t size, hnn::ObjectType type,
                    bool via_stream) {
  T obj;
  std::size_t consumed = size;
  if (via_stream) {
    std::istringstream is(std::string(reinterpret_cast<const char*>(data), size));
    hnn::load(ctx, is, obj);
    consumed = stream_position(is, size);
  } else {
    hnn::load(ctx, data, size, obj);
  }
  check_canonical(hnn::save(ctx, obj, hnn::Compression::kNone), data, consumed, type);
}

}  // namespace detail

/// Loads [data, data + size) as `type`. Returns how it was rejected, or kLoaded. Exceptions other than
/// CorruptDataError / IncompatibleObjectsError propagate (they are bugs), as does OracleFailure.
inline Outcome try_load(const hnn::Context& ctx, hnn::ObjectType type, const std::uint8_t* data, std::size_t size,
                        bool via_stream = false) {
  using hnn::ObjectType;
  try {
    switch (type) {
      case ObjectType::kParameters: {
        hnn::EncryptionParameters p;
        if (via_stream) {
          std::istringstream is(std::string(reinterpret_cast<const char*>(data), size));
          p = hnn::load_parameters(is);
          size = detail::stream_position(is, size);
        } else {
          p = hnn::load_parameters(data, size);
        }
        detail::check_canonical(hnn::save(p), data, size, type);
        break;
      }
      case ObjectType::kPlaintext: detail::load_and_check<hnn::Plaintext>(ctx, data, size, type, via_stream); break;
      case ObjectType::kCiphertext: detail::load_and_check<hnn::Ciphertext>(ctx, data, size, type, via_stream); break;
      case ObjectType::kSecretKey: detail::load_and_check<hnn::SecretKey>(ctx, data, size, type, via_stream); break;
      case ObjectType::kPublicKey: detail::load_and_check<hnn::PublicKey>(ctx, data, size, type, via_stream); break;
      case ObjectType::kRelinKeys: detail::load_and_check<hnn::RelinKeys>(ctx, data, size, type, via_stream); break;
      case ObjectType::kGaloisKeys: detail::load_and_check<hnn::GaloisKeys>(ctx, data, size, type, via_stream); break;
    }
  } catch (const hnn::CorruptDataError&) {
    return Outcome::kCorrupt;
  } catch (const hnn::IncompatibleObjectsError&) {
    return Outcome::kIncompatible;
  }
  return Outcome::kLoaded;
}

/// The fuzz target proper: the input as every object type, from memory and from a stream, then once more
/// with its checksum recomputed so that the validators behind the checksum see the fuzzer's edits.
/// Returns the number of successful loads.
inline int run_all(const std::uint8_t* data, std::size_t size) {
  const Env& e = env();
  int loaded = 0;
  std::vector<std::uint8_t> copy(data, data + size);
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      if (copy.size() < hnn::serial::kHeaderSize) break;
      hnn::serial::seal_checksum(copy.data(), copy.size());
    }
    for (int t = 1; t <= 7; ++t) {
      const auto type = static_cast<hnn::ObjectType>(t);
      loaded += try_load(*e.ctx, type, copy.data(), copy.size(), false) == Outcome::kLoaded;
      // The stream path reads one object and leaves what follows, so it may accept trailing bytes the
      // buffer path rejects; otherwise it goes through the same checks.
      loaded += try_load(*e.ctx, type, copy.data(), copy.size(), true) == Outcome::kLoaded;
    }
  }
  return loaded;
}

}  // namespace hnn_fuzz
