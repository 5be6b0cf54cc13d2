// SPDX-License-Identifier: Apache-2.0
// Private files inside the cache directory, addressed relative to the
// directory's fd (openat & co.), so that nothing done to the path after the
// directory was checked (a renamed or replaced parent) can redirect us.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "files/policy.h"
#include "result.h"
#include "secret.h"

namespace fedcred {

// The whole content of dir_fd/name, if it is a private file (PrivateKind::file
// under `policy`) of at most max_bytes. Opened with O_NOFOLLOW (a symlink is
// refused, not followed) and O_NONBLOCK (a planted FIFO cannot block us).
// nullopt on any failure; *why then says what, without any content.
std::optional<Secret> read_private_file(int dir_fd, std::string const& name,
                                        CachePolicy const& policy, std::size_t max_bytes,
                                        std::string* why = nullptr);

// Replaces dir_fd/name atomically with `content` (mode 0600): a temporary
// file in the same directory (O_EXCL), write, fsync, rename over `name`, then
// fsync of the directory. Readers see the old file or the new one, never a
// mix. On failure the temporary file is removed and `name` is untouched.
// With `reader_group`, the file is that group's and mode 0640 instead, set on
// the temporary before anything is written to it (no moment at which another
// group could read it). `dir_path` only serves error messages. Error: Status::io.
// Durability::unsynced skips both fsyncs (about a millisecond here): for a
// file whose loss or truncation at a crash is only a future miss, written on
// a path that must stay cheap (flows/recalled_account.h). The rename stays
// atomic for readers either way.
enum class Durability { synced, unsynced };
Result<void> write_private_file(int dir_fd, std::string const& dir_path, std::string const& name,
                                std::string_view content, std::optional<gid_t> reader_group = std::nullopt,
                                Durability durability = Durability::synced);

// If `name` is a temporary file of write_private_file (which a killed writer
// may leave behind), the name it was meant to replace; else nullopt.
std::optional<std::string_view> temporary_file_target(std::string_view name);

}  // namespace fedcred
