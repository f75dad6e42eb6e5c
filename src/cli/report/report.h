/*
 * report.h - what `neardup analyze` writes for people (report.c; CLI only,
 * never installed): summary.json, the counts of every stage, and
 * report.html, one self-contained page (docs/report.md).
 */
#ifndef ND_REPORT_H
#define ND_REPORT_H

#include <stdio.h>

#include "corpus/corpus.h"
#include "corpus/digest.h"
#include "corpus/results.h"

/* The results a report reads: the corpus after its run (r->dd_user the
 * duplicates, r->ru the boilerplate and passages), the deduplication's
 * parameters, the stories after nd_story_cluster, and the passages that link
 * stories (not between copies), sorted by (a, b). */
typedef struct report_in {
    rrun *r;
    const nd_params *dp;
    nd_story *sy;
    const nd_passage *links;
    size_t nlinks;
    const results_labels *labels;  /* the stories' labels */
    uint64_t text_budget;          /* bytes of texts embedded at most, 0 = all */
    const char *digest;            /* the stories' digests (digest_write's report records,
                                      comma-separated), NULL: none */
    size_t digest_len;
    const digest_totals *digest_totals; /* their counts, NULL: no digests */
} report_in;

/* summary.json: 0, or -1 after a write error. */
int report_summary_json(const report_in *in, FILE *fp);
/* report.html: 0, or an exit code with *why set (EXIT_INPUT: a text could not
 * be read back, or a write error; EXIT_INTERNAL: out of memory). */
int report_html(const report_in *in, FILE *fp, const char **why);

/* The page (generated at build time from src/cli/report/page.html): the data
 * goes where the page holds the marker ND_REPORT_MARKER, the texts where it
 * holds ND_REPORT_TEXTS. */
extern const char nd_report_page[];
#define ND_REPORT_MARKER "/*@ND_DATA@*/"
#define ND_REPORT_TEXTS "/*@ND_TEXTS@*/"

#endif
