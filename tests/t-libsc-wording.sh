#!/bin/bash
# libsc serves any program, not only netchk: its texts (errors, plan
# reasons, step lines, result details) name no command-line flag of
# netchk's (--all-dcs, -U USER, --use-ccache ...; every option its verbs'
# --help lists), which a program linking libsc does not have.  A flag may appear only inside a quoted
# command line ('netchk verify --server DC', 'net ads join -U ADMIN').
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NETCHK_BIN:?}
# every option of every verb, as --help lists them
flags=$(for v in $("$BIN" --list-verbs); do { "$BIN" "$v" --help || true; }; done |
	grep -oE -- '^  (-[A-Za-z?], |    )--[a-z][a-z-]+' | sed -E 's/^ +//; s/, / /' | tr ' ' '\n' | sort -u | paste -sd' ')
NETCHK_FLAGS=$flags python3 - "$SRC"/libsc/*.c <<'PY'
import os, re, sys
netchk = set(os.environ["NETCHK_FLAGS"].split())
bad = 0
quoted = re.compile(r"'(netchk|net|adcli|samba-tool|kinit|wbinfo|ktutil|klist|"
                    r"testparm|winbindd|systemctl|msktutil|realm|host|repadmin|"
                    r"kvno|setspn)"
                    r" [^']*'")
flag = re.compile(r"(^|[\s(\"])(--[a-z][a-z-]+|-[A-Za-z] [A-Z]+\b)")
for path in sys.argv[1:]:
    text = open(path).read()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    # adjacent literals are one string: "a " "b"
    for m in re.finditer(r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*', text):
        s = "".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0)))
        s = quoted.sub("", s)
        f = next((f for f in flag.finditer(s)
                  if f.group(2).split()[0] in netchk), None)
        if f:
            line = text.count("\n", 0, m.start()) + 1
            print("not ok - %s:%d names the CLI flag %s: %s" % (path.split("/libsc/")[1] if "/libsc/" in path else path, line, f.group(2), s[:100]))
            bad += 1
print("%s - no libsc text names a CLI flag (%d found)" % ("ok" if bad == 0 else "not ok", bad))
sys.exit(1 if bad else 0)
PY
