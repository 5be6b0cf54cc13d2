// SPDX-License-Identifier: Apache-2.0
// RAII for json-c objects: a unique_ptr with a stateless deleter, one word wide.
#pragma once

#include <json-c/json.h>

#include <cstdint>
#include <memory>

#include "json_wipe.h"

namespace fedcred {

struct JsonPut {
  void operator()(json_object* o) const noexcept { json_object_put(o); }
};
using JsonPtr = std::unique_ptr<json_object, JsonPut>;

// Every tokener is freed with its string buffer wiped (json_wipe.h).
using JsonTokenerPtr = WipingTokenerPtr;

// Where the tokenizer stopped. json-c 0.14 (RHEL 9) has no accessor yet.
inline std::size_t json_parse_end(json_tokener* tok) {
#if JSON_C_VERSION_NUM >= ((0 << 16) | (15 << 8) | 0)
  return json_tokener_get_parse_end(tok);
#else
  return static_cast<std::size_t>(tok->char_offset);
#endif
}

// Parses exactly one JSON document filling all of `text`; nullptr for bad or
// trailing input.
inline JsonPtr parse_json_exact(char const* text, std::size_t size) {
  JsonTokenerPtr tok(json_tokener_new());
  if (!tok || size > static_cast<std::size_t>(INT32_MAX)) return nullptr;
  JsonPtr root(json_tokener_parse_ex(tok.get(), text, static_cast<int>(size)));
  if (json_tokener_get_error(tok.get()) != json_tokener_success ||
      json_parse_end(tok.get()) != size) {
    return nullptr;
  }
  return root;
}

}  // namespace fedcred
