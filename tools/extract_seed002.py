#!/usr/bin/env python3
"""Extract seed 002's C# code (NetSessionEnum from .NET by P/Invoke), restored
to compilable C# only where the document lost characters.

usage: extract_seed002.py SEEDS_DIR OUT_FILE

The document keeps four pieces of code: the P/Invoke signature ("C#
Signature:"), SESSION_INFO_502 and the NERR enum ("User-Defined Types:") and
the EnumSessions method ("Sample Code:").  It kept their indentation but lost
some characters, exactly like seed 001 lost its line breaks:
  * every brace: each block is still visible as deeper indentation (the
    offside rule), so `{` is restored after each line that is followed by a
    more indented line (unless the line continues onto the next: ends with
    `(` or `,`), and `}` where the indentation falls back;
  * the `do` of the do/while loop: a block opened after a complete
    statement (a line ending in `;`) whose closing brace is followed by a
    `while (...);` at the same indentation is a do-block;
  * the end of the structure's name (`public struct SESSION_INFO_`): it is
    completed to the one type name the code uses that starts with it
    (SESSION_INFO_502).
A restored brace takes the place of the blank line the lost one left where
there is one, else it gets its own line.  Nothing else changes: the script
tokenizes the document's code and the restored code and fails unless the
only differences are inserted `{`, `}`, `do` tokens and that one name.

The output wraps the pieces in code of ours, marked as such: two `using`
lines, the types at namespace level, and the signature and the method in
`public partial class Seed002` (our Main is in a separate file,
native/dotnet/seed002_main.cs).
"""
import difflib
import glob
import os
import re
import sys

SECTIONS = [  # (name, start marker, end marker): code lies strictly between
    ("signature", "C# Signature:", "VB Signature:"),
    ("types", "User-Defined Types:", "Alternative Managed API:"),
    ("method", "Sample Code:", "Please edit this page!"),
]
TOKEN = re.compile(r'///[^\n]*|//[^\n]*|"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z0-9_]*|\d+|==|\+=|<=|>=|\+\+|\|\||&&|\S')


def fail(msg):
    sys.exit("extract_seed002: " + msg)


def section(lines, start, end):
    try:
        i = next(k for k, l in enumerate(lines) if l.strip() == start)
        j = next(k for k in range(i + 1, len(lines)) if lines[k].strip() == end)
    except StopIteration:
        fail("section %r..%r not found" % (start, end))
    body = lines[i + 1:j]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return body


WS = " \u00a0"   # the document indents with no-break space + space pairs


def indent(line):
    return len(line) - len(line.lstrip(WS))


def next_code(lines, i):
    """Index of the next non-blank line after i, or None."""
    for k in range(i + 1, len(lines)):
        if lines[k].strip():
            return k
    return None


def restore_braces(lines):
    """The offside rule: returns the restored lines."""
    out = []
    stack = []          # (indent prefix, is_do) of open blocks
    i = 0
    pending_blank = 0   # blank lines seen but not yet written

    def put_brace(text, prefix):
        nonlocal pending_blank
        if pending_blank:           # the brace takes a lost line's place
            pending_blank -= 1
        out.append(prefix + text)

    while i < len(lines):
        line = lines[i]
        if not line.strip():
            pending_blank += 1
            i += 1
            continue
        ind = indent(line)
        # close the blocks this line falls back out of
        while stack and ind <= len(stack[-1][0]):
            prefix, is_do = stack.pop()
            put_brace("}", prefix)
            if is_do and not re.match(r"\s*while\s*\(.*\)\s*;\s*$", line):
                fail("a do-block is not followed by while(...); at line: " + line.strip())
        out.extend([""] * pending_blank)
        pending_blank = 0
        out.append(line)
        k = next_code(lines, i)
        code = line.strip()
        if k is not None and indent(lines[k]) > ind and not code.endswith(("(", ",")):
            is_do = code.endswith(";")
            # blank lines right after the header: the first one is the brace's
            blanks = k - i - 1
            prefix = line[:ind]
            if is_do:
                out.append(prefix + "do")
            out.append(prefix + "{")
            out.extend([""] * max(blanks - 1, 0))
            stack.append((prefix, is_do))
            i = k
            continue
        i += 1
    while stack:
        prefix, is_do = stack.pop()
        if is_do:
            fail("a do-block at the end of a section")
        put_brace("}", prefix)
    return out


def complete_type_names(lines, code_text):
    """`struct NAME_` -> the one used type name that starts with NAME_."""
    out = []
    for line in lines:
        m = re.search(r"\b(struct|enum|class)\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", line)
        if m:
            name = m.group(2)
            declared = set(re.findall(r"\b(?:struct|enum|class)\s+([A-Za-z_]\w*)", code_text))
            used = set(re.findall(r"\b(%s\w+)" % re.escape(name), code_text)) - declared
            if name.endswith("_") and name not in used:
                if len(used) != 1:
                    fail("cannot complete type name %s: candidates %s" % (name, sorted(used)))
                line = line[:m.start(2)] + used.pop() + line[m.end(2):]
        out.append(line)
    return out


def verify(original, restored):
    a = TOKEN.findall("\n".join(original))
    b = TOKEN.findall("\n".join(restored))
    renamed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        kept = [t for t in b[j1:j2] if t not in ("{", "}", "do")]   # b without insertions
        if kept == a[i1:i2]:
            continue
        if len(kept) == 1 and i2 - i1 == 1 and a[i1].endswith("_") and kept[0].startswith(a[i1]):
            renamed += 1
            continue
        fail("restoration changed more than braces/do/type name: %s %r -> %r" % (op, a[i1:i2], b[j1:j2]))
    if renamed > 1:
        fail("more than one type name completed")
    if b.count("{") != b.count("}"):
        fail("unbalanced braces")
    return len(b) - len(a)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    seeds, out_file = sys.argv[1], sys.argv[2]
    m = glob.glob(os.path.join(seeds, "002_*.txt"))
    if len(m) != 1:
        fail("need exactly one 002_*.txt in %s" % seeds)
    src = m[0]
    lines = open(src, encoding="utf-8").read().split("\n")
    parts = {name: section(lines, a, b) for name, a, b in SECTIONS}
    code_text = "\n".join(sum(parts.values(), []))
    restored = {}
    inserted = 0
    for name, body in parts.items():
        fixed = complete_type_names(restore_braces(body), code_text)
        inserted += verify(body, fixed)
        restored[name] = fixed
    what = ("The document lost every brace, the `do` of the do/while loop and the end of\n"
            "// the struct's name; they are restored from the indentation (%d tokens inserted,\n"
            "// one name completed) and nothing else changed: the tool checks the token\n"
            "// sequence against the document's.  Lines marked 'ours' are not from the document." % inserted)
    text = ["// Extracted by tools/extract_seed002.py from %s" % os.path.basename(src),
            "// " + what,
            "using System;                              // ours",
            "using System.Runtime.InteropServices;      // ours",
            ""]
    text += restored["types"]
    text += ["", "public partial class Seed002              // ours", "{                                         // ours"]
    text += restored["signature"] + [""] + restored["method"]
    text += ["}                                         // ours", ""]
    os.makedirs(os.path.dirname(os.path.abspath(out_file)), exist_ok=True)
    with open(out_file, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(text))
    print("extract_seed002: %s" % out_file)


if __name__ == "__main__":
    main()
