// SPDX-License-Identifier: Apache-2.0
// CachePolicy: who must own the cache directory and every file in it.
//
// A run-time value rather than a compile-time switch, so that tests exercise
// the real checks (with another expected owner) and production builds carry
// no weakened variant.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <optional>
#include <string>

namespace fedcred {

struct CachePolicy {
  uid_t owner;

  // The policy of production: everything belongs to the effective user.
  static CachePolicy current_user() noexcept { return CachePolicy{geteuid()}; }
};

enum class PrivateKind {
  // A directory owned by policy.owner with no group or other permission bits
  // (0700, or 0500 for a read-only cache, which then fails on write).
  directory,
  // A regular file owned by policy.owner with mode exactly 0600, as fedcred
  // creates them; anything else was not written by fedcred.
  file,
};

// Why `st` is not a private object of that kind, or nullopt if it is. The
// reason continues "<path> ...", e.g. "has mode 0755; group and others must
// have no access".
std::optional<std::string> private_object_problem(struct stat const& st, CachePolicy const& policy,
                                                  PrivateKind kind);

}  // namespace fedcred
