/*
 * dedup_out.h - the outputs of a deduplication (dedup_out.c; CLI only, never
 * installed): clusters, pairs and removed ids as JSON Lines
 * (docs/output-format.md), the listing for a person, and what differs
 * between two templates. `neardup dedup` and `neardup analyze` write them.
 */
#ifndef ND_DEDUP_OUT_H
#define ND_DEDUP_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "neardup.h"

/* What differs between two templates (a pair, or a member and its
 * representative): the first differing run of values in each, as bytes of
 * the originals, and how many days apart they are dated. */
typedef struct cli_tdiff {
    nd_template_diff d;
    double days;           /* NAN: not both dated */
    char x[72], y[72];     /* the runs' text, cut at 64 bytes (a character boundary) */
} cli_tdiff;

/* A document's text as the deduplicator read it, and its date. */
typedef struct cli_dtext {
    char *text;
    size_t len;
    double date;  /* NAN: none */
} cli_dtext;

/* Document doc's id and its length (an id may hold NUL bytes). */
typedef const char *(*cli_id_fn)(const void *ctx, uint32_t doc, size_t *len);

/* What the writers read: the deduplicator after nd_dedup_run, its document
 * count, the ids, and the template differences (NULL: none computed). */
typedef struct cli_dd_view {
    nd_dedup *dd;
    size_t ndocs;
    cli_id_fn id;
    const void *ctx;
    const cli_tdiff *pdiff;  /* per pair of nd_dedup_pairs */
    const cli_tdiff *mdiff;  /* per document: against its representative */
} cli_dd_view;

/* Marks need[doc] = 1 for every document a template difference needs (the
 * template pairs when pairs is set, the template members); returns how many
 * differences there are (0: no text is needed). */
size_t cli_dd_template_needs(nd_dedup *dd, size_t ndocs, int pairs, uint8_t *need);
/* The differences from the texts tx[0..ndocs) (those marked by
 * cli_dd_template_needs), into new arrays *pdiff (per pair, when pairs) and
 * *mdiff (per document). Returns 0 or an exit code (a message printed). */
int cli_dd_template_diffs(nd_dedup *dd, const nd_params *params, size_t ndocs, int pairs,
                          const cli_dtext *tx, cli_tdiff **pdiff, cli_tdiff **mdiff);

/* The JSON Lines outputs: 0, or EXIT_INTERNAL. */
int cli_dd_write_clusters(const cli_dd_view *v, FILE *fp);
int cli_dd_write_pairs(const cli_dd_view *v, FILE *fp);
int cli_dd_write_removed(const cli_dd_view *v, FILE *fp);
/* The listing for a person on stdout: 0 or an exit code. */
int cli_dd_show_clusters(const cli_dd_view *v);

#endif
