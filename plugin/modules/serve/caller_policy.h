// SPDX-License-Identifier: Apache-2.0
// Which callers the server answers (issue 21.3): the uids and the groups
// `[serve] allow_users` / `allow_groups` name (by default the server's own
// user and root). One check for every route: Router::handle applies it
// before any route sees the request.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace fedcred::serve {

class CallerPolicy {
 public:
  // The groups of a uid (primary and supplementary); the system's (NSS) in
  // production, a table in the tests.
  using GroupsOf = std::function<std::vector<gid_t>(uid_t)>;

  CallerPolicy(std::vector<uid_t> uids, std::vector<gid_t> gids, GroupsOf groups_of = system_groups_of);

  // Thread-safe. Group memberships are cached for a minute: a user added to
  // or removed from a group is seen within that time.
  bool allows(uid_t uid);

  static std::vector<gid_t> system_groups_of(uid_t uid);

 private:
  struct Cached {
    bool allowed;
    std::chrono::steady_clock::time_point until;
  };
  std::vector<uid_t> uids_;
  std::vector<gid_t> gids_;
  GroupsOf groups_of_;
  std::mutex mutex_;
  std::map<uid_t, Cached> cache_;
};

}  // namespace fedcred::serve
