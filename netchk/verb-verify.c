/*
 * netchk verify [HOST]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "netchk.h"

static struct {
	char *paths;
	int recheck;
} o;

const struct poptOption netchk_verify_options[] = {
	{ "path", 'p', POPT_ARG_STRING, &o.paths, 0,
	  "paths to verify, comma separated (default all)",
	  "netlogon,kerberos,ldap" },
	{ "recheck", 0, POPT_ARG_NONE, &o.recheck, 0,
	  "present secrets that a DC rejected on an earlier run again",
	  NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_store_options, 0,
	  "Stores:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_dc_options, 0,
	  "Domain controllers:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_discovery_options,
	  0, NULL, NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_output_options, 0,
	  "Output:", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

/* "netlogon,kerberos" -> bit mask; 0 on a bad name. */
static unsigned parse_paths(const char *s)
{
	unsigned mask = 0;
	char *copy = strdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		int p;

		for (p = 0; p < SC_PATH_COUNT; p++)
			if (strcasecmp(t, sc_path_name(p)) == 0)
				break;
		if (p == SC_PATH_COUNT) {
			mask = 0;
			break;
		}
		mask |= 1u << p;
	}
	free(copy);
	return mask;
}

int netchk_verify(const struct netchk_verb *verb, int argc, const char **argv)
{
	struct sc_verify_opts opts = { 0 };
	struct sc_verify_result *res = NULL;
	struct sc_error *err = NULL;
	TALLOC_CTX *mem = NULL;
	const char *host = NULL, *problem;
	poptContext pc;
	enum sc_rc rc;
	int ret = NETCHK_EXIT_UNKNOWN, c;

	pc = poptGetContext("netchk verify", argc, argv,
			    netchk_verify_options, 0);
	poptSetOtherOptionHelp(pc, "[OPTIONS] [HOST]");
	while ((c = poptGetNextOpt(pc)) > 0)
		;
	if (c < -1) {
		netchk_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
			     poptStrerror(c));
		goto done;
	}
	problem = netchk_common_problem(pc, "verify", &host);
	if (problem != NULL) {
		netchk_error("%s", problem);
		goto done;
	}
	netchk_common_verify_opts(&opts, host);
	if (o.paths != NULL) {
		opts.paths = parse_paths(o.paths);
		if (opts.paths == 0) {
			netchk_error("--path: '%s' is not a list of netlogon, "
				     "kerberos, ldap", o.paths);
			goto done;
		}
	}
	opts.recheck = o.recheck;
	if (!netchk_common.quiet && !netchk_common.json)
		opts.message = netchk_progress;

	/* after popt: --help exits from inside popt */
	mem = talloc_new(NULL);

	rc = sc_verify(mem, &opts, &res, &err);
	if (rc != SC_OK) {
		netchk_error("%s", err != NULL && err->message != NULL ?
			     err->message : sc_rc_name(rc));
		goto done;
	}
	if (netchk_common.json)
		netchk_render_verify_json(stdout, res);
	else
		netchk_render_verify_text(stdout, res);
	ret = netchk_exit_of(res->verdict.health);
done:
	poptFreeContext(pc);
	talloc_free(mem);
	return ret;
}
