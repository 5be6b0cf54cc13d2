// SPDX-License-Identifier: Apache-2.0
// CacheDir: the per-user credential cache directory and the operations on its
// entries (docs/DESIGN.md, "Cache rules").
//
// Layout: <dir>/<hash>.json (entry, 0600), <dir>/<hash>.lock (flock target,
// 0600), <dir>/<hash>.fail (the last failed fetch, shared with the processes
// waiting on the lock; same format as an entry), <dir>/<hash>.seen (an
// identity a server confirmed, e.g. the metadata server's account,
// flows/recalled_account.h; same format), where <hash> is
// CacheKey::hash_hex(). Write leaves hidden
// ".<hash>.json.tmp.*" files only if killed mid-write; `clear` removes them.
//
// The directory is opened once (O_DIRECTORY|O_NOFOLLOW), checked through that
// fd, and every later operation is relative to the fd, so renaming or
// replacing a parent after the check cannot redirect fedcred.
//
// Thread safety: operations only share the directory fd, which nothing
// repositions (list opens its own), so one CacheDir may be used from several
// threads. Coordination between processes is the lock's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/entry.h"
#include "cache/key.h"
#include "cache/lock.h"
#include "files/policy.h"
#include "files/private_file.h"
#include "clock.h"
#include "base/env.h"
#include "result.h"
#include "base/unique_fd.h"

namespace fedcred {

// The directory docs/DESIGN.md prescribes: $FEDCRED_CACHE_DIR, else
// $XDG_RUNTIME_DIR/fedcred, else $XDG_CACHE_HOME/fedcred, else
// $HOME/.cache/fedcred. XDG variables holding a relative path are ignored, as
// the XDG Base Directory spec requires. Error (Status::io): FEDCRED_CACHE_DIR
// is relative, or no candidate variable is set.
Result<std::string> cache_dir_path(Env const& env);

class CacheDir {
 public:
  // Chooses the directory with cache_dir_path(env) and opens it (open_path).
  static Result<CacheDir> open(Env const& env, CachePolicy policy = CachePolicy::current_user(), bool create = true);

  // Opens `path`, creating it and any missing parents with mode 0700 (only
  // in parents owned by policy.owner or root; nothing when !create). The
  // directory itself must be a real directory (not a symlink), owned by
  // policy.owner, without group or other permission bits. Error (Status::io)
  // with a message naming the path, what is wrong and how to fix it; the
  // caller warns and runs uncached.
  static Result<CacheDir> open_path(std::string path, CachePolicy policy = CachePolicy::current_user(),
                                    bool create = true);

  std::string const& path() const noexcept { return path_; }

  // The entry for `key`, whether or not it is still fresh (see is_fresh).
  // nullopt (a miss) when the file is missing, a symlink, not a regular file,
  // not owned by the policy owner, not mode 0600, over kMaxCacheEntryBytes,
  // unparsable, truncated, of another format version, or stored under another
  // canonical key (a hash collision). Never throws for bad content;
  // *miss_reason (if given) says why, for debug logs, with no secret in it.
  std::optional<CacheEntry> read(CacheKey const& key, std::string* miss_reason = nullptr) const;

  // Stores `entry` under `key` atomically (entry.canonical_key is ignored;
  // key.canonical is recorded). Error: Status::io (read-only or full
  // directory, ...; no partial file is left), Status::internal (out of
  // memory).
  Result<void> write(CacheKey const& key, CacheEntry const& entry);

  // The record of a failed fetch for `key` (read_failure: nullopt when there
  // is none or it is unreadable, as for read). Stored in the entry format:
  // expiration = until when the failure stands, values "status" and
  // "message" (errors never carry secrets). Removing is best-effort.
  std::optional<CacheEntry> read_failure(CacheKey const& key) const;
  Result<void> write_failure(CacheKey const& key, CacheEntry const& record);
  void remove_failure(CacheKey const& key);

  // The record of an identity a server confirmed (read_identity: nullopt as
  // for read_failure), in the entry format: expiration = until when it may be
  // recalled without asking again, values what was confirmed. Written
  // without fsync: lost at a crash, it is only asked again.
  std::optional<CacheEntry> read_identity(CacheKey const& key) const;
  Result<void> write_identity(CacheKey const& key, CacheEntry const& record);

  // The per-key lock; see acquire_cache_lock for waiting and errors
  // (Status::transient on timeout, Status::io otherwise).
  Result<CacheLock> lock(CacheKey const& key, std::int64_t deadline_monotonic_ms, Clock& clock);

  // Summaries of every readable entry (expired ones included), sorted by
  // profile, label and file name. Unreadable entries are skipped.
  std::vector<CacheEntrySummary> list() const;

  // Removes the entries of `profile`, or every entry (readable or not) when
  // nullopt, with their idle lock files; clearing everything also removes
  // the failure and identity records and temporary files left by killed
  // writers. Only fedcred's own file names are
  // touched. Returns the number of entries removed. Error (Status::io): the
  // directory cannot be listed, or an entry cannot be removed.
  Result<int> clear(std::optional<std::string> const& profile);

 private:
  std::optional<CacheEntry> read_named(CacheKey const& key, std::string_view suffix, std::string* why) const;
  Result<void> write_named(CacheKey const& key, std::string_view suffix, CacheEntry const& entry,
                           Durability durability = Durability::synced);

  CacheDir(std::string path, UniqueFd fd, CachePolicy policy)
      : path_(std::move(path)), fd_(std::move(fd)), policy_(policy) {}

  std::string path_;
  UniqueFd fd_;
  CachePolicy policy_;
};

}  // namespace fedcred
