/*
 * idoc.h - records of the reader as documents of the persistent index
 * (idoc.c; CLI only, never installed).
 *
 * A record's strings are borrowed until the next rd_next(); nd_index_add()
 * takes a batch of documents at once, so a batch holds its own copies.
 */
#ifndef ND_IDOC_H
#define ND_IDOC_H

#include <stddef.h>

#include "neardup.h"
#include "read/reader.h"

/* The document of record @p r, borrowing its strings: id, text, title,
 * source, and the date as written (--date-field, WARC-Date), which counts as
 * a date (has_date, date_days) when cli_parse_date() reads it; lang NULL. */
void cli_idoc_of_record(const rd_record *r, nd_index_doc *d);

/* Documents with their own copies of the strings. */
typedef struct cli_idoc_batch {
    nd_index_doc *docs;  /* n documents, pointing into blocks[] */
    char **blocks;       /* one malloc'd block per document */
    size_t n, cap;
} cli_idoc_batch;

/* Appends a copy of record @p r (cli_idoc_of_record); @p lang (may be NULL)
 * is borrowed for the batch's life. Returns 0, or -1 when out of memory. */
int cli_idoc_push(cli_idoc_batch *b, const rd_record *r, const char *lang);
/* Empties the batch (keeps its arrays). */
void cli_idoc_clear(cli_idoc_batch *b);
/* Frees everything; the batch is then empty and may be reused. */
void cli_idoc_free(cli_idoc_batch *b);

#endif
