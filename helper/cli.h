// SPDX-License-Identifier: Apache-2.0
// The fedcred command line (cli.cc), shared by the binaries that run it. The
// commands, their flags and their help come from the rows of the registry
// (plugin/core/commands/registry.h) that the binary runs: every row in the
// fetcher (main.cc), the rows the static front serves in the front.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/registry.h"

using CliRows = std::span<fedcred::CommandRow const* const>;

struct CliOptions {
  // The commands this binary runs.
  CliRows rows;
  // Keep the run's log lines and print them when the run ends: the static
  // front (helper/front/) may exec the fetcher mid-run, which logs the run
  // again from the start, and a line must not be printed twice.
  bool hold_log_lines = false;
};

// What argv (without the program name) asks for.
struct CommandLine {
  fedcred::CommandRow const* row = nullptr;  // nullptr: no such command (error says why)
  // The library keys and values, in the order given (up to --help).
  std::vector<std::pair<std::string, std::string>> keys;
  bool help = false;
  bool verbose = false;
  std::string error;  // a usage error, without the "(see 'fedcred help')"
};

CommandLine parse_command_line(CliRows rows, std::vector<std::string_view> args);

// Parses argv, runs the command through the C API, prints one document or
// one error; returns the exit status (fedcred(1) EXIT STATUS).
int cli_main(int argc, char** argv, CliOptions const& options);
