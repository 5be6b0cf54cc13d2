// SPDX-License-Identifier: Apache-2.0
#include "flows/aws.h"

#include <utility>

#include "flows/subject_token.h"

namespace fedcred {
std::string default_session_name(JwtClaims const& claims, std::int64_t now_unix) {
  if (auto name = sanitize_session_name(claims.instance_name)) return *name;
  if (!claims.sub.empty()) {
    if (auto name = sanitize_session_name("fedcred-" + claims.sub)) return *name;
  }
  return "fedcred-" + std::to_string(now_unix);
}

Result<AwsCredentials> fetch_aws_credentials(AwsRequest const& req, FlowDeps const& deps) {
  std::int64_t const deadline_ms =
      deps.deadline_ms != 0 ? deps.deadline_ms : deps.clock.monotonic_ms() + req.timeout_seconds * 1000;

  SubjectTokenRequest source_req;
  source_req.source = req.source;
  source_req.audience = req.audience;
  source_req.token_file = req.token_file;
  source_req.metadata_host = req.metadata_host.url;
  source_req.deadline_ms = deadline_ms;
  auto subject = fetch_subject_token(source_req, deps.env, deps.modules, deps.log);
  if (!subject) return std::move(subject).error();
  std::string session_name =
      req.session_name ? *req.session_name : default_session_name(subject->claims, deps.clock.unix_seconds());
  Values sts_params;
  sts_params["endpoint"] = Secret(req.sts.url);
  sts_params["region"] = Secret(req.region);
  sts_params["role_arn"] = Secret(req.role_arn);
  sts_params["session_name"] = Secret(session_name);
  sts_params["duration"] = Secret(std::to_string(req.duration_seconds));
  sts_params["web_identity_token"] = subject->token;
  sts_params["deadline_ms"] = Secret(std::to_string(deadline_ms));
  deps.log.debug("AssumeRoleWithWebIdentity at " + endpoint_host(req.sts.url) + " (" + req.sts.origin + ") role " +
                 req.role_arn + " session " + session_name);
  auto exchanged = deps.modules.run("sts", "assume_role_with_web_identity", sts_params, deps.log);
  if (!exchanged) return std::move(exchanged).error();
  auto creds = aws_credentials_from_exchange(*exchanged, deps.clock.unix_seconds(), endpoint_host(req.sts.url));
  if (creds) {
    creds->subject = subject->claims.sub;
    creds->session_name = session_name;
  }
  return creds;
}

}  // namespace fedcred
