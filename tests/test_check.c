/* Unit tests of `gazette check`: the privacy scanner, the byte-level line
 * checks of the parser, config rules and document rules. */
#include "gazette/issue.h"
#include "gazette/privacy.h"
#include "gazette/text.h"
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

/* ---- privacy -------------------------------------------------------- */

struct hits {
	struct gaz_pii v[8];
	size_t n;
};

static int collect(void *arg, const struct gaz_pii *hit)
{
	struct hits *h = arg;

	if (h->n < 8)
		h->v[h->n] = *hit;
	h->n++;
	return 0;
}

static struct hits scan(const char *s)
{
	struct hits h;

	memset(&h, 0, sizeof h);
	gaz_privacy_scan(s, strlen(s), collect, &h);
	return h;
}

static void test_id18(void)
{
	/* GB 11643's own example; the check character is X. */
	CHECK_EQ_INT(gaz_privacy_id18_check("11010519491231002X"), 'X');
	CHECK(gaz_privacy_id18_valid("11010519491231002X"));
	CHECK(gaz_privacy_id18_valid("11010519491231002x"));
	CHECK(!gaz_privacy_id18_valid("110105194912310021")); /* wrong check digit */
	CHECK_EQ_INT(gaz_privacy_id18_check("11010519800101123"), '8');
	CHECK(gaz_privacy_id18_valid("110105198001011238"));
	CHECK(!gaz_privacy_id18_valid("110105198001011237"));
	CHECK(!gaz_privacy_id18_valid("11010519800101123X"));
	/* Region 99 does not exist: not an ID even with a correct check digit. */
	{
		char id[19] = "99010519800101123";
		id[17] = gaz_privacy_id18_check(id);
		id[18] = '\0';
		CHECK(!gaz_privacy_id18_valid(id));
		memcpy(id, "11", 2); /* same number in Beijing, check digit redone */
		id[17] = gaz_privacy_id18_check(id);
		CHECK(gaz_privacy_id18_valid(id));
	}
	/* 1980-02-30 is no date (check digit computed for it). */
	{
		char id[19] = "11010519800230123";
		id[17] = gaz_privacy_id18_check(id);
		id[18] = '\0';
		CHECK(!gaz_privacy_id18_valid(id));
	}
	/* GB 11643's other example is born in 1880: outside 1900–2099. */
	CHECK_EQ_INT(gaz_privacy_id18_check("44052418800101001"), '4');
	CHECK(!gaz_privacy_id18_valid("440524188001010014"));
	CHECK_EQ_INT(gaz_privacy_id18_check("1101051980010112a"), 0);
}

static void test_scan(void)
{
	struct hits h;

	h = scan("身份证号110105198001011238。");
	CHECK_EQ_INT(h.n, 1);
	CHECK_EQ_INT(h.v[0].kind, GAZ_PII_ID18);
	CHECK_STR(h.v[0].masked, "110105********1238");
	CHECK_EQ_INT(h.v[0].col, 5);
	CHECK_EQ_INT(h.v[0].off, 12);
	CHECK_EQ_INT(h.v[0].len, 18);

	h = scan("证件11010519491231002x号");
	CHECK_EQ_INT(h.n, 1);
	CHECK_STR(h.v[0].masked, "110105********002X");
	CHECK_EQ_INT(h.v[0].len, 18);

	/* Full-width digits. */
	h = scan("１１０１０５１９８００１０１１２３８");
	CHECK_EQ_INT(h.n, 1);
	CHECK_STR(h.v[0].masked, "110105********1238");

	/* Invalid check digit, longer runs, glued letters: nothing. */
	CHECK_EQ_INT(scan("110105198001011237").n, 0);
	CHECK_EQ_INT(scan("1110105198001011238").n, 0);
	CHECK_EQ_INT(scan("1101051980010112381").n, 0);
	CHECK_EQ_INT(scan("A110105198001011238").n, 0);
	CHECK_EQ_INT(scan("110105198001011238B").n, 0);
	CHECK_EQ_INT(scan("11010519491231002XY").n, 0);
	/* Found by fuzz_privacy: an ID15 hit's masked tail "138" must not join
	 * the following "-0013-8000" into a mobile number after redaction. */
	CHECK_EQ_INT(scan("615800******138-0013-8000").n, 0);
	CHECK_EQ_INT(scan("*13912345678").n, 0);

	/* 15-digit first-generation numbers. */
	h = scan("旧证110105800101123。");
	CHECK_EQ_INT(h.n, 1);
	CHECK_EQ_INT(h.v[0].kind, GAZ_PII_ID15);
	CHECK_STR(h.v[0].masked, "110105******123");
	CHECK_EQ_INT(scan("110105801301123").n, 0); /* month 13 */
	CHECK_EQ_INT(scan("990105800101123").n, 0); /* region 99 */

	/* Mobile numbers. */
	h = scan("手机：13912345678");
	CHECK_EQ_INT(h.n, 1);
	CHECK_EQ_INT(h.v[0].kind, GAZ_PII_MOBILE);
	CHECK_STR(h.v[0].masked, "139****5678");
	CHECK_EQ_INT(h.v[0].col, 4);
	h = scan("电话138-0013-8000或138 0013 8001，+8615800001111");
	CHECK_EQ_INT(h.n, 3);
	CHECK_STR(h.v[0].masked, "138****8000");
	CHECK_EQ_INT(h.v[0].len, 13);
	CHECK_STR(h.v[1].masked, "138****8001");
	CHECK_STR(h.v[2].masked, "158****1111");
	CHECK_EQ_INT(scan("12912345678").n, 0);   /* 12x is no mobile prefix */
	CHECK_EQ_INT(scan("139123456789").n, 0);  /* 12 digits */
	CHECK_EQ_INT(scan("0139123456789").n, 0);
	CHECK_EQ_INT(scan("138-0013 8000").n, 0); /* mixed separators */
	CHECK_EQ_INT(scan("8613912345678").n, 0); /* 86… without '+' */

	/* Numbers of the corpus that are not personal data. */
	CHECK_EQ_INT(scan("成文日期：2018-07-19，黔江府办发〔2018〕67号").n, 0);
	CHECK_EQ_INT(scan("11500114009130039C/2018-00979").n, 0);
	CHECK_EQ_INT(scan("112103000012345678/2023-00017").n, 0);
	CHECK_EQ_INT(scan("11220100MB1533208X/2020-00057").n, 0);
	CHECK_EQ_INT(scan("电话：010-12345678，12345热线").n, 0);
	CHECK_EQ_INT(scan("2023年9月底前，不低于50%").n, 0);
	CHECK_EQ_INT(scan("").n, 0);
	/* Invalid UTF-8 around a number does not hide it. */
	CHECK_EQ_INT(gaz_privacy_count("\xff" "13912345678" "\xc3", 13), 1);
}

static void test_redact(void)
{
	const char *s = "张某，身份证110105198001011238，手机13912345678。";
	char *out = NULL;
	size_t n = 0;

	CHECK_EQ_INT(gaz_privacy_redact(s, strlen(s), 1024, &out, &n), 0);
	CHECK_STR(out, "张某，身份证110105********1238，手机139****5678。");
	CHECK_EQ_INT(n, strlen(out));
	free(out);
	out = NULL;
	CHECK_EQ_INT(gaz_privacy_redact(s, strlen(s), 10, &out, &n), GAZ_ETOOBIG);
	CHECK(out == NULL);
	CHECK_EQ_INT(gaz_privacy_redact("", 0, 10, &out, &n), 0);
	CHECK_STR(out, "");
	free(out);
}

/* ---- parsing and checking in memory ------------------------------------ */

static const char conf_ok[] =
	"刊名：政府公报\n年份：2023\n期号：7\n总期号：146\n出版日期：2023-07-31\n"
	"栏目：政府办公室文件\n网址：https://gazette.example.gov.cn\n"
	"水印透明度：0.08\n水印角度：30\n";

static const char doc_ok[] =
	"索引号：112103000012345678/2023-00017\n"
	"发文字号：鞍政办公开〔2023〕17号\n"
	"文件标题：鞍山市关于持续深化政务公开的方案\n"
	"发布机构：鞍山市人民政府办公室\n"
	"成文日期：2023-07-03\n"
	"发布日期：2023-07-04\n"
	"有效性：有效\n"
	"栏目：政府办公室文件\n"
	"\n"
	"各县（市）区人民政府，市政府各部门：\n"
	"现将当前重点工作任务分解如下。\n"
	"鞍山市人民政府办公室\n"
	"2023年7月3日\n";

struct run {
	struct gaz_issue is;
	struct gaz_diags d;
	int rc;
};

/* Parses conf and one document (given as bytes) and checks them. */
static void run(struct run *r, const char *conf, const char *doc, size_t doclen)
{
	memset(r, 0, sizeof *r);
	r->is.dir = strdup(".");
	CHECK_EQ_INT(gaz_config_parse("issue.conf", conf, strlen(conf), &r->is.cfg, &r->d), 0);
	r->is.docs = calloc(1, sizeof *r->is.docs);
	r->is.n_docs = 1;
	CHECK_EQ_INT(gaz_doc_parse("dir/01.txt", doc, doclen, &r->is.docs[0], &r->d), 0);
	r->rc = gaz_issue_check(&r->is, &r->d);
}

static void done(struct run *r)
{
	gaz_doc_release(&r->is.docs[0]);
	free(r->is.docs);
	gaz_config_release(&r->is.cfg);
	free(r->is.dir);
	gaz_diags_release(&r->d);
}

/* Number of diagnostics at (line, col: -1 = any) of field with severity sev
 * whose message contains msg. */
static int count(const struct run *r, int line, int col, const char *field,
		 enum gaz_severity sev, const char *msg)
{
	size_t i;
	int c = 0;

	for (i = 0; i < r->d.n; i++) {
		const struct gaz_diag *x = &r->d.v[i];
		if (x->line == line && (col < 0 || x->col == col) && x->sev == sev &&
		    x->field && !strcmp(x->field, field) && strstr(x->msg, msg))
			c++;
	}
	return c;
}

static void dump(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->d.n; i++)
		fprintf(stderr, "  %s:%d:%d: %s: %s: %s\n", r->d.v[i].file ? r->d.v[i].file : "",
			r->d.v[i].line, r->d.v[i].col, r->d.v[i].field ? r->d.v[i].field : "",
			r->d.v[i].sev == GAZ_SEV_ERROR ? "error" : "warning", r->d.v[i].msg);
}

#define E GAZ_SEV_ERROR
#define W GAZ_SEV_WARNING

/* One document with `from` replaced by `to`. */
static char *doc_with(const char *from, const char *to)
{
	const char *p = strstr(doc_ok, from);
	size_t a, b, c;
	char *s;

	if (!p)
		return NULL;
	a = (size_t)(p - doc_ok);
	b = strlen(to);
	c = strlen(p + strlen(from));
	s = malloc(a + b + c + 1);
	memcpy(s, doc_ok, a);
	memcpy(s + a, to, b);
	memcpy(s + a + b, p + strlen(from), c + 1);
	return s;
}

/* Runs the standard config with a document edited, expects one diagnostic. */
static void expect_doc(int where, const char *from, const char *to, int line, int col,
		       const char *field, enum gaz_severity sev, const char *msg)
{
	char *doc = doc_with(from, to);
	struct run r;

	CHECK(doc != NULL);
	if (!doc)
		return;
	run(&r, conf_ok, doc, strlen(doc));
	if (count(&r, line, col, field, sev, msg) != 1) {
		fprintf(stderr, "line %d: expected %s:%d:%d %s \"%s\", got:\n", where,
			field, line, col, sev == E ? "error" : "warning", msg);
		dump(&r);
		CHECK(0);
	}
	/* Parser errors are in d; the check's own verdict is rc. */
	CHECK_EQ_INT(r.d.n_errors > 0, sev == E);
	if (!r.d.n_errors)
		CHECK_EQ_INT(r.rc, 0);
	done(&r);
	free(doc);
}

/* The standard document with the config edited. */
static void expect_conf(int where, const char *conf, int line, const char *field,
			enum gaz_severity sev, const char *msg)
{
	struct run r;

	run(&r, conf, doc_ok, strlen(doc_ok));
	if (count(&r, line, -1, field, sev, msg) != 1) {
		fprintf(stderr, "line %d: expected issue.conf:%d %s %s \"%s\", got:\n", where,
			line, field, sev == E ? "error" : "warning", msg);
		dump(&r);
		CHECK(0);
	}
	done(&r);
}

static char *conf_with(const char *from, const char *to)
{
	const char *p = strstr(conf_ok, from);
	size_t a = (size_t)(p - conf_ok), b = strlen(to), c = strlen(p + strlen(from));
	char *s = malloc(a + b + c + 1);

	memcpy(s, conf_ok, a);
	memcpy(s + a, to, b);
	memcpy(s + a + b, p + strlen(from), c + 1);
	return s;
}

static void conf_case(int where, const char *from, const char *to, int line,
		      const char *field, enum gaz_severity sev, const char *msg)
{
	char *c = conf_with(from, to);

	expect_conf(where, c, line, field, sev, msg);
	free(c);
}

static void conf_ok_case(int where, const char *from, const char *to)
{
	char *c = conf_with(from, to);
	struct run r;

	run(&r, c, doc_ok, strlen(doc_ok));
	if (r.d.n) {
		fprintf(stderr, "line %d: expected no diagnostic, got:\n", where);
		dump(&r);
	}
	CHECK_EQ_INT(r.d.n, 0);
	done(&r);
	free(c);
}

static void test_clean(void)
{
	struct run r;

	run(&r, conf_ok, doc_ok, strlen(doc_ok));
	if (r.d.n)
		dump(&r);
	CHECK_EQ_INT(r.d.n, 0);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_EQ_INT(r.is.cfg.year_n, 2023);
	CHECK_EQ_INT(r.is.cfg.number_n, 7);
	CHECK_EQ_INT(r.is.cfg.cumulative_n, 146);
	CHECK(r.is.cfg.opacity > 0.0799 && r.is.cfg.opacity < 0.0801);
	CHECK(r.is.cfg.angle > 29.99 && r.is.cfg.angle < 30.01);
	CHECK_STR(r.is.docs[0].name, "01.txt");
	CHECK_EQ_INT(r.is.docs[0].n_blocks, 4);
	CHECK_EQ_INT(r.is.docs[0].body_line, 10);
	CHECK_EQ_INT(r.is.docs[0].final_newline, 1);
	CHECK_EQ_INT(r.is.docs[0].doc_no.col, 6);
	done(&r);
}

static void test_config_rules(void)
{
	conf_case(__LINE__, "年份：2023", "年份：abc", 2, "年份", E, "not a whole number");
	conf_case(__LINE__, "年份：2023", "年份：1900", 2, "年份", E, "from 1949 to 2100");
	conf_case(__LINE__, "年份：2023", "年份：", 2, "年份", E, "required field is empty");
	conf_case(__LINE__, "期号：7", "期号：0", 3, "期号", E, "from 1 to 366");
	conf_case(__LINE__, "期号：7", "期号：367", 3, "期号", E, "from 1 to 366");
	conf_case(__LINE__, "期号：7", "期号：-1", 3, "期号", E, "not a whole number");
	conf_case(__LINE__, "总期号：146", "总期号：5", 4, "总期号", E, "less than 期号 7");
	conf_case(__LINE__, "总期号：146", "总期号：1000000", 4, "总期号", E, "from 1 to 999999");
	conf_case(__LINE__, "总期号：146\n", "", 1, "总期号", E, "required field missing");
	conf_case(__LINE__, "出版日期：2023-07-31", "出版日期：2023-02-29", 5, "出版日期", E,
		  "not a real date");
	conf_case(__LINE__, "出版日期：2023-07-31", "出版日期：2024-02-29", 5, "出版日期", E,
		  "not in 年份 2023");
	conf_case(__LINE__, "出版日期：2023-07-31", "出版日期：2023-7-31", 5, "出版日期", E,
		  "not a real date");
	conf_case(__LINE__, "水印透明度：0.08", "水印透明度：1.01", 8, "水印透明度", E,
		  "from 0 to 1");
	conf_case(__LINE__, "水印透明度：0.08", "水印透明度：-0.1", 8, "水印透明度", E,
		  "from 0 to 1");
	conf_case(__LINE__, "水印透明度：0.08", "水印透明度：.5", 8, "水印透明度", E,
		  "from 0 to 1");
	conf_case(__LINE__, "水印透明度：0.08", "水印透明度：0,5", 8, "水印透明度", E,
		  "from 0 to 1");
	conf_case(__LINE__, "水印角度：30", "水印角度：90.5", 9, "水印角度", E, "from -90 to 90");
	conf_case(__LINE__, "水印角度：30", "水印角度：-91", 9, "水印角度", E, "from -90 to 90");
	conf_case(__LINE__, "水印角度：30", "水印角度：30度", 9, "水印角度", E, "from -90 to 90");
	conf_ok_case(__LINE__, "水印角度：30", "水印角度：-90");
	conf_ok_case(__LINE__, "水印透明度：0.08", "水印透明度：1");
	conf_ok_case(__LINE__, "水印透明度：0.08", "水印透明度：0");
	conf_ok_case(__LINE__, "https://gazette.example.gov.cn", "http://127.0.0.1:8080/gazette/");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "ftp://x.cn", 7, "网址", E,
		  "not an http:// or https:// URL");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "https://", 7, "网址", E,
		  "not an http");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "https://a b.cn", 7, "网址", E,
		  "not an http");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "javascript:alert(1)", 7, "网址",
		  E, "not an http");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "https://a.cn:0/", 7, "网址", E,
		  "not an http");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "https://a.cn:99999", 7, "网址", E,
		  "not an http");
	conf_case(__LINE__, "https://gazette.example.gov.cn", "https://政府.cn", 7, "网址", E,
		  "not an http");
	conf_case(__LINE__, "栏目：政府办公室文件\n", "栏目：政府办公室文件\n栏目：政府办公室文件\n", 7,
		  "栏目", E, "repeated (first on line 6)");
	conf_case(__LINE__, "栏目：政府办公室文件\n", "栏目：政府办公室文件\n栏目：\n", 7, "栏目", E,
		  "empty section name");
	conf_case(__LINE__, "栏目：政府办公室文件\n", "栏目：政府办公室文件\n栏目：部门文件\n", 7, "栏目",
		  W, "has no document");
	conf_case(__LINE__, "栏目：政府办公室文件\n", "", 0, "栏目", E, "no 栏目");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n正文字体：no/such.ttf\n", 2,
		  "正文字体", E, "cannot read font file no/such.ttf");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n标题字体：/dev/null\n", 2,
		  "标题字体", E, "not a regular file");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n楷体字体：test_check.c,0\n", 2,
		  "楷体字体", E, "test_check.c is not a TrueType/OpenType font");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n电话：13912345678\n", 2, "电话",
		  E, "mobile phone number 139****5678");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n刊名：又一个\n", 2, "刊名", E,
		  "repeated (first given on line 1)");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n页数：9\n", 2, "页数", W,
		  "unknown key");
	conf_case(__LINE__, "刊名：政府公报\n", "刊名：政府公报\n无冒号的一行\n", 2, "config", E,
		  "expected 键：值");
	conf_case(__LINE__, "刊名：政府公报", "刊名：政府\x01公报", 1, "刊名", E,
		  "control character U+0001");
	{
		/* Collections and faces, with made-up font headers. */
		char dir[] = "/tmp/gazette-test-fontXXXXXX", a[64], b[64], conf[256];
		static const unsigned char ttc2[12] = { 't', 't', 'c', 'f', 0, 1, 0, 0, 0, 0, 0, 2 };
		static const unsigned char ttf[12] = { 0, 1, 0, 0 };
		FILE *f;
		CHECK(mkdtemp(dir) != NULL);
		snprintf(a, sizeof a, "%s/two.ttc", dir);
		snprintf(b, sizeof b, "%s/one.ttf", dir);
		if ((f = fopen(a, "wb"))) {
			fwrite(ttc2, 1, sizeof ttc2, f);
			fclose(f);
		}
		if ((f = fopen(b, "wb"))) {
			fwrite(ttf, 1, sizeof ttf, f);
			fclose(f);
		}
		snprintf(conf, sizeof conf, "水印角度：30\n正文字体：%s,1\n标题字体： %s \n", a, b);
		conf_ok_case(__LINE__, "水印角度：30", conf);
		snprintf(conf, sizeof conf, "水印角度：30\n正文字体：%s,2", a);
		conf_case(__LINE__, "水印角度：30", conf, 10, "正文字体", E, "has 2 faces: no face 2");
		snprintf(conf, sizeof conf, "水印角度：30\n标题字体：%s,1", b);
		conf_case(__LINE__, "水印角度：30", conf, 10, "标题字体", E, "single font: face 1");
		snprintf(conf, sizeof conf, "水印角度：30\n备用字体：%s,0;%s|nowhere.ttf", a, b);
		conf_case(__LINE__, "水印角度：30", conf, 10, "备用字体", E,
			  "cannot read font file nowhere.ttf");
		conf_case(__LINE__, "水印角度：30", "水印角度：30\n正文字体： ,0", 10, "正文字体", E,
			  "empty font path");
		unlink(a);
		unlink(b);
		rmdir(dir);
	}
	{
		/* A real font file, when Debian's is installed. */
		const char *f = "/usr/share/fonts/truetype/arphic/uming.ttc";
		if (!access(f, R_OK))
			conf_ok_case(__LINE__, "水印角度：30", "水印角度：30\n正文字体：/usr/share/fonts/truetype/arphic/uming.ttc,0");
	}
}

/* Quotation and book-title marks that do not pair up on their line. */
static void test_pairs(void)
{
	expect_doc(__LINE__, "现将当前", "现将”六稳”当前", 11, 3, "正文", W,
		   "'”' closes nothing before it on this line");
	expect_doc(__LINE__, "现将当前", "现将“六稳当前", 11, 3, "正文", W,
		   "'“' is not closed on this line");
	expect_doc(__LINE__, "现将当前", "现将《方案当前", 11, 3, "正文", W,
		   "'《' is not closed on this line");
	expect_doc(__LINE__, "现将当前", "现将‘六稳’’当前", 11, 7, "正文", W,
		   "'’' closes nothing before it");
	expect_doc(__LINE__, "关于持续", "关于”持续", 3, 11, "文件标题", W,
		   "'”' closes nothing before it");
}

static void test_line_bytes(void)
{
	/* C0, DEL, C1, U+FFFD, bidi overrides/isolates, line separator. */
	expect_doc(__LINE__, "现将当前", "现将\x01当前", 11, 3, "正文", E, "control character U+0001");
	expect_doc(__LINE__, "现将当前", "现将\x7f当前", 11, 3, "正文", E, "control character U+007F");
	expect_doc(__LINE__, "现将当前", "现将\xc2\x85当前", 11, 3, "正文", E,
		   "control character U+0085");
	expect_doc(__LINE__, "现将当前", "现将\xe2\x80\xa8当前", 11, 3, "正文", E,
		   "control character U+2028");
	expect_doc(__LINE__, "现将当前", "现将\r当前", 11, 3, "正文", E, "control character U+000D");
	expect_doc(__LINE__, "现将当前", "现将\xef\xbf\xbf当前", 11, 3, "正文", E, "noncharacter U+FFFF");
	expect_doc(__LINE__, "现将当前", "现将\xef\xb7\x90当前", 11, 3, "正文", E, "noncharacter U+FDD0");
	expect_doc(__LINE__, "现将当前", "现将\xf0\x9f\xbf\xbe当前", 11, 3, "正文", E, "noncharacter U+1FFFE");
	/* both on one line: each kind reported, counted and placed on its own */
	expect_doc(__LINE__, "现将当前", "现将\x01\x02当\xef\xbf\xbf前", 11, 3, "正文", E,
		   "control character U+0001 (2 on this line)");
	expect_doc(__LINE__, "现将当前", "现将\x01\x02当\xef\xbf\xbf前", 11, 6, "正文", E,
		   "noncharacter U+FFFF (1 on this line)");
	expect_doc(__LINE__, "现将当前", "现将\xef\xbf\xbd当前", 11, 3, "正文", E, "U+FFFD");
	expect_doc(__LINE__, "现将当前", "现将\xe2\x80\xae当前", 11, 3, "正文", E,
		   "bidirectional control U+202E");
	expect_doc(__LINE__, "现将当前", "现将\xe2\x81\xa7当前", 11, 3, "正文", E,
		   "bidirectional control U+2067");
	expect_doc(__LINE__, "现将当前", "现将\xe2\x80\x8b当前", 11, 3, "正文", W,
		   "zero-width character U+200B");
	expect_doc(__LINE__, "〔2023〕17号", "〔2023〕1\xe2\x80\x8d" "7号", 2, 18, "发文字号", E,
		   "zero-width character U+200D");
	expect_doc(__LINE__, "/2023-00017", "/2023-\xef\xbb\xbf" "00017", 1, 29, "索引号", E,
		   "zero-width character U+FEFF");
	expect_doc(__LINE__, "鞍山市关于", "鞍山市\x1b关于", 3, 9, "文件标题", E,
		   "control character U+001B");
	/* Invalid UTF-8: overlong, lone continuation, surrogate. */
	expect_doc(__LINE__, "现将当前", "现将\xc0\xaf当前", 11, 3, "正文", E, "invalid UTF-8 (2 bad");
	expect_doc(__LINE__, "现将当前", "现将\x80当前", 11, 3, "正文", E, "invalid UTF-8 (1 bad");
	expect_doc(__LINE__, "现将当前", "现将\xed\xa0\x80当前", 11, 3, "正文", E, "invalid UTF-8");
	/* Tabs and CRLF line ends are fine. */
	{
		struct run r;
		const char *d = "发文字号：鞍政办公开〔2023〕17号\r\n文件标题：标题\r\n发布机构：某机构\r\n"
				"成文日期：2023-07-03\r\n发布日期：2023-07-04\r\n有效性：有效\r\n"
				"栏目：政府办公室文件\r\n\r\n第一段\t内容。\r\n";
		run(&r, conf_ok, d, strlen(d));
		if (r.d.n)
			dump(&r);
		CHECK_EQ_INT(r.d.n, 0);
		done(&r);
	}
}

static void test_doc_rules(void)
{
	expect_doc(__LINE__, "有效性：有效", "有效性：", 7, 0, "有效性", W, "missing");
	expect_doc(__LINE__, "有效性：有效\n", "", 1, 0, "有效性", W, "missing");
	expect_doc(__LINE__, "有效性：有效", "有效性：作废", 7, 0, "有效性", E, "not one of");
	{
		char *doc = doc_with("有效性：有效", "有效性：已修改");
		struct run r;
		run(&r, conf_ok, doc, strlen(doc));
		CHECK_EQ_INT(r.d.n, 0);
		done(&r);
		free(doc);
	}
	expect_doc(__LINE__, "112103000012345678/2023", "1121030000/2023", 1, 0, "索引号", E,
		   "not of the form CODE/YYYY-NNNNN");
	expect_doc(__LINE__, "/2023-00017", "/2023", 1, 0, "索引号", E, "not of the form");
	expect_doc(__LINE__, "〔2023〕17号", "〔2022〕17号", 2, 0, "发文字号", W,
		   "year 〔2022〕 differs from 成文日期 2023-07-03");
	expect_doc(__LINE__, "〔2023〕17号", "[2023]17号", 2, 0, "发文字号", E, "not of the form");
	expect_doc(__LINE__, "〔2023〕17号", "〔2023〕017号", 2, 0, "发文字号", E, "not of the form");
	expect_doc(__LINE__, "发布日期：2023-07-04", "发布日期：2023-08-01", 6, 0, "发布日期", E,
		   "after the issue's 出版日期 2023-07-31");
	expect_doc(__LINE__, "发布日期：2023-07-04", "发布日期：2023-07-02", 6, 0, "发布日期", E,
		   "before 成文日期");
	expect_doc(__LINE__, "成文日期：2023-07-03", "成文日期：2023-02-30", 5, 0, "成文日期", E,
		   "not a real date");
	expect_doc(__LINE__, "栏目：政府办公室文件\n\n", "栏目：部门文件\n\n", 8, 0, "栏目", E,
		   "not a 栏目 of issue.conf");
	expect_doc(__LINE__, "发布机构：鞍山市人民政府办公室\n", "", 1, 0, "发布机构", E,
		   "required field missing");
	expect_doc(__LINE__, "发布机构：鞍山市人民政府办公室", "发布机构：鞍山市人民政府办公室\n发布机构：又一个",
		   5, 0, "发布机构", E, "repeated (first given on line 4)");
	/* Half-width punctuation, with its column. */
	expect_doc(__LINE__, "现将当前重点", "现将当前,重点", 11, 5, "正文", W,
		   "half-width ',' next to Chinese text: write '，' (1 half-width mark");
	expect_doc(__LINE__, "现将当前重点", "现将(当前)重点:", 11, 3, "正文", W,
		   "half-width '(' next to Chinese text: write '（' (3 half-width marks");
	expect_doc(__LINE__, "的方案", "的方案?", 3, 22, "文件标题", W, "half-width '?'");
	/* Privacy in the header and the body, masked. */
	expect_doc(__LINE__, "现将当前", "身份证号110105198001011238，现将当前", 11, 5, "正文", E,
		   "resident ID number 110105********1238 (valid check digit)");
	expect_doc(__LINE__, "现将当前", "旧证110105800101123，现将当前", 11, 3, "正文", W,
		   "possible 15-digit resident ID number 110105******123");
	expect_doc(__LINE__, "鞍山市人民政府办公室\n成文", "鞍山市人民政府办公室13912345678\n成文", 4,
		   16, "发布机构", E, "mobile phone number 139****5678");
	/* Debris, title repeats, truncation. */
	expect_doc(__LINE__, "现将当前", "您当前位置：首页 > 政务公开\n现将当前", 11, 0, "正文", W,
		   "crawl debris (breadcrumb)");
	expect_doc(__LINE__, "现将当前", "时间：2023-07-04 来源：市政府\n现将当前", 11, 0, "正文", W,
		   "crawl debris (page information line");
	expect_doc(__LINE__, "现将当前", "点击：\n现将当前", 11, 0, "正文", W,
		   "crawl debris (page view counter)");
	expect_doc(__LINE__, "2023年7月3日\n", "2023年7月3日\n附件下载\n", 14, 0, "正文", W,
		   "crawl debris (page button or link)");
	expect_doc(__LINE__, "\n\n各县", "\n\n鞍山市关于持续深化政务公开的方案\n各县", 10, 0, "正文", W,
		   "文件标题 repeated as a body line");
	expect_doc(__LINE__, "\n\n各县", "\n\n鞍山市关于持续\n深化政务公开的方案\n各县", 10, 0, "正文",
		   W, "文件标题 repeated over body lines 10–11");
	expect_doc(__LINE__, "2023年7月3日\n", "现将当前重点工作任务分解", 13, 0, "正文", W,
		   "may be truncated");
	expect_doc(__LINE__, "\n2023年7月3日\n", "\n2023年7月3日\n现将当前重点工作任务分解\xe5\xb7", 14,
		   13, "正文", E, "ends inside a UTF-8 character");
	/* Layout: no blank line after the header; a header line that is junk. */
	expect_doc(__LINE__, "栏目：政府办公室文件\n\n", "栏目：政府办公室文件\n", 9, 0, "文件头", E,
		   "no blank line between the header and the body");
	expect_doc(__LINE__, "有效性：有效\n", "有效性：有效\n责任编辑：张三\n", 8, 0, "文件头", E,
		   "not a known 键：值 field");
	expect_doc(__LINE__, "发布机构：", "发布机构　", 4, 0, "发布机构", E,
		   "no colon after 发布机构: write 发布机构：value");
}

static void test_doc_no_truncation_false_positives(void)
{
	struct run r;
	/* Ends with the 落款 date and no newline: complete, not truncated. */
	size_t n = strlen(doc_ok) - 1;

	run(&r, conf_ok, doc_ok, n);
	CHECK_EQ_INT(r.is.docs[0].final_newline, 0);
	CHECK_EQ_INT(r.d.n, 0);
	done(&r);
}

static void test_parse_edges(void)
{
	struct gaz_diags d = { 0 };
	struct gaz_doc doc;

	memset(&doc, 0, sizeof doc);
	CHECK_EQ_INT(gaz_doc_parse("x.txt", "", 0, &doc, &d), 0);
	CHECK_EQ_INT(d.n_errors, 1);
	CHECK_STR(d.v[0].msg, "empty file");
	gaz_doc_release(&doc);
	gaz_diags_release(&d);

	/* BOM, then only a header. */
	CHECK_EQ_INT(gaz_doc_parse("a/b/y.txt", "\xef\xbb\xbf发文字号：x\n", 20, &doc, &d), 0);
	CHECK_STR(doc.name, "y.txt");
	CHECK_STR(doc.doc_no.value, "x");
	CHECK_EQ_INT(doc.doc_no.col, 6);
	CHECK_EQ_INT(d.n_errors, 1);
	CHECK(strstr(d.v[0].msg, "no body") != NULL);
	gaz_doc_release(&doc);
	gaz_doc_release(&doc);
	gaz_diags_release(&d);

	/* NUL bytes do not cut the text short. */
	{
		static const char nul[] = "发文字号：x\n\na\0b\n";
		CHECK_EQ_INT(gaz_doc_parse("z.txt", nul, sizeof nul - 1, &doc, &d), 0);
	}
	CHECK_EQ_INT(doc.n_blocks, 1);
	CHECK_STR(doc.blocks[0].text, "a\xef\xbf\xbd" "b");
	CHECK_EQ_INT(d.n_errors, 1);
	CHECK_STR(d.v[0].field, "正文");
	gaz_doc_release(&doc);
	gaz_diags_release(&d);
}

static void test_text(void)
{
	double v;
	int y;

	CHECK_EQ_INT(gaz_text_parse_decimal("0.08", &v), 0);
	CHECK(v > 0.0799 && v < 0.0801);
	CHECK_EQ_INT(gaz_text_parse_decimal("-45", &v), 0);
	CHECK(v == -45);
	CHECK_EQ_INT(gaz_text_parse_decimal("+1.5", &v), 0);
	CHECK(v == 1.5);
	CHECK_EQ_INT(gaz_text_parse_decimal("", &v), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_decimal("1.", &v), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_decimal("1e3", &v), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_decimal("1234567", &v), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_decimal("0.1234567", &v), GAZ_EFORMAT);
	CHECK_EQ_INT(gaz_text_parse_decimal(" 1", &v), GAZ_EFORMAT);
	CHECK(gaz_text_is_index_number("11500114009130039C/2018-00979", 29, &y));
	CHECK_EQ_INT(y, 2018);
	CHECK(gaz_text_is_index_number("008463152/2017-00213", 20, NULL));
	CHECK(!gaz_text_is_index_number("0084631/2017-00213", 18, NULL));
	CHECK(!gaz_text_is_index_number("008463152/2017-", 15, NULL));
	CHECK(!gaz_text_is_index_number("008463152-2017-00213", 20, NULL));
	CHECK(!gaz_text_is_index_number("008463152/17-00213", 18, NULL));
#define DEBRIS(s) gaz_text_debris(s, strlen(s))
	CHECK(DEBRIS("您当前位置: 首页/政务公开/政府信息公开目录") != NULL);
	CHECK(DEBRIS("主页 > 政务 >") != NULL);
	CHECK(DEBRIS("长春新区政府信息公开专栏  >>  长春新区党政综合办公室") != NULL);
	CHECK(DEBRIS("登录 注册") != NULL);
	CHECK(DEBRIS("时间:2019-05-12 00:05 来源:网络整理") != NULL);
	CHECK(DEBRIS("时间:2023-07-04 13:24来源:作者:点击:") != NULL);
	CHECK(DEBRIS("通用右侧嵌套--通用嵌套--人民网") != NULL);
	CHECK(DEBRIS("附件下载") != NULL);
	/* Real sentences that share words with debris. */
	CHECK(DEBRIS("信息来源要准确，发布时间要及时。") == NULL);
	CHECK(DEBRIS("在首页显著位置设置专栏。") == NULL);
	CHECK(DEBRIS("附件：西充县2017年政务公开重点任务分解表") == NULL);
	CHECK(DEBRIS("各地区要登录注册系统并按时报送。") == NULL);
}

/* What compile and publish call: refuses every bad issue, takes the sample. */
static void test_open(void)
{
	static const char *const bad[] = {
		"missing-field", "bad-date", "date-order", "duplicate-number",
		"malformed-number", "unknown-section", "invalid-utf8", "truncated",
		"control-char", "id-number", "mobile-number", "empty-issue", "missing-conf",
		"crawl-debris", "multi-error", "config-errors", "published-after-issue",
		"bad-font", NULL
	};
	struct gaz_diags d = { 0 };
	struct gaz_issue *is = NULL;
	char path[256];
	size_t i;

	CHECK_EQ_INT(gaz_issue_open("sample-issue", &is, &d), 0);
	CHECK(is != NULL);
	CHECK_EQ_INT(d.n_errors, 0);
	if (is)
		CHECK_EQ_INT(is->n_docs, 5);
	gaz_issue_free(is);
	gaz_diags_release(&d);
	for (i = 0; bad[i]; i++) {
		is = NULL;
		snprintf(path, sizeof path, "bad-issues/%s", bad[i]);
		CHECK_EQ_INT(gaz_issue_open(path, &is, &d), GAZ_ECHECK);
		CHECK(is == NULL);
		CHECK(d.n_errors > 0);
		gaz_diags_release(&d);
	}
	/* Warnings alone do not stop it. */
	CHECK_EQ_INT(gaz_issue_open("bad-issues/title-repeat", &is, &d), 0);
	CHECK(d.n_warnings > 0);
	gaz_issue_free(is);
	gaz_diags_release(&d);
	is = NULL;
	CHECK_EQ_INT(gaz_issue_open("bad-issues/no-such-folder", &is, &d), GAZ_EIO);
	CHECK(is == NULL);
	gaz_diags_release(&d);
}

int main(void)
{
	test_id18();
	test_scan();
	test_redact();
	test_clean();
	test_config_rules();
	test_line_bytes();
	test_pairs();
	test_doc_rules();
	test_doc_no_truncation_false_positives();
	test_parse_edges();
	test_text();
	test_open();
	return TEST_DONE();
}
