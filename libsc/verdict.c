/*
 * libsc - from what the DC said to what is wrong and what repairs it
 *
 * Pure functions of the probe results and the local stores: no I/O, so
 * unit tests can feed every combination.
 *
 * The layer that fails first decides the NTSTATUS (FIELD-NOTES 7): netlogon
 * answers 0xC000018B NO_TRUST_SAM_ACCOUNT for a deleted *and* a disabled
 * account, so the Kerberos answer (C_PRINCIPAL_UNKNOWN vs CLIENT_REVOKED
 * with 0xC0000072 in the e-data) and the LDAP view tell them apart.
 */
#include <stdlib.h>
#include <string.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define NT_STATUS_ACCOUNT_DISABLED	0xC0000072u
#define NT_STATUS_NO_TRUST_SAM_ACCOUNT	0xC000018Bu
#define NT_STATUS_NO_SUCH_USER		0xC0000064u
#define NT_STATUS_TIME_DIFFERENCE_AT_DC	0xC0000133u
#define UF_ACCOUNTDISABLE		0x0002u
#define SCI_MAX_SKEW			300

static const struct {
	const char *name;
	const char *text;
} diag_table[SC_DIAG_COUNT] = {
	[SC_DIAG_HEALTHY] = { "healthy",
		"the DC accepts the stored machine secret on every path "
		"tested" },
	[SC_DIAG_PREVIOUS_ONLY] = { "previous-only",
		"the DC accepts only the previous machine password: a "
		"password change never reached this DC, or secrets.tdb was "
		"changed behind its back" },
	[SC_DIAG_KEYTAB_STALE] = { "keytab-stale",
		"secrets.tdb is good but the keytab holds old keys: Kerberos "
		"users of this host (sssd, ssh GSSAPI, NFS) fail while "
		"'net ads testjoin' still says the join is OK" },
	[SC_DIAG_KEYTAB_MISSING] = { "keytab-missing",
		"the keytab has no keys for the machine account" },
	[SC_DIAG_KEYTAB_EXTRA] = { "keytab-extra",
		"the trust works, but the keytab also holds keys that match "
		"neither the current nor the previous password" },
	[SC_DIAG_SECRETS_STALE] = { "secrets-stale",
		"the keytab is good but the DC rejects the password in "
		"secrets.tdb (restored from a backup, or a change that was "
		"not saved): winbind cannot set up its secure channel" },
	[SC_DIAG_ALL_REJECTED] = { "all-rejected",
		"the DC rejects every secret this host holds: the machine "
		"password was changed or reset on the DC side" },
	[SC_DIAG_ACCOUNT_DELETED] = { "account-deleted",
		"the machine account no longer exists on the DC" },
	[SC_DIAG_ACCOUNT_DISABLED] = { "account-disabled",
		"the machine account is disabled on the DC" },
	[SC_DIAG_ACCOUNT_GONE] = { "account-gone",
		"the DC has no usable trust account for this host (deleted "
		"or disabled; no Kerberos or LDAP answer to tell which)" },
	[SC_DIAG_CLOCK_SKEW] = { "clock-skew",
		"this host's clock differs from the DC's by more than "
		"Kerberos allows: every ticket fails, whatever the password" },
	[SC_DIAG_DC_UNREACHABLE] = { "dc-unreachable",
		"the DC did not answer: nothing could be verified" },
	[SC_DIAG_NO_SECRET] = { "no-secret",
		"this host holds no machine secret: it is not joined" },
	[SC_DIAG_DC_NOT_FOUND] = { "dc-not-found",
		"no domain controller was found in DNS" },
};

static const struct {
	const char *name;
	const char *text;
} repair_table[SC_REPAIR_COUNT] = {
	[SC_REPAIR_NONE] = { "none", "nothing to do" },
	[SC_REPAIR_REWRITE_KEYTAB] = { "rewrite-keytab",
		"rewrite the keytab from the good secrets.tdb password "
		"('netchk reset'); no change on the DC is needed" },
	[SC_REPAIR_CHANGE_PASSWORD] = { "change-password",
		"change the machine password with the secret the DC still "
		"accepts, then update every store ('netchk reset')" },
	[SC_REPAIR_ADMIN_RESET] = { "admin-reset",
		"reset the machine password with administrator credentials "
		"('netchk reset -U ADMIN', or 'net ads join -U ADMIN')" },
	[SC_REPAIR_REJOIN] = { "rejoin",
		"rejoin the domain ('net ads join -U ADMIN'): a reset "
		"cannot bring back a deleted account" },
	[SC_REPAIR_ENABLE_ACCOUNT] = { "enable-account",
		"find out why the account was disabled; if it should be "
		"back, enable it ('samba-tool user enable HOST$', or Active "
		"Directory Users and Computers)" },
	[SC_REPAIR_FIX_TIME] = { "fix-time",
		"fix the clock (chrony/ntpd/systemd-timesyncd against the "
		"DCs); do not reset the password" },
	[SC_REPAIR_FIX_NETWORK] = { "fix-network",
		"make the DC reachable (is it up? firewall on 88, 135, 389, "
		"445 and the RPC ports?); do not reset the password" },
	[SC_REPAIR_FIX_DNS] = { "fix-dns",
		"fix DNS: the host must resolve the domain's SRV records "
		"(_ldap._tcp.dc._msdcs), or name a DC with --server" },
};

const char *sc_diag_name(enum sc_diag d)
{
	return d < SC_DIAG_COUNT ? diag_table[d].name : "?";
}

const char *sc_diag_text(enum sc_diag d)
{
	return d < SC_DIAG_COUNT ? diag_table[d].text : "?";
}

const char *sc_repair_name(enum sc_repair r)
{
	return r < SC_REPAIR_COUNT ? repair_table[r].name : "?";
}

const char *sc_repair_text(enum sc_repair r)
{
	return r < SC_REPAIR_COUNT ? repair_table[r].text : "?";
}

/* The answers of one path, in a form the rules below can read. */
struct answers {
	bool any;		/* some secret was presented on this path */
	bool reached;		/* the DC answered (accept or reject) */
	bool accepted;
	bool unreachable;
	bool has_nt;
	uint32_t nt;		/* first rejection's NTSTATUS */
	bool has_krb5;
	int32_t krb5;		/* first rejection's krb5 code */
};

static void note(struct answers *a, const struct sc_attempt *t)
{
	switch (t->outcome) {
	case SC_OUTCOME_ACCEPTED:
		a->any = a->reached = a->accepted = true;
		break;
	case SC_OUTCOME_REJECTED:
	case SC_OUTCOME_REMEMBERED:
		a->any = a->reached = true;
		if (!a->has_nt && t->has_ntstatus) {
			a->has_nt = true;
			a->nt = t->ntstatus;
		}
		if (!a->has_krb5 && t->has_krb5) {
			a->has_krb5 = true;
			a->krb5 = t->krb5_code;
		}
		break;
	case SC_OUTCOME_UNREACHABLE:
		a->any = a->unreachable = true;
		break;
	default:
		break;
	}
}

static const struct sc_attempt *find(const struct sc_dc_report *r,
				     enum sc_path path, enum sc_cand cand)
{
	for (size_t i = 0; i < r->attempt_count; i++)
		if (r->attempts[i].path == path && r->attempts[i].cand == cand)
			return &r->attempts[i];
	return NULL;
}

static bool rejected(const struct sc_attempt *t)
{
	return t != NULL && (t->outcome == SC_OUTCOME_REJECTED ||
			     t->outcome == SC_OUTCOME_REMEMBERED);
}

static bool keytab_has_kvno(const struct sc_keytab *kt, uint32_t kvno)
{
	for (size_t i = 0; kt != NULL && i < kt->count; i++)
		if (kt->entries[i].kvno == kvno)
			return true;
	return false;
}

static bool keytab_has_unmatched(const struct sc_keytab *kt)
{
	for (size_t i = 0; kt != NULL && i < kt->count; i++)
		if (kt->entries[i].match == SC_KEY_MATCH_NONE)
			return true;
	return false;
}

static struct sc_verdict mk(enum sc_health h, enum sc_diag d,
			    enum sc_repair r, const struct sc_dc_report *rep)
{
	struct sc_verdict v = { h, d, r, rep != NULL ? rep->dc.name : NULL };

	return v;
}

struct sc_verdict sc_verdict_compute(const struct sc_dc_report *rep,
				     const struct sc_secrets *secrets,
				     const struct sc_keytab *keytab)
{
	struct answers nl = { 0 }, kr = { 0 };
	const struct sc_attempt *nl_cur, *nl_prev, *kr_top = NULL;
	const struct sc_ldap_result *ldap = rep->ldap;
	bool have_pw = secrets != NULL && secrets->current != NULL;
	bool have_kt = keytab != NULL && keytab->count > 0;
	uint32_t top = have_kt ? sc_keytab_max_kvno(keytab) : 0;
	bool disabled = false, deleted = false, gone = false;

	for (size_t i = 0; i < rep->attempt_count; i++) {
		const struct sc_attempt *t = &rep->attempts[i];

		if (t->path == SC_PATH_NETLOGON)
			note(&nl, t);
		else if (t->path == SC_PATH_KERBEROS) {
			note(&kr, t);
			if (t->kvno == top && kr_top == NULL)
				kr_top = t;
		}
	}
	nl_cur = find(rep, SC_PATH_NETLOGON, SC_CAND_CURRENT);
	nl_prev = find(rep, SC_PATH_NETLOGON, SC_CAND_PREVIOUS);

	/* 1. Nothing to present. */
	if (!have_pw && !have_kt)
		return mk(SC_HEALTH_BROKEN, SC_DIAG_NO_SECRET,
			  SC_REPAIR_REJOIN, rep);

	/* 2. Nobody answered. */
	if (!nl.reached && !kr.reached && (ldap == NULL || !ldap->reached))
		return mk(SC_HEALTH_UNKNOWN, SC_DIAG_DC_UNREACHABLE,
			  SC_REPAIR_FIX_NETWORK, rep);

	/* 3. Time before passwords: a skew is never a bad password. */
	if ((kr.has_krb5 && kr.krb5 == KRB5KRB_AP_ERR_SKEW) ||
	    (kr.has_nt && kr.nt == NT_STATUS_TIME_DIFFERENCE_AT_DC) ||
	    (ldap != NULL && ldap->have_time &&
	     llabs(ldap->clock_offset) > SCI_MAX_SKEW))
		return mk(SC_HEALTH_BROKEN, SC_DIAG_CLOCK_SKEW,
			  SC_REPAIR_FIX_TIME, rep);

	/* 4. The account itself. */
	if ((kr.has_nt && kr.nt == NT_STATUS_ACCOUNT_DISABLED) ||
	    (kr.has_krb5 && kr.krb5 == KRB5KDC_ERR_CLIENT_REVOKED) ||
	    (ldap != NULL && ldap->bound && ldap->account.found &&
	     (ldap->account.uac & UF_ACCOUNTDISABLE)))
		disabled = true;
	else if ((kr.has_krb5 && kr.krb5 == KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN) ||
		 (ldap != NULL && ldap->bound && !ldap->account.found))
		deleted = true;
	else if ((nl.has_nt && (nl.nt == NT_STATUS_NO_TRUST_SAM_ACCOUNT ||
				nl.nt == NT_STATUS_NO_SUCH_USER)) &&
		 !nl.accepted)
		gone = true;
	if (disabled)
		return mk(SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_DISABLED,
			  SC_REPAIR_ENABLE_ACCOUNT, rep);
	if (deleted)
		return mk(SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_DELETED,
			  SC_REPAIR_REJOIN, rep);
	if (gone)
		return mk(SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_GONE,
			  SC_REPAIR_REJOIN, rep);

	/* 5. secrets.tdb's current password works. */
	if (nl_cur != NULL && nl_cur->outcome == SC_OUTCOME_ACCEPTED) {
		if (!rep->path_run[SC_PATH_KERBEROS])
			return mk(SC_HEALTH_OK, SC_DIAG_HEALTHY,
				  SC_REPAIR_NONE, rep);
		if (!have_kt)
			return mk(SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_MISSING,
				  SC_REPAIR_REWRITE_KEYTAB, rep);
		if (kr_top != NULL && rejected(kr_top))
			return mk(SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_STALE,
				  SC_REPAIR_REWRITE_KEYTAB, rep);
		/* The right keys under the wrong kvno break every acceptor. */
		if (ldap != NULL && ldap->bound && ldap->account.has_kvno &&
		    !keytab_has_kvno(keytab, ldap->account.kvno))
			return mk(SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_STALE,
				  SC_REPAIR_REWRITE_KEYTAB, rep);
		if (kr_top == NULL || kr_top->outcome != SC_OUTCOME_ACCEPTED)
			return mk(SC_HEALTH_WARNING, SC_DIAG_DC_UNREACHABLE,
				  SC_REPAIR_FIX_NETWORK, rep);
		if (keytab_has_unmatched(keytab))
			return mk(SC_HEALTH_WARNING, SC_DIAG_KEYTAB_EXTRA,
				  SC_REPAIR_REWRITE_KEYTAB, rep);
		return mk(SC_HEALTH_OK, SC_DIAG_HEALTHY, SC_REPAIR_NONE, rep);
	}

	/* 6. Only the previous password works. */
	if (nl_prev != NULL && nl_prev->outcome == SC_OUTCOME_ACCEPTED)
		return mk(SC_HEALTH_WARNING, SC_DIAG_PREVIOUS_ONLY,
			  SC_REPAIR_CHANGE_PASSWORD, rep);

	/* 7. Netlogon refused secrets.tdb (or was not asked). */
	if (kr_top != NULL && kr_top->outcome == SC_OUTCOME_ACCEPTED) {
		/* Kerberos alone was asked for: it is the whole answer. */
		if (!rep->path_run[SC_PATH_NETLOGON]) {
			if (have_pw && keytab_has_unmatched(keytab))
				return mk(SC_HEALTH_WARNING,
					  SC_DIAG_KEYTAB_EXTRA,
					  SC_REPAIR_REWRITE_KEYTAB, rep);
			return mk(SC_HEALTH_OK, SC_DIAG_HEALTHY,
				  SC_REPAIR_NONE, rep);
		}
		/* secrets.tdb read, but it holds no password */
		if (!have_pw)
			return mk(SC_HEALTH_BROKEN, SC_DIAG_SECRETS_STALE,
				  SC_REPAIR_CHANGE_PASSWORD, rep);
		if (nl.unreachable && !nl.reached)
			return mk(SC_HEALTH_WARNING, SC_DIAG_DC_UNREACHABLE,
				  SC_REPAIR_FIX_NETWORK, rep);
		return mk(SC_HEALTH_BROKEN, SC_DIAG_SECRETS_STALE,
			  SC_REPAIR_CHANGE_PASSWORD, rep);
	}
	if (nl.reached || kr.reached)
		return mk(SC_HEALTH_BROKEN, SC_DIAG_ALL_REJECTED,
			  SC_REPAIR_ADMIN_RESET, rep);
	return mk(SC_HEALTH_UNKNOWN, SC_DIAG_DC_UNREACHABLE,
		  SC_REPAIR_FIX_NETWORK, rep);
}
