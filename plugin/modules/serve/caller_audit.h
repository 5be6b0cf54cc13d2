// SPDX-License-Identifier: Apache-2.0
// The audit trail of who was served (issue 21.3), rate-limited per caller:
// the first token a caller gets on a route is reported at once, then at most
// one report a minute per caller and route, counting the requests in
// between, so one busy client cannot flood syslog and a refused one is seen.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>

namespace fedcred::serve {

class CallerAudit {
 public:
  static constexpr std::int64_t kIntervalSeconds = 60;

  // Counts one request; returns how many requests to report now (this one
  // included), or nullopt while the caller's minute is not over.
  std::optional<std::uint64_t> note(uid_t uid, int route, bool served, std::int64_t now_unix);

 private:
  struct Window {
    std::int64_t reported_at = 0;
    std::uint64_t pending = 0;
  };
  std::mutex mutex_;
  std::map<std::tuple<uid_t, int, bool>, Window> windows_;
};

}  // namespace fedcred::serve
