/*
 * netchk verify [HOST]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "netchk.h"

static struct {
	char *configfile;
	char *keytab;
	char *server;
	char *site;
	char *paths;
	char *state_dir;
	int timeout;
	int json;
	int recheck;
	int all_dcs;
	int quiet;
} o;

const struct poptOption netchk_verify_options[] = {
	{ "configfile", 's', POPT_ARG_STRING, &o.configfile, 0,
	  "smb.conf to read (default /etc/samba/smb.conf)", "FILE" },
	{ "keytab", 'k', POPT_ARG_STRING, &o.keytab, 0,
	  "keytab to check (default: the one Samba uses)", "KEYTAB" },
	{ "server", 'S', POPT_ARG_STRING, &o.server, 0,
	  "DC to verify against (default: DNS SRV discovery)", "DC" },
	{ "site", 0, POPT_ARG_STRING, &o.site, 0,
	  "AD site of this host: its DCs are tried first", "SITE" },
	{ "path", 'p', POPT_ARG_STRING, &o.paths, 0,
	  "paths to verify, comma separated (default all)",
	  "netlogon,kerberos,ldap" },
	{ "timeout", 't', POPT_ARG_INT, &o.timeout, 0,
	  "seconds per network exchange (default 5)", "SECONDS" },
	{ "json", 'j', POPT_ARG_NONE, &o.json, 0,
	  "print one JSON object instead of text", NULL },
	{ "recheck", 0, POPT_ARG_NONE, &o.recheck, 0,
	  "present secrets that a DC rejected on an earlier run again",
	  NULL },
	{ "all-dcs", 0, POPT_ARG_NONE, &o.all_dcs, 0,
	  "verify against every DC in DNS at once, one verdict each",
	  NULL },
	{ "state-dir", 0, POPT_ARG_STRING, &o.state_dir, 0,
	  "where rejected-secret fingerprints are kept "
	  "(default /var/lib/netchk)", "DIR" },
	{ "quiet", 'q', POPT_ARG_NONE, &o.quiet, 0,
	  "do not narrate the steps on stderr", NULL },
	POPT_AUTOHELP
	POPT_TABLEEND
};

static void progress(void *private_data, const char *line)
{
	fprintf(stderr, " * %s\n", line);
}

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
	const char *host = NULL;
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
	host = poptGetArg(pc);
	if (host != NULL && poptPeekArg(pc) != NULL) {
		netchk_error("verify takes at most one HOST, got '%s' too",
			     poptPeekArg(pc));
		goto done;
	}
	opts.paths = (1u << SC_PATH_COUNT) - 1;
	if (o.paths != NULL) {
		opts.paths = parse_paths(o.paths);
		if (opts.paths == 0) {
			netchk_error("--path: '%s' is not a list of netlogon, "
				     "kerberos, ldap", o.paths);
			goto done;
		}
	}
	if (o.timeout < 0 || o.timeout > 300) {
		netchk_error("--timeout: %d is not between 1 and 300 seconds",
			     o.timeout);
		goto done;
	}
	opts.smb_conf = o.configfile;
	opts.keytab = o.keytab;
	opts.server = o.server;
	opts.site = o.site;
	opts.host = host;
	opts.state_dir = o.state_dir;
	opts.timeout = o.timeout;
	opts.recheck = o.recheck;
	opts.all_dcs = o.all_dcs;
	if (!o.quiet && !o.json)
		opts.message = progress;

	/* after popt: --help exits from inside popt */
	mem = talloc_new(NULL);

	rc = sc_verify(mem, &opts, &res, &err);
	if (rc != SC_OK) {
		netchk_error("%s", err != NULL && err->message != NULL ?
			     err->message : sc_rc_name(rc));
		goto done;
	}
	if (o.json)
		netchk_render_verify_json(stdout, res);
	else
		netchk_render_verify_text(stdout, res);
	ret = netchk_exit_of(res->verdict.health);
done:
	poptFreeContext(pc);
	talloc_free(mem);
	return ret;
}
