/* zlib: inflating PDF streams (verify, sign), the seal image, the search
 * index's compressed postings.  Loaded on first use: see gazette/dl/dl.h
 * (a `gazette verify` of a PDF without compressed objects never loads it).
 * Include this instead of <zlib.h>; call gaz_dl_zlib() before the first
 * call.  inflateInit() is zlib's macro around inflateInit_(). */
#ifndef GAZETTE_DL_ZLIB_H
#define GAZETTE_DL_ZLIB_H

#include <zlib.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_ZLIB_SONAME "libz.so.1"
#define GAZ_DL_ZLIB_PACKAGE "zlib1g"

#define GAZ_DL_ZLIB_FUNCS(X) \
	X(inflateInit_) \
	X(inflate) \
	X(inflateEnd) \
	X(compress2) \
	X(compressBound) \
	X(uncompress)

GAZ_DL_DECLARE(zlib, GAZ_DL_ZLIB_FUNCS);

#ifndef GAZ_DL_TABLES
#define inflateInit_ (*gaz_dl_zlib_fn.inflateInit_)
#define inflate (*gaz_dl_zlib_fn.inflate)
#define inflateEnd (*gaz_dl_zlib_fn.inflateEnd)
#define compress2 (*gaz_dl_zlib_fn.compress2)
#define compressBound (*gaz_dl_zlib_fn.compressBound)
#define uncompress (*gaz_dl_zlib_fn.uncompress)
#endif

#endif
