// SPDX-License-Identifier: Apache-2.0
// The fedcred command line (cli.cc), shared by the binaries that run it.
#pragma once

// Parses argv, runs the command through the C API, prints one document or
// one error; returns the exit status (fedcred(1) EXIT STATUS).
int cli_main(int argc, char** argv);
