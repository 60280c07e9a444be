/* Unit tests: buffers, bounded reader, UTF-8, text recognition, dates. */
#include "gazette/base.h"
#include "gazette/text.h"
#include "test.h"

#include <stdlib.h>

static void test_buf(void)
{
	struct gaz_buf b = GAZ_BUF_INIT(8);

	CHECK_EQ_INT(gaz_buf_addstr(&b, "1234"), 0);
	CHECK_EQ_INT(gaz_buf_printf(&b, "%d", 5678), 0);
	CHECK_STR(b.data, "12345678");
	CHECK_EQ_INT(gaz_buf_addc(&b, 'x'), GAZ_ETOOBIG);
	CHECK_EQ_INT(b.len, 8);
	gaz_buf_release(&b);
	gaz_buf_release(&b);
	size_t out;
	CHECK_EQ_INT(gaz_size_mul(SIZE_MAX / 2, 3, &out), GAZ_ETOOBIG);
	CHECK_EQ_INT(gaz_size_add(SIZE_MAX, 1, &out), GAZ_ETOOBIG);
}

static void test_rd(void)
{
	struct gaz_rd r;
	const unsigned char *l;
	size_t n;
	uint64_t v;

	gaz_rd_init(&r, "12345 99999999999999999999\r\nx", 29);
	CHECK_EQ_INT(gaz_rd_uint(&r, 10, 100000, &v), 0);
	CHECK_EQ_INT(v, 12345);
	CHECK_EQ_INT(gaz_rd_skip(&r, 1), 0);
	CHECK_EQ_INT(gaz_rd_uint(&r, 19, UINT64_MAX, &v), GAZ_ETOOBIG);
	gaz_rd_seek(&r, 6);
	CHECK_EQ_INT(gaz_rd_line(&r, &l, &n), 0);
	CHECK_EQ_INT(n, 20);
	CHECK_EQ_INT(gaz_rd_line(&r, &l, &n), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(gaz_rd_line(&r, &l, &n), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_rd_skip(&r, 1), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_parse_uint("0042", 4, 9999, &v), 0);
	CHECK_EQ_INT(gaz_parse_uint("42a", 3, 9999, &v), GAZ_EFORMAT);
}

static void test_utf8(void)
{
	size_t bad = 0;
	uint32_t cp;

	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"公报", 6, &bad), 0);
	/* repair: each invalid byte becomes U+FFFD, valid text stays */
	{
		char *r = gaz_utf8_repair("a\xff" "公\xE5\x85" "b\xED\xA0\x80");
		CHECK(r != NULL);
		if (r)
			CHECK_STR(r, "a\xEF\xBF\xBD" "公\xEF\xBF\xBD\xEF\xBF\xBD" "b"
				     "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
		free(r);
	}
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"ab\xC0\xAF", 4, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(bad, 2); /* overlong '/' */
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"\xED\xA0\x80", 3, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"\xE5\x85", 2, &bad), GAZ_EFORMAT);
	/* the text variant also refuses NUL: alone, inside an eight-byte
	 * ASCII run, after Han; the plain one accepts it */
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"abcdefgh\0ijklmnop", 17, &bad), 0);
	CHECK_EQ_INT(gaz_utf8_validate_text((const unsigned char *)"abcdefgh\0ijklmnop", 17, &bad),
		     GAZ_EFORMAT);
	CHECK_EQ_INT(bad, 8);
	CHECK_EQ_INT(gaz_utf8_validate_text((const unsigned char *)"\0", 1, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(gaz_utf8_validate_text((const unsigned char *)"公报\0", 7, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(bad, 6);
	CHECK_EQ_INT(gaz_utf8_validate_text((const unsigned char *)"Notice 公报 of 2023, é 😀", 30, &bad), 0);
	CHECK_EQ_INT(gaz_utf8_validate_text((const unsigned char *)"ab\xC0\xAF", 4, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_utf8_decode((const unsigned char *)"〔", 3, &cp), 3);
	CHECK_EQ_INT(cp, 0x3014);
	CHECK_EQ_INT(gaz_utf8_count("公报ab", 8), 4);
}

/* The validator checks bytes against table 3-7 directly; the decoder
 * builds scalar values.  They must accept exactly the same inputs and
 * report the same offset: compare them on every 1-, 2- and 3-byte input,
 * on 4-byte inputs over the boundary bytes, each after ASCII prefixes of
 * 0 to 9 bytes (the validator takes ASCII eight bytes at a time). */
static int ref_validate(const unsigned char *s, size_t n, size_t *bad)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (!(k = gaz_utf8_decode(s + i, n - i, &cp))) {
			*bad = i;
			return GAZ_EFORMAT;
		}
		i += k;
	}
	return 0;
}

static void utf8_same(const unsigned char *seq, size_t len, size_t *mismatches)
{
	unsigned char buf[16];
	size_t pre, b1, b2, n;
	int r1, r2;

	for (pre = 0; pre < 10; pre += 3) {
		memset(buf, 'a', pre);
		memcpy(buf + pre, seq, len);
		n = pre + len;
		b1 = b2 = 99;
		r1 = gaz_utf8_validate(buf, n, &b1);
		r2 = ref_validate(buf, n, &b2);
		if (r1 != r2 || (r1 && b1 != b2))
			(*mismatches)++;
	}
}

static void test_utf8_validate_same(void)
{
	static const unsigned char edge[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
					      0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xF0, 0xF4,
					      0xF5, 0xFF };
	unsigned char s[4];
	size_t mismatches = 0, a, b, c, d;

	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		utf8_same(s, 1, &mismatches);
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			utf8_same(s, 2, &mismatches);
			if (a < 0xC0)
				continue;
			for (c = 0; c < 256; c++) {
				s[2] = (unsigned char)c;
				utf8_same(s, 3, &mismatches);
				if (a < 0xF0 || ((c & 0xC0) != 0x80 && c != 0 && c != 0xC0))
					continue;
				for (d = 0; d < sizeof edge; d++) {
					s[3] = edge[d];
					utf8_same(s, 4, &mismatches);
				}
			}
		}
	}
	CHECK_EQ_INT(mismatches, 0);
}

static enum gaz_block_kind kind(const char *s) { return gaz_text_classify(s, strlen(s)); }

static void test_text(void)
{
	const char *s = "\xE3\x80\x80 正文 \xE3\x80\x80";
	size_t n = strlen(s);
	int y = 0;
	long d1, d2;

	gaz_text_trim(&s, &n);
	CHECK_EQ_INT(n, 6);
	CHECK_EQ_INT(kind("一、深入推进公开解读回应工作"), GAZ_BLK_H1);
	CHECK_EQ_INT(kind("十二、其他"), GAZ_BLK_H1);
	CHECK_EQ_INT(kind("（一）聚焦法治政府建设"), GAZ_BLK_H2);
	CHECK_EQ_INT(kind("(三)以行政法规"), GAZ_BLK_H2);
	CHECK_EQ_INT(kind("1.推进财政信息公开。"), GAZ_BLK_H3);
	CHECK_EQ_INT(kind("17.加强公报"), GAZ_BLK_H3);
	CHECK_EQ_INT(kind("2018年全市政务公开"), GAZ_BLK_PARA);
	CHECK_EQ_INT(kind("1.5万人参加"), GAZ_BLK_PARA);
	CHECK_EQ_INT(kind("（1）完善制度"), GAZ_BLK_H4);
	CHECK_EQ_INT(kind("附件：西充县2017年政务公开重点任务分解表"), GAZ_BLK_ATTACHMENT);
	CHECK_EQ_INT(kind("2018年7月19日"), GAZ_BLK_DATE);
	CHECK_EQ_INT(kind("二〇一八年七月十九日"), GAZ_BLK_DATE);
	CHECK_EQ_INT(kind("（此件公开发布）"), GAZ_BLK_NOTE);
	CHECK_EQ_INT(kind("渝府办发〔2018〕76号"), GAZ_BLK_DOCNO);
	CHECK(gaz_text_is_doc_number("鞍政办公开〔2023〕17号", strlen("鞍政办公开〔2023〕17号"), &y));
	CHECK_EQ_INT(y, 2023);
	CHECK(!gaz_text_is_doc_number("鞍政办公开[2023]17号", strlen("鞍政办公开[2023]17号"), NULL));
	CHECK(!gaz_text_is_doc_number("鞍政办公开〔2023〕017号", strlen("鞍政办公开〔2023〕017号"), NULL));
	CHECK(!gaz_text_is_doc_number("〔2023〕17号", strlen("〔2023〕17号"), NULL));
	CHECK(gaz_text_is_addressee("各乡、镇人民政府，县级各部门："));
	CHECK(!gaz_text_is_addressee("经研究，现通知如下。"));
	CHECK(gaz_text_is_short_label("重庆市人民政府办公厅"));
	CHECK_EQ_INT(gaz_text_parse_date("2024-02-29", &d1), 0);
	CHECK_EQ_INT(gaz_text_parse_date("2023-02-29", &d2), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_date("2023-13-01", &d2), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_date("2023-1-01", &d2), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_date("1970-01-02", &d2), 0);
	CHECK_EQ_INT(d2, 1);
}

static void test_code(void)
{
	char a[11], b[11], c[11];

	gaz_text_doc_code("鞍政办公开〔2023〕17号", "正文", 6, a);
	gaz_text_doc_code("鞍政办公开〔2023〕17号", "正文", 6, b);
	gaz_text_doc_code("鞍政办公开〔2023〕18号", "正文", 6, c);
	CHECK_EQ_INT(strlen(a), 10);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK(strspn(a, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 10);

	/* as typed from paper: case, I/L → 1, O → 0, spaces and hyphens */
	CHECK_EQ_INT(gaz_text_code_normalise("abcde-fghjk", b, sizeof b), 1);
	CHECK_STR(b, "ABCDEFGHJK");
	CHECK_EQ_INT(gaz_text_code_normalise(" oIl23 - 4567z ", b, sizeof b), 1);
	CHECK_STR(b, "011234567Z");
	CHECK_EQ_INT(gaz_text_code_normalise("0112345U7Z", b, sizeof b), 0);  /* U */
	CHECK_STR(b, "0112345U7Z");
	CHECK_EQ_INT(gaz_text_code_normalise("ABCDEFGHJ", b, sizeof b), 0);   /* 9 */
	CHECK_EQ_INT(gaz_text_code_normalise("ABCDEFGHJKM", b, sizeof b), 0); /* 11 */
	CHECK_STR(b, "ABCDEFGHJK");                                            /* capped */
	CHECK_EQ_INT(gaz_text_code_normalise("ABCDE\xE4\xB8\x80" "FGHJ", c, sizeof c), 0);
	CHECK_EQ_INT(gaz_text_code_normalise(a, c, sizeof c), 1);
	CHECK_STR(c, a);
}

static void test_hex(void)
{
	unsigned char b[3] = { 0x00, 0xAB, 0x7f }, o[3] = { 1, 2, 3 };
	char h[7];

	gaz_hex(b, 3, h);
	CHECK_STR(h, "00ab7f");
	CHECK_EQ_INT(gaz_unhex("00AB7F", o, 3), 0);
	CHECK(!memcmp(o, b, 3));
	CHECK_EQ_INT(gaz_unhex("00ab7", o, 3), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_unhex("00ab7g", o, 3), GAZ_EINVAL);
	CHECK(!memcmp(o, b, 3)); /* untouched on failure */
}

int main(void)
{
	test_hex();
	test_buf();
	test_rd();
	test_utf8();
	test_utf8_validate_same();
	test_text();
	test_code();
	return TEST_DONE();
}
