/*
 * netchk reset [HOST]: repair the trust only when required
 *
 * libsc decides and changes; the CLI reads the administrator password
 * (prompt or file, never argv), prints the plan and the result, and
 * restarts the services that use a changed store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "netchk.h"
#include "remote.h"

static struct {
	char *restart_command;
	int dry_run;
	int force;
	int enable;
	int no_restart;
} o;

const struct poptOption netchk_reset_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, &o.dry_run, 0,
	  "print the plan, change nothing", NULL },
	{ "force", 'f', POPT_ARG_NONE, &o.force, 0,
	  "rotate the password even when the trust is healthy", NULL },
	{ "enable", 0, POPT_ARG_NONE, &o.enable, 0,
	  "re-enable a disabled account (needs -U)", NULL },
	{ "no-restart", 0, POPT_ARG_NONE, &o.no_restart, 0,
	  "do not restart winbind / sssd after a change", NULL },
	{ "restart-command", 0, POPT_ARG_STRING, &o.restart_command, 0,
	  "run 'CMD SERVICE' to restart a service (default systemctl)",
	  "CMD" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_admin_options, 0,
	  "Administrator:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_store_options, 0,
	  "Stores:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_dc_options, 0,
	  "Domain controllers:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_output_options, 0,
	  "Output:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_remote_options, 0,
	  "Other hosts (over ssh) and other accounts:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/*
 * Secrets are in this process from here on (the administrator's, the
 * new machine password): no core dump and no ptrace by the same user
 * can show them.  And the programs reset runs (net, systemctl,
 * winbindd, testparm) come from a fixed search path, never from a PATH
 * the caller set.
 */
static void harden(void)
{
	struct rlimit no_core = { 0, 0 };

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	setenv("PATH", sc_safe_path(), 1);
}

/*
 * Restart one service if it runs: systemd, or the user's command.  True
 * when a restart was attempted.  With --json the command's output goes
 * to stderr, so that stdout stays one JSON document.
 */
static bool restart(const char *service)
{
	char *cmd = NULL;
	int st;

	if (o.restart_command != NULL) {
		const char *argv[] = { "/bin/sh", "-c", "exec $0 \"$1\"",
				       o.restart_command, service, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			if (netchk_common.json)
				dup2(2, 1);
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
		st = -1;
		if (pid > 0)
			waitpid(pid, &st, 0);
		fprintf(stderr, " * Restarting %s ... %s\n", service,
			st == 0 ? "done" : "FAILED");
		return true;
	}
	if (asprintf(&cmd, "systemctl is-active --quiet %s 2>/dev/null",
		     service) < 0)
		return false;
	st = system(cmd);
	free(cmd);
	if (st != 0)
		return false;	/* not running (or no systemd): leave it */
	if (asprintf(&cmd, "systemctl restart %s", service) < 0)
		return false;
	st = system(cmd);
	free(cmd);
	fprintf(stderr, " * Restarting %s ... %s\n", service,
		st == 0 ? "done" : "FAILED");
	return true;
}

/*
 * A reset that stopped before it had a result ("before": null): the
 * remote's one-line problem (its stderr line was relayed already).
 */
static const char *remote_problem(const struct json *doc)
{
	const char *p = json_str(json_get(doc, "result"), "problem");

	if (!json_is_null(doc, "before"))
		return NULL;
	return p != NULL ? p : "reset stopped without a result";
}

/* HOST's answer in full, as a local run prints it. */
static int remote_full(const struct netchk_remote_call *call,
		       const char *host, const struct json *doc)
{
	const char *problem = remote_problem(doc);
	struct sc_reset_result *res = NULL;
	int ret;

	if (problem != NULL) {
		printf("Host     %s\nChanged: nothing\nProblem: %s\n", host,
		       problem);
		return NETCHK_EXIT_UNKNOWN;
	}
	res = netchk_reset_from_json(NULL, doc);
	if (res == NULL) {
		netchk_error("%s: the netchk there sent a reset result this "
			     "netchk cannot read (another version?)", host);
		return NETCHK_EXIT_UNKNOWN;
	}
	printf("Host     %s\n", host);
	netchk_render_reset_text(stdout, res);
	ret = netchk_exit_of(res->health);
	talloc_free(res);
	return ret;
}

/* HOST's answer in one line (--hosts): outcome, before, change, after. */
static int remote_line(const struct netchk_remote_call *call,
		       const char *host, const struct json *doc,
		       char **text_out)
{
	const char *problem = remote_problem(doc);
	struct sc_reset_result *r = NULL;
	const struct sc_verify_result *last;
	bool changed;

	if (problem != NULL) {
		*text_out = talloc_asprintf(NULL, "UNKNOWN changed nothing "
					    "(%s)", problem);
		return NETCHK_EXIT_UNKNOWN;
	}
	r = netchk_reset_from_json(NULL, doc);
	if (r == NULL) {
		*text_out = talloc_strdup(NULL, "UNKNOWN the netchk there sent "
					  "a result this one cannot read");
		return NETCHK_EXIT_UNKNOWN;
	}
	last = r->after != NULL ? r->after : r->before;
	changed = r->enabled || r->changed_dc || r->changed_secrets ||
		  r->changed_keytab;
	*text_out = talloc_asprintf(NULL, "%s %s %s, was %s; %s%s%s",
		netchk_verdict_word(r->health),
		sc_diag_name(last->verdict.diag), r->before->account,
		sc_diag_name(r->before->verdict.diag),
		changed ? "changed " : "changed nothing",
		r->enabled ? "account enabled" : changed ? (r->changed_dc ?
		"DC password" : "local stores") : "",
		r->detail != NULL ? talloc_asprintf(r, " (%s)", r->detail) :
		"");
	talloc_steal(*text_out, r);
	return netchk_exit_of(r->health);
}

static const struct netchk_remote_verb remote_reset = {
	"reset", remote_full, remote_line, NULL,
};

/*
 * The options that mean the same on HOST, forwarded.  -U's password is
 * read here (prompt or --password-file) and sent on ssh's stdin; the
 * remote netchk reads it with --password-file=/dev/stdin.
 */
static int run_remote(TALLOC_CTX *mem, const char *host)
{
	struct netchk_remote_call call = { &remote_reset, host };
	struct netchk_fwd *f = &call.fwd;

	if (netchk_common.use_ccache) {
		return netchk_bad_args("--use-ccache uses a ticket cache of "
				       "this host; on other hosts use -U (the "
				       "password goes over ssh's stdin) or run "
				       "netchk reset there");
	}
	call.json = netchk_common.json;
	call.timeout = netchk_common.timeout;
	netchk_fwd_common(mem, f, netchk_common.timeout);
	if (o.dry_run)
		netchk_fwd_add(mem, f, "--dry-run", NULL);
	if (o.force)
		netchk_fwd_add(mem, f, "--force", NULL);
	if (o.enable)
		netchk_fwd_add(mem, f, "--enable", NULL);
	if (o.no_restart)
		netchk_fwd_add(mem, f, "--no-restart", NULL);
	if (o.restart_command)
		netchk_fwd_add(mem, f, "--restart-command",
			       o.restart_command);
	if (netchk_common.user != NULL) {
		const char *user = NULL, *cc = NULL;

		netchk_fwd_add(mem, f, "--user", netchk_common.user);
		if (!o.dry_run) {
			if (!netchk_admin_creds(mem, true, &user,
						&call.stdin_secret, &cc))
				return NETCHK_EXIT_UNKNOWN;
			netchk_fwd_add(mem, f, "--password-file",
				       "/dev/stdin");
		}
	}
	return netchk_remote_run(mem, &call);
}


int netchk_reset(const struct netchk_verb *verb, int argc, const char **argv)
{
	struct sc_reset_opts opts = { 0 };
	struct netchk_holds holds;
	struct sc_reset_result *res = NULL;
	struct sc_error *err = NULL;
	TALLOC_CTX *mem = NULL;
	const char *host = NULL, *problem;
	const char *restarted[3] = { NULL, NULL, NULL };
	size_t n_restarted = 0;
	poptContext pc;
	enum sc_rc rc;
	int ret = NETCHK_EXIT_UNKNOWN;

	pc = netchk_popt_context(verb, argc, argv);
	if (!netchk_parse_options(pc))
		goto done;
	problem = netchk_common_problem(pc, "reset", &host);
	if (problem == NULL && o.enable && netchk_common.user == NULL &&
	    !netchk_common.use_ccache)
		problem = "--enable needs -U USER or --use-ccache (an "
			  "administrator re-enables the account)";
	if (problem == NULL)
		problem = netchk_admin_problem();
	if (problem != NULL) {
		netchk_bad_args("%s", problem);
		goto done;
	}
	/* After popt: --help exits inside poptGetNextOpt(). */
	harden();
	mem = talloc_new(NULL);
	if (mem == NULL)
		goto done;
	if (netchk_remote_wanted(host)) {
		ret = run_remote(mem, host);
		goto done;
	}
	netchk_common_verify_opts(&opts.verify, netchk_remote.account);
	if (!netchk_common.quiet)
		opts.verify.message = netchk_progress;
	opts.dry_run = o.dry_run;
	if (!o.dry_run) {
		if (!netchk_holds_init(mem, &holds))
			goto done;
		opts.hold = netchk_hold;
		opts.recover = netchk_hold_recover;
		opts.hold_data = &holds;
	}
	opts.force = o.force;
	opts.enable = o.enable;
	/* A dry run plans with the credentials, never uses them. */
	if (!netchk_admin_creds(mem, !o.dry_run, &opts.admin_user,
				&opts.admin_password, &opts.admin_ccache))
		goto done;

	rc = sc_reset(mem, &opts, &res, &err);
	if (rc != SC_OK) {
		/* Nothing changed: libsc returns a result once it could. */
		const char *msg = err != NULL && err->message != NULL ?
				  err->message : sc_rc_name(rc);

		netchk_error("%s", msg);
		if (netchk_common.json)
			netchk_render_reset_failure_json(stdout, msg);
		else
			printf("Changed: nothing\nProblem: %s\n", msg);
		goto done;
	}
	if (!netchk_common.json) {
		netchk_render_reset_text(stdout, res);
		fflush(stdout);
	}
	if (!o.dry_run && !o.no_restart) {
		/* Held off and started again: it read the new secret. */
		if (res->changed_secrets && !holds.h[0].started &&
		    restart("winbind"))
			restarted[n_restarted++] = "winbind";
		if (res->changed_keytab && !holds.h[1].started &&
		    restart("sssd"))
			restarted[n_restarted++] = "sssd";
	}
	if (netchk_common.json)
		netchk_render_reset_json(stdout, res, o.dry_run, restarted);
	ret = netchk_exit_of(res->health);
done:
	poptFreeContext(pc);
	talloc_free(mem);
	return ret;
}
