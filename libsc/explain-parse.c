/*
 * libsc - explain: from what people paste to codes
 *
 * Two entry points: sc_explain_parse() reads exactly one code in any of
 * the forms people copy out of logs and tools, and refuses anything else;
 * sc_explain_scan() picks every code it recognises out of free text and
 * ignores the rest.  Both only ever return codes that Samba, MIT or our
 * table can say something about.
 *
 * This is the part of netchk that reads untrusted text, so it is fuzzed
 * (tests/fuzz/fuzz-explain.c): no fixed buffers, every length checked.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <krb5/krb5.h>
#include "sc-private.h"


#define KRB5_BASE ((int64_t)ERROR_TABLE_BASE_krb5)
#define KRB5_TABLE_SIZE 256
#define NT_STATUS_UNSUCCESSFUL 0xC0000001u
#define MAX_TOKEN 128

/*
 * Heimdal's wording of errors MIT words differently: Samba's own tools
 * ('net ads testjoin') print these.
 */
static const struct {
	const char *text;
	int32_t code;
} krb5_aliases[] = {
	{ "Clients credentials have been revoked",
	  KRB5KDC_ERR_CLIENT_REVOKED },
	{ "Client not found in Kerberos database",
	  KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN },
	{ "Cannot contact any KDC", KRB5_KDC_UNREACH },
};

static bool in_krb5_table(int64_t code)
{
	return code >= KRB5_BASE && code < KRB5_BASE + KRB5_TABLE_SIZE;
}

/* Fill x with what is known about a code; false when nothing is. */
static bool describe(enum sc_code_kind kind, int64_t code,
		     struct sc_explanation *x)
{
	const struct sc_explain_entry *e = sc_explain_lookup(kind, code);
	const char *name = NULL, *msg = NULL;

	switch (kind) {
	case SC_CODE_NTSTATUS:
		if (code < 0 || code > UINT32_MAX)
			return false;
		name = sc_ntstatus_name((uint32_t)code);
		/* Samba formats unknown codes as "NT code 0x..." */
		if (name == NULL || strncmp(name, "NT code ", 8) == 0) {
			if (e == NULL)
				return false;
			name = e->name;
		} else {
			msg = sc_ntstatus_message((uint32_t)code);
		}
		break;
	case SC_CODE_KRB5:
		if (code < INT32_MIN || code > INT32_MAX)
			return false;
		name = sc_krb5_code_name((int32_t)code);
		if (name == NULL && e == NULL && !in_krb5_table(code))
			return false;
		msg = sc_krb5_code_message((int32_t)code);
		if (name == NULL && e == NULL &&
		    (msg == NULL || strncmp(msg, "Unknown code", 12) == 0))
			return false;
		if (name == NULL)
			name = e != NULL ? e->name : "?";	/* no name, but MIT
								 * has a message */
		break;
	case SC_CODE_EVENT:
	case SC_CODE_DIAG:
	case SC_CODE_REPAIR:
		if (e == NULL)
			return false;
		name = e->name;
		break;
	default:
		return false;
	}
	x->kind = kind;
	x->code = code;
	x->name = name;
	x->message = msg;
	x->entry = e;
	return true;
}

static bool all(const char *s, size_t len, int (*pred)(int))
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!pred((unsigned char)s[i]))
			return false;
	return true;
}

/* Decimal with an optional minus, in [-2^31, 2^32): false otherwise. */
static bool parse_decimal(const char *s, size_t len, int64_t *out)
{
	bool neg = len > 0 && s[0] == '-';
	int64_t v = 0;

	if (neg) {
		s++;
		len--;
	}
	if (!all(s, len, isdigit) || len > 10)
		return false;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (neg)
		v = -v;
	if (v < INT32_MIN || v > UINT32_MAX)
		return false;
	*out = v;
	return true;
}

static bool parse_hex(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;

	if (!all(s, len, isxdigit) || len > 8)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = tolower((unsigned char)s[i]);

		v = v * 16 + (isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*out = v;
	return true;
}

/* A negative number: a krb5 code in MIT's table, else an NTSTATUS
 * printed as a signed 32-bit integer. */
static void classify_negative(int64_t v, enum sc_code_kind *kind,
			      int64_t *code)
{
	if (in_krb5_table(v)) {
		*kind = SC_CODE_KRB5;
		*code = v;
	} else {
		*kind = SC_CODE_NTSTATUS;
		*code = (uint32_t)(int32_t)v;
	}
}

static bool krb5_by_name(const char *s, int64_t *out)
{
	/* MIT's macro names: KRB5KDC_ERR_X, KRB5KRB_AP_ERR_X. */
	if (strncasecmp(s, "KRB5KDC_ERR_", 12) == 0 ||
	    strncasecmp(s, "KRB5KRB_", 8) == 0)
		s += 4;
	for (int i = 0; i < KRB5_TABLE_SIZE; i++) {
		int32_t c = (int32_t)(KRB5_BASE + i);
		const char *n = sc_krb5_code_name(c);

		if (n != NULL && strcasecmp(n, s) == 0) {
			*out = c;
			return true;
		}
	}
	return false;
}

static bool ntstatus_by_name(const char *s, int64_t *out)
{
	uint32_t st;

	/* Samba's nt_status_string_to_code(), through the module; without
	 * the module, at least the codes our own table explains. */
	if (!sci_ntstatus_code(s, &st)) {
		const struct sc_explain_entry *t;
		size_t n;

		t = sc_explain_table(&n);
		for (size_t i = 0; i < n; i++) {
			if (t[i].kind == SC_CODE_NTSTATUS &&
			    strcasecmp(t[i].name, s) == 0) {
				*out = t[i].code;
				return true;
			}
		}
		return false;
	}
	/* Samba answers UNSUCCESSFUL for a name it does not know. */
	if (st == NT_STATUS_UNSUCCESSFUL &&
	    strcasecmp(s, "NT_STATUS_UNSUCCESSFUL") != 0)
		return false;
	*out = st;
	return true;
}

static bool has_prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/*
 * A name: ours (a diagnosis), Samba's NTSTATUS names with or without
 * NT_/NT_STATUS_, Kerberos names with or without KRB5 and KDC_ERR_.
 */
static bool by_name(const char *s, enum sc_code_kind *kind, int64_t *code)
{
	char buf[MAX_TOKEN + 16];

	for (int d = 0; d < SC_DIAG_COUNT; d++)
		if (strcasecmp(s, sc_diag_name(d)) == 0) {
			*kind = SC_CODE_DIAG;
			*code = d;
			return true;
		}
	if (strlen(s) > MAX_TOKEN)
		return false;
	*kind = SC_CODE_NTSTATUS;
	if (has_prefix(s, "NT_STATUS_"))
		return ntstatus_by_name(s, code);
	if (has_prefix(s, "STATUS_")) {
		if (ntstatus_by_name(s, code))
			return true;
		snprintf(buf, sizeof(buf), "NT_%s", s);
		return ntstatus_by_name(buf, code);
	}
	*kind = SC_CODE_KRB5;
	if (has_prefix(s, "KDC_ERR_") || has_prefix(s, "KRB_") ||
	    has_prefix(s, "KRB5"))
		return krb5_by_name(s, code);
	/* A bare name: ACCESS_DENIED, PREAUTH_FAILED, KDC_UNREACH. */
	*kind = SC_CODE_NTSTATUS;
	snprintf(buf, sizeof(buf), "NT_STATUS_%s", s);
	if (ntstatus_by_name(buf, code))
		return true;
	*kind = SC_CODE_KRB5;
	snprintf(buf, sizeof(buf), "KDC_ERR_%s", s);
	if (krb5_by_name(buf, code))
		return true;
	snprintf(buf, sizeof(buf), "KRB_AP_ERR_%s", s);
	if (krb5_by_name(buf, code))
		return true;
	snprintf(buf, sizeof(buf), "KRB5_%s", s);
	return krb5_by_name(buf, code);
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

enum keyword { KW_NONE, KW_EVENT, KW_KRB5, KW_NTSTATUS };

static enum keyword keyword_of(const char *s, size_t len)
{
	static const struct {
		const char *word;
		enum keyword kw;
	} words[] = {
		{ "event", KW_EVENT }, { "eventid", KW_EVENT },
		{ "krb5", KW_KRB5 }, { "kerberos", KW_KRB5 },
		{ "ntstatus", KW_NTSTATUS }, { "nt", KW_NTSTATUS },
		{ "status", KW_NTSTATUS },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == len &&
		    strncasecmp(s, words[i].word, len) == 0)
			return words[i].kw;
	return KW_NONE;
}

/*
 * One token, possibly qualified by a keyword.  Returns SC_OK with kind and
 * code set, SC_EINVAL for a malformed token (*why says what is wrong),
 * SC_ENOENT for a name nobody knows.
 */
static enum sc_rc classify(enum keyword kw, const char *s, size_t len,
			   enum sc_code_kind *kind, int64_t *code,
			   const char **why)
{
	char name[MAX_TOKEN + 1];
	int64_t v;

	if (len == 0 || len > MAX_TOKEN) {
		*why = len == 0 ? "empty" : "too long to be a code";
		return SC_EINVAL;
	}
	if (kw == KW_EVENT) {
		if (!parse_decimal(s, len, &v) || v < 1 || v > 65535) {
			*why = "an event ID is a number from 1 to 65535";
			return SC_EINVAL;
		}
		*kind = SC_CODE_EVENT;
		*code = v;
		return SC_OK;
	}
	if (kw == KW_KRB5 && parse_decimal(s, len, &v)) {
		/* A protocol error number (RFC 4120 7.5.9) or a com_err
		 * code. */
		if (v >= 0 && v < 128)
			v += KRB5_BASE;
		if (v < INT32_MIN || v > INT32_MAX) {
			*why = "not a krb5 error code";
			return SC_EINVAL;
		}
		*kind = SC_CODE_KRB5;
		*code = v;
		return SC_OK;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!parse_hex(s + 2, len - 2, &v)) {
			*why = "not a hexadecimal number of at most 8 digits";
			return SC_EINVAL;
		}
		if (kw == KW_KRB5) {
			v += KRB5_BASE;	/* "Failure Code: 0x18" */
			*kind = SC_CODE_KRB5;
		} else {
			*kind = SC_CODE_NTSTATUS;
		}
		*code = v;
		return SC_OK;
	}
	if (len == 8 && kw != KW_KRB5 && parse_hex(s, len, &v) &&
	    !all(s, len, isdigit)) {
		*kind = SC_CODE_NTSTATUS;	/* C0000022 */
		*code = v;
		return SC_OK;
	}
	if (parse_decimal(s, len, &v)) {
		if (v < 0)
			classify_negative(v, kind, code);
		else if (v >= 0x80000000 || v == 0 || kw == KW_NTSTATUS)
			*kind = SC_CODE_NTSTATUS, *code = v;
		else if (sc_explain_lookup(SC_CODE_EVENT, v) != NULL)
			*kind = SC_CODE_EVENT, *code = v;
		else {
			*why = "ambiguous number: write 0x... for an "
			       "NTSTATUS, 'event N' or 'krb5 N'";
			return SC_EINVAL;
		}
		return SC_OK;
	}
	if (!all(s, len, is_name_char) || !isalpha((unsigned char)s[0])) {
		*why = "not a number, a hex code or a name";
		return SC_EINVAL;
	}
	memcpy(name, s, len);
	name[len] = '\0';
	if (!by_name(name, kind, code)) {
		*why = "no NTSTATUS, Kerberos error or diagnosis has this name";
		return SC_ENOENT;
	}
	if ((kw == KW_KRB5 && *kind != SC_CODE_KRB5) ||
	    (kw == KW_NTSTATUS && *kind != SC_CODE_NTSTATUS)) {
		*why = "the name does not belong to that kind of code";
		return SC_ENOENT;
	}
	return SC_OK;
}

static const char *skip_space(const char *s)
{
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	return s;
}

enum sc_rc sc_explain_parse(TALLOC_CTX *mem_ctx, const char *text,
			    struct sc_explanation **expl_out,
			    struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_explanation *x = NULL;
	const char *s, *end, *tok, *why = NULL;
	enum keyword kw = KW_NONE;
	enum sc_code_kind kind = SC_CODE_NTSTATUS;
	int64_t code = 0;
	enum sc_rc rc;
	char shown[64];

	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	if (text == NULL)
		text = "";
	/* What we quote back: printable, short. */
	snprintf(shown, sizeof(shown), "%s", text);
	for (char *p = shown; *p != '\0'; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';

	s = skip_space(text);
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	tok = s;
	while (tok < end && !isspace((unsigned char)*tok))
		tok++;
	if (tok < end) {
		/* "event 5722", "krb5 -1765328360": keyword, one token. */
		kw = keyword_of(s, tok - s);
		if (kw == KW_NONE) {
			rc = sci_error(mem_ctx, err_out, SC_EINVAL,
				       SC_ERRDOM_NONE, 0,
				       "'%s': one code expected (quote a "
				       "log line to search it for codes)",
				       shown);
			goto done;
		}
		s = skip_space(tok);
		for (tok = s; tok < end; tok++)
			if (isspace((unsigned char)*tok)) {
				rc = sci_error(mem_ctx, err_out, SC_EINVAL,
					       SC_ERRDOM_NONE, 0,
					       "'%s': one code expected "
					       "after the keyword", shown);
				goto done;
			}
	}
	rc = classify(kw, s, end - s, &kind, &code, &why);
	if (rc != SC_OK) {
		rc = sci_error(mem_ctx, err_out, rc, SC_ERRDOM_NONE, 0,
			       "'%s': %s", shown, why);
		goto done;
	}
	x = talloc_zero(tmp_ctx, struct sc_explanation);
	if (x == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
			       0, "out of memory");
		goto done;
	}
	if (!describe(kind, code, x)) {
		char buf[32];

		rc = sci_error(mem_ctx, err_out, SC_ENOENT, SC_ERRDOM_NONE,
			       code, "'%s': no %s %s is known to Samba, MIT "
			       "krb5 or netchk", shown,
			       sc_code_kind_name(kind),
			       sc_code_format(kind, code, buf));
		goto done;
	}
	x->input = talloc_strndup(x, text, 200);
	if (x->input == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
			       0, "out of memory");
		goto done;
	}
	*expl_out = talloc_move(mem_ctx, &x);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/* --- scanning free text -------------------------------------------- */

struct found {
	size_t offset;
	struct sc_explanation x;
};

struct scan {
	TALLOC_CTX *mem_ctx;
	struct found *found;
	size_t count;
	bool nomem;
};

static void add(struct scan *sc, size_t offset, const char *input,
		size_t input_len, enum sc_code_kind kind, int64_t code)
{
	struct sc_explanation x = { 0 };
	struct found *f;

	if (!describe(kind, code, &x))
		return;		/* text that looks like a code, but is not */
	for (size_t i = 0; i < sc->count; i++)
		if (sc->found[i].x.kind == kind &&
		    sc->found[i].x.code == code) {
			if (offset < sc->found[i].offset)
				sc->found[i].offset = offset;
			return;
		}
	f = talloc_realloc(sc->mem_ctx, sc->found, struct found,
			   sc->count + 1);
	if (f == NULL) {
		sc->nomem = true;
		return;
	}
	sc->found = f;
	x.input = talloc_strndup(sc->found, input,
				 input_len > 200 ? 200 : input_len);
	if (x.input == NULL) {
		sc->nomem = true;
		return;
	}
	sc->found[sc->count].offset = offset;
	sc->found[sc->count].x = x;
	sc->count++;
}

/* Case-insensitive substring search; NULL when absent. */
static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return NULL;
	for (const char *p = hay; *p != '\0'; p++)
		if (strncasecmp(p, needle, n) == 0)
			return p;
	return NULL;
}

/* Messages of the curated codes, as tools print them. */
static void scan_messages(struct scan *sc, const char *text)
{
	const struct sc_explain_entry *t;
	size_t n;
	const char *p;

	t = sc_explain_table(&n);
	for (size_t i = 0; i < n; i++) {
		const char *msg = NULL;
		char buf[256];
		size_t len;

		if (t[i].kind == SC_CODE_KRB5)
			msg = sc_krb5_code_message((int32_t)t[i].code);
		else if (t[i].kind == SC_CODE_NTSTATUS)
			msg = sc_ntstatus_message((uint32_t)t[i].code);
		if (msg == NULL)
			continue;
		/* Tools differ in the final full stop. */
		snprintf(buf, sizeof(buf), "%s", msg);
		len = strlen(buf);
		while (len > 0 && buf[len - 1] == '.')
			buf[--len] = '\0';
		/* Short messages ("Access denied") match too much. */
		if (len < 20)
			continue;
		p = find_ci(text, buf);
		if (p != NULL)
			add(sc, p - text, p, len, t[i].kind, t[i].code);
	}
	for (size_t i = 0; i < sizeof(krb5_aliases) / sizeof(krb5_aliases[0]);
	     i++) {
		p = find_ci(text, krb5_aliases[i].text);
		if (p != NULL)
			add(sc, p - text, p, strlen(krb5_aliases[i].text),
			    SC_CODE_KRB5, krb5_aliases[i].code);
	}
}

struct token {
	const char *s;
	size_t len;
};

static bool token_is(const struct token *t, const char *word)
{
	return t->len == strlen(word) && strncasecmp(t->s, word, t->len) == 0;
}

static void scan_token(struct scan *sc, const char *text,
		       const struct token *toks, size_t i, size_t ntoks)
{
	const struct token *t = &toks[i];
	enum keyword kw = keyword_of(t->s, t->len);
	enum sc_code_kind kind;
	int64_t code;
	const char *why;
	size_t j = i + 1;

	/* "Event 5722", "Event ID: 5722", "EventID 5722", "krb5 24" */
	if (kw == KW_EVENT || (kw == KW_KRB5 && token_is(t, "krb5"))) {
		if (j < ntoks && token_is(&toks[j], "id"))
			j++;
		if (j < ntoks && classify(kw, toks[j].s, toks[j].len, &kind,
					  &code, &why) == SC_OK)
			add(sc, t->s - text, t->s,
			    toks[j].s + toks[j].len - t->s, kind, code);
		return;
	}
	/* Security 4771: "Failure Code: 0x18" is a Kerberos number. */
	if (token_is(t, "failure") && j + 1 < ntoks &&
	    token_is(&toks[j], "code")) {
		if (classify(KW_KRB5, toks[j + 1].s, toks[j + 1].len, &kind,
			     &code, &why) == SC_OK)
			add(sc, t->s - text, toks[j + 1].s, toks[j + 1].len,
			    kind, code);
		return;
	}
	/* Hex only with 0x and all 8 digits, or bare C0000022: shorter
	 * hex in a log is an address or a flag word. */
	if (t->len > 2 && t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X')) {
		if (t->len == 10 && classify(KW_NONE, t->s, t->len, &kind,
					     &code, &why) == SC_OK)
			add(sc, t->s - text, t->s, t->len, kind, code);
		return;
	}
	if (t->len == 8 && parse_hex(t->s, t->len, &code) && code >= 0x80000000) {
		add(sc, t->s - text, t->s, t->len, SC_CODE_NTSTATUS, code);
		return;
	}
	/* Decimal: only what cannot be a count or a PID. */
	if (parse_decimal(t->s, t->len, &code)) {
		if (code < 0) {
			classify_negative(code, &kind, &code);
			add(sc, t->s - text, t->s, t->len, kind, code);
		} else if (code >= 0x80000000) {
			add(sc, t->s - text, t->s, t->len, SC_CODE_NTSTATUS,
			    code);
		}
		return;
	}
	/* Names that carry their kind: NT_STATUS_X, KDC_ERR_X, ... */
	if (has_prefix(t->s, "NT_STATUS_") || has_prefix(t->s, "STATUS_") ||
	    has_prefix(t->s, "KDC_ERR_") || has_prefix(t->s, "KRB_AP_ERR_") ||
	    has_prefix(t->s, "KRB_ERR_") || has_prefix(t->s, "KRB5")) {
		if (classify(KW_NONE, t->s, t->len, &kind, &code, &why) ==
		    SC_OK)
			add(sc, t->s - text, t->s, t->len, kind, code);
	}
}

enum sc_rc sc_explain_scan(TALLOC_CTX *mem_ctx, const char *text,
			   struct sc_explanation **expl_out,
			   size_t *count_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct scan sc = { .mem_ctx = tmp_ctx };
	struct token *toks = NULL;
	struct sc_explanation *out = NULL;
	size_t ntoks = 0, cap = 0;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	if (text == NULL)
		text = "";
	/* Tokens: runs of [A-Za-z0-9_-]; a '-' only leads a number. */
	for (const char *p = text; *p != '\0';) {
		const char *q = p;

		if (*p == '-' && isdigit((unsigned char)p[1]))
			q++;
		else if (!isalnum((unsigned char)*p) && *p != '_') {
			p++;
			continue;
		}
		while (*q != '\0' && (isalnum((unsigned char)*q) ||
				      *q == '_'))
			q++;
		if (ntoks == cap) {
			struct token *nt;

			cap = cap == 0 ? 32 : cap * 2;
			nt = talloc_realloc(tmp_ctx, toks, struct token, cap);
			if (nt == NULL) {
				sc.nomem = true;
				break;
			}
			toks = nt;
		}
		toks[ntoks].s = p;
		toks[ntoks].len = q - p;
		ntoks++;
		p = q;
	}
	for (size_t i = 0; i < ntoks && !sc.nomem; i++)
		scan_token(&sc, text, toks, i, ntoks);
	if (!sc.nomem)
		scan_messages(&sc, text);
	if (sc.nomem) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
			       0, "out of memory");
		goto done;
	}
	if (sc.count == 0) {
		rc = sci_error(mem_ctx, err_out, SC_ENOENT, SC_ERRDOM_NONE,
			       0, "no code netchk knows was found in the text");
		goto done;
	}
	/* In order of appearance (insertion sort: a line holds few). */
	for (size_t i = 1; i < sc.count; i++) {
		struct found f = sc.found[i];
		size_t j = i;

		while (j > 0 && sc.found[j - 1].offset > f.offset) {
			sc.found[j] = sc.found[j - 1];
			j--;
		}
		sc.found[j] = f;
	}
	out = talloc_array(tmp_ctx, struct sc_explanation, sc.count);
	if (out == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
			       0, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < sc.count; i++) {
		out[i] = sc.found[i].x;
		talloc_steal(out, out[i].input);
	}
	*count_out = sc.count;
	*expl_out = talloc_move(mem_ctx, &out);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
