/*
 * nd_internal.h - private declarations shared by the library's stages.
 * Never installed. Stage directories include this and <neardup.h> only.
 */
#ifndef ND_INTERNAL_H
#define ND_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "neardup.h"

/* ---- allocation (common/alloc.c) ---------------------------------------- */

/* The allocator every handle carries: the user's, or malloc/free. */
typedef struct nd_alloc_ctx {
    nd_allocator a;
} nd_alloc_ctx;

void nd_alloc_init(nd_alloc_ctx *ctx, const nd_allocator *user);
void *nd_malloc(const nd_alloc_ctx *ctx, size_t size);
void *nd_calloc(const nd_alloc_ctx *ctx, size_t n, size_t size);
void nd_free(const nd_alloc_ctx *ctx, void *p);

/* A growable array of fixed-size items with a hard cap on its item count.
 * nd_vec_reserve() may move the data: pointers into it are invalidated. */
typedef struct nd_vec {
    void *data;
    size_t len, cap, item, max;
} nd_vec;
void nd_vec_init(nd_vec *v, size_t item, size_t max_items);
nd_status nd_vec_reserve(nd_vec *v, const nd_alloc_ctx *a, size_t n);
nd_status nd_vec_push(nd_vec *v, const nd_alloc_ctx *a, const void *item);
/* Appends bytes / v->item items from p. */
nd_status nd_vec_append(nd_vec *v, const nd_alloc_ctx *a, const void *p, size_t bytes);
void nd_vec_free(nd_vec *v, const nd_alloc_ctx *a);
/* Frees the vectors v[0..n) and the array v (NULL: nothing). */
void nd_vecs_free(nd_vec *v, size_t n, const nd_alloc_ctx *a);
#define ND_VEC_AT(v, T, i) (((T *)(v)->data)[i])
/* Populates the pages of [p, p + n) with one call when n is 1 MB or more (a
 * page fault a page is dear on a virtual machine); harmless where the kernel
 * cannot. nd_vec_reserve calls it on the capacity it adds, so a growing
 * array holds up to half again its length in resident pages (the margin
 * realloc leaves is touched sooner or later as it fills). */
void nd_prefault(void *p, size_t n);

/* Sorts a[0..n) ascending (LSD radix, 11 bits a pass); tmp holds n values.
 * Passes over bytes that are equal in every value are skipped. */
void nd_sort_u64(uint64_t *a, uint64_t *tmp, size_t n);
/* The same for 32-bit values (3 passes at most). */
void nd_sort_u32(uint32_t *a, uint32_t *tmp, size_t n);
/* Sorts and removes duplicates; returns the new length. */
size_t nd_sort_unique_u64(uint64_t *a, uint64_t *tmp, size_t n);
/* The first position in the ascending a[0..n) whose value is not below x (n
 * when there is none). */
size_t nd_lower_bound_u64(const uint64_t *a, size_t n, uint64_t x);
size_t nd_lower_bound_u32(const uint32_t *a, size_t n, uint32_t x);

/* ---- distributed runs (common/comm.c) ----------------------------------- */

/* One exchange (both calls of c->exchange) of per-process vectors: to[r]
 * goes to process r and is emptied; *out (allocated, *total bytes) receives
 * every process's block in rank order, rlen[r] bytes from process r. slen and
 * rlen hold c->size values. */
nd_status nd_comm_xchg(const nd_comm *c, const nd_alloc_ctx *a, const char *stage, nd_vec *to,
                       uint64_t *slen, uint64_t *rlen, void **out, uint64_t *total);

/* ---- threads (common/thread.c) ----------------------------------------- */

/* Work on items [begin, end) by thread `thread` (0 = the caller). */
typedef void (*nd_task_fn)(void *arg, size_t begin, size_t end, unsigned thread);
/* Runs fn over [0, n) in chunks of grain on up to `threads` threads (0 = one
 * per available core), the caller's included; returns when all are done. */
void nd_parallel(unsigned threads, size_t n, size_t grain, nd_task_fn fn, void *arg);
/* threads, or the number of available cores for 0; at most 256. */
unsigned nd_threads_resolve(unsigned threads);

/* ---- errors -------------------------------------------------------------- */

/* Return `code` from the current function when `cond` holds. */
#define ND_RETURN_IF(cond, code) do { if (cond) return (code); } while (0)
/* Evaluate an nd_status expression; on error jump to the function's `fail:`. */
#define ND_TRY(expr) do { st = (expr); if (st != ND_OK) goto fail; } while (0)

/* A small error-detail buffer owned by a handle. */
#define ND_DETAIL_MAX 256
void nd_detail_set(char *buf, const char *fmt, ...) ND_PRINTF(2, 3);

/* ---- parameters (common/params.c) --------------------------------------- */

struct nd_params {
    nd_alloc_ctx alloc;
    unsigned ngram, num_perm, bands, rows, seed;
    double threshold, containment, fn_weight;
    unsigned contain_sample;   /* ND_P_CONTAIN_SAMPLE */
    nd_templates templates;    /* ND_P_TEMPLATES */
    double report_window;      /* ND_P_REPORT_WINDOW, days */
    nd_verify verify;
    nd_keep keep;
    nd_scheme scheme;
    uint64_t max_doc;
    unsigned threads;
    uint64_t memory;
    /* reuse and boilerplate (align/reuse.c) */
    unsigned min_words, df_min, df_max, max_gap;
    unsigned boiler_docs, boiler_anywhere, boiler_source_docs;
    unsigned same_source, pair_copies, header_seeds;
    double window;
    /* stories (story/story.c) */
    double story_threshold, story_window, name_weight, title_weight, link_bonus, story_drift;
    uint32_t story_names;
    /* sketch method (minhash/simhash.c) and persistent index (index/) */
    nd_method method;
    unsigned simhash_k, index_passages, index_stories;
    /* exact copies only (dedup/dedup.c, dedup/worker.c) */
    unsigned exact_only;
    /* story digest (digest/digest.c) */
    double digest_similarity;
};
/* Copies the values (not the allocator) of src into dst. */
void nd_params_copy_values(nd_params *dst, const nd_params *src);
/* Fills every field with its default. */
void nd_params_defaults(nd_params *p);

/* ---- text (text/tokenize.c) ---------------------------------------------- */

/* Tokeniser scratch inside a worker. */
typedef struct nd_text_buf {
    nd_vec tokens;   /* nd_token */
    nd_vec norm;     /* char: normalised token bytes */
    nd_vec cps;      /* int32: utf8proc scratch */
    size_t invalid_bytes;
} nd_text_buf;

/* Sets up an empty tokeniser scratch (nothing allocated until first use). */
void nd_text_buf_init(nd_text_buf *tb);
/* Tokenises text into tb (cleared first). force_slow = 1 sends ASCII through the
 * Unicode path too (tests check that both paths agree). */
nd_status nd_text_tokenize(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text,
                           size_t len, int force_slow);
/* The normalised text alone: tb->norm as nd_text_tokenize leaves it, and
 * the number of tokens; tb->tokens is scratch (it holds the tokens of the
 * non-ASCII stretches only). Faster than tokenising; for exact hashes.
 * force_scalar = 1 uses the byte loop, not the vector kernel (tests compare). */
nd_status nd_text_normalize(nd_text_buf *tb, const nd_alloc_ctx *a, const char *text,
                            size_t len, int force_scalar, size_t *num_tokens);
void nd_text_buf_free(nd_text_buf *tb, const nd_alloc_ctx *a);
/* Hash of a normalised token (XXH3-64, seed 0). */
uint64_t nd_token_hash(const char *norm, size_t len);

/* ---- values and templates (text/mask.c) ---------------------------------- */

/* A text with fewer tokens outside values has no template (mask.c DESIGN). */
#define ND_TEMPLATE_MIN_WORDS 10

/* Is the original word at t[start] capitalised (first letter upper case)? */
int nd_capitalised(const char *t, size_t len, uint32_t start);
/* Is the word at start first in its sentence or line (a sentence end, a
 * colon, a quote or a newline in t[prev_end..start), or first of all)? */
int nd_sentence_start(const char *t, uint32_t prev_end, uint32_t start, int first);

/* Are the words tok[0..nt) of t a title line (three in five of them
 * capitalised, as mask.c's DESIGN says: capitals there are the form's)? */
int nd_title_line(const char *t, size_t len, const nd_token *tok, size_t nt);
/* Is the normalised word w[0..n) a month or weekday name, full or
 * abbreviated (English, lower case)? */
int nd_calendar_word(const char *w, size_t n);
/* Does the normalised word w[0..n) hold an ASCII digit? nd_has_digit16
 * reads w[0..16) whatever n (sixteen bytes at a time, no branch on n up to
 * 16); nd_has_digit is its reference. */
int nd_has_digit(const char *w, size_t n);
int nd_has_digit16(const char *w, size_t n);

typedef struct nd_mask_buf {
    nd_vec is_value;  /* uint8, one a token */
    nd_vec stream;    /* uint64: the template stream */
} nd_mask_buf;
void nd_mask_buf_init(nd_mask_buf *mb);
void nd_mask_buf_free(nd_mask_buf *mb, const nd_alloc_ctx *a);
/* Marks each of the nt tokens of t[0..len) (norm: their normalised bytes) a
 * value or not; *is_value is borrowed from mb, valid until its next use. */
nd_status nd_mask_values(nd_mask_buf *mb, const nd_alloc_ctx *a, const char *t, size_t len,
                         const nd_token *tok, size_t nt, const char *norm,
                         const uint8_t **is_value);
/* The template hash of the tokens of t[0..len) (0: fewer than
 * ND_TEMPLATE_MIN_WORDS words outside values), and the hash of its values
 * past a mail header block. */
nd_status nd_template_hash(nd_mask_buf *mb, const nd_alloc_ctx *a, const char *t, size_t len,
                           const nd_token *tok, size_t nt, const uint8_t *val, uint64_t *out,
                           uint64_t *values);
/* One item of the template stream: a word, or a run of values (its hash
 * covers the run's token hashes). */
typedef struct nd_mask_item {
    uint64_t hash;
    uint32_t start, end;
    uint32_t is_value;
} nd_mask_item;
/* The template stream as items (nd_mask_item, items cleared first); *words:
 * the tokens outside values. A run of values that starts before byte body
 * (the header block's end) has is_value 2. */
nd_status nd_mask_items(const nd_alloc_ctx *a, const nd_token *tok, size_t nt,
                        const uint8_t *val, size_t body, nd_vec *items, size_t *words);

/* ---- shingles and MinHash (minhash/) ------------------------------------- */

/* Hash of n consecutive token hashes, computed directly (minhash.c DESIGN):
 * the reference that the tests hold nd_shingle_hashes' rolling form to. */
uint64_t nd_shingle_hash(const uint64_t *token_hashes, size_t n);

/* ---- simd branch: kernels chosen at run time (minhash/kernels.c) ---------- */
/* Shingle hashes of tokens (nd_shingle_hash over each window of n token
 * hashes; fewer than n tokens give one shingle of all of them). out holds
 * max(1, nt - n + 1) values; returns that count (0 when nt == 0). */
size_t nd_shingle_hashes(const nd_token *tok, size_t nt, size_t n, uint64_t *out);

/* text/structure.c: the end (byte offset past its empty line) of the mail or
 * news header block text[0..n) opens with, or 0 when it opens with none. */
size_t nd_header_block_end(const char *text, size_t n);
/* The first token of text[0..len) (its tokens tok[0..nt)) that may start a
 * seed: past the header block, unless ND_P_HEADER_SEEDS (p->header_seeds);
 * batch reuse and the index seed from there alike. */
size_t nd_first_seed(const nd_params *p, const char *text, size_t len, const nd_token *tok,
                     size_t nt);
/* Sorts a[0..n) ascending and removes duplicates, like nd_sort_unique_u64, in
 * fewer steps for uniformly spread values such as shingle hashes (one pass on
 * the top bits, then tiny buckets); tmp holds n values. Returns the new length. */
size_t nd_hashes_sort_unique(uint64_t *a, uint64_t *tmp, size_t n);
/* The 32-bit set of sorted unique shingle hashes sh[0..n): their high halves,
 * equal neighbours merged, into out (n values at most); returns how many
 * (nd_sketch.set32, what a deduplicator or an index keeps to verify). */
size_t nd_shingles_set32(const uint64_t *sh, size_t n, uint32_t *out);
/* A sketch's 32-bit set into out (num_shingles values at most): copied when
 * the worker made it (set32), else made from the shingles; returns its size. */
size_t nd_sketch_set32(const nd_sketch *sk, uint32_t *out);
/* Permutation coefficients for the KPERM scheme: a odd, b arbitrary. kperm is
 * the KPERM kernel nd_perms_init chose for this CPU (scalar, AVX2, AVX-512);
 * every kernel gives the same signature as the scalar reference. */
typedef struct nd_perms {
    uint64_t *a, *b;
    unsigned k;
    nd_scheme scheme;
    uint64_t seed;
    void (*kperm)(const struct nd_perms *p, const uint64_t *h, size_t n, uint32_t *sig);
} nd_perms;
/* ---- end simd branch ------------------------------------------------------- */
nd_status nd_perms_init(nd_perms *p, const nd_alloc_ctx *a, unsigned k, nd_scheme scheme,
                        uint64_t seed);
void nd_perms_free(nd_perms *p, const nd_alloc_ctx *a);
/* Signature of a set of shingle hashes (any order, duplicates allowed). */
void nd_minhash(const nd_perms *p, const uint64_t *hashes, size_t n, uint32_t *sig);
/* Fraction of equal positions of two signatures. */
double nd_sig_similarity(const uint32_t *x, const uint32_t *y, unsigned k);

/* LSH layout minimising weighted false-positive + false-negative area. */
void nd_lsh_optimal(double threshold, unsigned num_perm, double fn_weight,
                    unsigned *bands, unsigned *rows, double *fp, double *fn);
void nd_lsh_areas(double threshold, unsigned bands, unsigned rows, double *fp, double *fn);
/* Key of band `band` of a signature (rows values). */
uint64_t nd_band_key(const uint32_t *sig, unsigned band, unsigned rows);

/* splitmix64: a seeded stream of well-mixed 64-bit values. */
static inline uint64_t nd_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* ---- relations (dedup/relate.c): nd_dedup's and nd_index's figures ---- */

/* Resemblance and both containments of a against b. */
typedef struct nd_sim {
    double j, a_in_b, b_in_a;
} nd_sim;
/* Equal values of two sorted u32 sets. */
size_t nd_intersect_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* The plain merge behind it (the reference the tests hold the galloping path to). */
size_t nd_intersect_merge_u32(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);
/* The figures from the count: shared set values (exact verification), equal
 * signature values (MinHash signature), or 64 - Hamming distance (SimHash
 * signature); na and nb are the documents' set sizes (shingle counts). */
nd_sim nd_sim_figures(const nd_params *p, double na, double nb, uint32_t count);
/* The strongest relation of a to b the figures give under p's thresholds. */
nd_relation nd_relate(const nd_params *p, const nd_sim *s);

/* ---- SimHash (minhash/simhash.c) ---- */

/* The plain per-bit loop behind nd_simhash (same arguments, same result): the
 * reference the tests hold the bit-sliced form to, and the weighted path. */
uint64_t nd_simhash_ref(const uint64_t *shingles, const uint32_t *weights, size_t n);

/* Largest Hamming distance nd_simhash_keys has tables for (ND_P_SIMHASH_K's bound). */
#define ND_SIMHASH_MAX_K 8
/* Most keys nd_simhash_keys gives for one fingerprint. */
#define ND_SIMHASH_MAX_TABLES 64
/* Fills keys[] (room for ND_SIMHASH_MAX_TABLES) with one key per permuted table
 * for Hamming distance k, and returns the number of tables (0 when k is over
 * ND_SIMHASH_MAX_K; 1, 4, 10, 20, 35, 56, 28, 36, 45 for k = 0..8). Any two
 * fingerprints within distance k have equal keys in at least one table t
 * (keys[t] of both); keys of different tables never collide, so a single key
 * space can hold all tables. Equal keys do not imply distance <= k: check
 * nd_hamming. The layout (simhash.c DESIGN) is part of the sketch format: an
 * index that stores keys depends on it. */
unsigned nd_simhash_keys(uint64_t fp, unsigned k, uint64_t *keys);

/* ---- worker (dedup/worker.c) ---------------------------------------------- */

struct nd_worker {
    nd_alloc_ctx alloc;
    nd_params params;
    nd_perms perms;
    nd_text_buf text;
    nd_vec shingles;  /* uint64 */
    nd_vec set32;     /* uint32: nd_sketch.set32 */
    nd_vec sig;       /* uint32 */
    nd_vec band_keys; /* uint64, one per band */
    nd_mask_buf mask; /* values and template (text/mask.c) */
    nd_vec items;     /* nd_mask_item: nd_worker_template_diff's first text */
    nd_vec items_b;   /* ... and its second */
    unsigned bands, rows;
    char detail[ND_DETAIL_MAX];
};
nd_status nd_worker_init(nd_worker *w, const nd_params *params, const nd_allocator *alloc);
void nd_worker_fini(nd_worker *w);

/* ---- reuse: the alignment of one pair (align/reuse.c) --------------------- */
/* What nd_reuse_run does with the seed hits of one pair of documents, for a
 * caller that finds the hits itself (index/ipassage.c, one document at a
 * time). Output is the batch's for the same hits, words and masks. */

/* A word as alignment sees it: its byte range and the top 32 bits of its
 * token hash (nd_token.hash >> 32). */
typedef struct nd_word {
    uint32_t start, end, hash;
} nd_word;
/* A record of two keys; a seed hit of a pair has k2 = its position (word
 * index of the n-gram) in a << 32 | its position in b (k1 is not read). */
typedef struct nd_rec16 {
    uint64_t k1, k2;
} nd_rec16;
/* The scratch of nd_align_pair (one per thread; reused across calls). */
typedef struct nd_align_scratch {
    nd_vec chains, open, dp, keys;
} nd_align_scratch;
void nd_align_scratch_init(nd_align_scratch *s);
void nd_align_scratch_free(nd_align_scratch *s, const nd_alloc_ctx *a);
/* One document of a pair: its number (nd_passage.a or .b), its words, its
 * boilerplate as sorted disjoint word ranges (may be NULL), its date. */
typedef struct nd_align_doc {
    uint32_t doc;
    const nd_word *words;
    size_t nwords;
    const nd_span *mask;
    size_t nmask;
    double date;
    int has_date;
} nd_align_doc;
/* The passages of A (as a) and B (as b) from their nh seed hits h, sorted by
 * k2 (ND_P_NGRAM words each): chained, extended, merged, aligned and kept as
 * nd_reuse_run does (its DESIGN, step 5); appended to out (nd_passage,
 * cluster 0, earlier from the dates). Reads ND_P_NGRAM, ND_P_MAX_GAP,
 * ND_P_MIN_WORDS. Returns ND_OK, ND_E_NOMEM, ND_E_LIMIT. */
nd_status nd_align_pair(const nd_params *p, const nd_alloc_ctx *a, nd_align_scratch *s,
                        const nd_align_doc *A, const nd_align_doc *B, const nd_rec16 *h,
                        size_t nh, nd_vec *out);

/* ---- reuse: boilerplate of one pair (align/reuse.c) ------------------------ */
/* nd_reuse_boilerplate's segments and its edge rule, for a caller that sees
 * two documents at a time (index/ipassage.c). */

/* A segment (a line, or a sentence of a line) of a tokenised text: the hash
 * of its token hashes and its word range [tb, te). */
typedef struct nd_segment {
    uint64_t hash;
    uint32_t tb, te;
} nd_segment;
/* The end (exclusive word index) of the segment that starts at word s0 < nt
 * of text, cut as nd_reuse_boilerplate cuts (its DESIGN). */
size_t nd_segment_end(const char *text, const nd_token *tok, size_t nt, size_t s0);
/* The segments of a tokenised text, in order, into out (nd_segment, cleared
 * first). Returns ND_OK, ND_E_NOMEM, ND_E_LIMIT. */
nd_status nd_segments(const char *text, const nd_token *tok, size_t nt, const nd_alloc_ctx *a,
                      nd_vec *out);
/* The boilerplate of the pair A, B (their segments) as batch's rules decide
 * it with only these two documents in view: a segment is repeated when both
 * hold it; it is boilerplate when it lies in a head or tail run of both (at
 * most 5 segments and 30 words, as batch; ND_P_BOILER_DOCS <= 2), or
 * anywhere in both when ND_P_BOILER_ANYWHERE <= 2, or, same_source, when
 * ND_P_BOILER_SOURCE_DOCS is 1 or 2. Copies (same_group) have none. The
 * masks (nd_span word ranges, sorted, disjoint, adjacent segments joined,
 * those shorter than ND_P_NGRAM dropped, as batch's passages ignore) go
 * into mask_a and mask_b (cleared first). Returns ND_OK, ND_E_NOMEM,
 * ND_E_LIMIT. */
nd_status nd_boiler_pair(const nd_params *p, const nd_alloc_ctx *a, const nd_segment *sa,
                         size_t na, const nd_segment *sb, size_t nb, int same_source,
                         int same_group, nd_vec *mask_a, nd_vec *mask_b);

/* ---- stories: one document's vector (story/story.c) ----------------------- */
/* What nd_story_vectors does for one document, for the batch and for the
 * index's online stories (index/istory.c), so that both weigh alike. */

#define ND_STORY_MAX_TERMS 100      /* terms kept in a document's vector */
#define ND_STORY_CENTROID_TERMS 200 /* terms kept in a story's centroid */
#define ND_STORY_INDEX_TERMS 12     /* a story is found under its heaviest terms... */
#define ND_STORY_QUERY_TERMS 12     /* ... by a document's heaviest terms */
#define ND_STORY_POSTING_SCAN 4000  /* stories looked at per query term */

typedef struct nd_term {
    uint32_t id;
    float w;
} nd_term;
struct sb_stemmer;
/* A memo of the words one stemmer has stemmed (story/story.c); NULL: none. */
typedef struct nd_stem_memo nd_stem_memo;
/* Is the normalised word w[0..n), of token hash h (nd_token_hash), an English
 * function word (the stories' list; the digest reads it too)? */
int nd_story_stop_word(const char *w, size_t n, uint64_t h);
/* 1 when the Snowball name or code lang is English (its stop words apply). */
int nd_story_english(const char *lang);
/* The raw terms of one document into acc (nd_term, cleared first): the words
 * of the title (weight ND_P_TITLE_WEIGHT, title may be NULL), then of the
 * text (weight 1), each times ND_P_NAME_WEIGHT when a name or a number;
 * English function words dropped when english; stemmed with stem (NULL: not
 * stemmed), through memo (that stemmer's, kept across calls; NULL: none; the
 * same terms either way); one term per id, sorted by id, weights summed. Unless names is
 * NULL, it gets (uint32, cleared first) the term ids of the document's 16
 * most frequent names (capitalised words not opening a sentence), sorted. tb
 * is scratch. Returns ND_OK, ND_E_NOMEM, ND_E_LIMIT. */
nd_status nd_story_doc_terms(nd_text_buf *tb, nd_vec *acc, nd_vec *names,
                             const nd_alloc_ctx *a, const nd_params *p, struct sb_stemmer *stem,
                             nd_stem_memo *memo, int english, const char *title,
                             size_t title_len, const char *text, size_t len);
/* The IDF of a term in df of ndocs documents: ln((N + 1) / (df + 1)) + 1,
 * leaning on 1 + ln 2 (a term in half the documents) in a small collection,
 * whose frequencies say little: blended with weight N / (N + 30); 0 (a stop
 * word) for a term in more than half of 1,000 documents or more. */
double nd_story_idf(uint64_t ndocs, uint32_t df);
/* The TF-IDF vector of raw terms in[0..n) (sorted by id) into out (which may
 * be in, or before it in the same array): weight (1 + ln w) *
 * nd_story_idf(ndocs, df) with df = df_fn(ctx, i, in[i].id), stop words
 * dropped; the ND_STORY_MAX_TERMS heaviest kept (ties to the lower id),
 * sorted by id, L2-normalised. Returns the number of terms written. */
size_t nd_story_weigh(const nd_term *in, size_t n, nd_term *out, uint64_t ndocs,
                      uint32_t (*df_fn)(void *ctx, size_t i, uint32_t id), void *ctx);

/* ---- index: what its parts tell the tests (index/ipassage.c, istory.c) ----- */
/* Most indexed documents that one document is aligned with (the best by
 * shared rare n-grams): past it, the index may miss passages batch finds. */
extern const unsigned nd_index_passage_candidates;
/* Version of the records index/istory.c writes in "stories". */
extern const unsigned nd_index_story_version;

#endif
