// SPDX-License-Identifier: Apache-2.0
#include "files/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"
#include "ascii.h"
#include "files/trusted_file.h"

namespace fedcred {
namespace {

using modules::ascii::trim;

// Tokens are at most a few KiB (STS accepts up to 20000 characters).
constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

}  // namespace

Result<Secret> read_secret_file(std::string const& path, std::string const& what, SecretFileOwner owner) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    return make_error(Status::source, "cannot open " + what + " " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(Status::source, what + " " + path + " is not a regular file");
  }
  if (owner == SecretFileOwner::trusted) {
    if (auto problem = untrusted_file_problem(path, st, what)) return make_error(Status::source, *problem);
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxTokenFileBytes) {
    return make_error(Status::source, what + " " + path + " is larger than " +
                                          std::to_string(kMaxTokenFileBytes) + " bytes");
  }
  std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      wipe(text);
      return make_error(Status::source, "cannot read " + what + " " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMaxTokenFileBytes) {
    wipe(text);
    return make_error(Status::source, what + " " + path + " grew beyond " + std::to_string(kMaxTokenFileBytes) +
                                          " bytes while being read");
  }
  Secret token{std::string(trim(std::string_view(text.data(), got)))};
  wipe(text);
  if (token.empty()) return make_error(Status::source, what + " " + path + " is empty");
  return token;
}

}  // namespace fedcred
