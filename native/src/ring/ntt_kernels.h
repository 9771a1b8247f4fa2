// Private: the NTT kernels behind NttTables, one set per SIMD level, and the dispatcher that picks one.
#pragma once
#include <cstdint>

#include "hnn/ring/ntt.h"

namespace hnn::ntt_kernels {

void forward_portable(const NttTables& t, std::uint64_t* a);
void inverse_portable(const NttTables& t, std::uint64_t* a);

// Dispatch on active_simd_level().
void forward(const NttTables& t, std::uint64_t* a);
void inverse(const NttTables& t, std::uint64_t* a);

}  // namespace hnn::ntt_kernels
