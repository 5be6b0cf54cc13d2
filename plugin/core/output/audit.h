// SPDX-License-Identifier: Apache-2.0
// The audit trail: every credential handed out and every failure leaves one
// structured line in syslog (facility authpriv, so the journal keeps it with
// the other authentication records). A line names who asked (uid, pid, the
// calling program), for what (profile, source, subject, role or audience,
// session, expiry, STS request id, cache hit or miss) and the outcome. It
// never holds a token or key: every field is an identifier, not a secret.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/env.h"
#include "result.h"

namespace fedcred {

enum class CacheUse { none, hit, miss, peer, stale };

struct AuditRecord {
  std::string command;
  std::string profile;
  std::string source;
  std::string subject;   // the subject token's `sub`
  std::string target;    // role ARN (aws) or provider audience (gcp, token)
  std::string session_name;
  std::int64_t expiration = 0;
  std::string request_id;
  CacheUse cache = CacheUse::none;
  // `fedcred serve`'s report of a caller (issue 21.3): event "served" or
  // "refused" (instead of issued/failed), the caller's uid, the route and
  // how many requests the line stands for (one line a minute per caller).
  std::string event;
  std::int64_t client_uid = -1;
  std::string route;
  std::uint64_t count = 0;
  // Where the line goes: "syslog" (default), "stderr" or "none" (the `log`
  // profile key); commands set it once the profile is resolved.
  std::string log_target = "syslog";
};

// "fedcred: event=issued command=aws uid=1000 pid=42 caller=/usr/bin/python3.11 ..."
// `status` is Status::ok for an issuance; `message` the (already scrubbed)
// error text otherwise.
std::string format_audit_line(AuditRecord const& r, Status status, std::string const& message);

class AuditSink {
 public:
  virtual ~AuditSink() = default;
  virtual void write(bool failure, std::string const& line) = 0;
};

// The syslog socket: /dev/log. A build with -Dtest_hooks honours
// FEDCRED_SYSLOG_SOCKET for the tests; a package does not, or any user could
// point the audit trail away (issue 12, item 15).
std::string syslog_socket_path(Env const& env);

// One line to the syslog socket at `path` as syslog(3) sends it: a datagram
// (waiting for room, at most a second in all, if the daemon's queue is full:
// parallel writers take turns as it drains), else over a stream
// connection (rsyslog and syslog-ng may listen on one), and when the daemon
// takes it neither way, to `fallback` (stderr) with the reason, as
// syslog(3)'s LOG_CONS falls back to the console. Never blocks for long: an
// audit sink that is down must not take the credentials away from the
// workload. `fallback` may be null (gcp mode, whose stderr is parsed).
std::unique_ptr<AuditSink> make_syslog_sink(std::string path, std::unique_ptr<AuditSink> fallback);
std::unique_ptr<AuditSink> make_stderr_sink();

// Writes the record where its log_target says. `quiet_stderr`: the gcp
// command, whose stderr Google's libraries parse, never writes it there.
void write_audit(AuditRecord const& r, Status status, std::string const& message, Env const& env,
                 bool quiet_stderr);

}  // namespace fedcred
