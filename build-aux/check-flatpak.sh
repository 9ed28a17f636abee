#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The flatpak manifest is valid JSON, names the app id, and flatpak-builder
# parses it without a warning (it warns on unknown keys and still exits 0).
set -uo pipefail
cd "${MESON_SOURCE_ROOT:-$(dirname "$0")/..}"
manifest=flatpak/io.github.kbcaccount.KbcAccount.json

json-glib-validate "$manifest" || { echo "not valid JSON: $manifest"; exit 1; }
grep -q '"id": "io.github.kbcaccount.KbcAccount"' "$manifest" || { echo "wrong app id"; exit 1; }

if command -v flatpak-builder >/dev/null 2>&1; then
  out=$(cd flatpak && flatpak-builder --show-manifest "$(basename "$manifest")" 2>&1 >/dev/null)
  rc=$?
  if [ $rc -ne 0 ] || [ -n "$out" ]; then
    echo "flatpak-builder complains:"
    echo "$out"
    exit 1
  fi
else
  echo "flatpak-builder not installed; checked JSON only"
fi
echo "ok: $manifest"
