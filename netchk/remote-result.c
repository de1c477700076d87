/*
 * netchk - a remote netchk's JSON back into result structs
 *
 * `netchk verify HOST` runs `netchk verify --json` on HOST and prints the
 * answer with the local renderers, so a remote result reads exactly as a
 * local one.  This file turns the JSON document (schema 1) back into the
 * fields of struct sc_verify_result / sc_reset_result that the text
 * renderer and the check model read; the rest (attempts, fingerprints)
 * only travels in --json output, which is passed through unchanged.
 * Names map back to enums through libsc's own name functions, so a name
 * this netchk does not know makes the document "from another version".
 */
#include <string.h>
#include "netchk.h"
#include "remote.h"

/* name -> enum through a name function; -1 when unknown */
static int enum_of(const char *name, int count, const char *(*fn)(int))
{
	for (int i = 0; name != NULL && i < count; i++)
		if (strcmp(fn(i), name) == 0)
			return i;
	return -1;
}

static const char *health_fn(int i) { return sc_health_name(i); }
static const char *diag_fn(int i) { return sc_diag_name(i); }
static const char *repair_fn(int i) { return sc_repair_name(i); }
static const char *path_fn(int i) { return sc_path_name(i); }
static const char *action_fn(int i) { return sc_plan_action_name(i); }
static const char *step_fn(int i) { return sc_step_name(i); }

struct reader {
	TALLOC_CTX *mem;
	bool bad;			/* an unknown name or a missing part */
};

static const char *dup_str(struct reader *r, const struct json *v,
			   const char *key)
{
	const char *s = json_str(v, key);

	return s != NULL ? talloc_strdup(r->mem, s) : NULL;
}

static int enum_field(struct reader *r, const struct json *v,
		      const char *key, int count, const char *(*fn)(int))
{
	int e = enum_of(json_str(v, key), count, fn);

	if (e < 0) {
		r->bad = true;
		return 0;
	}
	return e;
}

static struct sc_secrets *read_secrets(struct reader *r, const struct json *s)
{
	struct sc_secrets *sec;

	if (s == NULL || s->type != JSON_OBJECT)
		return NULL;
	sec = talloc_zero(r->mem, struct sc_secrets);
	if (sec == NULL) {
		r->bad = true;
		return NULL;
	}
	sec->path = dup_str(r, s, "path");
	/* only presence is shown; no secret ever crosses the wire */
	if (json_bool(s, "current"))
		sec->current = sc_secret_new(sec, "", 0);
	if (json_bool(s, "previous"))
		sec->previous = sc_secret_new(sec, "", 0);
	sec->have_last_change = !json_is_null(s, "last_change");
	sec->last_change = (time_t)json_num(s, "last_change", 0);
	sec->sec_channel_type = (uint32_t)json_num(s, "sec_channel_type", 0);
	sec->domain_sid = dup_str(r, s, "domain_sid");
	sec->domain_guid = dup_str(r, s, "domain_guid");
	return sec;
}

static enum sc_key_match match_of(const char *s)
{
	if (s == NULL)
		return SC_KEY_MATCH_UNKNOWN;
	if (strcmp(s, "current") == 0)
		return SC_KEY_MATCH_CURRENT;
	if (strcmp(s, "previous") == 0)
		return SC_KEY_MATCH_PREVIOUS;
	if (strcmp(s, "none") == 0)
		return SC_KEY_MATCH_NONE;
	return SC_KEY_MATCH_UNKNOWN;
}

static struct sc_keytab *read_keytab(struct reader *r, const struct json *k)
{
	const struct json *es = json_get(k, "entries");
	struct sc_keytab *kt;

	if (k == NULL || k->type != JSON_OBJECT)
		return NULL;
	kt = talloc_zero(r->mem, struct sc_keytab);
	if (kt == NULL || es == NULL || es->type != JSON_ARRAY) {
		r->bad = true;
		return NULL;
	}
	kt->name = dup_str(r, k, "name");
	kt->other_count = (size_t)json_num(k, "other_entries", 0);
	kt->entries = talloc_zero_array(kt, struct sc_keytab_entry,
					es->count + 1);
	if (kt->entries == NULL) {
		r->bad = true;
		return NULL;
	}
	kt->count = es->count;
	for (size_t i = 0; i < es->count; i++) {
		struct sc_keytab_entry *e = &kt->entries[i];

		e->principal = dup_str(r, es->items[i], "principal");
		e->kvno = (uint32_t)json_num(es->items[i], "kvno", 0);
		e->enctype = (int32_t)json_num(es->items[i], "enctype", 0);
		e->enctype_name = dup_str(r, es->items[i], "enctype_name");
		e->match = match_of(json_str(es->items[i], "matches"));
	}
	return kt;
}

/* "0xC0000022" -> code */
static void read_codes(const struct json *v, bool *has_nt, uint32_t *nt,
		       bool *has_k5, int32_t *k5)
{
	const char *hex = json_str(v, "ntstatus");

	*has_nt = hex != NULL;
	*nt = hex != NULL ? (uint32_t)strtoul(hex, NULL, 16) : 0;
	*has_k5 = !json_is_null(v, "krb5_code");
	*k5 = (int32_t)json_num(v, "krb5_code", 0);
}

static void read_path(struct reader *r, struct sc_dc_report *rep, int p,
		      const struct json *ps)
{
	struct sc_path_state *st = &rep->paths[p];

	if (ps == NULL)
		return;
	rep->path_run[p] = json_bool(ps, "run");
	st->health = enum_field(r, ps, "status", SC_HEALTH_UNKNOWN + 1,
				health_fn);
	read_codes(ps, &st->has_ntstatus, &st->ntstatus, &st->has_krb5,
		   &st->krb5_code);
	st->remembered = json_bool(ps, "remembered");
	st->summary = dup_str(r, ps, "summary");
}

static struct sc_ldap_result *read_ldap(struct reader *r,
					const struct json *l)
{
	const struct json *a = json_get(l, "account");
	struct sc_ldap_result *res;

	if (l == NULL || l->type != JSON_OBJECT)
		return NULL;
	res = talloc_zero(r->mem, struct sc_ldap_result);
	if (res == NULL) {
		r->bad = true;
		return NULL;
	}
	res->reached = json_bool(l, "reached");
	res->bound = json_bool(l, "bound");
	res->have_time = !json_is_null(l, "clock_offset");
	res->clock_offset = (int64_t)json_num(l, "clock_offset", 0);
	res->detail = dup_str(r, l, "detail");
	if (a != NULL && a->type == JSON_OBJECT) {
		res->account.found = json_bool(a, "found");
		res->account.uac = (uint32_t)json_num(a, "userAccountControl",
						      0);
		res->account.has_kvno = !json_is_null(a,
						      "msDS-KeyVersionNumber");
		res->account.kvno = (uint32_t)json_num(a,
						"msDS-KeyVersionNumber", 0);
		res->account.pwd_last_set = (time_t)json_num(a, "pwdLastSet",
							     0);
		res->account.dns_host_name = dup_str(r, a, "dNSHostName");
	}
	return res;
}

/* Each keytab principal as proven on that DC. */
static void read_acceptors(struct reader *r, struct sc_dc_report *rep,
			   const struct json *a)
{
	if (a == NULL || a->type != JSON_ARRAY || a->count == 0)
		return;
	rep->acceptors = talloc_zero_array(r->mem, struct sc_acceptor,
					   a->count);
	if (rep->acceptors == NULL) {
		r->bad = true;
		return;
	}
	rep->acceptor_count = a->count;
	for (size_t i = 0; i < a->count; i++) {
		struct sc_acceptor *x = &rep->acceptors[i];

		x->principal = dup_str(r, a->items[i], "principal");
		x->keytab = dup_str(r, a->items[i], "keytab");
		x->ok = json_bool(a->items[i], "ok");
		x->got_ticket = json_bool(a->items[i], "ticket");
		x->kvno = (uint32_t)json_num(a->items[i], "kvno", 0);
		x->enctype = (int32_t)json_num(a->items[i], "enctype", 0);
		x->krb5_code = (int32_t)json_num(a->items[i], "krb5_code",
						 0);
		x->opened_kvno = (uint32_t)json_num(a->items[i],
						    "opened_kvno", 0);
		x->detail = dup_str(r, a->items[i], "detail");
	}
}

/* Enctypes and rotators: what verify found about the host itself. */
static void read_host_findings(struct reader *r, struct sc_verify_result *res,
			       const struct json *doc)
{
	const struct json *e = json_get(doc, "enctypes");
	const struct json *rot = json_get(doc, "rotators");

	if (e != NULL && e->type == JSON_OBJECT) {
		res->enctypes.keytab = (uint32_t)json_num(e, "keytab", 0);
		res->enctypes.has_account = !json_is_null(e, "account");
		res->enctypes.account = (uint32_t)json_num(e, "account", 0);
		res->enctypes.permitted = (uint32_t)json_num(e, "permitted",
							     0);
		res->enctypes.finding = dup_str(r, e, "finding");
	}
	res->rotator_finding = dup_str(r, doc, "rotator_finding");
	if (rot == NULL || rot->type != JSON_ARRAY || rot->count == 0)
		return;
	res->rotators = talloc_zero_array(r->mem, struct sc_rotator,
					  rot->count);
	if (res->rotators == NULL) {
		r->bad = true;
		return;
	}
	res->rotator_count = rot->count;
	for (size_t i = 0; i < rot->count; i++) {
		res->rotators[i].name = dup_str(r, rot->items[i], "name");
		res->rotators[i].source = dup_str(r, rot->items[i], "source");
		res->rotators[i].interval =
			(int)json_num(rot->items[i], "interval", 0);
	}
}

static void read_dc(struct reader *r, struct sc_dc_report *rep,
		    const struct json *d)
{
	const struct json *v = json_get(d, "verdict");
	const struct json *lag = json_get(d, "replication_lag");
	const struct json *paths = json_get(d, "paths");

	rep->dc.name = dup_str(r, d, "name");
	rep->dc.address = dup_str(r, d, "address");
	rep->verdict.health = enum_field(r, v, "status",
					 SC_HEALTH_UNKNOWN + 1, health_fn);
	rep->verdict.diag = enum_field(r, v, "diagnosis", SC_DIAG_COUNT,
				       diag_fn);
	rep->verdict.repair = enum_field(r, v, "repair", SC_REPAIR_COUNT,
					 repair_fn);
	if (lag != NULL && lag->type == JSON_OBJECT) {
		rep->repl_lag = true;
		rep->repl_ahead_kvno = (uint32_t)json_num(lag, "ahead_kvno",
							  0);
		rep->repl_ahead_dc = dup_str(r, lag, "ahead_dc");
	}
	rep->memory_dropped = json_bool(d, "memory_dropped");
	for (int p = 0; p < SC_PATH_COUNT; p++)
		read_path(r, rep, p, json_get(paths, path_fn(p)));
	rep->ldap = read_ldap(r, json_get(d, "ldap"));
	read_acceptors(r, rep, json_get(d, "acceptors"));
}

/* The configuration a keytab-only host was read from (text header). */
static void read_config(struct reader *r, struct sc_config *cfg,
			const struct json *c)
{
	if (c == NULL || c->type != JSON_OBJECT)
		return;
	cfg->keytab_only = json_bool(c, "keytab_only");
	cfg->smb_conf = dup_str(r, c, "smb_conf");
	cfg->krb5_conf = dup_str(r, c, "krb5_conf");
	cfg->sssd_conf = dup_str(r, c, "sssd_conf");
	cfg->sssd_domain = dup_str(r, c, "sssd_domain");
	cfg->keytab_name = dup_str(r, c, "keytab");
	cfg->site = dup_str(r, c, "site");
}

struct sc_verify_result *netchk_verify_from_json(TALLOC_CTX *mem_ctx,
						 const struct json *doc)
{
	struct sc_verify_result *res = talloc_zero(NULL,
						   struct sc_verify_result);
	struct reader r = { res, false };
	const struct json *stores = json_get(doc, "stores");
	const struct json *dcs = json_get(doc, "dcs");
	const struct json *v = json_get(doc, "verdict");
	struct sc_config *cfg;

	if (res == NULL)
		return NULL;
	cfg = talloc_zero(res, struct sc_config);
	if (cfg == NULL || dcs == NULL ||
	    dcs->type != JSON_ARRAY || v == NULL)
		goto fail;
	res->config = cfg;
	cfg->workgroup = dup_str(&r, doc, "workgroup");
	cfg->realm = dup_str(&r, doc, "realm");
	read_config(&r, cfg, json_get(doc, "config"));
	cfg->machine_password_timeout =
		(int)json_num(doc, "machine_password_timeout", 0);
	cfg->clockskew = (int)json_num(doc, "clockskew", 0);
	res->account = dup_str(&r, doc, "account");
	res->secrets = read_secrets(&r, json_get(stores, "secrets"));
	res->keytab = read_keytab(&r, json_get(stores, "keytab"));
	read_host_findings(&r, res, doc);
	res->dcs = talloc_zero_array(res, struct sc_dc_report,
				     dcs->count + 1);
	if (res->dcs == NULL)
		goto fail;
	res->dc_count = dcs->count;
	for (size_t i = 0; i < dcs->count; i++)
		read_dc(&r, &res->dcs[i], dcs->items[i]);
	/* a keytab-only host says why netlogon was not tested */
	if (res->dc_count > 0 && !res->dcs[0].path_run[SC_PATH_NETLOGON])
		res->netlogon_untested =
			res->dcs[0].paths[SC_PATH_NETLOGON].summary;
	res->verdict.health = enum_field(&r, v, "status",
					 SC_HEALTH_UNKNOWN + 1, health_fn);
	res->verdict.diag = enum_field(&r, v, "diagnosis", SC_DIAG_COUNT,
				       diag_fn);
	res->verdict.repair = enum_field(&r, v, "repair", SC_REPAIR_COUNT,
					 repair_fn);
	res->verdict.dc = dup_str(&r, v, "dc");
	res->seconds = json_num(doc, "seconds", 0);
	if (r.bad || res->account == NULL || cfg->realm == NULL)
		goto fail;
	return talloc_steal(mem_ctx, res);
fail:
	talloc_free(res);
	return NULL;
}

/* A verdict in brief (reset's before / after). */
static struct sc_verify_result *read_brief(struct reader *r,
					   const struct json *b,
					   struct sc_config *cfg,
					   const char *account)
{
	struct sc_verify_result *res;

	if (b == NULL || b->type != JSON_OBJECT)
		return NULL;
	res = talloc_zero(r->mem, struct sc_verify_result);
	if (res == NULL) {
		r->bad = true;
		return NULL;
	}
	res->config = cfg;
	res->account = account;
	res->verdict.health = enum_field(r, b, "status",
					 SC_HEALTH_UNKNOWN + 1, health_fn);
	res->verdict.diag = enum_field(r, b, "diagnosis", SC_DIAG_COUNT,
				       diag_fn);
	res->verdict.dc = dup_str(r, b, "dc");
	return res;
}

static struct sc_plan *read_plan(struct reader *r, const struct json *p,
				 struct sc_config *cfg)
{
	const struct json *steps = json_get(p, "steps");
	struct sc_plan *plan;

	if (p == NULL || p->type != JSON_OBJECT)
		return NULL;
	plan = talloc_zero(r->mem, struct sc_plan);
	if (plan == NULL || steps == NULL || steps->type != JSON_ARRAY) {
		r->bad = true;
		return NULL;
	}
	plan->action = enum_field(r, p, "action", SC_PLAN_ENABLE + 1,
				  action_fn);
	plan->reason = dup_str(r, p, "reason");
	plan->dc = dup_str(r, p, "dc");
	cfg->secrets_path = dup_str(r, p, "secrets");
	cfg->keytab_name = dup_str(r, p, "keytab");
	plan->steps = talloc_zero_array(plan, enum sc_step, steps->count + 1);
	if (plan->steps == NULL) {
		r->bad = true;
		return NULL;
	}
	plan->step_count = steps->count;
	for (size_t i = 0; i < steps->count; i++) {
		int s = enum_of(steps->items[i]->string, SC_STEP_COUNT,
				step_fn);

		if (steps->items[i]->type != JSON_STRING || s < 0)
			r->bad = true;
		plan->steps[i] = s < 0 ? 0 : s;
	}
	return plan;
}

struct sc_reset_result *netchk_reset_from_json(TALLOC_CTX *mem_ctx,
					       const struct json *doc)
{
	struct sc_reset_result *res = talloc_zero(NULL,
						  struct sc_reset_result);
	struct reader r = { res, false };
	const struct json *j = json_get(doc, "journal");
	const struct json *x = json_get(doc, "result");
	struct sc_config *cfg;
	const char *account;

	if (res == NULL)
		return NULL;
	cfg = talloc_zero(res, struct sc_config);
	account = dup_str(&r, doc, "account");
	if (cfg == NULL || x == NULL || account == NULL)
		goto fail;
	cfg->workgroup = dup_str(&r, doc, "workgroup");
	cfg->realm = dup_str(&r, doc, "realm");
	res->before = read_brief(&r, json_get(doc, "before"), cfg, account);
	res->after = read_brief(&r, json_get(doc, "after"), cfg, account);
	res->plan = read_plan(&r, json_get(doc, "plan"), cfg);
	res->journal_found = json_bool(j, "found");
	res->journal_finished = json_bool(j, "finished");
	res->enabled = json_bool(x, "enabled");
	res->changed_dc = json_bool(x, "changed_dc");
	res->changed_secrets = json_bool(x, "changed_secrets");
	res->changed_keytab = json_bool(x, "changed_keytab");
	res->new_kvno = (uint32_t)json_num(x, "kvno", 0);
	res->change_dc = dup_str(&r, x, "change_dc");
	res->change_dc_is_pdc = json_bool(x, "change_dc_is_pdc");
	res->detail = dup_str(&r, x, "problem");
	res->health = enum_field(&r, doc, "status", SC_HEALTH_UNKNOWN + 1,
				 health_fn);
	if (r.bad || res->before == NULL)
		goto fail;
	return talloc_steal(mem_ctx, res);
fail:
	talloc_free(res);
	return NULL;
}
