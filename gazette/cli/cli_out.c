/* Where -o may write: checked before any work, so a refused output costs
 * nothing and leaves nothing behind. */
#include "cli.h"
#include "gazette/issue.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int cli_output_ok(const char *cmd, const char *out, const char *const *inputs, size_t n,
		  const char *archive)
{
	struct stat so, si, sa, sp;
	char *copy;
	size_t i;
	int inside;

	if (!lstat(out, &so)) {
		if (!S_ISREG(so.st_mode)) {
			fprintf(stderr, "gazette %s: %s exists and is not a regular file (a device, "
					"directory, link or pipe): not replaced\n", cmd, out);
			return EXIT_USAGE;
		}
		for (i = 0; i < n; i++)
			if (inputs[i] && !stat(inputs[i], &si) && same_file(&so, &si)) {
				fprintf(stderr, "gazette %s: %s is also an input (%s): not "
						"overwritten; write the output elsewhere\n", cmd,
					out, inputs[i]);
				return EXIT_USAGE;
			}
	}
	if (!archive || stat(archive, &sa) || !S_ISDIR(sa.st_mode))
		return 0;
	if (!(copy = strdup(out)))
		return cli_error(cmd, GAZ_ENOMEM);
	inside = !stat(dirname(copy), &sp) && same_file(&sp, &sa);
	free(copy);
	if (inside) {
		fprintf(stderr, "gazette %s: %s is inside the archive %s, whose files only the "
				"archive writes: write the output elsewhere\n", cmd, out, archive);
		return EXIT_USAGE;
	}
	return 0;
}

int cli_output_ok_issue(const char *cmd, const char *out, const struct gaz_issue *is,
			const char *archive)
{
	const char **in;
	char *conf = NULL;
	size_t i, n = 0;
	int ret;

	if (!(in = calloc(is->n_docs + 1, sizeof *in)) ||
	    !(conf = malloc(strlen(is->dir) + sizeof "/issue.conf"))) {
		free(in);
		return cli_error(cmd, GAZ_ENOMEM);
	}
	sprintf(conf, "%s/issue.conf", is->dir);
	in[n++] = conf;
	for (i = 0; i < is->n_docs; i++)
		in[n++] = is->docs[i].file;
	ret = cli_output_ok(cmd, out, in, n, archive);
	free(conf);
	free(in);
	return ret;
}

int cli_text_ok(const char *cmd, const char *opt, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n, i = 0, k, bad;
	uint32_t cp;

	if (!value)
		return 0;
	n = strlen(value);
	if (gaz_utf8_validate(s, n, &bad)) {
		fprintf(stderr, "gazette %s: %s is not valid UTF-8 (byte %zu)\n", cmd, opt, bad + 1);
		return EXIT_USAGE;
	}
	/* One line of text: a newline or an escape sequence in it would print
	 * as more lines, or as something else, wherever it is shown (`gazette
	 * audit` lists it among the real entries). */
	for (; i < n; i += k) {
		k = gaz_utf8_decode(s + i, n - i, &cp);
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) {
			fprintf(stderr, "gazette %s: %s contains a control character (U+%04X): "
					"one line of text is expected\n", cmd, opt, (unsigned)cp);
			return EXIT_USAGE;
		}
	}
	return 0;
}
