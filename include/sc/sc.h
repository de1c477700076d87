/*
 * libsc - the machine-account secure-channel library behind netchk
 */
#ifndef SC_SC_H
#define SC_SC_H

#include <sys/types.h>
#include <sc/status.h>
#include <sc/store.h>
#include <sc/probe.h>
#include <sc/verify.h>
#include <sc/reset.h>
#include <sc/explain.h>
#include <sc/audit.h>

/* The library version, e.g. "0.1.0". */
const char *sc_version(void);

/*
 * Write path atomically: a temporary file in the same directory, fsync,
 * rename over path, fsync of the directory.  mode applies from creation.
 */
enum sc_rc sc_write_file_atomic(TALLOC_CTX *mem_ctx, const char *path,
				const void *data, size_t len, mode_t mode,
				struct sc_error **err_out);

/*
 * Create the missing directories above path (the file's directory and
 * any missing parent of it), each with exactly mode whatever the umask.
 * Directories that exist are left as they are.
 */
enum sc_rc sc_mkdir_parents(TALLOC_CTX *mem_ctx, const char *path,
			    mode_t mode, struct sc_error **err_out);

#endif
