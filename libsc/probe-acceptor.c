/*
 * libsc - every principal of the machine account proven as an acceptor
 *
 * For each principal of the account in the keytab (host/, nfs/, HTTP/,
 * cifs/, RestrictedKrbHost/...): a service ticket from the same DC, asked
 * for with the machine's own TGT, then opened with that principal's key
 * of the ticket's kvno, as a service that names itself accepts it.  An
 * SPN the directory does not have ("Server not found in Kerberos
 * database"), a ticket under another kvno or enctype than the keytab
 * holds, or one the key cannot open (the SPN belongs to another account)
 * breaks that service on this host while every machine-level check
 * passes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <krb5/krb5.h>
#include "reset-private.h"

/*
 * The distinct service principals of the keytab, each proven whatever its
 * kvno: a rotator that wrote only some of them (or a reader that came
 * while it appended) leaves host/ at a kvno the DC no longer has while
 * the account's own key is new.  *behind_out marks those not at the
 * keytab's newest kvno.
 */
static const char **acceptor_names(TALLOC_CTX *mem_ctx,
				   const struct sc_keytab *kt,
				   bool **behind_out)
{
	uint32_t top = sc_keytab_max_kvno(kt);
	const char **v = talloc_zero_array(mem_ctx, const char *, 1);
	bool *behind = talloc_zero_array(mem_ctx, bool, 1);
	size_t n = 0;

	for (size_t i = 0; v != NULL && behind != NULL && i < kt->count; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];
		size_t j = 0;

		if (strchr(e->principal, '/') == NULL)
			continue;
		while (j < n && strcasecmp(v[j], e->principal) != 0)
			j++;
		if (j == n) {
			v = talloc_realloc(mem_ctx, v, const char *, n + 2);
			behind = talloc_realloc(mem_ctx, behind, bool, n + 1);
			if (v == NULL || behind == NULL)
				return NULL;
			v[n++] = e->principal;
			v[n] = NULL;
			behind[j] = true;
		}
		behind[j] = behind[j] && e->kvno != top;
	}
	*behind_out = behind;
	return behind != NULL ? v : NULL;
}

/*
 * A principal only at an older kvno that the DC does not know is a
 * leftover (the host was renamed, an SPN was retired): no client can get
 * a ticket for it, so no service depends on it.
 */
static bool leftover(const struct sc_acceptor *a, bool behind)
{
	return behind && !a->got_ticket &&
	       a->krb5_code == KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN;
}

/*
 * Open the ticket as an acceptor that names itself does (sshd's default
 * GSSAPIStrictAcceptorCheck, gssd, httpd): that principal's key of the
 * ticket's kvno and enctype, nothing else.  MIT's
 * krb5_server_decrypt_ticket_keytab() tries every key of the keytab and
 * would pass a host/ left at an old kvno, because MEMBER$'s new key (the
 * same bytes) opens its ticket.  Only the ticket's encrypted part is
 * checked (its checksum); its contents are not needed.
 */
static krb5_error_code open_with(krb5_context ctx, const krb5_keyblock *key,
				 krb5_ticket *tkt)
{
	krb5_error_code code;
	krb5_data plain;

	plain.length = tkt->enc_part.ciphertext.length;
	plain.data = calloc(1, plain.length > 0 ? plain.length : 1);
	code = plain.data == NULL ? ENOMEM :
	       krb5_c_decrypt(ctx, key, KRB5_KEYUSAGE_KDC_REP_TICKET, NULL,
			      &tkt->enc_part, &plain);
	if (plain.data != NULL) {
		explicit_bzero(plain.data, plain.length);	/* the session key */
		free(plain.data);
	}
	return code;
}

static krb5_error_code open_as_named(krb5_context ctx, krb5_keytab kt,
				     krb5_const_principal server,
				     krb5_ticket *tkt)
{
	krb5_keytab_entry ent;
	krb5_error_code code;

	code = krb5_kt_get_entry(ctx, kt, server, tkt->enc_part.kvno,
				 tkt->enc_part.enctype, &ent);
	if (code != 0)
		return code;
	code = open_with(ctx, &ent.key, tkt);
	krb5_free_keytab_entry_contents(ctx, &ent);
	return code;
}

/*
 * The ticket's kvno is not in the keytab: does the principal's key of
 * another kvno open it?  Then the key is right and only its label is
 * behind (the same password set twice moves the DC's kvno on): its kvno,
 * else 0.
 */
static uint32_t opened_elsewhere(krb5_context ctx, krb5_keytab kt,
				 krb5_const_principal server,
				 krb5_ticket *tkt)
{
	krb5_kt_cursor cur;
	krb5_keytab_entry ent;
	uint32_t found = 0;

	if (krb5_kt_start_seq_get(ctx, kt, &cur) != 0)
		return 0;
	while (found == 0 && krb5_kt_next_entry(ctx, kt, &ent, &cur) == 0) {
		if (ent.key.enctype == tkt->enc_part.enctype &&
		    ent.vno != tkt->enc_part.kvno &&
		    krb5_principal_compare(ctx, ent.principal, server) &&
		    open_with(ctx, &ent.key, tkt) == 0)
			found = ent.vno;
		krb5_free_keytab_entry_contents(ctx, &ent);
	}
	krb5_kt_end_seq_get(ctx, kt, &cur);
	return found;
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
		code = open_as_named(ctx, kt, in.server, tkt);
		if (code == KRB5_KT_KVNONOTFOUND)
			out->opened_kvno = opened_elsewhere(ctx, kt, in.server,
							    tkt);
	}
	out->ok = code == 0;
	out->krb5_code = code;
	if (code != 0 && out->opened_kvno != 0) {
		out->detail = talloc_asprintf(mem_ctx, "the keytab holds the "
			"right key under kvno %u, the DC's ticket is kvno %u",
			out->opened_kvno, out->kvno);
	} else if (code != 0) {
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
	bool *behind = NULL;
	size_t n = 0, kept = 0;
	enum sc_rc rc = SC_OK;

	*out = NULL;
	*count_out = 0;
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	names = acceptor_names(tmp_ctx, keytab, &behind);
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
		prove_one(v, ctx, cc, me, kt, names[i], &v[kept]);
		if (leftover(&v[kept], behind[i])) {
			memset(&v[kept], 0, sizeof(v[kept]));
			continue;
		}
		v[kept++].keytab = talloc_strdup(v, keytab->name);
	}
	*out = v;
	*count_out = kept;
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
