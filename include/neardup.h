/*
 * neardup.h - the public interface of libneardup.
 *
 * libneardup finds exact duplicates, near-duplicates and contained documents in
 * text collections (nd_dedup), and passages shared between documents and
 * boilerplate repeated across them (nd_reuse). This header is the library's
 * whole public surface: the CLI (`neardup`) is built on it alone.
 *
 * Shape of the API
 *   - Opaque handles with paired create/destroy; every destroy accepts NULL.
 *   - Every fallible function returns an nd_status: ND_OK (0) or a negative,
 *     pinned error code. nd_strerror() names a code; nd_errdetail() gives the
 *     handle's last detail (what failed, with which value).
 *   - Tunables live in an nd_params, set one at a time with nd_params_set();
 *     nd_params_bounds() tells the valid range and default of each.
 *   - The library never prints, never exits, never aborts on allocation failure
 *     and keeps no mutable global state. All memory comes from the nd_allocator
 *     given at creation (or malloc/free when it is NULL).
 *
 * Thread contract
 *   - An nd_params is read-only once handed to nd_dedup_create() or
 *     nd_worker_create() (they copy it); it may then be destroyed or reused.
 *   - An nd_worker holds per-thread scratch (token and shingle buffers). Use one
 *     worker per thread; results borrowed from a worker stay valid until the next
 *     call on that same worker.
 *   - An nd_dedup is not thread-safe: one thread adds documents and runs it.
 *     Sketches may be computed on many threads, each with its own nd_worker, and
 *     handed to nd_dedup_add_sketch() in input order from one thread; the output
 *     is then identical to a single-threaded run. nd_dedup_run() itself uses
 *     ND_P_THREADS threads (default 1) and gives the same output for any count;
 *     with more than one, a custom allocator must be thread-safe.
 *   - An nd_reuse is not thread-safe either: one thread adds documents and
 *     calls its runs, which use ND_P_THREADS threads and call the caller's
 *     nd_text_fn from all of them (it must be thread-safe); the output does not
 *     depend on the thread count.
 *   - ND_P_MEMORY bounds what nd_dedup holds per document past a fixed record
 *     (32 bytes): band keys and shingle sets spill to unlinked files in
 *     the directory of nd_dedup_set_tmpdir(), with the same output.
 *
 * Caveats
 *   - Documents are limited to 4 GiB - 1 bytes each (offsets are 32-bit) and a
 *     collection to 2^32 - 2 documents (ND_E_LIMIT past either).
 *   - Sketch values and golden vectors are part of the format: a change to the
 *     tokeniser, the shingle hash or MinHash bumps ND_SKETCH_VERSION.
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Versions --------------------------------------------------------- */

#define ND_VERSION_MAJOR 0
#define ND_VERSION_MINOR 1
#define ND_VERSION_PATCH 0
#define ND_VERSION_NUMBER (ND_VERSION_MAJOR * 10000 + ND_VERSION_MINOR * 100 + ND_VERSION_PATCH)
#define ND_VERSION_STRING "0.1.0"

/** Version of the tokens, shingle hashes and signatures the library computes.
 *  Persisted sketches made with another value must not be compared. */
#define ND_SKETCH_VERSION 2

#if defined(__GNUC__) && __GNUC__ >= 4
#  define ND_API __attribute__((visibility("default")))
#  define ND_NODISCARD __attribute__((warn_unused_result))
#  define ND_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define ND_API
#  define ND_NODISCARD
#  define ND_PRINTF(f, a)
#endif

/** @return ND_VERSION_NUMBER of the library actually linked. A program that
 *  uses the shared library compares it with the ND_VERSION_NUMBER it was
 *  compiled against and refuses to run on a mismatch. */
ND_API unsigned nd_version_number(void);
/** @return the library's version as a static string, e.g. "0.1.0". */
ND_API const char *nd_version_string(void);

/* ---- Status codes (pinned: values never change, new codes only append) -- */

typedef int nd_status;
enum {
    ND_OK = 0,
    ND_E_NOMEM = -1,   /**< an allocation failed */
    ND_E_IO = -2,      /**< reading or writing failed */
    ND_E_CORRUPT = -3, /**< stored data failed a check */
    ND_E_VERSION = -4, /**< stored data or library of another version */
    ND_E_PARAM = -5,   /**< a parameter is out of range or inconsistent */
    ND_E_LIMIT = -6,   /**< a hard size limit was reached */
    ND_E_STATE = -7,   /**< call not allowed in the handle's current state */
    ND_E_INPUT = -8    /**< malformed input (bad document, bad record) */
};

/** @return a static, never-NULL English description of @p code. */
ND_API const char *nd_strerror(nd_status code);

/* ---- Memory ----------------------------------------------------------- */

/** A custom allocator. alloc(opaque, size) returns NULL on failure;
 *  free(opaque, NULL) must be a no-op. Both are called from the thread that
 *  calls into the handle that owns the allocator, except in nd_dedup_run()
 *  with ND_P_THREADS other than 1, whose threads allocate too: the allocator
 *  must then be thread-safe. */
typedef struct nd_allocator {
    void *(*alloc)(void *opaque, size_t size);
    void (*free)(void *opaque, void *ptr);
    void *opaque;
} nd_allocator;

/* ---- Parameters ------------------------------------------------------- */

/** Parameter identifiers. Values are pinned; new ones only append. */
typedef enum {
    ND_P_NGRAM = 1,        /**< words per shingle [1, 64], default 5 */
    ND_P_NUM_PERM = 2,     /**< MinHash values per signature [16, 1024], multiple of 8, def. 128 */
    ND_P_THRESHOLD = 3,    /**< resemblance (Jaccard) for near-duplicate (0, 1], default 0.8 */
    ND_P_CONTAINMENT = 4,  /**< containment for contains/contained-in [0, 1], 0 = off, def. 0.9 */
    ND_P_BANDS = 5,        /**< LSH bands [0, NUM_PERM], 0 = chosen from the threshold */
    ND_P_ROWS = 6,         /**< LSH rows per band [0, NUM_PERM], 0 = chosen */
    ND_P_FN_WEIGHT = 7,    /**< weight of the false-negative area when choosing bands and
                                rows [0, 1]; the false-positive area gets 1 - this. def. 0.9 */
    ND_P_VERIFY = 8,       /**< nd_verify: how candidates are verified, def. ND_VERIFY_EXACT */
    ND_P_KEEP = 9,         /**< nd_keep: survivor policy, default ND_KEEP_FIRST */
    ND_P_SEED = 10,        /**< seed of the MinHash permutations [0, 2^32-1], default 1 */
    ND_P_SCHEME = 11,      /**< nd_scheme: MinHash scheme, default ND_SCHEME_KPERM */
    ND_P_MAX_DOC = 12,     /**< largest document in bytes [1, 4294967295], default 4294967295 */
    ND_P_THREADS = 13,     /**< threads nd_dedup_run() may use [0, 256], 0 = one per available
                                core, default 1. Output does not depend on it. */
    ND_P_MEMORY = 14,      /**< memory budget of an nd_dedup in bytes, 0 = unbounded (default).
                                Past it, band keys and shingle sets spill to files in the
                                directory given to nd_dedup_set_tmpdir(); same output. */
    /* Reuse and boilerplate (nd_reuse); ND_P_NGRAM is the seed length there. */
    ND_P_MIN_WORDS = 15,   /**< shortest reported passage, in aligned words [1, 1e6], def. 10 */
    ND_P_DF_MIN = 16,      /**< a seed n-gram must be in at least this many documents [2, 1e6],
                                default 2 */
    ND_P_DF_MAX = 17,      /**< ... and occur at most this many times in all [2, 1e6], def. 100 */
    ND_P_MAX_GAP = 18,     /**< most words between two seeds of one passage [0, 1000], def. 20 */
    ND_P_BOILER_DOCS = 19, /**< boilerplate: a segment at the head or tail of at least this
                                many documents (copies counted once) [2, 1e9], default 2 */
    ND_P_BOILER_ANYWHERE = 20, /**< ... or anywhere in at least this many [2, 1e9], def. 20 */
    ND_P_BOILER_SOURCE_DOCS = 21, /**< ... or anywhere in at least this many documents of one
                                source [0, 1e9], 0 = off (default) */
    ND_P_SAME_SOURCE = 22, /**< 1: also pair documents of the same source (default); 0: not */
    ND_P_WINDOW = 23,      /**< pair only documents whose dates differ by at most this many
                                days [0, 1e9], 0 = no limit (default); undated pair with all */
    ND_P_PAIR_COPIES = 24, /**< 1 (default): also align documents of the same duplicate
                                group (their passages carry ND_PASSAGE_COPY and belong to
                                no passage cluster: what B took from A when B took nearly
                                all of it); 0: leave copies to dedup */
    /* Stories (nd_story). */
    ND_P_STORY_THRESHOLD = 25, /**< cosine to a story's centroid to join it (0, 1], def. 0.3 */
    ND_P_STORY_WINDOW = 26,    /**< days a story stays open after its last member [0, 1e9],
                                    0 = forever; default 3 */
    ND_P_NAME_WEIGHT = 27,     /**< weight of names (capitalised words) and numbers [0, 100],
                                    default 2 */
    ND_P_TITLE_WEIGHT = 28,    /**< weight of the title's words [0, 100], default 2 */
    ND_P_LINK_BONUS = 29,      /**< added to the cosine of a story holding a copy of the document
                                    or sharing a passage with it [0, 1], default 0.2 */
    /* Sketch method, and what a persistent index (nd_index) keeps. */
    ND_P_METHOD = 30,          /**< nd_method: how candidates are found,
                                    default ND_METHOD_MINHASH */
    ND_P_SIMHASH_K = 31,       /**< SimHash: largest Hamming distance of two fingerprints that
                                    makes them candidates [0, 8], default 3 */
    ND_P_INDEX_PASSAGES = 32,  /**< nd_index: 1 keeps n-gram postings and texts to answer shared
                                    passages (default); 0 does not */
    ND_P_INDEX_STORIES = 33,   /**< nd_index: 1 keeps term frequencies and story centroids to
                                    answer the story a document joins (default); 0 does not */
    ND_P_HEADER_SEEDS = 34,    /**< nd_reuse_run: 1 lets the header block a mail or news message
                                    opens with (RFC 5322 fields up to the first empty line)
                                    seed passages like text; 0 (default): it seeds none */
    ND_P_CONTAIN_SAMPLE = 35,  /**< nd_dedup, MinHash with exact verification: 1 (default) also
                                    takes as candidates the pairs whose containment sample (an
                                    eighth of each set, by hash) shares enough shingles for one
                                    to be ND_P_CONTAINMENT contained in the other, whatever their
                                    resemblance; 0: containment only among LSH's candidates (as
                                    nd_index finds it) */
    ND_P_TEMPLATES = 36,       /**< nd_templates: the template relation in nd_dedup, default
                                    ND_TEMPLATES_DROP */
    ND_P_REPORT_WINDOW = 37,   /**< nd_dedup: exact copies whose dates (nd_doc.date) are more
                                    than this many days apart are templates, not copies
                                    [0, 1e9], default 3 */
    ND_P_STORY_DRIFT = 38,     /**< nd_story_cluster: a story of 3 or more members takes a
                                    document only when its cosine to the centroid of the
                                    story's first 3 members reaches this fraction of
                                    ND_P_STORY_THRESHOLD [0, 1], default 0.5; 0: off (a story
                                    then drifts as far as its chain of members leads) */
    ND_P_STORY_NAMES = 39,     /**< nd_story_cluster: a document naming this many names or
                                    more (capitalised words not opening a sentence, months
                                    and weekdays aside) joins no story naming this many or
                                    more of which it shares none: another event, however
                                    alike the words [0, 16] (a document keeps its 16
                                    most frequent names), default 1; 0: off */
    ND_P_EXACT_ONLY = 40,      /**< nd_dedup and nd_worker: 1 finds exact copies only (the same
                                    normalised text): the worker tokenises and hashes, with no
                                    shingles, MinHash or template pass, and nd_dedup groups by
                                    the exact hash alone, with no LSH, containment or template
                                    relation (exact copies dated apart stay copies); 0
                                    (default): everything. nd_index refuses it */
    ND_P_DIGEST_SIMILARITY = 41 /**< nd_digest: two sentences of different sources say the
                                    same thing when their weighted word overlap (Dice over
                                    stemmed words, weighed by rarity in the story's
                                    sentences, names and numbers more) reaches this
                                    (0, 1], default 0.5 */
} nd_param;

/** The template relation (ND_REL_TEMPLATE): two documents whose texts agree
 *  once their values (numbers, dates, month and weekday names, names) are
 *  masked but differ in them, or exact copies dated more than
 *  ND_P_REPORT_WINDOW days apart: another report on the same form (a daily
 *  rate notice, a price table, one company's dividend announcement and
 *  another's), not a copy. */
typedef enum {
    ND_TEMPLATES_OFF = 0,  /**< no template relation: such pairs are what their resemblance
                                makes them (exact copies, near-duplicates or nothing) */
    ND_TEMPLATES_DROP = 1, /**< a template joins its representative's cluster, as a copy does,
                                and is removed (corpus cleaning: one instance of a form) */
    ND_TEMPLATES_KEEP = 2  /**< a template is reported in the pairs, never clustered: every
                                report on a form is kept (news, archives) */
} nd_templates;

/** How candidate pairs are found. */
typedef enum {
    ND_METHOD_MINHASH = 0, /**< MinHash signatures, LSH bands (ND_P_BANDS x ND_P_ROWS) */
    ND_METHOD_SIMHASH = 1  /**< 64-bit SimHash fingerprints, permuted tables: Hamming distance
                                <= ND_P_SIMHASH_K (Manku, Jain, Das Sarma, WWW 2007) */
} nd_method;

/** How candidate pairs are verified. */
typedef enum {
    ND_VERIFY_EXACT = 0,    /**< exact Jaccard and containment of the shingle sets */
    ND_VERIFY_SIGNATURE = 1 /**< estimates from the MinHash signatures (faster, less memory) */
} nd_verify;

/** Survivor policy: which member of a duplicate cluster represents it. */
typedef enum {
    ND_KEEP_FIRST = 0,    /**< the first in input order */
    ND_KEEP_LONGEST = 1,  /**< the longest original text; ties: first */
    ND_KEEP_KEY_MIN = 2,  /**< the smallest nd_doc key (e.g. an ISO 8601 date); ties: first;
                               documents without a key come last */
    ND_KEEP_KEY_MAX = 3   /**< the largest nd_doc key (e.g. a quality score); ties: first;
                               documents without a key come last */
} nd_keep;

/** MinHash schemes. */
typedef enum {
    ND_SCHEME_KPERM = 0, /**< k independent multiply-shift permutations of a 64-bit hash */
    ND_SCHEME_OPH = 1    /**< one permutation hashing with optimal densification */
} nd_scheme;

typedef struct nd_params nd_params;

/** Creates parameters holding every default.
 *  @param[out] out  receives the handle; free it with nd_params_destroy().
 *  @param[in]  alloc  allocator, or NULL for malloc/free; copied.
 *  @return ND_OK or ND_E_NOMEM. */
ND_API ND_NODISCARD nd_status nd_params_create(nd_params **out, const nd_allocator *alloc);
/** Frees @p p (NULL is fine). */
ND_API void nd_params_destroy(nd_params *p);
/** Sets one parameter. Integer parameters must be given integral values.
 *  @return ND_OK, or ND_E_PARAM (unknown id, value out of bounds; the value is
 *          left unchanged). */
ND_API ND_NODISCARD nd_status nd_params_set(nd_params *p, nd_param id, double value);
/** @return the current value of @p id, or NaN for an unknown id. */
ND_API double nd_params_get(const nd_params *p, nd_param id);
/** Valid range and default of @p id.
 *  @return ND_OK, or ND_E_PARAM for an unknown id. */
ND_API ND_NODISCARD nd_status nd_params_bounds(nd_param id, double *lo, double *hi, double *def);
/** Applies a named preset on top of the current values: "default", "web"
 *  (threshold 0.8, containment 0.9), "strict" (threshold 0.9, 256 values),
 *  "loose" (threshold 0.7), "fast" (signature verification, one-permutation).
 *  @return ND_OK or ND_E_PARAM for an unknown name. */
ND_API ND_NODISCARD nd_status nd_params_preset(nd_params *p, const char *name);
/** @return the parameter's short name ("ngram", "threshold", ...), or NULL. */
ND_API const char *nd_params_name(nd_param id);

/** The LSH layout the parameters lead to: bands x rows (the chosen pair when
 *  ND_P_BANDS/ND_P_ROWS are 0) and the expected error areas: fp = integral of
 *  P(candidate | s) over s in [0, t), fn = integral of P(miss | s) over [t, 1].
 *  @return ND_OK or ND_E_PARAM when the given bands x rows exceed NUM_PERM. */
ND_API ND_NODISCARD nd_status nd_params_lsh(const nd_params *p, unsigned *bands, unsigned *rows,
                                            double *fp_area, double *fn_area);
/** @return the probability that two documents of resemblance @p s become a
 *  candidate pair under @p bands x @p rows: 1 - (1 - s^rows)^bands. */
ND_API double nd_lsh_probability(double s, unsigned bands, unsigned rows);

/* ---- Tokens and sketches (per-thread worker) -------------------------- */

/** One token of a document. [start, end) is its byte range in the original
 *  text; norm_off/norm_len locate its normalised form (NFKC, case-folded UTF-8)
 *  in the worker's normalised buffer; hash is XXH3-64 of that form. */
typedef struct nd_token {
    uint32_t start, end;
    uint32_t norm_off, norm_len;
    uint64_t hash;
} nd_token;

/** A document's sketch, borrowed from the worker that computed it. */
typedef struct nd_sketch {
    uint64_t exact_lo, exact_hi;  /**< XXH3-128 of the normalised token stream */
    const uint32_t *signature;    /**< NUM_PERM MinHash values (NULL if no tokens) */
    const uint64_t *shingles;     /**< sorted unique shingle hashes */
    size_t num_shingles;          /**< 0 only for a document without tokens */
    size_t num_tokens;
    size_t invalid_bytes;         /**< bytes of invalid UTF-8, replaced for matching */
    const uint64_t *band_keys;    /**< the LSH band keys of the signature (NULL if none) */
    size_t num_bands;             /**< with band_rows: the layout the keys are for; a
                                       deduplicator of another layout recomputes them */
    size_t band_rows;
    uint64_t template_hash;       /**< XXH3-64 of the text with every run of values (numbers,
                                       dates, names) masked; 0: fewer than 10 words outside
                                       values, or ND_P_TEMPLATES off (ND_REL_TEMPLATE) */
    uint64_t template_values;     /**< XXH3-64 of the values past a mail or news header
                                       block (two texts of one template with the same values
                                       there differ in transport only: copies) */
    uint64_t simhash;             /**< 64-bit SimHash fingerprint of the shingle set, every
                                       distinct shingle of weight 1 (ND_METHOD_SIMHASH), else 0.
                                       Under ND_METHOD_SIMHASH no MinHash is computed: the
                                       signature holds ND_P_NUM_PERM zeros and there are no
                                       band keys; such a sketch is for a SimHash deduplicator,
                                       which recomputes a fingerprint of 0 from the shingles
                                       (so a caller that does not carry it loses nothing) */
    const uint32_t *set32;        /**< the high 32 bits of the shingle hashes, sorted, equal
                                       neighbours merged: what a deduplicator keeps to verify
                                       (nd_worker_sketch makes it on its thread); NULL: not
                                       made, and nd_dedup_add_sketch makes it from shingles. A
                                       caller that changes shingles sets it to NULL */
    size_t set32_len;
} nd_sketch;

typedef struct nd_worker nd_worker;

/** Creates a worker for one thread. @p params is copied.
 *  @return ND_OK, ND_E_NOMEM. Free with nd_worker_destroy(). */
ND_API ND_NODISCARD nd_status nd_worker_create(nd_worker **out, const nd_params *params,
                                               const nd_allocator *alloc);
/** Frees @p w (NULL is fine). */
ND_API void nd_worker_destroy(nd_worker *w);

/** Normalises and tokenises @p text (any bytes; invalid UTF-8 is read as
 *  U+FFFD, a separator). Words of letters, digits and marks for scripts written
 *  with spaces; one token per character (with its combining marks) for Han,
 *  Hiragana, Katakana, Thai, Lao, Khmer and Myanmar.
 *  @param[out] tokens  borrowed array, valid until the next call on @p w.
 *  @param[out] norm    borrowed normalised buffer the tokens point into (may be NULL).
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT (text over ND_P_MAX_DOC). */
ND_API ND_NODISCARD nd_status nd_worker_tokenize(nd_worker *w, const char *text, size_t len,
                                                 const nd_token **tokens, size_t *num_tokens,
                                                 const char **norm);

/** Computes the sketch of @p text: tokens, shingles (ND_P_NGRAM consecutive
 *  tokens; a document with fewer tokens is one shingle of all of them), the
 *  exact hash and the MinHash signature.
 *  @param[out] out  filled with pointers borrowed from @p w, valid until the
 *                   next call on @p w.
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT. */
ND_API ND_NODISCARD nd_status nd_worker_sketch(nd_worker *w, const char *text, size_t len,
                                               nd_sketch *out);

/** What differs between two texts on one template. */
typedef struct nd_template_diff {
    int same_template;    /**< 1: the texts agree once their values are masked */
    uint32_t differ;      /**< runs of values that differ past a mail or news header block
                               (with same_template) */
    uint32_t a_start, a_end, b_start, b_end;  /**< the first such run's byte ranges in a
                                                   and b (0 when differ is 0) */
} nd_template_diff;

/** Tells whether texts @p a and @p b agree once values are masked (as
 *  nd_sketch.template_hash does) and where they first differ in a value.
 *  Tokenises both with @p w.
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT. */
ND_API ND_NODISCARD nd_status nd_worker_template_diff(nd_worker *w, const char *a, size_t la,
                                                      const char *b, size_t lb,
                                                      nd_template_diff *out);

/** @return the last error detail of @p w (static or worker-owned string,
 *  valid until the next call on @p w); "" when none. */
ND_API const char *nd_worker_errdetail(const nd_worker *w);

/* ---- SimHash ------------------------------------------------------------ */

/** 64-bit SimHash of a shingle set (sorted unique hashes, as in nd_sketch):
 *  bit i of the result is set when the shingles with bit i set outweigh those
 *  without it (strictly: a tie gives 0); a shingle's weight is given by
 *  @p weights (NULL: 1 each, as nd_worker_sketch does). The Hamming distance h
 *  of two fingerprints estimates the cosine of the weighted sets as
 *  cos(pi h / 64) (Charikar, STOC 2002).
 *  @return the fingerprint; 0 for an empty set. */
ND_API uint64_t nd_simhash(const uint64_t *shingles, const uint32_t *weights, size_t n);
/** @return the Hamming distance of two fingerprints (0..64). */
ND_API unsigned nd_hamming(uint64_t x, uint64_t y);

/* ---- Deduplication ---------------------------------------------------- */

/** Relation of a document to another (strongest first). */
typedef enum {
    ND_REL_NONE = 0,
    ND_REL_EXACT = 1,        /**< same normalised text */
    ND_REL_NEAR = 2,         /**< resemblance >= threshold */
    ND_REL_CONTAINED_IN = 3, /**< a is contained in b: |A&B|/|A| >= containment */
    ND_REL_CONTAINS = 4,     /**< a contains b: |A&B|/|B| >= containment */
    ND_REL_TEMPLATE = 5      /**< another report on the same form (ND_P_TEMPLATES): the texts
                                  agree once values are masked, and differ in them or are
                                  dated apart; whatever their resemblance */
} nd_relation;

/** @return "exact", "near-duplicate", "contained-in", "contains", "template" or
 *  "none". */
ND_API const char *nd_relation_name(nd_relation r);

/** Per-document information given with nd_dedup_add*(). */
typedef struct nd_doc {
    const char *key;  /**< survivor key for ND_KEEP_KEY_*, or NULL (copied) */
    size_t key_len;
    double key_num;   /**< numeric value of key when key_is_num */
    int key_is_num;   /**< keys compare numerically when both are numeric */
    uint64_t length;  /**< original length in bytes (ND_KEEP_LONGEST); 0 = text length */
    double date;      /**< days on any fixed scale, when has_date (ND_P_REPORT_WINDOW) */
    int has_date;
} nd_doc;

/** A verified relation between documents a and b (indices in add order). */
typedef struct nd_pair {
    uint32_t a, b;
    nd_relation rel;      /**< relation of a to b */
    double resemblance;   /**< Jaccard of the shingle sets (or its estimate) */
    double a_in_b;        /**< containment of a in b: |A&B| / |A| */
    double b_in_a;        /**< containment of b in a: |A&B| / |B| */
} nd_pair;

/** A document's place in the clustering, after nd_dedup_run(). */
typedef struct nd_member {
    uint32_t doc;         /**< the document */
    uint32_t rep;         /**< its cluster's representative (== doc for a representative
                               or a document alone) */
    nd_relation rel;      /**< relation of doc to rep; ND_REL_NONE for rep itself */
    double resemblance, doc_in_rep, rep_in_doc;
} nd_member;

/** Counters of a run. */
typedef struct nd_dedup_stats {
    uint64_t docs, empty_docs, invalid_bytes, bytes, bytes_removed;
    uint64_t clusters, exact_clusters, near_clusters;  /**< clusters of 2+ members;
        exact_clusters: all members exact copies of the representative */
    uint64_t docs_in_clusters, removed;
    uint64_t candidates, verified, contained;  /**< candidate pairs, pairs verified,
        members that joined as contained-in */
    unsigned bands, rows;
    double fp_area, fn_area;
    uint64_t spilled_bytes, spill_events;  /**< bytes written to spill files, and how
        many times the buffers were spilled (ND_P_MEMORY) */
    uint64_t cont_candidates;  /**< candidate pairs the containment sample proposed
        (LSH may have proposed some of them too) */
    uint64_t templates;        /**< members that joined as templates (ND_TEMPLATES_DROP) */
    uint64_t cont_inexact;     /**< documents whose whole need is taken up by sampled
        shingles common to over 64 samples: found contained with one shared shingle of
        the rest (both cont_ figures: runs on one process; 0 in nd_dedup_run_dist) */
} nd_dedup_stats;

typedef struct nd_dedup nd_dedup;

/** Creates a deduplicator. @p params is copied.
 *  @return ND_OK, ND_E_NOMEM, ND_E_PARAM (inconsistent LSH layout). */
ND_API ND_NODISCARD nd_status nd_dedup_create(nd_dedup **out, const nd_params *params,
                                              const nd_allocator *alloc);
/** Frees @p d and everything it returned (NULL is fine). */
ND_API void nd_dedup_destroy(nd_dedup *d);
/** @return the number of cores this process may run on (what ND_P_THREADS 0
 *  means), at least 1 and at most 256. */
ND_API unsigned nd_threads_available(void);
/** Directory for spill files under ND_P_MEMORY (copied; NULL = /tmp). The
 *  files are unlinked as soon as they are created, so nothing is left behind.
 *  @return ND_OK, ND_E_NOMEM, ND_E_STATE (after the first spill or the run). */
ND_API ND_NODISCARD nd_status nd_dedup_set_tmpdir(nd_dedup *d, const char *dir);

/** Sketches @p text with the deduplicator's own worker and adds it as the
 *  next document. @p doc may be NULL.
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT, ND_E_STATE (after nd_dedup_run). */
ND_API ND_NODISCARD nd_status nd_dedup_add(nd_dedup *d, const char *text, size_t len,
                                           const nd_doc *doc);
/** Adds a sketch computed by any worker made with the same parameters; the
 *  sketch is copied. With ND_VERIFY_EXACT the shingles are kept.
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_dedup_add_sketch(nd_dedup *d, const nd_sketch *sk,
                                                  const nd_doc *doc);

/** Finds candidates (exact hash groups and LSH buckets), verifies them and
 *  builds clusters. Documents are taken in survivor-policy order; each one not
 *  yet placed becomes a representative and takes in every unplaced candidate
 *  that is an exact copy, a near-duplicate, or contained in it. Clusters never
 *  chain: every member is verified against its representative.
 *  @param want_pairs  also verify every candidate pair, for nd_dedup_pairs().
 *  @return ND_OK, ND_E_NOMEM, ND_E_STATE (run twice). */
ND_API ND_NODISCARD nd_status nd_dedup_run(nd_dedup *d, int want_pairs);

/** A transport between the processes of one distributed run, for
 *  nd_dedup_run_dist(). The library never calls MPI (or any network) itself:
 *  neardup-mpi fills this with MPI_Alltoall and MPI_Alltoallv on a
 *  communicator, a test with threads and shared memory. */
typedef struct nd_comm {
    unsigned rank, size;  /**< this process and the number of processes */
    /** All-to-all exchange, called by every process in the same order, twice
     *  per step: first with @p recv NULL, to learn recv_len[r] (the bytes rank r
     *  sends here) from every rank's send_len; then with @p recv (room for
     *  their sum) to move the bytes. @p send holds the blocks for ranks 0, 1, ..
     *  back to back, send_len[r] bytes each; @p recv receives them laid out the
     *  same way. @p stage names the step ("exact", "bands", ...) for messages
     *  and byte counts. Returns ND_OK, or ND_E_IO when a peer is lost. */
    nd_status (*exchange)(void *ctx, const char *stage, const void *send,
                          const uint64_t *send_len, void *recv, uint64_t *recv_len);
    void *ctx;
} nd_comm;

/** nd_dedup_run() over documents spread across the processes of @p comm, each
 *  of which added its share to its own @p d (same parameters everywhere).
 *  Collective: every process calls it. @p global_ids[i] is the position of
 *  local document i in the whole collection (strictly increasing; together
 *  the processes hold every position from 0 once). Exact hashes and LSH band
 *  keys are sent to the process that owns their bucket, candidate pairs are
 *  verified on the process holding the first document, the second's set
 *  fetched from its owner in bounded rounds, and process 0 places the
 *  clusters. On return, process 0's @p d answers every query exactly as a
 *  single nd_dedup given all documents in order would (num_docs, member,
 *  clusters, pairs, stats); on the other processes only the stats of the
 *  local documents are meaningful.
 *  @return ND_OK, ND_E_NOMEM, ND_E_IO (a transport error, or a spill file that
 *  cannot be read back), ND_E_PARAM (global_ids inconsistent), ND_E_STATE. Any
 *  error leaves the run lost on every process; an error met by one process
 *  alone (out of memory, a bad global_ids) leaves the others waiting in their
 *  next exchange, so the caller must then stop them all (neardup-mpi calls
 *  MPI_Abort). */
ND_API ND_NODISCARD nd_status nd_dedup_run_dist(nd_dedup *d, const nd_comm *comm,
                                                const uint32_t *global_ids, int want_pairs);

/** @return the number of documents added. */
ND_API size_t nd_dedup_num_docs(const nd_dedup *d);
/** Where document @p i landed.
 *  @return ND_OK, ND_E_PARAM (i out of range), ND_E_STATE (before run). */
ND_API ND_NODISCARD nd_status nd_dedup_member(const nd_dedup *d, size_t i, nd_member *out);
/** Clusters of two or more documents, in order of their representative's
 *  position in the input. Cluster c has members
 *  members[offsets[c] .. offsets[c+1]), the representative first, the others in
 *  input order. Arrays are borrowed, valid until nd_dedup_destroy().
 *  @return ND_OK, ND_E_STATE (before run). */
ND_API ND_NODISCARD nd_status nd_dedup_clusters(const nd_dedup *d, const nd_member **members,
                                                const size_t **offsets, size_t *num_clusters);
/** Every verified candidate pair with a relation (a < b), sorted by (a, b);
 *  only when run with want_pairs. Borrowed, valid until nd_dedup_destroy().
 *  @return ND_OK, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_dedup_pairs(const nd_dedup *d, const nd_pair **pairs,
                                             size_t *num_pairs);
/** Fills @p out with the counters so far. */
ND_API void nd_dedup_get_stats(const nd_dedup *d, nd_dedup_stats *out);
/** Document @p i's template (@p form: its text with values masked, folded to
 *  32 bits; 0 when it has none or ND_P_TEMPLATES is off) and its values past a
 *  header block (@p report), as ND_REL_TEMPLATE compares them: two documents
 *  of one form and different reports are templates of each other.
 *  @return ND_OK, ND_E_PARAM (i out of range), ND_E_STATE (before the run; or
 *  on a process other than 0 of a distributed run). */
ND_API ND_NODISCARD nd_status nd_dedup_template(const nd_dedup *d, size_t i, uint32_t *form,
                                                uint32_t *report);
/** @return bytes of memory the deduplicator holds now. */
ND_API size_t nd_dedup_memory(const nd_dedup *d);
/** @return an estimate of the bytes a deduplicator needs for @p num_docs
 *  documents of @p avg_shingles shingles each under @p params; dates
 *  (nd_doc.has_date) add 8 bytes a document once any document is dated. */
ND_API size_t nd_dedup_estimate_memory(const nd_params *params, size_t num_docs,
                                       size_t avg_shingles);
/** @return the last error detail of @p d ("" when none), valid until the next
 *  call on @p d. */
ND_API const char *nd_dedup_errdetail(const nd_dedup *d);

/* ---- Reuse and boilerplate -------------------------------------------- */

/** Per-document facts given to nd_reuse_add(). */
typedef struct nd_reuse_doc {
    const char *source;   /**< site, outlet, newsgroup... (copied), or NULL */
    size_t source_len;
    double date;          /**< days on any fixed scale (e.g. since 1970-01-01) */
    int has_date;
    uint32_t group;       /**< documents with equal group are copies of one another (e.g.
                               nd_member.rep of a dedup run); ND_NO_GROUP: a group of its own */
    uint64_t length;      /**< its text's length in bytes, or 0 (not known). When lengths
                               are given, nd_reuse_boilerplate also notes which n-grams occur
                               twice or more (in a table sized by their sum), and nd_reuse_run
                               indexes no other (same passages, less memory); its text
                               function must then give the same texts as
                               nd_reuse_boilerplate's */
} nd_reuse_doc;
#define ND_NO_GROUP UINT32_MAX
#define ND_NO_DOC UINT32_MAX

/** Gives the text of document @p doc. Called from nd_reuse's threads at once
 *  (with ND_P_THREADS other than 1): it must be thread-safe. @p slot is below
 *  2 x the thread count; the text must stay valid until the next call with the
 *  same slot (or the end of the nd_reuse_* call). It must be the same bytes
 *  every time. Return ND_OK, or an error that stops the run. */
typedef nd_status (*nd_text_fn)(void *ctx, uint32_t doc, unsigned slot, const char **text,
                                size_t *len);

/** A passage shared by documents a < b: byte ranges [start, end) of the
 *  original texts, the words (tokens) each range spans, and the alignment. */
typedef struct nd_passage {
    uint32_t a, b;
    uint32_t a_start, a_end, b_start, b_end;
    uint32_t a_words, b_words;
    uint32_t matches;     /**< aligned equal words (longest common subsequence) */
    int32_t score;        /**< matches - unmatched words of a - unmatched words of b */
    uint32_t cluster;     /**< its passage cluster (nd_reuse_clusters); ND_NO_CLUSTER for a
                               passage between copies (ND_PASSAGE_COPY), which would join
                               every passage of the two documents into one */
    uint32_t earlier;     /**< the document with the earlier date (a or b), ND_NO_DOC when
                               either has no date or the dates are equal */
    uint32_t flags;       /**< ND_PASSAGE_COPY: a and b are copies of one another (one
                               duplicate group: exact or near-duplicates, or one contained
                               in the other); found under ND_P_PAIR_COPIES 1 (default) */
} nd_passage;

#define ND_PASSAGE_COPY 1u /**< nd_passage.flags: between two copies */
#define ND_NO_CLUSTER UINT32_MAX /**< nd_passage.cluster of a passage between copies */

/** One occurrence of a passage cluster: a byte range of a document. */
typedef struct nd_occurrence {
    uint32_t doc, start, end, words;
} nd_occurrence;

/** A boilerplate segment (a line, or a sentence of a line) found by
 *  nd_reuse_boilerplate(). Counts of documents count copies (same group) once. */
typedef struct nd_boiler {
    uint32_t doc, start, end;  /**< its first occurrence */
    uint32_t words;
    uint32_t docs;             /**< documents holding it */
    uint32_t edge_docs;        /**< ... at their head or tail */
    uint32_t occurrences;      /**< times it occurs, in all */
    uint32_t top_source;       /**< the source holding it in most documents (index for
                                    nd_reuse_source), ND_NO_DOC when none */
    uint32_t top_source_docs;
    uint32_t sources;          /**< distinct sources holding it */
} nd_boiler;

/** A byte range [start, end) of a document. */
typedef struct nd_span {
    uint32_t start, end;
} nd_span;

typedef struct nd_reuse_stats {
    uint64_t docs, tokens, seeds;    /**< seeds: the n-grams that may seed a passage */
    uint64_t seed_groups, rare_groups; /**< distinct n-grams shared by 2+ documents; those
                                          within the frequency bounds */
    uint64_t hits, pairs;            /**< seed matches between documents; document pairs */
    uint64_t passages, clusters;
    uint64_t segments, boiler_segments, boiler_occurrences;
    uint64_t spilled_bytes, spill_events; /**< seeds and hits written to temporary files
                                               (ND_P_MEMORY), and how many times */
    uint64_t word_ranges; /**< ND_P_MEMORY: the ranges of documents whose words the
                               alignment reads back whole, two at a time (0: it reads a
                               document's words per pair, or holds them all) */
    uint64_t seeds_single; /**< of the seeds, those whose n-gram occurs once in the
                                collection, known without indexing them (see
                                nd_reuse_doc.length) */
} nd_reuse_stats;

typedef struct nd_reuse nd_reuse;

/** Creates a reuse finder. @p params is copied (ND_P_NGRAM is the seed length).
 *  @return ND_OK, ND_E_NOMEM, ND_E_PARAM (ND_P_DF_MIN > ND_P_DF_MAX). */
ND_API ND_NODISCARD nd_status nd_reuse_create(nd_reuse **out, const nd_params *params,
                                              const nd_allocator *alloc);
/** Frees @p r and everything it returned (NULL is fine). */
ND_API void nd_reuse_destroy(nd_reuse *r);
/** Directory for temporary files under ND_P_MEMORY (copied; NULL = /tmp).
 *  @return ND_OK, ND_E_NOMEM, ND_E_STATE (after nd_reuse_run). */
ND_API ND_NODISCARD nd_status nd_reuse_set_tmpdir(nd_reuse *r, const char *dir);
/** Adds the next document (its text comes later, through an nd_text_fn).
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT, ND_E_STATE (after a run). */
ND_API ND_NODISCARD nd_status nd_reuse_add(nd_reuse *r, const nd_reuse_doc *doc);
/** Finds boilerplate: segments (lines, and sentences within lines) repeated at
 *  the head or tail of ND_P_BOILER_DOCS documents, anywhere in
 *  ND_P_BOILER_ANYWHERE, or in ND_P_BOILER_SOURCE_DOCS of one source. Call it
 *  before nd_reuse_run() to have the run ignore those spans.
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT, ND_E_STATE, or the text function's error. */
ND_API ND_NODISCARD nd_status nd_reuse_boilerplate(nd_reuse *r, nd_text_fn text, void *ctx);
/** Finds passages: n-grams (ND_P_NGRAM words) shared by documents within the
 *  frequency bounds seed document pairs; seeds in order are chained across
 *  gaps of up to ND_P_MAX_GAP words, extended, aligned word by word (banded
 *  longest common subsequence) and kept when at least ND_P_MIN_WORDS words
 *  match, at least half of the longer side. Chains of a pair that overlap on
 *  nearby diagonals (within 8 words) merge, and none is kept inside another in
 *  both documents; a phrase repeated in both documents may give passages that
 *  overlap on distant diagonals. Passages sharing a range of a document form a
 *  passage cluster. Boilerplate found before is ignored.
 *  The output does not depend on ND_P_THREADS.
 *  @return ND_OK, ND_E_NOMEM, ND_E_LIMIT, ND_E_STATE (run twice), or the text
 *          function's error. */
ND_API ND_NODISCARD nd_status nd_reuse_run(nd_reuse *r, nd_text_fn text, void *ctx);
/** Passages sorted by (a, b, a_start). Borrowed, valid until nd_reuse_destroy(). */
ND_API ND_NODISCARD nd_status nd_reuse_passages(const nd_reuse *r, const nd_passage **p,
                                                size_t *n);
/** Passage clusters: cluster c holds occ[offsets[c] .. offsets[c+1]), sorted by
 *  (doc, start); clusters are ordered by their first occurrence. @p origin
 *  (may be NULL) receives, per cluster, the document with the single earliest
 *  date, or ND_NO_DOC. Borrowed, valid until nd_reuse_destroy(). */
ND_API ND_NODISCARD nd_status nd_reuse_clusters(const nd_reuse *r, const nd_occurrence **occ,
                                                const size_t **offsets, const uint32_t **origin,
                                                size_t *num_clusters);
/** Boilerplate segments, ordered by first occurrence. Borrowed. */
ND_API ND_NODISCARD nd_status nd_reuse_boilers(const nd_reuse *r, const nd_boiler **b,
                                               size_t *n);
/** Every occurrence of boilerplate segment @p i (doc, byte range, words), in
 *  document order. Borrowed, valid until nd_reuse_destroy().
 *  @return ND_OK, ND_E_PARAM (i out of range), ND_E_STATE (before nd_reuse_boilerplate). */
ND_API ND_NODISCARD nd_status nd_reuse_boiler_occurrences(const nd_reuse *r, size_t i,
                                                          const nd_occurrence **occ, size_t *n);
/** The boilerplate byte ranges of document @p doc (sorted, disjoint). Borrowed. */
ND_API ND_NODISCARD nd_status nd_reuse_doc_boilerplate(const nd_reuse *r, uint32_t doc,
                                                       const nd_span **spans, size_t *n);
/** Name of source @p i (as given to nd_reuse_add). @return NULL when out of range. */
ND_API const char *nd_reuse_source(const nd_reuse *r, uint32_t i, size_t *len);
/** Fills @p out with the counters so far. */
ND_API void nd_reuse_get_stats(const nd_reuse *r, nd_reuse_stats *out);
/** @return the last error detail of @p r ("" when none): after an error from
 *  nd_reuse_add, nd_reuse_set_tmpdir, nd_reuse_boilerplate or nd_reuse_run it
 *  is never empty and says what failed ("the seed buckets (N seeds): out of
 *  memory", "... writing a temporary file: No space left on device"). A full
 *  disk under ND_P_MEMORY is ND_E_IO, never ND_E_NOMEM or ND_E_LIMIT. Borrowed,
 *  valid until the next call on @p r. */
ND_API const char *nd_reuse_errdetail(const nd_reuse *r);

/* ---- Reuse and boilerplate across processes ---------------------------- */

/** Says that this process holds the texts of documents [@p lo, @p hi) only,
 *  for the distributed runs below (every process still adds every document,
 *  in the same order: its group, source and date). Set after the last
 *  nd_reuse_add. The text function is then only asked for these documents.
 *  @return ND_OK, ND_E_PARAM (lo > hi, hi past the documents), ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_reuse_set_share(nd_reuse *r, uint32_t lo, uint32_t hi);
/** nd_reuse_boilerplate() over the processes of @p comm, each holding the
 *  share it set (the shares in rank order tile the documents). Collective.
 *  Segment hashes go to the process owning their top byte, which counts and
 *  decides them; each process masks its own documents. On return process 0
 *  answers nd_reuse_boilers, nd_reuse_boiler_occurrences and
 *  nd_reuse_doc_boilerplate for every document exactly as one nd_reuse given
 *  every text would, and its stats are the collection's; another process
 *  knows the masks of its share only. Errors as nd_dedup_run_dist's: one met
 *  by a process alone leaves the others waiting, to be stopped by the caller. */
ND_API ND_NODISCARD nd_status nd_reuse_boilerplate_dist(nd_reuse *r, const nd_comm *comm,
                                                       nd_text_fn text, void *ctx);
/** nd_reuse_run() over the processes of @p comm (after
 *  nd_reuse_boilerplate_dist, or without boilerplate). Collective. Seeds go
 *  to the process owning their bucket, hits to the process holding one of the
 *  pair's documents (either, by the parity of a + b), which aligns the pair,
 *  fetching the other's words from its holder in bounded rounds, each
 *  document once (a round's words: 256 MiB, or an eighth of ND_P_MEMORY,
 *  divided by the number of processes, 64 KiB at least), and
 *  passages to process 0, which puts them in pair order. On return
 *  process 0's passages, clusters and stats are those of one nd_reuse given
 *  every text, byte for byte, for any number of processes and threads; the
 *  other processes hold none. Errors as nd_reuse_boilerplate_dist's. */
ND_API ND_NODISCARD nd_status nd_reuse_run_dist(nd_reuse *r, const nd_comm *comm,
                                               nd_text_fn text, void *ctx);

/* ---- Stories ------------------------------------------------------------ */

/** Per-document facts given to nd_story_add(). */
typedef struct nd_story_doc {
    const char *title;    /**< or NULL (copied); its words weigh ND_P_TITLE_WEIGHT */
    size_t title_len;
    const char *lang;     /**< stemming language: a Snowball name or ISO 639 code ("english",
                               "en", "de"...); NULL = the handle's default (copied) */
    size_t lang_len;
    double date;          /**< days, as for nd_reuse_doc */
    int has_date;
    uint32_t form;        /**< the document's template (0: none), e.g. from
                               nd_dedup_template(): two documents of one form whose
                               reports differ (another company's results notice, another
                               day's rates) never share a story */
    uint32_t report;      /**< its values on that form (nd_dedup_template()) */
} nd_story_doc;

/** Where a document landed, after nd_story_cluster(). */
typedef struct nd_story_member {
    uint32_t doc, story;
    double similarity;    /**< cosine to its story's final centroid */
} nd_story_member;

typedef struct nd_story nd_story;

/** Creates a story finder. @p lang is the default stemming language (NULL:
 *  "english"; "none": no stemming and no stop words); a document's own
 *  nd_story_doc.lang that libstemmer does not know is not stemmed.
 *  @return ND_OK, ND_E_NOMEM, ND_E_PARAM (@p lang unknown to libstemmer). */
ND_API ND_NODISCARD nd_status nd_story_create(nd_story **out, const nd_params *params,
                                              const char *lang, const nd_allocator *alloc);
ND_API void nd_story_destroy(nd_story *s);
/** Adds the next document. @return ND_OK, ND_E_NOMEM, ND_E_LIMIT, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_story_add(nd_story *s, const nd_story_doc *doc);
/** Pulls documents a and b together (a copy, a shared passage): when one is
 *  placed, a story holding the other gets ND_P_LINK_BONUS. @return ND_OK,
 *  ND_E_NOMEM, ND_E_PARAM (out of range), ND_E_STATE (after clustering). */
ND_API ND_NODISCARD nd_status nd_story_link(nd_story *s, uint32_t a, uint32_t b);
/** Builds the document vectors: words of the shared tokeniser, stemmed
 *  (libstemmer), stop words (English function words, and words in more than
 *  half of 1,000+ documents) dropped; TF-IDF learnt from the documents added,
 *  sublinear term frequency, names and numbers weighted ND_P_NAME_WEIGHT, title
 *  words ND_P_TITLE_WEIGHT; L2-normalised. Uses ND_P_THREADS threads.
 *  @return ND_OK, ND_E_NOMEM, ND_E_STATE (twice), or the text function's error. */
ND_API ND_NODISCARD nd_status nd_story_vectors(nd_story *s, nd_text_fn text, void *ctx);
/** Cosine similarity of the vectors of documents a and b (after nd_story_vectors).
 *  @return ND_OK, ND_E_PARAM, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_story_similarity(const nd_story *s, uint32_t a, uint32_t b,
                                                  double *sim);
/** Online clustering in date order (undated documents after, in input order):
 *  each document joins the open story whose centroid is most similar (plus the
 *  link bonus) when that reaches ND_P_STORY_THRESHOLD, else starts a story. A
 *  story is open while the document's date is within ND_P_STORY_WINDOW days of
 *  its last member. Deterministic. @return ND_OK, ND_E_NOMEM, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_story_cluster(nd_story *s);
/** Members by story (story order: by first member in clustering order; within
 *  a story, clustering order): story k holds m[off[k] .. off[k+1]).
 *  Borrowed, valid until nd_story_destroy(). @return ND_OK, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_story_stories(const nd_story *s, const nd_story_member **m,
                                               const size_t **off, size_t *num_stories);
/** Up to @p max (at most 16) of story k's most telling terms: its heaviest
 *  centroid terms, each as the word first seen for it in the story's first
 *  members (their titles and texts, read again through @p text, slot 0),
 *  heaviest first; NUL-terminated, borrowed until the next call.
 *  @return the number written to @p terms: 0 for a story with no word found,
 *  or on an error, after which (only) nd_story_errdetail() is not empty. */
ND_API size_t nd_story_label(nd_story *s, size_t k, nd_text_fn text, void *ctx,
                             const char **terms, size_t max);
/** Writes the document frequencies learnt (plus any loaded) to @p path: a
 *  model another collection can start from (a small one gains most). Format:
 *  "NDSTORYM", version (u32), documents (u64), terms (u64), (id u32, df u32)
 *  sorted by id, XXH3-64 of the preceding bytes (u64); little-endian.
 *  The file appears whole or not at all: it is written to a new file beside
 *  @p path ("<path>.tmp.XXXXXX", created exclusively, mode 0666 less the
 *  umask), flushed to disk and renamed over @p path, so no temporary name is
 *  needed by the caller. A symlink at @p path is replaced, not followed; a
 *  path that is neither a regular file nor a symlink (/dev/null) is written
 *  in place.
 *  @return ND_OK, ND_E_NOMEM, ND_E_IO (nd_story_errdetail() names the path,
 *  the step and the system's reason, e.g. "No space left on device"),
 *  ND_E_STATE (before nd_story_vectors). */
ND_API ND_NODISCARD nd_status nd_story_model_save(nd_story *s, const char *path);
/** Loads a model before nd_story_vectors(): its frequencies and document
 *  count are added to those of the documents. The file's length must be the
 *  one its header declares (checked, with the checksum, before any table is
 *  allocated: memory follows the bytes actually read). @return ND_OK,
 *  ND_E_NOMEM, ND_E_IO, ND_E_CORRUPT (bad magic, truncated, trailing bytes
 *  after the checksum, checksum, order), ND_E_VERSION, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_story_model_load(nd_story *s, const char *path);
/** @return the last error detail of @p s ("" when none): never empty after an
 *  error from a call that takes a non-const handle; it says what failed.
 *  Borrowed, valid until the next call on @p s. */
ND_API const char *nd_story_errdetail(const nd_story *s);

/* ---- Story digest (nd_digest) ----------------------------------------- */
/*
 * What the documents of one story say, and where they differ. Sentences are
 * split with care for abbreviations, initials, numbers, quotes and headlines.
 * Sentences of different sources that say the same thing form a group:
 * verbatim (a passage given with nd_digest_passage covers both, or the same
 * words) or paraphrased (a weighted word overlap of at least
 * ND_P_DIGEST_SIMILARITY); a group holds one sentence of a document at most.
 * A group carried by more than half the story's sources (two at least) is
 * core; a sentence in no group with another source is that source's alone.
 * Quantities (counts, money, percentages, dates, times, ages) are read with
 * their head noun or unit; the same quantity (same head, aligned sentences or
 * a close value written alike) with different values in two sources is a
 * disagreement. A predicate one source affirms and another negates (killed /
 * no casualties, confirmed / denied, or any word negated in an aligned
 * sentence) is a contradiction to check, never a finding. The names the
 * sources give one entity (an acronym and its expansion, "X, also called
 * Y", a name with and without its title, names swapped in aligned
 * sentences) are aliases. Every item is a byte range of a document.
 *
 * One story at a time: nd_digest_add its documents, nd_digest_passage the
 * verbatim passages between them, nd_digest_run, nd_digest_result, then
 * nd_digest_reset for the next story. An nd_digest is not thread-safe; use
 * one per thread. Results are the same whatever the order of passages.
 */

/** A document of the story; the text is borrowed until nd_digest_reset. */
typedef struct nd_digest_doc {
    const char *text;
    size_t len;
    uint32_t source;   /**< its source's number: documents of one source count once;
                            give every document its own when sources are unknown */
    const nd_span *skip; /**< byte ranges that are not the story (boilerplate:
                              nd_reuse_doc_boilerplate), sorted; a sentence of 50
                              bytes or more, half in them or more, is left out (a
                              shorter one may be a formulaic fact). NULL: none */
    size_t nskip;
} nd_digest_doc;

/** A sentence: bytes [start, end) of document doc (nd_digest_add order). */
typedef struct nd_dsentence {
    uint32_t doc, start, end;
    uint32_t group;    /**< its group, ND_NO_CLUSTER when no other source says it */
} nd_dsentence;

/** A group of sentences that say the same thing. */
typedef struct nd_dgroup {
    uint32_t first, count; /**< its sentences: members[first .. first + count), by document */
    uint32_t sources;      /**< the sources that carry it */
    uint8_t verbatim;      /**< 1: joined by passages or the same words only */
    uint8_t core;          /**< 1: carried by more than half the sources, 2 at least */
    float similarity;      /**< the weakest link that joined it (1 for verbatim) */
} nd_dgroup;

/** Kinds of quantity. */
typedef enum {
    ND_Q_COUNT = 0, ND_Q_MONEY, ND_Q_PERCENT, ND_Q_DATE, ND_Q_TIME, ND_Q_AGE
} nd_qkind;

/** A quantity read in a sentence. */
typedef struct nd_dquantity {
    uint32_t sentence;           /**< its sentence */
    uint32_t start, end;         /**< the number as written, with its unit ("some 2,800") */
    uint32_t head_start, head_end; /**< its head noun or unit ("members"); both 0: none */
    double value;                /**< counts, money and ages as numbers; percent; dates as
                                      YYYYMMDD (year, month and day that are unknown are
                                      0); times as minutes after midnight */
    uint8_t kind;                /**< nd_qkind */
    uint8_t approx;              /**< 1: "some", "about", "nearly", "more than"... */
} nd_dquantity;

/** Kinds of conflict. */
typedef enum {
    ND_DC_VALUE = 0,   /**< the same quantity, different values: items are quantities */
    ND_DC_NEGATION = 1 /**< a predicate affirmed and negated: items are sentences */
} nd_dckind;

/** A disagreement or a contradiction between sources, for a person to check. */
typedef struct nd_dconflict {
    uint8_t kind;          /**< nd_dckind */
    uint32_t first, count; /**< items[first .. first + count) */
    uint32_t split;        /**< ND_DC_NEGATION: the first split items affirm, the rest
                                negate; ND_DC_VALUE: 0 */
    const char *what;      /**< the head noun (VALUE) or the predicate (NEGATION),
                                NUL-terminated, valid until nd_digest_reset */
} nd_dconflict;

/** How two names were found to be aliases. */
typedef enum {
    ND_AL_DEFINED = 0, /**< "Long Form (ACR)" */
    ND_AL_ACRONYM,     /**< the acronym's letters are the long form's initials */
    ND_AL_CALLED,      /**< "X, also called / also known as / known as / dubbed [the] Y" */
    ND_AL_TITLE,       /**< a name with and without its title ("Minister Bledi Cuci", "Cuci") */
    ND_AL_ALIGNED      /**< the one name that differs between two aligned sentences */
} nd_dalias_how;

/** A name as written: bytes [start, end) of document doc. */
typedef struct nd_dname {
    uint32_t doc, start, end;
    uint32_t mentions; /**< how many times the story writes it (case and spacing apart) */
} nd_dname;

/** Names of one entity: names[first .. first + count) (first mention of each
 *  form, by document and position), and the evidence linking them. */
typedef struct nd_dalias {
    uint32_t first, count;
    uint32_t efirst, ecount; /**< evidence[efirst .. efirst + ecount) */
} nd_dalias;

/** One link between two forms of an alias set. */
typedef struct nd_devidence {
    uint8_t how;          /**< nd_dalias_how */
    uint32_t a, b;        /**< the two forms (indices into names) */
    uint32_t doc, start, end; /**< where it is seen (for ND_AL_ALIGNED, the first sentence) */
    uint32_t doc2, start2, end2; /**< ND_AL_ALIGNED: the other sentence; else as doc.. */
} nd_devidence;

/** Everything nd_digest_run found; borrowed until nd_digest_reset. */
typedef struct nd_digest_result {
    const nd_dsentence *sentences; size_t nsentences; /**< by document, then position */
    const nd_dgroup *groups; size_t ngroups;     /**< by sources (most first), then first
                                                      sentence */
    const uint32_t *members;                     /**< sentence indices of the groups */
    const nd_dquantity *quantities; size_t nquantities; /**< by sentence, then position */
    const nd_dconflict *conflicts; size_t nconflicts;   /**< VALUE first, by first item */
    const uint32_t *items;                       /**< of the conflicts */
    const nd_dname *names; size_t nnames;
    const nd_dalias *aliases; size_t naliases;
    const nd_devidence *evidence; size_t nevidence;
    uint32_t sources;                            /**< distinct sources of the story */
} nd_digest_result;

typedef struct nd_digest nd_digest;

/** @p lang: the stemming language (Snowball name or ISO code; NULL:
 *  english; "none": not stemmed). @return ND_OK, ND_E_NOMEM, ND_E_PARAM
 *  (a language libstemmer does not know). */
ND_API ND_NODISCARD nd_status nd_digest_create(nd_digest **out, const nd_params *params,
                                               const char *lang, const nd_allocator *alloc);
ND_API void nd_digest_destroy(nd_digest *d);
/** Forgets the story: the next nd_digest_add starts another. */
ND_API void nd_digest_reset(nd_digest *d);
/** Adds document nd_digest_add's count so far (0, 1, ...). Texts over 4 GiB
 *  are refused. @return ND_OK, ND_E_NOMEM, ND_E_PARAM, ND_E_STATE (after run). */
ND_API ND_NODISCARD nd_status nd_digest_add(nd_digest *d, const nd_digest_doc *doc);
/** A verbatim passage: bytes [a_start, a_end) of document a are the same text
 *  as [b_start, b_end) of document b (nd_reuse's, in nd_digest_add numbers).
 *  @return ND_OK, ND_E_NOMEM, ND_E_PARAM (a range out of its text), ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_digest_passage(nd_digest *d, uint32_t a, uint32_t a_start,
                                                uint32_t a_end, uint32_t b, uint32_t b_start,
                                                uint32_t b_end);
/** Splits, groups and reads the story. @return ND_OK, ND_E_NOMEM, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_digest_run(nd_digest *d);
/** The results (after nd_digest_run). @return ND_OK, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_digest_get(const nd_digest *d, nd_digest_result *out);
/** The sentence ends of text[0..len): the library's splitter alone, for a
 *  caller that shows sentences (from the first byte: nd_digest_run first
 *  leaves out a mail or news header block, then splits what follows). ends
 *  receives up to cap byte offsets, each
 *  past a sentence's last byte (trailing spaces excluded); starts, when not
 *  NULL, each sentence's first byte. @return the number of sentences (may
 *  exceed cap: call again with more room). */
ND_API size_t nd_digest_sentences(const char *text, size_t len, uint32_t *starts,
                                  uint32_t *ends, size_t cap);
/** Name of a quantity kind ("count", "money", "percent", "date", "time",
 *  "age") and of an alias link ("defined", "acronym", "called", "title",
 *  "aligned"); "?" when out of range. */
ND_API const char *nd_qkind_name(unsigned kind);
ND_API const char *nd_alias_how_name(unsigned how);
/** Why the last call failed, or "". */
ND_API const char *nd_digest_errdetail(const nd_digest *d);

/* ---- Persistent index (nd_index, on LMDB) --------------------------------- */

/** A durable, incremental index in a directory: the answers of nd_dedup,
 *  nd_reuse and nd_story for one new document at a time, kept across runs and
 *  crashes. See docs/index-format.md for what is stored and how.
 *
 *  Thread contract: an nd_index may be shared by threads; each thread works
 *  through its own nd_index_session. Writes (add, remove) are serialised by
 *  the index (one LMDB write transaction at a time); queries run in read
 *  transactions that never block the writer nor wait for it. A write is
 *  durable when nd_index_add()/nd_index_remove() returns ND_OK (the LMDB
 *  commit is synced to disk). One process at a time may open an index for
 *  writing (others get ND_E_STATE).
 *
 *  Memory: besides the pages LMDB maps, an open index that keeps stories
 *  memoises, for its sessions, the dates and centroid terms of the stories
 *  it has read (about 1 KB a story, at most 256 MiB of terms, and 64 bytes
 *  for every story it has seen, kept until the index is closed); the answers
 *  are those the records give (a process that writes sees its writes; a
 *  read-only one trusts the memo only within one snapshot). */
typedef struct nd_index nd_index;
typedef struct nd_index_session nd_index_session;

/** nd_index_open() flags. */
#define ND_INDEX_CREATE 1u    /**< create a new index in the directory (made if missing;
                                   ND_E_STATE when it already holds one) */
#define ND_INDEX_READONLY 2u  /**< open for queries only; add and remove give ND_E_STATE */
#define ND_INDEX_NOSYNC 4u    /**< do not sync each commit, only at nd_index_close() (bulk
                                   loads: much faster on a slow disk). A process crash loses
                                   nothing; a system crash may lose the last commits or, on a
                                   file system that reorders writes, damage the index (verify
                                   tells) */

/** A document given to the index. Strings need not be NUL-terminated. */
typedef struct nd_index_doc {
    const char *id;      /**< its name, 1 to 500 bytes, unique in the index */
    size_t id_len;
    const char *text;
    size_t text_len;
    const char *title;   /**< or NULL (stories) */
    size_t title_len;
    const char *source;  /**< or NULL (reuse: --same-source, window) */
    size_t source_len;
    const char *date;    /**< the date as written in the input, or NULL; kept and given back */
    size_t date_len;
    double date_days;    /**< days since 1970-01-01 when has_date */
    int has_date;
    const char *lang;    /**< stemming language of the stories, or NULL (the index's) */
    size_t lang_len;
} nd_index_doc;

/** A verified relation of the document to an indexed one (nd_pair's figures,
 *  from the document's side). */
typedef struct nd_index_match {
    const char *id;       /**< the indexed document (borrowed) */
    size_t id_len;
    nd_relation rel;      /**< relation of the document to it */
    double resemblance, doc_in_other, other_in_doc;
} nd_index_match;

/** A passage the document shares with an indexed one: [start, end) in the
 *  document, [other_start, other_end) in the other (original bytes). */
typedef struct nd_index_passage {
    const char *other;    /**< the indexed document's id (borrowed) */
    size_t other_len;
    uint32_t start, end, other_start, other_end;
    uint32_t words, other_words, matches;
    int32_t score;
    int earlier;          /**< -1: the document is dated earlier, 1: the other, 0: unknown */
    uint32_t flags;       /**< ND_PASSAGE_COPY: the two are copies (one duplicate group) */
} nd_index_passage;

/** The parts of an answer beyond the cluster and pairs, which are always
 *  computed (nd_index_session_set_answers, nd_index_answer.parts). */
#define ND_INDEX_ANSWER_PASSAGES 1u /**< the shared passages */
#define ND_INDEX_ANSWER_STORY 2u    /**< the story it joins */
#define ND_INDEX_ANSWER_ALL 3u

/** Whether an add changed the index. */
typedef enum {
    ND_INDEX_QUERIED = 0,  /**< nd_index_query(): nothing written */
    ND_INDEX_ADDED = 1,    /**< a new id */
    ND_INDEX_REPLACED = 2, /**< the id was indexed with another text or facts: replaced */
    ND_INDEX_UNCHANGED = 3 /**< the id was indexed with the same text and facts: no write */
} nd_index_change;

/** The answer for one document: the same facts as the batch outputs give it
 *  (docs/output-format.md). Borrowed from the session, valid until its next call. */
typedef struct nd_index_answer {
    nd_index_change change;
    const char *rep;          /**< id of its cluster's representative: itself when it is one
                                   (or would be, for a query) */
    size_t rep_len;
    nd_relation rel;          /**< relation to rep (ND_REL_NONE when it is rep) */
    double resemblance, doc_in_rep, rep_in_doc;
    const nd_index_match *matches;  /**< every verified relation with an indexed document,
                                         in index order (dedup --pairs); NULL when none */
    size_t num_matches;
    const nd_index_passage *passages; /**< sorted by (other's index order, start); NULL
                                           when none */
    size_t num_passages;
    int has_story;            /**< 0 when the index keeps no stories */
    uint64_t story;           /**< the story it joins (or would start, for a query) */
    int new_story;            /**< 1 when it starts the story */
    double story_similarity;  /**< cosine to the story's centroid before it joined; 1 new */
    uint64_t story_size;      /**< members, itself included */
    unsigned parts;           /**< the parts asked (ND_INDEX_ANSWER_*): all of them for an
                                   add, a query's from nd_index_session_set_answers. A part
                                   not asked is not computed: no passages, has_story 0 */
} nd_index_answer;

/** What the index holds for an id (nd_index_get). Borrowed like an answer. */
typedef struct nd_index_record {
    const char *id;
    size_t id_len;
    uint64_t seq;             /**< its position in index order (add order; a replaced
                                   document moves to the end) */
    const char *rep;          /**< its representative's id (itself when it is one) */
    size_t rep_len;
    nd_relation rel;
    const char *date, *source, *title;  /**< as given, or NULL */
    size_t date_len, source_len, title_len;
    uint64_t length;          /**< bytes of text */
    int has_story;
    uint64_t story;
} nd_index_record;

typedef struct nd_index_stats {
    uint64_t docs;            /**< documents in the index */
    uint64_t clusters;        /**< clusters of 2+ documents */
    uint64_t removed_dups;    /**< documents that are not representatives */
    uint64_t stories, postings, terms;
    uint64_t adds, removes;   /**< documents added or replaced, and removed, over the
                                   index's life */
    uint64_t file_bytes;      /**< size of the data file */
    uint64_t used_bytes;      /**< pages in use */
    uint64_t map_bytes;       /**< the map size (grows on demand) */
    unsigned format_version;
} nd_index_stats;

/** Opens (or with ND_INDEX_CREATE creates) the index in directory @p dir.
 *  @p params: with ND_INDEX_CREATE, the parameters stored in the new index
 *  (NULL: defaults); when opening, NULL takes the stored ones, and non-NULL
 *  ones must equal them in every parameter that changes what is stored or
 *  answered (else ND_E_PARAM, the detail naming the first that differs).
 *  @return ND_OK; ND_E_IO (no such directory, no permission); ND_E_STATE
 *  (CREATE where an index is, open where none is, another writer);
 *  ND_E_VERSION (an index of another format version or sketch version);
 *  ND_E_CORRUPT (not an index, or its header fails its checksum); ND_E_PARAM;
 *  ND_E_NOMEM. On error *out receives NULL or a handle to read the detail
 *  from (nd_index_errdetail) that must be closed; a create that fails
 *  removes what it made (the files, and the directory if it made it). ND_P_THREADS of @p params
 *  (not stored) is the number of threads that sketch the documents of a
 *  batch in nd_index_add() (0: one per core; then a custom allocator must be
 *  thread-safe); answers do not depend on it. */
ND_API ND_NODISCARD nd_status nd_index_open(nd_index **out, const char *dir,
                                            const nd_params *params, unsigned flags,
                                            const nd_allocator *alloc);
/** Closes @p ix (NULL is fine); every session must be destroyed first. */
ND_API void nd_index_close(nd_index *ix);
/** Whether @p dir holds an index (its data file): 1 or 0, whatever its state;
 *  for "create it unless it is there" (nd_index_open with ND_INDEX_CREATE when
 *  0). */
ND_API int nd_index_exists(const char *dir);
/** Copies the index's parameters into @p out. */
ND_API void nd_index_params(const nd_index *ix, nd_params *out);
/** @return the last error detail of the handle ("" when none); borrowed. */
ND_API const char *nd_index_errdetail(const nd_index *ix);

/** A per-thread session: a worker, scratch and the answers' memory.
 *  @return ND_OK, ND_E_NOMEM. */
ND_API ND_NODISCARD nd_status nd_index_session_create(nd_index *ix, nd_index_session **out);
ND_API void nd_index_session_destroy(nd_index_session *s);
/** @return the session's last error detail ("" when none); borrowed. */
ND_API const char *nd_index_session_errdetail(const nd_index_session *s);
/** Which parts the session's next nd_index_query() calls compute: an OR of
 *  ND_INDEX_ANSWER_*; ND_INDEX_ANSWER_ALL when the session is made (a part
 *  the index does not keep is never found). The cluster and the pairs
 *  are always computed. A "seen it?" query asks for 0: on an index that keeps
 *  passages and stories, they are most of a query's work. The story needs the
 *  passages (a passage partner's story gets the link bonus): asked alone, the
 *  passages are found and not given, and the story is the one a full query
 *  gives. Adds always compute every part (they store them). */
ND_API void nd_index_session_set_answers(nd_index_session *s, unsigned parts);

/** Adds @p n documents in one transaction, in order (a document sees those
 *  before it in the batch): all are added, or none (on any error). An id
 *  already indexed is replaced when its text or facts differ, left alone when
 *  they are the same (idempotent). @p answers (may be NULL) receives n answers,
 *  borrowed until the session's next call.
 *  @return ND_OK, ND_E_INPUT (a bad id: empty, too long, or twice in the
 *  batch; the detail names the document's position), ND_E_LIMIT, ND_E_IO
 *  (disk full), ND_E_STATE (read-only), ND_E_CORRUPT, ND_E_NOMEM. */
ND_API ND_NODISCARD nd_status nd_index_add(nd_index_session *s, const nd_index_doc *docs,
                                           size_t n, const nd_index_answer **answers);
/** The answer @p doc would get if it were added now, computed in a read
 *  transaction: nothing is written. A query whose id is indexed is answered
 *  as if that document were not there (it is not its own duplicate). */
ND_API ND_NODISCARD nd_status nd_index_query(nd_index_session *s, const nd_index_doc *doc,
                                             const nd_index_answer **answer);
/** Removes the documents with the @p n ids, in one transaction: their
 *  records, hashes, band keys, postings and story membership. A cluster whose
 *  representative goes is re-formed from its remaining members in index order
 *  (see docs/index-format.md). @p removed receives how many were indexed.
 *  @return ND_OK (ids not indexed are skipped), ND_E_STATE, ND_E_IO, ... */
ND_API ND_NODISCARD nd_status nd_index_remove(nd_index_session *s, const char *const *ids,
                                              const size_t *id_lens, size_t n, size_t *removed);
/** What is stored for @p id. @return ND_OK, ND_E_PARAM (not indexed), ... */
ND_API ND_NODISCARD nd_status nd_index_get(nd_index_session *s, const char *id, size_t id_len,
                                           nd_index_record *out);
/** The stored text of @p id, borrowed until the session's next call.
 *  @return ND_OK, ND_E_PARAM (not indexed), ND_E_STATE (texts not kept). */
ND_API ND_NODISCARD nd_status nd_index_text(nd_index_session *s, const char *id, size_t id_len,
                                            const char **text, size_t *len);
/** Visits every indexed id in index order; @p fn returns nonzero to stop. */
ND_API ND_NODISCARD nd_status nd_index_each(nd_index_session *s,
                                            int (*fn)(void *ctx, const nd_index_record *r),
                                            void *ctx);
/** Fills @p out. @return ND_OK or an LMDB failure (ND_E_IO, ND_E_CORRUPT). */
ND_API ND_NODISCARD nd_status nd_index_stats_get(nd_index *ix, nd_index_stats *out);
/** Checks every record's checksum and version, and that hashes, band keys,
 *  postings, clusters and stories agree with the records, both ways.
 *  @p problems receives how many disagreements were found (the detail names
 *  the first). @return ND_OK when none; ND_E_CORRUPT otherwise; ND_E_NOMEM or
 *  ND_E_IO when the check itself could not run (nothing said of the index). */
ND_API ND_NODISCARD nd_status nd_index_verify(nd_index *ix, uint64_t *problems);
/** Writes a compacted copy of the index (free pages dropped) to a new
 *  directory @p dst, which must not exist yet or be empty.
 *  @return ND_OK, ND_E_IO, ND_E_STATE. */
ND_API ND_NODISCARD nd_status nd_index_compact(nd_index *ix, const char *dst);

#ifdef __cplusplus
}
#endif
#endif /* NEARDUP_H */
