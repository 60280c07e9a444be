/* libFuzzer harness: the transparency log's untrusted inputs.  First byte
 * picks: 0 leaf data (decode; what decodes must re-encode to the same
 * bytes), 1 an inclusion proof, 2 a consistency proof (index/sizes, hashes
 * and path from the bytes; verification must fail cleanly or succeed). */
#include "gazette/tlog.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct gaz_tlog_proof p;
	struct gaz_tlog_entry e;
	char strs[4 * 256];
	unsigned char out[GAZ_TLOG_LEAF_MAX];
	size_t n;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (!gaz_tlog_leaf_decode(data + 1, size - 1, &e, strs)) {
			if (gaz_tlog_leaf_encode(&e, out, &n) || n != size - 1 ||
			    memcmp(out, data + 1, n))
				abort(); /* decoded but not canonical */
		}
		break;
	case 1:
		if (size < 1 + 16 + 64)
			return 0;
		p.n = (size - 81) / 32;
		if (p.n > GAZ_TLOG_MAX_PROOF)
			p.n = GAZ_TLOG_MAX_PROOF;
		memcpy(p.h, data + 81, p.n * 32);
		gaz_tlog_verify_inclusion(data + 17, be64(data + 1), be64(data + 9), &p, data + 49);
		break;
	default:
		if (size < 1 + 16 + 64)
			return 0;
		p.n = (size - 81) / 32;
		if (p.n > GAZ_TLOG_MAX_PROOF)
			p.n = GAZ_TLOG_MAX_PROOF;
		memcpy(p.h, data + 81, p.n * 32);
		gaz_tlog_verify_consistency(be64(data + 1), be64(data + 9), data + 17, data + 49, &p);
	}
	return 0;
}
