/*
 * netchk - verify and repair the machine account trust of an AD member
 *
 * The CLI owns argv, popt, exit codes and every renderer; libsc never
 * prints.  The verb table below is the single source of the verbs.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netchk.h"

static const struct netchk_verb verbs[] = {
	{ "verify", "[HOST]",
	  "prove the stored machine secret against the DC on every path",
	  netchk_verify_options, netchk_verify, false },
	{ "reset", "[HOST]",
	  "repair the trust only when required, with the smallest repair",
	  netchk_reset_options, netchk_reset, false },
	{ "check", "[HOST]",
	  "monitoring health check (Nagios/Icinga plugin, Prometheus)",
	  netchk_check_options, netchk_check, true },
	{ "audit", "",
	  "every computer account of the domain: stale, disabled, shared "
	  "or weak", netchk_audit_options, netchk_audit, false },
	{ "explain", "CODE...",
	  "what an NTSTATUS, Kerberos error or Windows event means for "
	  "the trust", netchk_explain_options, netchk_explain, false },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

void netchk_error(const char *fmt, ...)
{
	va_list ap;

	fputs("netchk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int netchk_exit_of(enum sc_health health)
{
	switch (health) {
	case SC_HEALTH_OK: return NETCHK_EXIT_OK;
	case SC_HEALTH_WARNING: return NETCHK_EXIT_WARNING;
	case SC_HEALTH_BROKEN: return NETCHK_EXIT_BROKEN;
	case SC_HEALTH_UNKNOWN: break;
	}
	return NETCHK_EXIT_UNKNOWN;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: netchk [--version] [--help] VERB [OPTIONS] "
		"[ARGS]\n\nVerbs:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-8s %-8s %s\n", verbs[i].name, verbs[i].args,
			verbs[i].summary);
	fprintf(out, "\n'netchk VERB --help' lists a verb's options.\n"
		"Exit status: 0 healthy, 1 warning, 2 trust broken, "
		"3 could not decide or bad input.\n");
}

static const struct netchk_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	return NULL;
}

int main(int argc, const char **argv)
{
	const struct netchk_verb *verb = argc < 2 ? NULL : find_verb(argv[1]);

	/*
	 * First of all: through sudo, the caller's environment chooses no
	 * file, server or plugin (sudo-guard.c); no library has read it yet.
	 */
	if (verb != NULL && verb->via_sudo && netchk_via_sudo() &&
	    !netchk_sudo_clean_env()) {
		printf("NETCHK UNKNOWN - %s through sudo could not clear its "
		       "environment\n", verb->name);
		return NETCHK_EXIT_UNKNOWN;
	}
	/* A DC that drops the connection must not kill us mid-write. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return NETCHK_EXIT_UNKNOWN;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return NETCHK_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("netchk %s (libsc %s)\n", SC_VERSION, sc_version());
		return NETCHK_EXIT_OK;
	}
	/* Hidden: the verb list, for the completion scripts and tests. */
	if (strcmp(argv[1], "--list-verbs") == 0) {
		for (size_t i = 0; i < NVERBS; i++)
			printf("%s\n", verbs[i].name);
		return NETCHK_EXIT_OK;
	}
	if (verb != NULL)
		return verb->run(verb, argc - 1, argv + 1);
	netchk_error("unknown verb '%s' (try 'netchk --help')", argv[1]);
	return NETCHK_EXIT_UNKNOWN;
}
