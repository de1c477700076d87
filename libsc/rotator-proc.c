/*
 * libsc - a rotator changing the password right now
 *
 * sssd renews the machine password by running 'adcli update'; cron and
 * systemd timers run adcli or msktutil.  Such a run changes the password
 * on the DC first, then appends its new keys to the keytab one entry at
 * a time: for a second or so the keytab is half old, half new, and the
 * DC is one kvno ahead of what the keytab says.  A reader in that window
 * judges a host broken that is about to be healthy; a change of netchk's
 * own in that window races the other one, and whichever keytab write
 * comes last wins, whatever the DC holds.  So before the stores are read,
 * and again right before the DC is touched, netchk waits for every such
 * process that writes one of the keytabs it is about to read or write.
 *
 * Which keytab a process writes: its own option (adcli --host-keytab,
 * msktutil --keytab), else its KRB5_KTNAME, else the host's default one.
 * The file is compared by identity as that process sees it
 * (/proc/PID/root): a container's adcli writes its own keytab.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "reset-private.h"

#define CMDLINE_MAX 8192

/*
 * The tools that rotate: the arguments that make a run set the password
 * and write a keytab, and their option naming the keytab (long name
 * without its dashes, short letter).
 */
static const struct rotator_tool {
	const char *name;
	const char *writes[5];
	const char *keytab_long;
	char keytab_short;
} tools[] = {
	{ "adcli", { "update", "join" }, "host-keytab", 'K' },
	{ "msktutil", { "--auto-update", "--update", "-u", "--create", "-c" },
	  "keytab", 'k' },
};

/* Option o's value in argv[i]: "--o=V", "--o V", "-sV" or "-s V". */
static const char *opt_value(const char *const *argv, size_t i,
			     const struct rotator_tool *t)
{
	const char *a = argv[i];
	size_t n = strlen(t->keytab_long);

	if (a[0] == '-' && a[1] == '-' &&
	    strncmp(a + 2, t->keytab_long, n) == 0) {
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (a[2 + n] == '\0')
			return argv[i + 1];
	}
	if (a[0] == '-' && a[1] == t->keytab_short)
		return a[2] != '\0' ? a + 2 : argv[i + 1];
	return NULL;
}

static bool writes(const char *const *argv, const struct rotator_tool *t)
{
	for (size_t i = 1; argv[i] != NULL; i++)
		for (size_t j = 0; j < 5 && t->writes[j] != NULL; j++)
			if (strcmp(argv[i], t->writes[j]) == 0)
				return true;
	return false;
}

bool sci_rotator_cmdline(const char *const *argv, const char **keytab_out)
{
	const struct rotator_tool *t = NULL;
	const char *base, *kt = NULL;

	*keytab_out = NULL;
	if (argv == NULL || argv[0] == NULL)
		return false;
	base = strrchr(argv[0], '/') != NULL ? strrchr(argv[0], '/') + 1 :
					       argv[0];
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(base, tools[i].name) == 0)
			t = &tools[i];
	if (t == NULL || !writes(argv, t))
		return false;
	for (size_t i = 1; kt == NULL && argv[i] != NULL; i++)
		kt = opt_value(argv, i, t);
	*keytab_out = kt;
	return true;
}

/* /proc/PID/cmdline and, when it names no keytab, KRB5_KTNAME. */
static bool read_proc(TALLOC_CTX *mem_ctx, const char *pid, const char *file,
		      char **buf_out, size_t *len_out)
{
	char path[64];
	char *buf = talloc_size(mem_ctx, CMDLINE_MAX + 1);
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || buf == NULL) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (len < CMDLINE_MAX &&
	       (n = read(fd, buf + len, CMDLINE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	*buf_out = buf;
	*len_out = len;
	return len > 0;
}

/* NUL-separated words as an argv (NULL-terminated). */
static const char **split_nul(TALLOC_CTX *mem_ctx, char *buf, size_t len)
{
	const char **v = talloc_zero_array(mem_ctx, const char *, 1);
	size_t n = 0;

	for (size_t i = 0; v != NULL && i < len; i += strlen(buf + i) + 1) {
		v = talloc_realloc(mem_ctx, v, const char *, n + 2);
		if (v != NULL) {
			v[n++] = buf + i;
			v[n] = NULL;
		}
	}
	return v;
}

/*
 * The rotator's KRB5_KTNAME.  Its environment may hold anything (an
 * administrator's password in a variable): only that value is kept, the
 * rest is wiped before it is freed.
 */
static const char *env_ktname(TALLOC_CTX *mem_ctx, const char *pid)
{
	const char *found = NULL;
	char *buf;
	size_t len;

	if (!read_proc(mem_ctx, pid, "environ", &buf, &len))
		return NULL;
	for (size_t i = 0; found == NULL && i < len;
	     i += strlen(buf + i) + 1)
		if (strncmp(buf + i, "KRB5_KTNAME=", 12) == 0)
			found = talloc_strdup(mem_ctx, buf + i + 12);
	explicit_bzero(buf, len);
	talloc_free(buf);
	return found;
}

/* Does pid write one of the files in ids (as it sees its keytab)? */
static bool writes_ours(TALLOC_CTX *mem_ctx, const char *pid,
			const char *kt, const char *dflt,
			const struct stat *ids, size_t nids)
{
	const char *name = kt != NULL ? kt : env_ktname(mem_ctx, pid);
	const char *path, *why = NULL;
	char *seen;
	struct stat st;

	if (name == NULL)
		name = dflt;
	path = name != NULL ? sci_keytab_file_path(mem_ctx, name, &why) : NULL;
	if (path == NULL)
		return false;
	seen = talloc_asprintf(mem_ctx, "/proc/%s/%s%s", pid,
			       path[0] == '/' ? "root" : "cwd/", path);
	if (seen == NULL || stat(seen, &st) != 0)
		return false;
	for (size_t i = 0; i < nids; i++)
		if (ids[i].st_dev == st.st_dev && ids[i].st_ino == st.st_ino)
			return true;
	return false;
}

/* The first process that rotates into one of ids' files: pid, or 0. */
static long find_rotator(const char *dflt, const struct stat *ids,
			 size_t nids, char *name, size_t name_len)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	DIR *d = opendir("/proc");
	struct dirent *e;
	long found = 0;

	while (tmp_ctx != NULL && d != NULL && found == 0 &&
	       (e = readdir(d)) != NULL) {
		TALLOC_CTX *one = talloc_new(tmp_ctx);
		const char **argv, *kt = NULL;
		char *buf;
		size_t len;

		if (one == NULL || e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    atol(e->d_name) == (long)getpid() ||
		    !read_proc(one, e->d_name, "cmdline", &buf, &len) ||
		    (argv = split_nul(one, buf, len)) == NULL ||
		    !sci_rotator_cmdline(argv, &kt) ||
		    !writes_ours(one, e->d_name, kt, dflt, ids, nids)) {
			talloc_free(one);
			continue;
		}
		found = atol(e->d_name);
		snprintf(name, name_len, "%s", strrchr(argv[0], '/') != NULL ?
			 strrchr(argv[0], '/') + 1 : argv[0]);
		talloc_free(one);
	}
	if (d != NULL)
		closedir(d);
	talloc_free(tmp_ctx);
	return found;
}

/* The identities of the keytab files named (those that exist). */
static size_t keytab_ids(TALLOC_CTX *mem_ctx, const char *const *keytabs,
			 struct stat *ids, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; keytabs[i] != NULL && n < max; i++) {
		const char *why = NULL;
		const char *p = sci_keytab_file_path(mem_ctx, keytabs[i],
						     &why);

		if (p != NULL && stat(p, &ids[n]) == 0)
			n++;
	}
	return n;
}

bool sci_rotator_settle(const char *const *keytabs, double seconds,
			const struct sc_verify_opts *opts, long *pid_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	struct stat ids[8];
	char name[32] = "";
	double t0 = sci_now();
	size_t nids;
	long pid, first;

	*pid_out = 0;
	if (tmp_ctx == NULL || keytabs == NULL || keytabs[0] == NULL) {
		talloc_free(tmp_ctx);
		return true;
	}
	nids = keytab_ids(tmp_ctx, keytabs, ids, 8);
	first = pid = nids > 0 ? find_rotator(keytabs[0], ids, nids, name,
					      sizeof(name)) : 0;
	if (pid != 0)
		sci_message(opts, "%s (pid %ld) is changing the machine "
			    "password and writing %s: waiting for it to "
			    "finish", name, pid, keytabs[0]);
	while (pid != 0 && sci_now() - t0 < seconds) {
		nanosleep(&tick, NULL);
		pid = find_rotator(keytabs[0], ids, nids, name, sizeof(name));
	}
	if (first != 0)
		sci_message(opts, pid == 0 ? "%s finished after %.1f s" :
			    "%s still runs after %.1f s", name,
			    sci_now() - t0);
	talloc_free(tmp_ctx);
	*pid_out = pid != 0 ? pid : first;
	return pid == 0;
}
