#!/usr/bin/env python3
"""Regenerates the column tables of docs/features.md from the column tables themselves.

    scripts/features-doc.py [FLOWCSV]   (default .build/debug/flowcsv)

Each section headed "## `--schema NAME`..." whose first table is "| Column | Meaning |" gets
that table replaced by `flowcsv --schema NAME --list-columns`; every other line of the file is
kept. DocumentationTests checks the result against the column tables.
"""
import re
import subprocess
import sys

flowcsv = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/flowcsv"
path = "docs/features.md"
lines = open(path, encoding="utf-8").read().split("\n")
out, i = [], 0
while i < len(lines):
    line = lines[i]
    out.append(line)
    m = re.match(r"## `--schema (\w+)`", line)
    i += 1
    if not m:
        continue
    # Copy up to the section's table, then replace the table.
    while i < len(lines) and not lines[i].startswith("| Column | Meaning |") and not lines[i].startswith("## "):
        out.append(lines[i])
        i += 1
    if i >= len(lines) or lines[i].startswith("## "):
        continue
    table = subprocess.run([flowcsv, "--schema", m.group(1), "--list-columns"], check=True,
                           capture_output=True, text=True).stdout.rstrip("\n").split("\n")
    out.extend(table)
    while i < len(lines) and lines[i].startswith("|"):
        i += 1
open(path, "w", encoding="utf-8").write("\n".join(out))
