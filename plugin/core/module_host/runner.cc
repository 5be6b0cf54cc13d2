// SPDX-License-Identifier: Apache-2.0
#include "module_host/runner.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <vector>

#include "fedcred/module.h"
#include "fedcred_build_config.h"
#include "base/unique_fd.h"

// The host side of one module call: what module.h calls fedcred_module_call.
struct fedcred_module_call {
  fedcred::Values const* params = nullptr;
  fedcred::Values results;
  fedcred::Logger const* log = nullptr;
  std::optional<fedcred::Error> error;
};

namespace fedcred {
namespace {

struct DlClose {
  void operator()(void* handle) const noexcept { dlclose(handle); }
};
using ModuleHandle = std::unique_ptr<void, DlClose>;

char const* host_param(fedcred_module_call const* call, char const* key) {
  auto it = call->params->find(key);
  return it == call->params->end() ? nullptr : it->second.reveal().c_str();
}

void host_set_result(fedcred_module_call* call, char const* key, char const* value, std::size_t len) {
  call->results[key] = Secret(std::string(value, len));
}

void host_set_error(fedcred_module_call* call, int status, char const* message) {
  call->error = make_error(static_cast<Status>(status), scrub_secrets(message));
}

void host_log(fedcred_module_call* call, int level, char const* message) { call->log->log(level, message); }

constexpr fedcred_module_host kHost{FEDCRED_MODULE_ABI_VERSION, host_param, host_set_result, host_set_error,
                                    host_log};

bool valid_status(int status) { return status >= FEDCRED_E_INTERNAL && status <= FEDCRED_E_IO; }

std::string canonical_path(std::string const& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) == nullptr ? std::string() : std::string(resolved);
}

bool owned_safely(struct stat const& st) {
  return (st.st_uid == 0 || st.st_uid == geteuid()) && (st.st_mode & 022) == 0;
}

// A directory on the way to the modules: as ssh's safe_path, owned by root or
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

// Every directory from the module directory up to / (after resolving
// symbolic links, so the chain checked is the chain used): anyone who can
// write to one of them can replace what is below it.
Result<void> check_directory_chain(std::string const& path, std::string const& canonical_dir) {
  std::string dir = canonical_dir;
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

// A module runs with the caller's privileges and sees its credentials, so it
// must be as trustworthy as the library: a regular file (not a symlink) owned
// by root or the caller that nobody else can write, in a directory chain
// nobody else can write. Returns the open descriptor that was checked: that
// file, not whatever the path names a moment later, is what gets loaded.
Result<UniqueFd> open_module_file(std::string const& directory, std::string const& file) {
  std::string const path = directory + "/" + file;
  std::string const canonical_dir = canonical_path(directory);
  if (canonical_dir.empty()) {
    if (errno == ENOENT) {
      return make_error(Status::usage, "unknown source or exchange: module directory " + directory +
                                           " not found (FEDCRED_MODULE_DIR overrides the directory)");
    }
    return refused(path, std::string("cannot resolve its directory: ") + std::strerror(errno));
  }
  if (auto chain = check_directory_chain(path, canonical_dir); !chain) return std::move(chain).error();
  UniqueFd dir(open(canonical_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  UniqueFd fd(dir.valid() ? openat(dir.get(), file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) : -1);
  struct stat st {};
  if (!fd.valid() || fstat(fd.get(), &st) != 0) {
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

fedcred_module const* module_entry(void* handle) {
  auto entry = reinterpret_cast<fedcred_module_entry_fn>(dlsym(handle, FEDCRED_MODULE_ENTRY_SYMBOL));
  return entry == nullptr ? nullptr : entry();
}

bool is_module_named(void* handle, std::string const& name) {
  fedcred_module const* m = module_entry(handle);
  return m != nullptr && m->name != nullptr && name == m->name;
}

// dlopen() of the descriptor that was checked, through /proc/self/fd (glibc
// has no fdlopen). glibc returns an already-loaded object whose name matches
// before it opens anything, and descriptor numbers are reused: a
// "/proc/self/fd/N" still naming another loaded module (one that outlived its
// descriptor) would be returned instead. Such a number is skipped by moving
// the descriptor up; an object of that name that is this very module was
// loaded through this check before and is reused. Without /proc (a bare
// chroot) the path is loaded: the directory chain check already means nobody
// else can swap it.
void* dlopen_checked(UniqueFd& fd, std::string const& path, std::string const& name) {
  constexpr int kRtld = RTLD_NOW | RTLD_LOCAL;
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string const by_fd = "/proc/self/fd/" + std::to_string(fd.get());
    struct stat via_proc {}, opened {};
    if (stat(by_fd.c_str(), &via_proc) != 0 || fstat(fd.get(), &opened) != 0 || via_proc.st_dev != opened.st_dev ||
        via_proc.st_ino != opened.st_ino) {
      return dlopen(path.c_str(), kRtld);
    }
    ModuleHandle resident(dlopen(by_fd.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD));
    if (!resident || is_module_named(resident.get(), name)) return dlopen(by_fd.c_str(), kRtld);
    UniqueFd higher(fcntl(fd.get(), F_DUPFD_CLOEXEC, fd.get() + 1));
    if (!higher) break;
    fd = std::move(higher);
  }
  return nullptr;
}

class DlopenModuleRunner final : public ModuleRunner {
 public:
  explicit DlopenModuleRunner(std::string directory) : directory_(std::move(directory)) {}

  Result<Values> run(std::string const& name, std::string const& operation, Values const& params,
                     Logger const& log) override {
    auto module = load(name);
    if (!module) return std::move(module).error();
    fedcred_module_call call;
    call.params = &params;
    call.log = &log;
    int status = (*module)->run(&kHost, &call, operation.c_str());
    if (status == FEDCRED_OK && !call.error) return std::move(call.results);
    if (call.error) return *call.error;
    return make_error(valid_status(status) ? static_cast<Status>(status) : Status::internal,
                      "module " + name + " failed without saying why");
  }

 private:
  Result<fedcred_module const*> load(std::string const& name) {
    std::string const file = "fedcred-" + name + ".so";
    std::string const path = directory_ + "/" + file;
    auto fd = open_module_file(directory_, file);
    if (!fd) return std::move(fd).error();
    // RTLD_LOCAL: modules must not leak their libcurl/OpenSSL symbols into
    // the process; RTLD_NOW: fail here, not halfway through a request.
    ModuleHandle handle(dlopen_checked(*fd, path, name));
    if (!handle) {
      char const* why = dlerror();
      return make_error(Status::internal, "cannot load module " + path + ": " + (why != nullptr ? why : "no free name"));
    }
    fedcred_module const* module = module_entry(handle.get());
    if (module == nullptr || module->abi_version != FEDCRED_MODULE_ABI_VERSION || module->run == nullptr ||
        !is_module_named(handle.get(), name)) {
      return make_error(Status::internal, "module " + path + " is not a fedcred module of ABI version " +
                                              std::to_string(FEDCRED_MODULE_ABI_VERSION));
    }
    // The descriptor stays open while the module is loaded, so no other
    // module of this runner can get the same /proc/self/fd name.
    loaded_.push_back({std::move(handle), std::move(*fd)});
    return module;
  }

  struct Loaded {
    ModuleHandle handle;
    UniqueFd fd;
  };
  std::string directory_;
  std::vector<Loaded> loaded_;
};

}  // namespace

std::string module_directory(Env const& env) {
  if (auto dir = env.get("FEDCRED_MODULE_DIR")) return *dir;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&make_dlopen_module_runner), &info) != 0 && info.dli_fname != nullptr) {
    std::string here = canonical_path(info.dli_fname);
    here = here.substr(0, here.rfind('/'));
    if (!here.empty() && here == canonical_path(FEDCRED_BUILD_LIBRARY_DIR)) return FEDCRED_BUILD_MODULE_DIR;
  }
  return FEDCRED_INSTALLED_MODULE_DIR;
}

std::unique_ptr<ModuleRunner> make_dlopen_module_runner(std::string directory) {
  return std::make_unique<DlopenModuleRunner>(std::move(directory));
}

}  // namespace fedcred
