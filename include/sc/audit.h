/*
 * libsc - audit: every computer account of the domain, from any member
 *
 * sc_audit() reads every computer object in one LDAP search from one DC
 * (paged per RFC 2696; unpaged on a Samba DC, where paging costs the DC
 * four times the work), bound with GSSAPI as this machine (its keytab) or as
 * an administrator, and judges each account with sc_audit_judge(), a pure
 * function: password age against the fleet's rotation limit, disabled,
 * never rotated since the join, a dNSHostName or SPN two accounts share,
 * RC4-only or empty msDS-SupportedEncryptionTypes, no dNSHostName, and
 * lastLogonTimestamp far behind pwdLastSet.  It never prints.
 */
#ifndef SC_AUDIT_H
#define SC_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>
#include <sc/status.h>
#include <sc/store.h>
#include <sc/verify.h>

/* One computer object as the directory holds it. */
struct sc_audit_account {
	const char *name;		/* sAMAccountName, e.g. WEB1$ */
	const char *dn;
	uint32_t uac;			/* userAccountControl */
	time_t pwd_last_set;		/* Unix time; 0: never set */
	time_t when_created;		/* Unix time; 0: unknown */
	time_t last_logon;		/* lastLogonTimestamp; 0: none */
	const char *dns_host_name;	/* NULL: none */
	const char **spns;		/* NULL-terminated, never NULL */
	bool has_enctypes;		/* msDS-SupportedEncryptionTypes set */
	uint32_t enctypes;
};

/* What is wrong with an account, in one word each (stable names). */
enum sc_audit_kind {
	SC_AUDIT_SHARED_DNS_NAME = 0,	/* another account has its
					 * dNSHostName: two hosts, one
					 * identity, resetting each other */
	SC_AUDIT_SHARED_SPN,		/* another account has one of its
					 * SPNs: KDC_ERR_PRINCIPAL_NOT_UNIQUE */
	SC_AUDIT_STALE_PASSWORD,	/* older than max_age: rotation
					 * stopped (host gone, trust lost) */
	SC_AUDIT_NEVER_ROTATED,		/* unchanged since the account was
					 * created, older than max_age */
	SC_AUDIT_LOGON_BEHIND,		/* no logon for logon_lag before
					 * the last password set */
	SC_AUDIT_RC4_ONLY,		/* enctypes allow RC4 and no AES */
	SC_AUDIT_NO_ENCTYPES,		/* empty or unset enctypes: the KDC
					 * falls back to its default (RC4) */
	SC_AUDIT_NO_DNS_NAME,		/* no dNSHostName */
	SC_AUDIT_DISABLED,		/* ACCOUNTDISABLE set (information) */
	SC_AUDIT_KIND_COUNT
};

/* One finding about one account. */
struct sc_audit_finding {
	enum sc_audit_kind kind;
	enum sc_health severity;	/* OK = information only */
	size_t account;			/* index into the accounts */
	const char *detail;		/* one line, e.g. "also on WEB2$" */
};

/* The limits an account is judged by. */
struct sc_audit_limits {
	time_t now;
	int64_t max_age;		/* s: a password older is stale */
	int64_t logon_lag;		/* s: last logon this long before the
					 * last password set is suspicious */
};

#define SC_AUDIT_DEFAULT_MAX_AGE	(60 * 86400)
/* lastLogonTimestamp is written only every 9-14 days (the default
 * msDS-LogonTimeSyncInterval of 14 days minus up to 5 random ones) */
#define SC_AUDIT_DEFAULT_LOGON_LAG	(30 * 86400)

/*
 * Judge accounts[0..count): every finding, in account order, kinds in
 * enum order within an account.  Pure (no I/O): unit tests feed it
 * directories.  *findings_out is a talloc array on mem_ctx.
 */
enum sc_rc sc_audit_judge(TALLOC_CTX *mem_ctx,
			  const struct sc_audit_account *accounts,
			  size_t count, const struct sc_audit_limits *limits,
			  struct sc_audit_finding **findings_out,
			  size_t *finding_count_out,
			  struct sc_error **err_out);

/* The worst severity of the findings (SC_HEALTH_OK when none). */
enum sc_health sc_audit_health(const struct sc_audit_finding *findings,
			       size_t count);

/* Stable lower-case name ("stale-password") and a one-line text. */
const char *sc_audit_kind_name(enum sc_audit_kind kind);
const char *sc_audit_kind_text(enum sc_audit_kind kind);

struct sc_audit_opts {
	const char *smb_conf;		/* NULL: Samba's default */
	const char *keytab;		/* NULL: what Samba uses */
	const char *server;		/* NULL: DNS SRV discovery */
	int timeout;			/* seconds per exchange */
	unsigned page_size;		/* 0: one unpaged search on a Samba
					 * DC, pages of 1000 (AD's
					 * MaxPageSize) on any other */
	const char *admin_user;		/* bind as USER[@REALM]; NULL: as
					 * the machine, with its keytab */
	const struct sc_secret *admin_password;
	const char *admin_ccache;	/* or the administrator's TGT here */
	struct sc_audit_limits limits;	/* now 0: the current time */
	sc_message_fn message;
	void *message_data;
};

struct sc_audit_result {
	const char *realm;
	const char *dc;			/* the DC read from */
	const char *bound_as;		/* the principal of the bind */
	const char *base;		/* the naming context searched */
	size_t account_count;
	struct sc_audit_account *accounts;
	size_t finding_count;
	struct sc_audit_finding *findings;
	struct sc_audit_limits limits;	/* as applied */
	unsigned pages;			/* pages of the search */
	unsigned page_size;		/* 0: it was one unpaged search */
	double search_seconds;		/* the paged search alone */
	double seconds;			/* the whole run */
	enum sc_health health;		/* worst finding; UNKNOWN when the
					 * directory could not be read */
	const char *detail;		/* one line: what the DC said */
};

/*
 * Read and judge every computer account.  A DC that cannot be reached,
 * refuses the bind or the search is a result (health UNKNOWN, detail
 * says why); only bad arguments and local failures are errors.
 */
enum sc_rc sc_audit(TALLOC_CTX *mem_ctx, const struct sc_audit_opts *opts,
		    struct sc_audit_result **result_out,
		    struct sc_error **err_out);

#endif
