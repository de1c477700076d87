/*
 * libsc - the little cryptography netchk does itself
 *
 * Samba's netlogon credential helpers live in a private library, so the
 * AES session key and the netlogon credentials are computed here with
 * GnuTLS (MS-NRPC 3.1.4.3.1, 3.1.4.4.1).  GnuTLS has no MD4 at all (there
 * is no GNUTLS_DIG_MD4), so the NT hash uses mdfour() from the public
 * libsamba-util, the very function Samba's own E_md4hash() calls.  Every
 * buffer that holds key material is wiped before it goes out of scope.
 */
#include <limits.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include "sc-private.h"

#define NT_HASH_LEN	16
#define SHA256_LEN	32

static const char fp_label[] = "netchk-fp-v1";

/* libsamba-util (SAMBA_UTIL_0.0.1); lib/crypto/md4.h is not installed. */
extern void mdfour(uint8_t *out, const uint8_t *in, int n);

/*
 * Decode one UTF-8 sequence at in[0..len) strictly (RFC 3629): no
 * overlong forms, no encoded surrogates, nothing above U+10FFFF, no
 * stray or missing continuation bytes.  Returns the number of bytes
 * consumed, or 0 when the input is not valid UTF-8.
 */
static size_t utf8_decode(const uint8_t *in, size_t len, uint32_t *cp_out)
{
	uint32_t cp;
	uint32_t min;
	size_t need;
	size_t i;

	if (in[0] < 0x80) {
		*cp_out = in[0];
		return 1;
	} else if ((in[0] & 0xe0) == 0xc0) {
		cp = in[0] & 0x1f;
		need = 1;
		min = 0x80;
	} else if ((in[0] & 0xf0) == 0xe0) {
		cp = in[0] & 0x0f;
		need = 2;
		min = 0x800;
	} else if ((in[0] & 0xf8) == 0xf0) {
		cp = in[0] & 0x07;
		need = 3;
		min = 0x10000;
	} else {
		/* a continuation byte, or 0xf8..0xff */
		return 0;
	}
	if (len < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((in[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (in[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff)
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	*cp_out = cp;
	return need + 1;
}

/*
 * Samba's machine passwords are random UTF-16 turned into UTF-8, so
 * almost every character is outside ASCII and many are outside the BMP;
 * the NT hash is over the UTF-16LE form, which has to be rebuilt exactly
 * (surrogate pairs included).  The output lives in a wiping secret.
 */
bool sci_utf8_to_utf16le(TALLOC_CTX *mem_ctx, const uint8_t *in, size_t len,
			 struct sc_secret **out)
{
	struct sc_secret *s = NULL;
	uint32_t cp = 0;
	size_t pos = 0;
	size_t o = 0;
	size_t n;

	if (len > SIZE_MAX / 2)
		return false;
	/* Each input byte yields at most one UTF-16 unit (2 bytes). */
	s = sc_secret_new(mem_ctx, NULL, len * 2);
	if (s == NULL)
		return false;
	while (pos < len) {
		n = utf8_decode(in + pos, len - pos, &cp);
		if (n == 0) {
			talloc_free(s);
			return false;
		}
		pos += n;
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = 0xd800 | (v >> 10);
			uint16_t lo = 0xdc00 | (v & 0x3ff);

			s->data[o++] = hi & 0xff;
			s->data[o++] = hi >> 8;
			s->data[o++] = lo & 0xff;
			s->data[o++] = lo >> 8;
		} else {
			s->data[o++] = cp & 0xff;
			s->data[o++] = cp >> 8;
		}
	}
	/* Wipe the unused tail too: the destructor only sees s->len. */
	explicit_bzero(s->data + o, s->len - o);
	s->len = o;
	*out = s;
	return true;
}

/*
 * NT hash = MD4(UTF-16LE(password)), the key every NETLOGON exchange and
 * the RC4 Kerberos key derive from.
 */
enum sc_rc sc_nt_hash(TALLOC_CTX *mem_ctx, const struct sc_secret *password,
		      struct sc_secret **hash_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = NULL;
	struct sc_secret *utf16 = NULL;
	struct sc_secret *hash = NULL;
	enum sc_rc rc;

	if (password == NULL || (password->data == NULL && password->len > 0))
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "no password to hash");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	if (!sci_utf8_to_utf16le(tmp_ctx, password->data, password->len,
				 &utf16)) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "password is not valid UTF-8");
		goto done;
	}
	if (utf16->len > INT_MAX) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "password too long");
		goto done;
	}
	hash = sc_secret_new(tmp_ctx, NULL, NT_HASH_LEN);
	if (hash == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	mdfour(hash->data, utf16->data, (int)utf16->len);
	*hash_out = talloc_move(mem_ctx, &hash);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * MS-NRPC 3.1.4.3.1 with AES negotiated: the session key is the first
 * half of HMAC-SHA256 keyed with the NT hash over both challenges.
 */
bool sci_netlogon_session_key(const uint8_t nt_hash[16],
			      const uint8_t client_chal[8],
			      const uint8_t server_chal[8],
			      uint8_t sk_out[16])
{
	gnutls_hmac_hd_t h = NULL;
	uint8_t digest[SHA256_LEN];
	bool ok = false;

	if (gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, nt_hash, NT_HASH_LEN) < 0)
		return false;
	if (gnutls_hmac(h, client_chal, 8) < 0 ||
	    gnutls_hmac(h, server_chal, 8) < 0) {
		gnutls_hmac_deinit(h, NULL);
		goto done;
	}
	gnutls_hmac_deinit(h, digest);
	memcpy(sk_out, digest, 16);
	ok = true;
done:
	explicit_bzero(digest, sizeof(digest));
	return ok;
}

/*
 * MS-NRPC 3.1.4.4.1 with AES: the credential is the challenge encrypted
 * with AES-128 in 8-bit cipher feedback mode and an all-zero IV.
 */
bool sci_netlogon_cred(const uint8_t sk[16], const uint8_t in[8],
		       uint8_t out[8])
{
	gnutls_cipher_hd_t h = NULL;
	uint8_t key_buf[16];
	uint8_t iv_buf[16];
	gnutls_datum_t key = { .data = key_buf, .size = sizeof(key_buf) };
	gnutls_datum_t iv = { .data = iv_buf, .size = sizeof(iv_buf) };
	uint8_t tmp[8];
	bool ok = false;
	int ret;

	memcpy(key_buf, sk, sizeof(key_buf));
	memset(iv_buf, 0, sizeof(iv_buf));
	ret = gnutls_cipher_init(&h, GNUTLS_CIPHER_AES_128_CFB8, &key, &iv);
	if (ret < 0)
		goto done;
	ret = gnutls_cipher_encrypt2(h, in, 8, tmp, sizeof(tmp));
	gnutls_cipher_deinit(h);
	if (ret < 0)
		goto done;
	memcpy(out, tmp, sizeof(tmp));
	ok = true;
done:
	explicit_bzero(key_buf, sizeof(key_buf));
	explicit_bzero(tmp, sizeof(tmp));
	return ok;
}

/*
 * A one-way, domain-separated tag that lets reports and the journal say
 * "the same secret as before" without ever showing the secret.  On a
 * GnuTLS failure out is the empty string.
 */
void sc_fingerprint(const struct sc_secret *secret, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	gnutls_hash_hd_t h = NULL;
	uint8_t digest[SHA256_LEN];
	size_t i;

	out[0] = '\0';
	if (secret == NULL || (secret->data == NULL && secret->len > 0))
		return;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return;
	if (gnutls_hash(h, fp_label, sizeof(fp_label) - 1) < 0 ||
	    (secret->len > 0 &&
	     gnutls_hash(h, secret->data, secret->len) < 0)) {
		gnutls_hash_deinit(h, NULL);
		return;
	}
	gnutls_hash_deinit(h, digest);
	for (i = 0; i < 8; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0x0f];
	}
	out[16] = '\0';
	explicit_bzero(digest, sizeof(digest));
}
