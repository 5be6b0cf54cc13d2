"""A certificate authority made at test time, for the stand-ins that must speak https.

The real Azure clients refuse an http authority (azure-identity's normalize_authority, MSAL's
"authority must be https"), so the Entra stand-in listens with a certificate for 127.0.0.1 and
localhost signed by a CA that exists only for one test run (fault_server.make_tls_material, the
one maker of test certificates). Clients trust it through their own settings:
REQUESTS_CA_BUNDLE (Python requests), NODE_EXTRA_CA_CERTS (Node), CURL_CA_BUNDLE (fedcred's
libcurl). Nothing is written outside `directory`.

    ca = LoopbackCa(tmpdir)
    server.tls = ca.server_context()       # standin_server.StandinServer then speaks https
    env["REQUESTS_CA_BUNDLE"] = ca.ca_path
"""

import os
import ssl

from fault_server import make_tls_material  # noqa: E402


class LoopbackCa:
    """The CA certificate (ca_path, what clients trust) and a server certificate for
    127.0.0.1, ::1 and localhost it signed (cert_path, key_path), in `directory`."""

    def __init__(self, directory):
        os.makedirs(directory, mode=0o700, exist_ok=True)
        self.ca_path, self.cert_path, self.key_path = make_tls_material(
            directory, hosts=("127.0.0.1", "::1", "localhost"))

    def server_context(self):
        """An ssl.SSLContext for a stand-in serving the certificate (TLS 1.2+)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.cert_path, self.key_path)
        return ctx

    def client_context(self):
        """An ssl.SSLContext trusting this CA only (for the tests' own requests)."""
        return ssl.create_default_context(cafile=self.ca_path)
