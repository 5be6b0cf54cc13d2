"""End to end, issue 23: the OCI image of packaging/oci/build.sh and the Pods of
packaging/kubernetes, run with podman (tests/e2e/podman_support.py: rootful, private storage).

- TestImage: the image's contents against tests/packaging/contents/fedcred.oci.list, its
  configuration (entry point fedcred, command serve, user 65532, OCI labels), its size; it
  runs --read-only as 65532, `fedcred doctor` works inside it with no network but loopback
  (the probe fails as it should, cleanly) and against the stand-ins.
- TestGkePod / TestEksPod: `podman kube play` of each Pod of packaging/kubernetes, in the
  plain-sidecar form of packaging/kubernetes/plain-sidecar (podman 4.3 refuses an init
  container with probes, so the native-sidecar form cannot run here; the overlay's own JSON
  patches make the plain form from it, so both carry the same containers). Changed for the
  test, and nothing else: the two images (the image built here, the app image), the stand-ins'
  endpoints (in the env of the fedcred container, the credential configuration's URLs), the
  Pod Identity agent's variables (the EKS webhook injects them), hostNetwork (the stand-ins are
  on the host's loopback), the Pod's loopback port 8960 (to a free one: the pod shares the
  host's) and restartPolicy Never (the app exits). The app container is a static Go program on
  Debian's aws-sdk-go-v2 and golang.org/x/oauth2 (tests/e2e/go/container_app), given only the
  variables the manifest gives it; it prints the identity it got and the object it read.

- TestCredentialProcessRecipe: packaging/cloudrun/credential-process over a base without libc.
- TestManifests: the plain-sidecar Pods are what `kubectl kustomize` builds (where kubectl
  is), and the shape of packaging/cloudrun/service.yaml (Cloud Run itself is not here).

Skipped, with the reason, where podman cannot run (not root, no podman, no Go packages)."""

import copy
import difflib
import gzip
import json
import os
import re
import shutil
import subprocess
import tarfile
import unittest
import urllib.request

try:
    import yaml
except ImportError:  # the reason to skip, below
    yaml = None

import podman_support
from e2e_base import BUCKET, KEY, E2ETestCase  # noqa: E402
from harness import free_port  # noqa: E402
from test_aws_chain_support import POD_TOKEN, ChainTestCase  # noqa: E402

ROOT = podman_support.ROOT
KUBE_DIR = os.path.join(ROOT, "packaging", "kubernetes")
GOLDEN = os.path.join(ROOT, "tests", "packaging", "contents", "fedcred.oci.list")
SA = "reader@demo-project.iam.gserviceaccount.com"
# issue 23's aim for the image (compressed, as a registry stores and a node pulls it)
SIZE_AIM = 15 * 1000 * 1000

podman = None
build_output = ""


def setUpModule():
    global podman, build_output
    reason = podman_support.problem()
    if reason is None and yaml is None:
        reason = "PyYAML is missing (python3-yaml, tools/deps DEPS_APT_CONTAINERS)"
    if reason:
        raise unittest.SkipTest(reason)
    podman = podman_support.Podman()
    try:
        build_output = podman_support.build_fedcred(podman)
        podman_support.build_app(podman, podman.dir)
    except BaseException:
        podman.close()
        raise


def tearDownModule():
    if podman is not None:
        podman.close()


# ----- the manifests as shipped, and the plain-sidecar overlay applied to them -----

def load_yaml(*parts):
    with open(os.path.join(KUBE_DIR, *parts)) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def json_patch(doc, ops):
    """RFC 6902 move/remove, the two operations the plain-sidecar overlay uses."""
    def parent(path):
        keys = [int(k) if k.isdigit() else k for k in path.lstrip("/").split("/")]
        node = doc
        for key in keys[:-1]:
            node = node[key]
        return node, keys[-1]

    for op in ops:
        if op["op"] == "move":
            src, key = parent(op["from"])
            value = src.pop(key)
            dst, key = parent(op["path"])
            dst.insert(key, value) if isinstance(dst, list) else dst.__setitem__(key, value)
        elif op["op"] == "remove":
            node, key = parent(op["path"])
            node.pop(key)
        else:
            raise ValueError("unexpected patch op %r" % op["op"])
    return doc


def plain_sidecar(docs):
    """docs with packaging/kubernetes/plain-sidecar's patches applied, as kustomize does."""
    overlay = load_yaml("plain-sidecar", "kustomization.yaml")[0]
    docs = copy.deepcopy(docs)
    for patch in overlay["patches"]:
        for doc in docs:
            if doc["kind"] == patch["target"]["kind"] and doc["metadata"]["name"] == patch["target"]["name"]:
                json_patch(doc, yaml.safe_load(patch["patch"]))
    return docs


def find(docs, kind):
    return next(d for d in docs if d["kind"] == kind)


def container(pod, name):
    spec = pod["spec"]
    return next(c for c in spec.get("initContainers", []) + spec["containers"] if c["name"] == name)


def add_env(c, **values):
    c.setdefault("env", [])
    c["env"] = [e for e in c["env"] if e["name"] not in values]
    c["env"] += [{"name": k, "value": v} for k, v in values.items()]


class PodCase:
    """Mixin: plays one Pod of packaging/kubernetes/base as the plain sidecar form."""
    manifest = None

    def setUp(self):
        super().setUp()
        self.port = free_port()
        native = load_yaml("base", self.manifest)
        self.docs = plain_sidecar(native)
        self.pod = find(self.docs, "Pod")
        self.name = self.pod["metadata"]["name"]
        self.pod["spec"]["hostNetwork"] = True
        self.pod["spec"]["restartPolicy"] = "Never"
        container(self.pod, "fedcred")["image"] = podman_support.FEDCRED_IMAGE
        container(self.pod, "app")["image"] = podman_support.APP_IMAGE
        self.native_pod = find(native, "Pod")

    def play(self):
        text = yaml.safe_dump_all(self.docs).replace("127.0.0.1:8960", "127.0.0.1:%d" % self.port)
        self.assertNotIn("8960", text)
        path = os.path.join(podman.dir, "%s.yaml" % self.name)
        with open(path, "w") as f:
            f.write(text)
        self.addCleanup(podman.run, "pod", "rm", "--force", "--time", "0", self.name, check=False)
        podman.run("kube", "play", path, timeout=120)
        app = "%s-app" % self.name
        code = podman.run("wait", app, timeout=120).stdout.strip()
        out = podman.run("logs", app).stdout
        sidecar_log = podman.run("logs", "%s-fedcred" % self.name).stdout + \
            podman.run("logs", "%s-fedcred" % self.name).stderr
        self.assertTrue(out.strip(), "the app printed nothing (exit %s); fedcred's log:\n%s"
                        % (code, sidecar_log))
        result = json.loads(out.strip().splitlines()[-1])
        self.assertTrue(result["ok"], "%s\nfedcred's log:\n%s" % (result, sidecar_log))
        self.assertEqual(code, "0")
        # the sidecar's probe, as the kubelet would exec it
        probe = container(self.pod, "fedcred")["startupProbe"]["exec"]["command"]
        probe = [arg.replace("127.0.0.1:8960", "127.0.0.1:%d" % self.port) for arg in probe]
        health = podman.run(*(["exec", "%s-fedcred" % self.name] + probe), check=False)
        self.assertEqual(health.returncode, 0, health.stdout + health.stderr)
        self.assertEqual(json.loads(health.stdout)["status"], "ok")
        return result, sidecar_log

    def assert_containers_as_shipped(self):
        """Non-root, same uid, read-only, no privilege: what podman made of the manifest."""
        for name in ("fedcred", "app"):
            info = json.loads(podman.run("inspect", "%s-%s" % (self.name, name)).stdout)[0]
            self.assertEqual(info["Config"]["User"].split(":")[0], "65532", name)
            self.assertTrue(info["HostConfig"]["ReadonlyRootfs"], name)
            self.assertFalse(info["HostConfig"]["Privileged"], name)
            self.assertEqual(info["EffectiveCaps"] or [], [], name)

    def assert_native_is_plain(self):
        """The native-sidecar Pod has the same fedcred container, as an init container that
        restarts always, with a startup probe the app waits for."""
        spec = self.native_pod["spec"]
        self.assertEqual([c["name"] for c in spec["initContainers"]], ["fedcred"])
        sidecar = spec["initContainers"][0]
        self.assertEqual(sidecar["restartPolicy"], "Always")
        self.assertIn("startupProbe", sidecar)
        plain = find(plain_sidecar(load_yaml("base", self.manifest)), "Pod")["spec"]
        self.assertNotIn("initContainers", plain)
        self.assertEqual(dict(sidecar, restartPolicy=None),
                         dict(plain["containers"][0], restartPolicy=None))


class TestManifests(unittest.TestCase):
    def test_the_overlay_as_kustomize_builds_it(self):
        """The plain-sidecar Pods these tests play are what `kubectl kustomize` makes."""
        if shutil.which("kubectl") is None:
            self.skipTest("kubectl is not installed (not in Debian 12): kustomize not compared")
        proc = subprocess.run(["kubectl", "kustomize", os.path.join(KUBE_DIR, "plain-sidecar")],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        built = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(proc.stdout)}
        ours = plain_sidecar(load_yaml("base", "gke-to-aws.yaml") + load_yaml("base", "eks-to-gcp.yaml"))
        self.assertEqual(set(built), {(d["kind"], d["metadata"]["name"]) for d in ours})
        for doc in ours:
            self.assertEqual(built[(doc["kind"], doc["metadata"]["name"])], doc)


    def test_cloud_run_service(self):
        """Not runnable here: its shape. The app depends on the fedcred container, whose
        startup probe asks /healthz on the port it listens on, and both share the token."""
        with open(os.path.join(ROOT, "packaging", "cloudrun", "service.yaml")) as f:
            service = yaml.safe_load(f)
        template = service["spec"]["template"]
        deps = json.loads(template["metadata"]["annotations"]["run.googleapis.com/container-dependencies"])
        containers = {c["name"]: c for c in template["spec"]["containers"]}
        self.assertEqual(deps, {"app": ["fedcred"]})
        fedcred, app = containers["fedcred"], containers["app"]
        self.assertIn("--listen=127.0.0.1:8960", fedcred["args"])
        self.assertEqual(fedcred["startupProbe"]["httpGet"], {"path": "/healthz", "port": 8960})
        self.assertNotIn("ports", fedcred, "only the ingress container has a port")
        env = {e["name"]: e["value"] for e in app["env"]}
        self.assertEqual(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"], "http://127.0.0.1:8960/aws/credentials")
        token_dir = os.path.dirname(env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"])
        self.assertIn("--token-file=%s/aws-token" % token_dir, fedcred["args"])
        for c in (fedcred, app):
            self.assertIn(token_dir, [m["mountPath"] for m in c["volumeMounts"]])
        volumes = {v["name"]: v for v in template["spec"]["volumes"]}
        self.assertEqual(volumes["fedcred-token"]["emptyDir"]["medium"], "Memory")


class TestGkePod(PodCase, E2ETestCase):
    manifest = "gke-to-aws.yaml"

    def test_app_reads_s3_as_the_assumed_role(self):
        add_env(container(self.pod, "fedcred"), GCE_METADATA_HOST=self.md.host,
                AWS_ENDPOINT_URL_STS=self.moto.url)
        app = container(self.pod, "app")
        app["args"] = ["s3", BUCKET, KEY]
        add_env(app, APP_AWS_ENDPOINT_URL=self.moto.url)
        result, log = self.play()
        self.assertEqual(result["identity"], self.expected_arn())
        self.assertEqual(result["object"], self.content)
        self.assert_containers_as_shipped()
        self.assertNotIn("SecretAccessKey", log)
        self.assertNotIn(self.md.identity["instance_name"] + ".", log)

    def test_native_sidecar_form(self):
        self.assert_native_is_plain()


class TestEksPod(PodCase, ChainTestCase):
    manifest = "eks-to-gcp.yaml"

    def test_app_reads_gcs_as_the_impersonated_service_account(self):
        config_map = find(self.docs, "ConfigMap")
        config = json.loads(config_map["data"]["credential-config.json"])
        config["token_url"] = self.google.token_url
        config["service_account_impersonation_url"] = self.google.impersonation_url(SA)
        config_map["data"]["credential-config.json"] = json.dumps(config)
        # a credential config may name another endpoint than Google's only when a root-owned
        # fedcred.conf names it (issue 21.1): the ConfigMap's file is root's in the pod
        config_map["data"]["fedcred.conf"] = config_map["data"]["fedcred.conf"].replace(
            "[profile gcs]\n", "[profile gcs]\ngoogle_sts_endpoint = %s\n"
            "google_iamcredentials_endpoint = %s\n" % (self.google.url, self.google.url))
        self.container.token = POD_TOKEN
        self.container.path = "/v1/credentials"
        add_env(container(self.pod, "fedcred"),
                AWS_CONTAINER_CREDENTIALS_FULL_URI=self.container.url + "/v1/credentials",
                AWS_CONTAINER_AUTHORIZATION_TOKEN=POD_TOKEN)
        container(self.pod, "app")["args"] = ["gcs", self.gcs.object_url("demo-bucket", "hello.txt")]
        result, log = self.play()
        self.assertEqual((result["identity"], result["object"]), (SA, "hello from gcs\n"))
        impersonated = self.google.stats()["impersonated"]
        self.assertEqual([i["sa"] for i in impersonated], [SA])
        self.assertEqual(self.google.stats()["forms"][-1]["subject_token_type"],
                         "urn:ietf:params:aws:token-type:aws4_request")
        self.assert_containers_as_shipped()
        for secret in self.link_secrets():
            self.assertNotIn(secret, log)

    def test_native_sidecar_form(self):
        self.assert_native_is_plain()


class TestCredentialProcessRecipe(E2ETestCase):
    """packaging/cloudrun/credential-process as shipped, over a base with no package manager
    and no libc: the app image (FROM scratch, a static Go program) plus /bin/sh (this
    machine's dash, which gets its libc from the recipe), since the Go SDK runs
    credential_process through `sh -c`. The SDK runs fedcred and reads the object as the role."""

    def test_app_reads_s3_through_credential_process(self):
        base, tag = "localhost/fedcred-e2e-shell-base:latest", "localhost/fedcred-e2e-recipe:latest"
        context = os.path.join(podman.dir, "shell-base")
        os.makedirs(context, exist_ok=True)
        shutil.copy("/bin/dash", os.path.join(context, "sh"))
        with open(os.path.join(context, "Containerfile"), "w") as f:
            f.write("FROM %s\nCOPY sh /bin/sh\n" % podman_support.APP_IMAGE)
        podman.run("build", "--quiet", "--pull=never", "--tag", base, context, timeout=300)
        podman.run("build", "--quiet", "--pull=never", "--tag", tag,
                   "--build-arg", "FEDCRED_IMAGE=" + podman_support.FEDCRED_IMAGE,
                   "--build-arg", "BASE=" + base,
                   os.path.join(ROOT, "packaging", "cloudrun", "credential-process"), timeout=300)
        self.addCleanup(podman.run, "rmi", tag, check=False)
        argv = ["run", "--rm", "--read-only", "--network", "host", "--cap-drop", "all"]
        for key, value in (("GCE_METADATA_HOST", self.md.host),
                           ("AWS_ENDPOINT_URL_STS", self.moto.url),
                           ("APP_AWS_ENDPOINT_URL", self.moto.url)):
            argv += ["--env", "%s=%s" % (key, value)]
        proc = podman.run(*(argv + [tag, "s3", BUCKET, KEY]), check=False, timeout=120)
        result = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
        self.assertTrue(result.get("ok"), proc.stdout + proc.stderr)
        self.assertEqual(result["identity"], self.expected_arn())
        self.assertEqual(result["object"], self.content)


class TestImage(E2ETestCase):
    def inspect(self):
        return json.loads(podman.run("image", "inspect", podman_support.FEDCRED_IMAGE).stdout)[0]

    def test_contents_are_the_golden_list(self):
        name = podman.run("create", podman_support.FEDCRED_IMAGE).stdout.strip()
        self.addCleanup(podman.run, "rm", name, check=False)
        tar_path = os.path.join(podman.dir, "export.tar")
        podman.run("export", "--output", tar_path, name)
        multiarch = subprocess.run(["gcc", "-print-multiarch"], capture_output=True,
                                   text=True).stdout.strip()
        got = []
        with tarfile.open(tar_path) as tar:
            for member in tar.getmembers():
                kind = "d" if member.isdir() else "l" if member.issym() else "f"
                entry = "%s %04o %d:%d /%s" % (kind, member.mode & 0o7777, member.uid, member.gid,
                                               member.name.rstrip("/"))
                if member.issym():
                    entry += " -> " + member.linkname
                got.append(entry.replace(multiarch, "@MULTIARCH@"))
        with open(GOLDEN) as f:
            want = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
        diff = list(difflib.unified_diff(sorted(want), sorted(got), GOLDEN, "podman export", lineterm=""))
        self.assertFalse(diff, "the image's contents differ from the golden list:\n" + "\n".join(diff))

    def test_configuration_and_labels(self):
        info = self.inspect()
        config = info["Config"]
        self.assertEqual(config["Entrypoint"], ["/usr/bin/fedcred"])
        self.assertEqual(config["Cmd"], ["serve"])
        self.assertEqual(config["User"], "65532:65532")
        labels = info["Labels"]
        self.assertEqual(labels["org.opencontainers.image.version"], "0.1.0")
        self.assertEqual(labels["org.opencontainers.image.licenses"], "Apache-2.0")
        self.assertTrue(labels["org.opencontainers.image.source"].startswith("https://"))

    def test_size(self):
        archive = os.path.join(podman.dir, "image.tar")
        podman.run("save", "--output", archive, podman_support.FEDCRED_IMAGE, timeout=300)
        with open(archive, "rb") as f:
            compressed = len(gzip.compress(f.read(), compresslevel=6))
        size = self.inspect()["Size"]
        print("# image: %d bytes uncompressed, %d gzip-compressed (aim %d); build.sh said: %s"
              % (size, compressed, SIZE_AIM, build_output.strip()))
        self.assertLess(compressed, SIZE_AIM)

    def run_image(self, *args, network="none", volumes=(), env=None):
        argv = ["run", "--rm", "--read-only", "--network", network, "--cap-drop", "all",
                "--security-opt", "no-new-privileges"]
        for v in volumes:
            argv += ["--volume", v]
        for k, v in (env or {}).items():
            argv += ["--env", "%s=%s" % (k, v)]
        return podman.run(*(argv + [podman_support.FEDCRED_IMAGE] + list(args)), check=False)

    def write_config(self):
        path = os.path.join(podman.dir, "doctor-%d.conf" % free_port())
        with open(path, "w") as f:
            f.write("[profile web]\nrole_arn = arn:aws:iam::123456789012:role/s3-reader\n")
        os.chmod(path, 0o644)
        return path

    def test_read_only_non_root_no_network(self):
        proc = self.run_image("doctor", "--profile", "web", "--json", "--config", "/conf/fedcred.conf",
                              volumes=[self.write_config() + ":/conf/fedcred.conf:ro"],
                              env={"GCE_METADATA_HOST": "127.0.0.1:%d" % free_port()})
        report = json.loads(proc.stdout)
        steps = {s["name"]: s["status"] for s in report["steps"]}
        # the configuration read, the cache on /tmp (a tmpfs under --read-only) usable,
        # and the metadata probe refused on the container's own loopback: exit 3
        self.assertEqual((steps["config"], steps["cache"], steps["metadata"]),
                         ("ok", "ok", "fail"), proc.stdout + proc.stderr)
        self.assertEqual(proc.returncode, 3, proc.stderr)

    def id_token(self):
        """An ID token from the metadata stand-in, as a token file would hold one."""
        req = urllib.request.Request(
            "http://%s/computeMetadata/v1/instance/service-accounts/default/identity"
            "?audience=sts.amazonaws.com" % self.md.host, headers={"Metadata-Flavor": "Google"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.read().decode()

    def test_runs_as_65532(self):
        """A file the container writes is owned by 65532:65532 (rootful: the host's ids)."""
        token = os.path.join(podman.dir, "token.jwt")
        with open(token, "w") as f:
            f.write(self.id_token())
        os.chmod(token, 0o644)
        out = os.path.join(podman.dir, "out-%d" % free_port())
        os.makedirs(out)
        os.chown(out, 65532, 65532)
        proc = self.run_image("token", "--source", "file", "--token-file", "/in/token.jwt",
                              "--no-cache", "--output", "/out/token",
                              volumes=[token + ":/in/token.jwt:ro", out + ":/out"])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        st = os.stat(os.path.join(out, "token"))
        self.assertEqual((st.st_uid, st.st_gid), (65532, 65532))

    def test_doctor_against_the_standins(self):
        proc = self.run_image("doctor", "--profile", "web", "--config", "/conf/fedcred.conf",
                              network="host",
                              volumes=[self.write_config() + ":/conf/fedcred.conf:ro"],
                              env={"GCE_METADATA_HOST": self.md.host,
                                   "AWS_ENDPOINT_URL_STS": self.moto.url})
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertRegex(proc.stdout, re.compile(r"^ok +exchange", re.M))


if __name__ == "__main__":
    unittest.main()
