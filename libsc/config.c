/*
 * libsc - the member's configuration
 *
 * smb.conf is read by Samba's own loadparm, so includes, defaults and
 * parameter synonyms behave exactly as they do for winbindd and net.
 * loadparm lives in libsc-samba.so (samba-glue.c), loaded only now.
 * The keytab is the one Samba writes: the dedicated keytab for
 * "kerberos method = dedicated keytab", otherwise MIT's default keytab
 * (KRB5_KTNAME, then default_keytab_name in krb5.conf).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <krb5/krb5.h>
#include <profile.h>
#include "sc-private.h"

#define SCI_DEFAULT_CLOCKSKEW 300	/* MIT's and AD's default */
#define SCI_DEFAULT_SMB_CONF "/etc/samba/smb.conf"

static char *upper(TALLOC_CTX *mem_ctx, const char *s)
{
	char *r = talloc_strdup(mem_ctx, s);

	for (char *p = r; p != NULL && *p != '\0'; p++)
		*p = toupper((unsigned char)*p);
	return r;
}

static char *lower(TALLOC_CTX *mem_ctx, const char *s)
{
	char *r = talloc_strdup(mem_ctx, s);

	for (char *p = r; p != NULL && *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return r;
}

/*
 * The realm when smb.conf has none: MIT's default_realm, which is what
 * "net ads" falls back to as well.
 */
static char *krb5_default_realm(TALLOC_CTX *mem_ctx)
{
	krb5_context kctx = NULL;
	char *realm = NULL;
	char *r = NULL;

	if (krb5_init_context(&kctx) != 0)
		return NULL;
	if (krb5_get_default_realm(kctx, &realm) == 0) {
		r = talloc_strdup(mem_ctx, realm);
		krb5_free_default_realm(kctx, realm);
	}
	krb5_free_context(kctx);
	return r;
}

/*
 * The clock skew Kerberos tolerates here: libdefaults clockskew, read by
 * MIT's own profile code as MIT reads it (an integer of seconds).
 */
static int krb5_clockskew(void)
{
	krb5_context kctx = NULL;
	profile_t prof = NULL;
	int v = SCI_DEFAULT_CLOCKSKEW;

	if (krb5_init_context(&kctx) != 0)
		return v;
	if (krb5_get_profile(kctx, &prof) == 0) {
		if (profile_get_integer(prof, "libdefaults", "clockskew", NULL,
					SCI_DEFAULT_CLOCKSKEW, &v) != 0 ||
		    v <= 0)
			v = SCI_DEFAULT_CLOCKSKEW;
		profile_release(prof);
	}
	krb5_free_context(kctx);
	return v;
}

static char *krb5_default_keytab(TALLOC_CTX *mem_ctx)
{
	krb5_context kctx = NULL;
	char name[4096];
	char *r = NULL;

	if (krb5_init_context(&kctx) != 0)
		return NULL;
	if (krb5_kt_default_name(kctx, name, sizeof(name)) == 0)
		r = talloc_strdup(mem_ctx, name);
	krb5_free_context(kctx);
	return r;
}

enum sc_rc sc_config_load(TALLOC_CTX *mem_ctx, const char *smb_conf,
			  const char *keytab_override,
			  struct sc_config **config_out,
			  struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_samba_conf *lp = NULL;
	struct sc_config *c;
	const char *realm;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	c = talloc_zero(tmp_ctx, struct sc_config);
	if (c == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	c->smb_conf = talloc_strdup(c, smb_conf ? smb_conf
						: SCI_DEFAULT_SMB_CONF);

	/* loadparm does not tell a missing file from a bad one: ask first */
	if (access(c->smb_conf, R_OK) != 0) {
		int e = errno;

		rc = sci_error(mem_ctx, err_out,
			       e == ENOENT ? SC_ENOENT : SC_EACCES,
			       SC_ERRDOM_ERRNO, e, "cannot read %s: %s",
			       c->smb_conf, strerror(e));
		goto done;
	}

	/* any error belongs to the caller; the values only to us */
	rc = sci_samba_conf_load(mem_ctx, c->smb_conf, &lp, err_out);
	if (rc != SC_OK)
		goto done;
	talloc_steal(tmp_ctx, lp);

	c->workgroup = lp->workgroup ? upper(c, lp->workgroup) : NULL;
	c->netbios_name = lp->netbios_name ? upper(c, lp->netbios_name)
					   : NULL;
	realm = lp->realm;
	if (realm != NULL && realm[0] != '\0')
		c->realm = upper(c, realm);
	else
		c->realm = krb5_default_realm(c);
	c->security_ads = lp->security_ads;
	c->machine_password_timeout = lp->machine_password_timeout;
	c->clockskew = krb5_clockskew();
	c->secrets_path = lp->secrets_path ?
			  talloc_strdup(c, lp->secrets_path) : NULL;
	c->state_dir = lp->state_dir ? talloc_strdup(c, lp->state_dir) : NULL;

	if (keytab_override != NULL) {
		c->keytab_name = talloc_strdup(c, keytab_override);
	} else if (lp->dedicated_keytab != NULL &&
		   lp->dedicated_keytab[0] != '\0') {
		c->keytab_name = talloc_strdup(c, lp->dedicated_keytab);
	} else {
		c->keytab_name = krb5_default_keytab(c);
	}

	if (c->workgroup == NULL || c->workgroup[0] == '\0') {
		rc = sci_error(mem_ctx, err_out, SC_ECONFIG, SC_ERRDOM_NONE, 0,
			       "%s sets no workgroup", c->smb_conf);
		goto done;
	}
	if (c->realm == NULL || c->realm[0] == '\0') {
		rc = sci_error(mem_ctx, err_out, SC_ECONFIG, SC_ERRDOM_NONE, 0,
			       "no realm: %s sets none and krb5.conf has no "
			       "default_realm", c->smb_conf);
		goto done;
	}
	c->dns_domain = lower(c, c->realm);
	if (c->secrets_path == NULL || c->keytab_name == NULL ||
	    c->netbios_name == NULL || c->dns_domain == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}

	*config_out = talloc_move(mem_ctx, &c);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
