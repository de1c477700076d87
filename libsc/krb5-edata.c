/*
 * libsc - the NTSTATUS an AD KDC hides in a KRB-ERROR's e-data
 *
 * An AD KDC (Windows, and Samba's since 4.x) answers some AS requests with
 * e-data = METHOD-DATA whose PA-PW-SALT (type 3) is not a salt but a
 * 12-byte structure: NTSTATUS (LE), reserved (4), flags (4).  It is the
 * only way to tell e.g. ACCOUNT_DISABLED from other CLIENT_REVOKED causes.
 *
 * The bytes come from the network, so the parser is small and strict:
 * every length is checked against what is left, nothing is read past len,
 * and anything that is not well-formed yields false.
 */
#include <stddef.h>
#include <stdint.h>
#include "sc-private.h"

#define DER_INTEGER	0x02
#define DER_OCTETS	0x04
#define DER_SEQUENCE	0x30
#define DER_CTX(n)	(0xa0 | (n))	/* [n] constructed, context class */

#define PA_PW_SALT	3
#define AD_PW_SALT_LEN	12

/* A read-only view of the bytes still to parse. */
struct der {
	const uint8_t *p;
	size_t len;
};

/*
 * Take one TLV with the expected single-byte tag off the front of d and
 * return its value in *val.  Definite lengths only: short form or long form
 * with 1-4 length bytes; the value must lie within d.
 */
static bool der_take(struct der *d, uint8_t tag, struct der *val)
{
	size_t n, vlen, i;

	if (d->len < 2 || d->p[0] != tag)
		return false;
	if (d->p[1] < 0x80) {
		vlen = d->p[1];
		n = 2;
	} else {
		size_t nbytes = d->p[1] & 0x7f;

		/* 0x80 is the indefinite form, not allowed in DER. */
		if (nbytes == 0 || nbytes > 4 || d->len - 2 < nbytes)
			return false;
		vlen = 0;
		for (i = 0; i < nbytes; i++)
			vlen = vlen << 8 | d->p[2 + i];
		n = 2 + nbytes;
	}
	if (vlen > d->len - n)
		return false;
	val->p = d->p + n;
	val->len = vlen;
	d->p += n + vlen;
	d->len -= n + vlen;
	return true;
}

/* An INTEGER of 1-4 content bytes that fits in int32 (padata-type). */
static bool der_int32(const struct der *v, int32_t *out)
{
	uint32_t u;
	size_t i;

	if (v->len < 1 || v->len > 4)
		return false;
	u = (v->p[0] & 0x80) ? UINT32_MAX : 0;
	for (i = 0; i < v->len; i++)
		u = u << 8 | v->p[i];
	*out = (int32_t)u;
	return true;
}

/*
 * PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET
 * STRING }.  Both fields are mandatory and nothing may follow them.
 */
static bool parse_padata(struct der pa, int32_t *type, struct der *value)
{
	struct der f1, f2, i;

	if (!der_take(&pa, DER_CTX(1), &f1) ||
	    !der_take(&f1, DER_INTEGER, &i) || f1.len != 0 ||
	    !der_int32(&i, type))
		return false;
	if (!der_take(&pa, DER_CTX(2), &f2) ||
	    !der_take(&f2, DER_OCTETS, value) || f2.len != 0)
		return false;
	return pa.len == 0;
}

bool sc_krb5_edata_ntstatus(const uint8_t *edata, size_t len,
			    uint32_t *ntstatus_out)
{
	struct der all = { edata, len };
	struct der seq, pa, value;
	bool found = false;
	uint32_t status = 0;
	int32_t type;

	if (edata == NULL || ntstatus_out == NULL)
		return false;
	if (!der_take(&all, DER_SEQUENCE, &seq) || all.len != 0)
		return false;
	/* Walk every element, so a malformed tail rejects the whole. */
	while (seq.len > 0) {
		if (!der_take(&seq, DER_SEQUENCE, &pa) ||
		    !parse_padata(pa, &type, &value))
			return false;
		if (found || type != PA_PW_SALT ||
		    value.len != AD_PW_SALT_LEN)
			continue;
		status = (uint32_t)value.p[0] | (uint32_t)value.p[1] << 8 |
			 (uint32_t)value.p[2] << 16 |
			 (uint32_t)value.p[3] << 24;
		found = true;
	}
	if (found)
		*ntstatus_out = status;
	return found;
}
