/*
 * Unit tests: krb5-edata.c, store-keytab.c, probe-krb5.c
 *
 * Keytabs are real files written with MIT's own keytab code into a
 * temporary directory; the probe's transport is exercised against a fake
 * KDC on 127.0.0.1:88 inside a private network namespace (root only).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define REALM	"NETCHK.TEST"
#define ACCOUNT	"MEMBER1$"
#define SALT	"NETCHK.TESThostmember1.netchk.test"

/* ------------------------------------------------------------------ */
/* DER building helpers                                                */

/*
 * Append tag + length + value to out; lenbytes 0 = minimal length
 * encoding, otherwise the long form with that many length bytes.
 */
static size_t tlv(uint8_t *out, uint8_t tag, const uint8_t *val, size_t len,
		  int lenbytes)
{
	size_t n = 0;
	int i;

	out[n++] = tag;
	if (lenbytes == 0 && len < 0x80) {
		out[n++] = (uint8_t)len;
	} else {
		if (lenbytes == 0)
			lenbytes = len < 0x100 ? 1 : len < 0x10000 ? 2 : 3;
		out[n++] = (uint8_t)(0x80 | lenbytes);
		for (i = lenbytes - 1; i >= 0; i--)
			out[n++] = (uint8_t)(len >> (8 * i));
	}
	memmove(out + n, val, len);
	return n + len;
}

/* PA-DATA { [1] INTEGER type, [2] OCTET STRING value } */
static size_t padata(uint8_t *out, int type, const uint8_t *val, size_t len,
		     int lenbytes)
{
	uint8_t i[8], f1[16], v[1024], f2[1024], seq[2100];
	size_t n, il;

	if (type >= -128 && type < 128) {
		i[0] = (uint8_t)type;
		il = 1;
	} else {
		i[0] = (uint8_t)(type >> 8);
		i[1] = (uint8_t)type;
		il = 2;
	}
	n = tlv(f1, 0x02, i, il, 0);
	n = tlv(seq, 0xa1, f1, n, 0);
	il = tlv(v, 0x04, val, len, lenbytes);
	il = tlv(f2, 0xa2, v, il, lenbytes);
	memcpy(seq + n, f2, il);
	n += il;
	return tlv(out, 0x30, seq, n, lenbytes);
}

static const uint8_t samba_pw_salt[12] = {
	0x72, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00,
};

/* ETYPE-INFO2 { { etype 18, salt SALT } } as Samba 4.17 sends it. */
static size_t etype_info2(uint8_t *out)
{
	static const uint8_t aes256 = 18;
	uint8_t e[8], f0[16], s[64], f1[64], entry[128], seq[128];
	size_t n, m;

	n = tlv(f0, 0xa0, e, tlv(e, 0x02, &aes256, 1, 0), 0);
	m = tlv(s, 0x1b, (const uint8_t *)SALT, strlen(SALT), 0);
	m = tlv(f1, 0xa1, s, m, 0);
	memcpy(entry, f0, n);
	memcpy(entry + n, f1, m);
	n = tlv(seq, 0x30, entry, n + m, 0);
	return tlv(out, 0x30, seq, n, 0);
}

/*
 * METHOD-DATA with PA-ETYPE-INFO2 (if eti) and PA-PW-SALT = salt (if
 * salt), all lengths in the given form.
 */
static size_t method_data(uint8_t *out, bool eti, const uint8_t *salt,
			  size_t salt_len, int lenbytes)
{
	uint8_t ebuf[256], body[4096];
	size_t n = 0;

	if (eti)
		n += padata(body + n, 19, ebuf, etype_info2(ebuf), lenbytes);
	if (salt != NULL)
		n += padata(body + n, 3, salt, salt_len, lenbytes);
	return tlv(out, 0x30, body, n, lenbytes);
}

/* Call the parser on an exact-size heap copy, so ASan sees overreads. */
static bool parse_copy(const uint8_t *in, size_t len, uint32_t *st)
{
	uint8_t *copy = malloc(len ? len : 1);
	bool ok;

	assert_non_null(copy);
	if (len > 0)
		memcpy(copy, in, len);
	ok = sc_krb5_edata_ntstatus(copy, len, st);
	free(copy);
	return ok;
}

/* ------------------------------------------------------------------ */
/* e-data parser                                                       */

static void test_edata_samba_disabled(void **state)
{
	uint8_t md[4096];
	uint32_t st = 0;
	size_t n;

	n = method_data(md, true, samba_pw_salt, 12, 0);
	assert_true(parse_copy(md, n, &st));
	assert_int_equal(st, 0xC0000072);

	/* PA-PW-SALT first works the same. */
	{
		uint8_t a[64], b[256], e[256], body[512];
		size_t an, bn;

		an = padata(a, 3, samba_pw_salt, 12, 0);
		bn = padata(b, 19, e, etype_info2(e), 0);
		memcpy(body, a, an);
		memcpy(body + an, b, bn);
		n = tlv(md, 0x30, body, an + bn, 0);
		st = 0;
		assert_true(parse_copy(md, n, &st));
		assert_int_equal(st, 0xC0000072);
	}
}

static void test_edata_etype_info2_only(void **state)
{
	uint8_t md[4096];
	uint32_t st = 0x12345678;
	size_t n;

	n = method_data(md, true, NULL, 0, 0);
	assert_false(parse_copy(md, n, &st));
	assert_int_equal(st, 0x12345678);	/* untouched */
}

static void test_edata_empty(void **state)
{
	static const uint8_t empty_seq[] = { 0x30, 0x00 };
	uint32_t st;

	assert_false(parse_copy(NULL, 0, &st));
	assert_false(sc_krb5_edata_ntstatus(NULL, 0, &st));
	assert_false(sc_krb5_edata_ntstatus(empty_seq, 2, NULL));
	assert_false(parse_copy(empty_seq, 2, &st));
}

static void test_edata_truncated(void **state)
{
	uint8_t md[4096];
	uint32_t st;
	size_t n, cut;

	n = method_data(md, true, samba_pw_salt, 12, 0);
	for (cut = 0; cut < n; cut++)
		assert_false(parse_copy(md, cut, &st));
	/* The same with long-form lengths everywhere. */
	n = method_data(md, true, samba_pw_salt, 12, 2);
	assert_true(parse_copy(md, n, &st));
	for (cut = 0; cut < n; cut++)
		assert_false(parse_copy(md, cut, &st));
}

static void test_edata_wrong_length(void **state)
{
	uint8_t md[4096], val[64];
	uint32_t st;
	size_t n;

	memset(val, 0, sizeof(val));
	memcpy(val, samba_pw_salt, 12);
	n = method_data(md, true, val, 11, 0);
	assert_false(parse_copy(md, n, &st));
	n = method_data(md, true, val, 13, 0);
	assert_false(parse_copy(md, n, &st));
	n = method_data(md, false, val, 0, 0);
	assert_false(parse_copy(md, n, &st));
	/* A real salt string in PA-PW-SALT (RFC 4120 use) is not a status. */
	n = method_data(md, false, (const uint8_t *)SALT, strlen(SALT), 0);
	assert_false(parse_copy(md, n, &st));
}

static void test_edata_long_form(void **state)
{
	uint8_t md[4096], big[300];
	uint32_t st = 0;
	size_t n;

	/* Non-minimal long forms of 1, 2 and 4 bytes are accepted. */
	n = method_data(md, true, samba_pw_salt, 12, 1);
	assert_true(parse_copy(md, n, &st));
	assert_int_equal(st, 0xC0000072);
	n = method_data(md, false, samba_pw_salt, 12, 4);
	st = 0;
	assert_true(parse_copy(md, n, &st));
	assert_int_equal(st, 0xC0000072);
	/* A 5-byte length is not. */
	n = method_data(md, false, samba_pw_salt, 12, 4);
	md[1] = 0x85;
	assert_false(parse_copy(md, n, &st));
	/* Neither is the indefinite form. */
	n = method_data(md, false, samba_pw_salt, 12, 0);
	md[1] = 0x80;
	assert_false(parse_copy(md, n, &st));

	/* An element > 127 bytes needs the long form naturally. */
	{
		uint8_t pa1[400], pa2[64], body[600];
		size_t a, b;

		memset(big, 0xaa, sizeof(big));
		a = padata(pa1, 147, big, sizeof(big), 0);
		b = padata(pa2, 3, samba_pw_salt, 12, 0);
		memcpy(body, pa1, a);
		memcpy(body + a, pa2, b);
		n = tlv(md, 0x30, body, a + b, 0);
		assert_int_equal(md[1], 0x82);
		st = 0;
		assert_true(parse_copy(md, n, &st));
		assert_int_equal(st, 0xC0000072);
	}
}

static void test_edata_malformed(void **state)
{
	uint8_t md[4096];
	uint32_t st;
	size_t n, i;
	unsigned int seed = 12345;

	/* Trailing garbage after the outer SEQUENCE. */
	n = method_data(md, true, samba_pw_salt, 12, 0);
	md[n] = 0x00;
	assert_false(parse_copy(md, n + 1, &st));
	/* Outer length claims one byte more than there is. */
	n = method_data(md, false, samba_pw_salt, 12, 0);
	md[1]++;
	assert_false(parse_copy(md, n, &st));
	/* Wrong outer tag. */
	n = method_data(md, false, samba_pw_salt, 12, 0);
	md[0] = 0x31;
	assert_false(parse_copy(md, n, &st));
	/* Wrong padata-value tag (not OCTET STRING). */
	n = method_data(md, false, samba_pw_salt, 12, 0);
	for (i = 0; i + 1 < n; i++)
		if (md[i] == 0x04 && md[i + 1] == 12)
			md[i] = 0x1b;
	assert_false(parse_copy(md, n, &st));
	/* Random byte flips: any answer, but no crash or overread. */
	for (i = 0; i < 20000; i++) {
		uint8_t m[4096];
		size_t len = method_data(m, true, samba_pw_salt, 12, 0);
		int k, flips = 1 + rand_r(&seed) % 3;

		for (k = 0; k < flips; k++)
			m[rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
		(void)parse_copy(m, len - rand_r(&seed) % 3, &st);
	}
}

/* ------------------------------------------------------------------ */
/* salt                                                                */

static void test_salt(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);

	assert_string_equal(sc_machine_salt(t, "NETCHK.TEST", "MEMBER1$"),
			    SALT);
	assert_string_equal(sc_machine_salt(t, "netchk.test", "Member1$"),
			    SALT);
	assert_string_equal(sc_machine_salt(t, "NETCHK.TEST", "MEMBER1"),
			    SALT);
	assert_string_equal(sc_machine_salt(t, "AD.EXAMPLE.COM", "WS-01$"),
			    "AD.EXAMPLE.COMhostws-01.ad.example.com");
	assert_null(sc_machine_salt(t, "", "MEMBER1$"));
	assert_null(sc_machine_salt(t, "NETCHK.TEST", "$"));
	assert_null(sc_machine_salt(t, NULL, "MEMBER1$"));
	assert_null(sc_machine_salt(t, "NETCHK.TEST", NULL));
	talloc_free(t);
}

/* ------------------------------------------------------------------ */
/* keytabs                                                             */

struct kt_fixture {
	char dir[64];
	char path[128];		/* the full test keytab */
	uint8_t *bytes;		/* its contents */
	size_t len;
	krb5_context ctx;
};

static const uint8_t nt_hash_password[16] = {	/* NT hash of "password" */
	0x88, 0x46, 0xf7, 0xea, 0xee, 0x8f, 0xb1, 0x17,
	0xad, 0x06, 0xbd, 0xd8, 0x30, 0xb7, 0x58, 0x6c,
};

static void derive_key(krb5_context ctx, krb5_enctype et, const char *pw,
		       const char *salt, krb5_keyblock *kb)
{
	krb5_data p = { KV5M_DATA, (unsigned int)strlen(pw), (char *)pw };
	krb5_data s = { KV5M_DATA, (unsigned int)strlen(salt), (char *)salt };

	assert_int_equal(krb5_c_string_to_key(ctx, et, &p, &s, kb), 0);
}

static void kt_add(krb5_context ctx, krb5_keytab kt, const char *princ,
		   krb5_kvno vno, krb5_enctype et, const uint8_t *key,
		   size_t len)
{
	krb5_keytab_entry e;

	memset(&e, 0, sizeof(e));
	assert_int_equal(krb5_parse_name(ctx, princ, &e.principal), 0);
	e.vno = vno;
	e.timestamp = 1700000000;
	e.key.magic = KV5M_KEYBLOCK;
	e.key.enctype = et;
	e.key.length = (unsigned int)len;
	e.key.contents = (krb5_octet *)key;
	assert_int_equal(krb5_kt_add_entry(ctx, kt, &e), 0);
	krb5_free_principal(ctx, e.principal);
}

static void kt_add_pw(krb5_context ctx, krb5_keytab kt, const char *princ,
		      krb5_kvno vno, krb5_enctype et, const char *pw,
		      const char *salt)
{
	krb5_keyblock kb;

	derive_key(ctx, et, pw, salt, &kb);
	kt_add(ctx, kt, princ, vno, et, kb.contents, kb.length);
	krb5_free_keyblock_contents(ctx, &kb);
}

static void write_bytes(const char *path, const uint8_t *b, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, len), (ssize_t)len);
	close(fd);
}

/*
 * The test keytab, in this order:
 *   MEMBER1$ kvno 1: aes256, aes128 from "pw-previous"
 *   MEMBER1$ kvno 2: aes256, aes128 from "password", rc4 = NT hash
 *   host/member1.netchk.test kvno 2: aes256 from "password"
 *   restrictedkrbhost/MEMBER1 kvno 2: rc4
 *   MEMBER1$ kvno 3: aes256 from "something-else"        (NONE)
 *   MEMBER1$ kvno 3: aes128 from "password", wrong salt    (NONE)
 *   MEMBER1$ kvno 3: des-cbc-crc, 8 bytes                  (UNKNOWN)
 *   OTHER$, alice, host/x@OTHER.REALM                       (other)
 */
static int kt_setup(void **state)
{
	struct kt_fixture *f = calloc(1, sizeof(*f));
	static const uint8_t des[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	krb5_keytab kt;
	char name[160];
	struct stat st;
	int fd;

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test-krb5-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/full.keytab", f->dir);
	assert_int_equal(krb5_init_context(&f->ctx), 0);
	snprintf(name, sizeof(name), "WRFILE:%s", f->path);
	assert_int_equal(krb5_kt_resolve(f->ctx, name, &kt), 0);
	kt_add_pw(f->ctx, kt, "MEMBER1$@" REALM, 1,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "pw-previous", SALT);
	kt_add_pw(f->ctx, kt, "MEMBER1$@" REALM, 1,
		  ENCTYPE_AES128_CTS_HMAC_SHA1_96, "pw-previous", SALT);
	kt_add_pw(f->ctx, kt, "MEMBER1$@" REALM, 2,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "password", SALT);
	kt_add_pw(f->ctx, kt, "MEMBER1$@" REALM, 2,
		  ENCTYPE_AES128_CTS_HMAC_SHA1_96, "password", SALT);
	kt_add(f->ctx, kt, "MEMBER1$@" REALM, 2, ENCTYPE_ARCFOUR_HMAC,
	       nt_hash_password, 16);
	kt_add_pw(f->ctx, kt, "host/member1.netchk.test@" REALM, 2,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "password", SALT);
	kt_add(f->ctx, kt, "restrictedkrbhost/MEMBER1@" REALM, 2,
	       ENCTYPE_ARCFOUR_HMAC, nt_hash_password, 16);
	kt_add_pw(f->ctx, kt, "MEMBER1$@" REALM, 3,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "something-else", SALT);
	kt_add_pw(f->ctx, kt, "MEMBER1$@" REALM, 3,
		  ENCTYPE_AES128_CTS_HMAC_SHA1_96, "password",
		  "NETCHK.TESThostother.netchk.test");
	kt_add(f->ctx, kt, "MEMBER1$@" REALM, 3, ENCTYPE_DES_CBC_CRC, des, 8);
	kt_add_pw(f->ctx, kt, "OTHER$@" REALM, 1,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "password", SALT);
	kt_add_pw(f->ctx, kt, "alice@" REALM, 1,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "password", SALT);
	kt_add_pw(f->ctx, kt, "host/x@OTHER.REALM", 1,
		  ENCTYPE_AES256_CTS_HMAC_SHA1_96, "password", SALT);
	krb5_kt_close(f->ctx, kt);

	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	f->len = (size_t)st.st_size;
	f->bytes = malloc(f->len);
	assert_int_equal(read(fd, f->bytes, f->len), (ssize_t)f->len);
	close(fd);
	*state = f;
	return 0;
}

static int kt_teardown(void **state)
{
	struct kt_fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	krb5_free_context(f->ctx);
	free(f->bytes);
	free(f);
	return 0;
}

static const struct sc_keytab_entry *find_entry(const struct sc_keytab *kt,
						const char *princ,
						uint32_t kvno, int32_t et)
{
	size_t i;

	for (i = 0; i < kt->count; i++)
		if (strcmp(kt->entries[i].principal, princ) == 0 &&
		    kt->entries[i].kvno == kvno &&
		    kt->entries[i].enctype == et)
			return &kt->entries[i];
	return NULL;
}

static void test_keytab_load(void **state)
{
	struct kt_fixture *f = *state;
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_keytab *kt = NULL;
	struct sc_error *err = NULL;
	const struct sc_keytab_entry *e;
	char name[160];
	size_t before = talloc_total_size(t);

	assert_int_equal(sc_keytab_load(t, f->path, ACCOUNT, REALM, &kt,
					&err), SC_OK);
	assert_null(err);
	assert_int_equal(kt->count, 10);
	assert_int_equal(kt->other_count, 3);
	assert_int_equal(sc_keytab_max_kvno(kt), 3);
	snprintf(name, sizeof(name), "FILE:%s", f->path);
	assert_string_equal(kt->name, name);

	e = find_entry(kt, "MEMBER1$@" REALM, 2,
		       ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	assert_non_null(e);
	assert_string_equal(e->enctype_name, "aes256-cts-hmac-sha1-96");
	assert_int_equal(e->key->len, 32);
	assert_true(e->timestamp > 1700000000);	/* MIT sets "now" */
	assert_int_equal(e->match, SC_KEY_MATCH_UNKNOWN);
	e = find_entry(kt, "MEMBER1$@" REALM, 2, ENCTYPE_ARCFOUR_HMAC);
	assert_non_null(e);
	assert_string_equal(e->enctype_name, "arcfour-hmac");
	assert_memory_equal(e->key->data, nt_hash_password, 16);
	assert_non_null(find_entry(kt, "host/member1.netchk.test@" REALM, 2,
				   ENCTYPE_AES256_CTS_HMAC_SHA1_96));
	assert_non_null(find_entry(kt, "restrictedkrbhost/MEMBER1@" REALM, 2,
				   ENCTYPE_ARCFOUR_HMAC));
	assert_null(find_entry(kt, "OTHER$@" REALM, 1,
			       ENCTYPE_AES256_CTS_HMAC_SHA1_96));
	assert_null(find_entry(kt, "alice@" REALM, 1,
			       ENCTYPE_AES256_CTS_HMAC_SHA1_96));
	talloc_free(kt);

	/* FILE: prefix, case-insensitive account and realm. */
	assert_int_equal(sc_keytab_load(t, name, "member1$", "netchk.test",
					&kt, &err), SC_OK);
	assert_int_equal(kt->count, 10);
	talloc_free(kt);

	/* NULL name: MIT's default, here from KRB5_KTNAME. */
	setenv("KRB5_KTNAME", name, 1);
	assert_int_equal(sc_keytab_load(t, NULL, ACCOUNT, REALM, &kt, &err),
			 SC_OK);
	assert_int_equal(kt->count, 10);
	assert_string_equal(kt->name, name);
	talloc_free(kt);
	kt = NULL;
	assert_int_equal(sc_keytab_load(t, "", ACCOUNT, REALM, &kt, &err),
			 SC_OK);
	assert_int_equal(kt->count, 10);
	talloc_free(kt);
	unsetenv("KRB5_KTNAME");

	/* Another realm: nothing is the machine's (host/x is another
	 * host's service even in that realm). */
	assert_int_equal(sc_keytab_load(t, f->path, ACCOUNT, "OTHER.REALM",
					&kt, &err), SC_OK);
	assert_int_equal(kt->count, 0);
	assert_int_equal(kt->other_count, 13);
	talloc_free(kt);

	assert_int_equal(talloc_total_size(t), before);
	talloc_free(t);
}

/* Which principals are the machine's (issue 9 item 3). */
static void test_machine_principal(void **state)
{
	static const char *const spns[] = {
		"HOST/MEMBER1.netchk.test", "RestrictedKrbHost/MEMBER1",
		"nfs/member1.netchk.test", NULL,
	};
	struct sc_machine_names m = { .account = "MEMBER1$",
				      .realm = REALM };

	(void)state;
	/* SPNs unknown: the account and any service on its names. */
	assert_true(sc_machine_principal(&m, "MEMBER1$@" REALM));
	assert_true(sc_machine_principal(&m, "member1$@netchk.test"));
	assert_true(sc_machine_principal(&m, "host/MEMBER1@" REALM));
	assert_true(sc_machine_principal(&m,
			"restrictedkrbhost/member1.netchk.test@" REALM));
	assert_true(sc_machine_principal(&m, "cifs/member1.other.test@"
					 REALM));
	assert_true(sc_machine_principal(&m, "MSSQLSvc/member1:1433@"
					 REALM));
	assert_false(sc_machine_principal(&m, "HTTP/web.netchk.test@"
					  REALM));
	assert_false(sc_machine_principal(&m, "HTTP/member10@" REALM));
	assert_false(sc_machine_principal(&m, "svc-web@" REALM));
	assert_false(sc_machine_principal(&m, "OTHER$@" REALM));
	assert_false(sc_machine_principal(&m, "host/member1@OTHER.REALM"));
	assert_false(sc_machine_principal(&m, "MEMBER1$"));
	assert_false(sc_machine_principal(&m, NULL));
	/* Escaped '/' is part of a component, not a separator. */
	assert_false(sc_machine_principal(&m, "MEMBER1\\/x@" REALM));

	/* SPNs known: those, plus host/ and RestrictedKrbHost/ on its
	 * names; another account's HTTP/ on the host's name is not. */
	m.spns = spns;
	m.dns_host_name = "member1.netchk.test";
	assert_true(sc_machine_principal(&m, "MEMBER1$@" REALM));
	assert_true(sc_machine_principal(&m,
			"host/member1.netchk.test@" REALM));
	assert_true(sc_machine_principal(&m, "host/MEMBER1@" REALM));
	assert_true(sc_machine_principal(&m,
			"RestrictedKrbHost/member1.netchk.test@" REALM));
	assert_true(sc_machine_principal(&m, "NFS/Member1.Netchk.Test@"
					 REALM));
	assert_false(sc_machine_principal(&m,
			"HTTP/member1.netchk.test@" REALM));
	assert_false(sc_machine_principal(&m, "host/member1.other.test@"
					  REALM));
	assert_false(sc_machine_principal(&m, "HTTP/web.netchk.test@"
					  REALM));
}

static void expect_load(const char *path, enum sc_rc want,
			const char *want_in_msg)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_keytab *kt = (struct sc_keytab *)0x1;
	struct sc_error *err = NULL;

	assert_int_equal(sc_keytab_load(t, path, ACCOUNT, REALM, &kt, &err),
			 want);
	assert_ptr_equal(kt, (struct sc_keytab *)0x1);	/* not written */
	assert_non_null(err);
	assert_int_equal(err->rc, want);
	assert_non_null(err->message);
	assert_null(strchr(err->message, '\n'));
	if (want_in_msg != NULL)
		assert_non_null(strstr(err->message, want_in_msg));
	talloc_free(t);
}

static void test_keytab_errors(void **state)
{
	struct kt_fixture *f = *state;
	static const char text[] = "this is not a keytab at all\n";
	char p[160];

	snprintf(p, sizeof(p), "%s/missing.keytab", f->dir);
	expect_load(p, SC_ENOENT, p);
	snprintf(p, sizeof(p), "%s/nodir/x.keytab", f->dir);
	expect_load(p, SC_ENOENT, p);

	snprintf(p, sizeof(p), "%s/garbage.keytab", f->dir);
	write_bytes(p, (const uint8_t *)text, sizeof(text) - 1);
	expect_load(p, SC_EFORMAT, p);

	snprintf(p, sizeof(p), "%s/empty.keytab", f->dir);
	write_bytes(p, (const uint8_t *)"", 0);
	expect_load(p, SC_EFORMAT, p);

	/* A directory is not a keytab. */
	expect_load(f->dir, SC_EFORMAT, f->dir);

	/* Right version, garbage after it. */
	{
		uint8_t g[64];

		memset(g, 0x41, sizeof(g));
		g[0] = 5;
		g[1] = 2;
		snprintf(p, sizeof(p), "%s/garbage2.keytab", f->dir);
		write_bytes(p, g, sizeof(g));
		expect_load(p, SC_EFORMAT, p);
		/* Entry length fits but the body is nonsense. */
		g[2] = 0;
		g[3] = 0;
		g[4] = 0;
		g[5] = 20;
		memset(g + 6, 0xff, 20);
		write_bytes(p, g, 26);
		expect_load(p, SC_EFORMAT, p);
	}

	/* Unknown keytab type. */
	{
		TALLOC_CTX *t = talloc_new(NULL);
		struct sc_keytab *kt = NULL;
		struct sc_error *err = NULL;

		assert_int_equal(sc_keytab_load(t, "NOSUCHTYPE:x", ACCOUNT,
						REALM, &kt, &err), SC_EINVAL);
		assert_int_equal(sc_keytab_load(t, f->path, NULL, REALM, &kt,
						&err), SC_EINVAL);
		assert_int_equal(sc_keytab_load(t, f->path, ACCOUNT, "", &kt,
						NULL), SC_EINVAL);
		talloc_free(t);
	}
}

/* A just-created keytab (version only) is valid and empty. */
static void test_keytab_empty(void **state)
{
	struct kt_fixture *f = *state;
	static const uint8_t v[] = { 5, 2 };
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_keytab *kt = NULL;
	char p[160];

	snprintf(p, sizeof(p), "%s/new.keytab", f->dir);
	write_bytes(p, v, 2);
	assert_int_equal(sc_keytab_load(t, p, ACCOUNT, REALM, &kt, NULL),
			 SC_OK);
	assert_int_equal(kt->count, 0);
	assert_int_equal(kt->other_count, 0);
	assert_int_equal(sc_keytab_max_kvno(kt), 0);
	assert_int_equal(sc_keytab_max_kvno(NULL), 0);
	talloc_free(t);
}

/* Version 0x0501 (host byte order, realm counted as a component). */
static void test_keytab_v1(void **state)
{
	struct kt_fixture *f = *state;
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_keytab *kt = NULL;
	uint8_t b[256], key[32];
	size_t n = 6, start;
	int16_t s16;
	int32_t s32;
	char p[160];

	memset(key, 0x5a, sizeof(key));
	b[0] = 5;
	b[1] = 1;
#define PUT16(v) (s16 = (int16_t)(v), memcpy(b + n, &s16, 2), n += 2)
#define PUT32(v) (s32 = (int32_t)(v), memcpy(b + n, &s32, 4), n += 4)
#define PUTS(str) (PUT16(strlen(str)), memcpy(b + n, str, strlen(str)), \
		   n += strlen(str))
	start = n;
	PUT16(2);			/* realm + 1 component */
	PUTS(REALM);
	PUTS(ACCOUNT);
	PUT32(1700000000);		/* timestamp */
	b[n++] = 4;			/* kvno */
	PUT16(ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	PUT16(sizeof(key));
	memcpy(b + n, key, sizeof(key));
	n += sizeof(key);
	s32 = (int32_t)(n - start);
	memcpy(b + 2, &s32, 4);
#undef PUT16
#undef PUT32
#undef PUTS
	snprintf(p, sizeof(p), "%s/v1.keytab", f->dir);
	write_bytes(p, b, n);
	assert_int_equal(sc_keytab_load(t, p, ACCOUNT, REALM, &kt, NULL),
			 SC_OK);
	assert_int_equal(kt->count, 1);
	assert_string_equal(kt->entries[0].principal, "MEMBER1$@" REALM);
	assert_int_equal(kt->entries[0].kvno, 4);
	assert_int_equal(kt->entries[0].enctype,
			 ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	assert_memory_equal(kt->entries[0].key->data, key, sizeof(key));
	/* One byte short of the record is truncation. */
	write_bytes(p, b, n - 1);
	assert_int_equal(sc_keytab_load(t, p, ACCOUNT, REALM, &kt, NULL),
			 SC_EFORMAT);
	talloc_free(t);
}

/*
 * Cut the keytab at every byte.  A cut exactly between two entries leaves
 * a shorter valid keytab; every other cut is EFORMAT.
 */
static void test_keytab_truncated(void **state)
{
	struct kt_fixture *f = *state;
	size_t bounds[64], nb = 0, pos = 2, cut, i, term = SIZE_MAX;
	char p[160];

	bounds[nb++] = 2;
	while (pos + 4 <= f->len) {
		int32_t size = (int32_t)((uint32_t)f->bytes[pos] << 24 |
					 (uint32_t)f->bytes[pos + 1] << 16 |
					 (uint32_t)f->bytes[pos + 2] << 8 |
					 f->bytes[pos + 3]);
		if (size == 0) {
			term = pos;
			break;
		}
		assert_true(size > 0);
		pos += 4 + (size_t)size;
		bounds[nb++] = pos;
	}
	assert_int_equal(nb, 14);		/* 13 entries */
	/* MIT ends the file after the last entry or with a zero length. */
	if (term == SIZE_MAX)
		assert_int_equal(f->len, bounds[nb - 1]);
	else
		assert_int_equal(f->len, term + 4);

	snprintf(p, sizeof(p), "%s/cut.keytab", f->dir);
	for (cut = 0; cut < f->len; cut++) {
		TALLOC_CTX *t = talloc_new(NULL);
		struct sc_keytab *kt = NULL;
		struct sc_error *err = NULL;
		enum sc_rc rc;
		ssize_t entries = -1;

		for (i = 0; i < nb; i++)
			if (bounds[i] == cut)
				entries = (ssize_t)i;
		if (cut == term)
			entries = 13;
		write_bytes(p, f->bytes, cut);
		rc = sc_keytab_load(t, p, ACCOUNT, REALM, &kt, &err);
		if (entries < 0) {
			assert_int_equal(rc, SC_EFORMAT);
			assert_non_null(strstr(err->message, p));
		} else {
			assert_int_equal(rc, SC_OK);
			assert_int_equal(kt->count + kt->other_count,
					 (size_t)entries);
		}
		talloc_free(t);
	}
}

/* Read permission: as root, drop to nobody in a child. */
static void test_keytab_eacces(void **state)
{
	struct kt_fixture *f = *state;
	char p[160];
	pid_t pid;
	int status;

	snprintf(p, sizeof(p), "%s/secret.keytab", f->dir);
	write_bytes(p, f->bytes, f->len);
	assert_int_equal(chmod(p, 0600), 0);
	assert_int_equal(chmod(f->dir, 0755), 0);
	if (geteuid() != 0) {
		assert_int_equal(chmod(p, 0), 0);
		expect_load(p, SC_EACCES, p);
		return;
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sc_keytab *kt = NULL;
		struct sc_error *err = NULL;
		enum sc_rc rc;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(100);
		rc = sc_keytab_load(NULL, p, ACCOUNT, REALM, &kt, &err);
		if (rc == SC_EACCES && (err == NULL ||
					strstr(err->message, p) == NULL))
			_exit(101);
		_exit((int)rc);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), SC_EACCES);
}

static void test_keytab_compare(void **state)
{
	struct kt_fixture *f = *state;
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_keytab *kt = NULL;
	struct sc_secrets sec;
	struct sc_error *err = NULL;
	const struct sc_keytab_entry *e;
	size_t i;

	assert_int_equal(sc_keytab_load(t, f->path, ACCOUNT, REALM, &kt,
					&err), SC_OK);
	memset(&sec, 0, sizeof(sec));
	sec.current = sc_secret_new(t, "password", 8);
	sec.previous = sc_secret_new(t, "pw-previous", 11);
	assert_int_equal(sc_keytab_compare(kt, &sec, REALM, ACCOUNT, &err),
			 SC_OK);
	for (i = 0; i < kt->count; i++) {
		e = &kt->entries[i];
		if (e->enctype == ENCTYPE_DES_CBC_CRC)
			assert_int_equal(e->match, SC_KEY_MATCH_UNKNOWN);
		else if (e->kvno == 3)
			assert_int_equal(e->match, SC_KEY_MATCH_NONE);
		else if (e->kvno == 2)
			assert_int_equal(e->match, SC_KEY_MATCH_CURRENT);
		else
			assert_int_equal(e->match, SC_KEY_MATCH_PREVIOUS);
	}

	/* Swapped passwords swap the answers. */
	sec.current = sc_secret_new(t, "pw-previous", 11);
	sec.previous = sc_secret_new(t, "password", 8);
	assert_int_equal(sc_keytab_compare(kt, &sec, REALM, ACCOUNT, &err),
			 SC_OK);
	e = find_entry(kt, "MEMBER1$@" REALM, 1,
		       ENCTYPE_AES128_CTS_HMAC_SHA1_96);
	assert_int_equal(e->match, SC_KEY_MATCH_CURRENT);
	e = find_entry(kt, "restrictedkrbhost/MEMBER1@" REALM, 2,
		       ENCTYPE_ARCFOUR_HMAC);
	assert_int_equal(e->match, SC_KEY_MATCH_PREVIOUS);

	/* Only a current password: the old keys match nothing. */
	sec.current = sc_secret_new(t, "password", 8);
	sec.previous = NULL;
	assert_int_equal(sc_keytab_compare(kt, &sec, REALM, ACCOUNT, &err),
			 SC_OK);
	e = find_entry(kt, "MEMBER1$@" REALM, 1,
		       ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	assert_int_equal(e->match, SC_KEY_MATCH_NONE);
	e = find_entry(kt, "host/member1.netchk.test@" REALM, 2,
		       ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	assert_int_equal(e->match, SC_KEY_MATCH_CURRENT);

	/* The salt matters: the same password under another account. */
	assert_int_equal(sc_keytab_compare(kt, &sec, REALM, "OTHER$", &err),
			 SC_OK);
	e = find_entry(kt, "MEMBER1$@" REALM, 2,
		       ENCTYPE_AES256_CTS_HMAC_SHA1_96);
	assert_int_equal(e->match, SC_KEY_MATCH_NONE);
	e = find_entry(kt, "MEMBER1$@" REALM, 2, ENCTYPE_ARCFOUR_HMAC);
	assert_int_equal(e->match, SC_KEY_MATCH_CURRENT);	/* no salt */
	e = find_entry(kt, "MEMBER1$@" REALM, 3,
		       ENCTYPE_AES128_CTS_HMAC_SHA1_96);
	assert_int_equal(e->match, SC_KEY_MATCH_CURRENT);	/* its salt */

	/* No password at all: nothing can be said. */
	sec.current = NULL;
	assert_int_equal(sc_keytab_compare(kt, &sec, REALM, ACCOUNT, &err),
			 SC_OK);
	for (i = 0; i < kt->count; i++)
		assert_int_equal(kt->entries[i].match, SC_KEY_MATCH_UNKNOWN);
	assert_int_equal(sc_keytab_compare(kt, NULL, REALM, ACCOUNT, &err),
			 SC_OK);
	assert_int_equal(sc_keytab_compare(NULL, &sec, REALM, ACCOUNT, NULL),
			 SC_EINVAL);
	talloc_free(t);
}

/* ------------------------------------------------------------------ */
/* the probe against a fake KDC                                        */

enum fake_mode { FAKE_SILENT, FAKE_CLOSE, FAKE_ERROR, FAKE_BADLEN };

struct fake_kdc {
	int lfd;
	enum fake_mode mode;
	int error_code;
	bool with_edata;
	pthread_t thread;
	size_t requests;
};

static bool netns_ready;

/* KRB-ERROR (RFC 4120 5.9.1) with an optional Samba-style e-data. */
static size_t krb_error(uint8_t *out, int code, bool with_edata)
{
	static const char stime[] = "20240101000000Z";
	uint8_t body[1024], tmp[512], tmp2[512], md[512];
	size_t n = 0, m, k;
	uint8_t v;

	v = 5;
	n += tlv(body + n, 0xa0, tmp, tlv(tmp, 0x02, &v, 1, 0), 0);
	v = 30;
	n += tlv(body + n, 0xa1, tmp, tlv(tmp, 0x02, &v, 1, 0), 0);
	n += tlv(body + n, 0xa4, tmp,
		 tlv(tmp, 0x18, (const uint8_t *)stime, 15, 0), 0);
	v = 0;
	n += tlv(body + n, 0xa5, tmp, tlv(tmp, 0x02, &v, 1, 0), 0);
	v = (uint8_t)code;
	n += tlv(body + n, 0xa6, tmp, tlv(tmp, 0x02, &v, 1, 0), 0);
	n += tlv(body + n, 0xa9, tmp,
		 tlv(tmp, 0x1b, (const uint8_t *)REALM, strlen(REALM), 0), 0);
	/* sname krbtgt/REALM: { [0] name-type 2, [1] SEQUENCE OF string } */
	v = 2;
	m = tlv(tmp, 0xa0, tmp2, tlv(tmp2, 0x02, &v, 1, 0), 0);
	k = tlv(tmp2, 0x1b, (const uint8_t *)"krbtgt", 6, 0);
	k += tlv(tmp2 + k, 0x1b, (const uint8_t *)REALM, strlen(REALM), 0);
	k = tlv(md, 0x30, tmp2, k, 0);
	m += tlv(tmp + m, 0xa1, md, k, 0);
	k = tlv(tmp2, 0x30, tmp, m, 0);
	n += tlv(body + n, 0xaa, tmp2, k, 0);
	if (with_edata) {
		k = method_data(md, true, samba_pw_salt, 12, 0);
		m = tlv(tmp, 0x04, md, k, 0);
		n += tlv(body + n, 0xac, tmp, m, 0);
	}
	m = tlv(tmp, 0x30, body, n, 0);
	return tlv(out, 0x7e, tmp, m, 0);
}

static bool read_full(int fd, uint8_t *b, size_t len)
{
	while (len > 0) {
		ssize_t n = read(fd, b, len);

		if (n <= 0)
			return false;
		b += n;
		len -= (size_t)n;
	}
	return true;
}

/* Serve connections until the listening socket is shut down. */
static void *fake_kdc_main(void *arg)
{
	struct fake_kdc *k = arg;
	uint8_t hdr[4], req[8192], rep[2048];
	size_t n;
	uint32_t len;
	int c;

	while ((c = accept(k->lfd, NULL, NULL)) >= 0) {
		if (!read_full(c, hdr, 4))
			goto next;
		len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		      (uint32_t)hdr[2] << 8 | hdr[3];
		if (len > sizeof(req) || !read_full(c, req, len))
			goto next;
		k->requests++;
		switch (k->mode) {
		case FAKE_SILENT:
			/* Wait for the client to give up. */
			while (read(c, req, sizeof(req)) > 0)
				;
			break;
		case FAKE_CLOSE:
			break;
		case FAKE_BADLEN:
			memcpy(rep, "\x7f\xff\xff\xff", 4);
			(void)!write(c, rep, 4);
			break;
		case FAKE_ERROR:
			n = krb_error(rep + 4, k->error_code, k->with_edata);
			rep[0] = 0;
			rep[1] = 0;
			rep[2] = (uint8_t)(n >> 8);
			rep[3] = (uint8_t)n;
			(void)!write(c, rep, n + 4);
			break;
		}
next:
		close(c);
	}
	return NULL;
}

static void fake_start(struct fake_kdc *k)
{
	struct sockaddr_in sin;
	int one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(88);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	k->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(k->lfd >= 0);
	setsockopt(k->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(k->lfd, (struct sockaddr *)&sin, sizeof(sin)),
			 0);
	assert_int_equal(listen(k->lfd, 8), 0);
	assert_int_equal(pthread_create(&k->thread, NULL, fake_kdc_main, k),
			 0);
}

static void fake_stop(struct fake_kdc *k)
{
	shutdown(k->lfd, SHUT_RDWR);
	pthread_join(k->thread, NULL);
	close(k->lfd);
}

/*
 * A private network namespace with only lo up, so that 127.0.0.1:88 is
 * ours and nothing leaves the process.  Needs root (CAP_SYS_ADMIN).
 */
static int probe_setup(void **state)
{
	struct ifreq ifr;
	int s;

	if (unshare(CLONE_NEWNET) != 0)
		return 0;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) == 0)
			netns_ready = true;
	}
	close(s);
	return 0;
}

struct probe_keys {
	struct sc_secret *k[2];
	struct sc_key keys[2];
};

static void make_keys(TALLOC_CTX *t, struct probe_keys *pk)
{
	static const uint8_t k256[32] = { 1 }, k128[16] = { 2 };

	pk->k[0] = sc_secret_new(t, k256, sizeof(k256));
	pk->k[1] = sc_secret_new(t, k128, sizeof(k128));
	pk->keys[0].enctype = ENCTYPE_AES256_CTS_HMAC_SHA1_96;
	pk->keys[0].kvno = 7;
	pk->keys[0].key = pk->k[0];
	pk->keys[1].enctype = ENCTYPE_AES128_CTS_HMAC_SHA1_96;
	pk->keys[1].kvno = 7;
	pk->keys[1].key = pk->k[1];
}

static void test_probe_args(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_probe_opts o = { 1 };
	struct sc_dc dc = { "dc1.netchk.test", "dc1.netchk.test" };
	struct sc_attempt *a = NULL;
	struct sc_error *err = NULL;
	struct probe_keys pk;

	make_keys(t, &pk);
	assert_int_equal(sc_probe_krb5(t, &o, &dc, REALM, ACCOUNT, pk.keys,
				       2, &a, NULL, &err), SC_EINVAL);
	assert_null(a);
	assert_non_null(strstr(err->message, "dc1.netchk.test"));
	dc.address = "127.0.0.1";
	assert_int_equal(sc_probe_krb5(t, &o, &dc, REALM, ACCOUNT, pk.keys,
				       0, &a, NULL, &err), SC_EINVAL);
	assert_int_equal(sc_probe_krb5(t, &o, &dc, "", ACCOUNT, pk.keys,
				       2, &a, NULL, &err), SC_EINVAL);
	assert_int_equal(sc_probe_krb5(t, &o, NULL, REALM, ACCOUNT, pk.keys,
				       2, &a, NULL, &err), SC_EINVAL);
	assert_null(a);
	talloc_free(t);
}

static struct sc_attempt *probe_once(TALLOC_CTX *t, int timeout,
				     const char **ccache)
{
	struct sc_probe_opts o = { timeout };
	struct sc_dc dc = { "dc1.netchk.test", "127.0.0.1" };
	struct sc_attempt *a = NULL;
	struct sc_error *err = NULL;
	struct probe_keys pk;

	make_keys(t, &pk);
	assert_int_equal(sc_probe_krb5(t, &o, &dc, REALM, ACCOUNT, pk.keys,
				       2, &a, ccache, &err), SC_OK);
	assert_non_null(a);
	assert_int_equal(a->path, SC_PATH_KERBEROS);
	assert_int_equal(a->kvno, 7);
	assert_int_equal(strlen(a->fingerprint), 16);
	assert_non_null(a->detail);
	assert_null(strchr(a->detail, '\n'));
	return a;
}

static void test_probe_refused(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_attempt *a;

	if (!netns_ready)
		skip();
	a = probe_once(t, 5, NULL);
	assert_int_equal(a->outcome, SC_OUTCOME_UNREACHABLE);
	assert_true(a->has_krb5);
	assert_int_equal(a->krb5_code, KRB5_KDC_UNREACH);
	assert_false(a->has_ntstatus);
	assert_true(a->seconds < 1.0);
	assert_non_null(strstr(a->detail, "127.0.0.1"));
	talloc_free(t);
}

static void test_probe_timeout(void **state)
{
	struct fake_kdc k = { .mode = FAKE_SILENT };
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_attempt *a;

	if (!netns_ready)
		skip();
	fake_start(&k);
	a = probe_once(t, 1, NULL);
	fake_stop(&k);
	assert_int_equal(a->outcome, SC_OUTCOME_UNREACHABLE);
	assert_true(a->seconds >= 0.95 && a->seconds < 1.5);
	assert_non_null(strstr(a->detail, "within 1 s"));
	assert_int_equal(k.requests, 1);
	talloc_free(t);
}

static void test_probe_closed(void **state)
{
	struct fake_kdc k = { .mode = FAKE_CLOSE };
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_attempt *a;

	if (!netns_ready)
		skip();
	fake_start(&k);
	a = probe_once(t, 5, NULL);
	assert_int_equal(a->outcome, SC_OUTCOME_UNREACHABLE);
	k.mode = FAKE_BADLEN;
	a = probe_once(t, 5, NULL);
	assert_int_equal(a->outcome, SC_OUTCOME_UNREACHABLE);
	assert_non_null(strstr(a->detail, "malformed"));
	fake_stop(&k);
	talloc_free(t);
}

static void test_probe_kdc_errors(void **state)
{
	struct fake_kdc k = { .mode = FAKE_ERROR };
	TALLOC_CTX *t = talloc_new(NULL);
	const char *cc = "untouched";
	struct sc_attempt *a;
	char fp[17];

	if (!netns_ready)
		skip();
	fake_start(&k);
	k.error_code = 18;		/* KDC_ERR_CLIENT_REVOKED */
	k.with_edata = true;
	a = probe_once(t, 5, &cc);
	assert_int_equal(a->outcome, SC_OUTCOME_REJECTED);
	assert_true(a->has_krb5);
	assert_int_equal(a->krb5_code, KRB5KDC_ERR_CLIENT_REVOKED);
	assert_true(a->has_ntstatus);
	assert_int_equal(a->ntstatus, 0xC0000072);
	assert_null(cc);
	assert_non_null(strstr(a->detail, "KDC_ERR_CLIENT_REVOKED"));
	memcpy(fp, a->fingerprint, sizeof(fp));

	k.error_code = 6;		/* KDC_ERR_C_PRINCIPAL_UNKNOWN */
	k.with_edata = false;
	a = probe_once(t, 5, NULL);
	assert_int_equal(a->outcome, SC_OUTCOME_REJECTED);
	assert_int_equal(a->krb5_code, KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN);
	assert_false(a->has_ntstatus);
	assert_string_equal(a->fingerprint, fp);	/* same keys */

	k.error_code = 37;		/* KRB_AP_ERR_SKEW */
	a = probe_once(t, 5, NULL);
	assert_int_equal(a->outcome, SC_OUTCOME_REJECTED);
	assert_int_equal(a->krb5_code, KRB5KRB_AP_ERR_SKEW);
	fake_stop(&k);
	talloc_free(t);
}

/* The fingerprint depends on the key set, not on its order. */
static void test_probe_fingerprint(void **state)
{
	TALLOC_CTX *t = talloc_new(NULL);
	struct sc_probe_opts o = { 1 };
	struct sc_dc dc = { "x", "127.0.0.1" };
	struct sc_attempt *a = NULL, *b = NULL;
	struct probe_keys pk;
	struct sc_key swapped[2];

	if (!netns_ready)
		skip();
	make_keys(t, &pk);
	swapped[0] = pk.keys[1];
	swapped[1] = pk.keys[0];
	assert_int_equal(sc_probe_krb5(t, &o, &dc, REALM, ACCOUNT, pk.keys,
				       2, &a, NULL, NULL), SC_OK);
	assert_int_equal(sc_probe_krb5(t, &o, &dc, REALM, ACCOUNT, swapped,
				       2, &b, NULL, NULL), SC_OK);
	assert_string_equal(a->fingerprint, b->fingerprint);
	assert_int_equal(sc_probe_krb5(t, &o, &dc, REALM, ACCOUNT, pk.keys,
				       1, &b, NULL, NULL), SC_OK);
	assert_string_not_equal(a->fingerprint, b->fingerprint);
	talloc_free(t);
}

int main(void)
{
	const struct CMUnitTest edata[] = {
		cmocka_unit_test(test_machine_principal),
		cmocka_unit_test(test_edata_samba_disabled),
		cmocka_unit_test(test_edata_etype_info2_only),
		cmocka_unit_test(test_edata_empty),
		cmocka_unit_test(test_edata_truncated),
		cmocka_unit_test(test_edata_wrong_length),
		cmocka_unit_test(test_edata_long_form),
		cmocka_unit_test(test_edata_malformed),
		cmocka_unit_test(test_salt),
	};
	const struct CMUnitTest keytab[] = {
		cmocka_unit_test(test_keytab_load),
		cmocka_unit_test(test_keytab_errors),
		cmocka_unit_test(test_keytab_empty),
		cmocka_unit_test(test_keytab_v1),
		cmocka_unit_test(test_keytab_truncated),
		cmocka_unit_test(test_keytab_eacces),
		cmocka_unit_test(test_keytab_compare),
	};
	const struct CMUnitTest probe[] = {
		cmocka_unit_test(test_probe_args),
		cmocka_unit_test(test_probe_refused),
		cmocka_unit_test(test_probe_timeout),
		cmocka_unit_test(test_probe_closed),
		cmocka_unit_test(test_probe_kdc_errors),
		cmocka_unit_test(test_probe_fingerprint),
	};
	int failed = 0;

	/* Hermetic: no host krb5.conf or keytab settings leak in. */
	setenv("KRB5_CONFIG", "/dev/null", 1);
	unsetenv("KRB5_KTNAME");
	failed += cmocka_run_group_tests_name("edata", edata, NULL, NULL);
	failed += cmocka_run_group_tests_name("keytab", keytab, kt_setup,
					      kt_teardown);
	failed += cmocka_run_group_tests_name("probe", probe, probe_setup,
					      NULL);
	return failed;
}
