#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command headless: a private D-Bus session with gnome-keyring unlocked in
# it, a private XDG home, and one Xvfb display for the whole run.
#   build-aux/headless.sh meson test -C build
set -euo pipefail

if [ -z "${KBC_HEADLESS_INNER:-}" ]; then
  export KBC_HEADLESS_INNER=1
  exec dbus-run-session -- "$0" "$@"
fi

scratch=$(mktemp -d /tmp/kbc-headless.XXXXXX)
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
       XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# Creates and unlocks the "login" collection in this private session.
eval "$(printf %s kbc-test-keyring | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

xvfb_pid=""
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  for n in $(seq 90 130); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$scratch/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 50); do
      [ -e "/tmp/.X11-unix/X$n" ] && break
      sleep 0.1
    done
    if kill -0 "$xvfb_pid" 2>/dev/null; then
      export DISPLAY=":$n"
      break
    fi
    xvfb_pid=""
  done
fi

cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  pkill -P $$ gnome-keyring-d 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT

status=0
"$@" || status=$?
exit $status
