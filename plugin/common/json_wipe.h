// SPDX-License-Identifier: Apache-2.0
// Wiping what json-c copies (issue 12, item 8). json-c has no allocator hook:
// it copies each string it parses into the tokener's buffer (a printbuf) and
// then into the object, and frees both unwiped; after parsing a cache entry or
// a token answer they hold the token or key. The core and the modules free
// every tokener and every secret-bearing tree through these deleters. What
// they cannot reach, the earlier buffers json-c's realloc growth released, is
// listed in libfedcred(3), SECRETS IN MEMORY.
#pragma once

#include <json-c/json.h>
#include <json-c/printbuf.h>
#include <string.h>

#include <memory>

namespace fedcred {

struct WipingTokenerFree {
  void operator()(json_tokener* t) const noexcept {
    // The fields are json-c's (deprecated for outside use, stable since 0.10):
    // the tokener's string buffer and its allocated size.
    if (t != nullptr && t->pb != nullptr && t->pb->buf != nullptr && t->pb->size > 0) {
      explicit_bzero(t->pb->buf, static_cast<size_t>(t->pb->size));
    }
    json_tokener_free(t);
  }
};
using WipingTokenerPtr = std::unique_ptr<json_tokener, WipingTokenerFree>;

// Zeroes every string inside a json-c tree. The blocks belong to objects the
// caller exclusively owns, so overwriting them through the const pointer
// json-c hands out is safe.
inline void wipe_json_strings(json_object* obj) noexcept {
  switch (json_object_get_type(obj)) {
    case json_type_string: {
      int const len = json_object_get_string_len(obj);
      if (len > 0) explicit_bzero(const_cast<char*>(json_object_get_string(obj)), static_cast<size_t>(len));
      break;
    }
    case json_type_object: {
      json_object_iterator it = json_object_iter_begin(obj);
      json_object_iterator const end = json_object_iter_end(obj);
      for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        wipe_json_strings(json_object_iter_peek_value(&it));
      }
      break;
    }
    case json_type_array: {
      size_t const n = json_object_array_length(obj);
      for (size_t i = 0; i < n; ++i) wipe_json_strings(json_object_array_get_idx(obj, i));
      break;
    }
    default:
      break;
  }
}

// Releases a tree that may hold secrets: its strings are wiped first.
struct WipingJsonPut {
  void operator()(json_object* obj) const noexcept {
    wipe_json_strings(obj);
    json_object_put(obj);
  }
};

}  // namespace fedcred
