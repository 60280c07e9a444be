/* The visible seal: a PNG image decoded (8-bit gray, gray+alpha, RGB, RGBA
 * or palette with optional tRNS; not interlaced) into PDF image data — the
 * colour samples and, when the image has transparency, a 1-bit stencil mask
 * (alpha < 128 is not painted) — each Flate-compressed.  A hard mask, not a
 * soft mask: PDF/A-1, which issues conform to, forbids /SMask.  PNG chunks
 * are read through a bounded reader. */
#include "signer/seal.h"

#include <stdlib.h>
#include <string.h>
#include "gazette/dl/zlib.h"

#define PNG_FILE_MAX ((size_t)16 << 20)
#define PNG_SIDE_MAX 8192u
#define PNG_PIXELS_MAX ((size_t)16 << 20)

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undoes the PNG row filters in place; rows are 1 + stride bytes. */
static int unfilter(unsigned char *d, uint32_t h, size_t stride, size_t bpp)
{
	unsigned char *row, *prev = NULL;
	size_t x;
	uint32_t y;

	for (y = 0; y < h; y++) {
		row = d + (size_t)y * (stride + 1) + 1;
		for (x = 0; x < stride; x++) {
			int a = x >= bpp ? row[x - bpp] : 0, b = prev ? prev[x] : 0,
			    c = prev && x >= bpp ? prev[x - bpp] : 0;
			switch (row[-1]) {
			case 0: break;
			case 1: row[x] = (unsigned char)(row[x] + a); break;
			case 2: row[x] = (unsigned char)(row[x] + b); break;
			case 3: row[x] = (unsigned char)(row[x] + (a + b) / 2); break;
			case 4: row[x] = (unsigned char)(row[x] + paeth(a, b, c)); break;
			default: return gaz_fail(GAZ_EINVAL, "bad PNG row filter %d", row[-1]);
			}
		}
		prev = row;
	}
	return 0;
}

static int deflate_buf(const unsigned char *p, size_t n, unsigned char **out, size_t *outlen)
{
	uLongf cap;
	unsigned char *z;
	int rc;

	if ((rc = gaz_dl_zlib()))
		return rc;
	cap = compressBound((uLong)n);
	if (!(z = malloc(cap)))
		return GAZ_ENOMEM;
	if (compress2(z, &cap, p, (uLong)n, 6) != Z_OK) {
		free(z);
		return gaz_fail(GAZ_EINTERNAL, "deflate failed");
	}
	*out = z;
	*outlen = cap;
	return 0;
}

static int inflate_all(const unsigned char *p, size_t n, unsigned char *out, size_t want)
{
	z_stream z;
	int r;

	if ((r = gaz_dl_zlib()))
		return r;
	memset(&z, 0, sizeof z);
	if (inflateInit(&z) != Z_OK)
		return GAZ_ENOMEM;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)want;
	r = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	/* Exactly the expected size: more is refused (Z_BUF_ERROR), less is short. */
	if (r != Z_STREAM_END || z.avail_out != 0)
		return gaz_fail(GAZ_EINVAL, "PNG image data is corrupt or the wrong size");
	return 0;
}

void seal_free(struct seal *s)
{
	if (s) {
		free(s->color);
		free(s->mask);
		free(s);
	}
}

int seal_load(const char *path, struct seal **out)
{
	char *file = NULL;
	size_t len;
	int rc;

	if ((rc = gaz_read_file(path, PNG_FILE_MAX, &file, &len)))
		return rc;
	rc = seal_load_mem((const unsigned char *)file, len, path, out);
	free(file);
	return rc;
}

int seal_load_mem(const unsigned char *file, size_t len, const char *path, struct seal **out)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct gaz_rd r;
	struct gaz_buf idat = GAZ_BUF_INIT(PNG_FILE_MAX);
	struct seal *s = NULL;
	const unsigned char *hdr = NULL, *data, *plte = NULL, *trns = NULL;
	unsigned char *raw = NULL, *col = NULL, *alp = NULL;
	size_t nplte = 0, ntrns = 0, ch, stride, rawlen, npix, i, mrow;
	uint32_t w = 0, h = 0, clen;
	int ctype = -1, rc;

	gaz_rd_init(&r, file, len);
	if ((rc = gaz_rd_take(&r, 8, &data)) || memcmp(data, sig, 8)) {
		rc = gaz_fail(GAZ_EINVAL, "%s: not a PNG image", path);
		goto end;
	}
	for (;;) {
		const unsigned char *lenp, *type;
		if ((rc = gaz_rd_take(&r, 4, &lenp)) || (rc = gaz_rd_take(&r, 4, &type)) ||
		    (clen = be32(lenp)) > gaz_rd_left(&r) ||
		    (rc = gaz_rd_take(&r, clen, &data)) || (rc = gaz_rd_skip(&r, 4))) {
			rc = gaz_fail(GAZ_EINVAL, "%s: truncated PNG", path);
			goto end;
		}
		if (!memcmp(type, "IHDR", 4) && clen == 13) {
			hdr = data;
		} else if (!memcmp(type, "PLTE", 4)) {
			plte = data;
			nplte = clen / 3;
		} else if (!memcmp(type, "tRNS", 4)) {
			trns = data;
			ntrns = clen;
		} else if (!memcmp(type, "IDAT", 4)) {
			if ((rc = gaz_buf_add(&idat, data, clen)))
				goto end;
		} else if (!memcmp(type, "IEND", 4)) {
			break;
		}
	}
	if (!hdr) {
		rc = gaz_fail(GAZ_EINVAL, "%s: PNG without IHDR", path);
		goto end;
	}
	w = be32(hdr);
	h = be32(hdr + 4);
	ctype = hdr[9];
	if (hdr[8] != 8 || hdr[12] != 0 || w == 0 || h == 0 || w > PNG_SIDE_MAX ||
	    h > PNG_SIDE_MAX || (size_t)w * h > PNG_PIXELS_MAX ||
	    (ctype != 0 && ctype != 2 && ctype != 3 && ctype != 4 && ctype != 6) ||
	    (ctype == 3 && !plte)) {
		rc = gaz_fail(GAZ_EINVAL, "%s: unsupported PNG (8-bit gray, RGB, palette, with or "
			      "without alpha, not interlaced, at most %u pixels a side)", path,
			      PNG_SIDE_MAX);
		goto end;
	}
	ch = ctype == 0 ? 1 : ctype == 2 ? 3 : ctype == 3 ? 1 : ctype == 4 ? 2 : 4;
	stride = (size_t)w * ch;
	rawlen = (stride + 1) * h;
	npix = (size_t)w * h;
	mrow = ((size_t)w + 7) / 8;
	if (!(raw = malloc(rawlen)) || !(col = malloc(npix * 3)) || !(alp = calloc(mrow, h))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	if ((rc = inflate_all((unsigned char *)idat.data, idat.len, raw, rawlen)) ||
	    (rc = unfilter(raw, h, stride, ch)))
		goto end;
	if (!(s = calloc(1, sizeof *s))) {
		rc = GAZ_ENOMEM;
		goto end;
	}
	s->w = w;
	s->h = h;
	s->colors = (ctype == 0 || ctype == 4) ? 1 : 3;
	for (i = 0; i < npix; i++) {
		const unsigned char *px = raw + (i / w) * (stride + 1) + 1 + (i % w) * ch;
		unsigned char a = 255;
		switch (ctype) {
		case 0: col[i] = px[0]; break;
		case 4: col[i] = px[0]; a = px[1]; break;
		case 2: memcpy(col + 3 * i, px, 3); break;
		case 6: memcpy(col + 3 * i, px, 3); a = px[3]; break;
		case 3:
			if (px[0] >= nplte) {
				rc = gaz_fail(GAZ_EINVAL, "%s: palette index out of range", path);
				goto end;
			}
			memcpy(col + 3 * i, plte + 3 * px[0], 3);
			a = px[0] < ntrns ? trns[px[0]] : 255;
			break;
		}
		if (a < 128) {
			alp[(i / w) * mrow + (i % w) / 8] |= (unsigned char)(0x80 >> (i % w % 8));
			s->has_mask = 1;
		}
	}
	if ((rc = deflate_buf(col, npix * s->colors, &s->color, &s->color_len)) ||
	    (s->has_mask && (rc = deflate_buf(alp, mrow * h, &s->mask, &s->mask_len))))
		goto end;
	*out = s;
	s = NULL;
	rc = 0;
end:
	seal_free(s);
	free(raw);
	free(col);
	free(alp);
	gaz_buf_release(&idat);
	return rc;
}
