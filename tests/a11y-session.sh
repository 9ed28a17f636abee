#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command with the accessibility bridge on and an AT-SPI bus of its
# own: build-aux/headless.sh gives it a private D-Bus session, where this
# starts at-spi-bus-launcher (and through it the registry) and stops it after.
#   tests/a11y-session.sh _build/tests/test-gui-a11y
set -euo pipefail

# A session of its own (with its keyring), on the display already there or
# a new one: the registry then knows this test's process only.
if [ -z "${KBC_A11Y_INNER:-}" ]; then
  export KBC_A11Y_INNER=1
  KBC_HEADLESS_INNER="" exec "$(dirname "$0")/../build-aux/headless.sh" "$0" "$@"
fi

unset GTK_A11Y NO_AT_BRIDGE

# Its stdout (and the registry's, which it starts) goes to stderr: the test's
# stdout is TAP, and "SpiRegistry daemon is running" is not.
/usr/libexec/at-spi-bus-launcher --launch-immediately >&2 &
launcher=$!
trap 'kill "$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true' EXIT

for _ in $(seq 100); do
  gdbus call --session --dest org.a11y.Bus --object-path /org/a11y/bus \
    --method org.a11y.Bus.GetAddress >/dev/null 2>&1 && break
  sleep 0.1
done

status=0
"$@" || status=$?
exit $status
