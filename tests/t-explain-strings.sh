#!/bin/bash
# One source for the words: no sentence of the explain knowledge base
# (libsc/explain.c: diagnoses, repairs, curated codes) is typed a second
# time anywhere else in libsc/ or netchk/.  A self-test first proves the
# checker catches a copied sentence.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)

check() {	# check TABLE_FILE DIR...
	python3 - "$@" <<'PY'
import re, sys, pathlib

def literals(path):
    """C string literals of a file, adjacent ones concatenated."""
    text = pathlib.Path(path).read_text(errors="replace")
    out, cur, i, n = [], None, 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2); i = n if j < 0 else j + 2; continue
        if text.startswith("//", i):
            j = text.find("\n", i); i = n if j < 0 else j; continue
        if c == "'":
            m = re.match(r"'(\\.|[^'\\])*'", text[i:]); i += len(m.group(0)) if m else 1; continue
        if c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    buf.append(text[j:j + 2]); j += 2
                else:
                    buf.append(text[j]); j += 1
            s = "".join(buf)
            cur = s if cur is None else cur + s
            i = j + 1; continue
        if c.isspace():
            i += 1; continue
        if cur is not None:
            out.append(cur); cur = None
        i += 1
    if cur is not None:
        out.append(cur)
    return out

W = 60
table_file, dirs = sys.argv[1], sys.argv[2:]
# Prose only: names (no blank) and short titles may recur.
table = [s for s in literals(table_file) if len(s) >= 30 and " " in s]
grams = {}
for s in table:
    for k in range(max(0, len(s) - W + 1)):
        grams.setdefault(s[k:k + W], s)
bad = 0
for d in dirs:
    for f in sorted(pathlib.Path(d).rglob("*")):
        if f.suffix not in (".c", ".h") or f.resolve() == pathlib.Path(table_file).resolve():
            continue
        for lit in literals(f):
            # A whole sentence either way, or a long run of words.
            hit = next((t for t in table if t in lit or
                        (len(lit) >= 30 and lit in t)), None)
            for k in range(len(lit) - W + 1):
                if hit is None and lit[k:k + W] in grams:
                    hit = grams[lit[k:k + W]]
            if hit is not None:
                print(f"not ok - {f} repeats the explain table: \"{hit[:70]}...\"")
                bad += 1
print(f"# {len(table)} table sentences checked")
sys.exit(1 if bad else 0)
PY
}

# Self-test: a copied diagnosis must be caught.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/copy"
printf 'static const char *t = "the DC rejects every secret this host holds: the machine "\n\t"password was changed";\n' >"$tmp/copy/x.c"
if check "$SRC/libsc/explain.c" "$tmp/copy" >/dev/null; then
	echo "not ok - the checker missed a copied sentence"
	exit 1
fi
echo "ok - the checker catches a copied sentence"

check "$SRC/libsc/explain.c" "$SRC/libsc" "$SRC/netchk"
echo "ok - no explain sentence is duplicated in libsc/ or netchk/"
