#!/bin/bash
# One source for CLI, help, man and completions: every verb and option the
# binary knows is in the man page and the bash completion, and the man
# page's exit codes are the ones netchk.h defines.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${NETCHK_BIN:?}
MAN="$SRC/man/netchk.8"
COMP="$SRC/completions/netchk.bash"
ZSH="$SRC/completions/_netchk"
FISH="$SRC/completions/netchk.fish"
LIBMAN="$SRC/man/libsc.3"
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1"; fi; }

for verb in $("$BIN" --list-verbs); do
	check "man documents verb $verb" "grep -q '^\\.BR $verb ' '$MAN'"
	check "completion offers verb $verb" "grep -q 'verbs=\".*$verb' '$COMP'"
	check "zsh completion offers verb $verb" "grep -q \"'$verb:\" '$ZSH'"
	check "fish completion offers verb $verb" "grep -qE -- \"-a $verb( |\\$)\" '$FISH'"
	# check's --help exits 3, as the monitoring-plugins guidelines say
	opts=$({ "$BIN" "$verb" --help || true; } | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	for o in $opts; do
		[[ $o == --usage ]] && continue
		m=${o//-/\\\\-}
		check "man documents $verb $o" "grep -q -- '$m' '$MAN'"
		check "completion offers $verb $o" "grep -q -- '$o' '$COMP'"
		check "zsh completion offers $verb $o" "grep -qE -- '(^|[^a-z-])$o([^a-z-]|\$)' '$ZSH'"
		check "fish completion offers $verb $o" "grep -E -- \"__netchk_using $verb'\" '$FISH' | grep -qE -- '-l ${o#--}( |\$)'"
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
# explain completes its values from 'netchk explain --list'
out=$(PATH="$(dirname "$BIN"):$PATH" bash -c "source /usr/share/bash-completion/bash_completion; source '$COMP';
	COMP_WORDS=(netchk explain event 57); COMP_CWORD=3; COMP_LINE='netchk explain event 57'; COMP_POINT=\${#COMP_LINE};
	_netchk; echo \"\${COMPREPLY[*]}\"")
check "bash completes explain event IDs" "[[ '$out' == '5719 5721 5722 5723' ]]"
out=$(PATH="$(dirname "$BIN"):$PATH" bash -c "source /usr/share/bash-completion/bash_completion; source '$COMP';
	COMP_WORDS=(netchk explain KDC_ERR_PRE); COMP_CWORD=2; COMP_LINE='netchk explain KDC_ERR_PRE'; COMP_POINT=\${#COMP_LINE};
	_netchk; echo \"\${COMPREPLY[*]}\"")
check "bash completes explain names" "[[ '$out' == 'KDC_ERR_PREAUTH_FAILED' ]]"
out=$(PATH="$(dirname "$BIN"):$PATH" bash -c "source /usr/share/bash-completion/bash_completion; source '$COMP';
	COMP_WORDS=(netchk explain keytab-s); COMP_CWORD=2; COMP_LINE='netchk explain keytab-s'; COMP_POINT=\${#COMP_LINE};
	_netchk; echo \"\${COMPREPLY[*]}\"")
check "bash completes explain diagnoses" "[[ '$out' == 'keytab-stale' ]]"
# zsh and fish: the scripts parse, and fish offers the same values
check "zsh completion parses" "zsh -n '$ZSH'"
out=$(PATH="$(dirname "$BIN"):$PATH" fish -c "source '$FISH'; complete -C 'netchk explain event 57'" | tr '\n' ' ')
check "fish completes explain event IDs" "[[ '$out' == '5719 5721 5722 5723 ' ]]"
out=$(PATH="$(dirname "$BIN"):$PATH" fish -c "source '$FISH'; complete -C 'netchk verify --pa'" | cut -f1)
check "fish completes --pa to --path" "[[ '$out' == '--path' ]]"
# libsc(3) names every public function of the installed headers
for fn in $(sed -n 's/^[a-z].*[ *]\(sc_[a-z0-9_]*\)(.*/\1/p' "$SRC"/include/sc/explain.h "$SRC"/include/sc/status.h | sort -u); do
	check "libsc.3 documents $fn" "grep -q '$fn' '$LIBMAN'"
done
check "explain --list names every curated NTSTATUS of the man page" \
	"[[ \$('$BIN' explain --list | grep -c '^ntstatus') -ge 19 ]]"
echo "$pass passed, $fail failed"
((fail == 0))
