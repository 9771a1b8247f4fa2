// Run-time choice of the vector kernels. The engine detects the CPU once; tests and benchmarks can force a
// lower level to compare paths (all paths are bit-identical by contract).
#pragma once
#include <string>

namespace hnn {

enum class SimdLevel {
  kPortable = 0,   // plain C++ (128-bit products through unsigned __int128)
  kAvx2 = 1,       // AVX2 + FMA: double-precision products on 4 lanes, for primes below 2^50 (NTT, products)
  kAvx512 = 2,     // AVX-512F/DQ/VL/BW, 64-bit lanes, high products composed from 32-bit multiplies
  kAvx512Ifma = 3  // AVX-512 IFMA52: 52-bit multiply-add lanes, used for primes below 2^50
};

/// The best level this CPU supports (and this build compiled).
SimdLevel detected_simd_level();
/// The level in use: min(detected, forced). Defaults to the detected one; the environment variable
/// HNN_SIMD=portable|avx2|avx512|ifma caps it at start-up.
SimdLevel active_simd_level();
/// Caps the level in use (never above what the CPU supports). Not to be called while other threads compute.
void set_simd_level(SimdLevel level);
std::string to_string(SimdLevel level);

}  // namespace hnn
