#!/usr/bin/env python3
"""Checks that libfedcred exports exactly the functions its public header declares.

  check_exports.py LIBRARY HEADER

Runs `nm -D --defined-only` on LIBRARY and compares the defined dynamic symbols
with the fedcred_* functions declared in HEADER (comments stripped): every
declared function must be exported as a function at version FEDCRED_1, and
nothing else may be exported except the FEDCRED_1 version node. Prints TAP.
"""

import re
import subprocess
import sys

VERSION_NODE = "FEDCRED_1"


def declared_functions(header_text):
    code = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    code = re.sub(r"//[^\n]*", "", code)
    return set(re.findall(r"\b(fedcred_[a-z_0-9]+)\s*\(", code))


def exported_symbols(library):
    """{name: (type, version)} of the defined dynamic symbols."""
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True, capture_output=True, text=True).stdout
    symbols = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        kind, full = fields[-2], fields[-1]
        name, _, version = full.partition("@")
        symbols[name] = (kind, version.lstrip("@"))
    return symbols


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.n += 1
        print(("ok" if ok else "not ok") + f" {self.n} - {what}")
        if not ok:
            self.failed += 1
            for line in str(detail).splitlines():
                print("# " + line)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    library, header = sys.argv[1], sys.argv[2]
    with open(header, encoding="utf-8") as f:
        declared = declared_functions(f.read())
    exported = exported_symbols(library)
    tap = Tap()

    tap.check(len(declared) >= 10, f"the header declares the API ({len(declared)} functions)", sorted(declared))
    for name in sorted(declared):
        kind, version = exported.get(name, (None, None))
        tap.check(kind == "T", f"{name} is exported as a function", f"nm type: {kind}")
        tap.check(version == VERSION_NODE, f"{name} has version {VERSION_NODE}", f"version: {version!r}")
    tap.check(exported.get(VERSION_NODE, (None,))[0] == "A", f"the version node {VERSION_NODE} is defined",
              sorted(exported))
    extra = sorted(set(exported) - declared - {VERSION_NODE})
    tap.check(not extra, "nothing else is exported", "\n".join(extra))
    print(f"1..{tap.n}")
    return 0 if tap.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
