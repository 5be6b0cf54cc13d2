// SPDX-License-Identifier: Apache-2.0
#include "flows/subject_token.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/unique_fd.h"
#include "fedcred/module.h"

namespace fedcred {
namespace {

// Tokens are at most a few KiB (STS accepts up to 20000 characters).
constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

std::string_view trim_whitespace(std::string_view v) {
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  return v;
}

// Read on every call, never cached by us: the file's owner rotates it.
Result<Secret> read_token_file(std::string const& path) {
  if (path.empty()) {
    return make_error(Status::usage, "source 'file' needs token_file (an absolute path) in the profile or --token-file");
  }
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    return make_error(Status::source, "cannot open token file " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return make_error(Status::source, "token file " + path + " is not a regular file");
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxTokenFileBytes) {
    return make_error(Status::source, "token file " + path + " is larger than " +
                                          std::to_string(kMaxTokenFileBytes) + " bytes");
  }
  std::string text(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      wipe(text);
      return make_error(Status::source, "cannot read token file " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMaxTokenFileBytes) {
    wipe(text);
    return make_error(Status::source, "token file " + path + " grew beyond " + std::to_string(kMaxTokenFileBytes) +
                                          " bytes while being read");
  }
  Secret token{std::string(trim_whitespace(std::string_view(text.data(), got)))};
  wipe(text);
  if (token.empty()) return make_error(Status::source, "token file " + path + " is empty");
  return token;
}

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
  // The AWS tools' static credentials win over IMDS, as in every AWS SDK.
  if (auto akid = env.get("AWS_ACCESS_KEY_ID")) {
    auto secret = env.get("AWS_SECRET_ACCESS_KEY");
    if (!secret) {
      return make_error(Status::usage, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    }
    messages::AwsKeys keys{*akid, Secret(*secret), Secret()};
    if (auto token = env.get("AWS_SESSION_TOKEN")) keys.session_token = Secret(*token);
    params.caller_keys = std::move(keys);
  }
  log.debug("getting a subject token from source '" + req.source + "' for audience " + req.audience);
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
    auto token = read_token_file(req.token_file);
    if (!token) return std::move(token).error();
    out.token = std::move(*token);
  } else {
    auto result = run_source_module(req, env, modules, log);
    if (!result) return std::move(result).error();
    out.token = std::move(result->subject_token);
    out.expiration = result->expiration.value_or(0);
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
