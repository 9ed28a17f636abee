#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads the output of `meson test --benchmark --verbose` and prints the
figures of every benchmark as one Markdown table, in the order they came.

Each benchmark prints its figures as lines of tab-separated fields
(docs/performance.md, "Reading the table"):
    BENCH  group  metric  value  baseline  ratio  target  verdict
"""
import re
import sys

rows = []
for line in sys.stdin:
    # meson prefixes a verbose test's lines with its name and a separator.
    m = re.search(r"BENCH\t(.*)$", line.rstrip("\n"))
    if m:
        fields = m.group(1).split("\t")
        if len(fields) == 7:
            rows.append(fields)

if not rows:
    print("no benchmark printed a figure", file=sys.stderr)
    sys.exit(1)

header = ["group", "metric", "value", "baseline", "ratio", "target", "verdict"]
print()
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
# Figures without a target (memory, the whole list in) are neither.
targeted = [r for r in rows if r[6] in ("ok", "MISSED")]
missed = sum(1 for r in targeted if r[6] == "MISSED")
print()
print(
    f"{len(rows)} figures, {len(targeted)} with a target: "
    f"{len(targeted) - missed} within it, {missed} missed"
)
