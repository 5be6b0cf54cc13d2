// SPDX-License-Identifier: Apache-2.0
#include "commands/token.h"

#include <optional>
#include <utility>

#include "commands/subject.h"
#include "output/output_file.h"

namespace fedcred {

Result<Secret> run_token_command(CommandInputs const& in, TokenOutput const& output, CredentialDeps const& deps,
                                 GroupLookup lookup_group) {
  std::optional<gid_t> reader_group;
  if (!output.group.empty()) {
    if (output.file.empty()) return make_error(Status::usage, "--output-group needs --output");
    if (lookup_group == nullptr) return make_error(Status::internal, "no group lookup in this binary");
    auto gid = lookup_group(output.group);
    if (!gid) return std::move(gid).error().prefix("--output-group");
    reader_group = *gid;
  }
  auto config = load_command_config(in, deps);
  if (!config) return std::move(config).error();
  auto req = resolve_subject_request(SubjectCommand::token, *config, in, deps.env, deps.default_timeout_seconds);
  if (!req) return std::move(req).error();
  auto token = cached_subject_token(*req, deps);
  if (!token) return std::move(token).error();
  if (output.file.empty()) return std::move(token->token);
  // The file holds the token alone, no newline, as a Kubernetes projected token file: Azure's
  // Python azure-identity sends AZURE_FEDERATED_TOKEN_FILE's content verbatim as the client
  // assertion (token_exchange.py, f.read()), and a JWT with a trailing newline is malformed.
  auto written = write_file_atomically(output.file, token->token.reveal(), reader_group);
  if (!written) return std::move(written).error();
  return Secret();
}

}  // namespace fedcred
