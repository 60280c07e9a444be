/* libqrencode: the QR code on the last page.
 * Loaded on first use: see gazette/dl/dl.h.  Include this
 * instead of <qrencode.h>; call gaz_dl_qrencode() before the first call. */
#ifndef GAZETTE_DL_QRENCODE_H
#define GAZETTE_DL_QRENCODE_H

#include <qrencode.h>

#include "gazette/dl/dl.h"

#define GAZ_DL_QRENCODE_SONAME "libqrencode.so.4"
#define GAZ_DL_QRENCODE_PACKAGE "libqrencode4"

#define GAZ_DL_QRENCODE_FUNCS(X) \
	X(QRcode_encodeString) \
	X(QRcode_free)

GAZ_DL_DECLARE(qrencode, GAZ_DL_QRENCODE_FUNCS);

#ifndef GAZ_DL_TABLES
#define QRcode_encodeString (*gaz_dl_qrencode_fn.QRcode_encodeString)
#define QRcode_free (*gaz_dl_qrencode_fn.QRcode_free)
#endif

#endif
