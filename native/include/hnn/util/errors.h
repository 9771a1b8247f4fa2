// Exception hierarchy of the engine. Every error says what went wrong and, where there is one, what to do.
// Messages never contain secret material (keys, plaintext values, randomness).
#pragma once
#include <stdexcept>
#include <string>

namespace hnn {

/// Base of all engine errors.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Encryption parameters that are malformed or below the required security level.
class InvalidParametersError : public Error {
 public:
  using Error::Error;
};

/// An argument outside its documented domain (sizes, NaN, out-of-range steps, null objects ...).
class InvalidArgumentError : public Error {
 public:
  using Error::Error;
};

/// Objects that cannot be combined: other context, other level, other scale, wrong NTT form.
class IncompatibleObjectsError : public Error {
 public:
  using Error::Error;
};

/// The modulus chain is exhausted or a scale no longer fits the remaining modulus.
class DepthExhaustedError : public Error {
 public:
  using Error::Error;
};

/// Serialized bytes that are truncated, altered, or belong to another context.
class CorruptDataError : public Error {
 public:
  using Error::Error;
};

/// A required key (relinearization, Galois element) was not generated.
class MissingKeyError : public Error {
 public:
  using Error::Error;
};

}  // namespace hnn
