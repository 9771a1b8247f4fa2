#include <cstring>
#include <exception>

#include "test_framework.h"

int main(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : nullptr;
  int passed = 0, failed = 0;
  for (auto& [name, fn] : hnn_test::Registry::get().tests) {
    if (filter && std::strstr(name.c_str(), filter) == nullptr) continue;
    try {
      fn();
      ++passed;
      std::cout << "[ ok ] " << name << std::endl;
    } catch (const hnn_test::Failure& f) {
      ++failed;
      std::cout << "[FAIL] " << name << ": " << f.message << std::endl;
    } catch (const std::exception& e) {
      ++failed;
      std::cout << "[FAIL] " << name << ": unexpected exception: " << e.what() << std::endl;
    }
  }
  std::cout << passed << " passed, " << failed << " failed" << std::endl;
  return failed == 0 ? 0 : 1;
}
