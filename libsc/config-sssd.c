/*
 * libsc - sssd.conf as sssd reads it
 *
 * sssd.conf is an INI file ([section], key = value, '#' and ';' comment
 * lines); sssd merges the conf.d/NAME.conf snippets over it in name order, a
 * later value replacing an earlier one.  Only what netchk needs is kept:
 * the [domain/NAME] sssd serves for AD and its machine-account options.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include "sc-private.h"

#define SSSD_CONF_MAX (1024 * 1024)

struct ini_entry {
	const char *section;
	const char *key;
	const char *value;
};

struct ini {
	size_t count;
	struct ini_entry *e;
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool ini_add(struct ini *ini, const char *section, const char *key,
		    const char *value)
{
	struct ini_entry *v = talloc_realloc(ini, ini->e, struct ini_entry,
					     ini->count + 1);

	if (v == NULL)
		return false;
	ini->e = v;
	v[ini->count].section = talloc_strdup(v, section);
	v[ini->count].key = talloc_strdup(v, key);
	v[ini->count].value = talloc_strdup(v, value);
	if (v[ini->count].section == NULL || v[ini->count].key == NULL ||
	    v[ini->count].value == NULL)
		return false;
	ini->count++;
	return true;
}

/* Parse one file into ini; errno-style result (0, ENOENT, EACCES...). */
static int ini_parse_file(struct ini *ini, const char *path)
{
	char line[4096];
	char *section = NULL;
	int fd = sci_open_store(path, 0, SCI_MAX_CONF, NULL);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	int rc = 0;

	if (f == NULL) {
		rc = errno == EFTYPE_STORE || errno == EFBIG ? EINVAL : errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *s = trim(line), *eq;

		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (end == NULL)
				continue;
			*end = '\0';
			talloc_free(section);
			section = talloc_strdup(ini, trim(s + 1));
			if (section == NULL) {
				rc = ENOMEM;
				break;
			}
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL || section == NULL)
			continue;
		*eq = '\0';
		if (!ini_add(ini, section, trim(s), trim(eq + 1))) {
			rc = ENOMEM;
			break;
		}
	}
	talloc_free(section);
	fclose(f);
	return rc;
}

/* The last value of key in section (later files win), or NULL. */
static const char *ini_get(const struct ini *ini, const char *section,
			   const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < ini->count; i++)
		if (strcasecmp(ini->e[i].section, section) == 0 &&
		    strcasecmp(ini->e[i].key, key) == 0)
			v = ini->e[i].value;
	return v;
}

static bool has_section(const struct ini *ini, const char *section)
{
	for (size_t i = 0; i < ini->count; i++)
		if (strcasecmp(ini->e[i].section, section) == 0)
			return true;
	return false;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int conf_d_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       strcmp(d->d_name + n - 5, ".conf") == 0;
}

/* dir/conf.d/NAME.conf in name order, as sssd merges them. */
static void ini_parse_snippets(struct ini *ini, const char *path)
{
	char *dir = talloc_strdup(ini, path), *slash;
	struct dirent **names = NULL;
	int n;

	if (dir == NULL)
		return;
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		dir = talloc_strdup(ini, ".");
	dir = talloc_asprintf(ini, "%s/conf.d", dir);
	if (dir == NULL)
		return;
	n = scandir(dir, &names, conf_d_filter, name_cmp);
	for (int i = 0; i < n; i++) {
		char *p = talloc_asprintf(ini, "%s/%s", dir, names[i]->d_name);

		if (p != NULL)
			(void)ini_parse_file(ini, p);
		talloc_free(p);
		free(names[i]);
	}
	free(names);
	talloc_free(dir);
}

/* The first listed domain that is an AD domain, else the first at all. */
static const char *pick_domain(TALLOC_CTX *mem_ctx, const struct ini *ini)
{
	const char *list = ini_get(ini, "sssd", "domains");
	char *copy, *tok, *save = NULL;
	const char *first = NULL;

	if (list != NULL) {
		copy = talloc_strdup(mem_ctx, list);
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			char *name = trim(tok);
			char *sec = talloc_asprintf(mem_ctx, "domain/%s", name);
			const char *idp = ini_get(ini, sec, "id_provider");

			if (!has_section(ini, sec))
				continue;
			if (first == NULL)
				first = sec;
			if ((idp != NULL && strcmp(idp, "ad") == 0) ||
			    ini_get(ini, sec, "ad_domain") != NULL)
				return sec;
		}
		if (first != NULL)
			return first;
	}
	for (size_t i = 0; i < ini->count; i++)
		if (strncasecmp(ini->e[i].section, "domain/", 7) == 0)
			return ini->e[i].section;
	return NULL;
}

static bool truthy(const char *v)
{
	return v != NULL && (strcasecmp(v, "true") == 0 ||
			     strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0);
}

/* The string options of the domain section netchk keeps. */
static const struct {
	const char *key;
	size_t offset;
} keys[] = {
	{ "ad_domain", offsetof(struct sci_sssd_conf, ad_domain) },
	{ "krb5_realm", offsetof(struct sci_sssd_conf, krb5_realm) },
	{ "ad_hostname", offsetof(struct sci_sssd_conf, ad_hostname) },
	{ "ad_server", offsetof(struct sci_sssd_conf, ad_server) },
	{ "ad_site", offsetof(struct sci_sssd_conf, ad_site) },
	{ "krb5_keytab", offsetof(struct sci_sssd_conf, krb5_keytab) },
	{ "id_provider", offsetof(struct sci_sssd_conf, id_provider) },
	{ "ad_machine_account_password_renewal_opts",
	  offsetof(struct sci_sssd_conf, renewal_opts) },
};

const char *sci_sssd_conf_path(const char *path)
{
	const char *env = secure_getenv("NETCHK_SSSD_CONF");

	if (path != NULL)
		return path;
	return env != NULL && env[0] != '\0' ? env : "/etc/sssd/sssd.conf";
}

enum sc_rc sci_sssd_conf_load(TALLOC_CTX *mem_ctx, const char *path,
			      struct sci_sssd_conf **conf_out,
			      struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_sssd_conf *c;
	struct ini *ini;
	const char *sec, *v;
	enum sc_rc rc;
	int e;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	ini = talloc_zero(tmp_ctx, struct ini);
	c = talloc_zero(tmp_ctx, struct sci_sssd_conf);
	if (ini == NULL || c == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	c->path = talloc_strdup(c, path);
	e = ini_parse_file(ini, path);
	if (e != 0) {
		rc = sci_error(mem_ctx, err_out,
			       e == ENOENT || e == ENOTDIR ? SC_ENOENT :
			       e == ENOMEM ? SC_ENOMEM : SC_EACCES,
			       SC_ERRDOM_ERRNO, e, "cannot read %s: %s", path,
			       strerror(e));
		goto done;
	}
	ini_parse_snippets(ini, path);
	sec = pick_domain(tmp_ctx, ini);
	if (sec != NULL) {
		c->section = talloc_strdup(c, sec);
		c->domain = talloc_strdup(c, sec + 7);
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			*(const char **)((char *)c + keys[i].offset) =
				talloc_strdup(c, ini_get(ini, sec,
							 keys[i].key));
		c->update_samba = truthy(ini_get(ini, sec,
			"ad_update_samba_machine_account_password"));
		v = ini_get(ini, sec, "ad_maximum_machine_account_password_age");
		c->max_age_set = v != NULL;
		c->max_age_days = v != NULL ? atoi(v) : 30;
	}
	*conf_out = talloc_move(mem_ctx, &c);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
