/*
 * netchk verify [HOST]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "netchk.h"
#include "remote.h"

static struct {
	char *paths;
} o;

const struct poptOption netchk_verify_options[] = {
	{ "path", 'p', POPT_ARG_STRING, &o.paths, 0,
	  "paths to verify, comma separated (default all)",
	  "netlogon,kerberos,ldap" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_store_options, 0,
	  "Stores:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_dc_options, 0,
	  "Domain controllers:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_discovery_options,
	  0, NULL, NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_output_options, 0,
	  "Output:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_remote_options, 0,
	  "Other hosts (over ssh) and other accounts:", NULL },
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

/* HOST's answer in full, as a local run prints it. */
static int remote_full(const struct netchk_remote_call *call,
		       const char *host, const struct json *doc)
{
	struct sc_verify_result *res = netchk_verify_from_json(NULL, doc);
	int ret;

	if (res == NULL) {
		netchk_error("%s: the netchk there sent a verify result this "
			     "netchk cannot read (another version?)", host);
		return NETCHK_EXIT_UNKNOWN;
	}
	printf("Host     %s\n", host);
	netchk_render_verify_text(stdout, res);
	ret = netchk_exit_of(res->verdict.health);
	talloc_free(res);
	return ret;
}

/* HOST's answer in one line (--hosts). */
static int remote_line(const struct netchk_remote_call *call,
		       const char *host, const struct json *doc,
		       char **text_out)
{
	struct sc_verify_result *res = netchk_verify_from_json(NULL, doc);
	const struct sc_verdict *v;

	if (res == NULL) {
		*text_out = talloc_strdup(NULL, "UNKNOWN the netchk there sent "
					  "a result this one cannot read");
		return NETCHK_EXIT_UNKNOWN;
	}
	v = &res->verdict;
	*text_out = talloc_asprintf(NULL, "%s %s %s%s%s",
				    netchk_verdict_word(v->health),
				    sc_diag_name(v->diag), res->account,
				    v->dc ? " on " : "", v->dc ? v->dc : "");
	talloc_steal(*text_out, res);
	return netchk_exit_of(v->health);
}

static const struct netchk_remote_verb remote_verify = {
	"verify", remote_full, remote_line, NULL,
};

/* The options that mean the same on HOST, forwarded; the rest stay. */
static int run_remote(TALLOC_CTX *mem, const char *host)
{
	struct netchk_remote_call call = { &remote_verify, host };

	call.json = netchk_common.json;
	call.timeout = netchk_common.timeout;
	netchk_fwd_common(mem, &call.fwd, netchk_common.timeout);
	if (o.paths)
		netchk_fwd_add(mem, &call.fwd, "--path", o.paths);
	return netchk_remote_run(mem, &call);
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
	int ret = NETCHK_EXIT_UNKNOWN;

	pc = netchk_popt_context(verb, argc, argv);
	if (!netchk_parse_options(pc))
		goto done;
	problem = netchk_common_problem(pc, "verify", &host);
	if (problem != NULL) {
		netchk_bad_args("%s", problem);
		goto done;
	}
	netchk_common_verify_opts(&opts, netchk_remote.account);
	/* the whole run's bound (check HOST gives the time it has left) */
	if (netchk_remote.deadline_given)
		opts.deadline = netchk_remote.deadline;
	if (o.paths != NULL) {
		opts.paths = parse_paths(o.paths);
		if (opts.paths == 0) {
			netchk_bad_args("--path: '%s' is not a list of "
					"netlogon, kerberos, ldap", o.paths);
			goto done;
		}
	}
	if (!netchk_common.quiet && !netchk_common.json)
		opts.message = netchk_progress;

	/* after popt: --help exits from inside popt */
	mem = talloc_new(NULL);
	if (netchk_remote_wanted(host)) {
		ret = run_remote(mem, host);
		goto done;
	}

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
