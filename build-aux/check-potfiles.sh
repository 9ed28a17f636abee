#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every file with a translatable string is listed in po/POTFILES.in (and every
# listed file exists), and po/cs.po translates every string, none fuzzy.
set -uo pipefail
cd "${MESON_SOURCE_ROOT:-$(dirname "$0")/..}"

bad=0
potfiles=po/POTFILES.in

if ! sort -c "$potfiles" 2>/dev/null; then
  echo "po/POTFILES.in is not sorted"
  bad=1
fi

while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  [ -f "$f" ] || { echo "listed in POTFILES.in but missing: $f"; bad=1; }
done < "$potfiles"

mapfile -t wanted < <(
  { grep -rlE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext)[[:space:]]*\(' src --include='*.c' --include='*.h';
    grep -rl 'translatable="yes"' src data --include='*.ui' --include='*.xml' --include='*.in';
    ls data/*.desktop.in data/*.metainfo.xml.in 2>/dev/null; } | sort -u)

for f in "${wanted[@]}"; do
  # The server speaks the API's English; its strings are not translatable.
  case "$f" in src/server/*) continue ;; esac
  grep -qxF "$f" "$potfiles" || { echo "has translatable strings but is not in po/POTFILES.in: $f"; bad=1; }
done

# The Czech translation is complete against the strings in the sources now.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if grep -q . "$potfiles"; then
  xgettext --files-from="$potfiles" --directory=. --output="$tmp/kbc-account.pot" \
    --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
    --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --keyword=g_dpgettext2:2c,3 \
    || { echo "xgettext failed"; exit 1; }
  for lang in $(cat po/LINGUAS); do
    msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/kbc-account.pot" -o "$tmp/$lang.po"
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1) || { echo "po/$lang.po: $stats"; bad=1; }
    echo "po/$lang.po: $stats"
    case "$stats" in
      *untranslated*|*fuzzy*)
        echo "po/$lang.po is not complete; untranslated:"
        msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep '^msgid' | head -20
        bad=1 ;;
    esac
  done
fi

exit $bad
