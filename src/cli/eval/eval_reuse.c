/*
 * eval_reuse.c - `neardup eval --plagdet` and `neardup eval --gold-pairs`:
 * score passage records (what `neardup reuse` prints) against PAN-style
 * reuse cases, or against gold document pairs.
 *
 * DESIGN
 *   Passage records. One JSON object per line: "a" and "b" name the two
 *   documents (strings, or numbers taken as their JSON text), "a_start",
 *   "a_end", "b_start", "b_end" are byte offsets [start, end) into them; other
 *   keys are validated as JSON and ignored. The pair is unordered.
 *
 *   Sides. A document pair is keyed by its two id indexes, lo << 32 | hi (lo
 *   <= hi; both below 2^31). Side 0 of a case or a detection is its range in
 *   document lo, side 1 its range in document hi, whichever of suspicious /
 *   source or a / b names them; so a record may list the pair in either order.
 *   For a pair of one document with itself, a and the suspicious range are
 *   side 0. Positions are (document, byte) pairs, so s & r below is computed
 *   side by side.
 *
 *   plagdet (Potthast, Stein, Barron-Cedeno, Rosso, "An Evaluation Framework
 *   for Plagiarism Detection", COLING 2010). A detection r detects a case s
 *   when both lie on the same document pair and their ranges overlap on both
 *   sides; then s & r is their intersection, else it is empty. With S the
 *   cases and R the detections counted:
 *     precision   = 1/|R| sum_r |U_s (s & r)| / |r|
 *     recall      = 1/|S| sum_s |U_r (s & r)| / |s|
 *     granularity = 1/|S_R| sum_{s in S_R} |R_s|  (S_R: detected cases,
 *                   R_s: the detections of s; 1 when S_R is empty)
 *     plagdet     = F1(precision, recall) / log2(1 + granularity)
 *   |x| counts the positions of both sides. As PAN's reference code
 *   (perfmeasures.py): precision and recall are 1 when S and R are both
 *   empty and 0 when only one is; plagdet is 0 when both are 0.
 *   Counted detections are those on labelled pairs: the pairs of the cases
 *   and of --pairs; the others are unlabelled (neither right nor wrong) and
 *   only counted as ignored. Their ids are looked up, never added, so the
 *   memory held is that of the cases and the counted detections.
 *
 *   Computation. Cases and detections are sorted by (pair, side 0, side 1,
 *   line); the two arrays are walked together one pair at a time, and only
 *   the cases and detections of one pair are compared (a detection loop stops
 *   at the first detection starting past the case on side 0). Every (s, r)
 *   that detects gives a hit holding s & r; hits come out in case order, so
 *   each case's run of hits gives its covered positions (the union of the
 *   intersections, side by side: overlapping detections count once) and its
 *   |R_s|; sorted by detection, the same hits give each detection's covered
 *   positions. Sums are long double, added in that fixed order.
 *
 *   Gold pairs. Each id is mapped to its copy class: ids of one --same
 *   cluster, or of clusters sharing an id (union-find), are one document;
 *   other ids are themselves. Gold lines kept by --min and passages each give
 *   a class pair key; both key lists are sorted and deduplicated, then merged:
 *   found = gold pairs linked by some passage, precision = linked pairs that
 *   are gold pairs. Pairs of one class with itself (a passage between copies,
 *   a gold pair of copies) are dropped: they say nothing about reuse between
 *   two documents.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "eval/eval.h"
#include "read/json.h"
#include "write/output.h"

/* Offsets and lengths stay below 2^62, so start + length cannot overflow. */
#define MAX_OFFSET ((uint64_t)1 << 62)

/* ------------------------------------------------------------ field checks */

/* Prints "NAME:LINE: message" and returns EXIT_INPUT. */
static int bad_line(const char *name, uint64_t line, const char *fmt, ...) ND_PRINTF(3, 4);
static int bad_line(const char *name, uint64_t line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_log(1, "%s:%llu: %s", name, (unsigned long long)line, msg);
    return EXIT_INPUT;
}

/* Checks that field `key` is present once. */
static int need_once(const js_value *v, const char *key, const char *name, uint64_t line)
{
    if (v->count == 0)
        return bad_line(name, line, "missing \"%s\"", key);
    if (v->count > 1)
        return bad_line(name, line, "two \"%s\" keys", key);
    return 0;
}

/* Checks that field `key` is an id: present once, a string or a number. */
static int need_id(const js_value *v, const char *key, const char *name, uint64_t line)
{
    if (need_once(v, key, name, line))
        return EXIT_INPUT;
    if (v->type != JS_STRING && v->type != JS_NUMBER)
        return bad_line(name, line, "\"%s\" must be a string or a number", key);
    return 0;
}

/* Reads field `key` as an offset: present once, an integer in [0, 2^62). */
static int need_offset(const js_value *v, const char *key, const char *name, uint64_t line,
                       uint64_t *out)
{
    if (need_once(v, key, name, line))
        return EXIT_INPUT;
    uint64_t x = 0;
    size_t i = 0;
    if (v->type == JS_NUMBER)
        for (; i < v->n && v->s[i] >= '0' && v->s[i] <= '9'; i++) {
            x = x * 10 + (uint64_t)(v->s[i] - '0');
            if (x >= MAX_OFFSET)
                return bad_line(name, line, "\"%s\" is too large", key);
        }
    if (v->type != JS_NUMBER || i < v->n)
        return bad_line(name, line, "\"%s\" must be a non-negative integer", key);
    *out = x;
    return 0;
}

/* Interns an id; prints the message and returns an exit code on failure. */
static int intern(ev_ids *t, const js_value *v, const char *name, uint64_t line, int64_t *x)
{
    *x = ev_ids_get(t, v->s, v->n);
    if (*x == -1) {
        cli_log(1, "%s:%llu: out of memory", name, (unsigned long long)line);
        return EXIT_INTERNAL;
    }
    if (*x < 0) {
        cli_log(1, "%s:%llu: too many distinct ids", name, (unsigned long long)line);
        return EXIT_INTERNAL;
    }
    return 0;
}

/* The key of the unordered pair of ids x and y; *swap = 1 when y < x. */
static uint64_t pair_key(int64_t x, int64_t y, int *swap)
{
    *swap = y < x;
    return *swap ? (uint64_t)y << 32 | (uint64_t)x : (uint64_t)x << 32 | (uint64_t)y;
}

/* qsort(), which must not be given a NULL array even when it is empty. */
static void sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(v, n, size, cmp);
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts k[0..n) and removes repeats; returns the new length. */
static size_t sort_unique(uint64_t *k, size_t n)
{
    if (!n)
        return 0;
    sort(k, n, sizeof *k, cmp_u64);
    size_t m = 1;
    for (size_t i = 1; i < n; i++)
        if (k[i] != k[m - 1])
            k[m++] = k[i];
    return m;
}

/* Whether the sorted k[0..n) holds key. */
static int has_key(const uint64_t *k, size_t n, uint64_t key)
{
    return n && bsearch(&key, k, n, sizeof *k, cmp_u64) != NULL;
}

/* Harmonic mean of precision and recall; 0 when both are 0. */
static double f1(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

/* Opens the output, lets emit() fill it, commits. Returns 0, EXIT_INPUT or
 * EXIT_INTERNAL (out of memory). */
static int write_out(const char *path, void (*emit)(FILE *, const void *), const void *arg)
{
    cli_out o;
    if (cli_out_open(&o, path))
        return cli_out_status();
    emit(o.fp, arg);
    return cli_out_commit_all() ? EXIT_INPUT : 0;
}

/* ------------------------------------------------------------ interval union */

static int cmp_ival(const void *a, const void *b)
{
    const ev_ival *x = a, *y = b;
    if (x->lo != y->lo)
        return (x->lo > y->lo) - (x->lo < y->lo);
    return (x->hi > y->hi) - (x->hi < y->hi);
}

uint64_t ev_union_len(ev_ival *v, size_t n)
{
    sort(v, n, sizeof *v, cmp_ival);
    uint64_t total = 0, lo = 0, hi = 0;   /* the run being merged: [lo, hi) */
    for (size_t i = 0; i < n; i++) {
        if (v[i].hi <= v[i].lo)
            continue;
        if (v[i].lo > hi || hi == lo) {   /* disjoint from the run (or no run yet) */
            total += hi - lo;
            lo = v[i].lo;
            hi = v[i].hi;
        } else if (v[i].hi > hi) {
            hi = v[i].hi;
        }
    }
    return total + (hi - lo);
}

/* ------------------------------------------------------------------ plagdet */

/* A case or a detection: its pair and its range on each side. */
typedef struct item {
    uint64_t key;       /* pair_key() of its two documents */
    ev_ival side[2];    /* range in document lo (0) and hi (1) */
    uint64_t line;      /* line in its file: the last sort key */
} item;

/* One (case, detection) where the detection detects the case. */
typedef struct hit {
    size_t s, r;        /* case and detection indexes */
    ev_ival x[2];       /* their intersection, side by side */
} hit;

typedef struct plag {
    ev_ids ids;
    js_scanner *sc;
    const char *name;       /* the file being read, for messages */
    item *cases, *dets;
    size_t ncases, ndets, cap_cases, cap_dets;
    uint64_t *labelled;     /* pair keys of cases and --pairs, sorted, unique */
    size_t nlab, cap_lab;
    int bytes;              /* -1 not known yet, 1: *_bytes fields, 0: characters */
    uint64_t ignored;       /* detections on unlabelled pairs */
    hit *hits;
    size_t nhits, cap_hits;
    ev_ival *tmp;           /* intervals to unite */
    size_t cap_tmp;
} plag;

typedef struct plag_scores {
    uint64_t cases, detections, ignored, detected;
    double precision, recall, granularity, plagdet;
} plag_scores;

static const char *const case_fields[] = {
    "suspicious", "source",
    "this_offset", "this_length", "source_offset", "source_length",
    "this_offset_bytes", "this_length_bytes", "source_offset_bytes", "source_length_bytes",
};
static const char *const pair_fields[] = { "suspicious", "source" };
static const char *const passage_fields[] = { "a", "b", "a_start", "a_end", "b_start", "b_end" };

static int plag_oom(const plag *p, uint64_t line)
{
    cli_log(1, "%s:%llu: out of memory", p->name, (unsigned long long)line);
    return EXIT_INTERNAL;
}

/* Appends *it to *v. */
static int push_item(item **v, size_t *n, size_t *cap, const item *it)
{
    if (cli_grow((void **)v, cap, *n + 1, sizeof **v))
        return -1;
    (*v)[(*n)++] = *it;
    return 0;
}

/* Fills it->key and it->side from ids x, y and their ranges rx, ry. */
static void place(item *it, int64_t x, int64_t y, ev_ival rx, ev_ival ry)
{
    int swap;
    it->key = pair_key(x, y, &swap);
    it->side[0] = swap ? ry : rx;
    it->side[1] = swap ? rx : ry;
}

/* One line of CASES. */
static int case_line(void *ctx, const char *s, size_t len, uint64_t line)
{
    plag *p = ctx;
    int rc = ev_scan_object(p->sc, p->name, line, s, len);
    if (rc)
        return rc;
    const js_value *f[10];
    for (size_t i = 0; i < 10; i++)
        f[i] = js_field(p->sc, i);
    if ((rc = need_id(f[0], case_fields[0], p->name, line)) ||
        (rc = need_id(f[1], case_fields[1], p->name, line)))
        return rc;
    /* The *_bytes fields: all four or none, and the same on every line. */
    const int nbytes = (f[6]->count > 0) + (f[7]->count > 0) + (f[8]->count > 0) +
                       (f[9]->count > 0);
    if (nbytes != 0 && nbytes != 4)
        return bad_line(p->name, line, "has some of the four \"*_bytes\" fields, not all");
    if (p->bytes >= 0 && p->bytes != (nbytes == 4))
        return bad_line(p->name, line, "the \"*_bytes\" fields must be on every line or on none");
    p->bytes = nbytes == 4;
    const size_t b = p->bytes ? 6 : 2;   /* first offset field used */
    uint64_t v[4];
    for (size_t i = 0; i < 4; i++)
        if ((rc = need_offset(f[b + i], case_fields[b + i], p->name, line, &v[i])))
            return rc;
    if (v[1] == 0)
        return bad_line(p->name, line, "\"%s\" must be positive", case_fields[b + 1]);
    if (v[3] == 0)
        return bad_line(p->name, line, "\"%s\" must be positive", case_fields[b + 3]);
    int64_t x, y;
    if ((rc = intern(&p->ids, f[0], p->name, line, &x)) ||
        (rc = intern(&p->ids, f[1], p->name, line, &y)))
        return rc;
    item it = { .line = line };
    place(&it, x, y, (ev_ival){ v[0], v[0] + v[1] }, (ev_ival){ v[2], v[2] + v[3] });
    if (push_item(&p->cases, &p->ncases, &p->cap_cases, &it) ||
        cli_grow((void **)&p->labelled, &p->cap_lab, p->nlab + 1, sizeof *p->labelled))
        return plag_oom(p, line);
    p->labelled[p->nlab++] = it.key;
    return 0;
}

/* One line of --pairs. */
static int pairs_line(void *ctx, const char *s, size_t len, uint64_t line)
{
    plag *p = ctx;
    int rc = ev_scan_object(p->sc, p->name, line, s, len);
    if (rc)
        return rc;
    const js_value *a = js_field(p->sc, 0), *b = js_field(p->sc, 1);
    int64_t x, y;
    int swap;
    if ((rc = need_id(a, pair_fields[0], p->name, line)) ||
        (rc = need_id(b, pair_fields[1], p->name, line)) ||
        (rc = intern(&p->ids, a, p->name, line, &x)) ||
        (rc = intern(&p->ids, b, p->name, line, &y)))
        return rc;
    if (cli_grow((void **)&p->labelled, &p->cap_lab, p->nlab + 1, sizeof *p->labelled))
        return plag_oom(p, line);
    p->labelled[p->nlab++] = pair_key(x, y, &swap);
    return 0;
}

/* Reads and checks a passage record on the line scanned by sc: its ids (a, b)
 * and, when r is not NULL, its ranges r[0] (in a) and r[1] (in b). */
static int passage_fields_get(js_scanner *sc, const char *name, uint64_t line,
                              const js_value **a, const js_value **b, ev_ival *r)
{
    int rc;
    *a = js_field(sc, 0);
    *b = js_field(sc, 1);
    if ((rc = need_id(*a, passage_fields[0], name, line)) ||
        (rc = need_id(*b, passage_fields[1], name, line)))
        return rc;
    for (size_t i = 0; r && i < 2; i++) {
        const char *ks = passage_fields[2 + 2 * i], *ke = passage_fields[3 + 2 * i];
        if ((rc = need_offset(js_field(sc, 2 + 2 * i), ks, name, line, &r[i].lo)) ||
            (rc = need_offset(js_field(sc, 3 + 2 * i), ke, name, line, &r[i].hi)))
            return rc;
        if (r[i].hi <= r[i].lo)
            return bad_line(name, line, "\"%s\" must be greater than \"%s\"", ke, ks);
    }
    return 0;
}

/* One line of PASSAGES (plagdet). */
static int detection_line(void *ctx, const char *s, size_t len, uint64_t line)
{
    plag *p = ctx;
    int rc = ev_scan_object(p->sc, p->name, line, s, len);
    if (rc)
        return rc;
    const js_value *a, *b;
    ev_ival r[2];
    if ((rc = passage_fields_get(p->sc, p->name, line, &a, &b, r)))
        return rc;
    /* An id not in CASES or PAIRS cannot be on a labelled pair. */
    const int64_t x = ev_ids_find(&p->ids, a->s, a->n), y = ev_ids_find(&p->ids, b->s, b->n);
    item it = { .line = line };
    if (x >= 0 && y >= 0)
        place(&it, x, y, r[0], r[1]);
    if (x < 0 || y < 0 || !has_key(p->labelled, p->nlab, it.key)) {
        p->ignored++;
        return 0;
    }
    return push_item(&p->dets, &p->ndets, &p->cap_dets, &it) ? plag_oom(p, line) : 0;
}

/* Sort order of cases and detections: pair, side 0, side 1, line. */
static int cmp_item(const void *pa, const void *pb)
{
    const item *x = pa, *y = pb;
    int c;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    for (int i = 0; i < 2; i++)
        if ((c = cmp_ival(&x->side[i], &y->side[i])) != 0)
            return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Hits sorted by detection, then case. */
static int cmp_hit(const void *pa, const void *pb)
{
    const hit *x = pa, *y = pb;
    if (x->r != y->r)
        return (x->r > y->r) - (x->r < y->r);
    return (x->s > y->s) - (x->s < y->s);
}

static uint64_t ival_len(ev_ival v) { return v.hi - v.lo; }

/* The positions covered by the hits h[0..n) (one case's, or one detection's):
 * the union of their intersections, side by side. -1 when out of memory. */
static int64_t covered(plag *p, const hit *h, size_t n)
{
    if (cli_grow((void **)&p->tmp, &p->cap_tmp, n, sizeof *p->tmp))
        return -1;
    uint64_t sum = 0;
    for (int side = 0; side < 2; side++) {
        for (size_t i = 0; i < n; i++)
            p->tmp[i] = h[i].x[side];
        sum += ev_union_len(p->tmp, n);
    }
    return (int64_t)sum;
}

/* Scores the sorted cases and detections. Returns 0 or EXIT_INTERNAL. */
static int plag_compute(plag *p, plag_scores *o)
{
    long double prec = 0, rec = 0;
    uint64_t gran = 0;
    memset(o, 0, sizeof *o);
    size_t ci = 0, di = 0;
    while (ci < p->ncases || di < p->ndets) {
        /* The next pair: the smaller key of the two fronts. */
        uint64_t key = UINT64_MAX;
        if (ci < p->ncases)
            key = p->cases[ci].key;
        if (di < p->ndets && p->dets[di].key < key)
            key = p->dets[di].key;
        size_t ce = ci, de = di;
        while (ce < p->ncases && p->cases[ce].key == key)
            ce++;
        while (de < p->ndets && p->dets[de].key == key)
            de++;
        p->nhits = 0;
        for (size_t s = ci; s < ce; s++) {
            const item *cs = &p->cases[s];
            for (size_t r = di; r < de && p->dets[r].side[0].lo < cs->side[0].hi; r++) {
                const item *dt = &p->dets[r];
                hit h = { .s = s, .r = r };
                for (int i = 0; i < 2; i++) {
                    h.x[i].lo = cs->side[i].lo > dt->side[i].lo ? cs->side[i].lo : dt->side[i].lo;
                    h.x[i].hi = cs->side[i].hi < dt->side[i].hi ? cs->side[i].hi : dt->side[i].hi;
                }
                if (h.x[0].lo >= h.x[0].hi || h.x[1].lo >= h.x[1].hi)
                    continue;   /* no overlap on some side: r does not detect s */
                if (cli_grow((void **)&p->hits, &p->cap_hits, p->nhits + 1, sizeof *p->hits))
                    return EXIT_INTERNAL;
                p->hits[p->nhits++] = h;
            }
        }
        /* Hits are in case order: a run per detected case. */
        for (size_t i = 0, e; i < p->nhits; i = e) {
            for (e = i + 1; e < p->nhits && p->hits[e].s == p->hits[i].s; e++)
                ;
            const item *cs = &p->cases[p->hits[i].s];
            const int64_t cov = covered(p, p->hits + i, e - i);
            if (cov < 0)
                return EXIT_INTERNAL;
            rec += (long double)cov / (ival_len(cs->side[0]) + ival_len(cs->side[1]));
            o->detected++;
            gran += e - i;
        }
        sort(p->hits, p->nhits, sizeof *p->hits, cmp_hit);
        for (size_t i = 0, e; i < p->nhits; i = e) {
            for (e = i + 1; e < p->nhits && p->hits[e].r == p->hits[i].r; e++)
                ;
            const item *dt = &p->dets[p->hits[i].r];
            const int64_t cov = covered(p, p->hits + i, e - i);
            if (cov < 0)
                return EXIT_INTERNAL;
            prec += (long double)cov / (ival_len(dt->side[0]) + ival_len(dt->side[1]));
        }
        ci = ce;
        di = de;
    }
    o->cases = p->ncases;
    o->detections = p->ndets;
    o->ignored = p->ignored;
    if (!p->ncases || !p->ndets) {
        o->precision = o->recall = !p->ncases && !p->ndets ? 1.0 : 0.0;
    } else {
        o->precision = (double)(prec / p->ndets);
        o->recall = (double)(rec / p->ncases);
    }
    o->granularity = o->detected ? (double)gran / (double)o->detected : 1.0;
    o->plagdet = f1(o->precision, o->recall) / log2(1 + o->granularity);
    return 0;
}

static void plag_json(FILE *fp, const void *arg)
{
    const plag_scores *s = arg;
    fprintf(fp, "{\"cases\":%llu,\"detections\":%llu,\"ignored\":%llu,\"precision\":",
            (unsigned long long)s->cases, (unsigned long long)s->detections,
            (unsigned long long)s->ignored);
    cli_json_num(fp, s->precision);
    fputs(",\"recall\":", fp);
    cli_json_num(fp, s->recall);
    fputs(",\"granularity\":", fp);
    cli_json_num(fp, s->granularity);
    fputs(",\"plagdet\":", fp);
    cli_json_num(fp, s->plagdet);
    fprintf(fp, ",\"detected\":%llu}\n", (unsigned long long)s->detected);
}

static void plag_table(FILE *fp, const void *arg)
{
    const plag_scores *s = arg;
    fprintf(fp, "cases:        %llu (%llu detected)\n", (unsigned long long)s->cases,
            (unsigned long long)s->detected);
    fprintf(fp, "detections:   %llu counted, %llu ignored (on unlabelled pairs)\n",
            (unsigned long long)s->detections, (unsigned long long)s->ignored);
    fprintf(fp, "precision:    %.4f\n", s->precision);
    fprintf(fp, "recall:       %.4f\n", s->recall);
    fprintf(fp, "granularity:  %.4f\n", s->granularity);
    fprintf(fp, "plagdet:      %.4f\n", s->plagdet);
}

/* Reads `path` with the scanner of `fields` and the line function fn. */
static int plag_read(plag *p, const char *path, const char *const *fields, size_t nf,
                     ev_line_fn fn)
{
    js_free(p->sc);
    if (!(p->sc = js_new(fields, nf))) {
        cli_log(1, "eval: out of memory");
        return EXIT_INTERNAL;
    }
    return ev_read_lines(path, &p->name, fn, p);
}

int ev_plagdet(const ev_reuse_opts *o)
{
    plag p;
    memset(&p, 0, sizeof p);
    p.bytes = -1;
    plag_scores s;
    memset(&s, 0, sizeof s);
    int rc = plag_read(&p, o->gold, case_fields, 10, case_line);
    if (!rc && p.bytes == 0)
        cli_log(2, "%s: no \"*_bytes\" fields: character offsets are compared with the "
                "byte offsets of the passages as given", p.name);
    if (!rc && o->pairs)
        rc = plag_read(&p, o->pairs, pair_fields, 2, pairs_line);
    if (!rc) {
        p.nlab = sort_unique(p.labelled, p.nlab);
        rc = plag_read(&p, o->passages, passage_fields, 6, detection_line);
    }
    if (!rc) {
        sort(p.cases, p.ncases, sizeof *p.cases, cmp_item);
        sort(p.dets, p.ndets, sizeof *p.dets, cmp_item);
        if ((rc = plag_compute(&p, &s)) != 0)
            cli_log(1, "eval: out of memory");
    }
    ev_ids_free(&p.ids);
    js_free(p.sc);
    free(p.cases);
    free(p.dets);
    free(p.labelled);
    free(p.hits);
    free(p.tmp);
    if (!rc)
        rc = write_out(o->out_path, o->json ? plag_json : plag_table, &s);
    return rc;
}

/* --------------------------------------------------------------- gold pairs */

typedef struct gpairs {
    const ev_reuse_opts *o;
    ev_ids ids;
    js_scanner *sc;
    ev_members jp;          /* --same lines */
    const char *name;
    uint32_t *up;           /* union-find over the ids of --same (parent index) */
    size_t nsame, cap_up;   /* ids in --same: indexes below nsame */
    uint64_t *gold, *linked;
    size_t ngold, nlinked, cap_gold, cap_linked;
    uint64_t self_gold;     /* gold pairs of copies of one document, dropped */
    uint64_t passages;
} gpairs;

typedef struct gp_scores {
    uint64_t gold_pairs, found, passages, linked_pairs;
    double recall, precision;
} gp_scores;

/* The copy class of id x (path halving; ids outside --same are their own). */
static uint32_t gp_find(gpairs *g, uint32_t x)
{
    if (x >= g->nsame)
        return x;
    while (g->up[x] != x) {
        g->up[x] = g->up[g->up[x]];
        x = g->up[x];
    }
    return x;
}

/* One line of --same: its members become one copy class. */
static int same_line(void *ctx, const char *s, size_t len, uint64_t line)
{
    gpairs *g = ctx;
    if (ev_members_line(&g->jp, s, len))
        return ev_members_error(&g->jp, g->name, line);
    int64_t first = -1;
    for (size_t i = 0; i < g->jp.nspans; i++) {
        const js_value v = { JS_STRING, g->jp.ids + g->jp.spans[i].off, g->jp.spans[i].len, 1 };
        int64_t x;
        const int rc = intern(&g->ids, &v, g->name, line, &x);
        if (rc)
            return rc;
        if (cli_grow((void **)&g->up, &g->cap_up, g->ids.n, sizeof *g->up)) {
            cli_log(1, "%s:%llu: out of memory", g->name, (unsigned long long)line);
            return EXIT_INTERNAL;
        }
        while (g->nsame < g->ids.n) {
            g->up[g->nsame] = (uint32_t)g->nsame;
            g->nsame++;
        }
        if (first < 0)
            first = x;
        else   /* the class of x joins the class of the first member */
            g->up[gp_find(g, (uint32_t)x)] = gp_find(g, (uint32_t)first);
    }
    return 0;
}

/* Appends the class pair of ids x and y to *v, unless they are one class. */
static int gp_push(gpairs *g, uint64_t **v, size_t *n, size_t *cap, int64_t x, int64_t y,
                   uint64_t line, uint64_t *self)
{
    int swap;
    const uint32_t cx = gp_find(g, (uint32_t)x), cy = gp_find(g, (uint32_t)y);
    if (cx == cy) {
        if (self)
            ++*self;
        return 0;
    }
    if (cli_grow((void **)v, cap, *n + 1, sizeof **v)) {
        cli_log(1, "%s:%llu: out of memory", g->name, (unsigned long long)line);
        return EXIT_INTERNAL;
    }
    (*v)[(*n)++] = pair_key(cx, cy, &swap);
    return 0;
}

/* One line of GOLD: fields --pair-fields, and the --min field if any. */
static int gold_line(void *ctx, const char *s, size_t len, uint64_t line)
{
    gpairs *g = ctx;
    const ev_reuse_opts *o = g->o;
    int rc = ev_scan_object(g->sc, g->name, line, s, len);
    if (rc)
        return rc;
    const js_value *a = js_field(g->sc, 0), *b = js_field(g->sc, 1);
    if (a->count == 0 || b->count == 0)  /* most likely other field names: say how to give them */
        return bad_line(g->name, line, "missing \"%s\" (the fields naming a pair's two "
                                       "documents are \"%s\" and \"%s\": --pair-fields A,B)",
                        a->count == 0 ? o->field_a : o->field_b, o->field_a, o->field_b);
    if ((rc = need_id(a, o->field_a, g->name, line)) ||
        (rc = need_id(b, o->field_b, g->name, line)))
        return rc;
    if (o->min_field) {
        const js_value *m = js_field(g->sc, 2);
        if ((rc = need_once(m, o->min_field, g->name, line)))
            return rc;
        if (m->type != JS_NUMBER)
            return bad_line(g->name, line, "\"%s\" must be a number", o->min_field);
        /* A JSON number is followed by a delimiter or the line's NUL. */
        if (strtod(m->s, NULL) < o->min_value)
            return 0;
    }
    int64_t x, y;
    if ((rc = intern(&g->ids, a, g->name, line, &x)) ||
        (rc = intern(&g->ids, b, g->name, line, &y)))
        return rc;
    return gp_push(g, &g->gold, &g->ngold, &g->cap_gold, x, y, line, &g->self_gold);
}

/* One line of PASSAGES (gold pairs): only "a" and "b" are read. */
static int link_line(void *ctx, const char *s, size_t len, uint64_t line)
{
    gpairs *g = ctx;
    int rc = ev_scan_object(g->sc, g->name, line, s, len);
    if (rc)
        return rc;
    const js_value *a, *b;
    int64_t x, y;
    if ((rc = passage_fields_get(g->sc, g->name, line, &a, &b, NULL)) ||
        (rc = intern(&g->ids, a, g->name, line, &x)) ||
        (rc = intern(&g->ids, b, g->name, line, &y)))
        return rc;
    g->passages++;
    return gp_push(g, &g->linked, &g->nlinked, &g->cap_linked, x, y, line, NULL);
}

static void gp_json(FILE *fp, const void *arg)
{
    const gp_scores *s = arg;
    fprintf(fp, "{\"gold_pairs\":%llu,\"found\":%llu,\"recall\":",
            (unsigned long long)s->gold_pairs, (unsigned long long)s->found);
    cli_json_num(fp, s->recall);
    fprintf(fp, ",\"passages\":%llu,\"linked_pairs\":%llu,\"precision\":",
            (unsigned long long)s->passages, (unsigned long long)s->linked_pairs);
    cli_json_num(fp, s->precision);
    fputs("}\n", fp);
}

static void gp_table(FILE *fp, const void *arg)
{
    const gp_scores *s = arg;
    fprintf(fp, "gold pairs:    %llu\n", (unsigned long long)s->gold_pairs);
    fprintf(fp, "found:         %llu\n", (unsigned long long)s->found);
    fprintf(fp, "recall:        %.4f\n", s->recall);
    fprintf(fp, "passages:      %llu\n", (unsigned long long)s->passages);
    fprintf(fp, "linked pairs:  %llu\n", (unsigned long long)s->linked_pairs);
    fprintf(fp, "precision:     %.4f (linked pairs that are gold pairs; informative)\n",
            s->precision);
}

int ev_gold_pairs(const ev_reuse_opts *o)
{
    gpairs g;
    memset(&g, 0, sizeof g);
    g.o = o;
    gp_scores s;
    memset(&s, 0, sizeof s);
    const char *fields[3] = { o->field_a, o->field_b, o->min_field };
    int rc = 0;
    if (ev_members_init(&g.jp) || !(g.sc = js_new(fields, o->min_field ? 3 : 2))) {
        cli_log(1, "eval: out of memory");
        rc = EXIT_INTERNAL;
    }
    if (!rc && o->same)
        rc = ev_read_lines(o->same, &g.name, same_line, &g);
    if (!rc)
        rc = ev_read_lines(o->gold, &g.name, gold_line, &g);
    if (!rc && g.self_gold)
        cli_log(2, "%s: %llu gold pairs join copies of one document and are left out",
                g.name, (unsigned long long)g.self_gold);
    if (!rc) {
        js_free(g.sc);
        if (!(g.sc = js_new(passage_fields, 2))) {
            cli_log(1, "eval: out of memory");
            rc = EXIT_INTERNAL;
        }
    }
    if (!rc)
        rc = ev_read_lines(o->passages, &g.name, link_line, &g);
    if (!rc) {
        /* Both lists sorted and unique; a merge counts the keys in both. */
        g.ngold = sort_unique(g.gold, g.ngold);
        g.nlinked = sort_unique(g.linked, g.nlinked);
        for (size_t i = 0, j = 0; i < g.ngold && j < g.nlinked;) {
            if (g.gold[i] == g.linked[j]) {
                s.found++;
                i++;
                j++;
            } else if (g.gold[i] < g.linked[j]) {
                i++;
            } else {
                j++;
            }
        }
        s.gold_pairs = g.ngold;
        s.passages = g.passages;
        s.linked_pairs = g.nlinked;
        s.recall = g.ngold ? (double)s.found / (double)g.ngold : 1.0;
        s.precision = g.nlinked ? (double)s.found / (double)g.nlinked : 1.0;
    }
    ev_ids_free(&g.ids);
    js_free(g.sc);
    ev_members_free(&g.jp);
    free(g.up);
    free(g.gold);
    free(g.linked);
    if (!rc)
        rc = write_out(o->out_path, o->json ? gp_json : gp_table, &s);
    return rc;
}
