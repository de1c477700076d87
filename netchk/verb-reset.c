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
#include <termios.h>
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
	char *user;
	char *password_file;
	char *restart_command;
	int dry_run;
	int force;
	int enable;
	int no_restart;
	int use_ccache;
} o;

const struct poptOption netchk_reset_options[] = {
	{ "dry-run", 'n', POPT_ARG_NONE, &o.dry_run, 0,
	  "print the plan, change nothing", NULL },
	{ "force", 'f', POPT_ARG_NONE, &o.force, 0,
	  "rotate the password even when the trust is healthy", NULL },
	{ "enable", 0, POPT_ARG_NONE, &o.enable, 0,
	  "re-enable a disabled account (needs -U)", NULL },
	{ "user", 'U', POPT_ARG_STRING, &o.user, 0,
	  "administrator to set the password with (password prompted)",
	  "USER" },
	{ "password-file", 0, POPT_ARG_STRING, &o.password_file, 0,
	  "read the administrator password from the first line of FILE",
	  "FILE" },
	{ "use-ccache", 0, POPT_ARG_NONE, &o.use_ccache, 0,
	  "set the password with the administrator's Kerberos ticket in "
	  "KRB5CCNAME (kinit first; no password asked)", NULL },
	{ "no-restart", 0, POPT_ARG_NONE, &o.no_restart, 0,
	  "do not restart winbind / sssd after a change", NULL },
	{ "restart-command", 0, POPT_ARG_STRING, &o.restart_command, 0,
	  "run 'CMD SERVICE' to restart a service (default systemctl)",
	  "CMD" },
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

/* One line of up to 1023 bytes into a wiping secret, without newline. */
static struct sc_secret *read_line_secret(TALLOC_CTX *mem_ctx, int fd)
{
	struct sc_secret *s = sc_secret_new(mem_ctx, NULL, 1024);
	size_t n = 0;
	char c;

	if (s == NULL)
		return NULL;
	while (n < 1023) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		s->data[n++] = (uint8_t)c;
	}
	if (n > 0 && s->data[n - 1] == '\r')
		n--;
	s->len = n;
	return s;
}

/*
 * The terminal whose echo the prompt turned off, for the signal handler:
 * Ctrl-C (or a kill) at the prompt must leave the terminal as it was.
 */
static volatile sig_atomic_t prompt_fd = -1;
static struct termios prompt_saved;

static void prompt_signal(int sig)
{
	if (prompt_fd >= 0)
		tcsetattr(prompt_fd, TCSAFLUSH, &prompt_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read a line from the terminal fd with echo off, echo restored on
 * every way out (return or a terminating signal). */
static struct sc_secret *read_no_echo(TALLOC_CTX *mem_ctx, int fd)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = prompt_signal }, old[4];
	struct sc_secret *s = NULL;
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return NULL;
	prompt_saved = t;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	prompt_fd = fd;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &t);
	s = read_line_secret(mem_ctx, fd);
	tcsetattr(fd, TCSAFLUSH, &prompt_saved);
	prompt_fd = -1;
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	return s;
}

static struct sc_secret *admin_password(TALLOC_CTX *mem_ctx)
{
	struct sc_secret *s = NULL;
	int fd;

	if (o.password_file != NULL) {
		fd = open(o.password_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			netchk_error("--password-file %s: %s",
				     o.password_file, strerror(errno));
			return NULL;
		}
		s = read_line_secret(mem_ctx, fd);
		close(fd);
	} else {
		fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			netchk_error("-U needs a terminal for the password "
				     "prompt, or --password-file");
			return NULL;
		}
		dprintf(fd, "Password for %s: ", o.user);
		s = read_no_echo(mem_ctx, fd);
		dprintf(fd, "\n");
		close(fd);
	}
	if (s != NULL && s->len == 0) {
		/* Never an AS exchange (and a badPwdCount) for nothing. */
		netchk_error("the administrator password for %s is empty: "
			     "refused", o.user);
		talloc_free(s);
		return NULL;
	}
	return s;
}

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
		*text_out = talloc_asprintf(NULL, "UNKNOWN changed nothing (%s)",
					    problem);
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

	if (o.use_ccache) {
		netchk_error("--use-ccache uses a ticket cache of this host; "
			     "on other hosts use -U (the password goes over "
			     "ssh's stdin) or run netchk reset there");
		return NETCHK_EXIT_UNKNOWN;
	}
	call.json = netchk_common.json;
	call.timeout = netchk_common.timeout;
	netchk_fwd_common(mem, f);
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
	if (o.user != NULL) {
		netchk_fwd_add(mem, f, "--user", o.user);
		if (!o.dry_run) {
			call.stdin_secret = admin_password(mem);
			if (call.stdin_secret == NULL)
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
	int ret = NETCHK_EXIT_UNKNOWN, c;

	pc = poptGetContext("netchk reset", argc, argv, netchk_reset_options,
			    0);
	poptSetOtherOptionHelp(pc, "[OPTIONS] [HOST]");
	while ((c = poptGetNextOpt(pc)) > 0)
		;
	if (c < -1) {
		netchk_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
			     poptStrerror(c));
		goto done;
	}
	problem = netchk_common_problem(pc, "reset", &host);
	if (problem != NULL) {
		netchk_error("%s", problem);
		goto done;
	}
	if (o.enable && o.user == NULL && !o.use_ccache) {
		netchk_error("--enable needs -U USER or --use-ccache (an "
			     "administrator re-enables the account)");
		goto done;
	}
	if (o.use_ccache && o.password_file != NULL) {
		netchk_error("--use-ccache and --password-file exclude each "
			     "other");
		goto done;
	}
	if (o.password_file != NULL && o.user == NULL) {
		netchk_error("--password-file needs -U USER");
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
	if (o.use_ccache) {
		/* -U, if given, names the principal the cache must hold. */
		const char *cc = getenv("KRB5CCNAME");

		opts.admin_user = o.user;
		opts.admin_ccache = talloc_strdup(mem, cc != NULL ? cc : "");
		if (opts.admin_ccache == NULL)
			goto done;
	} else if (o.user != NULL && !o.dry_run) {
		opts.admin_user = o.user;
		opts.admin_password = admin_password(mem);
		if (opts.admin_password == NULL)
			goto done;
	} else if (o.user != NULL) {
		/* A dry run plans with the credentials, never uses them. */
		opts.admin_user = o.user;
		opts.admin_password = sc_secret_new(mem, "", 0);
	}

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
