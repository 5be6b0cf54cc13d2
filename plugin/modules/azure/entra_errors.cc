// SPDX-License-Identifier: Apache-2.0
#include "entra_errors.h"

#include "ascii.h"
#include "json_doc.h"
#include "logger.h"
#include "module_messages.h"

namespace fedcred::modules {
namespace {

constexpr std::size_t kMaxDescription = 400;

std::string clean(std::string_view text) {
  if (auto trace = text.find("Trace ID:"); trace != std::string_view::npos) text = text.substr(0, trace);
  std::string out;
  for (char c : text.substr(0, kMaxDescription)) out += ascii::is_print(c) ? c : ' ';
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  return scrub_secrets(out);
}

// "AADSTS700213: No matching ..." -> 700213 and the text after ": ".
std::int64_t take_code_prefix(std::string& description) {
  std::string_view text = description;
  if (text.rfind("AADSTS", 0) != 0) return 0;
  std::size_t end = 6;
  while (end < text.size() && ascii::is_digit(text[end])) ++end;
  auto code = messages::parse_integer(text.substr(6, end - 6));
  if (!code) return 0;
  if (text.substr(end, 2) == ": ") end += 2;
  description.erase(0, end);
  return *code;
}

}  // namespace

EntraErrorBody parse_entra_error(std::string_view body) {
  EntraErrorBody out;
  JsonDoc doc = parse_json_object(body);
  if (!doc) return out;
  if (json_object* e = json_member(doc.get(), "error", json_type_string)) out.error = clean(json_object_get_string(e));
  if (json_object* d = json_member(doc.get(), "error_description", json_type_string)) {
    out.description = clean(json_object_get_string(d));
  }
  std::int64_t const from_text = take_code_prefix(out.description);
  if (json_object* codes = json_member(doc.get(), "error_codes", json_type_array);
      codes != nullptr && json_object_array_length(codes) > 0 &&
      json_object_is_type(json_object_array_get_idx(codes, 0), json_type_int)) {
    out.code = json_object_get_int64(json_object_array_get_idx(codes, 0));
  } else {
    out.code = from_text;
  }
  return out;
}

std::string entra_fix(std::int64_t code, std::string const& tenant_id, std::string const& client_id) {
  switch (code) {
    case 70021:
    case 700211:
    case 700212:
    case 700213:
    case 7002137:
    case 7002138:
      return "register a federated identity credential on application " + client_id +
             " whose issuer, subject and audience equal the assertion's iss, sub and aud exactly (case-sensitive; "
             "audience api://AzureADTokenExchange): az ad app federated-credential create --id " +
             client_id;
    case 700024:
      return "the assertion was outside its valid time when Entra read it: it expired (a token file must be "
             "refreshed before its exp), lives longer than Entra allows, or this machine's clock is wrong";
    case 700027:
      return "the assertion's signature does not verify with its issuer's published keys: it is not the "
             "issuer's token, or the federated credential names another issuer";
    case 50027:
      return "the assertion is not a well-formed JWT (a token file must hold the token alone, no newline)";
    case 700016:
      return "no application " + client_id + " in tenant " + tenant_id +
             ": check the client id, the tenant id, and that the application has a service principal there";
    case 90002:
      return "tenant " + tenant_id +
             " does not exist in this cloud: check the tenant id and AZURE_AUTHORITY_HOST (national clouds have "
             "their own authority)";
    case 7000218:
      return "the request carried no client assertion";
    case 70011:
    case 1002012:
    case 500011:
      return "check the scope: one RESOURCE/.default of a resource that exists in tenant " + tenant_id;
    default:
      return "";
  }
}

Error entra_error(int http_status, std::string_view body, std::string const& host, std::string const& tenant_id,
                  std::string const& client_id) {
  EntraErrorBody const said = parse_entra_error(body);
  std::string text = "Entra ID at " + host + " refused the token for client " + client_id + " in tenant " + tenant_id +
                     " (HTTP " + std::to_string(http_status) + ")";
  if (said.code != 0) text += ": AADSTS" + std::to_string(said.code);
  if (!said.error.empty()) text += (said.code != 0 ? " (" + said.error + ")" : ": " + said.error);
  if (!said.description.empty()) text += ": " + said.description;
  if (std::string const fix = entra_fix(said.code, tenant_id, client_id); !fix.empty()) text += "; fix: " + fix;
  if (http_status == 429 || http_status >= 500) return make_error(Status::transient, text);
  if (http_status >= 400) return make_error(Status::denied, text);
  return make_error(Status::response, text);
}

}  // namespace fedcred::modules
