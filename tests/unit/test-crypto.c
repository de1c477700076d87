/*
 * Unit tests for libsc/crypto.c: UTF-8 -> UTF-16LE, NT hash, netlogon
 * AES session key and credentials, fingerprints.  Expected values are
 * computed independently (by hand, or with a different GnuTLS primitive,
 * or with Python's OpenSSL-backed hmac/cryptography modules).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include "sc-private.h"

/* libsamba-util; lib/crypto/md4.h is not installed. */
extern void mdfour(uint8_t *out, const uint8_t *in, int n);

static void hex_to_bin(const char *hex, uint8_t *out, size_t len)
{
	size_t i;
	unsigned v;

	assert_int_equal(strlen(hex), 2 * len);
	for (i = 0; i < len; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = v;
	}
}

static struct sc_secret *utf8_secret(TALLOC_CTX *mem_ctx, const char *s)
{
	struct sc_secret *sec = sc_secret_new(mem_ctx, s, strlen(s));

	assert_non_null(sec);
	return sec;
}

static void test_nt_hash_password(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *pw = utf8_secret(mem, "password");
	struct sc_secret *hash = NULL;
	struct sc_error *err = NULL;
	uint8_t expect[16];

	hex_to_bin("8846f7eaee8fb117ad06bdd830b7586c", expect, 16);
	assert_int_equal(sc_nt_hash(mem, pw, &hash, &err), SC_OK);
	assert_null(err);
	assert_non_null(hash);
	assert_int_equal(hash->len, 16);
	assert_memory_equal(hash->data, expect, 16);
	talloc_free(mem);
}

static void test_nt_hash_empty(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *pw = sc_secret_new(mem, NULL, 0);
	struct sc_secret *hash = NULL;
	uint8_t expect[16];

	/* MD4("") (RFC 1320 A.5) */
	hex_to_bin("31d6cfe0d16ae931b73c59d7e0c089c0", expect, 16);
	assert_int_equal(sc_nt_hash(mem, pw, &hash, NULL), SC_OK);
	assert_memory_equal(hash->data, expect, 16);
	talloc_free(mem);
}

/* "pässwörd€𝄞": 2-, 3- and 4-byte UTF-8, the last one a surrogate pair. */
static const uint8_t pw_utf8[] = {
	'p', 0xc3, 0xa4, 's', 's', 'w', 0xc3, 0xb6, 'r', 'd',
	0xe2, 0x82, 0xac,		/* U+20AC EURO SIGN */
	0xf0, 0x9d, 0x84, 0x9e,		/* U+1D11E G CLEF */
};

static const uint8_t pw_utf16le[] = {
	'p', 0, 0xe4, 0, 's', 0, 's', 0, 'w', 0, 0xf6, 0, 'r', 0, 'd', 0,
	0xac, 0x20,
	0x34, 0xd8, 0x1e, 0xdd,		/* D834 DD1E */
};

static void test_utf16_nonascii(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *u = NULL;

	assert_true(sci_utf8_to_utf16le(mem, pw_utf8, sizeof(pw_utf8), &u));
	assert_int_equal(u->len, sizeof(pw_utf16le));
	assert_memory_equal(u->data, pw_utf16le, sizeof(pw_utf16le));
	talloc_free(mem);
}

static void test_nt_hash_nonascii(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *pw = sc_secret_new(mem, pw_utf8, sizeof(pw_utf8));
	struct sc_secret *hash = NULL;
	uint8_t expect[16];
	uint8_t md4[16];

	/* openssl dgst -md4 -provider legacy over pw_utf16le */
	hex_to_bin("0b92ab89d8e0ec0bb35132664c2167c5", expect, 16);
	/* and Samba's mdfour() over the hand-made UTF-16LE agrees */
	mdfour(md4, pw_utf16le, sizeof(pw_utf16le));
	assert_memory_equal(md4, expect, 16);
	assert_int_equal(sc_nt_hash(mem, pw, &hash, NULL), SC_OK);
	assert_int_equal(hash->len, 16);
	assert_memory_equal(hash->data, expect, 16);
	talloc_free(mem);
}

/* Boundary code points that must be accepted. */
static void test_utf16_boundaries(void **state)
{
	static const struct {
		uint8_t in[4];
		size_t in_len;
		uint8_t out[4];
		size_t out_len;
	} ok[] = {
		{ { 0x00 }, 1, { 0x00, 0x00 }, 2 },
		{ { 0x7f }, 1, { 0x7f, 0x00 }, 2 },
		{ { 0xc2, 0x80 }, 2, { 0x80, 0x00 }, 2 },
		{ { 0xdf, 0xbf }, 2, { 0xff, 0x07 }, 2 },
		{ { 0xe0, 0xa0, 0x80 }, 3, { 0x00, 0x08 }, 2 },
		{ { 0xed, 0x9f, 0xbf }, 3, { 0xff, 0xd7 }, 2 },
		{ { 0xee, 0x80, 0x80 }, 3, { 0x00, 0xe0 }, 2 },
		{ { 0xef, 0xbf, 0xbd }, 3, { 0xfd, 0xff }, 2 },
		{ { 0xf0, 0x90, 0x80, 0x80 }, 4,
		  { 0x00, 0xd8, 0x00, 0xdc }, 4 },	/* U+10000 */
		{ { 0xf4, 0x8f, 0xbf, 0xbf }, 4,
		  { 0xff, 0xdb, 0xff, 0xdf }, 4 },	/* U+10FFFF */
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *u;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		u = NULL;
		assert_true(sci_utf8_to_utf16le(mem, ok[i].in, ok[i].in_len,
						&u));
		assert_int_equal(u->len, ok[i].out_len);
		assert_memory_equal(u->data, ok[i].out, ok[i].out_len);
	}
	u = NULL;
	assert_true(sci_utf8_to_utf16le(mem, (const uint8_t *)"", 0, &u));
	assert_int_equal(u->len, 0);
	talloc_free(mem);
}

static void test_utf16_invalid(void **state)
{
	static const struct {
		const char *what;
		uint8_t in[6];
		size_t len;
	} bad[] = {
		{ "overlong NUL", { 0xc0, 0x80 }, 2 },
		{ "overlong '/'", { 0xc1, 0xaf }, 2 },
		{ "overlong 3-byte", { 0xe0, 0x80, 0xaf }, 3 },
		{ "overlong 3-byte U+07FF", { 0xe0, 0x9f, 0xbf }, 3 },
		{ "overlong 4-byte", { 0xf0, 0x80, 0x80, 0xaf }, 4 },
		{ "overlong 4-byte U+FFFF", { 0xf0, 0x8f, 0xbf, 0xbf }, 4 },
		{ "lone continuation", { 'a', 0x80, 'b' }, 3 },
		{ "lone continuation at end", { 'a', 0xbf }, 2 },
		{ "truncated 2-byte", { 'a', 0xc3 }, 2 },
		{ "truncated 3-byte", { 0xe2, 0x82 }, 2 },
		{ "truncated 4-byte", { 0xf0, 0x9d, 0x84 }, 3 },
		{ "interrupted 3-byte", { 0xe2, 'a', 0xac }, 3 },
		{ "encoded surrogate D800", { 0xed, 0xa0, 0x80 }, 3 },
		{ "encoded surrogate DFFF", { 0xed, 0xbf, 0xbf }, 3 },
		{ "above U+10FFFF", { 0xf4, 0x90, 0x80, 0x80 }, 4 },
		{ "5-byte lead", { 0xf8, 0x88, 0x80, 0x80, 0x80 }, 5 },
		{ "0xfe", { 0xfe }, 1 },
		{ "0xff", { 0xff }, 1 },
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *pw;
	struct sc_secret *u;
	struct sc_secret *hash;
	struct sc_error *err;
	size_t before = talloc_total_size(mem);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		u = NULL;
		if (sci_utf8_to_utf16le(mem, bad[i].in, bad[i].len, &u))
			fail_msg("accepted: %s", bad[i].what);
		assert_null(u);
		assert_int_equal(talloc_total_size(mem), before);

		pw = sc_secret_new(NULL, bad[i].in, bad[i].len);
		hash = NULL;
		err = NULL;
		assert_int_equal(sc_nt_hash(mem, pw, &hash, &err), SC_EINVAL);
		assert_null(hash);
		assert_non_null(err);
		assert_int_equal(err->rc, SC_EINVAL);
		talloc_free(err);
		talloc_free(pw);
		assert_int_equal(talloc_total_size(mem), before);
	}
	talloc_free(mem);
}

static void test_nt_hash_einval(void **state)
{
	struct sc_secret *hash = NULL;
	struct sc_error *err = NULL;
	TALLOC_CTX *mem = talloc_new(NULL);

	assert_int_equal(sc_nt_hash(mem, NULL, &hash, &err), SC_EINVAL);
	assert_null(hash);
	assert_non_null(err);
	talloc_free(mem);
}

/* Known answers computed with Python hmac and cryptography (OpenSSL). */
static void test_session_key_vector(void **state)
{
	uint8_t nt[16], cc[8], sc[8], sk[16], expect[16];
	int i;

	hex_to_bin("8846f7eaee8fb117ad06bdd830b7586c", nt, 16);
	for (i = 0; i < 8; i++) {
		cc[i] = 1 + i;
		sc[i] = 0xa0 + i;
	}
	hex_to_bin("5abc7d9c9c3d1ed0de70c81a1fe29c46", expect, 16);
	assert_true(sci_netlogon_session_key(nt, cc, sc, sk));
	assert_memory_equal(sk, expect, 16);
}

static void test_session_key_properties(void **state)
{
	uint8_t nt[16], cc[8], sc[8], sk1[16], sk2[16], sk3[16], sk4[16];
	uint8_t digest[32];
	uint8_t msg[16];

	memset(nt, 0x11, sizeof(nt));
	memset(cc, 0x22, sizeof(cc));
	memset(sc, 0x33, sizeof(sc));
	assert_true(sci_netlogon_session_key(nt, cc, sc, sk1));
	assert_true(sci_netlogon_session_key(nt, cc, sc, sk2));
	assert_memory_equal(sk1, sk2, 16);
	/* The order of the challenges matters. */
	assert_true(sci_netlogon_session_key(nt, sc, cc, sk3));
	assert_memory_not_equal(sk1, sk3, 16);
	nt[15] ^= 1;
	assert_true(sci_netlogon_session_key(nt, cc, sc, sk4));
	assert_memory_not_equal(sk1, sk4, 16);
	nt[15] ^= 1;

	/* Against one-shot GnuTLS HMAC over the concatenation. */
	memcpy(msg, cc, 8);
	memcpy(msg + 8, sc, 8);
	assert_int_equal(gnutls_hmac_fast(GNUTLS_MAC_SHA256, nt, 16, msg, 16,
					  digest), 0);
	assert_memory_equal(sk1, digest, 16);
}

/*
 * CFB8 by the book (NIST SP 800-38A 6.3), built from single AES blocks:
 * GnuTLS has no ECB mode, but CBC with a zero IV over one block is ECB.
 */
static void cfb8_reference(const uint8_t key[16], const uint8_t *in,
			   size_t len, uint8_t *out)
{
	uint8_t reg[16] = { 0 };
	uint8_t zero_iv[16] = { 0 };
	uint8_t block[16];
	gnutls_cipher_hd_t h;
	gnutls_datum_t k = { .data = (uint8_t *)key, .size = 16 };
	gnutls_datum_t iv = { .data = zero_iv, .size = 16 };
	size_t i;

	for (i = 0; i < len; i++) {
		assert_int_equal(gnutls_cipher_init(&h,
						    GNUTLS_CIPHER_AES_128_CBC,
						    &k, &iv), 0);
		assert_int_equal(gnutls_cipher_encrypt2(h, reg, 16, block, 16),
				 0);
		gnutls_cipher_deinit(h);
		out[i] = in[i] ^ block[0];
		memmove(reg, reg + 1, 15);
		reg[15] = out[i];
	}
}

static void test_cred_vector(void **state)
{
	uint8_t sk[16], cc[8], sc[8], out[8], expect[8];
	int i;

	hex_to_bin("5abc7d9c9c3d1ed0de70c81a1fe29c46", sk, 16);
	for (i = 0; i < 8; i++) {
		cc[i] = 1 + i;
		sc[i] = 0xa0 + i;
	}
	hex_to_bin("1e08e03f6615a387", expect, 8);
	assert_true(sci_netlogon_cred(sk, cc, out));
	assert_memory_equal(out, expect, 8);
	hex_to_bin("bf68b1cd566587d5", expect, 8);
	assert_true(sci_netlogon_cred(sk, sc, out));
	assert_memory_equal(out, expect, 8);
}

static void test_cred_properties(void **state)
{
	uint8_t sk[16], sk2[16], chal[8], chal2[8];
	uint8_t a[8], b[8], c[8], d[8], ref[8];
	unsigned seed;
	int i, j;

	for (i = 0; i < 16; i++)
		sk[i] = 0x5a ^ (i * 7);
	memcpy(sk2, sk, 16);
	sk2[0] ^= 0x80;
	for (i = 0; i < 8; i++)
		chal[i] = 0xc0 + i;
	memcpy(chal2, chal, 8);
	chal2[7] ^= 1;

	assert_true(sci_netlogon_cred(sk, chal, a));
	assert_true(sci_netlogon_cred(sk, chal, b));
	assert_memory_equal(a, b, 8);			/* deterministic */
	assert_true(sci_netlogon_cred(sk2, chal, c));
	assert_memory_not_equal(a, c, 8);		/* key matters */
	assert_true(sci_netlogon_cred(sk, chal2, d));
	assert_memory_not_equal(a, d, 8);		/* input matters */
	/* CFB8: the first 7 bytes do not depend on the last input byte */
	assert_memory_equal(a, d, 7);

	cfb8_reference(sk, chal, 8, ref);
	assert_memory_equal(a, ref, 8);

	/* A handful of pseudo-random keys and inputs, against the reference */
	seed = 12345;
	for (j = 0; j < 32; j++) {
		for (i = 0; i < 16; i++) {
			seed = seed * 1103515245 + 12345;
			sk[i] = seed >> 16;
		}
		for (i = 0; i < 8; i++) {
			seed = seed * 1103515245 + 12345;
			chal[i] = seed >> 16;
		}
		assert_true(sci_netlogon_cred(sk, chal, a));
		cfb8_reference(sk, chal, 8, ref);
		assert_memory_equal(a, ref, 8);
	}
}

static bool is_lower_hex(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	}
	return true;
}

static void test_fingerprint(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secret *s1 = utf8_secret(mem, "password");
	struct sc_secret *s2 = utf8_secret(mem, "password");
	struct sc_secret *s3 = utf8_secret(mem, "passwore");
	struct sc_secret *s4 = sc_secret_new(mem, NULL, 0);
	char f1[17], f2[17], f3[17], f4[17];

	memset(f1, 'X', sizeof(f1));
	sc_fingerprint(s1, f1);
	sc_fingerprint(s2, f2);
	sc_fingerprint(s3, f3);
	sc_fingerprint(s4, f4);
	assert_int_equal(strlen(f1), 16);
	assert_true(is_lower_hex(f1));
	/* SHA-256("netchk-fp-v1" "password"), first 8 bytes (Python) */
	assert_string_equal(f1, "8685d35e28cc4993");
	assert_string_equal(f1, f2);
	assert_string_not_equal(f1, f3);
	assert_int_equal(strlen(f4), 16);
	assert_true(is_lower_hex(f4));
	assert_string_not_equal(f1, f4);
	talloc_free(mem);
}

/* Nothing is left behind on the caller's context, on success or not. */
static void test_no_leaks(void **state)
{
	TALLOC_CTX *parent = talloc_new(NULL);
	TALLOC_CTX *mem = talloc_new(parent);
	struct sc_secret *pw = sc_secret_new(NULL, pw_utf8, sizeof(pw_utf8));
	struct sc_secret *hash = NULL;
	struct sc_secret *u = NULL;
	size_t before = talloc_total_size(parent);
	size_t blocks = talloc_total_blocks(parent);
	int i;

	for (i = 0; i < 10; i++) {
		assert_int_equal(sc_nt_hash(mem, pw, &hash, NULL), SC_OK);
		assert_ptr_equal(talloc_parent(hash), mem);
		talloc_free(hash);
		assert_true(sci_utf8_to_utf16le(mem, pw_utf8, sizeof(pw_utf8),
						&u));
		talloc_free(u);
	}
	assert_int_equal(talloc_total_size(parent), before);
	assert_int_equal(talloc_total_blocks(parent), blocks);
	talloc_free(pw);
	talloc_free(parent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nt_hash_password),
		cmocka_unit_test(test_nt_hash_empty),
		cmocka_unit_test(test_utf16_nonascii),
		cmocka_unit_test(test_nt_hash_nonascii),
		cmocka_unit_test(test_utf16_boundaries),
		cmocka_unit_test(test_utf16_invalid),
		cmocka_unit_test(test_nt_hash_einval),
		cmocka_unit_test(test_session_key_vector),
		cmocka_unit_test(test_session_key_properties),
		cmocka_unit_test(test_cred_vector),
		cmocka_unit_test(test_cred_properties),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_no_leaks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
