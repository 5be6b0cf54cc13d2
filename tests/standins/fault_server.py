#!/usr/bin/env python3
"""Raw-socket fault stand-ins: what a broken network does below HTTP, for the fault matrix.

FaultServer(mode, ...) listens on 127.0.0.1:<free port> and, for every connection:
  blackhole   accepts, reads the request, never answers (until stop())
  dribble     answers a valid-looking HTTP 200 one byte per `interval` seconds
  raw         reads the request, sends `response` (bytes) and closes (or keeps the
              connection open with keep_open=True: a truncated body then hangs instead of EOF)
  close       accepts and closes at once, without reading or answering
  reset       accepts and resets the connection (RST: SO_LINGER 0)
`connections` counts accepted connections; `requests` holds the request heads received.

make_tls_material(directory) writes a throwaway CA and a server certificate for 127.0.0.1 and
localhost signed by it (cryptography); TlsWrapped(server) serves an existing in-process
stand-in (FakeSTS, MetadataServer, ...) over HTTPS with that certificate.

StalledResolver(directory) is a DNS server that takes every query (UDP and TCP port 53 on
an address of its own in 127.0.0.0/8) and never answers, and wrap(argv) runs a program with it as the only nameserver: a
private mount namespace whose /etc/resolv.conf names it (root and unshare(1): available()).

Usage (in-process): srv = FaultServer("blackhole").start(); srv.url; srv.stop().
"""

import datetime
import ipaddress
import os
import random
import shutil
import socket
import ssl
import struct
import threading
import time

from standin_server import Loopback, StandinHandler, _TlsThreadingHTTPServer  # noqa: E402  (host and url of a port)

CRLF = b"\r\n"


def http_response(status=200, body=b"", headers=None, content_length=None, reason=None):
    """Bytes of one HTTP/1.1 response. content_length overrides the real length (truncation)."""
    if isinstance(body, str):
        body = body.encode()
    reasons = {200: "OK", 302: "Found", 301: "Moved Permanently", 500: "Internal Server Error",
               503: "Service Unavailable", 400: "Bad Request", 403: "Forbidden"}
    lines = ["HTTP/1.1 %d %s" % (status, reason or reasons.get(status, "Status"))]
    hdrs = {"Content-Type": "text/xml", "Connection": "close"}
    hdrs.update(headers or {})
    hdrs["Content-Length"] = str(len(body) if content_length is None else content_length)
    for name, value in hdrs.items():
        lines.append("%s: %s" % (name, value))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class FaultServer(Loopback):
    def __init__(self, mode, response=b"", interval=1.0, keep_open=False):
        assert mode in ("blackhole", "dribble", "raw", "close", "reset"), mode
        self.mode = mode
        self.response = response if isinstance(response, bytes) else response.encode()
        self.interval = interval
        self.keep_open = keep_open
        self.connections = 0
        self.requests = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sock = None
        self._conns = []

    @property
    def port(self):
        return self._sock.getsockname()[1]

    def start(self):
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        threading.Thread(target=self._accept_loop, daemon=True, name="fault-" + self.mode).start()
        return self

    def stop(self):
        self._stop.set()
        try:
            self._sock.close()
        except OSError:
            pass
        with self._lock:
            conns, self._conns = self._conns, []
        for c in conns:
            try:
                c.close()
            except OSError:
                pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _read_head(self, conn):
        conn.settimeout(5.0)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        with self._lock:
            self.requests.append(data.split(b"\r\n\r\n", 1)[0].decode("latin-1"))
        return data

    def _serve(self, conn):
        try:
            if self.mode == "close":
                conn.close()
                return
            if self.mode == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
                return
            self._read_head(conn)
            if self.mode == "blackhole":
                self._stop.wait(120)
            elif self.mode == "dribble":
                body = b"<ErrorResponse>" + b" " * 4096
                payload = http_response(200, body)
                for i in range(len(payload)):
                    if self._stop.wait(self.interval):
                        break
                    conn.sendall(payload[i:i + 1])
            elif self.mode == "raw":
                conn.sendall(self.response)
                if self.keep_open:
                    self._stop.wait(120)
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass


def make_tls_material(directory, hosts=("127.0.0.1", "localhost")):
    """Writes ca.pem, server.pem (certificate chain) and server.key into `directory`.
    Returns (ca_path, cert_path, key_path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fedcred test CA (throwaway)")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                            crl_sign=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                              critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_path = os.path.join(directory, "ca.pem")
    cert_path = os.path.join(directory, "server.pem")
    key_path = os.path.join(directory, "server.key")
    with open(ca_path, "wb") as f:
        f.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return ca_path, cert_path, key_path


class TlsWrapped:
    """Serves an in-process http.server-based stand-in (anything with .httpd) over HTTPS.

    Call after the stand-in's start(): the listening socket is replaced by a TLS one; the
    stand-in's own serve_forever keeps running on it (handshakes happen per connection)."""

    def __init__(self, standin, cert_path, key_path):
        self.standin = standin
        self.handshakes = 0  # connections that began a handshake, accepted or not
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path, key_path)
        httpd = standin.httpd
        # handshake lazily in the handler thread, so a client that never completes one cannot
        # block the accept loop
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True,
                                       do_handshake_on_connect=False)
        orig_finish = httpd.finish_request

        def finish_request(request, client_address):
            self.handshakes += 1
            try:
                request.settimeout(10)
                request.do_handshake()
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                return  # the client refused our certificate: nothing to serve
            orig_finish(request, client_address)

        httpd.finish_request = finish_request

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.standin.port


class StalledResolver:
    """A nameserver that never answers, for the deadline tests of name lookups (issue 12.5).
    Port 53 cannot be chosen, so each one takes an address of its own in 127.0.0.0/8: tests
    running in parallel (meson, two clones) must not collide."""

    @staticmethod
    def available():
        return os.geteuid() == 0 and shutil.which("unshare") is not None

    def __init__(self, directory):
        self.resolv_conf = os.path.join(directory, "resolv.conf")
        self.address = None
        self.sockets = []

    def _bind(self, address):
        """UDP and TCP port 53 at address, or False (and nothing kept) when either is taken."""
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                sock = socket.socket(socket.AF_INET, kind)
                self.sockets.append(sock)
                sock.bind((address, 53))
                if kind == socket.SOCK_STREAM:
                    sock.listen(16)  # the kernel accepts; nobody reads
            return True
        except OSError:
            self._close()
            return False

    def _close(self):
        for sock in self.sockets:
            sock.close()
        self.sockets = []

    def __enter__(self):
        for _ in range(50):
            address = "127.%d.%d.%d" % (random.randint(10, 250), random.randint(0, 255), random.randint(2, 254))
            if self._bind(address):
                self.address = address
                break
        else:
            raise OSError("no free loopback address for a stalled DNS resolver")
        with open(self.resolv_conf, "w") as f:
            # glibc would wait 30 s x 5 attempts on it
            f.write("nameserver %s\noptions timeout:30 attempts:5\n" % self.address)
        return self

    def __exit__(self, *exc):
        self._close()

    def wrap(self, argv):
        """argv run in a private mount namespace with this resolver in /etc/resolv.conf."""
        return ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/resolv.conf && exec "$@"',
                self.resolv_conf] + [str(a) for a in argv]


def wait_closed(predicate, timeout=5.0, step=0.05):
    """Polls predicate() until true or timeout; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class ScriptedHttpServer(Loopback):
    """A plain HTTP stand-in answering from a script: {(METHOD, PATH): (status, body, headers)}.

    Unknown requests get 404. For IMDS-shaped garbage, STS redirects and the like, where the
    full stand-ins have no matching fault. `hits` counts requests per (METHOD, PATH)."""

    def __init__(self, script):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        self.script = dict(script)
        self.hits = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                key = (self.command, path)
                owner.hits[key] = owner.hits.get(key, 0) + 1
                status, body, headers = owner.script.get(key, (404, b"not found", {}))
                if isinstance(body, str):
                    body = body.encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    @property
    def port(self):
        return self.httpd.server_address[1]

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True, name="scripted").start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class EchoingFormServer(Loopback):
    """A POST endpoint that quotes a secret of its request back: a hostile or buggy service
    fedcred must not relay. Records form field `field` of each request in `seen`;
    `answer(value, headers)` gives the reply as (status, content_type, body). Plain http, or
    https with `tls` (an ssl.SSLContext, server side). Serves from construction."""

    def __init__(self, field, answer, tls=None):
        from http.server import ThreadingHTTPServer
        import urllib.parse
        self.seen = []
        self.tls = tls
        owner = self

        class Handler(StandinHandler):
            log_name = "echoing"

            def do_POST(self):
                body = self._read_body()
                value = dict(urllib.parse.parse_qsl(body.decode(errors="replace"))).get(field, "")
                owner.seen.append(value)
                status, content_type, data = answer(value, self.headers)
                self._respond(status, data, [("Content-Type", content_type)])

        if tls is None:
            self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        else:
            self.httpd = _TlsThreadingHTTPServer(("127.0.0.1", 0), Handler)
            self.httpd.tls = tls
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True, name="echoing").start()

    @property
    def port(self):
        return self.httpd.server_address[1]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
