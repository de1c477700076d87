/*
 * Unit tests: the environment of a check through sudo (sudo-guard.c).
 * Only SUDO_UID, SUDO_GID, SUDO_USER and SUDO_COMMAND survive, with their
 * values; PATH is the fixed one; the working directory is "/".  A name
 * that merely starts like a kept one is not kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netchk.h"

extern char **environ;

static void setup_env(void)
{
	static const char *const set[][2] = {
		{ "KRB5_CONFIG", "/tmp/caller/krb5.conf" },
		{ "KRB5_TRACE", "/tmp/caller/trace" },
		{ "KRB5CCNAME", "FILE:/tmp/caller/cc" },
		{ "LDAPRC", "/tmp/caller/ldaprc" },
		{ "SASL_PATH", "/tmp/caller/sasl" },
		{ "NETCHK_SSSD_CONF", "/tmp/caller/sssd.conf" },
		{ "PATH", "/tmp/caller:/usr/bin" },
		{ "SUDO_UID", "1000" },
		{ "SUDO_GID", "1000" },
		{ "SUDO_USER", "nagios" },
		{ "SUDO_COMMAND", "/usr/sbin/netchk check" },
		{ "SUDO_UIDX", "not kept" },
		{ "SUDO_PS1", "not kept" },
	};

	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		assert_int_equal(setenv(set[i][0], set[i][1], 1), 0);
	/* a putenv()ed string, as a wrapper may leave one */
	putenv((char *)"LDAPCONF=/tmp/caller/ldap.conf");
	assert_int_equal(chdir("/tmp"), 0);
}

static void only_the_kept_remain(void **state)
{
	size_t n = 0;
	char cwd[PATH_MAX];

	(void)state;
	setup_env();
	assert_true(netchk_sudo_clean_env());
	assert_string_equal(getenv("SUDO_UID"), "1000");
	assert_string_equal(getenv("SUDO_GID"), "1000");
	assert_string_equal(getenv("SUDO_USER"), "nagios");
	assert_string_equal(getenv("SUDO_COMMAND"), "/usr/sbin/netchk check");
	assert_string_equal(getenv("PATH"), sc_safe_path());
	assert_null(getenv("KRB5_CONFIG"));
	assert_null(getenv("KRB5_TRACE"));
	assert_null(getenv("KRB5CCNAME"));
	assert_null(getenv("LDAPRC"));
	assert_null(getenv("LDAPCONF"));
	assert_null(getenv("SASL_PATH"));
	assert_null(getenv("NETCHK_SSSD_CONF"));
	assert_null(getenv("SUDO_UIDX"));
	assert_null(getenv("SUDO_PS1"));
	for (char **e = environ; e != NULL && *e != NULL; e++)
		n++;
	assert_int_equal(n, 5);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(cwd, "/");
	/* still "through sudo" for whatever asks again */
	assert_true(netchk_via_sudo());
}

static void twice_is_once(void **state)
{
	(void)state;
	setup_env();
	assert_true(netchk_sudo_clean_env());
	assert_true(netchk_sudo_clean_env());
	assert_string_equal(getenv("SUDO_UID"), "1000");
	assert_null(getenv("KRB5_CONFIG"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_the_kept_remain),
		cmocka_unit_test(twice_is_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
