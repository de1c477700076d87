/*
 * libsc - verify: stores -> probes -> verdict
 *
 * sc_verify() reads the local stores, finds the DC(s), presents each
 * distinct candidate secret at most once per DC and path, and turns the
 * answers into one verdict with the repair it calls for.  It never prints:
 * progress goes through the message callback.
 */
#ifndef SC_VERIFY_H
#define SC_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <talloc.h>
#include <sc/status.h>
#include <sc/store.h>
#include <sc/probe.h>

enum sc_health {
	SC_HEALTH_OK = 0,	/* every path works with the current secret */
	SC_HEALTH_WARNING,	/* works, but degraded */
	SC_HEALTH_BROKEN,	/* the trust is broken on some path */
	SC_HEALTH_UNKNOWN,	/* could not decide */
};

/* What is wrong, in one word.  Texts live in the explain table. */
enum sc_diag {
	SC_DIAG_HEALTHY = 0,
	SC_DIAG_PREVIOUS_ONLY,		/* DC accepts only the previous pw */
	SC_DIAG_KEYTAB_STALE,		/* keytab keys rejected, secrets ok */
	SC_DIAG_KEYTAB_MISSING,		/* no keytab entries for the account */
	SC_DIAG_KEYTAB_EXTRA,		/* stale extra keytab entries */
	SC_DIAG_SECRETS_STALE,		/* secrets.tdb rejected, keytab ok */
	SC_DIAG_ALL_REJECTED,		/* DC rejects every local secret */
	SC_DIAG_ACCOUNT_DELETED,
	SC_DIAG_ACCOUNT_DISABLED,
	SC_DIAG_ACCOUNT_GONE,		/* deleted or disabled, undecided */
	SC_DIAG_CLOCK_SKEW,
	SC_DIAG_DC_UNREACHABLE,
	SC_DIAG_NO_SECRET,		/* no machine password stored */
	SC_DIAG_DC_NOT_FOUND,		/* no DC found in DNS */
	SC_DIAG_REPL_LAG,		/* this DC has an older copy of the
					 * account than another DC (--all-dcs) */
	SC_DIAG_KEYTAB_ENCTYPES,	/* the keytab lacks the AES keys the
					 * account has: kinit -k fails */
	SC_DIAG_RC4_ONLY,		/* works only with RC4 */
	SC_DIAG_ROTATORS,		/* several rotators, or none */
	SC_DIAG_ACCEPTOR,		/* a keytab principal cannot accept */
	SC_DIAG_KEYTAB_KVNO,		/* keytab-only host: the keytab's newest
					 * keys are accepted, under a kvno
					 * below the DC's */
	SC_DIAG_COUNT
};

enum sc_repair {
	SC_REPAIR_NONE = 0,
	SC_REPAIR_REWRITE_KEYTAB,	/* from the good secrets.tdb password */
	SC_REPAIR_CHANGE_PASSWORD,	/* rotate with own credentials */
	SC_REPAIR_ADMIN_RESET,		/* set with administrator credentials */
	SC_REPAIR_REJOIN,
	SC_REPAIR_ENABLE_ACCOUNT,
	SC_REPAIR_FIX_TIME,
	SC_REPAIR_FIX_NETWORK,
	SC_REPAIR_FIX_DNS,
	SC_REPAIR_WAIT_REPLICATION,	/* the DC will catch up by itself */
	SC_REPAIR_ENABLE_AES,		/* AES on the account and krb5.conf */
	SC_REPAIR_ONE_ROTATOR,		/* exactly one rotator */
	SC_REPAIR_FIX_ACCEPTOR,		/* SPN or keytab of a service */
	SC_REPAIR_RELABEL_KEYTAB,	/* the accepted keys again, at the
					 * DC's kvno */
	SC_REPAIR_COUNT
};

/* The state of one path on one DC. */
struct sc_path_state {
	enum sc_health health;
	bool has_ntstatus;
	uint32_t ntstatus;
	bool has_krb5;
	int32_t krb5_code;
	bool remembered;		/* from an earlier run's rejection */
	const char *summary;		/* one line */
};

/* One principal of the account proven as an acceptor ('kvno -k'). */
struct sc_acceptor {
	const char *principal;
	const char *keytab;		/* the keytab whose key was tried */
	bool got_ticket;		/* the DC issued a service ticket */
	bool ok;			/* and the keytab's key opened it */
	uint32_t kvno;			/* the ticket's kvno and enctype */
	int32_t enctype;
	int32_t krb5_code;		/* why not, 0 when ok */
	uint32_t opened_kvno;		/* not ok, but the principal's key
					 * of this other kvno opened it (the
					 * same key, labelled behind), or 0 */
	const char *detail;
};

struct sc_dc_report {
	struct sc_dc dc;
	size_t acceptor_count;
	struct sc_acceptor *acceptors;	/* every service principal of the keytabs
					 * (any kvno), proven on this DC */
	size_t attempt_count;
	struct sc_attempt *attempts;	/* in the order they were made */
	struct sc_ldap_result *ldap;	/* NULL if the path was not run */
	struct sc_path_state paths[SC_PATH_COUNT];
	bool path_run[SC_PATH_COUNT];
	int max_skew;			/* Kerberos clock limit, s; 0: 300 */
	struct sc_verdict_dc {		/* this DC's own verdict */
		enum sc_health health;
		enum sc_diag diag;
		enum sc_repair repair;
	} verdict;
	bool repl_lag;			/* behind repl_ahead_dc (--all-dcs) */
	uint32_t repl_ahead_kvno;	/* the kvno that DC has */
	const char *repl_ahead_dc;
	bool memory_dropped;		/* remembered rejections forgotten:
					 * this DC's account changed */
};

struct sc_verdict {
	enum sc_health health;
	enum sc_diag diag;
	enum sc_repair repair;
	const char *dc;			/* the DC the verdict is about */
};

/* Progress: one line per step, without trailing newline. */
typedef void (*sc_message_fn)(void *private_data, const char *line);

struct sc_verify_opts {
	const char *smb_conf;		/* NULL: Samba's default */
	const char *keytab;		/* NULL: what Samba uses */
	const char *const *more_keytabs;/* other keytabs holding the
					 * account's keys, NULL-terminated */
	const char *server;		/* NULL: DNS SRV discovery */
	const char *site;		/* AD site whose DCs come first */
	const char *host;		/* account to verify, NULL: this host */
	const char *state_dir;		/* NULL: /var/lib/netchk */
	unsigned paths;			/* bit mask of 1 << enum sc_path */
	int timeout;			/* seconds per exchange */
	double deadline;		/* seconds from the start of
					 * sc_verify() after which nothing
					 * more goes to the network, whatever
					 * the number of DCs; what has not
					 * answered by then is reported as not
					 * answering.  0: 3 x timeout */
	bool recheck;			/* ignore remembered rejections */
	bool all_dcs;			/* probe every DC concurrently, one
					 * verdict each (needs no --server) */
	sc_message_fn message;
	void *message_data;
};

struct sc_verify_result {
	struct sc_config *config;
	const char *account;		/* MEMBER1$ */
	struct sc_secrets *secrets;	/* NULL if unreadable */
	struct sc_keytab *keytab;	/* NULL if unreadable / absent */
	size_t more_keytab_count;	/* the host's other keytabs with the
					 * account's principals (service
					 * keytabs), proven as acceptors */
	struct sc_keytab **more_keytabs;
	/*
	 * Encryption types, as msDS-SupportedEncryptionTypes bits (0x4 RC4,
	 * 0x8 AES128, 0x10 AES256): the keytab's newest kvno, the account's
	 * (LDAP) and krb5.conf's permitted_enctypes.
	 */
	struct sc_enctypes {
		uint32_t keytab;
		bool has_account;
		uint32_t account;
		uint32_t permitted;
		const char *finding;	/* one line, NULL: none */
	} enctypes;
	/* Who rotates the machine password here (rotators.c). */
	size_t rotator_count;
	struct sc_rotator {
		const char *name;	/* winbind, sssd, adcli, msktutil */
		int interval;		/* seconds, 0: unknown */
		const char *source;	/* the file that says so */
	} *rotators;
	const char *rotator_finding;	/* two that drift, or none */
	const char *netlogon_untested;	/* keytab-only host without an RC4
					 * key: why netlogon was not run */
	size_t dc_count;
	struct sc_dc_report *dcs;
	struct sc_verdict verdict;
	double seconds;
};

/*
 * The netlogon path of each DC runs in a child process of its own
 * (Samba's DCE/RPC client is not thread-safe), forked from the calling
 * thread: call sc_verify() while the program has one thread, as a fork
 * beside running threads may copy a lock one of them holds.
 */
enum sc_rc sc_verify(TALLOC_CTX *mem_ctx, const struct sc_verify_opts *opts,
		     struct sc_verify_result **result_out,
		     struct sc_error **err_out);

/*
 * The verdict for one DC report and the local stores.  Pure: exported
 * so that unit tests can feed it every combination.
 */
struct sc_verdict sc_verdict_compute(const struct sc_dc_report *report,
				     const struct sc_secrets *secrets,
				     const struct sc_keytab *keytab);

/* Stable lower-case names for JSON and --path. */
const char *sc_path_name(enum sc_path path);
const char *sc_cand_name(enum sc_cand cand);
const char *sc_outcome_name(enum sc_outcome outcome);
const char *sc_health_name(enum sc_health health);
const char *sc_diag_name(enum sc_diag diag);
const char *sc_repair_name(enum sc_repair repair);

/* Plain-words diagnosis and the advice for a verdict. */
const char *sc_diag_text(enum sc_diag diag);
const char *sc_repair_text(enum sc_repair repair);

/* Discover DCs of dns_domain via DNS SRV _ldap._tcp.dc._msdcs. */
enum sc_rc sc_dc_discover(TALLOC_CTX *mem_ctx, const char *dns_domain,
			  struct sc_dc **dcs_out, size_t *count_out,
			  struct sc_error **err_out);

/*
 * The same, with the DCs of site (when not NULL) first:
 * _ldap._tcp.<site>._sites.dc._msdcs.<dns_domain>, then the domain's.
 */
enum sc_rc sc_dc_discover_site(TALLOC_CTX *mem_ctx, const char *dns_domain,
			       const char *site, struct sc_dc **dcs_out,
			       size_t *count_out, struct sc_error **err_out);

/* Resolve one DC name (or address) to a struct sc_dc. */
enum sc_rc sc_dc_resolve(TALLOC_CTX *mem_ctx, const char *name,
			 struct sc_dc **dc_out, struct sc_error **err_out);

#endif
