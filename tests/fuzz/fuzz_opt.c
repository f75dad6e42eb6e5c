/*
 * fuzz_opt.c - libFuzzer target for the CLI's option numbers: cli_parse_uint,
 * cli_parse_size and cli_parse_double (src/cli/opt.c).
 *
 * Input: one parameter byte, then the option's text (cut at its first NUL, in
 * an exact-size buffer so ASan sees any read past the terminator). The
 * parameter byte picks the bounds given to cli_parse_uint and
 * cli_parse_double.
 *
 * Differential checks, each against an independent reference written here:
 *   - cli_parse_uint accepts exactly the strings of decimal digits whose value
 *     fits in 64 bits and lies in [lo, hi], and gives that value;
 *   - cli_parse_size accepts exactly digits, then optionally a point and one
 *     or more digits (only before a unit), then optionally one of KMGT (any
 *     case) with an optional "i", then an optional "B", when the value times
 *     its power of 1024 fits in 64 bits, and gives that product rounded down
 *     to a byte (fraction digits past the twelfth are ignored);
 *   - cli_parse_double agrees with strtod (whole string, no range error, not
 *     NaN, within [lo, hi]) and on a string of digits agrees with the value
 *     the uint reference gives, rounded as strtod rounds it.
 * A disagreement aborts.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Decimal digits only: 0 and the value, or -1 (not digits, or over 64 bits). */
static int ref_digits(const char *s, size_t n, uint64_t *v)
{
    if (n == 0)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        const unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return 0;
}

static int ref_size(const char *s, uint64_t *out)
{
    size_t n = strlen(s), k = 0;
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    uint64_t v;
    if (ref_digits(s, k, &v))
        return -1;
    const char *t = s + k;
    /* the fraction: its first 12 digits as a numerator over 10^digits */
    uint64_t fnum = 0, fden = 1;
    const int has_frac = *t == '.';
    if (has_frac) {
        t++;
        size_t m = 0;
        while (t[m] >= '0' && t[m] <= '9')
            m++;
        if (m == 0)
            return -1;
        for (size_t i = 0; i < m && i < 12; i++) {
            fnum = fnum * 10 + (uint64_t)(t[i] - '0');
            fden *= 10;
        }
        t += m;
    }
    unsigned shift = 0;
    const char *const units = "kKmMgGtT";
    if (*t && strchr(units, *t)) {
        shift = 10 * (unsigned)(1 + (strchr(units, *t) - units) / 2);
        t++;
        if (*t == 'i')
            t++;
    }
    if (*t == 'B')
        t++;
    if (*t || (has_frac && !shift))
        return -1;
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    /* floor(fnum * 2^shift / fden), by long division one bit at a time */
    uint64_t part = 0, rem = fnum;
    for (unsigned b = 0; b < shift; b++) {
        rem *= 2;
        part = part * 2 + (rem >= fden);
        if (rem >= fden)
            rem -= fden;
    }
    if ((v << shift) > UINT64_MAX - part)
        return -1;
    *out = (v << shift) + part;
    return 0;
}

static const uint64_t k_ulo[] = {0, 1, 0, 2, 1000};
static const uint64_t k_uhi[] = {UINT64_MAX, 256, 0, 1000000, UINT64_MAX - 1};
static const double k_dlo[] = {0, -1, 0, -INFINITY, 1e-300};
static const double k_dhi[] = {1, 1, 1e9, INFINITY, 1e300};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const unsigned pick = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    const uint8_t *nul = memchr(p, 0, n);
    if (nul)
        n = (size_t)(nul - p);
    char *s = malloc(n + 1);
    CHECK(s);
    memcpy(s, p, n);
    s[n] = 0;

    /* unsigned integers */
    const uint64_t lo = k_ulo[pick % 5], hi = k_uhi[pick % 5];
    uint64_t got = 12345, want;
    const int rc = cli_parse_uint(s, lo, hi, &got);
    const int ref = ref_digits(s, n, &want) == 0 && want >= lo && want <= hi ? 0 : -1;
    CHECK(rc == ref);
    CHECK(rc != 0 || got == want);
    CHECK(rc == 0 || got == 12345);

    /* sizes */
    uint64_t sz = 777, szw;
    const int rs = cli_parse_size(s, &sz);
    CHECK(rs == ref_size(s, &szw));
    CHECK(rs != 0 || sz == szw);
    CHECK(rs == 0 || sz == 777);

    /* doubles */
    const double dlo = k_dlo[(pick / 5) % 5], dhi = k_dhi[(pick / 5) % 5];
    double d = 0.5;
    const int rd = cli_parse_double(s, dlo, dhi, &d);
    char *end;
    errno = 0;
    const double ds = strtod(s, &end);
    const int dref = n && !*end && !errno && !isnan(ds) && ds >= dlo && ds <= dhi ? 0 : -1;
    CHECK(rd == dref);
    CHECK(rd != 0 || (d == ds && d >= dlo && d <= dhi));
    CHECK(rd == 0 || d == 0.5);
    uint64_t u;
    if (ref_digits(s, n, &u) == 0 && n < 300) {
        /* digits: strtod's correctly rounded value, in range iff that is */
        const double du = strtod(s, NULL);
        CHECK(fabs(du - (double)u) <= ldexp(fabs(du), -52));
        CHECK(rd == (du >= dlo && du <= dhi ? 0 : -1));
    }
    free(s);
    return 0;
}
