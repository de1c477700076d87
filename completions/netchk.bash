# bash completion for netchk                                 -*- shell-script -*-

_netchk()
{
    local cur prev words cword
    _init_completion -s || return

    local verbs="verify reset check audit explain"
    local global_opts="--help --version"
    local verify_opts="--configfile --keytab --server --site --path --timeout --json
        --recheck --all-dcs --state-dir --quiet --help
        --account --hosts --parallel --deadline --ssh-config --remote-command"
    local reset_opts="--configfile --keytab --server --timeout --dry-run
        --force --json --enable --user --password-file --use-ccache --no-restart --restart-command
        --state-dir --recheck --quiet --help
        --account --hosts --parallel --deadline --ssh-config --remote-command"
    local explain_opts="--json --list --help"
    local audit_opts="--max-age --format --csv --page-size --user
        --password-file --use-ccache --configfile --keytab --server --timeout
        --json --quiet --help"
    local check_opts="--configfile --keytab --server --site --timeout --warning
        --critical --clock-warning --clock-critical --format --textfile
        --cached --status-file --state-dir --recheck --all-dcs --verbose --help
        --version
        --account --hosts --parallel --deadline --ssh-config --remote-command"

    local verb="" i
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            verify|reset|check|audit|explain) verb=${words[i]}; break ;;
        esac
    done

    if [[ -z $verb ]]; then
        COMPREPLY=($(compgen -W "$verbs $global_opts" -- "$cur"))
        return
    fi

    # explain: options, then event IDs after "event", else the names of
    # the curated codes and diagnoses - asked from netchk itself.
    if [[ $verb == explain ]]; then
        local list
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$explain_opts" -- "$cur"))
            return
        fi
        list=$("${words[0]}" explain --list 2>/dev/null)
        if [[ $prev == [Ee]vent ]]; then
            COMPREPLY=($(compgen -W "$(awk '$1 == "event" { print $2 }' <<<"$list")" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "event krb5 $(awk '$1 == "ntstatus" || $1 == "krb5" { print $3 }
                $1 == "diagnosis" { print $2 }' <<<"$list")" -- "$cur"))
        fi
        return
    fi

    case $prev in
        --configfile|-s) _filedir conf; return ;;
        --keytab|-k) _filedir; return ;;
        --state-dir|--textfile) _filedir -d; return ;;
        --status-file) _filedir; return ;;
        --format)
            if [[ $verb == audit ]]; then
                COMPREPLY=($(compgen -W "text json csv prometheus" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "nagios prometheus" -- "$cur"))
            fi
            return ;;
        --max-age) COMPREPLY=($(compgen -W "30d 45d 60d 90d" -- "$cur")); return ;;
        --page-size) COMPREPLY=($(compgen -W "100 500 1000" -- "$cur")); return ;;
        --warning|-w|--critical|-c|--clock-warning|--clock-critical) return ;;
        --password-file) _filedir; return ;;
        --restart-command) COMPREPLY=($(compgen -c -- "$cur")); return ;;
        --user|-U) return ;;
        --server|-S|-H) _known_hosts_real -- "$cur"; return ;;
        --site|--account|--parallel|--deadline) return ;;
        --hosts|--ssh-config) _filedir; return ;;
        --remote-command) COMPREPLY=($(compgen -c -- "$cur")); return ;;
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
        local opts=$verify_opts
        [[ $verb == reset ]] && opts=$reset_opts
        [[ $verb == check ]] && opts=$check_opts
        [[ $verb == audit ]] && opts=$audit_opts
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    else
        # HOST: another machine, reached over ssh
        _known_hosts_real -- "$cur"
    fi
} &&
    complete -F _netchk netchk
