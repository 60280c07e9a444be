/* Request-target, Range and If-None-Match parsing: the bytes every client
 * controls. */
#include "gazette/http.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static int parse(const char *s, struct gaz_http_target *t)
{
	return gaz_http_target_parse(s, strlen(s), t);
}

static void good_targets(void)
{
	struct gaz_http_target t;

	CHECK_EQ_INT(parse("/", &t), 0);
	CHECK_EQ_INT(t.n_segs, 0);
	CHECK_EQ_INT(t.dir, 1);
	gaz_http_target_release(&t);

	CHECK_EQ_INT(parse("/issues/2023/7", &t), 0);
	CHECK_EQ_INT(t.n_segs, 3);
	CHECK_STR(t.seg[0], "issues");
	CHECK_STR(t.seg[2], "7");
	CHECK_EQ_INT(t.dir, 0);
	gaz_http_target_release(&t);

	CHECK_EQ_INT(parse("/issues/2023/", &t), 0);
	CHECK_EQ_INT(t.n_segs, 2);
	CHECK_EQ_INT(t.dir, 1);
	gaz_http_target_release(&t);

	/* 黔江府办发〔2018〕67号, percent-encoded as a browser sends it */
	CHECK_EQ_INT(parse("/docs/%E9%BB%94%E6%B1%9F%E5%BA%9C%E5%8A%9E%E5%8F%91"
			   "%E3%80%942018%E3%80%9567%E5%8F%B7", &t), 0);
	CHECK_STR(t.seg[1], "黔江府办发〔2018〕67号");
	gaz_http_target_release(&t);

	/* %2F stays inside its segment (索引号 hold slashes) */
	CHECK_EQ_INT(parse("/docs/11500114009130039C%2F2018-00979", &t), 0);
	CHECK_EQ_INT(t.n_segs, 2);
	CHECK_STR(t.seg[1], "11500114009130039C/2018-00979");
	gaz_http_target_release(&t);

	CHECK_EQ_INT(parse("/search?q=%E8%A7%84%E8%8C%83+%E6%96%87%E4%BB%B6&page=2&&x&status=", &t), 0);
	CHECK_EQ_INT(t.n_segs, 1);
	CHECK_EQ_INT(t.n_params, 4);
	CHECK_STR(gaz_http_target_param(&t, "q"), "规范 文件");
	CHECK_STR(gaz_http_target_param(&t, "page"), "2");
	CHECK_STR(gaz_http_target_param(&t, "x"), "");
	CHECK_STR(gaz_http_target_param(&t, "status"), "");
	CHECK(gaz_http_target_param(&t, "nope") == NULL);
	gaz_http_target_release(&t);

	/* raw UTF-8 is accepted when valid; '+' in a path is literal */
	CHECK_EQ_INT(parse("/docs/a+b", &t), 0);
	CHECK_STR(t.seg[1], "a+b");
	gaz_http_target_release(&t);
	CHECK_EQ_INT(parse("/?", &t), 0);
	CHECK_EQ_INT(t.n_params, 0);
	gaz_http_target_release(&t);
	/* a dot inside a name is fine */
	CHECK_EQ_INT(parse("/issues/2023/7.pdf", &t), 0);
	CHECK_STR(t.seg[2], "7.pdf");
	gaz_http_target_release(&t);
	CHECK_EQ_INT(parse("/a/...", &t), 0);
	gaz_http_target_release(&t);
	/* absolute-form */
	CHECK_EQ_INT(parse("http://example.org:8080/issues/2023?x=1", &t), 0);
	CHECK_EQ_INT(t.n_segs, 2);
	CHECK_STR(t.seg[1], "2023");
	CHECK_STR(gaz_http_target_param(&t, "x"), "1");
	gaz_http_target_release(&t);
}

static void bad_targets(void)
{
	static const char *const bad[] = {
		"", "issues", "*", "http://example", "http://example?x=/", "ftp://example/", "/a//b", "//", "/..", "/a/../b", "/a/./b",
		"/%2e%2e/etc/passwd", "/%2E", "/a/%2e%2E", "/%zz", "/%4", "/%", "/a%0", "/a%00b",
		"/q?x=%00", "/q?x=%0a", "/a%0d%0a", "/%7f", "/a b", "/a\tb", "/a#frag",
		"/a\\b", "/%C0%AF", "/%C0%AE%C0%AE/", "/%E0%80%AF", "/%ED%A0%80", "/%F4%90%80%80",
		"/%80", "/%C3", "/?q=%C3", "/?q=%zz", "/\x01", "/\x7f",
	};
	struct gaz_http_target t;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		int rc = parse(bad[i], &t);
		if (rc != GAZ_EFORMAT)
			fprintf(stderr, "accepted or misjudged: \"%s\" -> %d\n", bad[i], rc);
		CHECK_EQ_INT(rc, GAZ_EFORMAT);
	}
	/* a raw invalid UTF-8 byte in the path */
	CHECK_EQ_INT(gaz_http_target_parse("/\xC0\xAF", 3, &t), GAZ_EFORMAT);
	/* an embedded NUL in the raw target */
	CHECK_EQ_INT(gaz_http_target_parse("/a\0b", 4, &t), GAZ_EFORMAT);
}

static void caps(void)
{
	struct gaz_http_target t;
	char *big = malloc(GAZ_HTTP_TARGET_MAX + 2);
	char segs[256] = "", params[1024] = "/?";
	int i;

	memset(big, 'a', GAZ_HTTP_TARGET_MAX + 1);
	big[0] = '/';
	CHECK_EQ_INT(gaz_http_target_parse(big, GAZ_HTTP_TARGET_MAX + 1, &t), GAZ_ETOOBIG);
	CHECK_EQ_INT(gaz_http_target_parse(big, GAZ_HTTP_TARGET_MAX, &t), 0);
	gaz_http_target_release(&t);
	free(big);
	for (i = 0; i < GAZ_HTTP_SEGS_MAX + 1; i++)
		strcat(segs, "/x");
	CHECK_EQ_INT(parse(segs, &t), GAZ_ETOOBIG);
	for (i = 0; i < GAZ_HTTP_PARAMS_MAX + 1; i++)
		strcat(params, "a=1&");
	CHECK_EQ_INT(parse(params, &t), GAZ_ETOOBIG);
}

static void ranges(void)
{
	uint64_t a = 99, b = 99;

	CHECK_EQ_INT(gaz_http_range_parse("bytes=0-99", 1000, &a, &b), 0);
	CHECK_EQ_INT(a, 0);
	CHECK_EQ_INT(b, 99);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=900-", 1000, &a, &b), 0);
	CHECK_EQ_INT(a, 900);
	CHECK_EQ_INT(b, 999);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=-100", 1000, &a, &b), 0);
	CHECK_EQ_INT(a, 900);
	CHECK_EQ_INT(b, 999);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=-5000", 1000, &a, &b), 0);
	CHECK_EQ_INT(a, 0);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=10-5000", 1000, &a, &b), 0);
	CHECK_EQ_INT(b, 999);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=1-2 ", 1000, &a, &b), 0);
	CHECK_EQ_INT(gaz_http_range_parse("bytes = 1-2", 1000, &a, &b), GAZ_ENOTFOUND);
	/* unsatisfiable */
	CHECK_EQ_INT(gaz_http_range_parse("bytes=1000-", 1000, &a, &b), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=5000-6000", 1000, &a, &b), GAZ_EINVAL);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=-0", 1000, &a, &b), GAZ_EINVAL);
	/* ignored: whole body */
	CHECK_EQ_INT(gaz_http_range_parse("bytes=0-1,5-6", 1000, &a, &b), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_http_range_parse("items=0-1", 1000, &a, &b), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=5-1", 1000, &a, &b), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=-", 1000, &a, &b), GAZ_ENOTFOUND);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=x-1", 1000, &a, &b), GAZ_ENOTFOUND);
	/* positions past 2^64: an end is clamped, a start is past the end */
	CHECK_EQ_INT(gaz_http_range_parse("bytes=0-18446744073709551616", 1000, &a, &b), 0);
	CHECK_EQ_INT(a, 0);
	CHECK_EQ_INT(b, 999);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=5-99999999999999999999999999", 1000, &a, &b), 0);
	CHECK_EQ_INT(b, 999);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=-99999999999999999999", 1000, &a, &b), 0);
	CHECK_EQ_INT(a, 0);
	CHECK_EQ_INT(b, 999);
	CHECK_EQ_INT(gaz_http_range_parse("bytes=99999999999999999999-", 1000, &a, &b),
		     GAZ_EINVAL);
	CHECK_EQ_INT(gaz_http_range_parse(NULL, 1000, &a, &b), GAZ_ENOTFOUND);
}

static void etags(void)
{
	const char *e = "\"sha256-ab\"";

	CHECK(gaz_http_etag_match("\"sha256-ab\"", e));
	CHECK(gaz_http_etag_match("W/\"sha256-ab\"", e));
	CHECK(gaz_http_etag_match("\"x\", \"sha256-ab\"", e));
	CHECK(gaz_http_etag_match("*", e));
	CHECK(!gaz_http_etag_match("\"sha256-abc\"", e));
	CHECK(!gaz_http_etag_match("sha256-ab", e));
	CHECK(!gaz_http_etag_match("", e));
	CHECK(!gaz_http_etag_match(NULL, e));

	/* If-Match: strong comparison */
	CHECK(gaz_http_etag_match_strong("\"sha256-ab\"", e));
	CHECK(gaz_http_etag_match_strong("\"x\", \"sha256-ab\"", e));
	CHECK(gaz_http_etag_match_strong("*", e));
	CHECK(!gaz_http_etag_match_strong("W/\"sha256-ab\"", e));
	CHECK(!gaz_http_etag_match_strong("\"sha256-00\"", e));
	CHECK(!gaz_http_etag_match_strong(NULL, e));

	/* If-Range: one strong tag; dates never match (no Last-Modified sent) */
	CHECK(gaz_http_if_range("\"sha256-ab\"", e));
	CHECK(gaz_http_if_range(" \"sha256-ab\" ", e));
	CHECK(!gaz_http_if_range("\"sha256-00\"", e));
	CHECK(!gaz_http_if_range("W/\"sha256-ab\"", e));
	CHECK(!gaz_http_if_range("\"x\", \"sha256-ab\"", e));
	CHECK(!gaz_http_if_range("*", e));
	CHECK(!gaz_http_if_range("Sat, 21 Nov 2026 10:00:00 GMT", e));
	CHECK(!gaz_http_if_range("", e));
	CHECK(!gaz_http_if_range(NULL, e));
}

int main(void)
{
	good_targets();
	bad_targets();
	caps();
	ranges();
	etags();
	return TEST_DONE();
}
