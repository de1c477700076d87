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
#include <string.h>
#include "sc-private.h"
#include <sc/reset.h>

static const char *const action_names[] = {
	[SC_PLAN_NOTHING] = "nothing",
	[SC_PLAN_REWRITE_KEYTAB] = "rewrite-keytab",
	[SC_PLAN_CHANGE_OWN] = "change-password",
	[SC_PLAN_CHANGE_ADMIN] = "admin-reset",
	[SC_PLAN_REFUSE] = "refuse",
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
};

const char *sc_plan_action_name(enum sc_plan_action a)
{
	return a <= SC_PLAN_REFUSE ? action_names[a] : "?";
}

const char *sc_step_name(enum sc_step s)
{
	return s < SC_STEP_COUNT ? step_names[s] : "?";
}

static const enum sc_step keytab_steps[] = {
	SC_STEP_READ_KVNO, SC_STEP_WRITE_KEYTAB, SC_STEP_VERIFY_AFTER,
};

/* Journal first: a crash at any later step leaves a change to finish. */
static const enum sc_step change_steps[] = {
	SC_STEP_JOURNAL, SC_STEP_CHANGE_DC, SC_STEP_VERIFY_NEW,
	SC_STEP_WRITE_SECRETS, SC_STEP_WRITE_KEYTAB, SC_STEP_CLEAR_JOURNAL,
	SC_STEP_VERIFY_AFTER,
};

static bool set_steps(struct sc_plan *p, const enum sc_step *s, size_t n)
{
	p->step_count = n;
	if (n == 0)
		return true;
	p->steps = talloc_memdup(p, s, n * sizeof(*s));
	return p->steps != NULL;
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

	switch (v->diag) {
	case SC_DIAG_HEALTHY:
		if (opts->force || rotation_due(res, opts->now)) {
			p->action = SC_PLAN_CHANGE_OWN;
			p->cred = SC_PLAN_CRED_CURRENT;
			p->reason = opts->force ?
				"healthy; rotating because --force was given" :
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
		if (opts->have_admin) {
			p->action = SC_PLAN_CHANGE_ADMIN;
			p->cred = SC_PLAN_CRED_ADMIN;
			p->reason = "the DC rejects every local secret: set a "
				    "new password with administrator "
				    "credentials";
			ok = set_steps(p, change_steps, 7);
		} else {
			p->action = SC_PLAN_REFUSE;
			p->refuse_health = SC_HEALTH_BROKEN;
			p->reason = "the DC rejects every local secret: "
				    "administrator credentials are needed "
				    "(-U USER)";
			ok = set_steps(p, NULL, 0);
		}
		break;
	default:
		/* deleted, disabled, skew, unreachable, DNS, not joined */
		p->action = SC_PLAN_REFUSE;
		p->reason = talloc_asprintf(p, "%s: no reset can repair "
					    "this; %s", sc_diag_text(v->diag),
					    sc_repair_text(v->repair));
		ok = p->reason != NULL && set_steps(p, NULL, 0);
		if (p->refuse_health == SC_HEALTH_OK)
			p->refuse_health = SC_HEALTH_UNKNOWN;
		break;
	}
	if (!ok) {
		talloc_free(p);
		return SC_ENOMEM;
	}
	*plan_out = p;
	return SC_OK;
}
