/*
 * libsc - from a verify result to the smallest repair (pure)
 *
 * NETDOM /RESET "resets secure channels only if required"; we go one step
 * further and pick the smallest change that makes every path healthy: a
 * keytab rewrite needs no DC change at all, a password change with the
 * secret the DC still accepts needs no administrator, and only a DC that
 * rejects everything needs administrator credentials.  Problems that a
 * password change cannot fix (time, network, DNS, a deleted or disabled
 * account) change nothing.
 */
#include <stdlib.h>
#include <string.h>
#include "reset-private.h"

/* Samba's and MIT's default clockskew, as verdict.c judges it. */
#define MAX_SKEW 300

static const char *const action_names[] = {
	[SC_PLAN_NOTHING] = "nothing",
	[SC_PLAN_REWRITE_KEYTAB] = "rewrite-keytab",
	[SC_PLAN_CHANGE_OWN] = "change-password",
	[SC_PLAN_CHANGE_ADMIN] = "admin-reset",
	[SC_PLAN_REFUSE] = "refuse",
	[SC_PLAN_ENABLE] = "enable-account",
};

static const char *const step_names[SC_STEP_COUNT] = {
	[SC_STEP_READ_KVNO] = "read-kvno",
	[SC_STEP_JOURNAL] = "journal",
	[SC_STEP_CHANGE_DC] = "change-dc",
	[SC_STEP_VERIFY_NEW] = "verify-new",
	[SC_STEP_WRITE_SECRETS] = "write-secrets",
	[SC_STEP_WRITE_KEYTAB] = "write-keytab",
	[SC_STEP_CLEAR_JOURNAL] = "clear-journal",
	[SC_STEP_VERIFY_AFTER] = "verify-after",
	[SC_STEP_ENABLE] = "enable-account",
	[SC_STEP_ALIGN_SECRETS] = "align-secrets",
	[SC_STEP_RELABEL_KEYTAB] = "relabel-keytab",
};

const char *sc_plan_action_name(enum sc_plan_action a)
{
	return a <= SC_PLAN_ENABLE ? action_names[a] : "?";
}

static const char *const cred_names[] = {
	[SC_PLAN_CRED_NONE] = "none",
	[SC_PLAN_CRED_CURRENT] = "current",
	[SC_PLAN_CRED_PREVIOUS] = "previous",
	[SC_PLAN_CRED_KEYTAB] = "keytab",
	[SC_PLAN_CRED_ADMIN] = "admin",
};

const char *sc_plan_cred_name(enum sc_plan_cred c)
{
	return c <= SC_PLAN_CRED_ADMIN ? cred_names[c] : "?";
}

const char *sc_step_name(enum sc_step s)
{
	return s < SC_STEP_COUNT ? step_names[s] : "?";
}

/* An administrator's LDAP modify; the verify after shows what is left. */
static const enum sc_step enable_steps[] = {
	SC_STEP_ENABLE, SC_STEP_VERIFY_AFTER,
};

static const enum sc_step keytab_steps[] = {
	SC_STEP_READ_KVNO, SC_STEP_WRITE_KEYTAB, SC_STEP_VERIFY_AFTER,
};

/* The keytab's own accepted keys, relabelled: nothing to journal. */
static const enum sc_step relabel_steps[] = {
	SC_STEP_READ_KVNO, SC_STEP_RELABEL_KEYTAB, SC_STEP_VERIFY_AFTER,
};

/* Journal first: a crash at any later step leaves a change to finish. */
static const enum sc_step change_steps[] = {
	SC_STEP_JOURNAL, SC_STEP_CHANGE_DC, SC_STEP_VERIFY_NEW,
	SC_STEP_WRITE_SECRETS, SC_STEP_WRITE_KEYTAB, SC_STEP_CLEAR_JOURNAL,
	SC_STEP_VERIFY_AFTER,
};

/* Only the previous password is accepted: secrets.tdb agrees with the
 * DC first (when 'net changesecretpw' can take that password). */
static const enum sc_step align_change_steps[] = {
	SC_STEP_ALIGN_SECRETS, SC_STEP_JOURNAL, SC_STEP_CHANGE_DC,
	SC_STEP_VERIFY_NEW, SC_STEP_WRITE_SECRETS, SC_STEP_WRITE_KEYTAB,
	SC_STEP_CLEAR_JOURNAL, SC_STEP_VERIFY_AFTER,
};

/* A host without secrets.tdb (realmd/adcli/sssd): the keytab is the
 * only store, as with 'adcli update'. */
static const enum sc_step keytab_change_steps[] = {
	SC_STEP_JOURNAL, SC_STEP_CHANGE_DC, SC_STEP_VERIFY_NEW,
	SC_STEP_WRITE_KEYTAB, SC_STEP_CLEAR_JOURNAL, SC_STEP_VERIFY_AFTER,
};

static bool set_steps(struct sc_plan *p, const enum sc_step *s, size_t n)
{
	p->step_count = n;
	if (n == 0)
		return true;
	p->steps = talloc_memdup(p, s, n * sizeof(*s));
	return p->steps != NULL;
}

/* A keytab-only host rotates as 'adcli update': the keytab's key. */
static bool plan_keytab_rotate(struct sc_plan *p, const char *reason)
{
	p->action = SC_PLAN_CHANGE_OWN;
	p->cred = SC_PLAN_CRED_KEYTAB;
	p->reason = reason;
	return set_steps(p, keytab_change_steps,
			 sizeof(keytab_change_steps) /
			 sizeof(keytab_change_steps[0]));
}

/* The keytab's accepted keys written again at the DC's kvno. */
static bool plan_keytab_relabel(struct sc_plan *p, const char *reason)
{
	p->action = SC_PLAN_REWRITE_KEYTAB;
	p->cred = SC_PLAN_CRED_KEYTAB;
	p->reason = reason;
	return set_steps(p, relabel_steps, sizeof(relabel_steps) /
			 sizeof(relabel_steps[0]));
}

/* Is the password older than 'machine password timeout'? */
static bool rotation_due(const struct sc_verify_result *res, time_t now)
{
	int age = res->config != NULL ?
		  res->config->machine_password_timeout : 0;

	if (age <= 0 || res->secrets == NULL ||
	    !res->secrets->have_last_change)
		return false;
	return now - res->secrets->last_change >= age;
}

/*
 * Is any DC's clock past the Kerberos limit?  Checked on every DC report,
 * not only the verdict's: a password changed while the clocks disagree
 * leaves a secret the host cannot use for a single service ticket, and
 * the kpasswd exchange itself fails or, worse, half-succeeds.  The LDAP
 * rootDSE offset is the measurement; a KRB_AP_ERR_SKEW answer counts
 * too (the offset may be unknown when LDAP did not run).
 */
bool sci_plan_skewed(const struct sc_verify_result *res, const char **dc_out,
		     long long *offset_out, bool *has_offset_out)
{
	for (size_t i = 0; res != NULL && i < res->dc_count; i++) {
		const struct sc_dc_report *rep = &res->dcs[i];
		const struct sc_ldap_result *l = rep->ldap;
		int limit = rep->max_skew > 0 ? rep->max_skew : MAX_SKEW;
		bool skew = l != NULL && l->have_time &&
			    llabs(l->clock_offset) > limit;

		for (size_t j = 0; !skew && j < rep->attempt_count; j++)
			skew = rep->attempts[j].has_krb5 &&
			       sci_krb5_is_skew(rep->attempts[j].krb5_code);
		if (!skew)
			continue;
		*dc_out = rep->dc.name;
		*has_offset_out = l != NULL && l->have_time;
		*offset_out = *has_offset_out ? (long long)l->clock_offset : 0;
		return true;
	}
	if (res != NULL && res->verdict.diag == SC_DIAG_CLOCK_SKEW) {
		*dc_out = res->verdict.dc;
		*has_offset_out = false;
		*offset_out = 0;
		return true;
	}
	return false;
}

/* The refusal a skew gets, whatever else the verdict says. */
static bool plan_skew(struct sc_plan *p, const struct sc_verify_result *res)
{
	const char *dc = NULL;
	long long off = 0;
	bool has_off = false;
	char *when;

	if (!sci_plan_skewed(res, &dc, &off, &has_off))
		return false;
	p->action = SC_PLAN_REFUSE;
	p->refuse_health = SC_HEALTH_BROKEN;
	when = has_off ? talloc_asprintf(p, "%+lld s", off) :
			 talloc_strdup(p, "KRB_AP_ERR_SKEW");
	p->reason = talloc_asprintf(p, "clock skew with %s (%s), past the "
				    "Kerberos limit of %d s: no password is "
				    "changed while the clocks disagree, "
				    "not even a forced one; %s",
				    dc != NULL ? dc : "the DC",
				    when != NULL ? when : "?",
				    res->config != NULL &&
				    res->config->clockskew > 0 ?
				    res->config->clockskew : MAX_SKEW,
				    sc_repair_text(SC_REPAIR_FIX_TIME));
	return true;
}

/* Deleted, skew, unreachable, DNS, not joined: no reset repairs it. */
static bool plan_unfixable(struct sc_plan *p, const struct sc_verdict *v)
{
	p->action = SC_PLAN_REFUSE;
	p->reason = talloc_asprintf(p, "%s: no reset can repair this; %s",
				    sc_diag_text(v->diag),
				    sc_repair_text(v->repair));
	if (p->refuse_health == SC_HEALTH_OK)
		p->refuse_health = SC_HEALTH_UNKNOWN;
	return p->reason != NULL && set_steps(p, NULL, 0);
}

/* A disabled account: re-enabled only when asked (--enable -U). */
static bool plan_disabled(struct sc_plan *p,
			  const struct sc_verify_result *res,
			  const struct sc_plan_opts *opts)
{
	if (opts->enable && opts->have_admin) {
		p->action = SC_PLAN_ENABLE;
		p->cred = SC_PLAN_CRED_ADMIN;
		p->reason = "the account is disabled and re-enabling it was "
			    "asked for: clear ACCOUNTDISABLE with "
			    "administrator credentials";
		return set_steps(p, enable_steps, 2);
	}
	p->action = SC_PLAN_REFUSE;
	p->reason = talloc_asprintf(p, "%s: an administrator disabled it for "
				    "a reason; nothing is changed (an "
				    "administrator may re-enable it)",
				    sc_diag_text(res->verdict.diag));
	return p->reason != NULL && set_steps(p, NULL, 0);
}

/* The DC rejects every local secret: only an administrator can help. */
static bool plan_admin(struct sc_plan *p, const struct sc_plan_opts *opts,
		       const enum sc_step *steps, size_t n)
{
	if (opts->have_admin) {
		p->action = SC_PLAN_CHANGE_ADMIN;
		p->cred = SC_PLAN_CRED_ADMIN;
		p->reason = "the DC rejects every local secret: set a new "
			    "password with administrator credentials";
		return set_steps(p, steps, n);
	}
	p->action = SC_PLAN_REFUSE;
	p->refuse_health = SC_HEALTH_BROKEN;
	p->reason = "the DC rejects every local secret: administrator "
		    "credentials are needed";
	return set_steps(p, NULL, 0);
}

/*
 * Every principal that failed as an acceptor on the verdict's DC got its
 * ticket: the SPNs are the account's, a keytab's keys are not the DC's
 * (a service keytab left at an old kvno).  New keys in every keytab
 * repair that; a missing SPN they do not.
 */
static bool acceptor_keys_stale(const struct sc_verify_result *res)
{
	bool any = false;

	for (size_t i = 0; i < res->dc_count; i++) {
		const struct sc_dc_report *rep = &res->dcs[i];

		if (res->verdict.dc == NULL ||
		    strcmp(rep->dc.name, res->verdict.dc) != 0)
			continue;
		for (size_t j = 0; j < rep->acceptor_count; j++) {
			if (rep->acceptors[j].ok)
				continue;
			if (!rep->acceptors[j].got_ticket)
				return false;
			any = true;
		}
	}
	return any;
}

/*
 * On the verdict's DC, the machine keytab's newest keys were accepted
 * and are of the account's kvno: the keys every principal should have.
 */
static bool machine_keys_current(const struct sc_verify_result *res)
{
	uint32_t top = res->keytab != NULL ? sc_keytab_max_kvno(res->keytab) :
			0;

	for (size_t i = 0; top != 0 && i < res->dc_count; i++) {
		const struct sc_dc_report *rep = &res->dcs[i];
		bool accepted = false;

		if (res->verdict.dc == NULL ||
		    strcmp(rep->dc.name, res->verdict.dc) != 0 ||
		    rep->ldap == NULL || !rep->ldap->bound ||
		    !rep->ldap->account.has_kvno ||
		    rep->ldap->account.kvno != top)
			continue;
		for (size_t j = 0; j < rep->attempt_count; j++)
			accepted = accepted ||
				   (rep->attempts[j].path == SC_PATH_KERBEROS &&
				    rep->attempts[j].cand == SC_CAND_KEYTAB &&
				    rep->attempts[j].kvno == top &&
				    rep->attempts[j].outcome ==
				    SC_OUTCOME_ACCEPTED);
		return accepted;
	}
	return false;
}

/*
 * Stale acceptor keys: on a keytab-only host whose own keys are current,
 * those keys written for every principal (no change on the DC, no
 * --force needed: the smallest repair); else, with --force (the repair
 * the refusal names), new keys in every keytab; else refused as a
 * missing SPN is.
 */
static bool plan_acceptor(struct sc_plan *p,
			  const struct sc_verify_result *res,
			  const struct sc_plan_opts *opts)
{
	if (acceptor_keys_stale(res) && res->config->keytab_only &&
	    !opts->force && machine_keys_current(res))
		return plan_keytab_relabel(p, "a service principal's keys "
			"lag behind the account's, which the DC accepts: "
			"write those for every principal of every keytab, no "
			"change on the DC");
	if (!opts->force || !acceptor_keys_stale(res))
		return plan_unfixable(p, &res->verdict);
	if (res->config->keytab_only)
		return plan_keytab_rotate(p, "a keytab's keys are not the "
			"DC's: rotate with the machine keytab's key, write "
			"every keytab");
	p->action = SC_PLAN_REWRITE_KEYTAB;
	p->cred = SC_PLAN_CRED_CURRENT;
	p->reason = "a keytab's keys are not the DC's: rewrite every "
		    "keytab from secrets.tdb, no change on the DC";
	return set_steps(p, keytab_steps, 3);
}

/*
 * The keytab's newest keys are the DC's under an older kvno (the same
 * password set twice): written again at the DC's kvno, no change on the
 * DC, no administrator.  On a keytab-only host a forced rotation
 * rotates instead, with those keys, as on a healthy one.
 */
static bool plan_relabel(struct sc_plan *p,
			 const struct sc_verify_result *res,
			 const struct sc_plan_opts *opts)
{
	if (opts->force && res->config->keytab_only)
		return plan_keytab_rotate(p, "the keytab's keys are the DC's "
			"under an older kvno; rotating with them because a "
			"rotation was forced");
	return plan_keytab_relabel(p, "the keytab's newest keys are the "
		"DC's, labelled with an older kvno: write them again at the "
		"DC's kvno in every keytab, no change on the DC");
}

/*
 * A keytab-only host: rotation as 'adcli update' does it (kpasswd
 * authenticated with the keytab's key), or an administrator's set when
 * the DC takes no local key.  The account's states a password change
 * cannot fix refuse as on any host.
 */
static bool plan_keytab_only(struct sc_plan *p,
			     const struct sc_verify_result *res,
			     const struct sc_plan_opts *opts)
{
	const struct sc_verdict *v = &res->verdict;
	size_t n = sizeof(keytab_change_steps) / sizeof(keytab_change_steps[0]);

	switch (v->diag) {
	case SC_DIAG_HEALTHY:
		if (!opts->force) {
			p->action = SC_PLAN_NOTHING;
			p->reason = "the trust is healthy on every path: "
				    "nothing to repair";
			return set_steps(p, NULL, 0);
		}
		return plan_keytab_rotate(p, "healthy; rotating with the "
			"keytab's key because a rotation was forced (as "
			"'adcli update')");
	case SC_DIAG_KEYTAB_ENCTYPES:
		/* the keytab's RC4 key still authenticates the change */
		return plan_keytab_rotate(p, "the keytab lacks the account's "
			"AES keys: rotate with its key, write keys of every "
			"enctype");
	case SC_DIAG_KEYTAB_KVNO:
		return plan_relabel(p, res, opts);
	case SC_DIAG_ALL_REJECTED:
	case SC_DIAG_KEYTAB_STALE:
	case SC_DIAG_PREVIOUS_ONLY:
		return plan_admin(p, opts, keytab_change_steps, n);
	case SC_DIAG_ACCOUNT_DISABLED:
		return plan_disabled(p, res, opts);
	case SC_DIAG_ACCEPTOR:
		return plan_acceptor(p, res, opts);
	default:
		return plan_unfixable(p, v);
	}
}

enum sc_rc sc_plan_make(TALLOC_CTX *mem_ctx,
			const struct sc_verify_result *res,
			const struct sc_plan_opts *opts,
			struct sc_plan **plan_out, struct sc_error **err_out)
{
	struct sc_plan *p;
	const struct sc_verdict *v;
	bool ok = true;

	if (res == NULL || opts == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "plan: missing argument");
	v = &res->verdict;
	p = talloc_zero(mem_ctx, struct sc_plan);
	if (p == NULL)
		return SC_ENOMEM;
	p->dc = v->dc != NULL ? talloc_strdup(p, v->dc) : NULL;
	p->refuse_health = v->health;

	/* Time before anything else: neither --force nor -U overrides it. */
	if (plan_skew(p, res)) {
		ok = p->reason != NULL && set_steps(p, NULL, 0);
		goto out;
	}
	if (res->config != NULL && res->config->keytab_only) {
		ok = plan_keytab_only(p, res, opts);
		goto out;
	}
	switch (v->diag) {
	case SC_DIAG_HEALTHY:
		if (opts->force || rotation_due(res, opts->now)) {
			p->action = SC_PLAN_CHANGE_OWN;
			p->cred = SC_PLAN_CRED_CURRENT;
			p->reason = opts->force ?
				"healthy; rotating because a rotation was "
				"forced" :
				"healthy, but the password is older than "
				"'machine password timeout': rotating";
			ok = set_steps(p, change_steps, 7);
		} else {
			p->action = SC_PLAN_NOTHING;
			p->reason = "the trust is healthy on every path: "
				    "nothing to repair";
			ok = set_steps(p, NULL, 0);
		}
		break;
	case SC_DIAG_KEYTAB_STALE:
	case SC_DIAG_KEYTAB_MISSING:
	case SC_DIAG_KEYTAB_EXTRA:
	case SC_DIAG_KEYTAB_ENCTYPES:
		p->action = SC_PLAN_REWRITE_KEYTAB;
		p->cred = SC_PLAN_CRED_CURRENT;
		p->reason = "secrets.tdb is accepted by the DC: rewrite the "
			    "keytab from it, no change on the DC";
		ok = set_steps(p, keytab_steps, 3);
		break;
	case SC_DIAG_PREVIOUS_ONLY:
		/*
		 * Changing with the previous password as the old one makes
		 * the DC and both stores agree in one step.
		 */
		p->action = SC_PLAN_CHANGE_OWN;
		p->cred = SC_PLAN_CRED_PREVIOUS;
		p->reason = "only the previous password is accepted: change "
			    "the password with it, then update every store";
		if (res->secrets != NULL && res->secrets->previous != NULL &&
		    res->secrets->previous->len <= SCI_NET_PW_MAX)
			ok = set_steps(p, align_change_steps,
				       sizeof(align_change_steps) /
				       sizeof(align_change_steps[0]));
		else
			ok = set_steps(p, change_steps, 7);
		break;
	case SC_DIAG_SECRETS_STALE:
		p->action = SC_PLAN_CHANGE_OWN;
		p->cred = SC_PLAN_CRED_KEYTAB;
		p->reason = "the keytab is accepted but secrets.tdb is not: "
			    "change the password with the keytab's keys, "
			    "then update every store";
		ok = set_steps(p, change_steps, 7);
		break;
	case SC_DIAG_ALL_REJECTED:
		ok = plan_admin(p, opts, change_steps, 7);
		break;
	case SC_DIAG_ACCOUNT_DISABLED:
		ok = plan_disabled(p, res, opts);
		break;
	case SC_DIAG_ACCEPTOR:
		ok = plan_acceptor(p, res, opts);
		break;
	case SC_DIAG_KEYTAB_KVNO:
		ok = plan_relabel(p, res, opts);
		break;
	default:
		ok = plan_unfixable(p, v);
		break;
	}
out:
	if (!ok) {
		talloc_free(p);
		return SC_ENOMEM;
	}
	*plan_out = p;
	return SC_OK;
}
