# Helpers for the t-check-*.sh tests (sourced after lib.sh).

check() {
	netchk check -s "$SMB_CONF" --state-dir "$STATE_DIR" "$@"
}

# The first line of stdout, as a monitoring system reads it.
first_line() { head -n 1 "$OUT/stdout"; }

# Parse the perfdata of stdout's first line by the monitoring-plugins
# grammar: 'label'=value[UOM];[warn];[crit];[min];[max], space separated,
# warn/crit in the range syntax.  Prints "label value uom warn crit min
# max" per item; exits non-zero on anything that does not parse.
perfdata() {
	python3 - "$OUT/stdout" <<'PY'
import re, sys
line = open(sys.argv[1]).readline().rstrip("\n")
if line.count("|") != 1:
    sys.exit("need exactly one '|' in the first line: %r" % line)
text, perf = line.split("|")
if not re.match(r"^NETCHK (OK|WARNING|CRITICAL|UNKNOWN) - \S", text):
    sys.exit("bad status text: %r" % text)
if not perf.startswith(" ") or not perf.strip():
    sys.exit("no perfdata")
num = r"-?[0-9]+(\.[0-9]+)?"
rng = r"(@?(~|%s)?:(%s)?|@?%s)?" % (num, num, num)
item = re.compile(r"('[^'=]+'|[^'= ]+)=(%s)(s|us|ms|%%|B|KB|MB|TB|c)?"
                  r"(;%s(;%s(;(%s)?(;(%s)?)?)?)?)?$" % (num, rng, rng, num, num))
for tok in re.findall(r"(?:'[^']*'|[^ ])+", perf.strip()):
    m = item.match(tok)
    if not m:
        sys.exit("perfdata item does not parse: %r" % tok)
    label, rest = tok.split("=", 1)
    label = label.strip("'")
    fields = rest.split(";") + [""] * 5
    val = re.match(r"-?[0-9.]+", fields[0]).group(0)
    uom = fields[0][len(val):]
    print(label, val, uom or "-", *(f or "-" for f in fields[1:5]))
PY
}

# perf_field LABEL N: field N (1 value, 2 uom, 3 warn, 4 crit, 5 min, 6 max)
perf_field() {
	perfdata | awk -v l="$1" -v n="$2" '$1 == l { print $(n + 1) }'
}
