// Distinct valid IMEIs, as many as a benchmark needs, from a seed.
#ifndef IMEISYNC_BENCH_SYNC_IMEI_SEQUENCE_H_
#define IMEISYNC_BENCH_SYNC_IMEI_SEQUENCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "node/imei.h"

namespace imeisync::bench {

// The i-th IMEI's 14 digits are (start + i * kStride) mod 10^14: kStride is
// prime to 10, so no two of the first 10^14 repeat (random draws would
// collide about once per 10^7), yet they scatter over the tag space like
// random ones. Each gets its Luhn check digit.
class ImeiSequence {
 public:
  explicit ImeiSequence(uint64_t seed) : start_(seed % kSpace) {}

  // The next `count` IMEIs, 15 digits each.
  // REQUIRES: fewer than 1.8e10 taken in all, so i * kStride fits 64 bits.
  std::vector<std::string> Take(size_t count) {
    std::vector<std::string> out;
    out.reserve(count);
    for (size_t k = 0; k < count; ++k, ++next_) {
      const uint64_t core = (start_ + next_ * kStride % kSpace) % kSpace;
      std::string digits = std::to_string(core);
      digits.insert(0, 14 - digits.size(), '0');
      digits.push_back(node::LuhnCheckDigit(digits));
      out.push_back(std::move(digits));
    }
    return out;
  }

 private:
  static constexpr uint64_t kSpace = 100'000'000'000'000;  // 10^14
  static constexpr uint64_t kStride = 982'451'653;         // prime
  uint64_t start_;
  uint64_t next_ = 0;
};

}  // namespace imeisync::bench

#endif  // IMEISYNC_BENCH_SYNC_IMEI_SEQUENCE_H_
