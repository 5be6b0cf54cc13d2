// SPDX-License-Identifier: Apache-2.0
// One request as the routes see it, and the answer they give: plain values,
// so the routing is tested without a socket (tests/unit/modules/serve).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fedcred::serve {

struct HttpRequest {
  std::string_view method;
  std::string_view path;  // without the query string
  std::optional<std::string_view> host;
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> metadata_flavor;
  std::optional<std::string_view> azure_metadata;   // Azure IMDS's "Metadata" header
  std::optional<std::string_view> identity_header;  // Azure App Service's X-IDENTITY-HEADER
  bool forwarded = false;  // an X-Forwarded-For header is present
  std::optional<std::string_view> recursive;  // the "recursive" query argument
  // Every query argument, in order, repeated ones repeatedly (the Azure
  // routes refuse a repeated one rather than pick one).
  std::vector<std::pair<std::string_view, std::string_view>> query;
  std::optional<uid_t> caller;  // who owns the connection's other end (caller.h); nullopt: unknown
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  // May hold credentials: the daemon copies it into memory it wipes, and
  // clears this one (WipedString below).
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The route (FEDCRED_SERVE_AWS / _GOOGLE / _AZURE) whose credentials this answer
  // hands out, for the audit trail; -1 for every other answer.
  int credential = -1;
};

// A JSON error body {"code":..,"message":..}: never built from request data,
// so a client cannot make the server echo anything.
HttpResponse json_error(int status, std::string_view code, std::string_view message);

}  // namespace fedcred::serve
