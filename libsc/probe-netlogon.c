/*
 * libsc - the NETLOGON probe: ServerReqChallenge + ServerAuthenticate3
 *
 * An anonymous ncacn_ip_tcp pipe to the netlogon interface of one DC,
 * pinned by address, then the two calls that set up a secure channel.
 * The NTSTATUS of NetrServerAuthenticate3 is exactly what the DC thinks
 * of the secret (MS-NRPC 3.1.4.1); its server credential proves the DC
 * knows the same secret.  No schannel bind follows: nothing else is
 * needed to know the answer.
 *
 * Samba's client stubs and netlogon credential helpers are private, so
 * the calls go through the generic dcerpc_binding_handle_call_send()
 * with hard-coded opnums, and the crypto is ours (crypto.c).
 */
#define TEVENT_DEPRECATED 1
#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <tevent.h>
#include <dcerpc.h>		/* before gen_ndr/netlogon.h (NTTIME) */
#include <gen_ndr/netlogon.h>
#include <credentials.h>
#include <param.h>
#include "sc-private.h"

/* libndr-standard exports the table, but ndr_netlogon.h is not shipped. */
extern const struct ndr_interface_table ndr_table_netlogon;

#define NDR_NETR_SERVERREQCHALLENGE	0x04
#define NDR_NETR_SERVERAUTHENTICATE3	0x1a

/* What a Windows 2008+ member asks for; includes AES (0x01000000). */
#define NETCHK_NEG_FLAGS		0x610fffff

#define SEC_CHAN_WKSTA			2
#define DEFAULT_TIMEOUT			10

/*
 * libcli/composite/composite.h is not installed.  The first member of
 * struct composite_context has been "enum composite_state state" since
 * Samba 4.0, and DONE (2) / ERROR (3) mean finished.  Reading that one
 * member is the only way to run a connect with our own deadline: the
 * public dcerpc_pipe_connect_b_recv() waits in composite_wait(), which
 * only stops on completion (or Samba's fixed 60 s connect timeout).
 */
struct composite_head {
	int state;
};
#define COMPOSITE_STATE_DONE		2

static bool composite_finished(struct composite_context *c)
{
	const struct composite_head *h = (const void *)c;

	return h->state >= COMPOSITE_STATE_DONE;
}

static pthread_once_t dcerpc_once = PTHREAD_ONCE_INIT;
static uint32_t dcerpc_init_status;

/* dcerpc_init() registers gensec backends; once per process is enough. */
static void dcerpc_init_once(void)
{
	dcerpc_init_status = NT_STATUS_V(dcerpc_init());
}

uint32_t sci_netlogon_init_impl(void)
{
	pthread_once(&dcerpc_once, dcerpc_init_once);
	return dcerpc_init_status;
}

/* Everything one probe run needs, freed in one go. */
struct nl_state {
	struct tevent_context *ev;
	struct loadparm_context *lp;
	struct cli_credentials *creds;
	struct tevent_timer *deadline_te;
	bool timed_out;
	double deadline;
};

static void deadline_handler(struct tevent_context *ev,
			     struct tevent_timer *te, struct timeval now,
			     void *private_data)
{
	struct nl_state *st = talloc_get_type_abort(private_data,
						    struct nl_state);

	st->deadline_te = NULL;
	st->timed_out = true;
}

/*
 * An event context that allows nesting (FIELD-NOTES 8, pitfall 5: some
 * Samba paths run a nested loop and abort otherwise), a loadparm context
 * of our own that never reads smb.conf, and anonymous credentials: the
 * netlogon calls authenticate by themselves.
 */
static enum sc_rc nl_state_init(TALLOC_CTX *mem_ctx, double timeout,
				struct nl_state **st_out,
				struct sc_error **err_out)
{
	struct nl_state *st;

	st = talloc_zero(mem_ctx, struct nl_state);
	if (st == NULL)
		goto nomem;
	st->ev = tevent_context_init(st);
	if (st->ev == NULL)
		goto nomem;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	tevent_loop_allow_nesting(st->ev);
#pragma GCC diagnostic pop
	/* loadparm_init() sets defaults only; it loads no smb.conf. */
	st->lp = loadparm_init(st);
	if (st->lp == NULL)
		goto nomem;
	/* Keep Samba's DEBUG() output (e.g. "Failed to bind") quiet. */
	lpcfg_set_cmdline(st->lp, "log level", "0");
	st->creds = cli_credentials_init_anon(st);
	if (st->creds == NULL)
		goto nomem;
	st->deadline = sci_now() + timeout;
	st->deadline_te = tevent_add_timer(st->ev, st,
					   tevent_timeval_current_ofs(
						(uint32_t)timeout,
						(uint32_t)((timeout -
						(uint32_t)timeout) * 1e6)),
					   deadline_handler, st);
	if (st->deadline_te == NULL)
		goto nomem;
	*st_out = st;
	return SC_OK;
nomem:
	talloc_free(st);
	return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			 "out of memory");
}

/*
 * Connect to the netlogon endpoint (via the DC's endpoint mapper), but
 * give up at our deadline: freeing the composite cancels every socket
 * and request under it.
 */
static NTSTATUS nl_connect(TALLOC_CTX *mem_ctx, struct nl_state *st,
			   const char *address, struct dcerpc_pipe **p_out)
{
	struct dcerpc_binding *b = NULL;
	struct composite_context *c;
	const char *host;
	char *s;
	NTSTATUS status;

	s = talloc_asprintf(mem_ctx, "ncacn_ip_tcp:%s", address);
	if (s == NULL)
		return NT_STATUS_NO_MEMORY;
	status = dcerpc_parse_binding(mem_ctx, s, &b);
	if (!NT_STATUS_IS_OK(status))
		return status;
	host = dcerpc_binding_get_string_option(b, "host");
	if (host == NULL || strcmp(host, address) != 0)
		return NT_STATUS_INVALID_PARAMETER;

	c = dcerpc_pipe_connect_b_send(mem_ctx, b, &ndr_table_netlogon,
				       st->creds, st->ev, st->lp);
	if (c == NULL)
		return NT_STATUS_NO_MEMORY;
	while (!composite_finished(c) && !st->timed_out) {
		if (tevent_loop_once(st->ev) != 0) {
			talloc_free(c);
			return NT_STATUS_INTERNAL_ERROR;
		}
	}
	if (!composite_finished(c)) {
		talloc_free(c);
		return NT_STATUS_IO_TIMEOUT;
	}
	/* Finished: this does not wait, and frees c. */
	return dcerpc_pipe_connect_b_recv(c, mem_ctx, p_out);
}

/* One netlogon call, bounded by the same deadline as the connect. */
static NTSTATUS nl_call(struct nl_state *st, struct dcerpc_pipe *p,
			uint32_t opnum, TALLOC_CTX *r_mem, void *r)
{
	struct tevent_req *req;
	double left = st->deadline - sci_now();
	NTSTATUS status;

	if (st->timed_out || left <= 0)
		return NT_STATUS_IO_TIMEOUT;
	/* Samba's own per-request timeout, as a backstop (whole seconds). */
	dcerpc_binding_handle_set_timeout(p->binding_handle,
					  (uint32_t)left + 1);
	req = dcerpc_binding_handle_call_send(r_mem, st->ev,
					      p->binding_handle, NULL,
					      &ndr_table_netlogon, opnum,
					      r_mem, r);
	if (req == NULL)
		return NT_STATUS_NO_MEMORY;
	while (tevent_req_is_in_progress(req) && !st->timed_out) {
		if (tevent_loop_once(st->ev) != 0) {
			talloc_free(req);
			return NT_STATUS_INTERNAL_ERROR;
		}
	}
	if (tevent_req_is_in_progress(req)) {
		talloc_free(req);
		return NT_STATUS_IO_TIMEOUT;
	}
	status = dcerpc_binding_handle_call_recv(req);
	talloc_free(req);
	return status;
}

static bool is_numeric_address(const char *address)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, address, &a4) == 1 ||
	       inet_pton(AF_INET6, address, &a6) == 1;
}

/* An attempt whose exchange did not get as far as the DC's verdict. */
static void set_unreachable(struct sc_attempt *a, NTSTATUS status,
			    const char *step, const char *address)
{
	a->outcome = SC_OUTCOME_UNREACHABLE;
	a->has_ntstatus = true;
	a->ntstatus = NT_STATUS_V(status);
	a->detail = talloc_asprintf(a, "%s %s: %s", step, address,
				    sc_ntstatus_name(a->ntstatus));
}

/*
 * The probe proper.  Only bad arguments and local failures are errors;
 * whatever the DC or the network said ends up in the attempt.
 */
enum sc_rc sci_netlogon_probe_impl(TALLOC_CTX *mem_ctx,
				   const struct sc_probe_opts *opts,
				   const struct sc_dc *dc, const char *account,
				   const char *computer,
				   uint32_t sec_channel_type,
				   const struct sc_secret *nt_hash,
				   struct sc_attempt **attempt_out,
				   struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx = NULL;
	TALLOC_CTX *net_ctx = NULL;
	struct nl_state *st = NULL;
	struct sc_attempt *a = NULL;
	struct dcerpc_pipe *p = NULL;
	struct netr_ServerReqChallenge rc_r;
	struct netr_ServerAuthenticate3 a3_r;
	struct netr_Credential client_chal;
	struct netr_Credential server_chal;
	struct netr_Credential client_cred;
	struct netr_Credential server_cred;
	uint32_t neg_flags = NETCHK_NEG_FLAGS;
	uint32_t rid = 0;
	uint8_t sk[16];
	uint8_t expect[8];
	const char *server_name;
	double timeout;
	double t0 = 0;
	NTSTATUS status;
	enum sc_rc rc;
	int ret;

	if (dc == NULL || dc->address == NULL || account == NULL ||
	    computer == NULL || nt_hash == NULL || nt_hash->data == NULL ||
	    nt_hash->len != 16 || attempt_out == NULL)
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "netlogon probe: missing argument");
	if (!is_numeric_address(dc->address))
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "netlogon probe: '%s' is not a numeric "
				 "address", dc->address);
	timeout = sci_probe_wait(opts, DEFAULT_TIMEOUT);
	if (sec_channel_type == 0)
		sec_channel_type = SEC_CHAN_WKSTA;

	if (sci_netlogon_init_impl() != 0)
		return sci_error(mem_ctx, err_out, SC_EINTERNAL,
				 SC_ERRDOM_NTSTATUS, dcerpc_init_status,
				 "dcerpc_init failed: %s",
				 sc_ntstatus_name(dcerpc_init_status));

	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	a = talloc_zero(tmp_ctx, struct sc_attempt);
	if (a == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	a->path = SC_PATH_NETLOGON;
	a->cand = SC_CAND_CURRENT;	/* the caller knows better */
	sc_fingerprint(nt_hash, a->fingerprint);
	server_name = talloc_asprintf(tmp_ctx, "\\\\%s",
				      dc->name != NULL ? dc->name
						       : dc->address);
	if (server_name == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	ret = gnutls_rnd(GNUTLS_RND_NONCE, client_chal.data,
			 sizeof(client_chal.data));
	if (ret < 0) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       ret, "gnutls_rnd: %s", gnutls_strerror(ret));
		goto done;
	}

	t0 = sci_now();
	rc = nl_state_init(tmp_ctx, timeout, &st, err_out);
	if (rc != SC_OK)
		goto done;
	/* Freed before st, so no socket outlives its event context. */
	net_ctx = talloc_new(tmp_ctx);
	if (net_ctx == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}

	status = nl_connect(net_ctx, st, dc->address, &p);
	if (NT_STATUS_EQUAL(status, NT_STATUS_NO_MEMORY)) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	if (!NT_STATUS_IS_OK(status)) {
		set_unreachable(a, status, "cannot connect to netlogon on",
				dc->address);
		goto result;
	}

	memset(&rc_r, 0, sizeof(rc_r));
	rc_r.in.server_name = server_name;
	rc_r.in.computer_name = computer;
	rc_r.in.credentials = &client_chal;
	rc_r.out.return_credentials = &server_chal;
	status = nl_call(st, p, NDR_NETR_SERVERREQCHALLENGE, net_ctx, &rc_r);
	if (!NT_STATUS_IS_OK(status)) {
		set_unreachable(a, status, "NetrServerReqChallenge to",
				dc->address);
		goto result;
	}
	if (!NT_STATUS_IS_OK(rc_r.out.result)) {
		/* The secret was never presented: not a rejection of it. */
		set_unreachable(a, rc_r.out.result,
				"NetrServerReqChallenge refused by",
				dc->address);
		goto result;
	}

	if (!sci_netlogon_session_key(nt_hash->data, client_chal.data,
				      server_chal.data, sk) ||
	    !sci_netlogon_cred(sk, client_chal.data, client_cred.data) ||
	    !sci_netlogon_cred(sk, server_chal.data, expect)) {
		rc = sci_error(mem_ctx, err_out, SC_EINTERNAL, SC_ERRDOM_NONE,
			       0, "netlogon credential computation failed");
		goto done;
	}

	memset(&a3_r, 0, sizeof(a3_r));
	a3_r.in.server_name = server_name;
	a3_r.in.account_name = account;
	a3_r.in.secure_channel_type = sec_channel_type;
	a3_r.in.computer_name = computer;
	a3_r.in.credentials = &client_cred;
	a3_r.in.negotiate_flags = &neg_flags;
	a3_r.out.return_credentials = &server_cred;
	a3_r.out.rid = &rid;
	a3_r.out.negotiate_flags = &neg_flags;
	status = nl_call(st, p, NDR_NETR_SERVERAUTHENTICATE3, net_ctx, &a3_r);
	if (!NT_STATUS_IS_OK(status)) {
		set_unreachable(a, status, "NetrServerAuthenticate3 to",
				dc->address);
		goto result;
	}

	a->has_ntstatus = true;
	a->ntstatus = NT_STATUS_V(a3_r.out.result);
	if (!NT_STATUS_IS_OK(a3_r.out.result)) {
		a->outcome = SC_OUTCOME_REJECTED;
		a->detail = talloc_asprintf(a, "NetrServerAuthenticate3: %s",
					    sc_ntstatus_name(a->ntstatus));
	} else if (memcmp(server_cred.data, expect, sizeof(expect)) != 0) {
		a->outcome = SC_OUTCOME_REJECTED;
		a->detail = talloc_strdup(a, "server credential mismatch");
	} else {
		a->outcome = SC_OUTCOME_ACCEPTED;
		a->detail = talloc_asprintf(a, "NetrServerAuthenticate3: %s, "
					    "rid %u, flags 0x%08x",
					    sc_ntstatus_name(a->ntstatus),
					    (unsigned)rid,
					    (unsigned)neg_flags);
	}

result:
	if (a->detail == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	a->seconds = sci_now() - t0;
	*attempt_out = talloc_move(mem_ctx, &a);
	rc = SC_OK;
done:
	explicit_bzero(sk, sizeof(sk));
	explicit_bzero(expect, sizeof(expect));
	talloc_free(net_ctx);
	talloc_free(tmp_ctx);
	return rc;
}
