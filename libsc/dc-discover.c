/*
 * libsc - finding the domain controllers: DNS SRV and name resolution
 *
 * Every probe pins one DC by address, so a DC is always handed on as a
 * (DNS name, numeric address) pair: the name for Kerberos service
 * principals, the address for the connection.
 */
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include "sc-private.h"

#define SRV_PREFIX "_ldap._tcp.dc._msdcs."

static int srv_cmp(const void *a, const void *b)
{
	const struct sci_srv *x = a;
	const struct sci_srv *y = b;
	int c;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	c = strcasecmp(x->target, y->target);
	if (c != 0)
		return c;
	c = strcmp(x->target, y->target);
	if (c != 0)
		return c;
	return (x->port > y->port) - (x->port < y->port);
}

/*
 * RFC 2782 picks among records of equal priority at random, weighted.  A
 * diagnostic tool must give the same answer twice, so the heaviest record
 * comes first and equal weights are ordered by name.
 */
void sci_srv_sort(struct sci_srv *srv, size_t count)
{
	if (srv == NULL || count < 2)
		return;
	qsort(srv, count, sizeof(*srv), srv_cmp);
}

/* A res_state lives in a talloc chunk so that talloc_free closes it. */
struct resolver {
	struct __res_state state;
	bool open;
};

static int resolver_destructor(struct resolver *r)
{
	if (r->open)
		res_nclose(&r->state);
	return 0;
}

/*
 * Numeric address of host: getaddrinfo with AF_UNSPEC, the first IPv4
 * result if there is one, else the first IPv6 one.  Returns 0 or an
 * EAI_* code; with numeric_only the host must be a literal address.
 */
static int resolve_address(TALLOC_CTX *mem_ctx, const char *host,
			   bool numeric_only, char **address_out)
{
	struct addrinfo hints;
	struct addrinfo *res = NULL;
	struct addrinfo *ai;
	struct addrinfo *pick = NULL;
	char buf[NI_MAXHOST];
	int ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = numeric_only ? AI_NUMERICHOST : 0;
	ret = getaddrinfo(host, NULL, &hints, &res);
	if (ret != 0)
		return ret;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET) {
			pick = ai;
			break;
		}
		if (ai->ai_family == AF_INET6 && pick == NULL)
			pick = ai;
	}
	if (pick == NULL) {
		freeaddrinfo(res);
		return EAI_NODATA;
	}
	ret = getnameinfo(pick->ai_addr, pick->ai_addrlen, buf, sizeof(buf),
			  NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	if (ret != 0)
		return ret;
	*address_out = talloc_strdup(mem_ctx, buf);
	if (*address_out == NULL)
		return EAI_MEMORY;
	return 0;
}

/* sc_rc for a getaddrinfo failure: "no such name" versus "DNS broken". */
static enum sc_rc gai_rc(int ret)
{
	switch (ret) {
	case EAI_MEMORY:
		return SC_ENOMEM;
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		return SC_ENOENT;
	default:
		return SC_ENET;
	}
}

/*
 * A name or a literal address.  For a literal, name and address are both
 * its canonical numeric form: there is no DNS name to give Kerberos.
 */
enum sc_rc sc_dc_resolve(TALLOC_CTX *mem_ctx, const char *name,
			 struct sc_dc **dc_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct sc_dc *dc;
	char *address = NULL;
	enum sc_rc rc;
	int ret;

	if (name == NULL || name[0] == '\0')
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "no DC name given");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	dc = talloc_zero(tmp_ctx, struct sc_dc);
	if (dc == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}

	ret = resolve_address(dc, name, true, &address);
	if (ret == 0) {
		dc->name = address;
	} else {
		ret = resolve_address(dc, name, false, &address);
		if (ret != 0) {
			rc = sci_error(mem_ctx, err_out, gai_rc(ret),
				       SC_ERRDOM_NONE, ret,
				       "cannot resolve DC %s: %s", name,
				       gai_strerror(ret));
			goto done;
		}
		dc->name = talloc_strdup(dc, name);
		if (dc->name == NULL) {
			rc = sci_error(mem_ctx, err_out, SC_ENOMEM,
				       SC_ERRDOM_NONE, 0, "out of memory");
			goto done;
		}
	}
	dc->address = address;

	*dc_out = talloc_move(mem_ctx, &dc);
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * Run the SRV query with a private res_state (res_nquery is thread-safe,
 * res_query is not) and parse the answer section into srv records.  A
 * name with no SRV record gives SC_ENOENT; a resolver that cannot answer
 * gives SC_ENET.
 */
static enum sc_rc srv_query(TALLOC_CTX *mem_ctx, const char *qname,
			    struct sci_srv **srv_out, size_t *count_out,
			    struct sc_error **err_out, TALLOC_CTX *err_ctx)
{
	TALLOC_CTX *tmp_ctx;
	struct resolver *r;
	unsigned char *answer;
	const size_t answer_size = NS_MAXMSG;
	struct sci_srv *srv = NULL;
	size_t count = 0;
	ns_msg msg;
	enum sc_rc rc;
	int len;
	int n;
	int i;

	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(err_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	r = talloc_zero(tmp_ctx, struct resolver);
	answer = talloc_size(tmp_ctx, answer_size);
	if (r == NULL || answer == NULL) {
		rc = sci_error(err_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	talloc_set_destructor(r, resolver_destructor);
	if (res_ninit(&r->state) != 0) {
		rc = sci_error(err_ctx, err_out, SC_ENET, SC_ERRDOM_NONE, 0,
			       "cannot initialise the DNS resolver");
		goto done;
	}
	r->open = true;

	len = res_nquery(&r->state, qname, ns_c_in, ns_t_srv, answer,
			 answer_size);
	if (len < 0) {
		int herr = r->state.res_h_errno;

		if (herr == HOST_NOT_FOUND || herr == NO_DATA) {
			rc = sci_error(err_ctx, err_out, SC_ENOENT,
				       SC_ERRDOM_NONE, herr,
				       "no DC found: DNS has no SRV record %s",
				       qname);
		} else {
			rc = sci_error(err_ctx, err_out, SC_ENET,
				       SC_ERRDOM_NONE, herr,
				       "DNS lookup of SRV %s failed: %s",
				       qname, hstrerror(herr));
		}
		goto done;
	}
	if ((size_t)len > answer_size)
		len = answer_size;
	if (ns_initparse(answer, len, &msg) != 0) {
		rc = sci_error(err_ctx, err_out, SC_ENET, SC_ERRDOM_ERRNO,
			       errno, "malformed DNS answer for SRV %s",
			       qname);
		goto done;
	}

	n = ns_msg_count(msg, ns_s_an);
	srv = talloc_zero_array(tmp_ctx, struct sci_srv, n > 0 ? n : 1);
	if (srv == NULL) {
		rc = sci_error(err_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		char target[NS_MAXDNAME];
		const unsigned char *rd;
		ns_rr rr;

		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) {
			rc = sci_error(err_ctx, err_out, SC_ENET,
				       SC_ERRDOM_ERRNO, errno,
				       "malformed DNS answer for SRV %s",
				       qname);
			goto done;
		}
		/* The answer may also hold the CNAMEs that led here. */
		if (ns_rr_type(rr) != ns_t_srv || ns_rr_class(rr) != ns_c_in)
			continue;
		if (ns_rr_rdlen(rr) < 7) {
			rc = sci_error(err_ctx, err_out, SC_ENET,
				       SC_ERRDOM_NONE, 0,
				       "malformed SRV record for %s", qname);
			goto done;
		}
		rd = ns_rr_rdata(rr);
		if (ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg),
				       rd + 6, target, sizeof(target)) < 0) {
			rc = sci_error(err_ctx, err_out, SC_ENET,
				       SC_ERRDOM_NONE, 0,
				       "malformed SRV target for %s", qname);
			goto done;
		}
		/* RFC 2782: target "." means "decidedly not available". */
		if (target[0] == '\0' || strcmp(target, ".") == 0)
			continue;
		srv[count].priority = ns_get16(rd);
		srv[count].weight = ns_get16(rd + 2);
		srv[count].port = ns_get16(rd + 4);
		srv[count].target = talloc_strdup(srv, target);
		if (srv[count].target == NULL) {
			rc = sci_error(err_ctx, err_out, SC_ENOMEM,
				       SC_ERRDOM_NONE, 0, "out of memory");
			goto done;
		}
		count++;
	}
	if (count == 0) {
		rc = sci_error(err_ctx, err_out, SC_ENOENT, SC_ERRDOM_NONE, 0,
			       "no DC found: DNS has no SRV record %s", qname);
		goto done;
	}

	*srv_out = talloc_move(mem_ctx, &srv);
	*count_out = count;
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}

/*
 * DCs of dns_domain in SRV order, each with its address.  A target that
 * does not resolve is left out (it cannot be probed by address); only
 * when none resolves is that an error.  The same name listed twice is
 * returned once.
 */
enum sc_rc sc_dc_discover(TALLOC_CTX *mem_ctx, const char *dns_domain,
			  struct sc_dc **dcs_out, size_t *count_out,
			  struct sc_error **err_out)
{
	return sc_dc_discover_site(mem_ctx, dns_domain, NULL, dcs_out,
				   count_out, err_out);
}

/*
 * Put the DCs of the host's site first, as a member's own DC locator
 * does (MS-ADTS 6.3.6): _ldap._tcp.<site>._sites.dc._msdcs.<domain>,
 * then the rest of the domain.  A site without records is no error: the
 * domain-wide list is what the host would fall back to as well.
 */
static void prefer_site(TALLOC_CTX *tmp_ctx, const char *dns_domain,
			const char *site, struct sci_srv **srv,
			size_t *nsrv)
{
	struct sci_srv *local = NULL, *all;
	size_t nlocal = 0;
	const char *qname;

	qname = talloc_asprintf(tmp_ctx, "_ldap._tcp.%s._sites.dc._msdcs.%s",
				site, dns_domain);
	if (qname == NULL ||
	    srv_query(tmp_ctx, qname, &local, &nlocal, NULL, tmp_ctx) !=
	    SC_OK || nlocal == 0)
		return;
	sci_srv_sort(local, nlocal);
	all = talloc_zero_array(tmp_ctx, struct sci_srv, nlocal + *nsrv);
	if (all == NULL)
		return;
	memcpy(all, local, nlocal * sizeof(*all));
	memcpy(all + nlocal, *srv, *nsrv * sizeof(*all));
	*srv = all;
	*nsrv += nlocal;
}

enum sc_rc sc_dc_discover_site(TALLOC_CTX *mem_ctx, const char *dns_domain,
			       const char *site, struct sc_dc **dcs_out,
			       size_t *count_out, struct sc_error **err_out)
{
	TALLOC_CTX *tmp_ctx;
	struct sci_srv *srv = NULL;
	size_t nsrv = 0;
	struct sc_dc *dcs;
	size_t count = 0;
	const char *qname;
	const char *first_failed = NULL;
	int first_ret = 0;
	enum sc_rc rc;
	size_t i;
	size_t j;

	if (dns_domain == NULL || dns_domain[0] == '\0')
		return sci_error(mem_ctx, err_out, SC_EINVAL, SC_ERRDOM_NONE,
				 0, "no DNS domain given");
	tmp_ctx = talloc_new(NULL);
	if (tmp_ctx == NULL)
		return sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE,
				 0, "out of memory");
	qname = talloc_asprintf(tmp_ctx, SRV_PREFIX "%s", dns_domain);
	if (qname == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	rc = srv_query(tmp_ctx, qname, &srv, &nsrv, err_out, mem_ctx);
	if (rc != SC_OK)
		goto done;
	sci_srv_sort(srv, nsrv);
	if (site != NULL && site[0] != '\0')
		prefer_site(tmp_ctx, dns_domain, site, &srv, &nsrv);

	dcs = talloc_zero_array(tmp_ctx, struct sc_dc, nsrv);
	if (dcs == NULL) {
		rc = sci_error(mem_ctx, err_out, SC_ENOMEM, SC_ERRDOM_NONE, 0,
			       "out of memory");
		goto done;
	}
	for (i = 0; i < nsrv; i++) {
		char *address = NULL;
		bool dup = false;
		int ret;

		for (j = 0; j < count; j++) {
			if (strcasecmp(dcs[j].name, srv[i].target) == 0)
				dup = true;
		}
		if (dup)
			continue;
		ret = resolve_address(dcs, srv[i].target, false, &address);
		if (ret == EAI_MEMORY) {
			rc = sci_error(mem_ctx, err_out, SC_ENOMEM,
				       SC_ERRDOM_NONE, 0, "out of memory");
			goto done;
		}
		if (ret != 0) {
			if (first_failed == NULL) {
				first_failed = srv[i].target;
				first_ret = ret;
			}
			continue;
		}
		dcs[count].name = talloc_strdup(dcs, srv[i].target);
		if (dcs[count].name == NULL) {
			rc = sci_error(mem_ctx, err_out, SC_ENOMEM,
				       SC_ERRDOM_NONE, 0, "out of memory");
			goto done;
		}
		dcs[count].address = address;
		count++;
	}
	if (count == 0) {
		rc = sci_error(mem_ctx, err_out, SC_ENET, SC_ERRDOM_NONE,
			       first_ret,
			       "no DC address: SRV %s names %s, which does "
			       "not resolve: %s", qname, first_failed,
			       gai_strerror(first_ret));
		goto done;
	}

	*dcs_out = talloc_move(mem_ctx, &dcs);
	*count_out = count;
	rc = SC_OK;
done:
	talloc_free(tmp_ctx);
	return rc;
}
