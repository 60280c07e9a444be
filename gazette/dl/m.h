/* libm: the few functions compile (watermark rotation, number rounding in
 * content streams) and search ranking (BM25's idf) call.  Loaded on first
 * use: see gazette/dl/dl.h (about 0.1 ms of every process otherwise, and
 * `gazette verify` never calls it).  Include this instead of <math.h>; call
 * gaz_dl_m() before the first call.  Include it after every other header:
 * its #defines would rename, say, a parameter called log in a later one. */
#ifndef GAZETTE_DL_M_H
#define GAZETTE_DL_M_H

#include <math.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_M_SONAME "libm.so.6"
#define GAZ_DL_M_PACKAGE "libc6"

#define GAZ_DL_M_FUNCS(X) \
	X(cos) \
	X(sin) \
	X(log) \
	X(llround) \
	X(fminf) \
	X(fmaxf)

GAZ_DL_DECLARE(m, GAZ_DL_M_FUNCS);

#ifndef GAZ_DL_TABLES
#define cos (*gaz_dl_m_fn.cos)
#define sin (*gaz_dl_m_fn.sin)
#define log (*gaz_dl_m_fn.log)
#define llround (*gaz_dl_m_fn.llround)
#define fminf (*gaz_dl_m_fn.fminf)
#define fmaxf (*gaz_dl_m_fn.fmaxf)
#endif

#endif
