#!/usr/bin/env python3
"""Extract the sample programs from the seed documents, unchanged.

usage: extract_seeds.py SEEDS_DIR OUT_DIR

Writes OUT_DIR/enum_003.c, getinfo_004.c and del_001.c.  Each file starts
with a comment saying where it came from and exactly what was done to it.

Seeds 003 and 004 are copied byte for byte (only the comment is added).
Seed 001 lost its line breaks: the whole program is on one line, where the
preprocessor directives and the `//` comments would swallow the code after
them.  Line breaks are restored only where C requires them:
  * before each preprocessor directive and after its operands
    (#ifndef/#define NAME, #endif, #include <header>);
  * after each `//` comment's text, so the code that follows is not part of
    the comment.  A comment's text is either empty or one sentence that
    starts with a capital letter and ends with '.'.
Nothing else changes: the script checks that joining the lines back with
single spaces gives exactly the document's line (same characters, same
token sequence), and fails otherwise.
"""
import glob
import os
import re
import sys

HEADER = "/* Extracted by tools/extract_seeds.py from {src}\n * {what}\n */\n"


def find(seeds, prefix):
    m = glob.glob(os.path.join(seeds, prefix + "_*.txt"))
    if len(m) != 1:
        sys.exit("extract_seeds: need exactly one %s_*.txt in %s" % (prefix, seeds))
    return m[0]


def block(text, start, end_re):
    """From the line starting with `start` up to and including the line
    matching end_re (the closing brace of wmain)."""
    lines = text.split("\n")
    i = next(k for k, l in enumerate(lines) if l.startswith(start))
    for j in range(i, len(lines)):
        if re.match(end_re, lines[j]):
            return "\n".join(lines[i:j + 1]) + "\n"
    sys.exit("extract_seeds: end of sample not found")


def split_one_line(line):
    """Seed 001: restore the line breaks C needs.  Scans the line outside
    string and character literals."""
    out = []        # output lines
    cur = ""        # current line
    i, n = 0, len(line)

    def flush():
        nonlocal cur
        if cur.strip():
            out.append(cur.strip())
        cur = ""

    while i < n:
        c = line[i]
        if c in "\"'":                      # literal: copy through
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            cur += line[i:j + 1]
            i = j + 1
            continue
        if c == "#" and (i == 0 or line[i - 1] == " "):
            flush()
            m = re.match(r"#\s*(include)\s*(<[^>]*>|\"[^\"]*\")", line[i:]) or \
                re.match(r"#\s*(ifndef|ifdef|undef|define)\s+\w+", line[i:]) or \
                re.match(r"#\s*(endif|else)\b", line[i:])
            if not m:
                sys.exit("extract_seeds: unknown directive at: " + line[i:i + 30])
            cur = m.group(0)
            i += len(m.group(0))
            flush()
            continue
        if line.startswith("//", i):
            flush()
            m = re.match(r"//( [A-Z][^;{}()\"/]*?\.)?(?= |$)", line[i:])
            cur = m.group(0)
            i += len(m.group(0))
            flush()
            continue
        cur += c
        i += 1
    flush()
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    seeds, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)

    # 003: NetSessionEnum, plain text document
    src = find(seeds, "003")
    code = block(open(src, encoding="utf-8").read(), "#ifndef UNICODE", r"^}\s*$")
    write(outdir, "enum_003.c", src, "Copied byte for byte from the document; nothing changed.", code)

    # 004: NetSessionGetInfo, inside a ```cpp fence
    src = find(seeds, "004")
    code = block(open(src, encoding="utf-8").read(), "#ifndef UNICODE", r"^}\s*$")
    write(outdir, "getinfo_004.c", src, "Copied byte for byte from the document; nothing changed.", code)

    # 001: NetSessionDel, whole program on one line
    src = find(seeds, "001")
    text = open(src, encoding="utf-8").read()
    line = next(l for l in text.split("\n") if l.startswith("#ifndef UNICODE"))
    lines = split_one_line(line)
    if " ".join(lines) != line.strip():
        sys.exit("extract_seeds: seed 001 repair changed more than line breaks")
    what = ("The document lost the program's line breaks (all on one line). Only line\n"
            " * breaks were inserted: before/after each preprocessor directive and after\n"
            " * each // comment's text (%d lines); every other character, in order, is as\n"
            " * in the document (the tool checks that joining the lines with single spaces\n"
            " * gives the document's line back exactly)." % len(lines))
    write(outdir, "del_001.c", src, what, "\n".join(lines) + "\n")


def write(outdir, name, src, what, code):
    path = os.path.join(outdir, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER.format(src=os.path.basename(src), what=what))
        f.write(code)
    print("extract_seeds: %s" % path)


if __name__ == "__main__":
    main()
