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
 * Ask only for the enctypes the keytab holds for the client: the KDC
 * answers with the strongest key the account has, and with an RC4-only
 * keytab for an account with AES keys MIT then fails ("No key table
 * entry found") although the RC4 key is good.  (kinit -k fails so.)
 */
static void keytab_etypes(struct kp *k)
{
	int32_t etypes[16];
	krb5_kt_cursor cur;
	krb5_keytab_entry e;
	int n = 0;

	if (krb5_kt_start_seq_get(k->ctx, k->kt, &cur) != 0)
		return;
	while (krb5_kt_next_entry(k->ctx, k->kt, &e, &cur) == 0) {
		bool dup = false;

		for (int i = 0; i < n; i++)
			dup = dup || etypes[i] == e.key.enctype;
		if (!dup && n < 16 &&
		    krb5_principal_compare(k->ctx, e.principal, k->client))
			etypes[n++] = e.key.enctype;
		krb5_free_keytab_entry_contents(k->ctx, &e);
	}
	krb5_kt_end_seq_get(k->ctx, k->kt, &cur);
	sci_krb5_set_etypes(k, k->opt, etypes, (size_t)n);
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
			keytab_etypes(k);
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

/*
 * The kpasswd request itself (RFC 3244 set-password, which an AD DC also
 * takes for a change of one's own password) with creds for
 * kadmin/changepw, for target (NULL: the creds' client).  The DC's
 * answer goes to r; only a failed exchange is an error.
 */
static enum sc_rc set_password(TALLOC_CTX *mem_ctx, krb5_context ctx,
			       krb5_creds *creds, krb5_principal target,
			       const struct sc_secret *new_password,
			       const struct sc_dc *dc,
			       struct sci_kpasswd_result *r,
			       struct sc_error **err_out)
{
	krb5_data rcode = { 0 }, rtext = { 0 };
	struct sc_secret *pw;
	krb5_error_code code;
	int result = -1;

	/* MIT wants a C string: a wiping, NUL-terminated copy. */
	pw = sc_secret_new(NULL, NULL, new_password->len + 1);
	if (pw == NULL)
		return SC_ENOMEM;
	memcpy(pw->data, new_password->data, new_password->len);
	pw->data[new_password->len] = '\0';
	code = krb5_set_password(ctx, creds, (char *)pw->data, target,
				 &result, &rcode, &rtext);
	talloc_free(pw);
	if (code != 0) {
		krb5_free_data_contents(ctx, &rcode);
		krb5_free_data_contents(ctx, &rtext);
		return sci_error(mem_ctx, err_out, SC_ENET, SC_ERRDOM_KRB5,
				 code, "kpasswd to %s (%s) failed: %s",
				 dc->name, dc->address, error_message(code));
	}
	r->result_code = result;
	r->text = talloc_strndup(r, rtext.data != NULL ? rtext.data : "",
				 rtext.length);
	krb5_free_data_contents(ctx, &rcode);
	krb5_free_data_contents(ctx, &rtext);
	return r->text != NULL ? SC_OK : SC_ENOMEM;
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
	krb5_error_code code;
	bool local = false;
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
	rc = set_password(mem_ctx, k->ctx, &k->creds, k->target,
			  new_password, dc, r, err_out);
	if (rc != SC_OK)
		goto done;
	*result_out = talloc_move(mem_ctx, &r);
done:
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

/*
 * The administrator's TGT from ccache_name (an existing kinit): its
 * client principal, or a result saying why there is none (no ccache, no
 * TGT for realm, expired).  Never talks to a KDC.
 */
static krb5_error_code ccache_tgt(TALLOC_CTX *mem_ctx, krb5_context ctx,
				  const char *realm, const char *ccache_name,
				  krb5_ccache *cc_out, krb5_principal *client_out,
				  char **why_out)
{
	krb5_ccache cc = NULL;
	krb5_principal client = NULL, tgs = NULL;
	krb5_creds mcreds, creds;
	krb5_error_code code;
	char *name = NULL;

	memset(&mcreds, 0, sizeof(mcreds));
	memset(&creds, 0, sizeof(creds));
	*why_out = NULL;
	/* "": the default cache (KRB5CCNAME unset). */
	code = *ccache_name != '\0' ? krb5_cc_resolve(ctx, ccache_name, &cc) :
	       krb5_cc_default(ctx, &cc);
	if (*ccache_name == '\0')
		ccache_name = "the default ticket cache";
	if (code == 0)
		code = krb5_cc_get_principal(ctx, cc, &client);
	if (code != 0) {
		*why_out = talloc_asprintf(mem_ctx, "no usable credential "
					   "cache %s: %s", ccache_name,
					   error_message(code));
		goto done;
	}
	code = krb5_build_principal(ctx, &tgs, (unsigned int)strlen(realm),
				    realm, "krbtgt", realm, NULL);
	if (code != 0)
		goto done;
	mcreds.client = client;
	mcreds.server = tgs;
	code = krb5_cc_retrieve_cred(ctx, cc, 0, &mcreds, &creds);
	if (code == 0 && creds.times.endtime <= time(NULL))
		code = KRB5KRB_AP_ERR_TKT_EXPIRED;
	if (code != 0) {
		if (krb5_unparse_name(ctx, client, &name) != 0)
			name = NULL;
		*why_out = talloc_asprintf(mem_ctx, "%s holds no valid ticket-"
					   "granting ticket of %s for %s: %s",
					   ccache_name, name ? name : "?",
					   realm, error_message(code));
		krb5_free_unparsed_name(ctx, name);
		goto done;
	}
	*cc_out = cc;
	*client_out = client;
	cc = NULL;
	client = NULL;
done:
	if (creds.client != NULL)
		krb5_free_cred_contents(ctx, &creds);
	if (tgs != NULL)
		krb5_free_principal(ctx, tgs);
	if (client != NULL)
		krb5_free_principal(ctx, client);
	if (cc != NULL)
		krb5_cc_close(ctx, cc);
	return code;
}

enum sc_rc sci_ccache_client(TALLOC_CTX *mem_ctx, const char *realm,
			     const char *ccache_name, char **client_out,
			     char **why_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;
	krb5_principal client = NULL;
	char *name = NULL, *why = NULL;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	ctx = sci_krb5_pinned(tmp_ctx, realm, "127.0.0.1");
	if (ctx == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot initialise Kerberos");
		goto done;
	}
	if (ccache_tgt(tmp_ctx, ctx, realm, ccache_name, &cc, &client,
		       &why) != 0) {
		*why_out = talloc_move(mem_ctx, &why);
		rc = SC_OK;
		goto done;
	}
	if (krb5_unparse_name(ctx, client, &name) == 0) {
		*client_out = talloc_strdup(mem_ctx, name);
		krb5_free_unparsed_name(ctx, name);
	}
	krb5_free_principal(ctx, client);
	krb5_cc_close(ctx, cc);
	rc = *client_out != NULL ? SC_OK : SC_ENOMEM;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * Set target's password with the administrator's existing TGT: a TGS
 * exchange with the pinned DC for kadmin/changepw@REALM (not stored in
 * the user's ccache), then kpasswd set-password with that service
 * ticket.  A KDC or kpasswd refusal is a result; nothing is retried.
 */
enum sc_rc sci_kpasswd_ccache(TALLOC_CTX *mem_ctx, const char *realm,
			      const struct sc_dc *dc,
			      const char *ccache_name, const char *target,
			      const struct sc_secret *new_password,
			      struct sci_kpasswd_result **result_out,
			      struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_kpasswd_result *r;
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;
	krb5_principal client = NULL, server = NULL, tprinc = NULL;
	krb5_creds in, *out = NULL;
	krb5_error_code code;
	char *why = NULL;
	enum sc_rc rc;

	memset(&in, 0, sizeof(in));
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	ctx = sci_krb5_pinned(tmp_ctx, realm, dc->address);
	r = talloc_zero(tmp_ctx, struct sci_kpasswd_result);
	if (ctx == NULL || r == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot initialise Kerberos");
		goto done;
	}
	code = ccache_tgt(tmp_ctx, ctx, realm, ccache_name, &cc, &client,
			  &why);
	if (code != 0) {
		r->krb5_code = code;
		r->text = talloc_steal(r, why);
		*result_out = talloc_move(mem_ctx, &r);
		rc = SC_OK;
		goto done;
	}
	code = krb5_parse_name(ctx, target, &tprinc);
	if (code == 0)
		code = krb5_build_principal(ctx, &server,
					    (unsigned int)strlen(realm), realm,
					    "kadmin", "changepw", NULL);
	if (code != 0) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_KRB5,
			       code, "principal %s: %s", target,
			       error_message(code));
		goto done;
	}
	in.client = client;
	in.server = server;
	code = krb5_get_credentials(ctx, KRB5_GC_NO_STORE, cc, &in, &out);
	if (code != 0) {
		r->krb5_code = code;
		r->text = talloc_asprintf(r, "no kadmin/changepw ticket from "
					  "%s with the cached TGT: %s",
					  dc->name, error_message(code));
		*result_out = talloc_move(mem_ctx, &r);
		rc = SC_OK;
		goto done;
	}
	r->authenticated = true;
	rc = set_password(mem_ctx, ctx, out, tprinc, new_password, dc, r,
			  err_out);
	if (rc != SC_OK)
		goto done;
	*result_out = talloc_move(mem_ctx, &r);
done:
	if (ctx != NULL) {
		if (out != NULL)
			krb5_free_creds(ctx, out);
		if (tprinc != NULL)
			krb5_free_principal(ctx, tprinc);
		if (server != NULL)
			krb5_free_principal(ctx, server);
		if (client != NULL)
			krb5_free_principal(ctx, client);
		if (cc != NULL)
			krb5_cc_close(ctx, cc);
	}
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * A MEMORY copy of ccache_name's tickets, for an LDAP bind that must not
 * add service tickets to (or be destroyed with) the user's own ccache.
 */
enum sc_rc sci_ccache_copy(TALLOC_CTX *mem_ctx, const char *realm,
			   const char *ccache_name, char **copy_out,
			   char **why_out, struct sc_error **err_out)
{
	static unsigned long serial;
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL, mem = NULL;
	krb5_principal client = NULL;
	krb5_error_code code;
	char *name, *why = NULL;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	ctx = sci_krb5_pinned(tmp_ctx, realm, "127.0.0.1");
	name = talloc_asprintf(tmp_ctx, "MEMORY:netchk-admin-%ld-%lu",
			       (long)getpid(), ++serial);
	if (ctx == NULL || name == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "cannot initialise Kerberos");
		goto done;
	}
	if (ccache_tgt(tmp_ctx, ctx, realm, ccache_name, &cc, &client,
		       &why) != 0) {
		*why_out = talloc_move(mem_ctx, &why);
		rc = SC_OK;
		goto done;
	}
	code = krb5_cc_resolve(ctx, name, &mem);
	if (code == 0)
		code = krb5_cc_initialize(ctx, mem, client);
	if (code == 0)
		code = krb5_cc_copy_creds(ctx, cc, mem);
	if (code != 0) {
		if (mem != NULL)
			krb5_cc_destroy(ctx, mem);
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_KRB5,
			       code, "cannot copy %s: %s", ccache_name,
			       error_message(code));
		goto done;
	}
	krb5_cc_close(ctx, mem);
	*copy_out = talloc_move(mem_ctx, &name);
	rc = SC_OK;
done:
	if (client != NULL)
		krb5_free_principal(ctx, client);
	if (cc != NULL)
		krb5_cc_close(ctx, cc);
	talloc_free(tmp_ctx);
	return rc;
}
