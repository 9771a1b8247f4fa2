// CKKS encoding (Cheon-Kim-Kim-Song 2017): a vector of up to N/2 complex (or real) numbers is the image of
// a real polynomial m(X) under the canonical embedding, slot k holding m(zeta^(5^k)) for zeta = exp(i pi/N).
// encode() computes m by the inverse "special FFT", multiplies by the scale and rounds; decode() inverts.
// Shorter inputs are padded with zeros.
#pragma once
#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hnn/rlwe/context.h"
#include "hnn/rlwe/plaintext.h"

namespace hnn {

class CkksEncoder {
 public:
  explicit CkksEncoder(ContextPtr context);

  std::size_t slot_count() const { return slots_; }

  /// Throws InvalidArgumentError for too many values, NaN or infinity, a non-positive scale, or values
  /// that do not fit the modulus at `level` once scaled.
  void encode(const std::vector<double>& values, double scale, std::size_t level, Plaintext& out) const;
  void encode(const std::vector<std::complex<double>>& values, double scale, std::size_t level,
              Plaintext& out) const;
  void encode(const double* values, std::size_t count, double scale, std::size_t level, Plaintext& out) const;
  /// The same value in every slot (a constant polynomial: cheap).
  void encode_constant(double value, double scale, std::size_t level, Plaintext& out) const;

  void decode(const Plaintext& plain, std::vector<double>& out) const;
  void decode(const Plaintext& plain, std::vector<std::complex<double>>& out) const;

 private:
  void encode_complex(const std::complex<double>* values, std::size_t count, double scale, std::size_t level,
                      Plaintext& out) const;
  void coefficients_to_plaintext(const std::vector<double>& coeffs, double scale, std::size_t level,
                                 Plaintext& out) const;
  void plaintext_to_coefficients(const Plaintext& plain, std::vector<double>& coeffs) const;
  bool vector_path() const;  // the AVX-512 / AVX2 inverse FFT and residues (bit-identical to the portable path)
  void encode_split(std::vector<double>& re, std::vector<double>& im, double scale, std::size_t level,
                    Plaintext& out) const;
  void special_fft(std::complex<double>* v) const;          // coefficients -> slots
  void special_fft_inverse(std::complex<double>* v) const;  // slots -> coefficients

  ContextPtr ctx_;
  std::size_t n_, slots_;
  // Twiddles of the special FFT in the order its loops read them: for each stage (len = 2, 4, ..., N/2),
  // zeta^(5^j mod 4 len) scaled to the 2N-th roots, j < len/2; the inverse uses their conjugates.
  std::vector<std::complex<double>> twiddles_;
  // The same twiddles split for the AVX-512 inverse FFT: Re(w) and -Im(w) (the inverse multiplies by conj(w)).
  std::vector<double> tw_re_, tw_neg_im_;
  std::vector<std::uint32_t> bit_reversed_;  // i -> i with its log2(N/2) bits reversed
};

}  // namespace hnn
