// SPDX-License-Identifier: Apache-2.0
// Loading a module file safely: shared by the network modules' runner and the
// serve module's loader, so both refuse the same unsafe files.
#pragma once

#include <memory>
#include <string>

#include "result.h"

namespace fedcred {

struct DlClose {
  void operator()(void* handle) const noexcept;
};
using ModuleHandle = std::unique_ptr<void, DlClose>;

// A module runs with the caller's privileges and sees its credentials, so it
// must be as trustworthy as the library: a regular file (not a symlink) owned
// by root or the caller that nobody else can write, in a directory nobody
// else can write (so it cannot be swapped between this check and dlopen).
Result<void> check_module_file(std::string const& directory, std::string const& path);

// check_module_file, then dlopen (RTLD_NOW | RTLD_LOCAL).
Result<ModuleHandle> open_module_file(std::string const& directory, std::string const& path);

}  // namespace fedcred
