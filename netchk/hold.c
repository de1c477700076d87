/*
 * netchk reset: services held off while the machine password changes
 *
 * winbindd caches the machine password and its schannel, and changes the
 * password itself when 'machine password timeout' expires; sssd renews it
 * with adcli when ad_maximum_machine_account_password_age has passed.
 * A change of their own racing netchk's would leave the DC and the stores
 * with different passwords.  So each that runs is stopped right before
 * the new password is journalled and the DC is touched, and started again
 * once the stores are written, or the change failed.  <state-dir>/NAME-held
 * records the stop ("systemd", or "direct" and the command line it ran
 * with), so a run killed meanwhile leaves the next run to start it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "netchk.h"

#define SSSD_PID_FILE "/run/sssd.pid"	/* Debian's and Fedora's sssd */
#define HOLD_ARGS NETCHK_HOLD_ARGS

/* First line of a command's stdout (no shell), or NULL. */
static char *capture(const char *const argv[])
{
	static char buf[4096];
	int fds[2], st;
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	if (pipe(fds) != 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fds[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(fds[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && len < sizeof(buf) - 1 &&
	       (n = read(fds[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		return NULL;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return len > 0 ? buf : NULL;
}

/* Run argv (no shell); stdout to stderr under --json, else nowhere;
 * stderr nowhere either when quiet. */
static bool run_argv_q(const char *const argv[], bool quiet)
{
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(netchk_common.json ? 2 : null, 1);
			if (quiet)
				dup2(null, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
	return st == 0;
}

static bool run_argv(const char *const argv[])
{
	return run_argv_q(argv, false);
}

/* Without systemd (a container, the lab) this is false, and quiet. */
static bool systemd_active(const char *unit)
{
	const char *argv[] = { "systemctl", "is-active", "--quiet", unit,
			       NULL };

	return run_argv_q(argv, true);
}

/* A process that is alive and not a zombie, named comm. */
static bool proc_alive(pid_t pid, const char *comm)
{
	char path[64], buf[256];
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) != NULL) {
		char *l = strchr(buf, '('), *r = strrchr(buf, ')');

		ok = l != NULL && r != NULL && r > l &&
		     (size_t)(r - l - 1) == strlen(comm) &&
		     strncmp(l + 1, comm, strlen(comm)) == 0 &&
		     r[1] == ' ' && r[2] != 'Z' && r[2] != 'X';
	}
	fclose(f);
	return ok;
}

/* The pid in file, when that process is alive and named comm; else 0. */
static pid_t pidfile_pid(const char *file, const char *comm)
{
	long pid = 0;
	FILE *f = fopen(file, "re");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid > 1 && proc_alive((pid_t)pid, comm) ? (pid_t)pid : 0;
}

/* The running winbindd of this smb.conf: Samba's pid directory. */
static pid_t winbindd_pid(void)
{
	const char *argv[] = { "testparm", "-s", "--parameter-name",
			       "pid directory", netchk_common.configfile, NULL };
	char path[4200];
	char *dir;

	if (netchk_common.configfile == NULL)
		argv[4] = NULL;
	dir = capture(argv);
	if (dir == NULL)
		dir = "/run/samba";
	snprintf(path, sizeof(path), "%s/winbindd.pid", dir);
	return pidfile_pid(path, "winbindd");
}

static pid_t sssd_pid(void)
{
	return pidfile_pid(SSSD_PID_FILE, "sssd");
}

/* The command line pid runs with, into h->argv (NULL-terminated). */
static bool read_cmdline(struct netchk_hold *h, pid_t pid)
{
	char path[64];
	size_t len = 0, n = 0;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (len < sizeof(h->cmdline) - 1 &&
	       (got = read(fd, h->cmdline + len,
			   sizeof(h->cmdline) - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	h->cmdline[len] = '\0';
	for (size_t i = 0; i < len && n < HOLD_ARGS - 1;
	     i += strlen(h->cmdline + i) + 1)
		h->argv[n++] = h->cmdline + i;
	h->argv[n] = NULL;
	return n > 0;
}

/* Start the service the way it ran: systemd, or its own command line. */
static bool hold_start(struct netchk_hold *h)
{
	const char *sd[] = { "systemctl", "start", h->name, NULL };
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	bool ok;

	ok = h->systemd ? run_argv(sd) : run_argv(h->argv);
	for (int i = 0; ok && i < 100 && h->pid() == 0; i++)
		nanosleep(&ts, NULL);
	return ok && h->pid() != 0;
}

/* Record the stop before it happens; the start argv for "direct". */
static void hold_record(struct netchk_hold *h)
{
	int fd = open(h->held_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		      O_NOFOLLOW, 0600);

	if (fd < 0)
		return;
	dprintf(fd, "%s\n", h->systemd ? "systemd" : "direct");
	for (size_t i = 0; !h->systemd && h->argv[i] != NULL; i++)
		dprintf(fd, "%s\n", h->argv[i]);
	fsync(fd);
	close(fd);
}

/*
 * Stop (on) or start again one service.  false: it could not be stopped
 * (it still runs; nothing to start again) or not started again.
 */
static bool hold_one(struct netchk_hold *h, bool on)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	pid_t pid;
	bool ok;

	if (on) {
		pid = h->pid();
		if (pid == 0)
			return true;
		h->systemd = systemd_active(h->name);
		if (h->fixed_argv != NULL)
			memcpy(h->argv, h->fixed_argv, sizeof(h->argv));
		else if (!h->systemd && !read_cmdline(h, pid))
			return false;
		hold_record(h);
		if (h->systemd) {
			const char *sd[] = { "systemctl", "stop", h->name,
					     NULL };

			ok = run_argv(sd);
		} else {
			ok = kill(pid, SIGTERM) == 0;
		}
		for (int i = 0; ok && i < 100 && proc_alive(pid, h->comm); i++)
			nanosleep(&ts, NULL);
		/* Still running: not held off, and nothing to start again. */
		ok = !proc_alive(pid, h->comm);
		h->stopped = ok;
		if (!ok)
			unlink(h->held_path);
		fprintf(stderr, " * Stopping %s (pid %ld) while the password "
			"changes ... %s\n", h->name, (long)pid,
			ok ? "done" : "FAILED (it still runs: no change)");
		return ok;
	}
	if (!h->stopped)
		return true;
	ok = hold_start(h);
	h->stopped = false;
	h->started = ok;
	if (ok)
		unlink(h->held_path);
	fprintf(stderr, " * Starting %s ... %s\n", h->name, ok ? "done" :
		"FAILED (the next netchk reset tries again)");
	return ok;
}

/*
 * The sc_reset_opts.hold callback: every service of the set.  When one
 * cannot be stopped, those already stopped are started again and the
 * answer is false: libsc then makes no change.
 */
bool netchk_hold(void *private_data, bool on)
{
	struct netchk_holds *hs = private_data;
	bool ok = true;

	for (size_t i = 0; i < NETCHK_HOLDS && (ok || !on); i++)
		ok = hold_one(&hs->h[i], on) && ok;
	if (on && !ok)
		for (size_t i = 0; i < NETCHK_HOLDS; i++)
			hold_one(&hs->h[i], false);
	return ok;
}

/* A run killed while NAME was held off: start it again. */
static void hold_recover(struct netchk_hold *h)
{
	char buf[sizeof(h->cmdline)];
	ssize_t len;
	size_t n = 0;
	bool ok;
	int fd = open(h->held_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[len > 0 ? len : 0] = '\0';
	if (h->pid() != 0) {
		unlink(h->held_path);
		return;
	}
	h->systemd = strncmp(buf, "systemd", 7) == 0;
	if (h->fixed_argv != NULL) {
		memcpy(h->argv, h->fixed_argv, sizeof(h->argv));
	} else {
		/* "direct\nARG\nARG\n" */
		memcpy(h->cmdline, buf, sizeof(h->cmdline));
		for (char *s = strchr(h->cmdline, '\n'), *e; s != NULL &&
		     (e = strchr(s + 1, '\n')) != NULL && n < HOLD_ARGS - 1;
		     s = e) {
			*e = '\0';
			h->argv[n++] = s + 1;
		}
		h->argv[n] = NULL;
		if (!h->systemd && n == 0)
			return;
	}
	ok = hold_start(h);
	h->started = ok;
	if (ok)
		unlink(h->held_path);
	fprintf(stderr, " * Starting %s, held off by an interrupted netchk "
		"reset ... %s\n", h->name, ok ? "done" : "FAILED");
}

/* The sc_reset_opts.recover callback: libsc calls it under the lock. */
void netchk_hold_recover(void *private_data)
{
	struct netchk_holds *hs = private_data;

	for (size_t i = 0; i < NETCHK_HOLDS; i++)
		hold_recover(&hs->h[i]);
}

/* winbind and sssd, with their held files in the state directory. */
bool netchk_holds_init(TALLOC_CTX *mem_ctx, struct netchk_holds *hs)
{
	static const char *wb_argv[HOLD_ARGS];
	const char *dir = netchk_state_dir();

	memset(hs, 0, sizeof(*hs));
	wb_argv[0] = "winbindd";
	wb_argv[1] = "-D";
	wb_argv[2] = netchk_common.configfile != NULL ? "-s" : NULL;
	wb_argv[3] = netchk_common.configfile;
	hs->h[0].name = "winbind";
	hs->h[0].comm = "winbindd";
	hs->h[0].pid = winbindd_pid;
	hs->h[0].fixed_argv = wb_argv;
	/* its held file keeps the name it always had */
	hs->h[0].held_path = talloc_asprintf(mem_ctx, "%s/winbind-held", dir);
	hs->h[1].name = "sssd";
	hs->h[1].comm = "sssd";
	hs->h[1].pid = sssd_pid;
	hs->h[1].held_path = talloc_asprintf(mem_ctx, "%s/sssd-held", dir);
	return hs->h[0].held_path != NULL && hs->h[1].held_path != NULL;
}
