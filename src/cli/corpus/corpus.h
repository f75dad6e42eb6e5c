/*
 * corpus.h - the in-memory corpus that reuse, boilerplate, stories and
 * similarity read (corpus.c; never installed): ids, sources, dates and
 * titles per document, the texts (in memory, or an unlinked file under
 * --memory), the copy groups of an nd_dedup pass, and an nd_reuse holding
 * the documents.
 */
#ifndef ND_CORPUS_H
#define ND_CORPUS_H

#include "cli.h"
#include "read/date.h"
#include "read/inputs.h"
#include "read/reader.h"

#define NO_IDX UINT32_MAX

typedef struct ropts {
    cli_inopts in;         /* input, resource and message options (inputs.h) */
    const char *output, *clusters, *boiler_out, *strip_out;
    int keep_boilerplate;  /* reuse: do not look for boilerplate */
    int boilerplate_cmd;   /* 1 for `neardup boilerplate` */
    int stories_cmd;       /* 1 for `neardup stories` and `neardup similarity`: titles and
                              date strings are kept, groups always made */
    int no_text;           /* passages without their text */
    int json;              /* --json: JSON Lines on a terminal too (not the listing) */
    int no_groups;         /* no copy groups wanted (similarity: vectors only) */
    nd_params *dedup_params; /* analyze: a second deduplicator (dd_user) of these
                              parameters is fed the same sketches and run; the
                              caller owns them */
} ropts;

typedef struct rrun {
    ropts o;
    const char *cmd;
    nd_params *params;
    nd_dedup *dd;          /* copies (resemblance 0.8, no containment): the copy groups */
    nd_dedup *dd_user;     /* o.dedup_params: analyze's deduplication */
    nd_reuse *ru;
    /* per document */
    char *ids; size_t ids_len, ids_cap;
    uint64_t *id_off; size_t id_cap;
    char *src; size_t src_len, src_cap;    /* sources, NUL-terminated */
    uint64_t *src_off; size_t src_cap2;    /* UINT64_MAX = none */
    double *date; size_t date_cap;         /* NAN = undated */
    char *meta; size_t meta_len, meta_cap; /* stories_cmd: titles and dates as read */
    uint64_t *title_off, *dstr_off;        /* into meta, UINT64_MAX = none */
    size_t meta_cap2, dstr_cap;
    uint64_t *text_off; size_t toff_cap;   /* ndocs + 1 */
    size_t ndocs;
    /* text store */
    char *texts; size_t texts_len, texts_cap;
    int text_fd;                           /* >= 0: texts live in this file */
    char **slot_buf; size_t *slot_cap;
    size_t nslots;
    uint64_t too_large, n_src;
    cli_dates dates;   /* the dates seen and not read */
    int keep_all;                          /* a record too large is an empty document */
    int text_err;                          /* a text could not be read back for output */
    const char **inputs;
    size_t ninputs;
    rd_stats rs;
    /* several processes (neardup-mpi): ndocs, ids (process 0), sources and
     * dates count every document; this process holds the texts of documents
     * [base, base + nlocal) */
    int dist;
    uint32_t base;
    size_t nlocal;
    uint32_t *reps;                        /* every document's copy group, after the dedup
                                              pass (corpus_copy_groups) */
    uint64_t *tlen;                        /* dist: every document's text length */
    rd_range *ranges;                      /* dist: the parts of the inputs read */
    struct corpus_fetched *fetched;        /* dist, process 0: the texts asked last */
} rrun;

/* A byte range of a document's text that an output needs. */
typedef struct corpus_ask {
    uint32_t doc, start, end;
} corpus_ask;


/* The operands after the options (argv[optind..argc)) as r->inputs: 0, or
 * EXIT_USAGE (none given: a message naming cmd) or EXIT_INTERNAL. */
int corpus_take_inputs(rrun *r, const char *cmd, int argc, char **argv);
/* Is the main output a listing for a person: no -o, stdout a terminal, no
 * --json, one process? */
int corpus_listing(const rrun *r);
/* Reads every input, groups copies (r->dd), creates r->ru with the documents.
 * Returns 0 or an exit code (message printed). */
int corpus_load(rrun *r);
/* The summary of the sources and dates read: fields named but absent, and
 * the dates that could not be read (with the first). */
void corpus_fields_summary(const rrun *r);
/* Between two stages: the memory the last one freed goes back to the system
 * (the C library keeps freed memory for later use; a stage that then asks for
 * blocks of another size would add to the peak rather than reuse it). */
void corpus_release_memory(void);
/* The nd_text_fn over the texts (ctx = the rrun). */
nd_status corpus_text(void *ctx, uint32_t doc, unsigned slot, const char **text, size_t *len);
/* The text of document d's bytes [start, end) (slot as corpus_text's): on
 * several processes, process 0 finds it among the last corpus_fetch. */
nd_status corpus_range(rrun *r, uint32_t d, uint32_t start, uint32_t end, unsigned slot,
                       const char **text, size_t *len);
/* Document d's title (off = r->title_off) or date as written (r->dstr_off),
 * NUL-terminated, or NULL when it has none (kept for stories_cmd only). */
const char *corpus_meta_str(const rrun *r, const uint64_t *off, uint32_t d);
/* Document d's text length. */
uint64_t corpus_text_len(const rrun *r, uint32_t d);
/* Collective on several processes (nothing on one): process 0 has the ranges
 * asks[0..n) (sorted and de-duplicated in place) sent by the processes
 * holding them, for corpus_range, while the others answer in corpus_serve.
 * Returns 0, or an exit code (a message printed; every process is stopped). */
int corpus_fetch(rrun *r, corpus_ask *asks, size_t n);
/* Process 0: no more asks (the others leave corpus_serve). */
int corpus_fetch_end(rrun *r);
/* The processes but 0: answer process 0's asks until corpus_fetch_end. */
int corpus_serve(rrun *r);
/* Frees everything r holds. */
void corpus_free(rrun *r);
/* Document d's id (NUL-terminated), and written as a JSON string. */
const char *corpus_id(const rrun *r, uint32_t d);
/* Its length: an id may hold NUL bytes (a JSON "\u0000"), so never strlen(). */
size_t corpus_id_len(const rrun *r, uint32_t d);
void corpus_put_id(FILE *fp, const rrun *r, uint32_t d);
/* Documents by id: the first document of each id. */
typedef struct corpus_idmap {
    uint32_t *slot; /* doc + 1, 0 = empty */
    size_t cap;
} corpus_idmap;
/* 0, or -1 when out of memory; free m->slot. */
int corpus_idmap_build(corpus_idmap *m, const rrun *r);
/* The document of id[0..n), or UINT32_MAX. */
uint32_t corpus_idmap_get(const corpus_idmap *m, const rrun *r, const char *id, size_t n);
/* ,"source":"..." of document d, or nothing when it has none. */
void corpus_put_source(FILE *fp, const rrun *r, uint32_t d);
/* Every document's copy group (nd_reuse_doc.group), a new array (NULL: out
 * of memory): its duplicate cluster's representative, itself when alone; a
 * template of the representative (another report on its form, not a copy)
 * groups with the cluster's other templates of the same report only, under
 * the first of them. ND_NO_GROUP for all without a dedup pass. */
uint32_t *corpus_copy_groups(const rrun *r);
/* The directory for temporary files: --tmp, else $TMPDIR, else /tmp. */
const char *corpus_tmp_dir(const rrun *r);

/* Stories (stories.c). A new nd_story (*out, which the caller destroys, also
 * on an error) with every document, its title and date, its template, linked
 * to its copy group's representative (r->reps) and to the other document of
 * each passage ps[0..nps). cmd names the command in a usage error (an unknown
 * --lang). Returns 0 or an exit code (a message printed). */
int corpus_story_add(rrun *r, const char *cmd, const char *lang, const nd_passage *ps,
                     size_t nps, nd_story **out);
/* The document vectors of sy, with the frequencies of the model file (NULL:
 * none) added; cut: without the boilerplate r->ru found. Returns 0 or an exit
 * code (a message printed). */
int corpus_story_vectors(rrun *r, nd_story *sy, const char *model, int cut);

/* Boilerplate of the records of inputs, for dedup's --ignore-boilerplate and
 * --strip-boilerplate: record i in reading order (records too large count, as
 * empty) has the byte ranges (*spans)[(*off)[i] .. (*off)[i+1]) of its text;
 * *nrecs records. params gives ND_P_BOILER_* and ND_P_MAX_DOC. Returns 0 or an
 * exit code (message printed); the caller frees *off and *spans. */
int corpus_boilerplate_spans(const char *const *inputs, size_t n, const rd_opts *rd,
                             const nd_params *params, unsigned threads, uint64_t memory,
                             const char *tmpdir, uint64_t **off, nd_span **spans,
                             size_t *nrecs);
/* t[0..len) without the ranges sp[0..n) (sorted, disjoint), each taken with the
 * punctuation right after it and the white space up to the next text, into out
 * (room for len bytes); returns the new length. */
size_t corpus_cut_spans(const char *t, size_t len, const nd_span *sp, size_t n, char *out);

#endif
