/*
 * netchk audit - renderers: the table, CSV and Prometheus text
 *
 * All read only the sc_audit_result (JSON: render-json.c).  Findings are
 * listed worst first, then in the order the DC returned the accounts.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "netchk.h"

static const char *severity_label(enum sc_health h)
{
	switch (h) {
	case SC_HEALTH_OK: return "INFO";
	case SC_HEALTH_WARNING: return "WARNING";
	case SC_HEALTH_BROKEN: return "BROKEN";
	case SC_HEALTH_UNKNOWN: break;
	}
	return "UNKNOWN";
}

static const struct sc_audit_finding *sort_base;

static int worst_first(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	if (sort_base[a].severity != sort_base[b].severity)
		return sort_base[a].severity > sort_base[b].severity ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The findings' indexes, worst first (a talloc array on mem_ctx). */
static size_t *ordered(TALLOC_CTX *mem_ctx, const struct sc_audit_result *r)
{
	size_t *idx = talloc_array(mem_ctx, size_t, r->finding_count + 1);

	if (idx == NULL)
		return NULL;
	for (size_t i = 0; i < r->finding_count; i++)
		idx[i] = i;
	sort_base = r->findings;
	qsort(idx, r->finding_count, sizeof(*idx), worst_first);
	return idx;
}

static double days(int64_t s)
{
	return (double)s / 86400.0;
}

void netchk_render_audit_text(FILE *out, const struct sc_audit_result *r)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	size_t n[SC_HEALTH_UNKNOWN + 1] = { 0 };
	size_t *idx = ordered(tmp_ctx, r);
	int width = 7;		/* "ACCOUNT" */
	size_t flagged = 0;
	size_t last = (size_t)-1;

	if (r->health == SC_HEALTH_UNKNOWN) {
		fprintf(out, "Computer accounts of %s: not read from %s: %s\n",
			r->realm, r->dc != NULL ? r->dc : "any DC",
			r->detail != NULL ? r->detail : "?");
		fprintf(out, "Verdict:   UNKNOWN\n");
		talloc_free(tmp_ctx);
		return;
	}
	fprintf(out, "Computer accounts of %s on %s: %zu read ", r->realm,
		r->dc, r->account_count);
	if (r->page_size == 0)
		fprintf(out, "in one unpaged search");
	else
		fprintf(out, "in %u page%s of %u", r->pages,
			r->pages == 1 ? "" : "s", r->page_size);
	fprintf(out, " (%.3f s), bound as %s\n", r->search_seconds,
		r->bound_as);
	fprintf(out, "Limits: password %.0f days (--max-age), last logon "
		"%.0f days behind the password\n", days(r->limits.max_age),
		days(r->limits.logon_lag));
	for (size_t i = 0; i < r->finding_count; i++) {
		int w = (int)strlen(r->accounts[r->findings[i].account].name);

		if (w > width)
			width = w;
	}
	if (r->finding_count > 0 && idx != NULL) {
		fprintf(out, "\n%-8s %-*s %-16s %s\n", "SEVERITY", width,
			"ACCOUNT", "FINDING", "DETAIL");
		for (size_t k = 0; k < r->finding_count; k++) {
			const struct sc_audit_finding *f =
				&r->findings[idx[k]];

			fprintf(out, "%-8s %-*s %-16s %s\n",
				severity_label(f->severity), width,
				r->accounts[f->account].name,
				sc_audit_kind_name(f->kind), f->detail);
		}
	}
	for (size_t i = 0; i < r->finding_count; i++) {
		n[r->findings[i].severity]++;
		/* findings come in account order */
		if (r->findings[i].account != last)
			flagged++;
		last = r->findings[i].account;
	}
	fprintf(out, "\nVerdict:   %s: %zu broken, %zu warning, %zu "
		"information finding%s on %zu of %zu accounts\n",
		r->health == SC_HEALTH_OK ? "OK" : severity_label(r->health),
		n[SC_HEALTH_BROKEN], n[SC_HEALTH_WARNING], n[SC_HEALTH_OK],
		n[SC_HEALTH_OK] == 1 ? "" : "s", flagged, r->account_count);
	talloc_free(tmp_ctx);
}

/* RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void csv_time(FILE *out, time_t t)
{
	char buf[32];
	struct tm tm;

	if (t != 0 && gmtime_r(&t, &tm) != NULL &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		fputs(buf, out);
}

void netchk_render_audit_csv(FILE *out, const struct sc_audit_result *r)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	size_t *idx = ordered(tmp_ctx, r);

	fputs("account,finding,severity,detail,dn,dns_host_name,"
	      "user_account_control,pwd_last_set,when_created,last_logon,"
	      "supported_enctypes\r\n", out);
	for (size_t k = 0; idx != NULL && k < r->finding_count; k++) {
		const struct sc_audit_finding *f = &r->findings[idx[k]];
		const struct sc_audit_account *a = &r->accounts[f->account];

		csv_field(out, a->name);
		fprintf(out, ",%s,%s,", sc_audit_kind_name(f->kind),
			sc_health_name(f->severity));
		csv_field(out, f->detail);
		fputc(',', out);
		csv_field(out, a->dn);
		fputc(',', out);
		csv_field(out, a->dns_host_name);
		fprintf(out, ",%" PRIu32 ",", a->uac);
		csv_time(out, a->pwd_last_set);
		fputc(',', out);
		csv_time(out, a->when_created);
		fputc(',', out);
		csv_time(out, a->last_logon);
		fputc(',', out);
		if (a->has_enctypes)
			fprintf(out, "%" PRIu32, a->enctypes);
		fputs("\r\n", out);
	}
	talloc_free(tmp_ctx);
}

static void domain_sample(FILE *out, const char *name,
			  const struct sc_audit_result *r)
{
	fprintf(out, "%s{domain=\"", name);
	netchk_prom_value(out, r->realm);
	fputs("\"} ", out);
}

void netchk_render_audit_prometheus(FILE *out,
				    const struct sc_audit_result *r)
{
	size_t counts[SC_AUDIT_KIND_COUNT] = { 0 };

	netchk_prom_help(out, "netchk_audit_status", "Worst finding of the "
			 "last computer account audit: 0 none or "
			 "information, 1 warning, 2 broken, 3 not read.");
	domain_sample(out, "netchk_audit_status", r);
	fprintf(out, "%d\n", netchk_exit_of(r->health));
	netchk_prom_help(out, "netchk_audit_timestamp_seconds",
			 "When the audit ran (Unix time).");
	domain_sample(out, "netchk_audit_timestamp_seconds", r);
	fprintf(out, "%" PRId64 "\n", (int64_t)r->limits.now);
	netchk_prom_help(out, "netchk_audit_duration_seconds",
			 "Wall time of the audit.");
	domain_sample(out, "netchk_audit_duration_seconds", r);
	fprintf(out, "%.3f\n", r->seconds);
	if (r->health == SC_HEALTH_UNKNOWN)
		return;
	netchk_prom_help(out, "netchk_audit_accounts",
			 "Computer accounts in the domain.");
	domain_sample(out, "netchk_audit_accounts", r);
	fprintf(out, "%zu\n", r->account_count);
	for (size_t i = 0; i < r->finding_count; i++)
		counts[r->findings[i].kind]++;
	netchk_prom_help(out, "netchk_audit_findings",
			 "Computer accounts with the finding.");
	for (int k = 0; k < SC_AUDIT_KIND_COUNT; k++) {
		fputs("netchk_audit_findings{domain=\"", out);
		netchk_prom_value(out, r->realm);
		fprintf(out, "\",finding=\"%s\"} %zu\n",
			sc_audit_kind_name(k), counts[k]);
	}
}
