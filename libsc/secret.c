/*
 * libsc - secrets that wipe themselves
 */
#include <string.h>
#include "sc-private.h"

static int secret_destructor(struct sc_secret *s)
{
	if (s->data != NULL)
		explicit_bzero(s->data, s->len);
	return 0;
}

/*
 * The data lives in the same talloc chunk's child; the destructor on the
 * holder wipes it before talloc releases both.
 */
struct sc_secret *sc_secret_new(TALLOC_CTX *mem_ctx, const void *data,
				size_t len)
{
	struct sc_secret *s;

	s = talloc_zero(mem_ctx, struct sc_secret);
	if (s == NULL)
		return NULL;
	s->data = talloc_size(s, len ? len : 1);
	if (s->data == NULL) {
		talloc_free(s);
		return NULL;
	}
	if (data != NULL && len > 0)
		memcpy(s->data, data, len);
	s->len = len;
	talloc_set_destructor(s, secret_destructor);
	return s;
}
