"""What every HTTP stand-in shares: the server lifecycle, fault bookkeeping, the handler basics
(logging, bodies, /_control and /_reset) and the command line.

A stand-in subclasses StandinServer (reset(), stats(), handler_class, thread_name) and
StandinHandler (log_name, server_header, its own do_GET/do_POST), and its main() calls
standin_main(). Nothing here speaks any stand-in's protocol: what goes on the wire is still
decided by each stand-in (status, body, content type, extra headers).
"""

import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Fault:
    """An armed fault spec; `times` (popped from it) limits how many calls it applies to."""

    def __init__(self, spec=None):
        self.spec = dict(spec or {})
        times = self.spec.pop("times", None)
        self.remaining = None if times is None else int(times)

    def take(self):
        """The spec for this call ({} once used up or when none is armed)."""
        if not self.spec:
            return {}
        if self.remaining is None:
            return dict(self.spec)
        if self.remaining > 0:
            self.remaining -= 1
            return dict(self.spec)
        return {}


class Loopback:
    """Addresses of something listening on 127.0.0.1:`port` (https when `tls` is set)."""

    tls = None      # an ssl.SSLContext (server side): the stand-in speaks https

    @property
    def host(self):
        """host:port (e.g. the value for GCE_METADATA_HOST)."""
        return "127.0.0.1:%d" % self.port

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)


class _TlsThreadingHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer speaking TLS: each connection's handshake runs in its own handler
    thread (wrapping the listening socket would handshake in the accept loop, where one
    stalled client would block every other)."""

    tls = None

    def finish_request(self, request, client_address):
        try:
            request = self.tls.wrap_socket(request, server_side=True)
        except OSError:      # a client that gave up or distrusts the test CA
            return
        super().finish_request(request, client_address)


class StandinServer(Loopback):
    """An http.server stand-in on 127.0.0.1:port (0 = any free port), served in a thread.

    Subclasses set handler_class and thread_name, and define reset() (counters, records and
    `self.fault`) and stats(); __init__ calls reset() once the lock exists."""

    handler_class = None
    thread_name = "standin"
    fault_class = Fault

    def __init__(self, port=0):
        self._lock = threading.Lock()
        self._stop_event = threading.Event()   # set by stop(): releases hanging handlers
        self._requested_port = port
        self.httpd = None
        self._thread = None
        self.reset()

    def reset(self):
        raise NotImplementedError

    def set_fault(self, spec):
        with self._lock:
            self.fault = self.fault_class(spec)

    @property
    def port(self):
        return self.httpd.server_address[1] if self.httpd else None

    def start(self):
        server = self

        class Handler(self.handler_class):
            owner = server

        if self.tls:
            self.httpd = _TlsThreadingHTTPServer(("127.0.0.1", self._requested_port), Handler)
            self.httpd.tls = self.tls
        else:
            self.httpd = ThreadingHTTPServer(("127.0.0.1", self._requested_port), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name=self.thread_name)
        self._thread.start()
        return self

    def stop(self):
        self._stop_event.set()
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def wait(self, seconds):
        """Sleeps `seconds` (a `hang` fault), cut short by stop()."""
        self._stop_event.wait(seconds)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def hang_seconds(value):
    """A fault's hang value: true means 60 s, else a number of seconds."""
    return 60.0 if value is True else float(value)


class StandinHandler(BaseHTTPRequestHandler):
    """Request handler basics; `owner` is the StandinServer (set by StandinServer.start())."""

    owner = None
    protocol_version = "HTTP/1.1"
    log_name = "standin"        # prefix of the STANDIN_VERBOSE request log
    server_header = None        # the Server header; None: http.server's "<server_version> Python/x"
    content_type = "text/plain"     # _send's default
    control_ok = "{}"           # POST /_control and /_reset answer
    control_bad = "bad json"    # POST /_control with a body that is no fault spec
    control_bad_type = "text/plain"

    def version_string(self):
        if self.server_header is None:
            return super().version_string()
        return self.server_header

    def log_message(self, fmt, *args):  # keep test output clean
        if os.environ.get("STANDIN_VERBOSE"):
            sys.stderr.write(self.log_name + ": " + (fmt % args) + "\n")

    def _read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _headers(self, content_type):
        """The headers before Content-Length."""
        return [("Content-Type", content_type)]

    def _trailing_headers(self):
        """The headers after Content-Length."""
        return []

    def _respond(self, status, body, headers=(), trailing=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        for name, value in trailing:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _send(self, status, body, content_type=None):
        return self._respond(status, body, self._headers(content_type or self.content_type),
                             self._trailing_headers())

    def _control_reply(self, ok):
        if ok:
            return self._send(200, self.control_ok, "application/json")
        return self._send(400, self.control_bad, self.control_bad_type)

    def _control(self, path, body):
        """Answers POST /_control (arm a fault; {} clears it) and POST /_reset.
        Returns True when `path` was one of them."""
        if path == "/_control":
            try:
                self.owner.set_fault(json.loads(body or b"{}"))
            except ValueError:
                self._control_reply(False)
            else:
                self._control_reply(True)
            return True
        if path == "/_reset":
            self.owner.reset()
            self._control_reply(True)
            return True
        return False

    def _drop_connection(self):
        """A `close` fault: shut the socket down without any answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(2)
        except OSError:
            pass


def write_port_file(path, port):
    """Writes `port` to `path` atomically (a reader never sees a partial file)."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def standin_main(doc, start, add_arguments=None, argv=None):
    """The command line of a stand-in: --port, --port-file and what add_arguments(parser) adds;
    start(args) returns the started server. Prints the port once listening, then serves until
    SIGTERM/SIGINT. Returns the exit status."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the port here once listening")
    if add_arguments:
        add_arguments(parser)
    args = parser.parse_args(argv)
    server = start(args)
    if args.port_file:
        write_port_file(args.port_file, server.port)
    print(server.port, flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    server.stop()
    return 0
