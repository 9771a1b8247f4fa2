// Smoke test of the SEAL shim: encode/encrypt/decrypt, a multiplication with relinearization and rescaling, a
// rotation, serialization round trips, and the error tags the Java side relies on.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hnn/seal/seal_shim.h"

using namespace hnn::sealjni;

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what);
    ++failures;
  }
}
template <class F>
void expect_tag(const char* tag, F&& f, const char* what) {
  try {
    f();
    check(false, what);
  } catch (const std::exception& e) {
    std::string want = std::string("hnn:") + tag + ":";
    if (std::strncmp(e.what(), want.c_str(), want.size()) != 0) {
      std::printf("FAIL: %s: got '%s'\n", what, e.what());
      ++failures;
    }
  }
}
}  // namespace

int main() {
  int bits[] = {60, 40, 40, 60};
  std::unique_ptr<ContextHandle, void (*)(ContextHandle*)> c(new_context(8192, bits, 4, 1, true), delete_context);
  check(context_max_level(*c) == 2 && context_slot_count(*c) == 4096, "context shape");
  auto* sk = generate_secret_key(*c);
  auto* pk = create_public_key(*c, *sk);
  auto* rk = create_relin_keys(*c, *sk);
  std::int64_t elt = static_cast<std::int64_t>(galois_element_for_step(*c, 1));
  auto* gk = create_galois_keys(*c, *sk, &elt, 1);
  auto* enc = new_encryptor(*c, pk, sk);
  auto* dec = new_decryptor(*c, *sk);

  std::vector<double> v(16);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.1 * static_cast<double>(i) - 0.5;
  auto* p = new_plaintext();
  encode(*c, v.data(), v.size(), std::ldexp(1.0, 40), 1, *p);
  auto* ct = new_ciphertext();
  encrypt(*c, *enc, *p, *ct);
  check(ciphertext_level(*c, *ct) == 1 && ciphertext_size(*ct) == 2, "fresh ciphertext");
  decrypt(*c, *dec, *ct, *p);
  std::vector<double> out(16);
  decode(*c, *p, out.data(), out.size());
  double err = 0;
  for (std::size_t i = 0; i < v.size(); ++i) err = std::max(err, std::abs(out[i] - v[i]));
  check(err < 1e-6, "encrypt/decrypt round trip");

  auto* sq = new_ciphertext();
  multiply_relin_rescale(*c, *ct, *ct, *rk, *sq);
  rotate(*c, *sq, 1, *gk, *sq);
  decrypt(*c, *dec, *sq, *p);
  decode(*c, *p, out.data(), out.size());
  err = 0;
  for (std::size_t i = 0; i + 1 < v.size(); ++i) err = std::max(err, std::abs(out[i] - v[i + 1] * v[i + 1]));
  check(err < 1e-5, "square then rotate");

  Bytes* b = save_ciphertext(*ct, true);
  auto* back = new_ciphertext();
  load_ciphertext(*c, reinterpret_cast<const signed char*>(b->data()), b->size(), *back);
  check(ciphertext_level(*c, *back) == 1, "ciphertext round trip");
  (*b)[b->size() / 2] ^= 0x5a;
  expect_tag("CorruptData", [&] { load_ciphertext(*c, reinterpret_cast<const signed char*>(b->data()), b->size(), *back); },
             "altered ciphertext");
  expect_tag("CorruptData", [&] { load_ciphertext(*c, reinterpret_cast<const signed char*>(b->data()), 10, *back); },
             "truncated ciphertext");
  delete_bytes(b);

  expect_tag("DepthExhausted", [&] { rescale(*c, *sq, *sq); }, "rescale at level 0");
  expect_tag("IncompatibleObjects", [&] { add(*c, *ct, *sq, *sq); }, "add across levels");
  expect_tag("MissingKey", [&] { rotate(*c, *ct, 2, *gk, *sq); }, "rotation without key");
  expect_tag("InvalidParameters", [&] { new_context(8192, bits, 4, 2, true); }, "two special primes");
  int big[] = {60, 60, 60, 60, 60};
  expect_tag("InvalidParameters", [&] { new_context(4096, big, 5, 1, true); }, "insecure parameters");

  delete_ciphertext(back);
  delete_ciphertext(sq);
  delete_ciphertext(ct);
  delete_plaintext(p);
  delete_decryptor(dec);
  delete_encryptor(enc);
  delete_galois_keys(gk);
  delete_relin_keys(rk);
  delete_public_key(pk);
  delete_secret_key(sk);
  std::printf("%s: %s\n", seal_version(), failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
