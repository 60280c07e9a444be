/* Helpers shared by the archive subcommands (get, publish, status, fsck,
 * backup, submissions, audit). */
#ifndef GAZETTE_CLI_ARCHIVE_H
#define GAZETTE_CLI_ARCHIVE_H

#include "gazette/archive.h"

#include "gazette/dl/cjson.h"

/* Opens the archive, printing the error; returns 0 or an exit code. */
int ar_cli_open(const char *dir, int flags, const char *map_size, struct gaz_archive **a);
/* Prints "gazette: SUBJECT: error: detail" and returns the exit code for
 * code: 1 for what the input or the stored data failed (not found,
 * corrupt, refused), 2 for usage, I/O and internal errors. */
int ar_cli_fail(const char *subject, int code);
/* Who: the option's value, else $USER, else $LOGNAME, else "unknown". */
const char *ar_cli_who(const char *opt);
/* Now: SOURCE_DATE_EPOCH when set (reproducible runs), else the clock. */
int64_t ar_cli_now(void);
/* ISO 8601 UTC, e.g. 2023-07-31T08:00:00Z. */
void ar_cli_time(int64_t t, char out[32]);
/* Parses "2023/7" or "2023/7/2". */
int ar_cli_issue(const char *s, unsigned *year, unsigned *number, unsigned *version);


cJSON *ar_json_doc(const struct gaz_ar_doc *d);
cJSON *ar_json_version(const struct gaz_ar_version *v);
cJSON *ar_json_event(const struct gaz_ar_event *e);
/* Prints and frees j; returns 0 or EXIT_USAGE on OOM. */
int ar_json_print(cJSON *j);
/* Prints a version and its documents for people. */
void ar_print_version(FILE *f, const struct gaz_ar_version *v);

/* The archive commands' name for CLI_OPT (cli.h). */
#define AR_OPT CLI_OPT

#endif
