// SPDX-License-Identifier: Apache-2.0
#include "flows/credential_config.h"

#include <vector>

#include "base/json_handle.h"
#include "files/trusted_file.h"

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
  return bad("credential_source has none of environment_id, file or executable");
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
