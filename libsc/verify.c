/*
 * libsc - verify: stores -> probes -> verdict
 *
 * Lockout safety is decided here, once, for every caller: each distinct
 * candidate secret is presented at most once per DC and path in a run, a
 * path stops at its first definite answer, and secrets a DC rejected on an
 * earlier run are not presented again (their remembered answer is used)
 * until they change or the caller asks for a recheck.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <pthread.h>
#include <krb5/krb5.h>
#include "sc-private.h"

#define DEFAULT_STATE_DIR "/var/lib/netchk"
#define DEFAULT_TIMEOUT 5

#define NT_STATUS_ACCESS_DENIED		0xC0000022u
#define NT_STATUS_WRONG_PASSWORD	0xC000006Au
#define NT_STATUS_LOGON_FAILURE		0xC000006Du
#define NT_STATUS_IO_TIMEOUT		0xC00000B5u

/* Without a deadline of the caller's, probing stops after this many
 * timeouts: one per path of a DC that does not answer, then some. */
#define DEFAULT_DEADLINE_TIMEOUTS	3

void sci_message(const struct sc_verify_opts *opts, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (opts == NULL || opts->message == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	opts->message(opts->message_data, line);
}

/* Everything one run needs, so the per-path functions stay short. */
struct run {
	const struct sc_verify_opts *opts;
	struct sc_probe_opts popts;
	struct sc_verify_result *res;
	struct sci_state *state;
	const char *computer;
	/*
	 * --all-dcs runs one thread per DC: each allocates only on its own
	 * mem (talloc is not thread-safe within one hierarchy), the shared
	 * lockout memory is used under lock, and bind_cc is a TGT another
	 * DC issued, to read this DC's account before presenting anything.
	 */
	TALLOC_CTX *mem;
	pthread_mutex_t *lock;		/* NULL: one thread */
	const char *bind_cc;
	const char *keep_cc;		/* out: this DC's TGT, kept for others */
	bool keep;			/* keep the TGT instead of destroying it */
	/*
	 * This DC's netlogon child (probe-child.c), forked while the
	 * process had one thread.  In the child itself: each attempt goes
	 * to child_fd as it is made, the parent records and narrates it,
	 * and nl_memory holds what the parent's (live) lockout memory says
	 * of each candidate (outcome REMEMBERED, or NOT_RUN: nothing).
	 */
	struct sci_child *nl_child;
	bool in_child;
	int child_fd;
	struct sc_attempt nl_memory[2];
};

static void state_lock(struct run *run)
{
	if (run->lock != NULL)
		pthread_mutex_lock(run->lock);
}

static void state_unlock(struct run *run)
{
	if (run->lock != NULL)
		pthread_mutex_unlock(run->lock);
}

static bool want(const struct run *run, enum sc_path p)
{
	return (run->opts->paths & (1u << p)) != 0;
}

/* Append a copy of a to rep's attempts (owned by the result). */
static struct sc_attempt *add_attempt(struct run *run,
				      struct sc_dc_report *rep,
				      const struct sc_attempt *a)
{
	struct sc_attempt *v;

	v = talloc_realloc(run->mem, rep->attempts, struct sc_attempt,
			   rep->attempt_count + 1);
	if (v == NULL)
		return NULL;
	rep->attempts = v;
	v[rep->attempt_count] = *a;
	if (a->detail != NULL)
		v[rep->attempt_count].detail = talloc_strdup(run->mem,
							     a->detail);
	return &v[rep->attempt_count++];
}

/* "NT_STATUS_ACCESS_DENIED (0xC0000022)" or the krb5 equivalent. */
static char *answer_text(TALLOC_CTX *mem_ctx, const struct sc_attempt *a)
{
	const char *k5;

	if (a->has_krb5) {
		k5 = sc_krb5_code_name(a->krb5_code);
		if (a->has_ntstatus)
			return talloc_asprintf(mem_ctx, "%s (%d), %s "
					       "(0x%08X)", k5 ? k5 : "krb5",
					       a->krb5_code,
					       sc_ntstatus_name(a->ntstatus),
					       a->ntstatus);
		return talloc_asprintf(mem_ctx, "%s (%d)", k5 ? k5 : "krb5",
				       a->krb5_code);
	}
	if (a->has_ntstatus)
		return talloc_asprintf(mem_ctx, "%s (0x%08X)",
				       sc_ntstatus_name(a->ntstatus),
				       a->ntstatus);
	return talloc_strdup(mem_ctx, a->detail ? a->detail : "");
}

static void narrate(struct run *run, const struct sc_dc_report *rep,
		    const struct sc_attempt *a)
{
	char *what, *ans = answer_text(NULL, a);

	if (a->cand == SC_CAND_KEYTAB)
		what = talloc_asprintf(ans, "keytab keys kvno %u", a->kvno);
	else if (a->kvno != 0)
		what = talloc_asprintf(ans, "keytab RC4 key (NT hash) kvno %u",
				       a->kvno);
	else
		what = talloc_asprintf(ans, "%s password",
				       sc_cand_name(a->cand));
	sci_message(run->opts, "%s: %s %s -> %s%s%s", rep->dc.name,
		    sc_path_name(a->path), what, sc_outcome_name(a->outcome),
		    ans && ans[0] ? ": " : "", ans ? ans : "");
	talloc_free(ans);
}

/*
 * Use the remembered answer instead of presenting a secret the DC already
 * called wrong.  Returns true when the attempt was taken from memory;
 * false when the secret is to be presented: not remembered, --recheck,
 * or remembered for longer than the lockout observation window (once).
 */
static bool from_memory(struct run *run, struct sc_dc_report *rep,
			struct sc_attempt *a)
{
	const char *realm = run->res->config->realm;
	const struct sci_reject *r = NULL;
	enum sci_recall recall;
	int64_t window;
	time_t now = time(NULL);

	if (run->opts->recheck)
		return false;
	state_lock(run);
	recall = sci_state_recall(run->state, realm, rep->dc.name, a->path,
				  a->fingerprint, now, &r);
	if (recall == SCI_RECALL_RETRY) {
		window = sci_state_window(run->state, realm);
		state_unlock(run);
		sci_message(run->opts, "%s: %s: rejected %lld min ago, longer "
			    "than the lockout observation window (%lld min): "
			    "presented once more", rep->dc.name,
			    sc_path_name(a->path),
			    (long long)(now - r->when) / 60,
			    (long long)window / 60);
		return false;
	}
	if (recall == SCI_RECALL_NONE) {
		state_unlock(run);
		return false;
	}
	a->outcome = SC_OUTCOME_REMEMBERED;
	a->has_ntstatus = r->has_ntstatus;
	a->ntstatus = r->ntstatus;
	a->has_krb5 = r->has_krb5;
	a->krb5_code = r->krb5_code;
	state_unlock(run);
	a->detail = "rejected on an earlier run; not presented again "
		    "(a recheck presents it)";
	return true;
}

/* Wrong-password answers: only these justify trying another secret. */
static bool wrong_password(const struct sc_attempt *a)
{
	if (a->outcome != SC_OUTCOME_REJECTED &&
	    a->outcome != SC_OUTCOME_REMEMBERED)
		return false;
	if (a->path == SC_PATH_KERBEROS)
		return a->has_krb5 && a->krb5_code == KRB5KDC_ERR_PREAUTH_FAILED;
	return a->has_ntstatus && (a->ntstatus == NT_STATUS_ACCESS_DENIED ||
				   a->ntstatus == NT_STATUS_WRONG_PASSWORD ||
				   a->ntstatus == NT_STATUS_LOGON_FAILURE);
}

/* A step's error was allocated on its tmp context: move it to the run's
 * before that is freed, or the caller reads freed memory. */
static void keep_error(struct run *run, struct sc_error **err_out)
{
	if (err_out != NULL && *err_out != NULL)
		talloc_steal(run->mem, *err_out);
}

/*
 * The NT hash netlogon presents as candidate c (current, previous): from
 * secrets.tdb's password, or on a keytab-only host the keytab's RC4 key
 * (which is the NT hash) of the highest kvno, then of the one below.
 * *hash_out stays NULL when there is no such secret.
 */
static enum sc_rc netlogon_hash(struct run *run, TALLOC_CTX *mem_ctx, int c,
				struct sc_secret **hash_out, uint32_t *kvno_out,
				struct sc_error **err_out)
{
	const struct sc_secrets *sec = run->res->secrets;
	const struct sc_keytab_entry *e;

	*kvno_out = 0;
	if (sec != NULL) {
		const struct sc_secret *pw = c == 0 ? sec->current :
					     sec->previous;

		return pw == NULL ? SC_OK :
		       sc_nt_hash(mem_ctx, pw, hash_out, err_out);
	}
	e = sci_keytab_rc4_entry(run->res->keytab, c);
	if (e == NULL)
		return SC_OK;
	*hash_out = sc_secret_new(mem_ctx, e->key->data, e->key->len);
	*kvno_out = e->kvno;
	return *hash_out != NULL ? SC_OK : SC_ENOMEM;
}

/* Past the run's deadline: nothing more goes to the network. */
static bool deadline_passed(const struct run *run)
{
	return sci_probe_wait(&run->popts, 1) <= 0;
}

/*
 * An attempt that is not made because the deadline passed first: it
 * counts as no answer (the DC had its chance on the other paths, or
 * this one's time went on a DC that did not answer).
 */
static bool not_tried(struct run *run, struct sc_attempt *a)
{
	if (!deadline_passed(run))
		return false;
	a->outcome = SC_OUTCOME_UNREACHABLE;
	if (a->path == SC_PATH_KERBEROS) {
		a->has_krb5 = true;
		a->krb5_code = KRB5_KDC_UNREACH;
	} else {
		a->has_ntstatus = true;
		a->ntstatus = NT_STATUS_IO_TIMEOUT;
	}
	a->detail = "not tried: the deadline passed first";
	return true;
}

/* Into the lockout memory (the netlogon child leaves it to its parent). */
static void record(struct run *run, const struct sc_dc_report *rep,
		   const struct sc_attempt *a)
{
	if (run->in_child || a->outcome == SC_OUTCOME_REMEMBERED)
		return;
	state_lock(run);
	sci_state_record(run->state, run->res->config->realm, rep->dc.name, a);
	state_unlock(run);
}

/* In the netlogon child: one line to the parent per attempt. */
static void send_attempt(struct run *run, const struct sc_attempt *a)
{
	char *line = sci_attempt_encode(NULL, a);

	sci_child_send(run->child_fd, line);
	talloc_free(line);
}

/*
 * A rejection remembered from an earlier run.  In the netlogon child the
 * parent decided that (its memory is the live one) and said so in the
 * request; it fills in the remembered answer itself.
 */
static bool in_memory(struct run *run, struct sc_dc_report *rep, int c,
		      struct sc_attempt *a)
{
	const struct sc_attempt *m = &run->nl_memory[c];

	if (!run->in_child)
		return from_memory(run, rep, a);
	if (m->outcome != SC_OUTCOME_REMEMBERED)
		return false;
	/* enough for wrong_password(); the parent fills in the rest */
	a->outcome = m->outcome;
	a->has_ntstatus = m->has_ntstatus;
	a->ntstatus = m->ntstatus;
	return true;
}

/* A netlogon secret to present: secrets.tdb's, or the keytab's RC4 key. */
static bool netlogon_possible(const struct run *run)
{
	return want(run, SC_PATH_NETLOGON) &&
	       (run->res->secrets != NULL ||
		sci_keytab_rc4_entry(run->res->keytab, 0) != NULL);
}

static enum sc_rc probe_netlogon(struct run *run, struct sc_dc_report *rep,
				 struct sc_error **err_out)
{
	const struct sc_secrets *sec = run->res->secrets;
	char seen[2][17] = { "", "" };
	enum sc_rc rc = SC_OK;

	for (int c = 0; c < 2; c++) {
		TALLOC_CTX *tmp = talloc_new(NULL);
		struct sc_secret *hash = NULL;
		struct sc_attempt probe = { 0 }, *a = NULL, *got = NULL;
		uint32_t kvno = 0;

		rc = netlogon_hash(run, tmp, c, &hash, &kvno, err_out);
		if (rc != SC_OK) {
			keep_error(run, err_out);
			talloc_free(tmp);
			return rc;
		}
		if (hash == NULL) {
			talloc_free(tmp);
			continue;
		}
		probe.path = SC_PATH_NETLOGON;
		probe.cand = (enum sc_cand)c;
		probe.kvno = kvno;
		sc_fingerprint(hash, probe.fingerprint);
		/* The same secret twice (current == previous): once. */
		if (c == 1 && strcmp(probe.fingerprint, seen[0]) == 0) {
			talloc_free(tmp);
			break;
		}
		memcpy(seen[c], probe.fingerprint, 17);
		if (in_memory(run, rep, c, &probe) || not_tried(run, &probe)) {
			a = &probe;
		} else {
			rc = sc_probe_netlogon(tmp, &run->popts, &rep->dc,
					       run->res->account,
					       run->computer,
					       sec != NULL ?
					       sec->sec_channel_type :
					       0, hash,
					       &a, err_out);
			if (rc != SC_OK) {
				keep_error(run, err_out);
				talloc_free(tmp);
				return rc;
			}
			a->cand = probe.cand;
			a->kvno = probe.kvno;
			memcpy(a->fingerprint, probe.fingerprint, 17);
			record(run, rep, a);
		}
		got = add_attempt(run, rep, a);
		talloc_free(tmp);
		if (got == NULL)
			return SC_ENOMEM;
		if (run->in_child)
			send_attempt(run, got);
		else
			narrate(run, rep, got);
		if (!wrong_password(got))
			break;
	}
	return SC_OK;
}

static int kvno_desc(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? 1 : a > b ? -1 : 0;
}

/*
 * The keys of one kvno for the AS principal: the entries of
 * account@REALM when the keytab has them, else of any principal (all
 * of the account's principals carry the same keys).  One per enctype.
 */
static size_t keys_of_kvno(const struct sc_keytab *kt, const char *princ,
			   uint32_t kvno, struct sc_key *keys, size_t max)
{
	size_t n = 0;
	bool exact = false;

	for (size_t i = 0; i < kt->count; i++)
		if (kt->entries[i].kvno == kvno &&
		    strcasecmp(kt->entries[i].principal, princ) == 0)
			exact = true;
	for (size_t i = 0; i < kt->count && n < max; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];
		bool dup = false;

		if (e->kvno != kvno ||
		    (exact && strcasecmp(e->principal, princ) != 0))
			continue;
		for (size_t j = 0; j < n; j++)
			dup = dup || keys[j].enctype == e->enctype;
		if (dup)
			continue;
		keys[n].enctype = e->enctype;
		keys[n].kvno = e->kvno;
		keys[n].key = e->key;
		n++;
	}
	return n;
}

/* One fingerprint over the whole key set of a kvno. */
static void keys_fingerprint(const struct sc_key *keys, size_t n,
			     char out[17])
{
	struct sc_secret *all;
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		len += keys[i].key->len;
	all = sc_secret_new(NULL, NULL, len);
	if (all == NULL) {
		out[0] = '\0';
		return;
	}
	len = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(all->data + len, keys[i].key->data, keys[i].key->len);
		len += keys[i].key->len;
	}
	sc_fingerprint(all, out);
	talloc_free(all);
}

struct fp {
	char s[17];
};

static enum sc_rc probe_kerberos(struct run *run, struct sc_dc_report *rep,
				 const char **ccache_out,
				 struct sc_error **err_out)
{
	const struct sc_keytab *kt = run->res->keytab;
	const char *realm = run->res->config->realm;
	char *princ;
	uint32_t *kvnos;
	size_t nk = 0;
	struct fp *seen;
	enum sc_rc rc = SC_OK;

	if (kt == NULL || kt->count == 0)
		return SC_OK;
	princ = talloc_asprintf(NULL, "%s@%s", run->res->account, realm);
	kvnos = talloc_array(princ, uint32_t, kt->count);
	seen = talloc_array(princ, struct fp, kt->count);
	if (princ == NULL || kvnos == NULL || seen == NULL) {
		talloc_free(princ);
		return SC_ENOMEM;
	}
	for (size_t i = 0; i < kt->count; i++) {
		bool dup = false;

		for (size_t j = 0; j < nk; j++)
			dup = dup || kvnos[j] == kt->entries[i].kvno;
		if (!dup)
			kvnos[nk++] = kt->entries[i].kvno;
	}
	qsort(kvnos, nk, sizeof(kvnos[0]), kvno_desc);

	for (size_t k = 0; k < nk; k++) {
		struct sc_key keys[16];
		struct sc_attempt probe = { 0 }, *a = NULL, *got;
		const char *cc = NULL;
		TALLOC_CTX *tmp;
		size_t n = keys_of_kvno(kt, princ, kvnos[k], keys, 16);
		bool dup = false;

		if (n == 0)
			continue;
		probe.path = SC_PATH_KERBEROS;
		probe.cand = SC_CAND_KEYTAB;
		probe.kvno = kvnos[k];
		keys_fingerprint(keys, n, probe.fingerprint);
		for (size_t j = 0; j < k; j++)
			dup = dup || strcmp(seen[j].s, probe.fingerprint) == 0;
		memcpy(seen[k].s, probe.fingerprint, 17);
		if (dup)
			continue;
		tmp = talloc_new(NULL);
		if (from_memory(run, rep, &probe) || not_tried(run, &probe)) {
			a = &probe;
		} else {
			rc = sc_probe_krb5(tmp, &run->popts, &rep->dc, realm,
					   run->res->account, keys, n, &a,
					   ccache_out != NULL ? &cc : NULL,
					   err_out);
			if (rc != SC_OK) {
				keep_error(run, err_out);
				talloc_free(tmp);
				break;
			}
			/* the TGT's ccache name outlives this attempt */
			if (cc != NULL)
				cc = talloc_steal(run->mem, cc);
			a->cand = SC_CAND_KEYTAB;
			a->kvno = kvnos[k];
			memcpy(a->fingerprint, probe.fingerprint, 17);
			record(run, rep, a);
		}
		got = add_attempt(run, rep, a);
		talloc_free(tmp);
		if (got == NULL) {
			rc = SC_ENOMEM;
			if (cc != NULL)
				sc_ccache_destroy(cc);
			break;
		}
		narrate(run, rep, got);
		if (cc != NULL)
			*ccache_out = cc;
		if (!wrong_password(got))
			break;
	}
	talloc_free(princ);
	return rc;
}

/* Per-path state for the renderers, from the attempts. */
static void path_states(struct run *run, struct sc_dc_report *rep)
{
	for (int p = 0; p < SC_PATH_COUNT; p++) {
		struct sc_path_state *ps = &rep->paths[p];
		const struct sc_attempt *first = NULL, *ok = NULL;

		ps->health = SC_HEALTH_UNKNOWN;
		if (!rep->path_run[p]) {
			ps->summary = p == SC_PATH_NETLOGON &&
				      run->res->netlogon_untested != NULL ?
				      run->res->netlogon_untested : "not run";
			continue;
		}
		if (p == SC_PATH_LDAP) {
			const struct sc_ldap_result *l = rep->ldap;

			if (l == NULL || !l->reached) {
				ps->summary = "DC did not answer";
			} else if (!l->bound) {
				ps->summary = talloc_asprintf(run->mem,
					"rootDSE read (clock offset %llds); "
					"no bind: %s", (long long)
					l->clock_offset,
					l->detail ? l->detail :
					"no working Kerberos credentials");
			} else if (!l->account.found) {
				ps->health = SC_HEALTH_BROKEN;
				ps->summary = "bound, but the account is not "
					      "in the directory";
			} else {
				ps->health = (l->account.uac & 2) ?
					SC_HEALTH_BROKEN : SC_HEALTH_OK;
				ps->summary = talloc_asprintf(run->mem,
					"account %s, kvno %u, "
					"userAccountControl 0x%x",
					(l->account.uac & 2) ? "disabled" :
					"enabled", l->account.kvno,
					l->account.uac);
			}
			continue;
		}
		for (size_t i = 0; i < rep->attempt_count; i++) {
			const struct sc_attempt *a = &rep->attempts[i];

			if (a->path != (enum sc_path)p)
				continue;
			if (first == NULL)
				first = a;
			if (a->outcome == SC_OUTCOME_ACCEPTED && ok == NULL)
				ok = a;
		}
		if (first == NULL) {
			ps->summary = p == SC_PATH_KERBEROS ?
				"no keytab keys to present" :
				"no password to present";
			if (p == SC_PATH_KERBEROS)
				ps->health = SC_HEALTH_BROKEN;
			continue;
		}
		if (ok != NULL) {
			ps->health = ok == first ? SC_HEALTH_OK :
				     SC_HEALTH_WARNING;
			ps->summary = talloc_asprintf(run->mem,
				"%s accepted", ok->cand == SC_CAND_KEYTAB ?
				talloc_asprintf(run->mem, "kvno %u keys",
						ok->kvno) :
				ok->kvno != 0 ?
				talloc_asprintf(run->mem, "kvno %u RC4 key "
						"(NT hash)", ok->kvno) :
				talloc_asprintf(run->mem, "%s password",
						sc_cand_name(ok->cand)));
		} else {
			ps->health = first->outcome == SC_OUTCOME_UNREACHABLE ?
				     SC_HEALTH_UNKNOWN : SC_HEALTH_BROKEN;
			ps->remembered =
				first->outcome == SC_OUTCOME_REMEMBERED;
			ps->summary = answer_text(run->mem, first);
		}
		ps->has_ntstatus = (ok ? ok : first)->has_ntstatus;
		ps->ntstatus = (ok ? ok : first)->ntstatus;
		ps->has_krb5 = (ok ? ok : first)->has_krb5;
		ps->krb5_code = (ok ? ok : first)->krb5_code;
	}
}

static bool answered(const struct sc_dc_report *rep)
{
	for (size_t i = 0; i < rep->attempt_count; i++)
		if (rep->attempts[i].outcome != SC_OUTCOME_UNREACHABLE &&
		    rep->attempts[i].outcome != SC_OUTCOME_ERROR)
			return true;
	return rep->ldap != NULL && rep->ldap->reached;
}

/* The account as this DC holds it, when the LDAP read got that far. */
static bool account_seen(const struct sc_ldap_result *l)
{
	return l != NULL && l->bound && l->account.found &&
	       l->account.has_kvno;
}

/*
 * Forget this DC's remembered rejections made while its copy of the
 * account was different (kvno / pwdLastSet over LDAP): replication or a
 * reset reached it since, so the old answers say nothing any more.
 */
static size_t forget_changed(struct run *run, struct sc_dc_report *rep,
			     const struct sc_ldap_result *l)
{
	size_t n;

	if (run->opts->recheck || !account_seen(l))
		return 0;
	state_lock(run);
	n = sci_state_forget_changed(run->state, run->res->config->realm,
				     rep->dc.name, l->account.kvno,
				     (int64_t)l->account.pwd_last_set);
	state_unlock(run);
	if (n > 0) {
		rep->memory_dropped = true;
		sci_message(run->opts, "%s: the account changed there (kvno "
			    "%u): %zu remembered rejection%s forgotten",
			    rep->dc.name, l->account.kvno, n,
			    n == 1 ? "" : "s");
	}
	return n;
}

/* What the netlogon child gets: the parent's run and report. */
struct nl_job {
	const struct run *run;
	const struct sc_dc_report *rep;
};

/*
 * In the child (a fork: the secrets are in its memory already), for each
 * "go R0 H0 N0 R1 H1 N1" request: the DC's netlogon path, with this
 * process to itself; Rc says whether the parent remembers candidate c as
 * rejected, Hc/Nc the NTSTATUS it remembers.
 */
static char *netlogon_child(TALLOC_CTX *mem_ctx, void *data,
			    const char *request, int fd)
{
	const struct nl_job *job = data;
	struct run run = *job->run;
	struct sc_dc_report rep = *job->rep;
	struct sc_error *err = NULL;
	int r[2], h[2];
	uint32_t nt[2];
	enum sc_rc rc;

	if (sscanf(request, "go %d %d %" SCNx32 " %d %d %" SCNx32, &r[0],
		   &h[0], &nt[0], &r[1], &h[1], &nt[1]) != 6)
		return sci_rc_encode(mem_ctx, SC_EINTERNAL, NULL);
	run.lock = NULL;
	run.mem = mem_ctx;
	run.in_child = true;
	run.child_fd = fd;
	for (int c = 0; c < 2; c++) {
		run.nl_memory[c].outcome = r[c] ? SC_OUTCOME_REMEMBERED :
					   SC_OUTCOME_NOT_RUN;
		run.nl_memory[c].has_ntstatus = h[c] != 0;
		run.nl_memory[c].ntstatus = nt[c];
	}
	rep.attempts = NULL;
	rep.attempt_count = 0;
	rc = probe_netlogon(&run, &rep, &err);
	return sci_rc_encode(mem_ctx, rc, err);
}

/*
 * Fork the DC's netlogon child.  Only while the process has one thread:
 * sequential verify, or --all-dcs before its threads start.  job must
 * stay where it is until the child is freed (the child uses its copy).
 */
static enum sc_rc netlogon_fork(struct run *run, struct nl_job *job,
				TALLOC_CTX *mem_ctx,
				struct sc_error **err_out)
{
	enum sc_rc rc = sci_child_start(mem_ctx, netlogon_child, job,
					&run->nl_child, err_out);

	if (rc != SC_OK)
		keep_error(run, err_out);
	return rc;
}

/*
 * Start the DC's netlogon path in its child process (Samba's DCE/RPC
 * client is not thread-safe, probe-child.c; a child that has not
 * answered by the deadline can simply be killed), telling it which
 * candidates the lockout memory holds.
 */
static enum sc_rc netlogon_start(struct run *run, struct sc_dc_report *rep,
				 struct sc_error **err_out)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct sc_attempt m[2] = { { .path = SC_PATH_NETLOGON },
				   { .path = SC_PATH_NETLOGON } };
	char request[96];
	enum sc_rc rc = SC_OK;

	for (int c = 0; tmp != NULL && c < 2 && rc == SC_OK; c++) {
		struct sc_secret *hash = NULL;
		uint32_t kvno = 0;

		rc = netlogon_hash(run, tmp, c, &hash, &kvno, err_out);
		if (rc != SC_OK || hash == NULL)
			continue;
		sc_fingerprint(hash, m[c].fingerprint);
		from_memory(run, rep, &m[c]);
	}
	talloc_free(tmp);
	if (tmp == NULL)
		return SC_ENOMEM;
	if (rc != SC_OK) {
		keep_error(run, err_out);
		return rc;
	}
	snprintf(request, sizeof(request), "go %d %d %" PRIx32 " %d %d %"
		 PRIx32 "\n", m[0].outcome == SC_OUTCOME_REMEMBERED,
		 m[0].has_ntstatus, m[0].ntstatus,
		 m[1].outcome == SC_OUTCOME_REMEMBERED, m[1].has_ntstatus,
		 m[1].ntstatus);
	/* a child already killed answers nothing: netlogon_finish says so */
	sci_child_request(run->nl_child, request);
	return SC_OK;
}

/*
 * The child's attempts, into the report and the lockout memory.  When no
 * result came, the child was killed at the deadline (or died): the
 * secret it was presenting got no answer.
 */
static enum sc_rc netlogon_finish(struct run *run, struct sc_dc_report *rep,
				  struct sc_error **err_out)
{
	TALLOC_CTX *tmp = talloc_new(NULL);
	struct sc_attempt *v = NULL, *got;
	struct sc_attempt lost = { .path = SC_PATH_NETLOGON };
	size_t n = 0;
	bool complete = false, have_rc = false;
	char *text = NULL;
	enum sc_rc rc, child_rc = SC_OK;

	if (tmp == NULL)
		return SC_ENOMEM;
	rc = sci_child_answer(tmp, run->nl_child, run->popts.deadline, &text,
			      &complete);
	if (rc == SC_OK)
		rc = sci_attempts_decode(tmp, text, &v, &n, &have_rc,
					 &child_rc, err_out);
	for (size_t i = 0; rc == SC_OK && i < n; i++) {
		/* what the parent remembers, it fills in itself */
		if (v[i].outcome == SC_OUTCOME_REMEMBERED)
			from_memory(run, rep, &v[i]);
		got = add_attempt(run, rep, &v[i]);
		if (got == NULL) {
			rc = SC_ENOMEM;
			break;
		}
		record(run, rep, got);
		narrate(run, rep, got);
	}
	if (rc == SC_OK && have_rc && child_rc != SC_OK) {
		rc = child_rc;
		keep_error(run, err_out);
	} else if (rc == SC_OK && !have_rc &&
		   (n == 0 || wrong_password(&v[n - 1]))) {
		lost.cand = n > 0 ? SC_CAND_PREVIOUS : SC_CAND_CURRENT;
		lost.outcome = deadline_passed(run) ? SC_OUTCOME_UNREACHABLE :
			       SC_OUTCOME_ERROR;
		lost.has_ntstatus = deadline_passed(run);
		lost.ntstatus = NT_STATUS_IO_TIMEOUT;
		lost.detail = deadline_passed(run) ?
			talloc_asprintf(tmp, "no answer from %s before the "
					"deadline", rep->dc.address) :
			"the netlogon probe process ended without a result";
		got = lost.detail != NULL ? add_attempt(run, rep, &lost) : NULL;
		if (got == NULL)
			rc = SC_ENOMEM;
		else
			narrate(run, rep, got);
	}
	talloc_free(tmp);
	return rc;
}

/* Each principal of one keytab as an acceptor, appended to rep's. */
static void prove_keytab(struct run *run, struct sc_dc_report *rep,
			 const char *ccache, const struct sc_keytab *kt)
{
	struct sc_acceptor *got = NULL, *all;
	size_t n = 0;

	if (sci_probe_acceptors(run->mem, &rep->dc, run->res->config->realm,
				ccache, kt, &got, &n) != SC_OK || n == 0)
		return;
	all = talloc_realloc(run->mem, rep->acceptors, struct sc_acceptor,
			     rep->acceptor_count + n);
	if (all == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct sc_acceptor *a = &got[i];

		all[rep->acceptor_count++] = *a;
		sci_message(run->opts, "%s: acceptor %s (%s) -> %s%s",
			    rep->dc.name, a->principal, a->keytab,
			    a->ok ? "ok" : "FAILED: ", a->ok ? "" : a->detail);
	}
	rep->acceptors = all;
}

/* Each principal of every keytab as an acceptor, with this DC's TGT. */
static void prove_acceptors(struct run *run, struct sc_dc_report *rep,
			    const char *ccache)
{
	prove_keytab(run, rep, ccache, run->res->keytab);
	for (size_t i = 0; i < run->res->more_keytab_count; i++)
		prove_keytab(run, rep, ccache, run->res->more_keytabs[i]);
}

static enum sc_rc probe_dc(struct run *run, struct sc_dc_report *rep,
			   struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct nl_job job = { .run = run, .rep = rep };
	bool own_child = false;
	const char *ccache = NULL;
	enum sc_rc rc = SC_OK;
	bool again = true, stamped;
	bool nl = netlogon_possible(run);

	if (tmp_ctx == NULL)
		return SC_ENOMEM;

	sci_message(run->opts, "Verifying the secure channel of %s with DC "
		    "%s (%s)", run->res->account, rep->dc.name,
		    rep->dc.address);
	/* remembered rejections of this DC: is its account still the same? */
	state_lock(run);
	stamped = !run->opts->recheck &&
		  sci_state_has_stamped(run->state, run->res->config->realm,
					rep->dc.name);
	state_unlock(run);
	if (stamped && run->bind_cc != NULL && want(run, SC_PATH_LDAP) &&
	    !deadline_passed(run)) {
		struct sc_ldap_result *pre = NULL;
		TALLOC_CTX *tmp = talloc_new(NULL);

		if (sc_probe_ldap(tmp, &run->popts, &rep->dc, run->bind_cc,
				  run->res->account, &pre, NULL) == SC_OK)
			forget_changed(run, rep, pre);
		talloc_free(tmp);
	}
probe:
	/* netlogon in a child of its own, while Kerberos runs here */
	if (nl && run->nl_child == NULL) {
		/* one thread (sequential verify): fork it now */
		rc = netlogon_fork(run, &job, tmp_ctx, err_out);
		if (rc != SC_OK)
			goto done;
		own_child = true;
	}
	if (nl) {
		rep->path_run[SC_PATH_NETLOGON] = true;
		rc = netlogon_start(run, rep, err_out);
		if (rc != SC_OK)
			goto done;
	}
	if (want(run, SC_PATH_KERBEROS)) {
		rep->path_run[SC_PATH_KERBEROS] = true;
		rc = probe_kerberos(run, rep, want(run, SC_PATH_LDAP) ?
				    &ccache : NULL, err_out);
		if (rc != SC_OK)
			goto done;
	}
	if (nl) {
		rc = netlogon_finish(run, rep, err_out);
		if (rc != SC_OK)
			goto done;
	}
	if (want(run, SC_PATH_LDAP) &&
	    (answered(rep) || rep->attempt_count == 0) &&
	    deadline_passed(run)) {
		sci_message(run->opts, "%s: ldap not tried: the deadline "
			    "passed first", rep->dc.name);
	} else if (want(run, SC_PATH_LDAP) &&
	    (answered(rep) || rep->attempt_count == 0)) {
		rep->path_run[SC_PATH_LDAP] = true;
		/* no TGT of its own: another DC's reads the account too */
		rc = sc_probe_ldap(run->mem, &run->popts, &rep->dc,
				   ccache != NULL ? ccache : run->bind_cc,
				   run->res->account, &rep->ldap, err_out);
		if (rc != SC_OK)
			goto done;
		if (rep->ldap->bound)
			sci_message(run->opts, "%s: ldap account state -> "
				    "userAccountControl 0x%x, kvno %u",
				    rep->dc.name, rep->ldap->account.uac,
				    rep->ldap->account.kvno);
		else
			sci_message(run->opts, "%s: ldap -> %s",
				    rep->dc.name, rep->ldap->reached ?
				    "rootDSE only (not bound)" :
				    "no answer");
		/*
		 * Answers remembered from before the account changed on this
		 * DC are stale: forget them and ask the DC once more.
		 */
		if (again && forget_changed(run, rep, rep->ldap) > 0) {
			again = false;
			if (ccache != NULL)
				sc_ccache_destroy(ccache);
			ccache = NULL;
			rep->attempts = NULL;
			rep->attempt_count = 0;
			rep->ldap = NULL;
			memset(rep->path_run, 0, sizeof(rep->path_run));
			goto probe;
		}
		if (rep->ldap->have_lockout_window) {
			state_lock(run);
			sci_state_set_window(run->state,
					     run->res->config->realm,
					     rep->ldap->lockout_window);
			state_unlock(run);
		}
		if (ccache != NULL && run->res->keytab != NULL)
			prove_acceptors(run, rep, ccache);
		if (account_seen(rep->ldap)) {
			state_lock(run);
			sci_state_stamp(run->state, run->res->config->realm,
					rep->dc.name, rep->ldap->account.kvno,
					(int64_t)rep->ldap->account.pwd_last_set);
			state_unlock(run);
		}
	}
done:
	/* the destructor ends the child, whatever it is doing */
	talloc_free(tmp_ctx);
	if (own_child)
		run->nl_child = NULL;
	if (ccache != NULL && run->keep && rc == SC_OK)
		run->keep_cc = ccache;
	else if (ccache != NULL)
		sc_ccache_destroy(ccache);
	path_states(run, rep);
	return rc;
}

/* One DC's probes on a thread of its own (--all-dcs). */
struct worker {
	struct run run;
	struct nl_job job;		/* what its netlogon child uses */
	struct sc_dc_report *rep;
	enum sc_rc rc;
	struct sc_error *err;
	pthread_t tid;
	bool started;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->rc = probe_dc(&w->run, w->rep, &w->err);
	return NULL;
}

/* health order for picking the verdict of several DCs: worst first */
static int badness(enum sc_health h)
{
	switch (h) {
	case SC_HEALTH_BROKEN: return 3;
	case SC_HEALTH_UNKNOWN: return 2;
	case SC_HEALTH_WARNING: return 1;
	case SC_HEALTH_OK: break;
	}
	return 0;
}

static void set_dc_verdict(struct sc_dc_report *rep, const struct sc_verdict *v)
{
	rep->verdict.health = v->health;
	rep->verdict.diag = v->diag;
	rep->verdict.repair = v->repair;
}

/*
 * Replication lag: a DC whose copy of the account has a lower kvno than
 * another DC's has not seen the last password change yet.  What it
 * rejects follows from that, not from a bad local secret; a reset would
 * only start another change that has to replicate.
 */
static void find_repl_lag(struct run *run, struct sc_verify_result *res)
{
	const struct sc_dc_report *ahead = NULL;

	for (size_t i = 0; i < res->dc_count; i++) {
		const struct sc_dc_report *r = &res->dcs[i];

		if (account_seen(r->ldap) && (ahead == NULL ||
		    r->ldap->account.kvno > ahead->ldap->account.kvno))
			ahead = r;
	}
	for (size_t i = 0; ahead != NULL && i < res->dc_count; i++) {
		struct sc_dc_report *r = &res->dcs[i];

		if (!account_seen(r->ldap) ||
		    r->ldap->account.kvno >= ahead->ldap->account.kvno)
			continue;
		r->repl_lag = true;
		r->repl_ahead_kvno = ahead->ldap->account.kvno;
		r->repl_ahead_dc = talloc_strdup(res, ahead->dc.name);
		sci_message(run->opts, "%s: replication lag: kvno %u, %s has "
			    "%u", r->dc.name, r->ldap->account.kvno,
			    ahead->dc.name, ahead->ldap->account.kvno);
		switch (r->verdict.diag) {
		case SC_DIAG_ACCOUNT_DELETED:
		case SC_DIAG_ACCOUNT_DISABLED:
		case SC_DIAG_ACCOUNT_GONE:
		case SC_DIAG_CLOCK_SKEW:
		case SC_DIAG_DC_UNREACHABLE:
			continue;	/* a worse problem of its own */
		default:
			break;
		}
		r->verdict.health = SC_HEALTH_WARNING;
		r->verdict.diag = SC_DIAG_REPL_LAG;
		r->verdict.repair = SC_REPAIR_WAIT_REPLICATION;
	}
}

/*
 * Every DC at once, one thread each.  DCs with remembered rejections go
 * second, so they can read their copy of the account with a TGT a DC
 * of the first round issued, before anything is presented to them.
 */
static enum sc_rc probe_all(struct run *run, struct sc_dc *dcs, size_t ndc,
			    struct sc_error **err_out)
{
	struct sc_verify_result *res = run->res;
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct worker *w = talloc_zero_array(NULL, struct worker, ndc);
	bool *second = talloc_zero_array(w, bool, ndc);
	const char *bind_cc = NULL;
	enum sc_rc rc = SC_OK;

	if (w == NULL || second == NULL) {
		talloc_free(w);
		return SC_ENOMEM;
	}
	res->dc_count = ndc;
	for (size_t i = 0; i < ndc; i++) {
		res->dcs[i].dc = dcs[i];
		res->dcs[i].max_skew = res->config->clockskew;
		w[i].run = *run;
		w[i].run.lock = &lock;
		w[i].run.mem = talloc_new(NULL);
		w[i].run.keep = true;
		w[i].rep = &res->dcs[i];
		if (w[i].run.mem == NULL)
			rc = SC_ENOMEM;
		second[i] = !run->opts->recheck &&
			    sci_state_has_stamped(run->state,
						  res->config->realm,
						  dcs[i].name);
	}
	/* the netlogon children, while this is the only thread */
	for (size_t i = 0; i < ndc && rc == SC_OK; i++) {
		if (!netlogon_possible(&w[i].run))
			continue;
		w[i].job.run = &w[i].run;
		w[i].job.rep = w[i].rep;
		rc = netlogon_fork(&w[i].run, &w[i].job, w, err_out);
	}
	for (int round = 0; round < 2 && rc == SC_OK; round++) {
		for (size_t i = 0; i < ndc; i++) {
			if (second[i] != (round == 1))
				continue;
			w[i].run.bind_cc = bind_cc;
			if (pthread_create(&w[i].tid, NULL, worker_main,
					   &w[i]) == 0)
				w[i].started = true;
			else
				worker_main(&w[i]);
		}
		for (size_t i = 0; i < ndc; i++) {
			if (second[i] != (round == 1))
				continue;
			if (w[i].started)
				pthread_join(w[i].tid, NULL);
			w[i].started = false;
			if (bind_cc == NULL && w[i].run.keep_cc != NULL)
				bind_cc = w[i].run.keep_cc;
		}
	}
	for (size_t i = 0; i < ndc; i++) {
		if (w[i].run.keep_cc != NULL)
			sc_ccache_destroy(w[i].run.keep_cc);
		if (w[i].run.mem != NULL)
			talloc_steal(res, w[i].run.mem);
		if (rc == SC_OK && w[i].rc != SC_OK) {
			rc = w[i].rc;
			if (err_out != NULL && w[i].err != NULL)
				*err_out = talloc_steal(res, w[i].err);
		}
	}
	pthread_mutex_destroy(&lock);
	talloc_free(w);
	return rc;
}

/*
 * A configured keytab that does not exist is a finding, not "could not
 * decide" (one the caller named is bad input, and stays an error): an
 * empty keytab stands in for it, so netlogon is still tested
 * with secrets.tdb and the verdict says keytab-missing (reset rewrites
 * it from the good password).  Not on a keytab-only host, where the
 * keytab is the only store.
 */
static enum sc_rc keytab_missing(struct sc_verify_result *res,
				 const struct sc_verify_opts *opts,
				 struct sc_error **err_out)
{
	struct sc_keytab *kt = talloc_zero(res, struct sc_keytab);

	if (kt == NULL)
		return SC_ENOMEM;
	kt->name = talloc_strdup(kt, res->config->keytab_name);
	if (kt->name == NULL)
		return SC_ENOMEM;
	if (err_out != NULL && *err_out != NULL) {
		sci_message(opts, "%s", (*err_out)->message);
		TALLOC_FREE(*err_out);
	}
	res->keytab = kt;
	return SC_OK;
}

static char *upper_account(TALLOC_CTX *mem_ctx, const char *name)
{
	size_t n = strlen(name);
	char *s = talloc_asprintf(mem_ctx, "%s%s", name,
				  n > 0 && name[n - 1] == '$' ? "" : "$");

	for (char *p = s; p != NULL && *p; p++)
		*p = toupper((unsigned char)*p);
	return s;
}

/* Valid NetBIOS computer name: 1-15 chars, no dots or specials. */
static bool valid_host(const char *h)
{
	size_t n = strlen(h);

	if (n > 0 && h[n - 1] == '$')
		n--;
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '_')
			return false;
	return true;
}

/* Is name (FILE: or not) already among res's keytabs? */
static bool keytab_known(const struct sc_verify_result *res, const char *name)
{
	const char *b = strncasecmp(name, "FILE:", 5) == 0 ? name + 5 : name;

	for (size_t i = 0; i < res->more_keytab_count; i++) {
		const char *k = res->more_keytabs[i]->name;

		if (strcmp(strncasecmp(k, "FILE:", 5) == 0 ? k + 5 : k, b) == 0)
			return true;
	}
	return false;
}

/*
 * One more keytab: given ones (required) must be readable; ones the
 * configuration names count only when they hold the account's keys.
 */
static enum sc_rc load_more_keytab(struct sc_verify_result *res,
				   const struct sc_verify_opts *opts,
				   const char *name, bool required,
				   struct sc_error **err_out)
{
	struct sc_keytab *kt = NULL;
	struct sc_keytab **v;
	enum sc_rc rc;

	if (keytab_known(res, name))
		return SC_OK;
	rc = sc_keytab_load(res, name, res->account, res->config->realm, &kt,
			    required ? err_out : NULL);
	if (!required && (rc != SC_OK || kt->count == 0))
		return rc == SC_ENOMEM ? rc : SC_OK;
	if (rc != SC_OK)
		return rc;
	v = talloc_realloc(res, res->more_keytabs, struct sc_keytab *,
			   res->more_keytab_count + 1);
	if (v == NULL)
		return SC_ENOMEM;
	v[res->more_keytab_count++] = kt;
	res->more_keytabs = v;
	sci_message(opts, "Read keytab %s: %zu entr%s (highest kvno %u)",
		    kt->name, kt->count, kt->count == 1 ? "y" : "ies",
		    sc_keytab_max_kvno(kt));
	return SC_OK;
}

/*
 * The other keytabs of the account: the ones given, then the ones the
 * configuration names.  Their machine principals are proven as acceptors
 * beside the machine keytab's, and reset writes them all.
 */
static enum sc_rc load_more_keytabs(struct sc_verify_result *res,
				    const struct sc_verify_opts *opts,
				    struct sc_error **err_out)
{
	const char *const *cfg = res->config->more_keytabs;
	enum sc_rc rc = SC_OK;

	for (size_t i = 0; rc == SC_OK && opts->more_keytabs != NULL &&
			   opts->more_keytabs[i] != NULL; i++)
		rc = load_more_keytab(res, opts, opts->more_keytabs[i], true,
				      err_out);
	for (size_t i = 0; rc == SC_OK && cfg != NULL && cfg[i] != NULL; i++)
		rc = load_more_keytab(res, opts, cfg[i], false, err_out);
	return rc;
}

/*
 * Every keytab this run reads: the machine's, then the others given or
 * configured (NULL-terminated).
 */
const char **sci_verify_keytab_names(TALLOC_CTX *mem_ctx,
				     const struct sc_config *c,
				     const char *const *given)
{
	const char **v = talloc_zero_array(mem_ctx, const char *, 2);
	size_t n = 0;

	if (v == NULL)
		return NULL;
	v[n++] = c->keytab_name;
	for (int pass = 0; pass < 2; pass++) {
		const char *const *more = pass == 0 ? given :
			(const char *const *)c->more_keytabs;

		for (size_t i = 0; more != NULL && more[i] != NULL; i++) {
			v = talloc_realloc(mem_ctx, v, const char *, n + 2);
			if (v == NULL)
				return NULL;
			v[n++] = more[i];
			v[n] = NULL;
		}
	}
	return v;
}

/*
 * A rotator half way through its change (rotator-proc.c): its keytab is
 * half written and the DC one kvno ahead.  Read the stores once it is
 * done, within one exchange's timeout (and half the deadline); after
 * that, as they are.
 */
static enum sc_rc settle_rotators(struct run *run)
{
	const char **names = sci_verify_keytab_names(run->res,
						     run->res->config,
						     run->opts->more_keytabs);
	double left = (run->popts.deadline - sci_now()) / 2;
	long pid;

	if (names == NULL)
		return SC_ENOMEM;
	/* the probes keep at least half of the deadline */
	sci_rotator_settle(names, run->popts.timeout < left ?
			   run->popts.timeout : left, run->opts, &pid);
	talloc_free(names);
	return SC_OK;
}

/* A finding about the host replaces a healthy (or keytab-extra) verdict. */
static void apply_finding(struct sc_verify_result *res, enum sc_diag d,
			  enum sc_health h, enum sc_repair r)
{
	struct sc_verdict v = res->verdict;

	if (v.diag != SC_DIAG_HEALTHY && v.diag != SC_DIAG_KEYTAB_EXTRA)
		return;
	v.diag = d;
	v.health = h;
	v.repair = r;
	res->verdict = v;
	for (size_t i = 0; i < res->dc_count; i++)
		if (v.dc != NULL && strcmp(res->dcs[i].dc.name, v.dc) == 0)
			set_dc_verdict(&res->dcs[i], &v);
}

/*
 * What the DC's answers do not show.  A healthy verdict still fails every
 * keytab user when the keytab lacks the account's AES keys, and lives on
 * borrowed time when only RC4 works (sci_enctypes_assess).  Two rotators
 * drift the stores apart, none never rotates (sci_rotators_assess); the
 * one that applies sets the rotation interval check judges age by.
 */
static void apply_findings(struct run *run, struct sc_verify_result *res)
{
	enum sc_diag d = sci_enctypes_assess(res);

	if (d != SC_DIAG_HEALTHY) {
		sci_message(run->opts, "enctypes: %s", res->enctypes.finding);
		apply_finding(res, d, d == SC_DIAG_KEYTAB_ENCTYPES ?
			      SC_HEALTH_BROKEN : SC_HEALTH_WARNING,
			      d == SC_DIAG_RC4_ONLY ? SC_REPAIR_ENABLE_AES :
			      res->config->keytab_only ||
			      res->secrets == NULL ||
			      res->secrets->current == NULL ?
			      SC_REPAIR_CHANGE_PASSWORD :
			      SC_REPAIR_REWRITE_KEYTAB);
	}
	for (size_t i = 0; i < res->dc_count; i++)
		for (size_t j = 0; j < res->dcs[i].acceptor_count; j++)
			if (!res->dcs[i].acceptors[j].ok &&
			    res->verdict.dc != NULL &&
			    strcmp(res->verdict.dc, res->dcs[i].dc.name) == 0)
				d = SC_DIAG_ACCEPTOR;
	if (d == SC_DIAG_ACCEPTOR)
		apply_finding(res, d, SC_HEALTH_BROKEN,
			      SC_REPAIR_FIX_ACCEPTOR);
	d = sci_rotators_assess(res);
	for (size_t i = 0; i < res->rotator_count; i++)
		sci_message(run->opts, "rotator: %s every %d d (%s)",
			    res->rotators[i].name,
			    res->rotators[i].interval / 86400,
			    res->rotators[i].source);
	if (res->rotator_count == 1 && res->rotators[0].interval > 0)
		res->config->machine_password_timeout =
			res->rotators[0].interval;
	if (d != SC_DIAG_HEALTHY) {
		sci_message(run->opts, "rotators: %s", res->rotator_finding);
		apply_finding(res, d, SC_HEALTH_WARNING,
			      SC_REPAIR_ONE_ROTATOR);
	}
}

/* Where a keytab-only host's answers came from, one line each. */
static void config_narrate(const struct sc_verify_opts *opts,
			   const struct sc_config *c)
{
	sci_message(opts, "No AD member smb.conf: reading %s%s%s and the "
		    "keytab", c->krb5_conf, c->sssd_conf ? ", " : "",
		    c->sssd_conf ? c->sssd_conf : "");
	sci_message(opts, "  realm %s from %s", c->realm,
		    c->from.realm ? c->from.realm : "(default)");
	sci_message(opts, "  account %s$ from %s", c->netbios_name,
		    c->from.account ? c->from.account : "(default)");
	sci_message(opts, "  keytab %s from %s", c->keytab_name,
		    c->from.keytab ? c->from.keytab : "(default)");
	if (c->servers != NULL)
		sci_message(opts, "  DCs %s%s from %s", c->servers[0],
			    c->servers[1] ? ", ..." : "", c->from.servers);
	else
		sci_message(opts, "  DCs from DNS SRV of %s", c->dns_domain);
	if (c->site != NULL)
		sci_message(opts, "  site %s from %s", c->site, c->from.site);
}

/*
 * A keytab-only host proves netlogon with the RC4 key of its newest kvno
 * (the NT hash); without one netlogon cannot be tested, and verify says
 * why instead of calling the path broken.
 */
static void netlogon_testable(const struct sc_verify_opts *opts,
			      struct sc_verify_result *res)
{
	if (sci_keytab_rc4_entry(res->keytab, 0) != NULL)
		return;
	res->netlogon_untested = talloc_asprintf(res,
		"not testable: the keytab holds no RC4 key of kvno %u (the "
		"NT hash netlogon needs) and there is no secrets.tdb",
		res->keytab ? sc_keytab_max_kvno(res->keytab) : 0);
	sci_message(opts, "netlogon %s", res->netlogon_untested);
}

/* Resolve every DC the configuration names; those that do not resolve
 * are left out (the host's own tools skip them too). */
static enum sc_rc resolve_all(TALLOC_CTX *mem_ctx, const char **names,
			      struct sc_dc **dcs_out, size_t *count_out,
			      struct sc_error **err_out)
{
	struct sc_dc *dcs = NULL;
	size_t n = 0;
	enum sc_rc rc = SC_OK;

	for (size_t i = 0; names[i] != NULL; i++) {
		struct sc_dc *dc = NULL;

		rc = sc_dc_resolve(mem_ctx, names[i], &dc, err_out);
		if (rc != SC_OK)
			continue;
		dcs = talloc_realloc(mem_ctx, dcs, struct sc_dc, n + 1);
		if (dcs == NULL)
			return SC_ENOMEM;
		dcs[n++] = *dc;
	}
	if (n == 0)
		return rc != SC_OK ? rc : SC_ENOENT;
	*dcs_out = dcs;
	*count_out = n;
	return SC_OK;
}

static void *preload_main(void *arg)
{
	sci_netlogon_preload();
	return arg;
}

enum sc_rc sc_verify(TALLOC_CTX *mem_ctx, const struct sc_verify_opts *opts,
		     struct sc_verify_result **result_out,
		     struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = talloc_new(NULL);
	struct sc_verify_result *res;
	struct run run = { .opts = opts };
	struct sc_dc *dcs = NULL;
	size_t ndc = 0;
	double t0 = sci_now();
	pthread_t preload;
	bool preloading = false;
	enum sc_rc rc;

	if (tmp_ctx == NULL)
		return SC_ENOMEM;
	res = talloc_zero(tmp_ctx, struct sc_verify_result);
	if (res == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	run.res = res;
	run.mem = res;
	run.popts.timeout = opts->timeout > 0 ? opts->timeout :
			    DEFAULT_TIMEOUT;
	/* one bound for all probing, however many DCs and paths */
	run.popts.deadline = t0 + (opts->deadline > 0 ? opts->deadline :
		DEFAULT_DEADLINE_TIMEOUTS * (double)run.popts.timeout);
	if (opts->paths == 0) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "no path to verify");
		goto done;
	}
	if (opts->all_dcs && opts->server != NULL) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "every DC of the domain (all_dcs) and one "
			       "named server exclude each other");
		goto done;
	}
	if (opts->host != NULL && !valid_host(opts->host)) {
		rc = sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE, 0,
			       "'%s' is not a valid computer name (1-15 "
			       "letters, digits, '-' or '_')", opts->host);
		goto done;
	}

	/* stores */
	rc = sc_config_load(res, opts->smb_conf, opts->keytab, &res->config,
			    err_out);
	if (rc != SC_OK)
		goto done;
	/*
	 * Loading the DCE/RPC stack is most of netlogon's cost: start it now,
	 * while the stores are read and the DCs looked up; joined before any
	 * fork (a child forked inside that pthread_once would hang).
	 */
	if (opts->paths & (1u << SC_PATH_NETLOGON))
		preloading = pthread_create(&preload, NULL, preload_main,
					    NULL) == 0;
	res->account = upper_account(res, opts->host ? opts->host :
				     res->config->netbios_name);
	run.computer = talloc_strndup(res, res->account,
				      strlen(res->account) - 1);
	if (res->config->keytab_only)
		config_narrate(opts, res->config);
	rc = settle_rotators(&run);
	if (rc != SC_OK)
		goto done;
	if ((opts->paths & (1u << SC_PATH_NETLOGON)) &&
	    !res->config->keytab_only) {
		rc = sc_secrets_load(res, res->config->secrets_path,
				     res->config->workgroup, &res->secrets,
				     err_out);
		if (rc != SC_OK)
			goto done;
	}
	/* a keytab-only host's netlogon secret is the keytab's RC4 key */
	if ((opts->paths & ((1u << SC_PATH_KERBEROS) | (1u << SC_PATH_LDAP))) ||
	    (res->config->keytab_only &&
	     (opts->paths & (1u << SC_PATH_NETLOGON)))) {
		rc = sc_keytab_load(res, res->config->keytab_name,
				    res->account, res->config->realm,
				    &res->keytab, err_out);
		if (rc == SC_ENOENT && opts->keytab == NULL &&
		    !res->config->keytab_only)
			rc = keytab_missing(res, opts, err_out);
		if (rc != SC_OK)
			goto done;
		if (res->secrets != NULL) {
			rc = sc_keytab_compare(res->keytab, res->secrets,
					       res->config->realm,
					       res->account, err_out);
			if (rc != SC_OK)
				goto done;
		}
	}
	rc = load_more_keytabs(res, opts, err_out);
	if (rc != SC_OK)
		goto done;
	if (res->config->keytab_only &&
	    (opts->paths & (1u << SC_PATH_NETLOGON)))
		netlogon_testable(opts, res);
	if (res->config->keytab_only)
		sci_message(opts, "Read keytab %s: %zu entr%s (highest kvno "
			    "%u); no secrets.tdb", res->config->keytab_name,
			    res->keytab ? res->keytab->count : 0,
			    res->keytab && res->keytab->count == 1 ? "y" :
			    "ies", res->keytab ?
			    sc_keytab_max_kvno(res->keytab) : 0);
	else
	sci_message(opts, "Read %s: %s password%s; keytab %s: %zu entr%s "
		    "(highest kvno %u)", res->config->secrets_path,
		    res->secrets == NULL ? "not read," :
		    res->secrets->current ? "current" : "NO",
		    res->secrets && res->secrets->previous ? " and previous"
		    : "", res->config->keytab_name,
		    res->keytab ? res->keytab->count : 0,
		    res->keytab && res->keytab->count == 1 ? "y" : "ies",
		    res->keytab ? sc_keytab_max_kvno(res->keytab) : 0);

	/*
	 * Locked until tmp_ctx goes (reset verifies again after a change);
	 * another run holds it for its whole verify, so wait for it, within
	 * this run's deadline.
	 */
	rc = sci_state_load(tmp_ctx, opts->state_dir ? opts->state_dir :
			    DEFAULT_STATE_DIR, run.popts.deadline - sci_now(),
			    opts, &run.state, err_out);
	if (rc != SC_OK)
		goto done;

	/* DCs: the named one, the configuration's, or DNS's in order */
	if (opts->server != NULL) {
		struct sc_dc *dc = NULL;

		rc = sc_dc_resolve(res, opts->server, &dc, err_out);
		if (rc != SC_OK)
			goto done;
		dcs = dc;
		ndc = 1;
	} else if (res->config->servers != NULL) {
		rc = resolve_all(res, res->config->servers, &dcs, &ndc,
				 err_out);
		if (rc != SC_OK)
			goto done;
	} else {
		rc = sc_dc_discover_site(res, res->config->dns_domain,
					 opts->site ? opts->site :
					 res->config->site, &dcs, &ndc,
					 err_out);
		if (rc != SC_OK)
			goto done;
	}

	/* once here, not in every netlogon child */
	if (preloading) {
		pthread_join(preload, NULL);
		preloading = false;
	} else if (netlogon_possible(&run)) {
		sci_netlogon_preload();
	}

	/*
	 * Like the host itself, use the first DC that answers; report every
	 * DC that was tried.
	 */
	res->dcs = talloc_zero_array(res, struct sc_dc_report, ndc);
	if (res->dcs == NULL) {
		rc = SC_ENOMEM;
		goto done;
	}
	if (opts->all_dcs) {
		size_t worst = 0;

		rc = probe_all(&run, dcs, ndc, err_out);
		if (rc != SC_OK)
			goto done;
		for (size_t i = 0; i < res->dc_count; i++) {
			struct sc_verdict v = sc_verdict_compute(&res->dcs[i],
						res->secrets, res->keytab);

			set_dc_verdict(&res->dcs[i], &v);
		}
		find_repl_lag(&run, res);
		/* the one verdict: the worst DC's */
		for (size_t i = 1; i < res->dc_count; i++)
			if (badness(res->dcs[i].verdict.health) >
			    badness(res->dcs[worst].verdict.health))
				worst = i;
		if (res->dc_count > 0) {
			res->verdict.health = res->dcs[worst].verdict.health;
			res->verdict.diag = res->dcs[worst].verdict.diag;
			res->verdict.repair = res->dcs[worst].verdict.repair;
			res->verdict.dc = res->dcs[worst].dc.name;
		}
	}
	for (size_t i = 0; !opts->all_dcs && i < ndc; i++) {
		struct sc_dc_report *rep;

		/* a DC never asked is not reported as one that did not answer */
		if (i > 0 && deadline_passed(&run)) {
			sci_message(opts, "the deadline passed: %zu more DC%s "
				    "not tried", ndc - i, ndc - i == 1 ? "" :
				    "s");
			break;
		}
		rep = &res->dcs[res->dc_count++];
		rep->dc = dcs[i];
		rep->max_skew = res->config->clockskew;
		rc = probe_dc(&run, rep, err_out);
		if (rc != SC_OK)
			goto done;
		res->verdict = sc_verdict_compute(rep, res->secrets,
						  res->keytab);
		set_dc_verdict(rep, &res->verdict);
		if (answered(rep))
			break;
	}
	apply_findings(&run, res);
	res->seconds = sci_now() - t0;
	*result_out = talloc_move(mem_ctx, &res);
	rc = SC_OK;
done:
	if (preloading)
		pthread_join(preload, NULL);
	/*
	 * On every way out: what a DC rejected before an error ended the
	 * run must not be presented again.  The lockout memory matters more
	 * than this run's exit code.
	 */
	if (run.state != NULL && sci_state_save(run.state, NULL) != SC_OK)
		sci_message(opts, "warning: could not save %s; rejected "
			    "secrets will be presented again next run",
			    run.state->path);
	/* errors of the steps live on res; hand them to the caller */
	if (rc != SC_OK && err_out != NULL && *err_out != NULL)
		talloc_steal(mem_ctx, *err_out);
	talloc_free(tmp_ctx);
	return rc;
}
