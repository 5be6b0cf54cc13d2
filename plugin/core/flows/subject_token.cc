// SPDX-License-Identifier: Apache-2.0
#include "flows/subject_token.h"

#include <utility>

#include "fedcred/module.h"
#include "files/secret_file.h"

namespace fedcred {
namespace {

Result<messages::SubjectTokenResult> run_source_module(SubjectTokenRequest const& req, Env const& env,
                                                       ModuleRunner& modules, Logger const& log) {
  messages::SubjectTokenParams params;
  params.audience = req.audience;
  params.metadata_host = req.metadata_host;
  params.imds_endpoint = req.imds_endpoint;
  params.region = req.region;
  params.sts_endpoint = req.sts_endpoint_override;
  params.duration_seconds = req.token_duration_seconds;
  params.deadline_ms = req.deadline_ms;
  // AWS credentials are read from the environment for source aws only
  // (issue 12.9): no other module is handed them.
  // An Azure managed-identity token's audience is the resource asked for
  // (the module's `audience`); `req.audience` stays the command's target
  // (gcp: the provider, which the token does not carry).
  if (req.source == kAzureSource) {
    params.audience = req.azure.resource;
    params.azure_imds_endpoint = req.azure.imds_endpoint;
    params.managed_identity = req.azure.identity;
  }
  if (req.source == "aws") {
    auto filled = fill_aws_link(req.aws_link, env, params.caller_keys, params.aws_link);
    if (!filled) return std::move(filled).error();
  }
  log.debug("getting a subject token from source '" + req.source + "' for audience " + params.audience);
  auto results = modules.run(req.source, FEDCRED_OP_SUBJECT_TOKEN, messages::encode(params), log);
  if (!results) return std::move(results).error();
  auto decoded = messages::decode_subject_token_result(messages::reader_of(*results));
  if (!decoded) return Error(std::move(decoded).error()).prefix("source '" + req.source + "'");
  return decoded;
}

}  // namespace

Result<Endpoint> imds_endpoint(Env const& env) {
  if (auto url = env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    return metadata_url_override(std::move(*url), "AWS_EC2_METADATA_SERVICE_ENDPOINT");
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
    auto result = run_source_module(req, env, modules, log);
    if (!result) return std::move(result).error();
    out.token = std::move(result->subject_token);
    out.expiration = result->expiration.value_or(0);
    out.identity = std::move(result->identity);
    out.credential_link = std::move(result->credential_link);
    if (!out.identity.empty()) log.debug("AWS credentials: " + out.identity + " (link " + out.credential_link + ")");
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
