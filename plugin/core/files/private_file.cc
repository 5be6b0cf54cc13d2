// SPDX-License-Identifier: Apache-2.0
#include "files/private_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <memory>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "files/write_all.h"

namespace fedcred {
namespace {

constexpr std::string_view kTempMarker = ".tmp.";

void set_why(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

std::string errno_text(int err) { return ::strerror(err); }

// Removes a temporary file unless it was renamed into place.
class TempFile {
 public:
  TempFile(int dir_fd, std::string name) : dir_fd_(dir_fd), name_(std::move(name)) {}
  TempFile(TempFile const&) = delete;
  TempFile& operator=(TempFile const&) = delete;
  ~TempFile() {
    if (!committed_) unlinkat(dir_fd_, name_.c_str(), 0);
  }
  std::string const& name() const { return name_; }
  void committed() { committed_ = true; }

 private:
  int dir_fd_;
  std::string name_;
  bool committed_ = false;
};

// ".<name>.tmp.<pid>.<counter>.<ns>": hidden, unique per process and attempt
// (the clock part covers a pid reused after a killed writer), and
// recognisable by is_temporary_file_name for `cache clear`.
std::string temp_name(std::string const& name) {
  static std::atomic<unsigned> counter{0};
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return "." + name + std::string(kTempMarker) + std::to_string(getpid()) + "." +
         std::to_string(counter.fetch_add(1)) + "." + std::to_string(ts.tv_nsec);
}

// A writer needs milliseconds between creating its temporary file and the
// rename; one older than this was left by a writer that died.
constexpr time_t kStaleTempSeconds = 60;

// Whether the temporary file `name` of write_private_file belongs to a writer
// that is gone: its pid (the first field after ".tmp.") no longer exists, or
// the file is old. A live writer losing its file only fails that one write.
bool is_stale_temp(int dir_fd, std::string_view name) {
  struct stat st {};
  if (fstatat(dir_fd, std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
    return false;
  }
  if (time(nullptr) - st.st_mtime > kStaleTempSeconds) return true;
  std::string_view rest = name.substr(name.find(kTempMarker, 1) + kTempMarker.size());
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
  if (ec != std::errc() || pid <= 0 || end == rest.data() + rest.size() || *end != '.') return false;
  return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH;
}

struct DirClose {
  void operator()(DIR* d) const noexcept { closedir(d); }
};

// A writer killed between create and rename leaves a temporary file holding
// full credentials; the next write of the same entry removes it.
void remove_stale_temps(int dir_fd, std::string const& name) {
  UniqueFd fd(openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  std::unique_ptr<DIR, DirClose> dir(fd ? fdopendir(fd.get()) : nullptr);
  if (!dir) return;
  fd.release();  // now owned by dir
  std::vector<std::string> stale;
  while (dirent* e = readdir(dir.get())) {
    std::string_view entry(e->d_name);
    if (temporary_file_target(entry) == std::string_view(name) && is_stale_temp(dir_fd, entry)) {
      stale.emplace_back(entry);
    }
  }
  for (auto const& n : stale) unlinkat(dir_fd, n.c_str(), 0);
}

}  // namespace

std::optional<Secret> read_private_file(int dir_fd, std::string const& name,
                                        CachePolicy const& policy, std::size_t max_bytes,
                                        std::string* why) {
  UniqueFd fd(
      openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!fd) {
    int err = errno;
    set_why(why, err == ELOOP ? std::string("is a symbolic link") : errno_text(err));
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) {
    set_why(why, errno_text(errno));
    return std::nullopt;
  }
  if (auto problem = private_object_problem(st, policy, PrivateKind::file)) {
    set_why(why, std::move(*problem));
    return std::nullopt;
  }
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    set_why(why, "is larger than " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  // Entries are replaced by rename, never rewritten in place, so the size is
  // known: one allocation (no reallocation leaves copies of the content
  // behind), plus one spare byte to notice a file that changed after fstat.
  std::size_t const size = static_cast<std::size_t>(st.st_size);
  std::string buf(size + 1, '\0');
  std::size_t len = 0;
  while (len < buf.size()) {
    ssize_t n = ::read(fd.get(), buf.data() + len, buf.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      wipe(buf);
      set_why(why, errno_text(err));
      return std::nullopt;
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  if (len != size) {
    wipe(buf);
    set_why(why, "changed while being read");
    return std::nullopt;
  }
  Secret out(std::string_view(buf.data(), len));
  wipe(buf);
  return out;
}

Result<void> write_private_file(int dir_fd, std::string const& dir_path, std::string const& name,
                                std::string_view content, std::optional<gid_t> reader_group,
                                Durability durability) {
  auto fail = [&](std::string const& what, int err) {
    return make_error(Status::io, "cannot " + what + " cache file " + dir_path + "/" + name + ": " +
                                      errno_text(err));
  };
  UniqueFd fd;
  std::optional<TempFile> temp;
  // O_EXCL: never reuse a file someone else created; a clash with a stale
  // name just draws another one.
  for (int attempt = 0; attempt < 8 && !fd; ++attempt) {
    std::string candidate = temp_name(name);
    fd.reset(openat(dir_fd, candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0600));
    if (fd) {
      temp.emplace(dir_fd, std::move(candidate));
    } else if (errno != EEXIST) {
      return fail("create a temporary", errno);
    }
  }
  if (!fd) return fail("create a temporary", EEXIST);
  // The umask may have removed bits from 0600; readers insist on exactly 0600.
  // A reader group: the group first, then 0640, so no other group ever reads it.
  if (reader_group && fchown(fd.get(), static_cast<uid_t>(-1), *reader_group) != 0)
    return fail("set the group of a temporary", errno);
  if (fchmod(fd.get(), reader_group ? 0640 : 0600) != 0) return fail("set the mode of a temporary", errno);
  if (!write_all(fd.get(), content)) return fail("write", errno);
  if (durability == Durability::synced && fsync(fd.get()) != 0) return fail("sync", errno);
  // close() can report a delayed write error (NFS); check it before rename.
  if (::close(fd.release()) != 0) return fail("close", errno);
  if (renameat(dir_fd, temp->name().c_str(), dir_fd, name.c_str()) != 0)
    return fail("rename", errno);
  temp->committed();
  remove_stale_temps(dir_fd, name);
  // Makes the rename itself durable. A failure here loses at most this entry
  // after a crash, which is only a future cache miss: not worth an error.
  if (durability == Durability::synced) fsync(dir_fd);
  return {};
}

std::optional<std::string_view> temporary_file_target(std::string_view name) {
  if (name.size() < 2 || name.front() != '.') return std::nullopt;
  std::size_t marker = name.find(kTempMarker, 1);
  if (marker == std::string_view::npos || marker == 1) return std::nullopt;
  return name.substr(1, marker - 1);
}

}  // namespace fedcred
