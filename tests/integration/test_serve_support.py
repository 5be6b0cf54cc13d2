"""Helpers for the `fedcred serve` tests (integration and e2e): a running server as a
subprocess, HTTP requests with full control of the headers (Host, Authorization), and the
AWS profile configuration it serves. Not a test file (no test methods)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import time


from harness import ROLE_ARN, fedcred_bin, free_port  # noqa: E402

PROFILE = "web"


def profile_config(extra=""):
    return "[profile %s]\nrole_arn = %s\ntimeout = 5\n%s" % (PROFILE, ROLE_ARN, extra)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def http_get(port, path, headers=None, host="127.0.0.1", timeout=10):
    """GET with exactly these headers (Host defaults to the loopback address)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        all_headers = {"Host": "%s:%d" % (host, port)}
        all_headers.update(headers or {})
        for key, value in all_headers.items():
            if value is not None:
                conn.putheader(key, value)
        conn.endheaders()
        resp = conn.getresponse()
        return Response(resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace"))
    finally:
        conn.close()


class ServeProcess:
    """`fedcred serve ARGS` in the background, its stderr collected in a file; `wrap` (argv ->
    argv, which must exec the program in the same process) runs it in a namespace.
    `socket_activated`: under systemd-socket-activate, which holds the port and starts the
    server at the first connection (a client's, as on a booting VM: issue 21.8); write the
    token file first (write_token) and wait_listening() instead of wait_ready()."""

    def __init__(self, sandbox, env, args, port=None, wrap=None, socket_activated=False,
                 token_file=None):
        self.port = port or free_port()
        self.token_file = token_file or os.path.join(sandbox.root, "serve-token")
        self.stderr_path = os.path.join(sandbox.root, "serve-%d.stderr" % self.port)
        argv = [fedcred_bin(), "serve", "--token-file", self.token_file] + list(args)
        if socket_activated:
            # it passes on only the environment named with -E
            keep = [a for key in sorted(env) for a in ("-E", key)]
            argv = ["systemd-socket-activate", "-l", "127.0.0.1:%d" % self.port] + keep + argv
        else:
            argv[2:2] = ["--listen", "127.0.0.1:%d" % self.port]
        if wrap:
            argv = wrap(argv)
        self.stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self.stderr)

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def token(self):
        with open(self.token_file) as f:
            return f.read()

    def write_token(self, token):
        """The AWS route's token file, before a socket-activated server exists to make one."""
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token)

    def wait_listening(self, timeout=10):
        """Until the port listens, without connecting (which would start a socket-activated
        server); raises if the process exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("exited with %s:\n%s" % (self.proc.returncode, self.log()))
            if subprocess.run(["ss", "-Hltn", "sport = :%d" % self.port], capture_output=True,
                              text=True).stdout.strip():
                return self
            time.sleep(0.05)
        raise RuntimeError("port %d not listening within %ss:\n%s" % (self.port, timeout, self.log()))

    def wait_ready(self, timeout=30):
        """Until /healthz answers 200; raises if the process exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("fedcred serve exited with %s:\n%s"
                                   % (self.proc.returncode, self.log()))
            try:
                if http_get(self.port, "/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("fedcred serve not ready within %ss:\n%s" % (timeout, self.log()))

    def wait_exit(self, timeout=60):
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.stderr.flush()

    def credentials(self, token=None):
        return http_get(self.port, "/aws/credentials",
                        {"Authorization": self.token() if token is None else token})

    def log(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        return self.proc.returncode


def listening_socket():
    """A socket listening on a free loopback port (for "port in use")."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s
