// SPDX-License-Identifier: Apache-2.0
#include "files/trusted_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace fedcred {
namespace {

std::string parent_directory(std::string const& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::optional<std::string> untrusted_file_problem(std::string const& path, struct stat const& st,
                                                  std::string const& what) {
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    return "rule owner: " + what + " " + path + " is owned by uid " + std::to_string(st.st_uid) +
           ", neither root nor you: refused (chown it)";
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return "rule mode: " + what + " " + path + " is writable by its group or everyone: refused (chmod go-w " +
           path + ")";
  }
  std::string const dir = parent_directory(path);
  struct stat dst {};
  if (stat(dir.c_str(), &dst) != 0) {
    return "rule directory: cannot check the directory " + dir + " of " + what + " " + path + ": " +
           std::strerror(errno);
  }
  bool const owner_ok = dst.st_uid == 0 || dst.st_uid == geteuid();
  bool const sticky_root = dst.st_uid == 0 && (dst.st_mode & S_ISVTX) != 0;
  if (!owner_ok || ((dst.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !sticky_root)) {
    return "rule directory: " + what + " " + path + " is in directory " + dir +
           ", which someone other than root or you can write to: refused (chmod go-w " + dir +
           ", or move the file)";
  }
  return std::nullopt;
}

Result<TrustedText> read_trusted_file(std::string const& path, std::string const& what, std::size_t max_bytes,
                                      Status status) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return make_error(Status::io, "cannot read " + what + " " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(status, "rule regular: " + what + " " + path + " is not a regular file");
  }
  if (auto problem = untrusted_file_problem(path, st, what)) return make_error(status, *problem);
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(status, "cannot read " + what + " " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      return make_error(status, "rule size: " + what + " " + path + " is larger than " + std::to_string(max_bytes) +
                                    " bytes");
    }
  }
  return TrustedText{std::move(text), st.st_uid == 0};
}

}  // namespace fedcred
