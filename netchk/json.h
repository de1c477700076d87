/*
 * netchk - a small strict JSON reader for the documents a remote netchk
 * sends back (RFC 8259: one value, no trailing garbage, no comments, no
 * duplicate-key tolerance games; depth and size bounded).
 */
#ifndef NETCHK_JSON_H
#define NETCHK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

enum json_type {
	JSON_NULL = 0,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	double number;			/* JSON_NUMBER */
	char *string;			/* JSON_STRING: UTF-8, NUL-free */
	size_t count;			/* JSON_ARRAY / JSON_OBJECT */
	char **keys;			/* JSON_OBJECT: key of items[i] */
	struct json **items;
};

/*
 * Parse text[0..len) as exactly one JSON value (surrounding white space
 * allowed).  NULL on anything malformed, with a short reason in
 * *why_out (a static string) when why_out is not NULL.
 */
struct json *json_parse(TALLOC_CTX *mem_ctx, const char *text, size_t len,
			const char **why_out);

/* The member key of an object, NULL when absent or v not an object. */
const struct json *json_get(const struct json *v, const char *key);

/* Typed member access: the default when absent or of another type. */
const char *json_str(const struct json *v, const char *key);
bool json_bool(const struct json *v, const char *key);
double json_num(const struct json *v, const char *key, double dflt);
bool json_is_null(const struct json *v, const char *key);

#endif
