#!/usr/bin/env bash
# Builds the fedcred rpms with `rpmbuild -bb`: makes fedcred-VERSION.tar.gz
# from the working tree (tracked and untracked, not ignored files), generates
# fedcred.spec from fedcred.spec.in with the version from meson.build, and
# leaves the .rpm files in OUTDIR.
#
#   packaging/rpm/build.sh [OUTDIR]      (default: build-packages/rpm)
#
# On RHEL 9 / Amazon Linux 2023 install the BuildRequires first
# (dnf builddep fedcred.spec). On Debian (apt-get install rpm) the build
# dependencies are Debian packages, which rpm's database does not know, so
# the build runs with --nodeps; set RPMBUILD_NODEPS=0 to check them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
outdir=${1:-$root/build-packages/rpm}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

version=$(cd "$root" && meson introspect --projectinfo meson.build | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
top=$(mktemp -d /tmp/fedcred-rpm.XXXXXX)
trap 'rm -rf "$top"' EXIT
mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS,stage/fedcred-$version}
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$root" && xargs -0 cp --parents -t "$top/stage/fedcred-$version" 2>/dev/null || true)
[ -f "$top/stage/fedcred-$version/meson.build" ] || { echo "build.sh: copying the source tree failed" >&2; exit 1; }
tar -C "$top/stage" -czf "$top/SOURCES/fedcred-$version.tar.gz" "fedcred-$version"
# @SYSUSERS@: the one list of system users, so that %pre creates what the
# installed sysusers.d file declares.
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$(LC_ALL=C date '+%a %b %d %Y')/" \
  -e "/^@SYSUSERS@\$/{r $root/conf/sysusers.d/fedcred.conf" -e "d}" \
  "$here/fedcred.spec.in" >"$top/SPECS/fedcred.spec"

nodeps=()
[ "${RPMBUILD_NODEPS:-1}" = 1 ] && nodeps=(--nodeps)
defines=(--define "_topdir $top" --define "_smp_mflags -j$(nproc)")
if [ -z "$(rpm --eval '%{?rhel}%{?fedora}%{?amzn}')" ]; then
  # Not an rpm distribution (Debian's rpm, for CI): make the post-install
  # steps do what redhat-rpm-config does. Debian's brp-compress is a bash
  # script with a /bin/sh shebang (fails on `read -d`, leaving man pages
  # uncompressed); shared objects are stripped by find-debuginfo there, by
  # nothing here; build-id links belong to the debuginfo packages there.
  defines+=(--define "__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}"
            --define "__brp_strip %{_rpmconfigdir}/brp-strip %{__strip}; find %{buildroot}%{_libdir} -type f -name '*.so*' -exec %{__strip} --strip-unneeded {} +; find %{buildroot}%{_bindir} -type f -exec %{__strip} --strip-unneeded {} +"
            --define "_build_id_links none")
fi
rpmbuild -bb "${nodeps[@]}" "${defines[@]}" "$top/SPECS/fedcred.spec"
cp -f "$top/SPECS/fedcred.spec" "$outdir/"
find "$top/RPMS" -name '*.rpm' -exec cp -f {} "$outdir/" \;
echo "build.sh: built into $outdir:"
ls -1 "$outdir"
