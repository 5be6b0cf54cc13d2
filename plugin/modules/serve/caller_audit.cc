// SPDX-License-Identifier: Apache-2.0
#include "caller_audit.h"

namespace fedcred::serve {

std::optional<std::uint64_t> CallerAudit::note(uid_t uid, int route, bool served, std::int64_t now_unix) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, first] = windows_.try_emplace(std::make_tuple(uid, route, served));
  Window& w = it->second;
  ++w.pending;
  if (!first && now_unix - w.reported_at < kIntervalSeconds) return std::nullopt;
  w.reported_at = now_unix;
  std::uint64_t count = w.pending;
  w.pending = 0;
  return count;
}

}  // namespace fedcred::serve
