/*
 * libsc - reset: the executor
 *
 * Order of a password change, each step durable before the next:
 *	lock -> verify -> [finish or abandon a journalled change] -> plan ->
 *	journal (new secret, pending) -> kpasswd on the DC -> AS exchange
 *	with the new secret on that same DC (and its new kvno over LDAP) ->
 *	secrets.tdb -> keytab -> clear journal -> verify again.
 * Whatever step a crash interrupts, the host keeps a secret the DC
 * accepts: the journal holds the new one from before the DC sees it until
 * both stores hold it.  The next run tests the journalled secret on the
 * DC first (one AS exchange) and finishes the change when the DC has it,
 * or drops the journal when it does not.
 *
 * NETCHK_TEST_CRASH_AFTER=<step> (plan, journal, dc, secrets, keytab)
 * makes the run SIGKILL itself right after that step: the fault-injection
 * hook of tests/integration/t-reset-crash.sh.  NETCHK_TEST_STOP_AFTER=<step>
 * makes it SIGSTOP itself there instead, so that a test can change the
 * world (stop the DC) before it goes on (t-reset-report.sh).  Nothing
 * else reads them, and only a build for the tests has them (meson
 * option test_hooks; auto: with -Dtests=true).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <netdb.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "reset-private.h"

#define DEFAULT_STATE_DIR "/var/lib/netchk"
#define LOCK_FILE "reset.lock"
#define ROTATOR_WAIT 60		/* seconds for another rotator to finish */
#define MAX_RESTARTS 2		/* verifications again after one ran */

struct rrun {
	const struct sc_reset_opts *opts;
	struct sc_reset_result *res;
	const char *state_dir;
	const char *journal_path;
	struct sc_probe_opts popts;
	const char *cc_client;		/* --use-ccache: its principal */
	bool held;			/* opts->hold(true) was called */
	bool again;			/* a rotator changed the password
					 * since verify: verify again */
	int restarts;			/* ... how many times so far */
};

/*
 * Hold off winbindd & co. while the secret changes (see reset.h); false
 * when the service could not be held off.
 */
static bool hold_on(struct rrun *r)
{
	if (r->opts->hold == NULL || r->held)
		return true;
	if (!r->opts->hold(r->opts->hold_data, true))
		return false;
	r->held = true;
	return true;
}

static void hold_off(struct rrun *r)
{
	if (r->held) {
		r->held = false;
		r->opts->hold(r->opts->hold_data, false);
	}
}

/* Only in a build for the tests (meson -Dtest_hooks, see meson.build). */
void sci_test_hook(const char *step)
{
#ifdef SC_TEST_HOOKS
	const char *want = getenv("NETCHK_TEST_CRASH_AFTER");
	const char *pause = getenv("NETCHK_TEST_STOP_AFTER");

	if (want != NULL && strcmp(want, step) == 0)
		raise(SIGKILL);
	if (pause != NULL && strcmp(pause, step) == 0)
		raise(SIGSTOP);
#endif
}

struct lockfd {
	int fd;
};

static int lockfd_destructor(struct lockfd *l)
{
	if (l->fd >= 0)
		close(l->fd);
	return 0;
}

/*
 * One reset at a time per state directory: two runs started together
 * must change the password once.  The second waits, then verifies and
 * finds nothing left to do.
 */
static enum sc_rc take_lock(TALLOC_CTX *mem_ctx, const char *dir,
			    const struct sc_verify_opts *vopts,
			    struct sc_error **err_out)
{
	struct lockfd *l = talloc_zero(mem_ctx, struct lockfd);
	char *path;

	if (l == NULL)
		return SC_ENOMEM;
	l->fd = -1;
	talloc_set_destructor(l, lockfd_destructor);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 errno, "cannot create %s: %s", dir,
				 strerror(errno));
	path = talloc_asprintf(l, "%s/%s", dir, LOCK_FILE);
	if (path == NULL)
		return SC_ENOMEM;
	l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->fd < 0)
		return sci_error(mem_ctx, err_out, SC_EACCES, SC_ERRDOM_ERRNO,
				 errno, "cannot open %s: %s", path,
				 strerror(errno));
	if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
		return SC_OK;
	if (errno == EWOULDBLOCK)
		sci_message(vopts, "Waiting for another netchk reset to "
			    "finish (%s) ...", path);
	while (flock(l->fd, LOCK_EX) != 0) {
		if (errno != EINTR)
			return sci_error(mem_ctx, err_out, SC_EACCES,
					 SC_ERRDOM_ERRNO, errno,
					 "cannot lock %s: %s", path,
					 strerror(errno));
	}
	return SC_OK;
}

/* An error made on a scratch context must outlive it. */
static void rescue_err(struct rrun *r, TALLOC_CTX *tmp,
		       struct sc_error **err_out)
{
	if (err_out != NULL && *err_out != NULL &&
	    talloc_is_parent(*err_out, tmp))
		talloc_steal(r->res, *err_out);
}

static const struct sc_dc *verdict_dc(const struct sc_verify_result *v)
{
	for (size_t i = 0; i < v->dc_count; i++)
		if (v->verdict.dc != NULL &&
		    strcmp(v->dcs[i].dc.name, v->verdict.dc) == 0)
			return &v->dcs[i].dc;
	return v->dc_count > 0 ? &v->dcs[v->dc_count - 1].dc : NULL;
}

/* What one AS exchange with a password (+ LDAP as the machine) told. */
struct pwcheck {
	enum sc_outcome outcome;
	const char *detail;
	bool has_krb5;			/* the KDC's answer, when rejected */
	int32_t krb5_code;
	bool has_ntstatus;
	uint32_t ntstatus;
	bool has_kvno;
	uint32_t kvno;
	const char *dns_host_name;
	const char **spns;
};

/*
 * Present keys (of one kvno) once on dc over Kerberos (the same probe
 * verify uses) and, when accepted, read the account's kvno and SPNs over
 * LDAP bound with that TGT.  This is how a keytab rewrite learns the kvno
 * when the stale keytab cannot bind, and how a change is confirmed.
 */
static enum sc_rc check_keys(TALLOC_CTX *mem_ctx, struct rrun *r,
			     const struct sc_dc *dc, const struct sc_key *keys,
			     size_t nkeys, struct pwcheck *out,
			     struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_attempt *a = NULL;
	struct sc_ldap_result *l = NULL;
	const char *cc = NULL;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	memset(out, 0, sizeof(*out));
	rc = sc_probe_krb5(tmp_ctx, &r->popts, dc, b->config->realm,
			   b->account, keys, nkeys, &a, &cc, err_out);
	if (rc != SC_OK)
		goto done;
	out->outcome = a->outcome;
	out->detail = talloc_strdup(mem_ctx, a->detail);
	out->has_krb5 = a->has_krb5;
	out->krb5_code = a->krb5_code;
	out->has_ntstatus = a->has_ntstatus;
	out->ntstatus = a->ntstatus;
	if (a->outcome == SC_OUTCOME_ACCEPTED && cc != NULL) {
		rc = sc_probe_ldap(tmp_ctx, &r->popts, dc, cc, b->account,
				   &l, err_out);
		sc_ccache_destroy(cc);
		if (rc != SC_OK)
			goto done;
		if (l->bound && l->account.found && l->account.has_kvno) {
			out->has_kvno = true;
			out->kvno = l->account.kvno;
			out->dns_host_name = talloc_strdup(
				mem_ctx, l->account.dns_host_name);
			out->spns = talloc_steal(mem_ctx, l->account.spns);
		}
	}
	rc = SC_OK;
done:
	rescue_err(r, tmp_ctx, err_out);
	talloc_free(tmp_ctx);
	return rc;
}

/* check_keys() with password's keys (AES256, AES128, RC4). */
static enum sc_rc check_password(TALLOC_CTX *mem_ctx, struct rrun *r,
				 const struct sc_dc *dc,
				 const struct sc_secret *password,
				 struct pwcheck *out,
				 struct sc_error **err_out)
{
	static const int32_t enctypes[] = { 18, 17, 23 };
	const struct sc_verify_result *b = r->res->before;
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_key *keys = NULL;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	memset(out, 0, sizeof(*out));
	rc = sci_derive_keys(tmp_ctx, b->config->realm, b->account, password,
			     enctypes, 3, 0, &keys, err_out);
	if (rc == SC_OK)
		rc = check_keys(mem_ctx, r, dc, keys, 3, out, err_out);
	rescue_err(r, tmp_ctx, err_out);
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * The keys the DC accepted on a keytab-only host: the machine keytab's
 * newest kvno, one per enctype, the account's own entries first (every
 * machine principal of one kvno carries the account's keys).  They point
 * into kt's entries.  NULL when there is none.
 */
static struct sc_key *accepted_keys(TALLOC_CTX *mem_ctx,
				    const struct sc_keytab *kt,
				    const char *account, size_t *n_out)
{
	uint32_t top = sc_keytab_max_kvno(kt);
	size_t alen = strlen(account), n = 0;
	struct sc_key *k;

	if (kt == NULL || kt->count == 0)
		return NULL;
	k = talloc_zero_array(mem_ctx, struct sc_key, kt->count);
	for (int own = 1; k != NULL && own >= 0; own--) {
		for (size_t i = 0; i < kt->count; i++) {
			const struct sc_keytab_entry *e = &kt->entries[i];
			bool dup = false;

			if (e->kvno != top ||
			    (strncasecmp(e->principal, account, alen) == 0 &&
			     e->principal[alen] == '@') != (own == 1))
				continue;
			for (size_t j = 0; j < n; j++)
				dup = dup || k[j].enctype == e->enctype;
			if (dup)
				continue;
			k[n].enctype = e->enctype;
			k[n].kvno = top;
			k[n++].key = e->key;
		}
	}
	*n_out = n;
	return n > 0 ? k : NULL;
}

/*
 * Who the machine is, for the keytab writer: the account, and, when the
 * DC told (LDAP, bound with the accepted secret), its dNSHostName and
 * servicePrincipalName values.  Other accounts' entries are kept.
 */
static void machine_names(struct rrun *r, const struct pwcheck *pc,
			  struct sc_machine_names *m)
{
	const struct sc_verify_result *b = r->res->before;

	memset(m, 0, sizeof(*m));
	m->account = b->account;
	m->realm = b->config->realm;
	if (pc->has_kvno) {
		m->dns_host_name = pc->dns_host_name;
		m->spns = pc->spns;
	}
}

/* The principals the new keys go to: the machine's the keytab had, else
 * the account and the SPNs a join creates. */
static const char **principals(TALLOC_CTX *mem_ctx, struct rrun *r,
			       const struct pwcheck *pc,
			       const struct sc_keytab *kt)
{
	struct sc_machine_names m;
	const struct sc_verify_result *b = r->res->before;
	const char *realm = b->config->realm;
	const char **p = talloc_zero_array(mem_ctx, const char *, 6);
	size_t n = 0;
	char *host, *fqdn;

	if (p == NULL)
		return NULL;
	machine_names(r, pc, &m);
	for (size_t i = 0; kt != NULL && i < kt->count; i++) {
		bool dup = !sc_machine_principal(&m,
						 kt->entries[i].principal);

		for (size_t j = 0; j < n; j++)
			dup = dup || strcmp(p[j], kt->entries[i].principal)
				     == 0;
		if (dup)
			continue;
		p = talloc_realloc(mem_ctx, p, const char *, n + 2);
		if (p == NULL)
			return NULL;
		p[n++] = kt->entries[i].principal;
		p[n] = NULL;
	}
	if (n > 0 || kt != b->keytab)
		return p;	/* another keytab gets only what it had */
	host = talloc_strndup(p, b->account, strlen(b->account) - 1);
	fqdn = pc->dns_host_name != NULL ?
	       talloc_strdup(p, pc->dns_host_name) :
	       talloc_asprintf(p, "%s.%s", host, b->config->dns_domain);
	if (host == NULL || fqdn == NULL)
		return NULL;
	for (char *c = fqdn; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	p[0] = talloc_asprintf(p, "%s@%s", b->account, realm);
	p[1] = talloc_asprintf(p, "host/%s@%s", fqdn, realm);
	p[2] = talloc_asprintf(p, "host/%s@%s", host, realm);
	p[3] = talloc_asprintf(p, "RestrictedKrbHost/%s@%s", fqdn, realm);
	p[4] = talloc_asprintf(p, "RestrictedKrbHost/%s@%s", host, realm);
	return p;
}

static bool same_secret(const struct sc_secret *a, const struct sc_secret *b)
{
	return a != NULL && b != NULL && a->len == b->len &&
	       memcmp(a->data, b->data, a->len) == 0;
}

/*
 * Keep the keytab's entries of kvno only when they are the keys of
 * outgoing, the password that becomes secrets.tdb's previous one: then
 * both stores hold the same two secrets.  After a change made with the
 * keytab's keys (secrets.tdb restored from a backup) they are not: those
 * keys belong to a password no store can name, and keeping them would
 * leave verify warning about keys that match neither password.
 */
static bool keep_backed(struct rrun *r, const struct sc_secret *outgoing,
			uint32_t kvno)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_keytab *kt = b->keytab;
	TALLOC_CTX *tmp_ctx;
	bool any = false, all = true;

	if (kt == NULL || outgoing == NULL || kvno == 0)
		return false;
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return false;
	for (size_t i = 0; all && i < kt->count; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];
		struct sc_key *k = NULL;

		if (e->kvno != kvno)
			continue;
		any = true;
		all = sci_derive_keys(tmp_ctx, b->config->realm, b->account,
				      outgoing, &e->enctype, 1, kvno, &k,
				      NULL) == SC_OK &&
		      same_secret(k[0].key, e->key);
	}
	talloc_free(tmp_ctx);
	return any && all;
}

/*
 * The keytab whose enctypes the new keys get: the old one's, unless it
 * lacks the account's AES keys; then the default set (AES256, AES128,
 * RC4).
 */
static const struct sc_keytab *keytab_enctypes_from(
	const struct sc_verify_result *b)
{
	return b->verdict.diag == SC_DIAG_KEYTAB_ENCTYPES ? NULL : b->keytab;
}

/*
 * A keytab-only host keeps the kvno below the new one, as 'adcli update'
 * does, when those keys were the DC's until the change: the change was
 * authenticated with the keytab's keys (auth) of that kvno (auth_kvno, its
 * newest then), and they are still the keytab's newest below the new
 * kvno (a run killed after writing the keytab left the new kvno beside
 * them).  After an administrator's set, or when nothing recorded what
 * authenticated the change (an older netchk's journal), they may be keys
 * the DC had already rejected: nothing is kept.
 */
uint32_t sci_keytab_only_keep(const struct sc_keytab *kt,
			      enum sc_plan_cred auth, uint32_t auth_kvno,
			      uint32_t kvno)
{
	uint32_t below = 0;

	if (auth != SC_PLAN_CRED_KEYTAB || kt == NULL || kvno < 2 ||
	    auth_kvno != kvno - 1 || sc_keytab_max_kvno(kt) > kvno)
		return 0;
	for (size_t i = 0; i < kt->count; i++)
		if (kt->entries[i].kvno < kvno && kt->entries[i].kvno > below)
			below = kt->entries[i].kvno;
	return below == kvno - 1 ? below : 0;
}

/*
 * What the steps of one plan hand each other (the executor's state).
 * Steps run in the plan's order; each reads what earlier ones left.
 */
struct xrun {
	TALLOC_CTX *mem;		/* freed (and wiped) after the run */
	const struct sc_secret *cred;	/* own change: the secret presented */
	const char *kt;			/* ... or the keytab's keys */
	const char *admin_cc;		/* admin set: --use-ccache */
	const char *client, *target;
	const struct sc_dc *dc;		/* the DC the change goes to */
	bool is_pdc;
	const struct sc_secret *pw;	/* the password the stores get */
	struct pwcheck pc;		/* the DC's answer for pw (kvno) */
	uint32_t keep;			/* keytab kvno kept, 0: none */
	bool rewrite;			/* keytab from secrets.tdb only */
	enum sc_plan_cred auth;		/* what authenticated the change (the
					 * plan's, or the journal's) */
	uint32_t auth_kvno;		/* auth keytab: its keys' kvno */
	const struct sc_key *keys;	/* relabel: the accepted keys ... */
	size_t nkeys;
	uint32_t from_kvno;		/* ... and their kvno in the keytab */
};

/*
 * pw into secrets.tdb by Samba's own writer (current -> previous), read
 * back: the write counts only when secrets.tdb then holds it.
 */
static enum sc_rc secrets_put(struct rrun *r, struct xrun *x,
			      const struct sc_secret *pw, const char *what,
			      struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	struct sc_secrets *now = NULL;
	enum sc_rc rc;

	rc = sci_secrets_write(r->res, r->opts->net_binary,
			       b->config->smb_conf, pw, err_out);
	if (rc != SC_OK)
		return rc;
	r->res->changed_secrets = true;
	rc = sc_secrets_load(x->mem, b->config->secrets_path,
			     b->config->workgroup, &now, err_out);
	if (rc != SC_OK)
		return rc;
	if (!same_secret(now->current, pw))
		return sci_error(r->res, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NONE, 0, "%s does not hold the %s "
				 "password after the write",
				 b->config->secrets_path, what);
	return SC_OK;
}

/*
 * write-secrets: a password the DC has confirmed (x->pw at x->pc.kvno)
 * into secrets.tdb.  Idempotent, so that a run finishing a crashed
 * change can repeat it: secrets.tdb is only written when it does not
 * hold the password yet (writing it twice would push the real previous
 * password out).  Decides which older keytab kvno stays (x->keep).
 */
static enum sc_rc step_write_secrets(struct rrun *r, struct xrun *x,
				     struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_secret *pw = x->pw;
	struct sc_secrets *now = NULL;
	const struct sc_secret *outgoing = NULL;
	enum sc_rc rc;

	rc = sc_secrets_load(x->mem, b->config->secrets_path,
			     b->config->workgroup, &now, err_out);
	if (rc != SC_OK && rc != SC_ENOENT)
		return rc;
	/* The password that is (or already became) secrets.tdb's previous. */
	if (now != NULL)
		outgoing = same_secret(now->current, pw) ? now->previous :
			   now->current;
	x->keep = x->pc.kvno > 1 && keep_backed(r, outgoing, x->pc.kvno - 1) ?
		  x->pc.kvno - 1 : 0;
	if (now == NULL || !same_secret(now->current, pw)) {
		rc = secrets_put(r, x, pw, "new", err_out);
		if (rc != SC_OK)
			return rc;
		sci_message(&r->opts->verify, "Updating %s ... done "
			    "(current -> previous, new -> current)",
			    b->config->secrets_path);
	}
	sci_test_hook("secrets");
	return SC_OK;
}

/* One keytab of the account gets x->pw's keys at x->pc.kvno. */
static enum sc_rc write_one_keytab(struct rrun *r, struct xrun *x,
				   const struct sc_keytab *kt,
				   const struct sc_keytab *enctypes_from,
				   struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct pwcheck *pc = &x->pc;
	const char *name = kt == b->keytab || kt == NULL ?
			   b->config->keytab_name : kt->name;
	struct sc_machine_names names;
	const char **princs;
	bool keep = false;	/* x->keep's entries are in this keytab */
	enum sc_rc rc;

	princs = principals(x->mem, r, pc, kt);
	if (princs == NULL)
		return SC_ENOMEM;
	if (princs[0] == NULL)
		return SC_OK;	/* no principal of the account: nothing */
	for (size_t i = 0; kt != NULL && i < kt->count; i++)
		keep = keep || kt->entries[i].kvno == x->keep;
	keep = keep || kt == b->keytab;
	machine_names(r, pc, &names);
	rc = sci_keytab_write(r->res, name, &names, princs, enctypes_from,
			      x->pw, pc->kvno, keep ? x->keep : 0, err_out);
	if (rc != SC_OK)
		return rc;
	if (x->rewrite)
		sci_message(&r->opts->verify, "Rewriting keytab %s from "
			    "secrets.tdb ... done (kvno %u)", name, pc->kvno);
	else if (keep && x->keep > 0)
		sci_message(&r->opts->verify, "Updating keytab %s ... done "
			    "(kvno %u, kvno %u kept)", name, pc->kvno,
			    x->keep);
	else
		sci_message(&r->opts->verify, "Updating keytab %s ... done "
			    "(kvno %u; older keys dropped: %s)", name,
			    pc->kvno, b->config->keytab_only ?
			    "the DC rejected them" :
			    "none is secrets.tdb's previous password");
	return SC_OK;
}

/* Every keytab of the account holds the keys of kvno now. */
static enum sc_rc keytab_written(struct rrun *r, uint32_t kvno)
{
	r->res->changed_keytab = true;
	r->res->new_kvno = kvno;
	sci_test_hook("keytab");
	return SC_OK;
}

/*
 * write-keytab: x->pw's keys at x->pc.kvno for the machine's principals
 * of every keytab of the account (the machine keytab, then the others
 * given); x->keep's entries and every other account's stay.
 */
static enum sc_rc step_write_keytab(struct rrun *r, struct xrun *x,
				    struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	enum sc_rc rc;

	if (b->config->keytab_only)
		x->keep = sci_keytab_only_keep(b->keytab, x->auth,
					       x->auth_kvno, x->pc.kvno);
	rc = write_one_keytab(r, x, b->keytab, keytab_enctypes_from(b),
			      err_out);
	for (size_t i = 0; rc == SC_OK && i < b->more_keytab_count; i++)
		rc = write_one_keytab(r, x, b->more_keytabs[i],
				      b->more_keytabs[i], err_out);
	return rc == SC_OK ? keytab_written(r, x->pc.kvno) : rc;
}

/* clear-journal: both stores hold the new password; winbindd & co. may
 * run again. */
static enum sc_rc step_clear_journal(struct rrun *r, struct xrun *x,
				     struct sc_error **err_out)
{
	enum sc_rc rc = sci_journal_clear(r->res, r->journal_path, err_out);

	hold_off(r);
	return rc;
}

static enum sc_rc run_steps(struct rrun *r, struct xrun *x,
			    const enum sc_step *steps, size_t n,
			    struct sc_error **err_out);

/* A password the DC has confirmed into every store, then no journal. */
static enum sc_rc commit(struct rrun *r, struct xrun *x,
			 struct sc_error **err_out)
{
	static const enum sc_step all[] = {
		SC_STEP_WRITE_SECRETS, SC_STEP_WRITE_KEYTAB,
		SC_STEP_CLEAR_JOURNAL,
	};
	bool no_tdb = r->res->before->config->keytab_only;

	return run_steps(r, x, all + (no_tdb ? 1 : 0), no_tdb ? 2 : 3,
			 err_out);
}

/*
 * Did the KDC call the presented key wrong?  Only that answer proves a
 * DC does not have the journalled password: a disabled or locked
 * account (CLIENT_REVOKED), a clock skew, an unknown principal or an
 * unauthenticated KRB-ERROR say nothing about the secret.
 */
static bool wrong_password(const struct pwcheck *pc)
{
	if (pc->outcome != SC_OUTCOME_REJECTED || !pc->has_krb5)
		return false;
	if (pc->has_ntstatus && pc->ntstatus != 0xC000006Au)
		return false;	/* STATUS_WRONG_PASSWORD, or none at all */
	return pc->krb5_code == KRB5KDC_ERR_PREAUTH_FAILED ||
	       pc->krb5_code == KRB5KRB_AP_ERR_BAD_INTEGRITY;
}

/*
 * Does no DC have the journalled password?  The DC the change went to
 * (recorded in the journal) answers for itself: it has a change it took
 * even before replication.  When that DC cannot be found any more, only
 * every DC verify knows calling the password wrong settles it.  *dc_out
 * is the DC that answered last (for the messages), *pc_out its answer.
 */
static enum sc_rc journal_lost(TALLOC_CTX *mem_ctx, struct rrun *r,
			       const struct sci_journal *j, bool *lost_out,
			       const struct sc_dc **dc_out,
			       struct pwcheck *pc_out,
			       struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	struct sc_dc *jdc = NULL;
	enum sc_rc rc;

	*lost_out = false;
	if (sc_dc_resolve(mem_ctx, j->dc, &jdc, NULL) == SC_OK) {
		*dc_out = jdc;
		rc = check_password(mem_ctx, r, jdc, j->password, pc_out,
				    err_out);
		if (rc == SC_OK)
			*lost_out = wrong_password(pc_out);
		return rc;
	}
	for (size_t i = 0; i < b->dc_count; i++) {
		*dc_out = &b->dcs[i].dc;
		rc = check_password(mem_ctx, r, *dc_out, j->password, pc_out,
				    err_out);
		if (rc != SC_OK || !wrong_password(pc_out))
			return rc;
		*lost_out = true;
	}
	if (b->dc_count == 0) {
		*dc_out = NULL;
		memset(pc_out, 0, sizeof(*pc_out));
	}
	return SC_OK;
}

/*
 * A journalled change from a run that did not finish: finish it when
 * the DC has it, drop it only when the DC that took it (or every DC)
 * calls it wrong, else keep it and change nothing.
 */
static enum sc_rc settle_journal(struct rrun *r, bool *finished,
				 struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_journal *j = NULL;
	struct sc_error *jerr = NULL;
	const struct sc_dc *dc = NULL;
	struct pwcheck pc;
	bool lost = false;
	enum sc_rc rc;

	*finished = false;
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	rc = sci_journal_load(tmp_ctx, r->journal_path, &j, &jerr);
	if (rc == SC_ENOENT) {
		rc = SC_OK;
		goto done;
	}
	if (rc != SC_OK) {
		if (err_out != NULL && jerr != NULL)
			*err_out = talloc_steal(r->res, jerr);
		goto done;
	}
	r->res->journal_found = true;
	if (same_secret(b->secrets != NULL ? b->secrets->current : NULL,
			j->password) && b->verdict.health == SC_HEALTH_OK &&
	    b->keytab != NULL && b->keytab->count > 0) {
		/* Only the journal's removal was lost. */
		sci_message(&r->opts->verify, "A pending change from %s is "
			    "already in every store: clearing the journal",
			    j->dc);
		rc = sci_journal_clear(r->res, r->journal_path, err_out);
		goto done;
	}
	rc = journal_lost(tmp_ctx, r, j, &lost, &dc, &pc, err_out);
	if (rc != SC_OK)
		goto done;
	if (dc != NULL && pc.outcome == SC_OUTCOME_ACCEPTED && pc.has_kvno) {
		sci_message(&r->opts->verify, "A pending password change "
			    "(journalled) is accepted by %s (kvno %u): "
			    "finishing it", dc->name, pc.kvno);
		struct xrun x = { .mem = tmp_ctx, .pw = j->password,
				  .pc = pc, .auth = j->auth,
				  .auth_kvno = j->auth_kvno };

		/* The DC has it: the stores must follow, held off or not. */
		(void)hold_on(r);
		rc = commit(r, &x, err_out);
		hold_off(r);
		if (rc == SC_OK)
			*finished = true;
		goto done;
	}
	if (lost) {
		sci_message(&r->opts->verify, "A pending password change "
			    "(journalled) never reached %s (%s): abandoning "
			    "it", dc->name, pc.detail ? pc.detail : "");
		rc = sci_journal_clear(r->res, r->journal_path, err_out);
		goto done;
	}
	rc = sci_error(r->res, err_out, SC_ENET, SC_ERRDOM_NONE, 0,
		       "a pending password change is journalled in %s, but "
		       "%s could not tell whether it has it (%s); the journal "
		       "is kept and nothing changed", r->journal_path,
		       dc != NULL ? dc->name : "no DC",
		       pc.detail ? pc.detail : "no answer");
done:
	rescue_err(r, tmp_ctx, err_out);
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * read-kvno (keytab rewrite): the plan's credential once on the DC verify
 * used - the secrets.tdb password, or the keytab's accepted keys (a
 * relabel) - and the account's kvno and SPNs over LDAP bound with it.
 */
static enum sc_rc step_read_kvno(struct rrun *r, struct xrun *x,
				 struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_dc *dc = verdict_dc(b);
	bool relabel = r->res->plan->cred == SC_PLAN_CRED_KEYTAB;
	/* the keys are of the DC's kvno; principals of the keytab lag */
	bool refresh = relabel && b->verdict.diag == SC_DIAG_ACCEPTOR;
	const char *what = relabel ? "the keytab's keys" :
			   "the secrets.tdb password";
	enum sc_rc rc;

	if (relabel) {
		x->from_kvno = sc_keytab_max_kvno(b->keytab);
		x->keys = accepted_keys(x->mem, b->keytab, b->account,
					&x->nkeys);
		if (x->keys == NULL)
			return sci_error(r->res, err_out, SC_EINTERNAL,
					 SC_ERRDOM_NONE, 0, "the keytab holds "
					 "no keys of %s", b->account);
		rc = check_keys(x->mem, r, dc, x->keys, x->nkeys, &x->pc,
				err_out);
	} else {
		rc = check_password(x->mem, r, dc, b->secrets->current,
				    &x->pc, err_out);
	}
	if (rc != SC_OK)
		return rc;
	if (x->pc.outcome != SC_OUTCOME_ACCEPTED || !x->pc.has_kvno) {
		r->res->detail = talloc_asprintf(r->res, "could not read the "
			"account's kvno from %s with %s: %s", dc->name, what,
			x->pc.detail ? x->pc.detail : "LDAP did not say");
		r->res->health = SC_HEALTH_BROKEN;
		return SC_OK;
	}
	sci_message(&r->opts->verify, "%s: msDS-KeyVersionNumber is %u",
		    dc->name, x->pc.kvno);
	if (relabel && (refresh ? x->pc.kvno != x->from_kvno :
			x->pc.kvno <= x->from_kvno)) {
		/* moved since verify (a rotator): not this plan any more */
		r->res->detail = talloc_asprintf(r->res, "%s's kvno is %u, "
			"not %s the keytab's %u any more; nothing changed",
			dc->name, x->pc.kvno, refresh ? "that of" : "above",
			x->from_kvno);
		r->res->health = SC_HEALTH_BROKEN;
		return SC_OK;
	}
	if (relabel) {
		/* a refresh keeps the kvno below, as a relabel the old one */
		x->keep = refresh ? x->from_kvno - 1 : x->from_kvno;
		return SC_OK;
	}
	x->pw = b->secrets->current;
	x->keep = x->pc.kvno > 1 ? x->pc.kvno - 1 : 0;
	x->rewrite = true;
	return SC_OK;
}

/*
 * relabel-keytab: the accepted keys (read-kvno's) at the DC's kvno for
 * the machine's principals of every keytab of the account; their old
 * kvno stays (as 'adcli update' keeps the previous one), other accounts'
 * entries are copied.  The service keytabs first, the machine keytab
 * last: a run cut short in between leaves the machine keytab behind,
 * which the next verify finds (keytab-kvno) and the next reset finishes;
 * the other order would leave a service keytab behind unseen.
 */
static enum sc_rc step_relabel_keytab(struct rrun *r, struct xrun *x,
				      struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	size_t n = b->more_keytab_count;
	struct sc_machine_names names;
	enum sc_rc rc = SC_OK;

	machine_names(r, &x->pc, &names);
	for (size_t i = 0; rc == SC_OK && i <= n; i++) {
		const struct sc_keytab *kt = i < n ? b->more_keytabs[i] :
					     b->keytab;
		const char *name = i < n ? kt->name : b->config->keytab_name;
		const char **princs = principals(x->mem, r, &x->pc, kt);

		if (princs == NULL)
			return SC_ENOMEM;
		if (princs[0] == NULL)
			continue;
		rc = sci_keytab_write_keys(r->res, name, &names, princs,
					   x->keys, x->nkeys, x->pc.kvno,
					   x->keep, err_out);
		if (rc == SC_OK && x->from_kvno == x->pc.kvno)
			sci_message(&r->opts->verify, "Writing keytab %s "
				    "from its accepted kvno %u keys ... done "
				    "(every principal, kvno %u kept)", name,
				    x->pc.kvno, x->keep);
		else if (rc == SC_OK)
			sci_message(&r->opts->verify, "Relabelling keytab %s "
				    "... done (its kvno %u keys at kvno %u, "
				    "kvno %u kept)", name, x->from_kvno,
				    x->pc.kvno, x->keep);
	}
	return rc == SC_OK ? keytab_written(r, x->pc.kvno) : rc;
}

/* USER or USER@REALM as a principal name (the ccache's with --use-ccache). */
static char *admin_principal(TALLOC_CTX *mem_ctx, struct rrun *r)
{
	const char *u = r->opts->admin_user;

	if (r->opts->admin_ccache != NULL)
		return talloc_strdup(mem_ctx, r->cc_client != NULL ?
				     r->cc_client : "?");
	return strchr(u, '@') != NULL ? talloc_strdup(mem_ctx, u) :
	       talloc_asprintf(mem_ctx, "%s@%s", u,
			       r->res->before->config->realm);
}

/*
 * A ticket cache holding the administrator's TGT for an LDAP bind on dc:
 * a MEMORY copy of --use-ccache's cache (the user's own is never
 * destroyed nor given service tickets), or one AS exchange with the
 * password.  *why_out (with *cc_out NULL) when there is none.
 */
static enum sc_rc admin_tgt(TALLOC_CTX *mem_ctx, struct rrun *r,
			    const struct sc_dc *dc, const char *client,
			    char **cc_out, char **why_out,
			    struct sc_error **err_out)
{
	const char *realm = r->res->before->config->realm;
	struct sci_kpasswd_result *kr = NULL;
	enum sc_rc rc;

	*cc_out = NULL;
	*why_out = NULL;
	if (r->opts->admin_ccache != NULL)
		return sci_ccache_copy(mem_ctx, realm, r->opts->admin_ccache,
				       cc_out, why_out, err_out);
	rc = sci_kinit(mem_ctx, realm, dc, client, r->opts->admin_password,
		       NULL, &kr, cc_out, err_out);
	if (rc == SC_OK && !kr->authenticated)
		*why_out = talloc_steal(mem_ctx, kr->text);
	return rc;
}

/*
 * Does dc take TCP connections on its kpasswd port (464) within timeout
 * seconds?  NULL when it does, else why not.  Used only to fall back from
 * a PDC emulator that is down: the change must go to a DC that answers.
 */
static const char *tcp_refused(TALLOC_CTX *mem_ctx, const struct sc_dc *dc,
			       int timeout)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST };
	struct addrinfo *ai = NULL;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, err = 0, n;

	if (getaddrinfo(dc->address, "464", &hints, &ai) != 0 || ai == NULL)
		return talloc_asprintf(mem_ctx, "%s is not an address",
				       dc->address);
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(ai);
		return talloc_asprintf(mem_ctx, "socket: %s", strerror(errno));
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		err = errno;
		if (err == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			n = poll(&pfd, 1, timeout * 1000);
			if (n == 0)
				err = ETIMEDOUT;
			else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR,
						     &err, &len) != 0)
				err = errno;
		}
	}
	close(fd);
	freeaddrinfo(ai);
	return err == 0 ? NULL : talloc_asprintf(mem_ctx, "%s port 464: %s",
						  dc->address, strerror(err));
}

/*
 * Where a password change goes: the PDC emulator, as NETDOM does (every
 * DC forwards password changes there, so it holds the newest one and the
 * check of the new secret that follows can never see a stale copy).  It
 * is read over LDAP from the DC verify used, bound with a credential
 * that DC already accepted: the machine's own, or else the
 * administrator's (one AS exchange; a rejection ends the run, the
 * password is not presented again).  -S pins the DC.  When the lookup
 * fails the change goes to the verify DC and a step line says so.
 */
static enum sc_rc pick_dc(TALLOC_CTX *mem_ctx, struct rrun *r,
			  const struct sc_secret *cred, const char *kt,
			  const char *admin_client, const struct sc_dc **dc_out,
			  bool *is_pdc, struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_dc *vdc = verdict_dc(b);
	bool admin = r->res->plan->cred == SC_PLAN_CRED_ADMIN;
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sci_kpasswd_result *kr = NULL;
	char *cc = NULL, *pdc = NULL, *detail = NULL;
	const char *how = NULL, *why = NULL;
	struct sc_dc *pdc_dc = NULL;
	bool pdc_down = false;
	enum sc_rc rc = SC_OK;

	*dc_out = vdc;
	*is_pdc = false;
	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	if (r->opts->verify.server != NULL) {
		sci_message(&r->opts->verify, "Using %s, the DC the caller named "
			    "(the PDC emulator is not looked up)", vdc->name);
		goto done;
	}
	if (!admin) {
		char *machine = talloc_asprintf(tmp_ctx, "%s@%s", b->account,
						b->config->realm);

		if (machine == NULL) {
			rc = SC_ENOMEM;
			goto done;
		}
		rc = sci_kinit(tmp_ctx, b->config->realm, vdc, machine, cred,
			       kt, &kr, &cc, err_out);
		if (rc != SC_OK)
			goto done;
		how = b->account;
		if (!kr->authenticated)
			why = talloc_asprintf(tmp_ctx, "%s: %s", b->account,
					      kr->text);
	}
	if (cc == NULL && admin_client != NULL) {
		char *awhy = NULL;

		rc = admin_tgt(tmp_ctx, r, vdc, admin_client, &cc, &awhy,
			       err_out);
		if (rc != SC_OK)
			goto done;
		how = admin_client;
		if (cc == NULL && admin) {
			/* The one presentation of a wrong admin password. */
			r->res->health = SC_HEALTH_BROKEN;
			r->res->detail = talloc_asprintf(r->res, "the "
				"administrator credentials %s: %s; nothing "
				"changed", r->opts->admin_ccache != NULL ?
				"of the ticket cache are not usable" :
				"were rejected (not retried)", awhy);
			goto done;
		}
		if (cc == NULL)
			why = talloc_asprintf(tmp_ctx, "%s: %s", admin_client,
					      awhy);
	}
	if (cc != NULL) {
		rc = sci_ldap_find_pdc(tmp_ctx, &r->popts, vdc, cc, &pdc,
				       &detail, err_out);
		sc_ccache_destroy(cc);
		if (rc != SC_OK)
			goto done;
		if (pdc == NULL)
			why = detail;
	} else if (why == NULL) {
		why = "no credential to bind with";
	}
	if (pdc != NULL && strcasecmp(pdc, vdc->name) == 0) {
		*is_pdc = true;
	} else if (pdc != NULL) {
		struct sc_error *e = NULL;

		const char *down = NULL;

		if (sc_dc_resolve(r->res, pdc, &pdc_dc, &e) == SC_OK &&
		    (down = tcp_refused(tmp_ctx, pdc_dc,
					r->popts.timeout)) == NULL) {
			*dc_out = pdc_dc;
			*is_pdc = true;
		} else if (down != NULL) {
			/* The PDC is down: a DC that answers takes it. */
			why = talloc_asprintf(tmp_ctx, "%s, which does not "
					      "answer: %s", pdc, down);
			pdc_down = true;
		} else {
			why = talloc_asprintf(tmp_ctx, "%s does not resolve: "
					      "%s", pdc, e != NULL ?
					      e->message : "?");
		}
		talloc_free(e);
	}
	if (*is_pdc)
		sci_message(&r->opts->verify, "Finding the PDC emulator on %s "
			    "... %s (fSMORoleOwner, LDAP as %s)", vdc->name,
			    (*dc_out)->name, how);
	else
		sci_message(&r->opts->verify, "Finding the PDC emulator on %s "
			    "... %s%s%s: changing on %s, the DC verify used",
			    vdc->name, pdc_down ? "" : "not found (",
			    why ? why : "?", pdc_down ? "" : ")", vdc->name);
done:
	rescue_err(r, tmp_ctx, err_out);
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * --enable: an administrator re-enables a disabled account (LDAP modify
 * of userAccountControl, bound with the administrator's TGT from the
 * verify DC: one AS exchange, a rejection ends the run).  Nothing local
 * changes; the verify that follows shows what else is wrong.
 */
static enum sc_rc do_enable(struct rrun *r, struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_dc *dc = verdict_dc(b);
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	char *client, *cc = NULL, *detail = NULL, *why = NULL;
	uint32_t old_uac = 0, new_uac = 0;
	bool enabled = false;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	client = admin_principal(tmp_ctx, r);
	if (client == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	rc = admin_tgt(tmp_ctx, r, dc, client, &cc, &why, err_out);
	if (rc != SC_OK)
		goto done;
	if (cc == NULL) {
		r->res->health = SC_HEALTH_BROKEN;
		r->res->detail = talloc_asprintf(r->res, "the administrator "
			"credentials %s: %s; nothing changed",
			r->opts->admin_ccache != NULL ?
			"of the ticket cache are not usable" :
			"were rejected (not retried)", why);
		goto done;
	}
	rc = sci_ldap_enable_account(tmp_ctx, &r->popts, dc, cc, b->account,
				     &enabled, &old_uac, &new_uac, &detail,
				     err_out);
	sc_ccache_destroy(cc);
	if (rc != SC_OK)
		goto done;
	if (!enabled) {
		r->res->health = SC_HEALTH_BROKEN;
		r->res->detail = talloc_asprintf(r->res, "%s did not enable "
			"%s: %s", dc->name, b->account, detail);
		goto done;
	}
	r->res->enabled = true;
	r->res->change_dc = talloc_strdup(r->res, dc->name);
	sci_message(&r->opts->verify, "Enabling computer account %s on %s "
		    "... done (userAccountControl 0x%x -> 0x%x, as %s)",
		    b->account, dc->name, (unsigned)old_uac,
		    (unsigned)new_uac, client);
done:
	rescue_err(r, tmp_ctx, err_out);
	talloc_free(tmp_ctx);
	return rc;
}

/* The credential an own or administrator change presents (the plan's). */
static enum sc_rc prepare_change(struct rrun *r, struct xrun *x,
				 struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_plan *plan = r->res->plan;
	const char *realm = b->config->realm;

	switch (plan->cred) {
	case SC_PLAN_CRED_CURRENT:
		x->cred = b->secrets->current;
		break;
	case SC_PLAN_CRED_PREVIOUS:
		x->cred = b->secrets->previous;
		break;
	case SC_PLAN_CRED_KEYTAB:
		/* kpasswd authenticates with the keytab's newest keys */
		x->kt = b->config->keytab_name;
		x->auth_kvno = sc_keytab_max_kvno(b->keytab);
		break;
	case SC_PLAN_CRED_ADMIN:
		x->cred = r->opts->admin_password;
		x->admin_cc = r->opts->admin_ccache;
		break;
	default:
		break;
	}
	x->auth = plan->cred;
	if (plan->cred == SC_PLAN_CRED_ADMIN) {
		x->client = admin_principal(x->mem, r);
		x->target = talloc_asprintf(x->mem, "%s@%s", b->account,
					    realm);
	} else {
		x->client = talloc_asprintf(x->mem, "%s@%s", b->account,
					    realm);
	}
	if (x->client == NULL || (x->cred == NULL && x->kt == NULL &&
				  x->admin_cc == NULL))
		return sci_error(r->res, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NONE, 0,
				 "cannot prepare the password change");
	return SC_OK;
}

/*
 * align-secrets (only the previous password is accepted): an earlier
 * change never reached the DC (or secrets.tdb came from a backup).  Make
 * the stores agree with the DC first, so that after the rotation
 * secrets.tdb's previous password is the DC's previous one (what a DC
 * that has not replicated yet still accepts), not a password no DC ever
 * had.  A crash after this leaves a healthy host.  The plan has this
 * step only when 'net changesecretpw' can take that password.
 */
static enum sc_rc step_align_secrets(struct rrun *r, struct xrun *x,
				     struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_secret *prev = b->secrets->previous;
	enum sc_rc rc;

	rc = secrets_put(r, x, prev, "accepted", err_out);
	if (rc != SC_OK)
		return rc;
	sci_message(&r->opts->verify, "Making %s agree with the DC ... done "
		    "(the accepted previous password -> current)",
		    b->config->secrets_path);
	return SC_OK;
}

/*
 * journal: find the DC the change goes to (the PDC emulator), hold off
 * winbindd & co., then journal the new password (with that DC) before
 * the DC sees it.
 */
/*
 * Held off, sssd starts no adcli; one it started before may still run
 * (rotator-proc.c), as may one from cron.  Its change lands on the DC
 * while ours does, and the last keytab write wins: wait for it, then
 * verify again (r->again), as the host is not what verify saw.  false:
 * no change now.
 */
static bool rotators_quiet(struct rrun *r)
{
	const struct sc_verify_result *b = r->res->before;
	const char **names = sci_verify_keytab_names(NULL, b->config,
						     r->opts->verify.more_keytabs);
	long pid = 0;
	bool done;

	if (names == NULL)
		return true;
	done = sci_rotator_settle(names, ROTATOR_WAIT, &r->opts->verify,
				  &pid);
	talloc_free(names);
	if (pid == 0)
		return true;
	if (done && r->restarts < MAX_RESTARTS) {
		r->again = true;
		return false;
	}
	r->res->health = SC_HEALTH_UNKNOWN;
	r->res->detail = talloc_asprintf(r->res, "another process (pid %ld) "
		"%s the machine password; nothing changed: run again once "
		"it is done", pid, done ? "keeps changing" : "is changing");
	return false;
}

static enum sc_rc step_journal(struct rrun *r, struct xrun *x,
			       struct sc_error **err_out)
{
	const struct sc_verify_result *b = r->res->before;
	const struct sc_plan *plan = r->res->plan;
	struct sci_journal j = { 0 };
	bool have_admin = (r->opts->admin_user != NULL &&
			   r->opts->admin_password != NULL) ||
			  r->opts->admin_ccache != NULL;
	enum sc_rc rc;

	rc = prepare_change(r, x, err_out);
	if (rc != SC_OK)
		return rc;
	if (plan->cred == SC_PLAN_CRED_PREVIOUS &&
	    x->cred->len > SCI_NET_PW_MAX)
		/* Samba's own (UTF-16 random, 357 bytes as UTF-8). */
		sci_message(&r->opts->verify, "Keeping %s as it is: its "
			    "previous password (%zu bytes, Samba's) is longer "
			    "than 'net changesecretpw' takes; rotating with it "
			    "directly", b->config->secrets_path,
			    x->cred->len);
	rc = pick_dc(x->mem, r, x->cred, x->kt, !have_admin ? NULL :
		     plan->cred == SC_PLAN_CRED_ADMIN ? x->client :
		     admin_principal(x->mem, r), &x->dc, &x->is_pdc, err_out);
	if (rc != SC_OK || r->res->detail != NULL)
		return rc;
	r->res->change_dc = talloc_strdup(r->res, x->dc->name);
	r->res->change_dc_is_pdc = x->is_pdc;
	j.dc = talloc_strdup(x->mem, x->dc->name);
	j.account = talloc_strdup(x->mem, b->account);
	j.password = sci_machine_password_new(x->mem);
	j.when = time(NULL);
	j.auth = x->auth;
	j.auth_kvno = x->auth_kvno;
	if (j.dc == NULL || j.account == NULL || j.password == NULL)
		return sci_error(r->res, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NONE, 0,
				 "cannot prepare the password change");
	/* Services held off only for a change about to be made; then
	 * nothing else rotates: no change of its own lands between ours
	 * and our stores, nor a keytab write after ours. */
	if (!hold_on(r)) {
		/* One left running could change the password itself at the
		 * same time: no change at all. */
		r->res->health = SC_HEALTH_BROKEN;
		r->res->detail = talloc_asprintf(r->res, "a service that "
			"caches the machine password and may change it "
			"itself (winbindd, sssd) could not be stopped for the "
			"change; nothing changed");
		return SC_OK;
	}
	if (!rotators_quiet(r))
		return SC_OK;
	rc = sci_journal_save(r->res, r->journal_path, &j, err_out);
	if (rc != SC_OK)
		return rc;
	x->pw = j.password;
	sci_message(&r->opts->verify, "Journalling the new password in %s "
		    "... done", r->journal_path);
	sci_test_hook("journal");
	return SC_OK;
}

/* change-dc: kpasswd change (own) or set (administrator), once. */
static enum sc_rc step_change_dc(struct rrun *r, struct xrun *x,
				 struct sc_error **err_out)
{
	const char *realm = r->res->before->config->realm;
	const struct sc_plan *plan = r->res->plan;
	struct sci_kpasswd_result *kp = NULL;
	enum sc_rc rc;

	if (x->admin_cc != NULL)
		rc = sci_kpasswd_ccache(x->mem, realm, x->dc, x->admin_cc,
					x->target, x->pw, &kp, err_out);
	else
		rc = sci_kpasswd(x->mem, realm, x->dc, x->client, x->cred,
				 x->kt, x->target, x->pw, &kp, err_out);
	if (rc != SC_OK) {
		/* No answer: the DC may have it.  The journal decides later. */
		r->res->detail = talloc_asprintf(r->res, "the change on %s "
			"did not complete; the journal %s keeps the new "
			"password and the next run finishes or drops it",
			x->dc->name, r->journal_path);
		return rc;
	}
	if (!kp->authenticated || kp->result_code != 0) {
		/* Definitely not changed: drop the journal. */
		rc = sci_journal_clear(r->res, r->journal_path, err_out);
		if (rc != SC_OK)
			return rc;
		r->res->health = SC_HEALTH_BROKEN;
		r->res->detail = talloc_asprintf(r->res, "%s: %s%s",
			!kp->authenticated ? (x->admin_cc != NULL ?
			"the administrator's ticket cache could not be "
			"used" :
			plan->cred == SC_PLAN_CRED_ADMIN ?
			 "the administrator credentials were rejected "
			 "(not retried)" : "the DC rejected the machine's "
			 "credentials for the change") :
			x->admin_cc != NULL ? "the DC's kpasswd refused the "
			"set-password made with a ticket from the "
			"administrator's ticket cache" :
			"the DC refused the password change",
			kp->text ? kp->text : "",
			kp->authenticated ? "" : "; nothing changed");
		return SC_OK;
	}
	r->res->changed_dc = true;
	sci_message(&r->opts->verify, "Changing computer account on %s %s "
		    "... done (%s)", x->is_pdc ? "PDC" : "DC", x->dc->name,
		    plan->cred == SC_PLAN_CRED_ADMIN ?
		    "administrator set" : "kpasswd as the machine");
	sci_test_hook("dc");
	return SC_OK;
}

/* verify-new: the new password once on that same DC, and its kvno. */
static enum sc_rc step_verify_new(struct rrun *r, struct xrun *x,
				  struct sc_error **err_out)
{
	enum sc_rc rc;

	rc = check_password(x->mem, r, x->dc, x->pw, &x->pc, err_out);
	if (rc != SC_OK)
		return rc;
	if (x->pc.outcome != SC_OUTCOME_ACCEPTED || !x->pc.has_kvno) {
		r->res->health = SC_HEALTH_BROKEN;
		r->res->detail = talloc_asprintf(r->res, "%s does not accept "
			"the new password it just took (%s); the journal %s "
			"keeps it for the next run", x->dc->name,
			x->pc.detail ? x->pc.detail : "no kvno",
			r->journal_path);
		return SC_OK;
	}
	sci_message(&r->opts->verify, "Verifying the new password on %s "
		    "... done (kvno %u)", x->dc->name, x->pc.kvno);
	return SC_OK;
}

/* enable-account (do_enable above). */
static enum sc_rc step_enable(struct rrun *r, struct xrun *x,
			      struct sc_error **err_out)
{
	return do_enable(r, err_out);
}

/*
 * verify-after: sc_verify() again.  What changed is reported whatever it
 * says: a verification that cannot run (the DC's DNS went away) is the
 * run's problem, not a reason to lose the result.
 */
static enum sc_rc step_verify_after(struct rrun *r, struct xrun *x,
				    struct sc_error **err_out)
{
	struct sc_error *e = NULL;
	enum sc_rc rc;

	rc = sc_verify(r->res, &r->opts->verify, &r->res->after, &e);
	if (rc != SC_OK) {
		r->res->health = SC_HEALTH_UNKNOWN;
		r->res->detail = talloc_asprintf(r->res, "the verification "
			"after the change could not run: %s",
			e != NULL ? e->message : sc_rc_name(rc));
		return SC_OK;
	}
	r->res->health = r->res->after->verdict.health;
	return SC_OK;
}

typedef enum sc_rc (*step_fn)(struct rrun *r, struct xrun *x,
			      struct sc_error **err_out);

/* The program: one function per plan step. */
static const step_fn step_fns[SC_STEP_COUNT] = {
	[SC_STEP_READ_KVNO] = step_read_kvno,
	[SC_STEP_ALIGN_SECRETS] = step_align_secrets,
	[SC_STEP_JOURNAL] = step_journal,
	[SC_STEP_CHANGE_DC] = step_change_dc,
	[SC_STEP_VERIFY_NEW] = step_verify_new,
	[SC_STEP_WRITE_SECRETS] = step_write_secrets,
	[SC_STEP_WRITE_KEYTAB] = step_write_keytab,
	[SC_STEP_CLEAR_JOURNAL] = step_clear_journal,
	[SC_STEP_VERIFY_AFTER] = step_verify_after,
	[SC_STEP_ENABLE] = step_enable,
	[SC_STEP_RELABEL_KEYTAB] = step_relabel_keytab,
};

/*
 * Run steps in order, each to completion before the next; stop at the
 * first that fails or refuses (sets the result's detail).  Each step
 * that ran is appended to the result's steps: a dry run's plan.steps
 * and a real run's result.steps name the same steps.
 */
static enum sc_rc run_steps(struct rrun *r, struct xrun *x,
			    const enum sc_step *steps, size_t n,
			    struct sc_error **err_out)
{
	struct sc_reset_result *res = r->res;
	enum sc_rc rc = SC_OK;

	for (size_t i = 0; i < n && rc == SC_OK; i++) {
		enum sc_step *ns;

		if (steps[i] >= SC_STEP_COUNT || step_fns[steps[i]] == NULL)
			return sci_error(res, err_out, SC_EINTERNAL,
					 SC_ERRDOM_NONE, 0, "plan step %d "
					 "has no executor", (int)steps[i]);
		rc = step_fns[steps[i]](r, x, err_out);
		if (rc != SC_OK || res->detail != NULL || r->again)
			break;
		ns = talloc_realloc(res, res->steps, enum sc_step,
				    res->step_count + 1);
		if (ns == NULL)
			return SC_ENOMEM;
		res->steps = ns;
		res->steps[res->step_count++] = steps[i];
	}
	return rc;
}

/* The plan's steps, then whatever was held off runs again. */
static enum sc_rc run_plan(struct rrun *r, const enum sc_step *steps,
			   size_t n, struct sc_error **err_out)
{
	struct xrun x = { .mem = talloc_new(NULL) };
	enum sc_rc rc;

	if (x.mem == NULL)
		return SC_ENOMEM;
	rc = run_steps(r, &x, steps, n, err_out);
	if (!r->again)
		hold_off(r);	/* else held through the next verification */
	rescue_err(r, x.mem, err_out);
	talloc_free(x.mem);
	return rc;
}

/*
 * Refuse a plan whose local writes cannot all be made, before anything
 * changes (reset-preflight.c): the keytab for every plan that writes it,
 * secrets.tdb, `net` and the journal for a password change.
 */
static bool preflight_ok(struct rrun *r)
{
	const struct sc_verify_result *b = r->res->before;
	enum sc_plan_action a = r->res->plan->action;
	struct sci_preflight in = { 0 };
	char *why;

	if (a != SC_PLAN_REWRITE_KEYTAB && a != SC_PLAN_CHANGE_OWN &&
	    a != SC_PLAN_CHANGE_ADMIN)
		return true;
	in.keytab_name = b->config->keytab_name;
	if (a != SC_PLAN_REWRITE_KEYTAB) {
		in.secrets_path = b->config->secrets_path;
		in.net_binary = r->opts->net_binary;
		in.journal_path = r->journal_path;
	}
	why = sci_reset_preflight(r->res, &in);
	if (why == NULL)
		return true;
	r->res->health = SC_HEALTH_UNKNOWN;
	r->res->detail = talloc_asprintf(r->res, "%s; nothing changed", why);
	return false;
}

/*
 * Another rotator changed the password while this run was about to:
 * what verify saw is gone.  The same run starts over from verification,
 * the services still held off.
 */
static void start_over(struct rrun *r)
{
	struct sc_reset_result *res = r->res;

	TALLOC_FREE(res->before);
	TALLOC_FREE(res->plan);
	TALLOC_FREE(res->steps);
	res->step_count = 0;
	res->journal_finished = false;
	res->change_dc = NULL;
	res->change_dc_is_pdc = false;
	r->again = false;
	r->restarts++;
	sci_message(&r->opts->verify, "Verifying again: the password changed "
		    "since the verification");
}

enum sc_rc sc_reset(TALLOC_CTX *mem_ctx, const struct sc_reset_opts *opts,
		    struct sc_reset_result **result_out,
		    struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_plan_opts popts = { 0 };
	struct rrun r = { .opts = opts };
	struct sc_reset_result *res;
	bool finished = false, skew_has = false;
	enum sc_health fail_health = SC_HEALTH_BROKEN;
	const char *skew_dc = NULL;
	long long skew_off = 0;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	res = talloc_zero(tmp_ctx, struct sc_reset_result);
	if (res == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	r.res = res;
	r.popts.timeout = opts->verify.timeout > 0 ? opts->verify.timeout : 5;
	r.state_dir = opts->verify.state_dir != NULL ?
		      opts->verify.state_dir : DEFAULT_STATE_DIR;
	if (!opts->dry_run) {
		rc = take_lock(tmp_ctx, r.state_dir, &opts->verify,
			       err_out);
		if (rc != SC_OK)
			goto done;
	}
again:
	rc = sc_verify(res, &opts->verify, &res->before, err_out);
	if (rc != SC_OK)
		goto done;
	/* a keytab-only host has no workgroup: its journal is the realm's */
	r.journal_path = sci_journal_path(res, r.state_dir,
					  res->before->config->keytab_only ?
					  res->before->config->realm :
					  res->before->config->workgroup);
	if (r.journal_path == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	/* Under the lock no other reset writes: what is there is left over. */
	if (!opts->dry_run)
		sci_remove_leftovers(tmp_ctx, res->before->config->keytab_name,
				     r.journal_path, &opts->verify);
	for (size_t i = 0; !opts->dry_run &&
			   i < res->before->more_keytab_count; i++)
		sci_remove_leftovers(tmp_ctx, res->before->more_keytabs[i]->name,
				     NULL, &opts->verify);
	if (opts->admin_ccache != NULL) {
		char *ccwhy = NULL, *want = NULL;

		rc = sci_ccache_client(res, res->before->config->realm,
				       opts->admin_ccache,
				       (char **)&r.cc_client, &ccwhy, err_out);
		if (rc != SC_OK)
			goto out_rc;
		if (r.cc_client != NULL)
			sci_message(&opts->verify, "Using the administrator "
				    "ticket of %s from %s", r.cc_client,
				    *opts->admin_ccache != '\0' ?
				    opts->admin_ccache :
				    "the default ticket cache");
		if (r.cc_client != NULL && opts->admin_user != NULL) {
			want = strchr(opts->admin_user, '@') != NULL ?
			       talloc_strdup(res, opts->admin_user) :
			       talloc_asprintf(res, "%s@%s", opts->admin_user,
					res->before->config->realm);
			if (want == NULL) {
				rc = SC_ENOMEM;
				goto done;
			}
			if (strcasecmp(want, r.cc_client) != 0) {
				res->health = SC_HEALTH_BROKEN;
				res->detail = talloc_asprintf(res, "the "
					"administrator %s is not the ticket "
					"cache's %s; nothing changed",
					want, r.cc_client);
				rc = SC_OK;
				goto out_rc;
			}
		}
	}
	/*
	 * Under a clock skew the journalled secret cannot be tested (the KDC
	 * answers KRB_AP_ERR_SKEW to every key): leave the journal for a
	 * run with the right time, and let the plan refuse.
	 */
	rc = SC_OK;
	if (!opts->dry_run && !sci_plan_skewed(res->before, &skew_dc,
					       &skew_off, &skew_has))
		rc = settle_journal(&r, &finished, err_out);
	/* Still under the lock: no other run is holding it off now (on a
	 * verification again, this run is). */
	if (!opts->dry_run && opts->recover != NULL && r.restarts == 0)
		opts->recover(opts->hold_data);
	if (rc != SC_OK) {
		fail_health = SC_HEALTH_UNKNOWN;
		goto out_rc;
	}
	res->journal_finished = finished;
	popts.force = opts->force && !finished;
	popts.have_admin = (opts->admin_user != NULL &&
			    opts->admin_password != NULL) ||
			   opts->admin_ccache != NULL;
	popts.enable = opts->enable;
	popts.now = time(NULL);
	rc = sc_plan_make(res, res->before, &popts, &res->plan, err_out);
	if (finished) {
		/* The finished change was the repair; just verify it. */
		rc = SC_OK;
		goto after;
	}
	if (rc != SC_OK)
		goto done;
	if (opts->dry_run) {
		res->health = res->plan->action == SC_PLAN_NOTHING ?
			      SC_HEALTH_OK : res->plan->action ==
			      SC_PLAN_REFUSE ? res->plan->refuse_health :
			      res->before->verdict.health;
		goto out;
	}
	if (!preflight_ok(&r))
		goto out;
	switch (res->plan->action) {
	case SC_PLAN_NOTHING:
		res->health = SC_HEALTH_OK;
		goto out;
	case SC_PLAN_REFUSE:
		res->health = res->plan->refuse_health;
		goto out;
	default:
		break;
	}
	/* The plan is the program: exactly its steps, in its order. */
	sci_test_hook("plan");
	rc = run_plan(&r, res->plan->steps, res->plan->step_count, err_out);
	if (rc == SC_OK && r.again) {
		start_over(&r);
		goto again;
	}
	goto out_rc;
after:
	{
		static const enum sc_step verify_only[] = {
			SC_STEP_VERIFY_AFTER,
		};

		rc = run_plan(&r, verify_only, 1, err_out);
		goto out_rc;
	}
out:
	rc = SC_OK;
out_rc:
	hold_off(&r);	/* held when a verification again ended early */
	/* From here on a failure is a result: the run may have changed
	 * something, and the caller must be able to say what. */
	if (rc != SC_OK && res->detail == NULL && err_out != NULL &&
	    *err_out != NULL)
		res->detail = talloc_strdup(res, (*err_out)->message);
	if (rc != SC_OK) {
		res->health = fail_health;
		rc = SC_OK;
	}
	*result_out = talloc_move(mem_ctx, &res);
done:
	/* Errors made on res (freed here on failure) go to the caller. */
	if (rc != SC_OK && err_out != NULL && *err_out != NULL &&
	    talloc_is_parent(*err_out, tmp_ctx))
		talloc_steal(mem_ctx, *err_out);
	talloc_free(tmp_ctx);
	return rc;
}
