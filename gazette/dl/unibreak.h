/* libunibreak: UAX #14 line-break opportunities.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <linebreak.h>; call gaz_dl_unibreak() before the first call. */
#ifndef GAZETTE_DL_UNIBREAK_H
#define GAZETTE_DL_UNIBREAK_H

#include <linebreak.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_UNIBREAK_SONAME "libunibreak.so.1"
#define GAZ_DL_UNIBREAK_PACKAGE "libunibreak1"

#define GAZ_DL_UNIBREAK_FUNCS(X) \
	X(init_linebreak) \
	X(set_linebreaks_utf32)

GAZ_DL_DECLARE(unibreak, GAZ_DL_UNIBREAK_FUNCS);

#ifndef GAZ_DL_TABLES
#define init_linebreak (*gaz_dl_unibreak_fn.init_linebreak)
#define set_linebreaks_utf32 (*gaz_dl_unibreak_fn.set_linebreaks_utf32)
#endif

#endif
