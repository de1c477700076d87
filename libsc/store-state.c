/*
 * libsc - netchk's own state: the lockout memory
 *
 * A verify runs every few minutes from monitoring.  An AD KDC counts each
 * wrong long-term key against the account's badPwdCount, so presenting a
 * stale keytab on every run walks the account into lockout (the SMS client
 * account lesson).  We remember, per realm, DC and path, the one-way
 * fingerprint of each secret the DC called wrong together with its answer,
 * and do not present that secret again until it changes.
 *
 * Only a wrong-secret answer is remembered (Kerberos PREAUTH_FAILED,
 * netlogon ACCESS_DENIED or WRONG_PASSWORD): it is the only one a DC
 * counts towards lockout, and the only one that stays true while nothing
 * local changes.  A disabled, deleted, locked-out or expired account, a
 * clock skew or any other KDC error says nothing about the secret and
 * ends when an administrator acts on the DC, so it is asked afresh every
 * run; remembering it would keep a healthy host red.
 *
 * A remembered rejection also ends by itself: after one lockout
 * observation window (the domain's lockOutObservationWindow, read over
 * LDAP whenever the machine is bound and kept here; 30 minutes, the AD and
 * Samba default, until then) the secret may be presented once more, one
 * per run, and only when no rejection of that realm is younger than the
 * window.  A DC
 * resets badPwdCount once a window passes without a bad password, so
 * these re-presentations add at most one badPwdCount per window, and a
 * DC that was fixed behind netchk's back (replication, an administrator
 * setting the password back) turns healthy within a window.
 *
 * File format, one record a line, tab separated:
 *	v2 REALM DC PATH FINGERPRINT NTSTATUS|- KRB5CODE|- UNIXTIME KVNO|-
 *	   PWDLASTSET|-
 *	w1 REALM SECONDS	(the realm's observation window; -1: never)
 * (v1 lines, without the last two fields, are read too.)  KVNO and
 * PWDLASTSET are the account as that DC showed it over LDAP when it
 * rejected the secret: when the DC's copy changes (replication arrived,
 * an administrator reset it), the rejection is forgotten, so a lagging DC
 * turns healthy by itself without --recheck.  UNIXTIME is when the DC
 * last rejected the secret.
 * The file holds no secret, but it is root's business: 0600 in a 0700
 * directory, written atomically.  A run holds an exclusive lock on
 * rejected-secrets.lock from loading the memory to saving it, so that
 * concurrent verify, check and reset runs neither present the same
 * secret twice nor lose each other's records.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define NT_STATUS_ACCESS_DENIED		0xC0000022u
#define NT_STATUS_WRONG_PASSWORD	0xC000006Au

#define STATE_FILE "rejected-secrets"
#define LOCK_FILE "rejected-secrets.lock"
/* The AD and Samba default lockOutObservationWindow: 30 minutes. */
#define DEFAULT_WINDOW (30 * 60)

enum sc_rc sci_write_file_atomic(TALLOC_CTX *mem_ctx, const char *path,
				 const void *data, size_t len, mode_t mode,
				 struct sc_error **err_out)
{
	char *tmp = talloc_asprintf(NULL, "%s.tmp.XXXXXX", path);
	char *dir = NULL;
	enum sc_rc rc = SC_OK;
	const uint8_t *p = data;
	int fd = -1, dfd = -1;
	size_t off = 0;

	if (tmp == NULL)
		return SC_ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = sci_error(mem_ctx, err_out, errno == EACCES ?
			       SC_EACCES : SC_EINVAL, SC_ERRDOM_ERRNO, errno,
			       "cannot create %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	dir = talloc_strdup(tmp, path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	goto done;
fail:
	rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_ERRNO, errno,
		       "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
done:
	talloc_free(tmp);
	return rc;
}

/*
 * The answers that say "this secret is wrong": the only ones remembered.
 * A Kerberos PREAUTH_FAILED whose e-data names another NTSTATUS (say
 * ACCOUNT_LOCKED_OUT) is about the account, not the secret.
 */
bool sci_wrong_secret(enum sc_path path, bool has_ntstatus, uint32_t ntstatus,
		      bool has_krb5, int32_t krb5_code)
{
	if (path == SC_PATH_KERBEROS)
		return has_krb5 && krb5_code == KRB5KDC_ERR_PREAUTH_FAILED &&
		       (!has_ntstatus || ntstatus == NT_STATUS_WRONG_PASSWORD);
	return !has_krb5 && has_ntstatus &&
	       (ntstatus == NT_STATUS_ACCESS_DENIED ||
		ntstatus == NT_STATUS_WRONG_PASSWORD);
}

static bool parse_line(TALLOC_CTX *mem_ctx, char *line, struct sci_reject *r)
{
	char *f[10];
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, "\t\n", &save); t != NULL && n < 10;
	     t = strtok_r(NULL, "\t\n", &save))
		f[n++] = t;
	if (!((n == 8 && strcmp(f[0], "v1") == 0) ||
	      (n == 10 && strcmp(f[0], "v2") == 0)) || strlen(f[4]) != 16)
		return false;
	memset(r, 0, sizeof(*r));
	r->realm = talloc_strdup(mem_ctx, f[1]);
	r->dc = talloc_strdup(mem_ctx, f[2]);
	if (strcmp(f[3], "netlogon") == 0)
		r->path = SC_PATH_NETLOGON;
	else if (strcmp(f[3], "kerberos") == 0)
		r->path = SC_PATH_KERBEROS;
	else
		return false;
	memcpy(r->fingerprint, f[4], 17);
	if (strcmp(f[5], "-") != 0) {
		r->has_ntstatus = true;
		r->ntstatus = (uint32_t)strtoul(f[5], NULL, 16);
	}
	if (strcmp(f[6], "-") != 0) {
		r->has_krb5 = true;
		r->krb5_code = (int32_t)strtol(f[6], NULL, 10);
	}
	r->when = (time_t)strtoll(f[7], NULL, 10);
	if (n == 10 && strcmp(f[8], "-") != 0 && strcmp(f[9], "-") != 0) {
		r->has_acct = true;
		r->acct_kvno = (uint32_t)strtoul(f[8], NULL, 10);
		r->acct_pwd_last_set = strtoll(f[9], NULL, 10);
	}
	/* older versions remembered answers about the account too */
	return r->realm != NULL && r->dc != NULL &&
	       sci_wrong_secret(r->path, r->has_ntstatus, r->ntstatus,
				r->has_krb5, r->krb5_code);
}

/* "w1 REALM SECONDS" */
static bool parse_window(struct sci_state *st, char *line)
{
	char *f[3], *save = NULL, *end = NULL;
	long long v;
	int n = 0;

	for (char *t = strtok_r(line, "\t\n", &save); t != NULL && n < 3;
	     t = strtok_r(NULL, "\t\n", &save))
		f[n++] = t;
	if (n != 3 || strcmp(f[0], "w1") != 0)
		return false;
	errno = 0;
	v = strtoll(f[2], &end, 10);
	if (errno != 0 || *end != '\0' || v < -1)
		return false;
	sci_state_set_window(st, f[1], (int64_t)v);
	return true;
}

static int lock_destructor(struct sci_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	return 0;
}

/*
 * The state directory, made if missing, and kept 0700: it must be a
 * directory of ours (not another user's), else it is not used.  Returns
 * an O_DIRECTORY fd, or -1 with errno set.
 */
int sci_state_dir_open(const char *dir)
{
	struct stat sb;
	int fd, e;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0)
		goto fail;
	if (sb.st_uid != geteuid()) {
		errno = EPERM;
		goto fail;
	}
	if ((sb.st_mode & 07777) != 0700 && fchmod(fd, 0700) != 0)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/*
 * The exclusive lock of the memory, waited for up to max_wait seconds
 * (another run holds it for its whole verify).
 */
static enum sc_rc take_lock(TALLOC_CTX *mem_ctx, struct sci_state *st,
			    int dfd, double max_wait,
			    const struct sc_verify_opts *narrate,
			    struct sc_error **err_out)
{
	bool said = false;

	struct timespec ts = { 0, 50 * 1000 * 1000 };
	double t0 = sci_now();

	st->lock_fd = openat(dfd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW |
			     O_CLOEXEC, 0600);
	if (st->lock_fd < 0)
		return sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 errno, "cannot open %s.lock: %s", st->path,
				 strerror(errno));
	while (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			return sci_error(mem_ctx, err_out, SC_EACCES,
					 SC_ERRDOM_ERRNO, errno,
					 "cannot lock %s.lock: %s", st->path,
					 strerror(errno));
		if (!said)
			sci_message(narrate, "Waiting for another netchk run "
				    "to finish (%s.lock) ...", st->path);
		said = true;
		if (sci_now() - t0 >= max_wait)
			return sci_error(mem_ctx, err_out, SC_EBUSY,
					 SC_ERRDOM_NONE, 0, "another netchk "
					 "run held %s.lock for %.0f s; try "
					 "again when it has finished",
					 st->path, max_wait);
		nanosleep(&ts, NULL);
	}
	return SC_OK;
}

/*
 * Read the file; unparsable lines are dropped.  Missing: empty.  Not a
 * regular file or huge: an error, as presenting every secret again
 * would not be lockout-safe.
 */
static enum sc_rc read_state(TALLOC_CTX *mem_ctx, struct sci_state *st,
			     struct sc_error **err_out)
{
	char line[1024];
	FILE *fp = NULL;
	struct stat sb;
	int fd = sci_open_store(st->path, O_NOFOLLOW, SCI_MAX_CONF, &sb);

	if (fd < 0 && errno == ENOENT)
		return SC_OK;
	if (fd < 0)
		return sci_store_open_error(mem_ctx, err_out, "lockout memory",
					    st->path, errno, &sb,
					    SCI_MAX_CONF);
	fp = fdopen(fd, "r");
	if (fp == NULL) {
		close(fd);
		return SC_ENOMEM;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		struct sci_reject r;
		char copy[sizeof(line)];

		memcpy(copy, line, sizeof(line));
		if (parse_window(st, copy) || !parse_line(st, line, &r))
			continue;
		st->rejects = talloc_realloc(st, st->rejects,
					     struct sci_reject,
					     st->count + 1);
		if (st->rejects == NULL) {
			fclose(fp);
			return SC_ENOMEM;
		}
		st->rejects[st->count++] = r;
	}
	fclose(fp);
	return SC_OK;
}

/*
 * A missing file is an empty memory.  A missing or unusable directory is
 * not an error either: the run then remembers nothing (it still presents
 * each secret at most once).  The memory is locked until it is freed.
 */
enum sc_rc sci_state_load(TALLOC_CTX *mem_ctx, const char *dir,
			  double max_wait,
			  const struct sc_verify_opts *narrate,
			  struct sci_state **state_out,
			  struct sc_error **err_out)
{
	struct sci_state *st = talloc_zero(mem_ctx, struct sci_state);
	enum sc_rc rc = SC_OK;
	int dfd;

	if (st == NULL)
		return SC_ENOMEM;
	st->lock_fd = -1;
	talloc_set_destructor(st, lock_destructor);
	if (dir == NULL || (dfd = sci_state_dir_open(dir)) < 0) {
		if (dir != NULL)
			sci_message(narrate, "warning: %s cannot be used (%s): "
				    "rejected secrets are not remembered",
				    dir, strerror(errno));
		*state_out = st;
		return SC_OK;
	}
	st->path = talloc_asprintf(st, "%s/%s", dir, STATE_FILE);
	if (st->path == NULL)
		rc = SC_ENOMEM;
	if (rc == SC_OK)
		rc = take_lock(mem_ctx, st, dfd, max_wait, narrate, err_out);
	if (rc == SC_OK)
		rc = read_state(mem_ctx, st, err_out);
	close(dfd);
	if (rc != SC_OK) {
		talloc_free(st);
		return rc;
	}
	*state_out = st;
	return SC_OK;
}

const struct sci_reject *sci_state_find(const struct sci_state *state,
					const char *realm, const char *dc,
					enum sc_path path,
					const char *fingerprint)
{
	for (size_t i = 0; state != NULL && i < state->count; i++) {
		const struct sci_reject *r = &state->rejects[i];

		if (r->path == path && strcmp(r->fingerprint, fingerprint) == 0
		    && strcasecmp(r->realm, realm) == 0 &&
		    strcasecmp(r->dc, dc) == 0)
			return r;
	}
	return NULL;
}

/*
 * Record what a DC said to a presented secret: a wrong-secret answer is
 * remembered (again: with this run's time), an acceptance forgets any
 * earlier rejection of the same secret (the account was reset back to
 * it).  Other outcomes change nothing.
 */
void sci_state_record(struct sci_state *state, const char *realm,
		      const char *dc, const struct sc_attempt *a)
{
	struct sci_reject *r;
	size_t i;

	if (state == NULL)
		return;
	if (state->granted && a->path == state->grant_path &&
	    strcmp(a->fingerprint, state->grant_fp) == 0 &&
	    strcasecmp(dc, state->grant_dc) == 0)
		state->granted = false;
	if (a->outcome != SC_OUTCOME_REJECTED &&
	    a->outcome != SC_OUTCOME_ACCEPTED)
		return;
	/* Only a wrong secret: see the top of this file. */
	if (a->outcome == SC_OUTCOME_REJECTED &&
	    !sci_wrong_secret(a->path, a->has_ntstatus, a->ntstatus,
			      a->has_krb5, a->krb5_code))
		return;
	for (i = 0; i < state->count; i++) {
		r = &state->rejects[i];
		if (r->path == a->path &&
		    strcmp(r->fingerprint, a->fingerprint) == 0 &&
		    strcasecmp(r->realm, realm) == 0 &&
		    strcasecmp(r->dc, dc) == 0)
			break;
	}
	if (a->outcome == SC_OUTCOME_ACCEPTED) {
		if (i < state->count) {
			state->rejects[i] = state->rejects[state->count - 1];
			state->count--;
			state->dirty = true;
		}
		return;
	}
	if (i == state->count) {
		r = talloc_realloc(state, state->rejects, struct sci_reject,
				   state->count + 1);
		if (r == NULL)
			return;
		state->rejects = r;
		state->count++;
	}
	r = &state->rejects[i];
	memset(r, 0, sizeof(*r));
	r->realm = talloc_strdup(state, realm);
	r->dc = talloc_strdup(state, dc);
	r->path = a->path;
	memcpy(r->fingerprint, a->fingerprint, 17);
	r->has_ntstatus = a->has_ntstatus;
	r->ntstatus = a->ntstatus;
	r->has_krb5 = a->has_krb5;
	r->krb5_code = a->krb5_code;
	r->when = time(NULL);
	state->dirty = true;
}

enum sc_rc sci_state_save(struct sci_state *state, struct sc_error **err_out)
{
	char *buf;
	enum sc_rc rc;

	if (state == NULL || state->path == NULL || !state->dirty)
		return SC_OK;
	buf = talloc_strdup(NULL, "");
	for (size_t i = 0; i < state->count && buf != NULL; i++) {
		const struct sci_reject *r = &state->rejects[i];
		char nt[16] = "-", k5[16] = "-", kv[16] = "-", pls[24] = "-";

		if (r->has_acct) {
			snprintf(kv, sizeof(kv), "%" PRIu32, r->acct_kvno);
			snprintf(pls, sizeof(pls), "%" PRId64,
				 r->acct_pwd_last_set);
		}
		if (r->has_ntstatus)
			snprintf(nt, sizeof(nt), "%08" PRIx32, r->ntstatus);
		if (r->has_krb5)
			snprintf(k5, sizeof(k5), "%" PRId32, r->krb5_code);
		buf = talloc_asprintf_append(buf, "v2\t%s\t%s\t%s\t%s\t%s\t%s\t"
					     "%lld\t%s\t%s\n", r->realm, r->dc,
					     sc_path_name(r->path),
					     r->fingerprint, nt, k5,
					     (long long)r->when, kv, pls);
	}
	for (size_t i = 0; i < state->window_count && buf != NULL; i++)
		buf = talloc_asprintf_append(buf, "w1\t%s\t%" PRId64 "\n",
					     state->windows[i].realm,
					     state->windows[i].seconds);
	if (buf == NULL)
		return SC_ENOMEM;
	rc = sci_write_file_atomic(state, state->path, buf, strlen(buf), 0600,
				   err_out);
	talloc_free(buf);
	if (rc == SC_OK)
		state->dirty = false;
	return rc;
}

static bool of_dc(const struct sci_reject *r, const char *realm,
		  const char *dc)
{
	return strcasecmp(r->realm, realm) == 0 && strcasecmp(r->dc, dc) == 0;
}

void sci_state_stamp(struct sci_state *state, const char *realm,
		     const char *dc, uint32_t kvno, int64_t pwd_last_set)
{
	for (size_t i = 0; state != NULL && i < state->count; i++) {
		struct sci_reject *r = &state->rejects[i];

		if (r->has_acct || !of_dc(r, realm, dc))
			continue;
		r->has_acct = true;
		r->acct_kvno = kvno;
		r->acct_pwd_last_set = pwd_last_set;
		state->dirty = true;
	}
}

size_t sci_state_forget_changed(struct sci_state *state, const char *realm,
				const char *dc, uint32_t kvno,
				int64_t pwd_last_set)
{
	size_t i = 0, gone = 0;

	while (state != NULL && i < state->count) {
		struct sci_reject *r = &state->rejects[i];

		if (r->has_acct && of_dc(r, realm, dc) &&
		    (r->acct_kvno != kvno ||
		     r->acct_pwd_last_set != pwd_last_set)) {
			*r = state->rejects[state->count - 1];
			state->count--;
			state->dirty = true;
			gone++;
			continue;
		}
		i++;
	}
	return gone;
}

bool sci_state_has_stamped(const struct sci_state *state, const char *realm,
			   const char *dc)
{
	for (size_t i = 0; state != NULL && i < state->count; i++)
		if (state->rejects[i].has_acct &&
		    of_dc(&state->rejects[i], realm, dc))
			return true;
	return false;
}

static struct sci_window *window_of(const struct sci_state *state,
				    const char *realm)
{
	for (size_t i = 0; state != NULL && i < state->window_count; i++)
		if (strcasecmp(state->windows[i].realm, realm) == 0)
			return &state->windows[i];
	return NULL;
}

void sci_state_set_window(struct sci_state *state, const char *realm,
			  int64_t seconds)
{
	struct sci_window *w = window_of(state, realm);

	if (state == NULL || (w != NULL && w->seconds == seconds))
		return;
	if (w == NULL) {
		w = talloc_realloc(state, state->windows, struct sci_window,
				   state->window_count + 1);
		if (w == NULL)
			return;
		state->windows = w;
		w = &w[state->window_count];
		w->realm = talloc_strdup(state, realm);
		if (w->realm == NULL)
			return;
		state->window_count++;
	}
	w->seconds = seconds;
	state->dirty = true;
}

int64_t sci_state_window(const struct sci_state *state, const char *realm)
{
	const struct sci_window *w = window_of(state, realm);

	return w != NULL ? w->seconds : DEFAULT_WINDOW;
}

/* Some rejection of the realm younger than its window. */
static bool recent_rejection(const struct sci_state *state,
			     const char *realm, int64_t window, time_t now)
{
	for (size_t i = 0; i < state->count; i++) {
		const struct sci_reject *r = &state->rejects[i];

		if (strcasecmp(r->realm, realm) == 0 &&
		    (int64_t)(now - r->when) < window)
			return true;
	}
	return false;
}

/* Nothing granted yet, and no rejection of the realm in its window. */
static bool may_grant(const struct sci_state *state, const char *realm,
		      int64_t window, time_t now)
{
	/* -1: badPwdCount never resets by time; keep the memory */
	return !state->granted && window >= 0 &&
	       !recent_rejection(state, realm, window, now);
}

static void grant(struct sci_state *state, const struct sci_reject *r)
{
	talloc_free(state->grant_dc);
	state->grant_dc = talloc_strdup(state, r->dc);
	if (state->grant_dc == NULL)
		return;		/* no grant: remembered, the safe side */
	state->granted = true;
	state->grant_path = r->path;
	memcpy(state->grant_fp, r->fingerprint, 17);
}

static bool is_granted(const struct sci_state *state,
		       const struct sci_reject *r)
{
	return state->granted && r->path == state->grant_path &&
	       strcmp(r->fingerprint, state->grant_fp) == 0 &&
	       strcasecmp(r->dc, state->grant_dc) == 0;
}

/*
 * Remembered, or presented once more: a rejection older than the window
 * may go to the DC again, one per run and only while no rejection of the
 * realm is younger than the window, so that netchk adds at most one
 * badPwdCount per window.
 */
enum sci_recall sci_state_recall(struct sci_state *state, const char *realm,
				 const char *dc, enum sc_path path,
				 const char *fingerprint, time_t now,
				 const struct sci_reject **reject_out)
{
	const struct sci_reject *r = sci_state_find(state, realm, dc, path,
						    fingerprint);
	int64_t window;

	if (r == NULL)
		return SCI_RECALL_NONE;
	*reject_out = r;
	if (is_granted(state, r))
		return SCI_RECALL_RETRY;
	window = sci_state_window(state, realm);
	if ((int64_t)(now - r->when) < window ||
	    !may_grant(state, realm, window, now))
		return SCI_RECALL_REMEMBERED;
	grant(state, r);
	return state->granted ? SCI_RECALL_RETRY : SCI_RECALL_REMEMBERED;
}
