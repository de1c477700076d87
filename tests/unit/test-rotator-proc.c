/*
 * Unit tests: which running command lines change the machine password
 * and write a keytab (adcli, msktutil), and the keytab each names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "sc-private.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void rotates(const char *const *argv, const char *keytab)
{
	const char *kt = "unset";

	if (!sci_rotator_cmdline(argv, &kt))
		fail_msg("'%s %s' should rotate", argv[0], argv[1]);
	if (keytab == NULL)
		assert_null(kt);
	else
		assert_string_equal(kt, keytab);
}

static void idle(const char *const *argv)
{
	const char *kt = "unset";

	if (sci_rotator_cmdline(argv, &kt))
		fail_msg("'%s %s' should not rotate", argv[0],
			 argv[1] ? argv[1] : "");
	assert_null(kt);
}

static void test_adcli(void **state)
{
	(void)state;
	rotates(ARGV("adcli", "update"), NULL);
	rotates(ARGV("/usr/sbin/adcli", "update", "--verbose",
		     "--computer-password-lifetime=0"), NULL);
	/* what sssd runs */
	rotates(ARGV("/usr/sbin/adcli", "update", "--domain=netchk.test",
		     "--host-keytab=/etc/sssd/host.keytab"),
		"/etc/sssd/host.keytab");
	rotates(ARGV("adcli", "join", "--host-keytab", "/k1"), "/k1");
	rotates(ARGV("adcli", "update", "-K", "/k2"), "/k2");
	rotates(ARGV("adcli", "update", "-K/k3"), "/k3");
	idle(ARGV("adcli", "testjoin"));
	idle(ARGV("adcli", "info", "netchk.test"));
	idle(ARGV("adcli"));
}

static void test_msktutil(void **state)
{
	(void)state;
	rotates(ARGV("msktutil", "--auto-update"), NULL);
	rotates(ARGV("/usr/sbin/msktutil", "--auto-update", "--keytab",
		     "/etc/krb5.keytab.svc"), "/etc/krb5.keytab.svc");
	rotates(ARGV("msktutil", "-u", "-k", "/k4"), "/k4");
	rotates(ARGV("msktutil", "--create", "--keytab=/k5"), "/k5");
	idle(ARGV("msktutil", "--help"));
	idle(ARGV("msktutil", "--flush"));
}

static void test_others(void **state)
{
	(void)state;
	idle(ARGV("sshd", "update"));
	idle(ARGV("/usr/bin/adcli-wrapper", "update"));
	idle(ARGV("net", "ads", "changetrustpw"));
	idle(ARGV(""));
	assert_false(sci_rotator_cmdline(NULL, &(const char *){ NULL }));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adcli),
		cmocka_unit_test(test_msktutil),
		cmocka_unit_test(test_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
