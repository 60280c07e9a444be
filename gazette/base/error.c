#include "gazette/base.h"

#include <stdio.h>

static _Thread_local char detail[1024];

const char *gaz_strerror(int code)
{
	switch (code) {
	case GAZ_OK: return "success";
	case GAZ_ENOMEM: return "out of memory";
	case GAZ_EIO: return "input/output error";
	case GAZ_EINVAL: return "invalid argument";
	case GAZ_EFORMAT: return "malformed input";
	case GAZ_ETOOBIG: return "input too large";
	case GAZ_ENOTFOUND: return "not found";
	case GAZ_ECRYPTO: return "cryptographic operation failed";
	case GAZ_EEXIST: return "already exists";
	case GAZ_EFONT: return "font problem";
	case GAZ_EPDF: return "PDF writer error";
	case GAZ_ECHECK: return "input failed validation";
	case GAZ_EBUSY: return "resource busy";
	case GAZ_ECORRUPT: return "stored data corrupted";
	case GAZ_EINTERNAL: return "internal error";
	default: return "unknown error";
	}
}

int gaz_fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	return code;
}

const char *gaz_errdetail(void) { return detail; }
void gaz_clear_error(void) { detail[0] = '\0'; }
