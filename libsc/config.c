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
#include <sys/stat.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define SCI_DEFAULT_SMB_CONF "/etc/samba/smb.conf"

char *sci_upper(TALLOC_CTX *mem_ctx, const char *s)
{
	char *r = talloc_strdup(mem_ctx, s);

	for (char *p = r; p != NULL && *p != '\0'; p++)
		*p = toupper((unsigned char)*p);
	return r;
}

char *sci_lower(TALLOC_CTX *mem_ctx, const char *s)
{
	char *r = talloc_strdup(mem_ctx, s);

	for (char *p = r; p != NULL && *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return r;
}

/* A configuration file that is regular and of a sane size. */
static enum sc_rc bounded_conf(TALLOC_CTX *mem_ctx, const char *path,
			       struct sc_error **err_out)
{
	struct stat st;
	int fd = sci_open_store(path, 0, SCI_MAX_CONF, &st);

	if (fd < 0)
		return sci_store_open_error(mem_ctx, err_out, "configuration",
					    path, errno, &st, SCI_MAX_CONF);
	close(fd);
	return SC_OK;
}

/* sssd beside winbind keeps its keys in its own krb5_keytab */
static void more_keytab_of_sssd(struct sc_config *c)
{
	struct sci_sssd_conf *s = NULL;

	if (sci_sssd_conf_load(c, sci_sssd_conf_path(NULL), &s, NULL) != SC_OK)
		return;
	sci_config_more_keytab(c, s->krb5_keytab);
	talloc_free(s);
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

		/* no smb.conf at all: a realmd/adcli/sssd host */
		if (smb_conf == NULL && e == ENOENT) {
			rc = sci_config_load_keytab_host(mem_ctx, NULL,
							 keytab_override,
							 config_out, err_out);
			goto done;
		}

		rc = sci_error(mem_ctx, err_out,
			       e == ENOENT ? SC_ENOENT : SC_EACCES,
			       SC_ERRDOM_ERRNO, e, "cannot read %s: %s",
			       c->smb_conf, strerror(e));
		goto done;
	}
	/* loadparm would wait for ever on a FIFO */
	rc = bounded_conf(mem_ctx, c->smb_conf, err_out);
	if (rc != SC_OK)
		goto done;

	/* any error belongs to the caller; the values only to us */
	rc = sci_samba_conf_load(mem_ctx, c->smb_conf, &lp, err_out);
	if (rc != SC_OK)
		goto done;
	talloc_steal(tmp_ctx, lp);

	/*
	 * Samba installed but this is no AD member's smb.conf (security =
	 * user, Debian's and Ubuntu's default): the host is joined some other
	 * way, if at all.
	 */
	if (smb_conf == NULL && !lp->security_ads) {
		rc = sci_config_load_keytab_host(mem_ctx, NULL, keytab_override,
						 config_out, err_out);
		goto done;
	}
	c->workgroup = lp->workgroup ? sci_upper(c, lp->workgroup) : NULL;
	c->netbios_name = lp->netbios_name ? sci_upper(c, lp->netbios_name)
					   : NULL;
	realm = lp->realm;
	if (realm != NULL && realm[0] != '\0')
		c->realm = sci_upper(c, realm);
	else
		c->realm = sci_krb5_default_realm(c);
	c->security_ads = lp->security_ads;
	c->machine_password_timeout = lp->machine_password_timeout;
	c->clockskew = sci_krb5_clockskew();
	c->krb5_conf = sci_krb5_conf_path(c);
	c->secrets_path = lp->secrets_path ?
			  talloc_strdup(c, lp->secrets_path) : NULL;
	c->state_dir = lp->state_dir ? talloc_strdup(c, lp->state_dir) : NULL;

	if (keytab_override != NULL) {
		c->keytab_name = talloc_strdup(c, keytab_override);
	} else if (lp->dedicated_keytab != NULL &&
		   lp->dedicated_keytab[0] != '\0') {
		c->keytab_name = talloc_strdup(c, lp->dedicated_keytab);
	} else {
		c->keytab_name = sci_krb5_default_keytab(c, NULL);
	}
	sci_config_more_keytab(c, lp->dedicated_keytab);
	sci_config_more_keytab(c, sci_krb5_default_keytab(c, NULL));
	sci_config_sync_keytabs_file(c, c->smb_conf);
	more_keytab_of_sssd(c);

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
	c->dns_domain = sci_lower(c, c->realm);
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
