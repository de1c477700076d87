/*
 * libsc - audit: every computer account of the domain, judged
 *
 * sc_audit() is the flow: the host's configuration (realm, its account,
 * its keytab), one DC, one TGT (the machine's from its keytab, or the
 * administrator's), one paged LDAP search of every computer object
 * (probe-ldap.c, the LDAP module), then sc_audit_judge(), which is pure.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "sc-private.h"
#include "reset-private.h"

#define DEFAULT_TIMEOUT 5
/* "never rotated": the password was set within this of the creation */
#define JOIN_WINDOW 3600

/* msDS-SupportedEncryptionTypes bits (MS-KILE 2.2.7) */
#define ENC_DES_CRC	0x1
#define ENC_DES_MD5	0x2
#define ENC_RC4		0x4
#define ENC_AES128	0x8
#define ENC_AES256	0x10
#define UF_ACCOUNTDISABLE 0x2

static const struct {
	const char *name;
	enum sc_health severity;
	const char *text;
} kinds[SC_AUDIT_KIND_COUNT] = {
	[SC_AUDIT_SHARED_DNS_NAME] = { "shared-dns-name", SC_HEALTH_BROKEN,
		"another account has the same dNSHostName: two hosts "
		"share one identity and reset each other's password" },
	[SC_AUDIT_SHARED_SPN] = { "shared-spn", SC_HEALTH_BROKEN,
		"another account has the same servicePrincipalName: the "
		"KDC cannot tell which key to use" },
	[SC_AUDIT_STALE_PASSWORD] = { "stale-password", SC_HEALTH_WARNING,
		"the password is older than the rotation limit: the host "
		"is gone, or it lost its trust and cannot rotate" },
	[SC_AUDIT_NEVER_ROTATED] = { "never-rotated", SC_HEALTH_WARNING,
		"the password was never changed since the account was "
		"created: rotation is off on the host, or no host uses it" },
	[SC_AUDIT_LOGON_BEHIND] = { "logon-behind", SC_HEALTH_WARNING,
		"no logon long before the password was last set: someone "
		"other than the host set it (an administrator reset, or "
		"another host with this identity)" },
	[SC_AUDIT_RC4_ONLY] = { "rc4-only", SC_HEALTH_WARNING,
		"msDS-SupportedEncryptionTypes allows RC4 but no AES" },
	[SC_AUDIT_NO_ENCTYPES] = { "no-enctypes", SC_HEALTH_WARNING,
		"msDS-SupportedEncryptionTypes is unset or names neither "
		"RC4 nor AES: the KDC falls back to its default (RC4)" },
	[SC_AUDIT_NO_DNS_NAME] = { "no-dns-name", SC_HEALTH_WARNING,
		"the account has no dNSHostName: its host did not join "
		"the usual way, or never joined" },
	[SC_AUDIT_DISABLED] = { "disabled", SC_HEALTH_OK,
		"the account is disabled (information: nothing can log on "
		"with it)" },
};

const char *sc_audit_kind_name(enum sc_audit_kind kind)
{
	return kind < SC_AUDIT_KIND_COUNT ? kinds[kind].name : "unknown";
}

const char *sc_audit_kind_text(enum sc_audit_kind kind)
{
	return kind < SC_AUDIT_KIND_COUNT ? kinds[kind].text : "";
}

enum sc_health sc_audit_health(const struct sc_audit_finding *findings,
			       size_t count)
{
	enum sc_health worst = SC_HEALTH_OK;

	for (size_t i = 0; i < count; i++)
		if (findings[i].severity > worst)
			worst = findings[i].severity;
	return worst;
}

/* ---- shared names: sort (name, account) pairs, look at runs ---- */

struct name_ref {
	const char *name;
	size_t account;
};

static int name_ref_cmp(const void *x, const void *y)
{
	const struct name_ref *a = x, *b = y;
	int c = strcasecmp(a->name, b->name);

	if (c != 0)
		return c;
	return a->account < b->account ? -1 : a->account > b->account;
}

/*
 * For each account, the first of its names (case-insensitive) another
 * account has too, as "NAME also on X$[, Y$ and N more]" in details[i]
 * (NULL when none).  refs is sorted in place.
 */
static bool shared_names(TALLOC_CTX *mem_ctx,
			 const struct sc_audit_account *accounts,
			 struct name_ref *refs, size_t nrefs, char **details)
{
	size_t i = 0;

	qsort(refs, nrefs, sizeof(*refs), name_ref_cmp);
	while (i < nrefs) {
		size_t j = i + 1;
		size_t owners = 1;

		while (j < nrefs && strcasecmp(refs[i].name,
					       refs[j].name) == 0) {
			if (refs[j].account != refs[j - 1].account)
				owners++;
			j++;
		}
		for (size_t k = i; owners > 1 && k < j; k++) {
			size_t me = refs[k].account;
			size_t listed = 0;
			char *d;

			if (details[me] != NULL)
				continue;	/* one name per account */
			d = talloc_asprintf(mem_ctx, "%s also on",
					    refs[k].name);
			for (size_t o = i; d != NULL && o < j; o++) {
				if (refs[o].account == me ||
				    (o > i && refs[o].account ==
				     refs[o - 1].account))
					continue;
				if (listed == 3) {
					d = talloc_asprintf_append(d,
						" and %zu more",
						owners - 1 - listed);
					break;
				}
				d = talloc_asprintf_append(d, "%s %s",
					listed > 0 ? "," : "",
					accounts[refs[o].account].name);
				listed++;
			}
			if (d == NULL)
				return false;
			details[me] = d;
		}
		i = j;
	}
	return true;
}

static double days(int64_t seconds)
{
	return (double)seconds / 86400.0;
}

/* The findings of one account, in enum order. */
struct judge {
	TALLOC_CTX *mem_ctx;
	const struct sc_audit_limits *lim;
	struct sc_audit_finding *findings;
	size_t count;
	size_t cap;
	bool oom;
};

static void add(struct judge *j, size_t account, enum sc_audit_kind kind,
		char *detail)
{
	struct sc_audit_finding *f;

	if (j->oom || detail == NULL) {
		j->oom = true;
		return;
	}
	if (j->count == j->cap) {
		j->cap = j->cap == 0 ? 16 : j->cap * 2;
		j->findings = talloc_realloc(j->mem_ctx, j->findings,
					     struct sc_audit_finding, j->cap);
		if (j->findings == NULL) {
			j->oom = true;
			return;
		}
	}
	f = &j->findings[j->count++];
	f->kind = kind;
	f->severity = kinds[kind].severity;
	f->account = account;
	f->detail = talloc_steal(j->findings, detail);
}

static void judge_password(struct judge *j, size_t i,
			   const struct sc_audit_account *a)
{
	const struct sc_audit_limits *l = j->lim;
	int64_t created_ago = (int64_t)(l->now - a->when_created);
	int64_t age = (int64_t)(l->now - a->pwd_last_set);
	bool never;

	never = a->when_created > 0 && created_ago > l->max_age &&
		(a->pwd_last_set == 0 ||
		 llabs((long long)(a->pwd_last_set - a->when_created)) <=
		 JOIN_WINDOW);
	if (never)
		add(j, i, SC_AUDIT_NEVER_ROTATED, talloc_asprintf(j->mem_ctx,
		    "password %s since the account was created %.1f days "
		    "ago (limit %.0f days)", a->pwd_last_set == 0 ?
		    "never set" : "unchanged", days(created_ago),
		    days(l->max_age)));
	else if (a->pwd_last_set > 0 && age > l->max_age)
		add(j, i, SC_AUDIT_STALE_PASSWORD, talloc_asprintf(j->mem_ctx,
		    "password set %.1f days ago (limit %.0f days)",
		    days(age), days(l->max_age)));
	if (a->pwd_last_set > 0 && a->last_logon > 0 &&
	    a->pwd_last_set - a->last_logon > l->logon_lag)
		add(j, i, SC_AUDIT_LOGON_BEHIND, talloc_asprintf(j->mem_ctx,
		    "last logon %.1f days before the password was last set "
		    "(limit %.0f days)", days(a->pwd_last_set -
		    a->last_logon), days(l->logon_lag)));
}

static void judge_enctypes(struct judge *j, size_t i,
			   const struct sc_audit_account *a)
{
	uint32_t e = a->enctypes;

	if (!a->has_enctypes)
		add(j, i, SC_AUDIT_NO_ENCTYPES, talloc_strdup(j->mem_ctx,
		    "msDS-SupportedEncryptionTypes not set"));
	else if ((e & (ENC_RC4 | ENC_AES128 | ENC_AES256)) == 0)
		add(j, i, SC_AUDIT_NO_ENCTYPES, talloc_asprintf(j->mem_ctx,
		    "msDS-SupportedEncryptionTypes 0x%" PRIx32 "%s", e,
		    e & (ENC_DES_CRC | ENC_DES_MD5) ? ": DES only" : ""));
	else if ((e & (ENC_AES128 | ENC_AES256)) == 0)
		add(j, i, SC_AUDIT_RC4_ONLY, talloc_asprintf(j->mem_ctx,
		    "msDS-SupportedEncryptionTypes 0x%" PRIx32 ": RC4, no "
		    "AES", e));
}

static void judge_account(struct judge *j, size_t i,
			  const struct sc_audit_account *a,
			  char *dns_shared, char *spn_shared)
{
	bool disabled = (a->uac & UF_ACCOUNTDISABLE) != 0;

	if (dns_shared != NULL)
		add(j, i, SC_AUDIT_SHARED_DNS_NAME, dns_shared);
	if (spn_shared != NULL)
		add(j, i, SC_AUDIT_SHARED_SPN, spn_shared);
	/* a disabled account authenticates nothing: only say it is */
	if (!disabled) {
		judge_password(j, i, a);
		judge_enctypes(j, i, a);
		if (a->dns_host_name == NULL || a->dns_host_name[0] == '\0')
			add(j, i, SC_AUDIT_NO_DNS_NAME, talloc_strdup(
			    j->mem_ctx, "no dNSHostName"));
	} else {
		add(j, i, SC_AUDIT_DISABLED, talloc_asprintf(j->mem_ctx,
		    "userAccountControl 0x%" PRIx32, a->uac));
	}
}

enum sc_rc sc_audit_judge(TALLOC_CTX *mem_ctx,
			  const struct sc_audit_account *accounts,
			  size_t count, const struct sc_audit_limits *limits,
			  struct sc_audit_finding **findings_out,
			  size_t *finding_count_out,
			  struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct judge j = { .lim = limits };
	struct name_ref *dns = NULL, *spn = NULL;
	char **dns_d = NULL, **spn_d = NULL;
	size_t ndns = 0, nspn = 0;
	enum sc_rc rc = SC_ENOMEM;

	if ((accounts == NULL && count > 0) || limits == NULL ||
	    findings_out == NULL || finding_count_out == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sc_audit_judge: bad arguments");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	j.mem_ctx = tmp_ctx;
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; accounts[i].spns != NULL &&
		     accounts[i].spns[k] != NULL; k++)
			nspn++;
	dns = talloc_array(tmp_ctx, struct name_ref, count + 1);
	spn = talloc_array(tmp_ctx, struct name_ref, nspn + 1);
	dns_d = talloc_zero_array(tmp_ctx, char *, count + 1);
	spn_d = talloc_zero_array(tmp_ctx, char *, count + 1);
	if (dns == NULL || spn == NULL || dns_d == NULL || spn_d == NULL)
		goto done;
	nspn = 0;
	for (size_t i = 0; i < count; i++) {
		const struct sc_audit_account *a = &accounts[i];

		if (a->dns_host_name != NULL && a->dns_host_name[0] != '\0')
			dns[ndns++] = (struct name_ref){ a->dns_host_name, i };
		for (size_t k = 0; a->spns != NULL && a->spns[k] != NULL;
		     k++)
			spn[nspn++] = (struct name_ref){ a->spns[k], i };
	}
	if (!shared_names(tmp_ctx, accounts, dns, ndns, dns_d) ||
	    !shared_names(tmp_ctx, accounts, spn, nspn, spn_d))
		goto done;
	for (size_t i = 0; i < count && !j.oom; i++) {
		if (accounts[i].name == NULL)
			continue;	/* not an account we could read */
		judge_account(&j, i, &accounts[i], dns_d[i], spn_d[i]);
	}
	if (j.oom)
		goto done;
	*findings_out = talloc_steal(mem_ctx, j.findings);
	*finding_count_out = j.count;
	rc = SC_OK;
done:
	if (rc != SC_OK)
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
	talloc_free(tmp_ctx);
	return rc;
}

/* ---- the flow ---- */

static void message(const struct sc_audit_opts *opts, const char *fmt, ...)
	PRINTF_ATTRIBUTE(2, 3);

static void message(const struct sc_audit_opts *opts, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (opts->message == NULL)
		return;
	va_start(ap, fmt);
	line = talloc_vasprintf(NULL, fmt, ap);
	va_end(ap);
	if (line != NULL)
		opts->message(opts->message_data, line);
	talloc_free(line);
}

/* USER or USER@REALM as a principal; the machine's own from its name. */
static char *bind_principal(TALLOC_CTX *mem_ctx,
			    const struct sc_audit_opts *opts,
			    const struct sc_config *config)
{
	char *p;

	if (opts->admin_user != NULL)
		return strchr(opts->admin_user, '@') != NULL ?
		       talloc_strdup(mem_ctx, opts->admin_user) :
		       talloc_asprintf(mem_ctx, "%s@%s", opts->admin_user,
				       config->realm);
	p = talloc_asprintf(mem_ctx, "%s$@%s", config->netbios_name,
			    config->realm);
	for (char *c = p; c != NULL && *c != '$'; c++)
		*c = (char)toupper((unsigned char)*c);
	return p;
}

/*
 * One TGT for the bind, on dc: a copy of --use-ccache's, or one AS
 * exchange (administrator password, else the machine keytab's keys; a
 * rejection is never retried).  *why_out, with *cc_out NULL, when the
 * KDC said no; *unreachable when it did not answer at all.
 */
static enum sc_rc bind_tgt(TALLOC_CTX *mem_ctx,
			   const struct sc_audit_opts *opts,
			   const struct sc_config *config,
			   const struct sc_dc *dc, const char *client,
			   char **cc_out, char **why_out, bool *unreachable,
			   struct sc_error **err_out)
{
	struct sci_kpasswd_result *kr = NULL;
	enum sc_rc rc;

	*cc_out = NULL;
	*why_out = NULL;
	*unreachable = false;
	if (opts->admin_ccache != NULL)
		return sci_ccache_copy(mem_ctx, config->realm,
				       opts->admin_ccache, cc_out, why_out,
				       err_out);
	rc = sci_kinit(mem_ctx, config->realm, dc, client,
		       opts->admin_user != NULL ? opts->admin_password : NULL,
		       opts->admin_user != NULL ? NULL : config->keytab_name,
		       &kr, cc_out, err_out);
	if (rc == SC_OK && !kr->authenticated) {
		*why_out = talloc_asprintf(mem_ctx, "Kerberos for %s on %s: "
					   "%s", client, dc->name,
					   kr->text != NULL ? kr->text : "?");
		/* KRB5_KDC_UNREACH: try the next DC */
		*unreachable = kr->krb5_code == -1765328228;
	}
	return rc;
}

/* Read every computer from dc; *next_out when the next DC should be
 * tried (this one did not answer). */
static enum sc_rc read_dc(struct sc_audit_result *res,
			  const struct sc_audit_opts *opts,
			  const struct sc_config *config,
			  const struct sc_dc *dc, const char *client,
			  bool *next_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_probe_opts popts = { .timeout = opts->timeout > 0 ?
				       opts->timeout : DEFAULT_TIMEOUT };
	struct sci_ldap_computers *c = NULL;
	char *cc = NULL, *why = NULL;
	bool unreachable = false;
	enum sc_rc rc;

	*next_out = false;
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	res->dc = talloc_strdup(res, dc->name);
	rc = bind_tgt(tmp_ctx, opts, config, dc, client, &cc, &why,
		      &unreachable, err_out);
	if (rc != SC_OK)
		goto done;
	if (cc == NULL) {
		res->detail = talloc_strdup(res, why != NULL ? why :
					    "no ticket");
		*next_out = unreachable;
		goto done;
	}
	message(opts, "Reading every computer account from %s (%s) as %s",
		dc->name, dc->address, client);
	rc = sci_ldap_read_computers(tmp_ctx, &popts, dc, cc,
				     opts->page_size, &c, err_out);
	sc_ccache_destroy(cc);
	if (rc != SC_OK)
		goto done;
	res->detail = talloc_strdup(res, c->detail);
	if (!c->reached) {
		*next_out = true;
		goto done;
	}
	res->bound_as = talloc_strdup(res, c->bound_as != NULL ?
				      c->bound_as : client);
	res->base = talloc_strdup(res, c->base);
	res->pages = c->pages;
	res->page_size = c->page_size;
	res->search_seconds = c->seconds;
	if (c->complete) {
		res->account_count = c->count;
		res->accounts = talloc_steal(res, c->accounts);
	}
	res->health = c->complete ? SC_HEALTH_OK : SC_HEALTH_UNKNOWN;
done:
	talloc_free(tmp_ctx);
	return rc;
}

enum sc_rc sc_audit(TALLOC_CTX *mem_ctx, const struct sc_audit_opts *opts,
		    struct sc_audit_result **result_out,
		    struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct sc_audit_result *res;
	struct sc_config *config = NULL;
	struct sc_dc *dcs = NULL;
	size_t ndc = 0;
	double t0 = sci_now();
	char *client;
	enum sc_rc rc;

	if (opts == NULL || result_out == NULL ||
	    (opts->admin_user != NULL && opts->admin_password == NULL))
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sc_audit: bad arguments");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	res = talloc_zero(tmp_ctx, struct sc_audit_result);
	if (res == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	res->health = SC_HEALTH_UNKNOWN;
	res->limits = opts->limits;
	if (res->limits.now == 0)
		res->limits.now = time(NULL);
	if (res->limits.max_age <= 0)
		res->limits.max_age = SC_AUDIT_DEFAULT_MAX_AGE;
	if (res->limits.logon_lag <= 0)
		res->limits.logon_lag = SC_AUDIT_DEFAULT_LOGON_LAG;

	rc = sc_config_load(res, opts->smb_conf, opts->keytab, &config,
			    err_out);
	if (rc != SC_OK)
		goto done;
	res->realm = config->realm;
	client = bind_principal(res, opts, config);
	if (client == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	if (opts->server != NULL) {
		rc = sc_dc_resolve(res, opts->server, &dcs, err_out);
		ndc = 1;
	} else {
		rc = sc_dc_discover(res, config->dns_domain, &dcs, &ndc,
				    err_out);
	}
	if (rc != SC_OK)
		goto done;
	/* the first DC that answers, as the host itself would use */
	for (size_t i = 0; i < ndc; i++) {
		bool next = false;

		rc = read_dc(res, opts, config, &dcs[i], client, &next,
			     err_out);
		if (rc != SC_OK)
			goto done;
		if (!next)
			break;
	}
	if (res->health == SC_HEALTH_UNKNOWN && res->detail == NULL)
		res->detail = talloc_asprintf(res, "no DC of %s answered",
					      config->realm);
	if (res->health != SC_HEALTH_UNKNOWN) {
		rc = sc_audit_judge(res, res->accounts, res->account_count,
				    &res->limits, &res->findings,
				    &res->finding_count, err_out);
		if (rc != SC_OK)
			goto done;
		res->health = sc_audit_health(res->findings,
					      res->finding_count);
	}
	res->seconds = sci_now() - t0;
	*result_out = talloc_move(mem_ctx, &res);
	rc = SC_OK;
done:
	if (rc != SC_OK && err_out != NULL && *err_out != NULL)
		talloc_steal(mem_ctx, *err_out);
	talloc_free(tmp_ctx);
	return rc;
}
