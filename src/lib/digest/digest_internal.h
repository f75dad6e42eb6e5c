/*
 * digest_internal.h - what the digest's two files share (digest.c: the
 * sentences and their groups; facts.c: quantities, conflicts and aliases).
 * Never installed.
 */
#ifndef ND_DIGEST_INTERNAL_H
#define ND_DIGEST_INTERNAL_H

#include "nd_internal.h"

/* Word flags. */
enum {
    W_STOP = 1,    /* an English function word */
    W_DIGIT = 2,   /* holds a digit */
    W_CAP = 4,     /* its first letter is a capital */
    W_NAME = 8,    /* capitalised and not opening its sentence, or an acronym */
    W_UPPER = 16,  /* an acronym: two to six ASCII capitals, nothing else */
    W_NEG = 32,    /* a negation: not, no, never, n't, without, ... */
    W_START = 64   /* opens its sentence */
};

/* A word of a document. */
typedef struct dword {
    uint32_t start, end;     /* bytes in its document */
    uint32_t norm, nlen;     /* its normalised form in d->norm */
    uint32_t term;           /* its stem's hash (the form's for numbers) */
    uint32_t form;           /* its normalised form's hash */
    uint32_t sent;           /* its sentence */
    uint32_t flags;
} dword;

typedef struct dpassage {
    uint32_t a, as, ae, b, bs, be;
} dpassage;

/* A candidate link of two sentences. */
typedef struct dpair {
    float sim;
    uint32_t verbatim;
    uint32_t i, j;
} dpair;

struct nd_digest {
    nd_alloc_ctx alloc;
    nd_params params;
    struct sb_stemmer *stem;
    int english, ran;
    nd_text_buf tb;
    nd_vec docs;       /* nd_digest_doc */
    nd_vec passages;   /* dpassage */
    nd_vec norm;       /* char: normalised words, back to back */
    nd_vec words;      /* dword: every document's, in order */
    nd_vec sents;      /* nd_dsentence */
    nd_vec sword;      /* uint32: sentence i's words are [sword[i], sword[i + 1]) */
    nd_vec pairs;      /* dpair: the links that made the groups */
    nd_vec groups;     /* nd_dgroup */
    nd_vec members;    /* uint32 */
    nd_vec quants;     /* nd_dquantity */
    nd_vec conflicts;  /* nd_dconflict (what: an offset into whats until the end) */
    nd_vec items;      /* uint32 */
    nd_vec whats;      /* char */
    nd_vec names;      /* nd_dname */
    nd_vec aliases;    /* nd_dalias */
    nd_vec evidence;   /* nd_devidence */
    nd_vec scratch;    /* any */
    uint32_t nsources;
    char detail[ND_DETAIL_MAX];
};

/* The text of document i. */
static inline const char *dg_text(const nd_digest *d, uint32_t i, size_t *len)
{
    const nd_digest_doc *x = &ND_VEC_AT(&d->docs, nd_digest_doc, i);
    *len = x->len;
    return x->text;
}

/* The normalised form of word w. */
static inline const char *dg_norm(const nd_digest *d, const dword *w)
{
    return (const char *)d->norm.data + w->norm;
}

/* Is word w's normalised form the NUL-terminated s? */
static inline int dg_is(const nd_digest *d, const dword *w, const char *s)
{
    const char *f = dg_norm(d, w);
    return w->nlen && f[0] == s[0] && strlen(s) == w->nlen && memcmp(f, s, w->nlen) == 0;
}

/* Union-find over up[]: the root of x (paths halved). */
static inline uint32_t dg_find(uint32_t *up, uint32_t x)
{
    while (up[x] != x) {
        up[x] = up[up[x]];
        x = up[x];
    }
    return x;
}

/* Joins the sets of a and b under the smaller root. */
static inline void dg_unite(uint32_t *up, uint32_t a, uint32_t b)
{
    a = dg_find(up, a);
    b = dg_find(up, b);
    if (a != b) {
        if (a < b)
            up[b] = a;
        else
            up[a] = b;
    }
}

/* Sorts a few values a[0..n) ascending (insertion sort: a sentence's words). */
static inline void dg_sort_small(uint32_t *a, size_t n)
{
    for (size_t x = 1; x < n; x++)
        for (size_t y = x; y > 0 && a[y - 1] > a[y]; y--) {
            const uint32_t t = a[y];
            a[y] = a[y - 1];
            a[y - 1] = t;
        }
}

/* The stem hash of the normalised word s[0..n) (as dword.term). */
uint32_t dg_term(nd_digest *d, const char *s, size_t n);

/* facts.c: the quantities and value disagreements, the contradictions, the
 * aliases (after the groups are made). */
nd_status dg_quantities(nd_digest *d);
nd_status dg_conflicts(nd_digest *d);
nd_status dg_aliases(nd_digest *d);

#endif
