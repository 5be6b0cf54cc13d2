#!/usr/bin/env python3
"""Checks that every network module exports its entry point and nothing else.

  check_module_exports.py MODULE.so...

A module's code (curl wrapper, SigV4, the codecs of module_messages.h) is
linked in statically; the version script (plugin/modules/module.map) must
keep all of it private, or two modules' copies could interpose on each other
or on libfedcred's. Prints TAP, one point per module.
"""

import subprocess
import sys

ENTRY = "fedcred_module_entry_v1"
# fedcred-serve.so is the HTTP server of `fedcred serve`, not a source or exchange: its entry
# point is the private serve ABI's (plugin/common/serve_abi.h).
ENTRIES = {"fedcred-serve.so": "fedcred_serve_entry_v1"}


def defined_dynamic_symbols(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True, capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 2:
            names[fields[-1].partition("@")[0]] = fields[-2]
    return names


def main():
    modules = sys.argv[1:]
    if not modules:
        sys.exit(__doc__)
    print(f"1..{len(modules)}")
    failed = 0
    for n, path in enumerate(modules, 1):
        symbols = defined_dynamic_symbols(path)
        name = path.rsplit('/', 1)[-1]
        entry = ENTRIES.get(name, ENTRY)
        ok = symbols == {entry: "T"}
        print(("ok" if ok else "not ok") + f" {n} - {name} exports only {entry}")
        if not ok:
            failed += 1
            print(f"# exported: {sorted(symbols.items())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
