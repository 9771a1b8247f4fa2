#include "hnn/ring/poly_arith.h"

namespace hnn {

void add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t s = a[i] + b[i];
    out[i] = s >= qv ? s - qv : s;
  }
}

void sub_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t d = a[i] + qv - b[i];
    out[i] = d >= qv ? d - qv : d;
  }
}

void negate_mod(const std::uint64_t* a, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] == 0 ? 0 : qv - a[i];
}

void mul_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n, const Modulus& q) {
  for (std::size_t i = 0; i < n; ++i) out[i] = q.reduce128(static_cast<u128>(a[i]) * b[i]);
}

void mul_add_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t* out, std::size_t n,
                 const Modulus& q) {
  for (std::size_t i = 0; i < n; ++i) out[i] = q.reduce128(static_cast<u128>(a[i]) * b[i] + out[i]);
}

void mul_scalar_mod(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const ShoupMultiplier w(s, q);
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) out[i] = mul_shoup(a[i], w, qv);
}

void add_scalar_mod(const std::uint64_t* a, std::uint64_t s, std::uint64_t* out, std::size_t n, const Modulus& q) {
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t v = a[i] + s;
    out[i] = v >= qv ? v - qv : v;
  }
}

void sub_mul_scalar_mod(const std::uint64_t* a, const std::uint64_t* b, std::uint64_t s, std::uint64_t* out,
                        std::size_t n, const Modulus& q) {
  const ShoupMultiplier w(s, q);
  const std::uint64_t qv = q.value();
  for (std::size_t i = 0; i < n; ++i) out[i] = mul_shoup(a[i] + qv - b[i], w, qv);
}

void mul_accumulate_u128(const std::uint64_t* a, const std::uint64_t* b, u128* acc, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) acc[i] += static_cast<u128>(a[i]) * b[i];
}

void reduce_u128(const u128* acc, std::uint64_t* out, std::size_t n, const Modulus& q) {
  for (std::size_t i = 0; i < n; ++i) out[i] = q.reduce128(acc[i]);
}

}  // namespace hnn
