// SPDX-License-Identifier: Apache-2.0
#include "flows/subject_token.h"

#include <utility>

#include "files/secret_file.h"

namespace fedcred {
namespace {

void set_if(Values& params, char const* key, std::string const& value) {
  if (!value.empty()) params[key] = Secret(value);
}

Result<Values> run_source_module(SubjectTokenRequest const& req, Env const& env, ModuleRunner& modules,
                                 Logger const& log) {
  Values params;
  set_if(params, "audience", req.audience);
  set_if(params, "metadata_host", req.metadata_host);
  set_if(params, "imds_endpoint", req.imds_endpoint);
  set_if(params, "region", req.region);
  set_if(params, "sts_endpoint", req.sts_endpoint_override);
  params["duration"] = Secret(std::to_string(req.token_duration_seconds));
  params["deadline_ms"] = Secret(std::to_string(req.deadline_ms));
  // AWS credentials are read from the environment for source aws only
  // (issue 12.9): no other module is handed them.
  if (req.source == "aws") {
    auto added = add_aws_link_params(req.aws_link, env, req.imds_endpoint, params);
    if (!added) return std::move(added).error();
  }
  log.debug("getting a subject token from source '" + req.source + "' for audience " + req.audience);
  return modules.run(req.source, "subject_token", params, log);
}

}  // namespace

Result<Endpoint> imds_endpoint(Env const& env) {
  if (auto url = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
      return make_error(Status::usage, "AWS_EC2_METADATA_SERVICE_ENDPOINT=" + *url + ": not an http(s) URL");
    }
    while (!url->empty() && url->back() == '/') url->pop_back();
    return Endpoint{*url, "AWS_EC2_METADATA_SERVICE_ENDPOINT"};
  }
  return Endpoint{"http://169.254.169.254", "default"};
}

Result<SubjectToken> fetch_subject_token(SubjectTokenRequest const& req, Env const& env, ModuleRunner& modules,
                                         Logger const& log) {
  SubjectToken out;
  if (req.source == "file") {
    if (req.token_file.empty()) {
      return make_error(Status::usage,
                        "source 'file' needs token_file (an absolute path) in the profile or --token-file");
    }
    auto token = read_secret_file(req.token_file, "token file");
    if (!token) return std::move(token).error();
    out.token = std::move(*token);
  } else {
    auto results = run_source_module(req, env, modules, log);
    if (!results) return std::move(results).error();
    auto it = results->find("subject_token");
    if (it == results->end() || it->second.empty()) {
      return make_error(Status::source, "source '" + req.source + "' returned no subject token");
    }
    out.token = it->second;
    if (auto id = results->find("identity"); id != results->end()) out.identity = id->second.reveal();
    if (auto l = results->find("credential_link"); l != results->end()) out.credential_link = l->second.reveal();
    if (!out.identity.empty()) log.debug("AWS credentials: " + out.identity + " (link " + out.credential_link + ")");
    if (auto exp = results->find("expiration"); exp != results->end() && !exp->second.empty()) {
      out.expiration = std::strtoll(exp->second.reveal().c_str(), nullptr, 10);
    }
  }
  auto claims = decode_jwt_claims(out.token.reveal());
  if (!claims) return Error(std::move(claims).error()).prefix("source '" + req.source + "'");
  out.claims = std::move(*claims);
  out.subject = out.claims.sub;
  if (out.expiration <= 0 && out.claims.exp) out.expiration = *out.claims.exp;
  log.debug("subject token: iss=" + out.claims.iss + " sub=" + out.claims.sub + " aud=" + out.claims.aud);
  return out;
}

}  // namespace fedcred
