/*
 * netchk explain CODE... | --list
 *
 * Options are parsed by hand, not by popt: "-1073741790" and "krb5
 * -1765328360" are arguments, and popt would take them for options.  The
 * popt table still documents the options (--help, t-docs.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include "netchk.h"

static int opt_list;

const struct poptOption netchk_explain_options[] = {
	{ "list", 'l', POPT_ARG_NONE, &opt_list, 0,
	  "print every curated entry (NTSTATUS, Kerberos, events, "
	  "diagnoses)", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_json_options, 0,
	  NULL, NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

static bool is_keyword(const char *s)
{
	static const char *const words[] = {
		"event", "eventid", "krb5", "kerberos", "ntstatus", "nt",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool has_space(const char *s)
{
	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s))
			return true;
	return false;
}

static bool starts_with_keyword(const char *s)
{
	char word[16];
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	while (s[n] != '\0' && !isspace((unsigned char)s[n]) &&
	       n < sizeof(word) - 1) {
		word[n] = s[n];
		n++;
	}
	word[n] = '\0';
	return is_keyword(word);
}

static void help(void)
{
	poptContext pc = poptGetContext("netchk explain", 0, NULL,
					netchk_explain_options, 0);

	poptSetOtherOptionHelp(pc, "[OPTIONS] CODE...|'LOG LINE'");
	poptPrintHelp(pc, stdout, 0);
	printf("\nCODE: 0xC0000022 C0000022 -1073741790 3221225506 "
	       "NT_STATUS_ACCESS_DENIED\n      STATUS_ACCESS_DENIED "
	       "ACCESS_DENIED KDC_ERR_PREAUTH_FAILED 'krb5 -1765328360'\n"
	       "      'event 5722' keytab-stale, or a quoted log line "
	       "to search for codes.\n");
	poptFreeContext(pc);
}

/* Explain one argument (or keyword + argument); false on failure. */
static bool explain_arg(TALLOC_CTX *mem, const char *arg,
			struct netchk_explain_result *res)
{
	struct sc_explanation *x = NULL;
	struct sc_error *err = NULL, *serr = NULL;
	size_t n = 0;
	enum sc_rc rc;

	rc = sc_explain_parse(mem, arg, &x, &err);
	if (rc == SC_OK) {
		netchk_explain_add(res, x, 1);
		return true;
	}
	if (rc == SC_EINVAL && sc_explain_scan(mem, arg, &x, &n, &serr) ==
	    SC_OK) {
		netchk_explain_add(res, x, n);
		return true;
	}
	/* A quoted log line: say that nothing was found in it, unless it
	 * began with a keyword ("event 99999": the keyword's complaint). */
	if (rc == SC_EINVAL && has_space(arg) && serr != NULL &&
	    !starts_with_keyword(arg)) {
		netchk_explain_fail(res, arg, talloc_asprintf(mem,
				    "'%.60s': %s", arg, serr->message));
		return false;
	}
	netchk_explain_fail(res, arg, err != NULL && err->message != NULL ?
			    err->message : sc_rc_name(rc));
	return false;
}

int netchk_explain(const struct netchk_verb *verb, int argc,
		   const char **argv)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct netchk_explain_result *res;
	const char **args;
	size_t nargs = 0;
	bool only_args = false, ok = true;
	int ret = NETCHK_EXIT_UNKNOWN;

	netchk_args_begin(verb, argc, argv);
	res = talloc_zero(mem, struct netchk_explain_result);
	args = talloc_array(mem, const char *, argc + 1);
	if (res == NULL || args == NULL) {
		netchk_error("out of memory");
		goto done;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_args || a[0] != '-' || isdigit((unsigned char)a[1])) {
			args[nargs++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_args = true;
		} else if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
			netchk_common.json = 1;
		} else if (strcmp(a, "--list") == 0 || strcmp(a, "-l") == 0) {
			opt_list = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ||
			   strcmp(a, "-?") == 0 || strcmp(a, "--usage") == 0) {
			help();
			ret = NETCHK_EXIT_OK;
			goto done;
		} else {
			netchk_bad_args("explain: unknown option '%s' (try "
					"'netchk explain --help')", a);
			goto done;
		}
	}
	if (opt_list) {
		if (nargs > 0) {
			netchk_bad_args("explain: --list takes no CODE");
			goto done;
		}
		if (netchk_common.json)
			netchk_render_explain_list_json(stdout);
		else
			netchk_render_explain_list_text(stdout);
		ret = NETCHK_EXIT_OK;
		goto done;
	}
	if (nargs == 0) {
		netchk_bad_args("explain: which code? (e.g. 'netchk "
				"explain 0xC0000022'; 'netchk explain "
				"--list')");
		goto done;
	}
	for (size_t i = 0; i < nargs; i++) {
		const char *a = args[i];

		/* "event 5722" as two words: one code. */
		if (is_keyword(a) && i + 1 < nargs) {
			a = talloc_asprintf(mem, "%s %s", a, args[i + 1]);
			if (a == NULL) {
				netchk_error("out of memory");
				goto done;
			}
			i++;
		} else if (is_keyword(a)) {
			netchk_explain_fail(res, a, talloc_asprintf(mem,
					    "'%s': a code must follow", a));
			ok = false;
			continue;
		}
		if (!explain_arg(mem, a, res))
			ok = false;
	}
	if (netchk_common.json)
		netchk_render_explain_json(stdout, res);
	else
		netchk_render_explain_text(stdout, res);
	for (size_t i = 0; i < res->failed_count && !netchk_common.json; i++)
		netchk_error("explain: %s", res->failed[i].message);
	ret = ok ? NETCHK_EXIT_OK : NETCHK_EXIT_UNKNOWN;
done:
	talloc_free(mem);
	return ret;
}

void netchk_explain_add(struct netchk_explain_result *res,
			const struct sc_explanation *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct sc_explanation **e;

		e = talloc_realloc(res, res->items,
				   const struct sc_explanation *,
				   res->count + 1);
		if (e == NULL)
			return;
		res->items = e;
		res->items[res->count++] = &x[i];
	}
}

void netchk_explain_fail(struct netchk_explain_result *res,
			 const char *input, const char *message)
{
	struct netchk_explain_failure *f;

	f = talloc_realloc(res, res->failed, struct netchk_explain_failure,
			   res->failed_count + 1);
	if (f == NULL)
		return;
	res->failed = f;
	f[res->failed_count].input = talloc_strdup(res, input);
	f[res->failed_count].message = talloc_strdup(res, message);
	res->failed_count++;
}
