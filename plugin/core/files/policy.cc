// SPDX-License-Identifier: Apache-2.0
#include "files/policy.h"

#include <cstdio>

namespace fedcred {
namespace {

std::string octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}

}  // namespace

std::optional<std::string> private_object_problem(struct stat const& st, CachePolicy const& policy,
                                                  PrivateKind kind) {
  bool const dir = kind == PrivateKind::directory;
  if ((st.st_mode & S_IFMT) != (dir ? S_IFDIR : S_IFREG)) {
    return dir ? "is not a directory" : "is not a regular file";
  }
  if (st.st_uid != policy.owner) {
    return "is owned by uid " + std::to_string(st.st_uid) + ", expected uid " +
           std::to_string(policy.owner);
  }
  mode_t const perms = st.st_mode & 07777;
  if (dir && (perms & 0077) != 0) {
    return "has mode " + octal(perms) + "; group and others must have no access";
  }
  if (!dir && perms != 0600) return "has mode " + octal(perms) + ", expected 0600";
  return std::nullopt;
}

}  // namespace fedcred
