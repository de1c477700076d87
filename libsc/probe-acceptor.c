/*
 * libsc - every principal of the machine account proven as an acceptor
 *
 * What 'kvno -k KEYTAB PRINC' does, for each principal of the account in
 * the keytab (host/, nfs/, HTTP/, cifs/, RestrictedKrbHost/...): a service
 * ticket from the same DC, asked for with the machine's own TGT, then
 * decrypted with the keytab's key.  An SPN the directory does not have
 * ("Server not found in Kerberos database"), a ticket under another kvno
 * or enctype than the keytab holds, or one the key cannot open (the SPN
 * belongs to another account) breaks that service on this host while
 * every machine-level check passes.
 */
#include <string.h>
#include <strings.h>
#include <krb5/krb5.h>
#include "reset-private.h"

/* The account's distinct principals of the keytab's newest kvno. */
static const char **acceptor_names(TALLOC_CTX *mem_ctx,
				   const struct sc_keytab *kt)
{
	uint32_t top = sc_keytab_max_kvno(kt);
	const char **v = talloc_zero_array(mem_ctx, const char *, 1);
	size_t n = 0;

	for (size_t i = 0; v != NULL && i < kt->count; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];
		bool dup = false;

		if (e->kvno != top || strchr(e->principal, '/') == NULL)
			continue;
		for (size_t j = 0; j < n; j++)
			dup = dup || strcasecmp(v[j], e->principal) == 0;
		if (dup)
			continue;
		v = talloc_realloc(mem_ctx, v, const char *, n + 2);
		if (v == NULL)
			return NULL;
		v[n++] = e->principal;
		v[n] = NULL;
	}
	return v;
}

/* One principal: TGS as the machine, then the keytab decrypts it. */
static void prove_one(TALLOC_CTX *mem_ctx, krb5_context ctx, krb5_ccache cc,
		      krb5_principal me, krb5_keytab kt, const char *name,
		      struct sc_acceptor *out)
{
	krb5_creds in, *creds = NULL;
	krb5_ticket *tkt = NULL;
	krb5_error_code code;
	const char *m;

	memset(&in, 0, sizeof(in));
	out->principal = talloc_strdup(mem_ctx, name);
	code = krb5_parse_name(ctx, name, &in.server);
	in.client = me;
	if (code == 0)
		code = krb5_get_credentials(ctx, KRB5_GC_NO_STORE, cc, &in,
					    &creds);
	if (code == 0) {
		out->got_ticket = true;
		code = krb5_decode_ticket(&creds->ticket, &tkt);
	}
	if (code == 0) {
		out->kvno = tkt->enc_part.kvno;
		out->enctype = tkt->enc_part.enctype;
		code = krb5_server_decrypt_ticket_keytab(ctx, kt, tkt);
	}
	out->ok = code == 0;
	out->krb5_code = code;
	if (code != 0) {
		m = krb5_get_error_message(ctx, code);
		out->detail = talloc_asprintf(mem_ctx, "%s%s",
			out->got_ticket ? "the keytab cannot open the DC's "
			"ticket: " : "no service ticket: ", m);
		krb5_free_error_message(ctx, m);
	}
	if (tkt != NULL)
		krb5_free_ticket(ctx, tkt);
	if (creds != NULL)
		krb5_free_creds(ctx, creds);
	if (in.server != NULL)
		krb5_free_principal(ctx, in.server);
}

enum sc_rc sci_probe_acceptors(TALLOC_CTX *mem_ctx, const struct sc_dc *dc,
			       const char *realm, const char *ccache_name,
			       const struct sc_keytab *keytab,
			       struct sc_acceptor **out, size_t *count_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	krb5_context ctx;
	krb5_ccache cc = NULL;
	krb5_keytab kt = NULL;
	krb5_principal me = NULL;
	struct sc_acceptor *v = NULL;
	const char **names;
	size_t n = 0;
	enum sc_rc rc = SC_OK;

	*out = NULL;
	*count_out = 0;
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	names = acceptor_names(tmp_ctx, keytab);
	ctx = sci_krb5_pinned(tmp_ctx, realm, dc->address);
	if (names == NULL || ctx == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	if (names[0] == NULL ||
	    krb5_cc_resolve(ctx, ccache_name, &cc) != 0 ||
	    krb5_cc_get_principal(ctx, cc, &me) != 0 ||
	    krb5_kt_resolve(ctx, keytab->name, &kt) != 0)
		goto done;	/* nothing to prove, or no way to: not run */
	while (names[n] != NULL)
		n++;
	v = talloc_zero_array(mem_ctx, struct sc_acceptor, n);
	if (v == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		prove_one(v, ctx, cc, me, kt, names[i], &v[i]);
		v[i].keytab = talloc_strdup(v, keytab->name);
	}
	*out = v;
	*count_out = n;
done:
	if (kt != NULL)
		krb5_kt_close(ctx, kt);
	if (me != NULL)
		krb5_free_principal(ctx, me);
	if (cc != NULL)
		krb5_cc_close(ctx, cc);
	talloc_free(tmp_ctx);
	return rc;
}
