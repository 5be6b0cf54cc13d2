// SPDX-License-Identifier: Apache-2.0
#include "commands/doctor/report.h"

#include <json-c/json.h>

#include <utility>

#include "base/json_handle.h"
#include "logger.h"
#include "time_format.h"

namespace fedcred {
namespace {

char const* state_word(StepState s) {
  switch (s) {
    case StepState::ok: return "ok";
    case StepState::warn: return "warn";
    default: return "fail";
  }
}

}  // namespace

Status DoctorReport::status() const {
  for (auto const& s : steps) {
    if (s.state == StepState::fail) return s.status == Status::ok ? Status::internal : s.status;
  }
  return Status::ok;
}

// Details quote unverified JWT claims and server messages: made printable
// here, once for every step, before they reach a terminal or a log.
void StepRecorder::ok(std::string name, std::string detail) {
  report_.steps.push_back({std::move(name), StepState::ok, printable(detail), {}, Status::ok});
}

void StepRecorder::warn(std::string name, std::string detail, std::string fix) {
  report_.steps.push_back({std::move(name), StepState::warn, printable(detail), printable(fix), Status::ok});
}

void StepRecorder::fail(std::string name, Status status, std::string detail, std::string fix) {
  report_.steps.push_back({std::move(name), StepState::fail, printable(detail), printable(fix), status});
}

void StepRecorder::note_server_date(std::string what, std::string const& http_date, std::int64_t now_unix) {
  if (http_date.empty()) return;
  if (auto when = parse_http_date(http_date)) server_offsets_.emplace_back(std::move(what), *when - now_unix);
}

std::string render_doctor_text(DoctorReport const& report) {
  std::string out;
  for (auto const& s : report.steps) {
    char const* word = s.state == StepState::ok ? "ok  " : s.state == StepState::warn ? "warn" : "FAIL";
    out += std::string(word) + "  " + s.name + ": " + s.detail + "\n";
    if (!s.fix.empty()) out += "      fix: " + s.fix + "\n";
  }
  if (!out.empty()) out.pop_back();  // the helper adds the last newline
  return scrub_secrets(out);
}

Result<std::string> render_doctor_json(DoctorReport const& report) {
  JsonPtr doc(json_object_new_object());
  json_object* steps = json_object_new_array();
  if (!doc || !steps) {
    json_object_put(steps);
    return make_error(Status::internal, "out of memory");
  }
  Status const status = report.status();
  json_object_object_add(doc.get(), "ok", json_object_new_boolean(status == Status::ok));
  json_object_object_add(doc.get(), "exit_code", json_object_new_int(static_cast<int>(status)));
  json_object_object_add(doc.get(), "steps", steps);
  for (auto const& s : report.steps) {
    json_object* step = json_object_new_object();
    if (step == nullptr) return make_error(Status::internal, "out of memory");
    json_object_array_add(steps, step);
    json_object_object_add(step, "name", json_object_new_string(s.name.c_str()));
    json_object_object_add(step, "status", json_object_new_string(state_word(s.state)));
    json_object_object_add(step, "detail", json_object_new_string(s.detail.c_str()));
    json_object_object_add(step, "fix", json_object_new_string(s.fix.c_str()));
  }
  char const* text =
      json_object_to_json_string_ext(doc.get(), JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  if (text == nullptr) return make_error(Status::internal, "out of memory");
  return scrub_secrets(text);
}

}  // namespace fedcred
