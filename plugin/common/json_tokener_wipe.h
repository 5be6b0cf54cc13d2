// SPDX-License-Identifier: Apache-2.0
// json-c's tokener copies each string it parses into its own buffer (a
// printbuf) and frees it unwiped: after parsing a cache entry or an STS
// answer, that buffer holds the last token or key. The core and the modules
// free every tokener through this deleter (issue 12, item 8). What it cannot
// reach: the earlier buffers json-c's realloc growth released, listed in
// libfedcred(3), SECRETS IN MEMORY.
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

}  // namespace fedcred
