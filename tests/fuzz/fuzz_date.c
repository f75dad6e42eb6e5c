/*
 * fuzz_date.c - libFuzzer target for the date parser of records
 * (cli_parse_date, src/cli/read/date.c; --date-field and WARC-Date): ISO
 * 8601, RFC 2822, 26-FEB-2019 15:01:01, Feb 26, 2019 and Unix seconds.
 *
 * fuzz_reuse also feeds dates to the parser, but only inside its document
 * headers and next to a whole nd_reuse run; this target runs the parser alone,
 * many times faster, with checks of its own:
 *   - the input is given in an exact-size buffer (ASan sees any read past n);
 *   - an input whose first 10 bytes look like "NNNN-NN-NN": that date part
 *     alone is accepted exactly when it names a real day, as the C library's
 *     timegm() sees it, and its value is timegm()'s day number
 *     (differential); a longer accepted input lies within a day and a bit
 *     of it (time of day and zone offset);
 *   - any accepted value is finite and between the years 0 and 9999 (the
 *     other forms) or within 12 digits of Unix seconds;
 *   - "YYYY-MM-DDThh:mm:ssZ" gives exactly the day plus the time of day;
 *   - a rejected input leaves *days as it was.
 * A failed check traps.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "read/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static int two(const char *s, unsigned *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    *v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
    return 0;
}

/* Reference for "YYYY-MM-DD": 0 and the day number, or -1. */
static int ref_day(const char *s, double *day)
{
    unsigned y1, y2, m, d;
    if (two(s, &y1) || two(s + 2, &y2) || s[4] != '-' || two(s + 5, &m) || s[7] != '-' ||
        two(s + 8, &d) || m < 1 || m > 12 || d < 1)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = (int)(y1 * 100 + y2) - 1900;
    tm.tm_mon = (int)m - 1;
    tm.tm_mday = (int)d;
    tm.tm_hour = 12; /* away from any second the library might adjust */
    const time_t t = timegm(&tm);
    /* timegm normalises 31 April to 1 May: the day must survive */
    if (tm.tm_mday != (int)d || tm.tm_mon != (int)m - 1)
        return -1;
    *day = floor((double)t / 86400.0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    CHECK(s);
    if (size)
        memcpy(s, data, size);
    double days = -1.25;
    const int rc = cli_parse_date(s, size, &days);
    CHECK(rc == 0 || rc == -1);
    CHECK(rc == 0 || days == -1.25);
    CHECK(rc != 0 || (isfinite(days) && days > -719530 && days < 1e12 / 86400 + 1));
    unsigned y1, y2;
    const int iso_shaped = size >= 10 && s[4] == '-' && s[7] == '-' && !two(s, &y1) &&
                           !two(s + 2, &y2);
    if (iso_shaped) {
        double day0 = -1.25, ref = 0;
        const int r0 = cli_parse_date(s, 10, &day0);
        CHECK(r0 == ref_day(s, &ref));
        CHECK(r0 != 0 || day0 == ref);
        if (rc == 0) {
            CHECK(r0 == 0);
            CHECK(isfinite(days) && days > day0 - 1.01 && days < day0 + 2.01);
        }
        unsigned hh, mm, ss;
        if (r0 == 0 && size == 20 && s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
            s[19] == 'Z' && !two(s + 11, &hh) && !two(s + 14, &mm) && !two(s + 17, &ss)) {
            const int ok = hh < 24 && mm < 60 && ss <= 60;
            CHECK(rc == (ok ? 0 : -1));
            CHECK(!ok || days == day0 + ((hh * 60.0 + mm) * 60.0 + ss) / 86400.0);
        }
    }
    free(s);
    return 0;
}
