// SPDX-License-Identifier: Apache-2.0
#include "commands/setup/gcp_cred_config.h"

#include <json-c/json.h>

#include <tuple>
#include <utility>

#include "base/json_handle.h"
#include "commands/setup/options.h"
#include "commands/setup/pretty_json.h"
#include "commands/subject.h"
#include "config/settings.h"

namespace fedcred {

namespace {

// Characters every reader of credential_source.executable.command splits
// alike (no blanks, quotes or backslashes): the values are written bare.
bool is_plain_word(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
                    c == '/' || c == '.' || c == '_' || c == '-' || c == '~' || c == '+' || c == '=' || c == '@';
    if (!ok) return false;
  }
  return true;
}

// " --source azure --azure-resource R [--azure-client-id C | ...]".
Result<std::string> azure_source_words(GcpCredConfigInput const& in) {
  if (in.azure_resource.empty()) {
    return make_error(Status::usage, "--provider azure needs --azure-resource (the resource the managed identity's "
                                     "token is for: an audience the OIDC provider allows)");
  }
  std::string words = " --source azure";
  for (auto const& [flag, key, value] :
       {std::tuple<char const*, char const*, std::string const*>{"--azure-resource", "azure_resource",
                                                                 &in.azure_resource},
        {"--azure-client-id", "azure_client_id", &in.azure_identity.client_id},
        {"--azure-object-id", "azure_object_id", &in.azure_identity.object_id},
        {"--azure-msi-res-id", "azure_msi_res_id", &in.azure_identity.res_id}}) {
    if (value->empty()) continue;
    if (auto ok = check_setting(key, *value); !ok) return Error(std::move(ok).error()).prefix(flag);
    if (!is_plain_word(*value)) {
      return make_error(Status::usage, std::string(flag) + ": '" + value->substr(0, 80) +
                                           "' cannot be written bare into the command line: set it in the "
                                           "profile and pass --profile");
    }
    words += std::string(" ") + flag + " " + *value;
  }
  return words;
}

}  // namespace

Result<std::string> render_gcp_cred_config(GcpCredConfigInput const& in) {
  if (in.audience.empty()) {
    return make_error(Status::usage,
                      "setup gcp-cred-config needs --audience //iam.googleapis.com/projects/NUMBER/locations/global/"
                      "workloadIdentityPools/POOL/providers/PROVIDER");
  }
  auto provider = gcp_provider_audience(in.audience);
  if (!provider) return Error(std::move(provider).error()).prefix("--audience");
  std::string const audience = provider->substr(6);  // drop "https:": the config names the resource
  auto exe = command_word(in.fedcred_path);
  if (!exe) return Error(std::move(exe).error()).prefix("the fedcred path");
  std::string command = *exe + " gcp";
  if (!in.profile.empty()) {
    if (!is_safe_profile_name(in.profile)) {
      return make_error(Status::usage, "profile name '" + in.profile + "' cannot be used here (letters, digits and _-.@+ only)");
    }
    command += " --profile " + in.profile;
  }
  if (in.provider == "azure") {
    auto words = azure_source_words(in);
    if (!words) return std::move(words).error();
    command += *words;
  } else if (!in.azure_resource.empty() || !in.azure_identity.client_id.empty() ||
             !in.azure_identity.object_id.empty() || !in.azure_identity.res_id.empty()) {
    return make_error(Status::usage, "the --azure-* flags describe an Azure VM's managed identity: pass "
                                     "--provider azure with them");
  }
  // The flags' own checks (registry.cc), for a caller that skipped them.
  using Check = Result<void> (*)(std::string_view, std::string_view);
  for (auto const& [origin, check, value] :
       {std::tuple<char const*, Check, std::string const*>{"--service-account", check_service_account,
                                                           &in.service_account},
        {"--output-file", check_command_word, &in.output_file},
        {"--token-url", check_https_url, &in.token_url},
        {"--impersonation-url", check_https_url, &in.impersonation_url}}) {
    if (value->empty()) continue;
    auto valid = check(origin, *value);
    if (!valid) return Error(std::move(valid).error()).prefix(origin);
  }
  std::string impersonation = in.impersonation_url;
  if (impersonation.empty() && !in.service_account.empty()) {
    impersonation = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/" + in.service_account +
                    ":generateAccessToken";
  }

  JsonPtr doc(json_object_new_object());
  json_object* source = json_object_new_object();
  json_object* executable = json_object_new_object();
  if (!doc || !source || !executable) {
    json_object_put(source);
    json_object_put(executable);
    return make_error(Status::internal, "out of memory");
  }
  json_object_object_add(doc.get(), "type", json_object_new_string("external_account"));
  json_object_object_add(doc.get(), "audience", new_json_string(audience));
  bool const aws1 = in.provider == "aws";
  json_object_object_add(doc.get(), "subject_token_type",
                         json_object_new_string(aws1 ? "urn:ietf:params:aws:token-type:aws4_request"
                                                     : "urn:ietf:params:oauth:token-type:jwt"));
  json_object_object_add(doc.get(), "token_url", new_json_string(in.token_url.empty() ? kGoogleStsTokenUrl : in.token_url));
  if (!impersonation.empty()) {
    json_object_object_add(doc.get(), "service_account_impersonation_url", new_json_string(impersonation));
  }
  if (aws1) {
    // What gcloud writes for --aws --enable-imdsv2: the session token URL is
    // always set, so Google's libraries use IMDSv2 too (IMDSv1 may be off).
    json_object_put(executable);
    json_object_object_add(source, "environment_id", json_object_new_string("aws1"));
    json_object_object_add(source, "region_url",
                           json_object_new_string("http://169.254.169.254/latest/meta-data/placement/availability-zone"));
    json_object_object_add(source, "url",
                           json_object_new_string("http://169.254.169.254/latest/meta-data/iam/security-credentials"));
    json_object_object_add(source, "regional_cred_verification_url",
                           json_object_new_string(
                               "https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"));
    json_object_object_add(source, "imdsv2_session_token_url",
                           json_object_new_string("http://169.254.169.254/latest/api/token"));
  } else {
    json_object_object_add(executable, "command", new_json_string(command));
    json_object_object_add(executable, "timeout_millis", json_object_new_int(kExecutableTimeoutMillis));
    if (!in.output_file.empty()) json_object_object_add(executable, "output_file", new_json_string(in.output_file));
    json_object_object_add(source, "executable", executable);
  }
  json_object_object_add(doc.get(), "credential_source", source);
  return to_pretty_json(doc.get());
}

GcpCredConfigInput gcp_cred_config_input(CommandInputs const& in, CommandOptions const& options) {
  GcpCredConfigInput g;
  if (auto it = in.explicit_settings.find("audience"); it != in.explicit_settings.end()) g.audience = it->second.value;
  g.service_account = option_value(options, "service_account");
  g.output_file = option_value(options, "output_file");
  g.token_url = option_value(options, "token_url");
  g.impersonation_url = option_value(options, "impersonation_url");
  g.fedcred_path = option_value(options, "exe");
  if (auto p = option_value(options, "provider"); !p.empty()) g.provider = p;
  auto setting = [&](char const* key) {
    auto it = in.explicit_settings.find(key);
    return it == in.explicit_settings.end() ? std::string() : it->second.value;
  };
  g.azure_resource = setting("azure_resource");
  g.azure_identity.client_id = setting("azure_client_id");
  g.azure_identity.object_id = setting("azure_object_id");
  g.azure_identity.res_id = setting("azure_msi_res_id");
  if (g.fedcred_path.empty()) g.fedcred_path = kDefaultFedcredPath;
  g.profile = in.profile;
  return g;
}

}  // namespace fedcred
