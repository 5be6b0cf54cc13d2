// SPDX-License-Identifier: Apache-2.0
#include "random_source.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

namespace fedcred {

std::uint64_t SystemRandom::next_u64() {
  std::uint64_t v = 0;
  if (getrandom(&v, sizeof v, GRND_NONBLOCK) == static_cast<ssize_t>(sizeof v)) return v;
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  // splitmix64 finaliser, so that nearby times and pids give unrelated values.
  v = static_cast<std::uint64_t>(ts.tv_nsec) ^ (static_cast<std::uint64_t>(ts.tv_sec) << 20) ^
      (static_cast<std::uint64_t>(getpid()) << 44);
  v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ULL;
  v = (v ^ (v >> 27)) * 0x94d049bb133111ebULL;
  return v ^ (v >> 31);
}

RandomSource& system_random() {
  static SystemRandom random;
  return random;
}

double unit_interval(RandomSource& random) { return static_cast<double>(random.next_u64() >> 11) * 0x1.0p-53; }

}  // namespace fedcred
