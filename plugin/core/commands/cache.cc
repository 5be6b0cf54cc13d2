// SPDX-License-Identifier: Apache-2.0
#include "commands/cache.h"

#include <errno.h>
#include <sys/stat.h>

#include <optional>
#include <utility>
#include <vector>

#include "cache/dir.h"
#include "base/json_handle.h"
#include "time_format.h"

namespace fedcred {
namespace {

void add_string(json_object* obj, char const* key, std::string const& value) {
  json_object_object_add(obj, key, json_object_new_string_len(value.data(), static_cast<int>(value.size())));
}

Secret to_text(json_object* obj) {
  return Secret(std::string(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN)));
}

// Listing or clearing creates nothing: a cache directory that does not exist
// is an empty cache (nullopt), named by its path.
Result<std::optional<CacheDir>> open_existing(Env const& env, std::string& path) {
  auto where = cache_dir_path(env);
  if (!where) return std::move(where).error();
  path = *where;
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 && errno == ENOENT) return std::optional<CacheDir>();
  auto dir = CacheDir::open(env, CachePolicy::current_user(), /*create=*/false);
  if (!dir) return std::move(dir).error();
  path = dir->path();
  return std::optional<CacheDir>(std::move(*dir));
}

}  // namespace

Result<Secret> run_cache_list(Env const& env) {
  std::string path;
  auto dir = open_existing(env, path);
  if (!dir) return std::move(dir).error();
  JsonPtr root(json_object_new_object());
  JsonPtr entries(json_object_new_array());
  for (auto const& e : *dir ? (*dir)->list() : std::vector<CacheEntrySummary>{}) {
    json_object* item = json_object_new_object();
    add_string(item, "profile", e.profile);
    // "target": the role ARN of an aws entry, the audience of a gcp/token
    // one. "role" stays, for aws entries only, for consumers of the old name;
    // an audience is no role.
    add_string(item, "target", e.label);
    if (e.label.rfind("arn:", 0) == 0) add_string(item, "role", e.label);
    add_string(item, "expiration", format_rfc3339_utc(e.expiration));
    add_string(item, "file", e.file_name);
    json_object_array_add(entries.get(), item);
  }
  add_string(root.get(), "directory", path);
  json_object_object_add(root.get(), "entries", entries.release());
  return to_text(root.get());
}

Result<Secret> run_cache_clear(Env const& env, std::optional<std::string> const& profile) {
  std::string path;
  auto dir = open_existing(env, path);
  if (!dir) return std::move(dir).error();
  Result<int> removed = 0;
  if (*dir) removed = (*dir)->clear(profile);
  if (!removed) return std::move(removed).error();
  JsonPtr root(json_object_new_object());
  add_string(root.get(), "directory", path);
  json_object_object_add(root.get(), "removed", json_object_new_int(*removed));
  return to_text(root.get());
}

}  // namespace fedcred
