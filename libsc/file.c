/*
 * libsc - the atomic file writer, for callers outside the library
 *
 * The CLI writes files that other programs read while netchk runs (a
 * monitoring status file, node_exporter's textfile): a reader must see
 * the old file or the new one, never half of one.
 */
#include "sc-private.h"

enum sc_rc sc_write_file_atomic(TALLOC_CTX *mem_ctx, const char *path,
				const void *data, size_t len, mode_t mode,
				struct sc_error **err_out)
{
	return sci_write_file_atomic(mem_ctx, path, data, len, mode, err_out);
}
