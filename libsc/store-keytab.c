/*
 * libsc - the machine account's keys in a keytab
 *
 * MIT libkrb5 reads the keytab (any type it knows); for FILE keytabs we
 * also check the file's framing ourselves, because MIT's FILE reader
 * reports a truncated entry as a clean end of the keytab (KRB5_KT_END),
 * which would make a damaged keytab look like one with fewer keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <krb5/krb5.h>
#include "reset-private.h"

#define KT_MAX_FILE_SIZE	(64 * 1024 * 1024)
#define ENCTYPE_RC4		23

/* A krb5 context and keytab that one talloc_free() releases. */
struct kt_handle {
	krb5_context ctx;
	krb5_keytab kt;
	krb5_kt_cursor cursor;
	bool in_seq;
};

static int kt_handle_destructor(struct kt_handle *h)
{
	if (h->in_seq)
		krb5_kt_end_seq_get(h->ctx, h->kt, &h->cursor);
	if (h->kt != NULL)
		krb5_kt_close(h->ctx, h->kt);
	if (h->ctx != NULL)
		krb5_free_context(h->ctx);
	return 0;
}

/* MIT's message for code, copied so that it outlives the context. */
static char *krb5_msg(TALLOC_CTX *mem_ctx, krb5_context ctx,
		      krb5_error_code code)
{
	const char *m;
	char *s;

	if (ctx == NULL)
		return talloc_strdup(mem_ctx, error_message(code));
	m = krb5_get_error_message(ctx, code);
	s = talloc_strdup(mem_ctx, m);
	krb5_free_error_message(ctx, m);
	return s;
}

/* A 16- or 32-bit field of a keytab file: big-endian in version 0x0502,
 * host order in version 0x0501. */
static uint32_t kt_rd(const uint8_t *p, size_t n, bool v1)
{
	uint32_t v = 0;
	uint16_t v16;
	size_t i;

	if (v1) {
		if (n == 2) {
			memcpy(&v16, p, 2);
			return v16;
		}
		memcpy(&v, p, 4);
		return v;
	}
	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * Check one entry's body (the bytes after its length field) the way MIT's
 * reader walks it: component count, realm, components, [name type],
 * timestamp, 8-bit kvno, enctype, key.  Only sizes are checked.
 */
static bool kt_entry_ok(const uint8_t *p, size_t size, bool v1)
{
	size_t off = 0, n, i;
	int16_t count;

	if (size < 2)
		return false;
	count = (int16_t)kt_rd(p, 2, v1);
	off = 2;
	if (v1)
		count--;
	if (count <= 0)
		return false;
	/* The realm, then count components: int16 length + bytes each. */
	for (i = 0; i <= (size_t)count; i++) {
		int16_t l;

		if (size - off < 2)
			return false;
		l = (int16_t)kt_rd(p + off, 2, v1);
		off += 2;
		if (l <= 0 || (size_t)l > size - off)
			return false;
		off += (size_t)l;
	}
	/* name type (v2 only), timestamp, kvno, enctype, key length */
	n = (v1 ? 0 : 4) + 4 + 1 + 2;
	if (size - off < n + 2)
		return false;
	off += n;
	n = (uint16_t)kt_rd(p + off, 2, v1);
	off += 2;
	if ((int16_t)n <= 0 || n > size - off)
		return false;
	return true;
}

/*
 * Verify that a FILE keytab is framed correctly from start to end: a known
 * version, then records (length + body, negative length = hole) up to
 * the end of the file or a zero length (which MIT, like Heimdal, takes
 * for the end).  1-3 bytes left over are a cut length field: EFORMAT.
 * A cut exactly between two entries cannot be told from a shorter keytab.
 */
static enum sc_rc kt_check_file(TALLOC_CTX *mem_ctx, const char *name,
				const char *path, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = NULL;
	struct flock lock = { 0 };
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0, pos;
	bool v1;
	int fd = -1;
	enum sc_rc rc;

	fd = sci_open_store(path, 0, SCI_MAX_KEYTAB, &st);
	if (fd == -1) {
		int e = errno;

		if (e == EFTYPE_STORE || e == EFBIG)
			return sci_store_open_error(mem_ctx, err_out, "keytab",
						    name, e, &st,
						    SCI_MAX_KEYTAB);
		if (e == ENOENT || e == ENOTDIR)
			return sci_error(mem_ctx, err_out, SC_ENOENT,
					 SC_ERRDOM_ERRNO, e,
					 "keytab %s does not exist", name);
		if (e == EACCES || e == EPERM)
			return sci_error(mem_ctx, err_out, SC_EACCES,
					 SC_ERRDOM_ERRNO, e,
					 "keytab %s may not be read: %s",
					 name, strerror(e));
		return sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 e, "keytab %s cannot be opened: %s", name,
				 strerror(e));
	}
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	/*
	 * MIT locks the keytab shared to read and exclusive to write (OFD
	 * locks on Linux); take the shared lock too, so that a keytab being
	 * rewritten (net ads changetrustpw) is not taken for a truncated one.
	 * Where OFD locks are missing, read without.
	 */
	lock.l_type = F_RDLCK;
	lock.l_whence = SEEK_SET;
	while (fcntl(fd, F_OFD_SETLKW, &lock) == -1 && errno == EINTR)
		;
	if (fstat(fd, &st) == -1) {
		rc = sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
			       errno, "keytab %s cannot be examined: %s",
			       name, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > KT_MAX_FILE_SIZE) {
		rc = sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE, 0,
			       "keytab %s is not a keytab file (%s)", name,
			       S_ISREG(st.st_mode) ? "too large" :
			       "not a regular file");
		goto done;
	}
	buf = talloc_size(tmp_ctx, (size_t)st.st_size + 1);
	if (buf == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	/* Read to EOF (or one byte more than fstat saw). */
	while (len < (size_t)st.st_size + 1) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = sci_error(mem_ctx, err_out, SC_EACCES,
				       SC_ERRDOM_ERRNO, errno,
				       "keytab %s cannot be read: %s", name,
				       strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len < 2 || buf[0] != 5 || (buf[1] != 1 && buf[1] != 2)) {
		rc = sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_KRB5,
			       KRB5_KEYTAB_BADVNO,
			       "keytab %s is not a keytab (%s)", name,
			       len < 2 ? "file too short" :
			       "unknown format version");
		goto done;
	}
	v1 = buf[1] == 1;
	pos = 2;
	while (pos < len) {
		int32_t size;

		if (len - pos < 4) {
			rc = sci_error(mem_ctx, err_out, SC_EFORMAT,
				       SC_ERRDOM_NONE, 0,
				       "keytab %s is truncated at byte %zu",
				       name, len);
			goto done;
		}
		size = (int32_t)kt_rd(buf + pos, 4, v1);
		pos += 4;
		if (size == 0)
			break;
		if (size == INT32_MIN) {
			rc = sci_error(mem_ctx, err_out, SC_EFORMAT,
				       SC_ERRDOM_NONE, 0,
				       "keytab %s is corrupt at byte %zu",
				       name, pos - 4);
			goto done;
		}
		if ((size_t)(size < 0 ? -size : size) > len - pos) {
			rc = sci_error(mem_ctx, err_out, SC_EFORMAT,
				       SC_ERRDOM_NONE, 0,
				       "keytab %s is truncated: the entry at "
				       "byte %zu runs past the end of the file "
				       "(%zu bytes)", name, pos - 4, len);
			goto done;
		}
		if (size > 0 && !kt_entry_ok(buf + pos, (size_t)size, v1)) {
			rc = sci_error(mem_ctx, err_out, SC_EFORMAT,
				       SC_ERRDOM_NONE, 0,
				       "keytab %s is corrupt: the entry at "
				       "byte %zu is malformed", name, pos - 4);
			goto done;
		}
		pos += (size_t)(size < 0 ? -size : size);
	}
	rc = SC_OK;
done:
	if (buf != NULL)
		explicit_bzero(buf, len);
	talloc_free(tmp_ctx);
	close(fd);
	return rc;
}

/*
 * One record body (after its length field) of a keytab file: the
 * principal's realm and components (pointing into p) and the kvno (the
 * 32-bit one after the key when present and not 0, as MIT reads it).
 * false when it is malformed or has more than max components.
 */
static bool kt_record_parse(const uint8_t *p, size_t size, bool v1,
			    krb5_data *realm, krb5_data *comps, size_t max,
			    size_t *n_out, uint32_t *kvno_out)
{
	size_t off, n, klen;
	int16_t count;

	if (!kt_entry_ok(p, size, v1))
		return false;
	count = (int16_t)kt_rd(p, 2, v1);
	if (v1)
		count--;
	if ((size_t)count > max)
		return false;
	off = 2;
	for (size_t i = 0; i <= (size_t)count; i++) {
		krb5_data *d = i == 0 ? realm : &comps[i - 1];

		d->magic = KV5M_DATA;
		d->length = (unsigned int)kt_rd(p + off, 2, v1);
		d->data = (char *)(p + off + 2);
		off += 2 + d->length;
	}
	n = (v1 ? 0 : 4) + 4;		/* name type, timestamp */
	*kvno_out = p[off + n];
	off += n + 1 + 2;		/* kvno, enctype */
	klen = (uint16_t)kt_rd(p + off, 2, v1);
	off += 2 + klen;
	if (size - off >= 4 && kt_rd(p + off, 4, v1) != 0)
		*kvno_out = kt_rd(p + off, 4, v1);
	*n_out = (size_t)count;
	return true;
}

enum sc_rc sci_keytab_records(TALLOC_CTX *mem_ctx,
			      const struct sc_secret *file,
			      const struct sc_machine_names *m,
			      struct sci_kt_record **recs_out, size_t *n_out,
			      struct sc_error **err_out)
{
	const uint8_t *buf = file->data;
	struct sci_kt_record *recs = NULL;
	size_t len = file->len, pos = 2, n = 0;
	bool v1;

	if (len < 2 || buf[0] != 5 || (buf[1] != 1 && buf[1] != 2))
		return sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE,
				 0, "not a keytab file");
	v1 = buf[1] == 1;
	while (len - pos >= 4) {
		int32_t size = (int32_t)kt_rd(buf + pos, 4, v1);
		size_t body = size == INT32_MIN ? SIZE_MAX :
			      (size_t)(size < 0 ? -size : size);
		krb5_data realm, comps[8];
		struct sci_kt_record *nr;
		size_t nc = 0;
		uint32_t kvno = 0;

		if (size == 0)
			break;
		if (body > len - pos - 4)
			return sci_error(mem_ctx, err_out, SC_EFORMAT,
					 SC_ERRDOM_NONE, 0, "keytab record "
					 "at byte %zu runs past the end", pos);
		if (size > 0) {
			nr = talloc_realloc(mem_ctx, recs,
					    struct sci_kt_record, n + 1);
			if (nr == NULL) {
				talloc_free(recs);
				return SC_ENOMEM;
			}
			recs = nr;
			recs[n].off = pos;
			recs[n].len = 4 + body;
			recs[n].machine = kt_record_parse(buf + pos + 4, body,
						v1, &realm, comps, 8, &nc,
						&kvno) &&
				sci_machine_principal(m, &realm, comps, nc);
			recs[n].kvno = kvno;
			n++;
		}
		pos += 4 + body;
	}
	*recs_out = recs;
	*n_out = n;
	return SC_OK;
}

/* The sc_rc for an error MIT's keytab code returned. */
static enum sc_rc kt_rc(krb5_error_code code)
{
	switch (code) {
	case ENOENT:
	case ENOTDIR:
		return SC_ENOENT;
	case EACCES:
	case EPERM:
		return SC_EACCES;
	case ENOMEM:
		return SC_ENOMEM;
	case KRB5_KEYTAB_BADVNO:
	case KRB5_KT_FORMAT:
	case KRB5_KT_END:
	case EISDIR:
		return SC_EFORMAT;
	case KRB5_KT_UNKNOWN_TYPE:
	case KRB5_KT_BADNAME:
		return SC_EINVAL;
	}
	return SC_EINTERNAL;
}

static bool data_eq_ci(const krb5_data *d, const char *s, size_t slen)
{
	return d->length == slen && strncasecmp(d->data, s, slen) == 0;
}

/* d without a ":port" suffix, for comparing a host name. */
static size_t host_len(const char *d, size_t len)
{
	const char *colon = memchr(d, ':', len);

	return colon != NULL ? (size_t)(colon - d) : len;
}

/*
 * Is host (len bytes, no port) one of the machine's own names: its short
 * name (the account without '$'), its dNSHostName, or, when that is not
 * known, any name whose first label is the short name?
 */
static bool is_machine_host(const struct sc_machine_names *m,
			    const char *host, size_t len)
{
	size_t alen = strlen(m->account);
	const char *dot = memchr(host, '.', len);

	if (alen > 0 && m->account[alen - 1] == '$')
		alen--;
	if (m->dns_host_name != NULL)
		return (len == strlen(m->dns_host_name) &&
			strncasecmp(host, m->dns_host_name, len) == 0) ||
		       (len == alen &&
			strncasecmp(host, m->account, alen) == 0);
	if (dot != NULL)
		len = (size_t)(dot - host);
	return len == alen && strncasecmp(host, m->account, alen) == 0;
}

/* svc/host... (n components, realm stripped) equal to spn, ignoring case. */
static bool equals_spn(const char *spn, const krb5_data *comps, size_t n)
{
	size_t off = 0, slen = strlen(spn);

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (off >= slen || spn[off++] != '/'))
			return false;
		if (slen - off < comps[i].length ||
		    strncasecmp(spn + off, comps[i].data,
				comps[i].length) != 0)
			return false;
		off += comps[i].length;
	}
	return off == slen;
}

/*
 * Does a principal (realm, n components) carry the machine account's
 * keys?  Its sAMAccountName does.  A service principal does when it is
 * one of the account's servicePrincipalName values (read over LDAP), or
 * host/ or RestrictedKrbHost/ on one of the machine's names; when the
 * SPNs are not known, any service on the machine's names.  Everything
 * else (HTTP/web.example.com of a web service's account merged into the
 * host keytab, users, other machines' NAME$) belongs to someone else and
 * is never compared, rewritten or dropped.  Names compare
 * case-insensitively, as AD compares them.
 */
bool sci_machine_principal(const struct sc_machine_names *m,
			   const krb5_data *realm, const krb5_data *comps,
			   size_t n)
{
	const krb5_data *svc, *host;
	size_t hlen;

	if (m == NULL || m->account == NULL || m->realm == NULL ||
	    !data_eq_ci(realm, m->realm, strlen(m->realm)) || n == 0)
		return false;
	if (n == 1)
		return data_eq_ci(&comps[0], m->account, strlen(m->account));
	svc = &comps[0];
	host = &comps[1];
	hlen = host_len(host->data, host->length);
	if (m->spns == NULL)
		return is_machine_host(m, host->data, hlen);
	for (size_t i = 0; m->spns[i] != NULL; i++)
		if (equals_spn(m->spns[i], comps, n))
			return true;
	return n == 2 && (data_eq_ci(svc, "host", 4) ||
			  data_eq_ci(svc, "RestrictedKrbHost", 17)) &&
	       is_machine_host(m, host->data, hlen);
}

static bool is_machine_principal(const struct sc_machine_names *m,
				 krb5_const_principal p)
{
	return sci_machine_principal(m, &p->realm, p->data,
				     p->length > 0 ? (size_t)p->length : 0);
}

bool sc_machine_principal(const struct sc_machine_names *m,
			  const char *principal)
{
	krb5_data comps[8], realm = { 0 };
	char *copy, *w, *start;
	size_t n = 0;
	bool ok;

	if (principal == NULL)
		return false;
	copy = talloc_strdup(NULL, principal);
	if (copy == NULL)
		return false;
	/* Split at unescaped '/' and '@', undoing MIT's backslash escapes. */
	start = w = copy;
	for (const char *r = principal; ; r++) {
		if (*r == '\\' && r[1] != '\0') {
			*w++ = *++r;
			continue;
		}
		if (*r == '/' || *r == '@' || *r == '\0') {
			krb5_data *d = realm.data != NULL || n == 8 ?
				       NULL : &comps[n];
			if (d == NULL) {
				talloc_free(copy);
				return false;
			}
			d->data = start;
			d->length = (unsigned int)(w - start);
			if (*r == '@') {
				n++;
				realm.data = ++w;
				start = w;
				realm.length = 0;
				for (r++; *r != '\0'; r++)
					*w++ = *r;
				realm.length = (unsigned int)(w - realm.data);
				break;
			}
			n++;
			if (*r == '\0')
				break;
			start = ++w;
			continue;
		}
		*w++ = *r;
	}
	ok = realm.data != NULL && sci_machine_principal(m, &realm, comps, n);
	talloc_free(copy);
	return ok;
}

/* Add one keytab entry to kt->entries (talloc'd on kt). */
static enum sc_rc add_entry(struct sc_keytab *kt, krb5_context ctx,
			    const krb5_keytab_entry *e)
{
	struct sc_keytab_entry *entries, *ne;
	char *unparsed = NULL;
	char ename[64];

	entries = talloc_realloc(kt, kt->entries, struct sc_keytab_entry,
				 kt->count + 1);
	if (entries == NULL)
		return SC_ENOMEM;
	kt->entries = entries;
	ne = &entries[kt->count];
	memset(ne, 0, sizeof(*ne));
	if (krb5_unparse_name(ctx, e->principal, &unparsed) != 0)
		return SC_ENOMEM;
	ne->principal = talloc_strdup(entries, unparsed);
	krb5_free_unparsed_name(ctx, unparsed);
	if (krb5_enctype_to_name(e->key.enctype, FALSE, ename,
				 sizeof(ename)) == 0)
		ne->enctype_name = talloc_strdup(entries, ename);
	else
		ne->enctype_name = talloc_asprintf(entries, "enctype-%d",
						   (int)e->key.enctype);
	ne->key = sc_secret_new(entries, e->key.contents, e->key.length);
	if (ne->principal == NULL || ne->enctype_name == NULL ||
	    ne->key == NULL)
		return SC_ENOMEM;
	ne->kvno = e->vno;
	ne->enctype = e->key.enctype;
	ne->timestamp = (time_t)(uint32_t)e->timestamp;
	ne->match = SC_KEY_MATCH_UNKNOWN;
	kt->count++;
	return SC_OK;
}

/*
 * Resolve the keytab (NULL or "": MIT's default, which honours KRB5_KTNAME
 * and default_keytab_name), check a FILE keytab's framing, then let MIT
 * iterate it and keep the machine account's entries.
 */
enum sc_rc sc_keytab_load(TALLOC_CTX *mem_ctx, const char *keytab_name,
			  const char *account, const char *realm,
			  struct sc_keytab **keytab_out,
			  struct sc_error **err_out)
{
	struct sc_machine_names m = { .account = account, .realm = realm };

	return sc_keytab_load_machine(mem_ctx, keytab_name, &m, keytab_out,
				      err_out);
}

enum sc_rc sc_keytab_load_machine(TALLOC_CTX *mem_ctx,
				  const char *keytab_name,
				  const struct sc_machine_names *m,
				  struct sc_keytab **keytab_out,
				  struct sc_error **err_out)
{
	const char *account = m != NULL ? m->account : NULL;
	const char *realm = m != NULL ? m->realm : NULL;
	TALLOC_CTX *tmp_ctx = NULL;
	struct kt_handle *h;
	struct sc_keytab *kt;
	krb5_keytab_entry e;
	krb5_error_code code;
	char defname[1024];
	char fullname[1024];
	const char *type;
	enum sc_rc rc;

	if (account == NULL || *account == '\0' || realm == NULL ||
	    *realm == '\0')
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "keytab: no account or realm given");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	kt = talloc_zero(tmp_ctx, struct sc_keytab);
	h = talloc_zero(tmp_ctx, struct kt_handle);
	if (kt == NULL || h == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	talloc_set_destructor(h, kt_handle_destructor);
	code = krb5_init_context(&h->ctx);
	if (code != 0) {
		h->ctx = NULL;
		rc = sci_error(mem_ctx, err_out, SC_ECONFIG, SC_ERRDOM_KRB5,
			       code, "cannot initialise Kerberos: %s",
			       error_message(code));
		goto done;
	}
	if (keytab_name == NULL || *keytab_name == '\0') {
		code = krb5_kt_default_name(h->ctx, defname, sizeof(defname));
		if (code != 0) {
			rc = sci_error(mem_ctx, err_out, SC_ECONFIG,
				       SC_ERRDOM_KRB5, code,
				       "no default keytab: %s",
				       krb5_msg(tmp_ctx, h->ctx, code));
			goto done;
		}
		keytab_name = defname;
	}
	code = krb5_kt_resolve(h->ctx, keytab_name, &h->kt);
	if (code != 0) {
		h->kt = NULL;
		rc = sci_error(mem_ctx, err_out, kt_rc(code), SC_ERRDOM_KRB5,
			       code, "keytab %s cannot be used: %s",
			       keytab_name, krb5_msg(tmp_ctx, h->ctx, code));
		goto done;
	}
	if (krb5_kt_get_name(h->ctx, h->kt, fullname, sizeof(fullname)) != 0)
		snprintf(fullname, sizeof(fullname), "%s", keytab_name);
	kt->name = talloc_strdup(kt, fullname);
	if (kt->name == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	type = krb5_kt_get_type(h->ctx, h->kt);
	if (type != NULL &&
	    (strcmp(type, "FILE") == 0 || strcmp(type, "WRFILE") == 0)) {
		const char *path = strchr(fullname, ':');

		rc = kt_check_file(mem_ctx, kt->name,
				   path != NULL ? path + 1 : fullname, err_out);
		if (rc != SC_OK)
			goto done;
	}
	code = krb5_kt_start_seq_get(h->ctx, h->kt, &h->cursor);
	if (code != 0) {
		rc = sci_error(mem_ctx, err_out, kt_rc(code), SC_ERRDOM_KRB5,
			       code, "keytab %s cannot be read: %s", kt->name,
			       krb5_msg(tmp_ctx, h->ctx, code));
		goto done;
	}
	h->in_seq = true;
	while ((code = krb5_kt_next_entry(h->ctx, h->kt, &e,
					  &h->cursor)) == 0) {
		if (is_machine_principal(m, e.principal))
			rc = add_entry(kt, h->ctx, &e);
		else {
			kt->other_count++;
			rc = SC_OK;
		}
		krb5_free_keytab_entry_contents(h->ctx, &e);
		if (rc != SC_OK) {
			rc = sci_error(mem_ctx, err_out, rc, SC_ERRDOM_NONE, 0,
				       "out of memory");
			goto done;
		}
	}
	if (code != KRB5_KT_END) {
		rc = sci_error(mem_ctx, err_out, kt_rc(code), SC_ERRDOM_KRB5,
			       code, "keytab %s cannot be read: %s", kt->name,
			       krb5_msg(tmp_ctx, h->ctx, code));
		goto done;
	}
	*keytab_out = talloc_move(mem_ctx, &kt);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

uint32_t sc_keytab_max_kvno(const struct sc_keytab *keytab)
{
	uint32_t max = 0;
	size_t i;

	if (keytab == NULL)
		return 0;
	for (i = 0; i < keytab->count; i++)
		if (keytab->entries[i].kvno > max)
			max = keytab->entries[i].kvno;
	return max;
}

/*
 * MS-KILE 3.1.1.2: a computer account's salt is the realm in upper case,
 * "host", the account name without its "$" in lower case, ".", and the
 * realm (DNS domain) in lower case.  ASCII case mapping only, as AD does
 * for these names; the locale must not matter.
 */
char *sc_machine_salt(TALLOC_CTX *mem_ctx, const char *realm,
		      const char *account)
{
	size_t rlen, alen, i;
	char *s;

	if (realm == NULL || account == NULL)
		return NULL;
	rlen = strlen(realm);
	alen = strlen(account);
	if (alen > 0 && account[alen - 1] == '$')
		alen--;
	if (rlen == 0 || alen == 0 || alen > INT32_MAX)
		return NULL;
	s = talloc_asprintf(mem_ctx, "%shost%.*s.%s", realm, (int)alen,
			    account, realm);
	if (s == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i < rlen && c >= 'a' && c <= 'z')
			s[i] = (char)(c - 'a' + 'A');
		else if (i >= rlen && c >= 'A' && c <= 'Z')
			s[i] = (char)(c - 'A' + 'a');
	}
	return s;
}

/* One derived key, cached: string-to-key with 4096 rounds is slow. */
struct derived {
	int which;			/* 0: current, 1: previous */
	int32_t enctype;
	struct sc_secret *key;		/* NULL: cannot be derived */
};

struct derive_cache {
	krb5_context ctx;
	const struct sc_secret *pw[2];
	krb5_data salt;
	size_t count;
	struct derived *d;
};

static int krb5_ctx_destructor(struct derive_cache *c)
{
	if (c->ctx != NULL)
		krb5_free_context(c->ctx);
	return 0;
}

/*
 * The key of password `which` for enctype, from the cache or derived
 * now: RC4 is the NT hash, every other enctype goes through MIT's
 * string-to-key with the account's salt (default parameters: 4096
 * iterations for AES).  *key_out is NULL when the enctype cannot be
 * derived (unknown enctype, password not valid UTF-8).
 */
static enum sc_rc derive(struct derive_cache *c, int which, int32_t enctype,
			 const struct sc_secret **key_out)
{
	struct derived *nd, *d;
	krb5_keyblock kb;
	krb5_data pw;
	size_t i;

	for (i = 0; i < c->count; i++) {
		if (c->d[i].which == which && c->d[i].enctype == enctype) {
			*key_out = c->d[i].key;
			return SC_OK;
		}
	}
	nd = talloc_realloc(c, c->d, struct derived, c->count + 1);
	if (nd == NULL)
		return SC_ENOMEM;
	c->d = nd;
	d = &nd[c->count++];
	d->which = which;
	d->enctype = enctype;
	d->key = NULL;
	if (enctype == ENCTYPE_RC4) {
		/* Invalid UTF-8 cannot be hashed: leave it underivable. */
		(void)sc_nt_hash(c, c->pw[which], &d->key, NULL);
	} else {
		memset(&kb, 0, sizeof(kb));
		pw.magic = KV5M_DATA;
		pw.data = (char *)c->pw[which]->data;
		pw.length = (unsigned int)c->pw[which]->len;
		if (krb5_c_string_to_key(c->ctx, enctype, &pw, &c->salt,
					 &kb) == 0) {
			d->key = sc_secret_new(c, kb.contents, kb.length);
			/* MIT zeroes the contents before freeing them. */
			krb5_free_keyblock_contents(c->ctx, &kb);
			if (d->key == NULL)
				return SC_ENOMEM;
		}
	}
	*key_out = d->key;
	return SC_OK;
}

/* Compare without an early exit, so timing does not leak key bytes. */
static bool key_equal(const struct sc_secret *a, const struct sc_secret *b)
{
	uint8_t diff = 0;
	size_t i;

	if (a->len != b->len)
		return false;
	for (i = 0; i < a->len; i++)
		diff |= a->data[i] ^ b->data[i];
	return diff == 0;
}

/*
 * Derive the keys the DC would have made from each stored password and
 * see which one every keytab key came from.  Each (password, enctype)
 * pair is derived at most once; all derived keys are wiped on return.
 */
enum sc_rc sc_keytab_compare(struct sc_keytab *keytab,
			     const struct sc_secrets *secrets,
			     const char *realm, const char *account,
			     struct sc_error **err_out)
{
	static const enum sc_key_match which_match[2] = {
		SC_KEY_MATCH_CURRENT, SC_KEY_MATCH_PREVIOUS,
	};
	struct derive_cache *c = NULL;
	krb5_error_code code;
	char *salt;
	size_t i;
	int w;
	enum sc_rc rc;

	if (keytab == NULL || realm == NULL || account == NULL)
		return sci_error(keytab, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "keytab compare: missing argument");
	for (i = 0; i < keytab->count; i++)
		keytab->entries[i].match = SC_KEY_MATCH_UNKNOWN;
	if (secrets == NULL ||
	    (secrets->current == NULL && secrets->previous == NULL) ||
	    keytab->count == 0)
		return SC_OK;
	c = talloc_zero(NULL, struct derive_cache);
	if (c == NULL)
		return sci_error(keytab, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	talloc_set_destructor(c, krb5_ctx_destructor);
	code = krb5_init_context(&c->ctx);
	if (code != 0) {
		c->ctx = NULL;
		rc = sci_error(keytab, err_out, SC_ECONFIG, SC_ERRDOM_KRB5,
			       code, "cannot initialise Kerberos: %s",
			       error_message(code));
		goto done;
	}
	salt = sc_machine_salt(c, realm, account);
	if (salt == NULL) {
		rc = sci_error(keytab, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "no salt for account '%s' in realm '%s'",
			       account, realm);
		goto done;
	}
	c->salt.magic = KV5M_DATA;
	c->salt.data = salt;
	c->salt.length = (unsigned int)strlen(salt);
	c->pw[0] = secrets->current;
	c->pw[1] = secrets->previous;
	for (i = 0; i < keytab->count; i++) {
		struct sc_keytab_entry *e = &keytab->entries[i];
		bool derivable = false;

		e->match = SC_KEY_MATCH_NONE;
		for (w = 0; w < 2; w++) {
			const struct sc_secret *k = NULL;

			if (c->pw[w] == NULL)
				continue;
			rc = derive(c, w, e->enctype, &k);
			if (rc != SC_OK) {
				rc = sci_error(keytab, err_out, rc,
					       SC_ERRDOM_NONE, 0,
					       "out of memory");
				goto done;
			}
			if (k == NULL)
				continue;
			derivable = true;
			if (key_equal(k, e->key)) {
				e->match = which_match[w];
				break;
			}
		}
		if (!derivable)
			e->match = SC_KEY_MATCH_UNKNOWN;
	}
	rc = SC_OK;
done:
	if (rc != SC_OK)
		for (i = 0; i < keytab->count; i++)
			keytab->entries[i].match = SC_KEY_MATCH_UNKNOWN;
	/* The derived keys are sc_secrets on c: freeing c wipes them. */
	talloc_free(c);
	return rc;
}
