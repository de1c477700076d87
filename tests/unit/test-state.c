/*
 * Unit tests for the lockout memory (store-state.c): a rejection carries
 * the account's kvno / pwdLastSet as the rejecting DC showed them, and is
 * forgotten when that DC's copy of the account changes; v1 files (without
 * the stamp) are still read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

	assert_int_equal(sci_state_load(mem, dir, &st, NULL), SC_OK);
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
	assert_int_equal(sci_state_load(mem, dir, &back, NULL), SC_OK);
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

static void test_v1_file(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *dir = tmpdir(mem);
	char *path = talloc_asprintf(mem, "%s/rejected-secrets", dir);
	struct sci_state *st = NULL;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "v1\t" REALM "\tdc1.netchk.test\tnetlogon\t"
		"00112233445566aa\tc0000022\t-\t1700000000\n"
		"v2\t" REALM "\tdc2.netchk.test\tkerberos\t"
		"00112233445566bb\t-\t-1765328360\t1700000000\t4\t1699999999\n"
		"v2\tbroken line\n");
	fclose(f);
	assert_int_equal(sci_state_load(mem, dir, &st, NULL), SC_OK);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_and_forget),
		cmocka_unit_test(test_v1_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
