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

/*
 * The names and texts of diagnoses and repairs (sc_diag_name(),
 * sc_diag_text(), sc_repair_name(), sc_repair_text()) live in the explain
 * knowledge base (explain.c), so verify and explain say the same words.
 */

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

/*
 * Did the keytab's keys of kvno top open a service ticket the DC made
 * under kvno?  Then they are the DC's current keys, not merely keys its
 * KDC takes in an AS exchange (a DC may take the previous password's
 * there).  An acceptor that names itself finds no key of the ticket's
 * kvno (not ok), but the key of top opened it (opened_kvno).
 */
static bool opened_at(const struct sc_dc_report *rep,
		      const struct sc_keytab *kt, uint32_t kvno, uint32_t top)
{
	for (size_t i = 0; i < rep->acceptor_count; i++) {
		const struct sc_acceptor *a = &rep->acceptors[i];

		if ((a->ok || (top != 0 && a->opened_kvno == top)) &&
		    a->kvno == kvno &&
		    a->keytab != NULL &&
		    kt->name != NULL && strcmp(a->keytab, kt->name) == 0)
			return true;
	}
	return false;
}

/*
 * The keytab's newest keys are the DC's (top_ok: accepted, and they open
 * the DC's service tickets of its kvno) but labelled with a kvno below
 * the account's msDS-KeyVersionNumber: the same password set twice moves
 * the kvno on and leaves the key.  kinit -k works; an acceptor of a
 * named principal looks the key up by the ticket's kvno and fails.
 */
static bool kvno_behind(const struct sc_dc_report *rep,
			const struct sc_keytab *kt, uint32_t top, bool top_ok)
{
	const struct sc_ldap_result *ldap = rep->ldap;

	return top_ok && ldap != NULL && ldap->bound &&
	       ldap->account.has_kvno && ldap->account.kvno > top &&
	       opened_at(rep, kt, ldap->account.kvno, top);
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
	if ((kr.has_krb5 && sci_krb5_is_skew(kr.krb5)) ||
	    (kr.has_nt && kr.nt == NT_STATUS_TIME_DIFFERENCE_AT_DC) ||
	    (ldap != NULL && ldap->have_time &&
	     llabs(ldap->clock_offset) >
	     (rep->max_skew > 0 ? rep->max_skew : SCI_MAX_SKEW)))
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
		/* keytab only (netlogon took its RC4 key): no password to
		 * rewrite from, the keys themselves are right */
		if (!have_pw && kvno_behind(rep, keytab, top, kr_top != NULL &&
					    kr_top->outcome ==
					    SC_OUTCOME_ACCEPTED))
			return mk(SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_KVNO,
				  SC_REPAIR_RELABEL_KEYTAB, rep);
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
			if (!have_pw && kvno_behind(rep, keytab, top, true))
				return mk(SC_HEALTH_BROKEN,
					  SC_DIAG_KEYTAB_KVNO,
					  SC_REPAIR_RELABEL_KEYTAB, rep);
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
