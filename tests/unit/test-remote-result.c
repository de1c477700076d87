/*
 * Unit tests: a remote netchk's JSON read back into result structs
 * (netchk/remote-result.c) prints exactly what the remote printed: the
 * lab member's own verify (healthy, broken) and reset --dry-run outputs,
 * JSON and text from the same runs, are the golden pairs in unit/data.
 * A name this netchk does not know, or a missing part, is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netchk.h"
#include "remote.h"

static const char *data_dir;

static char *slurp(TALLOC_CTX *mem, const char *name)
{
	char *path = talloc_asprintf(mem, "%s/%s", data_dir, name);
	FILE *f = fopen(path, "re");
	char *buf = talloc_zero_size(mem, 65536);
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static struct json *doc_of(TALLOC_CTX *mem, const char *text)
{
	const char *why = NULL;
	struct json *doc = json_parse(mem, text, strlen(text), &why);

	if (doc == NULL)
		fail_msg("fixture is not JSON: %s", why);
	return doc;
}

static char *rendered_verify(const struct sc_verify_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	netchk_render_verify_text(f, res);
	fclose(f);
	return buf;
}

static void golden_verify(const char *json_name, const char *text_name)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct json *doc = doc_of(mem, slurp(mem, json_name));
	const char *want = slurp(mem, text_name);
	size_t before = talloc_total_size(mem);
	struct sc_verify_result *res = netchk_verify_from_json(mem, doc);
	char *text;

	assert_non_null(res);
	text = rendered_verify(res);
	assert_string_equal(text, want);
	free(text);
	talloc_free(res);
	assert_int_equal(talloc_total_size(mem), before);
	talloc_free(mem);
}

static void test_verify_healthy(void **state)
{
	golden_verify("verify-healthy.json", "verify-healthy.txt");
}

static void test_verify_broken(void **state)
{
	golden_verify("verify-broken.json", "verify-broken.txt");
}

static void test_reset_plan(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct json *doc = doc_of(mem, slurp(mem, "reset-plan.json"));
	struct sc_reset_result *res = netchk_reset_from_json(mem, doc);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(res);
	netchk_render_reset_text(f, res);
	fclose(f);
	assert_string_equal(buf, slurp(mem, "reset-plan.txt"));
	free(buf);
	talloc_free(mem);
}

/* "diagnosis":"healthy" -> another word: from another version */
static void refuse_with(const char *name, const char *from, const char *to,
			bool reset)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *text = slurp(mem, name), *hit = strstr(text, from);
	char *changed;

	assert_non_null(hit);
	changed = talloc_asprintf(mem, "%.*s%s%s", (int)(hit - text), text,
				  to, hit + strlen(from));
	if (reset)
		assert_null(netchk_reset_from_json(mem, doc_of(mem, changed)));
	else
		assert_null(netchk_verify_from_json(mem,
						    doc_of(mem, changed)));
	talloc_free(mem);
}

static void test_refused(void **state)
{
	refuse_with("verify-healthy.json", "\"diagnosis\":\"healthy\"",
		    "\"diagnosis\":\"cosmic-rays\"", false);
	refuse_with("verify-healthy.json", "\"status\":\"ok\"",
		    "\"status\":\"fine\"", false);
	refuse_with("verify-healthy.json", "\"dcs\":", "\"dcz\":", false);
	refuse_with("verify-healthy.json", "\"account\":", "\"acount\":",
		    false);
	refuse_with("reset-plan.json", "\"journal\",", "\"journey\",", true);
	refuse_with("reset-plan.json", "\"action\":\"admin-reset\"",
		    "\"action\":\"pray\"", true);
	refuse_with("reset-plan.json", "\"before\":{", "\"bfore\":{", true);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_healthy),
		cmocka_unit_test(test_verify_broken),
		cmocka_unit_test(test_reset_plan),
		cmocka_unit_test(test_refused),
	};

	data_dir = argc > 1 ? argv[1] : "tests/unit/data";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
