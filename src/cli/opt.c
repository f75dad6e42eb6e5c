/* opt.c - overflow-checked number parsing for options. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

int cli_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    /* a digit first: strtoull would skip spaces and take " -1" as 2^64 - 1 */
    if (!s || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    /* digits, then an optional fraction: exact integer arithmetic, no strtod rounding */
    const char *end = s;
    unsigned long long v = 0;
    for (; *end >= '0' && *end <= '9'; end++) {
        const unsigned d = (unsigned)(*end - '0');
        if (v > (~0ULL - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    const int has_frac = *end == '.';
    unsigned long long frac = 0, scale = 1; /* fraction = frac / scale */
    if (*end == '.') {
        end++;
        if (*end < '0' || *end > '9')
            return -1;
        for (; *end >= '0' && *end <= '9'; end++)
            if (scale < 1000000000000ULL) { /* 12 digits are plenty; the rest ignored */
                frac = frac * 10 + (unsigned)(*end - '0');
                scale *= 10;
            }
    }
    unsigned shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    case 't': case 'T': shift = 40; end++; break;
    default: break;
    }
    if (shift && *end == 'i')
        end++;
    if (*end == 'B')
        end++;
    if (*end || (has_frac && !shift)) /* a fraction is of a unit: 1.5M, not 1.5 bytes */
        return -1;
    if (shift && v > (~0ULL >> shift))
        return -1;
    /* the fraction of the unit, rounded down to a byte (1.5M = 1572864), exactly:
     * frac < 10^12 and the unit <= 2^40, so the product fits 128 bits */
    const unsigned long long part =
        (unsigned long long)(((unsigned __int128)frac << shift) / scale);
    if ((v << shift) > ~0ULL - part)
        return -1;
    *out = (v << shift) + part;
    return 0;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno || *end || isnan(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

double cli_param_default(nd_param id)
{
    double def = 0;
    if (nd_params_bounds(id, NULL, NULL, &def) != ND_OK)
        return 0;
    return def;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    if (g_secondary)
        return EXIT_USAGE;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s %s: ", g_prog, cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ntry '%s %s --help'\n", g_prog, cmd);
    return EXIT_USAGE;
}

int cli_set_param(const char *cmd, nd_params *p, nd_param id, const char *arg, const char *opt)
{
    double v, lo = 0, hi = 0;
    if (nd_params_bounds(id, &lo, &hi, NULL) != ND_OK)
        return EXIT_USAGE;
    if (cli_parse_double(arg, lo, hi, &v) || nd_params_set(p, id, v) != ND_OK)
        /* %.15g: integers as integers (4294967295, not 4.29497e+09) */
        return cli_usage_error(cmd, "%s: invalid value '%s' (range %.15g to %.15g%s)", opt, arg,
                               lo, hi, id == ND_P_NUM_PERM ? ", a multiple of 8" : "");
    return 0;
}

int cli_option_error(const char *cmd, int c, char **argv, const struct option *longopts)
{
    const char *a = argv[optind - 1];
    if (c == ':') {
        if (optopt > 0 && optopt < 128 && strncmp(a, "--", 2) != 0)
            return cli_usage_error(cmd, "option '-%c' needs a value", optopt);
        return cli_usage_error(cmd, "option '%s' needs a value", a);
    }
    if (optopt > 0 && strncmp(a, "--", 2) == 0 && strchr(a, '='))
        return cli_usage_error(cmd, "option '%.*s' takes no value", (int)(strchr(a, '=') - a),
                               a);
    if (optopt > 0 && optopt < 128)
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    if (strncmp(a, "--", 2) == 0) {
        const size_t n = strcspn(a + 2, "=");
        int matches = 0;
        for (const struct option *lo = longopts; lo->name; lo++)
            matches += strncmp(lo->name, a + 2, n) == 0;
        if (matches > 1)
            return cli_usage_error(cmd, "option '%.*s' is ambiguous", (int)n + 2, a);
    }
    return cli_usage_error(cmd, "unknown option '%s'", a);
}

int cli_grow(void **p, size_t *cap, size_t need, size_t item)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 256;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / item)
        return -1;
    void *q = realloc(*p, c * item);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}
