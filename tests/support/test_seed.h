// Seeds for property tests: printed, and repeatable with IMEISYNC_TEST_SEED.
#ifndef IMEISYNC_TESTS_SUPPORT_TEST_SEED_H_
#define IMEISYNC_TESTS_SUPPORT_TEST_SEED_H_

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace imeisync::testing {

// Returns IMEISYNC_TEST_SEED if set, else a fresh random seed, and prints it
// with the test's name so that a failure can be replayed.
inline uint64_t TestSeed(const std::string& test_name) {
  uint64_t seed;
  if (const char* env = std::getenv("IMEISYNC_TEST_SEED")) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  }
  std::cout << test_name << ": seed=" << seed
            << " (replay with IMEISYNC_TEST_SEED=" << seed << ")" << std::endl;
  return seed;
}

}  // namespace imeisync::testing

#endif  // IMEISYNC_TESTS_SUPPORT_TEST_SEED_H_
