/*
 * test.h - the smallest test harness that does the job.
 *
 * Each tests/unit/test_*.c file defines test functions, lists them in a
 * TEST_MAIN(...) table and links against libgimark. CHECK() records a failure
 * with file and line and carries on; the binary prints "N passed, N failed"
 * and exits non-zero when anything failed.
 */
#ifndef GI_TEST_H
#define GI_TEST_H

#include <stdio.h>
#include <string.h>

static int test_checks_failed;
static int test_current_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);             \
            test_checks_failed++;                                                                  \
            test_current_failed = 1;                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                           \
            fprintf(stderr, "  %s:%d: CHECK_STR failed: %s == \"%s\", want \"%s\"\n", __FILE__,    \
                    __LINE__, #a, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)"); \
            test_checks_failed++;                                                                  \
            test_current_failed = 1;                                                               \
        }                                                                                          \
    } while (0)

typedef struct {
    const char *name;
    void (*fn)(void);
} test_case_t;

static inline int test_run_all(const char *suite, const test_case_t *cases, size_t n)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        test_current_failed = 0;
        cases[i].fn();
        if (test_current_failed) {
            fprintf(stderr, "FAIL %s/%s\n", suite, cases[i].name);
            failed++;
        } else {
            passed++;
        }
    }
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed ? 1 : 0;
}

#define TEST(fn)                                                                                   \
    {                                                                                              \
#fn, fn                                                                                    \
    }
#define TEST_MAIN(suite, ...)                                                                      \
    int main(void)                                                                                 \
    {                                                                                              \
        static const test_case_t cases[] = {__VA_ARGS__};                                          \
        return test_run_all(suite, cases, sizeof cases / sizeof cases[0]);                         \
    }

#endif
