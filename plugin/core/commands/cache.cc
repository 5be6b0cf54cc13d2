// SPDX-License-Identifier: Apache-2.0
#include "commands/cache.h"

#include <utility>

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

}  // namespace

Result<Secret> run_cache_list(Env const& env) {
  auto dir = CacheDir::open(env);
  if (!dir) return std::move(dir).error();
  JsonPtr root(json_object_new_object());
  JsonPtr entries(json_object_new_array());
  for (auto const& e : dir->list()) {
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
  add_string(root.get(), "directory", dir->path());
  json_object_object_add(root.get(), "entries", entries.release());
  return to_text(root.get());
}

Result<Secret> run_cache_clear(Env const& env, std::optional<std::string> const& profile) {
  auto dir = CacheDir::open(env);
  if (!dir) return std::move(dir).error();
  auto removed = dir->clear(profile);
  if (!removed) return std::move(removed).error();
  JsonPtr root(json_object_new_object());
  add_string(root.get(), "directory", dir->path());
  json_object_object_add(root.get(), "removed", json_object_new_int(*removed));
  return to_text(root.get());
}

}  // namespace fedcred
