/* Little CMS: the sRGB output intent of PDF/A files.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <lcms2.h>; call gaz_dl_lcms() before the first call. */
#ifndef GAZETTE_DL_LCMS_H
#define GAZETTE_DL_LCMS_H

#include <lcms2.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_LCMS_SONAME "liblcms2.so.2"
#define GAZ_DL_LCMS_PACKAGE "liblcms2-2"

#define GAZ_DL_LCMS_FUNCS(X) \
	X(cmsCloseProfile) \
	X(cmsCreate_sRGBProfile) \
	X(cmsSaveProfileToMem) \
	X(cmsSetProfileVersion)

GAZ_DL_DECLARE(lcms, GAZ_DL_LCMS_FUNCS);

#ifndef GAZ_DL_TABLES
#define cmsCloseProfile (*gaz_dl_lcms_fn.cmsCloseProfile)
#define cmsCreate_sRGBProfile (*gaz_dl_lcms_fn.cmsCreate_sRGBProfile)
#define cmsSaveProfileToMem (*gaz_dl_lcms_fn.cmsSaveProfileToMem)
#define cmsSetProfileVersion (*gaz_dl_lcms_fn.cmsSetProfileVersion)
#endif

#endif
