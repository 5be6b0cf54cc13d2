// SPDX-License-Identifier: Apache-2.0
#include "output/audit.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "logger.h"
#include "time_format.h"
#include "base/unique_fd.h"
#include "fedcred_build_config.h"

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

// How long a send may wait, in all, for a full syslog queue. A busy journald
// drains it in microseconds, but writers started together (32 credential
// processes of one parallel job, against a queue of net.unix.max_dgram_qlen,
// 10 without systemd's sysctl) take turns: each freed slot wakes them all and
// only one wins it, so a writer keeps trying until this budget is spent. A
// hung daemon costs the workload no more than this, then the fallback gets
// the line (issue 21, item 15).
constexpr std::chrono::milliseconds kSendBudget{1000};

// 0 when the whole message was sent on a new `type` socket connected to
// `addr`, else the errno that stopped it.
int send_once(sockaddr_un const& addr, int type, std::string const& message) {
  UniqueFd fd(socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return errno;
  if (connect(fd.get(), reinterpret_cast<sockaddr const*>(&addr), sizeof addr) != 0) return errno;
  auto const deadline = std::chrono::steady_clock::now() + kSendBudget;
  std::size_t sent = 0;
  while (sent < message.size()) {
    ssize_t n = send(fd.get(), message.data() + sent, message.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return errno;
    // glibc's syslog(3) blocks here; we wait for room, within the budget
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return EAGAIN;
    pollfd p{fd.get(), POLLOUT, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) == 0) return EAGAIN;
  }
  return 0;
}

class SyslogSink final : public AuditSink {
 public:
  SyslogSink(std::string path, std::unique_ptr<AuditSink> fallback)
      : path_(std::move(path)), fallback_(std::move(fallback)) {}

  void write(bool failure, std::string const& line) override {
    int error = ENAMETOOLONG;
    sockaddr_un addr{};
    if (path_.size() < sizeof addr.sun_path) {
      addr.sun_family = AF_UNIX;
      std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
      std::string message = "<" + std::to_string(kAuthpriv | (failure ? kWarning : kInfo)) + ">fedcred[" +
                            std::to_string(getpid()) + "]: " + line;
      error = send_once(addr, SOCK_DGRAM, message);
      if (error == 0) return;
      // syslog(3) retries on a stream socket, each message NUL-terminated
      message.push_back('\0');
      if (send_once(addr, SOCK_STREAM, message) == 0) return;
    }
    if (fallback_) {
      fallback_->write(failure, line + " (syslog " + path_ + " unreachable: " + std::strerror(error) + ")");
    }
  }

 private:
  std::string path_;
  std::unique_ptr<AuditSink> fallback_;
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
  std::string out = "event=" + (!r.event.empty() ? r.event : status == Status::ok ? "issued" : "failed");
  field(out, "command", r.command);
  if (r.client_uid >= 0) field(out, "client_uid", std::to_string(r.client_uid));
  field(out, "route", r.route);
  if (r.count > 0) field(out, "requests", std::to_string(r.count));
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

std::string syslog_socket_path([[maybe_unused]] Env const& env) {
#if FEDCRED_TEST_HOOKS
  if (auto path = env.get("FEDCRED_SYSLOG_SOCKET")) return *path;
#endif
  return "/dev/log";
}

std::unique_ptr<AuditSink> make_syslog_sink(std::string path, std::unique_ptr<AuditSink> fallback) {
  return std::make_unique<SyslogSink>(std::move(path), std::move(fallback));
}

std::unique_ptr<AuditSink> make_stderr_sink() { return std::make_unique<StderrSink>(); }

void write_audit(AuditRecord const& r, Status status, std::string const& message, Env const& env,
                 bool quiet_stderr) {
  std::unique_ptr<AuditSink> sink = quiet_stderr ? nullptr : make_stderr_sink();
  if (r.log_target == "syslog") sink = make_syslog_sink(syslog_socket_path(env), std::move(sink));
  if (r.log_target == "none") sink.reset();
  if (sink) sink->write(status != Status::ok, format_audit_line(r, status, message));
}

}  // namespace fedcred
