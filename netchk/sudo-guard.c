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
