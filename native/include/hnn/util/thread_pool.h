// A small fixed thread pool for data-parallel loops over RNS limbs and independent polynomials.
// Every index of a parallel_for is processed exactly once by exactly one thread, and no result depends on
// which thread ran it, so results are bit-identical whatever the thread count.
#pragma once
#include <cstddef>
#include <functional>

namespace hnn {

/// Number of threads the engine uses (default: the machine's hardware concurrency).
std::size_t thread_count();

/// Sets the number of threads (1 = single-threaded). 0 restores the default. Not to be called while
/// another thread runs engine operations.
void set_thread_count(std::size_t threads);

/// Calls fn(i) for every i in [begin, end), spread over the pool. Exceptions thrown by fn are
/// rethrown in the caller (the first one). Nested calls run serially on the calling thread.
void parallel_for(std::size_t begin, std::size_t end, const std::function<void(std::size_t)>& fn);

}  // namespace hnn
