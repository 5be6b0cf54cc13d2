#!/usr/bin/env python3
"""`meson install` puts the systemd units and the sysusers file under a non-system prefix
(issue 21.14): configures this source tree twice in scratch build dirs (no build) and reads
where `meson introspect --installed` would put each file. Prints TAP."""

import json
import os
import subprocess
import sys
import tempfile

SOURCE = sys.argv[1]
UNITS = ("fedcred-token@.service", "fedcred-token@.timer", "fedcred-serve.service",
         "fedcred-serve.socket")
SYSUSERS = "sysusers.d/fedcred.conf"


def pkgconfig(variable):
    proc = subprocess.run(["pkg-config", "--variable=" + variable, "systemd"],
                          capture_output=True, text=True)
    return proc.stdout.strip() if proc.returncode == 0 else None


def installed(prefix):
    """{basename-ish key: destination} of a build configured with --prefix=prefix."""
    with tempfile.TemporaryDirectory(prefix="fedcred-prefix-") as scratch:
        build = os.path.join(scratch, "build")
        proc = subprocess.run(["meson", "setup", build, SOURCE, "--prefix=" + prefix,
                               "-Dtests=false", "-Dman=disabled"],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError("meson setup failed:\n" + proc.stdout[-2000:] + proc.stderr[-2000:])
        out = subprocess.run(["meson", "introspect", build, "--installed"],
                             capture_output=True, text=True, check=True).stdout
    return json.loads(out).values()


def main():
    points = []
    prefix = "/opt/fedcred-prefix-test"
    dests = list(installed(prefix))
    for unit in UNITS:
        where = [d for d in dests if d.endswith("/" + unit)]
        points.append((len(where) == 1 and where[0] == prefix + "/lib/systemd/system/" + unit,
                       "--prefix=%s installs %s at %s" % (prefix, unit, where)))
    where = [d for d in dests if d.endswith(SYSUSERS)]
    points.append((where == [prefix + "/lib/" + SYSUSERS],
                   "--prefix=%s installs the sysusers file at %s" % (prefix, where)))
    # the system prefix keeps systemd's own directories (its pkg-config file, when installed)
    unitdir = pkgconfig("systemdsystemunitdir") or "/usr/lib/systemd/system"
    sysusersdir = pkgconfig("sysusersdir") or "/usr/lib/sysusers.d"
    dests = list(installed("/usr"))
    where = [d for d in dests if d.endswith("/fedcred-serve.service")]
    points.append((where == [unitdir + "/fedcred-serve.service"],
                   "--prefix=/usr installs units in systemd's %s: %s" % (unitdir, where)))
    where = [d for d in dests if d.endswith(SYSUSERS)]
    points.append((where == [sysusersdir + "/fedcred.conf"],
                   "--prefix=/usr installs the sysusers file in systemd's %s: %s" % (sysusersdir, where)))
    print("1..%d" % len(points))
    for i, (good, what) in enumerate(points, 1):
        print("%s %d - %s" % ("ok" if good else "not ok", i, what))
    return 0 if all(good for good, _ in points) else 1


if __name__ == "__main__":
    sys.exit(main())
