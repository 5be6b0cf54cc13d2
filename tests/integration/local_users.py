"""A second local user for the tests of `fedcred serve`'s caller checks (issue 21.3) and port
squatting (issue 21.6): created with useradd when missing (the suites run as root), and code run
as that user with setpriv. Not a test file."""

import grp
import os
import pwd
import subprocess
import unittest

OTHER_USER = "fedcred-other"
OTHER_GROUP = "fedcred-callers"  # a supplementary group of OTHER_USER, for allow_groups


def other_user():
    """(uid, gid) of the test user, created (with its supplementary group) if missing; skips the
    test when not root."""
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root to create and become a second local user")
    try:
        grp.getgrnam(OTHER_GROUP)
    except KeyError:
        subprocess.run(["groupadd", "--system", OTHER_GROUP], check=False)
    try:
        pw = pwd.getpwnam(OTHER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        "--groups", OTHER_GROUP, OTHER_USER], check=True)
        pw = pwd.getpwnam(OTHER_USER)
    return pw.pw_uid, pw.pw_gid


def run_as_other(code, *args, timeout=30):
    """python3 -c CODE ARGS as the test user (its own uid, gid and supplementary groups)."""
    other_user()
    argv = ["setpriv", "--reuid", OTHER_USER, "--regid", OTHER_USER, "--init-groups",
            "/usr/bin/python3", "-c", code] + [str(a) for a in args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"})


# GET PORT PATH [HEADER VALUE]... -> prints the status, then the body
HTTP_GET = """
import http.client, sys
port, path, rest = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
c.putheader("Host", "127.0.0.1:%d" % port)
for k, v in zip(rest[::2], rest[1::2]):
    c.putheader(k, v)
c.endheaders()
r = c.getresponse()
print(r.status)
print(r.read().decode())
"""


def get_as_other(port, path, headers=None):
    """(status, body) of GET PATH as the test user."""
    flat = [x for kv in (headers or {}).items() for x in kv]
    res = run_as_other(HTTP_GET, port, path, *flat)
    if res.returncode != 0:
        raise AssertionError("the request as %s failed: %s" % (OTHER_USER, res.stderr))
    status, _, body = res.stdout.partition("\n")
    return int(status), body
