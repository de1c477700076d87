/*
 * Unit tests: the explain parser (every form people paste, boundaries,
 * garbage), the log-line scanner and the knowledge base's invariants.
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

/* Parse text; assert success and the code it names. */
static void ok(const char *text, enum sc_code_kind kind, int64_t code)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_explanation *x = NULL;
	struct sc_error *err = NULL;
	enum sc_rc rc = sc_explain_parse(mem, text, &x, &err);

	if (rc != SC_OK)
		fail_msg("'%s': rc %s: %s", text, sc_rc_name(rc),
			 err ? err->message : "?");
	assert_non_null(x);
	assert_int_equal(x->kind, kind);
	if (x->code != code)
		fail_msg("'%s': code %lld, expected %lld", text,
			 (long long)x->code, (long long)code);
	assert_non_null(x->name);
	assert_non_null(x->input);
	talloc_free(mem);
}

/* Parse text; assert the failure class and that nothing was returned. */
static void bad(const char *text, enum sc_rc want)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_explanation *x = NULL;
	struct sc_error *err = NULL;
	enum sc_rc rc = sc_explain_parse(mem, text, &x, &err);

	if (rc != want)
		fail_msg("'%s': rc %s, expected %s", text ? text : "(null)",
			 sc_rc_name(rc), sc_rc_name(want));
	assert_null(x);
	assert_non_null(err);
	assert_non_null(err->message);
	assert_null(strchr(err->message, '\n'));
	talloc_free(mem);
}

static void test_issue_forms(void **state)
{
	ok("0xC0000022", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("0xc0000022", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("C0000022", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("c0000022", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("-1073741790", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("3221225506", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("NT_STATUS_ACCESS_DENIED", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("nt_status_access_denied", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("STATUS_ACCESS_DENIED", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("ACCESS_DENIED", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("KDC_ERR_PREAUTH_FAILED", SC_CODE_KRB5, KRB5KDC_ERR_PREAUTH_FAILED);
	ok("KRB5KDC_ERR_PREAUTH_FAILED", SC_CODE_KRB5,
	   KRB5KDC_ERR_PREAUTH_FAILED);
	ok("PREAUTH_FAILED", SC_CODE_KRB5, KRB5KDC_ERR_PREAUTH_FAILED);
	ok("KRB5KRB_AP_ERR_SKEW", SC_CODE_KRB5, KRB5KRB_AP_ERR_SKEW);
	ok("KRB5_KDC_UNREACH", SC_CODE_KRB5, KRB5_KDC_UNREACH);
	ok("krb5 -1765328360", SC_CODE_KRB5, KRB5KDC_ERR_PREAUTH_FAILED);
	ok("krb5 24", SC_CODE_KRB5, KRB5KDC_ERR_PREAUTH_FAILED);
	ok("KRB5 0x18", SC_CODE_KRB5, KRB5KDC_ERR_PREAUTH_FAILED);
	ok("-1765328360", SC_CODE_KRB5, KRB5KDC_ERR_PREAUTH_FAILED);
	ok("event 5722", SC_CODE_EVENT, 5722);
	ok("Event 4771", SC_CODE_EVENT, 4771);
	ok("5722", SC_CODE_EVENT, 5722);
	ok("keytab-stale", SC_CODE_DIAG, SC_DIAG_KEYTAB_STALE);
	ok("ntstatus 0xC000018B", SC_CODE_NTSTATUS, 0xC000018B);
	ok("STATUS_MORE_ENTRIES", SC_CODE_NTSTATUS, 0x00000105);
}

static void test_boundaries(void **state)
{
	ok("0x0", SC_CODE_NTSTATUS, 0);
	ok("0", SC_CODE_NTSTATUS, 0);
	ok("00000000", SC_CODE_NTSTATUS, 0);
	ok("  \t0xC0000022 \n", SC_CODE_NTSTATUS, ACCESS_DENIED);
	ok("event \t 5722", SC_CODE_EVENT, 5722);
	ok("0x00000103", SC_CODE_NTSTATUS, 0x103);	/* STATUS_PENDING */
	bad("0xFFFFFFFF", SC_ENOENT);			/* well-formed */
	bad("4294967295", SC_ENOENT);
	bad("4294967296", SC_EINVAL);			/* > 32 bits */
	bad("0x100000000", SC_EINVAL);			/* 9 digits */
	bad("-2147483649", SC_EINVAL);
	bad("99999999999999999999999", SC_EINVAL);
	bad("-2147483648", SC_ENOENT);			/* INT32_MIN: well-formed */
	ok("-2147483643", SC_CODE_NTSTATUS, 0x80000005);
	bad("event 0", SC_EINVAL);
	bad("event 65536", SC_EINVAL);
	bad("event 65535", SC_ENOENT);
	bad("event -5722", SC_EINVAL);
	bad("krb5 99999999999", SC_EINVAL);
	bad("12345", SC_EINVAL);			/* ambiguous */
	bad("C000002", SC_ENOENT);			/* 7 hex digits */
	bad("C00000222", SC_ENOENT);			/* 9 */
}

static void test_garbage(void **state)
{
	char big[4096];

	bad(NULL, SC_EINVAL);
	bad("", SC_EINVAL);
	bad("   ", SC_EINVAL);
	bad("0x", SC_EINVAL);
	bad("0xZZ", SC_EINVAL);
	bad("-", SC_EINVAL);
	bad("--", SC_EINVAL);
	bad("foo!", SC_EINVAL);
	bad("foo", SC_ENOENT);
	bad("NT_STATUS_NO_SUCH_THING", SC_ENOENT);
	bad("KDC_ERR_NOPE", SC_ENOENT);
	bad("event", SC_ENOENT);
	bad("event 5722 extra", SC_EINVAL);
	bad("hello world", SC_EINVAL);
	bad("krb5 NT_STATUS_ACCESS_DENIED", SC_ENOENT);
	bad("ntstatus KDC_ERR_PREAUTH_FAILED", SC_ENOENT);
	bad("\xff\xfe\x01", SC_EINVAL);
	bad("0xC0000022\x01", SC_EINVAL);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bad(big, SC_EINVAL);
}

/* Scan text; assert the codes found, in order. */
static void scan(const char *text, size_t n, const enum sc_code_kind *kinds,
		 const int64_t *codes)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_explanation *x = NULL;
	struct sc_error *err = NULL;
	size_t count = 0;
	enum sc_rc rc = sc_explain_scan(mem, text, &x, &count, &err);

	if (n == 0) {
		assert_int_equal(rc, SC_ENOENT);
		assert_null(x);
		talloc_free(mem);
		return;
	}
	if (rc != SC_OK)
		fail_msg("scan '%s': %s", text, err ? err->message : "?");
	if (count != n)
		fail_msg("scan '%s': %zu codes, expected %zu", text, count, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(x[i].kind, kinds[i]);
		assert_true(x[i].code == codes[i]);
	}
	talloc_free(mem);
}

static void test_scan(void **state)
{
	scan("NETLOGON Event 5722 The session setup from the computer "
	     "MEMBER1 failed to authenticate. 0xC0000022 (0xc0000022)", 2,
	     (enum sc_code_kind[]){ SC_CODE_EVENT, SC_CODE_NTSTATUS },
	     (int64_t[]){ 5722, ACCESS_DENIED });
	scan("kinit: Preauthentication failed while getting initial "
	     "credentials", 1, (enum sc_code_kind[]){ SC_CODE_KRB5 },
	     (int64_t[]){ KRB5KDC_ERR_PREAUTH_FAILED });
	scan("Event ID: 4771 ... Failure Code: 0x18", 2,
	     (enum sc_code_kind[]){ SC_CODE_EVENT, SC_CODE_KRB5 },
	     (int64_t[]){ 4771, KRB5KDC_ERR_PREAUTH_FAILED });
	scan("wbcCheckTrustCredentials(NETCHK): error code was "
	     "NT_STATUS_NO_TRUST_SAM_ACCOUNT (0xc000018b)", 1,
	     (enum sc_code_kind[]){ SC_CODE_NTSTATUS },
	     (int64_t[]){ 0xC000018B });
	scan("krb5 error -1765328366 then Status: -1073741790", 2,
	     (enum sc_code_kind[]){ SC_CODE_KRB5, SC_CODE_NTSTATUS },
	     (int64_t[]){ KRB5KDC_ERR_CLIENT_REVOKED, ACCESS_DENIED });
	scan("kerberos_kinit_password MEMBER1$@NETCHK.TEST failed: Clients "
	     "credentials have been revoked", 1,
	     (enum sc_code_kind[]){ SC_CODE_KRB5 },
	     (int64_t[]){ KRB5KDC_ERR_CLIENT_REVOKED });
	/* Short hex, PIDs, counts and unknown codes are not codes. */
	scan("pid 4242 flags 0x18 addr 0xdeadbeef 0xC0FFEE00 12 entries", 0,
	     NULL, NULL);
	scan("", 0, NULL, NULL);
	scan(NULL, 0, NULL, NULL);
	scan("-", 0, NULL, NULL);
	scan("event", 0, NULL, NULL);
}

static void test_no_leak(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_explanation *x = NULL;
	struct sc_error *err = NULL;
	size_t n = 0;

	assert_int_equal(sc_explain_parse(mem, "foo!", &x, &err), SC_EINVAL);
	talloc_free(err);
	assert_int_equal(sc_explain_scan(mem, "nothing", &x, &n, &err),
			 SC_ENOENT);
	talloc_free(err);
	assert_int_equal(talloc_total_size(mem), 0);
	assert_int_equal(sc_explain_scan(mem, "0xC0000022 event 5722", &x,
					 &n, &err), SC_OK);
	talloc_free(x);
	assert_int_equal(talloc_total_size(mem), 0);
	talloc_free(mem);
}

static void test_table(void **state)
{
	static const uint32_t must_nt[] = {
		0xC0000022, 0xC000018B, 0xC000006D, 0xC000006A, 0xC0000064,
		0xC0000072, 0xC0000071, 0xC0000224, 0xC0000234, 0xC000005E,
		0xC0000233, 0xC0000236, 0xC00000DF, 0xC0000199, 0xC000019B,
		0xC0000192, 0xC000009A, 0xC0000388, 0x00000000,
	};
	static const int32_t must_k5[] = {
		KRB5KDC_ERR_PREAUTH_FAILED, KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN,
		KRB5KDC_ERR_CLIENT_REVOKED, KRB5KDC_ERR_KEY_EXP,
		KRB5KRB_AP_ERR_SKEW, KRB5KDC_ERR_ETYPE_NOSUPP,
		KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, KRB5_KDC_UNREACH,
		KRB5KRB_AP_ERR_BADKEYVER,
	};
	static const int must_ev[] = {
		3210, 5719, 5721, 5722, 5723, 5805, 7023, 4625, 4740, 4771,
		4776,
	};
	const struct sc_explain_entry *t;
	size_t n;

	for (size_t i = 0; i < sizeof(must_nt) / sizeof(must_nt[0]); i++)
		assert_non_null(sc_explain_lookup(SC_CODE_NTSTATUS,
						  must_nt[i]));
	for (size_t i = 0; i < sizeof(must_k5) / sizeof(must_k5[0]); i++)
		assert_non_null(sc_explain_lookup(SC_CODE_KRB5, must_k5[i]));
	for (size_t i = 0; i < sizeof(must_ev) / sizeof(must_ev[0]); i++)
		assert_non_null(sc_explain_lookup(SC_CODE_EVENT, must_ev[i]));

	t = sc_explain_table(&n);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		assert_non_null(t[i].title);
		assert_non_null(t[i].meaning);
		/* One entry per code. */
		assert_ptr_equal(sc_explain_lookup(t[i].kind, t[i].code),
				 &t[i]);
		/* Our names are Samba's and MIT's names. */
		if (t[i].kind == SC_CODE_NTSTATUS)
			assert_string_equal(t[i].name, sc_ntstatus_name(
					    (uint32_t)t[i].code));
		if (t[i].kind == SC_CODE_KRB5)
			assert_string_equal(t[i].name, sc_krb5_code_name(
					    (int32_t)t[i].code));
		if (t[i].has_ntstatus)
			assert_null(strstr(sc_ntstatus_name(t[i].ntstatus),
					   "NT code"));
		if (t[i].kind == SC_CODE_NTSTATUS ||
		    t[i].kind == SC_CODE_KRB5 || t[i].kind == SC_CODE_EVENT)
			assert_non_null(t[i].confirm ? t[i].confirm :
					t[i].kind == SC_CODE_NTSTATUS &&
					t[i].code == 0 ? "" : NULL);
	}
	/* verify's texts are the table's. */
	for (int d = 0; d < SC_DIAG_COUNT; d++) {
		const struct sc_explain_entry *e =
			sc_explain_lookup(SC_CODE_DIAG, d);

		assert_non_null(e);
		assert_ptr_equal(sc_diag_text(d), e->meaning);
		assert_ptr_equal(sc_diag_name(d), e->name);
	}
	for (int r = 0; r < SC_REPAIR_COUNT; r++) {
		const struct sc_explain_entry *e =
			sc_explain_lookup(SC_CODE_REPAIR, r);

		assert_non_null(e);
		assert_ptr_equal(sc_repair_text(r), e->meaning);
	}
	assert_string_equal(sc_diag_text(SC_DIAG_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_forms),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_no_leak),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
