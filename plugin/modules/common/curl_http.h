// SPDX-License-Identifier: Apache-2.0
// CurlHttpClient: HttpClient over libcurl, with the rules every fedcred
// request follows: no redirects, http/https only, no signals, a body cap
// enforced while receiving, and no proxy for `direct` (metadata) requests.
#pragma once

#include <optional>
#include <string>

#include "http_client.h"

namespace fedcred::modules {

struct CurlOptions {
  // CA bundle file for TLS (CURLOPT_CAINFO); libcurl's default when unset.
  std::optional<std::string> ca_bundle;

  // AWS_CA_BUNDLE, else CURL_CA_BUNDLE (the AWS CLI's and curl's variables).
  static CurlOptions from_environment();
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options = CurlOptions::from_environment());
  Result<HttpResponse> send(HttpRequest const& request) override;

 private:
  CurlOptions options_;
};

}  // namespace fedcred::modules
