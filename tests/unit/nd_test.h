/*
 * nd_test.h - a tiny unit-test harness.
 *
 * ND_CHECK(cond) records a failure with file:line and goes on; a test file's
 * main() calls ND_RUN(fn) for each test function and returns nd_test_end(),
 * which prints "<file>: N passed, M failed" and is non-zero on any failure.
 * Run one test by name: ./build/rel/tests/test_x NAME.
 */
#ifndef ND_TEST_H
#define ND_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nd_t_failed_checks, nd_t_passed, nd_t_failed;
static const char *nd_t_only;

#define ND_CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    nd_t_failed_checks++; } } while (0)
#define ND_CHECK_MSG(cond, ...) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); nd_t_failed_checks++; } } while (0)

#define ND_RUN(fn) do { if (!nd_t_only || strcmp(nd_t_only, #fn) == 0) { \
    const int before_ = nd_t_failed_checks; fn(); \
    if (nd_t_failed_checks == before_) nd_t_passed++; \
    else { nd_t_failed++; fprintf(stderr, "FAIL %s\n", #fn); } } } while (0)

static inline void nd_test_begin(int argc, char **argv) {
    nd_t_only = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
}
/* The value of "--seed N" in argv, or def. Randomised tests print it. */
static inline unsigned long long nd_test_seed(int argc, char **argv, unsigned long long def) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--seed") == 0)
            return strtoull(argv[i + 1], NULL, 10);
    return def;
}
static inline int nd_test_end(const char *name) {
    printf("%s: %d passed, %d failed\n", name, nd_t_passed, nd_t_failed);
    return nd_t_failed ? 1 : 0;
}
#endif
