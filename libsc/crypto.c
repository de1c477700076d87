/*
 * libsc - the little cryptography netchk does itself
 *
 * Samba's netlogon credential helpers live in a private library, so the
 * AES session key and the netlogon credentials are computed here
 * (MS-NRPC 3.1.4.3.1, 3.1.4.4.1).  All of it uses nettle, GnuTLS's own
 * crypto back end: GnuTLS has no MD4 (no GNUTLS_DIG_MD4), Samba's
 * mdfour() would make libsc.so link libsamba-util, and GnuTLS itself (with
 * p11-kit, libunistring, gmp...) costs 2 ms of start-up that 'check
 * --cached' cannot afford.  Every buffer that holds key material is wiped before it goes out of
 * scope.
 */
#include <limits.h>
#include <string.h>
#include <nettle/aes.h>
#include <nettle/cfb.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/sha2.h>
#include "sc-private.h"

#define NT_HASH_LEN	16
#define SHA256_LEN	32

static const char fp_label[] = "netchk-fp-v1";

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
	struct md4_ctx md4;
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
	md4_init(&md4);
	md4_update(&md4, utf16->len, utf16->data);
	md4_digest(&md4, NT_HASH_LEN, hash->data);
	explicit_bzero(&md4, sizeof(md4));
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
	struct hmac_sha256_ctx h;
	uint8_t digest[SHA256_LEN];

	hmac_sha256_set_key(&h, NT_HASH_LEN, nt_hash);
	hmac_sha256_update(&h, 8, client_chal);
	hmac_sha256_update(&h, 8, server_chal);
	hmac_sha256_digest(&h, SHA256_LEN, digest);
	memcpy(sk_out, digest, 16);
	explicit_bzero(&h, sizeof(h));
	explicit_bzero(digest, sizeof(digest));
	return true;
}

/*
 * MS-NRPC 3.1.4.4.1 with AES: the credential is the challenge encrypted
 * with AES-128 in 8-bit cipher feedback mode and an all-zero IV.
 */
bool sci_netlogon_cred(const uint8_t sk[16], const uint8_t in[8],
		       uint8_t out[8])
{
	struct aes128_ctx aes;
	uint8_t iv[AES_BLOCK_SIZE] = { 0 };
	uint8_t tmp[8];

	aes128_set_encrypt_key(&aes, sk);
	cfb8_encrypt(&aes, (nettle_cipher_func *)aes128_encrypt,
		     AES_BLOCK_SIZE, iv, sizeof(tmp), tmp, in);
	memcpy(out, tmp, sizeof(tmp));
	explicit_bzero(&aes, sizeof(aes));
	explicit_bzero(iv, sizeof(iv));
	explicit_bzero(tmp, sizeof(tmp));
	return true;
}

/*
 * A one-way, domain-separated tag that lets reports and the journal say
 * "the same secret as before" without ever showing the secret.  Without
 * a secret, out is the empty string.
 */
void sc_fingerprint(const struct sc_secret *secret, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx h;
	uint8_t digest[SHA256_LEN];
	size_t i;

	out[0] = '\0';
	if (secret == NULL || (secret->data == NULL && secret->len > 0))
		return;
	sha256_init(&h);
	sha256_update(&h, sizeof(fp_label) - 1, (const uint8_t *)fp_label);
	if (secret->len > 0)
		sha256_update(&h, secret->len, secret->data);
	sha256_digest(&h, SHA256_LEN, digest);
	explicit_bzero(&h, sizeof(h));
	for (i = 0; i < 8; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0x0f];
	}
	out[16] = '\0';
	explicit_bzero(digest, sizeof(digest));
}
