/* Signature check for the verify page. */
#include "archive/http_sig.h"

#include <stdio.h>
#include <string.h>

void sig_check(struct site *s, const void *pdf, size_t len, struct sig_report *out)
{
	(void)s;
	(void)pdf;
	(void)len;
	memset(out, 0, sizeof *out);
	snprintf(out->summary, sizeof out->summary, "本服务未配置签名核验，仅与档案逐字节比对。");
}
