/*
 * Unit tests for sci_dn_parent(): fSMORoleOwner (an nTDSDSA DN) -> the
 * server object whose dNSHostName names the PDC emulator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "sc-private.h"

static void expect_parent(const char *dn, const char *want)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	char *got = sci_dn_parent(mem, dn);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	talloc_free(mem);
}

static void test_role_owner(void **state)
{
	expect_parent("CN=NTDS Settings,CN=DC1,CN=Servers,"
		      "CN=Default-First-Site-Name,CN=Sites,"
		      "CN=Configuration,DC=netchk,DC=test",
		      "CN=DC1,CN=Servers,CN=Default-First-Site-Name,"
		      "CN=Sites,CN=Configuration,DC=netchk,DC=test");
	/* the server object's own parent */
	expect_parent("CN=DC1,CN=Servers,DC=x", "CN=Servers,DC=x");
	/* a space after the comma (RFC 1779 style) */
	expect_parent("CN=NTDS Settings, CN=DC2,DC=x", "CN=DC2,DC=x");
}

static void test_escapes(void **state)
{
	/* an escaped comma does not end the RDN */
	expect_parent("CN=NTDS Settings\\, old,CN=DC1,DC=x", "CN=DC1,DC=x");
	expect_parent("CN=a\\\\,CN=DC1,DC=x", "CN=DC1,DC=x");
	/* hex escapes: \2C is a comma inside the value */
	expect_parent("CN=a\\2Cb,CN=DC1,DC=x", "CN=DC1,DC=x");
	expect_parent("CN=\"a,b\",CN=DC1,DC=x", "CN=DC1,DC=x");
	/* server name with an escaped comma survives intact */
	expect_parent("CN=NTDS Settings,CN=DC\\,1,DC=x", "CN=DC\\,1,DC=x");
}

static void test_malformed(void **state)
{
	expect_parent(NULL, NULL);
	expect_parent("", NULL);
	expect_parent("DC=test", NULL);		/* one RDN: no parent */
	expect_parent(",DC=x", NULL);		/* empty first RDN */
	expect_parent("CN=a,", NULL);		/* empty parent */
	expect_parent("CN=a, ", NULL);
	expect_parent("CN=a\\", NULL);		/* dangling escape */
	expect_parent("CN=a\\,DC=x", NULL);	/* all one RDN */
	expect_parent("CN=a,bogus", NULL);	/* parent is no DN */
	expect_parent("CN=\"a,DC=x", NULL);	/* open quote */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_owner),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
