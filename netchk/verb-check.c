/*
 * netchk check [HOST] - the monitoring health check
 *
 * One sc_verify() run (lockout memory included: a secret a DC rejected
 * is not presented to it again), turned into a check model, rendered per
 * the monitoring-plugins guidelines or as Prometheus metrics.  Read-only:
 * check never repairs anything.  --cached renders the model the last
 * live check left in the status file, for agents that may not read the
 * machine secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "netchk.h"
#include "check.h"
#include "remote.h"

#define DEFAULT_STATUS_FILE	"/var/cache/netchk/check-status"
#define DEFAULT_MAX_AGE		1800	/* s: two timer periods */
#define STATUS_MAX_SIZE		(256 * 1024)
#define DEFAULT_LIMIT		10	/* s: -t, the monitoring-plugins
					 * default */
#define EXCHANGE_TIMEOUT	5	/* s: at most per network exchange */

static struct {
	char *warning;
	char *critical;
	char *clock_warning;
	char *clock_critical;
	char *format;
	char *textfile;
	char *cached;
	char *status_file;
	int verbose;
	int help;
	int version;
} o;

enum { OPT_VERBOSE = 1, OPT_CACHED };

const struct poptOption netchk_check_options[] = {
	{ "warning", 'w', POPT_ARG_STRING, &o.warning, 0,
	  "password age range, WARNING outside it (default 0:twice the "
	  "machine password timeout)", "[@]START:END" },
	{ "critical", 'c', POPT_ARG_STRING, &o.critical, 0,
	  "password age range, CRITICAL outside it (default none)",
	  "[@]START:END" },
	{ "clock-warning", 0, POPT_ARG_STRING, &o.clock_warning, 0,
	  "clock offset range in seconds (default -180:180)",
	  "[@]START:END" },
	{ "clock-critical", 0, POPT_ARG_STRING, &o.clock_critical, 0,
	  "clock offset range in seconds (default -300:300)",
	  "[@]START:END" },
	{ "format", 0, POPT_ARG_STRING, &o.format, 0,
	  "output format: nagios (default) or prometheus",
	  "nagios|prometheus" },
	{ "textfile", 0, POPT_ARG_STRING, &o.textfile, 0,
	  "also write DIR/netchk.prom atomically (node_exporter textfile "
	  "collector)", "DIR" },
	{ "cached", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &o.cached,
	  OPT_CACHED, "report the last timer run from the status file; "
	  "UNKNOWN when older than MAX_AGE seconds (default 1800)",
	  "MAX_AGE" },
	{ "status-file", 0, POPT_ARG_STRING, &o.status_file, 0,
	  "status file a live check writes and --cached reads "
	  "(default " DEFAULT_STATUS_FILE " for --cached)", "FILE" },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_store_options, 0,
	  "Stores:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_dc_options_H, 0,
	  "Domain controllers:", NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_discovery_options,
	  0, NULL, NULL },
	{ NULL, 0, POPT_ARG_INCLUDE_TABLE, (void *)netchk_remote_options, 0,
	  "Other hosts (over ssh) and other accounts:", NULL },
	{ "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
	  "more detail; -vvv narrates the probes on stderr", NULL },
	{ "help", 'h', POPT_ARG_NONE, &o.help, 0,
	  "show this help (exit 3, as the plugin guidelines say)", NULL },
	{ "version", 'V', POPT_ARG_NONE, &o.version, 0,
	  "show the version (exit 3)", NULL },
	POPT_TABLEEND
};

/*
 * What a run through sudo may be given: thresholds, output, which DCs and
 * how long.  Nothing that names a file, a host to run on, an account, or
 * presents a remembered secret again (sudo-guard.c).
 */
static const char *const sudo_allowed[] = {
	"warning", "critical", "clock-warning", "clock-critical", "format",
	"cached", "verbose", "help", "version", "server", "timeout", "site",
	"all-dcs", NULL
};

/* Bad input: one plugin line on stdout, UNKNOWN. */
static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("NETCHK UNKNOWN - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs(" (see 'netchk check --help')\n", stdout);
	return CHECK_UNKNOWN;
}

static bool range_opt(const char *name, const char *s, bool units,
		      struct netchk_range *r)
{
	if (s == NULL)
		return true;
	if (netchk_range_parse(s, units, r))
		return true;
	usage_error("%s: '%s' is not a range ([@]start:end%s)", name, s,
		    units ? ", numbers may end in s, m, h, d or w" : "");
	return false;
}

/* The whole of a small file; NULL with errno set on failure. */
static char *read_small(TALLOC_CTX *mem_ctx, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return NULL;
	buf = talloc_size(mem_ctx, STATUS_MAX_SIZE + 1);
	while (buf != NULL && len < STATUS_MAX_SIZE) {
		ssize_t n = read(fd, buf + len, STATUS_MAX_SIZE - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			talloc_free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/*
 * -t is the whole plugin's limit, as the monitoring-plugins guidelines
 * define it.  Probing stops a little before it (sc_verify's deadline),
 * so that what is known is still rendered in time; an alarm at the limit
 * itself is the backstop for anything local that hangs (DNS, a store),
 * with the guidelines' default timeout state, CRITICAL.
 */
static char timed_out_line[96];

static void plugin_timed_out(int sig)
{
	(void)sig;
	if (write(STDOUT_FILENO, timed_out_line,
		  strlen(timed_out_line)) < 0)
		_exit(CHECK_CRITICAL);
	_exit(CHECK_CRITICAL);
}

/* What is kept of the limit for rendering the answer (s). */
static double limit_margin(int limit)
{
	return limit / 10.0 < 0.5 ? limit / 10.0 : 0.5;
}

/* Each network exchange waits at most this much of the limit (s). */
static int exchange_timeout(int limit)
{
	return limit < EXCHANGE_TIMEOUT ? limit : EXCHANGE_TIMEOUT;
}

/* The backstop: the plugin's timeout line at the limit itself. */
static void arm_alarm(int limit)
{
	snprintf(timed_out_line, sizeof(timed_out_line), "NETCHK CRITICAL - "
		 "plugin timed out after %d s\n", limit);
	signal(SIGALRM, plugin_timed_out);
	alarm((unsigned)limit);
}

/* What a failed sc_verify() means for monitoring, with the fix. */
static struct check_model *failed_model(TALLOC_CTX *mem_ctx, enum sc_rc rc,
					const struct sc_error *err,
					const struct sc_verify_opts *vo,
					time_t now, double took)
{
	const char *msg = err != NULL && err->message != NULL ?
			  err->message : sc_rc_name(rc);
	struct sc_config *cfg = NULL;
	enum check_state st = CHECK_UNKNOWN;
	char *text;

	switch (rc) {
	case SC_EACCES:
		text = talloc_asprintf(mem_ctx, "%s; or let "
			"netchk-check.timer run the check and use 'netchk "
			"check --cached', or see the sudoers line in "
			"netchk(8)", msg);
		break;
	case SC_ENET:
	case SC_ETIMEOUT:
		st = CHECK_CRITICAL;
		text = talloc_asprintf(mem_ctx, "no DC reachable: %s", msg);
		break;
	case SC_ENOENT:
		/* on a host set up for AD a missing store is a broken trust */
		if (sc_config_load(mem_ctx, vo->smb_conf, vo->keytab, &cfg,
				   NULL) == SC_OK && cfg->security_ads) {
			st = CHECK_CRITICAL;
			text = talloc_asprintf(mem_ctx, "%s (this host is "
				"configured as a member of %s)", msg,
				cfg->realm);
		} else {
			text = talloc_strdup(mem_ctx, msg);
		}
		break;
	case SC_ECONFIG:
		text = talloc_asprintf(mem_ctx, "%s: this host is not "
			"configured as an AD member (smb.conf)", msg);
		break;
	default:
		text = talloc_strdup(mem_ctx, msg);
		break;
	}
	return check_model_failed(mem_ctx, st, text ? text : msg, now, took);
}

static int write_textfile(TALLOC_CTX *mem_ctx, const char *dir,
			  const struct check_model *m,
			  const struct check_thresholds *th)
{
	char *buf = NULL, *path;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sc_error *err = NULL;
	enum sc_rc rc;

	if (f == NULL)
		return -1;
	check_render_prometheus(f, m, th);
	if (fclose(f) != 0) {
		free(buf);
		return -1;
	}
	path = talloc_asprintf(mem_ctx, "%s/netchk.prom", dir);
	/* world-readable: node_exporter does not run as root */
	rc = path ? sc_write_file_atomic(mem_ctx, path, buf, len, 0644, &err)
		  : SC_ENOMEM;
	free(buf);
	if (rc != SC_OK) {
		netchk_error("--textfile: %s", err && err->message ?
			     err->message : sc_rc_name(rc));
		return -1;
	}
	return 0;
}

static enum check_state render(const struct check_model *m,
			       const struct check_thresholds *th,
			       bool prometheus)
{
	if (prometheus)
		return check_render_prometheus(stdout, m, th);
	return check_render_nagios(stdout, m, th, o.verbose);
}

/*
 * A status written at when is current at now: not older than max_age,
 * not more than a minute ahead.  *age_out is its age, saturated: the
 * timestamp comes from a file and may be anything.
 */
static bool status_current(int64_t when, int64_t now, long max_age,
			   long long *age_out)
{
	int64_t age;

	if (__builtin_sub_overflow(now, when, &age)) {
		*age_out = when < 0 ? INT64_MAX : INT64_MIN;
		return false;		/* no status is that old or new */
	}
	*age_out = age;
	return age <= max_age && age >= -60;
}

/* --cached: the last live check's model, as it was. */
static int run_cached(TALLOC_CTX *mem, const struct check_thresholds *th,
		      bool prometheus)
{
	const char *path = o.status_file ? o.status_file :
			   DEFAULT_STATUS_FILE;
	long max_age = DEFAULT_MAX_AGE;
	long long age;
	struct check_model *m;
	char *text, *end = NULL;
	time_t now = time(NULL);

	if (o.cached != NULL && *o.cached) {
		errno = 0;
		max_age = strtol(o.cached, &end, 10);
		if (errno != 0 || *end != '\0' || max_age <= 0)
			return usage_error("--cached: '%s' is not a number "
					   "of seconds", o.cached);
	}
	text = read_small(mem, path);
	if (text == NULL)
		return usage_error("cannot read %s: %s; is "
			"netchk-check.timer enabled and has it run?", path,
			strerror(errno));
	m = check_model_load(mem, text);
	if (m == NULL)
		return usage_error("%s is not a netchk status file", path);
	if (!status_current(m->when, now, max_age, &age))
		return usage_error("the status in %s is %lld s old (more than "
			"%ld s): is netchk-check.timer running? (last "
			"result: %s)", path, age, max_age,
			check_state_name(m->state));
	return render(m, th, prometheus);
}

/* The model written down and read back: what --cached will see. */
static struct check_model *round_trip(TALLOC_CTX *mem,
				      const struct check_model *m,
				      char **text_out)
{
	char *text = check_model_save(mem, m);
	struct check_model *back = text ? check_model_load(mem, text) : NULL;

	*text_out = text;
	return back;
}

/* What the remote verify's answer renders with. */
struct remote_check {
	const struct check_thresholds *th;
	bool prometheus;
	int limit;			/* -t */
};

/* HOST's verify answer as this host's check would show it. */
/*
 * No result from HOST: a failed check's model, in the format asked for
 * (a Prometheus document must stay one, or a textfile collector drops
 * it), as a local check that could not run is rendered.
 */
static enum check_state remote_failed(const struct remote_check *rc,
				      enum check_state st, FILE *out,
				      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static enum check_state remote_failed(const struct remote_check *rc,
				      enum check_state st, FILE *out,
				      const char *fmt, ...)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct check_model *m;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	text = tmp != NULL ? talloc_vasprintf(tmp, fmt, ap) : NULL;
	va_end(ap);
	m = text != NULL ? check_model_failed(tmp, st, text, time(NULL), 0) :
	    NULL;
	if (m == NULL)
		fprintf(out, "NETCHK UNKNOWN - out of memory\n");
	else
		st = rc->prometheus ? check_render_prometheus(out, m, rc->th) :
		     check_render_nagios(out, m, rc->th, o.verbose);
	talloc_free(tmp);
	return m != NULL ? st : CHECK_UNKNOWN;
}

static enum check_state remote_render(const struct netchk_remote_call *call,
				      const char *host,
				      const struct json *doc, FILE *out)
{
	const struct remote_check *rc = call->private_data;
	struct sc_verify_result *res = netchk_verify_from_json(NULL, doc);
	struct check_model *m;
	enum check_state st = CHECK_UNKNOWN;

	if (res == NULL)
		return remote_failed(rc, CHECK_UNKNOWN, out, "%s: the netchk "
				     "there sent a result this one cannot "
				     "read (another version?)", host);
	res->account = talloc_asprintf(res, "%s on %s", res->account, host);
	m = res->account ? check_model_from_verify(res, res, time(NULL)) :
	    NULL;
	if (m != NULL)
		st = rc->prometheus ? check_render_prometheus(out, m, rc->th) :
		     check_render_nagios(out, m, rc->th, o.verbose);
	talloc_free(res);
	return st;
}

static int remote_full(const struct netchk_remote_call *call,
		       const char *host, const struct json *doc)
{
	return remote_render(call, host, doc, stdout);
}

/* --hosts: the plugin's first line */
static int remote_line(const struct netchk_remote_call *call,
		       const char *host, const struct json *doc,
		       char **text_out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	enum check_state st = CHECK_UNKNOWN;

	if (f != NULL) {
		st = remote_render(call, host, doc, f);
		fclose(f);
	}
	*text_out = talloc_strndup(NULL, buf ? buf : "",
				   buf ? strcspn(buf, "\n") : 0);
	free(buf);
	return st;
}

/*
 * No answer within -t is the plugin's timeout, as for a local check
 * (CRITICAL); every other failure, --deadline's included, is UNKNOWN.
 */
static int remote_error(const struct netchk_remote_call *call,
			const char *host, const char *text, bool timed_out)
{
	const struct remote_check *rc = call->private_data;

	if (timed_out)
		return remote_failed(rc, CHECK_CRITICAL, stdout, "%s: plugin "
				     "timed out after %d s: no answer from "
				     "the netchk there", host, rc->limit);
	return remote_failed(rc, CHECK_UNKNOWN, stdout, "%s: %s", host, text);
}

static const struct netchk_remote_verb remote_check = {
	"verify", remote_full, remote_line, remote_error,
};

/*
 * check HOST runs `netchk verify --json` there and evaluates the
 * thresholds here: one answer format for every remote verb, and the
 * thresholds of the monitoring host apply to every member.  -t bounds
 * each host as it bounds a local check: the netchk there is given the
 * time left (--deadline) to answer with what it knows, and a host
 * still silent at the limit is killed and reported timed out.
 */
static int run_remote(TALLOC_CTX *mem, const char *host,
		      const struct check_thresholds *th, bool prometheus,
		      int limit)
{
	struct remote_check rc = { th, prometheus, limit };
	struct netchk_remote_call call = { &remote_check, host };
	struct netchk_fwd *f = &call.fwd;

	if (o.textfile != NULL || o.status_file != NULL)
		return usage_error("--textfile and --status-file are for "
				   "this host's own check, not HOST or "
				   "--hosts");
	if (prometheus && netchk_remote.hosts != NULL)
		return usage_error("--format=prometheus is one document per "
				   "host, not for --hosts: let each member "
				   "write its own --textfile for node_exporter "
				   "(netchk-check.timer)");
	call.private_data = &rc;
	call.timeout = limit;
	call.limit = limit - limit_margin(limit);
	netchk_fwd_common(mem, f, exchange_timeout(limit));
	return netchk_remote_run(mem, &call);
}

int netchk_check(const struct netchk_verb *verb, int argc, const char **argv)
{
	struct sc_verify_opts vo = { 0 };
	struct sc_verify_result *res = NULL;
	struct sc_error *err = NULL;
	struct check_thresholds th = { 0 };
	struct check_model *m = NULL, *prev = NULL;
	TALLOC_CTX *mem = talloc_new(NULL);
	const char *host = NULL, *problem;
	bool prometheus = false, cached = false;
	char *text = NULL, *reasons = NULL;
	poptContext pc;
	time_t now;
	enum sc_rc rc;
	int ret = CHECK_UNKNOWN, c, limit;

	if (netchk_via_sudo()) {
		const char *no = netchk_sudo_refused(netchk_check_options,
						     argc, argv,
						     sudo_allowed);

		if (no != NULL) {
			printf("NETCHK UNKNOWN - check through sudo takes "
			       "no %s, only -w -c --clock-warning "
			       "--clock-critical --format -H -t --site "
			       "--all-dcs --cached -v (see netchk(8); or "
			       "'netchk check --cached' without sudo)\n", no);
			talloc_free(mem);
			return NETCHK_EXIT_REFUSED;
		}
	}
	pc = netchk_popt_context(verb, argc, argv);
	while ((c = poptGetNextOpt(pc)) > 0) {
		if (c == OPT_VERBOSE)
			o.verbose++;
		else if (c == OPT_CACHED)
			cached = true;
	}
	if (o.help) {
		poptPrintHelp(pc, stdout, 0);
		goto done;
	}
	if (o.version) {
		printf("netchk check %s (libsc %s)\n", SC_VERSION,
		       sc_version());
		goto done;
	}
	if (c < -1) {
		ret = usage_error("%s: %s",
				  poptBadOption(pc, POPT_BADOPTION_NOALIAS),
				  poptStrerror(c));
		goto done;
	}
	problem = netchk_common_problem(pc, "check", &host);
	if (problem != NULL) {
		ret = usage_error("%s", problem);
		goto done;
	}
	if (o.format != NULL && strcmp(o.format, "prometheus") == 0) {
		prometheus = true;
	} else if (o.format != NULL && strcmp(o.format, "nagios") != 0) {
		ret = usage_error("--format: '%s' is neither nagios nor "
				  "prometheus", o.format);
		goto done;
	}
	if (!range_opt("--warning", o.warning, true, &th.pw_warn) ||
	    !range_opt("--critical", o.critical, true, &th.pw_crit) ||
	    !range_opt("--clock-warning", o.clock_warning, false,
		       &th.clock_warn) ||
	    !range_opt("--clock-critical", o.clock_critical, false,
		       &th.clock_crit))
		goto done;
	if (cached && (host != NULL || netchk_common.server != NULL ||
		       netchk_remote.hosts != NULL ||
		       o.textfile != NULL || netchk_common.all_dcs)) {
		ret = usage_error("--cached reports the timer's last run; it "
				  "takes no HOST, --hosts, --server, --all-dcs "
				  "or --textfile");
		goto done;
	}
	if (cached) {
		ret = run_cached(mem, &th, prometheus);
		goto done;
	}
	limit = netchk_common.timeout > 0 ? netchk_common.timeout :
		DEFAULT_LIMIT;
	/* one host, here or there (resolving HOST may hang): -t bounds it */
	if (netchk_remote.hosts == NULL)
		arm_alarm(limit);
	if (netchk_remote_wanted(host)) {
		ret = run_remote(mem, host, &th, prometheus, limit);
		goto done;
	}

	netchk_common_verify_opts(&vo, netchk_remote.account);
	vo.timeout = exchange_timeout(limit);
	vo.deadline = limit - limit_margin(limit);
	if (o.verbose >= 3)
		vo.message = netchk_progress;
	now = time(NULL);
	rc = sc_verify(mem, &vo, &res, &err);
	if (rc == SC_OK)
		m = check_model_from_verify(mem, res, now);
	else
		m = failed_model(mem, rc, err, &vo, now,
				 (double)(time(NULL) - now));
	if (m == NULL) {
		ret = usage_error("out of memory");
		goto done;
	}
	/* one journal / syslog message per DC whose state changed */
	if (rc == SC_OK)
		check_log_changes(mem, m, netchk_state_dir(), read_small);

	/* the last OK run, carried over from the previous status */
	if (o.status_file != NULL) {
		char *old = read_small(mem, o.status_file);

		prev = old ? check_model_load(mem, old) : NULL;
	}
	if (check_evaluate(mem, m, &th, &reasons) == CHECK_OK) {
		m->have_success = true;
		m->last_success = m->when;
	} else if (prev != NULL && prev->have_success) {
		m->have_success = true;
		m->last_success = prev->last_success;
	}
	m = round_trip(mem, m, &text);
	if (m == NULL) {
		ret = usage_error("cannot write down the check result");
		goto done;
	}
	if (o.status_file != NULL &&
	    (sc_mkdir_parents(mem, o.status_file, 0755, &err) != SC_OK ||
	     sc_write_file_atomic(mem, o.status_file, text, strlen(text), 0644,
				  &err) != SC_OK))
		netchk_error("--status-file: %s", err && err->message ?
			     err->message : "cannot write");
	if (o.textfile != NULL)
		write_textfile(mem, o.textfile, m, &th);
	alarm(0);	/* rendering is not cut in half */
	ret = render(m, &th, prometheus);
done:
	poptFreeContext(pc);
	talloc_free(mem);
	return ret;
}
