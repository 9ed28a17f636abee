#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets of tests/fuzz (clang 14, ASan and UBSan) in
# BUILDDIR (default _build-fuzz), replays each target's seed corpus, then
# fuzzes each for SECONDS (default 30). New inputs go to a scratch
# directory, never into the repository. Fails on the first crash, leak,
# timeout or sanitizer report; the input that did it is kept as
# BUILDDIR/fuzz-artifacts/<target>/crash-… (docs/robustness.md says what
# to do with it).
#   build-aux/fuzz.sh [SECONDS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
builddir=${KBC_FUZZ_BUILDDIR:-_build-fuzz}

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang-14 meson setup "$builddir" -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debugoptimized >/dev/null
fi
meson compile -C "$builddir" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do
    targets+=("$(basename "$dir")")
  done
fi

scratch=$(mktemp -d /tmp/kbc-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# UBSan reports are errors; libcbor's own huge allocations are not ours to
# return NULL for (see kbc-webauthn.c: load_cbor), so keep ASan's default.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

status=0
for t in "${targets[@]}"; do
  program="$builddir/tests/fuzz/fuzz-$t"
  artifacts="$builddir/fuzz-artifacts/$t"
  mkdir -p "$scratch/$t" "$artifacts"
  # Replay: every seed once.
  if ! "$program" -runs=0 tests/fuzz/corpus/"$t" >"$scratch/$t.replay.log" 2>&1; then
    echo "fuzz-$t: the seed corpus fails:"; tail -40 "$scratch/$t.replay.log"; status=1; continue
  fi
  if "$program" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$scratch/$t" tests/fuzz/corpus/"$t" >"$scratch/$t.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log")
    echo "fuzz-$t: ${seconds} s, $runs runs, no crash"
  else
    echo "fuzz-$t: FAILED"; grep -B5 -A40 -m1 -E 'ERROR|runtime error|deadly|CRITICAL|WARNING' "$scratch/$t.log" | head -80
    status=1
  fi
done
exit $status
