// SPDX-License-Identifier: Apache-2.0
// fedcred(1) over the C API (cli.cc).
#include "cli.h"

int main(int argc, char** argv) { return cli_main(argc, argv); }
