/*
 * libsc - the LDAP path: the DC's clock and the account as the DC sees it
 *
 * Two questions go to the DC's LDAP server.  Anonymously: what time is it
 * (rootDSE currentTime), so clock skew shows as a number and not as a
 * Kerberos failure.  Bound with GSSAPI as the machine itself (the TGT the
 * Kerberos probe left in a MEMORY ccache): what does the account look
 * like (userAccountControl, msDS-KeyVersionNumber, pwdLastSet, SPNs).
 *
 * The connection is pinned to dc->address: we connect the socket
 * ourselves and hand it to libldap with ldap_init_fd() and a URI that
 * carries dc->name.  With LDAP_OPT_X_SASL_NOCANON libldap then takes the
 * SASL host from that URI, so the service ticket is for ldap/<dc->name>
 * whatever the name resolves to and without any reverse lookup.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <ldap.h>
#include <openldap.h>
#include <sasl/sasl.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_krb5.h>
#include "sc-private.h"

#define LDAP_PORT_STR "389"
#define DEFAULT_TIMEOUT 10	/* seconds, when the caller gives none */

/* Seconds between 1601-01-01 and 1970-01-01 (MS-DTYP 2.3.3). */
#define FILETIME_EPOCH_DIFF INT64_C(11644473600)

/* ---- pure helpers (exported to tests through sc-private.h) ---- */

/* n decimal digits at s into *out; false if any is not a digit. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (no tz, no libc). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	int64_t yoe;
	int64_t doy;
	int64_t doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * X.680 GeneralizedTime as LDAP (RFC 4517 3.3.13) allows it:
 * YYYYMMDDHH[MM[SS]][(.|,)fraction](Z|(+|-)HH[MM]).  AD sends
 * "YYYYMMDDHHMMSS.0Z".  A fraction of the last given unit is dropped;
 * the DC's clock has one-second resolution here anyway.
 */
bool sci_gentime_parse(const char *s, time_t *out)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	int year, mon, day, hour, min = 0, sec = 0;
	int off_h = 0, off_m = 0;
	int64_t t;
	int dim;

	if (s == NULL || out == NULL)
		return false;
	if (!digits(s, 4, &year) || !digits(s + 4, 2, &mon) ||
	    !digits(s + 6, 2, &day) || !digits(s + 8, 2, &hour))
		return false;
	s += 10;
	if (digits(s, 2, &min)) {
		s += 2;
		if (digits(s, 2, &sec))
			s += 2;
	}
	if (*s == '.' || *s == ',') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s == '-' ? -1 : 1;

		s++;
		if (!digits(s, 2, &off_h))
			return false;
		s += 2;
		if (digits(s, 2, &off_m))
			s += 2;
		if (off_h > 23 || off_m > 59)
			return false;
		off_h *= sign;
		off_m *= sign;
	} else {
		return false;	/* local time without offset: ambiguous */
	}
	if (*s != '\0')
		return false;

	if (mon < 1 || mon > 12 || hour > 23 || min > 59 || sec > 60)
		return false;
	dim = mdays[mon - 1] + (mon == 2 && leap_year(year));
	if (day < 1 || day > dim)
		return false;

	t = days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	    min * 60 + sec - (off_h * 3600 + off_m * 60);
	if ((int64_t)(time_t)t != t)
		return false;
	*out = (time_t)t;
	return true;
}

/*
 * AD large integers are decimal, optionally signed.  pwdLastSet is 0 when
 * the password must change at next logon, and never before 1970 in
 * practice; both map to 0 = unknown.
 */
bool sci_filetime_parse(const char *s, time_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	int64_t secs;

	if (s == NULL || out == NULL)
		return false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return false;
	secs = (int64_t)(v / 10000000) - FILETIME_EPOCH_DIFF;
	if (neg || secs <= 0) {
		*out = 0;
		return true;
	}
	if ((int64_t)(time_t)secs != secs)
		return false;
	*out = (time_t)secs;
	return true;
}

/*
 * An AD interval such as lockOutObservationWindow: a negative count of
 * 100 ns ("-18000000000" is 30 minutes); the most negative value means
 * "never" (-1 here).  Whole seconds, at least one; false on anything
 * that is not a negative decimal 64-bit integer.
 */
bool sci_ad_interval_parse(const char *s, int64_t *seconds_out)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s != '-')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v >= 0)
		return false;
	if (v == LLONG_MIN) {
		*seconds_out = -1;
		return true;
	}
	*seconds_out = (int64_t)(-v / 10000000);
	if (*seconds_out < 1)
		*seconds_out = 1;
	return true;
}

/*
 * RFC 4515 3: in an assertion value '*', '(', ')', '\' and NUL must be
 * written as \XX.  Control characters are escaped too so that a filter
 * never carries a raw newline into a log line.
 */
char *sci_ldap_escape_filter(TALLOC_CTX *mem_ctx, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t len = 0;
	char *out;
	char *q;

	if (value == NULL)
		return NULL;
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '*' || *p == '(' || *p == ')' || *p == '\\' ||
		    *p < 0x20 || *p == 0x7f)
			len += 3;
		else
			len += 1;
	}
	out = talloc_array(mem_ctx, char, len + 1);
	if (out == NULL)
		return NULL;
	q = out;
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (*p == '*' || *p == '(' || *p == ')' || *p == '\\' ||
		    *p < 0x20 || *p == 0x7f) {
			*q++ = '\\';
			*q++ = hex[*p >> 4];
			*q++ = hex[*p & 0xf];
		} else {
			*q++ = (char)*p;
		}
	}
	*q = '\0';
	return out;
}

/*
 * RFC 4514: a ',' ends an RDN unless escaped ("\,", or "\5C" hex pairs,
 * which never form a bare ',') or inside a quoted value (RFC 1779 form,
 * still accepted by AD).
 */
char *sci_dn_parent(TALLOC_CTX *mem_ctx, const char *dn)
{
	bool quoted = false;
	const char *s;

	if (dn == NULL)
		return NULL;
	for (s = dn; *s != '\0'; s++) {
		if (*s == '\\') {
			if (s[1] == '\0')
				return NULL;
			s++;
		} else if (*s == '"') {
			quoted = !quoted;
		} else if (*s == ',' && !quoted) {
			break;
		}
	}
	if (*s != ',' || s == dn)
		return NULL;
	s++;
	while (*s == ' ')
		s++;
	if (*s == '\0' || strchr(s, '=') == NULL)
		return NULL;
	return talloc_strdup(mem_ctx, s);
}

/* ---- talloc wrappers for libldap handles ---- */

/* The connection: a socket until libldap owns it, then the LDAP handle. */
struct ldap_conn {
	int fd;
	LDAP *ld;
};

static int ldap_conn_destructor(struct ldap_conn *c)
{
	if (c->ld != NULL)
		ldap_unbind_ext_s(c->ld, NULL, NULL);	/* closes the fd */
	else if (c->fd >= 0)
		close(c->fd);
	return 0;
}

struct ldap_msg {
	LDAPMessage *msg;
};

static int ldap_msg_destructor(struct ldap_msg *m)
{
	if (m->msg != NULL)
		ldap_msgfree(m->msg);
	return 0;
}

static struct ldap_msg *ldap_msg_new(TALLOC_CTX *mem_ctx)
{
	struct ldap_msg *m = talloc_zero(mem_ctx, struct ldap_msg);

	if (m != NULL)
		talloc_set_destructor(m, ldap_msg_destructor);
	return m;
}

/* ---- the probe ---- */

/* Replace line breaks and other controls so a detail stays one line. */
static void one_line(char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
	}
}

/*
 * libldap's diagnostic message of the last operation (for a failed SASL
 * bind: Cyrus' sasl_errdetail, which carries the GSSAPI major/minor
 * text), as one talloc'd line, or NULL.  It never holds key material.
 */
static char *ldap_diag(TALLOC_CTX *mem_ctx, LDAP *ld)
{
	char *msg = NULL;
	char *copy = NULL;

	if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) !=
	    LDAP_OPT_SUCCESS || msg == NULL)
		return NULL;
	if (msg[0] != '\0')
		copy = talloc_strdup(mem_ctx, msg);
	ldap_memfree(msg);
	one_line(copy);
	return copy;
}

/*
 * "<ldap error string> (<diagnostic>)", or just the error string when
 * there is no diagnostic (or no memory for one).  Never NULL.
 */
static const char *ldap_err_text(TALLOC_CTX *mem_ctx, LDAP *ld, int lrc)
{
	char *diag = ldap_diag(mem_ctx, ld);
	char *text;

	if (diag == NULL)
		return ldap_err2string(lrc);
	text = talloc_asprintf(mem_ctx, "%s (%s)", ldap_err2string(lrc),
			       diag);
	talloc_free(diag);
	return text != NULL ? text : ldap_err2string(lrc);
}

static struct timeval timeval_of(double seconds)
{
	struct timeval tv;

	if (seconds < 0)
		seconds = 0;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	/* LDAP takes {0, 0} for "no limit": never hand it that */
	if (tv.tv_sec == 0 && tv.tv_usec == 0)
		tv.tv_usec = 1;
	return tv;
}

/*
 * Connect a TCP socket to address:389 within timeout seconds.  Returns 0
 * with *fd_out set, or an errno value.  getaddrinfo only parses: address
 * must be numeric (EINVAL otherwise).
 */
static int tcp_connect(const char *address, double timeout, int *fd_out)
{
	struct addrinfo hints;
	struct addrinfo *ai = NULL;
	struct pollfd pfd;
	socklen_t slen;
	double deadline;
	int fd;
	int err;
	int ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	ret = getaddrinfo(address, LDAP_PORT_STR, &hints, &ai);
	if (ret != 0)
		return ret == EAI_MEMORY ? ENOMEM : EINVAL;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0) {
		err = errno;
		freeaddrinfo(ai);
		return err;
	}
	ret = connect(fd, ai->ai_addr, ai->ai_addrlen);
	err = ret == 0 ? 0 : errno;
	freeaddrinfo(ai);
	if (err == EINPROGRESS) {
		deadline = sci_now() + timeout;
		for (;;) {
			double left = deadline - sci_now();

			if (left <= 0) {
				err = ETIMEDOUT;
				break;
			}
			pfd.fd = fd;
			pfd.events = POLLOUT;
			pfd.revents = 0;
			ret = poll(&pfd, 1, (int)(left * 1000) + 1);
			if (ret < 0 && errno == EINTR)
				continue;
			if (ret < 0) {
				err = errno;
				break;
			}
			if (ret == 0)
				continue;	/* re-check the deadline */
			slen = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
				       &slen) != 0)
				err = errno;
			break;
		}
	}
	if (err == 0 && fcntl(fd, F_SETFL,
			      fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		err = errno;
	if (err != 0) {
		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

/* Cyrus SASL prompts: GSSAPI asks at most for an authzid; give none. */
static int sasl_interact(LDAP *ld, unsigned flags, void *defaults,
			 void *prompts)
{
	sasl_interact_t *in = prompts;

	for (; in != NULL && in->id != SASL_CB_LIST_END; in++) {
		in->result = in->defresult != NULL ? in->defresult : "";
		in->len = strlen(in->result);
	}
	return LDAP_SUCCESS;
}

/* The first value of attr as a talloc string, or NULL. */
static char *entry_string(TALLOC_CTX *mem_ctx, LDAP *ld, LDAPMessage *e,
			  const char *attr)
{
	struct berval **vals;
	char *s = NULL;

	vals = ldap_get_values_len(ld, e, attr);
	if (vals == NULL)
		return NULL;
	if (vals[0] != NULL)
		s = talloc_strndup(mem_ctx, vals[0]->bv_val, vals[0]->bv_len);
	ldap_value_free_len(vals);
	return s;
}

/*
 * Every value of attr as a NULL-terminated talloc array (empty if the
 * attribute is absent); NULL only when out of memory.
 */
static const char **entry_strings(TALLOC_CTX *mem_ctx, LDAP *ld,
				  LDAPMessage *e, const char *attr)
{
	struct berval **vals;
	const char **list;
	int n;
	int i;

	vals = ldap_get_values_len(ld, e, attr);
	n = vals != NULL ? ldap_count_values_len(vals) : 0;
	list = talloc_zero_array(mem_ctx, const char *, n + 1);
	for (i = 0; list != NULL && i < n; i++) {
		list[i] = talloc_strndup(list, vals[i]->bv_val,
					 vals[i]->bv_len);
		if (list[i] == NULL)
			TALLOC_FREE(list);
	}
	if (vals != NULL)
		ldap_value_free_len(vals);
	return list;
}

/* An LDAP INTEGER that AD keeps as 32 bits (signed or not). */
static bool parse_u32(const char *s, uint32_t *out)
{
	char *end = NULL;
	long long v;

	if (s == NULL || *s == '\0')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < INT32_MIN || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Realtime clock in nanoseconds (what faketime shifts, on purpose). */
static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* State of one probe run; result and its strings live on result. */
struct probe {
	struct sc_ldap_result *result;
	LDAP *ld;
	struct timeval tv;
	double deadline;		/* sci_now() time: every operation
					 * ends by then (tv_left) */
	double wait;			/* the timeout: the audit's search
					 * waits this long for each message */
	const char *host;		/* the DC's name: ldap/<host> */
	const char *naming_context;
	const char *dc_time;		/* raw currentTime, for the detail */
	bool want_pdc;			/* read the PDC, not account */
	char *pdc;			/* its dNSHostName */
	bool want_enable;		/* clear ACCOUNTDISABLE of account */
	bool enabled;			/* ... done (or it was not set) */
	uint32_t new_uac;
	struct sci_ldap_computers *computers;	/* read every computer */
	unsigned page_size;		/* 0: unpaged on Samba, else 1000 */
	bool samba;			/* the rootDSE's vendorName */
	const char *bound_as;		/* the SASL user name of the bind */
	bool oom;
};

/* What is left of the probe's time, for the next LDAP operation. */
static struct timeval *tv_left(struct probe *p)
{
	p->tv = timeval_of(p->deadline - sci_now());
	return &p->tv;
}

/*
 * Add one clause to the detail line ("; " between clauses).  Running out
 * of memory is remembered in p->oom and reported once at the end.
 */
static void note(struct probe *p, const char *fmt, ...)
	PRINTF_ATTRIBUTE(2, 3);

static void note(struct probe *p, const char *fmt, ...)
{
	va_list ap;
	char *clause;
	char *detail;

	if (p->oom)
		return;
	va_start(ap, fmt);
	clause = talloc_vasprintf(p->result, fmt, ap);
	va_end(ap);
	if (clause == NULL) {
		p->oom = true;
		return;
	}
	if (p->result->detail == NULL) {
		p->result->detail = clause;
		return;
	}
	detail = talloc_asprintf(p->result, "%s; %s", p->result->detail,
				 clause);
	talloc_free(clause);
	if (detail == NULL) {
		p->oom = true;
		return;
	}
	talloc_free((char *)p->result->detail);
	p->result->detail = detail;
}

/*
 * (a) The rootDSE, anonymously.  The local time is taken at the midpoint
 * of the exchange; both clocks are truncated to whole seconds, so an
 * offset of 0 means "within a second or so".  Returns false when the DC
 * did not answer (the detail says why).
 */
static bool read_rootdse(struct probe *p, TALLOC_CTX *tmp_ctx,
			 const char *address)
{
	const char *attrs[] = { "currentTime", "defaultNamingContext",
				"vendorName", NULL };
	struct ldap_msg *m;
	LDAPMessage *e;
	int64_t t0, t1, mid;
	time_t dc_time;
	char *val;
	int lrc;

	m = ldap_msg_new(tmp_ctx);
	if (m == NULL) {
		p->oom = true;
		return false;
	}
	t0 = realtime_ns();
	lrc = ldap_search_ext_s(p->ld, "", LDAP_SCOPE_BASE, "(objectClass=*)",
				(char **)attrs, 0, NULL, NULL,
				tv_left(p), 1, &m->msg);
	t1 = realtime_ns();
	e = lrc == LDAP_SUCCESS ? ldap_first_entry(p->ld, m->msg) : NULL;
	if (e == NULL) {
		note(p, "no rootDSE from LDAP at %s: %s", address,
		     lrc == LDAP_SUCCESS ? "empty answer"
		     : ldap_err_text(tmp_ctx, p->ld, lrc));
		return false;
	}
	p->result->reached = true;

	p->naming_context = entry_string(p->result, p->ld, e,
					 "defaultNamingContext");
	/* Samba names itself here; Windows DCs send no vendorName */
	val = entry_string(tmp_ctx, p->ld, e, "vendorName");
	p->samba = val != NULL && strncmp(val, "Samba", 5) == 0;
	val = entry_string(tmp_ctx, p->ld, e, "currentTime");
	if (val == NULL || !sci_gentime_parse(val, &dc_time)) {
		note(p, "no usable currentTime in the rootDSE");
		return true;
	}
	mid = t0 + (t1 - t0) / 2;
	/* floor to whole seconds: the DC truncates its time as well */
	mid = mid >= 0 ? mid / 1000000000
		       : -((-mid + 999999999) / 1000000000);
	p->result->have_time = true;
	p->result->clock_offset = (int64_t)dc_time - mid;
	p->dc_time = talloc_strdup(p->result, val);
	if (p->dc_time == NULL)
		p->oom = true;
	return true;
}

/*
 * (b) SASL GSSAPI bind with the caller's MEMORY ccache, the way adcli
 * does it: gss_krb5_ccache_name() points this thread's GSSAPI at the
 * ccache for the duration of the bind only, and is then set back.
 * Cyrus negotiates a security layer (Samba requires sign or seal); the
 * resulting SSF goes into the detail.  A refused bind is a result; only
 * a GSSAPI library that will not take the ccache name is an error.
 */
static enum sc_rc gssapi_bind(TALLOC_CTX *mem_ctx, struct probe *p,
			      TALLOC_CTX *tmp_ctx, const char *ccache_name,
			      struct sc_error **err_out)
{
	OM_uint32 major, minor;
	const char *old = NULL;
	char *old_copy = NULL;
	char *user = NULL;
	ber_len_t ssf = 0;
	int lrc;

	major = gss_krb5_ccache_name(&minor, ccache_name, &old);
	if (GSS_ERROR(major))
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_KRB5, minor,
				 "GSSAPI refused the ccache name %s",
				 ccache_name);
	if (old != NULL) {
		old_copy = talloc_strdup(tmp_ctx, old);
		if (old_copy == NULL) {
			gss_krb5_ccache_name(&minor, NULL, NULL);
			return sci_error(mem_ctx, err_out, SC_ENOMEM,
					 SC_ERRDOM_NONE, 0, "out of memory");
		}
	}
	lrc = ldap_sasl_interactive_bind_s(p->ld, NULL, "GSSAPI", NULL, NULL,
					   LDAP_SASL_QUIET, sasl_interact,
					   NULL);
	gss_krb5_ccache_name(&minor, old_copy, NULL);

	p->result->ldap_code = lrc;
	if (lrc != LDAP_SUCCESS) {
		note(p, "GSSAPI bind to ldap/%s failed: %s", p->host,
		     ldap_err_text(tmp_ctx, p->ld, lrc));
		return SC_OK;
	}
	p->result->bound = true;
	if (ldap_get_option(p->ld, LDAP_OPT_X_SASL_USERNAME, &user) !=
	    LDAP_OPT_SUCCESS)
		user = NULL;
	if (ldap_get_option(p->ld, LDAP_OPT_X_SASL_SSF, &ssf) !=
	    LDAP_OPT_SUCCESS)
		ssf = 0;
	note(p, "bound to ldap/%s as %s (GSSAPI, SSF %lu)", p->host,
	     user != NULL ? user : "?", (unsigned long)ssf);
	if (user != NULL) {
		p->bound_as = talloc_strdup(p->result, user);
		ldap_memfree(user);
	}
	return SC_OK;
}

/* The first value of attr of the object dn (base search), or NULL. */
static char *base_string(struct probe *p, TALLOC_CTX *mem_ctx,
			 const char *dn, const char *attr)
{
	const char *attrs[] = { attr, NULL };
	struct ldap_msg *m = ldap_msg_new(mem_ctx);
	LDAPMessage *e;
	int lrc;

	if (m == NULL) {
		p->oom = true;
		return NULL;
	}
	lrc = ldap_search_ext_s(p->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
				(char **)attrs, 0, NULL, NULL, tv_left(p), 1,
				&m->msg);
	e = lrc == LDAP_SUCCESS ? ldap_first_entry(p->ld, m->msg) : NULL;
	if (e == NULL) {
		note(p, "reading %s of %s failed: %s", attr, dn,
		     lrc == LDAP_SUCCESS ? "no such object" :
		     ldap_err_text(mem_ctx, p->ld, lrc));
		return NULL;
	}
	return entry_string(mem_ctx, p->ld, e, attr);
}

/*
 * (c) The machine's own account, found by sAMAccountName under the
 * default naming context.  Attributes the DC does not let us read are
 * simply absent; the entry itself missing means found = false.
 */
static void read_account(struct probe *p, TALLOC_CTX *tmp_ctx,
			 const char *account)
{
	const char *attrs[] = { "distinguishedName", "userAccountControl",
				"msDS-KeyVersionNumber", "pwdLastSet",
				"dNSHostName", "servicePrincipalName",
				"msDS-SupportedEncryptionTypes", NULL };
	struct sc_account *acct = &p->result->account;
	struct ldap_msg *m;
	LDAPMessage *e;
	char *filter = NULL;
	char *esc;
	char *val;
	int lrc;

	if (p->naming_context == NULL) {
		note(p, "the rootDSE has no defaultNamingContext, account "
		     "not read");
		return;
	}
	esc = sci_ldap_escape_filter(tmp_ctx, account);
	if (esc != NULL)
		filter = talloc_asprintf(tmp_ctx, "(sAMAccountName=%s)", esc);
	m = ldap_msg_new(tmp_ctx);
	if (filter == NULL || m == NULL) {
		p->oom = true;
		return;
	}
	lrc = ldap_search_ext_s(p->ld, p->naming_context, LDAP_SCOPE_SUBTREE,
				filter, (char **)attrs, 0,
				NULL, NULL, tv_left(p), 2, &m->msg);
	e = (lrc == LDAP_SUCCESS || lrc == LDAP_SIZELIMIT_EXCEEDED)
		? ldap_first_entry(p->ld, m->msg) : NULL;
	if (e == NULL && lrc == LDAP_SUCCESS) {
		note(p, "no account %s under %s", account, p->naming_context);
		return;
	}
	if (e == NULL) {
		note(p, "reading account %s failed: %s", account,
		     ldap_err_text(tmp_ctx, p->ld, lrc));
		return;
	}

	acct->found = true;
	acct->dn = entry_string(p->result, p->ld, e, "distinguishedName");
	if (acct->dn == NULL) {
		char *dn = ldap_get_dn(p->ld, e);

		if (dn != NULL) {
			acct->dn = talloc_strdup(p->result, dn);
			ldap_memfree(dn);
		}
	}
	val = entry_string(tmp_ctx, p->ld, e, "userAccountControl");
	if (val != NULL)
		parse_u32(val, &acct->uac);
	val = entry_string(tmp_ctx, p->ld, e, "msDS-KeyVersionNumber");
	if (val != NULL)
		acct->has_kvno = parse_u32(val, &acct->kvno);
	val = entry_string(tmp_ctx, p->ld, e, "msDS-SupportedEncryptionTypes");
	if (val != NULL)
		acct->has_enctypes = parse_u32(val, &acct->supported_enctypes);
	val = entry_string(tmp_ctx, p->ld, e, "pwdLastSet");
	if (val == NULL || !sci_filetime_parse(val, &acct->pwd_last_set))
		acct->pwd_last_set = 0;
	acct->dns_host_name = entry_string(p->result, p->ld, e,
					   "dNSHostName");
	acct->spns = entry_strings(p->result, p->ld, e,
				   "servicePrincipalName");
	if (acct->spns == NULL)
		p->oom = true;
	note(p, "account %s", acct->dn != NULL ? acct->dn : account);
	/* the lockout memory's window (store-state.c) */
	val = base_string(p, tmp_ctx, p->naming_context,
			  "lockOutObservationWindow");
	p->result->have_lockout_window =
		sci_ad_interval_parse(val, &p->result->lockout_window);
}

/*
 * (c') The PDC emulator: the domain object's fSMORoleOwner names the
 * nTDSDSA object of the role holder; its parent is the server object,
 * whose dNSHostName is the name to talk to (MS-ADTS 3.1.1.1.11).
 */
static void read_pdc(struct probe *p, TALLOC_CTX *tmp_ctx)
{
	char *owner, *server;

	if (p->naming_context == NULL) {
		note(p, "the rootDSE has no defaultNamingContext");
		return;
	}
	owner = base_string(p, tmp_ctx, p->naming_context, "fSMORoleOwner");
	if (owner == NULL) {
		if (!p->oom)
			note(p, "%s has no fSMORoleOwner", p->naming_context);
		return;
	}
	server = sci_dn_parent(tmp_ctx, owner);
	if (server == NULL) {
		note(p, "fSMORoleOwner '%s' is not an nTDSDSA DN", owner);
		return;
	}
	p->pdc = base_string(p, p->result, server, "dNSHostName");
	if (p->pdc == NULL && !p->oom)
		note(p, "server object %s has no dNSHostName", server);
	else if (p->pdc != NULL)
		note(p, "PDC emulator %s (%s)", p->pdc, owner);
}

/*
 * (d) Clear ACCOUNTDISABLE (0x2) of the account just read, keeping every
 * other userAccountControl bit.  The modify deletes the value read and
 * adds the new one, so a concurrent change of the attribute makes it
 * fail instead of being overwritten.
 */
static void enable_account(struct probe *p, TALLOC_CTX *tmp_ctx)
{
	struct sc_account *acct = &p->result->account;
	char old_s[16], new_s[16];
	char *del_vals[] = { old_s, NULL }, *add_vals[] = { new_s, NULL };
	LDAPMod del = { LDAP_MOD_DELETE, "userAccountControl",
			{ .modv_strvals = del_vals } };
	LDAPMod add = { LDAP_MOD_ADD, "userAccountControl",
			{ .modv_strvals = add_vals } };
	LDAPMod *mods[] = { &del, &add, NULL };
	int lrc;

	if (!acct->found || acct->dn == NULL)
		return;
	p->new_uac = acct->uac & ~(uint32_t)0x2;
	if (p->new_uac == acct->uac) {
		p->enabled = true;
		note(p, "%s is not disabled", acct->dn);
		return;
	}
	snprintf(old_s, sizeof(old_s), "%" PRIu32, acct->uac);
	snprintf(new_s, sizeof(new_s), "%" PRIu32, p->new_uac);
	lrc = ldap_modify_ext_s(p->ld, acct->dn, mods, NULL, NULL);
	if (lrc != LDAP_SUCCESS) {
		note(p, "modifying userAccountControl of %s failed: %s",
		     acct->dn, ldap_err_text(tmp_ctx, p->ld, lrc));
		return;
	}
	p->enabled = true;
	note(p, "userAccountControl of %s: 0x%" PRIx32 " -> 0x%" PRIx32,
	     acct->dn, acct->uac, p->new_uac);
}

/*
 * (e) Every computer object: one attribute of one entry into the account.
 * name/len is the attribute type as the DC sent it; the values point into
 * the message (not NUL-terminated).  Attributes the DC hides are absent.
 */
static bool attr_is(const struct berval *name, const char *want)
{
	return name->bv_len == strlen(want) &&
	       strncasecmp(name->bv_val, want, name->bv_len) == 0;
}

/* A value as a C string on the stack (AD numbers and times are short). */
static const char *short_value(const struct berval *v, char *buf,
			       size_t size)
{
	if (v->bv_len >= size)
		return NULL;
	memcpy(buf, v->bv_val, v->bv_len);
	buf[v->bv_len] = '\0';
	return buf;
}

static bool computer_attr(struct sc_audit_account *a, TALLOC_CTX *mem_ctx,
			  const struct berval *name, BerVarray vals)
{
	char buf[64];
	const char *v;
	size_t n = 0;

	if (vals == NULL || vals[0].bv_val == NULL)
		return true;
	if (attr_is(name, "sAMAccountName")) {
		a->name = talloc_strndup(mem_ctx, vals[0].bv_val,
					 vals[0].bv_len);
		return a->name != NULL;
	}
	if (attr_is(name, "dNSHostName")) {
		a->dns_host_name = talloc_strndup(mem_ctx, vals[0].bv_val,
						  vals[0].bv_len);
		return a->dns_host_name != NULL;
	}
	if (attr_is(name, "servicePrincipalName")) {
		while (vals[n].bv_val != NULL)
			n++;
		a->spns = talloc_array(mem_ctx, const char *, n + 1);
		if (a->spns == NULL)
			return false;
		for (size_t i = 0; i < n; i++) {
			a->spns[i] = talloc_strndup(a->spns, vals[i].bv_val,
						    vals[i].bv_len);
			if (a->spns[i] == NULL)
				return false;
		}
		a->spns[n] = NULL;
		return true;
	}
	v = short_value(&vals[0], buf, sizeof(buf));
	if (v == NULL)
		return true;
	if (attr_is(name, "userAccountControl"))
		parse_u32(v, &a->uac);
	else if (attr_is(name, "msDS-SupportedEncryptionTypes"))
		a->has_enctypes = parse_u32(v, &a->enctypes);
	else if (attr_is(name, "pwdLastSet") &&
		 !sci_filetime_parse(v, &a->pwd_last_set))
		a->pwd_last_set = 0;
	else if (attr_is(name, "lastLogonTimestamp") &&
		 !sci_filetime_parse(v, &a->last_logon))
		a->last_logon = 0;
	else if (attr_is(name, "whenCreated") &&
		 !sci_gentime_parse(v, &a->when_created))
		a->when_created = 0;
	return true;
}

/* One entry: a single pass over its attributes (no lookup per name). */
static bool computer_entry(struct probe *p, LDAPMessage *e,
			   struct sc_audit_account *a, TALLOC_CTX *mem_ctx)
{
	BerElement *ber = NULL;
	struct berval dn, attr;
	BerVarray vals = NULL;
	bool ok = true;
	int lrc;

	memset(a, 0, sizeof(*a));
	if (ldap_get_dn_ber(p->ld, e, &ber, &dn) != LDAP_SUCCESS)
		return false;
	a->dn = talloc_strndup(mem_ctx, dn.bv_val, dn.bv_len);
	ok = a->dn != NULL;
	while (ok) {
		lrc = ldap_get_attribute_ber(p->ld, e, ber, &attr, &vals);
		if (lrc != LDAP_SUCCESS || attr.bv_val == NULL)
			break;
		ok = computer_attr(a, mem_ctx, &attr, vals);
		ber_memfree(vals);
		vals = NULL;
	}
	if (vals != NULL)
		ber_memfree(vals);
	ber_free(ber, 0);
	if (ok && a->spns == NULL) {
		a->spns = talloc_zero_array(mem_ctx, const char *, 1);
		ok = a->spns != NULL;
	}
	return ok;
}

/* The cookie of a paged search's result (RFC 2696); empty when none. */
static void result_cookie(struct probe *p, LDAPMessage *msg, int *err,
			  struct berval *cookie)
{
	LDAPControl **ctrls = NULL;
	LDAPControl *c;
	ber_int_t estimate = 0;

	if (cookie->bv_val != NULL)
		ber_memfree(cookie->bv_val);
	cookie->bv_val = NULL;
	cookie->bv_len = 0;
	if (ldap_parse_result(p->ld, msg, err, NULL, NULL, NULL, &ctrls, 0)
	    != LDAP_SUCCESS) {
		*err = LDAP_DECODING_ERROR;
		return;
	}
	c = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, ctrls, NULL);
	if (c != NULL && ldap_parse_pageresponse_control(p->ld, c, &estimate,
							 cookie) !=
	    LDAP_SUCCESS)
		*err = LDAP_DECODING_ERROR;
	ldap_controls_free(ctrls);
}

/* Room for one more account; false when out of memory. */
static bool computers_grow(struct sci_ldap_computers *c, size_t *cap)
{
	if (c->count < *cap)
		return true;
	*cap = *cap == 0 ? 1024 : *cap * 2;
	c->accounts = talloc_realloc(c, c->accounts, struct sc_audit_account,
				     *cap);
	return c->accounts != NULL;
}

/*
 * One search request (one page when page_size > 0): each entry is parsed
 * and freed as it arrives, so memory stays at the accounts, and the
 * client's work overlaps the DC's.  The server gets no time limit; -t
 * bounds the wait for each message.  Returns the LDAP result code.
 */
static int search_once(struct probe *p, unsigned page_size,
		       struct berval *cookie, size_t *cap)
{
	static const char *attrs[] = { "sAMAccountName", "userAccountControl",
				       "pwdLastSet", "whenCreated",
				       "lastLogonTimestamp", "dNSHostName",
				       "servicePrincipalName",
				       "msDS-SupportedEncryptionTypes",
				       NULL };
	struct sci_ldap_computers *c = p->computers;
	LDAPControl *page = NULL;
	LDAPControl *ctrls[2] = { NULL, NULL };
	int msgid, lrc;

	if (page_size > 0) {
		lrc = ldap_create_page_control(p->ld, page_size, cookie, 1,
					       &page);
		if (lrc != LDAP_SUCCESS)
			return lrc;
		ctrls[0] = page;
	}
	lrc = ldap_search_ext(p->ld, p->naming_context, LDAP_SCOPE_SUBTREE,
			      "(objectClass=computer)", (char **)attrs, 0,
			      ctrls, NULL, NULL, 0, &msgid);
	if (page != NULL)
		ldap_control_free(page);
	if (lrc != LDAP_SUCCESS)
		return lrc;
	for (;;) {
		struct timeval tv = timeval_of(p->wait);
		LDAPMessage *msg = NULL;
		int type = ldap_result(p->ld, msgid, LDAP_MSG_ONE, &tv, &msg);
		int err = LDAP_SUCCESS;

		if (type == 0) {
			ldap_abandon_ext(p->ld, msgid, NULL, NULL);
			return LDAP_TIMEOUT;
		}
		if (type < 0) {
			ldap_get_option(p->ld, LDAP_OPT_RESULT_CODE, &err);
			return err != LDAP_SUCCESS ? err : LDAP_OTHER;
		}
		if (type == LDAP_RES_SEARCH_ENTRY) {
			bool ok = computers_grow(c, cap) &&
				  computer_entry(p, msg,
						 &c->accounts[c->count],
						 c->accounts);

			ldap_msgfree(msg);
			if (!ok) {
				p->oom = true;
				ldap_abandon_ext(p->ld, msgid, NULL, NULL);
				return LDAP_NO_MEMORY;
			}
			c->count++;
			continue;
		}
		if (type == LDAP_RES_SEARCH_RESULT) {
			result_cookie(p, msg, &err, cookie);
			ldap_msgfree(msg);
			return err;
		}
		ldap_msgfree(msg);	/* a referral to another partition */
	}
}

/*
 * Every computer object under the default naming context.  A Samba DC
 * answers one unpaged search (Samba sets no MaxPageSize; its paged
 * results module re-reads every entry of every page by GUID, which
 * costs its DC 4 to 5 times the CPU: 10,000 accounts, measured on the
 * lab's Samba 4.17 DC, 2.0 s against 0.45 s).  Any other DC, or a page
 * size asked for, gets an RFC 2696 paged search (AD answers at most
 * MaxPageSize, 1000, entries to an unpaged one); a DC that limits an
 * unpaged search after all is asked again, paged.
 */
static void read_computers(struct probe *p, TALLOC_CTX *tmp_ctx)
{
	struct sci_ldap_computers *c = p->computers;
	struct berval cookie = { 0, NULL };
	unsigned size = p->page_size > 0 ? p->page_size :
			p->samba ? 0 : 1000;
	size_t cap = 0;
	double t0 = sci_now();
	int lrc;

	if (p->naming_context == NULL) {
		note(p, "the rootDSE has no defaultNamingContext");
		return;
	}
	c->base = p->naming_context;
	c->bound_as = p->bound_as;
	for (;;) {
		lrc = search_once(p, size, &cookie, &cap);
		if (lrc == LDAP_SIZELIMIT_EXCEEDED && size == 0) {
			note(p, "the DC limits an unpaged search to %zu "
			     "entries; paging", c->count);
			c->count = 0;
			c->pages = 0;
			size = 1000;
			continue;
		}
		if (lrc != LDAP_SUCCESS) {
			if (!p->oom)
				note(p, "searching the computers under %s "
				     "failed after %zu: %s", p->naming_context,
				     c->count, ldap_err_text(tmp_ctx, p->ld,
							     lrc));
			break;
		}
		c->pages++;
		if (size == 0 || cookie.bv_len == 0) {
			c->complete = true;
			break;
		}
	}
	if (cookie.bv_val != NULL)
		ber_memfree(cookie.bv_val);
	c->page_size = size;
	c->seconds = sci_now() - t0;
	if (c->complete && size == 0)
		note(p, "%zu computer accounts under %s in one unpaged search "
		     "(%.3f s)", c->count, p->naming_context, c->seconds);
	else if (c->complete)
		note(p, "%zu computer accounts under %s in %u page%s of %u "
		     "(%.3f s)", c->count, p->naming_context, c->pages,
		     c->pages == 1 ? "" : "s", size, c->seconds);
}

/* Socket errors that are ours (no descriptor, no memory), not the DC's. */
static bool local_errno(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOBUFS ||
	       err == ENOMEM;
}

/*
 * Connect, read the rootDSE, bind and read the account, filling
 * p->result.  Whatever the DC did (including not answering) is SC_OK.
 */
static enum sc_rc run_probe(TALLOC_CTX *mem_ctx, struct probe *p,
			    TALLOC_CTX *tmp_ctx, double timeout,
			    const struct sc_dc *dc, const char *ccache_name,
			    const char *account, struct sc_error **err_out)
{
	struct ldap_conn *conn;
	int version = LDAP_VERSION3;
	char *url;
	int lrc;
	int err;

	conn = talloc_zero(tmp_ctx, struct ldap_conn);
	url = talloc_asprintf(tmp_ctx, strchr(p->host, ':') != NULL
			      ? "ldap://[%s]" : "ldap://%s", p->host);
	if (conn == NULL || url == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	conn->fd = -1;
	talloc_set_destructor(conn, ldap_conn_destructor);

	err = tcp_connect(dc->address, timeout, &conn->fd);
	if (err == EINVAL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_ERRNO,
				 err, "DC address %s is not numeric",
				 dc->address);
	if (local_errno(err))
		return sci_error(mem_ctx, err_out,
				 err == ENOMEM ? SC_ENOMEM : SC_EINTERNAL,
				 SC_ERRDOM_ERRNO, err,
				 "cannot create a socket: %s", strerror(err));
	if (err != 0) {
		note(p, "cannot connect to LDAP at %s port 389: %s",
		     dc->address, strerror(err));
		return SC_OK;
	}

	lrc = ldap_init_fd(conn->fd, LDAP_PROTO_TCP, url, &conn->ld);
	if (lrc != LDAP_SUCCESS) {
		/* on failure the socket is still ours (conn->fd) */
		conn->ld = NULL;
		return sci_error(mem_ctx, err_out,
				 lrc == LDAP_NO_MEMORY ? SC_ENOMEM : SC_EINVAL,
				 SC_ERRDOM_LDAP, lrc,
				 "cannot set up LDAP for %s: %s", url,
				 ldap_err2string(lrc));
	}
	p->ld = conn->ld;
	if (ldap_set_option(p->ld, LDAP_OPT_PROTOCOL_VERSION, &version) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(p->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(p->ld, LDAP_OPT_NETWORK_TIMEOUT, &p->tv) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(p->ld, LDAP_OPT_TIMEOUT, &p->tv) !=
	    LDAP_OPT_SUCCESS ||
	    ldap_set_option(p->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON) !=
	    LDAP_OPT_SUCCESS)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NONE, 0,
				 "cannot set LDAP options");

	if (!read_rootdse(p, tmp_ctx, dc->address))
		return SC_OK;
	if (ccache_name == NULL) {
		note(p, "rootDSE read anonymously; not bound (no ticket)");
	} else {
		enum sc_rc rc;

		/* the bind's round trips get what is left, not a new tv */
		ldap_set_option(p->ld, LDAP_OPT_TIMEOUT, tv_left(p));
		rc = gssapi_bind(mem_ctx, p, tmp_ctx, ccache_name, err_out);

		if (rc != SC_OK)
			return rc;
		if (p->result->bound && p->want_pdc)
			read_pdc(p, tmp_ctx);
		else if (p->result->bound && p->computers != NULL)
			read_computers(p, tmp_ctx);
		else if (p->result->bound)
			read_account(p, tmp_ctx, account);
		if (p->result->bound && p->want_enable)
			enable_account(p, tmp_ctx);
	}
	if (p->result->have_time)
		note(p, "DC time %s, offset %+" PRId64 " s", p->dc_time,
		     p->result->clock_offset);
	return SC_OK;
}

/*
 * Set p up for dc (the caller's timeout; DEFAULT_TIMEOUT when none, never
 * "wait forever"), run it, and turn running out of memory into the
 * error.  The caller zeroes p and says what to do (want_pdc, ...) first.
 */
static enum sc_rc probe_run(TALLOC_CTX *mem_ctx, struct probe *p,
			    TALLOC_CTX *tmp_ctx,
			    const struct sc_probe_opts *opts,
			    const struct sc_dc *dc, const char *ccache_name,
			    const char *account, struct sc_error **err_out)
{
	double timeout = sci_probe_wait(opts, DEFAULT_TIMEOUT);
	enum sc_rc rc;

	p->deadline = sci_now() + timeout;
	p->tv = timeval_of(timeout);
	p->wait = timeout;
	p->host = dc->name != NULL && dc->name[0] != '\0' ? dc->name
							  : dc->address;
	p->result = talloc_zero(tmp_ctx, struct sc_ldap_result);
	if (p->result == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	rc = run_probe(mem_ctx, p, tmp_ctx, timeout, dc, ccache_name,
		       account, err_out);
	if (rc == SC_OK && (p->oom || p->result->detail == NULL))
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
	return rc;
}

/*
 * The probe.  Everything the DC said, including "nothing", is a result
 * (SC_OK); only bad arguments and local failures are errors.
 */
enum sc_rc sc_probe_ldap(TALLOC_CTX *mem_ctx,
			 const struct sc_probe_opts *opts,
			 const struct sc_dc *dc, const char *ccache_name,
			 const char *account,
			 struct sc_ldap_result **result_out,
			 struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct probe p;
	enum sc_rc rc;

	if (dc == NULL || dc->address == NULL || result_out == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sc_probe_ldap: no DC address");
	if (ccache_name != NULL && (account == NULL || account[0] == '\0'))
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sc_probe_ldap: no account to read");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	memset(&p, 0, sizeof(p));
	rc = probe_run(mem_ctx, &p, tmp_ctx, opts, dc, ccache_name, account,
		       err_out);
	if (rc == SC_OK)
		*result_out = talloc_move(mem_ctx, &p.result);
	talloc_free(tmp_ctx);
	return rc;
}

enum sc_rc sci_ldap_find_pdc(TALLOC_CTX *mem_ctx,
			     const struct sc_probe_opts *opts,
			     const struct sc_dc *dc, const char *ccache_name,
			     char **pdc_out, char **detail_out,
			     struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct probe p;
	enum sc_rc rc;

	if (dc == NULL || dc->address == NULL || ccache_name == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sci_ldap_find_pdc: no DC or ticket");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	memset(&p, 0, sizeof(p));
	p.want_pdc = true;
	rc = probe_run(mem_ctx, &p, tmp_ctx, opts, dc, ccache_name, NULL,
		       err_out);
	if (rc == SC_OK) {
		*pdc_out = p.pdc != NULL ? talloc_steal(mem_ctx, p.pdc)
					 : NULL;
		*detail_out = talloc_strdup(mem_ctx, p.result->detail);
	}
	talloc_free(tmp_ctx);
	return rc;
}

enum sc_rc sci_ldap_enable_account(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc,
				   const char *ccache_name,
				   const char *account, bool *enabled_out,
				   uint32_t *old_uac_out, uint32_t *new_uac_out,
				   char **detail_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct probe p;
	enum sc_rc rc;

	if (dc == NULL || dc->address == NULL || ccache_name == NULL ||
	    account == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sci_ldap_enable_account: bad arguments");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	memset(&p, 0, sizeof(p));
	p.want_enable = true;
	rc = probe_run(mem_ctx, &p, tmp_ctx, opts, dc, ccache_name, account,
		       err_out);
	if (rc == SC_OK) {
		*enabled_out = p.enabled;
		*old_uac_out = p.result->account.uac;
		*new_uac_out = p.new_uac;
		*detail_out = talloc_strdup(mem_ctx, p.result->detail);
	}
	talloc_free(tmp_ctx);
	return rc;
}

enum sc_rc sci_ldap_read_computers(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc,
				   const char *ccache_name,
				   unsigned page_size,
				   struct sci_ldap_computers **out,
				   struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct probe p;
	enum sc_rc rc;

	if (dc == NULL || dc->address == NULL || ccache_name == NULL ||
	    out == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "sci_ldap_read_computers: no DC or "
				 "ticket");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	memset(&p, 0, sizeof(p));
	p.page_size = page_size;
	p.computers = talloc_zero(tmp_ctx, struct sci_ldap_computers);
	rc = p.computers == NULL ? SC_ENOMEM :
	     probe_run(mem_ctx, &p, tmp_ctx, opts, dc, ccache_name, NULL,
		       err_out);
	if (rc == SC_OK) {
		p.computers->reached = p.result->reached;
		p.computers->bound = p.result->bound;
		p.computers->detail = p.result->detail;
		/* base, bound_as and detail live on the result */
		talloc_steal(p.computers, p.result);
		*out = talloc_move(mem_ctx, &p.computers);
	}
	talloc_free(tmp_ctx);
	return rc;
}
