/*
 * libsc - what the keytab's encryption types allow
 *
 * The RC4 (arcfour-hmac) key of an AD account is its NT hash: on a host
 * without secrets.tdb it is the only secret netlogon can present.
 */
#include <krb5/krb5.h>
#include "sc-private.h"

/*
 * The RC4 entry of the newest kvno (which 0) or of the newest kvno below
 * it (which 1), NULL when that kvno has no RC4 key or there is none.
 */
const struct sc_keytab_entry *sci_keytab_rc4_entry(const struct sc_keytab *kt,
						   int which)
{
	uint32_t top, below = 0;

	if (kt == NULL || kt->count == 0)
		return NULL;
	top = sc_keytab_max_kvno(kt);
	for (size_t i = 0; i < kt->count; i++)
		if (kt->entries[i].kvno < top && kt->entries[i].kvno > below)
			below = kt->entries[i].kvno;
	if (which == 1 && below == 0)
		return NULL;
	for (size_t i = 0; i < kt->count; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];

		if (e->kvno == (which == 0 ? top : below) &&
		    e->enctype == SCI_ENCTYPE_RC4 && e->key != NULL &&
		    e->key->len == 16)
			return e;
	}
	return NULL;
}

static int etype_rank(int32_t e)
{
	static const int32_t pref[] = { 20, 19, 18, 17, 23 };

	for (int i = 0; i < 5; i++)
		if (pref[i] == e)
			return i;
	return 5;
}

/*
 * Ask the KDC for these enctypes only (duplicates dropped, strongest
 * first as MIT orders them): Samba's KDC answers with the strongest key
 * the account has among those asked for, so an RC4-only key set is
 * proven as such (kinit -k asks for AES too and fails).
 */
void sci_krb5_set_etypes(TALLOC_CTX *mem_ctx, krb5_get_init_creds_opt *opt,
			 const int32_t *in, size_t n)
{
	/* MIT keeps the pointer: the list lives as long as mem_ctx */
	krb5_enctype *list = talloc_array(mem_ctx, krb5_enctype, 16);
	size_t m = 0;

	if (list == NULL)
		return;
	for (size_t i = 0; i < n && m < 16; i++) {
		bool dup = false;

		for (size_t j = 0; j < m; j++)
			dup = dup || list[j] == in[i];
		if (!dup)
			list[m++] = in[i];
	}
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			if (etype_rank(list[j]) < etype_rank(list[i])) {
				krb5_enctype t = list[i];

				list[i] = list[j];
				list[j] = t;
			}
	if (m > 0)
		krb5_get_init_creds_opt_set_etype_list(opt, list, (int)m);
}

#define SET_DES		0x3u	/* DES-CBC-CRC, DES-CBC-MD5 */
#define SET_RC4		0x4u
#define SET_AES128	0x8u
#define SET_AES256	0x10u
#define SET_AES		(SET_AES128 | SET_AES256)

/* An enctype as its msDS-SupportedEncryptionTypes bit, 0: none. */
static uint32_t enctype_bit(int32_t enctype)
{
	switch (enctype) {
	case 1: return 0x1;
	case 3: return 0x2;
	case SCI_ENCTYPE_RC4: return SET_RC4;
	case 17: return SET_AES128;
	case 18: return SET_AES256;
	}
	return 0;
}

/* krb5.conf's permitted_enctypes (MIT's default when unset) as bits. */
static uint32_t permitted_bits(void)
{
	krb5_context ctx = NULL;
	krb5_enctype *list = NULL;
	uint32_t bits = 0;

	if (krb5_init_context(&ctx) != 0)
		return SET_AES | SET_RC4;
	if (krb5_get_permitted_enctypes(ctx, &list) == 0) {
		for (size_t i = 0; list[i] != 0; i++)
			bits |= enctype_bit(list[i]);
		krb5_free_enctypes(ctx, list);
	} else {
		bits = SET_AES | SET_RC4;
	}
	krb5_free_context(ctx);
	return bits;
}

static const char *bits_text(TALLOC_CTX *mem_ctx, uint32_t bits)
{
	return talloc_asprintf(mem_ctx, "%s%s%s%s%s",
			       bits & SET_AES256 ? " aes256" : "",
			       bits & SET_AES128 ? " aes128" : "",
			       bits & SET_RC4 ? " rc4" : "",
			       bits & SET_DES ? " des" : "",
			       bits == 0 ? " none" : "") + 1;
}

/*
 * Compare the keytab's newest kvno, the account's
 * msDS-SupportedEncryptionTypes (from the first DC whose LDAP bind read
 * it) and krb5.conf's permitted_enctypes.  The KDC answers with the
 * strongest key the account has, so a keytab without that enctype fails
 * every MIT client ('No key table entry found') although an RC4-only AS
 * exchange (verify's) passes: KEYTAB_ENCTYPES, broken.  RC4 as the only
 * usable enctype: RC4_ONLY, a warning.  Returns SC_DIAG_HEALTHY when
 * neither.
 */
enum sc_diag sci_enctypes_assess(struct sc_verify_result *res)
{
	struct sc_enctypes *e = &res->enctypes;
	const struct sc_keytab *kt = res->keytab;
	uint32_t top = kt != NULL ? sc_keytab_max_kvno(kt) : 0, usable;

	e->keytab = 0;
	for (size_t i = 0; kt != NULL && i < kt->count; i++)
		if (kt->entries[i].kvno == top)
			e->keytab |= enctype_bit(kt->entries[i].enctype);
	for (size_t i = 0; !e->has_account && i < res->dc_count; i++) {
		const struct sc_ldap_result *l = res->dcs[i].ldap;

		if (l != NULL && l->bound && l->account.found &&
		    l->account.has_enctypes) {
			e->has_account = true;
			e->account = l->account.supported_enctypes;
		}
	}
	e->permitted = permitted_bits();
	if (kt == NULL || kt->count == 0)
		return SC_DIAG_HEALTHY;
	if (e->has_account && (e->account & SET_AES) &&
	    (e->permitted & SET_AES) && !(e->keytab & SET_AES)) {
		e->finding = talloc_asprintf(res, "keytab kvno %u holds %s "
			"keys only, the account has %s "
			"(msDS-SupportedEncryptionTypes 0x%x): kinit -k and "
			"sssd fail with 'No key table entry found'", top,
			bits_text(res, e->keytab),
			bits_text(res, e->account & SET_AES), e->account);
		return SC_DIAG_KEYTAB_ENCTYPES;
	}
	usable = e->keytab & e->permitted &
		 (e->has_account ? e->account : ~0u);
	if (usable != 0 && (usable & ~(uint32_t)SET_RC4 & ~SET_DES) == 0) {
		e->finding = talloc_asprintf(res, "only RC4 is usable: keytab "
			"%s, account %s, krb5.conf permits %s; DCs with RC4 "
			"off will refuse this host", bits_text(res, e->keytab),
			e->has_account ? bits_text(res, e->account) :
			"(not read)", bits_text(res, e->permitted));
		return SC_DIAG_RC4_ONLY;
	}
	return SC_DIAG_HEALTHY;
}
