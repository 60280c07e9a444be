/* The tables of the libraries loaded on first use (gazette/dl/dl.h). */
#define GAZ_DL_TABLES

#include "gazette/dl/deflate.h"
#include "gazette/dl/hb.h"
#include "gazette/dl/hpdf.h"
#include "gazette/dl/lcms.h"
#include "gazette/dl/m.h"
#include "gazette/dl/mhd.h"
#include "gazette/dl/qrencode.h"
#include "gazette/dl/ssl.h"
#include "gazette/dl/unibreak.h"
#include "gazette/dl/zlib.h"

GAZ_DL_DEFINE(deflate, GAZ_DL_DEFLATE_FUNCS, GAZ_DL_DEFLATE_SONAME, GAZ_DL_DEFLATE_PACKAGE)
GAZ_DL_DEFINE(hpdf, GAZ_DL_HPDF_FUNCS, GAZ_DL_HPDF_SONAME, GAZ_DL_HPDF_PACKAGE)
GAZ_DL_DEFINE(mhd, GAZ_DL_MHD_FUNCS, GAZ_DL_MHD_SONAME, GAZ_DL_MHD_PACKAGE)
GAZ_DL_DEFINE(lcms, GAZ_DL_LCMS_FUNCS, GAZ_DL_LCMS_SONAME, GAZ_DL_LCMS_PACKAGE)
GAZ_DL_DEFINE(qrencode, GAZ_DL_QRENCODE_FUNCS, GAZ_DL_QRENCODE_SONAME, GAZ_DL_QRENCODE_PACKAGE)
GAZ_DL_DEFINE(unibreak, GAZ_DL_UNIBREAK_FUNCS, GAZ_DL_UNIBREAK_SONAME, GAZ_DL_UNIBREAK_PACKAGE)
GAZ_DL_DEFINE(ssl, GAZ_DL_SSL_FUNCS, GAZ_DL_SSL_SONAME, GAZ_DL_SSL_PACKAGE)
GAZ_DL_DEFINE(hb, GAZ_DL_HB_FUNCS, GAZ_DL_HB_SONAME, GAZ_DL_HB_PACKAGE)
GAZ_DL_DEFINE(hb_subset, GAZ_DL_HB_SUBSET_FUNCS, GAZ_DL_HB_SUBSET_SONAME, GAZ_DL_HB_SUBSET_PACKAGE)
GAZ_DL_DEFINE(zlib, GAZ_DL_ZLIB_FUNCS, GAZ_DL_ZLIB_SONAME, GAZ_DL_ZLIB_PACKAGE)
GAZ_DL_DEFINE(m, GAZ_DL_M_FUNCS, GAZ_DL_M_SONAME, GAZ_DL_M_PACKAGE)
