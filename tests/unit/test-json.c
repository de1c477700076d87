/*
 * Unit tests: the strict JSON reader that reads a remote netchk's answer
 * (RFC 8259 values, escapes and surrogates, and what must be refused:
 * trailing data, bad numbers, control characters, U+0000, duplicate
 * keys, too deep nesting), with no talloc leak.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "json.h"

static struct json *ok(TALLOC_CTX *mem, const char *text)
{
	const char *why = NULL;
	struct json *v = json_parse(mem, text, strlen(text), &why);

	if (v == NULL)
		fail_msg("'%s' should parse (%s)", text, why);
	return v;
}

static void refused(const char *text)
{
	const char *why = NULL;
	struct json *v = json_parse(NULL, text, strlen(text), &why);

	if (v != NULL)
		fail_msg("'%s' should be refused", text);
	assert_non_null(why);
}

static void test_document(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct json *v = ok(mem, " {\"schema\":1,\"command\":\"verify\","
			    "\"dcs\":[{\"name\":\"dc1\"},{}],\"x\":null,"
			    "\"t\":true,\"f\":false,\"n\":-12.5e1} \n");
	const struct json *dcs = json_get(v, "dcs");

	assert_int_equal(v->type, JSON_OBJECT);
	assert_int_equal(v->count, 7);
	assert_true(json_num(v, "schema", 0) == 1);
	assert_string_equal(json_str(v, "command"), "verify");
	assert_int_equal(dcs->type, JSON_ARRAY);
	assert_int_equal(dcs->count, 2);
	assert_string_equal(json_str(dcs->items[0], "name"), "dc1");
	assert_null(json_str(dcs->items[1], "name"));
	assert_true(json_is_null(v, "x"));
	assert_true(json_is_null(v, "absent"));
	assert_false(json_is_null(v, "t"));
	assert_true(json_bool(v, "t"));
	assert_false(json_bool(v, "f"));
	assert_true(json_num(v, "n", 0) == -125.0);
	assert_true(json_num(v, "command", 7) == 7);	/* wrong type */
	assert_null(json_get(dcs, "name"));		/* not an object */
	talloc_free(mem);
}

static void test_strings(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);

	assert_string_equal(ok(mem, "\"a\\\"b\\\\c\\/d\\n\\t\"")->string,
			    "a\"b\\c/d\n\t");
	assert_string_equal(ok(mem, "\"\\u00e9\\u20ac\"")->string,
			    "\xc3\xa9\xe2\x82\xac");
	/* a surrogate pair: U+1F600 */
	assert_string_equal(ok(mem, "\"\\ud83d\\ude00\"")->string,
			    "\xf0\x9f\x98\x80");
	assert_string_equal(ok(mem, "\"MEMBER1$\"")->string, "MEMBER1$");
	assert_string_equal(ok(mem, "\"\"")->string, "");
	talloc_free(mem);
}

static void test_refused(void **state)
{
	const char *bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}",
		"{a:1}", "{\"a\":1}{}", "{\"a\":1} x", "01", "1.", ".5",
		"-", "1e", "+1", "NaN", "tru", "nul", "\"abc", "'a'",
		"\"a\x01\"", "\"\\x\"", "\"\\u00\"", "\"\\u0000\"",
		"\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83d\\u0041\"",
		"{\"a\":1,\"a\":2}", "[1 2]", "{\"a\":}",
	};
	char deep[100];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(bad[i]);
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	refused(deep);
}

/* a length, not a C string: an embedded NUL ends nothing */
static void test_length(void **state)
{
	const char text[] = "{\"a\":1}\0garbage";
	struct json *v;

	assert_null(json_parse(NULL, text, sizeof(text) - 1, NULL));
	v = json_parse(NULL, text, 7, NULL);
	assert_non_null(v);
	talloc_free(v);
}

static void test_no_leak(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	size_t before = talloc_total_size(mem);

	for (int i = 0; i < 3; i++) {
		assert_null(json_parse(mem, "{\"a\":[1,2,{\"b\":\"c\"}],}", 23,
				       NULL));
		talloc_free(ok(mem, "{\"a\":[1,2,{\"b\":\"c\"}]}"));
	}
	assert_int_equal(talloc_total_size(mem), before);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_no_leak),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
