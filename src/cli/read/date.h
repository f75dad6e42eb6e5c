/* date.h - the dates of records (date.c; never installed). */
#ifndef ND_DATE_H
#define ND_DATE_H

#include <stddef.h>

/* A date or date-time s[0..n) in one of the forms date.c lists (ISO 8601,
 * RFC 2822, 26-FEB-2019 15:01:01, Feb 26, 2019, Unix seconds) -> days since
 * 1970-01-01 UTC in *days; returns 0, or -1 when s is none (*days unchanged). */
int cli_parse_date(const char *s, size_t n, double *days);

#endif
