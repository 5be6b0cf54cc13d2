#!/usr/bin/env bash
# Builds the fedcred .debs: copies the source tree (tracked and untracked,
# not ignored files) into a temporary directory, puts packaging/deb/debian at
# its root as ./debian, runs `dpkg-buildpackage -us -uc -b` there and leaves
# the .deb, .buildinfo and .changes files in OUTDIR.
#
#   packaging/deb/build.sh [OUTDIR]      (default: build-packages/deb)
#
# Needs: dpkg-dev debhelper fakeroot and the Build-Depends of debian/control
# (dpkg-buildpackage checks them and names what is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
outdir=${1:-$root/build-packages/deb}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

version=$(cd "$root" && meson introspect --projectinfo meson.build | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
deb_version=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
if [ "${deb_version%-*}" != "$version" ]; then
  echo "build.sh: debian/changelog says $deb_version but meson.build says $version: add a changelog entry (dch -v $version-1)" >&2
  exit 1
fi

work=$(mktemp -d /tmp/fedcred-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src="$work/fedcred-$version"
mkdir -p "$src"
# The working tree as git sees it (no build directories, no .git).
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$root" && xargs -0 cp --parents -t "$src" 2>/dev/null || true)
# Files listed by git but deleted in the working tree make cp complain; what
# matters is that the tree is complete:
[ -f "$src/meson.build" ] || { echo "build.sh: copying the source tree failed" >&2; exit 1; }
rm -rf "$src/debian"
cp -a "$here/debian" "$src/debian"

export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-parallel=$(nproc)}"
(cd "$src" && dpkg-buildpackage -us -uc -b)

shopt -s nullglob
built=("$work"/*.deb "$work"/*.buildinfo "$work"/*.changes)
[ ${#built[@]} -gt 0 ] || { echo "build.sh: dpkg-buildpackage produced no .deb" >&2; exit 1; }
cp -f "${built[@]}" "$outdir/"
echo "build.sh: built into $outdir:"
ls -1 "$outdir"
