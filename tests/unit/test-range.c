/*
 * Unit tests: threshold ranges as the monitoring-plugins guidelines define
 * them (their table of examples, row by row), the time suffixes netchk
 * adds, and what must be refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "range.h"

static struct netchk_range parse_ok(const char *s, bool units)
{
	struct netchk_range r = { 0 };

	if (!netchk_range_parse(s, units, &r))
		fail_msg("'%s' should parse", s);
	assert_true(r.set);
	return r;
}

static void refused(const char *s, bool units)
{
	struct netchk_range r = { 0 };

	if (netchk_range_parse(s, units, &r))
		fail_msg("'%s' should be refused", s);
	assert_false(r.set);	/* untouched */
}

static void fmt(const struct netchk_range *r, const char *want)
{
	char buf[96];

	assert_string_equal(netchk_range_format(r, buf, sizeof(buf)), want);
}

/* "10": alert if < 0 or > 10 */
static void test_plain(void **state)
{
	struct netchk_range r = parse_ok("10", false);

	assert_true(netchk_range_alert(&r, -0.5));
	assert_false(netchk_range_alert(&r, 0));
	assert_false(netchk_range_alert(&r, 10));
	assert_true(netchk_range_alert(&r, 10.001));
	fmt(&r, "10");
}

/* "10:": alert if < 10 */
static void test_open_end(void **state)
{
	struct netchk_range r = parse_ok("10:", false);

	assert_true(netchk_range_alert(&r, 9.99));
	assert_false(netchk_range_alert(&r, 10));
	assert_false(netchk_range_alert(&r, 1e12));
	fmt(&r, "10:");
}

/* "~:10": alert if > 10 */
static void test_minus_infinity(void **state)
{
	struct netchk_range r = parse_ok("~:10", false);

	assert_false(netchk_range_alert(&r, -1e12));
	assert_false(netchk_range_alert(&r, 10));
	assert_true(netchk_range_alert(&r, 11));
	fmt(&r, "~:10");
}

/* "10:20": alert outside, ends included in the good range */
static void test_between(void **state)
{
	struct netchk_range r = parse_ok("10:20", false);

	assert_true(netchk_range_alert(&r, 9));
	assert_false(netchk_range_alert(&r, 10));
	assert_false(netchk_range_alert(&r, 20));
	assert_true(netchk_range_alert(&r, 21));
	fmt(&r, "10:20");
}

/* "@10:20": alert inside, ends included */
static void test_inside(void **state)
{
	struct netchk_range r = parse_ok("@10:20", false);

	assert_false(netchk_range_alert(&r, 9.9));
	assert_true(netchk_range_alert(&r, 10));
	assert_true(netchk_range_alert(&r, 20));
	assert_false(netchk_range_alert(&r, 20.1));
	fmt(&r, "@10:20");
}

/* Clock offsets are signed: "-180:180" */
static void test_negative(void **state)
{
	struct netchk_range r = parse_ok("-180:180", false);

	assert_true(netchk_range_alert(&r, -181));
	assert_false(netchk_range_alert(&r, -180));
	assert_false(netchk_range_alert(&r, 0));
	assert_true(netchk_range_alert(&r, 600));
	fmt(&r, "-180:180");
	r = parse_ok("-5.5:-1", false);
	assert_true(netchk_range_alert(&r, 0));
	assert_false(netchk_range_alert(&r, -3));
}

static void test_time_units(void **state)
{
	struct netchk_range r = parse_ok("14d", true);

	assert_true(r.has_end);
	assert_true(r.end == 1209600);
	assert_true(netchk_range_alert(&r, 1209601));
	fmt(&r, "1209600");
	r = parse_ok("@1h:2w", true);
	assert_true(r.start == 3600 && r.end == 1209600);
	fmt(&r, "@3600:1209600");
	r = parse_ok("90s:5m", true);
	fmt(&r, "90:300");
	/* without units a suffix is garbage */
	refused("14d", false);
}

static void test_refused(void **state)
{
	refused(NULL, false);
	refused("", false);
	refused("@", false);
	refused(":", false);
	refused(":10", false);
	refused("20:10", false);	/* start > end */
	refused("1:2:3", false);
	refused("abc", false);
	refused("10x", true);
	refused("inf", false);
	refused("nan", false);
	refused("0x10", false);
	refused("~", false);
	refused("~:", false);
	refused("1e999", false);
	refused("10 ", false);
	refused("d", true);
}

/* An unset range never alerts and formats as an empty perfdata field */
static void test_unset(void **state)
{
	struct netchk_range r = { 0 };
	char buf[8];

	assert_false(netchk_range_alert(&r, 1e300));
	assert_false(netchk_range_alert(NULL, 0));
	assert_string_equal(netchk_range_format(&r, buf, sizeof(buf)), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_open_end),
		cmocka_unit_test(test_minus_infinity),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_time_units),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_unset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
