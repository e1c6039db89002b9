#!/usr/bin/env bash
# Make sure the two system programs the test suite drives are installed, installing what is missing with apt-get:
#   - Debian's Chromium, for the browser test (tests/browser/): Playwright (the Python package) is pointed at it and
#     never downloads a browser of its own (no `playwright install`);
#   - Debian's PostgreSQL server, for the PostgreSQL gradebook test (tests/test_autograder_postgres.py), which starts
#     and stops its own throw-away server on 127.0.0.1.
# Run as root, or as a user allowed to use sudo.
#
#   scripts/ensure_test_tools.sh                                install what is missing, then print what is there
#   CHROMIUM=/path/to/chromium scripts/ensure_test_tools.sh     use this browser instead of Debian's
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

postgres_found() {
    compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}

if [ "$CHROMIUM" != /usr/bin/chromium ] && [ ! -x "$CHROMIUM" ]; then
    echo "error: CHROMIUM=$CHROMIUM is not an executable file; point CHROMIUM at a Chromium binary or unset it" >&2
    echo "       to install Debian's chromium at /usr/bin/chromium" >&2
    exit 1
fi

missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
postgres_found || missing+=(postgresql)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        run_as_root=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        run_as_root=(sudo -n)
    else
        echo "error: ${missing[*]} missing and this user cannot install it (not root, no password-less sudo)." >&2
        echo "       Install once as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: ${missing[*]} missing and apt-get is not available on this system." >&2
        echo "       Install with your system's package manager (and set CHROMIUM=/path/to/chromium for a browser)." >&2
        exit 1
    fi
    echo "Installing Debian's ${missing[*]} for the test suite (apt-get) ..."
    export DEBIAN_FRONTEND=noninteractive
    "${run_as_root[@]}" apt-get update -qq
    # postgresql's install script would start a system-wide server; the test runs its own, so keep it from starting.
    if [[ " ${missing[*]} " == *" postgresql "* ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | "${run_as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
        "${run_as_root[@]}" chmod +x /usr/sbin/policy-rc.d
        trap '"${run_as_root[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    "${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "chromium: $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin | tail -n 1)"
