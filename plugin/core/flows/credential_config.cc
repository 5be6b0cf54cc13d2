// SPDX-License-Identifier: Apache-2.0
#include "flows/credential_config.h"

#include <functional>
#include <optional>
#include <vector>

#include "ascii.h"
#include "base/json_handle.h"
#include "files/trusted_file.h"
#include "url.h"

namespace fedcred {
namespace {

constexpr std::size_t kMaxConfigBytes = 64 * 1024;

std::string string_member(json_object* obj, char const* key) {
  json_object* v = nullptr;
  if (obj == nullptr || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string)) {
    return "";
  }
  return json_object_get_string(v);
}

json_object* object_member(json_object* obj, char const* key) {
  json_object* v = nullptr;
  if (obj == nullptr || !json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_object)) {
    return nullptr;
  }
  return v;
}

// The words of a command line, split on blanks with "..." quoting, as
// google-auth-library (Node) splits credential_source.executable.command.
std::vector<std::string> split_command(std::string const& command) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, any = false;
  for (char c : command) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if ((c == ' ' || c == '\t') && !quoted) {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return words;
}

constexpr char kAzureImdsTokenPath[] = "/metadata/identity/oauth2/token";

// %XX decoded (a query value as gcloud or a user wrote it); nullopt when malformed.
std::optional<std::string> percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || !modules::ascii::is_xdigit(text[i + 1]) || !modules::ascii::is_xdigit(text[i + 2])) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

// credential_source {"url": IMDS token URL, "headers": {"Metadata": "True"},
// "format": {"type": "json", "subject_token_field_name": "access_token"}}, as
// gcloud writes for --azure: its resource and identity from the URL's query.
Result<void> parse_azure_imds_source(json_object* source, std::string const& url, CredentialConfig& c,
                                     std::function<Error(std::string const&)> const& bad) {
  json_object* format = object_member(source, "format");
  if (string_member(format, "type") != "json" || string_member(format, "subject_token_field_name") != "access_token") {
    return bad("credential_source.url is read by fedcred on Azure IMDS only, with format {\"type\": \"json\", "
               "\"subject_token_field_name\": \"access_token\"} (gcloud ... create-cred-config --azure)");
  }
  if (!modules::ascii::iequals(string_member(object_member(source, "headers"), "Metadata"), "true")) {
    return bad("credential_source.headers must carry Metadata: True (Azure IMDS refuses a request without it)");
  }
  auto parsed = modules::parse_url(url);
  std::string_view path = parsed ? std::string_view(parsed->path) : std::string_view();
  auto const query_at = path.find('?');
  if (!parsed || path.substr(0, query_at) != kAzureImdsTokenPath) {
    return bad("credential_source.url must be Azure IMDS's http://169.254.169.254" + std::string(kAzureImdsTokenPath) +
               "?api-version=...&resource=...");
  }
  c.source = CredentialConfig::Source::azure_imds;
  c.credentials_url = url;
  std::string_view query = query_at == std::string_view::npos ? std::string_view() : path.substr(query_at + 1);
  while (!query.empty()) {
    auto const amp = query.find('&');
    std::string_view const pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto const eq = pair.find('=');
    auto value = percent_decoded(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) return bad("credential_source.url: a malformed %-escape in its query");
    std::string_view const name = pair.substr(0, eq);
    if (name == "resource") c.azure_resource = *value;
    if (name == "client_id") c.azure_identity.client_id = *value;
    if (name == "object_id") c.azure_identity.object_id = *value;
    if (name == "msi_res_id" || name == "mi_res_id") c.azure_identity.res_id = *value;
  }
  if (c.azure_resource.empty()) return bad("credential_source.url names no resource (resource=...)");
  return {};
}

}  // namespace

Result<CredentialConfig> parse_credential_config(std::string const& text, std::string const& path) {
  auto bad = [&](std::string const& what) {
    return make_error(Status::usage, "credential config " + path + ": " + what);
  };
  JsonPtr doc = parse_json_exact(text.data(), text.size());
  if (!doc || !json_object_is_type(doc.get(), json_type_object)) return bad("not a JSON object");
  CredentialConfig c;
  c.path = path;
  if (string_member(doc.get(), "type") != "external_account") {
    return bad("type must be \"external_account\" (a workload identity federation config from gcloud iam "
               "workload-identity-pools create-cred-config)");
  }
  c.audience = string_member(doc.get(), "audience");
  if (c.audience.empty()) return bad("audience is missing (the workload identity provider's resource name)");
  c.subject_token_type = string_member(doc.get(), "subject_token_type");
  if (c.subject_token_type.empty()) return bad("subject_token_type is missing");
  if (auto url = string_member(doc.get(), "token_url"); !url.empty()) c.token_url = url;
  c.impersonation_url = string_member(doc.get(), "service_account_impersonation_url");
  if (json_object* imp = object_member(doc.get(), "service_account_impersonation")) {
    json_object* v = nullptr;
    if (json_object_object_get_ex(imp, "token_lifetime_seconds", &v)) {
      if (!json_object_is_type(v, json_type_int)) {
        return bad("service_account_impersonation.token_lifetime_seconds must be an integer");
      }
      c.token_lifetime_seconds = json_object_get_int64(v);
      if (c.token_lifetime_seconds < 600 || c.token_lifetime_seconds > 43200) {
        return bad("service_account_impersonation.token_lifetime_seconds must be 600-43200");
      }
    }
  }
  json_object* source = object_member(doc.get(), "credential_source");
  if (source == nullptr) return bad("credential_source is missing");

  if (json_object* env_id = nullptr; json_object_object_get_ex(source, "environment_id", &env_id)) {
    std::string const id = string_member(source, "environment_id");
    if (id != "aws1") {
      return bad("credential_source.environment_id \"" + id +
                 "\" is not supported: fedcred reads \"aws1\" (gcloud ... create-cred-config --aws)");
    }
    c.source = CredentialConfig::Source::aws1;
    c.regional_cred_verification_url = string_member(source, "regional_cred_verification_url");
    if (c.regional_cred_verification_url.empty()) {
      return bad("credential_source.regional_cred_verification_url is missing");
    }
    c.region_url = string_member(source, "region_url");
    c.credentials_url = string_member(source, "url");
    c.imdsv2_session_token_url = string_member(source, "imdsv2_session_token_url");
    if (c.subject_token_type != kAws4RequestType) {
      return bad("subject_token_type must be " + std::string(kAws4RequestType) + " for environment_id aws1");
    }
    return c;
  }
  if (auto file = string_member(source, "file"); !file.empty()) {
    if (json_object* format = object_member(source, "format");
        format != nullptr && !string_member(format, "type").empty() && string_member(format, "type") != "text") {
      return bad("credential_source.format.type \"" + string_member(format, "type") +
                 "\" is not supported by fedcred: use a text token file");
    }
    c.source = CredentialConfig::Source::file;
    c.file = file;
    return c;
  }
  if (json_object* executable = object_member(source, "executable")) {
    auto words = split_command(string_member(executable, "command"));
    std::string const program = words.empty() ? "" : words[0].substr(words[0].rfind('/') + 1);
    if (program != "fedcred" || words.size() < 2 || words[1] != "gcp") {
      return bad("credential_source.executable runs \"" + (words.empty() ? std::string() : words[0]) +
                 "\": fedcred access-token runs no other program; only \"fedcred gcp ...\" is done in-process");
    }
    c.source = CredentialConfig::Source::fedcred_executable;
    c.executable_args.assign(words.begin() + 2, words.end());
    for (std::size_t i = 2; i < words.size(); ++i) {
      if (words[i] == "--profile" && i + 1 < words.size()) c.executable_profile = words[i + 1];
      if (words[i].rfind("--profile=", 0) == 0) c.executable_profile = words[i].substr(10);
    }
    return c;
  }
  if (auto url = string_member(source, "url"); !url.empty()) {
    auto azure = parse_azure_imds_source(source, url, c, bad);
    if (!azure) return std::move(azure).error();
    return c;
  }
  return bad("credential_source has none of environment_id, file, executable or url");
}

Result<CredentialConfig> load_credential_config(std::string const& path) {
  // It chooses where the caller's credentials are sent: fedcred.conf's trust
  // rules (issue 21.1), and O_NONBLOCK so a FIFO in its place cannot hang us.
  auto text = read_trusted_file(path, "credential config", kMaxConfigBytes, Status::usage);
  if (!text) {
    Error e = std::move(text).error();
    e.message += " (--credential-config or the profile's credential_config)";
    return e;
  }
  return parse_credential_config(text->text, path);
}

}  // namespace fedcred
