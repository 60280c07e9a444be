/* Unit tests: font loading, fallback chain, metrics. */
#include "gazette/font.h"
#include "test.h"

int main(void)
{
	struct gaz_issue_config cfg = { 0 };
	struct gaz_fontset *fs = NULL;
	struct gaz_font_metrics m;
	int body, f;

	CHECK_EQ_INT(gaz_fontset_open(NULL, &fs), 0);
	if (!fs)
		return TEST_DONE();
	body = gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x4E2D); /* 中 */
	CHECK(body >= 0);
	CHECK_EQ_INT(gaz_fontset_advance(fs, body, 0x4E2D), 1000);
	f = gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x3000);
	CHECK(f >= 0);
	CHECK(gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0x4E2D) != body);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0xE000), -1); /* private use */
	/* Punctuation placed as mainland text wants it (font.c, "placed"):
	 * UMing centres 、。, so they come from WenQuanYi Zen Hei; WenQuanYi
	 * centres ，and has narrow quotes, UKai centres ，, so headings and
	 * 楷体 take them from UMing; what every face places alike stays. */
	CHECK(strstr(gaz_fontset_path(fs, body), "uming") != NULL);
	CHECK(strstr(gaz_fontset_path(fs, gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x3002)), "zenhei"));
	CHECK(strstr(gaz_fontset_path(fs, gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x3001)), "zenhei"));
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0xFF0C), body);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x201C), body);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0xFF0C), body);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0x201C), body);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0x201D), body);
	CHECK_EQ_INT(gaz_fontset_advance(fs, body, 0x201D), 1000);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_KAI, 0xFF0C), body);
	f = gaz_fontset_pick(fs, GAZ_ROLE_KAI, 0x4E2D);
	CHECK(strstr(gaz_fontset_path(fs, f), "ukai") != NULL);
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_KAI, 0x300A), f); /* 《 alike everywhere */
	CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0x3002),
		     gaz_fontset_pick(fs, GAZ_ROLE_HEADING, 0x4E2D));
	gaz_fontset_metrics(fs, body, &m);
	CHECK(m.ascent > 500 && m.descent < 0 && m.cap_height > 300);
	CHECK(m.bbox[2] > m.bbox[0]);
	gaz_fontset_free(fs);

	/* With no face that places it well, the glyph the chain has is used. */
	fs = NULL;
	cfg.font_body.value = "/usr/share/fonts/truetype/arphic/ukai.ttc";
	cfg.font_fallback.value = "/usr/share/fonts/truetype/arphic/ukai.ttc,2";
	CHECK_EQ_INT(gaz_fontset_open(&cfg, &fs), 0);
	if (fs) {
		CHECK_EQ_INT(gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x3002),
			     gaz_fontset_pick(fs, GAZ_ROLE_BODY, 0x4E2D));
		gaz_fontset_free(fs);
	}
	cfg.font_fallback.value = NULL;

	/* A configured font that does not exist is a clear error. */
	fs = NULL;
	cfg.font_body.value = "/nonexistent/font.ttf";
	CHECK_EQ_INT(gaz_fontset_open(&cfg, &fs), GAZ_EFONT);
	CHECK(fs == NULL);
	CHECK(strstr(gaz_errdetail(), "/nonexistent/font.ttf") != NULL);
	cfg.font_body.value = "/etc/passwd";
	CHECK_EQ_INT(gaz_fontset_open(&cfg, &fs), GAZ_EFONT);
	return TEST_DONE();
}
