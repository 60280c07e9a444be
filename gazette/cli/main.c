/* gazette — the command-line entry point: a table of subcommands. */
#include "cli.h"
#include "gazette/issue.h"
#include "gazette/dl/cjson.h"

#include <stdarg.h>
#include <string.h>

static const struct cli_cmd commands[] = {
#define CMD(name, summary) { #name, cmd_##name, summary, cmd_##name##_usage },
#include "commands.def"
#undef CMD
};
#define N_COMMANDS (sizeof commands / sizeof *commands)

/* Command names are C identifiers in the table; users type '-' for '_'
 * (export-static). */
static int same_name(const char *table, const char *typed)
{
	for (; *table && *typed; table++, typed++)
		if (*table != *typed && !(*table == '_' && *typed == '-'))
			return 0;
	return *table == *typed;
}

static const struct cli_cmd *find(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (same_name(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void overview(FILE *f)
{
	size_t i;

	fprintf(f, "usage: gazette <command> [options]\n\n"
		   "The gazette office's tool: compile, sign, archive, verify and serve\n"
		   "the monthly government gazette (政府公报).\n\ncommands:\n");
	for (i = 0; i < N_COMMANDS; i++) {
		char name[32];
		size_t k;
		for (k = 0; commands[i].name[k] && k < sizeof name - 1; k++)
			name[k] = commands[i].name[k] == '_' ? '-' : commands[i].name[k];
		name[k] = '\0';
		fprintf(f, "  %-13s %s\n", name, commands[i].summary);
	}
	fprintf(f, "\n`gazette help COMMAND` explains one command.\n\n"
		   "exit codes: 0 success/valid; 1 input failed (check errors, invalid or\n"
		   "untrusted signature); 2 usage, I/O or internal error; 3 authentic but\n"
		   "superseded, or a document no longer in force.\n");
}

int main(int argc, char **argv)
{
	const struct cli_cmd *c;

	if (argc < 2) {
		overview(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2) {
			if (!(c = find(argv[2]))) {
				fprintf(stderr, "gazette: unknown command '%s'\n", argv[2]);
				return EXIT_USAGE;
			}
			fputs(c->usage, stdout);
			return EXIT_OK;
		}
		overview(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("gazette %s\n", GAZETTE_VERSION);
		return EXIT_OK;
	}
	if (!(c = find(argv[1]))) {
		fprintf(stderr, "gazette: unknown command '%s' (see `gazette help`)\n", argv[1]);
		return EXIT_USAGE;
	}
	/* OpenSSL's built-in defaults, never the machine's openssl.cnf; no
	 * clean-up at exit; error strings when an error is formatted
	 * (gazette/base/crypto.c).  verify, the short process courts and
	 * citizens run, also goes without the legacy cipher names (it decrypts
	 * nothing) and loads cJSON (gazette/dl/cjson.h) only for --json or
	 * --archive; every other command loads it here. */
	if (!strcmp(c->name, "verify")) {
		gaz_crypto_init_cli(GAZ_CRYPTO_NO_CIPHER_NAMES);
	} else {
		int rc;

		gaz_crypto_init_cli(0);
		if ((rc = gaz_dl_cjson()))
			return cli_error(c->name, rc);
	}
	cli_current = c->name;
	return c->run(argc - 1, argv + 1);
}

const char *cli_current = "";

int cli_error(const char *subject, int code)
{
	const char *d = gaz_errdetail();

	fprintf(stderr, "gazette: %s: %s%s%s\n", subject, gaz_strerror(code),
		d[0] ? ": " : "", d);
	return EXIT_USAGE;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	const struct cli_cmd *c = find(cmd);
	va_list ap;

	fprintf(stderr, "gazette %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fputs(c->usage, stderr);
	return EXIT_USAGE;
}

void cli_print_diags(FILE *f, const struct gaz_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct gaz_diag *x = &d->v[i];
		if (x->file)
			fprintf(f, "%s:", x->file);
		if (x->line)
			fprintf(f, "%d:", x->line);
		if (x->line && x->col)
			fprintf(f, "%d:", x->col);
		if (x->file || x->line)
			fputc(' ', f);
		if (x->field)
			fprintf(f, "%s: ", x->field);
		fprintf(f, "%s: %s\n", x->sev == GAZ_SEV_ERROR ? "error" : "warning", x->msg);
	}
	if (d->n_dropped)
		fprintf(f, "gazette: %zu more problems were counted but not listed "
			   "(only the first %d are kept)\n", d->n_dropped, GAZ_DIAGS_MAX);
}

int cli_issue_read(const char *dir, struct gaz_issue **is, struct gaz_diags *d)
{
	int rc;

	if ((rc = gaz_issue_load(dir, is, d)))
		return cli_error(dir, rc);
	rc = gaz_issue_check(*is, d);
	if (rc && rc != GAZ_ECHECK) {
		gaz_issue_free(*is);
		*is = NULL;
		return cli_error(dir, rc);
	}
	gaz_diags_sort(d);
	return 0;
}

int cli_issue_load(const char *dir, struct gaz_issue **is, struct gaz_diags *d)
{
	int ret = cli_issue_read(dir, is, d);

	if (!ret)
		cli_print_diags(stderr, d);
	return ret;
}

const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];

	*missing = 0;
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}
