// SPDX-License-Identifier: Apache-2.0
#include "files/token_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "base/unique_fd.h"
#include "files/group.h"
#include "files/write_all.h"

namespace fedcred {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kMaxTokenFile = 4096;

Error io_error(std::string const& path, std::string const& what) {
  return make_error(Status::io, "token file " + path + ": " + what);
}

Result<Secret> random_token() {
  unsigned char raw[kTokenBytes];
  std::size_t got = 0;
  while (got < sizeof(raw)) {
    ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(Status::internal, std::string("getrandom: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : raw) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  explicit_bzero(raw, sizeof(raw));
  return Secret(std::move(hex));
}

Result<Secret> create(std::string const& path, std::string const& group) {
  std::optional<gid_t> gid;
  if (!group.empty()) {
    auto g = lookup_group(group);
    if (!g) return std::move(g).error().prefix("token_group");
    gid = *g;
  }
  auto token = random_token();
  if (!token) return token;
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return io_error(path, std::string("cannot create it: ") + std::strerror(errno));
  // Group first, then 0640: the token is never readable by a group it is not meant for.
  if ((gid && fchown(fd.get(), static_cast<uid_t>(-1), *gid) != 0) || fchmod(fd.get(), 0640) != 0 ||
      !write_all(fd.get(), token->reveal()) || fsync(fd.get()) != 0) {
    std::string why = std::strerror(errno);
    unlink(path.c_str());
    return io_error(path, "cannot write it: " + why);
  }
  return token;
}

Result<Secret> read_existing(std::string const& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd) return io_error(path, std::string("cannot read it: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return io_error(path, "not a regular file");
  if (static_cast<std::size_t>(st.st_size) > kMaxTokenFile) return io_error(path, "larger than 4 KiB");
  std::string content(kMaxTokenFile + 1, '\0');
  std::size_t got = 0;
  for (;;) {
    ssize_t n = read(fd.get(), content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path, std::string("cannot read it: ") + std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
    if (got > kMaxTokenFile) return io_error(path, "larger than 4 KiB");
  }
  content.resize(got);
  Secret token(std::move(content));
  if (token.empty()) return io_error(path, "empty");
  if (token.reveal().find_first_of("\r\n") != std::string::npos) {
    return io_error(path, "contains a line break; the SDKs send the file verbatim as a header, so it must hold "
                          "the token alone (printf '%s' TOKEN > FILE)");
  }
  return token;
}

}  // namespace

Result<Secret> ensure_token_file(std::string const& path, std::string const& group) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
    auto created = create(path, group);
    // Another server may have created it in between: use that one.
    if (created || created.error().status != Status::io || errno != EEXIST) return created;
  }
  return read_existing(path);
}

}  // namespace fedcred
