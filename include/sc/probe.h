/*
 * libsc - probes: one secret, one path, one DC
 *
 * A probe presents exactly one candidate secret to exactly one DC over
 * one path and reports what the DC said.  A DC that answered "wrong
 * password" is a result (SC_OK + outcome REJECTED), not an error.
 */
#ifndef SC_PROBE_H
#define SC_PROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>
#include <sc/status.h>
#include <sc/store.h>

/* A domain controller, pinned by address for every path. */
struct sc_dc {
	const char *name;		/* DNS name, e.g. dc1.netchk.test */
	const char *address;		/* numeric IPv4/IPv6 address */
};

enum sc_path {
	SC_PATH_NETLOGON = 0,	/* ServerReqChallenge + ServerAuthenticate3 */
	SC_PATH_KERBEROS,	/* AS exchange with the account's keys */
	SC_PATH_LDAP,		/* the account as the DC stores it */
	SC_PATH_COUNT
};

/* Which local secret a probe presented. */
enum sc_cand {
	SC_CAND_CURRENT = 0,	/* secrets.tdb current password */
	SC_CAND_PREVIOUS,	/* secrets.tdb previous password */
	SC_CAND_KEYTAB,		/* the keytab's keys of one kvno */
};

enum sc_outcome {
	SC_OUTCOME_NOT_RUN = 0,	/* not presented (not needed) */
	SC_OUTCOME_ACCEPTED,	/* the DC accepted the secret */
	SC_OUTCOME_REJECTED,	/* the DC refused it: see ntstatus/krb5 */
	SC_OUTCOME_REMEMBERED,	/* refused on an earlier run: not presented */
	SC_OUTCOME_UNREACHABLE,	/* no answer from the DC */
	SC_OUTCOME_ERROR,	/* a local failure, see detail */
};

/* One presentation of one secret. */
struct sc_attempt {
	enum sc_path path;
	enum sc_cand cand;
	uint32_t kvno;			/* SC_CAND_KEYTAB: the kvno used */
	enum sc_outcome outcome;
	bool has_ntstatus;
	uint32_t ntstatus;		/* the DC's own NTSTATUS */
	bool has_krb5;
	int32_t krb5_code;		/* krb5_error_code (com_err value) */
	char fingerprint[17];		/* hex, one-way, of the secret */
	const char *detail;		/* one line, no secret */
	double seconds;			/* wall time of the exchange */
};

/* Options every probe honours. */
struct sc_probe_opts {
	int timeout;			/* seconds per network exchange */
	double deadline;		/* CLOCK_MONOTONIC seconds by which the
					 * probe gives up whatever timeout
					 * says; 0: none */
};

/*
 * Netlogon: anonymous ncacn_ip_tcp pipe to dc, NetrServerReqChallenge,
 * then NetrServerAuthenticate3 with AES credentials computed from
 * nt_hash (16 bytes).  The DC's server credential is verified too.
 * account is the sAMAccountName ("MEMBER1$"), computer the NetBIOS name.
 */
enum sc_rc sc_probe_netlogon(TALLOC_CTX *mem_ctx,
			     const struct sc_probe_opts *opts,
			     const struct sc_dc *dc, const char *account,
			     const char *computer, uint32_t sec_channel_type,
			     const struct sc_secret *nt_hash,
			     struct sc_attempt **attempt_out,
			     struct sc_error **err_out);

/* One Kerberos key for the AS probe. */
struct sc_key {
	int32_t enctype;
	uint32_t kvno;
	const struct sc_secret *key;
};

/*
 * Kerberos: AS exchange for account@realm against the KDC at dc only,
 * with the given keys (all of one kvno) and no KDC time sync, so a clock
 * skew shows as KRB_AP_ERR_SKEW.  The NTSTATUS from the KRB-ERROR e-data
 * (PA-PW-SALT) is reported when the KDC sends one.  On success, if
 * ccache_out is not NULL, the TGT is left in a MEMORY ccache whose
 * name is returned (for the LDAP probe); the caller destroys it with
 * sc_ccache_destroy().
 */
enum sc_rc sc_probe_krb5(TALLOC_CTX *mem_ctx,
			 const struct sc_probe_opts *opts,
			 const struct sc_dc *dc, const char *realm,
			 const char *account, const struct sc_key *keys,
			 size_t nkeys, struct sc_attempt **attempt_out,
			 const char **ccache_out, struct sc_error **err_out);

void sc_ccache_destroy(const char *ccache_name);

/* The account as the DC stores it (LDAP). */
struct sc_account {
	bool found;
	const char *dn;
	uint32_t uac;			/* userAccountControl */
	bool has_kvno;
	uint32_t kvno;			/* msDS-KeyVersionNumber */
	time_t pwd_last_set;		/* Unix time, 0 if unknown */
	const char *dns_host_name;
	const char **spns;		/* NULL-terminated */
	bool has_enctypes;
	uint32_t supported_enctypes;	/* msDS-SupportedEncryptionTypes */
};

/* What the LDAP path found out. */
struct sc_ldap_result {
	bool reached;			/* rootDSE answered */
	bool have_time;
	int64_t clock_offset;		/* DC time minus our time, seconds */
	bool bound;			/* GSSAPI bind as the machine worked */
	int ldap_code;			/* LDAP result code of the bind */
	const char *detail;
	struct sc_account account;
	/* the domain's lockOutObservationWindow, when bound (seconds; -1:
	 * never), which bounds the lockout memory of libsc */
	bool have_lockout_window;
	int64_t lockout_window;
};

/*
 * LDAP: read the rootDSE anonymously (the DC's currentTime, for clock
 * skew); then, if ccache_name is given, bind with GSSAPI as the machine
 * and read its own account (sAMAccountName = account).
 */
enum sc_rc sc_probe_ldap(TALLOC_CTX *mem_ctx,
			 const struct sc_probe_opts *opts,
			 const struct sc_dc *dc, const char *ccache_name,
			 const char *account,
			 struct sc_ldap_result **result_out,
			 struct sc_error **err_out);

/* The first 8 bytes of SHA-256("netchk-fp-v1" || secret), in hex. */
void sc_fingerprint(const struct sc_secret *secret, char out[17]);

/*
 * Parse the e-data of a KRB-ERROR (METHOD-DATA) and return the NTSTATUS
 * carried in PA-PW-SALT, as an AD KDC sends it.  Pure; exported for tests.
 */
bool sc_krb5_edata_ntstatus(const uint8_t *edata, size_t len,
			    uint32_t *ntstatus_out);

#endif
