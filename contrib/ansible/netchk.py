#!/usr/bin/python3
# -*- coding: utf-8 -*-
# netchk Ansible module: verify, check or reset the machine account trust
# of an AD member.  Standard library + ansible only; copy it into a
# playbook's library/ directory (or ANSIBLE_LIBRARY).
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: netchk
short_description: Verify, check or repair the AD machine account trust of a host
description:
  - Runs C(netchk VERB --json) on the managed host and returns its JSON
    result as C(result) and as the fact C(netchk_VERB).
  - C(reset) reports C(changed) only when it changed something (the DC
    password, secrets.tdb, the keytab, or enabled the account).
  - Check mode runs C(reset --dry-run), which shows the plan and changes nothing.
    C(verify) and C(check) never change anything.
options:
  verb:
    description: What to run.
    choices: [verify, check, reset]
    default: verify
    type: str
  force:
    description: reset - rotate the password even when healthy (C(--force)).
    type: bool
    default: false
  timeout:
    description: Seconds per network exchange (C(--timeout)).
    type: int
  server:
    description: Use this DC only (C(--server)).
    type: str
  site:
    description: This host's AD site, its DCs first (verify, check).
    type: str
  all_dcs:
    description: Every DC in DNS at once (verify, check).
    type: bool
    default: false
  paths:
    description: verify - paths to test.
    type: list
    elements: str
    choices: [netlogon, kerberos, ldap]
  recheck:
    description: verify - present secrets rejected on earlier runs again.
    type: bool
    default: false
  account:
    description: Another machine account of this host's domain (C(--account)).
    type: str
  configfile:
    description: smb.conf to read (C(--configfile)).
    type: path
  keytab:
    description: The machine's keytab (C(--keytab)).
    type: str
  state_dir:
    description: netchk's state directory (C(--state-dir)).
    type: path
  admin_user:
    description: reset - administrator for an admin reset (C(-U)).
    type: str
  admin_password:
    description:
      - reset - that administrator's password; given to netchk on its
        standard input (C(--password-file=/dev/stdin)), never in argv.
    type: str
  enable:
    description: reset - re-enable a disabled account (needs admin_user).
    type: bool
    default: false
  restart:
    description: reset - restart winbind / sssd after a change.
    type: bool
    default: true
  restart_command:
    description: reset - run 'CMD SERVICE' instead of systemctl.
    type: str
  fail_on:
    description:
      - C(broken) fails the task when the trust is broken or undecided
        (exit 2 or 3), C(warning) also on a warning (exit 1), C(never)
        only when netchk gave no result at all.
    choices: [broken, warning, never]
    default: broken
    type: str
  netchk:
    description: The netchk binary (default netchk from PATH or /usr/sbin).
    type: path
author: netchk
'''

EXAMPLES = r'''
- name: Verify the trust of every member
  netchk:
    verb: verify
  register: trust

- name: Repair where needed (check mode shows the plan)
  netchk:
    verb: reset
    admin_user: administrator
    admin_password: "{{ vault_ad_admin_password }}"
'''

RETURN = r'''
result:
  description: netchk's JSON document (verify, reset), as netchk wrote it.
  returned: when netchk produced one
  type: dict
exit_code:
  description:
    - netchk's exit status (0 healthy, 1 warning, 2 broken, 3 undecided).
      Not named rc, which Ansible would take as the task's failure.
  type: int
status:
  description: ok, warning, broken or unknown (check - OK, WARNING, CRITICAL, UNKNOWN).
  type: str
diagnosis:
  description: The diagnosis (verify, reset).
  type: str
summary:
  description: check - the plugin's first line.
  type: str
'''

import json

from ansible.module_utils.basic import AnsibleModule

STATUS = {0: 'ok', 1: 'warning', 2: 'broken', 3: 'unknown'}
PLUGIN = {0: 'OK', 1: 'WARNING', 2: 'CRITICAL', 3: 'UNKNOWN'}


def common_args(p):
    """The options every verb shares, as netchk's argv."""
    args = []
    for name, opt in (('configfile', '--configfile'), ('keytab', '--keytab'),
                      ('state_dir', '--state-dir'), ('server', '--server'),
                      ('account', '--account')):
        if p[name] is not None:
            args.append('%s=%s' % (opt, p[name]))
    if p['timeout'] is not None:
        args.append('--timeout=%d' % p['timeout'])
    return args


def verb_args(p, check_mode):
    """The verb and its own options; the password never goes in here."""
    verb = p['verb']
    if verb == 'check':
        args = ['check']
    else:
        args = [verb, '--json']
    if verb in ('verify', 'check'):
        if p['site'] is not None:
            args.append('--site=%s' % p['site'])
        if p['all_dcs']:
            args.append('--all-dcs')
    if verb == 'verify':
        if p['paths']:
            args.append('--path=%s' % ','.join(p['paths']))
        if p['recheck']:
            args.append('--recheck')
    if verb == 'reset':
        if check_mode:
            args.append('--dry-run')
        if p['force']:
            args.append('--force')
        if p['enable']:
            args.append('--enable')
        if not p['restart']:
            args.append('--no-restart')
        if p['restart_command'] is not None:
            args.append('--restart-command=%s' % p['restart_command'])
        if p['admin_user'] is not None:
            args.append('--user=%s' % p['admin_user'])
            if not check_mode:
                args.append('--password-file=/dev/stdin')
    return args


def reset_changed(doc):
    res = doc.get('result') or {}
    return any(bool(res.get(k)) for k in
               ('changed_dc', 'changed_secrets', 'changed_keytab', 'enabled'))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            verb=dict(type='str', default='verify',
                      choices=['verify', 'check', 'reset']),
            force=dict(type='bool', default=False),
            timeout=dict(type='int'),
            server=dict(type='str'),
            site=dict(type='str'),
            all_dcs=dict(type='bool', default=False),
            paths=dict(type='list', elements='str',
                       choices=['netlogon', 'kerberos', 'ldap']),
            recheck=dict(type='bool', default=False),
            account=dict(type='str'),
            configfile=dict(type='path'),
            keytab=dict(type='str'),
            state_dir=dict(type='path'),
            admin_user=dict(type='str'),
            admin_password=dict(type='str', no_log=True),
            enable=dict(type='bool', default=False),
            restart=dict(type='bool', default=True),
            restart_command=dict(type='str'),
            fail_on=dict(type='str', default='broken',
                         choices=['broken', 'warning', 'never']),
            netchk=dict(type='path'),
        ),
        required_by=dict(admin_password=('admin_user',)),
        supports_check_mode=True,
    )
    p = module.params
    if p['verb'] != 'reset' and (p['admin_user'] or p['force'] or p['enable']):
        module.fail_json(msg='admin_user, force and enable are for verb=reset')
    if p['admin_user'] is not None and p['admin_password'] is None \
            and not module.check_mode:
        module.fail_json(msg='admin_user needs admin_password (netchk reads '
                         'it on stdin; there is no prompt under Ansible)')
    binary = p['netchk'] or module.get_bin_path('netchk', required=True,
                                                opt_dirs=['/usr/sbin'])
    argv = [binary] + verb_args(p, module.check_mode) + common_args(p)
    data = None
    if p['verb'] == 'reset' and p['admin_user'] is not None \
            and not module.check_mode:
        data = p['admin_password']
    rc, out, err = module.run_command(argv, data=data, check_rc=False)

    ret = dict(exit_code=rc, changed=False, cmd=argv, stderr=err)
    if p['verb'] == 'check':
        ret['status'] = PLUGIN.get(rc, 'UNKNOWN')
        ret['summary'] = out.splitlines()[0] if out else ''
        ret['output'] = out
        ret['ansible_facts'] = dict(netchk_check=dict(
            exit_code=rc, status=ret['status'], summary=ret['summary']))
        have_result = bool(out)
    else:
        try:
            doc = json.loads(out) if out.strip() else None
        except ValueError:
            doc = None
        have_result = isinstance(doc, dict)
        if have_result:
            ret['result'] = doc
            ret['ansible_facts'] = {'netchk_' + p['verb']: doc}
            if p['verb'] == 'verify':
                verdict = doc.get('verdict') or {}
                ret['status'] = verdict.get('status')
                ret['diagnosis'] = verdict.get('diagnosis')
            else:
                last = doc.get('after') or doc.get('before') or {}
                ret['status'] = doc.get('status')
                ret['diagnosis'] = last.get('diagnosis')
                ret['changed'] = reset_changed(doc)
        else:
            ret['stdout'] = out
    if not have_result:
        module.fail_json(msg='netchk gave no result (exit %d): %s'
                         % (rc, err.strip().splitlines()[-1] if err.strip()
                            else 'no output'), **ret)
    limit = {'broken': 2, 'warning': 1, 'never': 4}[p['fail_on']]
    if rc >= limit:
        module.fail_json(msg='netchk %s: %s (exit %d)' % (
            p['verb'], ret.get('summary') or '%s %s' % (
                ret.get('status'), ret.get('diagnosis')), rc), **ret)
    module.exit_json(**ret)


if __name__ == '__main__':
    main()
