/*
 * libsc - every keytab the host's configuration names
 *
 * Beside the keytab netchk checks first (--keytab, sssd's krb5_keytab,
 * smb.conf's dedicated keytab file or MIT's default), a host may keep the
 * account's keys in others: MIT's default keytab next to sssd's own, a
 * dedicated keytab next to the default, and Samba 4.21+'s
 * 'sync machine password to keytab' list.  Older Samba's loadparm does not
 * know that parameter, so smb.conf's [global] section is read for it here
 * as text, tolerantly: an unreadable file or a malformed entry only means
 * fewer keytabs.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "sc-private.h"

#define SYNC_PARAM "syncmachinepasswordtokeytab"

/* "FILE:/etc/krb5.keytab" and "/etc/krb5.keytab" are one keytab. */
static const char *bare(const char *name)
{
	return strncasecmp(name, "FILE:", 5) == 0 ? name + 5 : name;
}

void sci_config_more_keytab(struct sc_config *c, const char *name)
{
	size_t n = 0;
	const char **v;

	if (name == NULL || name[0] == '\0' ||
	    (c->keytab_name != NULL &&
	     strcmp(bare(name), bare(c->keytab_name)) == 0))
		return;
	for (; c->more_keytabs != NULL && c->more_keytabs[n] != NULL; n++)
		if (strcmp(bare(name), bare(c->more_keytabs[n])) == 0)
			return;
	v = talloc_realloc(c, c->more_keytabs, const char *, n + 2);
	if (v == NULL)
		return;
	v[n] = talloc_strdup(v, name);
	v[n + 1] = NULL;
	c->more_keytabs = v;
}

/* A parameter name as loadparm compares them: no blanks, any case. */
static bool is_param(const char *key, size_t len, const char *want)
{
	char norm[64];
	size_t n = 0;

	for (size_t i = 0; i < len && n < sizeof(norm) - 1; i++)
		if (!isspace((unsigned char)key[i]))
			norm[n++] = (char)tolower((unsigned char)key[i]);
	norm[n] = '\0';
	return strcmp(norm, want) == 0;
}

void sci_config_sync_keytabs(struct sc_config *c, const char *value)
{
	char *copy = talloc_strdup(c, value), *save = NULL, *tok;

	/* "PATH:spec[:options]" entries, separated by commas or blanks */
	for (tok = copy ? strtok_r(copy, ", \t", &save) : NULL; tok != NULL;
	     tok = strtok_r(NULL, ", \t", &save)) {
		char *path = tok + (strncasecmp(tok, "FILE:", 5) == 0 ? 5 : 0);
		char *colon = strchr(path, ':');

		if (colon != NULL)
			*colon = '\0';
		if (path[0] == '/')
			sci_config_more_keytab(c, path);
	}
	talloc_free(copy);
}

void sci_config_sync_keytabs_file(struct sc_config *c, const char *smb_conf)
{
	FILE *f = fopen(smb_conf, "re");
	char line[4096];
	bool global = true;	/* parameters before any section are global */

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *eq;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			global = strncasecmp(p, "[global]", 8) == 0;
			continue;
		}
		eq = strchr(p, '=');
		if (!global || eq == NULL || *p == '#' || *p == ';' ||
		    !is_param(p, (size_t)(eq - p), SYNC_PARAM))
			continue;
		eq[strcspn(eq, "\r\n")] = '\0';
		sci_config_sync_keytabs(c, eq + 1);
	}
	fclose(f);
}
