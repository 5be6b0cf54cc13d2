// SPDX-License-Identifier: Apache-2.0
// The authorization token file of `fedcred serve`'s AWS route: clients point
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at it, and the server answers only
// requests whose Authorization equals its content.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>

#include "result.h"
#include "secret.h"

namespace fedcred {

// The token in `path`. When the file does not exist it is created (O_EXCL,
// never through a symlink) with a fresh random token (256 bits, hex), mode
// 0640 and, when `group` is not empty, that group, so its members' SDKs can
// read it. An existing file must be a regular file holding one token without
// CR or LF (the SDKs refuse such header values), of 16 to 4096 bytes, owned
// by root or the server's user, writable by nobody else, not readable by
// everyone, in a directory nobody else can write to (issue 21.4). Errors:
// Status::io naming the path and the reason, never the content; an unknown
// group is Status::usage.
Result<Secret> ensure_token_file(std::string const& path, std::string const& group);

// The token file as it is now, for a server that runs for months: re-read,
// with the checks above, whenever the file changed since the last call (its
// inode, size, mode, owner or times), so that rotating the file revokes the
// old token. Not thread-safe: the caller serializes.
class WatchedTokenFile {
 public:
  explicit WatchedTokenFile(std::string path);
  // The token, or why there is none now; `changed` says whether the answer
  // may differ from the previous call's.
  Result<Secret> current(bool& changed);

 private:
  std::string path_;
  bool read_once_ = false;
  struct stat seen_ {};  // what lstat said when the file was last read
  std::optional<Secret> last_;
  Error last_error_{Status::io, ""};
};

}  // namespace fedcred
