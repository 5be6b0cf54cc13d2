// SPDX-License-Identifier: Apache-2.0
#include "cache/dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <tuple>
#include <utility>

#include "files/private_file.h"

namespace fedcred {
namespace {

constexpr std::string_view kEntrySuffix = ".json";
constexpr std::string_view kLockSuffix = ".lock";
constexpr std::string_view kFailureSuffix = ".fail";
constexpr std::string_view kIdentitySuffix = ".seen";
constexpr std::size_t kHashLength = 32;

struct DirClose {
  void operator()(DIR* d) const noexcept { closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirClose>;

std::string errno_text(int err) { return ::strerror(err); }

// Whether `name` is "<32 lowercase hex digits><suffix>": only such names are
// ever read or removed, so a cache directory pointed at a populated folder
// loses nothing else.
bool is_hash_name(std::string_view name, std::string_view suffix) {
  if (name.size() != kHashLength + suffix.size() || name.substr(kHashLength) != suffix)
    return false;
  return std::all_of(name.begin(), name.begin() + kHashLength,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string lock_name_of(std::string_view entry_name) {
  return std::string(entry_name.substr(0, kHashLength)) + std::string(kLockSuffix);
}

// "/a/b//" -> "/a/b": a trailing slash would make open() follow a final
// symlink despite O_NOFOLLOW.
std::string strip_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// mkdir -p with mode 0700 for every directory it creates (XDG: "create it
// with permission 0700"). The mode is set again through an O_NOFOLLOW fd
// because the umask may have narrowed it (0500 would stop the next level),
// and a path-based chmod could be redirected by a symlink swapped in.
//
// A directory is created only in a parent owned by `owner` or root: root run
// with another user's HOME or XDG_RUNTIME_DIR (sudo -E, su without -) must not
// leave root-owned directories in that user's home, which the user could then
// neither use nor remove.
Result<void> make_dirs(std::string const& path, uid_t owner) {
  std::string parent = "/";
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string const prefix = path.substr(0, slash);
    if (!prefix.empty() && prefix.back() != '/') {
      struct stat existing {}, up {};
      if (lstat(prefix.c_str(), &existing) != 0 && errno == ENOENT && stat(parent.c_str(), &up) == 0 &&
          up.st_uid != owner && up.st_uid != 0) {
        return make_error(Status::io, "cache directory " + prefix + " not created: " + parent +
                                          " belongs to uid " + std::to_string(up.st_uid) +
                                          " (is HOME or XDG_RUNTIME_DIR another user's? set FEDCRED_CACHE_DIR)");
      }
      if (mkdir(prefix.c_str(), 0700) == 0) {
        UniqueFd fd(::open(prefix.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (fd) fchmod(fd.get(), 0700);
      } else if (errno != EEXIST) {
        return make_error(Status::io,
                          "cannot create cache directory " + prefix + ": " + errno_text(errno));
      }
      parent = prefix;
    }
    if (slash == std::string::npos) return {};
  }
}

Result<UniqueFd> open_dir_nofollow(std::string const& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd) return fd;
  int const err = errno;
  struct stat st {};
  if ((err == ELOOP || err == ENOTDIR) && lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    return make_error(Status::io, "cache directory " + path +
                                      " is a symbolic link; fedcred uses only a real directory "
                                      "(set FEDCRED_CACHE_DIR to one)");
  }
  if (err == ENOTDIR) {
    return make_error(Status::io, "cache directory " + path + " is not a directory");
  }
  return make_error(Status::io, "cannot open cache directory " + path + ": " + errno_text(err));
}

}  // namespace

Result<std::string> cache_dir_path(Env const& env) {
  if (auto dir = env.get("FEDCRED_CACHE_DIR")) {
    if (dir->front() != '/') {
      return make_error(Status::io, "FEDCRED_CACHE_DIR=" + *dir + " is not an absolute path");
    }
    return strip_trailing_slashes(*dir);
  }
  // The runtime dir (tmpfs, per login) comes first: credentials never reach
  // a disk and vanish at logout.
  for (char const* var : {"XDG_RUNTIME_DIR", "XDG_CACHE_HOME"}) {
    auto base = env.get(var);
    if (base && base->front() == '/') return strip_trailing_slashes(*base) + "/fedcred";
  }
  if (auto home = env.get("HOME"); home && home->front() == '/') {
    return strip_trailing_slashes(*home) + "/.cache/fedcred";
  }
  return make_error(
      Status::io,
      "no cache directory: none of FEDCRED_CACHE_DIR, XDG_RUNTIME_DIR, XDG_CACHE_HOME "
      "or HOME is set to an absolute path");
}

Result<CacheDir> CacheDir::open(Env const& env, CachePolicy policy, bool create) {
  Result<std::string> path = cache_dir_path(env);
  if (!path) return std::move(path).error();
  return open_path(std::move(path).value(), policy, create);
}

Result<CacheDir> CacheDir::open_path(std::string path, CachePolicy policy, bool create) {
  path = strip_trailing_slashes(std::move(path));
  if (path.empty() || path.front() != '/') {
    return make_error(Status::io, "cache directory " + path + " is not an absolute path");
  }
  // The common case, an existing directory, costs one open and one fstat.
  Result<UniqueFd> fd = open_dir_nofollow(path);
  if (!fd) {
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 || errno != ENOENT) return std::move(fd).error();
    if (!create) return make_error(Status::io, "cache directory " + path + " does not exist");
    if (Result<void> made = make_dirs(path, policy.owner); !made) return std::move(made).error();
    fd = open_dir_nofollow(path);
    if (!fd) return std::move(fd).error();
  }
  struct stat st {};
  if (fstat(fd->get(), &st) != 0) {
    return make_error(Status::io, "cannot stat cache directory " + path + ": " + errno_text(errno));
  }
  if (auto problem = private_object_problem(st, policy, PrivateKind::directory)) {
    std::string hint = (st.st_uid == policy.owner && S_ISDIR(st.st_mode))
                           ? " (chmod 700 " + path + ")"
                           : " (remove it, or set FEDCRED_CACHE_DIR to a directory of your own)";
    return make_error(Status::io, "cache directory " + path + " " + *problem + hint);
  }
  return CacheDir(std::move(path), std::move(fd).value(), policy);
}

std::optional<CacheEntry> CacheDir::read(CacheKey const& key, std::string* miss_reason) const {
  return read_named(key, kEntrySuffix, miss_reason);
}

std::optional<CacheEntry> CacheDir::read_failure(CacheKey const& key) const {
  return read_named(key, kFailureSuffix, nullptr);
}

Result<void> CacheDir::write(CacheKey const& key, CacheEntry const& entry) {
  return write_named(key, kEntrySuffix, entry);
}

Result<void> CacheDir::write_failure(CacheKey const& key, CacheEntry const& record) {
  return write_named(key, kFailureSuffix, record);
}

std::optional<CacheEntry> CacheDir::read_identity(CacheKey const& key) const {
  return read_named(key, kIdentitySuffix, nullptr);
}

Result<void> CacheDir::write_identity(CacheKey const& key, CacheEntry const& record) {
  // Lost at a crash, a record is only asked again: not worth a hit's fsyncs.
  return write_named(key, kIdentitySuffix, record, Durability::unsynced);
}

void CacheDir::remove_failure(CacheKey const& key) {
  unlinkat(fd_.get(), (key.hash_hex() + std::string(kFailureSuffix)).c_str(), 0);
}

std::optional<CacheEntry> CacheDir::read_named(CacheKey const& key, std::string_view suffix,
                                               std::string* miss_reason) const {
  std::string const name = key.hash_hex() + std::string(suffix);
  std::string why;
  std::optional<CacheEntry> entry;
  if (std::optional<Secret> text =
          read_private_file(fd_.get(), name, policy_, kMaxCacheEntryBytes, &why)) {
    entry = decode_cache_entry(text->reveal(), &why);
    if (entry && entry->canonical_key != key.canonical) {
      entry.reset();
      why = "was stored for another key (hash collision)";
    }
  }
  if (!entry && miss_reason != nullptr)
    *miss_reason = "cache entry " + path_ + "/" + name + " " + why;
  return entry;
}

Result<void> CacheDir::write_named(CacheKey const& key, std::string_view suffix, CacheEntry const& entry,
                                   Durability durability) {
  Result<Secret> text = encode_cache_entry(key.canonical, entry);
  if (!text) return std::move(text).error();
  if (text->size() > kMaxCacheEntryBytes) {
    return make_error(Status::io, "cache entry for profile " + entry.profile + " is larger than " +
                                      std::to_string(kMaxCacheEntryBytes) + " bytes");
  }
  return write_private_file(fd_.get(), path_, key.hash_hex() + std::string(suffix), text->reveal(), std::nullopt,
                            durability);
}

Result<CacheLock> CacheDir::lock(CacheKey const& key, std::int64_t deadline_monotonic_ms,
                                 Clock& clock) {
  return acquire_cache_lock(fd_.get(), path_, key.hash_hex() + std::string(kLockSuffix), policy_,
                            deadline_monotonic_ms, clock);
}

namespace {

// The names in the directory; empty with *err set if it cannot be listed.
std::vector<std::string> directory_names(int dir_fd, int* err) {
  std::vector<std::string> names;
  // A new open file description: readdir moves its offset, which the shared
  // fd must keep for concurrent users.
  UniqueFd fd(openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DirPtr dir(fd ? fdopendir(fd.get()) : nullptr);
  if (!dir) {
    *err = errno;
    return names;
  }
  fd.release();  // now owned by dir
  *err = 0;
  while (dirent* e = readdir(dir.get())) names.emplace_back(e->d_name);
  return names;
}

}  // namespace

std::vector<CacheEntrySummary> CacheDir::list() const {
  int err = 0;
  std::vector<CacheEntrySummary> out;
  for (std::string const& name : directory_names(fd_.get(), &err)) {
    if (!is_hash_name(name, kEntrySuffix)) continue;
    std::optional<Secret> text = read_private_file(fd_.get(), name, policy_, kMaxCacheEntryBytes);
    if (!text) continue;
    if (std::optional<CacheEntrySummary> summary = decode_cache_summary(text->reveal())) {
      summary->file_name = name;
      out.push_back(std::move(*summary));
    }
  }
  std::sort(out.begin(), out.end(), [](CacheEntrySummary const& a, CacheEntrySummary const& b) {
    return std::tie(a.profile, a.label, a.file_name) < std::tie(b.profile, b.label, b.file_name);
  });
  return out;
}

Result<int> CacheDir::clear(std::optional<std::string> const& profile) {
  int err = 0;
  std::vector<std::string> names = directory_names(fd_.get(), &err);
  if (err != 0)
    return make_error(Status::io, "cannot list cache directory " + path_ + ": " + errno_text(err));
  auto remove = [&](std::string const& name) -> Result<void> {
    if (unlinkat(fd_.get(), name.c_str(), 0) != 0 && errno != ENOENT) {
      return make_error(Status::io,
                        "cannot remove " + path_ + "/" + name + ": " + errno_text(errno));
    }
    return {};
  };
  int removed = 0;
  for (std::string const& name : names) {
    if (is_hash_name(name, kEntrySuffix)) {
      if (profile) {
        std::optional<Secret> text =
            read_private_file(fd_.get(), name, policy_, kMaxCacheEntryBytes);
        std::optional<CacheEntrySummary> summary;
        if (text) summary = decode_cache_summary(text->reveal());
        if (!summary || summary->profile != *profile) continue;
      }
      if (Result<void> r = remove(name); !r) return std::move(r).error();
      ++removed;
      remove_idle_lock_file(fd_.get(), lock_name_of(name));
    } else if (!profile && (is_hash_name(name, kFailureSuffix) || is_hash_name(name, kIdentitySuffix))) {
      if (Result<void> r = remove(name); !r) return std::move(r).error();
    } else if (!profile && is_hash_name(name, kLockSuffix)) {
      remove_idle_lock_file(fd_.get(), name);  // orphan of a failed fetch
    } else if (auto target = temporary_file_target(name);
               !profile && target &&
               (is_hash_name(*target, kEntrySuffix) || is_hash_name(*target, kFailureSuffix) ||
                is_hash_name(*target, kIdentitySuffix))) {
      // Temporary files of killed writers. One of a live writer vanishing
      // only fails that write, which the writer reports and survives.
      if (Result<void> r = remove(name); !r) return std::move(r).error();
    }
  }
  return removed;
}

}  // namespace fedcred
