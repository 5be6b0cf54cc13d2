// SPDX-License-Identifier: Apache-2.0
#include "module_host/module_file.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace fedcred {
namespace {

bool owned_safely(struct stat const& st) {
  return (st.st_uid == 0 || st.st_uid == geteuid()) && (st.st_mode & 022) == 0;
}

}  // namespace

void DlClose::operator()(void* handle) const noexcept { dlclose(handle); }

Result<void> check_module_file(std::string const& directory, std::string const& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  struct stat st {};
  if (!fd.valid() || fstat(fd.get(), &st) != 0) {
    if (errno == ENOENT) {
      // Most often a misspelt source name in the config or on the command line.
      return make_error(Status::usage, "unknown source or exchange: module " + path + " not found" +
                                           " (check the source name; FEDCRED_MODULE_DIR overrides the directory)");
    }
    return make_error(Status::usage, "module " + path + " refused: " + std::strerror(errno) +
                                         " (a symbolic link is not followed)");
  }
  struct stat dir {};
  if (!S_ISREG(st.st_mode) || !owned_safely(st) || stat(directory.c_str(), &dir) != 0 || !owned_safely(dir)) {
    return make_error(Status::usage, "module " + path +
                                         " refused: it must be a regular file owned by root or you, in a directory "
                                         "owned by root or you, both writable by their owner only");
  }
  return {};
}

Result<ModuleHandle> open_module_file(std::string const& directory, std::string const& path) {
  auto checked = check_module_file(directory, path);
  if (!checked) return std::move(checked).error();
  // RTLD_LOCAL: modules must not leak their libcurl/OpenSSL symbols into
  // the process; RTLD_NOW: fail here, not halfway through a request.
  ModuleHandle handle(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle) return make_error(Status::internal, std::string("cannot load module: ") + dlerror());
  return handle;
}

}  // namespace fedcred
