/*
 * libsc - reset: every local write is tried before the DC changes
 *
 * A password change on the DC cannot be taken back.  If secrets.tdb, the
 * keytab or the journal cannot be written afterwards, the host is left
 * with a secret the DC no longer accepts (or one only the journal
 * holds).  So before the first step of a plan that changes anything,
 * each file it will write is opened for writing, a file is created (and
 * removed) next to each file that is replaced by rename, and Samba's
 * `net` is found: a read-only mount, an immutable file, a keytab that is
 * not a FILE keytab or a missing `net` refuse the plan with nothing
 * changed.  Nothing here writes a byte to a store.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include "reset-private.h"

/*
 * Where netchk looks for the programs it runs (net, and in the CLI
 * systemctl, winbindd, testparm): a fixed list, never the caller's PATH,
 * so that a PATH set by whoever starts netchk (sudo keeps some) cannot
 * put another `net` between netchk and secrets.tdb.
 */
const char *const sci_safe_path =
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const char *sc_safe_path(void)
{
	return sci_safe_path;
}

char *sci_find_program(TALLOC_CTX *mem_ctx, const char *name)
{
	char *list, *dir, *save = NULL, *found = NULL;
	struct stat st;

	if (name == NULL)
		return NULL;
	if (strchr(name, '/') != NULL)
		return talloc_strdup(mem_ctx, name);
	list = talloc_strdup(NULL, sci_safe_path);
	for (dir = list != NULL ? strtok_r(list, ":", &save) : NULL;
	     dir != NULL && found == NULL; dir = strtok_r(NULL, ":", &save)) {
		char *p = talloc_asprintf(list, "%s/%s", dir, name);

		if (p != NULL && stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(p, X_OK) == 0)
			found = talloc_strdup(mem_ctx, p);
	}
	talloc_free(list);
	return found;
}

/* Can a file be created in dir (and removed again)? NULL, or why not. */
static char *probe_dir(TALLOC_CTX *mem_ctx, const char *what,
		       const char *dir)
{
	char *tmp = talloc_asprintf(mem_ctx, "%s/.netchk-preflight.XXXXXX",
				    dir);
	int fd;

	if (tmp == NULL)
		return talloc_strdup(mem_ctx, "out of memory");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return talloc_asprintf(mem_ctx, "%s: no file can be created "
				       "in %s: %s", what, dir,
				       strerror(errno));
	close(fd);
	unlink(tmp);
	return NULL;
}

/* The directory part of path ("/" for "/x", "." for "x"). */
static char *dir_of(TALLOC_CTX *mem_ctx, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return talloc_strdup(mem_ctx, ".");
	if (slash == path)
		return talloc_strdup(mem_ctx, "/");
	return talloc_strndup(mem_ctx, path, (size_t)(slash - path));
}

/*
 * Can path be written in place (it exists: opened for writing, not
 * truncated), and, when replace, replaced by a file renamed over it
 * (its directory takes a new file)?  NULL, or why not.
 */
static char *probe_file(TALLOC_CTX *mem_ctx, const char *what,
			const char *path, bool replace)
{
	struct stat st;
	char *dir;
	int fd;

	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return talloc_asprintf(mem_ctx, "%s %s cannot be "
					       "written: not a regular file",
					       what, path);
		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY |
			  O_CLOEXEC);
		if (fd < 0)
			return talloc_asprintf(mem_ctx, "%s %s cannot be "
					       "written: %s", what, path,
					       strerror(errno));
		close(fd);
		if (!replace)
			return NULL;
	} else if (errno != ENOENT) {
		return talloc_asprintf(mem_ctx, "%s %s cannot be examined: "
				       "%s", what, path, strerror(errno));
	}
	dir = dir_of(mem_ctx, path);
	return dir != NULL ? probe_dir(mem_ctx, what, dir) :
			     talloc_strdup(mem_ctx, "out of memory");
}

char *sci_reset_preflight(TALLOC_CTX *mem_ctx,
			  const struct sci_preflight *in)
{
	const char *why = NULL;
	char *path, *net, *r;

	if (in->keytab_name != NULL) {
		path = sci_keytab_file_path(mem_ctx, in->keytab_name, &why);
		if (path == NULL)
			return talloc_asprintf(mem_ctx, "keytab %s cannot be "
					       "written: %s", in->keytab_name,
					       why ? why : "out of memory");
		r = probe_file(mem_ctx, "keytab", path, true);
		if (r != NULL)
			return r;
	}
	if (in->secrets_path != NULL) {
		net = sci_find_program(mem_ctx, in->net_binary != NULL ?
				       in->net_binary : "net");
		if (net == NULL)
			return talloc_asprintf(mem_ctx, "Samba's 'net' cannot "
					       "be run: not an executable file "
					       "in %s (it writes secrets.tdb)",
					       sci_safe_path);
		if (access(net, X_OK) != 0)
			return talloc_asprintf(mem_ctx, "Samba's '%s' cannot "
					       "be run: %s", net,
					       strerror(errno));
		r = probe_file(mem_ctx, "secrets.tdb", in->secrets_path,
			       false);
		if (r != NULL)
			return r;
	}
	if (in->journal_path != NULL)
		return probe_file(mem_ctx, "the journal", in->journal_path,
				  true);
	return NULL;
}

/*
 * Remove path<suffix>XXXXXX files (mkostemp's six characters) in path's
 * directory: temporary files of a run that was killed before it renamed
 * or removed them.  Regular files only.
 */
static void remove_temps(TALLOC_CTX *mem_ctx, const char *path,
			 const char *suffix,
			 const struct sc_verify_opts *vopts)
{
	const char *slash = strrchr(path, '/');
	char *dir = dir_of(mem_ctx, path);
	char *prefix = talloc_asprintf(mem_ctx, "%s%s",
				       slash != NULL ? slash + 1 : path,
				       suffix);
	struct dirent *de;
	DIR *d;

	if (dir == NULL || prefix == NULL || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t plen = strlen(prefix);
		struct stat st;
		char *p;

		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    strlen(de->d_name) != plen + 6)
			continue;
		p = talloc_asprintf(mem_ctx, "%s/%s", dir, de->d_name);
		if (p == NULL || lstat(p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (unlink(p) == 0)
			sci_message(vopts, "Removing %s, left by an "
				    "interrupted netchk reset ... done", p);
	}
	closedir(d);
}

void sci_remove_leftovers(TALLOC_CTX *mem_ctx, const char *keytab_name,
			  const char *journal_path,
			  const struct sc_verify_opts *vopts)
{
	const char *why = NULL;
	char *kt = keytab_name != NULL ?
		   sci_keytab_file_path(mem_ctx, keytab_name, &why) : NULL;

	if (kt != NULL)
		remove_temps(mem_ctx, kt, ".netchk.", vopts);
	if (journal_path != NULL)
		remove_temps(mem_ctx, journal_path, ".tmp.", vopts);
}
