/*
 * netchk check - one log message per trust state change, per DC
 *
 * Log-based monitoring alerts on a message, not on a state, so a check
 * that runs every 15 minutes must not repeat itself: the last state of
 * each DC is kept in STATE_DIR/last-state, and a message goes out only
 * when a DC's state differs from it (a DC seen for the first time counts
 * as healthy before, so a healthy first run is silent).
 *
 * The message goes to the journal over its native protocol (one datagram
 * of KEY=value lines to /run/systemd/journal/socket) with a stable
 * MESSAGE_ID and the fields NTSTATUS, DC, PATH and NETLOGON_EVENT (the
 * Windows event the same failure logs on a Windows member); without a
 * journal, syslog(3).  NETCHK_JOURNAL_SOCKET names another socket (tests).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "netchk.h"
#include "check.h"

#define JOURNAL_SOCKET		"/run/systemd/journal/socket"
#define LAST_STATE_FILE		"last-state"
/* journalctl MESSAGE_ID=... finds every netchk trust state change */
#define MESSAGE_ID		"5d1e6a3c9b8f4e2a8c7d0b1f6e4a2c93"

/* The NETLOGON event a Windows member logs for the same failure. */
static int netlogon_event(const struct check_dc *d)
{
	switch (d->diag) {
	case SC_DIAG_DC_UNREACHABLE:
		return 5719;	/* no secure session with any DC */
	case SC_DIAG_ACCOUNT_DELETED:
	case SC_DIAG_ACCOUNT_DISABLED:
	case SC_DIAG_ACCOUNT_GONE:
		return 5721;	/* the DC has no account for us */
	case SC_DIAG_HEALTHY:
		return 0;
	default:
		return d->health == SC_HEALTH_OK ? 0 : 3210;
	}
}

static const char *dc_state(const struct check_dc *d)
{
	switch (d->health) {
	case SC_HEALTH_OK: return "OK";
	case SC_HEALTH_WARNING: return "WARNING";
	case SC_HEALTH_BROKEN: return "CRITICAL";
	case SC_HEALTH_UNKNOWN: break;
	}
	return "UNREACHABLE";
}

/* The path that says most: the first broken one, else the first. */
static const struct check_path *key_path(const struct check_dc *d)
{
	for (size_t i = 0; i < d->npaths; i++)
		if (d->paths[i].health == SC_HEALTH_BROKEN)
			return &d->paths[i];
	for (size_t i = 0; i < d->npaths; i++)
		if (d->paths[i].health != SC_HEALTH_OK)
			return &d->paths[i];
	return d->npaths > 0 ? &d->paths[0] : NULL;
}

static int syslog_priority(const struct check_dc *d)
{
	switch (d->health) {
	case SC_HEALTH_OK: return LOG_NOTICE;
	case SC_HEALTH_WARNING: return LOG_WARNING;
	case SC_HEALTH_BROKEN: return LOG_ERR;
	case SC_HEALTH_UNKNOWN: break;
	}
	return LOG_ERR;
}

/* One journal datagram; false when there is no journal to take it. */
static bool journal_send(const char *text)
{
	const char *path = getenv("NETCHK_JOURNAL_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ssize_t n;
	int fd;

	if (path == NULL || *path == '\0')
		path = JOURNAL_SOCKET;
	if (strlen(path) >= sizeof(sa.sun_path))
		return false;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	n = sendto(fd, text, strlen(text), MSG_NOSIGNAL,
		   (const struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return n == (ssize_t)strlen(text);
}

/* A field value on one line (the simple journal format has no escapes). */
static char *one_line(TALLOC_CTX *mem_ctx, const char *s)
{
	char *v = talloc_strdup(mem_ctx, s ? s : "");

	for (char *p = v; p != NULL && *p; p++)
		if (*p == '\n')
			*p = ' ';
	return v;
}

static void log_change(TALLOC_CTX *mem_ctx, const struct check_model *m,
		       const struct check_dc *d, const char *before)
{
	const struct check_path *p = key_path(d);
	int ev = netlogon_event(d);
	char *msg, *dg;

	msg = talloc_asprintf(mem_ctx, "trust of %s with %s: %s -> %s (%s%s%s)",
			      m->account, d->name, before, dc_state(d),
			      sc_diag_name(d->diag), p ? ", " : "",
			      p ? sc_path_name(p->path) : "");
	if (msg == NULL)
		return;
	dg = talloc_asprintf(mem_ctx, "MESSAGE=netchk: %s\nMESSAGE_ID=%s\n"
			     "PRIORITY=%d\nSYSLOG_IDENTIFIER=netchk\n"
			     "SYSLOG_FACILITY=%d\nDC=%s\n"
			     "NETCHK_ACCOUNT=%s\nNETCHK_REALM=%s\n"
			     "NETCHK_STATE=%s\nNETCHK_PREVIOUS_STATE=%s\n"
			     "NETCHK_DIAGNOSIS=%s\n",
			     one_line(mem_ctx, msg), MESSAGE_ID,
			     syslog_priority(d), LOG_DAEMON >> 3,
			     one_line(mem_ctx, d->name),
			     one_line(mem_ctx, m->account),
			     one_line(mem_ctx, m->realm), dc_state(d), before,
			     sc_diag_name(d->diag));
	if (dg != NULL && p != NULL) {
		dg = talloc_asprintf_append(dg, "PATH=%s\n",
					    sc_path_name(p->path));
		if (dg != NULL && p->has_ntstatus)
			dg = talloc_asprintf_append(dg, "NTSTATUS=0x%08" PRIX32
						    "\n", p->ntstatus);
		if (dg != NULL && p->has_krb5)
			dg = talloc_asprintf_append(dg, "KRB5_CODE=%" PRId32
						    "\n", p->krb5_code);
		if (dg != NULL && p->summary != NULL)
			dg = talloc_asprintf_append(dg, "NETCHK_DETAIL=%s\n",
				one_line(mem_ctx, p->summary));
	}
	if (dg != NULL && ev != 0)
		dg = talloc_asprintf_append(dg, "NETLOGON_EVENT=%d\n", ev);
	if (dg != NULL && journal_send(dg))
		return;
	openlog("netchk", LOG_PID, LOG_DAEMON);
	if (p != NULL && p->has_ntstatus)
		syslog(syslog_priority(d), "%s NTSTATUS=0x%08" PRIX32 " DC=%s "
		       "PATH=%s NETLOGON_EVENT=%d MESSAGE_ID=%s", msg,
		       p->ntstatus, d->name, sc_path_name(p->path), ev,
		       MESSAGE_ID);
	else
		syslog(syslog_priority(d), "%s DC=%s NETLOGON_EVENT=%d "
		       "MESSAGE_ID=%s", msg, d->name, ev, MESSAGE_ID);
	closelog();
}

/* "DC STATE" lines of the last run; NULL when there is none. */
static const char *last_of(char *text, const char *dc, char *buf, size_t n)
{
	char *save = NULL, *copy = text ? strdup(text) : NULL;
	const char *found = NULL;

	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');

		if (sp == NULL)
			continue;
		*sp = '\0';
		if (strcasecmp(l, dc) == 0) {
			snprintf(buf, n, "%s", sp + 1);
			found = buf;
		}
	}
	free(copy);
	return found;
}

void check_log_changes(TALLOC_CTX *mem_ctx, const struct check_model *m,
		       const char *state_dir, char *(*read_file)(TALLOC_CTX *,
							 const char *))
{
	TALLOC_CTX *tmp = talloc_new(mem_ctx);
	char *path, *old, *now;
	bool changed = false;

	/* a check that could not run knows no DC's state */
	if (tmp == NULL || m->ndc == 0)
		goto done;
	path = talloc_asprintf(tmp, "%s/%s", state_dir, LAST_STATE_FILE);
	if (path == NULL)
		goto done;
	old = read_file(tmp, path);
	now = talloc_strdup(tmp, "");
	for (size_t i = 0; now != NULL && i < m->ndc; i++) {
		const struct check_dc *d = &m->dcs[i];
		char buf[64];
		const char *before = last_of(old, d->name, buf, sizeof(buf));

		if (before == NULL)
			before = "OK";	/* first sight: silent when healthy */
		if (strcmp(before, dc_state(d)) != 0) {
			log_change(tmp, m, d, before);
			changed = true;
		}
		now = talloc_asprintf_append(now, "%s %s\n", d->name,
					     dc_state(d));
	}
	/* DCs not probed this run keep their last state */
	if (old != NULL && now != NULL) {
		char *save = NULL, *copy = talloc_strdup(tmp, old);

		for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL;
		     l != NULL && now != NULL; l = strtok_r(NULL, "\n", &save)) {
			char *sp = strchr(l, ' ');
			bool seen = false;

			if (sp == NULL)
				continue;
			*sp = '\0';
			for (size_t i = 0; i < m->ndc; i++)
				seen = seen || strcasecmp(l, m->dcs[i].name) == 0;
			if (!seen)
				now = talloc_asprintf_append(now, "%s %s\n", l,
							     sp + 1);
		}
	}
	if (now != NULL && (changed || old == NULL ||
			    strcmp(old, now) != 0))
		(void)sc_write_file_atomic(tmp, path, now, strlen(now), 0600,
					   NULL);
done:
	talloc_free(tmp);
}
