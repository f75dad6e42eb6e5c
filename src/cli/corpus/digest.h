/*
 * digest.h - story digests of a corpus (digest.c; CLI only, never
 * installed): which stories to digest (found by nd_story, or read from a
 * stories file), and their digests written as JSON Lines or as a listing for
 * a person (docs/output-format.md, "digest"). `neardup digest` and
 * `neardup analyze` write them.
 */
#ifndef ND_DIGEST_H
#define ND_DIGEST_H

#include "corpus/corpus.h"
#include "corpus/results.h"

/* The stories to digest: story i has the documents docs[off[i] .. off[i + 1]),
 * its number num[i] and its label label[i] (NULL: none). */
typedef struct digest_stories {
    size_t n;
    size_t *off;
    uint32_t *docs;
    uint64_t *num;
    char **label;
} digest_stories;

/* The stories of sy (after nd_story_cluster) of min_size documents or more
 * (only: story number only, or -1 for all), labelled from labels (NULL: none).
 * 0, or -1 when out of memory. */
int digest_stories_of(const nd_story *sy, size_t min_size, long long only,
                      const results_labels *labels, digest_stories *out);
/* The stories of the JSON Lines file path (`neardup stories`' output: "story",
 * "label", "members": [{"id": ...}]), whose ids must be r's. 0, or an exit
 * code (a message naming the file and line printed). */
int digest_stories_read(const rrun *r, const char *path, size_t min_size, long long only,
                        digest_stories *out);
void digest_stories_free(digest_stories *s);

/* What the digests hold, summed over the stories. */
typedef struct digest_totals {
    size_t stories, groups, core, unique, disagreements, contradictions, aliases;
} digest_totals;

typedef struct digest_opts {
    const char *lang;   /* stemming language (NULL: english) */
    unsigned threads;   /* 0: one per core */
    int no_text;        /* items without their text */
    int listing;        /* a listing for a person on stdout, not JSON */
    digest_totals *totals; /* NULL, or filled by digest_write */
} digest_opts;

/* The digest of every story of st, in order, with the passages ps[0..nps) of
 * r->ru (any order) as verbatim evidence, to fp (JSON Lines; NULL: none) or
 * stdout (a listing), and, unless report is NULL, to report the stories'
 * digests for report.html, comma-separated (the caller writes the brackets;
 * docs/report.md): [story, core groups, other groups, disagreements,
 * contradictions, names], documents by number, texts cut. 0, or an exit code
 * (a message printed). */
int digest_write(rrun *r, const nd_params *params, const digest_stories *st,
                 const nd_passage *ps, size_t nps, const digest_opts *o, FILE *fp,
                 FILE *report);

#endif
