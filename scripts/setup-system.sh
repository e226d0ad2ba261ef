#!/usr/bin/env bash
# Installs the few Debian packages the pipeline needs, only when they are missing.
#   libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint's text layout.
#   libharfbuzz-subset0: WeasyPrint subsets fonts with HarfBuzz (about 36 ms a page)
#     instead of falling back to fontTools (about 260 ms a page).
#   python3-venv: Debian's python3 cannot create a virtual environment without it.
#   chromium: the browser the preview server's tests drive through Playwright
#     (tests/test_serve_browser.py); Playwright never downloads a browser of its own.
#     Only for the tests and the docs' screenshots: HANDOUTS_NO_BROWSER=1 skips it.
set -euo pipefail

PYTHON=${PYTHON:-python3}
missing=()

have_lib() { # name of a shared object, as ldconfig lists it
  { /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null; } | grep -q "$1"
}

have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
if [ -z "${HANDOUTS_NO_BROWSER:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
probe=$(mktemp -d)
if ! "$PYTHON" -m venv --without-pip "$probe/v" >/dev/null 2>&1 || ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
rm -rf "$probe"

[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing system packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "setup: please run as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
