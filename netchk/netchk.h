/*
 * netchk - the CLI edge: verbs, exit codes, renderers
 */
#ifndef NETCHK_H
#define NETCHK_H

#include <stdbool.h>
#include <stdio.h>
#include <popt.h>
#include <sc/sc.h>

/*
 * Exit codes, defined once.  The man page's EXIT STATUS section lists the
 * same numbers; tests/integration/t-docs.sh checks that they agree.
 */
enum netchk_exit {
	NETCHK_EXIT_OK = 0,		/* healthy */
	NETCHK_EXIT_WARNING = 1,	/* works, but degraded */
	NETCHK_EXIT_BROKEN = 2,		/* trust broken on some path */
	NETCHK_EXIT_UNKNOWN = 3,	/* could not decide / bad input */
	NETCHK_EXIT_REFUSED = 4,	/* check through sudo: option refused */
};

/* One verb: the table in main.c is the source of --help, the man page
 * check and the completions check. */
struct netchk_verb {
	const char *name;
	const char *args;		/* e.g. "[HOST]" */
	const char *summary;
	const struct poptOption *options;
	int (*run)(const struct netchk_verb *verb, int argc,
		   const char **argv);
	bool via_sudo;			/* may run through sudo (check) */
};

#define NETCHK_DEFAULT_STATE_DIR "/var/lib/netchk"

/*
 * The options verify, reset and check share (options.c): one popt entry
 * each, pulled into a verb's table with POPT_ARG_INCLUDE_TABLE.
 */
struct netchk_common {
	char *configfile;		/* -s */
	const char **keytabs;		/* every -k, NULL-terminated */
	char *state_dir;		/* --state-dir */
	char *server;			/* -S (check: -H) */
	char *site;			/* --site */
	int timeout;			/* -t */
	int all_dcs;			/* --all-dcs */
	int recheck;			/* --recheck */
	int json;			/* -j */
	int quiet;			/* -q */
	char *user;			/* -U */
	char *password_file;		/* --password-file */
	int use_ccache;			/* --use-ccache */
};

extern struct netchk_common netchk_common;

/* -s, -k; -s, -k, --state-dir, --recheck */
extern const struct poptOption netchk_conf_options[];
extern const struct poptOption netchk_store_options[];
/* -U, --password-file, --use-ccache */
extern const struct poptOption netchk_admin_options[];
/* -S / -H, -t */
extern const struct poptOption netchk_dc_options[];
extern const struct poptOption netchk_dc_options_H[];
/* --site, --all-dcs */
extern const struct poptOption netchk_discovery_options[];
/* -j; -j, -q */
extern const struct poptOption netchk_json_options[];
extern const struct poptOption netchk_output_options[];

/*
 * Through sudo (SUDO_UID set, or a real uid other than root's with euid
 * root): the first option of argv outside allowed (long names without
 * "--", NULL-terminated), "HOST" for an argument, or NULL.
 */
bool netchk_via_sudo(void);
/*
 * Through sudo: the environment emptied but for SUDO_UID, SUDO_GID,
 * SUDO_USER and SUDO_COMMAND, a fixed PATH, cwd "/"; before any library
 * reads it.  False if that failed.
 */
bool netchk_sudo_clean_env(void);
const char *netchk_sudo_refused(const struct poptOption *table, int argc,
				const char **argv,
				const char *const *allowed);

/* A step line of libsc on stderr: " * line" */
void netchk_progress(void *private_data, const char *line);

/* --state-dir, or the default */
const char *netchk_state_dir(void);

/*
 * reset: winbind and sssd held off while the password changes (hold.c).
 * A service that runs is stopped before the DC is touched and started
 * again the way it ran (systemd, or its own command line) afterwards.
 */
#define NETCHK_HOLDS 2
#define NETCHK_HOLD_ARGS 32
struct netchk_hold {
	const char *name;		/* systemd unit and label */
	const char *comm;		/* process name */
	pid_t (*pid)(void);		/* the running one, 0: none */
	const char *const *fixed_argv;	/* start argv, NULL: its cmdline */
	const char *held_path;		/* <state-dir>/NAME-held */
	char cmdline[4096];
	const char *argv[NETCHK_HOLD_ARGS];
	bool stopped;
	bool systemd;
	bool started;			/* started again by the hold */
};
struct netchk_holds {
	struct netchk_hold h[NETCHK_HOLDS];	/* winbind, sssd */
};
bool netchk_holds_init(TALLOC_CTX *mem_ctx, struct netchk_holds *hs);
bool netchk_hold(void *private_data, bool on);
void netchk_hold_recover(void *private_data);
/*
 * A verb's popt context ("netchk VERB", VERB's args in --help), the verb
 * noted for netchk_bad_args().
 */
poptContext netchk_popt_context(const struct netchk_verb *verb, int argc,
				const char **argv);

/*
 * Note the verb and whether argv asks for JSON (-j, --json,
 * --format=json, wherever they are: popt stops at a bad option before
 * it sees one after it).  Only a verb whose options include --json
 * answers in JSON.  netchk_popt_context() calls it.
 */
void netchk_args_begin(const struct netchk_verb *verb, int argc,
		       const char **argv);

/*
 * Bad arguments: "netchk: <message>" on stderr and, when JSON was asked
 * for, one JSON object on stdout (netchk_render_usage_json), so that a
 * script parsing stdout always gets one.  Returns NETCHK_EXIT_UNKNOWN.
 */
int netchk_bad_args(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Every option of pc's argv; false (netchk_bad_args) on a bad one. */
bool netchk_parse_options(poptContext pc);

/* After popt: at most one HOST, a sane -t.  NULL, or a one-line error. */
const char *netchk_common_problem(poptContext pc, const char *verb,
				  const char **host_out);

/*
 * The administrator of -U / --password-file / --use-ccache (admin.c).
 * netchk_admin_problem(): NULL when they fit together, else one line.
 * netchk_admin_creds(): the user, and the password (the terminal's or
 * the file's first line, in a wiping secret; an empty one when
 * !need_password) or the ccache name (KRB5CCNAME); false with the error
 * printed.  Nothing is set without -U or --use-ccache.
 */
const char *netchk_admin_problem(void);
bool netchk_admin_creds(TALLOC_CTX *mem_ctx, bool need_password,
			const char **user_out,
			const struct sc_secret **password_out,
			const char **ccache_out);

/* The common options into verify's options (every path). */
size_t netchk_common_keytab_count(void);
const char *netchk_common_keytab(void);
void netchk_common_verify_opts(struct sc_verify_opts *vo, const char *host);

int netchk_verify(const struct netchk_verb *verb, int argc,
		  const char **argv);

extern const struct poptOption netchk_verify_options[];

int netchk_reset(const struct netchk_verb *verb, int argc,
		 const char **argv);

extern const struct poptOption netchk_reset_options[];

/* check: exits 0-3 as the monitoring-plugins guidelines say */
int netchk_check(const struct netchk_verb *verb, int argc,
		 const char **argv);

extern const struct poptOption netchk_check_options[];

/* explain: CODE... -> the knowledge base's entries (verb-explain.c) */
int netchk_explain(const struct netchk_verb *verb, int argc,
		   const char **argv);

extern const struct poptOption netchk_explain_options[];

struct netchk_explain_failure {
	const char *input;
	const char *message;		/* one line, quotes the input */
};

struct netchk_explain_result {
	size_t count;
	const struct sc_explanation **items;
	size_t failed_count;
	struct netchk_explain_failure *failed;
};

void netchk_explain_add(struct netchk_explain_result *res,
			const struct sc_explanation *x, size_t n);
void netchk_explain_fail(struct netchk_explain_result *res,
			 const char *input, const char *message);
void netchk_render_explain_text(FILE *out,
				const struct netchk_explain_result *res);
void netchk_render_explain_json(FILE *out,
				const struct netchk_explain_result *res);
void netchk_render_explain_list_text(FILE *out);
void netchk_render_explain_list_json(FILE *out);

/* Renderers (stdout). */
void netchk_render_verify_text(FILE *out,
			       const struct sc_verify_result *res);
void netchk_render_verify_json(FILE *out,
			       const struct sc_verify_result *res);
void netchk_render_reset_json(FILE *out, const struct sc_reset_result *r,
			      bool dry_run, const char *const *restarted);
/* reset without a result: one object, nothing changed, the problem. */
void netchk_render_reset_failure_json(FILE *out, const char *problem);

/*
 * Bad arguments with --json: {"schema","command","version","status":
 * "unknown","exit_code":3,"error"}, one line.
 */
void netchk_render_usage_json(FILE *out, const char *command,
			      const char *message);

/* s as a JSON string ("null" for NULL). */
void netchk_json_string(FILE *out, const char *s);

/* HEALTHY, WARNING, BROKEN, UNKNOWN */
const char *netchk_verdict_word(enum sc_health health);

/* reset's human renderer (render-text.c) */
void netchk_render_reset_text(FILE *out, const struct sc_reset_result *r);

/* audit: the table, one JSON object, CSV rows, Prometheus text. */
int netchk_audit(const struct netchk_verb *verb, int argc,
		 const char **argv);

extern const struct poptOption netchk_audit_options[];

void netchk_render_audit_text(FILE *out, const struct sc_audit_result *r);
void netchk_render_audit_json(FILE *out, const struct sc_audit_result *r);
void netchk_render_audit_csv(FILE *out, const struct sc_audit_result *r);
void netchk_render_audit_prometheus(FILE *out,
				    const struct sc_audit_result *r);

/* Prometheus text format: "# HELP/# TYPE name gauge", a label value. */
void netchk_prom_help(FILE *out, const char *name, const char *text);
void netchk_prom_value(FILE *out, const char *s);

/* Exit code of a verdict. */
int netchk_exit_of(enum sc_health health);

/* "netchk: <message>" on stderr, one line. */
void netchk_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
