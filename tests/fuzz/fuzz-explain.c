/*
 * libFuzzer target: the explain parser and log-line scanner, the part of
 * netchk that reads text people paste.  Built by meson when the compiler
 * is clang; tests/run-all.sh builds and runs it for a bounded time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sc-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	TALLOC_CTX *mem = talloc_new(NULL);
	struct sc_explanation *x = NULL;
	struct sc_error *err = NULL;
	size_t n = 0;
	char *text;

	if (mem == NULL)
		return 0;
	text = talloc_strndup(mem, (const char *)data, size);
	if (text == NULL)
		goto done;
	if (sc_explain_parse(mem, text, &x, &err) == SC_OK) {
		/* Whatever parses, names something and says it again. */
		if (x->name == NULL || x->input == NULL)
			abort();
	}
	if (sc_explain_scan(mem, text, &x, &n, &err) == SC_OK) {
		if (n == 0)
			abort();
		for (size_t i = 0; i < n; i++)
			if (x[i].name == NULL)
				abort();
	}
done:
	talloc_free(mem);
	return 0;
}
