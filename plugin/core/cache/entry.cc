// SPDX-License-Identifier: Apache-2.0
#include "cache/entry.h"

#include <json-c/json.h>
#include <json-c/json_object_iterator.h>
#include <string.h>

#include <limits>
#include <memory>
#include <utility>

#include "base/json_handle.h"

namespace fedcred {
namespace {

// Latest expiration we accept (9999-12-31T23:59:59Z): keeps later arithmetic
// on expirations far away from overflow, and rejects garbage.
constexpr std::int64_t kMaxExpiration = 253402300799;
// A jitter is a few minutes at most; a day is already nonsense.
constexpr std::int64_t kMaxRefreshJitter = 86400;
// Our documents are two levels deep; a low cap bounds the tokener's work and
// the recursion in wipe_json_strings on a hostile file.
constexpr int kMaxDepth = 4;

// Calls f(name, value) for each member of a JSON object, in order, until f
// returns false. Returns whether it went through all of them.
template <typename F>
bool for_each_member(json_object* obj, F f) {
  json_object_iterator it = json_object_iter_begin(obj);
  json_object_iterator const end = json_object_iter_end(obj);
  for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
    if (!f(json_object_iter_peek_name(&it), json_object_iter_peek_value(&it))) return false;
  }
  return true;
}

// Every document here may hold secrets: released through WipingJsonPut
// (json_wipe.h), which wipes every string first.
using SecretJson = std::unique_ptr<json_object, WipingJsonPut>;

// Null (reported as out of memory) also for a string json-c cannot hold.
json_object* new_string(std::string const& s) {
  if (s.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return nullptr;
  return json_object_new_string_len(s.data(), static_cast<int>(s.size()));
}

// Adds `value` (which may be null after a failed allocation) to `obj`,
// taking ownership of it either way. False when anything failed.
bool add(json_object* obj, char const* name, json_object* value) {
  if (value == nullptr) return false;
  if (json_object_object_add(obj, name, value) != 0) {
    json_object_put(value);
    return false;
  }
  return true;
}

void set_why(std::string* why, std::string text) {
  if (why != nullptr) *why = std::move(text);
}

SecretJson parse(std::string_view text, std::string* why) {
  // json-c takes the length as an int; our files are capped far below that.
  if (text.size() > kMaxCacheEntryBytes) {
    set_why(why, "larger than " + std::to_string(kMaxCacheEntryBytes) + " bytes");
    return nullptr;
  }
  JsonTokenerPtr tok(json_tokener_new_ex(kMaxDepth));
  if (!tok) {
    set_why(why, "out of memory");
    return nullptr;
  }
  json_tokener_set_flags(tok.get(), JSON_TOKENER_STRICT);
  SecretJson doc(json_tokener_parse_ex(tok.get(), text.data(), static_cast<int>(text.size())));
  json_tokener_error err = json_tokener_get_error(tok.get());
  if (!doc || err != json_tokener_success) {
    // json_tokener_continue: the text ended inside the document (truncated).
    set_why(why, err == json_tokener_continue
                     ? std::string("truncated JSON")
                     : std::string("invalid JSON: ") + json_tokener_error_desc(err));
    return nullptr;
  }
  std::size_t end = json_parse_end(tok.get());
  for (std::size_t i = end; i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      set_why(why, "trailing data after the JSON document");
      return nullptr;
    }
  }
  if (!json_object_is_type(doc.get(), json_type_object)) {
    set_why(why, "not a JSON object");
    return nullptr;
  }
  return doc;
}

json_object* member(json_object* obj, char const* name, json_type type) {
  json_object* m = nullptr;
  if (!json_object_object_get_ex(obj, name, &m) || !json_object_is_type(m, type)) return nullptr;
  return m;
}

// A view into json-c's storage, valid while the object lives.
std::string_view as_view(json_object* s) {
  return {json_object_get_string(s), static_cast<std::size_t>(json_object_get_string_len(s))};
}

// Validates everything but the values' contents and fills the header fields.
// Returns the "values" object (owned by doc) or null.
json_object* decode_header(json_object* doc, CacheEntry& out, std::string* why) {
  json_object* format = member(doc, "format", json_type_int);
  if (format == nullptr) {
    set_why(why, "no integer \"format\"");
    return nullptr;
  }
  if (json_object_get_int64(format) != kCacheFormatVersion) {
    set_why(why, "format " + std::to_string(json_object_get_int64(format)) + ", expected " +
                     std::to_string(kCacheFormatVersion));
    return nullptr;
  }
  json_object* key = member(doc, "key", json_type_string);
  json_object* profile = member(doc, "profile", json_type_string);
  json_object* label = member(doc, "label", json_type_string);
  json_object* expiration = member(doc, "expiration", json_type_int);
  json_object* jitter = member(doc, "refresh_jitter", json_type_int);
  json_object* values = member(doc, "values", json_type_object);
  if (key == nullptr || profile == nullptr || label == nullptr || expiration == nullptr ||
      jitter == nullptr || values == nullptr) {
    set_why(why, "a member is missing or has the wrong type");
    return nullptr;
  }
  out.expiration = json_object_get_int64(expiration);
  out.refresh_jitter = json_object_get_int64(jitter);
  if (out.expiration <= 0 || out.expiration > kMaxExpiration) {
    set_why(why, "expiration out of range");
    return nullptr;
  }
  if (out.refresh_jitter < 0 || out.refresh_jitter > kMaxRefreshJitter) {
    set_why(why, "refresh_jitter out of range");
    return nullptr;
  }
  bool const all_strings = for_each_member(values, [why](char const* name, json_object* value) {
    if (json_object_is_type(value, json_type_string)) return true;
    set_why(why, std::string("value \"") + name + "\" is not a string");
    return false;
  });
  if (!all_strings) return nullptr;
  out.canonical_key = as_view(key);
  out.profile = as_view(profile);
  out.label = as_view(label);
  return values;
}

}  // namespace

Result<Secret> encode_cache_entry(std::string const& canonical_key, CacheEntry const& entry) {
  auto oom = [] { return make_error(Status::internal, "out of memory encoding a cache entry"); };
  SecretJson doc(json_object_new_object());
  json_object* values = json_object_new_object();
  if (!doc || !add(doc.get(), "format", json_object_new_int64(kCacheFormatVersion)) ||
      !add(doc.get(), "key", new_string(canonical_key)) ||
      !add(doc.get(), "profile", new_string(entry.profile)) ||
      !add(doc.get(), "label", new_string(entry.label)) ||
      !add(doc.get(), "expiration", json_object_new_int64(entry.expiration)) ||
      !add(doc.get(), "refresh_jitter", json_object_new_int64(entry.refresh_jitter)) ||
      !add(doc.get(), "values", values)) {
    return oom();
  }
  for (auto const& [name, secret] : entry.values) {
    if (!add(values, name.c_str(), new_string(secret.reveal()))) return oom();
  }
  std::size_t len = 0;
  char const* text = json_object_to_json_string_length(
      doc.get(), JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
  if (text == nullptr) return oom();
  Secret out(std::string_view(text, len));
  // The serialization buffer belongs to doc and is freed with it, unwiped.
  explicit_bzero(const_cast<char*>(text), len);
  return out;
}

std::optional<CacheEntry> decode_cache_entry(std::string_view text, std::string* why) {
  SecretJson doc = parse(text, why);
  if (!doc) return std::nullopt;
  CacheEntry entry;
  json_object* values = decode_header(doc.get(), entry, why);
  if (values == nullptr) return std::nullopt;
  for_each_member(values, [&entry](char const* name, json_object* value) {
    // Straight from json-c's buffer into the Secret: no unwiped temporary.
    entry.values.emplace(name, Secret(as_view(value)));
    return true;
  });
  return entry;
}

std::optional<CacheEntrySummary> decode_cache_summary(std::string_view text, std::string* why) {
  SecretJson doc = parse(text, why);
  if (!doc) return std::nullopt;
  CacheEntry header;
  if (decode_header(doc.get(), header, why) == nullptr) return std::nullopt;
  CacheEntrySummary summary;
  summary.profile = std::move(header.profile);
  summary.label = std::move(header.label);
  summary.expiration = header.expiration;
  return summary;
}

}  // namespace fedcred
