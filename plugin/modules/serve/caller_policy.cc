// SPDX-License-Identifier: Apache-2.0
#include "caller_policy.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <string>

namespace fedcred::serve {

CallerPolicy::CallerPolicy(std::vector<uid_t> uids, std::vector<gid_t> gids, GroupsOf groups_of)
    : uids_(std::move(uids)), gids_(std::move(gids)), groups_of_(std::move(groups_of)) {}

bool CallerPolicy::allows(uid_t uid) {
  if (std::find(uids_.begin(), uids_.end(), uid) != uids_.end()) return true;
  if (gids_.empty()) return false;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = cache_.find(uid); it != cache_.end() && it->second.until > now) return it->second.allowed;
  }
  // Outside the lock: the name service may take a while.
  bool allowed = false;
  for (gid_t g : groups_of_(uid)) allowed = allowed || std::find(gids_.begin(), gids_.end(), g) != gids_.end();
  std::lock_guard<std::mutex> lock(mutex_);
  cache_[uid] = Cached{allowed, now + std::chrono::minutes(1)};
  return allowed;
}

std::vector<gid_t> CallerPolicy::system_groups_of(uid_t uid) {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::string buf(size > 0 ? static_cast<std::size_t>(size) : 16384, '\0');
  passwd pw{};
  passwd* found = nullptr;
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return {};
  std::vector<gid_t> groups(64);
  for (;;) {
    int n = static_cast<int>(groups.size());
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups.data(), &n) >= 0) {
      groups.resize(static_cast<std::size_t>(n));
      return groups;
    }
    if (n <= static_cast<int>(groups.size())) return {pw.pw_gid};
    groups.resize(static_cast<std::size_t>(n));
  }
}

}  // namespace fedcred::serve
