/*
 * Unit tests for the DC discovery and LDAP probe helpers: SRV ordering,
 * GeneralizedTime, FILETIME, RFC 4515 escaping, literal-address
 * resolution and the probe's argument and unreachable-DC handling.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <string.h>
#include <cmocka.h>
#include "sc-private.h"

/* ---- sci_srv_sort ---- */

static void test_srv_sort_rfc2782(void **state)
{
	struct sci_srv srv[] = {
		{ "dc3.example.com", 10, 0, 389 },
		{ "dc2.example.com", 0, 50, 389 },
		{ "dc1.example.com", 0, 100, 389 },
		{ "DC0.example.com", 10, 0, 389 },
		{ "dc4.example.com", 5, 0, 389 },
		{ "dc5.example.com", 0, 100, 389 },
	};

	sci_srv_sort(srv, 6);
	/* priority ascending, weight descending, name (ci) ascending */
	assert_string_equal(srv[0].target, "dc1.example.com");
	assert_string_equal(srv[1].target, "dc5.example.com");
	assert_string_equal(srv[2].target, "dc2.example.com");
	assert_string_equal(srv[3].target, "dc4.example.com");
	assert_string_equal(srv[4].target, "DC0.example.com");
	assert_string_equal(srv[5].target, "dc3.example.com");
}

static void test_srv_sort_deterministic(void **state)
{
	struct sci_srv a[] = {
		{ "b", 1, 1, 389 }, { "a", 1, 1, 389 }, { "c", 1, 1, 389 },
	};
	struct sci_srv b[] = {
		{ "c", 1, 1, 389 }, { "b", 1, 1, 389 }, { "a", 1, 1, 389 },
	};
	size_t i;

	sci_srv_sort(a, 3);
	sci_srv_sort(b, 3);
	for (i = 0; i < 3; i++)
		assert_string_equal(a[i].target, b[i].target);
	assert_string_equal(a[0].target, "a");
}

static void test_srv_sort_degenerate(void **state)
{
	struct sci_srv one = { "only", 65535, 65535, 389 };

	sci_srv_sort(NULL, 0);
	sci_srv_sort(NULL, 5);
	sci_srv_sort(&one, 1);
	assert_string_equal(one.target, "only");
}

/* ---- sci_gentime_parse ---- */

static void test_gentime_valid(void **state)
{
	time_t t = 1;

	assert_true(sci_gentime_parse("19700101000000.0Z", &t));
	assert_int_equal(t, 0);
	assert_true(sci_gentime_parse("20240229123456.0Z", &t));
	assert_int_equal(t, 1709210096);
	/* without fraction, minutes only, hours only */
	assert_true(sci_gentime_parse("20240229123456Z", &t));
	assert_int_equal(t, 1709210096);
	assert_true(sci_gentime_parse("202402291234Z", &t));
	assert_int_equal(t, 1709210040);
	assert_true(sci_gentime_parse("2024022912Z", &t));
	assert_int_equal(t, 1709208000);
	/* fraction with comma, long fraction is dropped */
	assert_true(sci_gentime_parse("20240229123456,999999Z", &t));
	assert_int_equal(t, 1709210096);
	/* offsets: local time minus offset is UTC */
	assert_true(sci_gentime_parse("20240229143456.0+0200", &t));
	assert_int_equal(t, 1709210096);
	assert_true(sci_gentime_parse("20240229103456-02", &t));
	assert_int_equal(t, 1709210096);
	/* before 1970 */
	assert_true(sci_gentime_parse("19691231235959.0Z", &t));
	assert_int_equal(t, -1);
}

static void test_gentime_boundary(void **state)
{
	time_t t;

	assert_true(sci_gentime_parse("20000229000000.0Z", &t));
	assert_int_equal(t, 951782400);
	assert_false(sci_gentime_parse("19000229000000.0Z", &t));
	assert_false(sci_gentime_parse("20230229000000.0Z", &t));
	assert_true(sci_gentime_parse("20231231235959.0Z", &t));
	assert_int_equal(t, 1704067199);
	assert_true(sci_gentime_parse("20161231235960Z", &t)); /* leap sec */
	assert_int_equal(t, 1483228800);
	assert_false(sci_gentime_parse("20231231235961Z", &t));
	assert_false(sci_gentime_parse("20231301000000Z", &t));
	assert_false(sci_gentime_parse("20230001000000Z", &t));
	assert_false(sci_gentime_parse("20230100000000Z", &t));
	assert_false(sci_gentime_parse("20230431000000Z", &t));
	assert_false(sci_gentime_parse("20230101240000Z", &t));
	assert_false(sci_gentime_parse("20230101006000Z", &t));
	assert_false(sci_gentime_parse("20230101000000+2400", &t));
	assert_false(sci_gentime_parse("20230101000000+0060", &t));
}

static void test_gentime_garbage(void **state)
{
	time_t t = 42;

	assert_false(sci_gentime_parse(NULL, &t));
	assert_false(sci_gentime_parse("20240101120000.0Z", NULL));
	assert_false(sci_gentime_parse("", &t));
	assert_false(sci_gentime_parse("Z", &t));
	assert_false(sci_gentime_parse("2024", &t));
	assert_false(sci_gentime_parse("20240101120000", &t)); /* no zone */
	assert_false(sci_gentime_parse("20240101120000.Z", &t));
	assert_false(sci_gentime_parse("20240101120000.0", &t));
	assert_false(sci_gentime_parse("20240101120000.0Zjunk", &t));
	assert_false(sci_gentime_parse("2024010112000.0Z", &t));
	assert_false(sci_gentime_parse("2024-01-01T12:00:00Z", &t));
	assert_false(sci_gentime_parse(" 20240101120000.0Z", &t));
	assert_false(sci_gentime_parse("20240101120000.0+1", &t));
	assert_false(sci_gentime_parse("2024O101120000.0Z", &t));
	assert_int_equal(t, 42);	/* untouched on failure */
}

/* ---- sci_ad_interval_parse (lockOutObservationWindow) ---- */

static void test_ad_interval(void **state)
{
	int64_t v = 42;

	assert_true(sci_ad_interval_parse("-18000000000", &v));
	assert_int_equal(v, 1800);
	assert_true(sci_ad_interval_parse("-600000000", &v));
	assert_int_equal(v, 60);
	assert_true(sci_ad_interval_parse("-1", &v));
	assert_int_equal(v, 1);		/* at least a second */
	assert_true(sci_ad_interval_parse("-9223372036854775808", &v));
	assert_int_equal(v, -1);	/* never */
	v = 42;
	assert_false(sci_ad_interval_parse(NULL, &v));
	assert_false(sci_ad_interval_parse("", &v));
	assert_false(sci_ad_interval_parse("0", &v));
	assert_false(sci_ad_interval_parse("18000000000", &v));
	assert_false(sci_ad_interval_parse("-", &v));
	assert_false(sci_ad_interval_parse("-18000000000x", &v));
	assert_false(sci_ad_interval_parse("-99999999999999999999", &v));
	assert_int_equal(v, 42);	/* untouched on failure */
}

/* ---- sci_filetime_parse ---- */

static void test_filetime_valid(void **state)
{
	time_t t = 1;

	/* 1970-01-01 exactly is "before or at the epoch": unknown */
	assert_true(sci_filetime_parse("116444736000000000", &t));
	assert_int_equal(t, 0);
	assert_true(sci_filetime_parse("116444736010000000", &t));
	assert_int_equal(t, 1);
	/* 2024-02-29 12:34:56 UTC plus 0.9999999 s (truncated) */
	assert_true(sci_filetime_parse("133536836969999999", &t));
	assert_int_equal(t, 1709210096);
	assert_true(sci_filetime_parse("0", &t));
	assert_int_equal(t, 0);
	assert_true(sci_filetime_parse("-1", &t));
	assert_int_equal(t, 0);
	assert_true(sci_filetime_parse("1", &t));
	assert_int_equal(t, 0);
}

static void test_filetime_boundary(void **state)
{
	time_t t;

	assert_true(sci_filetime_parse("9223372036854775807", &t));
	assert_int_equal(t, INT64_C(922337203685) - INT64_C(11644473600));
	assert_true(sci_filetime_parse("-9223372036854775808", &t));
	assert_int_equal(t, 0);
	assert_false(sci_filetime_parse("9223372036854775808", &t));
	assert_false(sci_filetime_parse("18446744073709551616", &t));
	assert_false(sci_filetime_parse("99999999999999999999999", &t));
}

static void test_filetime_garbage(void **state)
{
	time_t t = 42;

	assert_false(sci_filetime_parse(NULL, &t));
	assert_false(sci_filetime_parse("1", NULL));
	assert_false(sci_filetime_parse("", &t));
	assert_false(sci_filetime_parse("-", &t));
	assert_false(sci_filetime_parse("+1", &t));
	assert_false(sci_filetime_parse(" 1", &t));
	assert_false(sci_filetime_parse("1 ", &t));
	assert_false(sci_filetime_parse("0x10", &t));
	assert_false(sci_filetime_parse("12a", &t));
	assert_false(sci_filetime_parse("--1", &t));
	assert_int_equal(t, 42);
}

/* ---- sci_ldap_escape_filter ---- */

static void test_escape_filter(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *s;

	s = sci_ldap_escape_filter(mem, "MEMBER1$");
	assert_string_equal(s, "MEMBER1$");
	s = sci_ldap_escape_filter(mem, "");
	assert_string_equal(s, "");
	s = sci_ldap_escape_filter(mem, "*)(uid=*))(|(uid=*");
	assert_string_equal(s, "\\2a\\29\\28uid=\\2a\\29\\29\\28|\\28uid=\\2a");
	s = sci_ldap_escape_filter(mem, "a\\b");
	assert_string_equal(s, "a\\5cb");
	s = sci_ldap_escape_filter(mem, "\x01\n\x7f");
	assert_string_equal(s, "\\01\\0a\\7f");
	/* UTF-8 passes through (RFC 4515 allows it raw) */
	s = sci_ldap_escape_filter(mem, "M\xc3\xbcller$");
	assert_string_equal(s, "M\xc3\xbcller$");
	assert_null(sci_ldap_escape_filter(mem, NULL));
	talloc_free(mem);
}

/* ---- sc_dc_resolve with literals (no DNS traffic) ---- */

static void test_dc_resolve_literal(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_error *err = NULL;
	struct sc_dc *dc = NULL;

	assert_int_equal(sc_dc_resolve(mem, "127.0.0.10", &dc, &err), SC_OK);
	assert_string_equal(dc->name, "127.0.0.10");
	assert_string_equal(dc->address, "127.0.0.10");
	dc = NULL;
	assert_int_equal(sc_dc_resolve(mem, "0:0::1", &dc, &err), SC_OK);
	assert_string_equal(dc->name, "::1");
	assert_string_equal(dc->address, "::1");
	dc = NULL;
	assert_int_equal(sc_dc_resolve(mem, "", &dc, &err), SC_EINVAL);
	assert_null(dc);
	assert_non_null(err);
	assert_int_equal(err->rc, SC_EINVAL);
	err = NULL;
	assert_int_equal(sc_dc_resolve(mem, NULL, &dc, NULL), SC_EINVAL);
	assert_null(dc);
	talloc_free(mem);
}

static void test_dc_discover_args(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_error *err = NULL;
	struct sc_dc *dcs = NULL;
	size_t n = 99;

	assert_int_equal(sc_dc_discover(mem, "", &dcs, &n, &err), SC_EINVAL);
	assert_null(dcs);
	assert_int_equal(n, 99);
	assert_int_equal(sc_dc_discover(mem, NULL, &dcs, &n, NULL),
			 SC_EINVAL);
	talloc_free(mem);
}

/* ---- sc_probe_ldap: arguments, unreachable DC, no leaks ---- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static void test_probe_ldap_args(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_probe_opts opts = { .timeout = 1 };
	struct sc_dc dc = { "dc1.netchk.test", "127.0.0.10" };
	struct sc_dc noaddr = { "dc1.netchk.test", NULL };
	struct sc_dc badaddr = { "dc1.netchk.test", "dc1.netchk.test" };
	struct sc_ldap_result *res = NULL;
	struct sc_error *err = NULL;

	assert_int_equal(sc_probe_ldap(mem, &opts, NULL, NULL, NULL, &res,
				       &err), SC_EINVAL);
	assert_int_equal(sc_probe_ldap(mem, &opts, &noaddr, NULL, NULL, &res,
				       &err), SC_EINVAL);
	/* a ccache without an account to read */
	assert_int_equal(sc_probe_ldap(mem, &opts, &dc, "MEMORY:x", NULL,
				       &res, &err), SC_EINVAL);
	/* the address must be numeric: the probe never resolves names */
	err = NULL;
	assert_int_equal(sc_probe_ldap(mem, &opts, &badaddr, NULL, NULL,
				       &res, &err), SC_EINVAL);
	assert_non_null(err);
	assert_null(res);
	talloc_free(mem);
}

/*
 * Nothing listens on port 389 of an unused loopback address here, so
 * the connection is refused: a result (reached = false), not an error.
 * Run twice to check that neither memory nor descriptors leak.
 */
static void test_probe_ldap_unreachable(void **state)
{
	struct sc_probe_opts opts = { .timeout = 2 };
	struct sc_dc dc = { "dc1.netchk.test", "127.255.254.253" };
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t before = talloc_total_size(mem);
	int fds = count_fds();
	int i;

	for (i = 0; i < 2; i++) {
		struct sc_ldap_result *res = NULL;
		struct sc_error *err = NULL;
		enum sc_rc rc;

		rc = sc_probe_ldap(mem, &opts, &dc, "MEMORY:none", "X$",
				   &res, &err);
		if (rc != SC_OK)
			fail_msg("rc %d: %s", rc, err ? err->message : "");
		assert_non_null(res);
		assert_false(res->reached);
		assert_false(res->have_time);
		assert_false(res->bound);
		assert_false(res->account.found);
		assert_non_null(res->detail);
		assert_non_null(strstr(res->detail, "127.255.254.253"));
		assert_null(strchr(res->detail, '\n'));
		talloc_free(res);
	}
	assert_int_equal(talloc_total_size(mem), before);
	assert_int_equal(count_fds(), fds);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srv_sort_rfc2782),
		cmocka_unit_test(test_srv_sort_deterministic),
		cmocka_unit_test(test_srv_sort_degenerate),
		cmocka_unit_test(test_gentime_valid),
		cmocka_unit_test(test_gentime_boundary),
		cmocka_unit_test(test_gentime_garbage),
		cmocka_unit_test(test_ad_interval),
		cmocka_unit_test(test_filetime_valid),
		cmocka_unit_test(test_filetime_boundary),
		cmocka_unit_test(test_filetime_garbage),
		cmocka_unit_test(test_escape_filter),
		cmocka_unit_test(test_dc_resolve_literal),
		cmocka_unit_test(test_dc_discover_args),
		cmocka_unit_test(test_probe_ldap_args),
		cmocka_unit_test(test_probe_ldap_unreachable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
