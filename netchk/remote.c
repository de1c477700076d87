/*
 * netchk - verify / reset / check on other hosts, over OpenSSH
 *
 * The remote side is netchk itself, run as `netchk VERB --json ...`
 * through /usr/bin/ssh with BatchMode (no password prompt ever blocks
 * a run), so nothing but the JSON result comes back and the only secret
 * that may travel (reset -U's password) goes over ssh's stdin, never
 * argv.  Each ssh is one job; jobs run in a bounded pool under one
 * deadline, after which the ones still running are killed and their
 * hosts are UNKNOWN.
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "netchk.h"
#include "remote.h"

#define REMOTE_JSON_SCHEMA 1
#define REMOTE_OUT_MAX (4 * 1024 * 1024)
#define REMOTE_ERR_MAX (64 * 1024)
#define SSH_EXIT_ERROR 255		/* ssh's own failure */
#define SHELL_NOT_FOUND 127		/* remote shell: command not found */
/*
 * Of a host's limit, what ssh's connection, the remote netchk's start
 * and its answer's way back take (s): the remote is given the rest.
 */
#define REMOTE_ALLOWANCE 1.0

struct netchk_remote_opts netchk_remote = {
	.parallel = NETCHK_REMOTE_DEFAULT_PARALLEL,
	.deadline = NETCHK_REMOTE_DEFAULT_DEADLINE,
};

/* --deadline given: a local verify is bounded by it too. */
static void remote_callback(poptContext pc, enum poptCallbackReason reason,
			    const struct poptOption *opt, const char *arg,
			    const void *data)
{
	(void)pc;
	(void)arg;
	(void)data;
	if (reason == POPT_CALLBACK_REASON_OPTION &&
	    opt->arg == &netchk_remote.deadline)
		netchk_remote.deadline_given = true;
}

const struct poptOption netchk_remote_options[] = {
	{ NULL, 0, POPT_ARG_CALLBACK, (void *)remote_callback, 0, NULL,
	  NULL },
	{ "account", 0, POPT_ARG_STRING, &netchk_remote.account, 0,
	  "check this machine account of this host's domain instead of "
	  "this host's own", "NAME$" },
	{ "hosts", 0, POPT_ARG_STRING, &netchk_remote.hosts, 0,
	  "run on every host listed in FILE (one per line, - for stdin) "
	  "over ssh, concurrently", "FILE" },
	{ "parallel", 0, POPT_ARG_INT, &netchk_remote.parallel, 0,
	  "ssh sessions at once with --hosts (default 10)", "N" },
	{ "deadline", 0, POPT_ARG_INT, &netchk_remote.deadline, 0,
	  "seconds for the whole run; remote hosts without an answer by "
	  "then are UNKNOWN (default 120)", "SECONDS" },
	{ "ssh-config", 0, POPT_ARG_STRING, &netchk_remote.ssh_config, 0,
	  "ssh configuration file for remote runs (ssh -F; default "
	  "$NETCHK_SSH_CONFIG, else ssh's own)", "FILE" },
	{ "remote-command", 0, POPT_ARG_STRING,
	  &netchk_remote.remote_command, 0,
	  "netchk on the remote hosts, words split at blanks, e.g. "
	  "'sudo -n /usr/sbin/netchk' (default $NETCHK_REMOTE_COMMAND, "
	  "else netchk from their PATH)", "COMMAND" },
	POPT_TABLEEND
};

void netchk_fwd_add(TALLOC_CTX *mem_ctx, struct netchk_fwd *f,
		    const char *opt, const char *value)
{
	const char **a = talloc_realloc(mem_ctx, f->args, const char *,
					f->count + 2);

	if (a == NULL)
		return;
	f->args = a;
	a[f->count] = value == NULL ? opt :
		      talloc_asprintf(a, "%s=%s", opt, value);
	if (a[f->count] != NULL)
		f->count++;
}

void netchk_fwd_int(TALLOC_CTX *mem_ctx, struct netchk_fwd *f,
		    const char *opt, int value)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", value);
	netchk_fwd_add(mem_ctx, f, opt, buf);
}

void netchk_fwd_common(TALLOC_CTX *mem_ctx, struct netchk_fwd *f,
		       int timeout)
{
	const struct netchk_common *c = &netchk_common;

	if (c->configfile != NULL)
		netchk_fwd_add(mem_ctx, f, "--configfile", c->configfile);
	for (size_t i = 0; c->keytabs != NULL && c->keytabs[i] != NULL; i++)
		netchk_fwd_add(mem_ctx, f, "--keytab", c->keytabs[i]);
	if (c->state_dir != NULL)
		netchk_fwd_add(mem_ctx, f, "--state-dir", c->state_dir);
	if (c->server != NULL)
		netchk_fwd_add(mem_ctx, f, "--server", c->server);
	if (timeout != 0)
		netchk_fwd_int(mem_ctx, f, "--timeout", timeout);
	if (c->site != NULL)
		netchk_fwd_add(mem_ctx, f, "--site", c->site);
	if (c->all_dcs)
		netchk_fwd_add(mem_ctx, f, "--all-dcs", NULL);
	if (c->quiet)
		netchk_fwd_add(mem_ctx, f, "--quiet", NULL);
	if (c->recheck)
		netchk_fwd_add(mem_ctx, f, "--recheck", NULL);
}

/* ---------------------------------------------------------------- */
/* Is HOST this machine?                                              */
/* ---------------------------------------------------------------- */

static bool addr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr,
			      sizeof(struct in_addr)) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr,
			      sizeof(struct in6_addr)) == 0;
	return false;
}

/* 127.0.0.0/8, ::1, or an address of one of our interfaces */
static bool addr_is_local(const struct sockaddr *sa)
{
	struct ifaddrs *ifs = NULL;
	bool local = false;

	if (sa->sa_family == AF_INET &&
	    (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >>
	     24) == 127)
		return true;
	if (sa->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr))
		return true;
	if (getifaddrs(&ifs) != 0)
		return false;
	for (struct ifaddrs *i = ifs; i != NULL && !local; i = i->ifa_next)
		local = i->ifa_addr != NULL && addr_equal(i->ifa_addr, sa);
	freeifaddrs(ifs);
	return local;
}

static bool name_is_ours(const char *host)
{
	char name[256];
	size_t short_len;

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (gethostname(name, sizeof(name)) != 0)
		return false;
	name[sizeof(name) - 1] = '\0';
	if (strcasecmp(host, name) == 0)
		return true;
	/* "member1" for "member1.example.com" and the other way round */
	short_len = strcspn(name, ".");
	return strcspn(host, ".") == short_len &&
	       (host[short_len] == '\0' || name[short_len] == '\0') &&
	       strncasecmp(host, name, short_len) == 0;
}

bool netchk_host_is_local(const char *host)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	bool local = false;

	if (name_is_ours(host))
		return true;
	/* a name that does not resolve here is for ssh to resolve */
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return false;
	for (struct addrinfo *i = ai; i != NULL && !local; i = i->ai_next)
		local = addr_is_local(i->ai_addr);
	freeaddrinfo(ai);
	return local;
}

bool netchk_remote_wanted(const char *host)
{
	return netchk_remote.hosts != NULL ||
	       (host != NULL && !netchk_host_is_local(host));
}

/* ---------------------------------------------------------------- */
/* One ssh process per host                                           */
/* ---------------------------------------------------------------- */

struct job {
	TALLOC_CTX *mem;		/* the captured output hangs here */
	const char *host;
	const char **argv;		/* ssh's */
	pid_t pid;
	int out_fd, err_fd;
	char *out, *err;		/* talloc'd, NUL-terminated */
	size_t out_len, err_len;
	int status;			/* exit status; -1: killed / died */
	double end;			/* killed then (now_s() time) */
	bool limit_hit;			/* end is the call's limit, not
					 * --deadline */
	bool timed_out;
	bool done;
};

/* 'x' -> quoted for the remote shell: ssh joins argv with spaces. */
static char *shell_quote(TALLOC_CTX *mem_ctx, const char *s)
{
	char *q = talloc_strdup(mem_ctx, "'");

	for (const char *p = s; q != NULL && *p; p++)
		q = *p == '\'' ? talloc_strdup_append(q, "'\\''") :
		    talloc_strndup_append(q, p, 1);
	return q != NULL ? talloc_strdup_append(q, "'") : NULL;
}

/*
 * The remote command's words, each quoted: "sudo -n /usr/sbin/netchk"
 * for a login that is not root.  Words are split at blanks only.
 */
static char *command_words(TALLOC_CTX *mem_ctx, const char *cmd)
{
	char *line = talloc_strdup(mem_ctx, "");

	while (line != NULL && *cmd != '\0') {
		size_t n = strcspn(cmd, " \t");

		if (n > 0)
			line = talloc_asprintf_append(line, "%s%s",
				*line ? " " : "", shell_quote(mem_ctx,
				talloc_strndup(mem_ctx, cmd, n)));
		cmd += n;
		cmd += strspn(cmd, " \t");
	}
	return line;
}

/*
 * The remote netchk's --deadline for a host limit: what is left after
 * ssh and the answer's way back, whole seconds (the option is an int in
 * every netchk), at least 1.
 */
static int remote_deadline(double limit)
{
	int d = (int)(limit - REMOTE_ALLOWANCE);

	return d < 1 ? 1 : d;
}

static const char *remote_command_line(TALLOC_CTX *mem_ctx,
				       const struct netchk_remote_call *call)
{
	const char *cmd = netchk_remote.remote_command;
	char *line;

	if (cmd == NULL)
		cmd = getenv("NETCHK_REMOTE_COMMAND");
	if (cmd == NULL || cmd[strspn(cmd, " \t")] == '\0')
		cmd = "netchk";
	line = talloc_asprintf(mem_ctx, "%s %s --json",
			       command_words(mem_ctx, cmd), call->verb->verb);
	for (size_t i = 0; line != NULL && i < call->fwd.count; i++)
		line = talloc_asprintf_append(line, " %s",
			shell_quote(mem_ctx, call->fwd.args[i]));
	if (line != NULL && netchk_remote.account != NULL)
		line = talloc_asprintf_append(line, " %s", shell_quote(mem_ctx,
			talloc_asprintf(mem_ctx, "--account=%s",
					netchk_remote.account)));
	/* the time left to the remote, so that it answers with its own */
	if (line != NULL && call->limit > 0)
		line = talloc_asprintf_append(line, " --deadline=%d",
			remote_deadline(call->limit));
	return line;
}

static const char **ssh_argv(TALLOC_CTX *mem_ctx,
			     const struct netchk_remote_call *call,
			     const char *host, const char *command)
{
	const char *config = netchk_remote.ssh_config;
	const char **a = talloc_zero_array(mem_ctx, const char *, 16);
	size_t n = 0;
	int connect = call->timeout > 0 ? call->timeout : 10;

	if (a == NULL)
		return NULL;
	if (config == NULL)
		config = getenv("NETCHK_SSH_CONFIG");
	a[n++] = NETCHK_SSH;
	if (config != NULL && *config != '\0') {
		a[n++] = "-F";
		a[n++] = config;
	}
	a[n++] = "-T";			/* no terminal: clean JSON */
	a[n++] = "-o";
	a[n++] = "BatchMode=yes";	/* never a password prompt */
	a[n++] = "-o";
	a[n++] = talloc_asprintf(a, "ConnectTimeout=%d", connect);
	a[n++] = "-o";
	a[n++] = "ServerAliveInterval=15";
	a[n++] = "--";
	a[n++] = host;
	a[n++] = command;
	return a;
}

static bool job_start(struct job *j, const struct sc_secret *secret)
{
	int in[2], out[2], err[2];

	if (pipe2(in, O_CLOEXEC) != 0)
		return false;
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return false;
	}
	j->pid = fork();
	if (j->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		execv(j->argv[0], (char *const *)j->argv);
		dprintf(2, "netchk: %s: %s\n", j->argv[0], strerror(errno));
		_exit(SSH_EXIT_ERROR);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	/*
	 * The password fits the pipe buffer: written at once, stdin closed.
	 * A failed write means ssh died, which its exit status reports.
	 */
	if (j->pid > 0 && secret != NULL && secret->len > 0 &&
	    write(in[1], secret->data, secret->len) == (ssize_t)secret->len)
		(void)!write(in[1], "\n", 1);
	close(in[1]);
	j->out_fd = out[0];
	j->err_fd = err[0];
	if (j->pid < 0) {
		close(out[0]);
		close(err[0]);
		j->out_fd = j->err_fd = -1;
		return false;
	}
	return true;
}

/* Read what is there; false at end of file. */
static bool drain(TALLOC_CTX *mem_ctx, int fd, char **buf, size_t *len,
		  size_t max)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (*len + (size_t)n > max)
		return true;		/* cut: the parse will say so */
	*buf = talloc_realloc(mem_ctx, *buf, char, *len + (size_t)n + 1);
	if (*buf == NULL)
		return false;
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return true;
}

static void job_reap(struct job *j, bool kill_it)
{
	int st;

	if (kill_it) {
		kill(j->pid, SIGKILL);
		j->timed_out = true;
	}
	if (j->out_fd >= 0)
		close(j->out_fd);
	if (j->err_fd >= 0)
		close(j->err_fd);
	j->out_fd = j->err_fd = -1;
	while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR)
		;
	j->status = !kill_it && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	j->done = true;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Poll the running jobs once, up to ms; report the ones that ended. */
static void poll_jobs(struct job **running, size_t *nrun, int ms,
		      void (*ended)(struct job *, void *), void *data)
{
	struct pollfd pfd[2 * NETCHK_REMOTE_MAX_PARALLEL];
	size_t n = 0;

	for (size_t i = 0; i < *nrun; i++) {
		pfd[n++] = (struct pollfd){ running[i]->out_fd, POLLIN, 0 };
		pfd[n++] = (struct pollfd){ running[i]->err_fd, POLLIN, 0 };
	}
	if (poll(pfd, n, ms) <= 0)
		return;
	for (size_t i = 0; i < *nrun;) {
		struct job *j = running[i];

		if (pfd[2 * i].fd >= 0 && pfd[2 * i].revents != 0 &&
		    !drain(j->mem, j->out_fd, &j->out, &j->out_len,
			   REMOTE_OUT_MAX)) {
			close(j->out_fd);
			j->out_fd = -1;
		}
		if (pfd[2 * i + 1].fd >= 0 && pfd[2 * i + 1].revents != 0 &&
		    !drain(j->mem, j->err_fd, &j->err, &j->err_len,
			   REMOTE_ERR_MAX)) {
			close(j->err_fd);
			j->err_fd = -1;
		}
		i++;
	}
	for (size_t i = 0; i < *nrun;) {
		struct job *j = running[i];

		if (j->out_fd >= 0 || j->err_fd >= 0) {
			i++;
			continue;
		}
		job_reap(j, false);
		ended(j, data);
		running[i] = running[--*nrun];
	}
}

/* The running jobs whose end has come: killed, reported ended. */
static void kill_expired(struct job **running, size_t *nrun, double now,
			 void (*ended)(struct job *, void *), void *data)
{
	for (size_t i = 0; i < *nrun;) {
		struct job *j = running[i];

		if (j->end > now) {
			i++;
			continue;
		}
		job_reap(j, true);
		ended(j, data);
		running[i] = running[--*nrun];
	}
}

/* Milliseconds until the first running job's end (at least 1). */
static int ms_to_first_end(struct job *const *running, size_t nrun,
			   double now)
{
	double first = running[0]->end;

	for (size_t i = 1; i < nrun; i++)
		if (running[i]->end < first)
			first = running[i]->end;
	return first > now ? (int)((first - now) * 1000) + 1 : 1;
}

/*
 * Run every job, at most parallel at once, until all ended or the
 * deadline passed; each job also ends at the call's limit from its
 * start.  ended() is called once per job, in the order they end (a job
 * killed at its end is reported then; the ones never started last).
 */
static void run_jobs(struct job *jobs, size_t count, int parallel,
		     const struct netchk_remote_call *call,
		     void (*ended)(struct job *, void *), void *data)
{
	struct job *running[NETCHK_REMOTE_MAX_PARALLEL];
	double end = now_s() + netchk_remote.deadline;
	size_t next = 0, nrun = 0;

	while (next < count || nrun > 0) {
		double now = now_s();

		kill_expired(running, &nrun, now, ended, data);
		while (next < count && nrun < (size_t)parallel && now < end) {
			struct job *j = &jobs[next++];

			j->limit_hit = call->limit > 0 &&
				       now + call->limit < end;
			j->end = j->limit_hit ? now + call->limit : end;
			if (job_start(j, call->stdin_secret)) {
				running[nrun++] = j;
			} else {
				j->status = -1;
				j->done = true;
				ended(j, data);
			}
		}
		if (now >= end)
			break;
		if (nrun > 0)
			poll_jobs(running, &nrun,
				  ms_to_first_end(running, nrun, now), ended,
				  data);
	}
	/* never started: the deadline came first */
	for (; next < count; next++) {
		jobs[next].timed_out = true;
		jobs[next].status = -1;
		jobs[next].done = true;
		ended(&jobs[next], data);
	}
}

/* ---------------------------------------------------------------- */
/* What an ended job means                                            */
/* ---------------------------------------------------------------- */

struct outcome {
	int exit;			/* 0-3 */
	const char *error;		/* one line, or NULL */
	bool timed_out;			/* at the call's limit */
	struct json *doc;		/* the parsed result, or NULL */
	const char *raw;		/* its text, trimmed */
};

/* The last non-empty line of a captured stream, or "". */
static const char *last_line(TALLOC_CTX *mem_ctx, const char *s)
{
	const char *end, *start;

	if (s == NULL)
		return "";
	end = s + strlen(s);
	while (end > s && (end[-1] == '\n' || end[-1] == '\r' ||
			   end[-1] == ' '))
		end--;
	start = end;
	while (start > s && start[-1] != '\n')
		start--;
	return talloc_strndup(mem_ctx, start, (size_t)(end - start));
}

static bool too_old(const char *err)
{
	return strstr(err, "unknown verb") != NULL ||
	       strstr(err, "unknown option") != NULL ||
	       strstr(err, "bad argument") != NULL;
}

static void classify(TALLOC_CTX *mem_ctx,
		     const struct netchk_remote_call *call,
		     const struct job *j, struct outcome *o)
{
	const char *err = last_line(mem_ctx, j->err);
	const char *why = NULL, *raw = j->out != NULL ? j->out : "";
	const struct json *schema, *command;

	*o = (struct outcome){ .exit = NETCHK_EXIT_UNKNOWN };
	if (j->timed_out && j->limit_hit) {
		o->timed_out = true;
		o->error = talloc_asprintf(mem_ctx, "no answer within %.1f s "
			"(-t)", call->limit);
		return;
	}
	if (j->timed_out) {
		o->error = talloc_asprintf(mem_ctx, "no answer within %d s "
			"(--deadline)", netchk_remote.deadline);
		return;
	}
	if (j->status == SSH_EXIT_ERROR || j->status < 0) {
		o->error = talloc_asprintf(mem_ctx, "ssh failed: %s",
			*err ? err : "no message (is " NETCHK_SSH
			" installed?)");
		return;
	}
	if (j->status == SHELL_NOT_FOUND) {
		o->error = talloc_asprintf(mem_ctx, "netchk is not installed "
			"there, or not in the PATH of a non-interactive ssh "
			"session (--remote-command=PATH): %s", err);
		return;
	}
	while (*raw == ' ' || *raw == '\n')
		raw++;
	if (*raw == '\0') {
		o->error = too_old(err) ?
			talloc_asprintf(mem_ctx, "the netchk there is too old "
				"for '%s --json' with these options: %s",
				call->verb->verb, err) :
			talloc_strdup(mem_ctx, *err ? err :
				"netchk there ended without a result");
		return;
	}
	o->doc = json_parse(mem_ctx, raw, strlen(raw), &why);
	schema = json_get(o->doc, "schema");
	command = json_get(o->doc, "command");
	if (o->doc == NULL || o->doc->type != JSON_OBJECT) {
		o->error = talloc_asprintf(mem_ctx, "the netchk there "
			"answered no JSON object (too old?): %s",
			why != NULL ? why : "not an object");
	} else if (schema == NULL || schema->type != JSON_NUMBER ||
		   schema->number != REMOTE_JSON_SCHEMA) {
		o->error = talloc_asprintf(mem_ctx, "the netchk there writes "
			"another JSON schema (%g); this netchk reads schema "
			"%d: install the same version", schema != NULL ?
			schema->number : 0, REMOTE_JSON_SCHEMA);
	} else if (command == NULL || command->type != JSON_STRING ||
		   strcmp(command->string, call->verb->verb) != 0) {
		o->error = talloc_asprintf(mem_ctx, "the netchk there "
			"answered another command than '%s'",
			call->verb->verb);
	} else if (j->status > NETCHK_EXIT_UNKNOWN) {
		o->error = talloc_asprintf(mem_ctx, "the netchk there exited "
			"%d: %s", j->status, err);
	}
	if (o->error != NULL) {
		o->doc = NULL;
		return;
	}
	o->exit = j->status;
	o->raw = talloc_strndup(mem_ctx, raw, strcspn(raw, "\n"));
}

/* {"host":"H", + the remote object without its opening brace */
static void print_with_host(const char *host, const char *raw)
{
	fputs("{\"host\":", stdout);
	netchk_json_string(stdout, host);
	printf(",%s\n", raw + 1);
}

/* One host's line of --json: its exit code, error and remote result. */
static void print_host_json(const char *host, int exit, const char *error,
			    const char *raw)
{
	fputs("{\"host\":", stdout);
	netchk_json_string(stdout, host);
	printf(",\"exit_code\":%d,\"error\":", exit);
	netchk_json_string(stdout, error);
	printf(",\"result\":%s}\n", raw != NULL ? raw : "null");
}

/*
 * No result from host: the verb's own failure (check: a plugin line),
 * else one line on stderr and, with --json, the object --hosts gives it,
 * so that a script reading stdout learns the host and why.
 */
static int fail_host(const struct netchk_remote_call *call,
		     const char *host, const struct outcome *o)
{
	if (call->verb->error != NULL)
		return call->verb->error(call, host, o->error, o->timed_out);
	netchk_error("%s: %s", host, o->error);
	if (call->json)
		print_host_json(host, NETCHK_EXIT_UNKNOWN, o->error, NULL);
	return NETCHK_EXIT_UNKNOWN;
}

/* ---------------------------------------------------------------- */
/* One host                                                           */
/* ---------------------------------------------------------------- */

struct one {
	TALLOC_CTX *mem;
	const struct netchk_remote_call *call;
	int exit;
};

static void one_ended(struct job *j, void *data)
{
	struct one *one = data;
	struct outcome o;

	classify(one->mem, one->call, j, &o);
	if (o.error != NULL) {
		one->exit = fail_host(one->call, j->host, &o);
		return;
	}
	/* the remote's own narration, as a local run shows it */
	if (j->err != NULL)
		fputs(j->err, stderr);
	if (one->call->json) {
		print_with_host(j->host, o.raw);
		one->exit = o.exit;
		return;
	}
	one->exit = one->call->verb->full(one->call, j->host, o.doc);
}

/* ---------------------------------------------------------------- */
/* --hosts                                                            */
/* ---------------------------------------------------------------- */

struct many {
	TALLOC_CTX *mem;
	const struct netchk_remote_call *call;
	size_t by_exit[4];
	int worst;
};

static void many_ended(struct job *j, void *data)
{
	struct many *m = data;
	struct outcome o;
	char *text = NULL;
	int exit;

	classify(m->mem, m->call, j, &o);
	if (m->call->json) {
		print_host_json(j->host, o.exit, o.error, o.raw);
		exit = o.exit;
	} else if (o.error != NULL) {
		printf("%s UNKNOWN %s\n", j->host, o.error);
		exit = NETCHK_EXIT_UNKNOWN;
	} else {
		exit = m->call->verb->line(m->call, j->host, o.doc, &text);
		printf("%s %s\n", j->host, text != NULL ? text : "");
		talloc_free(text);
	}
	fflush(stdout);
	if (exit < 0 || exit > NETCHK_EXIT_UNKNOWN)
		exit = NETCHK_EXIT_UNKNOWN;
	m->by_exit[exit]++;
	if (exit > m->worst)
		m->worst = exit;
}

/*
 * A destination as ssh takes it: a name or address, user@host, [v6] or
 * ssh://user@host:port; never an option, a blank or a shell character.
 */
static bool host_ok(const char *h)
{
	if (*h == '\0' || *h == '-')
		return false;
	return strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789.-_:@[]/%") == strlen(h);
}

/* The hosts of FILE: one a line, # comments, blank lines skipped. */
static const char **read_hosts(TALLOC_CTX *mem_ctx, const char *path,
			       size_t *count_out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	const char **hosts = NULL;
	size_t n = 0, lineno = 0;
	bool bad = false;
	char line[1024];

	if (f == NULL) {
		netchk_bad_args("--hosts %s: %s", path, strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = line, *e;

		lineno++;
		s[strcspn(s, "#\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s + strlen(s); e > s && (e[-1] == ' ' ||
		     e[-1] == '\t' || e[-1] == '\r'); e--)
			;
		*e = '\0';
		if (*s == '\0')
			continue;
		if (!host_ok(s)) {
			netchk_bad_args("--hosts %s:%zu: '%s' is not a host "
					"name", path, lineno, s);
			bad = true;
			break;
		}
		hosts = talloc_realloc(mem_ctx, hosts, const char *, n + 1);
		if (hosts == NULL || (hosts[n++] = talloc_strdup(hosts, s)) ==
		    NULL) {
			bad = true;
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (!bad && n == 0)
		netchk_bad_args("--hosts %s: no host in it", path);
	*count_out = n;
	return bad || n == 0 ? NULL : hosts;
}

static bool check_limits(void)
{
	if (netchk_remote.parallel < 1 ||
	    netchk_remote.parallel > NETCHK_REMOTE_MAX_PARALLEL) {
		netchk_bad_args("--parallel: %d is not between 1 and %d",
				netchk_remote.parallel,
				NETCHK_REMOTE_MAX_PARALLEL);
		return false;
	}
	return true;
}

int netchk_remote_run(TALLOC_CTX *mem_ctx,
		      const struct netchk_remote_call *call)
{
	TALLOC_CTX *tmp_ctx = talloc_new(mem_ctx);
	const char **hosts = NULL, *command, *one_host[1] = { call->host };
	struct job *jobs;
	size_t count = 1;
	double t0 = now_s();
	int ret = NETCHK_EXIT_UNKNOWN;

	if (tmp_ctx == NULL || !check_limits())
		goto done;
	if (netchk_remote.hosts != NULL && call->host != NULL) {
		netchk_bad_args("give either HOST or --hosts, not both");
		goto done;
	}
	if (netchk_remote.hosts != NULL)
		hosts = read_hosts(tmp_ctx, netchk_remote.hosts, &count);
	else if (call->host != NULL && host_ok(call->host))
		hosts = one_host;
	else
		netchk_bad_args("'%s' is not a host name", call->host);
	command = remote_command_line(tmp_ctx, call);
	jobs = talloc_zero_array(tmp_ctx, struct job, count);
	if (hosts == NULL || command == NULL || jobs == NULL)
		goto done;
	for (size_t i = 0; i < count; i++) {
		jobs[i].mem = jobs;
		jobs[i].host = hosts[i];
		jobs[i].out_fd = jobs[i].err_fd = -1;
		jobs[i].argv = ssh_argv(jobs, call, hosts[i], command);
		if (jobs[i].argv == NULL)
			goto done;
	}
	if (netchk_remote.hosts == NULL) {
		struct one one = { tmp_ctx, call, NETCHK_EXIT_UNKNOWN };

		run_jobs(jobs, 1, 1, call, one_ended, &one);
		ret = one.exit;
	} else {
		struct many m = { tmp_ctx, call, { 0 }, 0 };

		run_jobs(jobs, count, netchk_remote.parallel, call,
			 many_ended, &m);
		if (call->json)
			printf("{\"summary\":{\"hosts\":%zu,\"ok\":%zu,"
			       "\"warning\":%zu,\"broken\":%zu,\"unknown\":"
			       "%zu,\"seconds\":%.3f}}\n", count,
			       m.by_exit[0], m.by_exit[1], m.by_exit[2],
			       m.by_exit[3], now_s() - t0);
		else
			printf("Summary: %zu hosts: %zu OK, %zu WARNING, %zu "
			       "BROKEN, %zu UNKNOWN in %.1f s\n", count,
			       m.by_exit[0], m.by_exit[1], m.by_exit[2],
			       m.by_exit[3], now_s() - t0);
		ret = m.worst;
	}
done:
	talloc_free(tmp_ctx);
	return ret;
}
