"""Podman for the container e2e tests (issue 23), private to one test run: its own
containers.conf (runc, cgroupfs, no default ulimits: what podman from Debian needs on this
kind of machine) and storage.conf (vfs storage and run state under a temporary directory), so
that parallel runs and a fresh CI machine share nothing. Rootful: pods with host networking
reach the loopback stand-ins, and the containers' uids are the host's.

problem() says why podman cannot run here (None when it can); the tests skip with it.
build_fedcred() builds the fedcred image (packaging/oci/build.sh as shipped, from a build to
install of its own: BUILDDIR/oci, or FEDCRED_OCI_BUILD_DIR) and build_app() the app image
(tests/e2e/go/container_app, a static Go program on Debian's aws-sdk-go-v2 and
golang.org/x/oauth2), once per run."""

import os
import shutil
import subprocess
import tempfile

import go_support

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GOPATH = "/usr/share/gocode"
# what the Go program imports, from Debian's golang-*-dev packages (tools/deps)
GO_PACKAGES = ("github.com/aws/aws-sdk-go-v2/config", "github.com/aws/aws-sdk-go-v2/service/s3",
               "golang.org/x/oauth2/google", "cloud.google.com/go/compute/metadata")
FEDCRED_IMAGE = "localhost/fedcred:e2e"
APP_IMAGE = "localhost/fedcred-e2e-app:latest"


def build_root():
    """The meson build tree: FEDCRED_BIN is its helper/fedcred."""
    return os.path.dirname(os.path.dirname(os.path.abspath(os.environ["FEDCRED_BIN"])))


class Podman:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fedcred-podman-")
        conf = os.path.join(self.dir, "containers.conf")
        # The database and volumes are under graphroot by default (a static_dir outside it
        # made every `podman run` take 20 s here); tmp_dir would be the shared /run/libpod.
        with open(conf, "w") as f:
            f.write('[containers]\ndefault_ulimits = []\n'
                    '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\n'
                    'events_logger = "file"\nevents_logfile_path = "%s/events.log"\n'
                    'tmp_dir = "%s/tmp"\n' % ((self.dir,) * 2))
        storage = os.path.join(self.dir, "storage.conf")
        with open(storage, "w") as f:
            f.write('[storage]\ndriver = "vfs"\ngraphroot = "%s/root"\nrunroot = "%s/run"\n'
                    % (self.dir, self.dir))
        self.env = dict(os.environ, CONTAINERS_CONF=conf, CONTAINERS_STORAGE_CONF=storage,
                        TMPDIR=self.dir)

    def run(self, *args, timeout=120, check=True, input=None):
        proc = subprocess.run(["podman"] + list(args), env=self.env, capture_output=True,
                              text=True, timeout=timeout, input=input,
                              stdin=None if input is not None else subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise RuntimeError("podman %s: exit %d\n%s%s" % (" ".join(args), proc.returncode,
                                                             proc.stdout, proc.stderr))
        return proc

    def close(self):
        subprocess.run(["podman", "pod", "rm", "--all", "--force", "--time", "0"], env=self.env,
                       capture_output=True, timeout=120)
        subprocess.run(["podman", "rm", "--all", "--force", "--time", "0"], env=self.env,
                       capture_output=True, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)


def problem():
    """Why the container tests cannot run on this machine, or None."""
    if shutil.which("podman") is None:
        return "podman is not installed (tools/deps DEPS_APT_CONTAINERS)"
    if os.geteuid() != 0:
        return "podman runs rootful here (host networking to the loopback stand-ins): run as root"
    go = go_support.go_problem("container_app")
    if go:
        return go
    for package in GO_PACKAGES:
        if not os.path.isdir(os.path.join(GOPATH, "src", package)):
            return "%s is missing from %s (tools/deps DEPS_APT_CONTAINERS)" % (package, GOPATH)
    podman = Podman()
    try:
        proc = podman.run("info", check=False)
        if proc.returncode != 0:
            return "podman info fails: %s" % proc.stderr.strip()[-300:]
    finally:
        podman.close()
    return None


def build_app(podman, workdir):
    """The app image: the Go program, built static, alone in a scratch image as uid 65532."""
    context = os.path.join(workdir, "app")
    os.makedirs(context)
    shutil.copy(go_support.build("container_app"), os.path.join(context, "container_app"))
    with open(os.path.join(context, "Containerfile"), "w") as f:
        f.write("FROM scratch\nCOPY container_app /container_app\nUSER 65532:65532\n"
                'ENTRYPOINT ["/container_app"]\n')
    podman.run("build", "--quiet", "--tag", APP_IMAGE, context, timeout=300)


def build_fedcred(podman):
    """packaging/oci/build.sh as shipped, into this podman's storage; returns its output."""
    proc = subprocess.run([os.path.join(ROOT, "packaging", "oci", "build.sh"),
                           "--build-dir", os.environ.get("FEDCRED_OCI_BUILD_DIR",
                                                         os.path.join(build_root(), "oci")),
                           "--tag", FEDCRED_IMAGE],
                          env=podman.env, capture_output=True, text=True, timeout=1500,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError("packaging/oci/build.sh failed (exit %d):\n%s%s"
                           % (proc.returncode, proc.stdout, proc.stderr[-3000:]))
    return proc.stdout
