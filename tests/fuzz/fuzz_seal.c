/* libFuzzer harness for the visible-seal PNG reader (signer/seal.c). */
#include "signer/seal.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seal *s = NULL;

	if (!seal_load_mem(data, size, "fuzz.png", &s))
		seal_free(s);
	return 0;
}
