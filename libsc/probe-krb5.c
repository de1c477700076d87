/*
 * libsc - the Kerberos probe: one AS exchange, one DC, one key set
 *
 * MIT's krb5_init_creds_step() builds the requests and checks the
 * replies; we carry them to the pinned DC ourselves over TCP.  That keeps
 * the probe on exactly that DC whatever krb5.conf, DNS or a locator
 * plugin say, and lets one deadline bound the whole exchange (MIT's own
 * sendto_kdc has no such limit).  The library context still reads the
 * host's krb5.conf, seen through a profile wrapper that turns off KDC time
 * sync, so that a clock skew shows as KRB_AP_ERR_SKEW instead of being
 * quietly corrected (FIELD-NOTES 10).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <krb5/krb5.h>
#include <profile.h>
#include "reset-private.h"

#define KDC_PORT		"88"
#define DEFAULT_TIMEOUT		10	/* seconds, when opts do not say */
#define MAX_ROUNDS		16	/* requests in one AS exchange */
#define MAX_REPLY		(1024 * 1024)

/* ---- a profile that pins the realm's KDC and disables time sync ---- */

struct pin {
	profile_t base;			/* the host's krb5.conf, or NULL */
	const char *realm;
	const char *kdc;		/* "addr" or "[v6addr]" */
};

/* libdefaults relations we override, wherever they are asked for. */
static const struct {
	const char *name;
	const char *value;
} pinned_defaults[] = {
	{ "kdc_timesync", "0" },
	{ "dns_lookup_kdc", "false" },
	{ "dns_fallback", "false" },
	{ "udp_preference_limit", "1" },
};

static long one_value(const char *value, char ***ret_values)
{
	char **v = calloc(2, sizeof(*v));

	if (v == NULL)
		return ENOMEM;
	v[0] = strdup(value);
	if (v[0] == NULL) {
		free(v);
		return ENOMEM;
	}
	*ret_values = v;
	return 0;
}

/*
 * profile vtable get_values: answer realms/<realm>/kdc and the pinned
 * libdefaults (also in a [libdefaults] <realm> = { } subsection); pass
 * every other question on to the host's profile.
 */
static long pin_get_values(void *cbdata, const char *const *names,
			   char ***ret_values)
{
	const struct pin *pin = cbdata;
	size_t n, i;

	for (n = 0; names[n] != NULL; n++)
		;
	/* kpasswd goes to the same DC (port 464), never to a locator's. */
	if (n == 3 && strcmp(names[0], "realms") == 0 &&
	    strcmp(names[1], pin->realm) == 0 &&
	    (strcmp(names[2], "kdc") == 0 ||
	     strcmp(names[2], "kpasswd_server") == 0))
		return one_value(pin->kdc, ret_values);
	if ((n == 2 || n == 3) && strcmp(names[0], "libdefaults") == 0) {
		for (i = 0; i < sizeof(pinned_defaults) /
				sizeof(pinned_defaults[0]); i++)
			if (strcmp(names[n - 1], pinned_defaults[i].name) == 0)
				return one_value(pinned_defaults[i].value,
						 ret_values);
	}
	if (pin->base == NULL)
		return PROF_NO_RELATION;
	return profile_get_values(pin->base, names, ret_values);
}

static void pin_free_values(void *cbdata, char **values)
{
	profile_free_list(values);
}

/* ---- everything one probe holds, released by one talloc_free ---- */

struct probe {
	struct pin pin;
	krb5_context ctx;
	krb5_principal client;
	krb5_keytab kt;
	size_t nadded;			/* keytab entries to remove again */
	int32_t *added_enctype;
	uint32_t *added_kvno;
	krb5_get_init_creds_opt *opt;
	krb5_init_creds_context icc;
	krb5_error *kerr;
	krb5_creds creds;
	bool have_creds;
	krb5_ccache cc;
	bool keep_cc;
	struct addrinfo *ai;
	int fd;
};

/*
 * MIT 1.20 cannot destroy a MEMORY keytab, only close it; remove the keys
 * we put in (MIT zeroes them as it frees them) so that they do not stay
 * in the process.  The context goes last, after everything made with it.
 */
static int probe_destructor(struct probe *p)
{
	krb5_keytab_entry e;
	size_t i;

	if (p->fd != -1)
		close(p->fd);
	if (p->ai != NULL)
		freeaddrinfo(p->ai);
	if (p->ctx != NULL) {
		if (p->have_creds)
			krb5_free_cred_contents(p->ctx, &p->creds);
		if (p->kerr != NULL)
			krb5_free_error(p->ctx, p->kerr);
		if (p->icc != NULL)
			krb5_init_creds_free(p->ctx, p->icc);
		if (p->opt != NULL)
			krb5_get_init_creds_opt_free(p->ctx, p->opt);
		if (p->kt != NULL) {
			for (i = 0; i < p->nadded; i++) {
				memset(&e, 0, sizeof(e));
				e.principal = p->client;
				e.vno = p->added_kvno[i];
				e.key.enctype = p->added_enctype[i];
				krb5_kt_remove_entry(p->ctx, p->kt, &e);
			}
			krb5_kt_close(p->ctx, p->kt);
		}
		if (p->cc != NULL) {
			if (p->keep_cc)
				krb5_cc_close(p->ctx, p->cc);
			else
				krb5_cc_destroy(p->ctx, p->cc);
		}
		if (p->client != NULL)
			krb5_free_principal(p->ctx, p->client);
		krb5_free_context(p->ctx);
	}
	if (p->pin.base != NULL)
		profile_release(p->pin.base);
	return 0;
}

static char *krb5_msg(TALLOC_CTX *mem_ctx, krb5_context ctx,
		      krb5_error_code code)
{
	const char *m = krb5_get_error_message(ctx, code);
	char *s = talloc_strdup(mem_ctx, m);

	krb5_free_error_message(ctx, m);
	return s;
}

/*
 * A library context whose profile is pin.  No cleanup/copy methods: every
 * copy MIT makes shares pin, which must outlive the context.
 */
static krb5_error_code pinned_context(struct pin *pin, krb5_context *out)
{
	struct profile_vtable vt;
	profile_t prof = NULL;
	krb5_error_code code;

	memset(&vt, 0, sizeof(vt));
	vt.minor_ver = 1;
	vt.get_values = pin_get_values;
	vt.free_values = pin_free_values;
	code = profile_init_vtable(&vt, pin, &prof);
	if (code != 0)
		return code;
	code = krb5_init_context_profile(prof, 0, out);
	profile_release(prof);
	return code;
}

/*
 * A library context that reads the host's krb5.conf through the pin
 * profile.  If the host's configuration cannot be loaded at all (say a
 * syntax error), the probe still runs on the pinned settings alone.
 */
static krb5_error_code make_context(struct probe *p)
{
	krb5_context host = NULL;
	krb5_error_code code;

	if (krb5_init_context(&host) == 0) {
		if (krb5_get_profile(host, &p->pin.base) != 0)
			p->pin.base = NULL;
		krb5_free_context(host);
	}
	code = pinned_context(&p->pin, &p->ctx);
	if (code != 0)
		p->ctx = NULL;
	return code;
}

/* A pinned context for other modules (kpasswd, keytab writers). */
struct pinned {
	struct pin pin;
	krb5_context ctx;
};

static int pinned_destructor(struct pinned *p)
{
	if (p->ctx != NULL)
		krb5_free_context(p->ctx);
	if (p->pin.base != NULL)
		profile_release(p->pin.base);
	return 0;
}

krb5_context sci_krb5_pinned(TALLOC_CTX *mem_ctx, const char *realm,
			     const char *address)
{
	struct pinned *p = talloc_zero(mem_ctx, struct pinned);
	krb5_context host = NULL;

	if (p == NULL)
		return NULL;
	talloc_set_destructor(p, pinned_destructor);
	p->pin.realm = talloc_strdup(p, realm);
	p->pin.kdc = talloc_asprintf(p, strchr(address, ':') != NULL ?
				     "[%s]" : "%s", address);
	if (p->pin.realm == NULL || p->pin.kdc == NULL)
		goto fail;
	if (krb5_init_context(&host) == 0) {
		if (krb5_get_profile(host, &p->pin.base) != 0)
			p->pin.base = NULL;
		krb5_free_context(host);
	}
	if (pinned_context(&p->pin, &p->ctx) != 0) {
		p->ctx = NULL;
		goto fail;
	}
	return p->ctx;
fail:
	talloc_free(p);
	return NULL;
}

/* ---- the TCP transport to the one KDC ---- */

/* Wait for events on fd until deadline: 0, ETIMEDOUT or an errno. */
static int wait_fd(int fd, short events, double deadline)
{
	struct pollfd pfd;
	double left;
	int n;

	for (;;) {
		left = deadline - sci_now();
		if (left <= 0)
			return ETIMEDOUT;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno;
		if (n > 0)
			return 0;
	}
}

static int send_all(int fd, const uint8_t *buf, size_t len, double deadline)
{
	ssize_t n;
	int err;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return errno;
		err = wait_fd(fd, POLLOUT, deadline);
		if (err != 0)
			return err;
	}
	return 0;
}

/* Read exactly len bytes; a closed connection is ECONNRESET. */
static int recv_all(int fd, uint8_t *buf, size_t len, double deadline)
{
	ssize_t n;
	int err;

	while (len > 0) {
		n = recv(fd, buf, len, 0);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno;
		err = wait_fd(fd, POLLIN, deadline);
		if (err != 0)
			return err;
	}
	return 0;
}

/*
 * One request/reply over a fresh TCP connection (RFC 4120 7.2.2: 4-byte
 * big-endian length, then the message).  Returns 0 or an errno value;
 * ETIMEDOUT when the deadline passed.  The reply is talloc'd on mem_ctx.
 */
static int kdc_exchange(TALLOC_CTX *mem_ctx, struct probe *p,
			const krb5_data *req, double deadline,
			krb5_data *reply)
{
	uint8_t hdr[4];
	socklen_t elen = sizeof(int);
	uint32_t rlen;
	char *buf;
	int err = 0;

	p->fd = socket(p->ai->ai_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd == -1)
		return errno;
	if (connect(p->fd, p->ai->ai_addr, p->ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail_errno;
		err = wait_fd(p->fd, POLLOUT, deadline);
		if (err != 0)
			goto fail;
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err,
			       &elen) == -1)
			goto fail_errno;
		if (err != 0)
			goto fail;
	}
	hdr[0] = (uint8_t)(req->length >> 24);
	hdr[1] = (uint8_t)(req->length >> 16);
	hdr[2] = (uint8_t)(req->length >> 8);
	hdr[3] = (uint8_t)req->length;
	err = send_all(p->fd, hdr, 4, deadline);
	if (err == 0)
		err = send_all(p->fd, (const uint8_t *)req->data,
			       req->length, deadline);
	if (err == 0)
		err = recv_all(p->fd, hdr, 4, deadline);
	if (err != 0)
		goto fail;
	rlen = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	       (uint32_t)hdr[2] << 8 | hdr[3];
	if (rlen == 0 || rlen > MAX_REPLY) {
		err = EBADMSG;
		goto fail;
	}
	buf = talloc_size(mem_ctx, rlen);
	if (buf == NULL) {
		err = ENOMEM;
		goto fail;
	}
	err = recv_all(p->fd, (uint8_t *)buf, rlen, deadline);
	if (err != 0) {
		talloc_free(buf);
		goto fail;
	}
	reply->magic = KV5M_DATA;
	reply->data = buf;
	reply->length = rlen;
	close(p->fd);
	p->fd = -1;
	return 0;
fail_errno:
	err = errno;
fail:
	close(p->fd);
	p->fd = -1;
	return err;
}

/* ---- the probe ---- */

static int cmp_key(const void *a, const void *b)
{
	const struct sc_key *x = *(const struct sc_key *const *)a;
	const struct sc_key *y = *(const struct sc_key *const *)b;
	size_t n;
	int c;

	if (x->enctype != y->enctype)
		return x->enctype < y->enctype ? -1 : 1;
	n = x->key->len < y->key->len ? x->key->len : y->key->len;
	c = memcmp(x->key->data, y->key->data, n);
	if (c != 0)
		return c;
	return x->key->len < y->key->len ? -1 : x->key->len > y->key->len;
}

/*
 * One fingerprint for the whole key set: the keys ordered by enctype (then
 * bytes) and concatenated, so that the same set gives the same tag in
 * whatever order the caller lists it.
 */
static bool keys_fingerprint(TALLOC_CTX *mem_ctx, const struct sc_key *keys,
			     size_t nkeys, char out[17])
{
	const struct sc_key **sorted;
	struct sc_secret *all;
	size_t total = 0, off = 0, i;

	sorted = talloc_array(mem_ctx, const struct sc_key *, nkeys);
	if (sorted == NULL)
		return false;
	for (i = 0; i < nkeys; i++) {
		sorted[i] = &keys[i];
		total += keys[i].key->len;
	}
	qsort(sorted, nkeys, sizeof(*sorted), cmp_key);
	all = sc_secret_new(mem_ctx, NULL, total);
	if (all == NULL) {
		talloc_free(sorted);
		return false;
	}
	for (i = 0; i < nkeys; i++) {
		memcpy(all->data + off, sorted[i]->key->data,
		       sorted[i]->key->len);
		off += sorted[i]->key->len;
	}
	sc_fingerprint(all, out);
	talloc_free(all);
	talloc_free(sorted);
	return true;
}

/* Is code the KDC's (or the AS-REP's) verdict on our keys? */
static bool is_kdc_answer(krb5_error_code code)
{
	int64_t n = (int64_t)code - (int64_t)ERROR_TABLE_BASE_krb5;

	return (n > 0 && n < 128) || code == KRB5_KDCREP_SKEW;
}

/* Check the arguments and set up everything before the first request. */
static enum sc_rc probe_setup(TALLOC_CTX *mem_ctx, struct probe *p,
			      const struct sc_dc *dc, const char *realm,
			      const char *account, const struct sc_key *keys,
			      size_t nkeys, struct sc_error **err_out)
{
	static unsigned long counter;
	struct addrinfo hints;
	krb5_keytab_entry e;
	krb5_error_code code;
	char *ktname;
	size_t i;
	int gai;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	gai = getaddrinfo(dc->address, KDC_PORT, &hints, &p->ai);
	if (gai != 0) {
		p->ai = NULL;
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "DC address '%s' is not a numeric address",
				 dc->address);
	}
	p->pin.realm = talloc_strdup(p, realm);
	p->pin.kdc = talloc_asprintf(p, strchr(dc->address, ':') != NULL ?
				     "[%s]" : "%s", dc->address);
	p->added_enctype = talloc_zero_array(p, int32_t, nkeys);
	p->added_kvno = talloc_zero_array(p, uint32_t, nkeys);
	if (p->pin.realm == NULL || p->pin.kdc == NULL ||
	    p->added_enctype == NULL || p->added_kvno == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	code = make_context(p);
	if (code != 0)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_KRB5, code,
				 "cannot initialise Kerberos: %s",
				 error_message(code));
	code = krb5_build_principal(p->ctx, &p->client, strlen(realm), realm,
				    account, (char *)NULL);
	if (code != 0) {
		p->client = NULL;
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_KRB5, code, "principal %s@%s: %s",
				 account, realm,
				 krb5_msg(mem_ctx, p->ctx, code));
	}
	/* MEMORY keytabs are process-wide: the name must be unique. */
	ktname = talloc_asprintf(p, "MEMORY:netchk-probe-%ld-%lu-%p",
				 (long)getpid(),
				 __atomic_add_fetch(&counter, 1,
						    __ATOMIC_RELAXED),
				 (void *)p);
	if (ktname == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	code = krb5_kt_resolve(p->ctx, ktname, &p->kt);
	if (code != 0) {
		p->kt = NULL;
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_KRB5, code,
				 "cannot create a memory keytab: %s",
				 krb5_msg(mem_ctx, p->ctx, code));
	}
	for (i = 0; i < nkeys; i++) {
		memset(&e, 0, sizeof(e));
		e.principal = p->client;
		e.vno = keys[i].kvno;
		e.key.magic = KV5M_KEYBLOCK;
		e.key.enctype = keys[i].enctype;
		e.key.length = (unsigned int)keys[i].key->len;
		e.key.contents = keys[i].key->data;
		code = krb5_kt_add_entry(p->ctx, p->kt, &e);
		if (code != 0)
			return sci_error(mem_ctx, err_out, SC_EINTERNAL,
					 SC_ERRDOM_KRB5, code,
					 "cannot add a key to the memory "
					 "keytab: %s",
					 krb5_msg(mem_ctx, p->ctx, code));
		p->added_enctype[i] = keys[i].enctype;
		p->added_kvno[i] = keys[i].kvno;
		p->nadded++;
	}
	code = krb5_get_init_creds_opt_alloc(p->ctx, &p->opt);
	if (code != 0) {
		p->opt = NULL;
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_KRB5,
				 code, "out of memory");
	}
	krb5_get_init_creds_opt_set_forwardable(p->opt, 0);
	krb5_get_init_creds_opt_set_proxiable(p->opt, 0);
	krb5_get_init_creds_opt_set_address_list(p->opt, NULL);
	/* ask for the enctypes of the keys presented: an RC4-only key set
	 * is proven as such, not failed because the account also has AES */
	sci_krb5_set_etypes(p, p->opt, p->added_enctype, nkeys);
	code = krb5_init_creds_init(p->ctx, p->client, NULL, NULL, 0, p->opt,
				    &p->icc);
	if (code == 0)
		code = krb5_init_creds_set_keytab(p->ctx, p->icc, p->kt);
	if (code != 0)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_KRB5, code,
				 "cannot start the AS exchange: %s",
				 krb5_msg(mem_ctx, p->ctx, code));
	return SC_OK;
}

/* Leave the TGT in a new MEMORY ccache; its full name, or NULL. */
static char *store_tgt(TALLOC_CTX *mem_ctx, struct probe *p)
{
	char *name = NULL;
	char *out;

	if (krb5_cc_new_unique(p->ctx, "MEMORY", NULL, &p->cc) != 0) {
		p->cc = NULL;
		return NULL;
	}
	if (krb5_cc_initialize(p->ctx, p->cc, p->creds.client) != 0 ||
	    krb5_cc_store_cred(p->ctx, p->cc, &p->creds) != 0 ||
	    krb5_cc_get_full_name(p->ctx, p->cc, &name) != 0)
		return NULL;
	out = talloc_strdup(mem_ctx, name);
	krb5_free_string(p->ctx, name);
	if (out != NULL)
		p->keep_cc = true;
	return out;
}

/*
 * The AS exchange itself: step, carry, step, ... until MIT says done or
 * fails.  A KDC error (or a reply our keys cannot open) is REJECTED, no
 * answer is UNREACHABLE, anything else is a local ERROR.
 */
enum sc_rc sc_probe_krb5(TALLOC_CTX *mem_ctx,
			 const struct sc_probe_opts *opts,
			 const struct sc_dc *dc, const char *realm,
			 const char *account, const struct sc_key *keys,
			 size_t nkeys, struct sc_attempt **attempt_out,
			 const char **ccache_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = NULL;
	struct sc_attempt *a;
	struct probe *p;
	krb5_data in, out, rrealm;
	krb5_error_code code = 0;
	unsigned int flags = 0;
	char *ccname = NULL;
	const char *what;
	double start, deadline, timeout;
	int rounds, neterr = 0;
	size_t i;
	enum sc_rc rc;

	if (dc == NULL || dc->address == NULL || realm == NULL ||
	    *realm == '\0' || account == NULL || *account == '\0' ||
	    keys == NULL || nkeys == 0 || attempt_out == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "kerberos probe: missing argument");
	for (i = 0; i < nkeys; i++)
		if (keys[i].key == NULL || keys[i].key->data == NULL ||
		    keys[i].key->len == 0)
			return sci_error(mem_ctx, err_out, SC_EINVAL,
					 SC_ERRDOM_NONE, 0,
					 "kerberos probe: empty key");
	timeout = sci_probe_wait(opts, DEFAULT_TIMEOUT);
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	a = talloc_zero(tmp_ctx, struct sc_attempt);
	p = talloc_zero(tmp_ctx, struct probe);
	if (a == NULL || p == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	p->fd = -1;
	talloc_set_destructor(p, probe_destructor);
	a->path = SC_PATH_KERBEROS;
	a->cand = SC_CAND_KEYTAB;
	a->kvno = keys[0].kvno;
	if (!keys_fingerprint(tmp_ctx, keys, nkeys, a->fingerprint)) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	rc = probe_setup(mem_ctx, p, dc, realm, account, keys, nkeys,
			 err_out);
	if (rc != SC_OK)
		goto done;

	start = sci_now();
	deadline = start + timeout;
	memset(&in, 0, sizeof(in));
	for (rounds = 0;; rounds++) {
		memset(&out, 0, sizeof(out));
		memset(&rrealm, 0, sizeof(rrealm));
		flags = 0;
		code = krb5_init_creds_step(p->ctx, p->icc, &in, &out,
					    &rrealm, &flags);
		talloc_free(in.data);
		memset(&in, 0, sizeof(in));
		krb5_free_data_contents(p->ctx, &rrealm);
		if (code != 0 ||
		    !(flags & KRB5_INIT_CREDS_STEP_FLAG_CONTINUE)) {
			krb5_free_data_contents(p->ctx, &out);
			break;
		}
		if (rounds == MAX_ROUNDS) {
			krb5_free_data_contents(p->ctx, &out);
			neterr = ELOOP;
			break;
		}
		/* Whatever realm MIT names, the probe talks to dc only. */
		neterr = kdc_exchange(tmp_ctx, p, &out, deadline, &in);
		krb5_free_data_contents(p->ctx, &out);
		if (neterr != 0) {
			code = KRB5_KDC_UNREACH;
			break;
		}
	}
	a->seconds = sci_now() - start;

	if (neterr == ELOOP) {
		a->outcome = SC_OUTCOME_ERROR;
		a->detail = talloc_asprintf(a, "KDC %s: no result after %d "
					    "requests", dc->address,
					    MAX_ROUNDS);
	} else if (neterr == ENOMEM || neterr == EMFILE || neterr == ENFILE ||
		   neterr == ENOBUFS) {
		/* Our resources, not the network's. */
		a->outcome = SC_OUTCOME_ERROR;
		a->detail = talloc_asprintf(a, "KDC %s: %s", dc->address,
					    strerror(neterr));
	} else if (neterr != 0) {
		a->outcome = SC_OUTCOME_UNREACHABLE;
		a->has_krb5 = true;
		a->krb5_code = KRB5_KDC_UNREACH;
		if (neterr == ETIMEDOUT)
			a->detail = talloc_asprintf(a, "KDC %s port %s: no "
						    "answer within %.3g s",
						    dc->address, KDC_PORT,
						    timeout);
		else if (neterr == EBADMSG)
			a->detail = talloc_asprintf(a, "KDC %s port %s: "
						    "malformed reply",
						    dc->address, KDC_PORT);
		else
			a->detail = talloc_asprintf(a, "KDC %s port %s: %s",
						    dc->address, KDC_PORT,
						    strerror(neterr));
	} else if (code == 0) {
		a->outcome = SC_OUTCOME_ACCEPTED;
		if (krb5_init_creds_get_creds(p->ctx, p->icc,
					      &p->creds) == 0) {
			p->have_creds = true;
			if (ccache_out != NULL)
				ccname = store_tgt(mem_ctx, p);
		}
		a->detail = talloc_asprintf(a, "KDC %s issued a TGT to %s@%s "
					    "(kvno %u)%s", dc->address,
					    account, realm, a->kvno,
					    ccache_out != NULL &&
					    ccname == NULL ?
					    "; it could not be kept" : "");
	} else if (is_kdc_answer(code)) {
		a->outcome = SC_OUTCOME_REJECTED;
		a->has_krb5 = true;
		a->krb5_code = code;
		if (krb5_init_creds_get_error(p->ctx, p->icc, &p->kerr) != 0)
			p->kerr = NULL;
		if (p->kerr != NULL &&
		    (int64_t)p->kerr->error + ERROR_TABLE_BASE_krb5 == code &&
		    p->kerr->e_data.length > 0)
			a->has_ntstatus = sc_krb5_edata_ntstatus(
				(const uint8_t *)p->kerr->e_data.data,
				p->kerr->e_data.length, &a->ntstatus);
		what = sc_krb5_code_name(code);
		a->detail = talloc_asprintf(a, "KDC %s answered %s: %s%s%s",
					    dc->address,
					    what != NULL ? what : "error",
					    krb5_msg(tmp_ctx, p->ctx, code),
					    a->has_ntstatus ? ", " : "",
					    a->has_ntstatus ?
					    sc_ntstatus_name(a->ntstatus) :
					    "");
	} else {
		a->outcome = SC_OUTCOME_ERROR;
		a->has_krb5 = true;
		a->krb5_code = code;
		a->detail = talloc_asprintf(a, "AS exchange with KDC %s "
					    "failed locally: %s", dc->address,
					    krb5_msg(tmp_ctx, p->ctx, code));
	}
	if (a->detail == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		talloc_free(ccname);
		p->keep_cc = false;
		goto done;
	}
	*attempt_out = talloc_move(mem_ctx, &a);
	if (ccache_out != NULL)
		*ccache_out = ccname;
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * Destroy a MEMORY ccache that sc_probe_krb5() left for the caller.  MEMORY
 * ccaches are process-wide, so any context finds it; one that ignores
 * krb5.conf works even when that file does not parse.
 */
void sc_ccache_destroy(const char *ccache_name)
{
	struct pin pin = { NULL, "", "" };
	krb5_context ctx = NULL;
	krb5_ccache cc = NULL;

	if (ccache_name == NULL)
		return;
	if (pinned_context(&pin, &ctx) != 0)
		return;
	if (krb5_cc_resolve(ctx, ccache_name, &cc) == 0)
		krb5_cc_destroy(ctx, cc);
	krb5_free_context(ctx);
}
