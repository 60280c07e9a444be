/* Minimal test harness: CHECK keeps going and counts failures; main()
 * returns the count, so ctest sees a failure. */
#ifndef GAZETTE_TEST_H
#define GAZETTE_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failures, test_checks;

#define CHECK(cond) do { test_checks++; if (!(cond)) { test_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ_INT(a, b) do { long long a_ = (a), b_ = (b); test_checks++; if (a_ != b_) { \
	test_failures++; fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", \
	__FILE__, __LINE__, #a, a_, b_); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); test_checks++; \
	if (!a_ || strcmp(a_, b_)) { test_failures++; fprintf(stderr, \
	"%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
	a_ ? a_ : "(null)", b_); } } while (0)
#define TEST_DONE() (printf("%d checks, %d failed\n", test_checks, test_failures), \
	test_failures != 0)

#endif
