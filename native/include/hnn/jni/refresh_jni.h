// Binding-only helpers of the client-aided refresh (hnn/ckks/refresh.h) for dev.hnn.ckks.RefreshPrimitives.
// Included at the end of hnn_jni.h, whose ContextHandle and require() they use.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hnn/ckks/refresh.h"
#include "hnn/util/memory.h"

namespace hnn {
namespace jni {

inline void refresh_sample_mask(const ContextHandle& c, int bits, Plaintext& out) {
  refresh::sample_mask(c.context(), bits, out);
}
inline void refresh_apply_mask(const ContextHandle& c, const Encryptor& public_encryptor, const Plaintext& mask,
                               int bits, Ciphertext& ct) {
  refresh::apply_mask(c.context(), public_encryptor, mask, bits, ct);
}
inline void refresh_remove_mask(const ContextHandle& c, const Plaintext& mask, Ciphertext& ct) {
  refresh::remove_mask(c.context(), mask, ct);
}
inline void refresh_reencrypt(const ContextHandle& c, const Decryptor& decryptor, const Encryptor& secret_encryptor,
                              const Ciphertext& in, std::size_t level, Ciphertext& out) {
  refresh::reencrypt(c.context(), decryptor, secret_encryptor, in, level, out);
}
/// out must hold count == n values.
inline void plaintext_integer_coefficients(const ContextHandle& c, const Plaintext& p, int shift, std::int64_t* out,
                                           std::size_t count) {
  require(out != nullptr && count == c.n(), "the output must hold exactly n values");
  require(shift >= 0, "shift must be non-negative");
  refresh::integer_coefficients(c.context(), p, static_cast<unsigned>(shift), out);
}
/// Overwrites a plaintext's coefficients (masks are secret until removed).
inline void wipe_plaintext(Plaintext& p) {
  if (!p.empty()) secure_wipe(p.data(), p.word_count() * sizeof(std::uint64_t));
}

}  // namespace jni
}  // namespace hnn
