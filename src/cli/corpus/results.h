/*
 * results.h - the JSON Lines outputs read from a corpus (results.c; CLI only,
 * never installed): the passages, passage clusters, boilerplate segments and
 * stripped documents of an nd_reuse, and the stories of an nd_story
 * (docs/output-format.md). `neardup reuse`, `boilerplate`, `stories` and
 * `analyze` write them; on several processes the texts they quote are
 * fetched from the processes holding them, a batch at a time.
 */
#ifndef ND_RESULTS_H
#define ND_RESULTS_H

#include "corpus/corpus.h"
#include "write/output.h"

/* A writer of one output: 0, or -1 (out of memory, or r->text_err set when
 * a text could not be read back), or -2 for stories when a label failed
 * (nd_story_errdetail says why). */
typedef int (*results_fn)(rrun *r, FILE *fp);

int results_passages(rrun *r, FILE *fp);   /* the passages */
int results_pclusters(rrun *r, FILE *fp);  /* the passage clusters */
int results_boilers(rrun *r, FILE *fp);    /* the boilerplate segments */
int results_stripped(rrun *r, FILE *fp);   /* the documents without their boilerplate */

/* Opens out on path and writes fn's output to it (committed later with
 * cli_out_commit_all). Returns 0 or an exit code (a message printed). */
int results_write_one(rrun *r, cli_out *out, const char *path, results_fn fn);

/* Does document a share one of the passages ps[0..nps) (sorted by (a, b))
 * with document b? */
int results_shares_passage(const nd_passage *ps, size_t nps, uint32_t a, uint32_t b);

/* After a label failed (-2 from the functions below): nd_story_errdetail on
 * stderr, and the exit status: 2 when a text could not be read back (I/O), 4
 * else. */
int results_label_failed(nd_story *sy);
/* The label of story k (its heaviest terms, space-separated) into lab:
 * its length, or -1 when it failed (nd_story_errdetail says why). */
int results_story_label(rrun *r, nd_story *sy, size_t k, char lab[512]);
/* The relation of member i of the story m[b..e) to another member: "copy",
 * "near-duplicate", "template" (through r->dd and r->reps), "reuse" (a
 * passage of ps[0..nps), sorted by (a, b)) or "independent"; *of = the
 * other member, UINT32_MAX for independent. */
const char *results_member_relation(const rrun *r, const nd_passage *ps, size_t nps,
                                    const nd_story_member *m, size_t b, size_t e, size_t i,
                                    uint32_t *of);

/* The title of the story m[b..e): its central member's (the most similar to the
 * centroid, the first on ties), or NULL when it has none. */
const char *results_story_title(const rrun *r, const nd_story_member *m, size_t b, size_t e);
/* How many stories, how many of 2+ documents, the documents in those, the largest. */
typedef struct results_story_counts {
    size_t stories, multi, in_multi, largest;
} results_story_counts;
/* 0, or -1 before nd_story_cluster. */
int results_count_stories(nd_story *sy, results_story_counts *c);
/* Every story's label, made once for the outputs that show them. */
typedef struct results_labels {
    char *text;     /* the labels, NUL-terminated, back to back */
    size_t *off;    /* story k's label at text + off[k] */
    size_t n;
} results_labels;
/* 0, -1 when out of memory, -2 when a label failed (nd_story_errdetail). */
int results_labels_make(rrun *r, nd_story *sy, results_labels *out);
void results_labels_free(results_labels *l);

/* The stories of sy (after nd_story_cluster), each member with its relation
 * to another (copy, near-duplicate, template through r->dd and r->reps; reuse
 * through the passages ps[0..nps), sorted by (a, b)); the labels from labels,
 * or made here when it is NULL. Returns 0, -1 when out of memory, -2 when a
 * label failed. */
int results_stories(rrun *r, nd_story *sy, const nd_passage *ps, size_t nps,
                    const results_labels *labels, FILE *fp);

/* Listings for a person on stdout (a terminal, no -o, no --json): the passages,
 * each with its ranges and the start of its text; the boilerplate segments;
 * the stories of 2+ documents, each member dated, with its source and its
 * relation (then a count of the others). 0 or an exit code; -2 for stories
 * when a label failed (nd_story_errdetail says why). */
int results_show_passages(rrun *r);
/* t[0..len) on one line for a listing: white space runs as one space, control
 * bytes dropped, cut after max bytes (whole characters) with "...". */
void results_show_snippet(const char *t, size_t len, size_t max);
/* The same on fp. */
void results_put_snippet(FILE *fp, const char *t, size_t len, size_t max);
/* Document d's id for a listing (cli_show). */
void results_show_id(const rrun *r, uint32_t d);
int results_show_boilers(rrun *r);
int results_show_stories(rrun *r, nd_story *sy, const nd_passage *ps, size_t nps);

#endif
