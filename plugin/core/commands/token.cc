// SPDX-License-Identifier: Apache-2.0
#include "commands/token.h"

#include <utility>

#include "output/output_file.h"
#include "commands/subject.h"

namespace fedcred {

Result<Secret> run_token_command(CommandInputs const& in, std::string const& output_file, CommandDeps const& deps) {
  auto config = load_command_config(in, deps);
  if (!config) return std::move(config).error();
  auto req = resolve_subject_request(SubjectCommand::token, *config, in, deps.env, deps.default_timeout_seconds);
  if (!req) return std::move(req).error();
  auto token = cached_subject_token(*req, deps);
  if (!token) return std::move(token).error();
  if (output_file.empty()) return std::move(token->token);
  Secret line(token->token.reveal() + "\n");
  auto written = write_file_atomically(output_file, line.reveal());
  if (!written) return std::move(written).error();
  return Secret();
}

}  // namespace fedcred
