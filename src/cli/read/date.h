/* date.h - ISO 8601 dates of records (date.c; never installed). */
#ifndef ND_DATE_H
#define ND_DATE_H

#include <stddef.h>

/* ISO 8601 date or date-time s[0..n) -> days since 1970-01-01 UTC in *days;
 * returns 0, or -1 when s is not such a date (*days unchanged). */
int cli_parse_date(const char *s, size_t n, double *days);

#endif
