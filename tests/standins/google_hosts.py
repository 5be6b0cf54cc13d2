"""Google's own API host names answered by a loopback stand-in, for a client that must keep the
URLs a real credential file names (https://sts.googleapis.com/v1/token,
https://iamcredentials.googleapis.com/...): the file stays byte for byte what gcloud wrote.

GoogleHosts(names, target_port) is a TLS front on port 443 of an address of its own in
127.0.0.0/8 (port 443 cannot be chosen, so each one takes a random address, as StalledResolver
does for port 53), with a certificate for `names` signed by a throwaway CA (`ca_path`); every
connection is relayed, decrypted, to the plain-http stand-in on 127.0.0.1:target_port, which
sees the client's Host header and request unchanged. wrap(argv) runs a program in a private
mount namespace whose /etc/hosts maps the names to that address (root and unshare(1):
problem() says when they are missing). The client trusts the CA through its own setting (CURL_CA_BUNDLE for fedcred,
REQUESTS_CA_BUNDLE for google-auth, CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE for gcloud).
Its files (hosts, CA, certificate) live in a private temporary directory removed by stop().
`connections` counts relayed connections."""

import os
import random
import shutil
import socket
import ssl
import tempfile
import threading

from fault_server import make_tls_material


class GoogleHosts:
    @staticmethod
    def problem():
        """Why a private /etc/hosts cannot be had here (a test's skip reason), or None."""
        if os.geteuid() == 0 and shutil.which("unshare") is not None:
            return None
        return "needs root and unshare(1) for a private /etc/hosts"

    def __init__(self, names, target_port):
        self.names = tuple(names)
        self.target_port = target_port
        self.directory = tempfile.mkdtemp(prefix="fedcred-google-hosts-")
        self.hosts_file = os.path.join(self.directory, "hosts")
        self.ca_path, cert_path, key_path = make_tls_material(self.directory, hosts=self.names)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_path, key_path)
        self.address = None
        self.sock = None
        self.connections = 0
        self._open = []
        self._lock = threading.Lock()

    def start(self):
        for _ in range(50):
            address = "127.%d.%d.%d" % (random.randint(10, 250), random.randint(0, 255),
                                        random.randint(2, 254))
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                sock.bind((address, 443))
            except OSError:
                sock.close()
                continue
            sock.listen(16)
            self.address, self.sock = address, sock
            break
        else:
            raise OSError("no free loopback address for port 443")
        with open("/etc/hosts") as f:
            system = f.read()
        with open(self.hosts_file, "w") as f:
            f.write("%s%s %s\n" % (system if system.endswith("\n") or not system else system + "\n",
                                   self.address, " ".join(self.names)))
        threading.Thread(target=self._accept, daemon=True, name="google-hosts").start()
        return self

    def stop(self):
        shutil.rmtree(self.directory, ignore_errors=True)
        if self.sock:
            self.sock.close()
            self.sock = None
        with self._lock:
            for conn in self._open:
                try:
                    conn.close()
                except OSError:
                    pass
            self._open = []

    def reset(self):
        self.connections = 0

    def wrap(self, argv):
        """argv run in a private mount namespace whose /etc/hosts names this front."""
        return ["unshare", "--mount", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"',
                self.hosts_file] + [str(a) for a in argv]

    def _accept(self):
        while self.sock:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn):
        try:
            conn.settimeout(10)
            tls = self.context.wrap_socket(conn, server_side=True)
            tls.settimeout(None)
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=10)
            upstream.settimeout(None)
        except (ssl.SSLError, OSError):
            conn.close()
            return  # the client refused the certificate, or the stand-in is gone
        with self._lock:
            self.connections += 1
            self._open += [tls, upstream]
        threading.Thread(target=self._pump, args=(upstream, tls), daemon=True).start()
        self._pump(tls, upstream)

    @staticmethod
    def _pump(source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.close()
            except OSError:
                pass
