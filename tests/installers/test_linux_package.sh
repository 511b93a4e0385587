#!/usr/bin/env bash
# Install the built .deb as a user's machine would, check it with tools nobody here wrote, run the
# installed app's self-test, then remove it and check what stays (the user's data) and what goes.
#
#   tests/installers/test_linux_package.sh [--lintian] [dist]    # as root, after packaging/build
#
# Uses apt-get (it installs the package's Depends), dpkg, desktop-file-validate, xdg-mime and
# shared-mime-info (read through libfile-mimeinfo-perl's mimetype, as xdg-mime does), and with
# --lintian, lintian (about a minute; its findings are printed, not failed on: a bundled
# app in /opt breaks Debian-archive rules by design). Refuses to run where evbundle is installed
# already, so it never replaces or removes a real installation.
set -euo pipefail
cd "$(dirname "$0")/../.."
lintian=no
if [ "${1:-}" = --lintian ]; then lintian=yes; shift; fi
dist=${1:-dist}
deb=$(ls "$dist"/evbundle_*.deb | head -1)
engine_deb=$(ls "$dist"/evbundle-capture-engine_*.deb 2>/dev/null | head -1 || true)
app_id=$(python3 packaging/metadata.py | python3 -c "import json,sys; print(json.load(sys.stdin)['app_id'])")
mime=application/x-evbundle-case

[ "$(id -u)" = 0 ] || { echo "run as root (it installs and removes a package)" >&2; exit 2; }
if dpkg-query -W -f='${Status}' evbundle 2>/dev/null | grep -q "install ok installed"; then
  echo "evbundle is installed on this machine already: not touching it" >&2; exit 2
fi
work=$(mktemp -d)
cleanup() {
  dpkg -r evbundle-capture-engine evbundle >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '%-60s' "$1"; }
ok() { echo "ok${1:+  ($1)}"; }

step "desktop-file-validate, on the package's desktop entry"
dpkg-deb -x "$deb" "$work/unpacked"
desktop-file-validate "$work/unpacked/usr/share/applications/$app_id.desktop"
ok

step "install with apt-get (Depends resolved)"
install_deb() {  # apt-get resolves the Depends; with no package lists yet, fetch them once and retry
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$1" >/dev/null
  }
}
install_deb "$(realpath "$deb")"
test -x /usr/bin/evbundle && test -f "/usr/share/applications/$app_id.desktop"
ok "$(dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB' evbundle)"

step "the installed command runs"
version=$(evbundle --version)
ok "$version"

export HOME="$work/home" EVBUNDLE_HOME="$work/home/evbundle" XDG_DATA_HOME="$work/home/.local/share"
mkdir -p "$HOME"
step "a case file is recognised by suffix and by content"
evbundle demo "$work/demo" >/dev/null 2>&1
case_file=$(ls "$work"/demo/*.evcase)
cp "$case_file" "$work/case-without-suffix"
by_suffix=$(xdg-mime query filetype "$case_file")
[ "$by_suffix" = "$mime" ] || { echo "xdg-mime says $by_suffix"; exit 1; }
grep -q "$mime" /usr/share/mime/packages/"$app_id".xml
# shared-mime-info's compiled database, as Qt, GLib and file managers read it: the magic rule too
grep -q "$mime" /usr/share/mime/magic && grep -q "\*\.evcase" /usr/share/mime/globs2
by_content=$(mimetype --brief "$work/case-without-suffix")
[ "$by_content" = "$mime" ] || { echo "without its suffix the case is $by_content"; exit 1; }
ok "$by_suffix"

step "the app is the .evcase handler"
handler=$(xdg-mime query default "$mime")
[ "$handler" = "$app_id.desktop" ] || { echo "xdg-mime says '${handler}'"; exit 1; }
ok "$handler"

step "the installed app's self-test (offscreen)"
out=$(QT_QPA_PLATFORM=offscreen evbundle --self-test 2>&1) || { echo "$out"; exit 1; }
ok "$(echo "$out" | tail -1)"

if [ -n "$engine_deb" ]; then
  step "install the capture engine and self-test with it"
  install_deb "$(realpath "$engine_deb")"
  out=$(QT_QPA_PLATFORM=offscreen evbundle --self-test --require-capture 2>&1) || { echo "$out"; exit 1; }
  ok "$(echo "$out" | grep 'web capture' | cut -c1-60)"
fi

if [ "$lintian" = yes ]; then
  step "lintian (findings counted, not failed on)"
  findings=$( (lintian "$deb" 2>/dev/null || true) | cut -d: -f1 | sort | uniq -c | tr -s ' ' | paste -sd, -)
  ok "${findings:-none}"
  (lintian "$deb" 2>/dev/null || true) | cut -d' ' -f3 | sort | uniq -c | sort -rn | head -15
fi

step "remove: the program goes, the user's data stays"
mkdir -p "$EVBUNDLE_HOME/data/identities" && echo kept > "$EVBUNDLE_HOME/data/identities/marker"
dpkg -r evbundle-capture-engine evbundle >/dev/null 2>&1 || dpkg -r evbundle >/dev/null
[ ! -e /opt/evbundle ] && [ ! -e /usr/bin/evbundle ] && [ ! -e "/usr/share/applications/$app_id.desktop" ]
[ -f "$EVBUNDLE_HOME/data/identities/marker" ]
! grep -q "$mime" /usr/share/mime/globs2
ok

echo "linux package: all checks passed"
