/*
 * libsc - netchk's own state: the lockout memory
 *
 * A verify runs every few minutes from monitoring.  An AD KDC counts each
 * wrong long-term key against the account's badPwdCount, so presenting a
 * stale keytab on every run walks the account into lockout (the SMS client
 * account lesson).  We remember, per realm, DC and path, the one-way
 * fingerprint of each secret the DC rejected together with its answer, and
 * do not present that secret again until it changes.
 *
 * File format, one rejection a line, tab separated:
 *	v2 REALM DC PATH FINGERPRINT NTSTATUS|- KRB5CODE|- UNIXTIME KVNO|-
 *	   PWDLASTSET|-
 * (v1 lines, without the last two fields, are read too.)  KVNO and
 * PWDLASTSET are the account as that DC showed it over LDAP when it
 * rejected the secret: when the DC's copy changes (replication arrived,
 * an administrator reset it), the rejection is forgotten, so a lagging DC
 * turns healthy by itself without --recheck.
 * The file holds no secret, but it is root's business: 0600 in a 0700
 * directory, written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define NT_STATUS_TIME_DIFFERENCE	0xC0000133u	/* _AT_DC */

#define STATE_FILE "rejected-secrets"

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
	return r->realm != NULL && r->dc != NULL;
}

/*
 * A missing file is an empty memory.  A missing or unwritable directory
 * is not an error either: the run then remembers nothing (it still
 * presents each secret at most once).  Unparsable lines are dropped.
 */
enum sc_rc sci_state_load(TALLOC_CTX *mem_ctx, const char *dir,
			  struct sci_state **state_out,
			  struct sc_error **err_out)
{
	struct sci_state *st = talloc_zero(mem_ctx, struct sci_state);
	char line[1024];
	FILE *fp;

	if (st == NULL)
		return SC_ENOMEM;
	if (dir != NULL) {
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*state_out = st;
			return SC_OK;
		}
		st->path = talloc_asprintf(st, "%s/%s", dir, STATE_FILE);
		if (st->path == NULL) {
			talloc_free(st);
			return SC_ENOMEM;
		}
		fp = fopen(st->path, "re");
		while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
			struct sci_reject r;

			if (!parse_line(st, line, &r))
				continue;
			st->rejects = talloc_realloc(st, st->rejects,
						     struct sci_reject,
						     st->count + 1);
			if (st->rejects == NULL) {
				fclose(fp);
				talloc_free(st);
				return SC_ENOMEM;
			}
			st->rejects[st->count++] = r;
		}
		if (fp != NULL)
			fclose(fp);
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
 * Record what a DC said to a presented secret: a rejection is remembered,
 * an acceptance forgets any earlier rejection of the same secret (the
 * account was reset back to it).  Other outcomes change nothing.
 */
void sci_state_record(struct sci_state *state, const char *realm,
		      const char *dc, const struct sc_attempt *a)
{
	struct sci_reject *r;
	size_t i;

	if (state == NULL || (a->outcome != SC_OUTCOME_REJECTED &&
			      a->outcome != SC_OUTCOME_ACCEPTED))
		return;
	/*
	 * A clock skew says nothing about the secret and is no bad password
	 * to the KDC; remembering it would report the skew on and on after
	 * the clock was fixed.
	 */
	if (a->outcome == SC_OUTCOME_REJECTED &&
	    ((a->has_krb5 && sci_krb5_is_skew(a->krb5_code)) ||
	     (a->has_ntstatus && a->ntstatus == NT_STATUS_TIME_DIFFERENCE)))
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
