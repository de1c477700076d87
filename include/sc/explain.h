/*
 * libsc - explain: the one knowledge base of what a code means for the trust
 *
 * Every NTSTATUS name and message comes from Samba's libsamba-errors, every
 * krb5 message from MIT's com_err table; on top of them sits one curated
 * table of the codes a machine-account secure channel really fails with
 * (NTSTATUS, Kerberos, Windows event IDs) and of netchk's own diagnoses and
 * repairs.  verify's and reset's diagnosis texts come from this table, so
 * `netchk explain` prints the same words.
 */
#ifndef SC_EXPLAIN_H
#define SC_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>
#include <sc/status.h>

/* Which numbering a code belongs to. */
enum sc_code_kind {
	SC_CODE_NTSTATUS = 1,	/* code is an NTSTATUS (uint32) */
	SC_CODE_KRB5,		/* code is a krb5_error_code (com_err) */
	SC_CODE_EVENT,		/* code is a Windows event ID */
	SC_CODE_DIAG,		/* code is an enum sc_diag (netchk verify) */
	SC_CODE_REPAIR,		/* code is an enum sc_repair */
};

/* One curated entry.  Strings are static; the wording is ours. */
struct sc_explain_entry {
	enum sc_code_kind kind;
	int64_t code;
	const char *name;		/* NT_STATUS_..., KDC_ERR_..., the
					 * event's source, a diagnosis name */
	const char *title;		/* a few words, for --list */
	const char *meaning;		/* what it means for this trust */
	const char *const *causes;	/* likely causes, most likely first,
					 * NULL-terminated; NULL: none */
	const char *confirm;		/* which verify line, log or event
					 * proves it; NULL: nothing to add */
	const char *repair;		/* what to do; NULL: nothing */
	bool has_ntstatus;		/* krb5/event: the NTSTATUS it */
	uint32_t ntstatus;		/* corresponds to on an AD DC */
};

/* What is known about one code: names from Samba/MIT, our entry if any. */
struct sc_explanation {
	enum sc_code_kind kind;
	int64_t code;
	const char *input;		/* the text that named it */
	const char *name;		/* e.g. NT_STATUS_ACCESS_DENIED; "?"
					 * for a krb5 code MIT has a message
					 * but no name for */
	const char *message;		/* Samba's or MIT's one-liner, or NULL */
	const struct sc_explain_entry *entry;	/* NULL: not curated */
};

/*
 * Parse one code as people paste it and explain it:
 *   0xC0000022  C0000022  c0000022  -1073741790  3221225506
 *   NT_STATUS_ACCESS_DENIED  STATUS_ACCESS_DENIED  ACCESS_DENIED
 *   KDC_ERR_PREAUTH_FAILED  KRB5KDC_ERR_PREAUTH_FAILED  PREAUTH_FAILED
 *   krb5 -1765328360  krb5 24  event 5722  keytab-stale (a diagnosis)
 * SC_EINVAL: not a code in any of these forms; SC_ENOENT: a well-formed
 * code that neither Samba, MIT nor our table knows.
 */
enum sc_rc sc_explain_parse(TALLOC_CTX *mem_ctx, const char *text,
			    struct sc_explanation **expl_out,
			    struct sc_error **err_out);

/*
 * Find every known code inside free text (a pasted log line): hex and
 * decimal NTSTATUS, NTSTATUS and Kerberos names, "Event 5722", "Event ID:
 * 4771", "krb5 -1765328360", MIT's messages ("Preauthentication failed")
 * and Samba's for curated codes.  Each code once, in order of appearance.
 * SC_ENOENT when the text names none.
 */
enum sc_rc sc_explain_scan(TALLOC_CTX *mem_ctx, const char *text,
			   struct sc_explanation **expl_out,
			   size_t *count_out, struct sc_error **err_out);

/* The curated table, in its order (NTSTATUS, Kerberos, events, diagnoses,
 * repairs). */
const struct sc_explain_entry *sc_explain_table(size_t *count_out);

/* The curated entry of one code, or NULL. */
const struct sc_explain_entry *sc_explain_lookup(enum sc_code_kind kind,
						 int64_t code);

/* "ntstatus", "krb5", "event", "diagnosis", "repair". */
const char *sc_code_kind_name(enum sc_code_kind kind);

/* A code as people write it: "0xC0000022", "-1765328360", "5722", the
 * diagnosis name.  buf must hold 32 bytes; returns buf. */
const char *sc_code_format(enum sc_code_kind kind, int64_t code, char *buf);

#endif
