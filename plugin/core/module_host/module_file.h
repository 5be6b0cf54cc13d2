// SPDX-License-Identifier: Apache-2.0
// Loading a module file safely: shared by the network modules' runner and the
// serve module's loader, so both refuse the same unsafe files.
#pragma once

#include <memory>
#include <string>

#include "result.h"

namespace fedcred {

// Closes the module and then the descriptor it was loaded through: while the
// module is loaded its /proc/self/fd name cannot be reused by another file.
struct DlClose {
  int fd = -1;
  void operator()(void* handle) const noexcept;
};
using ModuleHandle = std::unique_ptr<void, DlClose>;

// A module runs with the caller's privileges and sees its credentials, so it
// must be as trustworthy as the library: a regular file (not a symlink) owned
// by root or the caller that nobody else can write, in a directory chain up
// to / that nobody else can write (a root-owned sticky directory such as /tmp
// allowed). Refusals are Status::internal (libfedcred(3)); a missing module
// is Status::usage (an unknown source).
Result<void> check_module_file(std::string const& directory, std::string const& path);

// The checks of check_module_file on a descriptor opened once, then dlopen
// (RTLD_NOW | RTLD_LOCAL) of that descriptor through /proc/self/fd: what was
// checked is what is loaded.
Result<ModuleHandle> open_module_file(std::string const& directory, std::string const& path);

}  // namespace fedcred
