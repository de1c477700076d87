/*
 * libsc - probing in a child process, bounded by a deadline
 *
 * Samba's DCE/RPC client keeps process-wide state (gensec backends,
 * debug, talloc autofree contexts) and is not made for threads, so the
 * netlogon probes of several DCs cannot share one process at the same
 * time; taking turns on a lock made a silent DC hold every other DC's
 * netlogon probe up.  Each DC's netlogon path therefore runs in a child
 * of its own: the child is a fork, so the secrets it presents are
 * already in its memory and never cross a socket, a file or argv; what
 * comes back is the attempts (no secret: a one-way fingerprint at most)
 * in a line format, one line per attempt as soon as it is made.  At the
 * deadline the child is killed; the lines it sent so far still count
 * (a rejection already seen must reach the lockout memory).
 *
 * The children are forked while the process has one thread (before
 * --all-dcs starts its threads): a fork while other threads run copies
 * whatever lock they hold at that instant (the sanitizers' allocator,
 * a pthread_once in progress) into a child that then waits on it for
 * ever.  Each child answers requests ("go ...") until its parent closes
 * the socket or kills it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sc-private.h"

#define CHILD_MAX_TEXT	(64 * 1024)
#define DETAIL_MAX	1000

struct sci_child {
	pid_t pid;		/* 0 once reaped */
	int fd;			/* our end of the socketpair; -1 closed */
	char *text;		/* what the child sent for this request */
	size_t len;
};

static void reap(struct sci_child *c)
{
	int status;

	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	c->pid = 0;
}

/* Freeing the handle ends the child, whatever it is doing. */
static int child_destructor(struct sci_child *c)
{
	reap(c);
	if (c->fd >= 0)
		close(c->fd);
	return 0;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

bool sci_child_send(int fd, const char *text)
{
	return text != NULL && write_all(fd, text, strlen(text));
}

/* Only fd (and stdin/out/err) stay open: no copy of a socket, lock or
 * pipe of the parent lives on in the child. */
static void close_others(int fd)
{
	if (fd > 3)
		close_range(3, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0U, 0);
}

/* One request line (without its newline); false at EOF. */
static bool read_request(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return true;
}

/*
 * The child's side: no core dump (its memory holds the secrets), one
 * answer per request until the parent goes away, and leave without
 * running the parent's exit handlers or flushing its stdio buffers.
 */
static void child_main(int fd, sci_child_fn fn, void *data)
{
	struct rlimit no_core = { 0, 0 };
	char request[256];

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	setrlimit(RLIMIT_CORE, &no_core);
	close_others(fd);
	while (read_request(fd, request, sizeof(request))) {
		TALLOC_CTX *mem = talloc_new(NULL);
		char *text = mem != NULL ? fn(mem, data, request, fd) : NULL;

		sci_child_send(fd, text != NULL ? text :
			       "rc 1 0 0 out of memory\n");
		sci_child_send(fd, "end\n");
		talloc_free(mem);
	}
	_exit(0);
}

enum sc_rc sci_child_start(TALLOC_CTX *mem_ctx, sci_child_fn fn, void *data,
			   struct sci_child **child_out,
			   struct sc_error **err_out)
{
	struct sci_child *c;
	int sv[2];

	c = talloc_zero(mem_ctx, struct sci_child);
	if (c == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	c->fd = -1;
	talloc_set_destructor(c, child_destructor);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		talloc_free(c);
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_ERRNO, errno, "socketpair: %s",
				 strerror(errno));
	}
	c->pid = fork();
	if (c->pid < 0) {
		int err = errno;

		close(sv[0]);
		close(sv[1]);
		c->pid = 0;
		talloc_free(c);
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_ERRNO, err, "fork: %s",
				 strerror(err));
	}
	if (c->pid == 0) {
		close(sv[0]);
		child_main(sv[1], fn, data);
	}
	close(sv[1]);
	c->fd = sv[0];
	*child_out = c;
	return SC_OK;
}

bool sci_child_request(struct sci_child *c, const char *request)
{
	c->len = 0;
	if (c->text != NULL)
		c->text[0] = '\0';
	return c->pid > 0 && sci_child_send(c->fd, request);
}

/* Complete once the child's "end" line arrived. */
static bool text_complete(const struct sci_child *c)
{
	return c->len >= 4 && memcmp(c->text + c->len - 4, "end\n", 4) == 0 &&
	       (c->len == 4 || c->text[c->len - 5] == '\n');
}

/* Read what is there; false at EOF or on an error. */
static bool read_some(struct sci_child *c)
{
	char buf[4096];
	ssize_t n = read(c->fd, buf, sizeof(buf));
	char *t;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0 || c->len + (size_t)n > CHILD_MAX_TEXT)
		return false;
	t = talloc_realloc(c, c->text, char, c->len + (size_t)n + 1);
	if (t == NULL)
		return false;
	memcpy(t + c->len, buf, (size_t)n);
	c->len += (size_t)n;
	t[c->len] = '\0';
	c->text = t;
	return true;
}

enum sc_rc sci_child_answer(TALLOC_CTX *mem_ctx, struct sci_child *c,
			    double deadline, char **text_out,
			    bool *complete_out)
{
	bool open = c->pid > 0;

	while (open && !text_complete(c)) {
		double left = deadline - sci_now();
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		int n;

		if (left <= 0)
			break;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			open = read_some(c);
	}
	*complete_out = text_complete(c);
	/* its time is up (or it died): it answers nothing more */
	if (!*complete_out)
		reap(c);
	*text_out = talloc_strdup(mem_ctx, c->text != NULL ? c->text : "");
	return *text_out != NULL ? SC_OK : SC_ENOMEM;
}

/* detail without line breaks, so that it stays one line */
static char *one_line(TALLOC_CTX *mem_ctx, const char *s)
{
	char *t = talloc_strndup(mem_ctx, s != NULL ? s : "", DETAIL_MAX);

	for (char *p = t; p != NULL && *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return t;
}

char *sci_attempt_encode(TALLOC_CTX *mem_ctx, const struct sc_attempt *a)
{
	char *detail = one_line(mem_ctx, a->detail);
	char *line;

	if (detail == NULL)
		return NULL;
	line = talloc_asprintf(mem_ctx, "a %d %d %" PRIu32 " %d %d %" PRIu32
			       " %d %" PRId32 " %.6f %s %s\n", (int)a->path,
			       (int)a->cand, a->kvno, (int)a->outcome,
			       a->has_ntstatus ? 1 : 0, a->ntstatus,
			       a->has_krb5 ? 1 : 0, a->krb5_code, a->seconds,
			       a->fingerprint[0] ? a->fingerprint : "-",
			       detail);
	talloc_free(detail);
	return line;
}

char *sci_rc_encode(TALLOC_CTX *mem_ctx, enum sc_rc rc,
		    const struct sc_error *err)
{
	char *msg = one_line(mem_ctx, err != NULL ? err->message : "");
	char *line;

	if (msg == NULL)
		return NULL;
	line = talloc_asprintf(mem_ctx, "rc %d %d %" PRId64 " %s\n", (int)rc,
			       err != NULL ? (int)err->domain : 0,
			       err != NULL ? err->code : 0, msg);
	talloc_free(msg);
	return line;
}

static bool decode_attempt(TALLOC_CTX *mem_ctx, const char *line,
			   struct sc_attempt *a)
{
	int path, cand, outcome, has_nt, has_k5, off = -1;
	char fp[17];

	memset(a, 0, sizeof(*a));
	if (sscanf(line, "a %d %d %" SCNu32 " %d %d %" SCNu32 " %d %" SCNd32
		   " %lf %16s %n", &path, &cand, &a->kvno, &outcome, &has_nt,
		   &a->ntstatus, &has_k5, &a->krb5_code, &a->seconds, fp,
		   &off) != 10 || off < 0)
		return false;
	if (path < 0 || path >= SC_PATH_COUNT || cand < 0 ||
	    cand > SC_CAND_KEYTAB || outcome < 0 ||
	    outcome > SC_OUTCOME_ERROR)
		return false;
	a->path = (enum sc_path)path;
	a->cand = (enum sc_cand)cand;
	a->outcome = (enum sc_outcome)outcome;
	a->has_ntstatus = has_nt != 0;
	a->has_krb5 = has_k5 != 0;
	if (strcmp(fp, "-") != 0)
		memcpy(a->fingerprint, fp, sizeof(fp));
	a->detail = talloc_strdup(mem_ctx, line + off);
	return a->detail != NULL;
}

static bool decode_rc(TALLOC_CTX *mem_ctx, const char *line,
		      enum sc_rc *rc_out, struct sc_error **err_out)
{
	int rc, dom, off = -1;
	int64_t code;

	if (sscanf(line, "rc %d %d %" SCNd64 " %n", &rc, &dom, &code,
		   &off) != 3 || off < 0 || rc < SC_OK || rc > SC_EINTERNAL ||
	    dom < SC_ERRDOM_NONE || dom > SC_ERRDOM_ERRNO)
		return false;
	*rc_out = (enum sc_rc)rc;
	if (rc != SC_OK)
		sci_error(mem_ctx, err_out, (enum sc_rc)rc,
			  (enum sc_errdom)dom, code, "%s", line + off);
	return true;
}

enum sc_rc sci_attempts_decode(TALLOC_CTX *mem_ctx, const char *text,
			       struct sc_attempt **attempts_out,
			       size_t *count_out, bool *have_rc_out,
			       enum sc_rc *rc_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct sc_attempt *v = NULL;
	size_t n = 0;
	char *copy = talloc_strdup(tmp, text), *save = NULL, *line;
	bool have_rc = false;
	enum sc_rc rc = SC_OK;
	struct sc_error *err = NULL;

	if (tmp == NULL || copy == NULL) {
		talloc_free(tmp);
		return SC_ENOMEM;
	}
	/* only whole lines: a killed child may have sent half of one */
	line = strrchr(copy, '\n');
	if (line == NULL)
		copy[0] = '\0';
	else
		line[1] = '\0';
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		struct sc_attempt a;

		if (line[0] == 'a' && decode_attempt(tmp, line, &a)) {
			v = talloc_realloc(tmp, v, struct sc_attempt, n + 1);
			if (v == NULL) {
				talloc_free(tmp);
				return SC_ENOMEM;
			}
			v[n++] = a;
		} else if (line[0] == 'r' && !have_rc) {
			have_rc = decode_rc(tmp, line, &rc, &err);
		}
	}
	for (size_t i = 0; i < n; i++)
		talloc_steal(mem_ctx, v[i].detail);
	*attempts_out = n > 0 ? talloc_steal(mem_ctx, v) : NULL;
	*count_out = n;
	*have_rc_out = have_rc;
	*rc_out = rc;
	if (err != NULL && err_out != NULL)
		*err_out = talloc_steal(mem_ctx, err);
	talloc_free(tmp);
	return SC_OK;
}
