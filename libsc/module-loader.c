/*
 * libsc - load the heavy dependencies' modules on first use
 *
 * Everything libsc takes from Samba (smb.conf through loadparm, NTSTATUS
 * names, the DCE/RPC netlogon stack) and from OpenLDAP (with GnuTLS
 * behind it) lives in three modules.  Those libraries cost more in
 * start-up relocations than a whole Kerberos AS exchange, and far more
 * than 'netchk check --cached' may take (5 ms), so libsc.so links none of
 * them and loads a module here when a path that needs it first runs.
 *
 * A module is looked for next to libsc itself (the build tree, or a
 * private install), in netchk/ beside it (the installed layout, wherever
 * the tree was copied: a DESTDIR staging, a relocated prefix), then in the
 * configured module directory.  All are root-owned in any sane install; no
 * environment variable can redirect the load, since netchk runs as root.
 *
 * Built with SC_SAMBA_LINKED (the static test library, and the netlogon
 * module itself), the wrappers call the modules' functions directly.
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

#ifndef SC_SAMBA_LINKED
typedef enum sc_rc (*probe_fn)(TALLOC_CTX *, const struct sc_probe_opts *,
			       const struct sc_dc *, const char *,
			       const char *, uint32_t,
			       const struct sc_secret *,
			       struct sc_attempt **, struct sc_error **);
typedef enum sc_rc (*conf_fn)(TALLOC_CTX *, const char *,
			      struct sci_samba_conf **, struct sc_error **);
typedef const char *(*nt_str_fn)(uint32_t);
typedef uint32_t (*nt_code_fn)(const char *);

/*
 * Two modules, so that each path pays only for what it uses:
 * libsc-samba.so (loadparm, NTSTATUS tables: ~40 libraries, ICU among
 * them) for reading smb.conf and naming codes, and libsc-netlogon.so (the
 * DCE/RPC stack on top, ~60 more) for the netlogon probe alone.  Filled
 * once each; all NULL when the module cannot be loaded.
 */
static struct {
	conf_fn conf_load;
	nt_str_fn nt_name;
	nt_str_fn nt_message;
	nt_code_fn nt_code;
	char error[512];
} samba;
static pthread_once_t samba_once = PTHREAD_ONCE_INIT;
#define SAMBA_MODULE "libsc-samba.so"

typedef uint32_t (*init_fn)(void);

static struct {
	probe_fn probe;
	init_fn init;
	char error[512];
} netlogon;
static pthread_once_t netlogon_once = PTHREAD_ONCE_INIT;
#define NETLOGON_MODULE "libsc-netlogon.so"

static void *try_open(const char *dir, const char *name)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
}

/*
 * Next to libsc itself, else in netchk/ beside it (LIBDIR/netchk, as
 * installed), else the configured module directory.
 */
static void *open_module(const char *name, char *error, size_t len)
{
	Dl_info info;
	void *h = NULL;

	if (dladdr((void *)sc_probe_netlogon, &info) != 0 &&
	    info.dli_fname != NULL && strchr(info.dli_fname, '/') != NULL) {
		char copy[4096];
		char sub[4096 + 8];
		const char *dir;

		snprintf(copy, sizeof(copy), "%s", info.dli_fname);
		dir = dirname(copy);
		h = try_open(dir, name);
		if (h == NULL) {
			snprintf(sub, sizeof(sub), "%s/netchk", dir);
			h = try_open(sub, name);
		}
	}
	if (h == NULL)
		h = try_open(SC_MODULE_DIR, name);
	if (h == NULL)
		snprintf(error, len, "%s", dlerror());
	return h;
}

static void *sym(void *h, const char *name, char *error, size_t len,
		 bool *ok)
{
	void *p = dlsym(h, name);

	if (p == NULL && *ok) {
		snprintf(error, len, "%s", dlerror());
		*ok = false;
	}
	return p;
}

/* All or nothing: a module missing one symbol is not used at all. */
static void load_samba(void)
{
	void *h = open_module(SAMBA_MODULE, samba.error, sizeof(samba.error));
	bool ok = true;
	conf_fn conf_load;
	nt_str_fn nt_name, nt_message;
	nt_code_fn nt_code;

	if (h == NULL)
		return;
#define SYM(n) sym(h, n, samba.error, sizeof(samba.error), &ok)
	conf_load = (conf_fn)SYM("sci_samba_conf_load_impl");
	nt_name = (nt_str_fn)SYM("sci_ntstatus_name_impl");
	nt_message = (nt_str_fn)SYM("sci_ntstatus_message_impl");
	nt_code = (nt_code_fn)SYM("sci_ntstatus_code_impl");
#undef SYM
	if (!ok)
		return;
	samba.nt_name = nt_name;
	samba.nt_message = nt_message;
	samba.nt_code = nt_code;
	samba.conf_load = conf_load;
}

static void load_netlogon(void)
{
	void *h = open_module(NETLOGON_MODULE, netlogon.error,
			      sizeof(netlogon.error));
	bool ok = true;
	probe_fn probe;
	init_fn init;

	if (h == NULL)
		return;
	probe = (probe_fn)sym(h, "sci_netlogon_probe_impl", netlogon.error,
			      sizeof(netlogon.error), &ok);
	init = (init_fn)sym(h, "sci_netlogon_init_impl", netlogon.error,
			    sizeof(netlogon.error), &ok);
	if (!ok)
		return;
	netlogon.init = init;
	netlogon.probe = probe;
}

static bool samba_loaded(void)
{
	pthread_once(&samba_once, load_samba);
	return samba.conf_load != NULL;
}

static enum sc_rc load_failed(TALLOC_CTX *mem_ctx, struct sc_error **err_out,
			      const char *module, const char *what,
			      const char *error)
{
	return sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE, 0,
			 "cannot load %s (needed for %s): %s", module, what,
			 error);
}

/*
 * Without the module an NTSTATUS still gets a name: the one Samba itself
 * gives a code it does not know.  Per thread, like errno.
 */
static const char *hex_name(uint32_t ntstatus)
{
	static __thread char buf[32];

	snprintf(buf, sizeof(buf), "NT code 0x%08x", ntstatus);
	return buf;
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
#ifdef SC_SAMBA_LINKED
	return sci_netlogon_probe_impl(mem_ctx, opts, dc, account, computer,
				       sec_channel_type, nt_hash, attempt_out,
				       err_out);
#else
	pthread_once(&netlogon_once, load_netlogon);
	if (netlogon.probe == NULL)
		return load_failed(mem_ctx, err_out, NETLOGON_MODULE,
				   "the netlogon probe", netlogon.error);
	return netlogon.probe(mem_ctx, opts, dc, account, computer,
			      sec_channel_type, nt_hash, attempt_out,
			      err_out);
#endif
}

void sci_netlogon_preload(void)
{
#ifdef SC_SAMBA_LINKED
	(void)sci_netlogon_init_impl();
#else
	/*
	 * A child forked while another thread is inside one of these
	 * pthread_once()s would wait for it for ever: the child names
	 * NTSTATUS codes (libsc-samba.so) and probes (libsc-netlogon.so).
	 */
	(void)samba_loaded();
	pthread_once(&netlogon_once, load_netlogon);
	if (netlogon.init != NULL)
		(void)netlogon.init();
#endif
}

enum sc_rc sci_samba_conf_load(TALLOC_CTX *mem_ctx, const char *path,
			       struct sci_samba_conf **conf_out,
			       struct sc_error **err_out)
{
#ifdef SC_SAMBA_LINKED
	return sci_samba_conf_load_impl(mem_ctx, path, conf_out, err_out);
#else
	if (!samba_loaded())
		return load_failed(mem_ctx, err_out, SAMBA_MODULE,
				   "reading smb.conf", samba.error);
	return samba.conf_load(mem_ctx, path, conf_out, err_out);
#endif
}

const char *sc_ntstatus_name(uint32_t ntstatus)
{
#ifdef SC_SAMBA_LINKED
	return sci_ntstatus_name_impl(ntstatus);
#else
	return samba_loaded() ? samba.nt_name(ntstatus) : hex_name(ntstatus);
#endif
}

const char *sc_ntstatus_message(uint32_t ntstatus)
{
#ifdef SC_SAMBA_LINKED
	return sci_ntstatus_message_impl(ntstatus);
#else
	return samba_loaded() ? samba.nt_message(ntstatus)
			      : hex_name(ntstatus);
#endif
}

bool sci_ntstatus_code(const char *name, uint32_t *code_out)
{
#ifdef SC_SAMBA_LINKED
	*code_out = sci_ntstatus_code_impl(name);
	return true;
#else
	if (!samba_loaded())
		return false;
	*code_out = samba.nt_code(name);
	return true;
#endif
}

#ifndef SC_SAMBA_LINKED
/*
 * The LDAP probe (probe-ldap.c) lives in libsc-ldap.so: OpenLDAP brings
 * libsasl2 and GnuTLS with p11-kit, libunistring, gmp and more, about
 * 3 ms of start-up that every 'check --cached' would pay.  The module
 * keeps the functions' own names (linked -Bsymbolic, so its internal
 * calls stay inside it); these wrappers of the same names load it.
 */
typedef enum sc_rc (*ldap_probe_fn)(TALLOC_CTX *, const struct sc_probe_opts *,
				    const struct sc_dc *, const char *,
				    const char *, struct sc_ldap_result **,
				    struct sc_error **);
typedef enum sc_rc (*ldap_pdc_fn)(TALLOC_CTX *, const struct sc_probe_opts *,
				  const struct sc_dc *, const char *, char **,
				  char **, struct sc_error **);
typedef enum sc_rc (*ldap_enable_fn)(TALLOC_CTX *,
				     const struct sc_probe_opts *,
				     const struct sc_dc *, const char *,
				     const char *, bool *, uint32_t *,
				     uint32_t *, char **, struct sc_error **);

typedef enum sc_rc (*ldap_computers_fn)(TALLOC_CTX *,
					const struct sc_probe_opts *,
					const struct sc_dc *, const char *,
					unsigned, struct sci_ldap_computers **,
					struct sc_error **);

static struct {
	ldap_probe_fn probe;
	ldap_pdc_fn find_pdc;
	ldap_enable_fn enable;
	ldap_computers_fn computers;
	char error[512];
} ldapm;
static pthread_once_t ldap_once = PTHREAD_ONCE_INIT;
#define LDAP_MODULE "libsc-ldap.so"

static void load_ldap(void)
{
	void *h = open_module(LDAP_MODULE, ldapm.error, sizeof(ldapm.error));
	bool ok = true;
	ldap_probe_fn probe;
	ldap_pdc_fn find_pdc;
	ldap_enable_fn enable;
	ldap_computers_fn computers;

	if (h == NULL)
		return;
#define SYM(n) sym(h, n, ldapm.error, sizeof(ldapm.error), &ok)
	probe = (ldap_probe_fn)SYM("sc_probe_ldap");
	find_pdc = (ldap_pdc_fn)SYM("sci_ldap_find_pdc");
	enable = (ldap_enable_fn)SYM("sci_ldap_enable_account");
	computers = (ldap_computers_fn)SYM("sci_ldap_read_computers");
#undef SYM
	if (!ok)
		return;
	ldapm.find_pdc = find_pdc;
	ldapm.enable = enable;
	ldapm.computers = computers;
	ldapm.probe = probe;
}

static bool ldap_loaded(void)
{
	pthread_once(&ldap_once, load_ldap);
	return ldapm.probe != NULL;
}

enum sc_rc sc_probe_ldap(TALLOC_CTX *mem_ctx,
			 const struct sc_probe_opts *opts,
			 const struct sc_dc *dc, const char *ccache_name,
			 const char *account,
			 struct sc_ldap_result **result_out,
			 struct sc_error **err_out)
{
	if (!ldap_loaded())
		return load_failed(mem_ctx, err_out, LDAP_MODULE,
				   "the LDAP probe", ldapm.error);
	return ldapm.probe(mem_ctx, opts, dc, ccache_name, account,
			   result_out, err_out);
}

enum sc_rc sci_ldap_find_pdc(TALLOC_CTX *mem_ctx,
			     const struct sc_probe_opts *opts,
			     const struct sc_dc *dc, const char *ccache_name,
			     char **pdc_out, char **detail_out,
			     struct sc_error **err_out)
{
	if (!ldap_loaded())
		return load_failed(mem_ctx, err_out, LDAP_MODULE,
				   "finding the PDC", ldapm.error);
	return ldapm.find_pdc(mem_ctx, opts, dc, ccache_name, pdc_out,
			      detail_out, err_out);
}

enum sc_rc sci_ldap_enable_account(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc,
				   const char *ccache_name,
				   const char *account, bool *enabled_out,
				   uint32_t *old_uac_out, uint32_t *new_uac_out,
				   char **detail_out,
				   struct sc_error **err_out)
{
	if (!ldap_loaded())
		return load_failed(mem_ctx, err_out, LDAP_MODULE,
				   "enabling the account", ldapm.error);
	return ldapm.enable(mem_ctx, opts, dc, ccache_name, account,
			    enabled_out, old_uac_out, new_uac_out, detail_out,
			    err_out);
}

enum sc_rc sci_ldap_read_computers(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc,
				   const char *ccache_name,
				   unsigned page_size,
				   struct sci_ldap_computers **out,
				   struct sc_error **err_out)
{
	if (!ldap_loaded())
		return load_failed(mem_ctx, err_out, LDAP_MODULE,
				   "reading the computer accounts",
				   ldapm.error);
	return ldapm.computers(mem_ctx, opts, dc, ccache_name, page_size,
			       out, err_out);
}
#endif
