/*
 * Unit tests: the verdict rules, fed with the answers the lab DC gives in
 * each scenario (FIELD-NOTES 7), plus combinations the lab cannot make.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define ACCESS_DENIED	0xC0000022u
#define NO_TRUST	0xC000018Bu
#define DISABLED	0xC0000072u
#define REFUSED		0xC0000236u

struct world {
	struct sc_secret pw, prev;
	struct sc_secrets secrets;
	struct sc_keytab_entry entries[4];
	struct sc_keytab keytab;
	struct sc_attempt attempts[8];
	struct sc_ldap_result ldap;
	struct sc_dc_report rep;
};

/* A joined member: current password, keytab kvno 1 matching it. */
static void init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->pw.data = (uint8_t *)"x";
	w->pw.len = 1;
	w->secrets.current = &w->pw;
	w->entries[0].kvno = 1;
	w->entries[0].match = SC_KEY_MATCH_CURRENT;
	w->entries[0].principal = "MEMBER1$@NETCHK.TEST";
	w->keytab.entries = w->entries;
	w->keytab.count = 1;
	w->rep.dc.name = "dc1.netchk.test";
	w->rep.attempts = w->attempts;
	w->rep.path_run[SC_PATH_NETLOGON] = true;
	w->rep.path_run[SC_PATH_KERBEROS] = true;
}

static void nl(struct world *w, enum sc_cand c, enum sc_outcome o,
	       uint32_t nt)
{
	struct sc_attempt *a = &w->attempts[w->rep.attempt_count++];

	a->path = SC_PATH_NETLOGON;
	a->cand = c;
	a->outcome = o;
	a->has_ntstatus = true;
	a->ntstatus = nt;
}

static void kr(struct world *w, uint32_t kvno, enum sc_outcome o,
	       int32_t code, bool has_nt, uint32_t nt)
{
	struct sc_attempt *a = &w->attempts[w->rep.attempt_count++];

	a->path = SC_PATH_KERBEROS;
	a->cand = SC_CAND_KEYTAB;
	a->kvno = kvno;
	a->outcome = o;
	a->has_krb5 = code != 0;
	a->krb5_code = code;
	a->has_ntstatus = has_nt;
	a->ntstatus = nt;
}

/* LDAP bound as the machine: an enabled account at kvno. */
static void ldap_kvno(struct world *w, uint32_t kvno)
{
	w->ldap.reached = w->ldap.bound = w->ldap.account.found = true;
	w->ldap.account.uac = 0x1000;
	w->ldap.account.has_kvno = true;
	w->ldap.account.kvno = kvno;
	w->rep.ldap = &w->ldap;
}

static struct sc_verdict run(struct world *w)
{
	return sc_verdict_compute(&w->rep, &w->secrets, &w->keytab);
}

static void expect(struct world *w, enum sc_health h, enum sc_diag d,
		   enum sc_repair r)
{
	struct sc_verdict v = run(w);

	assert_string_equal(sc_diag_name(v.diag), sc_diag_name(d));
	assert_int_equal(v.health, h);
	assert_int_equal(v.repair, r);
	assert_string_equal(v.dc, "dc1.netchk.test");
}

static void test_healthy(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_ACCEPTED, 0, false, 0);
	expect(&w, SC_HEALTH_OK, SC_DIAG_HEALTHY, SC_REPAIR_NONE);
}

static void test_dc_password_changed(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, ACCESS_DENIED);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KDC_ERR_PREAUTH_FAILED, false, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_ALL_REJECTED,
	       SC_REPAIR_ADMIN_RESET);
}

static void test_deleted(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, NO_TRUST);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN,
	   false, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_DELETED,
	       SC_REPAIR_REJOIN);
}

static void test_disabled(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, NO_TRUST);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KDC_ERR_CLIENT_REVOKED, true,
	   DISABLED);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_DISABLED,
	       SC_REPAIR_ENABLE_ACCOUNT);
}

/* Netlogon alone cannot tell deleted from disabled. */
static void test_gone_netlogon_only(void **state)
{
	struct world w;

	init(&w);
	w.rep.path_run[SC_PATH_KERBEROS] = false;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, NO_TRUST);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_GONE, SC_REPAIR_REJOIN);
}

static void test_disabled_from_ldap(void **state)
{
	struct world w;

	init(&w);
	w.rep.path_run[SC_PATH_KERBEROS] = false;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, NO_TRUST);
	w.ldap.reached = w.ldap.bound = w.ldap.account.found = true;
	w.ldap.account.uac = 0x1002;
	w.rep.ldap = &w.ldap;
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_ACCOUNT_DISABLED,
	       SC_REPAIR_ENABLE_ACCOUNT);
}

static void test_dc_down(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_UNREACHABLE, REFUSED);
	kr(&w, 1, SC_OUTCOME_UNREACHABLE, KRB5_KDC_UNREACH, false, 0);
	expect(&w, SC_HEALTH_UNKNOWN, SC_DIAG_DC_UNREACHABLE,
	       SC_REPAIR_FIX_NETWORK);
}

/* Scenario f: netlogon OK, keytab one kvno behind. */
static void test_stale_keytab(void **state)
{
	struct world w;

	init(&w);
	w.entries[0].match = SC_KEY_MATCH_PREVIOUS;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KDC_ERR_PREAUTH_FAILED, false, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_STALE,
	       SC_REPAIR_REWRITE_KEYTAB);
}

/* Keys right, but the kvno the DC has is not in the keytab. */
static void test_keytab_wrong_kvno(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_ACCEPTED, 0, false, 0);
	ldap_kvno(&w, 2);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_STALE,
	       SC_REPAIR_REWRITE_KEYTAB);
	w.ldap.account.kvno = 1;
	expect(&w, SC_HEALTH_OK, SC_DIAG_HEALTHY, SC_REPAIR_NONE);
}

/* Scenario g: secrets.tdb restored from backup, keytab current. */
static void test_stale_secrets(void **state)
{
	struct world w;

	init(&w);
	w.entries[0].kvno = 2;
	w.entries[0].match = SC_KEY_MATCH_NONE;
	w.entries[1] = w.entries[0];
	w.entries[1].kvno = 1;
	w.entries[1].match = SC_KEY_MATCH_CURRENT;
	w.keytab.count = 2;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, ACCESS_DENIED);
	kr(&w, 2, SC_OUTCOME_ACCEPTED, 0, false, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_SECRETS_STALE,
	       SC_REPAIR_CHANGE_PASSWORD);
}

static void test_previous_only(void **state)
{
	struct world w;

	init(&w);
	w.prev.data = (uint8_t *)"y";
	w.prev.len = 1;
	w.secrets.previous = &w.prev;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_REJECTED, ACCESS_DENIED);
	nl(&w, SC_CAND_PREVIOUS, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KDC_ERR_PREAUTH_FAILED, false, 0);
	expect(&w, SC_HEALTH_WARNING, SC_DIAG_PREVIOUS_ONLY,
	       SC_REPAIR_CHANGE_PASSWORD);
}

/* A skew is diagnosed as time, never as a bad password. */
static void test_skew(void **state)
{
	struct world w;

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KRB_AP_ERR_SKEW, false, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_CLOCK_SKEW, SC_REPAIR_FIX_TIME);

	/* MIT itself may notice: the KDC reply is outside our clockskew */
	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5_KDCREP_SKEW, false, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_CLOCK_SKEW, SC_REPAIR_FIX_TIME);

	/* the host's own limit: 120 s makes 150 s a skew */
	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_ACCEPTED, 0, false, 0);
	w.ldap.reached = w.ldap.have_time = true;
	w.ldap.clock_offset = 150;
	w.rep.ldap = &w.ldap;
	expect(&w, SC_HEALTH_OK, SC_DIAG_HEALTHY, SC_REPAIR_NONE);
	w.rep.max_skew = 120;
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_CLOCK_SKEW, SC_REPAIR_FIX_TIME);

	init(&w);
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_ACCEPTED, 0, false, 0);
	w.ldap.reached = w.ldap.have_time = true;
	w.ldap.clock_offset = -600;
	w.rep.ldap = &w.ldap;
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_CLOCK_SKEW, SC_REPAIR_FIX_TIME);
	w.ldap.clock_offset = 299;
	expect(&w, SC_HEALTH_OK, SC_DIAG_HEALTHY, SC_REPAIR_NONE);
}

static void test_extra_keytab_entries(void **state)
{
	struct world w;

	init(&w);
	w.entries[1] = w.entries[0];
	w.entries[0].kvno = 2;
	w.entries[1].match = SC_KEY_MATCH_NONE;
	w.keytab.count = 2;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 2, SC_OUTCOME_ACCEPTED, 0, false, 0);
	expect(&w, SC_HEALTH_WARNING, SC_DIAG_KEYTAB_EXTRA,
	       SC_REPAIR_REWRITE_KEYTAB);
}

static void test_no_secret(void **state)
{
	struct world w;

	init(&w);
	w.secrets.current = NULL;
	w.keytab.count = 0;
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_NO_SECRET, SC_REPAIR_REJOIN);
}

static void test_keytab_missing(void **state)
{
	struct world w;

	init(&w);
	w.keytab.count = 0;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_MISSING,
	       SC_REPAIR_REWRITE_KEYTAB);
}

/* A remembered rejection weighs like a fresh one. */
static void test_remembered(void **state)
{
	struct world w;

	init(&w);
	w.entries[0].match = SC_KEY_MATCH_PREVIOUS;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 1, SC_OUTCOME_REMEMBERED, KRB5KDC_ERR_PREAUTH_FAILED, false,
	   0);
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_STALE,
	       SC_REPAIR_REWRITE_KEYTAB);
}

/* --path kerberos: secrets.tdb is not read; the keytab decides. */
static void test_kerberos_only(void **state)
{
	struct world w;
	struct sc_verdict v;

	init(&w);
	w.rep.path_run[SC_PATH_NETLOGON] = false;
	kr(&w, 1, SC_OUTCOME_ACCEPTED, 0, false, 0);
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.health, SC_HEALTH_OK);
	assert_int_equal(v.diag, SC_DIAG_HEALTHY);

	init(&w);
	w.rep.path_run[SC_PATH_NETLOGON] = false;
	kr(&w, 1, SC_OUTCOME_REJECTED, KRB5KDC_ERR_PREAUTH_FAILED, false, 0);
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.health, SC_HEALTH_BROKEN);
}

/*
 * A keytab-only host (no secrets.tdb: netlogon presented the keytab's RC4
 * key): the keytab's newest keys accepted, the DC's kvno above them
 * (one password set twice) is keytab-kvno, repaired by a relabel, when
 * the keytab's keys open the DC's service ticket of its kvno; with
 * Kerberos alone too.  Keys the KDC takes that open no such ticket (a
 * previous password), keys it rejects, and a keytab ahead of the DC
 * stay keytab-stale.
 */
static void test_keytab_kvno_behind(void **state)
{
	struct world w;
	struct sc_verdict v;
	struct sc_acceptor acc = { .principal = "host/m@NETCHK.TEST",
				   .keytab = "FILE:/etc/krb5.keytab",
				   .got_ticket = true, .ok = true,
				   .kvno = 4 };

	init(&w);
	w.keytab.name = "FILE:/etc/krb5.keytab";
	w.rep.acceptors = &acc;
	w.rep.acceptor_count = 1;
	w.entries[0].kvno = 3;
	w.entries[0].match = SC_KEY_MATCH_UNKNOWN;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 3, SC_OUTCOME_ACCEPTED, 0, false, 0);
	ldap_kvno(&w, 4);
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.health, SC_HEALTH_BROKEN);
	assert_string_equal(sc_diag_name(v.diag), "keytab-kvno");
	assert_string_equal(sc_repair_name(v.repair), "relabel-keytab");
	assert_null(strstr(sc_diag_text(v.diag), "secrets.tdb"));
	assert_null(strstr(sc_repair_text(v.repair), "secrets.tdb"));
	/* with secrets.tdb the password rewrites it, as before */
	expect(&w, SC_HEALTH_BROKEN, SC_DIAG_KEYTAB_STALE,
	       SC_REPAIR_REWRITE_KEYTAB);
	/* taken in the AS exchange, but no ticket of kvno 4 opened */
	acc.ok = false;
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.diag, SC_DIAG_KEYTAB_STALE);
	acc.ok = true;
	acc.kvno = 3;
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.diag, SC_DIAG_KEYTAB_STALE);
	acc.kvno = 4;
	acc.keytab = "FILE:/etc/nfs.keytab";
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.diag, SC_DIAG_KEYTAB_STALE);
	acc.keytab = "FILE:/etc/krb5.keytab";
	/* the keytab ahead of the DC: not a relabel */
	w.ldap.account.kvno = 2;
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.diag, SC_DIAG_KEYTAB_STALE);
	/* Kerberos alone (no RC4 key): the same finding */
	w.ldap.account.kvno = 4;
	w.rep.path_run[SC_PATH_NETLOGON] = false;
	w.attempts[0] = w.attempts[1];
	w.rep.attempt_count = 1;
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.diag, SC_DIAG_KEYTAB_KVNO);
	/* keys the KDC rejects: still keytab-stale, not a relabel */
	init(&w);
	w.entries[0].kvno = 3;
	nl(&w, SC_CAND_CURRENT, SC_OUTCOME_ACCEPTED, 0);
	kr(&w, 3, SC_OUTCOME_REJECTED, KRB5KDC_ERR_PREAUTH_FAILED, false, 0);
	ldap_kvno(&w, 4);
	v = sc_verdict_compute(&w.rep, NULL, &w.keytab);
	assert_int_equal(v.diag, SC_DIAG_KEYTAB_STALE);
}

static void test_names_complete(void **state)
{
	for (int d = 0; d < SC_DIAG_COUNT; d++) {
		assert_string_not_equal(sc_diag_name(d), "?");
		assert_true(strlen(sc_diag_text(d)) > 10);
	}
	for (int r = 0; r < SC_REPAIR_COUNT; r++) {
		assert_string_not_equal(sc_repair_name(r), "?");
		assert_true(strlen(sc_repair_text(r)) > 10);
	}
	assert_string_equal(sc_krb5_code_name(KRB5KDC_ERR_PREAUTH_FAILED),
			    "KDC_ERR_PREAUTH_FAILED");
	assert_string_equal(sc_ntstatus_name(ACCESS_DENIED),
			    "NT_STATUS_ACCESS_DENIED");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_dc_password_changed),
		cmocka_unit_test(test_deleted),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_gone_netlogon_only),
		cmocka_unit_test(test_disabled_from_ldap),
		cmocka_unit_test(test_dc_down),
		cmocka_unit_test(test_stale_keytab),
		cmocka_unit_test(test_keytab_wrong_kvno),
		cmocka_unit_test(test_keytab_kvno_behind),
		cmocka_unit_test(test_stale_secrets),
		cmocka_unit_test(test_previous_only),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_extra_keytab_entries),
		cmocka_unit_test(test_no_secret),
		cmocka_unit_test(test_keytab_missing),
		cmocka_unit_test(test_remembered),
		cmocka_unit_test(test_kerberos_only),
		cmocka_unit_test(test_names_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
