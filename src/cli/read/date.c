/*
 * date.c - the dates of records (--date-field, WARC-Date).
 *
 * Dates are ISO 8601: YYYY-MM-DD, optionally followed by T or a space,
 * hh:mm[:ss[.frac]] and Z or +hh:mm / -hh:mm. They become days since
 * 1970-01-01 (UTC), as a double with the time of day as its fraction.
 */
#include <stddef.h>
#include <stdint.h>

#include "read/date.h"

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

int cli_parse_date(const char *s, size_t n, double *days)
{
    unsigned y, mo, d, hh = 0, mm = 0, ss = 0;
    if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &mo) ||
        s[7] != '-' || digits(s, n, 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
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
                double scale = 0.1;
                size_t k = i + 1;
                for (; k < n && s[k] >= '0' && s[k] <= '9'; k++, scale /= 10)
                    frac += (s[k] - '0') * scale;
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
    *days = (double)days_from_civil(y, mo, d) +
            ((hh * 60.0 + mm - tz) * 60.0 + ss + frac) / 86400.0;
    return 0;
}

