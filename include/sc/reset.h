/*
 * libsc - reset: repair the trust only when required, with the smallest
 * repair, crash-safe
 *
 * sc_reset() decides from one sc_verify() run (there is no second way to
 * probe), turns the verdict into a plan (sc_plan_make(), pure) and, unless
 * asked for a dry run, carries it out: a keytab rewrite from the good
 * secrets.tdb password, or a password change (own or administrator
 * credentials) that is journalled before the DC is touched, verified on
 * that DC before anything local changes, and finished or abandoned by the
 * next run after a crash.  It never prints; progress goes through the
 * verify options' message callback.
 */
#ifndef SC_RESET_H
#define SC_RESET_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <talloc.h>
#include <sc/status.h>
#include <sc/store.h>
#include <sc/verify.h>

enum sc_plan_action {
	SC_PLAN_NOTHING = 0,		/* healthy: no change */
	SC_PLAN_REWRITE_KEYTAB,		/* keytab from secrets.tdb, or its
					 * accepted keys at the DC's kvno; no
					 * DC change */
	SC_PLAN_CHANGE_OWN,		/* change with the secret the DC takes */
	SC_PLAN_CHANGE_ADMIN,		/* set with administrator credentials */
	SC_PLAN_REFUSE,			/* repair nothing: see reason */
	SC_PLAN_ENABLE,			/* enable the disabled account */
};

enum sc_step {
	SC_STEP_READ_KVNO = 0,		/* DC's msDS-KeyVersionNumber (LDAP,
					 * bound with the plan's credential) */
	SC_STEP_JOURNAL,		/* journal the new secret as pending */
	SC_STEP_CHANGE_DC,		/* kpasswd change / set on the DC */
	SC_STEP_VERIFY_NEW,		/* AS exchange with the new secret */
	SC_STEP_WRITE_SECRETS,		/* secrets.tdb: cur -> prev, new */
	SC_STEP_WRITE_KEYTAB,		/* new kvno keys, previous kvno kept */
	SC_STEP_CLEAR_JOURNAL,
	SC_STEP_VERIFY_AFTER,		/* sc_verify() again */
	SC_STEP_ENABLE,			/* clear ACCOUNTDISABLE (LDAP) */
	SC_STEP_ALIGN_SECRETS,		/* secrets.tdb: the accepted previous
					 * password -> current, first */
	SC_STEP_RELABEL_KEYTAB,		/* the keytab's accepted keys at the
					 * DC's kvno, their kvno kept */
	SC_STEP_COUNT
};

/* Which local secret authenticates an own-credentials change. */
enum sc_plan_cred {
	SC_PLAN_CRED_NONE = 0,
	SC_PLAN_CRED_CURRENT,		/* secrets.tdb current password */
	SC_PLAN_CRED_PREVIOUS,		/* secrets.tdb previous password */
	SC_PLAN_CRED_KEYTAB,		/* the keytab's keys */
	SC_PLAN_CRED_ADMIN,		/* the administrator's password */
};

struct sc_plan {
	enum sc_plan_action action;
	enum sc_plan_cred cred;
	enum sc_health refuse_health;	/* SC_PLAN_REFUSE: the exit health */
	const char *reason;		/* one line: why this plan */
	const char *dc;			/* DC every step talks to */
	size_t step_count;
	enum sc_step *steps;		/* in order */
};

struct sc_plan_opts {
	bool force;			/* rotate even when healthy */
	bool have_admin;		/* administrator credentials given */
	bool enable;			/* --enable: enable if disabled */
	time_t now;
};

/*
 * The smallest repair for a verify result.  Pure: no I/O, so unit tests
 * can feed it every verdict.
 */
enum sc_rc sc_plan_make(TALLOC_CTX *mem_ctx,
			const struct sc_verify_result *res,
			const struct sc_plan_opts *opts,
			struct sc_plan **plan_out, struct sc_error **err_out);

const char *sc_plan_action_name(enum sc_plan_action action);
const char *sc_plan_cred_name(enum sc_plan_cred cred);
const char *sc_step_name(enum sc_step step);

struct sc_reset_opts {
	struct sc_verify_opts verify;	/* also: message callback, state dir */
	bool dry_run;
	bool force;
	bool enable;			/* enable a disabled account */
	const char *admin_user;		/* NULL: no administrator */
	const struct sc_secret *admin_password;
	const char *admin_ccache;	/* else: administrator's TGT in this
					 * ccache (kadmin/changepw by TGS) */
	const char *net_binary;		/* NULL: "net" from sc_safe_path() */
	/*
	 * Hold-off of services that cache the secret (winbindd): called with
	 * true right before a change is journalled (before the DC is
	 * touched), with false once the stores are written or the change
	 * failed.  Returns false when holding off failed (the service still
	 * runs): the change is then not made.  NULL: nothing is held off.
	 */
	bool (*hold)(void *private_data, bool on);
	/*
	 * Start again what an interrupted run held off: called once per run,
	 * under the reset lock, after a journalled change was settled and
	 * before anything else changes.  NULL: nothing.
	 */
	void (*recover)(void *private_data);
	void *hold_data;
};

struct sc_reset_result {
	struct sc_verify_result *before;
	struct sc_plan *plan;
	bool journal_found;		/* a pending change from a crashed run */
	bool journal_finished;		/* ... the DC had it: finished */
	bool changed_dc;
	bool changed_secrets;		/* secrets.tdb written */
	bool changed_keytab;		/* keytab written */
	bool enabled;			/* the account was re-enabled */
	uint32_t new_kvno;
	const char *change_dc;		/* DC changed on, or NULL */
	bool change_dc_is_pdc;		/* ... as the PDC emulator */
	const char *detail;		/* one line on failure, else NULL */
	struct sc_verify_result *after;	/* NULL when nothing changed */
	size_t step_count;		/* the plan's steps that ran, in */
	enum sc_step *steps;		/* order (names as plan.steps) */
	enum sc_health health;		/* the run's outcome */
};

/*
 * The fixed search path reset runs programs from (Samba's net); never the
 * caller's PATH.  A CLI running helpers of its own uses it too.
 */
const char *sc_safe_path(void);

enum sc_rc sc_reset(TALLOC_CTX *mem_ctx, const struct sc_reset_opts *opts,
		    struct sc_reset_result **result_out,
		    struct sc_error **err_out);

#endif
