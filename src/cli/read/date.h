/* date.h - the dates of records (date.c; never installed). */
#ifndef ND_DATE_H
#define ND_DATE_H

#include <stddef.h>
#include <stdint.h>

/* A date or date-time s[0..n) in one of the forms date.c lists (ISO 8601,
 * RFC 2822, 26-FEB-2019 15:01:01, Feb 26, 2019, Unix seconds) -> days since
 * 1970-01-01 UTC in *days; returns 0, or -1 when s is none (*days unchanged). */
int cli_parse_date(const char *s, size_t n, double *days);

/* The dates of a command's records: how many there were and how many could
 * not be read, with the first of those. */
typedef struct cli_dates {
    uint64_t seen, bad;
    char first[320];  /* the first date not read: "FILE:LINE: 'text'" */
} cli_dates;

struct rd_record;
/* The date of record rec (rec->date, NULL: none), read into days since
 * 1970-01-01; an unreadable one is counted, the first kept as "FILE:LINE"
 * (or the record's id where it has no line), and listed at -v. Returns NAN
 * when the record is undated. */
double cli_record_date(cli_dates *t, const struct rd_record *rec);

/* After reading: warns when a --date-field other than "date" is in no record,
 * and when dates could not be read. */
void cli_dates_warn(const cli_dates *t, uint64_t records, const char *field);

#endif
