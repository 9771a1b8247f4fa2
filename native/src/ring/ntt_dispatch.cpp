#include "hnn/ring/simd.h"
#include "ntt_kernels.h"

namespace hnn::ntt_kernels {

void forward(const NttTables& t, std::uint64_t* a) { forward_portable(t, a); }
void inverse(const NttTables& t, std::uint64_t* a) { inverse_portable(t, a); }

}  // namespace hnn::ntt_kernels
