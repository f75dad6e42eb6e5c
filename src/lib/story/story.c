/*
 * story.c - same-story clustering (nd_story).
 *
 * DESIGN
 *   Vectors (nd_story_vectors). Each document (its title, then its text) is
 *   tokenised by the shared tokeniser; a word that is an English function word
 *   (for English documents) is dropped; the rest are stemmed with libstemmer
 *   in the document's language and hashed to 32-bit term ids. A word counts
 *   ND_P_NAME_WEIGHT when it is capitalised (not at a sentence start) or holds
 *   a digit, times ND_P_TITLE_WEIGHT in the title; a number written with
 *   decimal or thousands parts ("5.495", "1,204") is one term (word_term).
 *   Per document the weights of
 *   a term are summed (s); its TF-IDF weight is (1 + ln s) * (ln((N+1)/(df+1))
 *   + 1), where df counts the documents holding it; with 1,000 documents or
 *   more, a term in more than half of them is a stop word. The MAX_TERMS
 *   heaviest terms are kept and the vector is L2-normalised. Documents are
 *   processed in parallel chunks, concatenated in chunk order.
 *
 *   Clustering (nd_story_cluster), after Miranda et al. (EMNLP 2018), online
 *   in date order. A story keeps a centroid (sum of its members' vectors,
 *   pruned to its CENTROID_TERMS heaviest terms) and is indexed under its
 *   INDEX_TERMS heaviest terms. A document asks the index with its
 *   QUERY_TERMS heaviest terms (newest postings first, at most POSTING_SCAN a
 *   term), adds the stories of documents linked to it (copies, shared
 *   passages), and scores each open story by the cosine of its vector with the
 *   centroid, plus ND_P_LINK_BONUS for a linked story. It joins the best one
 *   at or above ND_P_STORY_THRESHOLD, else starts a new story. A story of
 *   SEED_MEMBERS or more keeps the centroid it had then (its seed); it takes
 *   a document only if the cosine with that seed also reaches
 *   ND_P_STORY_DRIFT x ND_P_STORY_THRESHOLD, so that a story cannot wander
 *   off its first members one close neighbour at a time. A story that
 *   holds a document of the same form (nd_story_doc.form: its template) with
 *   another report (its values) is not a candidate: several hundred results
 *   notices of different companies over a month are several hundred reports,
 *   however alike their words. Nor is a story whose members name
 *   ND_P_STORY_NAMES names or more (capitalised words not opening a sentence,
 *   months and weekdays aside; a document's DOC_NAMES most frequent, a
 *   story's first STORY_NAMES) of which a document naming as many shares
 *   none: events of one kind are told in like phrases, and even share
 *   passages, but not the people and places. Everything is sequential here,
 *   in a fixed order: the output depends only on the input.
 */
#include <errno.h>
#include <fcntl.h>
#include <libstemmer.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "nd_internal.h"

static uint64_t nd_model_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}

#define CHUNK_DOCS 64
#define MAX_TERMS ND_STORY_MAX_TERMS
#define CENTROID_TERMS ND_STORY_CENTROID_TERMS
#define INDEX_TERMS ND_STORY_INDEX_TERMS
#define QUERY_TERMS ND_STORY_QUERY_TERMS
#define POSTING_SCAN ND_STORY_POSTING_SCAN
#define MAX_LANGS 64
#define NO_STORY UINT32_MAX
#define SEED_MEMBERS 3
#define DOC_NAMES 16     /* a document's most frequent names kept */
#define STORY_NAMES 128 /* a story's names (its members') stop growing past this */
#define IDF_PRIOR_DOCS 30.0 /* the IDF's prior counts as this many documents ... */
#define IDF_PRIOR 1.6931471805599453 /* ... of this IDF: 1 + ln 2, a term in half of them */

/* A model counts at most this many documents (2^48): far above any
 * collection, and low enough that adding one more never wraps. */
#define MODEL_MAX_DOCS (UINT64_C(1) << 48)

typedef nd_term term;

typedef struct sdoc {
    double date;
    int has_date;
    uint32_t form, report;  /* nd_story_doc's */
    uint32_t title_off, title_len;
    uint32_t lang; /* index into langs */
} sdoc;

typedef struct story {
    term *c;             /* centroid, sorted by id */
    uint32_t nc;
    double norm;
    double last;         /* date of its last dated member */
    int dated;
    uint32_t first;      /* first member (clustering order) */
    uint32_t size;
    uint32_t indexed[INDEX_TERMS * 2];
    uint32_t nindexed;
    term *seed;          /* its centroid when it had SEED_MEMBERS members, or NULL */
    uint32_t *names;     /* its members' names, sorted (growth stops past STORY_NAMES) */
    uint32_t nnames;
    uint32_t nseed;
    double seed_norm;
} story;

typedef struct posting {
    uint32_t story, next;
} posting;


struct nd_story {
    nd_alloc_ctx alloc;
    nd_params params;
    char deflang[32];
    nd_vec docs;     /* sdoc */
    nd_vec titles;   /* char */
    char langs[MAX_LANGS][32];
    uint32_t nlangs;
    nd_vec links;    /* uint64 a << 32 | b, both directions */
    int vec_done, clu_done;
    int vec_ok;      /* the vectors were built whole (a failed step leaves parts) */
    uint64_t *dft;   /* while vectors are weighed: the model's id << 32 | df by id
                        (open addressing, df_slot), dft_mask + 1 slots */
    size_t dft_mask;
    uint64_t *voff;  /* docs + 1 */
    uint32_t *names; /* per document its DOC_NAMES names at most, sorted by id: */
    uint64_t *noff;  /* ... names[noff[d] .. noff[d + 1]) */
    nd_vec vec;      /* term */
    /* the model: document frequencies, sorted by id (loaded, then learnt) */
    uint32_t *mid, *mdf;
    size_t mn;
    uint64_t mdocs;  /* documents the frequencies count, at most MODEL_MAX_DOCS */
    int model_loaded;
    /* results */
    nd_story_member *mem;
    size_t *soff;
    size_t nstories;
    story *st;
    const char *label[16];
    char *label_buf;
    size_t label_cap;
    /* labels' stemmers, made on first use per language and kept (a
     * handle's calls are not concurrent) */
    struct sb_stemmer *label_stem[MAX_LANGS];
    nd_stem_memo *label_memo[MAX_LANGS];
    uint8_t label_tried[MAX_LANGS];
    nd_text_buf label_tb; /* ... and tokeniser scratch */
    char detail[ND_DETAIL_MAX];
};

/* A failed step's detail, "what: reason", unless the step set one; returns
 * st. Every error out of a call on a handle goes through here at least once,
 * so nd_story_errdetail() is never empty after one. */
static nd_status step_status(nd_story *s, nd_status st, const char *fmt, ...) ND_PRINTF(3, 4);
static nd_status step_status(nd_story *s, nd_status st, const char *fmt, ...)
{
    if (st == ND_OK || s->detail[0])
        return st;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    nd_detail_set(s->detail, "%s: %s", what, nd_strerror(st));
    return st;
}

/* ---- English function words (written for neardup) ---------------------- */

static const char *const k_stop[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and",
    "any", "are", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "could", "d", "did", "do", "does", "doing",
    "down", "during", "each", "even", "ever", "few", "for", "from", "further", "had", "has",
    "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "ll", "m", "may",
    "me", "might", "more", "most", "much", "must", "my", "myself", "no", "nor", "not",
    "now", "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours",
    "ourselves", "out", "over", "own", "per", "re", "s", "said", "same", "say", "says",
    "shall", "she", "should", "since", "so", "some", "such", "t", "than", "that", "the",
    "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this",
    "those", "though", "through", "to", "too", "under", "until", "up", "upon", "us", "ve",
    "very", "was", "we", "were", "what", "when", "where", "whether", "which", "while",
    "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet",
    "you", "your", "yours", "yourself", "yourselves"
};

/* The function words by their token hash (nd_token_hash, the hash every
 * token carries): open addressing, STOP_SLOTS slots, filled once. */
#define STOP_SLOTS 512
static uint64_t k_stop_hash[STOP_SLOTS];
static uint8_t k_stop_word[STOP_SLOTS]; /* 1 + its index in k_stop; 0: empty */
static pthread_once_t k_stop_once = PTHREAD_ONCE_INIT;

static void stop_init(void)
{
    for (size_t i = 0; i < sizeof k_stop / sizeof k_stop[0]; i++) {
        const uint64_t h = nd_token_hash(k_stop[i], strlen(k_stop[i]));
        size_t j = (size_t)h & (STOP_SLOTS - 1);
        while (k_stop_word[j])
            j = (j + 1) & (STOP_SLOTS - 1);
        k_stop_hash[j] = h;
        k_stop_word[j] = (uint8_t)(i + 1);
    }
}

/* Whether the normalised word w[0..n), of token hash h, is a function word. */
static int is_stop(const char *w, size_t n, uint64_t h)
{
    pthread_once(&k_stop_once, stop_init);
    for (size_t j = (size_t)h & (STOP_SLOTS - 1); k_stop_word[j]; j = (j + 1) & (STOP_SLOTS - 1))
        if (k_stop_hash[j] == h) {
            const char *x = k_stop[k_stop_word[j] - 1];
            if (strncmp(x, w, n) == 0 && x[n] == '\0')
                return 1;
        }
    return 0;
}

int nd_story_stop_word(const char *w, size_t n, uint64_t h)
{
    return is_stop(w, n, h);
}

/* ---- create / add -------------------------------------------------------- */

static uint32_t lang_index(nd_story *s, const char *l, size_t n)
{
    char name[32];
    if (!l || n == 0 || n >= sizeof name) {
        l = s->deflang;
        n = strlen(l);
    }
    memcpy(name, l, n);
    name[n] = '\0';
    for (uint32_t i = 0; i < s->nlangs; i++)
        if (strcmp(s->langs[i], name) == 0)
            return i;
    if (s->nlangs == MAX_LANGS)
        return 0;
    memcpy(s->langs[s->nlangs], name, n + 1);
    return s->nlangs++;
}

nd_status nd_story_create(nd_story **out, const nd_params *params, const char *lang,
                          const nd_allocator *alloc)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    nd_story *s = nd_calloc(&a, 1, sizeof *s);
    *out = NULL;
    if (!s)
        return ND_E_NOMEM;
    s->alloc = a;
    nd_text_buf_init(&s->label_tb);
    nd_params_defaults(&s->params);
    if (params)
        nd_params_copy_values(&s->params, params);
    snprintf(s->deflang, sizeof s->deflang, "%s", lang && *lang ? lang : "english");
    if (strcmp(s->deflang, "none") != 0) { /* a language libstemmer knows, or "none" */
        struct sb_stemmer *probe = sb_stemmer_new(s->deflang, "UTF_8");
        if (!probe) {
            nd_free(&a, s);
            return ND_E_PARAM;
        }
        sb_stemmer_delete(probe);
    }
    nd_vec_init(&s->docs, sizeof(sdoc), UINT32_MAX - 1);
    nd_vec_init(&s->titles, 1, UINT32_MAX);
    nd_vec_init(&s->links, sizeof(uint64_t), SIZE_MAX / 16);
    nd_vec_init(&s->vec, sizeof(term), SIZE_MAX / 16);
    (void)lang_index(s, NULL, 0);
    *out = s;
    return ND_OK;
}

void nd_story_destroy(nd_story *s)
{
    if (!s)
        return;
    const nd_alloc_ctx a = s->alloc;
    nd_vec_free(&s->docs, &a);
    nd_vec_free(&s->titles, &a);
    nd_vec_free(&s->links, &a);
    nd_vec_free(&s->vec, &a);
    nd_free(&a, s->voff);
    nd_free(&a, s->names);
    nd_free(&a, s->noff);
    nd_free(&a, s->mid);
    nd_free(&a, s->mdf);
    nd_free(&a, s->mem);
    nd_free(&a, s->soff);
    if (s->st)
        for (size_t i = 0; i < s->nstories; i++) {
            nd_free(&a, s->st[i].c);
            nd_free(&a, s->st[i].seed);
            nd_free(&a, s->st[i].names);
        }
    nd_free(&a, s->st);
    nd_free(&a, s->label_buf);
    for (unsigned i = 0; i < MAX_LANGS; i++) {
        if (s->label_stem[i])
            sb_stemmer_delete(s->label_stem[i]);
        nd_free(&a, s->label_memo[i]);
    }
    nd_text_buf_free(&s->label_tb, &a);
    nd_free(&a, s);
}

nd_status nd_story_add(nd_story *s, const nd_story_doc *doc)
{
    ND_RETURN_IF(!s, ND_E_PARAM);
    s->detail[0] = 0;
    if (s->vec_done) {
        nd_detail_set(s->detail, "documents are added before nd_story_vectors");
        return ND_E_STATE;
    }
    if (s->docs.len >= UINT32_MAX - 2) {
        nd_detail_set(s->detail, "more than %u documents", UINT32_MAX - 3);
        return ND_E_LIMIT;
    }
    sdoc d;
    memset(&d, 0, sizeof d);
    if (doc) {
        d.form = doc->form;
        d.report = doc->report;
        if (doc->has_date && isfinite(doc->date)) {
            d.has_date = 1;
            d.date = doc->date;
        }
        if (doc->title && doc->title_len) {
            if (s->titles.len + doc->title_len >= UINT32_MAX) {
                nd_detail_set(s->detail, "the titles are over %u bytes", UINT32_MAX - 1);
                return ND_E_LIMIT;
            }
            nd_status st = nd_vec_reserve(&s->titles, &s->alloc, s->titles.len + doc->title_len);
            if (st != ND_OK)
                return step_status(s, st, "the titles (%zu bytes)",
                                   s->titles.len + doc->title_len);
            d.title_off = (uint32_t)s->titles.len;
            d.title_len = (uint32_t)doc->title_len;
            memcpy((char *)s->titles.data + s->titles.len, doc->title, doc->title_len);
            s->titles.len += doc->title_len;
        }
        d.lang = lang_index(s, doc->lang, doc->lang_len);
    }
    return step_status(s, nd_vec_push(&s->docs, &s->alloc, &d), "the table of %zu documents",
                       s->docs.len + 1);
}

nd_status nd_story_link(nd_story *s, uint32_t a, uint32_t b)
{
    ND_RETURN_IF(!s, ND_E_PARAM);
    s->detail[0] = 0;
    if (a >= s->docs.len || b >= s->docs.len) {
        nd_detail_set(s->detail, "link %u-%u: there are %zu documents", a, b, s->docs.len);
        return ND_E_PARAM;
    }
    if (s->clu_done) {
        nd_detail_set(s->detail, "links are added before nd_story_cluster");
        return ND_E_STATE;
    }
    if (a == b)
        return ND_OK;
    const uint64_t x = (uint64_t)a << 32 | b, y = (uint64_t)b << 32 | a;
    nd_status st = nd_vec_push(&s->links, &s->alloc, &x);
    if (st == ND_OK)
        st = nd_vec_push(&s->links, &s->alloc, &y);
    return step_status(s, st, "the table of %zu links", s->links.len / 2 + 1);
}

/* ---- vectors --------------------------------------------------------------- */

typedef struct vthread {
    nd_text_buf tb;
    struct sb_stemmer *stem[MAX_LANGS];
    nd_stem_memo *memo[MAX_LANGS]; /* made with the stemmer */
    int tried[MAX_LANGS];
    nd_vec acc;   /* term: the document's (id, weight) before merging */
    nd_vec names; /* uint32: its names' term ids */
} vthread;

typedef struct vchunk {
    nd_vec terms;  /* term, per document sorted by id, weights summed */
    nd_vec counts; /* uint32 terms per document */
    nd_vec names;  /* uint32, per document its names (nd_story_doc_terms) */
    nd_vec ncounts; /* uint32 names per document */
    nd_status st;
    uint32_t fail_doc;
} vchunk;

typedef struct vjob {
    nd_story *s;
    nd_text_fn text;
    void *ctx;
    vthread *th;
    vchunk *ch;
    atomic_int stop;
} vjob;

static int cmp_u32(const void *x, const void *y)
{
    const uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* Sorts v[0..n) by id, stably (equal ids keep their order, so weights summed
 * over them add up in the same order as ever): insertion sort of runs of
 * 16, then merges between v and tmp (n terms). qsort's calls of a compare
 * function through a pointer cost more than the rest of a document's terms. */
static void sort_terms_id(term *v, term *tmp, size_t n)
{
    enum { RUN = 16 };
    for (size_t b = 0; b < n; b += RUN) {
        const size_t e = b + RUN < n ? b + RUN : n;
        for (size_t i = b + 1; i < e; i++) {
            const term x = v[i];
            size_t j = i;
            while (j > b && v[j - 1].id > x.id) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
    }
    term *src = v, *dst = tmp;
    for (size_t w = RUN; w < n; w *= 2) {
        for (size_t b = 0; b < n; b += 2 * w) {
            const size_t m = b + w < n ? b + w : n, e = b + 2 * w < n ? b + 2 * w : n;
            size_t i = b, j = m, k = b;
            while (i < m && j < e)
                dst[k++] = src[j].id < src[i].id ? src[j++] : src[i++];
            while (i < m)
                dst[k++] = src[i++];
            while (j < e)
                dst[k++] = src[j++];
        }
        term *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
}

/* Whether a comes before b among the heaviest: weight down, then id up (a
 * total order: ids are unique in a vector). */
static inline int heavier(const term *a, const term *b)
{
    return a->w > b->w || (a->w == b->w && a->id < b->id);
}

/* Moves the k heaviest of v[0..n) (k < n) to v[0..k), in some order
 * (quickselect, median of three; the set is the same as a full sort's). */
static void select_heaviest(term *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        /* median of three to v[lo] as the pivot */
        term *a = &v[lo], *b = &v[mid], *c = &v[hi - 1], t;
        if (heavier(b, a)) { t = *a; *a = *b; *b = t; }
        if (heavier(c, a)) { t = *a; *a = *c; *c = t; }
        if (heavier(c, b)) { t = *b; *b = *c; *c = t; }
        t = v[lo]; v[lo] = v[mid]; v[mid] = t;
        const term p = v[lo];
        size_t i = lo + 1;
        for (size_t j = lo + 1; j < hi; j++)
            if (heavier(&v[j], &p)) {
                t = v[i]; v[i] = v[j]; v[j] = t;
                i++;
            }
        /* v[lo + 1, i) before the pivot, the pivot goes to i - 1 */
        t = v[lo]; v[lo] = v[i - 1]; v[i - 1] = t;
        if (i - 1 == k)
            return;
        if (i - 1 > k)
            hi = i - 1;
        else
            lo = i;
    }
}

/* The k heaviest of v[0..n) (ids unique) to v[0..min(n, k)), heaviest first:
 * the order a full sort by heavier() gives them (a total order), without
 * sorting the rest. */
static void top_heaviest(term *v, size_t n, size_t k)
{
    if (n > k)
        select_heaviest(v, n, k);
    else
        k = n;
    for (size_t i = 1; i < k; i++) {
        const term x = v[i];
        size_t j = i;
        for (; j > 0 && heavier(&x, &v[j - 1]); j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Keeps the k heaviest terms of v[0..n) (sorted by id, ids unique; k at most
 * CENTROID_TERMS), sorted by id again; returns how many are left. */
static size_t keep_heaviest(term *v, size_t n, size_t k)
{
    if (n <= k)
        return n;
    term tmp[CENTROID_TERMS > MAX_TERMS ? CENTROID_TERMS : MAX_TERMS];
    select_heaviest(v, n, k);
    sort_terms_id(v, tmp, k);
    return k;
}

/* A memo of the words a stemmer has seen: the term id of a word is a
 * function of its normalised form alone, and a text repeats its words
 * (stemming was a third of a stories run). Direct-mapped by the word's
 * token hash; an entry holds the word itself, compared in full, so the
 * memo answers exactly what term_of would. Words longer than MEMO_WORD bytes
 * are not kept. */
#define MEMO_SLOTS 32768 /* 1 MB a thread and stemmed language */
#define MEMO_WORD 18
typedef struct memo_ent {
    uint64_t h;
    uint32_t id;
    uint8_t n, digit; /* n 0: empty */
    char w[MEMO_WORD];
} memo_ent;
struct nd_stem_memo {
    memo_ent e[MEMO_SLOTS];
};

static nd_stem_memo *memo_new(const nd_alloc_ctx *a)
{
    return nd_calloc(a, 1, sizeof(nd_stem_memo));
}

/* The term id of the normalised word w[0..n): the hash of its stem (a word
 * holding a digit is not stemmed); *digit tells whether it holds one;
 * *failed, that the stemmer could not stem the word (out of memory in
 * libstemmer): the word is its own term this once, and not remembered. */
static uint32_t term_of_stem(struct sb_stemmer *stem, const char *w, size_t n, int *digit,
                             int *failed)
{
    *digit = 0;
    *failed = 0;
    for (size_t k = 0; k < n && !*digit; k++)
        *digit = w[k] >= '0' && w[k] <= '9';
    const char *sw = w;
    size_t sn = n;
    if (stem && !*digit) {
        const sb_symbol *r = sb_stemmer_stem(stem, (const sb_symbol *)w, (int)n);
        if (r) {
            sw = (const char *)r;
            sn = (size_t)sb_stemmer_length(stem);
        } else {
            *failed = 1;
        }
    }
    return (uint32_t)(nd_token_hash(sw, sn) >> 32);
}

/* The term id of the normalised word w[0..n) of token hash h (and whether it
 * holds a digit), through memo (NULL: none). */
static uint32_t term_of(struct sb_stemmer *stem, nd_stem_memo *memo, const char *w, size_t n,
                        uint64_t h, int *digit)
{
    int failed;
    if (!memo || n > MEMO_WORD)
        return term_of_stem(stem, w, n, digit, &failed);
    memo_ent *e = &memo->e[h & (MEMO_SLOTS - 1)];
    if (e->n == n && e->h == h && memcmp(e->w, w, n) == 0) {
        *digit = e->digit;
        return e->id;
    }
    const uint32_t id = term_of_stem(stem, w, n, digit, &failed);
    if (failed)
        return id;
    e->h = h;
    e->id = id;
    e->n = (uint8_t)n;
    e->digit = (uint8_t)*digit;
    memcpy(e->w, w, n);
    return id;
}

/* The term of the word at tok[*i] of t (norm: the normalised tokens), as
 * term_of makes it, except that a number written with decimal or thousands
 * parts ("5.495", "1,204") is one term, so that the "495" of a coupon does
 * not match the "495" of a profit: *i then moves to its last part. */
static uint32_t word_term(struct sb_stemmer *stem, nd_stem_memo *memo, const char *t,
                          const char *norm, const nd_token *tok, size_t nt, size_t *i,
                          int *digit)
{
    const char *w = norm + tok[*i].norm_off;
    const size_t n = tok[*i].norm_len;
    const uint32_t id = term_of(stem, memo, w, n, tok[*i].hash, digit);
    if (!*digit)
        return id;
    uint64_t h = nd_token_hash(w, n);
    while (*i + 1 < nt && tok[*i + 1].start == tok[*i].end + 1 &&
           (t[tok[*i].end] == '.' || t[tok[*i].end] == ',') &&
           norm[tok[*i + 1].norm_off] >= '0' && norm[tok[*i + 1].norm_off] <= '9') {
        ++*i;
        h = nd_token_hash(norm + tok[*i].norm_off, tok[*i].norm_len) ^
            (h * 0x9E3779B97F4A7C15ull);
    }
    return (uint32_t)(h >> 32);
}

/* Adds the words of t[0..len) to acc with weight factor f, and its names to
 * names (unless NULL; none from a title, title set, written in title case). */
static nd_status add_words(nd_text_buf *tb, nd_vec *acc, nd_vec *names,
                           const nd_alloc_ctx *a, const nd_params *p, struct sb_stemmer *stem,
                           nd_stem_memo *memo, int english, const char *t, size_t len, double f,
                           int title)
{
    nd_status st = nd_text_tokenize(tb, a, t, len, 0);
    if (st != ND_OK)
        return st;
    const nd_token *tok = tb->tokens.data;
    const char *norm = tb->norm.data;
    if (names && title && nd_title_line(t, len, tok, tb->tokens.len))
        names = NULL; /* a headline in title case names nothing by its capitals */
    for (size_t i = 0; i < tb->tokens.len; i++) {
        const char *w = norm + tok[i].norm_off;
        size_t n = tok[i].norm_len;
        if (english && is_stop(w, n, tok[i].hash))
            continue;
        double wt = f;
        int digit;
        const size_t first = i;
        const uint32_t id = word_term(stem, memo, t, norm, tok, tb->tokens.len, &i, &digit);
        const int name = !digit && nd_capitalised(t, len, tok[first].start) &&
                         !nd_sentence_start(t, first ? tok[first - 1].end : 0,
                                            tok[first].start, first == 0);
        if (digit || name)
            wt *= p->name_weight;
        /* a document's names say who and where: a weekday or month does not */
        if (name && names && !nd_calendar_word(w, n) &&
            (st = nd_vec_push(names, a, &id)) != ND_OK)
            return st;
        if (wt <= 0)
            continue;
        const term tm = {id, (float)wt};
        if ((st = nd_vec_push(acc, a, &tm)) != ND_OK)
            return st;
    }
    return ND_OK;
}

int nd_story_english(const char *lang)
{
    return strcmp(lang, "english") == 0 || strcmp(lang, "en") == 0 || strcmp(lang, "eng") == 0;
}

/* Where a term id starts its probe in an open-addressing table of mask + 1
 * slots (a power of two). */
static size_t df_slot(uint32_t id, size_t mask)
{
    return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

/* In a table of id << 32 | count (0 is empty: a count is at least 1), the
 * slot holding id, or the empty one where it goes. */
static size_t id_slot(const uint64_t *tab, size_t mask, uint32_t id)
{
    size_t k = df_slot(id, mask);
    while (tab[k] && (uint32_t)(tab[k] >> 32) != id)
        k = (k + 1) & mask;
    return k;
}

/* The names of a document (names[0..*n), term ids, as add_words found
 * them) reduced to its DOC_NAMES most frequent (ties to the lower id), sorted
 * by id, in place. */
static void top_names(uint32_t *names, size_t *n)
{
    size_t m = *n, k = 0;
    if (!m)
        return;
    qsort(names, m, sizeof *names, cmp_u32);
    /* the DOC_NAMES largest keys (count << 32 | ~id) of the distinct ids */
    uint64_t best[DOC_NAMES];
    size_t nb = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && names[j] == names[i])
            j++;
        const uint64_t key = (uint64_t)(j - i) << 32 | (uint32_t)~names[i];
        size_t q = nb < DOC_NAMES ? nb++ : DOC_NAMES;
        if (q == DOC_NAMES && key <= best[DOC_NAMES - 1]) {
            i = j;
            continue;
        }
        if (q == DOC_NAMES)
            q = DOC_NAMES - 1;
        while (q > 0 && best[q - 1] < key) {
            best[q] = best[q - 1];
            q--;
        }
        best[q] = key;
        i = j;
    }
    for (size_t q = 0; q < nb; q++)
        names[k++] = ~(uint32_t)best[q];
    qsort(names, k, sizeof *names, cmp_u32);
    *n = k;
}

nd_status nd_story_doc_terms(nd_text_buf *tb, nd_vec *acc, nd_vec *names,
                             const nd_alloc_ctx *a, const nd_params *p, struct sb_stemmer *stem,
                             nd_stem_memo *memo, int english, const char *title,
                             size_t title_len, const char *text, size_t len)
{
    acc->len = 0;
    if (names)
        names->len = 0;
    nd_status st = ND_OK;
    if (title_len)
        st = add_words(tb, acc, names, a, p, stem, memo, english, title, title_len,
                       p->title_weight, 1);
    if (st == ND_OK)
        st = add_words(tb, acc, names, a, p, stem, memo, english, text ? text : "",
                       text ? len : 0, 1.0, 0);
    if (st != ND_OK)
        return st;
    if (names)
        top_names(names->data, &names->len);
    /* merge a document's terms: weights summed per id in the order the words
     * came (as a stable sort by id then a merge would sum them), the distinct
     * ids gathered in place through a table, then sorted by id */
    size_t n = acc->len, m = 0, slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    /* after the terms: the table (slots <= 4n ids fit in 2n terms), then the
     * sort's scratch in the same place */
    if ((st = nd_vec_reserve(acc, a, n + (slots + 1) / 2)) != ND_OK)
        return st;
    term *v = acc->data;
    uint32_t *tab = (uint32_t *)(v + n);
    memset(tab, 0xff, slots * sizeof *tab);
    for (size_t i = 0; i < n; i++) {
        const uint32_t id = v[i].id;
        size_t k = df_slot(id, slots - 1);
        while (tab[k] != UINT32_MAX && v[tab[k]].id != id)
            k = (k + 1) & (slots - 1);
        if (tab[k] == UINT32_MAX) {
            tab[k] = (uint32_t)m;
            v[m++] = v[i]; /* m <= i: an earlier place, read already */
        } else {
            v[tab[k]].w += v[i].w;
        }
    }
    if (m)
        sort_terms_id(v, v + n, m);
    acc->len = m;
    return ND_OK;
}

static void vec_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    vjob *j = arg;
    nd_story *s = j->s;
    vthread *th = &j->th[thread];
    for (size_t ci = begin; ci < end; ci++) {
        if (atomic_load_explicit(&j->stop, memory_order_relaxed))
            return;
        vchunk *c = &j->ch[ci];
        const uint32_t d0 = (uint32_t)(ci * CHUNK_DOCS);
        const uint32_t d1 = (uint32_t)(d0 + CHUNK_DOCS < s->docs.len ? d0 + CHUNK_DOCS
                                                                     : s->docs.len);
        for (uint32_t d = d0; d < d1; d++) {
            const sdoc *sd = &ND_VEC_AT(&s->docs, sdoc, d);
            const char *t = NULL;
            size_t len = 0;
            nd_status st = j->text(j->ctx, d, thread * 2, &t, &len);
            th->acc.len = 0;
            if (st == ND_OK && len > s->params.max_doc)
                st = ND_E_LIMIT;
            if (st == ND_OK && !th->tried[sd->lang]) {
                th->tried[sd->lang] = 1;
                th->stem[sd->lang] = sb_stemmer_new(s->langs[sd->lang], "UTF_8");
                /* a language with no stemmer needs no memo: its terms are hashes */
                th->memo[sd->lang] = th->stem[sd->lang] ? memo_new(&s->alloc) : NULL;
                if (th->stem[sd->lang] && !th->memo[sd->lang])
                    st = ND_E_NOMEM;
            }
            if (st == ND_OK)
                st = nd_story_doc_terms(&th->tb, &th->acc, &th->names, &s->alloc, &s->params,
                                        th->stem[sd->lang], th->memo[sd->lang],
                                        nd_story_english(s->langs[sd->lang]),
                                        sd->title_len ? (const char *)s->titles.data +
                                                            sd->title_off : NULL,
                                        sd->title_len, t, len);
            const term *a = th->acc.data;
            const size_t m = st == ND_OK ? th->acc.len : 0;
            if (st == ND_OK && m)
                st = nd_vec_reserve(&c->terms, &s->alloc, c->terms.len + m);
            if (st == ND_OK) {
                if (m)
                    memcpy((term *)c->terms.data + c->terms.len, a, m * sizeof *a);
                c->terms.len += m;
                const uint32_t cnt = (uint32_t)m;
                st = nd_vec_push(&c->counts, &s->alloc, &cnt);
            }
            const uint32_t nn = st == ND_OK ? (uint32_t)th->names.len : 0;
            if (st == ND_OK)
                st = nd_vec_append(&c->names, &s->alloc, th->names.data, nn * sizeof(uint32_t));
            if (st == ND_OK)
                st = nd_vec_push(&c->ncounts, &s->alloc, &nn);
            if (st != ND_OK) {
                c->st = st;
                c->fail_doc = d;
                atomic_store(&j->stop, 1);
                return;
            }
        }
    }
}

/* df of term id in the sorted (id, df) table, by binary search. */
static uint32_t df_of(const uint32_t *ids, const uint32_t *df, size_t n, uint32_t id)
{
    const size_t lo = nd_lower_bound_u32(ids, n, id);
    return lo < n && ids[lo] == id ? df[lo] : 0;
}

/* Step 0 of nd_story_vectors: per-thread scratch and per-chunk outputs. */
static nd_status vjob_init(nd_story *s, vjob *j, nd_text_fn text, void *ctx, unsigned nt,
                           size_t nch)
{
    memset(j, 0, sizeof *j);
    j->s = s;
    j->text = text;
    j->ctx = ctx;
    atomic_init(&j->stop, 0);
    j->th = nd_calloc(&s->alloc, nt, sizeof *j->th);
    j->ch = nd_calloc(&s->alloc, nch ? nch : 1, sizeof *j->ch);
    if (!j->th || !j->ch)
        return step_status(s, ND_E_NOMEM, "the scratch of %u threads and %zu chunks", nt, nch);
    for (unsigned i = 0; i < nt; i++) {
        nd_text_buf_init(&j->th[i].tb);
        nd_vec_init(&j->th[i].acc, sizeof(term), UINT32_MAX);
        nd_vec_init(&j->th[i].names, sizeof(uint32_t), UINT32_MAX);
    }
    for (size_t c = 0; c < nch; c++) {
        nd_vec_init(&j->ch[c].terms, sizeof(term), SIZE_MAX / 16);
        nd_vec_init(&j->ch[c].counts, sizeof(uint32_t), UINT32_MAX);
        nd_vec_init(&j->ch[c].names, sizeof(uint32_t), SIZE_MAX / 16);
        nd_vec_init(&j->ch[c].ncounts, sizeof(uint32_t), UINT32_MAX);
    }
    return ND_OK;
}

static void vjob_free(nd_story *s, vjob *j, unsigned nt, size_t nch)
{
    const nd_alloc_ctx *a = &s->alloc;
    if (j->th) {
        for (unsigned i = 0; i < nt; i++) {
            nd_text_buf_free(&j->th[i].tb, a);
            nd_vec_free(&j->th[i].acc, a);
            nd_vec_free(&j->th[i].names, a);
            for (unsigned k = 0; k < MAX_LANGS; k++) {
                if (j->th[i].stem[k])
                    sb_stemmer_delete(j->th[i].stem[k]);
                nd_free(a, j->th[i].memo[k]);
            }
        }
    }
    if (j->ch)
        for (size_t c = 0; c < nch; c++) {
            nd_vec_free(&j->ch[c].terms, a);
            nd_vec_free(&j->ch[c].counts, a);
            nd_vec_free(&j->ch[c].names, a);
            nd_vec_free(&j->ch[c].ncounts, a);
        }
    nd_free(a, j->th);
    nd_free(a, j->ch);
}

/* Step 1: every document's terms (vec_chunk), in parallel per chunk. */
static nd_status vectors_terms(nd_story *s, vjob *j, size_t nch)
{
    nd_parallel(s->params.threads, nch, 1, vec_chunk, j);
    for (size_t c = 0; c < nch; c++)
        if (j->ch[c].st != ND_OK) {
            nd_detail_set(s->detail, "the terms of document %u: %s", j->ch[c].fail_doc,
                          nd_strerror(j->ch[c].st));
            return j->ch[c].st;
        }
    return ND_OK;
}

/* Step 5: the chunks' weighed terms, in document order, into s->vec and
 * s->voff, and their names into s->names and s->noff. */
static nd_status vectors_concat(nd_story *s, vjob *j, size_t nch)
{
    const nd_alloc_ctx *a = &s->alloc;
    size_t n = 0;
    for (size_t c = 0; c < nch; c++)
        n += j->ch[c].terms.len;
    s->voff = nd_calloc(a, s->docs.len + 1, sizeof *s->voff);
    if (!s->voff)
        return step_status(s, ND_E_NOMEM, "the vectors of %zu documents (%zu terms)",
                           s->docs.len, n);
    const nd_status st = nd_vec_reserve(&s->vec, a, n ? n : 1);
    if (st != ND_OK)
        return step_status(s, st, "the vectors of %zu documents (%zu terms)", s->docs.len, n);
    term *v = s->vec.data;
    size_t k = 0, d = 0;
    for (size_t c = 0; c < nch; c++) {
        const term *ct = j->ch[c].terms.data;
        const uint32_t *cnt = j->ch[c].counts.data;
        size_t at = 0;
        for (size_t i = 0; i < j->ch[c].counts.len; i++, d++) {
            if (cnt[i])
                memcpy(v + k, ct + at, cnt[i] * sizeof *v);
            at += cnt[i];
            k += cnt[i];
            s->voff[d + 1] = k;
        }
        nd_vec_free(&j->ch[c].terms, a);
    }
    s->vec.len = k;
    /* the names, alike */
    size_t nn = 0;
    for (size_t c = 0; c < nch; c++)
        nn += j->ch[c].names.len;
    s->noff = nd_calloc(a, s->docs.len + 1, sizeof *s->noff);
    s->names = nd_malloc(a, (nn ? nn : 1) * sizeof *s->names);
    if (!s->noff || !s->names)
        return step_status(s, ND_E_NOMEM, "the names of %zu documents (%zu names)",
                           s->docs.len, nn);
    k = d = 0;
    for (size_t c = 0; c < nch; c++) {
        const uint32_t *cnt = j->ch[c].ncounts.data;
        if (j->ch[c].names.len)
            memcpy(s->names + k, j->ch[c].names.data, j->ch[c].names.len * sizeof *s->names);
        for (size_t i = 0; i < j->ch[c].ncounts.len; i++, d++) {
            k += cnt[i];
            s->noff[d + 1] = k;
        }
        nd_vec_free(&j->ch[c].names, a);
    }
    return ND_OK;
}

/* Doubles the table (every entry placed again). */
static nd_status df_grow(const nd_alloc_ctx *a, uint64_t **tab, size_t *cap)
{
    const size_t nc = *cap * 2;
    uint64_t *t = nd_calloc(a, nc, sizeof *t);
    if (!t)
        return ND_E_NOMEM;
    for (size_t i = 0; i < *cap; i++) {
        const uint64_t e = (*tab)[i];
        if (!e)
            continue;
        t[id_slot(t, nc - 1, (uint32_t)(e >> 32))] = e;
    }
    nd_free(a, *tab);
    *tab = t;
    *cap = nc;
    return ND_OK;
}

/* Step 2: document frequencies of the chunks' terms (a document holds an id
 * once), counted in a table rather than by sorting every id (which took 12
 * bytes a term more): the distinct ids (*uid, sorted) and their counts
 * (*udf); *nu of them. */
static nd_status vectors_df(nd_story *s, const vjob *j, size_t nch, uint32_t **uid,
                            uint32_t **udf, size_t *nu)
{
    const nd_alloc_ctx *a = &s->alloc;
    size_t cap = 4096, used = 0;
    uint64_t *tab = nd_calloc(a, cap, sizeof *tab);
    nd_status st = tab ? ND_OK : ND_E_NOMEM;
    for (size_t c = 0; c < nch && st == ND_OK; c++) {
        const term *t = j->ch[c].terms.data;
        for (size_t i = 0; i < j->ch[c].terms.len; i++) {
            if (used * 2 >= cap && (st = df_grow(a, &tab, &cap)) != ND_OK)
                break;
            const size_t k = id_slot(tab, cap - 1, t[i].id);
            used += !tab[k];
            tab[k] = tab[k] ? tab[k] + 1 : (uint64_t)t[i].id << 32 | 1;
        }
    }
    uint64_t *e = NULL;
    if (st == ND_OK) { /* the entries to the front, sorted by id */
        size_t n = 0;
        for (size_t i = 0; i < cap; i++)
            if (tab[i])
                tab[n++] = tab[i];
        e = nd_malloc(a, (n ? n : 1) * sizeof *e);
        *uid = nd_malloc(a, (n ? n : 1) * sizeof **uid);
        *udf = nd_malloc(a, (n ? n : 1) * sizeof **udf);
        if (!e || !*uid || !*udf)
            st = ND_E_NOMEM;
        if (st == ND_OK) {
            nd_sort_u64(tab, e, n);
            for (size_t i = 0; i < n; i++) {
                (*uid)[i] = (uint32_t)(tab[i] >> 32);
                (*udf)[i] = (uint32_t)tab[i];
            }
            *nu = n;
        }
    }
    nd_free(a, tab);
    nd_free(a, e);
    return step_status(s, st, "the document frequencies of %zu terms", used);
}

/* Step 3: the model becomes the loaded one plus these documents (frequencies
 * of an id in both are added, saturating). */
static nd_status model_add(nd_story *s, const uint32_t *uid, const uint32_t *udf, size_t nu)
{
    const nd_alloc_ctx *a = &s->alloc;
    uint32_t *mi = nd_malloc(a, (s->mn + nu ? s->mn + nu : 1) * sizeof *mi);
    uint32_t *md = nd_malloc(a, (s->mn + nu ? s->mn + nu : 1) * sizeof *md);
    if (!mi || !md) {
        nd_free(a, mi);
        nd_free(a, md);
        return step_status(s, ND_E_NOMEM, "the model (%zu + %zu terms)", s->mn, nu);
    }
    size_t i = 0, k = 0, m = 0;
    while (i < s->mn || k < nu) {
        if (k == nu || (i < s->mn && s->mid[i] < uid[k])) {
            mi[m] = s->mid[i];
            md[m++] = s->mdf[i++];
        } else if (i == s->mn || uid[k] < s->mid[i]) {
            mi[m] = uid[k];
            md[m++] = udf[k++];
        } else {
            mi[m] = uid[k];
            md[m++] = (uint32_t)((uint64_t)s->mdf[i++] + udf[k] > UINT32_MAX
                                     ? UINT32_MAX : s->mdf[i - 1] + udf[k]);
            k++;
        }
    }
    nd_free(a, s->mid);
    nd_free(a, s->mdf);
    s->mid = mi;
    s->mdf = md;
    s->mn = m;
    /* bounded, so that adding collections never wraps (a saved model loads) */
    s->mdocs = s->mdocs + s->docs.len > MODEL_MAX_DOCS ? MODEL_MAX_DOCS
                                                       : s->mdocs + s->docs.len;
    return ND_OK;
}

/* The IDF of a term in df of ndocs documents as the collection alone says
 * it (labels rank by it). */
static double idf_raw(uint64_t ndocs, uint32_t df)
{
    return log(((double)ndocs + 1) / (df + 1.0)) + 1;
}

double nd_story_idf(uint64_t ndocs, uint32_t df)
{
    if (ndocs >= 1000 && (uint64_t)df * 2 > ndocs)
        return 0; /* a stop word of this collection */
    /* a small collection's document frequencies say little: its IDF leans
     * on IDF_PRIOR with the weight of IDF_PRIOR_DOCS documents */
    const double N = (double)ndocs, shrink = N / (N + IDF_PRIOR_DOCS);
    const double v = shrink * idf_raw(ndocs, df) + (1 - shrink) * IDF_PRIOR;
    return v > 0 ? v : 0;
}

/* Step 4: TF-IDF weights, the MAX_TERMS heaviest kept, L2 normalisation, of
 * one document's terms (o may be in). */
size_t nd_story_weigh(const nd_term *in, size_t n, nd_term *o, uint64_t ndocs,
                      uint32_t (*df_fn)(void *ctx, size_t i, uint32_t id), void *ctx)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const double idf = nd_story_idf(ndocs, df_fn(ctx, i, in[i].id));
        if (idf == 0)
            continue; /* a stop word of this collection */
        o[m].id = in[i].id;
        o[m].w = (float)((1 + log(in[i].w < 1 ? 1 : in[i].w)) * idf);
        m++;
    }
    m = keep_heaviest(o, m, MAX_TERMS);
    double norm = 0;
    for (size_t i = 0; i < m; i++)
        norm += (double)o[i].w * o[i].w;
    norm = sqrt(norm);
    for (size_t i = 0; i < m; i++)
        o[i].w = (float)(o[i].w / norm);
    return m;
}

/* df of a term in the model (nd_story_weigh's df_fn): from s->dft when it is
 * made (a probe or two rather than a binary search of the whole model). */
static uint32_t model_df(void *ctx, size_t i, uint32_t id)
{
    const nd_story *s = ctx;
    (void)i;
    if (!s->dft)
        return df_of(s->mid, s->mdf, s->mn, id);
    return (uint32_t)s->dft[id_slot(s->dft, s->dft_mask, id)]; /* empty: df 0 */
}

/* s->dft from the model: every term with a df (a df of 0 reads the same as
 * absent), in twice as many slots. */
static nd_status model_table(nd_story *s)
{
    size_t cap = 16;
    while (cap < 2 * s->mn)
        cap *= 2;
    s->dft = nd_calloc(&s->alloc, cap, sizeof *s->dft);
    if (!s->dft)
        return step_status(s, ND_E_NOMEM, "the table of %zu model terms", s->mn);
    s->dft_mask = cap - 1;
    for (size_t i = 0; i < s->mn; i++) {
        if (!s->mdf[i])
            continue;
        s->dft[id_slot(s->dft, s->dft_mask, s->mid[i])] = (uint64_t)s->mid[i] << 32 | s->mdf[i];
    }
    return ND_OK;
}

/* Step 4 for every document of a chunk, in place in the chunk (its
 * count becomes the terms kept), on the threads. */
static void weigh_chunk(void *arg, size_t begin, size_t end, unsigned thread)
{
    vjob *j = arg;
    nd_story *s = j->s;
    (void)thread;
    for (size_t ci = begin; ci < end; ci++) {
        vchunk *c = &j->ch[ci];
        term *v = c->terms.data;
        uint32_t *cnt = c->counts.data;
        size_t r = 0, w = 0;
        for (size_t i = 0; i < c->counts.len; i++) {
            const size_t n = cnt[i];
            const size_t m = nd_story_weigh(v + r, n, v + w, s->mdocs, model_df, s);
            r += n;
            w += m;
            cnt[i] = (uint32_t)m;
        }
        c->terms.len = w;
    }
}

nd_status nd_story_vectors(nd_story *s, nd_text_fn text, void *ctx)
{
    ND_RETURN_IF(!s, ND_E_PARAM);
    s->detail[0] = 0;
    if (!text) {
        nd_detail_set(s->detail, "no text function");
        return ND_E_PARAM;
    }
    if (s->vec_done) {
        nd_detail_set(s->detail, "the vectors are built once");
        return ND_E_STATE;
    }
    s->vec_done = 1;
    const nd_alloc_ctx *a = &s->alloc;
    const size_t nch = (s->docs.len + CHUNK_DOCS - 1) / CHUNK_DOCS;
    const unsigned nt = nd_threads_resolve(s->params.threads);
    uint32_t *uid = NULL, *udf = NULL;
    size_t nu = 0;
    vjob j;
    nd_status st;
    ND_TRY(vjob_init(s, &j, text, ctx, nt, nch));
    ND_TRY(vectors_terms(s, &j, nch));
    ND_TRY(vectors_df(s, &j, nch, &uid, &udf, &nu));
    ND_TRY(model_add(s, uid, udf, nu));
    ND_TRY(model_table(s));
    nd_parallel(s->params.threads, nch, 1, weigh_chunk, &j);
    nd_free(a, s->dft);
    s->dft = NULL;
    ND_TRY(vectors_concat(s, &j, nch));
    s->vec_ok = 1;
    st = ND_OK;
fail:
    st = step_status(s, st, "vectors");
    vjob_free(s, &j, nt, nch);
    nd_free(a, s->dft);
    s->dft = NULL;
    nd_free(a, uid);
    nd_free(a, udf);
    return st;
}

/* dot product of two id-sorted term arrays */
static double dot(const term *x, size_t nx, const term *y, size_t ny)
{
    double s = 0;
    size_t i = 0, j = 0;
    while (i < nx && j < ny) {
        if (x[i].id < y[j].id)
            i++;
        else if (x[i].id > y[j].id)
            j++;
        else
            s += (double)x[i++].w * y[j++].w;
    }
    return s;
}

nd_status nd_story_similarity(const nd_story *s, uint32_t a, uint32_t b, double *sim)
{
    ND_RETURN_IF(!s || !sim, ND_E_PARAM);
    ND_RETURN_IF(!s->vec_ok, ND_E_STATE);
    ND_RETURN_IF(a >= s->docs.len || b >= s->docs.len, ND_E_PARAM);
    const term *v = s->vec.data;
    *sim = dot(v + s->voff[a], s->voff[a + 1] - s->voff[a], v + s->voff[b],
               s->voff[b + 1] - s->voff[b]);
    return ND_OK;
}

/* ---- clustering ------------------------------------------------------------- */

typedef struct cl {
    nd_story *s;
    story *st;
    size_t nst, cap;
    /* inverted index: open addressing id -> head posting */
    uint32_t *hid, *hhead;
    size_t hcap, hn;
    nd_vec post;       /* posting */
    uint32_t *stamp;   /* per story: last document that looked at it */
    double *score;     /* per story: its candidate score for that document */
    nd_vec cand;       /* uint32 */
    nd_vec merge;      /* term scratch */
    uint32_t *order;   /* the documents in clustering order */
    uint32_t *otmp;    /* its sort scratch */
    uint32_t *of;      /* document -> story */
    uint64_t *loff;    /* links of each document: s->links[loff[d] .. loff[d + 1]) */
    uint64_t *ltmp;    /* the links' sort scratch; then the results' fill pointers */
    term *q;           /* a document's heaviest terms, to query the index */
    /* forms: open addressing (form << 32 | story) -> the report it holds */
    uint64_t *fkey;
    uint32_t *frep;
    size_t fcap, fn;
} cl;

/* The slot of key (never 0) in the forms table. */
static size_t form_slot(const cl *c, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (c->fcap - 1);
    while (c->fkey[i] && c->fkey[i] != key)
        i = (i + 1) & (c->fcap - 1);
    return i;
}

/* Would document D, of a form, bring a second report of it into story k? */
static int form_conflict(const cl *c, const sdoc *D, uint32_t k)
{
    if (!D->form || !c->fn)
        return 0;
    const size_t i = form_slot(c, (uint64_t)D->form << 32 | k);
    return c->fkey[i] && c->frep[i] != D->report;
}

/* Story k now holds a document of D's form and report. */
static nd_status form_note(cl *c, const sdoc *D, uint32_t k)
{
    const nd_alloc_ctx *a = &c->s->alloc;
    if (!D->form)
        return ND_OK;
    if ((c->fn + 1) * 2 > c->fcap) {
        const size_t old = c->fcap, cap = old ? old * 2 : 1024;
        uint64_t *ok = c->fkey;
        uint32_t *orp = c->frep;
        c->fkey = nd_calloc(a, cap, sizeof *c->fkey);
        c->frep = nd_malloc(a, cap * sizeof *c->frep);
        if (!c->fkey || !c->frep) {
            nd_free(a, c->fkey);
            nd_free(a, c->frep);
            c->fkey = ok;
            c->frep = orp;
            return ND_E_NOMEM;
        }
        c->fcap = cap;
        for (size_t i = 0; i < old; i++)
            if (ok[i]) {
                const size_t j = form_slot(c, ok[i]);
                c->fkey[j] = ok[i];
                c->frep[j] = orp[i];
            }
        nd_free(a, ok);
        nd_free(a, orp);
    }
    const uint64_t key = (uint64_t)D->form << 32 | k;
    const size_t i = form_slot(c, key);
    if (!c->fkey[i]) {
        c->fkey[i] = key;
        c->frep[i] = D->report;
        c->fn++;
    }
    return ND_OK;
}

static nd_status index_add(cl *c, uint32_t id, uint32_t story_i)
{
    const nd_alloc_ctx *a = &c->s->alloc;
    if ((c->hn + 1) * 2 > c->hcap) {
        const size_t cap = c->hcap ? c->hcap * 2 : 1024;
        uint32_t *hid = nd_malloc(a, cap * sizeof *hid), *hh = nd_malloc(a, cap * sizeof *hh);
        if (!hid || !hh) {
            nd_free(a, hid);
            nd_free(a, hh);
            return ND_E_NOMEM;
        }
        for (size_t i = 0; i < cap; i++)
            hh[i] = UINT32_MAX;
        for (size_t i = 0; i < c->hcap; i++)
            if (c->hhead[i] != UINT32_MAX) {
                size_t h = (c->hid[i] * 2654435761u) & (cap - 1);
                while (hh[h] != UINT32_MAX)
                    h = (h + 1) & (cap - 1);
                hid[h] = c->hid[i];
                hh[h] = c->hhead[i];
            }
        nd_free(a, c->hid);
        nd_free(a, c->hhead);
        c->hid = hid;
        c->hhead = hh;
        c->hcap = cap;
    }
    size_t h = (id * 2654435761u) & (c->hcap - 1);
    while (c->hhead[h] != UINT32_MAX && c->hid[h] != id)
        h = (h + 1) & (c->hcap - 1);
    if (c->hhead[h] == UINT32_MAX) {
        c->hid[h] = id;
        c->hn++;
    }
    const posting p = {story_i, c->hhead[h]};
    nd_status st = nd_vec_push(&c->post, a, &p);
    if (st == ND_OK)
        c->hhead[h] = (uint32_t)(c->post.len - 1);
    return st;
}

static uint32_t index_head(const cl *c, uint32_t id)
{
    if (!c->hcap)
        return UINT32_MAX;
    size_t h = (id * 2654435761u) & (c->hcap - 1);
    while (c->hhead[h] != UINT32_MAX) {
        if (c->hid[h] == id)
            return c->hhead[h];
        h = (h + 1) & (c->hcap - 1);
    }
    return UINT32_MAX;
}

/* Adds document vector v to story k's centroid; prunes; indexes new top terms. */
static nd_status story_add(cl *c, uint32_t k, const term *v, size_t nv)
{
    const nd_alloc_ctx *a = &c->s->alloc;
    story *S = &c->st[k];
    nd_status st = nd_vec_reserve(&c->merge, a, S->nc + nv);
    if (st != ND_OK)
        return st;
    term *m = c->merge.data;
    size_t i = 0, j = 0, n = 0;
    while (i < S->nc || j < nv) {
        if (j == nv || (i < S->nc && S->c[i].id < v[j].id))
            m[n++] = S->c[i++];
        else if (i == S->nc || v[j].id < S->c[i].id)
            m[n++] = v[j++];
        else {
            m[n] = S->c[i++];
            m[n++].w += v[j++].w;
        }
    }
    n = keep_heaviest(m, n, CENTROID_TERMS);
    term *nc = nd_malloc(a, (n ? n : 1) * sizeof *nc);
    if (!nc)
        return ND_E_NOMEM;
    if (n)
        memcpy(nc, m, n * sizeof *nc);
    nd_free(a, S->c);
    S->c = nc;
    S->nc = (uint32_t)n;
    double norm = 0;
    for (size_t q = 0; q < n; q++)
        norm += (double)nc[q].w * nc[q].w;
    S->norm = sqrt(norm);
    /* index the heaviest terms not indexed yet */
    if (S->nindexed < INDEX_TERMS * 2 && n) {
        memcpy(m, nc, n * sizeof *m);
        top_heaviest(m, n, INDEX_TERMS); /* the loop reads no further */
        for (size_t q = 0; q < n && q < INDEX_TERMS && S->nindexed < INDEX_TERMS * 2; q++) {
            int seen = 0;
            for (uint32_t z = 0; z < S->nindexed && !seen; z++)
                seen = S->indexed[z] == m[q].id;
            if (seen)
                continue;
            S->indexed[S->nindexed++] = m[q].id;
            if ((st = index_add(c, m[q].id, k)) != ND_OK)
                return st;
        }
    }
    return ND_OK;
}

static int cmp_order(const void *x, const void *y, const nd_story *s)
{
    const uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const sdoc *da = &ND_VEC_AT(&s->docs, sdoc, a), *db = &ND_VEC_AT(&s->docs, sdoc, b);
    if (da->has_date != db->has_date)
        return da->has_date ? -1 : 1;
    if (da->has_date && da->date != db->date)
        return da->date < db->date ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* the clustering order: dated documents by date, then undated, ties by index */
static void order_docs(const nd_story *s, uint32_t *o, uint32_t *t, size_t n)
{
    /* bottom-up merge sort (stable, no global state for the comparator) */
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                t[k++] = cmp_order(&o[j], &o[i], s) < 0 ? o[j++] : o[i++];
            while (i < mid)
                t[k++] = o[i++];
            while (j < hi)
                t[k++] = o[j++];
        }
        memcpy(o, t, n * sizeof *o);
    }
}

/* Step 1 of nd_story_cluster: the clustering state for nd documents. */
static nd_status cl_alloc(cl *c, nd_story *s)
{
    const nd_alloc_ctx *a = &s->alloc;
    const size_t nd = s->docs.len;
    memset(c, 0, sizeof *c);
    c->s = s;
    nd_vec_init(&c->post, sizeof(posting), UINT32_MAX - 1);
    nd_vec_init(&c->cand, sizeof(uint32_t), UINT32_MAX);
    nd_vec_init(&c->merge, sizeof(term), UINT32_MAX);
    c->order = nd_malloc(a, (nd ? nd : 1) * sizeof *c->order);
    c->otmp = nd_malloc(a, (nd ? nd : 1) * sizeof *c->otmp);
    c->of = nd_malloc(a, (nd ? nd : 1) * sizeof *c->of);
    c->loff = nd_calloc(a, nd + 1, sizeof *c->loff);
    c->ltmp = nd_malloc(a, (s->links.len ? s->links.len : 1) * sizeof *c->ltmp);
    c->q = nd_malloc(a, MAX_TERMS * sizeof *c->q);
    c->st = nd_calloc(a, nd ? nd : 1, sizeof *c->st);
    c->stamp = nd_malloc(a, (nd ? nd : 1) * sizeof *c->stamp);
    c->score = nd_malloc(a, (nd ? nd : 1) * sizeof *c->score);
    if (!c->order || !c->otmp || !c->of || !c->loff || !c->ltmp || !c->q || !c->st ||
        !c->stamp || !c->score)
        return step_status(s, ND_E_NOMEM, "the clustering tables of %zu documents and %zu links",
                           nd, s->links.len / 2);
    return ND_OK;
}

static void cl_free(cl *c)
{
    const nd_alloc_ctx *a = &c->s->alloc;
    if (c->st)
        for (size_t i = 0; i < c->nst; i++) {
            nd_free(a, c->st[i].c);
            nd_free(a, c->st[i].seed);
            nd_free(a, c->st[i].names);
        }
    nd_free(a, c->st);
    nd_free(a, c->hid);
    nd_free(a, c->hhead);
    nd_vec_free(&c->post, a);
    nd_vec_free(&c->cand, a);
    nd_vec_free(&c->merge, a);
    nd_free(a, c->stamp);
    nd_free(a, c->score);
    nd_free(a, c->order);
    nd_free(a, c->otmp);
    nd_free(a, c->of);
    nd_free(a, c->loff);
    nd_free(a, c->ltmp);
    nd_free(a, c->q);
    nd_free(a, c->fkey);
    nd_free(a, c->frep);
}

/* Step 2: the clustering order, and the links sorted with their offsets per
 * document (c->loff). */
static void cl_prepare(cl *c)
{
    const nd_story *s = c->s;
    const size_t nd = s->docs.len;
    for (size_t i = 0; i < nd; i++) {
        c->order[i] = (uint32_t)i;
        c->of[i] = NO_STORY;
        c->stamp[i] = UINT32_MAX;
    }
    order_docs(s, c->order, c->otmp, nd);
    uint64_t *L = s->links.data;
    nd_sort_u64(L, c->ltmp, s->links.len);
    for (size_t i = 0; i < s->links.len; i++)
        c->loff[(L[i] >> 32) + 1]++;
    for (size_t i = 0; i < nd; i++)
        c->loff[i + 1] += c->loff[i];
}

/* Story k becomes a candidate for document d (once; its score starts at 0). */
static nd_status cl_candidate(cl *c, uint32_t d, uint32_t k)
{
    if (c->stamp[k] == d)
        return ND_OK;
    c->stamp[k] = d;
    c->score[k] = 0;
    return nd_vec_push(&c->cand, &c->s->alloc, &k);
}

/* Step 3, per document d (vector v): the candidate stories (c->cand): the
 * postings of its QUERY_TERMS heaviest terms, and the stories of documents
 * linked to it, which get the link bonus. */
static nd_status cl_candidates(cl *c, uint32_t d, const term *v, size_t nv)
{
    const nd_story *s = c->s;
    nd_status st;
    c->cand.len = 0;
    size_t nq = nv;
    if (nv)
        memcpy(c->q, v, nv * sizeof *c->q);
    if (nq > QUERY_TERMS) {
        top_heaviest(c->q, nq, QUERY_TERMS);
        nq = QUERY_TERMS;
    }
    for (size_t t = 0; t < nq; t++) {
        uint32_t pi = index_head(c, c->q[t].id);
        for (size_t scanned = 0; pi != UINT32_MAX && scanned < POSTING_SCAN; scanned++) {
            const posting *P = &ND_VEC_AT(&c->post, posting, pi);
            if ((st = cl_candidate(c, d, P->story)) != ND_OK)
                return st;
            pi = P->next;
        }
    }
    const uint64_t *L = s->links.data;
    for (uint64_t li = c->loff[d]; li < c->loff[d + 1]; li++) {
        const uint32_t o = (uint32_t)L[li];
        if (c->of[o] == NO_STORY)
            continue;
        const uint32_t k = c->of[o];
        if ((st = cl_candidate(c, d, k)) != ND_OK)
            return st;
        c->score[k] = s->params.link_bonus;
    }
    return ND_OK;
}

/* Story S and document d both name ND_P_STORY_NAMES names or more, and
 * share none: another event, however alike the words (a fire at another
 * timber yard, told with the same phrases). */
static int names_apart(const nd_story *s, const story *S, uint32_t d)
{
    const uint32_t need = s->params.story_names;
    if (!need)
        return 0;
    const uint32_t *dn = s->names + s->noff[d];
    const size_t n = (size_t)(s->noff[d + 1] - s->noff[d]);
    return n >= need && S->nnames >= need && !nd_intersect_u32(dn, n, S->names, S->nnames);
}

/* Step 4: the open candidate with the best score (cosine to its centroid
 * plus its bonus; ties to the lower story), or NO_STORY; *best_score. */
static uint32_t cl_best(const cl *c, uint32_t d, const sdoc *D, const term *v, size_t nv,
                        double *best_score)
{
    const nd_params *p = &c->s->params;
    uint32_t best = NO_STORY;
    double bs = -1;
    const uint32_t *cd = c->cand.data;
    for (size_t i = 0; i < c->cand.len; i++) {
        const story *S = &c->st[cd[i]];
        if (p->story_window > 0 && D->has_date && S->dated &&
            D->date - S->last > p->story_window)
            continue; /* closed */
        if (form_conflict(c, D, cd[i]))
            continue; /* it holds another report on D's form */
        if (names_apart(c->s, S, d))
            continue; /* no name in common: another event (even when linked by a
                         passage: events of one kind are told in like phrases) */
        const double drift = p->story_drift * p->story_threshold;
        if (drift > 0 && S->seed && S->seed_norm > 0 &&
            dot(v, nv, S->seed, S->nseed) / S->seed_norm < drift)
            continue; /* drifted away from its first members */
        const double sc = (S->norm > 0 ? dot(v, nv, S->c, S->nc) / S->norm : 0) +
                          c->score[cd[i]];
        if (sc > bs || (sc == bs && cd[i] < best)) {
            bs = sc;
            best = cd[i];
        }
    }
    *best_score = bs;
    return best;
}

/* Story S takes document d's names (while it holds fewer than STORY_NAMES). */
static nd_status story_names(cl *c, story *S, uint32_t d)
{
    const nd_story *s = c->s;
    const uint32_t *dn = s->names + s->noff[d];
    const size_t n = (size_t)(s->noff[d + 1] - s->noff[d]);
    if (!n || S->nnames >= STORY_NAMES)
        return ND_OK;
    uint32_t *m = nd_malloc(&s->alloc, (S->nnames + n) * sizeof *m);
    if (!m)
        return ND_E_NOMEM;
    size_t i = 0, j = 0, k = 0;
    while (i < S->nnames || j < n) {
        if (j == n || (i < S->nnames && S->names[i] < dn[j]))
            m[k++] = S->names[i++];
        else if (i == S->nnames || dn[j] < S->names[i])
            m[k++] = dn[j++];
        else {
            m[k++] = S->names[i++];
            j++;
        }
    }
    nd_free(&s->alloc, S->names);
    S->names = m;
    S->nnames = (uint32_t)k;
    return ND_OK;
}

/* Step 5: document d (the oi-th in clustering order) joins story best, or a
 * new story when there is none at the threshold; the story's centroid and
 * index take its vector. */
static nd_status cl_join(cl *c, uint32_t d, size_t oi, uint32_t best, double bs,
                         const term *v, size_t nv)
{
    const sdoc *D = &ND_VEC_AT(&c->s->docs, sdoc, d);
    uint32_t k = best;
    if (best == NO_STORY || bs < c->s->params.story_threshold) {
        k = (uint32_t)c->nst++;
        c->st[k].first = (uint32_t)oi;
    }
    story *S = &c->st[k];
    S->size++;
    if (D->has_date && (!S->dated || D->date > S->last)) {
        S->last = D->date;
        S->dated = 1;
    }
    c->of[d] = k;
    nd_status st = form_note(c, D, k);
    if (st == ND_OK)
        st = story_add(c, k, v, nv);
    if (st == ND_OK)
        st = story_names(c, S, d);
    if (st == ND_OK && S->size == SEED_MEMBERS && !S->seed) {
        S->seed = nd_malloc(&c->s->alloc, (S->nc ? S->nc : 1) * sizeof *S->seed);
        if (!S->seed)
            return ND_E_NOMEM;
        if (S->nc)
            memcpy(S->seed, S->c, S->nc * sizeof *S->seed);
        S->nseed = S->nc;
        S->seed_norm = S->norm;
    }
    return st;
}

/* Step 6: the results: members by story, in clustering order, each with its
 * cosine to the final centroid; the stories move to s. */
static nd_status cl_results(cl *c)
{
    nd_story *s = c->s;
    const nd_alloc_ctx *a = &s->alloc;
    const size_t nd = s->docs.len;
    const term *V = s->vec.data;
    s->nstories = c->nst;
    s->soff = nd_calloc(a, c->nst + 1, sizeof *s->soff);
    s->mem = nd_malloc(a, (nd ? nd : 1) * sizeof *s->mem);
    if (!s->soff || !s->mem)
        return step_status(s, ND_E_NOMEM, "the members of %zu stories", c->nst);
    for (size_t i = 0; i < nd; i++)
        s->soff[c->of[i] + 1]++;
    for (size_t k = 0; k < c->nst; k++)
        s->soff[k + 1] += s->soff[k];
    size_t *fill = (size_t *)(void *)c->ltmp; /* reuse when big enough */
    size_t *own = NULL;
    if (s->links.len < c->nst) {
        own = nd_malloc(a, (c->nst ? c->nst : 1) * sizeof *own);
        if (!own)
            return step_status(s, ND_E_NOMEM, "the offsets of %zu stories", c->nst);
        fill = own;
    }
    memcpy(fill, s->soff, c->nst * sizeof *fill);
    for (size_t oi = 0; oi < nd; oi++) {
        const uint32_t d = c->order[oi], k = c->of[d];
        const story *S = &c->st[k];
        const term *v = V + s->voff[d];
        const size_t nv = (size_t)(s->voff[d + 1] - s->voff[d]);
        s->mem[fill[k]++] = (nd_story_member){d, k, S->norm > 0 ? dot(v, nv, S->c, S->nc) /
                                                                      S->norm : 0};
    }
    nd_free(a, own);
    s->st = c->st;
    c->st = NULL;
    return ND_OK;
}

nd_status nd_story_cluster(nd_story *s)
{
    ND_RETURN_IF(!s, ND_E_PARAM);
    s->detail[0] = 0;
    if (!s->vec_ok || s->clu_done) {
        nd_detail_set(s->detail, s->clu_done ? "clustering runs once"
                                             : "nd_story_vectors comes first");
        return ND_E_STATE;
    }
    s->clu_done = 1;
    const term *V = s->vec.data;
    cl c;
    nd_status st;
    ND_TRY(cl_alloc(&c, s));
    cl_prepare(&c);
    for (size_t oi = 0; oi < s->docs.len; oi++) {
        const uint32_t d = c.order[oi];
        const term *v = V + s->voff[d];
        const size_t nv = (size_t)(s->voff[d + 1] - s->voff[d]);
        ND_TRY(step_status(s, cl_candidates(&c, d, v, nv),
                           "the candidate stories of document %u (%zu stories)", d, c.nst));
        double bs;
        const uint32_t best = cl_best(&c, d, &ND_VEC_AT(&s->docs, sdoc, d), v, nv, &bs);
        ND_TRY(step_status(s, cl_join(&c, d, oi, best, bs, v, nv),
                           "adding document %u to its story (%zu stories, %zu postings)", d,
                           c.nst, c.post.len));
    }
    ND_TRY(cl_results(&c));
    st = ND_OK;
fail:
    st = step_status(s, st, "stories");
    cl_free(&c);
    return st;
}

nd_status nd_story_stories(const nd_story *s, const nd_story_member **m, const size_t **off,
                           size_t *num)
{
    ND_RETURN_IF(!s || !m || !off || !num, ND_E_PARAM);
    ND_RETURN_IF(!s->mem, ND_E_STATE);
    *m = s->mem;
    *off = s->soff;
    *num = s->nstories;
    return ND_OK;
}

/* The words of t[0..len) behind the wanted term ids want[0..nw) (terms as
 * add_words makes them): the first met for each not found yet is copied to
 * bytes (boff, blen) and found[q] set; stops when all are found. */
static nd_status label_scan(nd_story *s, nd_text_buf *tb, struct sb_stemmer *stem,
                            nd_stem_memo *memo, int english,
                            const char *t, size_t len, const uint32_t *want, size_t nw,
                            size_t *found, size_t *nfound, nd_vec *bytes, uint32_t *boff,
                            uint32_t *blen)
{
    nd_status st = nd_text_tokenize(tb, &s->alloc, t, len, 0);
    if (st != ND_OK)
        return st;
    const nd_token *tok = tb->tokens.data;
    const char *norm = tb->norm.data;
    for (size_t i = 0; i < tb->tokens.len && *nfound < nw; i++) {
        const char *w = norm + tok[i].norm_off;
        size_t n = tok[i].norm_len;
        if (english && is_stop(w, n, tok[i].hash))
            continue;
        int digit;
        const size_t first = i;
        const uint32_t id = word_term(stem, memo, t, norm, tok, tb->tokens.len, &i, &digit);
        if (i > first) {  /* a number in parts: as written */
            w = t + tok[first].start;
            n = tok[i].end - tok[first].start;
        }
        for (size_t q = 0; q < nw; q++)
            if (want[q] == id && found[q] == SIZE_MAX) {
                if ((st = nd_vec_reserve(bytes, &s->alloc, bytes->len + n + 1)) != ND_OK)
                    return st;
                boff[q] = (uint32_t)bytes->len;
                blen[q] = (uint32_t)n;
                memcpy((char *)bytes->data + bytes->len, w, n);
                ((char *)bytes->data)[bytes->len + n] = '\0';
                bytes->len += n + 1;
                found[q] = q;
                (*nfound)++;
            }
    }
    return ND_OK;
}

size_t nd_story_label(nd_story *s, size_t k, nd_text_fn text, void *ctx, const char **terms,
                      size_t max)
{
    if (!s)
        return 0;
    s->detail[0] = 0;
    if (!s->st || !text || k >= s->nstories || max == 0) {
        nd_detail_set(s->detail, "no such story, or no text function");
        return 0;
    }
    if (max > 16)
        max = 16;
    const story *S = &s->st[k];
    term top[16];
    size_t nt = 0;
    for (size_t i = 0; i < S->nc; i++) { /* the max heaviest, by insertion */
        term x = S->c[i];
        /* ranked with the IDF unshrunk (the collection's, with a loaded
         * model's documents): a label tells the story apart from the rest,
         * however small the collection */
        const uint32_t df = df_of(s->mid, s->mdf, s->mn, x.id);
        const double used = nd_story_idf(s->mdocs, df);
        if (used > 0)
            x.w = (float)(x.w * idf_raw(s->mdocs, df) / used);
        size_t j = nt < max ? nt++ : max;
        if (j == max && (x.w < top[max - 1].w ||
                         (x.w == top[max - 1].w && x.id > top[max - 1].id)))
            continue;
        if (j == max)
            j = max - 1;
        while (j > 0 && (top[j - 1].w < x.w || (top[j - 1].w == x.w && top[j - 1].id > x.id))) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = x;
    }
    /* the words behind them: the first seen in the story's members, in order */
    uint32_t want[16], boff[16], blen[16];
    size_t found[16], nfound = 0;
    for (size_t i = 0; i < nt; i++) {
        want[i] = top[i].id;
        found[i] = SIZE_MAX;
    }
    nd_text_buf *tb = &s->label_tb;
    nd_vec bytes;
    nd_vec_init(&bytes, 1, UINT32_MAX);
    struct sb_stemmer **stems = s->label_stem;
    uint8_t *tried = s->label_tried;
    nd_status st = ND_OK;
    for (size_t i = s->soff[k]; i < s->soff[k + 1] && nfound < nt && i < s->soff[k] + 8; i++) {
        const uint32_t d = s->mem[i].doc;
        const sdoc *sd = &ND_VEC_AT(&s->docs, sdoc, d);
        if (!tried[sd->lang]) {
            tried[sd->lang] = 1;
            stems[sd->lang] = sb_stemmer_new(s->langs[sd->lang], "UTF_8");
            s->label_memo[sd->lang] = stems[sd->lang] ? memo_new(&s->alloc) : NULL;
            if (stems[sd->lang] && !s->label_memo[sd->lang]) {
                st = ND_E_NOMEM;
                break;
            }
        }
        const int english = nd_story_english(s->langs[sd->lang]);
        if (sd->title_len &&
            (st = label_scan(s, tb, stems[sd->lang], s->label_memo[sd->lang], english,
                             (const char *)s->titles.data + sd->title_off, sd->title_len, want,
                             nt, found, &nfound, &bytes, boff, blen)) != ND_OK)
            break;
        const char *t = NULL;
        size_t len = 0;
        if ((st = text(ctx, d, 0, &t, &len)) != ND_OK ||
            (st = label_scan(s, tb, stems[sd->lang], s->label_memo[sd->lang], english,
                             t ? t : "", t ? len : 0, want, nt,
                             found, &nfound, &bytes, boff, blen)) != ND_OK)
            break;
    }
    size_t n = 0;
    if (st != ND_OK)
        nd_detail_set(s->detail, "the label of story %zu: %s", k, nd_strerror(st));
    if (st == ND_OK && bytes.len) {
        nd_free(&s->alloc, s->label_buf);
        s->label_buf = bytes.data; /* kept: the terms point into it */
        s->label_cap = bytes.cap;
        bytes.data = NULL;
        for (size_t i = 0; i < nt; i++)
            if (found[i] != SIZE_MAX)
                terms[n++] = s->label_buf + boff[i];
    }
    (void)blen;
    nd_vec_free(&bytes, &s->alloc);
    return n;
}

/* ---- the model file --------------------------------------------------------------
 * "NDSTORYM" (8 bytes), format version (u32), documents (u64), terms (u64),
 * then per term its id and document frequency (u32 each), sorted by id, then
 * XXH3-64 of everything before it (u64); integers little-endian. */

#define MODEL_MAGIC "NDSTORYM"
#define MODEL_VERSION 1u
#define MODEL_HEADER 28        /* magic, version, documents, terms */
#define MODEL_TRAILER 8        /* the checksum */
#define MODEL_READ_CHUNK 65536 /* the first read; the buffer doubles from there */

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* Writes all n bytes to fd; 0, or -1 with errno set (a write that makes no
 * progress is a full disk: ENOSPC). */
static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        const ssize_t w = write(fd, p, n > (1u << 30) ? (1u << 30) : n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Creates tmp (PATH_MAX bytes) = "<path>.tmp.XXXXXX" with a random suffix,
 * O_EXCL and mode 0666 less the umask, like a file fopen() makes; the open
 * descriptor, or -1 with errno set. */
static int open_temp_beside(const char *path, char *tmp)
{
    static const char k_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = (uint64_t)getpid() << 32 ^ (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec ^
                    (uint64_t)(uintptr_t)tmp;
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t r;
        if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
            r = nd_splitmix64(&seed);
        char sfx[7];
        for (int i = 0; i < 6; i++, r /= 62)
            sfx[i] = k_chars[r % 62];
        sfx[6] = '\0';
        if ((size_t)snprintf(tmp, PATH_MAX, "%s.tmp.%s", path, sfx) >= PATH_MAX) {
            errno = ENAMETOOLONG;
            return -1;
        }
        const int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* Writes b[0..n) to path whole or not at all: into a new temporary file
 * beside it, flushed to disk, then renamed over it. A symlink at path is
 * replaced, not followed (a link planted at a name the caller chose cannot
 * redirect the write); a path that is neither a regular file nor a symlink
 * (a device such as /dev/null, a FIFO) is written in place. On failure sets
 * detail (with the reason, e.g. "No space left on device") and returns
 * ND_E_IO; no temporary file is left. */
static nd_status write_file_atomic(const char *path, const unsigned char *b, size_t n,
                                   char *detail)
{
    char tmp[PATH_MAX];
    struct stat sb;
    if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode)) {
        const int fd = S_ISDIR(sb.st_mode) ? -1 : open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || write_all(fd, b, n) != 0) {
            nd_detail_set(detail, "%s: cannot write the model: %s", path,
                          fd < 0 && S_ISDIR(sb.st_mode) ? strerror(EISDIR) : strerror(errno));
            if (fd >= 0)
                close(fd);
            return ND_E_IO;
        }
        if (close(fd) != 0) {
            nd_detail_set(detail, "%s: cannot write the model: %s", path, strerror(errno));
            return ND_E_IO;
        }
        return ND_OK;
    }
    const int fd = open_temp_beside(path, tmp);
    if (fd < 0) {
        nd_detail_set(detail, "%s: cannot create a temporary file beside it: %s", path,
                      strerror(errno));
        return ND_E_IO;
    }
    const char *step = "cannot write the model";
    int err = 0;
    if (write_all(fd, b, n) != 0 || (step = "cannot flush the model", fsync(fd) != 0))
        err = errno;
    if (close(fd) != 0 && !err) {
        err = errno;
        step = "cannot write the model";
    }
    if (!err && rename(tmp, path) != 0) {
        err = errno;
        step = "cannot rename the model into place";
    }
    if (err) {
        unlink(tmp);
        nd_detail_set(detail, "%s: %s: %s", path, step, strerror(err));
        return ND_E_IO;
    }
    return ND_OK;
}

nd_status nd_story_model_save(nd_story *s, const char *path)
{
    ND_RETURN_IF(!s, ND_E_PARAM);
    s->detail[0] = 0;
    if (!path) {
        nd_detail_set(s->detail, "no model path");
        return ND_E_PARAM;
    }
    if (!s->vec_ok) { /* (a failed nd_story_vectors may have added part of it) */
        nd_detail_set(s->detail, "the model is learnt by nd_story_vectors");
        return ND_E_STATE;
    }
    const size_t len = MODEL_HEADER + s->mn * 8 + MODEL_TRAILER;
    unsigned char *b = nd_malloc(&s->alloc, len);
    if (!b) {
        nd_detail_set(s->detail, "%s: out of memory for the model (%zu bytes)", path, len);
        return ND_E_NOMEM;
    }
    memcpy(b, MODEL_MAGIC, 8);
    put_le(b + 8, MODEL_VERSION, 4);
    put_le(b + 12, s->mdocs, 8);
    put_le(b + 20, s->mn, 8);
    for (size_t i = 0; i < s->mn; i++) {
        put_le(b + 28 + 8 * i, s->mid[i], 4);
        put_le(b + 32 + 8 * i, s->mdf[i], 4);
    }
    put_le(b + len - 8, nd_model_hash(b, len - 8), 8);
    const nd_status st = write_file_atomic(path, b, len, s->detail);
    nd_free(&s->alloc, b);
    return st;
}

/* Reads the rest of a model whose header h declares n terms into a buffer
 * of exactly the declared length (*out, with the header copied in). The
 * buffer grows with the bytes that actually arrive, so a header that
 * declares more terms than the file holds costs no more memory than the file.
 * ND_E_CORRUPT when the file is shorter or longer than declared. */
static nd_status model_read_body(nd_story *s, FILE *fp, const char *path,
                                 const unsigned char *h, uint64_t n, unsigned char **out)
{
    const size_t want = MODEL_HEADER + (size_t)n * 8 + MODEL_TRAILER;
    size_t cap = want + 1 < MODEL_READ_CHUNK ? want + 1 : MODEL_READ_CHUNK, got = MODEL_HEADER;
    unsigned char *b = nd_malloc(&s->alloc, cap);
    if (!b) {
        nd_detail_set(s->detail, "%s: out of memory reading the model", path);
        return ND_E_NOMEM;
    }
    memcpy(b, h, MODEL_HEADER);
    for (;;) { /* up to one byte past the declared end: trailing bytes show */
        got += fread(b + got, 1, cap - got, fp);
        if (got < cap || cap == want + 1)
            break;
        const size_t ncap = cap > (want + 1) / 2 ? want + 1 : cap * 2;
        unsigned char *nb = nd_malloc(&s->alloc, ncap);
        if (!nb) {
            nd_free(&s->alloc, b);
            nd_detail_set(s->detail, "%s: out of memory reading the model", path);
            return ND_E_NOMEM;
        }
        memcpy(nb, b, got);
        nd_free(&s->alloc, b);
        b = nb;
        cap = ncap;
    }
    if (ferror(fp) || got != want) {
        if (ferror(fp))
            nd_detail_set(s->detail, "%s: cannot read: %s", path, strerror(errno));
        else if (got < want)
            nd_detail_set(s->detail, "%s: truncated: %zu bytes, %llu terms need %zu", path,
                          got, (unsigned long long)n, want);
        else
            nd_detail_set(s->detail, "%s: trailing bytes after the checksum", path);
        nd_free(&s->alloc, b);
        return ferror(fp) ? ND_E_IO : ND_E_CORRUPT;
    }
    *out = b;
    return ND_OK;
}

nd_status nd_story_model_load(nd_story *s, const char *path)
{
    ND_RETURN_IF(!s, ND_E_PARAM);
    s->detail[0] = 0;
    if (!path) {
        nd_detail_set(s->detail, "no model path");
        return ND_E_PARAM;
    }
    if (s->vec_done || s->model_loaded) {
        nd_detail_set(s->detail, "a model is loaded once, before nd_story_vectors");
        return ND_E_STATE;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        nd_detail_set(s->detail, "%s: cannot open: %s", path, strerror(errno));
        return ND_E_IO;
    }
    unsigned char h[MODEL_HEADER];
    nd_status st = ND_OK;
    unsigned char *b = NULL;
    if (fread(h, 1, MODEL_HEADER, fp) != MODEL_HEADER || memcmp(h, MODEL_MAGIC, 8) != 0) {
        nd_detail_set(s->detail, "%s: not a neardup story model", path);
        st = ND_E_CORRUPT;
        goto out;
    }
    if (get_le(h + 8, 4) != MODEL_VERSION) {
        nd_detail_set(s->detail, "%s: model format %u, this library reads %u", path,
                      (unsigned)get_le(h + 8, 4), MODEL_VERSION);
        st = ND_E_VERSION;
        goto out;
    }
    const uint64_t docs = get_le(h + 12, 8), n = get_le(h + 20, 8);
    if (n > (UINT32_MAX / 8)) {
        nd_detail_set(s->detail, "%s: %llu terms is over the limit", path,
                      (unsigned long long)n);
        st = ND_E_CORRUPT;
        goto out;
    }
    if (docs > MODEL_MAX_DOCS) {
        nd_detail_set(s->detail, "%s: %llu documents is over the limit of 2^48", path,
                      (unsigned long long)docs);
        st = ND_E_CORRUPT;
        goto out;
    }
    /* the length and the checksum are checked before the tables are made */
    ND_TRY(model_read_body(s, fp, path, h, n, &b));
    const size_t len = MODEL_HEADER + (size_t)n * 8 + MODEL_TRAILER;
    if (get_le(b + len - 8, 8) != nd_model_hash(b, len - 8)) {
        nd_detail_set(s->detail, "%s: truncated or corrupt (checksum)", path);
        st = ND_E_CORRUPT;
        goto out;
    }
    s->mid = nd_malloc(&s->alloc, (n ? n : 1) * sizeof *s->mid);
    s->mdf = nd_malloc(&s->alloc, (n ? n : 1) * sizeof *s->mdf);
    if (!s->mid || !s->mdf) {
        nd_detail_set(s->detail, "%s: out of memory for %llu terms", path,
                      (unsigned long long)n);
        st = ND_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        s->mid[i] = (uint32_t)get_le(b + 28 + 8 * i, 4);
        s->mdf[i] = (uint32_t)get_le(b + 32 + 8 * i, 4);
        if ((i && s->mid[i] <= s->mid[i - 1]) || s->mdf[i] == 0 || s->mdf[i] > docs) {
            nd_detail_set(s->detail, "%s: term %zu out of order or of a bad frequency", path,
                          i);
            st = ND_E_CORRUPT;
            goto out;
        }
    }
    s->mn = (size_t)n;
    s->mdocs = docs;
    s->model_loaded = 1;
out:
fail:
    if (st != ND_OK) {
        nd_free(&s->alloc, s->mid);
        nd_free(&s->alloc, s->mdf);
        s->mid = s->mdf = NULL;
        s->mn = 0;
    }
    nd_free(&s->alloc, b);
    fclose(fp);
    return st;
}

const char *nd_story_errdetail(const nd_story *s)
{
    return s ? s->detail : "";
}
