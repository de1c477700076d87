/*
 * netchk - JSON renderer
 *
 * Keys are stable and never translated; "schema" is bumped on any
 * incompatible change.  Codes appear both as numbers/hex and as names.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "netchk.h"

#define NETCHK_JSON_SCHEMA 1

static void jstr(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static void jkey(FILE *out, const char *k)
{
	jstr(out, k);
	fputc(':', out);
}

static void jcodes(FILE *out, bool has_nt, uint32_t nt, bool has_k5,
		   int32_t k5)
{
	char hex[16];

	jkey(out, "ntstatus");
	if (has_nt) {
		snprintf(hex, sizeof(hex), "0x%08" PRIX32, nt);
		jstr(out, hex);
	} else {
		fputs("null", out);
	}
	fputc(',', out);
	jkey(out, "ntstatus_name");
	jstr(out, has_nt ? sc_ntstatus_name(nt) : NULL);
	fputc(',', out);
	jkey(out, "krb5_code");
	if (has_k5)
		fprintf(out, "%" PRId32, k5);
	else
		fputs("null", out);
	fputc(',', out);
	jkey(out, "krb5_name");
	jstr(out, has_k5 ? sc_krb5_code_name(k5) : NULL);
}

static const char *match_name(enum sc_key_match m)
{
	switch (m) {
	case SC_KEY_MATCH_CURRENT: return "current";
	case SC_KEY_MATCH_PREVIOUS: return "previous";
	case SC_KEY_MATCH_NONE: return "none";
	case SC_KEY_MATCH_UNKNOWN: break;
	}
	return "unknown";
}

/* A keytab: the account's entries and how they match secrets.tdb. */
static void render_keytab(FILE *out, const struct sc_keytab *kt)
{
	if (kt == NULL) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	jkey(out, "name"); jstr(out, kt->name);
	fprintf(out, ",\"max_kvno\":%" PRIu32 ",\"other_entries\":%zu,"
		"\"entries\":[", sc_keytab_max_kvno(kt), kt->other_count);
	for (size_t i = 0; i < kt->count; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];

		fputs(i ? ",{" : "{", out);
		jkey(out, "principal"); jstr(out, e->principal);
		fprintf(out, ",\"kvno\":%" PRIu32 ",\"enctype\":%" PRId32 ",",
			e->kvno, e->enctype);
		jkey(out, "enctype_name"); jstr(out, e->enctype_name);
		fputc(',', out);
		jkey(out, "matches"); jstr(out, match_name(e->match));
		fputc('}', out);
	}
	fputs("]}", out);
}

static void render_stores(FILE *out, const struct sc_verify_result *res)
{
	const struct sc_secrets *s = res->secrets;
	const struct sc_keytab *kt = res->keytab;

	jkey(out, "secrets");
	if (s == NULL) {
		fputs("null", out);
	} else {
		fputc('{', out);
		jkey(out, "path"); jstr(out, s->path); fputc(',', out);
		fprintf(out, "\"current\":%s,\"previous\":%s,",
			s->current ? "true" : "false",
			s->previous ? "true" : "false");
		jkey(out, "last_change");
		if (s->have_last_change)
			fprintf(out, "%lld", (long long)s->last_change);
		else
			fputs("null", out);
		fprintf(out, ",\"sec_channel_type\":%" PRIu32 ",",
			s->sec_channel_type);
		jkey(out, "domain_sid"); jstr(out, s->domain_sid);
		fputc(',', out);
		jkey(out, "domain_guid"); jstr(out, s->domain_guid);
		fputc('}', out);
	}
	fputc(',', out);
	jkey(out, "keytab");
	render_keytab(out, kt);
	fputs(",\"more_keytabs\":[", out);
	for (size_t i = 0; i < res->more_keytab_count; i++) {
		fputs(i ? "," : "", out);
		render_keytab(out, res->more_keytabs[i]);
	}
	fputc(']', out);
}

/* "key":"value", */
static void jpair(FILE *out, const char *k, const char *v)
{
	jkey(out, k);
	jstr(out, v);
	fputc(',', out);
}

/* Where the configuration came from: smb.conf, or a keytab-only host's
 * krb5.conf, sssd.conf and keytab, with the source of each answer. */
static void render_config(FILE *out, const struct sc_config *c)
{
	fprintf(out, "\"config\":{\"keytab_only\":%s,",
		c->keytab_only ? "true" : "false");
	jpair(out, "smb_conf", c->keytab_only ? NULL : c->smb_conf);
	jpair(out, "krb5_conf", c->krb5_conf);
	jpair(out, "sssd_conf", c->sssd_conf);
	jpair(out, "sssd_domain", c->sssd_domain);
	jpair(out, "keytab", c->keytab_name);
	jpair(out, "site", c->site);
	jkey(out, "servers");
	if (c->servers == NULL) {
		fputs("null", out);
	} else {
		fputc('[', out);
		for (size_t i = 0; c->servers[i] != NULL; i++) {
			if (i)
				fputc(',', out);
			jstr(out, c->servers[i]);
		}
		fputc(']', out);
	}
	fputs(",\"from\":{", out);
	jpair(out, "realm", c->from.realm);
	jpair(out, "account", c->from.account);
	jpair(out, "keytab", c->from.keytab);
	jpair(out, "servers", c->from.servers);
	jpair(out, "site", c->from.site);
	jkey(out, "password_age"); jstr(out, c->from.password_age);
	fputs("}},", out);
}

static void render_dc(FILE *out, const struct sc_dc_report *rep)
{
	fputc('{', out);
	jkey(out, "name"); jstr(out, rep->dc.name); fputc(',', out);
	jkey(out, "address"); jstr(out, rep->dc.address); fputc(',', out);
	/* this DC's own verdict (several with --all-dcs) */
	jkey(out, "verdict");
	fputc('{', out);
	jkey(out, "status"); jstr(out, sc_health_name(rep->verdict.health));
	fputc(',', out);
	jkey(out, "diagnosis"); jstr(out, sc_diag_name(rep->verdict.diag));
	fputc(',', out);
	jkey(out, "repair"); jstr(out, sc_repair_name(rep->verdict.repair));
	fputs("},", out);
	jkey(out, "replication_lag");
	if (rep->repl_lag) {
		fprintf(out, "{\"ahead_kvno\":%" PRIu32 ",",
			rep->repl_ahead_kvno);
		jkey(out, "ahead_dc"); jstr(out, rep->repl_ahead_dc);
		fputc('}', out);
	} else {
		fputs("null", out);
	}
	fprintf(out, ",\"memory_dropped\":%s,",
		rep->memory_dropped ? "true" : "false");
	jkey(out, "paths");
	fputc('{', out);
	for (int p = 0; p < SC_PATH_COUNT; p++) {
		const struct sc_path_state *ps = &rep->paths[p];

		if (p)
			fputc(',', out);
		jkey(out, sc_path_name(p));
		fputc('{', out);
		fprintf(out, "\"run\":%s,", rep->path_run[p] ? "true"
							      : "false");
		jkey(out, "status"); jstr(out, sc_health_name(ps->health));
		fputc(',', out);
		jcodes(out, ps->has_ntstatus, ps->ntstatus, ps->has_krb5,
		       ps->krb5_code);
		fprintf(out, ",\"remembered\":%s,",
			ps->remembered ? "true" : "false");
		jkey(out, "summary"); jstr(out, ps->summary);
		fputc('}', out);
	}
	fputs("},\"attempts\":[", out);
	for (size_t i = 0; i < rep->attempt_count; i++) {
		const struct sc_attempt *a = &rep->attempts[i];

		fputs(i ? ",{" : "{", out);
		jkey(out, "path"); jstr(out, sc_path_name(a->path));
		fputc(',', out);
		jkey(out, "secret"); jstr(out, sc_cand_name(a->cand));
		fputc(',', out);
		if (a->cand == SC_CAND_KEYTAB || a->kvno != 0)
			fprintf(out, "\"kvno\":%" PRIu32 ",", a->kvno);
		jkey(out, "outcome"); jstr(out, sc_outcome_name(a->outcome));
		fputc(',', out);
		jcodes(out, a->has_ntstatus, a->ntstatus, a->has_krb5,
		       a->krb5_code);
		fputc(',', out);
		jkey(out, "fingerprint"); jstr(out, a->fingerprint);
		fputc(',', out);
		jkey(out, "detail"); jstr(out, a->detail);
		fprintf(out, ",\"seconds\":%.3f}", a->seconds);
	}
	fputs("],\"acceptors\":[", out);
	for (size_t i = 0; i < rep->acceptor_count; i++) {
		const struct sc_acceptor *a = &rep->acceptors[i];

		fputs(i ? ",{" : "{", out);
		jpair(out, "principal", a->principal);
		jpair(out, "keytab", a->keytab);
		fprintf(out, "\"ok\":%s,\"ticket\":%s,\"kvno\":%u,"
			"\"enctype\":%d,\"krb5_code\":%d,",
			a->ok ? "true" : "false",
			a->got_ticket ? "true" : "false", a->kvno,
			a->enctype, a->krb5_code);
		jkey(out, "opened_kvno");
		if (a->opened_kvno != 0)
			fprintf(out, "%u,", a->opened_kvno);
		else
			fputs("null,", out);
		jkey(out, "detail"); jstr(out, a->detail);
		fputc('}', out);
	}
	fputs("],\"ldap\":", out);
	if (rep->ldap == NULL) {
		fputs("null", out);
	} else {
		const struct sc_ldap_result *l = rep->ldap;

		fprintf(out, "{\"reached\":%s,\"bound\":%s,",
			l->reached ? "true" : "false",
			l->bound ? "true" : "false");
		jkey(out, "clock_offset");
		if (l->have_time)
			fprintf(out, "%lld", (long long)l->clock_offset);
		else
			fputs("null", out);
		fputc(',', out);
		jkey(out, "detail"); jstr(out, l->detail);
		fputs(",\"account\":", out);
		if (!l->bound) {
			fputs("null", out);
		} else {
			fprintf(out, "{\"found\":%s,\"userAccountControl\":%"
				PRIu32 ",\"msDS-KeyVersionNumber\":",
				l->account.found ? "true" : "false",
				l->account.uac);
			if (l->account.has_kvno)
				fprintf(out, "%" PRIu32, l->account.kvno);
			else
				fputs("null", out);
			fprintf(out, ",\"pwdLastSet\":%lld,",
				(long long)l->account.pwd_last_set);
			jkey(out, "dNSHostName");
			jstr(out, l->account.dns_host_name);
			fputs(",\"servicePrincipalName\":[", out);
			for (size_t i = 0; l->account.spns != NULL &&
			     l->account.spns[i] != NULL; i++) {
				if (i)
					fputc(',', out);
				jstr(out, l->account.spns[i]);
			}
			fputs("]}", out);
		}
		fputc('}', out);
	}
	fputc('}', out);
}

void netchk_render_verify_json(FILE *out, const struct sc_verify_result *res)
{
	const struct sc_verdict *v = &res->verdict;

	fprintf(out, "{\"schema\":%d,\"command\":\"verify\",",
		NETCHK_JSON_SCHEMA);
	jkey(out, "version"); jstr(out, sc_version()); fputc(',', out);
	jkey(out, "account"); jstr(out, res->account); fputc(',', out);
	jkey(out, "workgroup"); jstr(out, res->config->workgroup);
	fputc(',', out);
	jkey(out, "realm"); jstr(out, res->config->realm); fputc(',', out);
	render_config(out, res->config);
	fprintf(out, "\"enctypes\":{\"keytab\":%u,\"account\":",
		res->enctypes.keytab);
	if (res->enctypes.has_account)
		fprintf(out, "%u", res->enctypes.account);
	else
		fputs("null", out);
	fprintf(out, ",\"permitted\":%u,", res->enctypes.permitted);
	jkey(out, "finding"); jstr(out, res->enctypes.finding);
	fputs("},\"rotators\":[", out);
	for (size_t i = 0; i < res->rotator_count; i++) {
		fputs(i ? ",{" : "{", out);
		jpair(out, "name", res->rotators[i].name);
		jpair(out, "source", res->rotators[i].source);
		fprintf(out, "\"interval\":%d}", res->rotators[i].interval);
	}
	fputs("],", out);
	jpair(out, "rotator_finding", res->rotator_finding);
	/* what `netchk check HOST` evaluates its thresholds with */
	fprintf(out, "\"machine_password_timeout\":%d,\"clockskew\":%d,",
		res->config->machine_password_timeout,
		res->config->clockskew);
	jkey(out, "stores"); fputc('{', out);
	render_stores(out, res);
	fputs("},\"dcs\":[", out);
	for (size_t i = 0; i < res->dc_count; i++) {
		if (i)
			fputc(',', out);
		render_dc(out, &res->dcs[i]);
	}
	fputs("],\"verdict\":{", out);
	jkey(out, "status"); jstr(out, sc_health_name(v->health));
	fprintf(out, ",\"exit_code\":%d,", netchk_exit_of(v->health));
	jkey(out, "dc"); jstr(out, v->dc); fputc(',', out);
	jkey(out, "diagnosis"); jstr(out, sc_diag_name(v->diag));
	fputc(',', out);
	jkey(out, "text"); jstr(out, sc_diag_text(v->diag)); fputc(',', out);
	jkey(out, "repair"); jstr(out, sc_repair_name(v->repair));
	fputc(',', out);
	jkey(out, "repair_text"); jstr(out, sc_repair_text(v->repair));
	fprintf(out, "},\"seconds\":%.3f}\n", res->seconds);
}

/* A verdict in brief: before and after a reset. */
static void render_verdict_brief(FILE *out, const struct sc_verify_result *r)
{
	if (r == NULL) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	jkey(out, "status"); jstr(out, sc_health_name(r->verdict.health));
	fputc(',', out);
	jkey(out, "diagnosis"); jstr(out, sc_diag_name(r->verdict.diag));
	fputc(',', out);
	jkey(out, "dc"); jstr(out, r->verdict.dc);
	fputc('}', out);
}

void netchk_render_reset_json(FILE *out, const struct sc_reset_result *r,
			      bool dry_run, const char *const *restarted)
{
	const struct sc_verify_result *b = r->before;
	const struct sc_plan *p = r->plan;

	fprintf(out, "{\"schema\":%d,\"command\":\"reset\",",
		NETCHK_JSON_SCHEMA);
	jkey(out, "version"); jstr(out, sc_version()); fputc(',', out);
	jkey(out, "account"); jstr(out, b->account); fputc(',', out);
	jkey(out, "workgroup"); jstr(out, b->config->workgroup);
	fputc(',', out);
	jkey(out, "realm"); jstr(out, b->config->realm);
	fprintf(out, ",\"dry_run\":%s,\"before\":", dry_run ? "true" : "false");
	render_verdict_brief(out, b);
	fprintf(out, ",\"journal\":{\"found\":%s,\"finished\":%s},\"plan\":",
		r->journal_found ? "true" : "false",
		r->journal_finished ? "true" : "false");
	if (p == NULL) {
		fputs("null", out);
	} else {
		fputc('{', out);
		jkey(out, "action"); jstr(out, sc_plan_action_name(p->action));
		fputc(',', out);
		jkey(out, "credential"); jstr(out, sc_plan_cred_name(p->cred));
		fputc(',', out);
		jkey(out, "reason"); jstr(out, p->reason); fputc(',', out);
		jkey(out, "dc"); jstr(out, p->dc); fputc(',', out);
		jkey(out, "secrets"); jstr(out, b->config->secrets_path);
		fputc(',', out);
		jkey(out, "keytab"); jstr(out, b->config->keytab_name);
		fputs(",\"steps\":[", out);
		for (size_t i = 0; i < p->step_count; i++) {
			if (i)
				fputc(',', out);
			jstr(out, sc_step_name(p->steps[i]));
		}
		fputs("]}", out);
	}
	fprintf(out, ",\"result\":{\"enabled\":%s,\"changed_dc\":%s,"
		"\"changed_secrets\":%s,\"changed_keytab\":%s,\"kvno\":",
		r->enabled ? "true" : "false",
		r->changed_dc ? "true" : "false",
		r->changed_secrets ? "true" : "false",
		r->changed_keytab ? "true" : "false");
	if (r->changed_keytab)
		fprintf(out, "%" PRIu32, r->new_kvno);
	else
		fputs("null", out);
	fputc(',', out);
	jkey(out, "change_dc"); jstr(out, r->change_dc);
	fprintf(out, ",\"change_dc_is_pdc\":%s,",
		r->change_dc_is_pdc ? "true" : "false");
	jkey(out, "problem"); jstr(out, r->detail);
	fputs(",\"steps\":[", out);
	for (size_t i = 0; i < r->step_count; i++) {
		if (i)
			fputc(',', out);
		jstr(out, sc_step_name(r->steps[i]));
	}
	fputs("],\"restarted\":[", out);
	for (size_t i = 0; restarted != NULL && restarted[i] != NULL; i++) {
		if (i)
			fputc(',', out);
		jstr(out, restarted[i]);
	}
	fputs("]},\"after\":", out);
	render_verdict_brief(out, r->after);
	fputc(',', out);
	jkey(out, "status"); jstr(out, sc_health_name(r->health));
	fprintf(out, ",\"exit_code\":%d}\n", netchk_exit_of(r->health));
}

/*
 * reset stopped before it had a result (the lock, the stores, the first
 * verification): nothing was changed, and --json still prints one object
 * of the same shape.
 */
void netchk_render_reset_failure_json(FILE *out, const char *problem)
{
	fprintf(out, "{\"schema\":%d,\"command\":\"reset\",",
		NETCHK_JSON_SCHEMA);
	jkey(out, "version"); jstr(out, sc_version());
	fputs(",\"before\":null,\"journal\":null,\"plan\":null,"
	      "\"result\":{\"enabled\":false,\"changed_dc\":false,"
	      "\"changed_secrets\":false,\"changed_keytab\":false,"
	      "\"kvno\":null,\"change_dc\":null,"
	      "\"change_dc_is_pdc\":false,", out);
	jkey(out, "problem"); jstr(out, problem);
	fputs(",\"steps\":[],\"restarted\":[]},\"after\":null,", out);
	jkey(out, "status"); jstr(out, sc_health_name(SC_HEALTH_UNKNOWN));
	fprintf(out, ",\"exit_code\":%d}\n",
		netchk_exit_of(SC_HEALTH_UNKNOWN));
}

void netchk_render_usage_json(FILE *out, const char *command,
			      const char *message)
{
	fprintf(out, "{\"schema\":%d,", NETCHK_JSON_SCHEMA);
	jkey(out, "command"); jstr(out, command); fputc(',', out);
	jkey(out, "version"); jstr(out, sc_version()); fputc(',', out);
	jkey(out, "status"); jstr(out, sc_health_name(SC_HEALTH_UNKNOWN));
	fprintf(out, ",\"exit_code\":%d,", NETCHK_EXIT_UNKNOWN);
	jkey(out, "error"); jstr(out, message);
	fputs("}\n", out);
}

void netchk_json_string(FILE *out, const char *s)
{
	jstr(out, s);
}

/* A Unix time as ISO 8601 UTC, or null for 0 (never / unknown). */
static void jtime(FILE *out, time_t t)
{
	char buf[32];
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		fputs("null", out);
		return;
	}
	jstr(out, buf);
}

static void render_audit_finding(FILE *out, const struct sc_audit_result *r,
				 const struct sc_audit_finding *f)
{
	const struct sc_audit_account *a = &r->accounts[f->account];

	fputc('{', out);
	jkey(out, "account"); jstr(out, a->name); fputc(',', out);
	jkey(out, "finding"); jstr(out, sc_audit_kind_name(f->kind));
	fputc(',', out);
	jkey(out, "severity"); jstr(out, sc_health_name(f->severity));
	fputc(',', out);
	jkey(out, "detail"); jstr(out, f->detail); fputc(',', out);
	jkey(out, "text"); jstr(out, sc_audit_kind_text(f->kind));
	fputc(',', out);
	jkey(out, "dn"); jstr(out, a->dn); fputc(',', out);
	jkey(out, "dns_host_name"); jstr(out, a->dns_host_name);
	fprintf(out, ",\"user_account_control\":%" PRIu32 ",", a->uac);
	jkey(out, "pwd_last_set"); jtime(out, a->pwd_last_set);
	fputc(',', out);
	jkey(out, "when_created"); jtime(out, a->when_created);
	fputc(',', out);
	jkey(out, "last_logon"); jtime(out, a->last_logon);
	fputc(',', out);
	jkey(out, "supported_enctypes");
	if (a->has_enctypes)
		fprintf(out, "%" PRIu32, a->enctypes);
	else
		fputs("null", out);
	fputc('}', out);
}

void netchk_render_audit_json(FILE *out, const struct sc_audit_result *r)
{
	size_t counts[SC_AUDIT_KIND_COUNT] = { 0 };

	fprintf(out, "{\"schema\":%d,\"command\":\"audit\",",
		NETCHK_JSON_SCHEMA);
	jkey(out, "version"); jstr(out, sc_version()); fputc(',', out);
	jkey(out, "realm"); jstr(out, r->realm); fputc(',', out);
	jkey(out, "dc"); jstr(out, r->dc); fputc(',', out);
	jkey(out, "bound_as"); jstr(out, r->bound_as); fputc(',', out);
	jkey(out, "base"); jstr(out, r->base); fputc(',', out);
	fprintf(out, "\"accounts\":%zu,\"pages\":%u,\"page_size\":%u,"
		"\"search_seconds\":%.3f,\"seconds\":%.3f,",
		r->account_count, r->pages, r->page_size, r->search_seconds,
		r->seconds);
	fprintf(out, "\"limits\":{\"max_age_seconds\":%" PRId64 ","
		"\"logon_lag_seconds\":%" PRId64 ",", r->limits.max_age,
		r->limits.logon_lag);
	jkey(out, "now"); jtime(out, r->limits.now);
	fputs("},\"status\":", out);
	jstr(out, sc_health_name(r->health));
	fprintf(out, ",\"exit_code\":%d,", netchk_exit_of(r->health));
	jkey(out, "detail"); jstr(out, r->detail);
	fputs(",\"findings\":[", out);
	for (size_t i = 0; i < r->finding_count; i++) {
		if (i)
			fputc(',', out);
		render_audit_finding(out, r, &r->findings[i]);
		counts[r->findings[i].kind]++;
	}
	fputs("],\"counts\":{", out);
	for (int k = 0; k < SC_AUDIT_KIND_COUNT; k++) {
		if (k)
			fputc(',', out);
		jkey(out, sc_audit_kind_name(k));
		fprintf(out, "%zu", counts[k]);
	}
	fputs("}}\n", out);
}
