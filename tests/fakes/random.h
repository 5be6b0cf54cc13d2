// SPDX-License-Identifier: Apache-2.0
// The random sources of the tests: one fixed draw, or a script. Used by every
// suite (unit, fuzz) wherever the code under test takes a RandomSource.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "cache/freshness.h"

namespace fedcred::test {

// Always the same draw (0 by default), so cache jitter is deterministic.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::uint64_t value = 0) : value_(value) {}
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
