/*
 * gazette/font.h — the fonts an issue is typeset with, their metrics, and
 * the fallback chain for characters a font lacks.
 *
 * A fontset holds a flat list of faces (a TrueType file or one face of a
 * TTC collection, loaded through HarfBuzz) and, for each typographic role,
 * an ordered chain of those faces.  The layout asks which face draws a
 * character in a role (the first face in the chain that has a usable glyph
 * for it) and how wide it is; the PDF writer later embeds, per face, a
 * subset with exactly the characters that were drawn with it.
 *
 * Defaults are Debian's CJK fonts (GB/T 9704 names their Chinese roles):
 *   body    仿宋 role  AR PL UMing CN   (fonts-arphic-uming)
 *   title   小标宋 role AR PL UMing CN
 *   heading 黑体 role  WenQuanYi Zen Hei (fonts-wqy-zenhei)
 *   kai     楷体 role  AR PL UKai CN    (fonts-arphic-ukai)
 * each followed by the 备用字体 fallbacks.  issue.conf may override every
 * role with "path" or "path,face-index" (正文字体, 标题字体, 黑体字体, 楷体字体,
 * 备用字体 — the last a comma/semicolon list of fallbacks).
 */
#ifndef GAZETTE_FONT_H
#define GAZETTE_FONT_H

#include "gazette/issue.h"

#ifdef __cplusplus
extern "C" {
#endif

enum gaz_font_role {
	GAZ_ROLE_BODY = 0,
	GAZ_ROLE_TITLE,
	GAZ_ROLE_HEADING,
	GAZ_ROLE_KAI,
	GAZ_ROLE_COUNT
};

#define GAZ_FONT_MAX_FACES 8
#define GAZ_FONT_FILE_MAX_BYTES (64u << 20)

struct gaz_fontset;

/* Opens the faces the config names (or the defaults).  A configured font
 * that cannot be read or parsed is GAZ_EFONT with the path in the detail;
 * nothing is returned half-built.  Free with gaz_fontset_free().  A fontset
 * caches its glyph look-ups as it is used: one thread at a time. */
int gaz_fontset_open(const struct gaz_issue_config *cfg, struct gaz_fontset **out);
void gaz_fontset_free(struct gaz_fontset *fs);

/* Number of faces, and for face i its file, TTC index and PostScript-ish
 * name (borrowed, valid while the fontset lives). */
int gaz_fontset_count(const struct gaz_fontset *fs);
const char *gaz_fontset_path(const struct gaz_fontset *fs, int face);
int gaz_fontset_index(const struct gaz_fontset *fs, int face);
const char *gaz_fontset_name(const struct gaz_fontset *fs, int face);
/* The whole font file's bytes (borrowed): for subsetting. */
const void *gaz_fontset_data(const struct gaz_fontset *fs, int face, size_t *len);

/* The face that draws cp in role: the first face of the role's chain with
 * a usable glyph (a face's known-bad glyphs, e.g. U+3000 drawn as a box in
 * AR PL UMing, do not count).  Returns the face id, or -1 if no face has
 * it (the caller reports the character). */
int gaz_fontset_pick(const struct gaz_fontset *fs, enum gaz_font_role role, uint32_t cp);

/* Horizontal advance of cp in face, in 1/1000 em (PDF glyph space).
 * 0 if the face lacks the glyph. */
int gaz_fontset_advance(const struct gaz_fontset *fs, int face, uint32_t cp);

/* Vertical metrics of a face in 1/1000 em (ascender positive, descender
 * negative), cap height, and the font bounding box. */
struct gaz_font_metrics {
	int ascent, descent, cap_height, bbox[4], units_per_em;
};
void gaz_fontset_metrics(const struct gaz_fontset *fs, int face, struct gaz_font_metrics *m);

/* The HarfBuzz font of a face (hb_font_t *, borrowed), for glyph outlines
 * (the watermark is drawn as paths, not text). */
void *gaz_fontset_hb_font(const struct gaz_fontset *fs, int face);

#ifdef __cplusplus
}
#endif
#endif
