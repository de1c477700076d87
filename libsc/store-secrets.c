/*
 * libsc - Samba's secrets.tdb, read-only
 *
 * Layout (Samba 4.17, source3/passdb/secrets.c): one record per fact,
 * keyed "SECRETS/<WHAT>/<WORKGROUP>".  Passwords are NUL-terminated UTF-8
 * strings; times and channel types are uint32 in little-endian order;
 * SID and GUID are Samba's in-memory structs.  The file is opened
 * read-only with tdb's normal locking, so a running winbindd is safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <tdb.h>
#include "sc-private.h"

static int tdb_destructor(struct tdb_context **tdbp)
{
	if (*tdbp != NULL)
		tdb_close(*tdbp);
	return 0;
}

static TDB_DATA fetch(struct tdb_context *tdb, const char *what,
		      const char *workgroup, char *keybuf, size_t keylen)
{
	TDB_DATA key;

	snprintf(keybuf, keylen, "SECRETS/%s/%s", what, workgroup);
	key.dptr = (unsigned char *)keybuf;
	key.dsize = strlen(keybuf);
	return tdb_fetch(tdb, key);
}

/* Move a fetched record into a wiping secret and wipe the original. */
static enum sc_rc take_password(TALLOC_CTX *mem_ctx, TALLOC_CTX *err_ctx,
				TDB_DATA d, const char *path,
				const char *what, struct sc_secret **out,
				struct sc_error **err_out)
{
	enum sc_rc rc = SC_OK;

	if (d.dptr == NULL)
		return SC_OK;
	/* Samba stores the terminating NUL; anything else is corrupt. */
	if (d.dsize < 2 || d.dptr[d.dsize - 1] != '\0' ||
	    memchr(d.dptr, '\0', d.dsize - 1) != NULL) {
		rc = sci_error(err_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE, 0,
			       "%s: the %s record is malformed", path, what);
	} else {
		*out = sc_secret_new(mem_ctx, d.dptr, d.dsize - 1);
		if (*out == NULL)
			rc = SC_ENOMEM;
	}
	explicit_bzero(d.dptr, d.dsize);
	free(d.dptr);
	return rc;
}

static bool fetch_u32(struct tdb_context *tdb, const char *what,
		      const char *workgroup, uint32_t *v)
{
	char keybuf[256];
	TDB_DATA d = fetch(tdb, what, workgroup, keybuf, sizeof(keybuf));
	bool ok = false;

	if (d.dptr != NULL && d.dsize == 4) {
		*v = (uint32_t)d.dptr[0] | (uint32_t)d.dptr[1] << 8 |
		     (uint32_t)d.dptr[2] << 16 | (uint32_t)d.dptr[3] << 24;
		ok = true;
	}
	free(d.dptr);
	return ok;
}

/* struct dom_sid: rev, num_auths, id_auth[6], sub_auths[15] (host order) */
static char *fetch_sid(TALLOC_CTX *mem_ctx, struct tdb_context *tdb,
		       const char *workgroup)
{
	char keybuf[256];
	TDB_DATA d = fetch(tdb, "SID", workgroup, keybuf, sizeof(keybuf));
	char *s = NULL;
	uint64_t ia = 0;
	int n;

	if (d.dptr == NULL || d.dsize != 68)
		goto done;
	n = (int8_t)d.dptr[1];
	if (n < 0 || n > 15)
		goto done;
	for (int i = 2; i < 8; i++)
		ia = ia << 8 | d.dptr[i];
	s = talloc_asprintf(mem_ctx, "S-%u-%llu", d.dptr[0],
			    (unsigned long long)ia);
	for (int i = 0; i < n && s != NULL; i++) {
		uint32_t sub;

		memcpy(&sub, d.dptr + 8 + 4 * i, 4);
		s = talloc_asprintf_append(s, "-%u", sub);
	}
done:
	free(d.dptr);
	return s;
}

/* struct GUID: time_low, time_mid, time_hi (host order), 8 bytes. */
static char *fetch_guid(TALLOC_CTX *mem_ctx, struct tdb_context *tdb,
			const char *workgroup)
{
	char keybuf[256];
	TDB_DATA d = fetch(tdb, "DOMGUID", workgroup, keybuf, sizeof(keybuf));
	char *s = NULL;
	uint32_t tl;
	uint16_t tm, th;
	const uint8_t *b;

	if (d.dptr == NULL || d.dsize != 16)
		goto done;
	b = d.dptr;
	memcpy(&tl, b, 4);
	memcpy(&tm, b + 4, 2);
	memcpy(&th, b + 6, 2);
	s = talloc_asprintf(mem_ctx,
			    "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			    tl, tm, th, b[8], b[9], b[10], b[11], b[12], b[13],
			    b[14], b[15]);
done:
	free(d.dptr);
	return s;
}

enum sc_rc sc_secrets_load(TALLOC_CTX *mem_ctx, const char *path,
			   const char *workgroup,
			   struct sc_secrets **secrets_out,
			   struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct tdb_context **tdbp;
	struct sc_secrets *s;
	char keybuf[256];
	uint32_t v;
	struct stat st;
	enum sc_rc rc;
	int fd;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	if (path == NULL || workgroup == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "no secrets.tdb path or workgroup");
		goto done;
	}

	/*
	 * Tell "missing" and "not allowed" apart before tdb hides errno, and
	 * never hand tdb a FIFO (its open would wait for ever) or a huge file.
	 */
	fd = sci_open_store(path, 0, SCI_MAX_TDB, &st);
	if (fd < 0) {
		int e = errno;

		if (e == EFTYPE_STORE || e == EFBIG)
			rc = sci_store_open_error(mem_ctx, err_out, "store",
						  path, e, &st, SCI_MAX_TDB);
		else
			rc = sci_error(mem_ctx, err_out,
			       e == ENOENT ? SC_ENOENT :
			       e == EACCES || e == EPERM ? SC_EACCES : SC_EINVAL,
			       SC_ERRDOM_ERRNO, e, "cannot read %s: %s%s", path,
			       strerror(e), e == EACCES || e == EPERM ?
			       " (run as root)" : "");
		goto done;
	}
	close(fd);

	s = talloc_zero(tmp_ctx, struct sc_secrets);
	tdbp = talloc_zero(tmp_ctx, struct tdb_context *);
	if (s == NULL || tdbp == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	talloc_set_destructor(tdbp, tdb_destructor);
	errno = 0;
	*tdbp = tdb_open(path, 0, TDB_DEFAULT, O_RDONLY, 0);
	if (*tdbp == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_ERRNO,
			       errno, "%s is not a readable tdb file "
			       "(truncated or corrupt?)", path);
		goto done;
	}
	/* A truncated tdb may open; a full traverse proves it is whole. */
	if (tdb_traverse_read(*tdbp, NULL, NULL) < 0) {
		rc = sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE, 0,
			       "%s is corrupt: %s", path,
			       tdb_errorstr(*tdbp));
		goto done;
	}

	s->path = talloc_strdup(s, path);
	s->workgroup = talloc_strdup(s, workgroup);
	rc = take_password(s, mem_ctx, fetch(*tdbp, "MACHINE_PASSWORD", workgroup,
				    keybuf, sizeof(keybuf)),
			   path, "machine password", &s->current, err_out);
	if (rc != SC_OK)
		goto done;
	rc = take_password(s, mem_ctx, fetch(*tdbp, "MACHINE_PASSWORD.PREV", workgroup,
				    keybuf, sizeof(keybuf)),
			   path, "previous machine password", &s->previous,
			   err_out);
	if (rc != SC_OK)
		goto done;
	if (fetch_u32(*tdbp, "MACHINE_LAST_CHANGE_TIME", workgroup, &v)) {
		s->have_last_change = true;
		s->last_change = (time_t)v;
	}
	if (fetch_u32(*tdbp, "MACHINE_SEC_CHANNEL_TYPE", workgroup, &v))
		s->sec_channel_type = v;
	s->domain_sid = fetch_sid(s, *tdbp, workgroup);
	s->domain_guid = fetch_guid(s, *tdbp, workgroup);

	*secrets_out = talloc_move(mem_ctx, &s);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
