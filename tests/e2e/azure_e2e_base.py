"""What the Azure end-to-end tests share: the Azure stand-ins (tests/integration/azure_support.py)
and the two real Azure clients run as whole processes.

python_client() runs tests/e2e/azure_python/get_token.py under a python3 that has Debian's
python3-azure; node_client() runs tests/e2e/azure_node/get_token.js with @azure/identity.
Both print {"sha256", expiry, "blob"} and never the token.
"""

import hashlib
import json
import os
import shutil
import subprocess

from azure_support import AzureStandins  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_CLIENT = os.path.join(HERE, "azure_python", "get_token.py")
NODE_DIR = os.path.join(HERE, "azure_node")
NODE_CLIENT = os.path.join(NODE_DIR, "get_token.js")
BLOB_TEXT = "hello from the blob stand-in\n"
# Where Debian installs python3-azure; the interpreter running the tests may be another one.
PYTHON_CANDIDATES = ("/usr/bin/python3", "python3")


def azure_python():
    """A python3 that imports azure.identity, or None."""
    for candidate in PYTHON_CANDIDATES:
        path = shutil.which(candidate)
        if path and subprocess.run([path, "-c", "import azure.identity"],
                                   capture_output=True).returncode == 0:
            return path
    return None


def node_problem():
    """Why @azure/identity cannot run here, or None."""
    if not shutil.which("node"):
        return "node is not installed (@azure/identity 4.13.1 needs Node 20)"
    package = os.path.join(NODE_DIR, "node_modules", "@azure", "identity", "package.json")
    if not os.path.isfile(package):
        return ("@azure/identity is not installed in %s: run `npm ci --prefix %s` (bash "
                "tests/run does)" % (NODE_DIR, NODE_DIR))
    with open(os.path.join(NODE_DIR, "package.json")) as f:
        wanted = json.load(f)["dependencies"]["@azure/identity"]
    with open(package) as f:
        have = json.load(f)["version"]
    if have != wanted:
        return "%s has @azure/identity %s, package.json pins %s" % (NODE_DIR, have, wanted)
    return None


class ClientRun:
    def __init__(self, proc):
        self.returncode, self.stdout, self.stderr = proc.returncode, proc.stdout, proc.stderr
        self.doc = None
        if proc.returncode == 0:
            self.doc = json.loads(proc.stdout.strip().splitlines()[-1])

    def describe(self):
        return "exit %s\nstdout: %s\nstderr: %s" % (self.returncode, self.stdout[-2000:],
                                                    self.stderr[-3000:])


class AzureFixture(AzureStandins):
    """The Azure stand-ins, and the clients: the class fails to start without them."""

    @classmethod
    def setUpClass(cls):
        cls.python = azure_python()
        if cls.python is None:
            raise RuntimeError("no python3 with azure.identity: install Debian's python3-azure "
                               "(tools/deps, deps_install_azure_clients)")
        problem = node_problem()
        if problem:
            raise RuntimeError("cannot run the Azure client end-to-end test: " + problem)
        super().setUpClass()

    def client_env(self, **extra):
        """A scrubbed environment for a client: the test CA trusted, the authority the Entra
        stand-in, no proxy; `extra` added (None removes)."""
        env = self.sandbox.env(extra={"REQUESTS_CA_BUNDLE": self.ca.ca_path,
                                      "NODE_EXTRA_CA_CERTS": self.ca.ca_path,
                                      "AZURE_AUTHORITY_HOST": self.entra.url})
        for key, value in extra.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def _run(self, argv, env):
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=120, cwd=self.sandbox.root)
        return ClientRun(proc)

    def python_client(self, *args, env):
        return self._run([self.python, PYTHON_CLIENT] + [str(a) for a in args], env)

    def node_client(self, *args, env):
        return self._run(["node", NODE_CLIENT] + [str(a) for a in args], env)

    def write_assertion(self, token, name="assertion.jwt"):
        path = os.path.join(self.sandbox.root, name)
        with open(path, "w") as f:
            f.write(token)
        return path

    # ----- checks -----
    def assert_token_from_entra(self, run, blob=True):
        """The client succeeded with an access token the Entra stand-in issued, and read the
        blob with it."""
        self.assertEqual(run.returncode, 0, run.describe())
        issued = {hashlib.sha256(t.encode()).hexdigest() for t in self.entra.stats()["issued"]}
        self.assertIn(run.doc["sha256"], issued, "the client's token is not one Entra issued")
        if blob:
            self.assertEqual(run.doc["blob"], BLOB_TEXT)
            self.assertGreaterEqual(self.blob.stats()["reads"], 1)

    def assert_entra_refused(self, run, code):
        """The client failed with Entra's AADSTS `code`, and the stand-in refused for it."""
        self.assertNotEqual(run.returncode, 0, run.describe())
        self.assertIn("AADSTS%d" % code, run.stderr, run.describe())
        self.assertIn(code, [c for c, _ in self.entra.stats()["rejected"]])
        self.assertEqual(self.entra.stats()["issued"], [], "nothing may be issued")
