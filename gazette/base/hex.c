#include "gazette/base.h"

#include <string.h>

void gaz_hex(const void *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

int gaz_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int gaz_unhex(const char *s, void *out, size_t n)
{
	unsigned char *o = out;
	size_t i;

	if (strlen(s) != 2 * n)
		return GAZ_EINVAL;
	for (i = 0; i < 2 * n; i++)
		if (gaz_hexdigit(s[i]) < 0)
			return GAZ_EINVAL;
	for (i = 0; i < n; i++)
		o[i] = (unsigned char)(gaz_hexdigit(s[2 * i]) << 4 | gaz_hexdigit(s[2 * i + 1]));
	return 0;
}
