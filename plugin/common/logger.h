// SPDX-License-Identifier: Apache-2.0
// Logger: where diagnostics go is the caller's choice (the helper prints them
// on stderr in aws mode, drops them in gcp mode). The one logger of the core
// and the modules: log() is where every message is sanitized, whatever the
// sink (stderr, syslog, the host's callback). Call sites build messages from
// non-secret values only; scrub_secrets() is a last net, not the plan.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "fedcred/module.h"

namespace fedcred {

// Replaces JWT-shaped substrings ("eyJ...x.y.z") with "[redacted]".
std::string scrub_secrets(std::string text);

// `text` with every control character (C0, DEL, and C1 as UTF-8) replaced by
// a space: values from outside (unverified JWT claims, server messages) must
// not move the cursor, recolour the terminal or start a forged log line.
std::string printable(std::string_view text);

class Logger {
 public:
  using Sink = std::function<void(int level, std::string const& message)>;
  Logger() = default;
  explicit Logger(Sink sink) : sink_(std::move(sink)) {}

  // Whether anyone listens: a caller may skip building a message nobody reads.
  explicit operator bool() const noexcept { return static_cast<bool>(sink_); }

  void log(int level, std::string const& message) const {
    if (sink_) sink_(level, printable(scrub_secrets(message)));
  }
  void warning(std::string const& m) const { log(FEDCRED_LOG_WARNING, m); }
  void info(std::string const& m) const { log(FEDCRED_LOG_INFO, m); }
  void debug(std::string const& m) const { log(FEDCRED_LOG_DEBUG, m); }

 private:
  Sink sink_;
};

}  // namespace fedcred
