/*
 * Fonts through HarfBuzz: metrics for the layout, glyph coverage for the
 * fallback chain, raw bytes for subsetting.  Font files are mapped, not
 * read, so three CJK collections (~55 MB) cost only the pages touched.
 */
#include "gazette/font.h"

#include "gazette/dl/hb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MING "/usr/share/fonts/truetype/arphic/uming.ttc"
#define DEFAULT_KAI "/usr/share/fonts/truetype/arphic/ukai.ttc"
#define DEFAULT_HEI "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

struct face {
	char *path;
	int index;
	char name[64];
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	unsigned upem;
	/* Look-ups of Basic Multilingual Plane code points, filled on first
	 * use: the layout asks the same few thousand characters hundreds of
	 * thousands of times.  0 = not looked up yet, else GLYPH_KNOWN with
	 * the flags below and the advance (1/1000 em, clamped) in the low bits. */
	uint32_t *bmp;
};

#define GLYPH_KNOWN 0x80000000u
#define GLYPH_HAS 0x40000000u    /* the face maps the code point */
#define GLYPH_USABLE 0x20000000u /* ... and usable() says so */
#define GLYPH_PLACED 0x10000000u /* ... and placed as mainland text wants */
#define GLYPH_ADV 0x0000ffffu

struct gaz_fontset {
	struct face faces[GAZ_FONT_MAX_FACES];
	int n_faces;
	int chain[GAZ_ROLE_COUNT][GAZ_FONT_MAX_FACES];
	int chain_len[GAZ_ROLE_COUNT];
};

/* "path" or "path,index" → path + index.  Returns GAZ_EINVAL if malformed. */
static int parse_spec(const char *spec, size_t n, char **path, int *index)
{
	size_t i = n;
	uint64_t v = 0;

	while (i > 0 && spec[i - 1] != ',')
		i--;
	if (i > 0 && i < n && !gaz_parse_uint(spec + i, n - i, 255, &v))
		n = i - 1;
	else
		v = 0;
	while (n && (spec[n - 1] == ' '))
		n--;
	while (n && spec[0] == ' ')
		spec++, n--;
	if (!n)
		return gaz_fail(GAZ_EINVAL, "empty font path");
	if (!(*path = strndup(spec, n)))
		return GAZ_ENOMEM;
	*index = (int)v;
	return 0;
}

static int face_open(struct face *f, const char *path, int index)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return gaz_fail(GAZ_EFONT, "font %s cannot be read", path);
	if ((uint64_t)st.st_size > GAZ_FONT_FILE_MAX_BYTES)
		return gaz_fail(GAZ_EFONT, "font %s is larger than %u bytes", path,
				GAZ_FONT_FILE_MAX_BYTES);
	f->blob = hb_blob_create_from_file_or_fail(path);
	if (!f->blob)
		return gaz_fail(GAZ_EFONT, "font %s cannot be read", path);
	if (index >= (int)hb_face_count(f->blob))
		return gaz_fail(GAZ_EFONT, "font %s has no face %d (it has %u)", path,
				index, hb_face_count(f->blob));
	f->face = hb_face_create(f->blob, (unsigned)index);
	f->upem = hb_face_get_upem(f->face);
	if (!hb_face_get_glyph_count(f->face) || f->upem < 16 || f->upem > 16384)
		return gaz_fail(GAZ_EFONT, "%s is not a usable TrueType/OpenType font", path);
	if (!(f->bmp = calloc(0x10000, sizeof *f->bmp)))
		return GAZ_ENOMEM;
	f->font = hb_font_create(f->face);
	hb_ot_font_set_funcs(f->font);
	hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
	if (!(f->path = strdup(path)))
		return GAZ_ENOMEM;
	f->index = index;
	{
		unsigned len = sizeof f->name;
		if (!hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME,
					 HB_LANGUAGE_INVALID, &len, f->name))
			snprintf(f->name, sizeof f->name, "Font%d", index);
	}
	return 0;
}

static void face_close(struct face *f)
{
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	hb_blob_destroy(f->blob);
	free(f->bmp);
	free(f->path);
	memset(f, 0, sizeof *f);
}

/* Adds (or finds) a face; returns its id in *id. */
static int add_face(struct gaz_fontset *fs, const char *path, int index, int *id)
{
	int i, rc;

	for (i = 0; i < fs->n_faces; i++)
		if (fs->faces[i].index == index && !strcmp(fs->faces[i].path, path)) {
			*id = i;
			return 0;
		}
	if (fs->n_faces == GAZ_FONT_MAX_FACES)
		return gaz_fail(GAZ_EFONT, "more than %d distinct fonts", GAZ_FONT_MAX_FACES);
	if ((rc = face_open(&fs->faces[fs->n_faces], path, index))) {
		face_close(&fs->faces[fs->n_faces]);
		return rc;
	}
	*id = fs->n_faces++;
	return 0;
}

static int chain_add(struct gaz_fontset *fs, enum gaz_font_role role, const char *spec,
		     size_t n)
{
	char *path = NULL;
	int index = 0, id = -1, i, rc;

	if ((rc = parse_spec(spec, n, &path, &index)))
		return rc;
	rc = add_face(fs, path, index, &id);
	free(path);
	if (rc)
		return rc;
	for (i = 0; i < fs->chain_len[role]; i++)
		if (fs->chain[role][i] == id)
			return 0;
	if (fs->chain_len[role] == GAZ_FONT_MAX_FACES)
		return gaz_fail(GAZ_EFONT, "font chain too long");
	fs->chain[role][fs->chain_len[role]++] = id;
	return 0;
}

/* Fallbacks: a list separated by ';' or '|' (',' separates the face index). */
static int add_fallbacks(struct gaz_fontset *fs, enum gaz_font_role role, const char *list)
{
	const char *p = list, *e;
	int rc;

	while (*p) {
		e = p + strcspn(p, ";|");
		if (e > p && (rc = chain_add(fs, role, p, (size_t)(e - p))))
			return rc;
		p = *e ? e + 1 : e;
	}
	return 0;
}

int gaz_fontset_open(const struct gaz_issue_config *cfg, struct gaz_fontset **out)
{
	static const char *const defaults[GAZ_ROLE_COUNT] = {
		DEFAULT_MING ",0", DEFAULT_MING ",0", DEFAULT_HEI ",0", DEFAULT_KAI ",0"
	};
	static const char *const default_fallback = DEFAULT_HEI ",0;" DEFAULT_MING ",0";
	const struct gaz_field *conf[GAZ_ROLE_COUNT] = { NULL };
	struct gaz_fontset *fs;
	const char *fb;
	int r, rc;

	if ((rc = gaz_dl_hb()))
		return rc;
	if (cfg) {
		conf[GAZ_ROLE_BODY] = &cfg->font_body;
		conf[GAZ_ROLE_TITLE] = &cfg->font_title;
		conf[GAZ_ROLE_HEADING] = &cfg->font_heading;
		conf[GAZ_ROLE_KAI] = &cfg->font_kai;
	}
	if (!(fs = calloc(1, sizeof *fs)))
		return GAZ_ENOMEM;
	fb = cfg && cfg->font_fallback.value ? cfg->font_fallback.value : default_fallback;
	for (r = 0; r < GAZ_ROLE_COUNT; r++) {
		const char *spec = conf[r] && conf[r]->value ? conf[r]->value : defaults[r];
		if ((rc = chain_add(fs, (enum gaz_font_role)r, spec, strlen(spec))) ||
		    (rc = add_fallbacks(fs, (enum gaz_font_role)r, fb)))
			goto fail;
	}
	*out = fs;
	return 0;
fail:
	gaz_fontset_free(fs);
	return rc;
}

void gaz_fontset_free(struct gaz_fontset *fs)
{
	int i;

	if (!fs)
		return;
	for (i = 0; i < fs->n_faces; i++)
		face_close(&fs->faces[i]);
	free(fs);
}

int gaz_fontset_count(const struct gaz_fontset *fs) { return fs->n_faces; }
const char *gaz_fontset_path(const struct gaz_fontset *fs, int face) { return fs->faces[face].path; }
int gaz_fontset_index(const struct gaz_fontset *fs, int face) { return fs->faces[face].index; }
const char *gaz_fontset_name(const struct gaz_fontset *fs, int face) { return fs->faces[face].name; }
void *gaz_fontset_hb_font(const struct gaz_fontset *fs, int face) { return fs->faces[face].font; }

const void *gaz_fontset_data(const struct gaz_fontset *fs, int face, size_t *len)
{
	unsigned n = 0;
	const char *p = hb_blob_get_data(fs->faces[face].blob, &n);

	*len = n;
	return p;
}

static int is_space_cp(uint32_t cp)
{
	return cp == 0x20 || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A);
}

/* A glyph is usable if the face maps cp; a space must also be blank (some
 * CJK fonts draw U+3000 as a visible box). */
static int usable(const struct face *f, uint32_t cp, hb_codepoint_t *gid)
{
	hb_glyph_extents_t ext;

	if (!hb_font_get_nominal_glyph(f->font, cp, gid))
		return 0;
	if (is_space_cp(cp) && hb_font_get_glyph_extents(f->font, *gid, &ext) &&
	    (ext.width != 0 || ext.height != 0))
		return 0;
	return 1;
}

/* Full-width punctuation whose place in its em box differs between
 * mainland and Taiwan/Hong Kong fonts.  Mainland typesetting (GB/T 15834,
 * clreq §3.1.6) sets 、。，．；：！？ in the left half of the box, and the
 * quotation marks “‘ ’” full width, against the character they belong to.
 * AR PL UMing and UKai centre 、。 (UKai also ，；：！) in every face of
 * their collections, and WenQuanYi Zen Hei centres ，；：！ and draws
 * proportional quotes; picking such a glyph leaves a visible hole. */
enum punct { PUNCT_NONE, PUNCT_LEFT, PUNCT_OPENING, PUNCT_CLOSING };

static enum punct punct_kind(uint32_t cp)
{
	switch (cp) {
	case 0x3001: case 0x3002: case 0xFF0C: case 0xFF0E:
	case 0xFF1A: case 0xFF1B: case 0xFF01: case 0xFF1F:
		return PUNCT_LEFT;
	case 0x2018: case 0x201C:
		return PUNCT_OPENING;
	case 0x2019: case 0x201D:
		return PUNCT_CLOSING;
	default:
		return PUNCT_NONE;
	}
}

/* Whether the face's glyph for cp sits where mainland text wants it:
 * full width, and its ink's centre in the left 40% of the box (、。，…),
 * or in the right half (opening quotes) / left half (closing quotes). */
static int placed(const struct face *f, uint32_t cp, hb_codepoint_t gid)
{
	enum punct k = punct_kind(cp);
	hb_glyph_extents_t e;
	int64_t adv, mid;

	if (k == PUNCT_NONE)
		return 1;
	adv = hb_font_get_glyph_h_advance(f->font, gid);
	if (adv * 10 < (int64_t)f->upem * 9 || !hb_font_get_glyph_extents(f->font, gid, &e) ||
	    e.width <= 0)
		return 0;
	mid = (int64_t)e.x_bearing * 2 + e.width; /* twice the ink's centre */
	switch (k) {
	case PUNCT_LEFT:
		return mid * 5 <= adv * 4;
	case PUNCT_OPENING:
		return mid >= adv;
	default:
		return mid <= adv;
	}
}

/* What the face knows of a BMP code point, looked up once. */
static uint32_t glyph_info(const struct face *f, uint32_t cp)
{
	uint32_t v = f->bmp[cp], adv;
	hb_codepoint_t gid;
	int64_t a;

	if (v)
		return v;
	v = GLYPH_KNOWN;
	if (hb_font_get_nominal_glyph(f->font, cp, &gid)) {
		a = (int64_t)hb_font_get_glyph_h_advance(f->font, gid) * 1000 / f->upem;
		adv = a < 0 ? 0 : a > GLYPH_ADV ? GLYPH_ADV : (uint32_t)a;
		v |= GLYPH_HAS | adv;
		if (usable(f, cp, &gid))
			v |= GLYPH_USABLE | (placed(f, cp, gid) ? GLYPH_PLACED : 0);
	}
	f->bmp[cp] = v;
	return v;
}

int gaz_fontset_pick(const struct gaz_fontset *fs, enum gaz_font_role role, uint32_t cp)
{
	hb_codepoint_t gid;
	int i;

	/* Punctuation: the first face of the chain that places it as mainland
	 * text wants, else (below) the first that has it at all. */
	if (punct_kind(cp) != PUNCT_NONE)
		for (i = 0; i < fs->chain_len[role]; i++)
			if (glyph_info(&fs->faces[fs->chain[role][i]], cp) & GLYPH_PLACED)
				return fs->chain[role][i];
	for (i = 0; i < fs->chain_len[role]; i++) {
		const struct face *f = &fs->faces[fs->chain[role][i]];
		if (cp < 0x10000 ? (glyph_info(f, cp) & GLYPH_USABLE) != 0 : usable(f, cp, &gid))
			return fs->chain[role][i];
	}
	return -1;
}

int gaz_fontset_advance(const struct gaz_fontset *fs, int face, uint32_t cp)
{
	const struct face *f = &fs->faces[face];
	hb_codepoint_t gid;
	uint32_t v;

	if (cp < 0x10000) {
		v = glyph_info(f, cp);
		return v & GLYPH_HAS ? (int)(v & GLYPH_ADV) : 0;
	}
	if (!hb_font_get_nominal_glyph(f->font, cp, &gid))
		return 0;
	return (int)((int64_t)hb_font_get_glyph_h_advance(f->font, gid) * 1000 / f->upem);
}

void gaz_fontset_metrics(const struct gaz_fontset *fs, int face, struct gaz_font_metrics *m)
{
	const struct face *f = &fs->faces[face];
	hb_font_extents_t fe;
	hb_position_t cap = 0;
	hb_codepoint_t gid;
	hb_glyph_extents_t ge;
	unsigned len;
	const char *head;
	hb_blob_t *hb;

	memset(m, 0, sizeof *m);
	m->units_per_em = (int)f->upem;
	if (hb_font_get_h_extents(f->font, &fe)) {
		m->ascent = (int)((int64_t)fe.ascender * 1000 / f->upem);
		m->descent = (int)((int64_t)fe.descender * 1000 / f->upem);
	}
	if (!hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) || !cap) {
		/* No OS/2 sCapHeight: measure 'H', else a CJK ideograph's top. */
		if ((hb_font_get_nominal_glyph(f->font, 'H', &gid) ||
		     hb_font_get_nominal_glyph(f->font, 0x56FD, &gid)) &&
		    hb_font_get_glyph_extents(f->font, gid, &ge))
			cap = ge.y_bearing;
	}
	m->cap_height = (int)((int64_t)cap * 1000 / f->upem);
	/* head table: xMin yMin xMax yMax at offset 36 (int16 big-endian). */
	hb = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
	head = hb_blob_get_data(hb, &len);
	if (head && len >= 44) {
		int i;
		for (i = 0; i < 4; i++) {
			int16_t v = (int16_t)(((unsigned char)head[36 + 2 * i] << 8) |
					      (unsigned char)head[37 + 2 * i]);
			m->bbox[i] = (int)((int64_t)v * 1000 / f->upem);
		}
	}
	hb_blob_destroy(hb);
}
