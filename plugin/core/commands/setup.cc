// SPDX-License-Identifier: Apache-2.0
#include "commands/setup.h"

#include <json-c/json.h>

#include <utility>

#include "config/config.h"
#include "config/endpoints.h"
#include "base/json_handle.h"
#include "config/profile.h"
#include "commands/subject.h"
#include "flows/subject_token.h"

namespace fedcred {
namespace {

constexpr char kGoogleIssuer[] = "accounts.google.com";

std::string option(CommandOptions const& options, char const* key) {
  auto it = options.find(key);
  return it == options.end() ? std::string() : it->second;
}

bool is_printable(std::string_view v) {
  for (char c : v) {
    if (c <= ' ' || c >= 0x7f) return false;
  }
  return !v.empty();
}

// Profile names that are safe in an INI section header and a command line.
bool is_safe_profile_name(std::string_view v) {
  if (v.empty() || v.size() > 64) return false;
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == '@' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// An absolute path as one word of a command line. botocore splits
// credential_process like a POSIX shell, google-auth-library (Node) honours
// double quotes only: a path with spaces is double-quoted, which both read.
Result<std::string> command_word(std::string_view path, char const* what) {
  if (path.empty() || path.front() != '/') {
    return make_error(Status::usage, std::string(what) + " must be an absolute path, not '" + std::string(path) + "'");
  }
  bool plain = true;
  for (char c : path) {
    if (c < ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '\'' || c == '$' || c == '`') {
      return make_error(Status::usage, std::string(what) + " '" + std::string(path) +
                                           "' contains characters a credential command line cannot carry");
    }
    if (c == ' ') plain = false;
  }
  return plain ? std::string(path) : "\"" + std::string(path) + "\"";
}

// https, or http to a loopback address (stand-ins and local proxies).
Result<void> check_url(std::string_view key, std::string_view url) {
  std::string_view rest;
  bool https = url.substr(0, 8) == "https://";
  if (https) {
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  bool ok = is_printable(url) && !host.empty() && (https || is_loopback_host(host));
  if (!ok) {
    return make_error(Status::usage, std::string(key) + " '" + std::string(url) +
                                         "' is not an https URL (http is allowed to loopback addresses only)");
  }
  return {};
}

Result<void> check_service_account(std::string_view email) {
  auto at = email.find('@');
  bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() && email.size() <= 254;
  for (char c : email) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '@' || c == '.' ||
                c == '-' || c == '_');
  }
  if (!ok) {
    return make_error(Status::usage, "'" + std::string(email) +
                                         "' is not a service account email (NAME@PROJECT.iam.gserviceaccount.com)");
  }
  return {};
}

json_object* new_string(std::string_view s) {
  return json_object_new_string_len(s.data(), static_cast<int>(s.size()));
}

// json-c's pretty printer, without "\/" escapes (URLs stay readable).
Result<std::string> to_pretty_json(json_object* doc) {
  char const* text =
      json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == nullptr) return make_error(Status::internal, "out of memory");
  return std::string(text);
}

std::string account_of_role(std::string_view role_arn) {
  // arn:PARTITION:iam::ACCOUNT:role/NAME
  std::size_t pos = 0;
  for (int field = 0; field < 4; ++field) {
    pos = role_arn.find(':', pos);
    if (pos == std::string_view::npos) return {};
    ++pos;
  }
  auto end = role_arn.find(':', pos);
  return end == std::string_view::npos ? std::string() : std::string(role_arn.substr(pos, end - pos));
}

std::string partition_of_role(std::string_view role_arn) {
  auto start = role_arn.find(':');
  if (start == std::string_view::npos) return "aws";
  auto end = role_arn.find(':', start + 1);
  return std::string(role_arn.substr(start + 1, end - start - 1));
}

std::string issuer_provider(std::string_view iss) {
  if (iss.substr(0, 8) == "https://") iss.remove_prefix(8);
  while (!iss.empty() && iss.back() == '/') iss.remove_suffix(1);
  return std::string(iss);
}

}  // namespace

Result<void> validate_command_option(std::string_view key, std::string_view value) {
  // token's and access-token's output file: any path, checked when it is written (Status::io / usage).
  if (key == "output") return {};
  // token's --output-group: looked up when the command runs, before any fetch.
  if (key == "output_group") return {};
  if (key == "json" || key == "gcp") {
    if (value != "true" && value != "false") {
      return make_error(Status::usage, std::string(key) + ": '" + std::string(value) + "' is not true or false");
    }
    return {};
  }
  if (key == "provider") {
    if (value != "aws" && value != "executable") {
      return make_error(Status::usage, "--provider: '" + std::string(value) + "' is not aws or executable");
    }
    return {};
  }
  if (key == "format") {
    if (value != "token" && value != "json") {
      return make_error(Status::usage, "--format: '" + std::string(value) + "' is not token or json");
    }
    return {};
  }
  if (key == "exe") {
    auto word = command_word(value, "the fedcred path");
    if (!word) return std::move(word).error();
    return {};
  }
  if (key == "service_account") return check_service_account(value);
  if (key == "output_file") {
    auto word = command_word(value, "--output-file");
    if (!word) return std::move(word).error();
    return {};
  }
  if (key == "token_url") return check_url("--token-url", value);
  if (key == "impersonation_url") return check_url("--impersonation-url", value);
  return make_error(Status::usage, "unknown option '" + std::string(key) + "'");
}

bool is_google_issuer(std::string_view iss) {
  return iss == "https://accounts.google.com" || iss == kGoogleIssuer;
}

Result<std::vector<std::pair<std::string, std::string>>> aws_trust_conditions(JwtClaims const& claims) {
  std::vector<std::pair<std::string, std::string>> out;
  if (claims.sub.empty() || claims.aud.empty()) {
    return make_error(Status::source, "the subject token has no " + std::string(claims.sub.empty() ? "sub" : "aud") +
                                          " claim (a single string is needed) to build trust-policy conditions from");
  }
  if (is_google_issuer(claims.iss)) {
    std::string const p = kGoogleIssuer;
    if (!claims.azp.empty()) {
      out.emplace_back(p + ":aud", claims.azp);
      out.emplace_back(p + ":oaud", claims.aud);
    } else {
      out.emplace_back(p + ":aud", claims.aud);
    }
    out.emplace_back(p + ":sub", claims.sub);
    return out;
  }
  std::string const p = issuer_provider(claims.iss);
  if (p.empty()) return make_error(Status::source, "the subject token has no iss claim");
  out.emplace_back(p + ":aud", claims.aud);
  out.emplace_back(p + ":sub", claims.sub);
  return out;
}

Result<std::string> render_aws_trust_policy(JwtClaims const& claims, std::string_view role_arn) {
  auto conditions = aws_trust_conditions(claims);
  if (!conditions) return std::move(conditions).error();
  std::string principal = kGoogleIssuer;
  if (!is_google_issuer(claims.iss)) {
    std::string const account = account_of_role(role_arn);
    if (account.empty()) {
      return make_error(Status::usage, "the token's issuer " + claims.iss +
                                           " needs an IAM OIDC provider in the role's account: pass --role-arn so "
                                           "the policy can name arn:aws:iam::ACCOUNT:oidc-provider/" +
                                           issuer_provider(claims.iss));
    }
    principal = "arn:" + partition_of_role(role_arn) + ":iam::" + account + ":oidc-provider/" +
                issuer_provider(claims.iss);
  }
  JsonPtr doc(json_object_new_object());
  json_object* statements = json_object_new_array();
  json_object* statement = json_object_new_object();
  json_object* principal_obj = json_object_new_object();
  json_object* condition = json_object_new_object();
  json_object* equals = json_object_new_object();
  if (!doc || !statements || !statement || !principal_obj || !condition || !equals) {
    for (auto* o : {statements, statement, principal_obj, condition, equals}) json_object_put(o);
    return make_error(Status::internal, "out of memory");
  }
  json_object_object_add(doc.get(), "Version", json_object_new_string("2012-10-17"));
  json_object_object_add(doc.get(), "Statement", statements);
  json_object_array_add(statements, statement);
  json_object_object_add(statement, "Effect", json_object_new_string("Allow"));
  json_object_object_add(principal_obj, "Federated", new_string(principal));
  json_object_object_add(statement, "Principal", principal_obj);
  json_object_object_add(statement, "Action", json_object_new_string("sts:AssumeRoleWithWebIdentity"));
  for (auto const& [key, value] : *conditions) json_object_object_add(equals, key.c_str(), new_string(value));
  json_object_object_add(condition, "StringEquals", equals);
  json_object_object_add(statement, "Condition", condition);
  return to_pretty_json(doc.get());
}

Result<std::string> render_aws_config(std::string_view profile, std::string_view fedcred_path,
                                      std::string_view role_arn, std::string_view fedcred_conf_path) {
  if (profile.empty()) return make_error(Status::usage, "setup aws-config needs --profile NAME");
  if (!is_safe_profile_name(profile)) {
    return make_error(Status::usage, "profile name '" + std::string(profile) +
                                         "' cannot be used here (letters, digits and _-.@+ only)");
  }
  auto exe = command_word(fedcred_path, "the fedcred path");
  if (!exe) return std::move(exe).error();
  if (!role_arn.empty() && !is_valid_role_arn(role_arn)) {
    return make_error(Status::usage, "'" + std::string(role_arn) +
                                         "' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)");
  }
  std::string const p(profile);
  std::string const aws_section = p == "default" ? "[default]" : "[profile " + p + "]";
  std::string out = "# ~/.aws/config: the AWS CLI and SDKs run fedcred for this profile (AWS_PROFILE=" + p + ")\n" +
                    aws_section + "\ncredential_process = " + *exe + " aws --profile " + p + "\n";
  if (!role_arn.empty()) {
    out += "\n# " + std::string(fedcred_conf_path) + " (or ~/.config/fedcred/fedcred.conf): the role to assume\n" +
           (p == "default" ? std::string("[default]") : "[profile " + p + "]") + "\nrole_arn = " + std::string(role_arn) +
           "\n";
  }
  return out;
}

Result<std::string> render_gcp_cred_config(GcpCredConfigInput const& in) {
  if (in.audience.empty()) {
    return make_error(Status::usage,
                      "setup gcp-cred-config needs --audience //iam.googleapis.com/projects/NUMBER/locations/global/"
                      "workloadIdentityPools/POOL/providers/PROVIDER");
  }
  auto provider = gcp_provider_audience(in.audience);
  if (!provider) return Error(std::move(provider).error()).prefix("--audience");
  std::string const audience = provider->substr(6);  // drop "https:": the config names the resource
  auto exe = command_word(in.fedcred_path, "the fedcred path");
  if (!exe) return std::move(exe).error();
  std::string command = *exe + " gcp";
  if (!in.profile.empty()) {
    if (!is_safe_profile_name(in.profile)) {
      return make_error(Status::usage, "profile name '" + in.profile + "' cannot be used here (letters, digits and _-.@+ only)");
    }
    command += " --profile " + in.profile;
  }
  for (auto const& [key, value] : {std::pair<char const*, std::string const*>{"service_account", &in.service_account},
                                   {"output_file", &in.output_file},
                                   {"token_url", &in.token_url},
                                   {"impersonation_url", &in.impersonation_url}}) {
    if (value->empty()) continue;
    auto valid = validate_command_option(key, *value);
    if (!valid) return std::move(valid).error();
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
  json_object_object_add(doc.get(), "audience", new_string(audience));
  bool const aws1 = in.provider == "aws";
  json_object_object_add(doc.get(), "subject_token_type",
                         json_object_new_string(aws1 ? "urn:ietf:params:aws:token-type:aws4_request"
                                                     : "urn:ietf:params:oauth:token-type:jwt"));
  json_object_object_add(doc.get(), "token_url", new_string(in.token_url.empty() ? kGoogleStsTokenUrl : in.token_url));
  if (!impersonation.empty()) {
    json_object_object_add(doc.get(), "service_account_impersonation_url", new_string(impersonation));
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
    json_object_object_add(executable, "command", new_string(command));
    json_object_object_add(executable, "timeout_millis", json_object_new_int(kExecutableTimeoutMillis));
    if (!in.output_file.empty()) json_object_object_add(executable, "output_file", new_string(in.output_file));
    json_object_object_add(source, "executable", executable);
  }
  json_object_object_add(doc.get(), "credential_source", source);
  return to_pretty_json(doc.get());
}

Result<Secret> run_setup_aws_trust_policy(CommandInputs const& in, CommandDeps const& deps) {
  auto config = load_command_config(in, deps);
  if (!config) return std::move(config).error();
  auto settings = effective_settings(*config, in.profile, in.explicit_settings, deps.env);
  if (!settings) return std::move(settings).error();
  auto req = resolve_subject_request(SubjectCommand::token, *config, in, deps.env, deps.default_timeout_seconds);
  if (!req) return std::move(req).error();
  SubjectTokenRequest t = req->token;
  t.deadline_ms = deps.clock.monotonic_ms() + req->timeout_seconds * 1000;
  // Straight from the source: setup changes nothing, not even the cache.
  auto token = fetch_subject_token(t, deps.env, deps.modules, deps.log);
  if (!token) return std::move(token).error();
  std::string const* role_arn = setting_value(*settings, "role_arn");
  auto policy = render_aws_trust_policy(token->claims, role_arn == nullptr ? std::string() : *role_arn);
  if (!policy) return std::move(policy).error();
  return Secret(*policy);
}

Result<Secret> run_setup_aws_config(CommandInputs const& in, CommandOptions const& options, CommandDeps const& deps) {
  std::string role_arn;
  if (auto it = in.explicit_settings.find("role_arn"); it != in.explicit_settings.end()) role_arn = it->second.value;
  std::string exe = option(options, "exe");
  auto text = render_aws_config(in.profile, exe.empty() ? kDefaultFedcredPath : exe, role_arn,
                                deps.sysconfdir + "/fedcred.conf");
  if (!text) return std::move(text).error();
  if (role_arn.empty()) {
    // Say so when `fedcred aws --profile P` would not find its role.
    auto config = load_command_config(in, deps);
    bool known = false;
    if (config) {
      auto settings = effective_settings(*config, in.profile, {}, deps.env);
      known = settings && settings->count("role_arn") != 0;
    }
    if (!known) {
      *text += "\n# fedcred's configuration has no role_arn for profile " + in.profile +
               " yet: rerun with --role-arn ARN for its fedcred.conf section\n";
    }
  }
  if (!text->empty() && text->back() == '\n') text->pop_back();  // the helper ends the document
  return Secret(*text);
}

Result<Secret> run_setup_gcp_cred_config(CommandInputs const& in, CommandOptions const& options,
                                         CommandDeps const& deps) {
  (void)deps;
  GcpCredConfigInput g;
  if (auto it = in.explicit_settings.find("audience"); it != in.explicit_settings.end()) g.audience = it->second.value;
  g.service_account = option(options, "service_account");
  g.output_file = option(options, "output_file");
  g.token_url = option(options, "token_url");
  g.impersonation_url = option(options, "impersonation_url");
  g.fedcred_path = option(options, "exe");
  if (auto p = option(options, "provider"); !p.empty()) g.provider = p;
  if (g.fedcred_path.empty()) g.fedcred_path = kDefaultFedcredPath;
  g.profile = in.profile;
  auto text = render_gcp_cred_config(g);
  if (!text) return std::move(text).error();
  return Secret(*text);
}

}  // namespace fedcred
