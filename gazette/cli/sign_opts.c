#include "cli.h"
#include "sign_opts.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The last second /M can hold: 9999-12-31T23:59:59Z. */
#define TIME_MAX INT64_C(253402300799)

static int leap(uint64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Unix seconds (0..TIME_MAX), or exactly YYYY-MM-DDTHH:MM:SSZ (UTC), a
 * date that exists in 1970..9999 (no leap second: /M could not say it).
 * NULL, or what is wrong. */
static const char *parse_time(const char *s, int64_t *out)
{
	static const unsigned at[6] = { 0, 5, 8, 11, 14, 17 }, w[6] = { 4, 2, 2, 2, 2, 2 };
	static const uint64_t max[6] = { 9999, 12, 31, 23, 59, 59 };
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	uint64_t v[6];
	struct tm tm;
	size_t i;

	if (s[0] >= '0' && s[0] <= '9' && strspn(s, "0123456789") == strlen(s)) {
		if (gaz_parse_uint(s, strlen(s), (uint64_t)TIME_MAX, &v[0]))
			return "after 9999-12-31T23:59:59Z";
		*out = (int64_t)v[0];
		return NULL;
	}
	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return "not a time";
	for (i = 0; i < 6; i++)
		if (gaz_parse_uint(s + at[i], w[i], max[i], &v[i]))
			return i < 3 ? "no such date" : "no such time of day";
	if (v[0] < 1970)
		return "the year must be 1970..9999";
	if (!v[1] || !v[2] || v[2] > mdays[v[1] - 1] + (v[1] == 2 && leap(v[0])))
		return "no such date";
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (int)v[0] - 1900;
	tm.tm_mon = (int)v[1] - 1;
	tm.tm_mday = (int)v[2];
	tm.tm_hour = (int)v[3];
	tm.tm_min = (int)v[4];
	tm.tm_sec = (int)v[5];
	*out = (int64_t)timegm(&tm);
	return NULL;
}

void cli_sign_init(struct cli_sign *cs)
{
	memset(cs, 0, sizeof *cs);
	cs->o.level = GAZ_PADES_B_B;
	cs->o.time = -1;
	cs->o.certify = 1;
}

int cli_sign_opt(const char *cmd, int argc, char **argv, int *i, struct cli_sign *cs)
{
	static const struct {
		const char *name;
		size_t off;
	} opts[] = {
		{ "--key", offsetof(struct cli_sign, key) },
		{ "--cert", offsetof(struct cli_sign, cert) },
		{ "--chain", offsetof(struct cli_sign, chain) },
		{ "--pass-file", offsetof(struct cli_sign, passfile) },
		{ "--level", offsetof(struct cli_sign, level) },
		{ "--time", offsetof(struct cli_sign, tstr) },
		{ "--tsa", offsetof(struct cli_sign, o.tsa_url) },
		{ "--reason", offsetof(struct cli_sign, o.reason) },
		{ "--location", offsetof(struct cli_sign, o.location) },
		{ "--seal", offsetof(struct cli_sign, o.seal_png) },
	};
	const char *a = argv[*i], *v;
	size_t k;
	int missing;

	for (k = 0; k < sizeof opts / sizeof *opts; k++) {
		v = cli_opt(argc, argv, i, opts[k].name, &missing);
		if (missing)
			return cli_usage(cmd, "%s needs a value", a);
		if (v) {
			*(const char **)((char *)cs + opts[k].off) = v;
			return 1;
		}
	}
	v = cli_opt(argc, argv, i, "--crl", &missing);
	if (missing)
		return cli_usage(cmd, "%s needs a value", a);
	if (v) {
		if (cs->ncrl == sizeof cs->o.crl_paths / sizeof cs->o.crl_paths[0] - 1)
			return cli_usage(cmd, "at most %zu --crl", cs->ncrl);
		cs->o.crl_paths[cs->ncrl++] = v;
		return 1;
	}
	if (!strcmp(a, "--certify") || !strcmp(a, "--approval")) {
		cs->o.certify = a[2] == 'c';
		return 1;
	}
	if (!strncmp(a, "--pass", 6))
		return cli_usage(cmd, "%.*s: passphrases are never taken on the command "
				 "line (other users can read it in the process list and "
				 "shell history); use --pass-file FILE or GAZETTE_KEY_PASS",
				 (int)strcspn(a, "="), a);
	return 0;
}

int cli_sign_finish(const char *cmd, struct cli_sign *cs)
{
	const char *sde = NULL, *why;

	if (cs->level) {
		if (!strcmp(cs->level, "B-B")) cs->o.level = GAZ_PADES_B_B;
		else if (!strcmp(cs->level, "B-T")) cs->o.level = GAZ_PADES_B_T;
		else if (!strcmp(cs->level, "B-LT")) cs->o.level = GAZ_PADES_B_LT;
		else return cli_usage(cmd, "--level must be B-B, B-T or B-LT");
	}
	if (cs->o.level != GAZ_PADES_B_B && !cs->o.tsa_url)
		return cli_usage(cmd, "--level %s needs --tsa URL", cs->level);
	if (cs->o.level == GAZ_PADES_B_LT && !cs->ncrl)
		return cli_usage(cmd, "--level B-LT needs revocation data: --crl FILE for "
				 "each CA of the chain");
	if (cs->o.level == GAZ_PADES_B_B && (cs->o.tsa_url || cs->ncrl))
		return cli_usage(cmd, "--tsa and --crl need --level B-T or B-LT");
	if (!cs->tstr && (sde = getenv("SOURCE_DATE_EPOCH")) && sde[0])
		cs->tstr = sde;
	if (cs->tstr && (why = parse_time(cs->tstr, &cs->o.time)))
		return cli_usage(cmd, "bad time '%s'%s: %s (Unix seconds or "
				 "YYYY-MM-DDTHH:MM:SSZ, years 1970..9999)", cs->tstr,
				 cs->tstr == sde ? " in SOURCE_DATE_EPOCH" : "", why);
	return 0;
}

int cli_sign_load(const struct cli_sign *cs, struct gaz_signer **s)
{
	char *pass = NULL;
	int rc;

	if ((rc = gaz_passphrase_load(cs->passfile, &pass)))
		return cli_error(cs->passfile ? cs->passfile : "passphrase", rc);
	rc = gaz_signer_load(cs->key, cs->cert, cs->chain, pass, GAZ_USE_SIGN, s);
	gaz_passphrase_free(pass);
	if (rc)
		return cli_error(cs->key, rc);
	return 0;
}
