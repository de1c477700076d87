/*
 * netchk - a small strict JSON reader (see json.h)
 *
 * Recursive descent over a bounded input.  Strings are decoded to UTF-8
 * (\uXXXX with surrogate pairs); a string holding U+0000 is refused, so
 * every string is a C string.  Numbers follow the RFC grammar exactly
 * and are read with strtod.
 */
#include <stdlib.h>
#include <string.h>
#include "json.h"

#define JSON_MAX_DEPTH 32

struct reader {
	const char *p;
	const char *end;
	const char *why;
	int depth;
};

static struct json *value(TALLOC_CTX *mem_ctx, struct reader *r);

static void *fail(struct reader *r, const char *why)
{
	if (r->why == NULL)
		r->why = why;
	return NULL;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

static int hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *out, unsigned long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* \uXXXX (and its low surrogate) after the backslash-u; -1 if bad. */
static long unicode_escape(struct reader *r)
{
	long hi, lo;

	if (r->end - r->p < 4 || (hi = hex4(r->p)) < 0)
		return -1;
	r->p += 4;
	if (hi < 0xD800 || hi > 0xDFFF)
		return hi;
	if (hi > 0xDBFF || r->end - r->p < 6 || r->p[0] != '\\' ||
	    r->p[1] != 'u' || (lo = hex4(r->p + 2)) < 0xDC00 || lo > 0xDFFF)
		return -1;
	r->p += 6;
	return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

/* One escape after the backslash; bytes written to out, 0 if bad. */
static size_t escape(struct reader *r, char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	long cp;

	if (r->p >= r->end)
		return 0;
	if (*r->p != 'u') {
		hit = strchr(from, *r->p);
		if (*r->p == '\0' || hit == NULL)
			return 0;
		r->p++;
		out[0] = to[hit - from];
		return 1;
	}
	r->p++;
	cp = unicode_escape(r);
	if (cp <= 0)		/* bad, or U+0000 */
		return 0;
	return put_utf8(out, (unsigned long)cp);
}

static char *string(TALLOC_CTX *mem_ctx, struct reader *r)
{
	const char *start = ++r->p;	/* past the quote */
	char *s, *o;

	while (r->p < r->end && *r->p != '"')
		r->p += *r->p == '\\' && r->p + 1 < r->end ? 2 : 1;
	if (r->p >= r->end)
		return fail(r, "unterminated string");
	/* decoded is never longer than escaped */
	s = talloc_size(mem_ctx, (size_t)(r->p - start) + 1);
	if (s == NULL)
		return fail(r, "out of memory");
	r->p = start;
	for (o = s; *r->p != '"';) {
		unsigned char c = (unsigned char)*r->p;

		if (c < 0x20)
			return fail(r, "control character in a string");
		if (c != '\\') {
			*o++ = *r->p++;
			continue;
		}
		r->p++;
		size_t n = escape(r, o);
		if (n == 0)
			return fail(r, "bad escape in a string");
		o += n;
	}
	r->p++;
	*o = '\0';
	return s;
}

static bool digits(struct reader *r)
{
	const char *s = r->p;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > s;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(struct reader *r, double *out)
{
	const char *s = r->p;
	char buf[64];

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (!digits(r))
		return false;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!digits(r))
			return false;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!digits(r))
			return false;
	}
	if ((size_t)(r->p - s) >= sizeof(buf))
		return false;
	memcpy(buf, s, (size_t)(r->p - s));
	buf[r->p - s] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

/* Append item (and key) to an array or object. */
static bool append(struct json *v, char *key, struct json *item)
{
	struct json **items = talloc_realloc(v, v->items, struct json *,
					     v->count + 1);
	char **keys = v->keys;

	if (items == NULL)
		return false;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		keys = talloc_realloc(v, v->keys, char *, v->count + 1);
		if (keys == NULL)
			return false;
		keys[v->count] = talloc_steal(keys, key);
		v->keys = keys;
	}
	items[v->count++] = talloc_steal(items, item);
	return true;
}

/* The members of an array or object, after its opening bracket. */
static struct json *container(TALLOC_CTX *mem_ctx, struct reader *r,
			      enum json_type type)
{
	struct json *v = talloc_zero(mem_ctx, struct json);
	char close = type == JSON_OBJECT ? '}' : ']';

	if (v == NULL)
		return fail(r, "out of memory");
	v->type = type;
	if (++r->depth > JSON_MAX_DEPTH)
		return fail(r, "nested too deep");
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct json *item;

		skip_ws(r);
		if (type == JSON_OBJECT) {
			if (r->p >= r->end || *r->p != '"')
				return fail(r, "expected a key");
			key = string(v, r);
			if (key == NULL)
				return NULL;
			if (json_get(v, key) != NULL)
				return fail(r, "duplicate key");
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				return fail(r, "expected ':'");
		}
		item = value(v, r);
		if (item == NULL || !append(v, key, item))
			return fail(r, "out of memory");
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			r->depth--;
			return v;
		}
		return fail(r, "expected ',' or a closing bracket");
	}
}

static struct json *value(TALLOC_CTX *mem_ctx, struct reader *r)
{
	struct json *v;

	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unexpected end");
	if (*r->p == '{')
		return container(mem_ctx, r, JSON_OBJECT);
	if (*r->p == '[')
		return container(mem_ctx, r, JSON_ARRAY);
	v = talloc_zero(mem_ctx, struct json);
	if (v == NULL)
		return fail(r, "out of memory");
	if (*r->p == '"') {
		v->type = JSON_STRING;
		v->string = string(v, r);
		return v->string != NULL ? v : NULL;
	}
	if (literal(r, "null"))
		v->type = JSON_NULL;
	else if (literal(r, "true"))
		v->type = JSON_TRUE;
	else if (literal(r, "false"))
		v->type = JSON_FALSE;
	else if (number(r, &v->number))
		v->type = JSON_NUMBER;
	else
		return fail(r, "not a JSON value");
	return v;
}

struct json *json_parse(TALLOC_CTX *mem_ctx, const char *text, size_t len,
			const char **why_out)
{
	struct reader r = { text, text + len, NULL, 0 };
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct json *v = NULL;

	if (tmp_ctx == NULL)
		return NULL;
	v = value(tmp_ctx, &r);
	skip_ws(&r);
	if (v != NULL && r.p != r.end) {
		v = NULL;
		fail(&r, "trailing data after the value");
	}
	if (v != NULL)
		v = talloc_steal(mem_ctx, v);
	else if (why_out != NULL)
		*why_out = r.why != NULL ? r.why : "malformed";
	talloc_free(tmp_ctx);
	return v;
}

const struct json *json_get(const struct json *v, const char *key)
{
	if (v == NULL || v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->count; i++)
		if (strcmp(v->keys[i], key) == 0)
			return v->items[i];
	return NULL;
}

const char *json_str(const struct json *v, const char *key)
{
	const struct json *m = json_get(v, key);

	return m != NULL && m->type == JSON_STRING ? m->string : NULL;
}

bool json_bool(const struct json *v, const char *key)
{
	const struct json *m = json_get(v, key);

	return m != NULL && m->type == JSON_TRUE;
}

double json_num(const struct json *v, const char *key, double dflt)
{
	const struct json *m = json_get(v, key);

	return m != NULL && m->type == JSON_NUMBER ? m->number : dflt;
}

bool json_is_null(const struct json *v, const char *key)
{
	const struct json *m = json_get(v, key);

	return m == NULL || m->type == JSON_NULL;
}
