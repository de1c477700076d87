/*
 * netchk check - renderers: the monitoring-plugins text and Prometheus
 *
 * Both read only the check model (check.h) and the thresholds, so the
 * live check and `--cached` print the same bytes for the same model.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "netchk.h"

#define CLOCK_WARN	180	/* s: well before Kerberos gives up */
#define CLOCK_CRIT	300	/* s: the Kerberos default clockskew */

/* The ranges in force: the given ones, else the defaults. */
static void effective(const struct check_model *m,
		      const struct check_thresholds *th,
		      struct check_thresholds *out)
{
	double crit, warn;

	*out = *th;
	/* twice the host's own rotation interval: rotation has stopped */
	if (!out->pw_warn.set && m->pw_timeout > 0) {
		out->pw_warn.set = out->pw_warn.has_start =
			out->pw_warn.has_end = true;
		out->pw_warn.start = 0;
		out->pw_warn.end = 2.0 * (double)m->pw_timeout;
	}
	/* critical at the host's own Kerberos limit (krb5.conf clockskew) */
	crit = m->clockskew > 0 ? (double)m->clockskew : CLOCK_CRIT;
	warn = crit < CLOCK_WARN ? crit : CLOCK_WARN;
	if (!out->clock_warn.set) {
		out->clock_warn.set = out->clock_warn.has_start =
			out->clock_warn.has_end = true;
		out->clock_warn.start = -warn;
		out->clock_warn.end = warn;
	}
	if (!out->clock_crit.set) {
		out->clock_crit.set = out->clock_crit.has_start =
			out->clock_crit.has_end = true;
		out->clock_crit.start = -crit;
		out->clock_crit.end = crit;
	}
}

static enum check_state worse(enum check_state a, enum check_state b)
{
	return b > a ? b : a;
}

static char *days(TALLOC_CTX *mem_ctx, double seconds)
{
	return talloc_asprintf(mem_ctx, "%.1f days", seconds / 86400.0);
}

enum check_state check_evaluate(TALLOC_CTX *mem_ctx,
				const struct check_model *m,
				const struct check_thresholds *th,
				char **reasons_out)
{
	struct check_thresholds e;
	enum check_state st = m->state;
	char *reasons = talloc_strdup(mem_ctx, "");
	char r[64];

	/* a check that could not run has nothing to hold thresholds to */
	if (m->state == CHECK_UNKNOWN && m->ndc == 0) {
		*reasons_out = reasons;
		return st;
	}
	effective(m, th, &e);
	if (m->have_pw_change) {
		double age = (double)(m->when - m->pw_change);

		if (netchk_range_alert(&e.pw_crit, age)) {
			st = worse(st, CHECK_CRITICAL);
			reasons = talloc_asprintf_append(reasons,
				"%smachine password %s old (critical range "
				"%s s)", reasons && *reasons ? "; " : "",
				days(reasons, age),
				netchk_range_format(&e.pw_crit, r, sizeof(r)));
		} else if (netchk_range_alert(&e.pw_warn, age)) {
			st = worse(st, CHECK_WARNING);
			reasons = talloc_asprintf_append(reasons,
				"%smachine password %s old: rotation has "
				"stopped? (warning range %s s)",
				reasons && *reasons ? "; " : "",
				days(reasons, age),
				netchk_range_format(&e.pw_warn, r, sizeof(r)));
		}
	}
	for (size_t i = 0; i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];
		enum check_state cs = CHECK_OK;

		if (!d->have_clock)
			continue;
		if (netchk_range_alert(&e.clock_crit, (double)d->clock_offset))
			cs = CHECK_CRITICAL;
		else if (netchk_range_alert(&e.clock_warn,
					    (double)d->clock_offset))
			cs = CHECK_WARNING;
		if (cs == CHECK_OK)
			continue;
		st = worse(st, cs);
		/* the summary already says it for a clock-skew verdict */
		if (d->diag != SC_DIAG_CLOCK_SKEW)
			reasons = talloc_asprintf_append(reasons,
				"%sclock offset %+" PRId64 " s to %s",
				reasons && *reasons ? "; " : "",
				d->clock_offset, d->name);
	}
	*reasons_out = reasons;
	return st;
}

/* No '|' in plugin output outside the perfdata separator. */
static void put_text(FILE *out, const char *s)
{
	for (; s != NULL && *s; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, out);
}

/* Perfdata labels are quoted; a quote inside would end them. */
static void put_label(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; s != NULL && *s; s++)
		if (*s != '\'' && *s != '=')
			fputc(*s, out);
	fputc('\'', out);
}

static const char *path_label(enum sc_health h)
{
	switch (h) {
	case SC_HEALTH_OK: return "OK";
	case SC_HEALTH_WARNING: return "WARNING";
	case SC_HEALTH_BROKEN: return "CRITICAL";
	case SC_HEALTH_UNKNOWN: break;
	}
	return "UNKNOWN";
}

static void perfdata(FILE *out, const struct check_model *m,
		     const struct check_thresholds *e)
{
	char w[64], c[64];
	size_t ok = 0;
	const struct check_dc *worst = NULL;

	fprintf(out, "'time'=%.3fs;;;0", m->duration);
	if (m->ndc == 0)
		return;
	if (m->have_pw_change)
		fprintf(out, " 'password_age'=%" PRId64 "s;%s;%s;0",
			m->when - m->pw_change,
			netchk_range_format(&e->pw_warn, w, sizeof(w)),
			netchk_range_format(&e->pw_crit, c, sizeof(c)));
	if (m->have_kvno)
		fprintf(out, " 'kvno'=%" PRIu32, m->keytab_kvno);
	netchk_range_format(&e->clock_warn, w, sizeof(w));
	netchk_range_format(&e->clock_crit, c, sizeof(c));
	for (size_t i = 0; i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];

		if (d->health == SC_HEALTH_OK)
			ok++;
		if (d->have_clock && (worst == NULL ||
		    llabs(d->clock_offset) > llabs(worst->clock_offset)))
			worst = d;
	}
	if (worst != NULL)
		fprintf(out, " 'clock_offset'=%" PRId64 "s;%s;%s",
			worst->clock_offset, w, c);
	fprintf(out, " 'dcs_ok'=%zu;;;0;%zu", ok, m->ndc);
	/* per-DC labels only where there are several DCs */
	for (size_t i = 0; m->ndc > 1 && i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];
		char *l;

		if (d->have_clock) {
			l = talloc_asprintf(NULL, "clock_offset_%s", d->name);
			fputc(' ', out);
			put_label(out, l);
			fprintf(out, "=%" PRId64 "s;%s;%s", d->clock_offset,
				w, c);
			talloc_free(l);
		}
		if (d->have_kvno) {
			l = talloc_asprintf(NULL, "kvno_%s", d->name);
			fputc(' ', out);
			put_label(out, l);
			fprintf(out, "=%" PRIu32, d->kvno);
			talloc_free(l);
		}
	}
}

enum check_state check_render_nagios(FILE *out, const struct check_model *m,
				     const struct check_thresholds *th,
				     int verbose)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct check_thresholds e;
	char *reasons = NULL;
	enum check_state st = check_evaluate(tmp_ctx, m, th, &reasons);

	effective(m, th, &e);
	fprintf(out, "NETCHK %s - ", check_state_name(st));
	/* what made the state worse comes first */
	if (reasons != NULL && *reasons && st > m->state) {
		put_text(out, reasons);
		fputs("; ", out);
		put_text(out, m->summary);
	} else {
		put_text(out, m->summary);
		if (reasons != NULL && *reasons) {
			fputs("; ", out);
			put_text(out, reasons);
		}
	}
	fputs(" | ", out);
	perfdata(out, m, &e);
	fputc('\n', out);

	/* long output: one line per DC and path */
	for (size_t i = 0; i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];

		for (size_t p = 0; p < d->npaths; p++) {
			fprintf(out, "%s %s: %s - ", d->name,
				sc_path_name(d->paths[p].path),
				path_label(d->paths[p].health));
			put_text(out, d->paths[p].summary);
			fputc('\n', out);
		}
		if (d->have_clock)
			fprintf(out, "%s clock: %s - offset %+" PRId64 " s\n",
				d->name, netchk_range_alert(&e.clock_crit,
				(double)d->clock_offset) ? "CRITICAL" :
				netchk_range_alert(&e.clock_warn,
				(double)d->clock_offset) ? "WARNING" : "OK",
				d->clock_offset);
		if (d->have_kvno && m->have_kvno && d->kvno != m->keytab_kvno)
			fprintf(out, "%s kvno: %" PRIu32 ", keytab has %"
				PRIu32 "\n", d->name, d->kvno, m->keytab_kvno);
	}
	if (m->diagnosis != NULL && (m->state != CHECK_OK || verbose > 0)) {
		fputs("Diagnosis: ", out);
		put_text(out, m->diagnosis);
		fputc('\n', out);
	}
	if (m->repair != NULL && (m->state != CHECK_OK || verbose > 0)) {
		fputs("Repair: ", out);
		put_text(out, m->repair);
		fputc('\n', out);
	}
	if (verbose > 0) {
		char when[64] = "?";
		time_t t = (time_t)m->when;
		struct tm tm;

		if (gmtime_r(&t, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
				 &tm);
		fprintf(out, "Checked %s%s%s at %s in %.3f s\n", m->account,
			*m->realm ? " in " : "", m->realm, when, m->duration);
		if (m->have_pw_change)
			fprintf(out, "Machine password age %s, rotation every "
				"%s\n", days(tmp_ctx, (double)(m->when -
				m->pw_change)), m->pw_timeout > 0 ?
				days(tmp_ctx, (double)m->pw_timeout) :
				"(never)");
	}
	talloc_free(tmp_ctx);
	return st;
}

/* A label value: backslash, quote and newline escaped. */
void netchk_prom_value(FILE *out, const char *s)
{
	for (; s != NULL && *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

void netchk_prom_help(FILE *out, const char *name, const char *text)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, text, name);
}

static void sample(FILE *out, const char *name, const struct check_model *m,
		   const char *dc, const char *path)
{
	fprintf(out, "%s{domain=\"", name);
	netchk_prom_value(out, m->realm);
	if (dc != NULL) {
		fputs("\",dc=\"", out);
		netchk_prom_value(out, dc);
	}
	if (path != NULL) {
		fputs("\",path=\"", out);
		netchk_prom_value(out, path);
	}
	fputs("\"} ", out);
}

enum check_state check_render_prometheus(FILE *out,
					 const struct check_model *m,
					 const struct check_thresholds *th)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	char *reasons = NULL;
	enum check_state st = check_evaluate(tmp_ctx, m, th, &reasons);
	bool any;

	netchk_prom_help(out, "netchk_check_status", "State of the last "
			 "trust check: 0 OK, 1 WARNING, 2 CRITICAL, 3 "
			 "UNKNOWN.");
	sample(out, "netchk_check_status", m, NULL, NULL);
	fprintf(out, "%d\n", (int)st);
	netchk_prom_help(out, "netchk_check_timestamp_seconds",
	     "When the last trust check ran (Unix time).");
	sample(out, "netchk_check_timestamp_seconds", m, NULL, NULL);
	fprintf(out, "%" PRId64 "\n", m->when);
	netchk_prom_help(out, "netchk_check_duration_seconds",
	     "Wall time of the last trust check.");
	sample(out, "netchk_check_duration_seconds", m, NULL, NULL);
	fprintf(out, "%.3f\n", m->duration);
	if (m->have_success) {
		netchk_prom_help(out, "netchk_last_success_timestamp_seconds",
		     "When a trust check last ended OK (Unix time).");
		sample(out, "netchk_last_success_timestamp_seconds", m, NULL,
		       NULL);
		fprintf(out, "%" PRId64 "\n", m->last_success);
	}
	if (m->have_pw_change) {
		netchk_prom_help(out, "netchk_machine_password_age_seconds",
		     "Age of the machine account password.");
		sample(out, "netchk_machine_password_age_seconds", m, NULL,
		       NULL);
		fprintf(out, "%" PRId64 "\n", m->when - m->pw_change);
	}
	if (m->have_kvno) {
		netchk_prom_help(out, "netchk_keytab_kvno",
		     "Highest key version number in the host's keytab.");
		sample(out, "netchk_keytab_kvno", m, NULL, NULL);
		fprintf(out, "%" PRIu32 "\n", m->keytab_kvno);
	}
	if (m->ndc > 0) {
		netchk_prom_help(out, "netchk_trust_up", "1 when the DC "
				 "accepts the machine secret on the path, "
				 "else 0.");
		for (size_t i = 0; i < m->ndc; i++)
			for (size_t p = 0; p < m->dcs[i].npaths; p++) {
				const struct check_path *cp =
					&m->dcs[i].paths[p];

				sample(out, "netchk_trust_up", m,
				       m->dcs[i].name, sc_path_name(cp->path));
				fprintf(out, "%d\n",
					cp->health == SC_HEALTH_OK ||
					cp->health == SC_HEALTH_WARNING);
			}
	}
	any = false;
	for (size_t i = 0; i < m->ndc; i++) {
		if (!m->dcs[i].have_kvno)
			continue;
		if (!any)
			netchk_prom_help(out, "netchk_dc_kvno", "The machine "
					 "account's msDS-KeyVersionNumber as "
					 "the DC has it.");
		any = true;
		sample(out, "netchk_dc_kvno", m, m->dcs[i].name, NULL);
		fprintf(out, "%" PRIu32 "\n", m->dcs[i].kvno);
	}
	any = false;
	for (size_t i = 0; i < m->ndc; i++) {
		if (!m->dcs[i].have_clock)
			continue;
		if (!any)
			netchk_prom_help(out,
					 "netchk_clock_offset_seconds",
					 "The DC's clock minus this host's "
					 "(LDAP currentTime).");
		any = true;
		sample(out, "netchk_clock_offset_seconds", m, m->dcs[i].name,
		       NULL);
		fprintf(out, "%" PRId64 "\n", m->dcs[i].clock_offset);
	}
	talloc_free(tmp_ctx);
	return st;
}
