"""Go programs of tests/e2e/go/<name>/ built from Debian's packaged libraries (issue 24.5):
GO111MODULE=off GOPATH=/usr/share/gocode go build, offline. Binaries and Go's build cache live
in FEDCRED_E2E_GO_DIR (tests/e2e/meson.build: the build tree's tests/e2e/go), so a test run
builds each program once and later runs reuse the cache (a second `go build` takes ~1 s).
Without go or the packages the tests are skipped, saying which. Not a test file."""

import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOPATH = "/usr/share/gocode"
# the programs' shared package (seedreport), a GOPATH entry of its own after Debian's
COMMON_GOPATH = os.path.join(HERE, "go", "seed_common")
# what each program imports, and the Debian package that has it
PACKAGES = {
    "seed_awssdk_v1": ("github.com/aws/aws-sdk-go", "golang-github-aws-aws-sdk-go-dev"),
    "seed_awssdk_v2": ("github.com/aws/aws-sdk-go-v2", "golang-github-aws-aws-sdk-go-v2-dev"),
    "seed_oauth2_google": ("golang.org/x/oauth2/google", "golang-golang-x-oauth2-google-dev"),
    # the app container of test_container_image (issue 23); it imports x/oauth2/google too
    "container_app": ("github.com/aws/aws-sdk-go-v2", "golang-github-aws-aws-sdk-go-v2-dev"),
}
_built = {}


def out_dir():
    path = os.environ.get("FEDCRED_E2E_GO_DIR")
    if not path:
        path = os.path.join(tempfile.gettempdir(), "fedcred-e2e-go")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def go_problem(name):
    """Why tests/e2e/go/<name> cannot be built here, or None."""
    if shutil.which("go") is None:
        return "go is not installed (apt-get install golang-go; tools/deps does)"
    source, package = PACKAGES[name]
    if not os.path.isdir(os.path.join(GOPATH, "src", source)):
        return "%s is missing from %s (apt-get install %s; tools/deps does)" % (source, GOPATH,
                                                                                 package)
    return None


def build(name):
    """The path of the built program (built once per process; go's cache makes reruns cheap).
    Raises RuntimeError with go's output when the build fails."""
    if name in _built:
        return _built[name]
    base = out_dir()
    binary = os.path.join(base, "bin", name)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": base,
           "GO111MODULE": "off", "GOPATH": GOPATH + ":" + COMMON_GOPATH, "GOFLAGS": "",
           "GOCACHE": os.path.join(base, "cache"), "CGO_ENABLED": "0"}
    proc = subprocess.run(["go", "build", "-o", binary, "."], cwd=os.path.join(HERE, "go", name),
                          env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError("go build of tests/e2e/go/%s failed:\n%s" % (name, proc.stderr))
    _built[name] = binary
    return binary
