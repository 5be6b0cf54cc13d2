"""A loopback "proxy" that records every request it receives and answers 502.

Tests point http_proxy / HTTPS_PROXY / ALL_PROXY at it to prove that fedcred never sends a
plain-http request or a metadata request through a proxy (issue 12, item 3): with a dead proxy
a test can only show that the request did not fail, with this one it sees what leaked.
"""

import socket
import socketserver
import threading

from standin_server import Loopback


class RecordingProxy(Loopback):
    def __init__(self):
        self._lock = threading.Lock()
        self._received = []
        self._server = None
        self._thread = None

    @property
    def port(self):
        return self._server.server_address[1] if self._server else None

    def received(self):
        """The raw bytes of every request (first read of each connection), decoded leniently."""
        with self._lock:
            return list(self._received)

    def reset(self):
        with self._lock:
            self._received = []

    def start(self):
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                self.request.settimeout(5)
                try:
                    data = self.request.recv(65536)
                except (OSError, socket.timeout):
                    data = b""
                with proxy._lock:
                    proxy._received.append(data.decode("latin-1"))
                try:
                    self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                                         b"Connection: close\r\n\r\n")
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="proxy",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
