// SPDX-License-Identifier: Apache-2.0
// json-c objects owned by the routes that build their answers with it, and
// their compact text.
#pragma once

#include <json-c/json.h>

#include <memory>
#include <string>

namespace fedcred::serve {

struct JsonPut {
  void operator()(json_object* o) const noexcept { json_object_put(o); }
};
using Json = std::unique_ptr<json_object, JsonPut>;

inline std::string to_text(json_object* o) {
  return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

}  // namespace fedcred::serve
