/*
 * libsc - what the keytab's encryption types allow
 *
 * The RC4 (arcfour-hmac) key of an AD account is its NT hash: on a host
 * without secrets.tdb it is the only secret netlogon can present.
 */
#include "sc-private.h"

/*
 * The RC4 entry of the newest kvno (which 0) or of the newest kvno below
 * it (which 1), NULL when that kvno has no RC4 key or there is none.
 */
const struct sc_keytab_entry *sci_keytab_rc4_entry(const struct sc_keytab *kt,
						   int which)
{
	uint32_t top, below = 0;

	if (kt == NULL || kt->count == 0)
		return NULL;
	top = sc_keytab_max_kvno(kt);
	for (size_t i = 0; i < kt->count; i++)
		if (kt->entries[i].kvno < top && kt->entries[i].kvno > below)
			below = kt->entries[i].kvno;
	if (which == 1 && below == 0)
		return NULL;
	for (size_t i = 0; i < kt->count; i++) {
		const struct sc_keytab_entry *e = &kt->entries[i];

		if (e->kvno == (which == 0 ? top : below) &&
		    e->enctype == SCI_ENCTYPE_RC4 && e->key != NULL &&
		    e->key->len == 16)
			return e;
	}
	return NULL;
}
