// SPDX-License-Identifier: Apache-2.0
// The fedcred command line (cli.cc), shared by the binaries that run it.
#pragma once

struct CliOptions {
  // Keep the run's log lines and print them when the run ends: the static
  // front (helper/front/) may exec the fetcher mid-run, which logs the run
  // again from the start, and a line must not be printed twice.
  bool hold_log_lines = false;
};

// Parses argv, runs the command through the C API, prints one document or
// one error; returns the exit status (fedcred(1) EXIT STATUS).
int cli_main(int argc, char** argv, CliOptions const& options = {});
