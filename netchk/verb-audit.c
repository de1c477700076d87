/*
 * netchk audit: every computer account of the domain, from any member
 *
 * libsc reads and judges (sc_audit); the CLI takes the options, the
 * administrator's password when -U is given, and renders the result as a
 * table, JSON, CSV or Prometheus text.  Exit code: the worst finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netchk.h"
#include "range.h"

static struct {
	char *max_age;
	char *format;
	int csv;
	int page_size;
} o;

const struct poptOption netchk_audit_options[] = {
	{ "max-age", 0, POPT_ARG_STRING, &o.max_age, 0,
	  "a password older is stale (default 60d: twice sssd's 30-day "
	  "rotation; s, m, h, d, w suffixes)", "AGE" },
	{ "format", 0, POPT_ARG_STRING, &o.format, 0,
	  "text (default), json, csv or prometheus", "FORMAT" },
	{ "csv", 0, POPT_ARG_NONE, &o.csv, 0,
	  "one CSV row per finding (as --format=csv)", NULL },
	{ "page-size", 0, POPT_ARG_INT, &o.page_size, 0,
	  "accounts per page of a paged search (default: one unpaged "
	  "search on a Samba DC, pages of 1000 on others)", "N" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_admin_options, 0,
	  "Bind as an administrator (default: as this machine, with its "
	  "keytab):", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_conf_options, 0,
	  "This host:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_dc_options, 0,
	  "Domain controllers:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_output_options, 0,
	  "Output:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/* --format / --csv / -j into one format; NULL with the problem set. */
static const char *output_format(const char **problem)
{
	const char *f = o.format != NULL ? o.format : "text";

	*problem = NULL;
	if (strcmp(f, "text") != 0 && strcmp(f, "json") != 0 &&
	    strcmp(f, "csv") != 0 && strcmp(f, "prometheus") != 0) {
		*problem = "--format: expected text, json, csv or prometheus";
		return NULL;
	}
	if ((netchk_common.json && o.csv) ||
	    (o.format != NULL && (netchk_common.json || o.csv))) {
		*problem = "--json, --csv and --format exclude each other";
		return NULL;
	}
	return netchk_common.json ? "json" : o.csv ? "csv" : f;
}

/* --max-age: a duration ("60d", "1440h", "5184000"), more than 0. */
static bool parse_max_age(const char *s, int64_t *out)
{
	struct netchk_range r;

	if (!netchk_range_parse(s, true, &r) || r.inside || !r.has_start ||
	    r.start != 0 || !r.has_end || r.end <= 0 || r.end > 1e10)
		return false;
	*out = (int64_t)r.end;
	return true;
}

int netchk_audit(const struct netchk_verb *verb, int argc, const char **argv)
{
	struct sc_audit_opts opts = { 0 };
	struct sc_audit_result *res = NULL;
	struct sc_error *err = NULL;
	TALLOC_CTX *mem = NULL;
	const char *problem = NULL, *fproblem = NULL, *host = NULL;
	const char *format;
	poptContext pc;
	enum sc_rc rc;
	int ret = NETCHK_EXIT_UNKNOWN;
	char ktmsg[80];

	pc = netchk_popt_context(verb, argc, argv);
	if (!netchk_parse_options(pc))
		goto done;
	problem = netchk_common_problem(pc, "audit", &host);
	if (problem == NULL && host != NULL)
		problem = "audit takes no HOST: it reads every computer "
			  "account of the domain";
	if (problem == NULL)
		problem = netchk_admin_problem();
	if (problem == NULL && netchk_common_keytab_count() > 1) {
		/* the bind's credentials: a second keytab has no use here */
		snprintf(ktmsg, sizeof(ktmsg), "--keytab: audit binds with one "
			 "keytab (given %zu)", netchk_common_keytab_count());
		problem = ktmsg;
	}
	format = output_format(&fproblem);
	if (problem == NULL)
		problem = fproblem;
	if (problem == NULL && o.max_age != NULL &&
	    !parse_max_age(o.max_age, &opts.limits.max_age))
		problem = "--max-age: expected a duration such as 60d";
	if (problem == NULL && (o.page_size < 0 || o.page_size > 100000))
		problem = "--page-size: expected 1 to 100000";
	if (problem != NULL) {
		netchk_bad_args("%s", problem);
		goto done;
	}
	mem = talloc_new(NULL);
	if (mem == NULL)
		goto done;
	opts.smb_conf = netchk_common.configfile;
	opts.keytab = netchk_common_keytab();
	opts.server = netchk_common.server;
	opts.timeout = netchk_common.timeout;
	opts.page_size = (unsigned)o.page_size;
	if (!netchk_common.quiet)
		opts.message = netchk_progress;
	if (!netchk_admin_creds(mem, true, &opts.admin_user,
				&opts.admin_password, &opts.admin_ccache))
		goto done;

	rc = sc_audit(mem, &opts, &res, &err);
	if (rc != SC_OK) {
		netchk_error("%s", err != NULL && err->message != NULL ?
			     err->message : sc_rc_name(rc));
		goto done;
	}
	if (strcmp(format, "json") == 0)
		netchk_render_audit_json(stdout, res);
	else if (strcmp(format, "csv") == 0)
		netchk_render_audit_csv(stdout, res);
	else if (strcmp(format, "prometheus") == 0)
		netchk_render_audit_prometheus(stdout, res);
	else
		netchk_render_audit_text(stdout, res);
	if (res->health == SC_HEALTH_UNKNOWN)
		netchk_error("could not read the computer accounts: %s",
			     res->detail != NULL ? res->detail : "?");
	ret = netchk_exit_of(res->health);
done:
	talloc_free(mem);
	poptFreeContext(pc);
	return ret;
}
