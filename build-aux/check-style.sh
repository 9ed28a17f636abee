#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The house style, as a test: every C file is formatted per .clang-format, and
# every source file keeps .editorconfig's rules (spaces, no trailing blanks,
# final newline, an SPDX line in C and shell files).
set -uo pipefail
cd "${MESON_SOURCE_ROOT:-$(dirname "$0")/..}"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
    'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' \
    'src/*.ui' 'data/*.ui' '*meson.build' 'build-aux/*.sh' 'tests/*.sh' '.ci/run' | sort -u)
else
  mapfile -t files < <(find src tests data build-aux .ci -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.ui' -o -name meson.build -o -name '*.sh' -o -name run \) | sort)
fi

bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  case "$f" in
    *.c|*.h)
      if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not formatted per .clang-format: $f (run: clang-format -i $f)"
        bad=1
      fi
      grep -q 'SPDX-License-Identifier' "$f" || { echo "no SPDX line: $f"; bad=1; }
      ;;
    *.sh|*/run)
      grep -q 'SPDX-License-Identifier' "$f" || { echo "no SPDX line: $f"; bad=1; }
      ;;
  esac
  if grep -nP '\t' "$f" >/dev/null; then
    echo "tab character (indent with spaces): $f:$(grep -nP '\t' "$f" | head -1 | cut -d: -f1)"
    bad=1
  fi
  if grep -nE '[[:space:]]+$' "$f" >/dev/null; then
    echo "trailing whitespace: $f:$(grep -nE '[[:space:]]+$' "$f" | head -1 | cut -d: -f1)"
    bad=1
  fi
  if [ -s "$f" ] && [ -n "$(tail -c1 "$f")" ]; then
    echo "no final newline: $f"
    bad=1
  fi
done

echo "checked ${#files[@]} files"
exit $bad
