// Binding-only helpers of non-interactive bootstrapping (hnn/boot) for dev.hnn.ckks.Bootstrapper and the
// bootstrapping keys of dev.hnn.ckks.CkksContext. Included at the end of hnn_jni.h, whose ContextHandle,
// Bytes and require() they use.
//
// The Java side owns each Bootstrapper and SparseSecretEncapsulation through a handle and frees it with the
// delete_* function here; the keys bootstrap() uses stay owned by the context and are passed per call.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "hnn/boot/bootstrapper.h"
#include "hnn/boot/sparse_secret.h"

namespace hnn {
namespace jni {

inline boot::BootstrapParameters bootstrap_parameters(std::size_t slots, std::size_t cts_levels,
                                                      std::size_t stc_levels, double message_scale,
                                                      bool cache_plaintexts) {
  boot::BootstrapParameters p;
  p.slots = slots;
  p.cts_levels = cts_levels;
  p.stc_levels = stc_levels;
  p.message_scale = message_scale;
  p.cache_plaintexts = cache_plaintexts;
  return p;
}

/// Checks the parameters against the context (InvalidParametersError saying what is missing) and encodes the
/// transforms (all of them at once with cache_plaintexts).
inline boot::Bootstrapper* new_bootstrapper(const ContextHandle& c, std::size_t slots, std::size_t cts_levels,
                                            std::size_t stc_levels, double message_scale, bool cache_plaintexts) {
  return new boot::Bootstrapper(c.ptr(),
                                bootstrap_parameters(slots, cts_levels, stc_levels, message_scale, cache_plaintexts));
}
inline void delete_bootstrapper(boot::Bootstrapper* b) { delete b; }

/// Levels a context needs above level 0 for this level budget (the same for every N and slot count).
inline std::size_t bootstrap_required_depth(std::size_t cts_levels, std::size_t stc_levels) {
  return boot::Bootstrapper::required_depth(bootstrap_parameters(0, cts_levels, stc_levels, 0x1p40, false));
}
inline std::size_t bootstrap_depth(const boot::Bootstrapper& b) { return b.depth(); }
inline std::size_t bootstrap_output_level(const boot::Bootstrapper& b) { return b.output_level(); }
inline std::size_t bootstrap_galois_element_count(const boot::Bootstrapper& b) { return b.galois_elements().size(); }
/// Writes the Galois elements the bootstrapper's keys must cover to out[0 .. count) (count = the element count).
inline void bootstrap_galois_elements(const boot::Bootstrapper& b, std::int64_t* out, std::size_t count) {
  const std::vector<std::uint64_t> e = b.galois_elements();
  require(out != nullptr && count == e.size(), "the output must hold exactly the Galois element count");
  for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<std::int64_t>(e[i]);
}

/// Refreshes `in` to the bootstrapper's output level through the sparse-secret encapsulation. The engine checks
/// that the ciphertext, keys and encapsulation belong to the bootstrapper's parameters (IncompatibleObjectsError),
/// and that every key is present before any work (MissingKeyError).
inline void bootstrap(const boot::Bootstrapper& b, const Ciphertext& in, const GaloisKeys& gk, const RelinKeys& rk,
                      const boot::SparseSecretEncapsulation& encapsulation, Ciphertext& out) {
  b.bootstrap(in, gk, rk, encapsulation, out);
}

/// Built by the key holder from its secret key; the small context is checked at the context's own security level.
inline boot::SparseSecretEncapsulation* create_encapsulation(const ContextHandle& c, const SecretKey& sk) {
  return new boot::SparseSecretEncapsulation(c.ptr(), sk, boot::SparseSecretEncapsulation::kDefaultHammingWeight,
                                             c.context().security_level());
}
inline Bytes* save_encapsulation(const boot::SparseSecretEncapsulation& e) { return new Bytes(e.save()); }
inline boot::SparseSecretEncapsulation* load_encapsulation(const ContextHandle& c, const signed char* data,
                                                           std::size_t size) {
  require(data != nullptr || size == 0, "data is null");
  return new boot::SparseSecretEncapsulation(
      boot::SparseSecretEncapsulation::load(c.ptr(), as_bytes(data), size, c.context().security_level()));
}
inline void delete_encapsulation(boot::SparseSecretEncapsulation* e) { delete e; }

}  // namespace jni
}  // namespace hnn
