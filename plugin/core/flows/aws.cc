// SPDX-License-Identifier: Apache-2.0
#include "flows/aws.h"

#include <utility>

#include "fedcred/module.h"
#include "flows/subject_token.h"

namespace fedcred {
std::string default_session_name(JwtClaims const& claims, std::int64_t now_unix) {
  if (auto name = sanitize_session_name(claims.instance_name)) return *name;
  if (auto name = sanitize_session_name(claims.email)) return *name;
  if (!claims.sub.empty()) {
    if (auto name = sanitize_session_name("fedcred-" + claims.sub)) return *name;
  }
  return "fedcred-" + std::to_string(now_unix);
}

messages::AssumeRoleParams assume_role_params(AwsRequest const& req, std::string const& session_name,
                                              Secret const& web_identity_token, std::int64_t deadline_ms) {
  return messages::AssumeRoleParams{req.sts.url,         req.region,       req.role_arn, session_name,
                                    req.duration_seconds, web_identity_token, deadline_ms};
}

Result<AwsCredentials> fetch_aws_credentials(AwsRequest const& req, FlowDeps const& deps) {
  std::int64_t const deadline_ms =
      deps.deadline_ms != 0 ? deps.deadline_ms : deps.clock.monotonic_ms() + req.timeout_seconds * 1000;

  SubjectTokenRequest source_req;
  source_req.source = req.source;
  source_req.audience = req.audience;
  source_req.token_file = req.token_file;
  source_req.metadata_host = req.metadata_host.url;
  source_req.azure = req.azure;
  source_req.deadline_ms = deadline_ms;
  auto subject = fetch_subject_token(source_req, deps.env, deps.modules, deps.log);
  if (!subject) return std::move(subject).error();
  std::string session_name =
      req.session_name ? *req.session_name : default_session_name(subject->claims, deps.clock.unix_seconds());
  auto sts_params = messages::encode(assume_role_params(req, session_name, subject->token, deadline_ms));
  deps.log.debug("AssumeRoleWithWebIdentity at " + url_authority(req.sts.url) + " (" + req.sts.origin + ") role " +
                 req.role_arn + " session " + session_name);
  auto exchanged = deps.modules.run("sts", FEDCRED_OP_ASSUME_ROLE, sts_params, deps.log);
  if (!exchanged) return std::move(exchanged).error();
  auto creds = aws_credentials_from_exchange(*exchanged, deps.clock.unix_seconds(), url_authority(req.sts.url));
  if (creds) {
    creds->subject = subject->claims.sub;
    creds->session_name = session_name;
  }
  return creds;
}

}  // namespace fedcred
