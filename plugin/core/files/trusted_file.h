// SPDX-License-Identifier: Apache-2.0
// The trust rules of a file whose content decides where credentials go or what
// is sent: fedcred.conf, the credential configs (external_account JSON) and the
// token files they name (issue 21.1). In the spirit of ssh and pam-u2f:
//
//   regular    a regular file (a FIFO, device or directory is refused; the file
//              is opened with O_NONBLOCK, so a FIFO planted in its place cannot
//              hang the run before the check)
//   owner      owned by root or the effective user
//   mode       not writable by its group or everyone
//   directory  in a directory owned by root or the effective user and writable
//              by nobody else (a root-owned sticky directory such as /tmp is
//              accepted: others cannot rename or remove a file they do not own)
//   size       at most the caller's cap
//
// Every refusal names its rule ("rule owner: ..."), so `fedcred doctor` and
// the error a command prints say which rule refused the file.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <optional>
#include <string>

#include "result.h"

namespace fedcred {

// The rule a file broke, and why ("rule mode: X is writable by its group or
// everyone (chmod go-w X)"); nullopt when `st` (of `path`) passes owner, mode
// and directory. `what` names the file in the message ("config file").
std::optional<std::string> untrusted_file_problem(std::string const& path, struct stat const& st,
                                                  std::string const& what);

struct TrustedText {
  std::string text;
  bool root_owned = false;  // owned by uid 0
};

// Opens (O_NONBLOCK), checks every rule above and reads the whole file.
// A file that cannot be opened is Status::io; a broken rule is `status` and
// names the rule, the file and `what`.
Result<TrustedText> read_trusted_file(std::string const& path, std::string const& what, std::size_t max_bytes,
                                      Status status);

}  // namespace fedcred
