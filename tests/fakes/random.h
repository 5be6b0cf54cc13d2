// SPDX-License-Identifier: Apache-2.0
// The random sources of the tests: one fixed draw, or a script. Used by every
// suite (core, modules, fuzz) wherever the code under test takes a
// RandomSource (plugin/common/random_source.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "random_source.h"

namespace fedcred::test {

// Always the same draw (0 by default), so cache jitter is deterministic.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::uint64_t value = 0) : value_(value) {}
  // The draw whose unit_interval() is `unit`, for the retry backoff: 0.5 is
  // half the ceiling; 1.0 (or more) the largest draw, 1 - 2^-53, which rounds
  // to the whole ceiling.
  static FixedRandom unit(double unit) {
    if (unit >= 1.0) return FixedRandom(~std::uint64_t{0});
    if (unit <= 0.0) return FixedRandom(0);
    return FixedRandom(static_cast<std::uint64_t>(unit * 0x1.0p64));
  }
  std::uint64_t next_u64() override { return value_; }

 private:
  std::uint64_t value_;
};

// Returns the scripted values in turn, then repeats the last.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint64_t> values) : values_(std::move(values)) {}
  std::uint64_t next_u64() override {
    std::uint64_t v = values_[std::min(next_, values_.size() - 1)];
    ++next_;
    return v;
  }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t next_ = 0;
};

}  // namespace fedcred::test
