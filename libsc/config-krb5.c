/*
 * libsc - krb5.conf as MIT reads it
 *
 * Every value comes from MIT's own profile library through a fresh
 * context, so KRB5_CONFIG, includes and defaults behave as they do for
 * kinit, sssd and adcli.
 */
#include <stdlib.h>
#include <string.h>
#include <krb5/krb5.h>
#include <profile.h>
#include "sc-private.h"

#define SCI_DEFAULT_CLOCKSKEW 300	/* MIT's and AD's default */

/* The first file of KRB5_CONFIG, else MIT's default path. */
const char *sci_krb5_conf_path(TALLOC_CTX *mem_ctx)
{
	const char *env = getenv("KRB5_CONFIG");
	size_t n;

	if (env == NULL || *env == '\0')
		return talloc_strdup(mem_ctx, "/etc/krb5.conf");
	n = strcspn(env, ":");
	return talloc_strndup(mem_ctx, env, n);
}

/*
 * MIT's default_realm, which is what "net ads" and adcli fall back to.
 */
char *sci_krb5_default_realm(TALLOC_CTX *mem_ctx)
{
	krb5_context kctx = NULL;
	char *realm = NULL;
	char *r = NULL;

	if (krb5_init_context(&kctx) != 0)
		return NULL;
	if (krb5_get_default_realm(kctx, &realm) == 0) {
		r = talloc_strdup(mem_ctx, realm);
		krb5_free_default_realm(kctx, realm);
	}
	krb5_free_context(kctx);
	return r;
}

/*
 * The clock skew Kerberos tolerates here: libdefaults clockskew, read by
 * MIT's own profile code as MIT reads it (an integer of seconds).
 */
int sci_krb5_clockskew(void)
{
	krb5_context kctx = NULL;
	profile_t prof = NULL;
	int v = SCI_DEFAULT_CLOCKSKEW;

	if (krb5_init_context(&kctx) != 0)
		return v;
	if (krb5_get_profile(kctx, &prof) == 0) {
		if (profile_get_integer(prof, "libdefaults", "clockskew", NULL,
					SCI_DEFAULT_CLOCKSKEW, &v) != 0 ||
		    v <= 0)
			v = SCI_DEFAULT_CLOCKSKEW;
		profile_release(prof);
	}
	krb5_free_context(kctx);
	return v;
}

/* Is libdefaults' key set at all (not only defaulted)? */
static bool profile_has(profile_t prof, const char *section, const char *key)
{
	char *v = NULL;
	bool set;

	if (profile_get_string(prof, section, key, NULL, NULL, &v) != 0)
		return false;
	set = v != NULL;
	profile_release_string(v);
	return set;
}

char *sci_krb5_default_keytab(TALLOC_CTX *mem_ctx, const char **from_out)
{
	krb5_context kctx = NULL;
	profile_t prof = NULL;
	char name[4096];
	char *r = NULL;
	const char *env = getenv("KRB5_KTNAME");

	if (krb5_init_context(&kctx) != 0)
		return NULL;
	if (krb5_kt_default_name(kctx, name, sizeof(name)) == 0)
		r = talloc_strdup(mem_ctx, name);
	if (from_out != NULL) {
		*from_out = "MIT's default keytab";
		if (env != NULL && *env != '\0') {
			*from_out = "KRB5_KTNAME";
		} else if (krb5_get_profile(kctx, &prof) == 0) {
			if (profile_has(prof, "libdefaults",
					"default_keytab_name"))
				*from_out = talloc_asprintf(mem_ctx,
					"%s [libdefaults] default_keytab_name",
					sci_krb5_conf_path(mem_ctx));
			profile_release(prof);
		}
	}
	krb5_free_context(kctx);
	return r;
}

const char **sci_krb5_realm_kdcs(TALLOC_CTX *mem_ctx, const char *realm)
{
	krb5_context kctx = NULL;
	profile_t prof = NULL;
	const char *names[] = { "realms", realm, "kdc", NULL };
	char **vals = NULL;
	const char **out = NULL;
	int dns = 1;
	size_t n = 0;

	if (realm == NULL || krb5_init_context(&kctx) != 0)
		return NULL;
	if (krb5_get_profile(kctx, &prof) != 0)
		goto done;
	if (profile_get_boolean(prof, "libdefaults", "dns_lookup_kdc", NULL, 1,
				&dns) != 0)
		dns = 1;
	if (dns || profile_get_values(prof, names, &vals) != 0)
		goto done;
	while (vals[n] != NULL)
		n++;
	out = talloc_zero_array(mem_ctx, const char *, n + 1);
	for (size_t i = 0; out != NULL && i < n; i++) {
		char *v = talloc_strdup(out, vals[i]), *colon;

		/* host:port or [v6]:port: the port is for the KDC only */
		if (v != NULL && v[0] == '[') {
			char *end = strchr(v, ']');

			if (end != NULL) {
				*end = '\0';
				memmove(v, v + 1, strlen(v + 1) + 1);
			}
		} else if (v != NULL && (colon = strchr(v, ':')) != NULL &&
			   strchr(colon + 1, ':') == NULL) {
			*colon = '\0';
		}
		out[i] = v;
	}
	profile_free_list(vals);
done:
	if (prof != NULL)
		profile_release(prof);
	krb5_free_context(kctx);
	return out;
}
