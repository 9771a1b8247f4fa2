#include "hnn/ring/simd.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace hnn {
namespace {

SimdLevel detect() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  [[maybe_unused]] const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#if defined(HNN_HAVE_AVX512_KERNELS)
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
  if (avx512) {
#if defined(HNN_HAVE_IFMA_KERNELS)
    if (__builtin_cpu_supports("avx512ifma")) return SimdLevel::kAvx512Ifma;
#endif
    return SimdLevel::kAvx512;
  }
#endif
#if defined(HNN_HAVE_AVX2_KERNELS)
  if (avx2) return SimdLevel::kAvx2;
#endif
#endif
  return SimdLevel::kPortable;
}

SimdLevel from_env(SimdLevel detected) {
  const char* v = std::getenv("HNN_SIMD");
  if (!v) return detected;
  SimdLevel want = detected;
  if (std::strcmp(v, "portable") == 0) want = SimdLevel::kPortable;
  else if (std::strcmp(v, "avx2") == 0) want = SimdLevel::kAvx2;
  else if (std::strcmp(v, "avx512") == 0) want = SimdLevel::kAvx512;
  else if (std::strcmp(v, "ifma") == 0) want = SimdLevel::kAvx512Ifma;
  return static_cast<int>(want) < static_cast<int>(detected) ? want : detected;
}

std::atomic<int>& active() {
  static std::atomic<int> level{static_cast<int>(from_env(detected_simd_level()))};
  return level;
}

}  // namespace

SimdLevel detected_simd_level() {
  static const SimdLevel level = detect();
  return level;
}

SimdLevel active_simd_level() { return static_cast<SimdLevel>(active().load(std::memory_order_relaxed)); }

void set_simd_level(SimdLevel level) {
  int want = static_cast<int>(level), best = static_cast<int>(detected_simd_level());
  active().store(want < best ? want : best);
}

std::string to_string(SimdLevel level) {
  switch (level) {
    case SimdLevel::kPortable: return "portable";
    case SimdLevel::kAvx2: return "avx2";
    case SimdLevel::kAvx512: return "avx512";
    case SimdLevel::kAvx512Ifma: return "avx512-ifma";
  }
  return "unknown";
}

}  // namespace hnn
