/*
 * libsc - opening a local store without trusting what is there
 *
 * A FIFO where the keytab or secrets.tdb belongs makes open(2) wait for a
 * writer for ever; a device or a multi-gigabyte file makes a read take as
 * long as it likes.  Every local store (secrets.tdb, keytabs, smb.conf,
 * sssd.conf, the journal, the lockout memory) is opened here first:
 * O_NONBLOCK, so that open returns at once whatever the file is, then it
 * must be a regular file no larger than the caller's bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "sc-private.h"

const char *sci_file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFIFO: return "a FIFO";
	case S_IFDIR: return "a directory";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	}
	return "not a file";
}

int sci_open_store(const char *path, int flags, off_t max_size,
		   struct stat *st_out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
		      flags), e;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EFTYPE_STORE;
		goto fail;
	}
	if (st.st_size > max_size) {
		errno = EFBIG;
		goto fail;
	}
	/* a regular file: blocking reads from here on, as usual */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
		goto fail;
	if (st_out != NULL)
		*st_out = st;
	return fd;
fail:
	e = errno;
	if (e == EFTYPE_STORE && st_out != NULL)
		*st_out = st;
	close(fd);
	errno = e;
	return -1;
}

enum sc_rc sci_store_open_error(TALLOC_CTX *mem_ctx,
				struct sc_error **err_out, const char *what,
				const char *path, int e,
				const struct stat *st, off_t max_size)
{
	if (e == EFTYPE_STORE)
		return sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_NONE,
				 0, "%s %s is not a regular file (%s)", what,
				 path, sci_file_kind(st->st_mode));
	if (e == EFBIG)
		return sci_error(mem_ctx, err_out, SC_EFORMAT, SC_ERRDOM_ERRNO,
				 e, "%s %s is larger than %lld MiB: not "
				 "read", what, path,
				 (long long)(max_size >> 20));
	return sci_error(mem_ctx, err_out, e == ENOENT || e == ENOTDIR ?
			 SC_ENOENT : SC_EACCES, SC_ERRDOM_ERRNO, e,
			 "cannot read %s %s: %s%s", what, path, strerror(e),
			 e == EACCES || e == EPERM ? " (run as root)" : "");
}
