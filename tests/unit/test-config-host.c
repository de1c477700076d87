/*
 * Unit tests for a keytab-only host's configuration: sssd.conf as sssd
 * reads it (config-sssd.c: the AD domain of [sssd] domains, conf.d
 * snippets overriding in name order, the machine-account options and
 * their defaults) and the whole picture from krb5.conf, sssd.conf and a
 * keytab (config-host.c: where each answer came from).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <krb5/krb5.h>
#include "sc-private.h"

static char dir[] = "/tmp/test-config-host.XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *path_of(TALLOC_CTX *mem_ctx, const char *name)
{
	return talloc_asprintf(mem_ctx, "%s/%s", dir, name);
}

static void test_sssd_domain_and_defaults(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_sssd_conf *c = NULL;

	put("sssd.conf",
	    "# realmd\n[sssd]\ndomains = files, corp.example.com\n"
	    "[domain/files]\nid_provider = files\n"
	    "[domain/corp.example.com]\n id_provider = ad \n"
	    "ad_domain = corp.example.com\nkrb5_realm = CORP.EXAMPLE.COM\n"
	    "; a comment\nad_server = dc1.corp.example.com, _srv_\n");
	assert_int_equal(sci_sssd_conf_load(mem, path_of(mem, "sssd.conf"),
					    &c, NULL), SC_OK);
	assert_string_equal(c->section, "domain/corp.example.com");
	assert_string_equal(c->domain, "corp.example.com");
	assert_string_equal(c->id_provider, "ad");
	assert_string_equal(c->krb5_realm, "CORP.EXAMPLE.COM");
	assert_string_equal(c->ad_server, "dc1.corp.example.com, _srv_");
	assert_null(c->ad_site);
	assert_false(c->max_age_set);
	assert_int_equal(c->max_age_days, 30);
	assert_false(c->update_samba);
	talloc_free(mem);
	assert_int_equal(talloc_total_size(NULL), 0);
}

static void test_sssd_conf_d_overrides(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_sssd_conf *c = NULL;
	char *d = path_of(mem, "conf.d");

	assert_int_equal(mkdir(d, 0700), 0);
	put("sssd.conf", "[domain/ad.test]\nid_provider = ad\n"
	    "ad_maximum_machine_account_password_age = 10\n");
	put("conf.d/10-age.conf", "[domain/ad.test]\n"
	    "ad_maximum_machine_account_password_age = 0\n"
	    "ad_update_samba_machine_account_password = True\n");
	put("conf.d/20-site.conf", "[domain/ad.test]\nad_site = Lab\n");
	put("conf.d/.hidden.conf", "[domain/ad.test]\nad_site = Hidden\n");
	put("conf.d/30-x.conf.rpmsave", "[domain/ad.test]\nad_site = Old\n");
	assert_int_equal(sci_sssd_conf_load(mem, path_of(mem, "sssd.conf"),
					    &c, NULL), SC_OK);
	assert_string_equal(c->section, "domain/ad.test");
	assert_true(c->max_age_set);
	assert_int_equal(c->max_age_days, 0);
	assert_true(c->update_samba);
	assert_string_equal(c->ad_site, "Lab");
	talloc_free(mem);
}

static void test_sssd_missing(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sci_sssd_conf *c = NULL;
	struct sc_error *err = NULL;

	assert_int_equal(sci_sssd_conf_load(mem, path_of(mem, "none.conf"),
					    &c, &err), SC_ENOENT);
	assert_null(c);
	assert_non_null(err);
	talloc_free(mem);
}

/* A keytab with a service of another account first, then NAME$. */
static void write_keytab(const char *name)
{
	krb5_context ctx;
	krb5_keytab kt;
	const char *princs[] = { "HTTP/web.ad.test@AD.TEST", "MEMBER9$@AD.TEST",
				 "host/member9.ad.test@AD.TEST" };
	char ktname[300];
	uint8_t key[16] = { 1, 2, 3 };

	snprintf(ktname, sizeof(ktname), "FILE:%s/%s", dir, name);
	assert_int_equal(krb5_init_context(&ctx), 0);
	assert_int_equal(krb5_kt_resolve(ctx, ktname, &kt), 0);
	for (size_t i = 0; i < 3; i++) {
		krb5_keytab_entry e = { 0 };

		assert_int_equal(krb5_parse_name(ctx, princs[i],
						 &e.principal), 0);
		e.vno = 4;
		e.key.enctype = 23;
		e.key.length = 16;
		e.key.contents = key;
		assert_int_equal(krb5_kt_add_entry(ctx, kt, &e), 0);
		krb5_free_principal(ctx, e.principal);
	}
	krb5_kt_close(ctx, kt);
	krb5_free_context(ctx);
}

static void test_host_from_files(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_config *c = NULL;
	const struct sc_keytab_entry *rc4;
	struct sc_keytab *kt = NULL;

	put("krb5.conf", "[libdefaults]\n default_realm = OTHER.TEST\n"
	    " dns_lookup_kdc = false\n"
	    "[realms]\n AD.TEST = {\n  kdc = 192.0.2.1:88\n"
	    "  kdc = [2001:db8::1]:88\n }\n");
	/* a directory of its own: no conf.d of the test above */
	assert_int_equal(mkdir(path_of(mem, "h"), 0700), 0);
	put("h/sssd.conf", "[domain/ad.test]\nid_provider = ad\n"
	    "ad_domain = ad.test\nad_hostname = member9.ad.test\n"
	    "ad_site = Lab\n");
	write_keytab("m9.keytab");
	setenv("KRB5_CONFIG", path_of(mem, "krb5.conf"), 1);
	assert_int_equal(sci_config_load_keytab_host(mem,
		path_of(mem, "h/sssd.conf"),
		talloc_asprintf(mem, "FILE:%s/m9.keytab", dir), &c, NULL),
		SC_OK);
	assert_true(c->keytab_only);
	assert_string_equal(c->realm, "AD.TEST");
	assert_string_equal(c->netbios_name, "MEMBER9");
	assert_string_equal(c->dns_domain, "ad.test");
	assert_non_null(strstr(c->from.realm, "[domain/ad.test] ad_domain"));
	assert_non_null(strstr(c->from.account, "(MEMBER9$@AD.TEST)"));
	assert_string_equal(c->from.keytab, "caller");
	assert_string_equal(c->servers[0], "192.0.2.1");
	assert_string_equal(c->servers[1], "2001:db8::1");
	assert_null(c->servers[2]);
	assert_string_equal(c->site, "Lab");
	assert_true(c->sssd_renews);
	assert_int_equal(c->machine_password_timeout, 30 * 86400);
	assert_null(c->workgroup);
	assert_null(c->secrets_path);

	/* the RC4 key of the newest kvno is netlogon's NT hash */
	assert_int_equal(sc_keytab_load(mem, c->keytab_name, "MEMBER9$",
					c->realm, &kt, NULL), SC_OK);
	rc4 = sci_keytab_rc4_entry(kt, 0);
	assert_non_null(rc4);
	assert_int_equal(rc4->kvno, 4);
	assert_null(sci_keytab_rc4_entry(kt, 1));
	unsetenv("KRB5_CONFIG");
	talloc_free(mem);
}

/*
 * The other keytabs: the machine keytab and duplicates (FILE: or not) are
 * left out; 'sync machine password to keytab' is read from [global] only,
 * whatever the spelling of its name, each entry's PATH before the first
 * ':' (after an optional FILE:), relative paths ignored.
 */
static void test_more_keytabs(void **state)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_config *c = talloc_zero(mem, struct sc_config);
	char *conf = talloc_asprintf(mem, "%s/sync-smb.conf", dir);

	(void)state;
	c->keytab_name = "FILE:/etc/krb5.keytab";
	sci_config_more_keytab(c, "/etc/krb5.keytab");
	sci_config_more_keytab(c, NULL);
	sci_config_more_keytab(c, "/etc/sssd.keytab");
	sci_config_more_keytab(c, "FILE:/etc/sssd.keytab");
	put("sync-smb.conf",
	    "\tworkgroup = X\n"
	    "[global]\n"
	    "  Sync Machine Password To Keytab = /k/a.keytab:account_name,"
	    " FILE:/k/b.keytab:sync_spns:machine_password\t"
	    "rel.keytab:sync_spns /etc/krb5.keytab:account_name\n"
	    "# sync machine password to keytab = /k/comment.keytab:x\n"
	    "[share]\n"
	    "sync machine password to keytab = /k/share.keytab:x\n");
	sci_config_sync_keytabs_file(c, conf);
	sci_config_sync_keytabs_file(c, "/nonexistent/smb.conf");
	assert_non_null(c->more_keytabs);
	assert_string_equal(c->more_keytabs[0], "/etc/sssd.keytab");
	assert_string_equal(c->more_keytabs[1], "/k/a.keytab");
	assert_string_equal(c->more_keytabs[2], "/k/b.keytab");
	assert_null(c->more_keytabs[3]);
	talloc_free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sssd_domain_and_defaults),
		cmocka_unit_test(test_sssd_conf_d_overrides),
		cmocka_unit_test(test_sssd_missing),
		cmocka_unit_test(test_host_from_files),
		cmocka_unit_test(test_more_keytabs),
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	return rc;
}
