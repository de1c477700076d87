/*
 * libsc - internals of reset (sci_ prefix, not exported)
 */
#ifndef SC_RESET_PRIVATE_H
#define SC_RESET_PRIVATE_H

#include <krb5/krb5.h>
#include "sc-private.h"
#include <sc/reset.h>

/*
 * A krb5 context that reads the host's krb5.conf but pins realm's KDC and
 * kpasswd server to address (no DNS, no time sync), as the probes do.
 * Freed with mem_ctx.  NULL on failure.
 */
krb5_context sci_krb5_pinned(TALLOC_CTX *mem_ctx, const char *realm,
			     const char *address);

/*
 * plan.c: is some DC's clock past the Kerberos limit?  The DC's name and
 * the offset (DC minus us, when LDAP measured it) on true.
 */
bool sci_plan_skewed(const struct sc_verify_result *res, const char **dc_out,
		     long long *offset_out, bool *has_offset_out);

/*
 * Fault injection for the tests (NETCHK_TEST_CRASH_AFTER / _STOP_AFTER,
 * see reset.c): kill or stop the run right after step.
 */
void sci_test_hook(const char *step);

/*
 * Remove the temporary files a killed reset left next to the keytab
 * (<keytab>.netchk.XXXXXX, keys) and the journal (<journal>.tmp.XXXXXX,
 * the new password); either may be NULL.  Only under the reset lock.
 * Says what it removed.
 */
void sci_remove_leftovers(TALLOC_CTX *mem_ctx, const char *keytab_name,
			  const char *journal_path,
			  const struct sc_verify_opts *vopts);

/*
 * The kvno a keytab-only host keeps beside the new kvno's keys (0: none):
 * kvno - 1 when the change was authenticated with the keytab's keys of
 * that kvno (auth, auth_kvno) and kt still holds them as its newest below
 * kvno.  See reset.c.
 */
uint32_t sci_keytab_only_keep(const struct sc_keytab *kt,
			      enum sc_plan_cred auth, uint32_t auth_kvno,
			      uint32_t kvno);

/* --- store-keytab.c ------------------------------------------------------ */

/* sc_machine_principal() on a parsed principal (n components). */
bool sci_machine_principal(const struct sc_machine_names *m,
			   const krb5_data *realm, const krb5_data *comps,
			   size_t n);

/* One record of a keytab file, to copy byte for byte. */
struct sci_kt_record {
	size_t off;			/* of its length field in the file */
	size_t len;			/* length field and body */
	uint32_t kvno;
	bool machine;			/* sci_machine_principal() */
};

/*
 * The records (holes skipped) of a keytab file's bytes, each marked as
 * the machine's or not; a record netchk cannot parse is not the
 * machine's (kept as it is).
 */
enum sc_rc sci_keytab_records(TALLOC_CTX *mem_ctx,
			      const struct sc_secret *file,
			      const struct sc_machine_names *m,
			      struct sci_kt_record **recs_out, size_t *n_out,
			      struct sc_error **err_out);

/* --- reset-preflight.c ------------------------------------------------- */

/* The fixed program search path (see reset-preflight.c). */
extern const char *const sci_safe_path;

/* name itself when it has a '/', else its first executable file in
 * sci_safe_path; NULL when there is none. */
char *sci_find_program(TALLOC_CTX *mem_ctx, const char *name);

/* The local writes a plan will make; NULL members are not written. */
struct sci_preflight {
	const char *keytab_name;	/* replaced by rename */
	const char *secrets_path;	/* written in place by net */
	const char *net_binary;		/* NULL: "net" */
	const char *journal_path;	/* replaced by rename */
};

/*
 * Try every local write of a plan before anything changes: NULL when
 * each can be made, else one line saying which cannot and why.
 */
char *sci_reset_preflight(TALLOC_CTX *mem_ctx,
			  const struct sci_preflight *in);

/* --- store-journal.c: the pending change ------------------------------- */

struct sci_journal {
	char *dc;			/* DC the change was sent to */
	char *account;
	struct sc_secret *password;	/* the pending new password */
	time_t when;
	enum sc_plan_cred auth;		/* what authenticated the change;
					 * NONE: not recorded (older netchk) */
	uint32_t auth_kvno;		/* auth keytab: the kvno of its keys */
};

/* <state_dir>/pending-<WORKGROUP>; SC_ENOENT when there is none. */
char *sci_journal_path(TALLOC_CTX *mem_ctx, const char *state_dir,
		       const char *workgroup);
enum sc_rc sci_journal_load(TALLOC_CTX *mem_ctx, const char *path,
			    struct sci_journal **journal_out,
			    struct sc_error **err_out);
enum sc_rc sci_journal_save(TALLOC_CTX *mem_ctx, const char *path,
			    const struct sci_journal *journal,
			    struct sc_error **err_out);
enum sc_rc sci_journal_clear(TALLOC_CTX *mem_ctx, const char *path,
			     struct sc_error **err_out);

/* --- store-write.c: the writers ---------------------------------------- */

/* A random machine password (printable ASCII, see store-write.c). */
struct sc_secret *sci_machine_password_new(TALLOC_CTX *mem_ctx);

/* Keys of password for each enctype, with the account's salt. */
enum sc_rc sci_derive_keys(TALLOC_CTX *mem_ctx, const char *realm,
			   const char *account,
			   const struct sc_secret *password,
			   const int32_t *enctypes, size_t n, uint32_t kvno,
			   struct sc_key **keys_out,
			   struct sc_error **err_out);

/*
 * The file a FILE keytab name is written to (through a symlink, its
 * target); NULL with *why_out when netchk cannot rewrite it.
 */
char *sci_keytab_file_path(TALLOC_CTX *mem_ctx, const char *keytab_name,
			   const char **why_out);

/*
 * Rewrite a FILE keytab atomically (temp file with the old file's owner,
 * group, mode and SELinux label, fsync, rename over a symlink's target):
 * principals (the machine's) get keys (one per enctype) at kvno; of the
 * old file's records those of other accounts (not sc_machine_principal()
 * of names) and the machine's of keep_kvno are copied byte for byte, the
 * machine's other entries are dropped.
 */
enum sc_rc sci_keytab_write_keys(TALLOC_CTX *mem_ctx,
				 const char *keytab_name,
				 const struct sc_machine_names *names,
				 const char *const *principals,
				 const struct sc_key *keys, size_t nkeys,
				 uint32_t kvno, uint32_t keep_kvno,
				 struct sc_error **err_out);

/*
 * sci_keytab_write_keys() with password's keys (the account's salt) for
 * the enctypes old had (AES256, AES128 and RC4 when old is NULL or empty).
 */
enum sc_rc sci_keytab_write(TALLOC_CTX *mem_ctx, const char *keytab_name,
			    const struct sc_machine_names *names,
			    const char *const *principals,
			    const struct sc_keytab *old,
			    const struct sc_secret *password, uint32_t kvno,
			    uint32_t keep_kvno, struct sc_error **err_out);

/*
 * 'net changesecretpw -i' reads at most 255 bytes from stdin and cuts
 * the rest off silently (Samba 4.17): longer passwords are refused.
 */
#define SCI_NET_PW_MAX 255

/*
 * secrets.tdb: current -> previous, password -> current, last change
 * time, and Samba 4.17's MACHINE_DOMAIN_INFO blob, by Samba's own writer.
 */
enum sc_rc sci_secrets_write(TALLOC_CTX *mem_ctx, const char *net_binary,
			     const char *smb_conf,
			     const struct sc_secret *password,
			     struct sc_error **err_out);

/* --- kpasswd.c ----------------------------------------------------------- */

struct sci_kpasswd_result {
	bool authenticated;		/* the AS exchange for changepw worked */
	int32_t krb5_code;		/* its error when not */
	int result_code;		/* RFC 3244 result, 0 = success */
	char *text;			/* the server's result string */
};

/*
 * Change (target == NULL) or set (target = account) a password over
 * kpasswd on dc.  The client authenticates once with password, or with
 * the keys of keytab_name when password is NULL; never retried.
 */
enum sc_rc sci_kpasswd(TALLOC_CTX *mem_ctx, const char *realm,
		       const struct sc_dc *dc, const char *client,
		       const struct sc_secret *password,
		       const char *keytab_name, const char *target,
		       const struct sc_secret *new_password,
		       struct sci_kpasswd_result **result_out,
		       struct sc_error **err_out);

/*
 * A TGT for client from dc (one AS exchange with password, or the keys
 * of keytab_name when password is NULL) in a new MEMORY ccache, for an
 * LDAP bind.  A rejection is a result (authenticated false), no retry.
 */
enum sc_rc sci_kinit(TALLOC_CTX *mem_ctx, const char *realm,
		     const struct sc_dc *dc, const char *client,
		     const struct sc_secret *password,
		     const char *keytab_name,
		     struct sci_kpasswd_result **result_out,
		     char **ccache_out, struct sc_error **err_out);

/*
 * --use-ccache: the administrator's existing TGT in ccache_name.
 * sci_ccache_client: its client principal, or *why_out when the ccache
 * holds no valid TGT for realm (no KDC is asked).
 */
enum sc_rc sci_ccache_client(TALLOC_CTX *mem_ctx, const char *realm,
			     const char *ccache_name, char **client_out,
			     char **why_out, struct sc_error **err_out);

/*
 * Set target's password with that TGT: a TGS exchange with dc for
 * kadmin/changepw, then kpasswd set-password on dc.  authenticated is
 * false when no service ticket came (text says why).
 */
enum sc_rc sci_kpasswd_ccache(TALLOC_CTX *mem_ctx, const char *realm,
			      const struct sc_dc *dc,
			      const char *ccache_name, const char *target,
			      const struct sc_secret *new_password,
			      struct sci_kpasswd_result **result_out,
			      struct sc_error **err_out);

/* A MEMORY copy of ccache_name (for LDAP binds); *why_out as above. */
enum sc_rc sci_ccache_copy(TALLOC_CTX *mem_ctx, const char *realm,
			   const char *ccache_name, char **copy_out,
			   char **why_out, struct sc_error **err_out);

#endif
