/*
 * libsc - load the netlogon probe module on first use
 *
 * Samba's DCE/RPC client stack is about sixty shared libraries, and the
 * dynamic linker's relocation work for them costs more than a whole
 * Kerberos AS exchange.  Only the netlogon path needs it, so it lives in
 * libsc-netlogon.so and is loaded here when that path first runs.
 *
 * The module is looked for next to libsc itself (the build tree, or a
 * private install), then in the configured module directory.  Both are
 * root-owned in any sane install; no environment variable can redirect
 * the load, since netchk runs as root.
 */
#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "sc-private.h"

#ifndef SC_MODULE_DIR
#define SC_MODULE_DIR "/usr/lib/netchk"
#endif
#define MODULE_NAME "libsc-netlogon.so"

typedef enum sc_rc (*probe_fn)(TALLOC_CTX *, const struct sc_probe_opts *,
			       const struct sc_dc *, const char *,
			       const char *, uint32_t,
			       const struct sc_secret *,
			       struct sc_attempt **, struct sc_error **);

#ifndef SC_NETLOGON_STATIC
static pthread_once_t once = PTHREAD_ONCE_INIT;
static probe_fn probe;
static char load_error[512];

static void *try_open(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, MODULE_NAME);
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

static void load(void)
{
	Dl_info info;
	void *h = NULL;

	if (dladdr((void *)sc_probe_netlogon, &info) != 0 &&
	    info.dli_fname != NULL && strchr(info.dli_fname, '/') != NULL) {
		char copy[4096];

		snprintf(copy, sizeof(copy), "%s", info.dli_fname);
		h = try_open(dirname(copy));
	}
	if (h == NULL)
		h = try_open(SC_MODULE_DIR);
	if (h == NULL) {
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
		return;
	}
	probe = (probe_fn)dlsym(h, "sci_netlogon_probe_impl");
	if (probe == NULL)
		snprintf(load_error, sizeof(load_error), "%s", dlerror());
}
#endif

enum sc_rc sc_probe_netlogon(TALLOC_CTX *mem_ctx,
			     const struct sc_probe_opts *opts,
			     const struct sc_dc *dc, const char *account,
			     const char *computer, uint32_t sec_channel_type,
			     const struct sc_secret *nt_hash,
			     struct sc_attempt **attempt_out,
			     struct sc_error **err_out)
{
#ifdef SC_NETLOGON_STATIC
	return sci_netlogon_probe_impl(mem_ctx, opts, dc, account, computer,
				       sec_channel_type, nt_hash, attempt_out,
				       err_out);
#else
	pthread_once(&once, load);
	if (probe == NULL)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NONE, 0, "cannot load the netlogon "
				 "probe module %s: %s", MODULE_NAME,
				 load_error);
	return probe(mem_ctx, opts, dc, account, computer, sec_channel_type,
		     nt_hash, attempt_out, err_out);
#endif
}
