// Fuzz harness for deserialization of every HNN object type.
//
// With libFuzzer (clang, -fsanitize=fuzzer, HNN_LIBFUZZER defined by CMake option HNN_FUZZ_LIBFUZZER):
//   hnn_fuzz_deserialize corpus/           (seed the corpus with --write-corpus from a driver build)
// Standalone (any compiler; the default build):
//   hnn_fuzz_deserialize [--iterations N] [--seconds S] [--seed X] [--write-corpus DIR] [FILE...]
// replays the given files, or runs N structure-aware mutations of valid blobs (see blob_mutator.h) through
// the same target, stopping after S seconds. Any exception other than CorruptDataError /
// IncompatibleObjectsError, a failed canonical-encoding check, or a sanitizer report aborts the run.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "blob_mutator.h"
#include "deserialize_target.h"

namespace {
// Runs the target; anything but a clean return is a finding, reported and aborted on (libFuzzer and
// sanitizers then keep the input).
int guarded_run(const std::uint8_t* data, std::size_t size) {
  try {
    return hnn_fuzz::run_all(data, size);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_deserialize: unexpected exception: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "fuzz_deserialize: unexpected non-standard exception\n");
  }
  // Keep the input for replay (libFuzzer does this itself on abort, the standalone driver relies on it).
  if (std::FILE* f = std::fopen("fuzz-deserialize-failure.bin", "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    std::fprintf(stderr, "fuzz_deserialize: input written to fuzz-deserialize-failure.bin\n");
  }
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  guarded_run(data, size);
  return 0;
}

#ifndef HNN_LIBFUZZER
namespace {

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void usage() {
  std::fprintf(stderr,
               "usage: hnn_fuzz_deserialize [--iterations N] [--seconds S] [--seed X] [--write-corpus DIR] [FILE...]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t iterations = 10000, seed = 1;
  double seconds = 0;  // 0: no time limit
  std::string corpus_dir;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--iterations") iterations = std::stoull(value());
    else if (a == "--seconds") seconds = std::stod(value());
    else if (a == "--seed") seed = std::stoull(value());
    else if (a == "--write-corpus") corpus_dir = value();
    else if (a == "-h" || a == "--help") usage();
    else files.push_back(a);
  }
  const hnn_fuzz::Env& e = hnn_fuzz::env();
  if (!corpus_dir.empty()) {
    int k = 0;
    for (const auto& [name, blob] : e.seeds) {
      std::ofstream out(corpus_dir + "/seed_" + std::to_string(k++) + ".bin", std::ios::binary);
      out.write(reinterpret_cast<const char*>(blob.data()), static_cast<std::streamsize>(blob.size()));
    }
    std::printf("wrote %d seed blobs to %s\n", k, corpus_dir.c_str());
    return 0;
  }
  if (!files.empty()) {
    for (const auto& f : files) {
      const auto data = read_file(f);
      LLVMFuzzerTestOneInput(data.data(), data.size());
    }
    std::printf("replayed %zu file(s): no crash\n", files.size());
    return 0;
  }
  // The unmodified seeds must all load (as their own type).
  for (const auto& [name, blob] : e.seeds) {
    if (guarded_run(blob.data(), blob.size()) == 0) {
      std::fprintf(stderr, "seed blob '%s' does not load\n", name.c_str());
      return 1;
    }
  }
  hnn_fuzz::Rng rng(seed);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t done = 0, accepted_inputs = 0;
  for (; done < iterations; ++done) {
    if (seconds > 0 && (done & 15) == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds)
      break;
    const auto& base = e.seeds[rng.below(e.seeds.size())].second;
    // Stack one to three mutations (havoc style) for inputs a single edit would not reach.
    hnn_fuzz::Mutation m = hnn_fuzz::mutate(base, rng);
    for (std::size_t extra = rng.below(3); extra > 0 && !m.bytes.empty(); --extra) m = hnn_fuzz::mutate(m.bytes, rng);
    accepted_inputs += guarded_run(m.bytes.data(), m.bytes.size()) > 0;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fuzz_deserialize: %llu mutated inputs (each as 7 object types x buffer/stream x as-is/resealed) in "
              "%.1f s, %llu loaded as some type, no crash\n",
              static_cast<unsigned long long>(done), elapsed, static_cast<unsigned long long>(accepted_inputs));
  return 0;
}
#endif
