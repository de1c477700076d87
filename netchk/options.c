/*
 * The options verify, reset and check share, typed once.
 *
 * Each verb's popt table pulls in the groups it has with
 * POPT_ARG_INCLUDE_TABLE, as Samba's tools pull in POPT_COMMON_SAMBA, so
 * a common option has one name, one letter and one help text everywhere;
 * tests/t-docs.sh checks the man page, the README and the completions
 * against each verb's --help, both ways.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netchk.h"
#include "remote.h"

struct netchk_common netchk_common;

/* Each --keytab appended to netchk_common.keytabs. */
static void conf_callback(poptContext pc, enum poptCallbackReason reason,
			  const struct poptOption *opt, const char *arg,
			  const void *data)
{
	size_t n = 0;
	const char **v;

	(void)pc;
	(void)data;
	if (reason != POPT_CALLBACK_REASON_OPTION || opt->shortName != 'k' ||
	    arg == NULL)
		return;
	while (netchk_common.keytabs != NULL && netchk_common.keytabs[n])
		n++;
	v = realloc(netchk_common.keytabs, (n + 2) * sizeof(*v));
	if (v == NULL)
		return;
	netchk_common.keytabs = v;
	v[n] = strdup(arg);	/* popt frees its copy with the context */
	if (v[n] == NULL)
		return;
	v[n + 1] = NULL;
}

const struct poptOption netchk_conf_options[] = {
	{ NULL, 0, POPT_ARG_CALLBACK, (void *)conf_callback, 0, NULL, NULL },
	{ "configfile", 's', POPT_ARG_STRING, &netchk_common.configfile, 0,
	  "smb.conf to read (default /etc/samba/smb.conf)", "FILE" },
	{ "keytab", 'k', POPT_ARG_STRING, NULL, 0,
	  "the machine's keytab (default: the one Samba uses); again for "
	  "each other keytab holding the account's keys", "KEYTAB" },
	POPT_TABLEEND
};

const struct poptOption netchk_store_options[] = {
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_conf_options, 0,
	  NULL, NULL },
	{ "state-dir", 0, POPT_ARG_STRING, &netchk_common.state_dir, 0,
	  "lockout memory, journal and lock (default "
	  NETCHK_DEFAULT_STATE_DIR ")", "DIR" },
	{ "recheck", 0, POPT_ARG_NONE, &netchk_common.recheck, 0,
	  "present secrets a DC called wrong on an earlier run again "
	  "(each costs a badPwdCount if still wrong)", NULL },
	POPT_TABLEEND
};

#define SERVER_OPTION(letter) \
	{ "server", (letter), POPT_ARG_STRING, &netchk_common.server, 0, \
	  "use this DC only (default: DNS SRV discovery)", "DC" }
#define TIMEOUT_OPTION \
	{ "timeout", 't', POPT_ARG_INT, &netchk_common.timeout, 0, \
	  "seconds per network exchange (default 5)", "SECONDS" }

const struct poptOption netchk_dc_options[] = {
	SERVER_OPTION('S'),
	TIMEOUT_OPTION,
	POPT_TABLEEND
};

/*
 * check: -H, as every monitoring plugin names its host, and -t the whole
 * plugin's limit, as the monitoring-plugins guidelines define it.
 */
const struct poptOption netchk_dc_options_H[] = {
	SERVER_OPTION('H'),
	{ "timeout", 't', POPT_ARG_INT, &netchk_common.timeout, 0,
	  "the whole check's time limit (default 10); DCs that have not "
	  "answered by then are reported as silent", "SECONDS" },
	POPT_TABLEEND
};

const struct poptOption netchk_discovery_options[] = {
	{ "site", 0, POPT_ARG_STRING, &netchk_common.site, 0,
	  "AD site of this host: its DCs are tried first", "SITE" },
	{ "all-dcs", 0, POPT_ARG_NONE, &netchk_common.all_dcs, 0,
	  "every DC in DNS at once, one verdict each, replication lag "
	  "included (the host's own DC choice is not changed)", NULL },
	POPT_TABLEEND
};

const struct poptOption netchk_admin_options[] = {
	{ "user", 'U', POPT_ARG_STRING, &netchk_common.user, 0,
	  "an administrator, USER or USER@REALM (password prompted)",
	  "USER" },
	{ "password-file", 0, POPT_ARG_STRING, &netchk_common.password_file,
	  0, "read the administrator password from the first line of FILE",
	  "FILE" },
	{ "use-ccache", 0, POPT_ARG_NONE, &netchk_common.use_ccache, 0,
	  "the administrator's Kerberos ticket in KRB5CCNAME instead (kinit "
	  "first; no password asked)", NULL },
	POPT_TABLEEND
};

const struct poptOption netchk_json_options[] = {
	{ "json", 'j', POPT_ARG_NONE, &netchk_common.json, 0,
	  "print one JSON object (\"schema\": 1) instead of text", NULL },
	POPT_TABLEEND
};

const struct poptOption netchk_output_options[] = {
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_json_options, 0,
	  NULL, NULL },
	{ "quiet", 'q', POPT_ARG_NONE, &netchk_common.quiet, 0,
	  "do not narrate the steps on stderr", NULL },
	POPT_TABLEEND
};

void netchk_progress(void *private_data, const char *line)
{
	fprintf(stderr, " * %s\n", line);
}

const char *netchk_state_dir(void)
{
	return netchk_common.state_dir != NULL ? netchk_common.state_dir :
	       NETCHK_DEFAULT_STATE_DIR;
}

/*
 * The checks every verb makes after popt: at most one HOST, a sane
 * timeout.  NULL when all is well, else one line naming the problem.
 */
const char *netchk_common_problem(poptContext pc, const char *verb,
				  const char **host_out)
{
	static char msg[512];
	const char *host = poptGetArg(pc);

	if (host != NULL && poptPeekArg(pc) != NULL) {
		snprintf(msg, sizeof(msg), "%s takes at most one HOST, got "
			 "'%s' too", verb, poptPeekArg(pc));
		return msg;
	}
	if (netchk_common.all_dcs && netchk_common.server != NULL)
		return "--all-dcs probes every DC of the domain; it takes no "
		       "--server";
	if (netchk_common.timeout < 0 || netchk_common.timeout > 300) {
		snprintf(msg, sizeof(msg), "--timeout: %d is not between 1 "
			 "and 300 seconds", netchk_common.timeout);
		return msg;
	}
	if (netchk_remote.deadline < 1 || netchk_remote.deadline > 86400) {
		snprintf(msg, sizeof(msg), "--deadline: %d is not between 1 "
			 "and 86400 seconds", netchk_remote.deadline);
		return msg;
	}
	*host_out = host;
	return NULL;
}

/* How many times --keytab was given. */
size_t netchk_common_keytab_count(void)
{
	size_t n = 0;

	while (netchk_common.keytabs != NULL && netchk_common.keytabs[n])
		n++;
	return n;
}

/* The first --keytab, NULL: none given. */
const char *netchk_common_keytab(void)
{
	return netchk_common.keytabs != NULL ? netchk_common.keytabs[0] :
	       NULL;
}

void netchk_common_verify_opts(struct sc_verify_opts *vo, const char *host)
{
	vo->smb_conf = netchk_common.configfile;
	vo->keytab = netchk_common_keytab();
	vo->more_keytabs = vo->keytab != NULL ? netchk_common.keytabs + 1 :
			   NULL;
	vo->server = netchk_common.server;
	vo->site = netchk_common.site;
	vo->host = host;
	vo->state_dir = netchk_common.state_dir;
	vo->timeout = netchk_common.timeout;
	vo->all_dcs = netchk_common.all_dcs;
	vo->recheck = netchk_common.recheck;
	vo->paths = (1u << SC_PATH_COUNT) - 1;
}

/* The verb being run, for the JSON object of bad arguments. */
static struct {
	const char *verb;
	bool json;			/* its argv asks for JSON */
} args;

/* Whether table (or a table it includes) has the long option name. */
static bool table_has(const struct poptOption *table, const char *name)
{
	for (const struct poptOption *o = table; o != NULL &&
	     (o->longName != NULL || o->shortName != '\0' ||
	      o->argInfo != 0); o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE &&
		    table_has(o->arg, name))
			return true;
		if (o->longName != NULL && strcmp(o->longName, name) == 0)
			return true;
	}
	return false;
}

/* -j, --json, --format=json or --format json before any "--". */
static bool argv_asks_json(int argc, const char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0 ||
		    strcmp(argv[i], "--format=json") == 0 ||
		    (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
		     strcmp(argv[i + 1], "json") == 0))
			return true;
	return false;
}

void netchk_args_begin(const struct netchk_verb *verb, int argc,
		       const char **argv)
{
	args.verb = verb->name;
	args.json = table_has(verb->options, "json") &&
		    argv_asks_json(argc, argv);
}

poptContext netchk_popt_context(const struct netchk_verb *verb, int argc,
				const char **argv)
{
	char name[64];
	poptContext pc;

	netchk_args_begin(verb, argc, argv);
	snprintf(name, sizeof(name), "netchk %s", verb->name);
	pc = poptGetContext(name, argc, argv, verb->options, 0);
	snprintf(name, sizeof(name), "[OPTIONS]%s%s",
		 *verb->args != '\0' ? " " : "", verb->args);
	poptSetOtherOptionHelp(pc, name);
	return pc;
}

int netchk_bad_args(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	netchk_error("%s", msg);
	if (args.verb != NULL && (args.json || netchk_common.json))
		netchk_render_usage_json(stdout, args.verb, msg);
	return NETCHK_EXIT_UNKNOWN;
}

bool netchk_parse_options(poptContext pc)
{
	int c;

	while ((c = poptGetNextOpt(pc)) > 0)
		;
	if (c < -1) {
		netchk_bad_args("%s: %s",
				poptBadOption(pc, POPT_BADOPTION_NOALIAS),
				poptStrerror(c));
		return false;
	}
	return true;
}
