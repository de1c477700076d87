/*
 * libsc - the atomic file writer, for callers outside the library
 *
 * The CLI writes files that other programs read while netchk runs (a
 * monitoring status file, node_exporter's textfile): a reader must see
 * the old file or the new one, never half of one.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include "sc-private.h"

enum sc_rc sc_write_file_atomic(TALLOC_CTX *mem_ctx, const char *path,
				const void *data, size_t len, mode_t mode,
				struct sc_error **err_out)
{
	return sci_write_file_atomic(mem_ctx, path, data, len, mode, err_out);
}

/*
 * The status file of a cron job or of a host without systemd's
 * CacheDirectory= may name a directory nobody made yet.  Walk path's
 * components left to right and create each missing directory; the chmod
 * makes mode exact under a umask such as 077, so a world-readable file
 * stays reachable for the unprivileged reader.
 */
enum sc_rc sc_mkdir_parents(TALLOC_CTX *mem_ctx, const char *path,
			    mode_t mode, struct sc_error **err_out)
{
	char *dir = talloc_strdup(NULL, path);
	enum sc_rc rc = SC_OK;
	char *slash;

	if (dir == NULL)
		return SC_ENOMEM;
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		goto done;	/* in the current or the root directory */
	*slash = '\0';
	for (char *p = strchr(dir + 1, '/'); ; p = strchr(p + 1, '/')) {
		if (p != NULL)
			*p = '\0';
		if (mkdir(dir, mode) == 0) {
			if (chmod(dir, mode) != 0)
				goto fail;
		} else if (errno != EEXIST) {
			goto fail;
		}
		if (p == NULL)
			break;
		*p = '/';
	}
	goto done;
fail:
	rc = sci_error(mem_ctx, err_out, errno == EACCES ? SC_EACCES :
		       SC_EINVAL, SC_ERRDOM_ERRNO, errno,
		       "cannot create %s: %s", dir, strerror(errno));
done:
	talloc_free(dir);
	return rc;
}
