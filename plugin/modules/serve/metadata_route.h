// SPDX-License-Identifier: Apache-2.0
// GCE metadata emulation (docs/PROTOCOLS.md 6 and 9): the paths Google's libraries
// read and probe, answered as the real server does, including its refusals
// (no Metadata-Flavor: Google, or an X-Forwarded-For header: 403).
#pragma once

#include <cstdint>

#include "http_types.h"
#include "published.h"

namespace fedcred::serve {

struct GoogleIdentity;

// Whether `path` belongs to the metadata server: "/" (google-auth's ping) and
// everything under /computeMetadata/.
bool is_metadata_path(std::string_view path);

// `token` holds the raw access token the library published.
HttpResponse metadata(HttpRequest const& req, GoogleIdentity const& identity, PublishedSlot const& token,
                      std::int64_t now_unix);

}  // namespace fedcred::serve
