/*
 * libsc - the pending-change journal (the MIIS / PCNS lesson: a change is
 * never lost)
 *
 * Before a new machine password goes to the DC it is written here, so
 * that a run killed after the DC took it can still put it into the local
 * stores: without the journal the host would hold no secret the DC
 * accepts.  One file per workgroup in netchk's state directory, 0600 in a
 * 0700 directory, written atomically:
 *	netchk-pending v1
 *	dc <DNS name>
 *	account <sAMAccountName>
 *	when <unix time>
 *	auth <credential> [<kvno>]
 *	password <hex of the UTF-8 password>
 * auth says what the change was authenticated with (sc_plan_cred_name():
 * current, previous, keytab with the keytab's kvno, admin): a keytab-only
 * host keeps the keys the DC had until the change only when they
 * authenticated it.  Older netchk wrote no auth line and ignores it (so
 * the format stays v1): a journal without one, or with a name this netchk
 * does not know, says nothing (SC_PLAN_CRED_NONE) and no old key is kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "reset-private.h"

#define JOURNAL_MAX 8192

char *sci_journal_path(TALLOC_CTX *mem_ctx, const char *state_dir,
		       const char *workgroup)
{
	return talloc_asprintf(mem_ctx, "%s/pending-%s", state_dir,
			       workgroup);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "keytab 3", "admin", ...: unknown names and kvnos say nothing. */
static void parse_auth(struct sci_journal *j, const char *v)
{
	size_t n = strcspn(v, " ");
	char *end = NULL;
	unsigned long kvno = 0;

	j->auth = SC_PLAN_CRED_NONE;
	j->auth_kvno = 0;
	if (v[n] == ' ') {
		errno = 0;
		kvno = strtoul(v + n + 1, &end, 10);
		if (errno != 0 || end == v + n + 1 || *end != '\0' ||
		    kvno > UINT32_MAX)
			return;
	}
	for (int c = SC_PLAN_CRED_CURRENT; c <= SC_PLAN_CRED_ADMIN; c++) {
		const char *name = sc_plan_cred_name((enum sc_plan_cred)c);

		if (strlen(name) == n && strncmp(v, name, n) == 0) {
			j->auth = (enum sc_plan_cred)c;
			j->auth_kvno = (uint32_t)kvno;
		}
	}
}

enum sc_rc sci_journal_load(TALLOC_CTX *mem_ctx, const char *path,
			    struct sci_journal **journal_out,
			    struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_journal *j;
	struct sc_secret *buf;
	char *line, *save = NULL;
	ssize_t n;
	size_t len = 0;
	struct stat st;
	enum sc_rc rc;
	int fd;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	fd = sci_open_store(path, O_NOFOLLOW, JOURNAL_MAX, &st);
	if (fd < 0) {
		rc = errno == ENOENT ? sci_error(mem_ctx, err_out, SC_ENOENT,
						 SC_ERRDOM_ERRNO, errno,
						 "cannot read %s: %s", path,
						 strerror(errno)) :
		     sci_store_open_error(mem_ctx, err_out, "journal", path,
					  errno, &st, JOURNAL_MAX);
		goto done;
	}
	/* The file holds a secret: it lives in a wiping buffer only. */
	buf = sc_secret_new(tmp_ctx, NULL, JOURNAL_MAX + 1);
	j = talloc_zero(tmp_ctx, struct sci_journal);
	if (buf == NULL || j == NULL) {
		close(fd);
		rc = SC_ENOMEM;
		goto done;
	}
	while (len < JOURNAL_MAX &&
	       (n = read(fd, buf->data + len, JOURNAL_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf->data[len] = '\0';
	if (strncmp((char *)buf->data, "netchk-pending v1\n", 18) != 0) {
		rc = sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE,
			       0, "%s is not a netchk journal", path);
		goto done;
	}
	for (line = strtok_r((char *)buf->data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "dc ", 3) == 0)
			j->dc = talloc_strdup(j, line + 3);
		else if (strncmp(line, "account ", 8) == 0)
			j->account = talloc_strdup(j, line + 8);
		else if (strncmp(line, "when ", 5) == 0)
			j->when = (time_t)strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "auth ", 5) == 0)
			parse_auth(j, line + 5);
		else if (strncmp(line, "password ", 9) == 0) {
			const char *h = line + 9;
			size_t hl = strlen(h);

			/* A cut or damaged line is an error: a password
			 * shortened by one nibble would be presented as the
			 * journalled one and the journal then dropped. */
			if (hl % 2 != 0) {
				rc = sci_error(mem_ctx, err_out, SC_EFORMAT,
					       SC_ERRDOM_NONE, 0, "%s: the "
					       "password is odd-length hex "
					       "(%zu digits); the journal is "
					       "kept", path, hl);
				goto done;
			}
			j->password = sc_secret_new(j, NULL, hl / 2);
			if (j->password == NULL) {
				rc = SC_ENOMEM;
				goto done;
			}
			for (size_t i = 0; i + 1 < hl; i += 2) {
				int a = hexval(h[i]), b = hexval(h[i + 1]);

				if (a < 0 || b < 0) {
					rc = sci_error(mem_ctx, err_out,
						SC_EFORMAT, SC_ERRDOM_NONE, 0,
						"%s: the password is not hex; "
						"the journal is kept", path);
					goto done;
				}
				j->password->data[i / 2] =
					(uint8_t)(a << 4 | b);
			}
		}
	}
	if (j->dc == NULL || j->account == NULL || j->password == NULL ||
	    j->password->len == 0) {
		rc = sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE,
			       0, "%s is incomplete", path);
		goto done;
	}
	*journal_out = talloc_move(mem_ctx, &j);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

enum sc_rc sci_journal_save(TALLOC_CTX *mem_ctx, const char *path,
			    const struct sci_journal *j,
			    struct sc_error **err_out)
{
	struct sc_secret *buf;
	size_t cap = 512 + 2 * j->password->len;
	int off;
	enum sc_rc rc;

	buf = sc_secret_new(NULL, NULL, cap);
	if (buf == NULL)
		return SC_ENOMEM;
	off = snprintf((char *)buf->data, cap,
		       "netchk-pending v1\ndc %s\naccount %s\nwhen %lld\n"
		       "auth %s %u\npassword ", j->dc, j->account,
		       (long long)j->when, sc_plan_cred_name(j->auth),
		       (unsigned)j->auth_kvno);
	if (off < 0 || (size_t)off + 2 * j->password->len + 2 > cap) {
		talloc_free(buf);
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "journal entry too long");
	}
	for (size_t i = 0; i < j->password->len; i++)
		off += snprintf((char *)buf->data + off, 3, "%02x",
				j->password->data[i]);
	buf->data[off++] = '\n';
	rc = sci_write_file_atomic(mem_ctx, path, buf->data, (size_t)off,
				   0600, err_out);
	talloc_free(buf);
	return rc;
}

enum sc_rc sci_journal_clear(TALLOC_CTX *mem_ctx, const char *path,
			     struct sc_error **err_out)
{
	char *dir, *slash;
	int dfd;

	if (unlink(path) != 0 && errno != ENOENT)
		return sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 errno, "cannot remove %s: %s", path,
				 strerror(errno));
	/* The removal must be durable before the run reports success. */
	dir = talloc_strdup(NULL, path);
	slash = dir != NULL ? strrchr(dir, '/') : NULL;
	if (slash != NULL) {
		*slash = '\0';
		dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY |
			   O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	talloc_free(dir);
	return SC_OK;
}
