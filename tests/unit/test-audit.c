/*
 * Unit tests for sc_audit_judge(): directories in, findings out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <sc/sc.h>

#define NOW	((time_t)1800000000)
#define DAY	86400

static const char *no_spns[] = { NULL };

/* A healthy account: rotated 10 days ago, logged on since, AES, named. */
static struct sc_audit_account healthy(const char *name, const char *dns)
{
	struct sc_audit_account a = {
		.name = name, .dn = "CN=X,CN=Computers,DC=netchk,DC=test",
		.uac = 0x1000, .pwd_last_set = NOW - 10 * DAY,
		.when_created = NOW - 400 * DAY,
		.last_logon = NOW - 5 * DAY, .dns_host_name = dns,
		.spns = no_spns, .has_enctypes = true, .enctypes = 0x1c,
	};
	return a;
}

static const struct sc_audit_limits limits = {
	.now = NOW, .max_age = 60 * DAY, .logon_lag = 30 * DAY,
};

/* The findings of accounts[0..n), on mem. */
static size_t judge(TALLOC_CTX *mem, const struct sc_audit_account *a,
		    size_t n, struct sc_audit_finding **f)
{
	size_t count = 99;

	*f = NULL;
	assert_int_equal(sc_audit_judge(mem, a, n, &limits, f, &count, NULL),
			 SC_OK);
	return count;
}

/* The one finding of kind for account i, or NULL. */
static const struct sc_audit_finding *find(const struct sc_audit_finding *f,
					   size_t n, size_t account,
					   enum sc_audit_kind kind)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].account == account && f[i].kind == kind)
			return &f[i];
	return NULL;
}

static void test_healthy(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_audit_account a[2] = { healthy("A$", "a.netchk.test"),
					 healthy("B$", "b.netchk.test") };
	struct sc_audit_finding *f;

	assert_int_equal(judge(mem, a, 2, &f), 0);
	assert_int_equal(sc_audit_health(f, 0), SC_HEALTH_OK);
	assert_int_equal(judge(mem, NULL, 0, &f), 0);
	talloc_free(mem);
}

static void test_password_age(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_audit_account a[4] = {
		healthy("OLD$", "old.netchk.test"),
		healthy("YOUNG$", "young.netchk.test"),
		healthy("JOINED$", "joined.netchk.test"),
		healthy("NEW$", "new.netchk.test"),
	};
	const struct sc_audit_finding *x;
	struct sc_audit_finding *f;
	size_t n;

	a[0].pwd_last_set = NOW - 90 * DAY;	/* stopped rotating */
	a[1].pwd_last_set = NOW - 59 * DAY;	/* within the limit */
	/* set at the join 100 days ago, never since */
	a[2].when_created = NOW - 100 * DAY;
	a[2].pwd_last_set = NOW - 100 * DAY + 20;
	/* joined yesterday: not due yet */
	a[3].when_created = NOW - DAY;
	a[3].pwd_last_set = NOW - DAY + 5;
	n = judge(mem, a, 4, &f);
	assert_int_equal(n, 2);
	x = find(f, n, 0, SC_AUDIT_STALE_PASSWORD);
	assert_non_null(x);
	assert_int_equal(x->severity, SC_HEALTH_WARNING);
	assert_string_equal(x->detail,
			    "password set 90.0 days ago (limit 60 days)");
	x = find(f, n, 2, SC_AUDIT_NEVER_ROTATED);
	assert_non_null(x);
	assert_null(find(f, n, 2, SC_AUDIT_STALE_PASSWORD));
	assert_string_equal(x->detail, "password unchanged since the account "
			    "was created 100.0 days ago (limit 60 days)");
	assert_int_equal(sc_audit_health(f, n), SC_HEALTH_WARNING);
	/* never set at all (pwdLastSet 0), created long ago */
	a[3].when_created = NOW - 70 * DAY;
	a[3].pwd_last_set = 0;
	n = judge(mem, &a[3], 1, &f);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].kind, SC_AUDIT_NEVER_ROTATED);
	assert_non_null(strstr(f[0].detail, "never set"));
	talloc_free(mem);
}

static void test_disabled(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_audit_account a = healthy("GONE$", NULL);
	struct sc_audit_finding *f;
	size_t n;

	/* disabled: nothing else is judged, and it is information only */
	a.uac = 0x1002;
	a.pwd_last_set = NOW - 300 * DAY;
	a.has_enctypes = false;
	n = judge(mem, &a, 1, &f);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].kind, SC_AUDIT_DISABLED);
	assert_int_equal(f[0].severity, SC_HEALTH_OK);
	assert_string_equal(f[0].detail, "userAccountControl 0x1002");
	assert_int_equal(sc_audit_health(f, n), SC_HEALTH_OK);
	talloc_free(mem);
}

static void test_shared_dns_name(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_audit_account a[3] = {
		healthy("WEB1$", "web.netchk.test"),
		healthy("OTHER$", "other.netchk.test"),
		healthy("WEB2$", "WEB.netchk.test"),	/* case differs */
	};
	const struct sc_audit_finding *x;
	struct sc_audit_finding *f;
	size_t n;

	n = judge(mem, a, 3, &f);
	assert_int_equal(n, 2);
	x = find(f, n, 0, SC_AUDIT_SHARED_DNS_NAME);
	assert_non_null(x);
	assert_int_equal(x->severity, SC_HEALTH_BROKEN);
	assert_string_equal(x->detail, "web.netchk.test also on WEB2$");
	x = find(f, n, 2, SC_AUDIT_SHARED_DNS_NAME);
	assert_non_null(x);
	assert_string_equal(x->detail, "WEB.netchk.test also on WEB1$");
	assert_int_equal(sc_audit_health(f, n), SC_HEALTH_BROKEN);
	/* findings come in account order */
	assert_true(f[0].account < f[1].account);
	talloc_free(mem);
}

static void test_shared_spn(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *s1[] = { "HOST/a.netchk.test", "host/A.netchk.test",
			     "HTTP/www.netchk.test", NULL };
	const char *s2[] = { "HOST/b.netchk.test", "http/WWW.netchk.test",
			     NULL };
	struct sc_audit_account a[2] = { healthy("A$", "a.netchk.test"),
					 healthy("B$", "b.netchk.test") };
	const struct sc_audit_finding *x;
	struct sc_audit_finding *f;
	size_t n;

	a[0].spns = s1;		/* its own duplicate is no finding */
	n = judge(mem, a, 2, &f);
	assert_int_equal(n, 0);
	a[1].spns = s2;
	n = judge(mem, a, 2, &f);
	assert_int_equal(n, 2);
	x = find(f, n, 0, SC_AUDIT_SHARED_SPN);
	assert_non_null(x);
	assert_string_equal(x->detail, "HTTP/www.netchk.test also on B$");
	assert_non_null(find(f, n, 1, SC_AUDIT_SHARED_SPN));
	talloc_free(mem);
}

static void test_many_share(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	static const char *names[] = { "C0$", "C1$", "C2$", "C3$", "C4$",
				       "C5$" };
	struct sc_audit_account a[6];
	struct sc_audit_finding *f;
	size_t n;

	for (int i = 0; i < 6; i++)
		a[i] = healthy(names[i], "clone.netchk.test");
	n = judge(mem, a, 6, &f);
	assert_int_equal(n, 6);
	assert_string_equal(f[0].detail,
			    "clone.netchk.test also on C1$, C2$, C3$ and 2 "
			    "more");
	assert_string_equal(f[5].detail,
			    "clone.netchk.test also on C0$, C1$, C2$ and 2 "
			    "more");
	talloc_free(mem);
}

static void test_enctypes(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	static const struct { bool has; uint32_t e; int kind; } cases[] = {
		{ true, 0x1c, -1 }, { true, 0x18, -1 }, { true, 0x10, -1 },
		{ true, 0x4, SC_AUDIT_RC4_ONLY },
		{ true, 0x7, SC_AUDIT_RC4_ONLY },
		{ false, 0, SC_AUDIT_NO_ENCTYPES },
		{ true, 0, SC_AUDIT_NO_ENCTYPES },
		{ true, 0x3, SC_AUDIT_NO_ENCTYPES },
	};
	struct sc_audit_finding *f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sc_audit_account a = healthy("E$", "e.netchk.test");
		size_t n;

		a.has_enctypes = cases[i].has;
		a.enctypes = cases[i].e;
		n = judge(mem, &a, 1, &f);
		if (cases[i].kind < 0) {
			assert_int_equal(n, 0);
			continue;
		}
		assert_int_equal(n, 1);
		assert_int_equal(f[0].kind, cases[i].kind);
		assert_int_equal(f[0].severity, SC_HEALTH_WARNING);
	}
	{
		struct sc_audit_account a = healthy("E$", "e.netchk.test");

		a.enctypes = 4;
		judge(mem, &a, 1, &f);
		assert_string_equal(f[0].detail, "msDS-SupportedEncryption"
				    "Types 0x4: RC4, no AES");
		a.enctypes = 3;
		judge(mem, &a, 1, &f);
		assert_string_equal(f[0].detail, "msDS-SupportedEncryption"
				    "Types 0x3: DES only");
	}
	talloc_free(mem);
}

static void test_no_dns_name_and_logon(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_audit_account a[3] = { healthy("NONAME$", NULL),
					 healthy("RESET$", "r.netchk.test"),
					 healthy("SLOW$", "s.netchk.test") };
	const struct sc_audit_finding *x;
	struct sc_audit_finding *f;
	size_t n;

	/* the password was set 50 days after the last logon */
	a[1].last_logon = NOW - 60 * DAY;
	/* lastLogonTimestamp lags by up to 14 days: no finding */
	a[2].last_logon = NOW - 24 * DAY;
	n = judge(mem, a, 3, &f);
	assert_int_equal(n, 2);
	x = find(f, n, 0, SC_AUDIT_NO_DNS_NAME);
	assert_non_null(x);
	assert_string_equal(x->detail, "no dNSHostName");
	x = find(f, n, 1, SC_AUDIT_LOGON_BEHIND);
	assert_non_null(x);
	assert_string_equal(x->detail, "last logon 50.0 days before the "
			    "password was last set (limit 30 days)");
	talloc_free(mem);
}

static void test_names_and_leaks(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_audit_account a[2] = { healthy("A$", "x.netchk.test"),
					 healthy("B$", "x.netchk.test") };
	struct sc_audit_finding *f;
	size_t before;

	for (int i = 0; i < SC_AUDIT_KIND_COUNT; i++) {
		assert_true(strlen(sc_audit_kind_name(i)) > 0);
		assert_true(strlen(sc_audit_kind_text(i)) > 0);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(sc_audit_kind_name(i),
						sc_audit_kind_name(j));
	}
	assert_string_equal(sc_audit_kind_name(SC_AUDIT_STALE_PASSWORD),
			    "stale-password");
	before = talloc_total_size(mem);
	judge(mem, a, 2, &f);
	talloc_free(f);
	assert_int_equal(talloc_total_size(mem), before);
	assert_int_equal(sc_audit_judge(mem, NULL, 3, &limits, &f, &before,
					NULL), SC_EINVAL);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_password_age),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_shared_dns_name),
		cmocka_unit_test(test_shared_spn),
		cmocka_unit_test(test_many_share),
		cmocka_unit_test(test_enctypes),
		cmocka_unit_test(test_no_dns_name_and_logon),
		cmocka_unit_test(test_names_and_leaks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
