// SPDX-License-Identifier: Apache-2.0
// The comparison of a client's secret (the AWS route's Authorization, the
// Azure App Service form's X-IDENTITY-HEADER) with the token file's content.
#pragma once

#include <string>
#include <string_view>

namespace fedcred::serve {

// Compares in time independent of where the first difference is, so the
// token cannot be guessed byte by byte from response times.
bool same_secret(std::string_view given, std::string const& expected);

}  // namespace fedcred::serve
