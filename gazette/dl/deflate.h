/* libdeflate: the PDF streams of compile and publish.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <libdeflate.h>; call gaz_dl_deflate() before the first call. */
#ifndef GAZETTE_DL_DEFLATE_H
#define GAZETTE_DL_DEFLATE_H

#include <libdeflate.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_DEFLATE_SONAME "libdeflate.so.0"
#define GAZ_DL_DEFLATE_PACKAGE "libdeflate0"

#define GAZ_DL_DEFLATE_FUNCS(X) \
	X(libdeflate_alloc_compressor) \
	X(libdeflate_free_compressor) \
	X(libdeflate_zlib_compress) \
	X(libdeflate_zlib_compress_bound)

GAZ_DL_DECLARE(deflate, GAZ_DL_DEFLATE_FUNCS);

#ifndef GAZ_DL_TABLES
#define libdeflate_alloc_compressor (*gaz_dl_deflate_fn.libdeflate_alloc_compressor)
#define libdeflate_free_compressor (*gaz_dl_deflate_fn.libdeflate_free_compressor)
#define libdeflate_zlib_compress (*gaz_dl_deflate_fn.libdeflate_zlib_compress)
#define libdeflate_zlib_compress_bound (*gaz_dl_deflate_fn.libdeflate_zlib_compress_bound)
#endif

#endif
