// SPDX-License-Identifier: Apache-2.0
// doctor's report: the steps of one walk (what works, what does not, the fix)
// and its two renderings. Pure: no I/O, unit-testable on hand-built reports.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "result.h"

namespace fedcred {

enum class StepState { ok, warn, fail };

struct DoctorStep {
  std::string name;
  StepState state = StepState::ok;
  std::string detail;
  std::string fix;              // empty for ok steps
  Status status = Status::ok;  // the failure's exit status (fail only)
};

struct DoctorReport {
  std::vector<DoctorStep> steps;
  // Status::ok, or the status of the first failed step.
  Status status() const;
};

// Collects the steps of a walk, and the servers' clocks seen on the way (for
// the clock step).
class StepRecorder {
 public:
  void ok(std::string name, std::string detail);
  void warn(std::string name, std::string detail, std::string fix);
  void fail(std::string name, Status status, std::string detail, std::string fix);
  // A server's Date header (RFC 7231), kept as its offset from our clock.
  void note_server_date(std::string what, std::string const& http_date, std::int64_t now_unix);

  DoctorReport take() { return std::move(report_); }
  // (server, its clock minus ours in seconds)
  std::vector<std::pair<std::string, std::int64_t>> const& server_offsets() const { return server_offsets_; }

 private:
  DoctorReport report_;
  std::vector<std::pair<std::string, std::int64_t>> server_offsets_;
};

// "ok    config: ...", "FAIL  exchange: ...", "      fix: ..." lines.
std::string render_doctor_text(DoctorReport const& report);
// {"ok":bool,"exit_code":N,"steps":[{"name","status":"ok|warn|fail","detail","fix"}]}
Result<std::string> render_doctor_json(DoctorReport const& report);

}  // namespace fedcred
