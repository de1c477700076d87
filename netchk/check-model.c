/*
 * netchk check - the model: from sc_verify() to states, and the status file
 *
 * States follow issue 6: CRITICAL when the host cannot authenticate,
 * WARNING when it works but degraded (one DC of several failing counts
 * here), UNKNOWN only for local failures.  "No DC answered" is CRITICAL:
 * the host cannot authenticate either.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

/* How long after a password change "only the previous password" is
 * taken for a rotation still on its way to the DC. */
#define ROTATION_GRACE 3600

const char *check_state_name(enum check_state s)
{
	switch (s) {
	case CHECK_OK: return "OK";
	case CHECK_WARNING: return "WARNING";
	case CHECK_CRITICAL: return "CRITICAL";
	case CHECK_UNKNOWN: break;
	}
	return "UNKNOWN";
}

/* A few words per diagnosis for the one-line summary. */
static const char *phrase(enum sc_diag d)
{
	switch (d) {
	case SC_DIAG_HEALTHY: return "trust OK";
	case SC_DIAG_PREVIOUS_ONLY: return "only the previous password "
					   "accepted";
	case SC_DIAG_KEYTAB_STALE: return "keytab stale";
	case SC_DIAG_KEYTAB_MISSING: return "keytab has no keys";
	case SC_DIAG_KEYTAB_EXTRA: return "stale extra keytab entries";
	case SC_DIAG_SECRETS_STALE: return "secrets.tdb password rejected";
	case SC_DIAG_ALL_REJECTED: return "machine secret rejected";
	case SC_DIAG_ACCOUNT_DELETED: return "account deleted";
	case SC_DIAG_ACCOUNT_DISABLED: return "account disabled";
	case SC_DIAG_ACCOUNT_GONE: return "account deleted or disabled";
	case SC_DIAG_CLOCK_SKEW: return "clock skew";
	case SC_DIAG_DC_UNREACHABLE: return "DC did not answer";
	case SC_DIAG_NO_SECRET: return "no machine secret";
	case SC_DIAG_DC_NOT_FOUND: return "no DC found in DNS";
	case SC_DIAG_REPL_LAG: return "replication lag";
	case SC_DIAG_KEYTAB_ENCTYPES: return "keytab lacks the AES keys";
	case SC_DIAG_RC4_ONLY: return "depends on RC4";
	case SC_DIAG_ROTATORS: return "several password rotators, or none";
	case SC_DIAG_ACCEPTOR: return "a service principal of the keytab "
				      "fails";
	case SC_DIAG_KEYTAB_KVNO: return "keytab kvno behind the DC's";
	case SC_DIAG_COUNT: break;
	}
	return "?";
}

/* "clock skew +600 s on dc1 (kerberos: KRB_AP_ERR_SKEW (-1765328347))" */
static char *dc_summary(TALLOC_CTX *mem_ctx, const struct check_model *m,
			const struct check_dc *d)
{
	char *s;
	bool first = true;

	if (d->diag == SC_DIAG_PREVIOUS_ONLY && m->have_pw_change &&
	    m->when - m->pw_change < ROTATION_GRACE)
		s = talloc_asprintf(mem_ctx, "rotation in progress: only the "
				    "previous password accepted on %s",
				    d->name);
	else if (d->diag == SC_DIAG_REPL_LAG && d->lag_dc != NULL)
		s = talloc_asprintf(mem_ctx, "replication lag on %s (kvno %"
				    PRIu32 ", %s has %" PRIu32 ")", d->name,
				    d->kvno, d->lag_dc, d->lag_kvno);
	else if (d->diag == SC_DIAG_CLOCK_SKEW && d->have_clock)
		s = talloc_asprintf(mem_ctx, "clock skew %+" PRId64 " s on %s",
				    d->clock_offset, d->name);
	else
		s = talloc_asprintf(mem_ctx, "%s on %s", phrase(d->diag),
				    d->name);
	for (size_t i = 0; s != NULL && i < d->npaths; i++) {
		const struct check_path *p = &d->paths[i];

		if (p->health != SC_HEALTH_BROKEN)
			continue;
		s = talloc_asprintf_append(s, "%s%s: %s", first ? " (" : "; ",
					   sc_path_name(p->path), p->summary);
		first = false;
	}
	if (s != NULL && !first)
		s = talloc_asprintf_append(s, ")");
	return s;
}

/*
 * "DC did not answer on dc3, dc4": every DC that stayed silent, so that
 * the one line a pager shows names them all.
 */
static char *silent_summary(TALLOC_CTX *mem_ctx, const struct check_model *m)
{
	char *s = talloc_strdup(mem_ctx, phrase(SC_DIAG_DC_UNREACHABLE));
	bool first = true;

	for (size_t i = 0; s != NULL && i < m->ndc; i++) {
		if (m->dcs[i].health != SC_HEALTH_UNKNOWN ||
		    m->dcs[i].diag != SC_DIAG_DC_UNREACHABLE)
			continue;
		s = talloc_asprintf_append(s, "%s%s", first ? " on " : ", ",
					   m->dcs[i].name);
		first = false;
	}
	return s;
}

static void set_texts(struct check_model *m, enum sc_diag diag,
		      enum sc_repair repair)
{
	m->diagnosis = talloc_strdup(m, sc_diag_text(diag));
	m->repair = talloc_strdup(m, sc_repair_text(repair));
}

/* One state and summary for all DCs (see the comment at the top). */
static void aggregate(struct check_model *m,
		      const enum sc_repair *repairs)
{
	const struct check_dc *bad = NULL, *warn = NULL, *gone = NULL;
	size_t ok = 0, warned = 0, bad_i = 0, warn_i = 0, gone_i = 0;
	char *what;

	for (size_t i = 0; i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];

		switch (d->health) {
		case SC_HEALTH_OK:
			ok++;
			break;
		case SC_HEALTH_WARNING:
			if (warn == NULL) {
				warn = d;
				warn_i = i;
			}
			warned++;
			break;
		case SC_HEALTH_BROKEN:
			if (bad == NULL) {
				bad = d;
				bad_i = i;
			}
			break;
		case SC_HEALTH_UNKNOWN:
			if (gone == NULL) {
				gone = d;
				gone_i = i;
			}
			break;
		}
	}
	if (ok + warned == 0) {
		const struct check_dc *d = bad ? bad : gone;
		size_t di = bad ? bad_i : gone_i;

		m->state = CHECK_CRITICAL;
		what = bad ? dc_summary(m, m, bad) :
		       talloc_asprintf(m, "no DC reachable (%zu tried)",
				       m->ndc);
		if (d != NULL)
			set_texts(m, d->diag, repairs[di]);
	} else if (bad != NULL || gone != NULL) {
		const struct check_dc *d = bad ? bad : gone;
		size_t di = bad ? bad_i : gone_i;

		m->state = CHECK_WARNING;
		what = talloc_asprintf(m, "%s; trust OK on %zu of %zu DCs",
				       bad == NULL && d->diag ==
				       SC_DIAG_DC_UNREACHABLE ?
				       silent_summary(m, m) :
				       dc_summary(m, m, d), ok + warned,
				       m->ndc);
		set_texts(m, d->diag, repairs[di]);
	} else if (warn != NULL) {
		m->state = CHECK_WARNING;
		what = dc_summary(m, m, warn);
		set_texts(m, warn->diag, repairs[warn_i]);
	} else {
		m->state = CHECK_OK;
		what = m->ndc == 1 ?
			talloc_asprintf(m, "trust OK on %s", m->dcs[0].name) :
			talloc_asprintf(m, "trust OK on all %zu DCs", m->ndc);
	}
	m->summary = talloc_asprintf(m, "%s: %s", m->account, what);
}

struct check_model *check_model_from_verify(TALLOC_CTX *mem_ctx,
					    const struct sc_verify_result *res,
					    time_t now)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct check_model *m;
	enum sc_repair *repairs;

	if (tmp_ctx == NULL)
		return NULL;
	m = talloc_zero(tmp_ctx, struct check_model);
	repairs = talloc_zero_array(tmp_ctx, enum sc_repair,
				    res->dc_count + 1);
	if (m == NULL || repairs == NULL)
		goto fail;
	m->when = now;
	m->duration = res->seconds;
	m->account = talloc_strdup(m, res->account);
	m->realm = talloc_strdup(m, res->config->realm);
	m->pw_timeout = res->config->machine_password_timeout;
	m->clockskew = res->config->clockskew;
	if (res->secrets != NULL && res->secrets->have_last_change) {
		m->have_pw_change = true;
		m->pw_change = res->secrets->last_change;
	}
	if (res->keytab != NULL && res->keytab->count > 0) {
		m->have_kvno = true;
		m->keytab_kvno = sc_keytab_max_kvno(res->keytab);
	}
	m->dcs = talloc_zero_array(m, struct check_dc, res->dc_count + 1);
	if (m->dcs == NULL)
		goto fail;
	m->ndc = res->dc_count;
	for (size_t i = 0; i < res->dc_count; i++) {
		const struct sc_dc_report *rep = &res->dcs[i];
		const struct sc_ldap_result *l = rep->ldap;
		struct check_dc *d = &m->dcs[i];
		/* the DC's own verdict, replication lag included */
		const struct sc_verdict_dc *v = &rep->verdict;

		d->name = talloc_strdup(m, rep->dc.name);
		d->address = talloc_strdup(m, rep->dc.address);
		d->health = v->health;
		d->diag = v->diag;
		repairs[i] = v->repair;
		if (rep->repl_lag && rep->repl_ahead_dc != NULL) {
			d->lag_dc = talloc_strdup(m, rep->repl_ahead_dc);
			d->lag_kvno = rep->repl_ahead_kvno;
		}
		for (int p = 0; p < SC_PATH_COUNT; p++) {
			struct check_path *cp = &d->paths[d->npaths];

			if (!rep->path_run[p])
				continue;
			cp->path = (enum sc_path)p;
			cp->health = rep->paths[p].health;
			cp->has_ntstatus = rep->paths[p].has_ntstatus;
			cp->ntstatus = rep->paths[p].ntstatus;
			cp->has_krb5 = rep->paths[p].has_krb5;
			cp->krb5_code = rep->paths[p].krb5_code;
			cp->summary = talloc_asprintf(m, "%s%s",
				rep->paths[p].summary ?
				rep->paths[p].summary : "",
				rep->paths[p].remembered ?
				" [remembered, not presented again]" : "");
			d->npaths++;
		}
		if (l != NULL && l->have_time) {
			d->have_clock = true;
			d->clock_offset = l->clock_offset;
		}
		if (l != NULL && l->bound && l->account.found &&
		    l->account.has_kvno) {
			d->have_kvno = true;
			d->kvno = l->account.kvno;
		}
		/* no secrets.tdb date (sssd/adcli hosts): the DC's own */
		if (!m->have_pw_change && l != NULL && l->bound &&
		    l->account.found && l->account.pwd_last_set > 0) {
			m->have_pw_change = true;
			m->pw_change = l->account.pwd_last_set;
		}
	}
	aggregate(m, repairs);
	if (m->summary == NULL)
		goto fail;
	m = talloc_steal(mem_ctx, m);
	talloc_free(tmp_ctx);
	return m;
fail:
	talloc_free(tmp_ctx);
	return NULL;
}

struct check_model *check_model_failed(TALLOC_CTX *mem_ctx,
				       enum check_state state,
				       const char *summary, time_t now,
				       double duration)
{
	struct check_model *m = talloc_zero(mem_ctx, struct check_model);

	if (m == NULL)
		return NULL;
	m->when = now;
	m->duration = duration;
	m->state = state;
	m->account = talloc_strdup(m, "");
	m->realm = talloc_strdup(m, "");
	m->summary = talloc_strdup(m, summary);
	if (m->account == NULL || m->realm == NULL || m->summary == NULL) {
		talloc_free(m);
		return NULL;
	}
	return m;
}

/*
 * The status file: "key value" lines, values with \ and newline escaped.
 * dc_* and path lines belong to the dc line before them.
 */
#define STATUS_MAGIC "netchk-check-status 1"

static char *esc(TALLOC_CTX *mem_ctx, const char *s)
{
	char *out = talloc_strdup(mem_ctx, "");

	for (; out != NULL && s != NULL && *s; s++) {
		if (*s == '\\')
			out = talloc_strdup_append(out, "\\\\");
		else if (*s == '\n')
			out = talloc_strdup_append(out, "\\n");
		else
			out = talloc_asprintf_append(out, "%c", *s);
	}
	return out;
}

static char *unesc(TALLOC_CTX *mem_ctx, const char *s)
{
	char *out = talloc_strdup(mem_ctx, s), *w = out;

	for (const char *r = s; out != NULL && *r; r++) {
		if (*r == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else if (*r == '\\' && r[1] == '\\') {
			*w++ = '\\';
			r++;
		} else {
			*w++ = *r;
		}
	}
	if (out != NULL)
		*w = '\0';
	return out;
}

char *check_model_save(TALLOC_CTX *mem_ctx, const struct check_model *m)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	char *s;

	if (tmp_ctx == NULL)
		return NULL;
	s = talloc_asprintf(tmp_ctx, "%s\nwhen %" PRId64 "\nduration %.3f\n"
			    "account %s\nrealm %s\nstate %s\nsummary %s\n"
			    "pw_timeout %" PRId64 "\nclockskew %" PRId64 "\n",
			    STATUS_MAGIC, m->when,
			    m->duration, esc(tmp_ctx, m->account),
			    esc(tmp_ctx, m->realm),
			    check_state_name(m->state),
			    esc(tmp_ctx, m->summary), m->pw_timeout,
			    m->clockskew);
	if (s != NULL && m->diagnosis != NULL)
		s = talloc_asprintf_append(s, "diagnosis %s\n",
					   esc(tmp_ctx, m->diagnosis));
	if (s != NULL && m->repair != NULL)
		s = talloc_asprintf_append(s, "repair %s\n",
					   esc(tmp_ctx, m->repair));
	if (s != NULL && m->have_pw_change)
		s = talloc_asprintf_append(s, "pw_change %" PRId64 "\n",
					   m->pw_change);
	if (s != NULL && m->have_kvno)
		s = talloc_asprintf_append(s, "keytab_kvno %" PRIu32 "\n",
					   m->keytab_kvno);
	if (s != NULL && m->have_success)
		s = talloc_asprintf_append(s, "last_success %" PRId64 "\n",
					   m->last_success);
	for (size_t i = 0; s != NULL && i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];

		s = talloc_asprintf_append(s, "dc %s %s %s %s\n",
					   esc(tmp_ctx, d->name),
					   esc(tmp_ctx, d->address),
					   sc_health_name(d->health),
					   sc_diag_name(d->diag));
		if (s != NULL && d->have_clock)
			s = talloc_asprintf_append(s, "dc_clock %" PRId64 "\n",
						   d->clock_offset);
		if (s != NULL && d->have_kvno)
			s = talloc_asprintf_append(s, "dc_kvno %" PRIu32 "\n",
						   d->kvno);
		if (s != NULL && d->lag_dc != NULL)
			s = talloc_asprintf_append(s, "dc_lag %" PRIu32 " %s\n",
						   d->lag_kvno,
						   esc(tmp_ctx, d->lag_dc));
		for (size_t p = 0; s != NULL && p < d->npaths; p++)
			s = talloc_asprintf_append(s, "path %s %s %s\n",
				sc_path_name(d->paths[p].path),
				sc_health_name(d->paths[p].health),
				esc(tmp_ctx, d->paths[p].summary));
	}
	if (s != NULL)
		s = talloc_asprintf_append(s, "end\n");
	if (s != NULL)
		s = talloc_steal(mem_ctx, s);
	talloc_free(tmp_ctx);
	return s;
}

static bool health_of(const char *name, enum sc_health *out)
{
	for (int h = SC_HEALTH_OK; h <= SC_HEALTH_UNKNOWN; h++)
		if (strcmp(name, sc_health_name(h)) == 0) {
			*out = (enum sc_health)h;
			return true;
		}
	return false;
}

static bool diag_of(const char *name, enum sc_diag *out)
{
	for (int d = 0; d < SC_DIAG_COUNT; d++)
		if (strcmp(name, sc_diag_name(d)) == 0) {
			*out = (enum sc_diag)d;
			return true;
		}
	return false;
}

static bool path_of(const char *name, enum sc_path *out)
{
	for (int p = 0; p < SC_PATH_COUNT; p++)
		if (strcmp(name, sc_path_name(p)) == 0) {
			*out = (enum sc_path)p;
			return true;
		}
	return false;
}

static bool state_of(const char *name, enum check_state *out)
{
	for (int s = CHECK_OK; s <= CHECK_UNKNOWN; s++)
		if (strcmp(name, check_state_name(s)) == 0) {
			*out = (enum check_state)s;
			return true;
		}
	return false;
}

static bool int64_of(const char *s, int64_t *out)
{
	char *end = NULL;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end != '\0')
		return false;
	*out = v;
	return true;
}

/*
 * A time or a duration in seconds, as a status file may hold it: whatever
 * is in the file, the renderers subtract and double these, so only
 * 0 .. 2^40 (some 35000 years) is taken.
 */
static bool seconds_of(const char *s, int64_t *out)
{
	int64_t v;

	if (!int64_of(s, &v) || v < 0 || v > ((int64_t)1 << 40))
		return false;
	*out = v;
	return true;
}

/* Split "word rest": returns rest (after one space), cuts line there. */
static char *cut(char *line)
{
	char *sp = strchr(line, ' ');

	if (sp == NULL)
		return NULL;
	*sp = '\0';
	return sp + 1;
}

static bool load_line(struct check_model *m, char *key, char *val,
		      bool *seen_end)
{
	struct check_dc *d = m->ndc > 0 ? &m->dcs[m->ndc - 1] : NULL;
	int64_t n = 0;

	if (strcmp(key, "end") == 0) {
		*seen_end = true;
		return true;
	}
	if (val == NULL)
		return false;
	if (strcmp(key, "when") == 0)
		return seconds_of(val, &m->when);
	if (strcmp(key, "duration") == 0) {
		m->duration = strtod(val, NULL);
		return true;
	}
	if (strcmp(key, "account") == 0)
		return (m->account = unesc(m, val)) != NULL;
	if (strcmp(key, "realm") == 0)
		return (m->realm = unesc(m, val)) != NULL;
	if (strcmp(key, "state") == 0)
		return state_of(val, &m->state);
	if (strcmp(key, "summary") == 0)
		return (m->summary = unesc(m, val)) != NULL;
	if (strcmp(key, "diagnosis") == 0)
		return (m->diagnosis = unesc(m, val)) != NULL;
	if (strcmp(key, "repair") == 0)
		return (m->repair = unesc(m, val)) != NULL;
	if (strcmp(key, "pw_timeout") == 0)
		return seconds_of(val, &m->pw_timeout);
	if (strcmp(key, "clockskew") == 0)
		return seconds_of(val, &m->clockskew);
	if (strcmp(key, "pw_change") == 0)
		return (m->have_pw_change = seconds_of(val, &m->pw_change));
	if (strcmp(key, "last_success") == 0)
		return (m->have_success = seconds_of(val,
							   &m->last_success));
	if (strcmp(key, "keytab_kvno") == 0) {
		m->have_kvno = int64_of(val, &n) && n >= 0;
		m->keytab_kvno = (uint32_t)n;
		return m->have_kvno;
	}
	if (strcmp(key, "dc") == 0) {
		struct check_dc *v = talloc_realloc(m, m->dcs, struct check_dc,
						    m->ndc + 1);
		char *addr, *health, *diag;

		if (v == NULL)
			return false;
		m->dcs = v;
		d = &v[m->ndc++];
		memset(d, 0, sizeof(*d));
		if ((addr = cut(val)) == NULL ||
		    (health = cut(addr)) == NULL ||
		    (diag = cut(health)) == NULL)
			return false;
		d->name = unesc(m, val);
		d->address = unesc(m, addr);
		return d->name != NULL && d->address != NULL &&
		       health_of(health, &d->health) &&
		       diag_of(diag, &d->diag);
	}
	if (d == NULL)
		return false;
	if (strcmp(key, "dc_clock") == 0)
		return (d->have_clock = int64_of(val, &d->clock_offset));
	if (strcmp(key, "dc_kvno") == 0) {
		d->have_kvno = int64_of(val, &n) && n >= 0;
		d->kvno = (uint32_t)n;
		return d->have_kvno;
	}
	if (strcmp(key, "dc_lag") == 0) {
		char *name = cut(val);

		if (name == NULL || !int64_of(val, &n) || n < 0)
			return false;
		d->lag_kvno = (uint32_t)n;
		return (d->lag_dc = unesc(m, name)) != NULL;
	}
	if (strcmp(key, "path") == 0) {
		struct check_path *p = &d->paths[d->npaths];
		char *health, *summary;

		if (d->npaths >= SC_PATH_COUNT ||
		    (health = cut(val)) == NULL ||
		    (summary = cut(health)) == NULL)
			return false;
		if (!path_of(val, &p->path) || !health_of(health, &p->health))
			return false;
		p->summary = unesc(m, summary);
		d->npaths++;
		return p->summary != NULL;
	}
	return true;	/* a key of a later version: ignore it */
}

struct check_model *check_model_load(TALLOC_CTX *mem_ctx, const char *text)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct check_model *m;
	char *copy, *save = NULL, *line;
	bool seen_end = false;

	if (tmp_ctx == NULL)
		return NULL;
	m = talloc_zero(tmp_ctx, struct check_model);
	copy = talloc_strdup(tmp_ctx, text);
	if (m == NULL || copy == NULL)
		goto fail;
	line = strtok_r(copy, "\n", &save);
	if (line == NULL || strcmp(line, STATUS_MAGIC) != 0)
		goto fail;
	while (!seen_end && (line = strtok_r(NULL, "\n", &save)) != NULL) {
		char *val = cut(line);

		if (!load_line(m, line, val, &seen_end))
			goto fail;
	}
	/* a file cut short is not a result */
	if (!seen_end || m->summary == NULL || m->account == NULL ||
	    m->realm == NULL)
		goto fail;
	m = talloc_steal(mem_ctx, m);
	talloc_free(tmp_ctx);
	return m;
fail:
	talloc_free(tmp_ctx);
	return NULL;
}
