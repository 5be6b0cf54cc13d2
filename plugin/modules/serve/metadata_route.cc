// SPDX-License-Identifier: Apache-2.0
#include "metadata_route.h"

#include <string>

#include "json_text.h"
#include "router.h"
#include "serve_abi.h"

namespace fedcred::serve {
namespace {

constexpr std::string_view kRoot = "/computeMetadata/v1/";
constexpr std::string_view kAccountsDir = "instance/service-accounts/";

json_object* string_array(std::vector<std::string> const& values) {
  json_object* a = json_object_new_array();
  for (auto const& v : values) json_object_array_add(a, json_object_new_string(v.c_str()));
  return a;
}

json_object* account_json(GoogleIdentity const& id) {
  json_object* o = json_object_new_object();
  json_object* aliases = json_object_new_array();
  json_object_array_add(aliases, json_object_new_string("default"));
  json_object_object_add(o, "aliases", aliases);
  json_object_object_add(o, "email", json_object_new_string(id.email.c_str()));
  json_object_object_add(o, "scopes", string_array(id.scopes));
  return o;
}

HttpResponse text(std::string body) {
  HttpResponse r;
  r.content_type = "application/text";  // what the real server sends for plain values
  r.body = std::move(body);
  return r;
}

HttpResponse json(json_object* owned) {
  Json o(owned);
  HttpResponse r;
  r.body = to_text(o.get());
  return r;
}

std::string lines(std::vector<std::string> const& values) {
  std::string out;
  for (auto const& v : values) out += v + "\n";
  return out;
}

bool recursive(HttpRequest const& req) { return req.recursive && *req.recursive == "true"; }

HttpResponse token(GoogleIdentity const&, PublishedSlot const& slot, std::int64_t now_unix) {
  auto current = slot.current();
  if (!valid_at(current.get(), now_unix)) {
    return json_error(503, "TokenUnavailable",
                      "no valid access token: the last refresh failed and the previous token has expired "
                      "(see the server's log)");
  }
  Json o(json_object_new_object());
  json_object_object_add(o.get(), "access_token",
                         json_object_new_string_len(current->value.c_str(), static_cast<int>(current->value.size())));
  json_object_object_add(o.get(), "expires_in", json_object_new_int64(current->expiration - now_unix));
  json_object_object_add(o.get(), "token_type", json_object_new_string("Bearer"));
  HttpResponse r;
  r.body = to_text(o.get());
  r.credential = FEDCRED_SERVE_GOOGLE;
  return r;
}

// One service account: "default/" or "<email>/", then what is asked of it.
HttpResponse account(std::string_view rest, HttpRequest const& req, GoogleIdentity const& id,
                     PublishedSlot const& slot, std::int64_t now_unix) {
  std::string_view name = rest.substr(0, rest.find('/'));
  if (name != "default" && name != id.email) return json_error(404, "NotFound", "no such service account");
  rest.remove_prefix(name.size());
  if (rest.empty() || rest == "/") {
    if (recursive(req)) return json(account_json(id));
    return text("aliases\nemail\nidentity\nscopes\ntoken\n");
  }
  if (rest == "/email") return text(id.email);
  if (rest == "/scopes") return text(lines(id.scopes));
  if (rest == "/aliases") return text("default\n");
  if (rest == "/token") return token(id, slot, now_unix);
  return json_error(404, "NotFound", "not served by fedcred's metadata emulation");
}

json_object* whole_tree(GoogleIdentity const& id) {
  json_object* accounts = json_object_new_object();
  json_object_object_add(accounts, "default", account_json(id));
  json_object_object_add(accounts, id.email.c_str(), account_json(id));
  json_object* instance = json_object_new_object();
  json_object_object_add(instance, "serviceAccounts", accounts);
  json_object* project = json_object_new_object();
  json_object_object_add(project, "projectId", json_object_new_string(id.project_id.c_str()));
  json_object_object_add(project, "numericProjectId", json_object_new_string(id.numeric_project_id.c_str()));
  json_object* root = json_object_new_object();
  json_object_object_add(root, "instance", instance);
  json_object_object_add(root, "project", project);
  return root;
}

HttpResponse route(std::string_view path, HttpRequest const& req, GoogleIdentity const& id,
                   PublishedSlot const& slot, std::int64_t now_unix) {
  // google-auth's detection ping: a 200 carrying the Metadata-Flavor header.
  if (path == "/") return text("computeMetadata/\n");
  if (path == "/computeMetadata/" || path == "/computeMetadata") return text("v1/\n");
  if (path.substr(0, kRoot.size()) != kRoot && path != "/computeMetadata/v1") {
    return json_error(404, "NotFound", "not served by fedcred's metadata emulation");
  }
  std::string_view rest = path.size() > kRoot.size() ? path.substr(kRoot.size()) : std::string_view();
  if (rest.empty()) return recursive(req) ? json(whole_tree(id)) : text("instance/\nproject/\n");
  // gcp-metadata's detection asks for "instance" (no slash) and wants a 200.
  if (rest == "instance" || rest == "instance/") return text("service-accounts/\n");
  if (rest == "instance/service-accounts" || rest == kAccountsDir) {
    // A federated token has no email: its account is listed once, as "default".
    return text(id.email == "default" ? std::string("default/\n") : "default/\n" + id.email + "/\n");
  }
  if (rest.substr(0, kAccountsDir.size()) == kAccountsDir) {
    return account(rest.substr(kAccountsDir.size()), req, id, slot, now_unix);
  }
  if (rest == "project" || rest == "project/") return text("numeric-project-id\nproject-id\n");
  if (rest == "project/project-id" && !id.project_id.empty()) return text(id.project_id);
  if (rest == "project/numeric-project-id" && !id.numeric_project_id.empty()) return text(id.numeric_project_id);
  return json_error(404, "NotFound", "not served by fedcred's metadata emulation");
}

}  // namespace

bool is_metadata_path(std::string_view path) {
  return path == "/" || path == "/computeMetadata" || path.substr(0, 17) == "/computeMetadata/";
}

HttpResponse metadata(HttpRequest const& req, GoogleIdentity const& identity, PublishedSlot const& token_slot,
                      std::int64_t now_unix) {
  HttpResponse r;
  if (req.forwarded) {
    // The real server refuses proxied requests: a proxy on the VM must not
    // turn the metadata server into an open token dispenser.
    r = json_error(403, "Forbidden", "requests with X-Forwarded-For are refused");
  } else if (!req.metadata_flavor || *req.metadata_flavor != "Google") {
    r = json_error(403, "Forbidden", "missing Metadata-Flavor: Google header");
  } else if (req.method != "GET") {
    r = json_error(405, "MethodNotAllowed", "only GET is supported");
  } else {
    r = route(req.path, req, identity, token_slot, now_unix);
  }
  r.headers.emplace_back("Metadata-Flavor", "Google");
  return r;
}

}  // namespace fedcred::serve
