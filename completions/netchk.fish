# fish completion for netchk

function __netchk_verb
    for t in (commandline -opc)[2..-1]
        switch $t
            case verify reset check audit explain
                echo $t
                return 0
        end
    end
    return 1
end

function __netchk_using
    test (__netchk_verb; or echo) = "$argv[1]"
end

# explain: event IDs after "event", else the curated names - from netchk.
function __netchk_explain_words
    set -l tokens (commandline -opc)
    set -l list ($tokens[1] explain --list 2>/dev/null)
    if string match -qi event -- $tokens[-1]
        for l in $list
            set -l f (string split -n ' ' -- $l)
            test "$f[1]" = event; and echo $f[2]
        end
        return
    end
    printf '%s\n' event krb5
    for l in $list
        set -l f (string split -n ' ' -- $l)
        switch $f[1]
            case ntstatus krb5
                echo $f[3]
            case diagnosis
                echo $f[2]
        end
    end
end

complete -c netchk -f
complete -c netchk -n 'not __netchk_verb' -a verify -d 'prove the stored machine secret against the DC'
complete -c netchk -n 'not __netchk_verb' -a reset -d 'repair the machine secret'
complete -c netchk -n 'not __netchk_verb' -a check -d 'monitoring health check'
complete -c netchk -n 'not __netchk_verb' -a audit -d 'every computer account of the domain'
complete -c netchk -n 'not __netchk_verb' -a explain -d 'what a code means for the trust'
complete -c netchk -n 'not __netchk_verb' -l help -d 'show the verbs'
complete -c netchk -n 'not __netchk_verb' -l version -d 'show the version'

# verify
complete -c netchk -n '__netchk_using verify' -s s -l configfile -r -F -d 'smb.conf to read'
complete -c netchk -n '__netchk_using verify' -s k -l keytab -r -F -d 'keytab to check (repeatable)'
complete -c netchk -n '__netchk_using verify' -s S -l server -x -a '(__fish_print_hostnames)' -d 'DC to verify against'
complete -c netchk -n '__netchk_using verify' -l site -x -d 'AD site of this host, its DCs first'
complete -c netchk -n '__netchk_using verify' -s p -l path -x -a 'netlogon kerberos ldap netlogon,kerberos kerberos,ldap netlogon,kerberos,ldap' -d 'paths to verify'
complete -c netchk -n '__netchk_using verify' -s t -l timeout -x -a '2 5 10 30' -d 'seconds per exchange'
complete -c netchk -n '__netchk_using verify' -s j -l json -d 'one JSON object'
complete -c netchk -n '__netchk_using verify' -l recheck -d 'present rejected secrets again'
complete -c netchk -n '__netchk_using verify' -l all-dcs -d 'every DC in DNS at once'
complete -c netchk -n '__netchk_using verify' -l state-dir -r -a '(__fish_complete_directories)' -d 'lockout memory'
complete -c netchk -n '__netchk_using verify' -s q -l quiet -d 'no step narration'
complete -c netchk -n '__netchk_using verify' -l help -d 'show the options'

# reset
complete -c netchk -n '__netchk_using reset' -s s -l configfile -r -F -d 'smb.conf to read'
complete -c netchk -n '__netchk_using reset' -s k -l keytab -r -F -d 'keytab to repair (repeatable)'
complete -c netchk -n '__netchk_using reset' -s S -l server -x -a '(__fish_print_hostnames)' -d 'DC to change on'
complete -c netchk -n '__netchk_using reset' -s t -l timeout -x -a '2 5 10 30' -d 'seconds per exchange'
complete -c netchk -n '__netchk_using reset' -s n -l dry-run -d 'print the plan, change nothing'
complete -c netchk -n '__netchk_using reset' -s f -l force -d 'rotate even when healthy'
complete -c netchk -n '__netchk_using reset' -s j -l json -d 'one JSON object'
complete -c netchk -n '__netchk_using reset' -l enable -d 're-enable a disabled account (needs -U)'
complete -c netchk -n '__netchk_using reset' -s U -l user -x -d 'administrator'
complete -c netchk -n '__netchk_using reset' -l password-file -r -F -d 'administrator password file'
complete -c netchk -n '__netchk_using reset' -l use-ccache -d 'administrator Kerberos ticket from KRB5CCNAME'
complete -c netchk -n '__netchk_using reset' -l no-restart -d 'do not restart winbind / sssd'
complete -c netchk -n '__netchk_using reset' -l restart-command -x -a '(__fish_complete_command)' -d 'restart command'
complete -c netchk -n '__netchk_using reset' -l state-dir -r -a '(__fish_complete_directories)' -d 'state directory'
complete -c netchk -n '__netchk_using reset' -l recheck -d 'present rejected secrets again'
complete -c netchk -n '__netchk_using reset' -s q -l quiet -d 'no step narration'
complete -c netchk -n '__netchk_using reset' -l help -d 'show the options'

# check
complete -c netchk -n '__netchk_using check' -s s -l configfile -r -F -d 'smb.conf to read'
complete -c netchk -n '__netchk_using check' -s k -l keytab -r -F -d 'keytab to check (repeatable)'
complete -c netchk -n '__netchk_using check' -s H -l server -x -a '(__fish_print_hostnames)' -d 'DC to check against'
complete -c netchk -n '__netchk_using check' -l site -x -d 'AD site of this host, its DCs first'
complete -c netchk -n '__netchk_using check' -s t -l timeout -x -a '3 5 10 30' -d 'time limit of the whole check'
complete -c netchk -n '__netchk_using check' -s w -l warning -x -d 'password age range'
complete -c netchk -n '__netchk_using check' -s c -l critical -x -d 'password age range'
complete -c netchk -n '__netchk_using check' -l clock-warning -x -d 'clock offset range'
complete -c netchk -n '__netchk_using check' -l clock-critical -x -d 'clock offset range'
complete -c netchk -n '__netchk_using check' -l format -x -a 'nagios prometheus' -d 'output format'
complete -c netchk -n '__netchk_using check' -l textfile -r -a '(__fish_complete_directories)' -d 'node_exporter textfile dir'
complete -c netchk -n '__netchk_using check' -l cached -d 'report the last timer run'
complete -c netchk -n '__netchk_using check' -l all-dcs -d 'every DC in DNS at once, replication lag'
complete -c netchk -n '__netchk_using check' -l status-file -r -F -d 'status file'
complete -c netchk -n '__netchk_using check' -l state-dir -r -a '(__fish_complete_directories)' -d 'lockout memory'
complete -c netchk -n '__netchk_using check' -l recheck -d 'present rejected secrets again'
complete -c netchk -n '__netchk_using check' -s v -l verbose -d 'more detail'
complete -c netchk -n '__netchk_using check' -s h -l help -d 'show the options'
complete -c netchk -n '__netchk_using check' -s V -l version -d 'show the version'

# explain
complete -c netchk -n '__netchk_using explain' -s j -l json -d 'one JSON object'
complete -c netchk -n '__netchk_using explain' -s l -l list -d 'every curated entry'
complete -c netchk -n '__netchk_using explain' -l help -d 'show the options'
complete -c netchk -n '__netchk_using explain' -a '(__netchk_explain_words)'

# verify, reset, check: other hosts over ssh, other accounts
complete -c netchk -n '__netchk_using verify' -l account -x -d 'another machine account of this domain'
complete -c netchk -n '__netchk_using verify' -l hosts -r -F -d 'run on every host of FILE over ssh'
complete -c netchk -n '__netchk_using verify' -l parallel -x -a '1 5 10 50' -d 'ssh sessions at once'
complete -c netchk -n '__netchk_using verify' -l deadline -x -a '30 60 120' -d 'seconds for the whole run'
complete -c netchk -n '__netchk_using verify' -l ssh-config -r -F -d 'ssh -F file for remote runs'
complete -c netchk -n '__netchk_using verify' -l remote-command -r -F -d 'netchk on the remote hosts'
complete -c netchk -n '__netchk_using reset' -l account -x -d 'another machine account of this domain'
complete -c netchk -n '__netchk_using reset' -l hosts -r -F -d 'run on every host of FILE over ssh'
complete -c netchk -n '__netchk_using reset' -l parallel -x -a '1 5 10 50' -d 'ssh sessions at once'
complete -c netchk -n '__netchk_using reset' -l deadline -x -a '30 60 120' -d 'seconds for the whole remote run'
complete -c netchk -n '__netchk_using reset' -l ssh-config -r -F -d 'ssh -F file for remote runs'
complete -c netchk -n '__netchk_using reset' -l remote-command -r -F -d 'netchk on the remote hosts'
complete -c netchk -n '__netchk_using check' -l account -x -d 'another machine account of this domain'
complete -c netchk -n '__netchk_using check' -l hosts -r -F -d 'run on every host of FILE over ssh'
complete -c netchk -n '__netchk_using check' -l parallel -x -a '1 5 10 50' -d 'ssh sessions at once'
complete -c netchk -n '__netchk_using check' -l deadline -x -a '30 60 120' -d 'seconds for the whole remote run'
complete -c netchk -n '__netchk_using check' -l ssh-config -r -F -d 'ssh -F file for remote runs'
complete -c netchk -n '__netchk_using check' -l remote-command -r -F -d 'netchk on the remote hosts'
# audit
complete -c netchk -n '__netchk_using audit' -l max-age -x -a '30d 45d 60d 90d' -d 'a password older is stale'
complete -c netchk -n '__netchk_using audit' -l format -x -a 'text json csv prometheus' -d 'output format'
complete -c netchk -n '__netchk_using audit' -l csv -d 'one CSV row per finding'
complete -c netchk -n '__netchk_using audit' -s j -l json -d 'one JSON object'
complete -c netchk -n '__netchk_using audit' -l page-size -x -a '100 500 1000' -d 'accounts per page'
complete -c netchk -n '__netchk_using audit' -s U -l user -x -d 'bind as this administrator'
complete -c netchk -n '__netchk_using audit' -l password-file -r -F -d 'administrator password file'
complete -c netchk -n '__netchk_using audit' -l use-ccache -d 'administrator Kerberos ticket from KRB5CCNAME'
complete -c netchk -n '__netchk_using audit' -s s -l configfile -r -F -d 'smb.conf to read'
complete -c netchk -n '__netchk_using audit' -s k -l keytab -r -F -d 'the machine keytab'
complete -c netchk -n '__netchk_using audit' -s S -l server -x -a '(__fish_print_hostnames)' -d 'DC to read from'
complete -c netchk -n '__netchk_using audit' -s t -l timeout -x -a '2 5 10 30' -d 'seconds per exchange'
complete -c netchk -n '__netchk_using audit' -s q -l quiet -d 'no step narration'
complete -c netchk -n '__netchk_using audit' -l help -d 'show the options'
