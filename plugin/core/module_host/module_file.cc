// SPDX-License-Identifier: Apache-2.0
#include "module_host/module_file.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdlib.h>
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

// A directory on the way to the module: as ssh's safe_path, owned by root or
// the caller and writable by nobody else. A root-owned sticky directory (/tmp)
// is accepted: others may create entries there but cannot rename or remove
// the caller's, so a directory the caller owns below it cannot be swapped.
bool directory_safe(struct stat const& st) {
  if (!S_ISDIR(st.st_mode)) return false;
  if (owned_safely(st)) return true;
  return st.st_uid == 0 && (st.st_mode & S_ISVTX) != 0;
}

// FEDCRED_E_INTERNAL, as fedcred(1) and libfedcred(3) document: an unsafe
// module is a broken installation, not a mistake in the request.
Error refused(std::string const& path, std::string const& why) {
  return make_error(Status::internal, "module " + path + " refused: " + why);
}

std::string canonical(std::string const& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) == nullptr ? std::string() : std::string(resolved);
}

// Every directory from the module's directory up to / (after resolving
// symbolic links, so the chain checked is the chain used): anyone who can
// write to one of them can replace what is below it.
Result<void> check_directory_chain(std::string const& path, std::string dir) {
  while (true) {
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !directory_safe(st)) {
      return refused(path, "directory " + dir +
                               " must be owned by root or you and writable by its owner only "
                               "(checked up to /, as ssh checks its keys)");
    }
    if (dir == "/") return {};
    auto slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

// Opens and checks the module file; the descriptor is what gets loaded.
Result<UniqueFd> open_checked(std::string const& directory, std::string const& path) {
  std::string const file = path.substr(path.rfind('/') + 1);
  std::string const dir = canonical(directory);
  if (dir.empty()) {
    if (errno == ENOENT) {
      return make_error(Status::usage, "unknown source or exchange: module directory " + directory +
                                           " not found (FEDCRED_MODULE_DIR overrides the directory)");
    }
    return refused(path, std::string("cannot resolve its directory: ") + std::strerror(errno));
  }
  if (auto chain = check_directory_chain(path, dir); !chain) return std::move(chain).error();
  UniqueFd dir_fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd fd(dir_fd ? openat(dir_fd.get(), file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) : -1);
  struct stat st {};
  if (!fd || fstat(fd.get(), &st) != 0) {
    if (errno == ENOENT) {
      // Most often a misspelt source name in the config or on the command line.
      return make_error(Status::usage, "unknown source or exchange: module " + path + " not found" +
                                           " (check the source name; FEDCRED_MODULE_DIR overrides the directory)");
    }
    return refused(path, std::string(std::strerror(errno)) + " (a symbolic link is not followed)");
  }
  if (!S_ISREG(st.st_mode) || !owned_safely(st)) {
    return refused(path, "it must be a regular file owned by root or you, writable by its owner only");
  }
  return fd;
}

// Whether an object already loaded is known under exactly `name`.
bool name_in_use(std::string const& name) {
  void* resident = dlopen(name.c_str(), RTLD_LAZY | RTLD_LOCAL | RTLD_NOLOAD);
  if (resident == nullptr) return false;
  link_map* map = nullptr;
  bool const same_name = dlinfo(resident, RTLD_DI_LINKMAP, &map) == 0 && map != nullptr &&
                         map->l_name != nullptr && name == map->l_name;
  dlclose(resident);
  return same_name;
}

// dlopen() of the descriptor that was checked, through /proc/self/fd (glibc
// has no fdlopen). glibc returns a loaded object whose *name* matches before
// it opens anything, and descriptor numbers are reused: "/proc/self/fd/N" may
// still name a module loaded earlier through another descriptor. Such a
// number is skipped by moving the descriptor up (if the file is that very
// module, glibc then finds it by device and inode). Without /proc (a bare
// chroot) the path is loaded: the directory chain check already means nobody
// else can swap it.
ModuleHandle dlopen_checked(UniqueFd fd, std::string const& path) {
  // RTLD_NODELETE: a module brings libcurl and OpenSSL, which register exit handlers and
  // thread-local storage; unloading them mid-process would leave both pointing at unmapped
  // code (and crashes LeakSanitizer's exit-time scan of the threads' TLS).
  constexpr int kMode = RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE;
  for (int attempt = 0; attempt < 16 && fd; ++attempt) {
    std::string const by_fd = "/proc/self/fd/" + std::to_string(fd.get());
    struct stat via_proc {}, opened {};
    if (stat(by_fd.c_str(), &via_proc) != 0 || fstat(fd.get(), &opened) != 0 || via_proc.st_dev != opened.st_dev ||
        via_proc.st_ino != opened.st_ino) {
      return ModuleHandle(dlopen(path.c_str(), kMode));
    }
    if (!name_in_use(by_fd)) {
      void* handle = dlopen(by_fd.c_str(), kMode);
      if (handle == nullptr) return ModuleHandle();
      return ModuleHandle(handle, DlClose{fd.release()});
    }
    fd = UniqueFd(fcntl(fd.get(), F_DUPFD_CLOEXEC, fd.get() + 1));
  }
  return ModuleHandle();
}

}  // namespace

void DlClose::operator()(void* handle) const noexcept {
  dlclose(handle);
  if (fd >= 0) ::close(fd);
}

Result<void> check_module_file(std::string const& directory, std::string const& path) {
  auto fd = open_checked(directory, path);
  if (!fd) return std::move(fd).error();
  return {};
}

Result<ModuleHandle> open_module_file(std::string const& directory, std::string const& path) {
  auto fd = open_checked(directory, path);
  if (!fd) return std::move(fd).error();
  // RTLD_LOCAL: modules must not leak their libcurl/OpenSSL symbols into
  // the process; RTLD_NOW: fail here, not halfway through a request.
  ModuleHandle handle = dlopen_checked(std::move(*fd), path);
  if (!handle) {
    char const* why = dlerror();
    return make_error(Status::internal, "cannot load module " + path + ": " + (why != nullptr ? why : "no free name"));
  }
  return handle;
}

}  // namespace fedcred
