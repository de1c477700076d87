/*
 * netchk check - the monitoring view of one sc_verify() run
 *
 * A check result is first turned into a small model that holds no
 * secret; the Nagios and Prometheus renderers read only the model, and
 * the status file is the model written down.  So `check --cached`, which
 * reads the model back, prints exactly what the live check printed.
 */
#ifndef NETCHK_CHECK_H
#define NETCHK_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <sc/sc.h>
#include "range.h"

/* The monitoring-plugins states, numbered as their exit codes. */
enum check_state {
	CHECK_OK = 0,
	CHECK_WARNING = 1,
	CHECK_CRITICAL = 2,
	CHECK_UNKNOWN = 3,
};

struct check_path {
	enum sc_path path;
	enum sc_health health;
	char *summary;			/* one line, codes by name */
	/* the DC's answer (live checks only; not in the status file) */
	bool has_ntstatus;
	uint32_t ntstatus;
	bool has_krb5;
	int32_t krb5_code;
};

struct check_dc {
	char *name;
	char *address;
	enum sc_health health;		/* this DC's own verdict */
	enum sc_diag diag;
	size_t npaths;
	struct check_path paths[SC_PATH_COUNT];
	bool have_clock;
	int64_t clock_offset;		/* DC minus host, seconds */
	bool have_kvno;
	uint32_t kvno;			/* msDS-KeyVersionNumber there */
	char *lag_dc;			/* replication lag: the DC ahead */
	uint32_t lag_kvno;		/* and the kvno it has */
};

struct check_model {
	int64_t when;			/* Unix time of the check */
	double duration;		/* seconds */
	char *account;			/* MEMBER1$, or "" */
	char *realm;			/* NETCHK.TEST, or "" */
	enum check_state state;		/* before thresholds */
	char *summary;			/* before thresholds */
	char *diagnosis;		/* plain words, or NULL */
	char *repair;			/* plain words, or NULL */
	bool have_pw_change;
	int64_t pw_change;		/* last machine password change */
	int64_t pw_timeout;		/* the host's rotation interval, s */
	int64_t clockskew;		/* Kerberos clock limit, s (0: 300) */
	bool have_kvno;
	uint32_t keytab_kvno;
	bool have_success;
	int64_t last_success;		/* last check that was OK */
	size_t ndc;
	struct check_dc *dcs;
};

/* Threshold ranges; unset ones get their defaults at evaluation. */
struct check_thresholds {
	struct netchk_range pw_warn, pw_crit;
	struct netchk_range clock_warn, clock_crit;
};

/* The model of a finished sc_verify() run (every DC report in res). */
struct check_model *check_model_from_verify(TALLOC_CTX *mem_ctx,
					    const struct sc_verify_result *res,
					    time_t now);

/* The model of a check that could not run; the summary says the fix. */
struct check_model *check_model_failed(TALLOC_CTX *mem_ctx,
				       enum check_state state,
				       const char *summary, time_t now,
				       double duration);

/* The status file text, and back (NULL on anything malformed). */
char *check_model_save(TALLOC_CTX *mem_ctx, const struct check_model *m);
struct check_model *check_model_load(TALLOC_CTX *mem_ctx, const char *text);

/* The state after thresholds; reasons_out gets the added reasons. */
enum check_state check_evaluate(TALLOC_CTX *mem_ctx,
				const struct check_model *m,
				const struct check_thresholds *th,
				char **reasons_out);

const char *check_state_name(enum check_state state);

/*
 * Log one message (journal, else syslog) for each DC whose state differs
 * from the last run's, kept in STATE_DIR/last-state.  read_file reads a
 * small file (NULL when absent).
 */
void check_log_changes(TALLOC_CTX *mem_ctx, const struct check_model *m,
		       const char *state_dir,
		       char *(*read_file)(TALLOC_CTX *, const char *));

/* Renderers: return the final state (the exit code). */
enum check_state check_render_nagios(FILE *out, const struct check_model *m,
				     const struct check_thresholds *th,
				     int verbose);
enum check_state check_render_prometheus(FILE *out,
					 const struct check_model *m,
					 const struct check_thresholds *th);

#endif
