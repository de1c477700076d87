/*
 * Unit tests for the lockout memory (store-state.c): a rejection carries
 * the account's kvno / pwdLastSet as the rejecting DC showed them, and is
 * forgotten when that DC's copy of the account changes; v1 files (without
 * the stamp) are still read.  Only wrong-secret answers are remembered; a
 * remembered one is presented again after the lockout observation
 * window, at most one per window; the memory is locked while loaded and
 * its directory kept 0700.
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
#include <krb5/krb5.h>
#include "sc-private.h"

#define REALM "NETCHK.TEST"

static struct sc_attempt rejected(enum sc_path path, const char *fp)
{
	struct sc_attempt a = { .path = path,
				.outcome = SC_OUTCOME_REJECTED };

	if (path == SC_PATH_KERBEROS) {
		a.has_krb5 = true;
		a.krb5_code = KRB5KDC_ERR_PREAUTH_FAILED;
	} else {
		a.has_ntstatus = true;
		a.ntstatus = 0xC0000022;
	}
	snprintf(a.fingerprint, sizeof(a.fingerprint), "%s", fp);
	return a;
}

static char *tmpdir(TALLOC_CTX *mem)
{
	char *d = talloc_strdup(mem, "/tmp/test-state.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void cleanup(const char *dir)
{
	char *cmd = talloc_asprintf(NULL, "rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	talloc_free(cmd);
}

static void test_stamp_and_forget(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = tmpdir(mem);
	struct sci_state *st = NULL, *back = NULL;
	struct sc_attempt nl = rejected(SC_PATH_NETLOGON, "00112233445566aa");
	struct sc_attempt kr = rejected(SC_PATH_KERBEROS, "00112233445566bb");
	struct sc_attempt other = rejected(SC_PATH_NETLOGON,
					   "00112233445566cc");

	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &st, NULL), SC_OK);
	sci_state_record(st, REALM, "dc2.netchk.test", &nl);
	sci_state_record(st, REALM, "dc2.netchk.test", &kr);
	sci_state_record(st, REALM, "dc1.netchk.test", &other);
	assert_false(sci_state_has_stamped(st, REALM, "dc2.netchk.test"));
	/* the LDAP read of this run: dc2 holds kvno 1 */
	sci_state_stamp(st, REALM, "dc2.netchk.test", 1, 1700000000);
	assert_true(sci_state_has_stamped(st, REALM, "DC2.netchk.test"));
	assert_false(sci_state_has_stamped(st, REALM, "dc1.netchk.test"));
	assert_int_equal(sci_state_save(st, NULL), SC_OK);

	/* written down and read back with the stamp */
	talloc_free(st);	/* unlocks */
	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &back, NULL), SC_OK);
	assert_int_equal(back->count, 3);
	assert_non_null(sci_state_find(back, REALM, "dc2.netchk.test",
				       SC_PATH_NETLOGON, "00112233445566aa"));
	/* the same account on dc2: nothing forgotten */
	assert_int_equal(sci_state_forget_changed(back, REALM,
						  "dc2.netchk.test", 1,
						  1700000000), 0);
	/* replication arrived: kvno 2 -> both dc2 rejections go */
	assert_int_equal(sci_state_forget_changed(back, REALM,
						  "dc2.netchk.test", 2,
						  1700000500), 2);
	assert_null(sci_state_find(back, REALM, "dc2.netchk.test",
				   SC_PATH_NETLOGON, "00112233445566aa"));
	assert_null(sci_state_find(back, REALM, "dc2.netchk.test",
				   SC_PATH_KERBEROS, "00112233445566bb"));
	/* dc1's unstamped rejection stays whatever dc1 shows */
	assert_int_equal(sci_state_forget_changed(back, REALM,
						  "dc1.netchk.test", 9, 9), 0);
	assert_non_null(sci_state_find(back, REALM, "dc1.netchk.test",
				       SC_PATH_NETLOGON, "00112233445566cc"));
	/* a pwdLastSet change alone (same kvno) counts as a change too */
	sci_state_stamp(back, REALM, "dc1.netchk.test", 3, 100);
	assert_int_equal(sci_state_forget_changed(back, REALM,
						  "dc1.netchk.test", 3, 101),
			 1);
	assert_int_equal(back->count, 0);
	cleanup(dir);
	talloc_free(mem);
}

/* The memory of a state file holding text (in a new directory). */
static struct sci_state *load_text(TALLOC_CTX *mem, char **dir_out,
				   const char *text)
{
	char *dir = tmpdir(mem);
	char *path = talloc_asprintf(mem, "%s/rejected-secrets", dir);
	struct sci_state *st = NULL;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &st, NULL), SC_OK);
	*dir_out = dir;
	return st;
}

static void test_v1_file(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = NULL;
	struct sci_state *st = load_text(mem, &dir,
		"v1\t" REALM "\tdc1.netchk.test\tnetlogon\t"
		"00112233445566aa\tc0000022\t-\t1700000000\n"
		"v2\t" REALM "\tdc2.netchk.test\tkerberos\t"
		"00112233445566bb\t-\t-1765328360\t1700000000\t4\t1699999999\n"
		"v2\tbroken line\n");

	assert_int_equal(st->count, 2);
	assert_false(st->rejects[0].has_acct);
	assert_true(st->rejects[1].has_acct);
	assert_int_equal(st->rejects[1].acct_kvno, 4);
	assert_int_equal(st->rejects[1].acct_pwd_last_set, 1699999999);
	assert_false(sci_state_has_stamped(st, REALM, "dc1.netchk.test"));
	assert_true(sci_state_has_stamped(st, REALM, "dc2.netchk.test"));
	cleanup(dir);
	talloc_free(mem);
}

/* Answers about the account (or anything but the secret): not kept. */
static void test_only_wrong_secrets(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_state *st = NULL;
	struct sc_attempt a;
	const struct {
		enum sc_path path;
		bool has_nt;
		uint32_t nt;
		bool has_k5;
		int32_t k5;
		bool kept;
	} cases[] = {
		{ SC_PATH_KERBEROS, false, 0, true,
		  KRB5KDC_ERR_PREAUTH_FAILED, true },
		{ SC_PATH_KERBEROS, true, 0xC000006A, true,
		  KRB5KDC_ERR_PREAUTH_FAILED, true },
		{ SC_PATH_NETLOGON, true, 0xC0000022, false, 0, true },
		{ SC_PATH_NETLOGON, true, 0xC000006A, false, 0, true },
		/* disabled, deleted, locked out, KDC trouble, skew */
		{ SC_PATH_NETLOGON, true, 0xC000018B, false, 0, false },
		{ SC_PATH_KERBEROS, true, 0xC0000072, true,
		  KRB5KDC_ERR_CLIENT_REVOKED, false },
		{ SC_PATH_KERBEROS, true, 0xC0000234, true,
		  KRB5KDC_ERR_CLIENT_REVOKED, false },
		{ SC_PATH_KERBEROS, true, 0xC0000234, true,
		  KRB5KDC_ERR_PREAUTH_FAILED, false },
		{ SC_PATH_KERBEROS, false, 0, true,
		  KRB5KDC_ERR_SVC_UNAVAILABLE, false },
		{ SC_PATH_KERBEROS, false, 0, true,
		  KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, false },
		{ SC_PATH_KERBEROS, false, 0, true, KRB5KRB_AP_ERR_SKEW,
		  false },
		{ SC_PATH_NETLOGON, true, 0xC0000133, false, 0, false },
		{ SC_PATH_NETLOGON, true, 0xC000006D, false, 0, false },
	};

	assert_int_equal(sci_state_load(mem, NULL, 1.0, NULL, &st, NULL), SC_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&a, 0, sizeof(a));
		a.path = cases[i].path;
		a.outcome = SC_OUTCOME_REJECTED;
		a.has_ntstatus = cases[i].has_nt;
		a.ntstatus = cases[i].nt;
		a.has_krb5 = cases[i].has_k5;
		a.krb5_code = cases[i].k5;
		snprintf(a.fingerprint, sizeof(a.fingerprint), "%016zx", i);
		sci_state_record(st, REALM, "dc1.netchk.test", &a);
		assert_int_equal(sci_state_find(st, REALM, "dc1.netchk.test",
						a.path, a.fingerprint) != NULL,
				 cases[i].kept);
	}
	talloc_free(mem);
}

/* A file of an older netchk: its account answers are dropped on load. */
static void test_old_account_answers_dropped(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = NULL;
	struct sci_state *st = load_text(mem, &dir,
		"v2\t" REALM "\tdc1.netchk.test\tnetlogon\t"
		"00112233445566aa\tc000018b\t-\t1700000000\t-\t-\n"
		"v2\t" REALM "\tdc1.netchk.test\tkerberos\t"
		"00112233445566bb\tc0000072\t-1765328366\t1700000000\t-\t-\n"
		"v2\t" REALM "\tdc1.netchk.test\tkerberos\t"
		"00112233445566cc\t-\t-1765328360\t1700000000\t-\t-\n");

	assert_int_equal(st->count, 1);
	assert_string_equal(st->rejects[0].fingerprint, "00112233445566cc");
	cleanup(dir);
	talloc_free(mem);
}

/*
 * The window: a rejection younger than it is remembered; an older one is
 * presented again, one at a time, and only while no rejection of the
 * realm is younger than the window.
 */
static void test_window(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = tmpdir(mem);
	struct sci_state *st = NULL;
	struct sc_attempt nl = rejected(SC_PATH_NETLOGON, "00112233445566aa");
	struct sc_attempt kr = rejected(SC_PATH_KERBEROS, "00112233445566bb");
	const struct sci_reject *r = NULL;
	time_t now = time(NULL);

	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &st, NULL), SC_OK);
	assert_int_equal(sci_state_window(st, REALM), 1800);
	sci_state_record(st, REALM, "dc1.netchk.test", &nl);
	sci_state_record(st, REALM, "dc1.netchk.test", &kr);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_NETLOGON, nl.fingerprint,
					  now, &r), SCI_RECALL_REMEMBERED);
	assert_non_null(r);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_NETLOGON, "ffffffffffffffff",
					  now, &r), SCI_RECALL_NONE);
	/* 29 minutes later: still remembered */
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  now + 29 * 60, &r),
			 SCI_RECALL_REMEMBERED);
	/* 31 minutes later: one of them once more, not both at once */
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_NETLOGON, nl.fingerprint,
					  now + 31 * 60, &r), SCI_RECALL_RETRY);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  now + 31 * 60, &r),
			 SCI_RECALL_REMEMBERED);
	/* accepted (the DC was fixed): the next one may go too */
	nl.outcome = SC_OUTCOME_ACCEPTED;
	sci_state_record(st, REALM, "dc1.netchk.test", &nl);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  now + 31 * 60, &r), SCI_RECALL_RETRY);
	/* rejected again (now): remembered for another window */
	sci_state_record(st, REALM, "dc1.netchk.test", &kr);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  time(NULL) + 29 * 60, &r),
			 SCI_RECALL_REMEMBERED);
	/* a rejection of the realm younger than the window holds others */
	nl.outcome = SC_OUTCOME_REJECTED;
	st->rejects[0].when = now - 3600;
	sci_state_record(st, REALM, "dc2.netchk.test", &nl);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  now, &r), SCI_RECALL_REMEMBERED);

	/* the domain's window is kept with the memory; -1: never */
	sci_state_set_window(st, REALM, -1);
	assert_int_equal(sci_state_save(st, NULL), SC_OK);
	talloc_free(st);
	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &st, NULL), SC_OK);
	assert_int_equal(sci_state_window(st, REALM), -1);
	assert_int_equal(sci_state_window(st, "OTHER.TEST"), 1800);
	for (size_t i = 0; i < st->count; i++)
		st->rejects[i].when = now - 100 * 24 * 3600;
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  now, &r), SCI_RECALL_REMEMBERED);
	sci_state_set_window(st, REALM, 60);
	assert_int_equal(sci_state_recall(st, REALM, "dc1.netchk.test",
					  SC_PATH_KERBEROS, kr.fingerprint,
					  now, &r), SCI_RECALL_RETRY);
	cleanup(dir);
	talloc_free(mem);
}

/* One run at a time: a second load waits, then gives up with EBUSY. */
static void test_lock(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = tmpdir(mem);
	struct sci_state *st = NULL, *st2 = NULL;
	struct sc_error *err = NULL;

	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &st, NULL), SC_OK);
	assert_int_equal(sci_state_load(mem, dir, 0.2, NULL, &st2, &err), SC_EBUSY);
	assert_null(st2);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "rejected-secrets.lock"));
	talloc_free(st);
	assert_int_equal(sci_state_load(mem, dir, 0.2, NULL, &st2, NULL), SC_OK);
	cleanup(dir);
	talloc_free(mem);
}

/* The state directory is kept 0700, through a symlink too. */
static void test_dir_mode(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = tmpdir(mem);
	char *link = talloc_asprintf(mem, "%s/link", dir);
	struct sci_state *st = NULL;
	struct stat sb;

	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(sci_state_load(mem, dir, 1.0, NULL, &st, NULL), SC_OK);
	assert_non_null(st->path);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	talloc_free(st);
	assert_int_equal(chmod(dir, 0750), 0);
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(sci_state_load(mem, link, 1.0, NULL, &st, NULL), SC_OK);
	assert_non_null(st->path);
	assert_int_equal(stat(dir, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	cleanup(dir);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_and_forget),
		cmocka_unit_test(test_v1_file),
		cmocka_unit_test(test_only_wrong_secrets),
		cmocka_unit_test(test_old_account_answers_dropped),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_dir_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
