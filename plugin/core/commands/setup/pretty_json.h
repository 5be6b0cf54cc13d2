// SPDX-License-Identifier: Apache-2.0
// How `fedcred setup` prints its JSON documents: json-c trees, pretty-printed
// for a person to read and paste.
#pragma once

#include <json-c/json.h>

#include <string>
#include <string_view>

#include "result.h"

namespace fedcred {

inline json_object* new_json_string(std::string_view s) {
  return json_object_new_string_len(s.data(), static_cast<int>(s.size()));
}

// json-c's pretty printer, without "\/" escapes (URLs stay readable).
inline Result<std::string> to_pretty_json(json_object* doc) {
  char const* text = json_object_to_json_string_ext(
      doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == nullptr) return make_error(Status::internal, "out of memory");
  return std::string(text);
}

}  // namespace fedcred
