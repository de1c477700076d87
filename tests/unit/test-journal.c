/*
 * Unit tests for the pending-change journal (store-journal.c) and the
 * keytab-only keep rule (reset.c): the journal records what authenticated
 * the change and reads it back; a v1 journal of an older netchk (no auth
 * line) or an unknown credential says nothing; the file is 0600.  A run
 * finishing a journalled change on a keytab-only host keeps the previous
 * kvno only when the keytab's keys of that kvno authenticated it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "reset-private.h"

/* A journal path in a new directory; done() removes both. */
static char *journal_in_tmp(TALLOC_CTX *mem)
{
	char *d = talloc_strdup(mem, "/tmp/test-journal.XXXXXX");

	assert_non_null(mkdtemp(d));
	return sci_journal_path(mem, d, "NETCHK.TEST");
}

static void done(char *path)
{
	assert_int_equal(unlink(path), 0);
	*strrchr(path, '/') = '\0';
	assert_int_equal(rmdir(path), 0);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
}

static struct sci_journal *load(TALLOC_CTX *mem, const char *path)
{
	struct sci_journal *j = NULL;
	struct sc_error *e = NULL;

	assert_int_equal(sci_journal_load(mem, path, &j, &e), SC_OK);
	return j;
}

static void test_auth_round_trip(void **state)
{
	static const enum sc_plan_cred creds[] = {
		SC_PLAN_CRED_CURRENT, SC_PLAN_CRED_PREVIOUS,
		SC_PLAN_CRED_KEYTAB, SC_PLAN_CRED_ADMIN, SC_PLAN_CRED_NONE,
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	char *path = journal_in_tmp(mem);
	struct sc_error *e = NULL;
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(creds) / sizeof(creds[0]); i++) {
		struct sci_journal in = {
			.dc = "dc1.netchk.test", .account = "MEMBER2$",
			.when = 1764568800, .auth = creds[i],
			.auth_kvno = creds[i] == SC_PLAN_CRED_KEYTAB ? 7 : 0,
			.password = sc_secret_new(mem, "Pw\n \x01\xff", 6),
		};
		struct sci_journal *out;

		assert_int_equal(sci_journal_save(mem, path, &in, &e), SC_OK);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		out = load(mem, path);
		assert_string_equal(out->dc, "dc1.netchk.test");
		assert_string_equal(out->account, "MEMBER2$");
		assert_int_equal(out->when, 1764568800);
		assert_int_equal(out->auth, creds[i]);
		assert_int_equal(out->auth_kvno, in.auth_kvno);
		assert_int_equal(out->password->len, 6);
		assert_memory_equal(out->password->data, "Pw\n \x01\xff", 6);
	}
	done(path);
	talloc_free(mem);
}

/* An older netchk's journal, and auth lines this one cannot use. */
static void test_auth_unknown(void **state)
{
	static const char *const lines[] = {
		"",				/* v1 without auth */
		"auth keytab\n",		/* no kvno: kvno 0 */
		"auth pkinit 3\n",		/* a future credential */
		"auth keytab 3x\n",
		"auth keytab 99999999999\n",
		"auth keytabs 3\n",
		"auth \n",
	};
	static const enum sc_plan_cred want[] = {
		SC_PLAN_CRED_NONE, SC_PLAN_CRED_KEYTAB, SC_PLAN_CRED_NONE,
		SC_PLAN_CRED_NONE, SC_PLAN_CRED_NONE, SC_PLAN_CRED_NONE,
		SC_PLAN_CRED_NONE,
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	char *path = journal_in_tmp(mem);

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct sci_journal *j;

		write_text(path, talloc_asprintf(mem, "netchk-pending v1\n"
			"dc dc1.netchk.test\naccount MEMBER2$\nwhen 1\n%s"
			"password 4142\n", lines[i]));
		j = load(mem, path);
		assert_int_equal(j->auth, want[i]);
		assert_int_equal(j->auth_kvno, 0);
		assert_int_equal(j->password->len, 2);
	}
	done(path);
	talloc_free(mem);
}

static struct sc_keytab *keytab(TALLOC_CTX *mem, const uint32_t *kvnos,
				size_t n)
{
	struct sc_keytab *kt = talloc_zero(mem, struct sc_keytab);

	kt->entries = talloc_zero_array(kt, struct sc_keytab_entry, n);
	kt->count = n;
	for (size_t i = 0; i < n; i++) {
		kt->entries[i].principal = "MEMBER2$@NETCHK.TEST";
		kt->entries[i].kvno = kvnos[i];
	}
	return kt;
}

static void test_keytab_only_keep(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const uint32_t before[] = { 2, 2, 1 };
	const uint32_t written[] = { 3, 2, 3 };	/* killed after keytab */
	const uint32_t gap[] = { 1 };
	const uint32_t ahead[] = { 2, 5 };
	struct sc_keytab *kt = keytab(mem, before, 3);

	(void)state;
	/* the change was made with kvno 2's keys: kept */
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_KEYTAB, 2, 3),
			 2);
	assert_int_equal(sci_keytab_only_keep(keytab(mem, written, 3),
					      SC_PLAN_CRED_KEYTAB, 2, 3), 2);
	/* an administrator's set, or not recorded: rejected keys go */
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_ADMIN, 0, 3),
			 0);
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_ADMIN, 2, 3),
			 0);
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_CURRENT, 2, 3),
			 0);
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_NONE, 0, 3),
			 0);
	/* other keys authenticated it, or the DC's kvno jumped */
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_KEYTAB, 1, 3),
			 0);
	assert_int_equal(sci_keytab_only_keep(kt, SC_PLAN_CRED_KEYTAB, 2, 4),
			 0);
	/* the keytab no longer holds kvno 2, or holds a newer one */
	assert_int_equal(sci_keytab_only_keep(keytab(mem, gap, 1),
					      SC_PLAN_CRED_KEYTAB, 2, 3), 0);
	assert_int_equal(sci_keytab_only_keep(keytab(mem, ahead, 2),
					      SC_PLAN_CRED_KEYTAB, 2, 3), 0);
	assert_int_equal(sci_keytab_only_keep(NULL, SC_PLAN_CRED_KEYTAB, 0,
					      1), 0);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_round_trip),
		cmocka_unit_test(test_auth_unknown),
		cmocka_unit_test(test_keytab_only_keep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
