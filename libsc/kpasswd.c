/*
 * libsc - change or set the machine password over kpasswd (RFC 3244)
 *
 * The client gets an initial ticket for kadmin/changepw from the pinned DC
 * (an AD KDC accepts password changes only with an AS ticket for that
 * service), then MIT's krb5_set_password sends the request to port 464 of
 * the same DC: the pinned profile answers kpasswd_server with the DC's
 * address.  One AS exchange, no retry: a wrong administrator password
 * costs the account exactly one badPwdCount.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "reset-private.h"

struct kp {
	krb5_context ctx;
	krb5_principal client, target;
	krb5_keytab kt;
	krb5_get_init_creds_opt *opt;
	krb5_creds creds;
	bool have_creds;
};

static int kp_destructor(struct kp *k)
{
	if (k->have_creds)
		krb5_free_cred_contents(k->ctx, &k->creds);
	if (k->opt != NULL)
		krb5_get_init_creds_opt_free(k->ctx, k->opt);
	if (k->kt != NULL)
		krb5_kt_close(k->ctx, k->kt);
	if (k->client != NULL)
		krb5_free_principal(k->ctx, k->client);
	if (k->target != NULL)
		krb5_free_principal(k->ctx, k->target);
	return 0;
}

/*
 * One AS exchange for client: with password when given, else with the
 * keys of keytab_name.  service NULL asks for a TGT.  Shared by the
 * kpasswd ticket and the plain TGT, so both present a secret exactly
 * once and never retry.  Parse errors of client are local failures
 * (*local set); a KDC answer is returned as the krb5 code.
 */
static krb5_error_code initial_creds(TALLOC_CTX *tmp_ctx, struct kp *k,
				     const char *client,
				     const struct sc_secret *password,
				     const char *keytab_name,
				     const char *service,
				     krb5_deltat life, bool *local)
{
	struct sc_secret *pw0;
	krb5_error_code code;

	*local = true;
	code = krb5_parse_name(k->ctx, client, &k->client);
	if (code == 0)
		code = krb5_get_init_creds_opt_alloc(k->ctx, &k->opt);
	if (code != 0)
		return code;
	*local = false;
	krb5_get_init_creds_opt_set_tkt_life(k->opt, life);
	krb5_get_init_creds_opt_set_renew_life(k->opt, 0);
	krb5_get_init_creds_opt_set_forwardable(k->opt, 0);
	krb5_get_init_creds_opt_set_proxiable(k->opt, 0);
	if (password == NULL) {
		code = krb5_kt_resolve(k->ctx, keytab_name, &k->kt);
		if (code == 0)
			code = krb5_get_init_creds_keytab(k->ctx, &k->creds,
							  k->client, k->kt, 0,
							  service, k->opt);
	} else {
		/* MIT wants a C string: a wiping, NUL-terminated copy. */
		pw0 = sc_secret_new(tmp_ctx, NULL, password->len + 1);
		if (pw0 == NULL) {
			*local = true;
			return ENOMEM;
		}
		memcpy(pw0->data, password->data, password->len);
		pw0->data[password->len] = '\0';
		code = krb5_get_init_creds_password(k->ctx, &k->creds,
						    k->client,
						    (char *)pw0->data, NULL,
						    NULL, 0, service, k->opt);
		talloc_free(pw0);
	}
	k->have_creds = code == 0;
	return code;
}

enum sc_rc sci_kpasswd(TALLOC_CTX *mem_ctx, const char *realm,
		       const struct sc_dc *dc, const char *client,
		       const struct sc_secret *password,
		       const char *keytab_name, const char *target,
		       const struct sc_secret *new_password,
		       struct sci_kpasswd_result **result_out,
		       struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_kpasswd_result *r;
	struct kp *k = NULL;
	krb5_context ctx = NULL;
	krb5_data rcode = { 0 }, rtext = { 0 };
	struct sc_secret *pw1 = NULL;
	krb5_error_code code;
	bool local = false;
	int result = -1;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	/* The context first: its later siblings are freed before it. */
	ctx = sci_krb5_pinned(tmp_ctx, realm, dc->address);
	if (ctx == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot initialise Kerberos");
		goto done;
	}
	r = talloc_zero(tmp_ctx, struct sci_kpasswd_result);
	k = talloc_zero(tmp_ctx, struct kp);
	if (r == NULL || k == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	k->ctx = ctx;
	talloc_set_destructor(k, kp_destructor);
	code = 0;
	if (target != NULL)
		code = krb5_parse_name(k->ctx, target, &k->target);
	if (code == 0)
		code = initial_creds(tmp_ctx, k, client, password, keytab_name,
				     "kadmin/changepw", 5 * 60, &local);
	else
		local = true;
	if (code != 0 && local) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_KRB5,
			       code, "principal %s: %s", client,
			       error_message(code));
		goto done;
	}
	if (code != 0) {
		r->authenticated = false;
		r->krb5_code = code;
		r->text = talloc_strdup(r, error_message(code));
		*result_out = talloc_move(mem_ctx, &r);
		rc = SC_OK;
		goto done;
	}
	r->authenticated = true;
	pw1 = sc_secret_new(tmp_ctx, NULL, new_password->len + 1);
	if (pw1 == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	memcpy(pw1->data, new_password->data, new_password->len);
	pw1->data[new_password->len] = '\0';
	code = krb5_set_password(k->ctx, &k->creds, (char *)pw1->data,
				 k->target, &result, &rcode, &rtext);
	if (code != 0) {
		rc = sci_error(mem_ctx, err_out, SC_ENET, SC_ERRDOM_KRB5, code,
			       "kpasswd to %s (%s) failed: %s", dc->name,
			       dc->address, error_message(code));
		goto done;
	}
	r->result_code = result;
	r->text = talloc_strndup(r, rtext.data != NULL ? rtext.data : "",
				 rtext.length);
	*result_out = talloc_move(mem_ctx, &r);
	rc = SC_OK;
done:
	if (ctx != NULL) {
		krb5_free_data_contents(ctx, &rcode);
		krb5_free_data_contents(ctx, &rtext);
	}
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * A TGT for client from dc, into a fresh MEMORY ccache whose name goes
 * to *ccache_out (the caller destroys it with sc_ccache_destroy()).  One
 * AS exchange with password, or with the keys of keytab_name when
 * password is NULL; MIT asks the KDC for the salt (etype-info2), so a
 * user's salt is never guessed, and a rejection is never retried.  A
 * rejection is a result: authenticated false, krb5_code and text set.
 */
enum sc_rc sci_kinit(TALLOC_CTX *mem_ctx, const char *realm,
		     const struct sc_dc *dc, const char *client,
		     const struct sc_secret *password,
		     const char *keytab_name,
		     struct sci_kpasswd_result **result_out,
		     char **ccache_out, struct sc_error **err_out)
{
	static unsigned long serial;
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_kpasswd_result *r;
	struct kp *k = NULL;
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;
	char *ccname = NULL;
	krb5_error_code code;
	bool local = false;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	ctx = sci_krb5_pinned(tmp_ctx, realm, dc->address);
	if (ctx == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot initialise Kerberos");
		goto done;
	}
	r = talloc_zero(tmp_ctx, struct sci_kpasswd_result);
	k = talloc_zero(tmp_ctx, struct kp);
	ccname = talloc_asprintf(tmp_ctx, "MEMORY:netchk-tgt-%ld-%lu",
				 (long)getpid(), ++serial);
	if (r == NULL || k == NULL || ccname == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	k->ctx = ctx;
	talloc_set_destructor(k, kp_destructor);
	code = initial_creds(tmp_ctx, k, client, password, keytab_name, NULL,
			     10 * 60, &local);
	if (code != 0 && local) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_KRB5,
			       code, "principal %s: %s", client,
			       error_message(code));
		goto done;
	}
	if (code != 0) {
		r->krb5_code = code;
		r->text = talloc_strdup(r, error_message(code));
		*result_out = talloc_move(mem_ctx, &r);
		rc = SC_OK;
		goto done;
	}
	r->authenticated = true;
	code = krb5_cc_resolve(k->ctx, ccname, &cc);
	if (code == 0)
		code = krb5_cc_initialize(k->ctx, cc, k->client);
	if (code == 0)
		code = krb5_cc_store_cred(k->ctx, cc, &k->creds);
	if (code != 0) {
		if (cc != NULL)
			krb5_cc_destroy(k->ctx, cc);
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_KRB5,
			       code, "cannot store a ticket in %s: %s", ccname,
			       error_message(code));
		goto done;
	}
	krb5_cc_close(k->ctx, cc);
	*ccache_out = talloc_move(mem_ctx, &ccname);
	*result_out = talloc_move(mem_ctx, &r);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
