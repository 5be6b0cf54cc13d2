// SPDX-License-Identifier: Apache-2.0
// fedcred(1) over the C API (cli.cc): every command of the registry.
#include "cli.h"
#include "commands/registry.h"

int main(int argc, char** argv) {
  auto const rows = fedcred::all_rows();
  return cli_main(argc, argv, CliOptions{.rows = rows});
}
