/*
 * check through sudo: only the options that choose no file
 *
 * A sudoers line for a monitoring user ("nagios ALL=(root) NOPASSWD:
 * /usr/sbin/netchk check ...") must not hand out root.  An option that
 * reads a configuration the caller chose (-s, -k, --ssh-config, --hosts),
 * writes a file (--status-file, --textfile, --state-dir), runs something
 * (HOST, --remote-command) or presents secrets where the caller says
 * (--recheck, --account) would.  So a run through sudo takes only the
 * options of an allow-list, found by parsing argv against the verb's own
 * popt table: a new option is refused until it is allowed here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netchk.h"

bool netchk_via_sudo(void)
{
	return getenv("SUDO_UID") != NULL ||
	       (getuid() != 0 && geteuid() == 0);
}

/*
 * The environment of a check through sudo.  sudo's env_reset leaves
 * little, but sudoers may keep variables (env_keep, !env_reset) and a
 * sudo-like wrapper keeps them all; and secure_getenv() strips nothing
 * here, as sudo does not make the process set-uid.  Yet what netchk loads
 * reads files, servers and plugins the environment names: MIT krb5
 * (KRB5_CONFIG: the realm's KDCs, where the machine key is presented;
 * KRB5_TRACE: a file written as root; KRB5_KTNAME, KRB5_CLIENT_KTNAME,
 * KRB5CCNAME, KRB5RCACHEDIR, KRB5_KDC_PROFILE, GSS_MECH_CONFIG), OpenLDAP
 * (LDAPCONF, LDAPRC, every LDAP<option>, ~/.ldaprc and ./ldaprc), Cyrus
 * SASL (SASL_PATH: plugins loaded as root), glibc's resolver (HOSTALIASES,
 * LOCALDOMAIN, RES_OPTIONS), netchk itself (NETCHK_SSSD_CONF,
 * NETCHK_JOURNAL_SOCKET, PATH).  So only the variables below are kept, an
 * allow-list as for the options: one a library starts to honour tomorrow
 * is gone already.  PATH becomes the fixed one reset uses, and the working
 * directory "/" (OpenLDAP reads ./ldaprc).
 *
 * Removed, not refused: sudo's own env_reset does the same, an agent
 * seldom chooses its environment (a site-wide "Defaults env_keep +=
 * KRB5CCNAME" must not turn every check UNKNOWN), and check needs none of
 * them: the verdict is the one root's own configuration gives.
 */
static const char *const sudo_env_kept[] = {
	"SUDO_UID", "SUDO_GID", "SUDO_USER", "SUDO_COMMAND", NULL
};

static bool env_kept(const char *entry)
{
	for (const char *const *k = sudo_env_kept; *k != NULL; k++) {
		size_t n = strlen(*k);

		if (strncmp(entry, *k, n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

bool netchk_sudo_clean_env(void)
{
	extern char **environ;
	size_t n = 0, k = 0;
	char **keep;

	while (environ != NULL && environ[n] != NULL)
		n++;
	keep = calloc(n + 1, sizeof(*keep));
	if (keep == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (env_kept(environ[i]))
			keep[k++] = environ[i];
	/* the strings outlive clearenv(): it drops only the array */
	if (clearenv() != 0) {
		free(keep);
		return false;
	}
	for (size_t i = 0; i < k; i++)
		putenv(keep[i]);
	free(keep);
	return setenv("PATH", sc_safe_path(), 1) == 0 && chdir("/") == 0;
}

/* How many option entries a table has, include tables flattened. */
static size_t count_entries(const struct poptOption *t)
{
	size_t n = 0;

	for (; t->longName != NULL || t->shortName != 0 || t->arg != NULL;
	     t++) {
		if ((t->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE)
			n += count_entries(t->arg);
		else if ((t->argInfo & POPT_ARG_MASK) != POPT_ARG_CALLBACK)
			n++;
	}
	return n;
}

/*
 * A copy of every entry with no place to store into and val = its index
 * + 1, so that poptGetNextOpt() names each option it meets.
 */
static size_t flatten(const struct poptOption *t, struct poptOption *out,
		      size_t n)
{
	for (; t->longName != NULL || t->shortName != 0 || t->arg != NULL;
	     t++) {
		if ((t->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			n = flatten(t->arg, out, n);
			continue;
		}
		if ((t->argInfo & POPT_ARG_MASK) == POPT_ARG_CALLBACK)
			continue;
		out[n] = *t;
		out[n].arg = NULL;
		out[n].val = (int)n + 1;
		n++;
	}
	return n;
}

static bool allowed_name(const char *name, const char *const *allowed)
{
	for (; *allowed != NULL; allowed++)
		if (strcmp(name, *allowed) == 0)
			return true;
	return false;
}

const char *netchk_sudo_refused(const struct poptOption *table, int argc,
				const char **argv,
				const char *const *allowed)
{
	static char name[64];
	size_t n = count_entries(table);
	struct poptOption *flat = calloc(n + 1, sizeof(*flat));
	const char *refused = NULL;
	poptContext pc;
	int c;

	if (flat == NULL)
		return "(out of memory)";
	flatten(table, flat, 0);
	pc = poptGetContext(NULL, argc, argv, flat, 0);
	while (refused == NULL && (c = poptGetNextOpt(pc)) > 0) {
		const struct poptOption *o = &flat[c - 1];

		if (o->longName == NULL || !allowed_name(o->longName,
							 allowed)) {
			snprintf(name, sizeof(name), "--%s",
				 o->longName ? o->longName : "?");
			refused = name;
		}
	}
	/* bad options are popt's business; an argument is a remote HOST */
	if (refused == NULL && c == -1 && poptPeekArg(pc) != NULL)
		refused = "HOST";
	poptFreeContext(pc);
	free(flat);
	return refused;
}
