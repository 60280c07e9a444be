/* The visible seal image (signer-internal): see seal.c. */
#ifndef GAZETTE_SEAL_H
#define GAZETTE_SEAL_H

#include "gazette/base.h"

struct seal {
	uint32_t w, h;
	int colors;                 /* 1 (DeviceGray) or 3 (DeviceRGB) */
	int has_alpha;              /* alpha present: a soft mask follows */
	unsigned char *color;       /* FlateDecode'd samples, 8 bits each */
	size_t color_len;
	unsigned char *alpha;       /* FlateDecode'd 8-bit alpha, or NULL */
	size_t alpha_len;
};

/* Reads a PNG (8-bit gray, gray+alpha, RGB, RGBA, or palette with optional
 * tRNS; not interlaced; at most 8192 pixels a side).  GAZ_EIO unreadable;
 * GAZ_EINVAL corrupt or unsupported (a bad option value, not a bad PDF).
 * *out: seal_free(). */
int seal_load(const char *path, struct seal **out);
/* The same from bytes in memory; path only names the source in messages. */
int seal_load_mem(const unsigned char *png, size_t len, const char *path, struct seal **out);
void seal_free(struct seal *s);

#endif
