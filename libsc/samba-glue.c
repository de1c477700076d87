/*
 * libsc - the parts of Samba libsc uses, behind one module boundary
 *
 * Linked into libsc-samba.so (and libsc-netlogon.so, and the static test
 * library), never into libsc.so: libsamba-hostconfig, libsamba-util and
 * libsamba-errors pull in some forty further libraries (ICU among them)
 * whose start-up relocations cost more than everything else 'netchk
 * check --cached' does.  module-loader.c loads this on first use.
 */
#include <stdbool.h>
#include <stdint.h>
#include <param.h>
#include "sc-private.h"

/* Exported by libsamba-hostconfig but declared only in a header that
 * Samba does not install (FIELD-NOTES 8, pitfall 3). */
const char *lpcfg_workgroup(struct loadparm_context *);
const char *lpcfg_dedicated_keytab_file(struct loadparm_context *);
int lpcfg_kerberos_method(struct loadparm_context *);
int lpcfg_machine_password_timeout(struct loadparm_context *);
const char *lpcfg_state_directory(struct loadparm_context *);
int lpcfg_security(struct loadparm_context *);

/* From libsamba-errors (no header of its own is installed for these). */
typedef struct { uint32_t v; } sci_NTSTATUS;
extern const char *nt_errstr(sci_NTSTATUS nt_code);
extern const char *get_friendly_nt_error_msg(sci_NTSTATUS nt_code);
extern sci_NTSTATUS nt_status_string_to_code(const char *nt_status_str);

/* Values of Samba's enum kerberos_method and enum security_types. */
#define SCI_KERBEROS_VERIFY_DEDICATED_KEYTAB 2
#define SCI_SEC_ADS 5	/* lpcfg_security() of 'security = ads' (4.17) */

static char *dup_or_null(TALLOC_CTX *mem_ctx, const char *s)
{
	return s != NULL ? talloc_strdup(mem_ctx, s) : NULL;
}

/*
 * smb.conf through Samba's own loadparm, so includes, defaults and
 * parameter synonyms behave exactly as they do for winbindd and net.
 * Only raw values come back; config.c decides what they mean.
 */
enum sc_rc sci_samba_conf_load_impl(TALLOC_CTX *mem_ctx, const char *path,
				    struct sci_samba_conf **conf_out,
				    struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct loadparm_context *lp;
	struct sci_samba_conf *c;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	c = talloc_zero(tmp_ctx, struct sci_samba_conf);
	lp = loadparm_init(tmp_ctx);
	if (c == NULL || lp == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	lpcfg_set_cmdline(lp, "log level", "0");
	if (!lpcfg_load(lp, path)) {
		rc = sci_error(mem_ctx, err_out, SC_ECONFIG, SC_ERRDOM_NONE, 0,
			       "%s: Samba could not parse it", path);
		goto done;
	}
	c->workgroup = dup_or_null(c, lpcfg_workgroup(lp));
	c->netbios_name = dup_or_null(c, lpcfg_netbios_name(lp));
	c->realm = dup_or_null(c, lpcfg_realm(lp));
	c->security_ads = lpcfg_security(lp) == SCI_SEC_ADS;
	c->machine_password_timeout = lpcfg_machine_password_timeout(lp);
	c->secrets_path = lpcfg_private_path(c, lp, "secrets.tdb");
	c->state_dir = dup_or_null(c, lpcfg_state_directory(lp));
	if (lpcfg_kerberos_method(lp) == SCI_KERBEROS_VERIFY_DEDICATED_KEYTAB)
		c->dedicated_keytab = dup_or_null(c,
					lpcfg_dedicated_keytab_file(lp));
	*conf_out = talloc_move(mem_ctx, &c);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * Samba returns a static string for known codes and a formatted one in a
 * static buffer for unknown ones; both stay valid for our purpose.
 */
const char *sci_ntstatus_name_impl(uint32_t ntstatus)
{
	sci_NTSTATUS s = { ntstatus };

	return nt_errstr(s);
}

const char *sci_ntstatus_message_impl(uint32_t ntstatus)
{
	sci_NTSTATUS s = { ntstatus };

	return get_friendly_nt_error_msg(s);
}

uint32_t sci_ntstatus_code_impl(const char *name)
{
	return nt_status_string_to_code(name).v;
}
