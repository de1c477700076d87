#!/bin/bash
# A script that always parses stdout gets one JSON object, bad arguments
# included: every verb that takes --json prints exactly one object for an
# argument error (a bad option, a bad value, a wrong combination), with
# the documented exit code (3) and the same one-line error on stderr,
# whether --json comes before the bad option or after it (popt stops at
# the bad one).  Without --json stdout stays empty.
set -euo pipefail
BIN=${NETCHK_BIN:?}
OUT=$(mktemp -d /tmp/netchk-t-json-usage.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }

# VERB: argument errors, one per line (words split at blanks)
cases() {
	case $1 in
	verify) cat <<-EOF
		--no-such-option
		--timeout=abc
		--timeout=999
		--path=bogus
		--deadline=0
		--all-dcs --server=dc1.example.com
		host1 host2
		--hosts=/nonexistent/hosts
		EOF
		;;
	reset) cat <<-EOF
		--no-such-option
		--timeout=abc
		--timeout=999
		--enable
		--use-ccache --password-file=/nonexistent/pw
		-U admin --password-file=/nonexistent/pw
		-U admin --password-file=/dev/null
		--hosts=/nonexistent/hosts
		EOF
		;;
	audit) cat <<-EOF
		--no-such-option
		--timeout=abc
		--page-size=-1
		--max-age=soon
		--csv
		somehost
		-U admin --password-file=/nonexistent/pw
		EOF
		;;
	explain) cat <<-EOF
		--no-such-option
		--list 0xC0000022
		EOF
		;;
	esac
}

# run NAME ARGS...: rc, stdout, stderr of netchk ARGS
run() {
	local name=$1
	shift
	set +e
	"$BIN" "$@" >"$OUT/stdout" 2>"$OUT/stderr"
	RC=$?
	set -e
	WHAT="$name: netchk $*"
}

# one_object VERB: stdout is exactly one object describing the error
one_object() {
	local verb=$1 err
	if [[ $RC != 3 ]]; then
		not_ok "$WHAT: exit $RC, expected 3"
		return
	fi
	if [[ $(jq -s length "$OUT/stdout" 2>/dev/null) != 1 ]]; then
		not_ok "$WHAT: stdout is not one JSON object: $(head -c 200 "$OUT/stdout")"
		return
	fi
	if ! jq -e --arg v "$verb" '.schema == 1 and .command == $v and
	    .status == "unknown" and .exit_code == 3 and
	    (.error | type == "string" and length > 0)' "$OUT/stdout" >/dev/null; then
		not_ok "$WHAT: object lacks schema/command/status/exit_code/error: $(cat "$OUT/stdout")"
		return
	fi
	err=$(jq -r .error "$OUT/stdout")
	if [[ $(wc -l <"$OUT/stderr") != 1 || $(cat "$OUT/stderr") != "netchk: $err" ]]; then
		not_ok "$WHAT: stderr is not the one line 'netchk: $err': $(cat "$OUT/stderr")"
		return
	fi
	ok "$WHAT: exit 3, one object, error '$err'"
}

verbs=()
for v in $("$BIN" --list-verbs); do
	if { "$BIN" "$v" --help 2>/dev/null || true; } | grep -qE -- '(^|[ ,])--json'; then
		verbs+=("$v")
	fi
done
if [[ " ${verbs[*]} " == *" verify "* && " ${verbs[*]} " == *" reset "* ]]; then ok "verbs with --json: ${verbs[*]}"
else not_ok "verify and reset should list --json: ${verbs[*]}"; fi

for v in "${verbs[@]}"; do
	mapfile -t list < <(cases "$v")
	if ((${#list[@]} < 2)); then
		not_ok "$v takes --json but this test has no argument errors for it"
		continue
	fi
	for c in "${list[@]}"; do
		read -ra words <<<"$c"
		run "$v" "$v" --json "${words[@]}"
		one_object "$v"
		run "$v" "$v" "${words[@]}" --json
		one_object "$v"
		run "$v" "$v" "${words[@]}" -j
		one_object "$v"
		# without --json: the line on stderr, nothing on stdout
		run "$v" "$v" "${words[@]}"
		if [[ $RC == 3 && ! -s $OUT/stdout && $(wc -l <"$OUT/stderr") == 1 ]]; then
			ok "$WHAT: text: exit 3, one line on stderr, stdout empty"
		else
			not_ok "$WHAT: text: exit $RC, stdout '$(head -c 200 "$OUT/stdout")'"
		fi
	done
done

# audit's --format=json asks for JSON as --json does
run audit audit --format=json --page-size=-1
one_object audit
# check has no JSON: a bad argument stays one plugin line
run check check --timeout=abc
if [[ $RC == 3 && $(cat "$OUT/stdout") == "NETCHK UNKNOWN - "* ]]; then ok "$WHAT: a plugin line"
else not_ok "$WHAT: exit $RC, stdout '$(cat "$OUT/stdout")'"; fi

echo "$pass passed, $fail failed"
((fail == 0))
