// SPDX-License-Identifier: Apache-2.0
#include "commands/gcp.h"

#include <string>
#include <utility>

#include "output/json_writer.h"
#include "output/output_file.h"
#include "commands/subject.h"

namespace fedcred {
namespace {

constexpr char kJwtType[] = "urn:ietf:params:oauth:token-type:jwt";
constexpr char kIdTokenType[] = "urn:ietf:params:oauth:token-type:id_token";
constexpr char kSaml2Type[] = "urn:ietf:params:oauth:token-type:saml2";

// The token type the credential config asked for; fedcred's tokens are JWTs,
// which Google accepts as either jwt or id_token.
Result<std::string> requested_token_type(Env const& env) {
  auto type = env.get("GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE");
  if (!type || *type == kJwtType || *type == kIdTokenType) return type ? *type : std::string(kJwtType);
  if (*type == kSaml2Type) {
    return make_error(Status::usage,
                      "the credential config asks for a SAML assertion (subject_token_type saml2); fedcred "
                      "issues JWTs: set subject_token_type to urn:ietf:params:oauth:token-type:jwt");
  }
  return make_error(Status::usage, "GOOGLE_EXTERNAL_ACCOUNT_TOKEN_TYPE=" + *type +
                                       " is not a token type fedcred issues (use urn:ietf:params:oauth:token-type:jwt)");
}

char const* error_code(Status status) {
  switch (status) {
    case Status::usage: return "USAGE";
    case Status::source: return "SOURCE_UNAVAILABLE";
    case Status::denied: return "DENIED";
    case Status::transient: return "TRANSIENT";
    case Status::response: return "BAD_RESPONSE";
    case Status::io: return "IO";
    default: return "INTERNAL";
  }
}

}  // namespace

Secret render_gcp_error(Error const& error) {
  JsonWriter w;
  w.number("version", 1).boolean("success", false).string("code", error_code(error.status)).string("message",
                                                                                                    error.message);
  return w.finish();
}

Result<Secret> run_gcp_command(CommandInputs const& in, CredentialDeps const& deps) {
  if (deps.env.get("GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE") == std::optional<std::string>("1")) {
    return make_error(Status::usage,
                      "interactive mode was requested (GOOGLE_EXTERNAL_ACCOUNT_INTERACTIVE=1), but fedcred is "
                      "non-interactive: remove interactive_timeout_millis from the credential config");
  }
  auto token_type = requested_token_type(deps.env);
  if (!token_type) return std::move(token_type).error();
  auto config = load_command_config(in, deps);
  if (!config) return std::move(config).error();
  auto req = resolve_subject_request(SubjectCommand::gcp, *config, in, deps.env, deps.default_timeout_seconds);
  if (!req) return std::move(req).error();
  auto token = cached_subject_token(*req, deps);
  if (!token) return std::move(token).error();

  JsonWriter w;
  w.number("version", 1)
      .boolean("success", true)
      .string("token_type", *token_type)
      .string("id_token", token->token.reveal())
      .number("expiration_time", token->expiration);
  Secret response = w.finish();
  if (auto path = deps.env.get("GOOGLE_EXTERNAL_ACCOUNT_OUTPUT_FILE")) {
    auto written = write_file_atomically(*path, response.reveal());
    if (!written) return std::move(written).error();
  }
  return response;
}

}  // namespace fedcred
