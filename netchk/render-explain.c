/*
 * netchk - explain renderers (text and JSON)
 *
 * Every word printed here about a code comes from libsc's knowledge base
 * (sc_explain_*) or from Samba's and MIT's own tables; this file only
 * lays it out.
 */
#include <inttypes.h>
#include <string.h>
#include "netchk.h"

#define NETCHK_JSON_SCHEMA 1
#define WIDTH 78
#define INDENT 12

/* Print text wrapped at WIDTH, continuation lines indented by INDENT. */
static void wrapped(FILE *out, const char *label, const char *text)
{
	size_t col = INDENT;
	const char *p = text;

	fprintf(out, "  %-*s", INDENT - 2, label);
	while (*p != '\0') {
		size_t w = strcspn(p, " ");

		if (col > INDENT && col + 1 + w > WIDTH) {
			fprintf(out, "\n%*s", INDENT, "");
			col = INDENT;
		} else if (col > INDENT) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, w, out);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

static void entry_text(FILE *out, const struct sc_explain_entry *e)
{
	if (e->meaning != NULL)
		wrapped(out, e->kind == SC_CODE_REPAIR ? "Repair:" :
			"Meaning:", e->meaning);
	for (size_t i = 0; e->causes != NULL && e->causes[i] != NULL; i++) {
		char line[512];

		snprintf(line, sizeof(line), "%zu. %s", i + 1, e->causes[i]);
		wrapped(out, i == 0 ? "Causes:" : "", line);
	}
	if (e->confirm != NULL)
		wrapped(out, "Confirm:", e->confirm);
	if (e->repair != NULL && e->kind != SC_CODE_REPAIR)
		wrapped(out, "Repair:", e->repair);
	if (e->has_ntstatus) {
		char line[160];

		snprintf(line, sizeof(line), "0x%08" PRIX32 " %s",
			 e->ntstatus, sc_ntstatus_name(e->ntstatus));
		wrapped(out, "NTSTATUS:", line);
	}
}

static void item_text(FILE *out, const struct sc_explanation *x)
{
	char buf[32];

	fprintf(out, "%s%s%s (%s%s)\n",
		sc_code_format(x->kind, x->code, buf),
		x->kind == SC_CODE_DIAG ? "" : " ",
		x->kind == SC_CODE_DIAG ? "" : x->name != NULL ? x->name : "-",
		sc_code_kind_name(x->kind),
		x->entry == NULL ? ", uncurated" : "");
	if (x->message != NULL)
		wrapped(out, x->kind == SC_CODE_KRB5 ? "MIT krb5:" : "Samba:",
			x->message);
	if (x->entry != NULL)
		entry_text(out, x->entry);
	else
		wrapped(out, "Note:", "uncurated: netchk has no entry of its "
			"own for this code; the name and message above are "
			"all that is known");
}

void netchk_render_explain_text(FILE *out,
				const struct netchk_explain_result *res)
{
	for (size_t i = 0; i < res->count; i++) {
		if (i > 0)
			fputc('\n', out);
		item_text(out, res->items[i]);
	}
}

void netchk_render_explain_list_text(FILE *out)
{
	const struct sc_explain_entry *t;
	size_t n;
	char buf[32];

	t = sc_explain_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == SC_CODE_REPAIR)
			continue;	/* shown with their diagnoses */
		fprintf(out, "%-9s %-12s %-42s %s\n",
			sc_code_kind_name(t[i].kind),
			sc_code_format(t[i].kind, t[i].code, buf),
			t[i].kind == SC_CODE_DIAG ? "-" : t[i].name,
			t[i].title);
	}
}

/* --- JSON ------------------------------------------------------------ */

static void jstr(FILE *out, const char *s)
{
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void jkv(FILE *out, const char *k, const char *v, bool comma)
{
	jstr(out, k);
	fputc(':', out);
	jstr(out, v);
	if (comma)
		fputc(',', out);
}

/* The code in the same shape as verify's JSON: NTSTATUS as "0x...",
 * krb5 codes and event IDs as numbers, diagnoses by name. */
static void jcode(FILE *out, enum sc_code_kind kind, int64_t code)
{
	char buf[32];

	fputs("\"code\":", out);
	if (kind == SC_CODE_KRB5 || kind == SC_CODE_EVENT)
		fprintf(out, "%" PRId64, code);
	else
		jstr(out, sc_code_format(kind, code, buf));
	fputc(',', out);
}

static void jentry_fields(FILE *out, const struct sc_explain_entry *e)
{
	char hex[16];

	jkv(out, "title", e->title, true);
	jkv(out, "meaning", e->meaning, true);
	fputs("\"causes\":[", out);
	for (size_t i = 0; e->causes != NULL && e->causes[i] != NULL; i++) {
		if (i > 0)
			fputc(',', out);
		jstr(out, e->causes[i]);
	}
	fputs("],", out);
	jkv(out, "confirm", e->confirm, true);
	jkv(out, "repair", e->kind == SC_CODE_REPAIR ? e->meaning : e->repair,
	    true);
	snprintf(hex, sizeof(hex), "0x%08" PRIX32, e->ntstatus);
	jkv(out, "ntstatus", e->has_ntstatus ? hex : NULL, true);
	jkv(out, "ntstatus_name", e->has_ntstatus ?
	    sc_ntstatus_name(e->ntstatus) : NULL, false);
}

void netchk_render_explain_json(FILE *out,
				const struct netchk_explain_result *res)
{
	fprintf(out, "{\"schema\":%d,\"explained\":[", NETCHK_JSON_SCHEMA);
	for (size_t i = 0; i < res->count; i++) {
		const struct sc_explanation *x = res->items[i];

		if (i > 0)
			fputc(',', out);
		fputc('{', out);
		jkv(out, "input", x->input, true);
		jkv(out, "kind", sc_code_kind_name(x->kind), true);
		jcode(out, x->kind, x->code);
		jkv(out, "name", x->name, true);
		jkv(out, "message", x->message, true);
		fprintf(out, "\"curated\":%s", x->entry ? "true" : "false");
		if (x->entry != NULL) {
			fputc(',', out);
			jentry_fields(out, x->entry);
		}
		fputc('}', out);
	}
	fputs("],\"errors\":[", out);
	for (size_t i = 0; i < res->failed_count; i++) {
		if (i > 0)
			fputc(',', out);
		fputc('{', out);
		jkv(out, "input", res->failed[i].input, true);
		jkv(out, "message", res->failed[i].message, false);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

void netchk_render_explain_list_json(FILE *out)
{
	const struct sc_explain_entry *t;
	size_t n;

	t = sc_explain_table(&n);
	fprintf(out, "{\"schema\":%d,\"entries\":[", NETCHK_JSON_SCHEMA);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', out);
		fputc('{', out);
		jkv(out, "kind", sc_code_kind_name(t[i].kind), true);
		jcode(out, t[i].kind, t[i].code);
		jkv(out, "name", t[i].name, true);
		jentry_fields(out, &t[i]);
		fputc('}', out);
	}
	fputs("]}\n", out);
}
