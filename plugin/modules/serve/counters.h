// SPDX-License-Identifier: Apache-2.0
// Per-request and per-refresh counters (`fedcred serve --stats`, SIGUSR1).
// Relaxed atomics: they are statistics, read without stopping the server.
#pragma once

#include <atomic>
#include <cstdint>

namespace fedcred::serve {

struct Counters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> status_2xx{0};
  std::atomic<std::uint64_t> status_4xx{0};
  std::atomic<std::uint64_t> status_5xx{0};
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> refreshes{0};
  std::atomic<std::uint64_t> refresh_failures{0};

  void count_status(int status) {
    requests.fetch_add(1, std::memory_order_relaxed);
    auto& bucket = status >= 500 ? status_5xx : status >= 400 ? status_4xx : status_2xx;
    bucket.fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace fedcred::serve
