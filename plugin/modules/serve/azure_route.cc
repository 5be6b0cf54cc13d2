// SPDX-License-Identifier: Apache-2.0
#include "azure_route.h"

#include <string>
#include <vector>

#include "azure_ids.h"
#include "fedcred/fedcred.h"
#include "json_text.h"
#include "same_secret.h"
#include "serve_abi.h"

namespace fedcred::serve {
namespace {

// The one api-version of the App Service form (azure-identity's
// app_service.py, MSAL Node's AppService): its answer's shape is that version's.
constexpr std::string_view kAppServiceApiVersion = "2019-08-01";
// The identity selectors the SDKs send (MSAL Node's
// ManagedIdentityUserAssignedIdQueryParameterNames, azure-identity's identity_config).
constexpr std::string_view kOtherSelectors[] = {"object_id", "principal_id", "msi_res_id", "mi_res_id"};
// How much of the library's message an error answer carries.
constexpr std::size_t kMaxMessage = 1000;

enum class Form { app_service, imds };

// The two error shapes: IMDS's {"error","error_description"}; App Service's
// {"statusCode","message"} (MSAL Node reads `message` as the description,
// azure-identity shows the body).
HttpResponse azure_error(Form form, int status, std::string_view code, std::string_view message) {
  Json o(json_object_new_object());
  auto text = [](std::string_view v) { return json_object_new_string_len(v.data(), static_cast<int>(v.size())); };
  if (form == Form::imds) {
    json_object_object_add(o.get(), "error", text(code));
    json_object_object_add(o.get(), "error_description", text(message));
  } else {
    json_object_object_add(o.get(), "statusCode", json_object_new_int(status));
    json_object_object_add(o.get(), "message", text(message));
  }
  HttpResponse r;
  r.status = status;
  r.body = to_text(o.get());
  return r;
}

HttpResponse bad_request(Form form, std::string_view message) {
  return azure_error(form, 400, "invalid_request", message);
}

// The values of query argument `name` (more than one: the request is refused).
std::vector<std::string_view> arguments(HttpRequest const& req, std::string_view name) {
  std::vector<std::string_view> out;
  for (auto const& [key, value] : req.query) {
    if (key == name) out.push_back(value);
  }
  return out;
}

// The check of the App Service form's secret; the IMDS form's headers.
std::optional<HttpResponse> refuse_headers(Form form, HttpRequest const& req, PublishedSlot const& authorization) {
  if (form == Form::app_service) {
    auto expected = authorization.current();
    if (!req.identity_header || expected == nullptr || expected->value.empty() ||
        !same_secret(*req.identity_header, expected->value)) {
      return azure_error(form, 401, "unauthorized",
                         "the X-IDENTITY-HEADER header must equal the content of the server's token file: set "
                         "IDENTITY_HEADER to it (see fedcred(1), SERVE)");
    }
    return std::nullopt;
  }
  // Azure IMDS's refusals, in its order and words: the SDKs' probe (no
  // Metadata header, no query) must get this 400 at once.
  if (req.forwarded) {
    return bad_request(form, "Request has X-Forwarded-For header; IMDS does not accept proxied requests");
  }
  if (!req.azure_metadata || *req.azure_metadata != "true") {
    return bad_request(form, "Required metadata header not specified");
  }
  return std::nullopt;
}

// The query as Azure checks it; on success `resource` is the one resource asked for.
std::optional<HttpResponse> refuse_query(Form form, HttpRequest const& req, AzureIdentity const& identity,
                                         std::string_view& resource) {
  for (std::size_t i = 0; i < req.query.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (req.query[i].first == req.query[j].first) {
        return bad_request(form, "a query argument is given more than once");
      }
    }
  }
  auto version = arguments(req, "api-version");
  if (version.empty() || version[0].empty()) {
    return azure_error(form, 400, "invalid_request", "Bad request. api-version was not specified in the request");
  }
  if (form == Form::app_service && version[0] != kAppServiceApiVersion) {
    return bad_request(form, "api-version must be 2019-08-01, the version fedcred serve answers");
  }
  auto resources = arguments(req, "resource");
  if (resources.empty() || resources[0].empty()) {
    return bad_request(form, "Required audience parameter not specified");
  }
  if (!azure::check_resource(resources[0])) {
    return bad_request(form, "the resource must be a URI of 1 to 1000 visible ASCII characters");
  }
  for (auto name : kOtherSelectors) {
    if (!arguments(req, name).empty()) {
      return bad_request(form,
                         "Identity not found: fedcred serve answers for its Azure profile's application "
                         "only; select it by client_id or by no selector");
    }
  }
  auto client = arguments(req, "client_id");
  if (!client.empty() && client[0] != identity.client_id) {
    return bad_request(form, "Identity not found: client_id is not the application of the server's Azure profile");
  }
  resource = resources[0];
  return std::nullopt;
}

// Where a failed exchange leaves the client: 400 for what asking again
// cannot fix (the SDKs stop; DefaultAzureCredential tries its next
// credential), 503 for what it can (the SDKs retry), 500 otherwise.
HttpResponse fetch_failed(Form form, AzureTokenAnswer const& answer) {
  std::string message =
      "fedcred serve could not get an Entra token for this resource: " + answer.error.substr(0, kMaxMessage);
  switch (answer.status) {
    case FEDCRED_E_TRANSIENT:
      return azure_error(form, 503, "temporarily_unavailable", message);
    case FEDCRED_E_INTERNAL:
    case FEDCRED_E_IO:
      return azure_error(form, 500, "server_error", message);
    case FEDCRED_E_USAGE:
      return azure_error(form, 400, "invalid_request", message);
    default:
      return azure_error(form, 400, "invalid_grant", message);
  }
}

// The success document: every value a string, as both endpoints send them
// (expires_on in unix seconds: the 2019-08-01 and 2018-02-01 forms).
HttpResponse token_document(Form form, Published const& token, std::string_view resource, AzureIdentity const& identity,
                            std::int64_t now_unix) {
  Json o(json_object_new_object());
  auto put = [&](char const* key, std::string const& value) {
    json_object_object_add(o.get(), key, json_object_new_string_len(value.data(), static_cast<int>(value.size())));
  };
  put("access_token", token.value);
  put("client_id", identity.client_id);
  std::string const expires_in = std::to_string(token.expiration - now_unix);
  if (form == Form::imds) {
    put("expires_in", expires_in);
    put("ext_expires_in", expires_in);
  }
  put("expires_on", std::to_string(token.expiration));
  put("resource", std::string(resource));
  put("token_type", "Bearer");
  HttpResponse r;
  r.body = to_text(o.get());
  r.credential = FEDCRED_SERVE_AZURE;
  return r;
}

}  // namespace

bool is_azure_path(std::string_view path) {
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path == kAzureAppServicePath || path == kAzureImdsPath;
}

HttpResponse azure_token(HttpRequest const& req, AzureIdentity const& identity, PublishedSlot const& authorization,
                         std::int64_t now_unix) {
  std::string_view path = req.path;
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  Form const form = path == kAzureImdsPath ? Form::imds : Form::app_service;
  if (auto refused = refuse_headers(form, req, authorization)) return std::move(*refused);
  if (req.method != "GET") return azure_error(form, 405, "invalid_request", "only GET is supported");
  std::string_view resource;
  if (auto refused = refuse_query(form, req, identity, resource)) return std::move(*refused);
  AzureTokenAnswer answer = identity.token(std::string(resource));
  if (answer.token == nullptr || !valid_at(answer.token.get(), now_unix)) {
    if (answer.status == 0) answer.status = FEDCRED_E_INTERNAL;
    return fetch_failed(form, answer);
  }
  return token_document(form, *answer.token, resource, identity, now_unix);
}

}  // namespace fedcred::serve
