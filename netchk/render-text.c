/*
 * netchk - human renderer
 *
 * Results on stdout; the step narration went to stderr while probing.
 * The last line is always the verdict.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "netchk.h"

static const char *label(enum sc_health h, bool run)
{
	if (!run)
		return "--";
	switch (h) {
	case SC_HEALTH_OK: return "OK";
	case SC_HEALTH_WARNING: return "WARN";
	case SC_HEALTH_BROKEN: return "FAIL";
	case SC_HEALTH_UNKNOWN: break;
	}
	return "??";
}

static void keytab_line(FILE *out, const struct sc_keytab *kt)
{
	size_t cur = 0, prev = 0, none = 0;

	for (size_t i = 0; i < kt->count; i++) {
		switch (kt->entries[i].match) {
		case SC_KEY_MATCH_CURRENT: cur++; break;
		case SC_KEY_MATCH_PREVIOUS: prev++; break;
		case SC_KEY_MATCH_NONE: none++; break;
		default: break;
		}
	}
	fprintf(out, "  keytab       %s: %zu entr%s, highest kvno %" PRIu32,
		kt->name, kt->count, kt->count == 1 ? "y" : "ies",
		sc_keytab_max_kvno(kt));
	if (cur + prev + none > 0)
		fprintf(out, " (%zu match the current password, %zu the "
			"previous, %zu neither)", cur, prev, none);
	fputc('\n', out);
}

void netchk_render_verify_text(FILE *out, const struct sc_verify_result *res)
{
	const struct sc_verdict *v = &res->verdict;

	if (res->config->keytab_only)
		fprintf(out, "Account  %s in %s (no smb.conf: from %s%s%s)\n",
			res->account, res->config->realm,
			res->config->krb5_conf,
			res->config->sssd_conf ? ", " : "",
			res->config->sssd_conf ? res->config->sssd_conf : "");
	else
		fprintf(out, "Account  %s in %s (%s)\n", res->account,
			res->config->workgroup, res->config->realm);
	if (res->secrets != NULL) {
		const struct sc_secrets *s = res->secrets;
		char when[64] = "unknown";

		if (s->have_last_change) {
			struct tm tm;

			gmtime_r(&s->last_change, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ",
				 &tm);
		}
		fprintf(out, "  secrets.tdb  %s: %s%s, last change %s\n",
			s->path, s->current ? "current password" :
			"NO machine password",
			s->previous ? " + previous" : "", when);
	}
	if (res->keytab != NULL)
		keytab_line(out, res->keytab);
	for (size_t i = 0; i < res->more_keytab_count; i++)
		keytab_line(out, res->more_keytabs[i]);
	if (res->enctypes.finding != NULL)
		fprintf(out, "  enctypes     %s\n", res->enctypes.finding);
	for (size_t i = 0; i < res->rotator_count; i++)
		fprintf(out, "  rotator      %s every %d d (%s)\n",
			res->rotators[i].name,
			res->rotators[i].interval / 86400,
			res->rotators[i].source);
	if (res->rotator_finding != NULL)
		fprintf(out, "  rotators     %s\n", res->rotator_finding);
	for (size_t i = 0; i < res->dc_count; i++) {
		const struct sc_dc_report *rep = &res->dcs[i];

		fprintf(out, "DC %s (%s)\n", rep->dc.name, rep->dc.address);
		for (int p = 0; p < SC_PATH_COUNT; p++) {
			const struct sc_path_state *ps = &rep->paths[p];

			if (!rep->path_run[p] &&
			    !(p == SC_PATH_NETLOGON &&
			      res->netlogon_untested != NULL))
				continue;
			fprintf(out, "  %-10s %-4s %s%s\n", sc_path_name(p),
				label(ps->health, rep->path_run[p]),
				ps->summary ? ps->summary : "",
				ps->remembered ? " [remembered]" : "");
		}
		if (rep->ldap != NULL && rep->ldap->have_time)
			fprintf(out, "  %-10s %-4s %+lld s\n", "clock",
				llabs(rep->ldap->clock_offset) > 300 ?
				"FAIL" : "OK",
				(long long)rep->ldap->clock_offset);
		for (size_t j = 0; j < rep->acceptor_count; j++) {
			const struct sc_acceptor *a = &rep->acceptors[j];

			fprintf(out, "  %-10s %-4s %s", "acceptor",
				a->ok ? "OK" : "FAIL", a->principal);
			if (a->keytab != NULL && res->keytab != NULL &&
			    strcmp(a->keytab, res->keytab->name) != 0)
				fprintf(out, " in %s", a->keytab);
			if (a->ok)
				fprintf(out, " (kvno %u, enctype %d)\n",
					a->kvno, a->enctype);
			else
				fprintf(out, ": %s\n", a->detail);
		}
	}
	fprintf(out, "Diagnosis: %s\n", sc_diag_text(v->diag));
	fprintf(out, "Repair:    %s\n", sc_repair_text(v->repair));
	fprintf(out, "Verdict:   %s (%s)%s%s\n", netchk_verdict_word(v->health),
		sc_diag_name(v->diag), v->dc ? " on " : "",
		v->dc ? v->dc : "");
}

const char *netchk_verdict_word(enum sc_health health)
{
	switch (health) {
	case SC_HEALTH_OK: return "HEALTHY";
	case SC_HEALTH_WARNING: return "WARNING";
	case SC_HEALTH_BROKEN: return "BROKEN";
	case SC_HEALTH_UNKNOWN: break;
	}
	return "UNKNOWN";
}

/*
 * The options that change a refused plan, in the CLI's words: libsc
 * serves other programs too and names no flag of netchk's.
 */
static const char *plan_hint(const struct sc_plan *p,
			     const struct sc_verify_result *b)
{
	if (p->action != SC_PLAN_REFUSE)
		return NULL;
	switch (b->verdict.diag) {
	case SC_DIAG_ACCOUNT_DISABLED:
		return "--enable -U USER re-enables it";
	case SC_DIAG_ALL_REJECTED:
		return "-U USER, or --use-ccache";
	case SC_DIAG_CLOCK_SKEW:
		return "--force does not override it";
	default:
		return NULL;
	}
}

/* reset: before, plan, what changed, after */
void netchk_render_reset_text(FILE *out, const struct sc_reset_result *r)
{
	const struct sc_verify_result *b = r->before;
	const struct sc_plan *p = r->plan;

	fprintf(out, "Before:  %s (%s) on %s\n",
		sc_health_name(b->verdict.health),
		sc_diag_name(b->verdict.diag),
		b->verdict.dc ? b->verdict.dc : "-");
	if (r->journal_found)
		fprintf(out, "Journal: a pending change was %s\n",
			r->journal_finished ? "finished" : "settled");
	if (p != NULL && !r->journal_finished) {
		const char *hint = plan_hint(p, b);

		fprintf(out, "Plan:    %s: %s%s%s%s\n",
			sc_plan_action_name(p->action), p->reason,
			hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
		for (size_t i = 0; i < p->step_count; i++)
			fprintf(out, "  %zu. %s (DC %s; secrets %s; keytab "
				"%s)\n", i + 1, sc_step_name(p->steps[i]),
				p->dc ? p->dc : "-",
				b->config->secrets_path ?
				b->config->secrets_path : "none",
				b->config->keytab_name);
	}
	if (r->enabled)
		fprintf(out, "Changed: account enabled on %s\n",
			r->change_dc ? r->change_dc : "-");
	else if (r->changed_dc || r->changed_secrets || r->changed_keytab)
		fprintf(out, "Changed: %s%s%s(kvno %u)\n",
			r->changed_dc ? "DC password, " : "",
			r->changed_secrets ? "secrets.tdb, " : "",
			r->changed_keytab ? "keytab " : "", r->new_kvno);
	else
		fprintf(out, "Changed: nothing\n");
	if (r->detail != NULL)
		fprintf(out, "Problem: %s\n", r->detail);
	if (r->after != NULL)
		fprintf(out, "After:   %s (%s) on %s\n",
			sc_health_name(r->after->verdict.health),
			sc_diag_name(r->after->verdict.diag),
			r->after->verdict.dc ? r->after->verdict.dc : "-");
}
