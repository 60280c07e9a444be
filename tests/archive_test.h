/* Helpers shared by the archive unit tests (test_archive.c,
 * test_archive_locate.c): a scratch directory and the sample issue. */
#ifndef GAZETTE_ARCHIVE_TEST_H
#define GAZETTE_ARCHIVE_TEST_H

#include "test.h"
#include "gazette/issue.h"

#include <stdio.h>

/* The test's scratch directory (set with mkdtemp by main). */
static char root[64];

/* root/name, in one of four rotating buffers. */
static char *path(const char *name)
{
	static char buf[4][256];
	static int k;
	char *p = buf[k++ & 3];

	snprintf(p, 256, "%s/%s", root, name);
	return p;
}

/* The sample issue, loaded and checked clean. */
static struct gaz_issue *load_sample(void)
{
	struct gaz_issue *is = NULL;
	struct gaz_diags dg = { 0 };

	CHECK_EQ_INT(gaz_issue_load("sample-issue", &is, &dg), 0);
	CHECK_EQ_INT(gaz_issue_check(is, &dg), 0);
	gaz_diags_release(&dg);
	return is;
}

#endif
