#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser test (tests/browser/), installing it with apt-get if not.
#
# The browser test drives JupyterLab with Playwright (the Python package) pointed at this system Chromium; it never
# downloads a browser of its own (no `playwright install`). Run as root, or as a user allowed to use sudo.
#
#   scripts/ensure_browser.sh            install chromium when missing, then print its path
#   CHROMIUM=/path/to/chromium scripts/ensure_browser.sh    only check that this browser runs
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

report_found() {
    echo "chromium: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
}

if [ -x "$CHROMIUM" ]; then
    report_found
    exit 0
fi

if [ "$CHROMIUM" != /usr/bin/chromium ]; then
    echo "error: CHROMIUM=$CHROMIUM is not an executable file; point CHROMIUM at a Chromium binary or unset it" >&2
    echo "       to install Debian's chromium at /usr/bin/chromium" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    run_as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run_as_root=(sudo -n)
else
    echo "error: Chromium is missing and this user cannot install it (not root, no password-less sudo)." >&2
    echo "       Install it once as root:  apt-get update && apt-get install -y chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: Chromium is missing and apt-get is not available on this system." >&2
    echo "       Install Chromium with your system's package manager and set CHROMIUM=/path/to/chromium." >&2
    exit 1
fi

echo "Installing Debian's chromium for the browser test (apt-get) ..."
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
report_found
