#!/usr/bin/env bash
# Builds the fedcred OCI image offline, FROM scratch, out of a build tree (issue 23):
# configures a build to install (--prefix=/usr, no test hooks) in BUILDDIR, builds it,
# installs it stripped into a DESTDIR, and assembles a root file system of exactly
#   - the static front /usr/bin/fedcred, the fetcher /usr/libexec/fedcred/fedcred-fetch (the
#     fixed path the front execs, meson's libexecdir) and the modules,
#   - the shared libraries the fetcher and the modules need (ldd: glibc's among them, as the
#     fetcher is a dynamic program) and the dynamic loader,
#   - the host's CA bundle (libcurl's default CAfile path), /etc/passwd and /etc/group
#     naming the non-root user fedcred (65532), /etc/nsswitch.conf, an empty /tmp (1777),
# then `podman build`s it with the entry point fedcred, the default command serve, USER
# 65532 and the OCI labels (version, source, licenses). tests/packaging/contents/fedcred.oci.list is
# the image's expected file list (tests/e2e/test_container_image.py compares an export of
# the image with it).
#
#   packaging/oci/build.sh [--build-dir DIR] [--tag NAME:TAG] [--rootfs-only DIR]
#
# Defaults: --build-dir build-oci, --tag localhost/fedcred:VERSION. Podman is used as
# the caller's environment configures it (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF).
# Prints the image's size last. Needs meson, ninja, the build dependencies, podman.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
builddir=$root/build-oci
tag=""
rootfs_only=""
while [ $# -gt 0 ]; do
  case $1 in
    --build-dir) builddir=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --rootfs-only) rootfs_only=$2; shift 2 ;;
    *) echo "build.sh: unknown argument $1 (see the comment at the top)" >&2; exit 2 ;;
  esac
done

version=$(cd "$root" && meson introspect --projectinfo meson.build | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
tag=${tag:-localhost/fedcred:$version}
multiarch=$(gcc -print-multiarch)
libdir=usr/lib/$multiarch

# --- a build to install: the package's options (packaging/deb/debian/rules), no tests ---
work=$(mktemp -d "${TMPDIR:-/tmp}/fedcred-oci.XXXXXX")
trap 'rm -rf "$work"' EXIT
# quietly: a step's log is shown only when it fails
step() {
  local what=$1; shift
  "$@" >"$work/step.log" 2>&1 || { echo "build.sh: $what failed:" >&2; tail -40 "$work/step.log" >&2; exit 1; }
}
# one build.sh at a time per build directory (two test runs share BUILDDIR/oci)
mkdir -p "$builddir"
exec 9<"$builddir"
flock 9
if [ ! -f "$builddir/build.ninja" ]; then
  step "meson setup $builddir" meson setup "$builddir" "$root" --prefix=/usr --libdir="lib/$multiarch" \
    -Dtests=false -Dtest_hooks=disabled -Dman=disabled -Dsystemdunitdir=no -Dhit_layout=enabled
fi
step "ninja -C $builddir" ninja -C "$builddir"
step "meson install" meson install -C "$builddir" --destdir "$work/destdir" --strip

rootfs=${rootfs_only:-$work/rootfs}
rm -rf "$rootfs"
mkdir -p "$rootfs"
dest=$work/destdir
# --- what fedcred installs, without the configuration, units and docs a package has ---
install -D -m 0755 "$dest/usr/bin/fedcred" "$rootfs/usr/bin/fedcred"
install -D -m 0755 "$dest/usr/libexec/fedcred/fedcred-fetch" "$rootfs/usr/libexec/fedcred/fedcred-fetch"
mkdir -p "$rootfs/$libdir/fedcred/modules"
install -m 0644 "$dest/$libdir/fedcred/modules/"fedcred-*.so "$rootfs/$libdir/fedcred/modules/"
if readelf -l "$rootfs/usr/bin/fedcred" | grep -q 'Requesting program interpreter'; then
  echo "build.sh: $builddir built a dynamic fedcred (static_front off?): the image needs the static front" >&2
  exit 1
fi

# --- the shared libraries, as ldd resolves them on this machine, under their sonames in
# /usr/lib/MULTIARCH (/lib is a link to usr/lib, as in Debian), and the loader where the
# fetcher's PT_INTERP names it ---
binaries=("$rootfs/usr/libexec/fedcred/fedcred-fetch" "$rootfs/$libdir/fedcred/modules/"*.so)
ldd "${binaries[@]}" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
  while read -r soname path; do
    install -m 0644 "$(readlink -f "$path")" "$rootfs/$libdir/$soname"
  done
interp=$(readelf -l "$rootfs/usr/libexec/fedcred/fedcred-fetch" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
install -m 0755 "$(readlink -f "$interp")" "$rootfs/$libdir/$(basename "$interp")"
ln -s usr/lib "$rootfs/lib"
mkdir -p "$rootfs/usr/lib64"
ln -s usr/lib64 "$rootfs/lib64"
[ "$(dirname "$interp")" = /lib64 ] && ln -s "../lib/$multiarch/$(basename "$interp")" "$rootfs/usr/lib64/$(basename "$interp")"
# every library must resolve inside the image: ask the image's own loader
for bin in "${binaries[@]}"; do
  if LD_LIBRARY_PATH="$rootfs/$libdir" "$rootfs/$libdir/$(basename "$interp")" --list "$bin" | grep -q 'not found'; then
    echo "build.sh: $bin needs a library that is not in the image" >&2; exit 1
  fi
done

# --- the few files of /etc a program expects; a user and group of its own, not root ---
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nfedcred:x:65532:65532:fedcred:/nonexistent:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nfedcred:x:65532:\n' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chmod 0644 "$rootfs/etc/passwd" "$rootfs/etc/group" "$rootfs/etc/nsswitch.conf"
install -d -m 1777 "$rootfs/tmp"
# one timestamp for every file: the same build tree gives the same layer
find "$rootfs" -exec touch -h -d @0 {} +
[ -z "$rootfs_only" ] || exit 0

cat >"$work/Containerfile" <<CONTAINERFILE
FROM scratch
COPY rootfs/ /
USER 65532:65532
# The cache of the credential commands (serve included): /tmp is a tmpfs under
# podman --read-only, and an emptyDir in the manifests of packaging/kubernetes.
ENV FEDCRED_CACHE_DIR=/tmp/fedcred
ENTRYPOINT ["/usr/bin/fedcred"]
CMD ["serve"]
CONTAINERFILE
source_url=${FEDCRED_SOURCE_URL:-https://github.com/fedcred/fedcred}
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
podman build --quiet --timestamp 0 --file "$work/Containerfile" --tag "$tag" \
  --label org.opencontainers.image.title=fedcred \
  --label "org.opencontainers.image.description=fedcred serve: another cloud's short-lived credentials for the containers of a pod" \
  --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.source=$source_url" \
  --label "org.opencontainers.image.revision=$revision" \
  --label org.opencontainers.image.licenses=Apache-2.0 \
  "$work" >/dev/null
size=$(podman image inspect --format '{{.Size}}' "$tag")
echo "build.sh: built $tag: $size bytes ($(( (size + 524288) / 1048576 )) MiB) uncompressed"
