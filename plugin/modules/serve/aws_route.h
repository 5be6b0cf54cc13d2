// SPDX-License-Identifier: Apache-2.0
// GET /aws/credentials: the container-credentials provider's endpoint
// (docs/PROTOCOLS.md 4.2). The SDK sends the token file's content verbatim as
// Authorization; the answer is the document the library published.
#pragma once

#include <cstdint>
#include <string>

#include "http_types.h"
#include "published.h"

namespace fedcred::serve {

inline constexpr char kAwsCredentialsPath[] = "/aws/credentials";

// `authorization`: the token file's content now (empty: the file is unusable
// and no request matches).
HttpResponse aws_credentials(HttpRequest const& req, PublishedSlot const& authorization, PublishedSlot const& slot,
                             std::int64_t now_unix);

}  // namespace fedcred::serve
