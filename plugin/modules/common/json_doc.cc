// SPDX-License-Identifier: Apache-2.0
#include "json_doc.h"

#include <string.h>

#include "json_wipe.h"

namespace fedcred::modules {

JsonDoc parse_json_object(std::string_view text) {
  WipingTokenerPtr tokener(json_tokener_new());
  if (!tokener || text.size() > 0x7fffffff) return nullptr;
  JsonDoc doc(json_tokener_parse_ex(tokener.get(), text.data(), static_cast<int>(text.size())));
  if (!doc || json_tokener_get_error(tokener.get()) != json_tokener_success ||
      !json_object_is_type(doc.get(), json_type_object)) {
    return nullptr;
  }
  return doc;
}

json_object* json_member(json_object* obj, char const* key, json_type type) {
  json_object* v = nullptr;
  if (obj == nullptr || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type)) return nullptr;
  return v;
}

Secret take_json_secret(json_object* v) {
  char* text = const_cast<char*>(json_object_get_string(v));  // json-c owns it; wiping is safe
  std::size_t const len = static_cast<std::size_t>(json_object_get_string_len(v));
  Secret out(std::string_view(text, len));
  explicit_bzero(text, len);
  return out;
}

}  // namespace fedcred::modules
