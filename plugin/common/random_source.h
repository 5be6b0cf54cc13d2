// SPDX-License-Identifier: Apache-2.0
// The randomness seam of the core (cache refresh jitter, serve's refresh
// schedule) and of the modules (retry backoff jitter): one interface, the
// system's source, and the uniform [0, 1) draw the backoff needs. Tests
// inject tests/fakes/random.h. Jitter spreads a fleet's requests; it needs no
// cryptographic quality.
#pragma once

#include <cstdint>

namespace fedcred {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Uniformly distributed 64-bit values.
  virtual std::uint64_t next_u64() = 0;
};

// getrandom(2); if the kernel cannot deliver (very early boot, seccomp) it
// falls back to time and pid.
class SystemRandom final : public RandomSource {
 public:
  std::uint64_t next_u64() override;
};

// The process's SystemRandom (stateless, so one instance serves every thread).
RandomSource& system_random();

// Uniform in [0, 1): the top 53 bits of one draw, as a double's mantissa holds.
double unit_interval(RandomSource& random);

}  // namespace fedcred
