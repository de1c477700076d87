/*
 * The administrator of -U / --password-file / --use-ccache, for every
 * verb that can act as one (reset, audit).
 *
 * The password comes from the terminal (echo off) or the first line of a
 * file, never from argv, and lives only in a wiping sc_secret.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "netchk.h"

/* One line of up to 1023 bytes into a wiping secret, without newline. */
static struct sc_secret *read_line_secret(TALLOC_CTX *mem_ctx, int fd)
{
	struct sc_secret *s = sc_secret_new(mem_ctx, NULL, 1024);
	size_t n = 0;
	char c;

	if (s == NULL)
		return NULL;
	while (n < 1023) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		s->data[n++] = (uint8_t)c;
	}
	if (n > 0 && s->data[n - 1] == '\r')
		n--;
	s->len = n;
	return s;
}

/*
 * The terminal whose echo the prompt turned off, for the signal handler:
 * Ctrl-C (or a kill) at the prompt must leave the terminal as it was.
 */
static volatile sig_atomic_t prompt_fd = -1;
static struct termios prompt_saved;

static void prompt_signal(int sig)
{
	if (prompt_fd >= 0)
		tcsetattr(prompt_fd, TCSAFLUSH, &prompt_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read a line from the terminal fd with echo off, echo restored on
 * every way out (return or a terminating signal). */
static struct sc_secret *read_no_echo(TALLOC_CTX *mem_ctx, int fd)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = prompt_signal }, old[4];
	struct sc_secret *s = NULL;
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return NULL;
	prompt_saved = t;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &sa, &old[i]);
	prompt_fd = fd;
	t.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &t);
	s = read_line_secret(mem_ctx, fd);
	tcsetattr(fd, TCSAFLUSH, &prompt_saved);
	prompt_fd = -1;
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	return s;
}

static struct sc_secret *admin_password(TALLOC_CTX *mem_ctx)
{
	struct sc_secret *s = NULL;
	int fd;

	if (netchk_common.password_file != NULL) {
		fd = open(netchk_common.password_file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			netchk_bad_args("--password-file %s: %s",
					netchk_common.password_file,
					strerror(errno));
			return NULL;
		}
		s = read_line_secret(mem_ctx, fd);
		close(fd);
	} else {
		fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			netchk_bad_args("-U needs a terminal for the "
					"password prompt, or --password-file");
			return NULL;
		}
		dprintf(fd, "Password for %s: ", netchk_common.user);
		s = read_no_echo(mem_ctx, fd);
		dprintf(fd, "\n");
		close(fd);
	}
	if (s != NULL && s->len == 0) {
		/* Never an AS exchange (and a badPwdCount) for nothing. */
		netchk_bad_args("the administrator password for %s is "
				"empty: refused", netchk_common.user);
		talloc_free(s);
		return NULL;
	}
	return s;
}

const char *netchk_admin_problem(void)
{
	if (netchk_common.use_ccache && netchk_common.password_file != NULL)
		return "--use-ccache and --password-file exclude each other";
	if (netchk_common.password_file != NULL && netchk_common.user == NULL)
		return "--password-file needs -U USER";
	return NULL;
}

bool netchk_admin_creds(TALLOC_CTX *mem_ctx, bool need_password,
			const char **user_out,
			const struct sc_secret **password_out,
			const char **ccache_out)
{
	if (netchk_common.use_ccache) {
		/* -U, if given, names the principal the cache must hold. */
		const char *cc = getenv("KRB5CCNAME");

		*user_out = netchk_common.user;
		*ccache_out = talloc_strdup(mem_ctx, cc != NULL ? cc : "");
		return *ccache_out != NULL;
	}
	if (netchk_common.user == NULL)
		return true;
	*user_out = netchk_common.user;
	*password_out = need_password ? admin_password(mem_ctx) :
			sc_secret_new(mem_ctx, "", 0);
	return *password_out != NULL;
}
