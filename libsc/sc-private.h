/*
 * libsc internals shared between modules (sci_ prefix, not exported)
 */
#ifndef SC_PRIVATE_H
#define SC_PRIVATE_H

#include <stdarg.h>
#include <sys/types.h>
#include <sc/sc.h>

#ifndef PRINTF_ATTRIBUTE
#define PRINTF_ATTRIBUTE(a, b) __attribute__((format(printf, a, b)))
#endif

/*
 * Fill *err_out (when err_out is not NULL) with a new sc_error on
 * mem_ctx and return rc, so callers can write
 *	return sci_error(mem_ctx, err_out, SC_ENOENT, SC_ERRDOM_ERRNO, errno,
 *			 "cannot open %s", path);
 */
enum sc_rc sci_error(TALLOC_CTX *mem_ctx, struct sc_error **err_out,
		     enum sc_rc rc, enum sc_errdom domain, int64_t code,
		     const char *fmt, ...) PRINTF_ATTRIBUTE(6, 7);

/* Monotonic seconds, for timing exchanges. */
double sci_now(void);

/*
 * How long a probe may wait for the DC: its timeout (dflt when unset),
 * cut to what is left before opts->deadline; 0 when the deadline passed.
 */
double sci_probe_wait(const struct sc_probe_opts *opts, int dflt);

/* UTF-8 -> UTF-16LE into a wiping secret; false on invalid UTF-8. */
bool sci_utf8_to_utf16le(TALLOC_CTX *mem_ctx, const uint8_t *in, size_t len,
			 struct sc_secret **out);

/*
 * MS-NRPC 3.1.4.3.1 (AES): session key and credential computation.
 * sk = HMAC-SHA256(nt_hash, client_chal || server_chal)[0..15];
 * cred = AES-128-CFB8(sk, IV = 0, chal).
 */
bool sci_netlogon_session_key(const uint8_t nt_hash[16],
			      const uint8_t client_chal[8],
			      const uint8_t server_chal[8],
			      uint8_t sk_out[16]);
bool sci_netlogon_cred(const uint8_t sk[16], const uint8_t in[8],
		       uint8_t out[8]);

/*
 * What libsc takes from Samba lives in libsc-samba.so (loadparm, NTSTATUS
 * tables) and libsc-netlogon.so (DCE/RPC), the LDAP probe in
 * libsc-ldap.so; libsc loads them on first use (module-loader.c), so
 * libsc.so itself links no Samba, OpenLDAP or GnuTLS library.
 * Each *_impl is the module's function; the wrapper without the suffix
 * (or the public sc_ function) loads the module and calls it.
 *
 * The netlogon probe proper; sc_probe_netlogon() has the same contract.
 */
enum sc_rc sci_netlogon_probe_impl(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc, const char *account,
				   const char *computer,
				   uint32_t sec_channel_type,
				   const struct sc_secret *nt_hash,
				   struct sc_attempt **attempt_out,
				   struct sc_error **err_out);

/*
 * Load the netlogon and samba modules and initialise Samba's DCE/RPC
 * stack once, in this process, before threads start and children are
 * forked (so no child waits on another thread's pthread_once, or pays
 * for the loading again).  Nothing happens when a module cannot be
 * loaded: the probe reports that itself.
 */
void sci_netlogon_preload(void);
uint32_t sci_netlogon_init_impl(void);

/*
 * --- probe-child.c ----------------------------------------------------------
 * Probing in a forked child, killed at a deadline.  Fork only while the
 * process has one thread.  For each request line the child calls fn,
 * which may send lines on fd as it goes (sci_child_send) and returns its
 * closing text; "end\n" follows.  Nothing secret may be sent: attempts
 * carry a one-way fingerprint at most.
 */
struct sci_child;
typedef char *(*sci_child_fn)(TALLOC_CTX *mem_ctx, void *data,
			      const char *request, int fd);
enum sc_rc sci_child_start(TALLOC_CTX *mem_ctx, sci_child_fn fn, void *data,
			   struct sci_child **child_out,
			   struct sc_error **err_out);
bool sci_child_send(int fd, const char *text);
/* Send one request line (with its "\n"); false when the child is gone. */
bool sci_child_request(struct sci_child *child, const char *request);
/*
 * Everything the child sent for the request until its "end" line, or
 * until deadline: then the child is killed and reaped and answers
 * nothing more.  *complete_out says which.
 */
enum sc_rc sci_child_answer(TALLOC_CTX *mem_ctx, struct sci_child *child,
			    double deadline, char **text_out,
			    bool *complete_out);
/* One line per attempt ("a ..."), one for the result ("rc ..."). */
char *sci_attempt_encode(TALLOC_CTX *mem_ctx, const struct sc_attempt *a);
char *sci_rc_encode(TALLOC_CTX *mem_ctx, enum sc_rc rc,
		    const struct sc_error *err);
/*
 * The attempts and the result line of such a text; whole lines only, and
 * lines that do not parse are skipped.  *have_rc_out is false when no
 * result line came (the child was killed or died).
 */
enum sc_rc sci_attempts_decode(TALLOC_CTX *mem_ctx, const char *text,
			       struct sc_attempt **attempts_out,
			       size_t *count_out, bool *have_rc_out,
			       enum sc_rc *rc_out, struct sc_error **err_out);

/* smb.conf as Samba's loadparm reads it: raw values, NULL when unset. */
struct sci_samba_conf {
	const char *workgroup;
	const char *netbios_name;
	const char *realm;
	bool security_ads;		/* security = ads */
	int machine_password_timeout;	/* seconds */
	const char *secrets_path;	/* private dir/secrets.tdb */
	const char *state_dir;
	/* dedicated keytab file, when kerberos method = dedicated keytab */
	const char *dedicated_keytab;
};
enum sc_rc sci_samba_conf_load(TALLOC_CTX *mem_ctx, const char *path,
			       struct sci_samba_conf **conf_out,
			       struct sc_error **err_out);
enum sc_rc sci_samba_conf_load_impl(TALLOC_CTX *mem_ctx, const char *path,
				    struct sci_samba_conf **conf_out,
				    struct sc_error **err_out);

/* Copies of s in upper / lower case (ASCII). */
char *sci_upper(TALLOC_CTX *mem_ctx, const char *s);
char *sci_lower(TALLOC_CTX *mem_ctx, const char *s);

#define SCI_ENCTYPE_RC4 23	/* arcfour-hmac: the key is the NT hash */

/*
 * The keytab's RC4 entry of its newest kvno (which 0) or of the newest
 * kvno below that (which 1); NULL when that kvno has none.
 */
const struct sc_keytab_entry *sci_keytab_rc4_entry(const struct sc_keytab *kt,
						   int which);

/*
 * Fill res->enctypes (keytab, account, krb5.conf) and return the finding:
 * SC_DIAG_KEYTAB_ENCTYPES, SC_DIAG_RC4_ONLY or SC_DIAG_HEALTHY (none).
 */
enum sc_diag sci_enctypes_assess(struct sc_verify_result *res);

/*
 * Every principal of the keytab's newest kvno: a service ticket from dc
 * with the machine's TGT in ccache_name, decrypted with the keytab
 * (probe-acceptor.c).  *out NULL when nothing could be proven.
 */
enum sc_rc sci_probe_acceptors(TALLOC_CTX *mem_ctx, const struct sc_dc *dc,
			       const char *realm, const char *ccache_name,
			       const struct sc_keytab *keytab,
			       struct sc_acceptor **out, size_t *count_out);

/* Fill res->rotators; SC_DIAG_ROTATORS when two can drift, or none. */
enum sc_diag sci_rotators_assess(struct sc_verify_result *res);

/*
 * A rotator changing the password right now (rotator-proc.c).  Is argv
 * an adcli/msktutil run that sets the password and writes a keytab?
 * *keytab_out: the keytab it names, NULL for its default.
 */
bool sci_rotator_cmdline(const char *const *argv, const char **keytab_out);

/*
 * Wait, up to seconds, until no process writes one of keytabs (the first
 * is the host's default) while it changes the password.  true: none runs
 * (any more); *pid_out: the one seen first, 0 when there was none.
 */
bool sci_rotator_settle(const char *const *keytabs, double seconds,
			const struct sc_verify_opts *opts, long *pid_out);

/* The keytabs a verification reads: c's, given's, c's others. */
const char **sci_verify_keytab_names(TALLOC_CTX *mem_ctx,
				     const struct sc_config *c,
				     const char *const *given);

/* Ask only for these enctypes, strongest first (keytab-enctypes.c). */
struct _krb5_get_init_creds_opt;
void sci_krb5_set_etypes(TALLOC_CTX *mem_ctx,
			 struct _krb5_get_init_creds_opt *opt,
			 const int32_t *enctypes, size_t n);

/* sssd.conf (+ conf.d): the [domain/NAME] sssd serves AD with. */
struct sci_sssd_conf {
	const char *path;
	const char *section;		/* "domain/NAME", NULL: no domain */
	const char *domain;		/* NAME */
	const char *ad_domain;
	const char *krb5_realm;
	const char *ad_hostname;
	const char *ad_server;		/* comma list, _srv_ = DNS */
	const char *ad_site;
	const char *krb5_keytab;
	const char *id_provider;
	const char *renewal_opts;
	bool update_samba;
	bool max_age_set;
	int max_age_days;		/* default 30 */
};
/* sssd.conf's path: PATH if given, else $NETCHK_SSSD_CONF (tests), else
 * /etc/sssd/sssd.conf. */
const char *sci_sssd_conf_path(const char *path);
enum sc_rc sci_sssd_conf_load(TALLOC_CTX *mem_ctx, const char *path,
			      struct sci_sssd_conf **conf_out,
			      struct sc_error **err_out);

/* krb5.conf as MIT reads it (config-krb5.c). */
const char *sci_krb5_conf_path(TALLOC_CTX *mem_ctx);
char *sci_krb5_default_realm(TALLOC_CTX *mem_ctx);
int sci_krb5_clockskew(void);
/* The default keytab and where its name came from. */
char *sci_krb5_default_keytab(TALLOC_CTX *mem_ctx, const char **from_out);
/* realm's kdc entries (ports dropped) when dns_lookup_kdc is off, else
 * NULL; NULL-terminated. */
const char **sci_krb5_realm_kdcs(TALLOC_CTX *mem_ctx, const char *realm);

/*
 * The configuration of a host without an AD member smb.conf: krb5.conf,
 * sssd.conf (sssd_conf, NULL: /etc/sssd/sssd.conf) and the keytab
 * (config-host.c).  why says why smb.conf was not used.
 */
/*
 * Other keytabs of the host (config-keytabs.c): name added to
 * c->more_keytabs unless it is c->keytab_name or already there; every
 * keytab of a 'sync machine password to keytab' value; that value read
 * from smb.conf's [global] as text (Samba before 4.21 does not know it).
 */
void sci_config_more_keytab(struct sc_config *c, const char *name);
void sci_config_sync_keytabs(struct sc_config *c, const char *value);
void sci_config_sync_keytabs_file(struct sc_config *c, const char *smb_conf);

enum sc_rc sci_config_load_keytab_host(TALLOC_CTX *mem_ctx,
				       const char *sssd_conf,
				       const char *keytab_override,
				       struct sc_config **config_out,
				       struct sc_error **err_out);

/*
 * Samba's NTSTATUS names and messages (sc_ntstatus_name/_message wrap
 * the first two).  sci_ntstatus_code() is nt_status_string_to_code():
 * false when the module cannot be loaded.
 */
const char *sci_ntstatus_name_impl(uint32_t ntstatus);
const char *sci_ntstatus_message_impl(uint32_t ntstatus);
uint32_t sci_ntstatus_code_impl(const char *name);
bool sci_ntstatus_code(const char *name, uint32_t *code_out);

/*
 * A clock skew, whoever noticed it: the KDC (KRB_AP_ERR_SKEW) or MIT
 * checking the KDC's reply against this host's clockskew
 * (KRB5_KDCREP_SKEW).  Never a statement about the secret.
 */
static inline bool sci_krb5_is_skew(int32_t code)
{
	return code == -1765328347 /* KRB5KRB_AP_ERR_SKEW */ ||
	       code == -1765328236 /* KRB5_KDCREP_SKEW */;
}

/*
 * Open a local store for reading, bounded (store-open.c): O_NONBLOCK, so
 * a FIFO or a device does not hang the open; then it must be a regular
 * file of at most max_size bytes.  The fd (blocking again), or -1 with
 * errno: EFTYPE_STORE when it is not a regular file (*st_out says what
 * it is), EFBIG when it is larger, else open's.  flags: e.g. O_NOFOLLOW.
 */
#define EFTYPE_STORE 0x4e43			/* no errno has this value */
#define SCI_MAX_KEYTAB ((off_t)16 << 20)	/* 16 MiB */
#define SCI_MAX_TDB ((off_t)256 << 20)		/* secrets.tdb: 256 MiB */
#define SCI_MAX_CONF ((off_t)4 << 20)		/* text files: 4 MiB */
struct stat;
int sci_open_store(const char *path, int flags, off_t max_size,
		   struct stat *st_out);
/* "a FIFO", "a directory", ... */
const char *sci_file_kind(mode_t mode);
/* The one-line error for a failed sci_open_store() of "what path". */
enum sc_rc sci_store_open_error(TALLOC_CTX *mem_ctx,
				struct sc_error **err_out, const char *what,
				const char *path, int e,
				const struct stat *st, off_t max_size);

/* Emit one progress line through the caller's message callback. */
void sci_message(const struct sc_verify_opts *opts, const char *fmt, ...)
	PRINTF_ATTRIBUTE(2, 3);

/*
 * Write a file atomically: a temporary file in the same directory, fsync,
 * rename over path, fsync the directory.  mode applies from creation on
 * (0600 for anything holding or describing a secret).
 */
enum sc_rc sci_write_file_atomic(TALLOC_CTX *mem_ctx, const char *path,
				 const void *data, size_t len, mode_t mode,
				 struct sc_error **err_out);

/*
 * Lockout memory: which secret fingerprints which DC rejected on which
 * path, so later runs do not present them again (a KDC counts every
 * wrong key against badPwdCount).
 */
struct sci_reject {
	char *realm;
	char *dc;
	enum sc_path path;
	char fingerprint[17];
	bool has_ntstatus;
	uint32_t ntstatus;
	bool has_krb5;
	int32_t krb5_code;
	time_t when;
	/* the account as that DC showed it over LDAP in the rejecting run:
	 * a change (replication, reset) ends the memory of the rejection */
	bool has_acct;
	uint32_t acct_kvno;
	int64_t acct_pwd_last_set;
};

/* A realm's lockOutObservationWindow, as its domain object said. */
struct sci_window {
	char *realm;
	int64_t seconds;		/* -1: never (no reset by time) */
};

struct sci_state {
	char *path;			/* NULL: memory only (not persisted) */
	size_t count;
	struct sci_reject *rejects;
	size_t window_count;
	struct sci_window *windows;
	bool dirty;
	/*
	 * The one remembered rejection this run may present again (see
	 * sci_state_recall); cleared when its answer is recorded.
	 */
	bool granted;
	enum sc_path grant_path;
	char *grant_dc;
	char grant_fp[17];
	int lock_fd;			/* rejected-secrets.lock, held */
};

/* The answers that mean "this secret is wrong" (the only remembered). */
bool sci_wrong_secret(enum sc_path path, bool has_ntstatus, uint32_t ntstatus,
		      bool has_krb5, int32_t krb5_code);

/*
 * The state directory, created 0700 if missing, made 0700 if it is ours
 * with another mode; -1 (errno) for a non-directory or a directory of
 * another user.  An O_DIRECTORY fd otherwise.
 */
int sci_state_dir_open(const char *dir);

/*
 * Load the memory of dir (NULL: memory only) and lock it until the
 * returned state is freed, waiting up to max_wait seconds for another
 * run to finish (said through narrate's message callback, if any).
 * SC_EBUSY when it does not.
 */
enum sc_rc sci_state_load(TALLOC_CTX *mem_ctx, const char *dir,
			  double max_wait,
			  const struct sc_verify_opts *narrate,
			  struct sci_state **state_out,
			  struct sc_error **err_out);

/* What the memory says about presenting a secret now. */
enum sci_recall {
	SCI_RECALL_NONE,		/* not remembered: present it */
	SCI_RECALL_REMEMBERED,		/* use the remembered answer */
	SCI_RECALL_RETRY,		/* older than the window: once more */
};
enum sci_recall sci_state_recall(struct sci_state *state, const char *realm,
				 const char *dc, enum sc_path path,
				 const char *fingerprint, time_t now,
				 const struct sci_reject **reject_out);
/* The realm's lockout observation window: as last read, else 30 min. */
int64_t sci_state_window(const struct sci_state *state, const char *realm);
void sci_state_set_window(struct sci_state *state, const char *realm,
			  int64_t seconds);
const struct sci_reject *sci_state_find(const struct sci_state *state,
					const char *realm, const char *dc,
					enum sc_path path,
					const char *fingerprint);
void sci_state_record(struct sci_state *state, const char *realm,
		      const char *dc, const struct sc_attempt *attempt);
enum sc_rc sci_state_save(struct sci_state *state, struct sc_error **err_out);
/* Stamp the DC's not yet stamped rejections with its account state. */
void sci_state_stamp(struct sci_state *state, const char *realm,
		     const char *dc, uint32_t kvno, int64_t pwd_last_set);
/* Forget the DC's rejections stamped with another account state; the
 * number forgotten. */
size_t sci_state_forget_changed(struct sci_state *state, const char *realm,
				const char *dc, uint32_t kvno,
				int64_t pwd_last_set);
/* Whether some rejection of that DC carries an account stamp. */
bool sci_state_has_stamped(const struct sci_state *state, const char *realm,
			   const char *dc);

/*
 * --- dc-discover.c / probe-ldap.c (owner: ld) -----------------------------
 * Pure helpers, exported to tests/unit/test-ldap.c.
 */

/* One SRV record (RFC 2782) as sci_srv_sort() orders it. */
struct sci_srv {
	const char *target;		/* host name, no trailing dot */
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
};

/*
 * Order SRV records the RFC 2782 way, but deterministically: priority
 * ascending, then weight descending, then target name (case-insensitive).
 */
void sci_srv_sort(struct sci_srv *srv, size_t count);

/*
 * LDAP GeneralizedTime ("20240101120000.0Z", X.680 forms with optional
 * minutes, seconds, fraction and Z or +-hh[mm]) -> Unix time, fraction
 * dropped.  False on anything malformed.
 */
bool sci_gentime_parse(const char *s, time_t *out);

/*
 * An AD FILETIME attribute (decimal count of 100 ns since 1601, e.g.
 * pwdLastSet) -> Unix time; 0 for "never" (0) and anything before 1970.
 * False on anything that is not a decimal 64-bit integer.
 */
bool sci_filetime_parse(const char *s, time_t *out);

/*
 * An AD interval (lockOutObservationWindow: negative 100 ns units) ->
 * whole seconds, at least 1; -1 for "never" (the most negative value).
 */
bool sci_ad_interval_parse(const char *s, int64_t *seconds_out);

/* An assertion value escaped per RFC 4515 (*, (, ), \, controls). */
char *sci_ldap_escape_filter(TALLOC_CTX *mem_ctx, const char *value);

/*
 * The parent of an LDAP DN (everything after the first RDN's unescaped
 * ','), e.g. the server object of an nTDSDSA "CN=NTDS Settings,CN=DC1,
 * CN=Servers,...".  NULL when dn has a single RDN or is malformed.
 */
char *sci_dn_parent(TALLOC_CTX *mem_ctx, const char *dn);

/*
 * The domain's PDC emulator as dc knows it, bound with GSSAPI from
 * ccache_name: the defaultNamingContext's fSMORoleOwner, whose parent
 * (the server object) carries the dNSHostName.  When dc does not tell,
 * *pdc_out is NULL and *detail_out says why; only local failures are
 * errors.
 */
enum sc_rc sci_ldap_find_pdc(TALLOC_CTX *mem_ctx,
			     const struct sc_probe_opts *opts,
			     const struct sc_dc *dc, const char *ccache_name,
			     char **pdc_out, char **detail_out,
			     struct sc_error **err_out);

/*
 * Bound with GSSAPI from ccache_name (an administrator's TGT), find
 * account and clear ACCOUNTDISABLE in its userAccountControl.
 * *enabled_out says whether the account is enabled now; *detail_out
 * what the DC said.  Only local failures are errors.
 */
enum sc_rc sci_ldap_enable_account(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc,
				   const char *ccache_name,
				   const char *account, bool *enabled_out,
				   uint32_t *old_uac_out, uint32_t *new_uac_out,
				   char **detail_out,
				   struct sc_error **err_out);

/*
 * Every computer object under the DC's default naming context, in one
 * search (paged per RFC 2696 with page_size entries a page; page_size 0:
 * unpaged on a Samba DC, pages of 1000 elsewhere), bound with GSSAPI
 * from ccache_name (the machine's or an administrator's TGT).  What the
 * DC did is in the result (reached, bound, complete, detail); only local
 * failures are errors.
 */
struct sci_ldap_computers {
	bool reached;			/* the rootDSE answered */
	bool bound;			/* the GSSAPI bind worked */
	bool complete;			/* every page was read */
	const char *bound_as;		/* SASL user name of the bind */
	const char *base;		/* defaultNamingContext */
	const char *detail;		/* what the DC said, one line */
	size_t count;
	struct sc_audit_account *accounts;
	unsigned pages;
	unsigned page_size;		/* 0: one unpaged search */
	double seconds;			/* the search alone */
};
enum sc_rc sci_ldap_read_computers(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc,
				   const char *ccache_name,
				   unsigned page_size,
				   struct sci_ldap_computers **out,
				   struct sc_error **err_out);

#endif
