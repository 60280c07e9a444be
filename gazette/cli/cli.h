/*
 * The `gazette` command: shared helpers for subcommands.  Each subcommand
 * lives in its own cmd_NAME.c and is listed once in commands.def.
 *
 * Exit codes (stable, documented in `gazette help`):
 *   0  success / valid
 *   1  the input failed: check errors, invalid or untrusted signature
 *   2  usage, I/O or internal error
 *   3  authentic but superseded, or a document no longer in force
 */
#ifndef GAZETTE_CLI_H
#define GAZETTE_CLI_H

#include "gazette/base.h"

#include <stdio.h>

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_SUPERSEDED = 3 };

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *usage; /* full help text for `gazette help NAME` */
};

#define CMD(name, summary) \
	int cmd_##name(int argc, char **argv); \
	extern const char cmd_##name##_usage[];
#include "commands.def"
#undef CMD

/* The subcommand running (its name in messages of shared helpers). */
extern const char *cli_current;

/* Prints "gazette: SUBJECT: <strerror>: <detail>" on stderr; returns 2. */
int cli_error(const char *subject, int code);
/* Prints a usage complaint and the command's usage on stderr; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints every diagnostic as file:line: field: severity: message. */
void cli_print_diags(FILE *f, const struct gaz_diags *d);

struct gaz_issue;
/* Loads ISSUE_DIR and runs the checks, printing every diagnostic (sorted)
 * on stderr.  Returns 0 with *is set (the caller frees it and looks at
 * d->n_errors), or an exit code after printing the error when the folder
 * cannot be read at all. */
int cli_issue_load(const char *dir, struct gaz_issue **is, struct gaz_diags *d);
/* The same without printing the diagnostics. */
int cli_issue_read(const char *dir, struct gaz_issue **is, struct gaz_diags *d);

/* Option parsing without getopt's global state: returns the value of
 * "--name VALUE" / "--name=VALUE" at argv[*i] (advancing *i), or NULL if
 * argv[*i] is not that option.  *missing is set when argv[*i] is that option
 * without a value, and cleared by every call: test it right after the call
 * that set it (CLI_OPT does), not at the end of a chain of calls. */
const char *cli_opt(int argc, char **argv, int *i, const char *name, int *missing);

/* Whether `-o out` may be written, checked before any work: not an existing
 * device, directory, link or pipe; not the same file as any of inputs[0..n)
 * (entries may be NULL); not in the archive directory (archive may be
 * NULL).  Prints why not and returns EXIT_USAGE, else 0. */
int cli_output_ok(const char *cmd, const char *out, const char *const *inputs, size_t n,
		  const char *archive);
/* The same with the issue's files (issue.conf and every document) as the
 * inputs. */
int cli_output_ok_issue(const char *cmd, const char *out, const struct gaz_issue *is,
			const char *archive);
/* value (may be NULL) is valid UTF-8 on one line: no C0/C1 control
 * character, DEL or line/paragraph separator.  Prints why not, naming
 * opt, and returns EXIT_USAGE, else 0. */
int cli_text_ok(const char *cmd, const char *opt, const char *value);
/* One "--name VALUE" option in a chain of `else CLI_OPT(...)`: stores the
 * value in var (which starts NULL), or returns the usage error of cmd when
 * the value is missing or the option was given before (the last one would
 * silently win: `--archive a --archive b`).  Needs locals argc, argv, i, v,
 * missing. */
#define CLI_OPT(cmd, name, var) \
	if ((v = cli_opt(argc, argv, &i, name, &missing)) || missing) { \
		if (missing) \
			return cli_usage(cmd, "%s needs a value", name); \
		if (var) \
			return cli_usage(cmd, "%s given twice", name); \
		var = v; \
	}

#endif
