#!/bin/bash
# One source for CLI, help, man and completions: every verb and option the
# binary knows is in the man page and the bash completion, and the man
# page's exit codes are the ones netchk.h defines.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NETCHK_BIN:?}
MAN="$SRC/man/netchk.8"
COMP="$SRC/completions/netchk.bash"
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1"; fi; }

for verb in $("$BIN" --list-verbs); do
	check "man documents verb $verb" "grep -q '^\\.BR $verb ' '$MAN'"
	check "completion offers verb $verb" "grep -q 'verbs=\".*$verb' '$COMP'"
	opts=$("$BIN" "$verb" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	for o in $opts; do
		[[ $o == --usage ]] && continue
		m=${o//-/\\\\-}
		check "man documents $verb $o" "grep -q -- '$m' '$MAN'"
		check "completion offers $verb $o" "grep -q -- '$o' '$COMP'"
	done
done
for code in $(sed -n 's/.*NETCHK_EXIT_[A-Z]* = \([0-9]\),.*/\1/p' "$SRC/netchk/netchk.h"); do
	check "man EXIT STATUS has $code" "sed -n '/^.SH EXIT STATUS/,/^.SH FILES/p' '$MAN' | grep -q '^\\.B $code\$'"
done
# completion runs under bash and offers what the table has
out=$(bash -c "source /usr/share/bash-completion/bash_completion; source '$COMP';
	COMP_WORDS=(netchk verify --pa); COMP_CWORD=2; COMP_LINE='netchk verify --pa'; COMP_POINT=\${#COMP_LINE};
	_netchk 2>/dev/null; echo \"\${COMPREPLY[*]}\"")
check "bash completes --pa to --path" "[[ '$out' == '--path' ]]"
out=$(bash -c "source /usr/share/bash-completion/bash_completion; source '$COMP';
	COMP_WORDS=(netchk verify --path netlogon,ke); COMP_CWORD=3; COMP_LINE='netchk verify --path netlogon,ke'; COMP_POINT=\${#COMP_LINE};
	_netchk 2>/dev/null; echo \"\${COMPREPLY[*]}\"")
check "bash completes path lists" "[[ '$out' == 'netlogon,kerberos' ]]"
echo "$pass passed, $fail failed"
((fail == 0))
