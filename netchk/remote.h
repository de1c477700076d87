/*
 * netchk - verify / reset / check on other hosts, over OpenSSH
 *
 * `netchk verify HOST` with HOST another machine runs `netchk verify
 * --json` there over /usr/bin/ssh (BatchMode, the user's own config,
 * keys, agent or GSSAPI), reads the JSON back and prints it with the
 * local renderers, the host named.  `--hosts FILE` does the same for
 * many hosts with a bounded pool of ssh processes and one deadline.
 */
#ifndef NETCHK_REMOTE_H
#define NETCHK_REMOTE_H

#include <stdbool.h>
#include <stdio.h>
#include <popt.h>
#include <talloc.h>
#include <sc/sc.h>
#include "json.h"

#define NETCHK_SSH "/usr/bin/ssh"
#define NETCHK_REMOTE_DEFAULT_PARALLEL 10
#define NETCHK_REMOTE_DEFAULT_DEADLINE 120
#define NETCHK_REMOTE_MAX_PARALLEL 256

/* The options verify, reset and check share (one popt table). */
struct netchk_remote_opts {
	char *account;			/* another account, here */
	char *hosts;			/* --hosts FILE, "-": stdin */
	char *ssh_config;		/* ssh -F ($NETCHK_SSH_CONFIG) */
	char *remote_command;		/* netchk there ("netchk") */
	int parallel;			/* ssh processes at once */
	int deadline;			/* seconds for the whole run */
	bool deadline_given;		/* --deadline on the command line */
};

extern struct netchk_remote_opts netchk_remote;
extern const struct poptOption netchk_remote_options[];

/* The argv a remote netchk gets, built from the verb's own options. */
struct netchk_fwd {
	size_t count;
	const char **args;
};

void netchk_fwd_add(TALLOC_CTX *mem_ctx, struct netchk_fwd *f,
		    const char *opt, const char *value);
void netchk_fwd_int(TALLOC_CTX *mem_ctx, struct netchk_fwd *f,
		    const char *opt, int value);

/*
 * The options verify, reset and check share (netchk_common), as the
 * remote gets them, timeout as its --timeout (0: none).  --account and
 * --deadline are added by netchk_remote_run().
 */
void netchk_fwd_common(TALLOC_CTX *mem_ctx, struct netchk_fwd *f,
		       int timeout);

/* True when host names this machine (its names or one of its addresses). */
bool netchk_host_is_local(const char *host);

/* True when the verb should run remotely: --hosts, or a HOST not local. */
bool netchk_remote_wanted(const char *host);

struct netchk_remote_call;

/*
 * One verb's way with a remote answer: render one host's parsed result
 * in full (a single HOST) or as one line (--hosts); both return the exit
 * code for that host.  A line is talloc'd on NULL; the caller frees
 * it.
 */
struct netchk_remote_verb {
	const char *verb;		/* what the remote runs: "verify" */
	int (*full)(const struct netchk_remote_call *call, const char *host,
		    const struct json *doc);
	int (*line)(const struct netchk_remote_call *call, const char *host,
		    const struct json *doc, char **text_out);
	/*
	 * one host's failure (NULL: "netchk: HOST: text" on stderr);
	 * timed_out: no answer within the call's limit
	 */
	int (*error)(const struct netchk_remote_call *call, const char *host,
		     const char *text, bool timed_out);
};

struct netchk_remote_call {
	const struct netchk_remote_verb *verb;
	const char *host;		/* the HOST argument, or NULL */
	struct netchk_fwd fwd;		/* the remote verb's options */
	bool json;			/* JSON out (passed through) */
	const struct sc_secret *stdin_secret; /* sent on ssh's stdin */
	int timeout;			/* -t, for ssh's ConnectTimeout */
	double limit;			/* seconds each host has from its
					 * ssh start, the remote netchk
					 * given what is left of them as
					 * --deadline (check -t); 0: only
					 * --deadline bounds the run */
	void *private_data;		/* the verb's own */
};

/* Run call on its host or on every host of --hosts; the exit code. */
int netchk_remote_run(TALLOC_CTX *mem_ctx,
		      const struct netchk_remote_call *call);

/* The remote JSON back into result structs (remote-result.c). */
struct sc_verify_result *netchk_verify_from_json(TALLOC_CTX *mem_ctx,
						 const struct json *doc);
struct sc_reset_result *netchk_reset_from_json(TALLOC_CTX *mem_ctx,
					       const struct json *doc);

#endif
