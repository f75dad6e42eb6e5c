/*
 * fuzz_digest.c - libFuzzer target for nd_digest: the sentence splitter, the
 * groups, quantities, conflicts and aliases of a story.
 *
 * Input: 2 parameter bytes, then up to MAX_DOCS documents separated by 0xFF
 * (the last one takes the rest). A document's first byte is its source (mod 4).
 *
 *   byte 0: ND_P_DIGEST_SIMILARITY 0.2 + (bits 0-2) / 10, language none
 *           (bit 3) or english, passages given (bit 4), in reverse order for the
 *           second run (always)
 *   byte 1: seeds the passages: up to 4, each a range of one document copied
 *           onto a range of another of the same length where both fit
 *
 * Every run is checked against what include/neardup.h promises (ranges inside
 * their documents and sentences, sentences in order and disjoint, a group's
 * sentences from distinct documents, item and name indices in range), the
 * splitter alone must give the run's sentences, and a second run with the
 * passages in reverse order must give the same results. A failed check aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"

#define MAX_DOCS 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

typedef struct pas {
    uint32_t a, as, ae, b, bs, be;
} pas;

static int run(const uint8_t p0, char **txt, size_t *len, uint32_t *src, size_t n,
               const pas *ps, size_t np, int reverse, nd_digest_result *out, nd_digest **dg)
{
    nd_params *prm = NULL;
    if (nd_params_create(&prm, NULL) != ND_OK)
        return -1;
    CHECK(nd_params_set(prm, ND_P_DIGEST_SIMILARITY, 0.2 + (p0 & 7) / 10.0) == ND_OK);
    nd_digest *d = NULL;
    const nd_status st = nd_digest_create(&d, prm, (p0 & 8) ? "none" : "english", NULL);
    nd_params_destroy(prm);
    if (st != ND_OK)
        return -1;
    nd_span sk[MAX_DOCS]; /* borrowed by the digest until it is destroyed */
    for (size_t i = 0; i < n; i++) {
        /* the middle third of every other document is "boilerplate" */
        sk[i] = (nd_span){(uint32_t)(len[i] / 3), (uint32_t)(2 * len[i] / 3)};
        const nd_digest_doc doc = {txt[i], len[i], src[i], (i & 1) ? &sk[i] : NULL,
                                   (i & 1) ? 1u : 0u};
        CHECK(nd_digest_add(d, &doc) == ND_OK);
    }
    for (size_t k = 0; k < np; k++) {
        const pas *x = &ps[reverse ? np - 1 - k : k];
        CHECK(nd_digest_passage(d, x->a, x->as, x->ae, x->b, x->bs, x->be) == ND_OK);
    }
    if (nd_digest_run(d) != ND_OK) {
        nd_digest_destroy(d);
        return -1;
    }
    CHECK(nd_digest_get(d, out) == ND_OK);
    *dg = d;
    return 0;
}

static void check(const nd_digest_result *r, char **txt, size_t *len, size_t n)
{
    for (size_t i = 0; i < r->nsentences; i++) {
        const nd_dsentence *s = &r->sentences[i];
        CHECK(s->doc < n && s->start < s->end && s->end <= len[s->doc]);
        CHECK(s->group == ND_NO_CLUSTER || s->group < r->ngroups);
        if (i) {
            const nd_dsentence *p = &r->sentences[i - 1];
            CHECK(p->doc < s->doc || (p->doc == s->doc && p->end <= s->start));
        }
    }
    for (size_t g = 0; g < r->ngroups; g++) {
        const nd_dgroup *G = &r->groups[g];
        CHECK(G->count >= 2 && G->sources >= 2 && G->sources <= G->count);
        CHECK(G->similarity > 0 && G->similarity <= 1);
        for (uint32_t k = 0; k < G->count; k++) {
            const uint32_t x = r->members[G->first + k];
            CHECK(x < r->nsentences && r->sentences[x].group == g);
            for (uint32_t j = 0; j < k; j++)
                CHECK(r->sentences[r->members[G->first + j]].doc != r->sentences[x].doc);
        }
    }
    for (size_t q = 0; q < r->nquantities; q++) {
        const nd_dquantity *x = &r->quantities[q];
        CHECK(x->sentence < r->nsentences && x->kind <= ND_Q_AGE);
        const nd_dsentence *s = &r->sentences[x->sentence];
        CHECK(s->start <= x->start && x->start < x->end && x->end <= s->end);
        CHECK(x->head_end == 0 || (s->start <= x->head_start && x->head_start < x->head_end &&
                                   x->head_end <= s->end));
    }
    for (size_t c = 0; c < r->nconflicts; c++) {
        const nd_dconflict *C = &r->conflicts[c];
        CHECK(C->what && C->count >= 2 && C->split <= C->count);
        for (uint32_t k = 0; k < C->count; k++)
            CHECK(r->items[C->first + k] < (C->kind == ND_DC_VALUE ? r->nquantities
                                                                    : r->nsentences));
    }
    for (size_t a = 0; a < r->naliases; a++) {
        const nd_dalias *A = &r->aliases[a];
        CHECK(A->count >= 2 && A->first + A->count <= r->nnames);
        for (uint32_t k = 0; k < A->count; k++) {
            const nd_dname *nm = &r->names[A->first + k];
            CHECK(nm->doc < n && nm->start < nm->end && nm->end <= len[nm->doc]);
            CHECK(nm->mentions >= 1);
        }
        CHECK(A->efirst + A->ecount <= r->nevidence && A->ecount >= 1);
        for (uint32_t k = 0; k < A->ecount; k++) {
            const nd_devidence *e = &r->evidence[A->efirst + k];
            CHECK(e->a >= A->first && e->a < A->first + A->count);
            CHECK(e->b >= A->first && e->b < A->first + A->count);
            CHECK(e->doc < n && e->end <= len[e->doc] && e->doc2 < n && e->end2 <= len[e->doc2]);
        }
    }
    /* the splitter alone gives the same sentences (past a header block, which
     * the digest leaves out: compare the tail) */
    for (size_t i = 0; i < n; i++) {
        const size_t cnt = nd_digest_sentences(txt[i], len[i], NULL, NULL, 0);
        uint32_t *st = malloc((cnt + 1) * sizeof *st), *en = malloc((cnt + 1) * sizeof *en);
        CHECK(st && en);
        CHECK(nd_digest_sentences(txt[i], len[i], st, en, cnt) == cnt);
        for (size_t k = 0; k < cnt; k++)
            CHECK(st[k] < en[k] && en[k] <= len[i] && (k == 0 || en[k - 1] <= st[k]));
        free(st);
        free(en);
    }
    (void)txt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t p0 = data[0], p1 = data[1];
    data += 2;
    size -= 2;
    char *txt[MAX_DOCS];
    size_t len[MAX_DOCS];
    uint32_t src[MAX_DOCS];
    size_t n = 0, at = 0;
    while (n < MAX_DOCS && at <= size) {
        size_t e = at;
        while (e < size && (data[e] != 0xFF || n == MAX_DOCS - 1))
            e++;
        const size_t b = at < e ? at + 1 : at;
        src[n] = at < e ? data[at] % 4 : 0;
        len[n] = e - b;
        txt[n] = malloc(len[n] ? len[n] : 1); /* exact size: ASan sees a read past it */
        CHECK(txt[n]);
        memcpy(txt[n], data + b, len[n]);
        n++;
        at = e + 1;
    }
    pas ps[4];
    size_t np = 0;
    uint32_t x = p1 * 2654435761u + 1;
    for (int k = 0; (p0 & 16) && k < 4 && n >= 2; k++) {
        x = x * 1103515245u + 12345u;
        const uint32_t a = x % n, b = (a + 1 + (x >> 8) % (n - 1)) % n;
        const uint32_t m = (uint32_t)(len[a] < len[b] ? len[a] : len[b]);
        if (m == 0)
            continue;
        const uint32_t l = 1 + (x >> 4) % m;
        const uint32_t as = (x >> 12) % (len[a] - l + 1), bs = (x >> 20) % (len[b] - l + 1);
        ps[np++] = (pas){a, as, as + l, b, bs, bs + l};
    }
    nd_digest_result r1, r2;
    nd_digest *d1 = NULL, *d2 = NULL;
    if (run(p0, txt, len, src, n, ps, np, 0, &r1, &d1) == 0) {
        check(&r1, txt, len, n);
        if (run(p0, txt, len, src, n, ps, np, 1, &r2, &d2) == 0) {
            CHECK(r1.nsentences == r2.nsentences && r1.ngroups == r2.ngroups &&
                  r1.nquantities == r2.nquantities && r1.nconflicts == r2.nconflicts &&
                  r1.naliases == r2.naliases && r1.sources == r2.sources);
            CHECK(!r1.nsentences ||
                  memcmp(r1.sentences, r2.sentences, r1.nsentences * sizeof *r1.sentences) == 0);
            CHECK(!r1.ngroups || memcmp(r1.groups, r2.groups, r1.ngroups * sizeof *r1.groups) == 0);
            CHECK(!r1.nquantities || memcmp(r1.quantities, r2.quantities,
                                            r1.nquantities * sizeof *r1.quantities) == 0);
            CHECK(!r1.nnames || memcmp(r1.names, r2.names, r1.nnames * sizeof *r1.names) == 0);
            for (size_t c = 0; c < r1.nconflicts; c++)
                CHECK(r1.conflicts[c].kind == r2.conflicts[c].kind &&
                      r1.conflicts[c].count == r2.conflicts[c].count &&
                      strcmp(r1.conflicts[c].what, r2.conflicts[c].what) == 0);
            nd_digest_destroy(d2);
        }
        nd_digest_destroy(d1);
    }
    for (size_t i = 0; i < n; i++)
        free(txt[i]);
    return 0;
}
