#!/usr/bin/env bash
# Make sure PostgreSQL's server programs for the classroom-store tests exist, and print their
# directory (the one holding initdb, pg_ctl and postgres).
#
# The tests start a throwaway cluster of their own (a temp folder, a loopback port), so only the
# programs are needed, never a running service.
#
#   CLARKE_PG_BIN set        -> that directory must hold initdb and pg_ctl; no fallback and no
#                               install (a path given on purpose that is wrong is a mistake).
#   Debian's /usr/lib/postgresql/<version>/bin, or initdb on PATH -> use it (newest version).
#   neither, root + apt-get  -> apt-get install postgresql (fresh CI machines), then check again.
#   otherwise                -> exit 1 with one sentence on how to get it.
#
# Exit 0 and the directory on stdout when the programs are there; messages go to stderr.
set -euo pipefail
# shellcheck source=apt_install.sh
source "$(dirname "$0")/apt_install.sh"

fail() { echo "ensure_postgres: $*" >&2; exit 1; }

usable() { [[ -x "$1/initdb" && -x "$1/pg_ctl" ]]; }

if [[ -n "${CLARKE_PG_BIN:-}" ]]; then
    usable "$CLARKE_PG_BIN" \
        || fail "CLARKE_PG_BIN=$CLARKE_PG_BIN does not hold initdb and pg_ctl; point it at PostgreSQL's bin directory or unset it."
    echo "$CLARKE_PG_BIN"
    exit 0
fi

find_postgres() {
    local dir
    # Debian keeps the server programs off PATH, one directory per major version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
        if usable "$dir"; then echo "$dir"; return; fi
    done
    if command -v initdb >/dev/null; then
        dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
        if usable "$dir"; then echo "$dir"; fi
    fi
}

dir="$(find_postgres)"
if [[ -z "$dir" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "ensure_postgres: installing Debian's postgresql package (needed by the classroom-store tests)..." >&2
    apt_install postgresql || fail "apt-get could not install postgresql (see the messages above)."
    dir="$(find_postgres)"
fi

[[ -n "$dir" ]] \
    || fail "no PostgreSQL found: install it with 'sudo apt-get install postgresql', or set CLARKE_PG_BIN to the directory holding initdb and pg_ctl."
echo "$dir"
