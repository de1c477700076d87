/*
 * libsc - status codes and error detail
 *
 * A libsc function returns enum sc_rc.  SC_OK means "I found out"; the
 * answer (which may well be "the DC said ACCESS_DENIED") is in the result
 * structure.  Anything else means "I could not find out", with the detail
 * in a talloc'd struct sc_error handed back through an _out parameter.
 */
#ifndef SC_STATUS_H
#define SC_STATUS_H

#include <stdint.h>
#include <talloc.h>

enum sc_rc {
	SC_OK = 0,
	SC_ENOMEM,	/* allocation failed */
	SC_EINVAL,	/* bad argument or unusable input */
	SC_ENOENT,	/* a store or entry does not exist */
	SC_EACCES,	/* a store exists but may not be read or written */
	SC_EFORMAT,	/* a store exists but is truncated or garbage */
	SC_ECONFIG,	/* smb.conf / krb5.conf do not describe a member */
	SC_ENET,	/* the DC could not be reached */
	SC_ETIMEOUT,	/* the DC did not answer in time */
	SC_EINTERNAL,	/* a library we use failed unexpectedly */
	SC_EBUSY,	/* another run holds a lock for too long */
};

/* Which numbering a code in struct sc_error belongs to. */
enum sc_errdom {
	SC_ERRDOM_NONE = 0,
	SC_ERRDOM_NTSTATUS,	/* code is an NTSTATUS (uint32) */
	SC_ERRDOM_KRB5,		/* code is a krb5_error_code (com_err) */
	SC_ERRDOM_LDAP,		/* code is an LDAP result code */
	SC_ERRDOM_ERRNO,	/* code is an errno value */
};

struct sc_error {
	enum sc_rc rc;		/* the class of failure */
	enum sc_errdom domain;	/* numbering of code */
	int64_t code;		/* the underlying library's code, or 0 */
	const char *message;	/* one line, no secret, no trailing newline */
};

/* A short stable name for an sc_rc, e.g. "ENOENT". */
const char *sc_rc_name(enum sc_rc rc);

/* Samba's name for an NTSTATUS, e.g. "NT_STATUS_ACCESS_DENIED". */
const char *sc_ntstatus_name(uint32_t ntstatus);

/* Samba's one-line message for an NTSTATUS. */
const char *sc_ntstatus_message(uint32_t ntstatus);

/* A krb5 error code's protocol name, e.g. "KDC_ERR_PREAUTH_FAILED",
 * or NULL when it is not a protocol error. */
const char *sc_krb5_code_name(int32_t code);

/* MIT's message for a krb5 error code (com_err). */
const char *sc_krb5_code_message(int32_t code);

#endif
