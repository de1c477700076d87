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
README="$SRC/README"
pass=0 fail=0
check() { if eval "$2"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "not ok - $1"; fi; }

# Options every verb has through popt itself, documented once (OPTIONS).
generic() { [[ $1 == help || $1 == usage || $1 == version ]]; }
# "long short" for each option of VERB, from its --help (short may be empty);
# check's --help exits 3, as the monitoring-plugins guidelines say.
bin_opts() {
	{ "$BIN" "$1" --help || true; } |
		sed -nE 's/^ +(-([A-Za-z?]), )?--([a-z][a-z-]*).*/\3 \2/p' | sort -u
}
# Option words of a text on stdin: --long, and -X alone.
opt_words() {
	sed 's/\\-/-/g' | grep -oE -- '(^|[] ,(["|])--?[A-Za-z][A-Za-z-]*' |
		sed -E 's/^[] ,(["|]//' | grep -vE -- '^-[A-Za-z][A-Za-z]' || true
}
# VERB's SYNOPSIS entries of the man page, and its README usage block.
man_synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$MAN" |
		awk -v v="$1" '/^\.B netchk /{ on = ($3 == v) } /^\.(PP|SH)/{ on = 0 } on'
}
readme_usage() {
	awk -v v="$1" '/^    netchk /{ on = ($2 == v) } on && /^[^ ]/{ on = 0 } on' "$README"
}
# The long names of VERB's options a completion script offers.
bash_opts() {
	awk -v v="$1" '$0 ~ "local " v "_opts=\"" { on = 1 } on { print } on && /"$/ { exit }' "$COMP" |
		tr ' "' '\n\n' | grep -E -- '^--' | sort -u
}
zsh_opts() {
	local block
	block=$(awk -v v="$1" '$0 ~ "^\t" v "\\)$" { on = 1 } on; on && /;;$/ { exit }' "$ZSH")
	if grep -q '\$common' <<<"$block"; then
		block+=$'\n'$(sed -n '/^\tcommon=(/,/^\t)/p' "$ZSH")
	fi
	grep -oE -- '--[a-z][a-z-]*' <<<"$block" | sort -u
}
fish_opts() { grep -F -- "__netchk_using $1'" "$FISH" | grep -oE -- ' -l [a-z][a-z-]*' | sed 's/ -l /--/' | sort -u; }
# Both ways: every name of $2 is in $3 and every name of $3 in $2.
same_set() {
	local what=$1 want=$2 have=$3 w
	for w in $want; do
		check "$what has $w" "grep -qxF -- '$w' <<<'$have'"
	done
	for w in $have; do
		check "$what: $w is an option of the binary" "grep -qxF -- '$w' <<<'$want'"
	done
}
# Option words of a document, as long names (-X through VERB's table).
as_long() {
	local table=$1 w
	while read -r w; do
		[[ -z $w ]] && continue
		if [[ $w == --* ]]; then echo "$w"
		else awk -v s="${w#-}" '$2 == s { print "--" $1; f = 1 } END { if (!f) print "-" s "(unknown)" }' <<<"$table"
		fi
	done | sort -u
}
all_longs=""
for verb in $("$BIN" --list-verbs); do
	check "man documents verb $verb" "grep -q '^\\.BR $verb ' '$MAN'"
	check "completion offers verb $verb" "grep -q 'verbs=\".*$verb' '$COMP'"
	check "zsh completion offers verb $verb" "grep -q \"'$verb:\" '$ZSH'"
	check "fish completion offers verb $verb" "grep -qE -- \"-a $verb( |\\$)\" '$FISH'"
	table=$(bin_opts "$verb")
	longs=$(awk '{ print "--" $1 }' <<<"$table" | sort -u)
	specific=$(awk '$1 != "help" && $1 != "usage" && $1 != "version" { print "--" $1 }' <<<"$table" | sort -u)
	all_longs+=$'\n'$longs
	same_set "man SYNOPSIS of $verb" "$specific" "$(man_synopsis "$verb" | opt_words | as_long "$table")"
	same_set "README usage of $verb" "$specific" "$(readme_usage "$verb" | opt_words | as_long "$table")"
	without_usage=$(grep -vx -- --usage <<<"$longs")
	same_set "bash completion of $verb" "$without_usage" "$(bash_opts "$verb")"
	same_set "zsh completion of $verb" "$without_usage" "$(zsh_opts "$verb")"
	same_set "fish completion of $verb" "$without_usage" "$(fish_opts "$verb")"
done
# OPTIONS of the man page: an entry for every option, none for a lost one.
man_entries=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" | awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' |
	opt_words | grep -E -- '^--' | sort -u)
same_set "man OPTIONS" "$(sort -u <<<"$all_longs" | grep -vx -- --usage | grep .)" "$man_entries"
for code in $(sed -n 's/.*NETCHK_EXIT_[A-Z]* = \([0-9]\),.*/\1/p' "$SRC/netchk/netchk.h"); do
	check "man EXIT STATUS has $code" "sed -n '/^.SH EXIT STATUS/,/^.SH FILES/p' '$MAN' | grep -q '^\\.B $code\$'"
done
# completion runs under bash and offers what the table has
out=$(bash -c "source /usr/share/bash-completion/bash_completion; source '$COMP';
	COMP_WORDS=(netchk verify --pat); COMP_CWORD=2; COMP_LINE='netchk verify --pat'; COMP_POINT=\${#COMP_LINE};
	_netchk 2>/dev/null; echo \"\${COMPREPLY[*]}\"")
check "bash completes --pat to --path" "[[ '$out' == '--path' ]]"
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
out=$(PATH="$(dirname "$BIN"):$PATH" fish -c "source '$FISH'; complete -C 'netchk verify --pat'" | cut -f1)
check "fish completes --pat to --path" "[[ '$out' == '--path' ]]"
# libsc(3) names every public function of the installed headers
for fn in $(sed -n 's/^[a-z].*[ *]\(sc_[a-z0-9_]*\)(.*/\1/p' "$SRC"/include/sc/explain.h "$SRC"/include/sc/status.h | sort -u); do
	check "libsc.3 documents $fn" "grep -q '$fn' '$LIBMAN'"
done
check "explain --list names every curated NTSTATUS of the man page" \
	"[[ \$('$BIN' explain --list | grep -c '^ntstatus') -ge 19 ]]"
echo "$pass passed, $fail failed"
((fail == 0))
