#!/usr/bin/env bash
# packaging.deb: builds the DEB with cpack from a configured and built tree into a temporary folder and checks what
# a user of the package would meet:
#   - its control fields (name, version, Depends from dpkg-shlibdeps plus the Qt run-time modules, all real
#     package names) and its file list (both binaries, .desktop, AppStream metainfo, MIME type, SVG and PNG icons);
#   - desktop-file-validate and appstreamcli validate --no-net on the packaged files, and that they agree with each
#     other (Exec, Icon, launchable); Hearth's licence (metainfo project_license, /usr/share/doc/hearth/copyright);
#   - the extracted /usr/bin/hearth --version prints "hearth <version>" without a display.
# As root with CI set, it also installs the package for real (apt-get install ./hearth_*.deb, which resolves every
# Depends), runs /usr/bin/hearth --version and removes it again.
# Usage: deb_test.sh <build dir> <version>
set -euo pipefail

build=${1:?usage: deb_test.sh <build dir> <version>}
version=${2:?usage: deb_test.sh <build dir> <version>}
app_id=io.github.hearth.Hearth

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing (packaging/install-deps.sh installs it)"
done
[ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build (configure with the app enabled)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The package.
cpack --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack failed"; }
debs=("$tmp"/out/hearth_"$version"_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { ls -l "$tmp/out"; fail "expected one hearth_${version}_<arch>.deb"; }
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# 2. Control fields.
[ "$(dpkg-deb -f "$deb" Package)" = hearth ] || fail "Package is not hearth"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is $(dpkg-deb -f "$deb" Version), not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in libqt6core6 libqt6qml6 libc6 qml6-module-qtquick-controls qml6-module-qtquick-layouts \
              qml6-module-qtquick-dialogs libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6 libqt6keychain1; do
  grep -Eq "(^|, )$needed( |,|$)" <<<"$depends" || fail "Depends lacks $needed"
done
# Every name must be a real package (an installed one, or one apt knows), or the package cannot be installed.
while read -r name; do
  [ -n "$name" ] || continue
  dpkg-query -W "$name" >/dev/null 2>&1 || apt-cache show --no-all-versions "$name" >/dev/null 2>&1 ||
    fail "Depends names '$name', which is no known package"
done < <(tr ',|' '\n\n' <<<"$depends" | sed -E 's/\(.*\)//; s/:any//; s/^ +//; s/ +$//')

# 3. The files.
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/hearth /usr/bin/hearth-cli \
         /usr/share/applications/$app_id.desktop \
         /usr/share/metainfo/$app_id.metainfo.xml \
         /usr/share/mime/packages/$app_id.xml \
         /usr/share/icons/hicolor/scalable/apps/$app_id.svg \
         /usr/share/icons/hicolor/64x64/apps/$app_id.png \
         /usr/share/icons/hicolor/128x128/apps/$app_id.png \
         /usr/share/icons/hicolor/256x256/apps/$app_id.png; do
  grep -qx "$f" "$tmp/files" || { cat "$tmp/files"; fail "the package lacks $f"; }
done
# Nothing outside /usr (no build paths, no /usr/local).
if grep -v '^/usr\(/\|$\)' "$tmp/files" | grep -vx '/' | grep -q .; then
  cat "$tmp/files"; fail "files outside /usr"
fi

dpkg-deb -x "$deb" "$tmp/root"
root=$tmp/root

# 4. Desktop file and AppStream metadata, valid and consistent with each other and the package.
desktop=$root/usr/share/applications/$app_id.desktop
metainfo=$root/usr/share/metainfo/$app_id.metainfo.xml
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $app_id.desktop"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli rejects $app_id.metainfo.xml"
exec_bin=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
[ -x "$root/usr/bin/$exec_bin" ] || fail "Exec=$exec_bin is not a packaged binary"
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -f "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "Icon=$icon has no packaged icon"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" || fail "metainfo launchable"
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo has no release $version"
# Hearth's own licence: named in the metainfo, and its text (LICENSE) where Debian keeps it.
grep -q "<project_license>MIT</project_license>" "$metainfo" || fail "the metainfo names no project_license MIT"
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cmp -s "$root/usr/share/doc/hearth/copyright" "$source_dir/LICENSE" ||
  fail "/usr/share/doc/hearth/copyright is missing or differs from LICENSE"

# 5. The PNG icons are PNGs of their size (rendered from the SVG at build time).
for size in 64 128 256; do
  python3 - "$root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png" "$size" <<'PY' || fail "bad ${size}px icon"
import struct, sys
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', data[16:24])
assert (w, h) == (int(sys.argv[2]),) * 2, f'{w}x{h}'
assert len(data) > 500, 'empty image'
PY
done

# 6. The packaged binary runs (no display needed for --version).
out=$("$root/usr/bin/hearth" --version)
[ "$out" = "hearth $version" ] || fail "extracted hearth --version printed '$out'"
"$root/usr/bin/hearth-cli" --help >/dev/null || fail "extracted hearth-cli --help failed"
echo "extracted: $out"
# And it opens its window (offscreen, in a throw-away home): still running after 5 s means the QML loaded;
# a missing module or resource makes it exit at once with "the main window could not be created".
set +e
HOME=$tmp/home XDG_DATA_HOME=$tmp/home/data XDG_CACHE_HOME=$tmp/home/cache XDG_CONFIG_HOME=$tmp/home/config \
  XDG_RUNTIME_DIR=$tmp/home/run QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software \
  timeout 5 "$root/usr/bin/hearth" >"$tmp/run.log" 2>&1
rc=$?
set -e
[ $rc -eq 124 ] || { cat "$tmp/run.log"; fail "the extracted hearth exited with $rc instead of showing its window"; }

# 7. A real installation (CI, as root): apt resolves every Depends against the archive.
if [ "$(id -u)" -eq 0 ] && [ -n "${CI:-}" ]; then
  if dpkg-query -W -f='${Status}' hearth 2>/dev/null | grep -q "install ok installed"; then
    fail "a hearth package is already installed; not replacing it"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "$deb" || fail "apt-get install of the package failed"
  trap 'apt-get remove -y hearth >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
  out=$(/usr/bin/hearth --version)
  [ "$out" = "hearth $version" ] || fail "installed hearth --version printed '$out'"
  echo "installed: $out"
  apt-get remove -y hearth || fail "apt-get remove hearth failed"
  ! [ -e /usr/bin/hearth ] || fail "/usr/bin/hearth is still there after removal"
  trap 'rm -rf "$tmp"' EXIT
else
  echo "not installing for real (that runs as root with CI set)"
fi
echo "packaging.deb: OK"
