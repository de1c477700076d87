# bash completion for netchk                                 -*- shell-script -*-

_netchk()
{
    local cur prev words cword
    _init_completion -s || return

    local verbs="verify"
    local global_opts="--help --version"
    local verify_opts="--configfile --keytab --server --path --timeout --json
        --recheck --state-dir --quiet --help"

    local verb="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            verify) verb=${words[i]}; break ;;
        esac
    done

    if [[ -z $verb ]]; then
        COMPREPLY=($(compgen -W "$verbs $global_opts" -- "$cur"))
        return
    fi

    case $prev in
        --configfile|-s) _filedir conf; return ;;
        --keytab|-k) _filedir; return ;;
        --state-dir) _filedir -d; return ;;
        --server|-S) _known_hosts_real -- "$cur"; return ;;
        --timeout|-t) COMPREPLY=($(compgen -W "2 5 10 30" -- "$cur")); return ;;
        --path|-p)
            local prefix=${cur%,*}
            [[ $prefix == "$cur" ]] && prefix="" || prefix="$prefix,"
            COMPREPLY=($(compgen -P "$prefix" -W "netlogon kerberos ldap" -- "${cur##*,}"))
            compopt -o nospace
            return ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$verify_opts" -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    fi
} &&
    complete -F _netchk netchk
