// SPDX-License-Identifier: Apache-2.0
#include "files/group.h"

#include <grp.h>
#include <pwd.h>

#include <cerrno>
#include <vector>

namespace fedcred {

Result<gid_t> lookup_group(std::string const& name) {
  // getgrnam_r reports ERANGE when a large group's member list does not fit.
  std::vector<char> buf(16384);
  for (;;) {
    struct group g {};
    struct group* found = nullptr;
    int err = getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found);
    if (err == ERANGE && buf.size() < (1u << 22)) {
      buf.resize(buf.size() * 4);
      continue;
    }
    if (err != 0 || found == nullptr) return make_error(Status::usage, "no such group '" + name + "'");
    return found->gr_gid;
  }
}

Result<uid_t> lookup_user(std::string const& name) {
  std::vector<char> buf(16384);
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return make_error(Status::usage, "no such user '" + name + "'");
  }
  return found->pw_uid;
}

}  // namespace fedcred
