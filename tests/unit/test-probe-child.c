/*
 * Unit tests for probing in a child process (probe-child.c): attempts and
 * the result survive the line format; a child answers one request after
 * another; a child that does not finish is killed at the deadline and
 * the lines it sent before still count; a half-written line is dropped,
 * not misread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "sc-private.h"

static struct sc_attempt sample(void)
{
	struct sc_attempt a = {
		.path = SC_PATH_NETLOGON, .cand = SC_CAND_PREVIOUS,
		.outcome = SC_OUTCOME_REJECTED, .has_ntstatus = true,
		.ntstatus = 0xC0000022, .seconds = 0.25,
		.detail = "NetrServerAuthenticate3: NT_STATUS_ACCESS_DENIED\nx",
	};

	memcpy(a.fingerprint, "0123456789abcdef", 17);
	return a;
}

static void test_round_trip(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_attempt a = sample(), *v = NULL;
	struct sc_error err = { .rc = SC_EINTERNAL,
				.domain = SC_ERRDOM_ERRNO, .code = 24,
				.message = "cannot load\nthe module" };
	struct sc_error *got_err = NULL;
	char *text;
	size_t n = 0;
	bool have_rc = false;
	enum sc_rc rc = SC_OK;

	(void)state;
	text = talloc_asprintf(mem, "%s%send\n", sci_attempt_encode(mem, &a),
			       sci_rc_encode(mem, SC_EINTERNAL, &err));
	assert_int_equal(sci_attempts_decode(mem, text, &v, &n, &have_rc,
					     &rc, &got_err), SC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].path, SC_PATH_NETLOGON);
	assert_int_equal(v[0].cand, SC_CAND_PREVIOUS);
	assert_int_equal(v[0].outcome, SC_OUTCOME_REJECTED);
	assert_true(v[0].has_ntstatus);
	assert_int_equal(v[0].ntstatus, 0xC0000022);
	assert_false(v[0].has_krb5);
	assert_string_equal(v[0].fingerprint, "0123456789abcdef");
	/* one line: the break became a space */
	assert_string_equal(v[0].detail, "NetrServerAuthenticate3: "
			    "NT_STATUS_ACCESS_DENIED x");
	assert_true(have_rc);
	assert_int_equal(rc, SC_EINTERNAL);
	assert_non_null(got_err);
	assert_int_equal(got_err->domain, SC_ERRDOM_ERRNO);
	assert_int_equal(got_err->code, 24);
	assert_string_equal(got_err->message, "cannot load the module");
	talloc_free(mem);
}

/* a killed child's last line may be cut: it is dropped, not misread */
static void test_partial_line(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_attempt a = sample(), *v = NULL;
	char *line = sci_attempt_encode(mem, &a), *text;
	size_t n = 9;
	bool have_rc = true;
	enum sc_rc rc = SC_ENOMEM;

	(void)state;
	text = talloc_asprintf(mem, "%s%.*s", line, 12, line);
	assert_int_equal(sci_attempts_decode(mem, text, &v, &n, &have_rc,
					     &rc, NULL), SC_OK);
	assert_int_equal(n, 1);
	assert_false(have_rc);
	assert_int_equal(sci_attempts_decode(mem, "a 0 0 garbage\nrc x\n",
					     &v, &n, &have_rc, &rc, NULL),
			 SC_OK);
	assert_int_equal(n, 0);
	assert_false(have_rc);
	talloc_free(mem);
}

/* answers "n K" with K attempts of kvno K */
static char *quick(TALLOC_CTX *mem_ctx, void *data, const char *request,
		   int fd)
{
	struct sc_attempt a = sample();
	int k = 0;

	(void)data;
	sscanf(request, "n %d", &k);
	a.kvno = (uint32_t)k;
	for (int i = 0; i < k; i++)
		sci_child_send(fd, sci_attempt_encode(mem_ctx, &a));
	return sci_rc_encode(mem_ctx, SC_OK, NULL);
}

/* sends one attempt, then hangs like a probe whose DC never answers */
static char *hangs(TALLOC_CTX *mem_ctx, void *data, const char *request,
		   int fd)
{
	struct sc_attempt a = sample();

	(void)data;
	(void)request;
	sci_child_send(fd, sci_attempt_encode(mem_ctx, &a));
	for (;;)
		pause();
	return NULL;
}

static void test_child_finishes(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_child *c = NULL;
	struct sc_attempt *v = NULL;
	char *text = NULL;
	bool complete = false, have_rc = false;
	size_t n = 0;
	enum sc_rc rc = SC_ENOMEM;

	(void)state;
	assert_int_equal(sci_child_start(mem, quick, NULL, &c, NULL), SC_OK);
	for (int k = 1; k <= 2; k++) {
		char req[8];

		snprintf(req, sizeof(req), "n %d\n", k);
		assert_true(sci_child_request(c, req));
		assert_int_equal(sci_child_answer(mem, c, sci_now() + 10,
						  &text, &complete), SC_OK);
		assert_true(complete);
		assert_int_equal(sci_attempts_decode(mem, text, &v, &n,
						     &have_rc, &rc, NULL),
				 SC_OK);
		/* this request's answer only */
		assert_int_equal(n, (size_t)k);
		assert_int_equal(v[0].kvno, (uint32_t)k);
		assert_true(have_rc);
		assert_int_equal(rc, SC_OK);
	}
	talloc_free(mem);
}

static void test_child_killed_at_deadline(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_child *c = NULL;
	struct sc_attempt *v = NULL;
	char *text = NULL;
	bool complete = true, have_rc = true;
	size_t n = 0;
	enum sc_rc rc = SC_OK;
	double t0 = sci_now(), took;

	(void)state;
	assert_int_equal(sci_child_start(mem, hangs, NULL, &c, NULL), SC_OK);
	assert_true(sci_child_request(c, "go\n"));
	assert_int_equal(sci_child_answer(mem, c, t0 + 0.3, &text,
					  &complete), SC_OK);
	took = sci_now() - t0;
	assert_true(took >= 0.29 && took < 2.0);
	assert_false(complete);
	/* what it sent before the deadline counts */
	assert_int_equal(sci_attempts_decode(mem, text, &v, &n, &have_rc,
					     &rc, NULL), SC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].outcome, SC_OUTCOME_REJECTED);
	assert_false(have_rc);
	/* killed: it takes no more requests */
	assert_false(sci_child_request(c, "go\n"));
	talloc_free(mem);
}

/* freeing a child that is still running kills and reaps it */
static void test_free_kills(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_child *c = NULL;

	(void)state;
	assert_int_equal(sci_child_start(mem, hangs, NULL, &c, NULL), SC_OK);
	assert_true(sci_child_request(c, "go\n"));
	talloc_free(mem);
	/* reaped: no child of ours is left */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_partial_line),
		cmocka_unit_test(test_child_finishes),
		cmocka_unit_test(test_child_killed_at_deadline),
		cmocka_unit_test(test_free_kills),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
