/*
 * test_date.c - cli_parse_date (src/cli/read/date.c): ISO 8601 dates and
 * date-times, RFC 2822, news-wire (26-FEB-2019 15:01:01.79), US (Feb 26,
 * 2019) and Unix-time forms to days since 1970-01-01 UTC, exact values,
 * calendar rules, rejected forms, and a round trip against the C library's
 * timegm() and strftime() over random dates, times and zone offsets.
 * Randomised tests take --seed N (printed).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "read/date.h"
#include "nd_test.h"

static unsigned long long g_seed = 20230620;

/* Parses s (exact length, no terminator in reach of the parser). */
static int parse(const char *s, double *days)
{
    const size_t n = strlen(s);
    char *buf = malloc(n ? n : 1);
    if (!buf)
        return -2;
    memcpy(buf, s, n);
    *days = -12345;
    const int rc = cli_parse_date(buf, n, days);
    free(buf);
    return rc;
}

static void expect(const char *s, double want)
{
    double got;
    const int rc = parse(s, &got);
    ND_CHECK_MSG(rc == 0 && fabs(got - want) < 1e-9, "\"%s\": rc %d, %.12f, want %.12f", s,
                 rc, got, want);
}

static void reject(const char *s)
{
    double got;
    const int rc = parse(s, &got);
    ND_CHECK_MSG(rc == -1, "\"%s\": rc %d (%.12f), want rejected", s, rc, got);
    ND_CHECK_MSG(got == -12345, "\"%s\": output written on rejection", s);
}

static void test_exact(void)
{
    expect("1970-01-01", 0);
    expect("1970-01-02", 1);
    expect("1969-12-31", -1);
    expect("2023-06-20", 19528);
    expect("2023-06-20T12:00:00Z", 19528.5);
    expect("2023-06-20T12:00:00+02:00", 19528 + 10.0 / 24);
    expect("2023-06-20T12:00:00-02:00", 19528 + 14.0 / 24);
    expect("2023-06-20T12:00:00+0200", 19528 + 10.0 / 24);
    expect("2023-06-20T12:00+05:30", 19528 + (12 * 60 - 330) / 1440.0);
    expect("2023-06-20t12:00:00z", 19528.5);
    expect("2023-06-20 12:00", 19528.5);
    expect("2023-06-20T00:00:00Z", 19528);
    expect("2023-06-20T23:59:59Z", 19528 + 86399 / 86400.0);
    expect("2023-06-20T00:30+01:00", 19528 - 30 / 1440.0);   /* the day before in UTC */
    expect("2023-06-20T23:30-01:00", 19529 + 30 / 1440.0);   /* the day after */
    expect("2000-01-01", 10957);
    expect("0000-01-01", -719528);
    expect("9999-12-31", 2932896);
}

static void test_leap(void)
{
    expect("2024-02-29", 19782);
    expect("2000-02-29", 11016);
    expect("2024-03-01", 19783);
    expect("2023-03-01", 19417);
    reject("2023-02-29");
    reject("1900-02-29");
    reject("2100-02-29");
    reject("2024-02-30");
    reject("2023-04-31");
    reject("2023-06-31");
    reject("2023-11-31");
    expect("2023-12-31", 19722);
    expect("2023-01-31", 19388);
}

static void test_fraction(void)
{
    expect("2023-06-20T12:00:00.5Z", 19528.5 + 0.5 / 86400);
    expect("2023-06-20T12:00:00,25Z", 19528.5 + 0.25 / 86400);
    expect("2023-06-20T12:00:00.123456789", 19528.5 + 0.123456789 / 86400);
    expect("2023-06-20T12:00:30.000+01:00", 19528 + (11 * 3600 + 30) / 86400.0);
    reject("2023-06-20T12:00:00.Z");
    reject("2023-06-20T12:00:00.");
    reject("2023-06-20T12:00.5");
}

static void test_rejected(void)
{
    const char *bad[] = {"", "2", "2023", "2023-06", "2023-6-20", "2023-06-2", "23-06-20",
                         "2023/06/20", "20230620", "2023-06-20T", "2023-06-20T1",
                         "2023-06-20T12", "2023-06-20T12:", "2023-06-20T12:0",
                         "2023-06-20T25:00", "2023-06-20T24:00", "2023-06-20T12:60",
                         "2023-06-20T12:00:61", "2023-06-20T12:00:0", "2023-06-20x",
                         "2023-06-20 ", "2023-06-20Z", "2023-06-20T12:00Zjunk",
                         "2023-06-20T12:00:00+2", "2023-06-20T12:00:00+24:00",
                         "2023-06-20T12:00:00+02:60", "2023-06-20T12:00:00+02:0",
                         "2023-06-20T12:00:00+02:",
                         "2023-06-20T12:00:00+02:00:00", "2023-00-10", "2023-13-01",
                         "2023-06-00", "2023-06-32", " 2023-06-20", "+2023-06-20",
                         "-023-06-20", "2023-06-20T12:00 ", "yesterday", "2023-06-20\n",
                         "2023-06-2a", "2023-0a-20", "２０２３-06-20"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        reject(bad[i]);
    double d = 0;
    ND_CHECK(cli_parse_date("2023-06-20", 0, &d) == -1);
    ND_CHECK(cli_parse_date("2023-06-20", 9, &d) == -1);
    ND_CHECK(cli_parse_date("2023-06-20junk", 10, &d) == 0 && d == 19528);
    /* "2023-06-20T12:00:00Z" without its zone letter */
    ND_CHECK(cli_parse_date("2023-06-20T12:00:00Z", 19, &d) == 0 && d == 19528.5);
}

/* Behaviour kept on purpose: a leap second (:60) is read as the next second,
 * and an offset of hours only (+02) is accepted. */
static void test_lenient(void)
{
    expect("2016-12-31T23:59:60Z", 17167);
    expect("2023-06-20T12:00+02", 19528 + 10.0 / 24);
}

/* The forms other than ISO 8601: all 2019-02-26T15:01:01Z (17953 days
 * and 15:01:01) when they say so. */
static void test_other_forms(void)
{
    const double t = 17953 + (15 * 3600 + 60 + 1) / 86400.0;
    expect("Tue, 26 Feb 2019 15:01:01 GMT", t);
    expect("Tue, 26 Feb 2019 15:01:01 +0000", t);
    expect("26 Feb 2019 15:01:01 UT", t);
    expect("Tue, 26 Feb 2019 10:01:01 -0500", t);
    expect("Tue, 26 Feb 2019 10:01:01 EST", t);
    expect("Tue, 26 Feb 2019 08:01:01 PDT", t);
    expect("Tue, 26 Feb 2019 20:31:01 +0530", t);
    expect("Tue, 26 Feb 2019 10:01:01 -0500 (EST)", t);
    expect("tuesday, 26 FEBRUARY 2019 15:01:01 z", t);
    expect("Tue 26 Feb 2019 15:01:01", t);
    expect("26 Feb 19 15:01:01 GMT", t);  /* obsolete two-digit years */
    expect("Mon, 5 Apr 93 18:48:25 GMT", 8495 + (18 * 3600 + 48 * 60 + 25) / 86400.0);
    expect("26 Feb 2019 15:01", t - 1 / 86400.0);
    expect("26 Feb 2019", 17953);
    expect("26-FEB-2019 15:01:01.79", t + 0.79 / 86400);
    expect("26-feb-2019 15:01:01", t);
    expect("26-Feb-2019", 17953);
    expect("Feb 26, 2019", 17953);
    expect("February 26, 2019 15:01:01", t);
    expect("Sept 26, 2019", 18165);
    expect("1551193261", t);
    expect("1551193261.5", t + 0.5 / 86400);
    expect("000000000", 0);
    const char *bad[] = {"Tue, 31 Feb 2019", "Feb 30, 2019", "29-FEB-2019", "Tue, 26 Foo 2019",
                         "Tux, 26 Feb 2019", "26 Feb 2019 15:01:01 XYZ", "26 Feb 2019 25:00",
                         "26 Feb 2019 15:61", "26 Feb 2019 15:01:01 +05", "26 Feb 2019 ",
                         " 26 Feb 2019", "26 Feb 201", "26 Feb 20190", "26-FEB 2019",
                         "26 FEB-2019", "Feb 26 2019", "Feb 26, 19", "26/02/2019",
                         "26 Feb 2019 15:01:01 GMT(x)", "26 Feb 2019 15:01:01 GMT (x",
                         "2019", "20190226", "1551193261.", "1551193261 ", "-1551193261",
                         "1234567890123", "Tue,", "Feb", "26"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        reject(bad[i]);
}

static uint64_t rng(unsigned long long *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return *st >> 33;
}

/* Random dates, times and zones: the parser agrees with timegm(), and a day
 * it rejects is exactly one that timegm() would normalise into another month. */
static void test_timegm(void)
{
    unsigned long long st = g_seed;
    int bad = 0;
    for (int it = 0; it < 5000 && bad < 10; it++) {
        const int y = 1 + (int)(rng(&st) % 9999), mo = 1 + (int)(rng(&st) % 12);
        const int d = 1 + (int)(rng(&st) % 31);
        const int hh = (int)(rng(&st) % 24), mi = (int)(rng(&st) % 60);
        const int ss = (int)(rng(&st) % 60), ms = (int)(rng(&st) % 1000);
        const int form = (int)(rng(&st) % 8);
        const int tzh = (int)(rng(&st) % 24), tzm = (int)(rng(&st) % 60);
        const int tzsign = rng(&st) & 1 ? 1 : -1;
        char s[64];
        int tz = 0; /* minutes east of UTC */
        switch (form) {
        case 0:
            snprintf(s, sizeof s, "%04d-%02d-%02d", y, mo, d);
            break;
        case 1:
            snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d", y, mo, d, hh, mi);
            break;
        case 2:
            snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, hh, mi, ss);
            break;
        case 3:
            snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", y, mo, d, hh,
                     mi, ss, ms, tzsign > 0 ? '+' : '-', tzh, tzm);
            tz = tzsign * (tzh * 60 + tzm);
            break;
        case 4:
            snprintf(s, sizeof s, "%04d-%02d-%02d %02d:%02d:%02d%c%02d%02d", y, mo, d, hh, mi,
                     ss, tzsign > 0 ? '+' : '-', tzh, tzm);
            tz = tzsign * (tzh * 60 + tzm);
            break;
        default: {  /* day and month names as strftime() writes them (C locale) */
            static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            if (form == 5) {  /* RFC 2822, the day's name from timegm() below */
                struct tm w = {0};
                w.tm_year = y - 1900;
                w.tm_mon = mo - 1;
                w.tm_mday = d;
                (void)timegm(&w);
                char day[8];
                strftime(day, sizeof day, "%a", &w);
                snprintf(s, sizeof s, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", day, d,
                         mon[mo - 1], y, hh, mi, ss, tzsign > 0 ? '+' : '-', tzh, tzm);
                tz = tzsign * (tzh * 60 + tzm);
            } else if (form == 6) {
                snprintf(s, sizeof s, "%02d-%s-%04d %02d:%02d:%02d", d, mon[mo - 1], y, hh, mi,
                         ss);
            } else {
                snprintf(s, sizeof s, "%s %d, %04d %02d:%02d:%02d", mon[mo - 1], d, y, hh, mi,
                         ss);
            }
            break;
        }
        }
        struct tm tm = {0};
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        if (form > 0) {
            tm.tm_hour = hh;
            tm.tm_min = mi;
        }
        if (form > 1)
            tm.tm_sec = ss;
        if (form > 4) {
            tm.tm_hour = hh;
            tm.tm_min = mi;
            tm.tm_sec = ss;
        }
        const time_t t = timegm(&tm);
        const int valid = tm.tm_mday == d && tm.tm_mon == mo - 1;
        double got;
        const int rc = parse(s, &got);
        if (!valid) {
            if (rc != -1) {
                ND_CHECK_MSG(rc == -1, "\"%s\" accepted (seed %llu)", s, g_seed);
                bad++;
            }
            continue;
        }
        const double want = ((double)t - tz * 60.0 + (form == 3 ? ms / 1000.0 : 0)) / 86400.0;
        if (rc != 0 || fabs(got - want) * 86400 > 1e-3) {
            ND_CHECK_MSG(0, "\"%s\": rc %d, %.9f, want %.9f (seed %llu)", s, rc, got, want,
                         g_seed);
            bad++;
        }
    }
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, g_seed);
    printf("test_date: seed %llu (rerun: test_date --seed N)\n", g_seed);
    ND_RUN(test_exact);
    ND_RUN(test_leap);
    ND_RUN(test_fraction);
    ND_RUN(test_rejected);
    ND_RUN(test_lenient);
    ND_RUN(test_other_forms);
    ND_RUN(test_timegm);
    return nd_test_end("test_date");
}
