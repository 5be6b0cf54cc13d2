// SPDX-License-Identifier: Apache-2.0
#include "output/audit.h"

#include <limits.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "logger.h"
#include "time_format.h"
#include "base/unique_fd.h"

namespace fedcred {
namespace {

// syslog(3)'s LOG_AUTHPRIV | LOG_INFO / LOG_WARNING, spelled out because we
// write the datagram ourselves (see make_syslog_sink).
constexpr int kAuthpriv = 10 << 3;
constexpr int kInfo = 6, kWarning = 4;

char const* cache_name(CacheUse c) {
  switch (c) {
    case CacheUse::hit: return "hit";
    case CacheUse::miss: return "miss";
    case CacheUse::peer: return "filled-by-peer";
    case CacheUse::stale: return "stale";
    default: return "off";
  }
}

// key=value, quoted when needed, so a line parses with shlex or journalctl -o.
void field(std::string& out, char const* key, std::string const& value) {
  if (value.empty()) return;
  std::string const clean = printable(value);  // one record, one line, no terminal control
  out += ' ';
  out += key;
  out += '=';
  if (clean.find_first_of(" \"\\=") == std::string::npos) {
    out += clean;
    return;
  }
  out += '"';
  for (char c : clean) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

std::string link_target(std::string const& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n <= 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

class SyslogSink final : public AuditSink {
 public:
  explicit SyslogSink(std::string path) : path_(std::move(path)) {}
  void write(bool failure, std::string const& line) override {
    sockaddr_un addr{};
    if (path_.size() >= sizeof addr.sun_path) return;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return;
    std::string datagram = "<" + std::to_string(kAuthpriv | (failure ? kWarning : kInfo)) + ">fedcred[" +
                           std::to_string(getpid()) + "]: " + line;
    sendto(fd.get(), datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
           reinterpret_cast<sockaddr const*>(&addr), sizeof addr);
  }

 private:
  std::string path_;
};

class StderrSink final : public AuditSink {
 public:
  void write(bool, std::string const& line) override {
    std::string text = "fedcred: audit: " + line + "\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, text.data(), text.size());
  }
};

}  // namespace

std::string format_audit_line(AuditRecord const& r, Status status, std::string const& message) {
  std::string out = status == Status::ok ? "event=issued" : "event=failed";
  field(out, "command", r.command);
  field(out, "uid", std::to_string(getuid()));
  field(out, "pid", std::to_string(getpid()));
  field(out, "ppid", std::to_string(getppid()));
  // The program that asked: the AWS CLI, an SDK's interpreter, gcloud...
  field(out, "caller", link_target("/proc/" + std::to_string(getppid()) + "/exe"));
  field(out, "profile", r.profile);
  field(out, "source", r.source);
  field(out, "subject", r.subject);
  field(out, "target", r.target);
  field(out, "session", r.session_name);
  if (r.expiration > 0) field(out, "expiration", format_rfc3339_utc(r.expiration));
  field(out, "request_id", r.request_id);
  field(out, "cache", cache_name(r.cache));
  field(out, "outcome", status == Status::ok ? "ok" : "error-" + std::to_string(static_cast<int>(status)));
  field(out, "message", message);
  return out;
}

std::unique_ptr<AuditSink> make_syslog_sink(Env const& env) {
  return std::make_unique<SyslogSink>(env.get("FEDCRED_SYSLOG_SOCKET").value_or("/dev/log"));
}

std::unique_ptr<AuditSink> make_stderr_sink() { return std::make_unique<StderrSink>(); }

void write_audit(AuditRecord const& r, Status status, std::string const& message, Env const& env,
                 bool quiet_stderr) {
  std::unique_ptr<AuditSink> sink;
  if (r.log_target == "syslog") sink = make_syslog_sink(env);
  if (r.log_target == "stderr" && !quiet_stderr) sink = make_stderr_sink();
  if (sink) sink->write(status != Status::ok, format_audit_line(r, status, message));
}

}  // namespace fedcred
