// A minimal self-registering test harness, so the native tests need nothing beyond the compiler.
// Each test program prints one line per test and a closing "N passed, N failed" line; CTest runs them.
#pragma once
#include <cmath>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace hnn_test {

struct Failure {
  std::string message;
};

struct Registry {
  std::vector<std::pair<std::string, std::function<void()>>> tests;
  static Registry& get() {
    static Registry r;
    return r;
  }
};

struct Registrar {
  Registrar(const char* name, std::function<void()> fn) { Registry::get().tests.emplace_back(name, std::move(fn)); }
};

inline std::string where(const char* file, int line) {
  std::ostringstream os;
  os << file << ":" << line << ": ";
  return os.str();
}

}  // namespace hnn_test

#define HNN_CONCAT2(a, b) a##b
#define HNN_CONCAT(a, b) HNN_CONCAT2(a, b)
#define TEST(name)                                                                          \
  static void name();                                                                       \
  static ::hnn_test::Registrar HNN_CONCAT(registrar_, name)(#name, name);                   \
  static void name()

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) throw ::hnn_test::Failure{::hnn_test::where(__FILE__, __LINE__) + "CHECK(" #cond ")"}; \
  } while (0)

#define CHECK_EQ(a, b)                                                                           \
  do {                                                                                           \
    auto&& va_ = (a);                                                                            \
    auto&& vb_ = (b);                                                                            \
    if (!(va_ == vb_)) {                                                                         \
      std::ostringstream os_;                                                                    \
      os_ << ::hnn_test::where(__FILE__, __LINE__) << "CHECK_EQ(" #a ", " #b "): " << va_ << " != " << vb_; \
      throw ::hnn_test::Failure{os_.str()};                                                      \
    }                                                                                            \
  } while (0)

#define CHECK_LT(a, b)                                                                           \
  do {                                                                                           \
    auto&& va_ = (a);                                                                            \
    auto&& vb_ = (b);                                                                            \
    if (!(va_ < vb_)) {                                                                          \
      std::ostringstream os_;                                                                    \
      os_ << ::hnn_test::where(__FILE__, __LINE__) << "CHECK_LT(" #a ", " #b "): " << va_ << " >= " << vb_; \
      throw ::hnn_test::Failure{os_.str()};                                                      \
    }                                                                                            \
  } while (0)

// Runs `stmt` and requires it to throw `type`.
#define CHECK_THROWS(stmt, type)                                                                 \
  do {                                                                                           \
    bool thrown_ = false;                                                                        \
    try {                                                                                        \
      stmt;                                                                                      \
    } catch (const type&) {                                                                      \
      thrown_ = true;                                                                            \
    }                                                                                            \
    if (!thrown_) throw ::hnn_test::Failure{::hnn_test::where(__FILE__, __LINE__) + "expected " #type " from " #stmt}; \
  } while (0)
