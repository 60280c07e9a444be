/* gazette/dl: the libraries loaded on first use.  The failure paths (no
 * such library, no such function) and that each real loader succeeds, keeps
 * succeeding, and gives working functions. */
#include "gazette/dl/cjson.h"
#include "gazette/dl/deflate.h"
#include "gazette/dl/hb.h"
#include "gazette/dl/hpdf.h"
#include "gazette/dl/lcms.h"
#include "gazette/dl/mhd.h"
#include "gazette/dl/qrencode.h"
#include "gazette/dl/ssl.h"
#include "gazette/dl/unibreak.h"
#include "gazette/dl/zlib.h"

#include "test.h"

#include <dlfcn.h>

#include "gazette/dl/m.h" /* last: it #defines log, sin, cos... */

static void test_missing_library(void)
{
	struct gaz_dl_lib lib = { .soname = "libgazette-no-such-library.so.7",
				  .package = "gazette-no-such-package",
				  .once = PTHREAD_ONCE_INIT };

	CHECK(gaz_dl_open(&lib) == NULL);
	CHECK_EQ_INT(lib.status, GAZ_EIO);
	CHECK_EQ_INT(gaz_dl_status(&lib), GAZ_EIO);
	CHECK(strstr(gaz_errdetail(), "libgazette-no-such-library.so.7") != NULL);
	CHECK(strstr(gaz_errdetail(), "install the Debian package gazette-no-such-package") != NULL);
	/* the same error on every later call, not only the first */
	CHECK_EQ_INT(gaz_dl_status(&lib), GAZ_EIO);
}

static void test_missing_function(void)
{
	struct gaz_dl_lib lib = { .soname = GAZ_DL_QRENCODE_SONAME,
				  .package = GAZ_DL_QRENCODE_PACKAGE,
				  .once = PTHREAD_ONCE_INIT };
	void *h = gaz_dl_open(&lib);

	CHECK(h != NULL);
	CHECK_EQ_INT(lib.status, 0);
	CHECK_EQ_INT(gaz_dl_status(&lib), 0);
	if (!h)
		return;
	CHECK(gaz_dl_sym(&lib, h, "QRcode_encodeString") != NULL);
	CHECK_EQ_INT(lib.status, 0);
	CHECK(gaz_dl_sym(&lib, h, "QRcode_no_such_function") == NULL);
	CHECK_EQ_INT(gaz_dl_status(&lib), GAZ_EIO);
	CHECK(strstr(gaz_errdetail(), "no function QRcode_no_such_function") != NULL);
	CHECK(strstr(gaz_errdetail(), GAZ_DL_QRENCODE_PACKAGE) != NULL);
	gaz_dl_close(h);
}

/* None of them is loaded before its loader runs: the test program links
 * gazette_core as the gazette command does, so this fails if one of them is
 * ever linked again. */
static void test_not_linked(void)
{
	static const char *const sonames[] = {
		GAZ_DL_DEFLATE_SONAME, GAZ_DL_HPDF_SONAME, GAZ_DL_HB_SONAME, GAZ_DL_HB_SUBSET_SONAME,
		GAZ_DL_LCMS_SONAME, GAZ_DL_QRENCODE_SONAME, GAZ_DL_UNIBREAK_SONAME,
		GAZ_DL_MHD_SONAME,
		GAZ_DL_SSL_SONAME, GAZ_DL_ZLIB_SONAME, GAZ_DL_M_SONAME,
		GAZ_DL_CJSON_SONAME,
	};
	size_t i;
	void *h;

	for (i = 0; i < sizeof sonames / sizeof *sonames; i++) {
#ifdef __SANITIZE_ADDRESS__
		if (!strcmp(sonames[i], GAZ_DL_M_SONAME))
			continue; /* the sanitizer runtime needs libm itself */
#endif
		h = dlopen(sonames[i], RTLD_NOW | RTLD_NOLOAD);
		if (h) {
			fprintf(stderr, "%s is loaded at start-up\n", sonames[i]);
			dlclose(h);
		}
		CHECK(h == NULL);
	}
}

static void test_loaders(void)
{
	void *h;
	int i;

	for (i = 0; i < 2; i++) {
		CHECK_EQ_INT(gaz_dl_deflate(), 0);
		CHECK_EQ_INT(gaz_dl_hpdf(), 0);
		CHECK_EQ_INT(gaz_dl_hb(), 0);
		CHECK_EQ_INT(gaz_dl_hb_subset(), 0);
		CHECK_EQ_INT(gaz_dl_lcms(), 0);
		CHECK_EQ_INT(gaz_dl_qrencode(), 0);
		CHECK_EQ_INT(gaz_dl_unibreak(), 0);
		CHECK_EQ_INT(gaz_dl_mhd(), 0);
		CHECK_EQ_INT(gaz_dl_ssl(), 0);
		CHECK_EQ_INT(gaz_dl_zlib(), 0);
		CHECK_EQ_INT(gaz_dl_m(), 0);
		CHECK_EQ_INT(gaz_dl_cjson(), 0);
	}
	/* the slots hold the library's own functions */
	h = dlopen(GAZ_DL_HPDF_SONAME, RTLD_NOW | RTLD_NOLOAD);
	CHECK(h != NULL);
	if (h) {
		__typeof__(&HPDF_New) f;

		*(void **)&f = dlsym(h, "HPDF_New");
		CHECK(f != NULL && f == &HPDF_New);
		dlclose(h);
	}
}

static void test_calls(void)
{
	static const utf32_t text[3] = { 'a', ' ', 'b' };
	char brk[3];
	HPDF_Doc doc;
	QRcode *qr;
	hb_draw_funcs_t *df;
	cmsHPROFILE p;
	struct libdeflate_compressor *z;

	if ((doc = HPDF_New(NULL, NULL))) {
		CHECK(HPDF_AddPage(doc) != NULL);
		HPDF_Free(doc);
	} else {
		CHECK(!"HPDF_New");
	}
	if ((qr = QRcode_encodeString("gazette", 0, QR_ECLEVEL_M, QR_MODE_8, 1))) {
		CHECK(qr->width >= 21);
		QRcode_free(qr);
	} else {
		CHECK(!"QRcode_encodeString");
	}
	if ((p = cmsCreate_sRGBProfile()))
		cmsCloseProfile(p);
	else
		CHECK(!"cmsCreate_sRGBProfile");
	if ((z = libdeflate_alloc_compressor(6))) {
		CHECK(libdeflate_zlib_compress_bound(z, 100) >= 100);
		libdeflate_free_compressor(z);
	} else {
		CHECK(!"libdeflate_alloc_compressor");
	}
	df = hb_draw_funcs_create();
	CHECK(df != NULL);
	hb_draw_funcs_destroy(df);
	init_linebreak();
	set_linebreaks_utf32(text, 3, "en", brk);
	CHECK_EQ_INT(brk[0], LINEBREAK_NOBREAK);
	CHECK_EQ_INT(brk[1], LINEBREAK_ALLOWBREAK);
}

int main(void)
{
	test_not_linked();
	test_missing_library();
	test_missing_function();
	test_loaders();
	test_calls();
	return TEST_DONE();
}
