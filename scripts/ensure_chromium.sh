#!/usr/bin/env bash
# Make sure a Chromium for the real-browser tests exists, and print its path.
#
# Playwright cannot download its own browsers here, so the tests drive Debian's `chromium`.
#
#   CLARKE_CHROMIUM set      -> that file must be executable; no fallback and no install, because
#                               a path given on purpose that is wrong is a mistake to report, not
#                               to paper over with another browser.
#   /usr/bin/chromium, or `chromium` on PATH -> use it.
#   neither, root + apt-get  -> apt-get install chromium (fresh CI machines), then check again.
#   otherwise                -> exit 1 with one sentence on how to get one.
#
# Exit 0 and the path on stdout when a browser is there; messages go to stderr.
set -euo pipefail
# shellcheck source=apt_install.sh
source "$(dirname "$0")/apt_install.sh"

fail() { echo "ensure_chromium: $*" >&2; exit 1; }

if [[ -n "${CLARKE_CHROMIUM:-}" ]]; then
    [[ -x "$CLARKE_CHROMIUM" && ! -d "$CLARKE_CHROMIUM" ]] \
        || fail "CLARKE_CHROMIUM=$CLARKE_CHROMIUM is not an executable file; point it at a Chromium binary or unset it."
    echo "$CLARKE_CHROMIUM"
    exit 0
fi

find_chromium() {
    if [[ -x /usr/bin/chromium ]]; then
        echo /usr/bin/chromium
    else
        command -v chromium || true
    fi
}

path="$(find_chromium)"
if [[ -z "$path" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "ensure_chromium: installing Debian's chromium package (needed by the browser tests)..." >&2
    apt_install chromium || fail "apt-get could not install chromium (see the messages above)."
    path="$(find_chromium)"
fi

[[ -n "$path" ]] \
    || fail "no Chromium found: install it with 'sudo apt-get install chromium', or set CLARKE_CHROMIUM=/path/to/chromium."
echo "$path"
