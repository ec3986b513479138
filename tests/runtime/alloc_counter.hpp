#pragma once
#include <cstddef>

namespace tarsier::test {

// Number of global operator new calls so far in this process (test_runtime replaces the
// global allocation functions with counting ones, see alloc_counter.cpp).
std::size_t allocation_count();

}  // namespace tarsier::test
