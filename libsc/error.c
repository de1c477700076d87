/*
 * libsc - error detail and names of foreign codes
 */
#include <stdio.h>
#include <time.h>
#include <krb5/krb5.h>
#include <com_err.h>
#include "sc-private.h"

enum sc_rc sci_error(TALLOC_CTX *mem_ctx, struct sc_error **err_out,
		     enum sc_rc rc, enum sc_errdom domain, int64_t code,
		     const char *fmt, ...)
{
	struct sc_error *err;
	va_list ap;

	if (err_out == NULL)
		return rc;
	err = talloc_zero(mem_ctx, struct sc_error);
	if (err == NULL)
		return rc;
	err->rc = rc;
	err->domain = domain;
	err->code = code;
	va_start(ap, fmt);
	err->message = talloc_vasprintf(err, fmt, ap);
	va_end(ap);
	*err_out = err;
	return rc;
}

double sci_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double sci_probe_wait(const struct sc_probe_opts *opts, int dflt)
{
	double wait = opts != NULL && opts->timeout > 0 ? opts->timeout : dflt;

	if (opts != NULL && opts->deadline > 0) {
		double left = opts->deadline - sci_now();

		if (left < wait)
			wait = left > 0 ? left : 0;
	}
	return wait;
}

const char *sc_rc_name(enum sc_rc rc)
{
	switch (rc) {
	case SC_OK: return "OK";
	case SC_ENOMEM: return "ENOMEM";
	case SC_EINVAL: return "EINVAL";
	case SC_ENOENT: return "ENOENT";
	case SC_EACCES: return "EACCES";
	case SC_EFORMAT: return "EFORMAT";
	case SC_ECONFIG: return "ECONFIG";
	case SC_ENET: return "ENET";
	case SC_ETIMEOUT: return "ETIMEOUT";
	case SC_EINTERNAL: return "EINTERNAL";
	case SC_EBUSY: return "EBUSY";
	}
	return "?";
}

/* sc_ntstatus_name() and sc_ntstatus_message() are Samba's own: see
 * module-loader.c. */

/* RFC 4120 7.5.9 names, indexed by protocol error number. */
static const char *const krb5_proto_names[] = {
	[0] = "KDC_ERR_NONE",
	[1] = "KDC_ERR_NAME_EXP",
	[2] = "KDC_ERR_SERVICE_EXP",
	[3] = "KDC_ERR_BAD_PVNO",
	[4] = "KDC_ERR_C_OLD_MAST_KVNO",
	[5] = "KDC_ERR_S_OLD_MAST_KVNO",
	[6] = "KDC_ERR_C_PRINCIPAL_UNKNOWN",
	[7] = "KDC_ERR_S_PRINCIPAL_UNKNOWN",
	[8] = "KDC_ERR_PRINCIPAL_NOT_UNIQUE",
	[9] = "KDC_ERR_NULL_KEY",
	[10] = "KDC_ERR_CANNOT_POSTDATE",
	[11] = "KDC_ERR_NEVER_VALID",
	[12] = "KDC_ERR_POLICY",
	[13] = "KDC_ERR_BADOPTION",
	[14] = "KDC_ERR_ETYPE_NOSUPP",
	[15] = "KDC_ERR_SUMTYPE_NOSUPP",
	[16] = "KDC_ERR_PADATA_TYPE_NOSUPP",
	[17] = "KDC_ERR_TRTYPE_NOSUPP",
	[18] = "KDC_ERR_CLIENT_REVOKED",
	[19] = "KDC_ERR_SERVICE_REVOKED",
	[20] = "KDC_ERR_TGT_REVOKED",
	[21] = "KDC_ERR_CLIENT_NOTYET",
	[22] = "KDC_ERR_SERVICE_NOTYET",
	[23] = "KDC_ERR_KEY_EXPIRED",
	[24] = "KDC_ERR_PREAUTH_FAILED",
	[25] = "KDC_ERR_PREAUTH_REQUIRED",
	[26] = "KDC_ERR_SERVER_NOMATCH",
	[27] = "KDC_ERR_MUST_USE_USER2USER",
	[28] = "KDC_ERR_PATH_NOT_ACCEPTED",
	[29] = "KDC_ERR_SVC_UNAVAILABLE",
	[31] = "KRB_AP_ERR_BAD_INTEGRITY",
	[32] = "KRB_AP_ERR_TKT_EXPIRED",
	[33] = "KRB_AP_ERR_TKT_NYV",
	[34] = "KRB_AP_ERR_REPEAT",
	[35] = "KRB_AP_ERR_NOT_US",
	[36] = "KRB_AP_ERR_BADMATCH",
	[37] = "KRB_AP_ERR_SKEW",
	[38] = "KRB_AP_ERR_BADADDR",
	[39] = "KRB_AP_ERR_BADVERSION",
	[40] = "KRB_AP_ERR_MSG_TYPE",
	[41] = "KRB_AP_ERR_MODIFIED",
	[42] = "KRB_AP_ERR_BADORDER",
	[44] = "KRB_AP_ERR_BADKEYVER",
	[45] = "KRB_AP_ERR_NOKEY",
	[46] = "KRB_AP_ERR_MUT_FAIL",
	[47] = "KRB_AP_ERR_BADDIRECTION",
	[48] = "KRB_AP_ERR_METHOD",
	[49] = "KRB_AP_ERR_BADSEQ",
	[50] = "KRB_AP_ERR_INAPP_CKSUM",
	[60] = "KRB_ERR_GENERIC",
	[61] = "KRB_ERR_FIELD_TOOLONG",
	[68] = "KDC_ERR_WRONG_REALM",
};

const char *sc_krb5_code_name(int32_t code)
{
	int64_t n = (int64_t)code - (int64_t)ERROR_TABLE_BASE_krb5;

	if (code == KRB5_KDC_UNREACH)
		return "KRB5_KDC_UNREACH";
	if (code == KRB5_KDCREP_SKEW)
		return "KRB5_KDCREP_SKEW";
	if (code == KRB5_REALM_UNKNOWN)
		return "KRB5_REALM_UNKNOWN";
	if (code == KRB5_KT_NOTFOUND)
		return "KRB5_KT_NOTFOUND";
	if (code == KRB5_PREAUTH_FAILED)
		return "KRB5_PREAUTH_FAILED";
	if (n < 0 || n >= (int64_t)(sizeof(krb5_proto_names) /
				     sizeof(krb5_proto_names[0])))
		return NULL;
	return krb5_proto_names[n];
}

const char *sc_krb5_code_message(int32_t code)
{
	/* MIT registers its table only in krb5_init_context(); explain
	 * asks without a context. */
	initialize_krb5_error_table();
	return error_message(code);
}

const char *sc_version(void)
{
	return SC_VERSION;
}
