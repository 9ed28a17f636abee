#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# valgrind memcheck over the core and server tests (docs/robustness.md):
# every test program of the core suite, the server-* tests and the pure
# units (totp, qr, webauthn) runs under memcheck through meson's "valgrind"
# test setup (tests/meson.build). A test fails on any memcheck error and on
# a "definitely lost" block that tests/valgrind/kbc.supp does not explain.
# The servers the tests start run natively (they are covered by the
# sanitized build, whose tests fail when a server leaks).
#   tests/valgrind/run.sh [BUILDDIR]      (default: _build, configured already)
set -euo pipefail
cd "$(dirname "$0")/../.."

builddir=${1:-${KBC_BUILDDIR:-_build}}
meson compile -C "$builddir" >/dev/null

mapfile -t names < <(meson test -C "$builddir" --list 2>/dev/null |
  sed -n 's|^kbc-account\(:[a-z-]*\)\? / ||p' |
  grep -E '^(server-|totp$|qr$|webauthn$)' || true)
# notifications is left out: its 10,000-item case takes longer under
# memcheck than the tests' 20 s wait (KBC_TEST_WAIT_SECONDS) allows.
mapfile -t core < <(meson test -C "$builddir" --list 2>/dev/null |
  sed -n 's|^kbc-account:core / ||p' | grep -vx notifications)

exec build-aux/headless.sh meson test -C "$builddir" --setup valgrind --logbase valgrind \
  --print-errorlogs \
  --num-processes 2 "${core[@]}" "${names[@]}"
