/*
 * Unit tests: secrets.tdb reader and the lockout state file
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <tdb.h>
#include "sc-private.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/netchk-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/secrets.tdb", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void store(struct tdb_context *tdb, const char *k, const void *v,
		  size_t len)
{
	TDB_DATA key = { (unsigned char *)k, strlen(k) };
	TDB_DATA val = { (unsigned char *)v, len };

	assert_int_equal(tdb_store(tdb, key, val, TDB_REPLACE), 0);
}

/* Build a secrets.tdb the way Samba lays it out. */
static void make_secrets(const char *path, bool with_prev)
{
	struct tdb_context *tdb = tdb_open(path, 0, TDB_DEFAULT,
					   O_RDWR | O_CREAT, 0600);
	const char pw[] = "p\xc3\xa4sswort-current";	/* UTF-8, with NUL */
	const char prev[] = "previous-one";
	uint8_t t[4] = { 0x00, 0xe1, 0xf5, 0x05 };	/* 100000000 */
	uint8_t ch[4] = { 2, 0, 0, 0 };
	uint8_t sid[68] = { 1, 4, 0, 0, 0, 0, 0, 5 };
	uint32_t subs[4] = { 21, 1, 2, 3 };

	assert_non_null(tdb);
	memcpy(sid + 8, subs, sizeof(subs));
	store(tdb, "SECRETS/MACHINE_PASSWORD/NETCHK", pw, sizeof(pw));
	if (with_prev)
		store(tdb, "SECRETS/MACHINE_PASSWORD.PREV/NETCHK", prev,
		      sizeof(prev));
	store(tdb, "SECRETS/MACHINE_LAST_CHANGE_TIME/NETCHK", t, 4);
	store(tdb, "SECRETS/MACHINE_SEC_CHANNEL_TYPE/NETCHK", ch, 4);
	store(tdb, "SECRETS/SID/NETCHK", sid, sizeof(sid));
	tdb_close(tdb);
}

static void test_load_full(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secrets *s = NULL;
	struct sc_error *err = NULL;

	make_secrets(f->path, true);
	assert_int_equal(sc_secrets_load(mem, f->path, "NETCHK", &s, &err),
			 SC_OK);
	assert_non_null(s->current);
	assert_int_equal(s->current->len, strlen("p\xc3\xa4sswort-current"));
	assert_memory_equal(s->current->data, "p\xc3\xa4sswort-current",
			    s->current->len);
	assert_non_null(s->previous);
	assert_true(s->have_last_change);
	assert_int_equal(s->last_change, 100000000);
	assert_int_equal(s->sec_channel_type, 2);
	assert_string_equal(s->domain_sid, "S-1-5-21-1-2-3");
	assert_null(s->domain_guid);
	talloc_free(mem);
}

static void test_other_workgroup(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secrets *s = NULL;

	make_secrets(f->path, false);
	assert_int_equal(sc_secrets_load(mem, f->path, "OTHER", &s, NULL),
			 SC_OK);
	assert_null(s->current);
	assert_null(s->previous);
	assert_false(s->have_last_change);
	talloc_free(mem);
}

static void test_missing(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secrets *s = NULL;
	struct sc_error *err = NULL;

	assert_int_equal(sc_secrets_load(mem, f->path, "NETCHK", &s, &err),
			 SC_ENOENT);
	assert_null(s);
	assert_non_null(strstr(err->message, f->path));
	talloc_free(mem);
}

static void test_garbage(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secrets *s = NULL;
	struct sc_error *err = NULL;
	FILE *fp = fopen(f->path, "w");

	fputs("this is not a tdb file at all, just some text\n", fp);
	fclose(fp);
	assert_int_equal(sc_secrets_load(mem, f->path, "NETCHK", &s, &err),
			 SC_EFORMAT);
	assert_null(s);
	talloc_free(mem);
}

/* Every truncation of a real file fails cleanly or reads a whole record. */
static void test_truncated(void **state)
{
	struct fixture *f = *state;
	struct stat st;
	char cut[160];

	make_secrets(f->path, true);
	assert_int_equal(stat(f->path, &st), 0);
	snprintf(cut, sizeof(cut), "%s.cut", f->path);
	for (off_t n = 0; n < st.st_size; n += 97) {
		TALLOC_CTX *mem = talloc_new(NULL);
		struct sc_secrets *s = NULL;
		char cmd[400];
		enum sc_rc rc;

		snprintf(cmd, sizeof(cmd), "head -c %lld '%s' > '%s'",
			 (long long)n, f->path, cut);
		assert_int_equal(system(cmd), 0);
		rc = sc_secrets_load(mem, cut, "NETCHK", &s, NULL);
		assert_true(rc == SC_EFORMAT || rc == SC_OK);
		if (rc == SC_OK && s->current != NULL)
			assert_int_equal(s->current->len,
				strlen("p\xc3\xa4sswort-current"));
		talloc_free(mem);
	}
}

static void test_malformed_password(void **state)
{
	struct fixture *f = *state;
	struct tdb_context *tdb = tdb_open(f->path, 0, TDB_DEFAULT,
					   O_RDWR | O_CREAT, 0600);
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_secrets *s = NULL;
	struct sc_error *err = NULL;

	store(tdb, "SECRETS/MACHINE_PASSWORD/NETCHK", "nonul", 5);
	tdb_close(tdb);
	assert_int_equal(sc_secrets_load(mem, f->path, "NETCHK", &s, &err),
			 SC_EFORMAT);
	assert_non_null(strstr(err->message, "malformed"));
	talloc_free(mem);
}

static void test_secret_wiped_and_no_leak(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t before = talloc_total_size(mem);
	struct sc_secret *s = sc_secret_new(mem, "abc", 3);

	assert_non_null(s);
	assert_memory_equal(s->data, "abc", 3);
	talloc_free(s);
	assert_int_equal(talloc_total_size(mem), before);
	talloc_free(mem);
}

static void test_state_roundtrip(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_state *st = NULL, *st2 = NULL;
	struct sc_attempt a = { 0 };
	char path[160];
	struct stat sb;
	const struct sci_reject *r;

	assert_int_equal(sci_state_load(mem, f->dir, 1.0, NULL, &st, NULL), SC_OK);
	assert_int_equal(st->count, 0);
	a.path = SC_PATH_KERBEROS;
	a.outcome = SC_OUTCOME_REJECTED;
	a.has_krb5 = true;
	a.krb5_code = -1765328360;
	strcpy(a.fingerprint, "0123456789abcdef");
	sci_state_record(st, "NETCHK.TEST", "dc1.netchk.test", &a);
	sci_state_record(st, "NETCHK.TEST", "dc1.netchk.test", &a);
	assert_int_equal(st->count, 1);
	assert_int_equal(sci_state_save(st, NULL), SC_OK);

	snprintf(path, sizeof(path), "%s/rejected-secrets", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	talloc_free(st);	/* unlocks */
	assert_int_equal(sci_state_load(mem, f->dir, 1.0, NULL, &st2, NULL), SC_OK);
	r = sci_state_find(st2, "netchk.test", "DC1.netchk.test",
			   SC_PATH_KERBEROS, "0123456789abcdef");
	assert_non_null(r);
	assert_true(r->has_krb5);
	assert_int_equal(r->krb5_code, -1765328360);
	assert_false(r->has_ntstatus);
	assert_null(sci_state_find(st2, "NETCHK.TEST", "dc1.netchk.test",
				   SC_PATH_NETLOGON, "0123456789abcdef"));

	/* accepted later: forgotten */
	a.outcome = SC_OUTCOME_ACCEPTED;
	sci_state_record(st2, "NETCHK.TEST", "dc1.netchk.test", &a);
	assert_int_equal(st2->count, 0);
	talloc_free(mem);
}

static void test_state_garbage_lines(void **state)
{
	struct fixture *f = *state;
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_state *st = NULL;
	char path[160];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/rejected-secrets", f->dir);
	fp = fopen(path, "w");
	fputs("garbage\nv1\tR\tD\tnetlogon\tshort\t-\t-\t1\n"
	      "v1\tR\tD\tnetlogon\t0123456789abcdef\tc0000022\t-\t5\n"
	      "v1\tR\tD\tsmtp\t0123456789abcdef\t-\t-\t5\n", fp);
	fclose(fp);
	assert_int_equal(sci_state_load(mem, f->dir, 1.0, NULL, &st, NULL), SC_OK);
	assert_int_equal(st->count, 1);
	assert_int_equal(st->rejects[0].ntstatus, 0xC0000022);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_workgroup, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malformed_password, setup,
						teardown),
		cmocka_unit_test(test_secret_wiped_and_no_leak),
		cmocka_unit_test_setup_teardown(test_state_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_state_garbage_lines,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
