/*
 * Unit tests for sc_plan_make(): every verdict -> the smallest repair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <sc/sc.h>

static struct sc_plan *plan_for(TALLOC_CTX *mem, enum sc_diag d,
				enum sc_health h, bool force, bool admin)
{
	struct sc_verify_result *r = talloc_zero(mem, struct sc_verify_result);
	struct sc_plan_opts o = { .force = force, .have_admin = admin,
				  .now = 1000000 };
	struct sc_plan *p = NULL;

	r->config = talloc_zero(r, struct sc_config);
	r->verdict.diag = d;
	r->verdict.health = h;
	r->verdict.dc = "dc1.netchk.test";
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	return p;
}

/*
 * Only the previous password is accepted: the plan lists the secrets.tdb
 * write the executor makes first (align-secrets) when 'net
 * changesecretpw' can take that password (<= 255 bytes), else not.
 */
static void test_plan_previous_align(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_verify_result *r = talloc_zero(mem, struct sc_verify_result);
	struct sc_plan_opts o = { .now = 1000000 };
	struct sc_plan *p = NULL;
	uint8_t pw[357];

	(void)state;
	memset(pw, 'x', sizeof(pw));
	r->config = talloc_zero(r, struct sc_config);
	r->secrets = talloc_zero(r, struct sc_secrets);
	r->verdict.diag = SC_DIAG_PREVIOUS_ONLY;
	r->verdict.health = SC_HEALTH_WARNING;
	r->verdict.dc = "dc1.netchk.test";
	r->secrets->previous = sc_secret_new(r, pw, 120);
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->step_count, 8);
	assert_int_equal(p->steps[0], SC_STEP_ALIGN_SECRETS);
	assert_int_equal(p->steps[1], SC_STEP_JOURNAL);
	assert_string_equal(sc_step_name(p->steps[0]), "align-secrets");
	r->secrets->previous = sc_secret_new(r, pw, sizeof(pw));
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->step_count, 7);
	assert_int_equal(p->steps[0], SC_STEP_JOURNAL);
	talloc_free(mem);
}

/*
 * The keytab's accepted keys under an older kvno: a relabel (no DC
 * change, no administrator, no journal), also on a keytab-only host,
 * where --force rotates with those keys instead.  A keytab-only
 * keytab-stale (keys not accepted) still needs an administrator.
 */
static void test_plan_relabel(void **state)
{
	static const enum sc_step want[] = {
		SC_STEP_READ_KVNO, SC_STEP_RELABEL_KEYTAB, SC_STEP_VERIFY_AFTER,
	};
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_verify_result *r = talloc_zero(mem, struct sc_verify_result);
	struct sc_plan_opts o = { .now = 1000000 };
	struct sc_plan *p = NULL;

	(void)state;
	r->config = talloc_zero(r, struct sc_config);
	r->config->keytab_only = true;
	r->verdict.diag = SC_DIAG_KEYTAB_KVNO;
	r->verdict.health = SC_HEALTH_BROKEN;
	r->verdict.dc = "dc1.netchk.test";
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_REWRITE_KEYTAB);
	assert_int_equal(p->cred, SC_PLAN_CRED_KEYTAB);
	assert_int_equal(p->step_count, 3);
	assert_memory_equal(p->steps, want, sizeof(want));
	assert_string_equal(sc_step_name(p->steps[1]), "relabel-keytab");
	assert_null(strstr(p->reason, "secrets.tdb"));
	o.force = true;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_CHANGE_OWN);
	assert_int_equal(p->cred, SC_PLAN_CRED_KEYTAB);
	assert_int_equal(p->steps[0], SC_STEP_JOURNAL);
	o.force = false;
	r->verdict.diag = SC_DIAG_KEYTAB_STALE;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	assert_non_null(strstr(p->reason, "administrator"));
	/* a host with smb.conf (Kerberos alone verified): the relabel too */
	r->config->keytab_only = false;
	r->verdict.diag = SC_DIAG_KEYTAB_KVNO;
	o.force = true;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_REWRITE_KEYTAB);
	assert_memory_equal(p->steps, want, sizeof(want));
	talloc_free(mem);
}

static void test_plans(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_plan *p;

	p = plan_for(mem, SC_DIAG_HEALTHY, SC_HEALTH_OK, false, false);
	assert_int_equal(p->action, SC_PLAN_NOTHING);
	assert_int_equal(p->step_count, 0);
	p = plan_for(mem, SC_DIAG_HEALTHY, SC_HEALTH_OK, true, false);
	assert_int_equal(p->action, SC_PLAN_CHANGE_OWN);
	assert_int_equal(p->cred, SC_PLAN_CRED_CURRENT);
	assert_int_equal(p->steps[0], SC_STEP_JOURNAL);
	assert_int_equal(p->steps[1], SC_STEP_CHANGE_DC);
	assert_int_equal(p->steps[2], SC_STEP_VERIFY_NEW);
	p = plan_for(mem, SC_DIAG_KEYTAB_STALE, SC_HEALTH_BROKEN, false,
		     true);
	assert_int_equal(p->action, SC_PLAN_REWRITE_KEYTAB);
	for (size_t i = 0; i < p->step_count; i++)
		assert_int_not_equal(p->steps[i], SC_STEP_CHANGE_DC);
	p = plan_for(mem, SC_DIAG_PREVIOUS_ONLY, SC_HEALTH_WARNING, false,
		     false);
	assert_int_equal(p->action, SC_PLAN_CHANGE_OWN);
	assert_int_equal(p->cred, SC_PLAN_CRED_PREVIOUS);
	p = plan_for(mem, SC_DIAG_SECRETS_STALE, SC_HEALTH_BROKEN, false,
		     false);
	assert_int_equal(p->cred, SC_PLAN_CRED_KEYTAB);
	p = plan_for(mem, SC_DIAG_ALL_REJECTED, SC_HEALTH_BROKEN, false,
		     false);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	assert_int_equal(p->refuse_health, SC_HEALTH_BROKEN);
	p = plan_for(mem, SC_DIAG_ALL_REJECTED, SC_HEALTH_BROKEN, false,
		     true);
	assert_int_equal(p->action, SC_PLAN_CHANGE_ADMIN);
	/* --force and admin credentials never override these */
	p = plan_for(mem, SC_DIAG_ACCOUNT_DELETED, SC_HEALTH_BROKEN, true,
		     true);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	assert_non_null(strstr(p->reason, "no longer exists"));
	p = plan_for(mem, SC_DIAG_ACCOUNT_DISABLED, SC_HEALTH_BROKEN, true,
		     true);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	p = plan_for(mem, SC_DIAG_DC_UNREACHABLE, SC_HEALTH_UNKNOWN, true,
		     true);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	assert_int_equal(p->refuse_health, SC_HEALTH_UNKNOWN);
	p = plan_for(mem, SC_DIAG_CLOCK_SKEW, SC_HEALTH_BROKEN, true, true);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	talloc_free(mem);
}

/*
 * A clock past the Kerberos limit on any DC refuses every change, even
 * when the verdict (about another DC, or kerberos not asked) says
 * healthy and --force and -U are given.
 */
static void test_skew_beats_force(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_verify_result *r = talloc_zero(mem, struct sc_verify_result);
	struct sc_plan_opts o = { .force = true, .have_admin = true,
				  .now = 1000000 };
	struct sc_ldap_result *l = talloc_zero(r, struct sc_ldap_result);
	struct sc_plan *p = NULL;

	r->config = talloc_zero(r, struct sc_config);
	r->verdict.diag = SC_DIAG_HEALTHY;
	r->verdict.health = SC_HEALTH_OK;
	r->verdict.dc = "dc1.netchk.test";
	r->dc_count = 2;
	r->dcs = talloc_zero_array(r, struct sc_dc_report, 2);
	r->dcs[0].dc.name = "dc1.netchk.test";
	r->dcs[1].dc.name = "dc2.netchk.test";
	r->dcs[1].ldap = l;
	l->reached = l->have_time = true;
	l->clock_offset = 299;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_CHANGE_OWN);
	l->clock_offset = -601;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	assert_int_equal(p->refuse_health, SC_HEALTH_BROKEN);
	assert_int_equal(p->step_count, 0);
	assert_non_null(strstr(p->reason, "dc2.netchk.test (-601 s)"));
	assert_non_null(strstr(p->reason, "not even a forced one"));
	/* the KDC's word alone is enough */
	l->have_time = false;
	r->dcs[0].attempt_count = 1;
	r->dcs[0].attempts = talloc_zero_array(r, struct sc_attempt, 1);
	r->dcs[0].attempts[0].path = SC_PATH_KERBEROS;
	r->dcs[0].attempts[0].has_krb5 = true;
	r->dcs[0].attempts[0].krb5_code = -1765328347;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_REFUSE);
	assert_non_null(strstr(p->reason, "dc1.netchk.test (KRB_AP_ERR_SKEW)"));
	talloc_free(mem);
}

/* Rotation age: 'machine password timeout' drives a change when due. */
static void test_rotation_age(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_verify_result *r = talloc_zero(mem, struct sc_verify_result);
	struct sc_plan_opts o = { .now = 1000000 };
	struct sc_plan *p = NULL;

	r->config = talloc_zero(r, struct sc_config);
	r->config->machine_password_timeout = 604800;
	r->secrets = talloc_zero(r, struct sc_secrets);
	r->secrets->have_last_change = true;
	r->secrets->last_change = 1000000 - 604800;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_CHANGE_OWN);
	r->secrets->last_change = 1000000 - 10;
	assert_int_equal(sc_plan_make(mem, r, &o, &p, NULL), SC_OK);
	assert_int_equal(p->action, SC_PLAN_NOTHING);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_plan_previous_align),
		cmocka_unit_test(test_plan_relabel),
		cmocka_unit_test(test_rotation_age),
		cmocka_unit_test(test_skew_beats_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
