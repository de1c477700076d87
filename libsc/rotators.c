/*
 * libsc - who rotates the machine password on this host
 *
 * winbindd rotates when smb.conf's 'machine password timeout' (7 days by
 * default) has passed; sssd (id_provider = ad) through adcli when
 * ad_maximum_machine_account_password_age (30 days) has; adcli update or
 * msktutil --auto-update may run from cron or a systemd timer.  Two of
 * them rotate the same account into different stores: sssd renews the
 * keytab but not secrets.tdb (unless ad_update_samba_machine_account_
 * password is set), winbind's change leaves sssd's view behind, and each
 * change makes the other's previous password one step older.  None at
 * all: the password never changes.  Either is a warning, naming them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sc-private.h"

#define DAY 86400

static bool add(TALLOC_CTX *mem_ctx, struct sc_verify_result *res,
		const char *name, int interval, const char *source)
{
	struct sc_rotator *v = talloc_realloc(mem_ctx, res->rotators,
					      struct sc_rotator,
					      res->rotator_count + 1);

	if (v == NULL)
		return false;
	res->rotators = v;
	v[res->rotator_count].name = talloc_strdup(v, name);
	v[res->rotator_count].interval = interval;
	v[res->rotator_count].source = talloc_strdup(v, source);
	res->rotator_count++;
	return true;
}

/* Which tool a command line runs to rotate, or NULL. */
static const char *rotating_tool(const char *line)
{
	if (strstr(line, "adcli") != NULL && strstr(line, "update") != NULL)
		return "adcli";
	if (strstr(line, "msktutil") != NULL &&
	    strstr(line, "auto-update") != NULL)
		return "msktutil";
	return NULL;
}

/*
 * Debian's msktutil ships /etc/cron.daily/msktutil, which runs only when
 * /etc/default/msktutil sets AUTOUPDATE_ENABLED="true".
 */
static bool msktutil_enabled(void)
{
	char line[256];
	FILE *f = fopen("/etc/default/msktutil", "re");
	bool on = false;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "AUTOUPDATE_ENABLED=", 19) == 0)
			on = strncmp(line + 19, "\"true\"", 6) == 0 ||
			     strncmp(line + 19, "true", 4) == 0;
	fclose(f);
	return on;
}

/* A crontab line's period, when it is daily, weekly or monthly. */
static int cron_interval(const char *line)
{
	char f[5][64];

	if (sscanf(line, "%63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3],
		   f[4]) != 5)
		return 0;
	if (f[0][0] == '@')
		return strcmp(f[0], "@daily") == 0 ? DAY :
		       strcmp(f[0], "@weekly") == 0 ? 7 * DAY :
		       strcmp(f[0], "@monthly") == 0 ? 30 * DAY : 0;
	if (strcmp(f[2], "*") == 0 && strcmp(f[3], "*") == 0)
		return strcmp(f[4], "*") == 0 ? DAY : 7 * DAY;
	if (strcmp(f[3], "*") == 0 && strcmp(f[4], "*") == 0)
		return 30 * DAY;
	return 0;
}

/*
 * Lines of path that run a rotating tool; fixed gives the period of a
 * cron.daily-style directory, else each line's own cron schedule (or a
 * systemd timer's OnCalendar= in the .timer next to a .service).
 */
static bool scan_file(TALLOC_CTX *mem_ctx, struct sc_verify_result *res,
		      const char *path, int fixed, bool crontab)
{
	char line[1024];
	FILE *f = fopen(path, "re");
	bool ok = true, gated = false;

	if (f == NULL)
		return true;
	while (ok && fgets(line, sizeof(line), f) != NULL) {
		const char *tool = rotating_tool(line);

		gated = gated || strstr(line, "AUTOUPDATE_ENABLED") != NULL;
		if (line[0] == '#' || tool == NULL ||
		    (gated && !msktutil_enabled()))
			continue;
		ok = add(mem_ctx, res, tool, crontab ? cron_interval(line) :
			 fixed, path);
	}
	fclose(f);
	return ok;
}

/* Every regular file of dir (cron.d, cron.daily, systemd units). */
static bool scan_dir(TALLOC_CTX *mem_ctx, struct sc_verify_result *res,
		     const char *dir, const char *suffix, int fixed,
		     bool crontab)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool ok = true;

	if (d == NULL)
		return true;
	while (ok && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name), k = suffix ? strlen(suffix) : 0;
		char *p;

		if (e->d_name[0] == '.' ||
		    (suffix != NULL && (n <= k ||
					strcmp(e->d_name + n - k, suffix))))
			continue;
		p = talloc_asprintf(mem_ctx, "%s/%s", dir, e->d_name);
		ok = p != NULL && scan_file(mem_ctx, res, p, fixed, crontab);
		talloc_free(p);
	}
	closedir(d);
	return ok;
}

/* sssd's renewal: from the keytab-only configuration, else sssd.conf. */
static bool find_sssd(TALLOC_CTX *mem_ctx, struct sc_verify_result *res,
		      bool *update_samba)
{
	const struct sc_config *c = res->config;
	struct sci_sssd_conf *s = NULL;
	int days;

	*update_samba = false;
	if (c->keytab_only) {
		*update_samba = c->sssd_update_samba;
		return !c->sssd_renews ||
		       add(mem_ctx, res, "sssd", c->sssd_password_age * DAY,
			   c->from.password_age);
	}
	if (sci_sssd_conf_load(mem_ctx, sci_sssd_conf_path(NULL), &s,
			       NULL) != SC_OK || s->section == NULL ||
	    s->id_provider == NULL || strcmp(s->id_provider, "ad") != 0)
		return true;
	days = s->max_age_set ? s->max_age_days : 30;
	*update_samba = s->update_samba;
	return days <= 0 ||
	       add(mem_ctx, res, "sssd", days * DAY, talloc_asprintf(mem_ctx,
		   "%s [%s] ad_maximum_machine_account_password_age%s",
		   s->path, s->section, s->max_age_set ? "" : " (default)"));
}

static char *names(TALLOC_CTX *mem_ctx, const struct sc_verify_result *res)
{
	char *s = talloc_strdup(mem_ctx, "");

	for (size_t i = 0; s != NULL && i < res->rotator_count; i++) {
		const struct sc_rotator *r = &res->rotators[i];

		s = talloc_asprintf_append(s, "%s%s (every %s, %s)",
			i ? ", " : "", r->name, r->interval > 0 ?
			talloc_asprintf(s, "%d d", r->interval / DAY) : "?",
			r->source);
	}
	return s;
}

enum sc_diag sci_rotators_assess(struct sc_verify_result *res)
{
	const struct sc_config *c = res->config;
	bool upd = false, ok;
	size_t n;

	ok = true;
	if (!c->keytab_only && c->security_ads &&
	    c->machine_password_timeout > 0)
		ok = add(res, res, "winbind", c->machine_password_timeout,
			 talloc_asprintf(res, "%s machine password timeout",
					 c->smb_conf));
	ok = ok && find_sssd(res, res, &upd);
	ok = ok && scan_dir(res, res, "/etc/cron.d", NULL, 0, true);
	ok = ok && scan_file(res, res, "/etc/crontab", 0, true);
	ok = ok && scan_dir(res, res, "/var/spool/cron/crontabs", NULL, 0,
			    true);
	ok = ok && scan_dir(res, res, "/etc/cron.daily", NULL, DAY, false);
	ok = ok && scan_dir(res, res, "/etc/cron.weekly", NULL, 7 * DAY,
			    false);
	ok = ok && scan_dir(res, res, "/etc/cron.monthly", NULL, 30 * DAY,
			    false);
	ok = ok && scan_dir(res, res, "/etc/systemd/system", ".service", 0,
			    false);
	if (!ok)
		return SC_DIAG_HEALTHY;
	n = res->rotator_count;
	if (n == 0) {
		res->rotator_finding = talloc_strdup(res, "no rotator: "
			"nothing changes the machine password on this host "
			"(no winbind 'machine password timeout', no sssd "
			"renewal, no adcli/msktutil timer)");
		return SC_DIAG_ROTATORS;
	}
	/* sssd writing secrets.tdb too keeps winbind's store in step */
	if (n == 1 || (n == 2 && upd &&
		       strcmp(res->rotators[0].name, "winbind") == 0 &&
		       strcmp(res->rotators[1].name, "sssd") == 0))
		return SC_DIAG_HEALTHY;
	res->rotator_finding = talloc_asprintf(res, "%zu rotators change the "
		"machine password and can drift apart: %s", n,
		names(res, res));
	return SC_DIAG_ROTATORS;
}
