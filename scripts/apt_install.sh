#!/usr/bin/env bash
# Sourced by the ensure_*.sh scripts: `apt_install PACKAGE` installs one Debian package quietly.
# apt's progress chatter goes to a log that is shown only if the install fails; its errors
# (stderr) always reach the terminal. Returns 1 (after showing the log's tail) on failure.
apt_install() {
    local log
    log="$(mktemp)"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >"$log"; then
        tail -n 20 "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}
