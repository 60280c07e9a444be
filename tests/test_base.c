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
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"ab\xC0\xAF", 4, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(bad, 2); /* overlong '/' */
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"\xED\xA0\x80", 3, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_utf8_validate((const unsigned char *)"\xE5\x85", 2, &bad), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_utf8_decode((const unsigned char *)"〔", 3, &cp), 3);
	CHECK_EQ_INT(cp, 0x3014);
	CHECK_EQ_INT(gaz_utf8_count("公报ab", 8), 4);
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
	test_text();
	test_code();
	return TEST_DONE();
}
