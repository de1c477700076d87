/*
 * libsc - the configuration of a host joined without Samba
 *
 * realmd/adcli/sssd hosts (the RHEL, Fedora and Ubuntu default) have no
 * smb.conf and no secrets.tdb: /etc/krb5.conf, /etc/krb5.keytab and
 * /etc/sssd/sssd.conf say everything.  Each answer records where it came
 * from (struct sc_config_from), so verify can say which file it read:
 *   realm    sssd krb5_realm, ad_domain; krb5.conf default_realm; keytab
 *   keytab   --keytab; sssd krb5_keytab; KRB5_KTNAME; default_keytab_name
 *   account  the keytab's principal ending in '$' (ad_hostname or this
 *            host's name picks one when there are several)
 *   DCs      sssd ad_server; krb5.conf kdc when dns_lookup_kdc is off;
 *            else DNS SRV
 *   site     sssd ad_site
 *   renewal  sssd ad_maximum_machine_account_password_age (30 days)
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define SCI_SSSD_DEFAULT_AGE_DAYS 30

/* The first DNS label of a host name, upper case: MEMBER2. */
static char *short_upper(TALLOC_CTX *mem_ctx, const char *host)
{
	char *s = talloc_strndup(mem_ctx, host, strcspn(host, "."));

	return s != NULL ? sci_upper(mem_ctx, s) : NULL;
}

static char *this_host(TALLOC_CTX *mem_ctx)
{
	char h[256];

	if (gethostname(h, sizeof(h) - 1) != 0)
		return NULL;
	h[sizeof(h) - 1] = '\0';
	return talloc_strdup(mem_ctx, h);
}

/* Is p NAME$@realm (one component ending in '$')? */
static bool machine_name(krb5_const_principal p, const char *realm)
{
	const krb5_data *c;

	if (p->length != 1)
		return false;
	c = &p->data[0];
	if (c->length < 2 || c->data[c->length - 1] != '$')
		return false;
	return realm == NULL ||
	       (p->realm.length == strlen(realm) &&
		strncasecmp(p->realm.data, realm, p->realm.length) == 0);
}

/*
 * A FILE keytab that is a FIFO, a device or huge is not read here (MIT
 * would wait or read for ever); the keytab load reports it.
 */
static bool bounded_keytab(krb5_context ctx, krb5_keytab kt)
{
	const char *type = krb5_kt_get_type(ctx, kt);
	char name[4096];
	const char *path;
	int fd;

	if (type == NULL || (strcmp(type, "FILE") != 0 &&
			     strcmp(type, "WRFILE") != 0))
		return true;
	if (krb5_kt_get_name(ctx, kt, name, sizeof(name)) != 0)
		return false;
	path = strchr(name, ':') != NULL ? strchr(name, ':') + 1 : name;
	fd = sci_open_store(path, 0, SCI_MAX_KEYTAB, NULL);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * The machine account in keytab_name: the NAME$ principal, the one whose
 * NAME is want (ad_hostname / host name) when there are several.  Sets
 * *account_out ("MEMBER2$") and, when realm is NULL, *realm_out.
 */
static bool keytab_account(TALLOC_CTX *mem_ctx, const char *keytab_name,
			   const char *realm, const char *want,
			   char **account_out, char **realm_out)
{
	krb5_context ctx = NULL;
	krb5_keytab kt = NULL;
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	char *acct = NULL, *rlm = NULL;

	if (krb5_init_context(&ctx) != 0)
		return false;
	if (krb5_kt_resolve(ctx, keytab_name, &kt) != 0 ||
	    !bounded_keytab(ctx, kt) ||
	    krb5_kt_start_seq_get(ctx, kt, &cur) != 0)
		goto done;
	while (krb5_kt_next_entry(ctx, kt, &e, &cur) == 0) {
		const krb5_data *c = &e.principal->data[0];
		char *name;

		if (machine_name(e.principal, realm)) {
			name = sci_upper(mem_ctx, talloc_strndup(mem_ctx,
					c->data, c->length));
			/* the first, or the one that is this host */
			if (name != NULL && (acct == NULL ||
			    (want != NULL && strncasecmp(name, want,
							 strlen(want)) == 0 &&
			     strlen(name) == strlen(want) + 1))) {
				acct = name;
				rlm = talloc_strndup(mem_ctx,
						     e.principal->realm.data,
						     e.principal->realm.length);
			}
		}
		krb5_free_keytab_entry_contents(ctx, &e);
	}
	krb5_kt_end_seq_get(ctx, kt, &cur);
done:
	if (kt != NULL)
		krb5_kt_close(ctx, kt);
	krb5_free_context(ctx);
	if (acct == NULL)
		return false;
	*account_out = acct;
	if (realm_out != NULL)
		*realm_out = rlm != NULL ? sci_upper(mem_ctx, rlm) : NULL;
	return true;
}

/* ad_server "dc1.example.com, _srv_": the named DCs, NULL if none. */
static const char **split_servers(TALLOC_CTX *mem_ctx, const char *list)
{
	char *copy = talloc_strdup(mem_ctx, list), *tok, *save = NULL;
	const char **out = talloc_zero_array(mem_ctx, const char *, 1);
	size_t n = 0;

	if (copy == NULL || out == NULL)
		return NULL;
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (strcasecmp(tok, "_srv_") == 0)
			continue;
		out = talloc_realloc(mem_ctx, out, const char *, n + 2);
		if (out == NULL)
			return NULL;
		out[n++] = talloc_strdup(out, tok);
		out[n] = NULL;
	}
	return n > 0 ? out : NULL;
}

/* "FILE [section] key" for the sources. */
static const char *from_sssd(TALLOC_CTX *mem_ctx,
			     const struct sci_sssd_conf *s, const char *key)
{
	return talloc_asprintf(mem_ctx, "%s [%s] %s", s->path, s->section,
			       key);
}

static void take_realm(struct sc_config *c, const struct sci_sssd_conf *s)
{
	if (s != NULL && s->krb5_realm != NULL) {
		c->realm = sci_upper(c, s->krb5_realm);
		c->from.realm = from_sssd(c, s, "krb5_realm");
	} else if (s != NULL && s->ad_domain != NULL) {
		c->realm = sci_upper(c, s->ad_domain);
		c->from.realm = from_sssd(c, s, "ad_domain");
	} else {
		c->realm = sci_krb5_default_realm(c);
		if (c->realm != NULL)
			c->from.realm = talloc_asprintf(c,
				"%s [libdefaults] default_realm",
				c->krb5_conf);
	}
}

static void take_keytab(struct sc_config *c, const struct sci_sssd_conf *s,
			const char *keytab_override)
{
	const char *from = NULL;

	if (keytab_override != NULL) {
		c->keytab_name = talloc_strdup(c, keytab_override);
		c->from.keytab = "caller";
	} else if (s != NULL && s->krb5_keytab != NULL) {
		c->keytab_name = talloc_strdup(c, s->krb5_keytab);
		c->from.keytab = from_sssd(c, s, "krb5_keytab");
	} else {
		c->keytab_name = sci_krb5_default_keytab(c, &from);
		c->from.keytab = from;
	}
	if (s != NULL)
		sci_config_more_keytab(c, s->krb5_keytab);
	sci_config_more_keytab(c, sci_krb5_default_keytab(c, NULL));
}

static void take_servers(struct sc_config *c, const struct sci_sssd_conf *s)
{
	if (s != NULL && s->ad_server != NULL &&
	    (c->servers = split_servers(c, s->ad_server)) != NULL) {
		c->from.servers = from_sssd(c, s, "ad_server");
		return;
	}
	c->servers = sci_krb5_realm_kdcs(c, c->realm);
	if (c->servers != NULL && c->servers[0] == NULL)
		c->servers = NULL;
	if (c->servers != NULL)
		c->from.servers = talloc_asprintf(c, "%s [realms] %s kdc "
						  "(dns_lookup_kdc = false)",
						  c->krb5_conf, c->realm);
}

/* sssd's own machine password renewal (id_provider = ad only). */
static void take_renewal(struct sc_config *c, const struct sci_sssd_conf *s)
{
	if (s == NULL || s->id_provider == NULL ||
	    strcmp(s->id_provider, "ad") != 0)
		return;
	c->sssd_password_age = s->max_age_set ? s->max_age_days :
			       SCI_SSSD_DEFAULT_AGE_DAYS;
	c->sssd_renews = c->sssd_password_age > 0;
	c->sssd_renewal_opts = talloc_strdup(c, s->renewal_opts ?
					     s->renewal_opts : "86400:750");
	c->sssd_update_samba = s->update_samba;
	c->machine_password_timeout = c->sssd_renews ?
				      c->sssd_password_age * 86400 : 0;
	c->from.password_age = s->max_age_set ?
		from_sssd(c, s, "ad_maximum_machine_account_password_age") :
		talloc_asprintf(c, "%s: sssd's default (30 days)", s->path);
}

enum sc_rc sci_config_load_keytab_host(TALLOC_CTX *mem_ctx,
				       const char *sssd_conf,
				       const char *keytab_override,
				       struct sc_config **config_out,
				       struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_sssd_conf *s = NULL;
	struct sc_config *c;
	char *account = NULL, *kt_realm = NULL, *want = NULL;
	const char *host;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	c = talloc_zero(tmp_ctx, struct sc_config);
	if (c == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	c->keytab_only = true;
	c->krb5_conf = sci_krb5_conf_path(c);
	c->clockskew = sci_krb5_clockskew();
	/* sssd.conf is optional (adcli or msktutil alone); unreadable is
	 * not fatal either: krb5.conf and the keytab may be enough */
	if (sci_sssd_conf_load(tmp_ctx, sci_sssd_conf_path(sssd_conf), &s,
			       NULL) == SC_OK) {
		c->sssd_conf = talloc_strdup(c, s->path);
		c->sssd_domain = talloc_strdup(c, s->domain);
		if (s->section == NULL)
			s = NULL;
	}
	take_realm(c, s);
	take_keytab(c, s, keytab_override);
	host = s != NULL && s->ad_hostname != NULL ? s->ad_hostname :
	       this_host(tmp_ctx);
	if (host != NULL)
		want = short_upper(tmp_ctx, host);
	if (c->keytab_name != NULL &&
	    keytab_account(tmp_ctx, c->keytab_name, c->realm, want,
			   &account, &kt_realm)) {
		c->netbios_name = talloc_strndup(c, account,
						 strlen(account) - 1);
		c->from.account = talloc_asprintf(c, "%s (%s@%s)",
						  c->keytab_name, account,
						  kt_realm);
		if (c->realm == NULL) {
			c->realm = talloc_steal(c, kt_realm);
			c->from.realm = c->from.account;
		}
	} else if (want != NULL) {
		c->netbios_name = talloc_strndup(c, want, 15);
		c->from.account = s != NULL && s->ad_hostname != NULL ?
				  from_sssd(c, s, "ad_hostname") :
				  "this host's name";
	}
	if (c->realm == NULL || c->realm[0] == '\0') {
		rc = sci_error(mem_ctx, err_out, SC_ECONFIG, SC_ERRDOM_NONE, 0,
			       "no realm: no smb.conf, no sssd.conf domain, "
			       "no default_realm in %s and no NAME$ "
			       "principal in the keytab", c->krb5_conf);
		goto done;
	}
	if (c->netbios_name == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ECONFIG, SC_ERRDOM_NONE, 0,
			       "no machine account: keytab %s holds no NAME$ "
			       "principal of %s", c->keytab_name
			       ? c->keytab_name : "(none)", c->realm);
		goto done;
	}
	c->dns_domain = s != NULL && s->ad_domain != NULL ?
			sci_lower(c, s->ad_domain) : sci_lower(c, c->realm);
	take_servers(c, s);
	if (s != NULL && s->ad_site != NULL) {
		c->site = talloc_strdup(c, s->ad_site);
		c->from.site = from_sssd(c, s, "ad_site");
	}
	take_renewal(c, s);
	if (c->keytab_name == NULL || c->dns_domain == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	*config_out = talloc_move(mem_ctx, &c);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
