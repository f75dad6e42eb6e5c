/*
 * date.c - the dates of records (--date-field, WARC-Date).
 *
 * Read forms (nothing before or after; month and day names in English, any
 * case, whole or abbreviated to three letters, or "Sept"):
 *   ISO 8601     YYYY-MM-DD, optionally followed by T or a space,
 *                hh:mm[:ss[.frac]] and Z or +hh:mm / -hh:mm / +hhmm
 *   RFC 2822     [Tue[,]] 26 Feb 2019 [15:01[:01]] [zone] [(comment)]: zone
 *                +hhmm, -hhmm, GMT, UT, UTC, Z, or a North American
 *                EST/EDT/CST/CDT/MST/MDT/PST/PDT; a two-digit year is 19YY
 *                from 50, else 20YY (RFC 2822's obsolete years)
 *   news wires   26-FEB-2019 [15:01:01[.79]] (time of day as in ISO, UTC)
 *   US style     Feb 26, 2019 [15:01[:01]] (UTC)
 *   Unix time    seconds since 1970-01-01 UTC, as 9 to 12 digits with an
 *                optional fraction (a JSON number or a string)
 * They become days since 1970-01-01 (UTC), as a double with the time of day
 * as its fraction. Anything else is not a date: the caller counts it.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "read/date.h"
#include "read/reader.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t k, unsigned *out)
{
    if (at + k > n)
        return -1;
    unsigned v = 0;
    for (size_t i = at; i < at + k; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* The digits of a decimal fraction from s[i] (just past its point) added to
 * *v: the index past them, i itself when there is none. */
static size_t fraction(const char *s, size_t n, size_t i, double *v)
{
    double scale = 0.1;
    for (; i < n && is_digit(s[i]); i++, scale /= 10)
        *v += (s[i] - '0') * scale;
    return i;
}

/* Is y-mo-d a day of the calendar? */
static int valid_day(unsigned y, unsigned mo, unsigned d)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && !(mo == 2 && d == 29 && !leap);
}

/* The moment: a day plus a time of day in minutes east of UTC tz. */
static double moment(unsigned y, unsigned mo, unsigned d, unsigned hh, unsigned mm, unsigned ss,
                     double frac, double tz)
{
    return (double)days_from_civil(y, mo, d) +
           ((hh * 60.0 + mm - tz) * 60.0 + ss + frac) / 86400.0;
}

static int iso_date(const char *s, size_t n, double *days)
{
    unsigned y, mo, d, hh = 0, mm = 0, ss = 0;
    if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || digits(s, n, 8, 2, &d) || !valid_day(y, mo, d))
        return -1;
    size_t i = 10;
    double frac = 0, tz = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        if (digits(s, n, i + 1, 2, &hh) || i + 3 >= n || s[i + 3] != ':' ||
            digits(s, n, i + 4, 2, &mm) || hh > 23 || mm > 59)
            return -1;
        i += 6;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &ss) || ss > 60)
                return -1;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                const size_t k = fraction(s, n, i + 1, &frac);
                if (k == i + 1)
                    return -1;
                i = k;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            unsigned th, tm = 0;
            if (digits(s, n, i + 1, 2, &th))
                return -1;
            size_t k = i + 3;
            if (k < n && s[k] == ':')
                k++;
            if (k < n || s[k - 1] == ':') { /* "+02:" needs its minutes */
                if (digits(s, n, k, 2, &tm))
                    return -1;
                k += 2;
            }
            if (th > 23 || tm > 59)
                return -1;
            tz = (s[i] == '+' ? 1 : -1) * (th * 60.0 + tm);
            i = k;
        }
    }
    if (i != n)
        return -1;
    *days = moment(y, mo, d, hh, mm, ss, frac, tz);
    return 0;
}

/* ---- the other forms, read with a cursor ---- */

typedef struct cur {
    const char *s;
    size_t n, i;
} cur;

static void blanks(cur *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t'))
        c->i++;
}

/* 1 to max digits: their value, or -1 when there is none. */
static long number(cur *c, size_t max)
{
    size_t k = 0;
    long v = 0;
    while (c->i < c->n && k < max && is_digit(c->s[c->i])) {
        v = v * 10 + (c->s[c->i++] - '0');
        k++;
    }
    if (k == 0 || (c->i < c->n && is_digit(c->s[c->i])))
        return -1;  /* none, or more than max */
    return v;
}

static int eat(cur *c, char ch)
{
    if (c->i < c->n && c->s[c->i] == ch) {
        c->i++;
        return 1;
    }
    return 0;
}

/* A word of letters: its length (0: none), at *w. */
static size_t word(cur *c, const char **w)
{
    *w = c->s + c->i;
    size_t k = 0;
    while (c->i < c->n && is_alpha(c->s[c->i])) {
        c->i++;
        k++;
    }
    return k;
}

static int word_is(const char *w, size_t k, const char *lit)
{
    if (strlen(lit) != k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(w[i]) != lit[i])
            return 0;
    return 1;
}

/* Are the k letters at w the first three of name, or all of it? */
static int name_is(const char *w, size_t k, const char *name)
{
    if (k != 3)
        return word_is(w, k, name);
    return lower(w[0]) == name[0] && lower(w[1]) == name[1] && lower(w[2]) == name[2];
}

/* A month name (whole, its first three letters, or "sept"): 1-12, or 0. */
static unsigned month_of(const char *w, size_t k)
{
    static const char *const names[] = {"january", "february", "march",     "april",
                                        "may",     "june",     "july",      "august",
                                        "september", "october", "november", "december"};
    for (unsigned m = 0; m < 12; m++)
        if (name_is(w, k, names[m]))
            return m + 1;
    return word_is(w, k, "sept") ? 9 : 0;
}

/* hh:mm[:ss[.frac]] if a digit comes: 0, or -1 when malformed. */
static int clock_time(cur *c, unsigned *hh, unsigned *mm, unsigned *ss, double *frac)
{
    if (c->i >= c->n || !is_digit(c->s[c->i]))
        return 0;
    const long h = number(c, 2);
    if (h < 0 || h > 23 || !eat(c, ':'))
        return -1;
    const long m = number(c, 2);
    if (m < 0 || m > 59)
        return -1;
    *hh = (unsigned)h;
    *mm = (unsigned)m;
    if (eat(c, ':')) {
        const long sec = number(c, 2);
        if (sec < 0 || sec > 60)
            return -1;
        *ss = (unsigned)sec;
        if (eat(c, '.') || eat(c, ',')) {
            const size_t at = c->i;
            if ((c->i = fraction(c->s, c->n, at, frac)) == at)
                return -1;
        }
    }
    return 0;
}

/* An optional zone, in minutes east of UTC: 0, or -1 when malformed. */
static int zone(cur *c, double *tz)
{
    if (c->i == c->n)
        return 0;
    blanks(c);
    if (c->i == c->n)
        return -1;  /* blanks at the end */
    if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-')) {
        const int sign = c->s[c->i++] == '+' ? 1 : -1;
        unsigned v;
        if (digits(c->s, c->n, c->i, 4, &v) || v / 100 > 23 || v % 100 > 59)
            return -1;
        c->i += 4;
        *tz = sign * (v / 100 * 60.0 + v % 100);
        return 0;
    }
    const char *w;
    const size_t k = word(c, &w);
    if (k == 0 || word_is(w, k, "gmt") || word_is(w, k, "ut") || word_is(w, k, "utc") ||
        word_is(w, k, "z"))
        return 0;
    static const struct {
        const char *name;
        int hours;
    } na[] = {{"est", -5}, {"edt", -4}, {"cst", -6}, {"cdt", -5},
              {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
    for (size_t z = 0; z < sizeof na / sizeof na[0]; z++)
        if (word_is(w, k, na[z].name)) {
            *tz = na[z].hours * 60.0;
            return 0;
        }
    return -1;
}

/* The end, or after a zone a blank and a "(comment)" (RFC 2822's "(EST)"). */
static int at_end(cur *c)
{
    if (c->i == c->n)
        return 1;
    const size_t at = c->i;
    blanks(c);
    if (c->i == at || c->i == c->n || c->s[c->i] != '(' || c->s[c->n - 1] != ')')
        return 0;
    return memchr(c->s + c->i + 1, ')', c->n - c->i - 1) == c->s + c->n - 1;
}

static int finish(cur *c, unsigned y, unsigned mo, unsigned d, double *days)
{
    unsigned hh = 0, mm = 0, ss = 0;
    double frac = 0, tz = 0;
    if (!valid_day(y, mo, d))
        return -1;
    if (c->i < c->n) {  /* a blank, then a time of day or a zone */
        const size_t at = c->i;
        blanks(c);
        if (c->i == at || c->i == c->n || clock_time(c, &hh, &mm, &ss, &frac) ||
            zone(c, &tz) || !at_end(c))
            return -1;
    }
    *days = moment(y, mo, d, hh, mm, ss, frac, tz);
    return 0;
}

/* 26 Feb 2019 ..., [Tue,] first; 26-FEB-2019 ... */
static int day_first(cur *c, double *days)
{
    const char *w;
    size_t k = word(c, &w);
    if (k) {  /* a day name: three letters or whole, then a comma */
        static const char *const wd[] = {"monday", "tuesday", "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};
        int ok = 0;
        for (size_t x = 0; x < 7 && !ok; x++)
            ok = name_is(w, k, wd[x]);
        if (!ok)
            return -1;
        eat(c, ',');
        blanks(c);
    }
    const long d = number(c, 2);
    if (d < 0)
        return -1;
    const int dashed = eat(c, '-');
    if (!dashed)
        blanks(c);
    k = word(c, &w);
    const unsigned mo = month_of(w, k);
    if (!mo)
        return -1;
    if (dashed && !eat(c, '-'))
        return -1;
    if (!dashed)
        blanks(c);
    const size_t at = c->i;
    long y = number(c, 4);
    if (y < 0)
        return -1;
    if (c->i - at == 2)
        y += y >= 50 ? 1900 : 2000;
    else if (c->i - at != 4)
        return -1;
    return finish(c, (unsigned)y, mo, (unsigned)d, days);
}

/* Feb 26, 2019 ... */
static int month_first(cur *c, double *days)
{
    const char *w;
    const size_t k = word(c, &w);
    const unsigned mo = month_of(w, k);
    if (!mo)
        return -1;
    blanks(c);
    const long d = number(c, 2);
    if (d < 0 || !eat(c, ','))
        return -1;
    blanks(c);
    const size_t at = c->i;
    const long y = number(c, 4);
    if (y < 0 || c->i - at != 4)
        return -1;
    return finish(c, (unsigned)y, mo, (unsigned)d, days);
}

/* digits[.digits]: seconds since 1970-01-01 UTC. */
static int unix_time(const char *s, size_t n, double *days)
{
    double v = 0;
    size_t i = 0;
    for (; i < n && is_digit(s[i]); i++)
        v = v * 10 + (s[i] - '0');
    if (i < 9 || i > 12)  /* from 1973-03-03 to the year 33658; a year alone is not one */
        return -1;
    if (i < n && s[i] == '.') {
        const size_t at = i + 1;
        if ((i = fraction(s, n, at, &v)) == at)
            return -1;
    }
    if (i != n)
        return -1;
    *days = v / 86400.0;
    return 0;
}

int cli_parse_date(const char *s, size_t n, double *days)
{
    if (n == 0 || s[0] == ' ' || s[0] == '\t')
        return -1;
    double v;
    if (iso_date(s, n, &v) == 0 || unix_time(s, n, &v) == 0) {
        *days = v;
        return 0;
    }
    cur c = {s, n, 0};
    if (day_first(&c, &v) != 0) {
        c.i = 0;
        if (month_first(&c, &v) != 0)
            return -1;
    }
    *days = v;
    return 0;
}

double cli_record_date(cli_dates *t, const rd_record *rec)
{
    double days;
    const char *date = rec->date;
    const size_t len = rec->date_len;
    if (!date)
        return NAN;
    t->seen++;
    if (cli_parse_date(date, len, &days) == 0)
        return days;
    char where[300];  /* only for a date not read */
    if (rec->line)
        snprintf(where, sizeof where, "%s:%llu", rec->path, (unsigned long long)rec->line);
    else
        snprintf(where, sizeof where, "%s", rec->id);
    if (t->bad++ == 0)
        snprintf(t->first, sizeof t->first, "%s: '%.*s'", where, (int)(len < 64 ? len : 64),
                 date);
    cli_log(3, "%s: date '%.*s' not read: undated", where, (int)(len < 200 ? len : 200), date);
    return NAN;
}

void cli_dates_warn(const cli_dates *t, uint64_t records, const char *field)
{
    if (records && !t->seen && field && strcmp(field, "date") != 0)
        cli_log(1, "warning: no record has a \"%s\" field (--date-field)", field);
    if (t->bad)
        cli_log(2, "warning: %llu of %llu %s could not be read, the first %s; %s undated "
                   "(read: ISO 8601, RFC 2822, 26-FEB-2019 15:01:01, Feb 26, 2019, Unix "
                   "seconds; -v lists them)",
                (unsigned long long)t->bad, (unsigned long long)t->seen,
                cli_plural(t->seen, "date", "dates"), t->first,
                t->bad == 1 ? "its document is" : "their documents are");
}
