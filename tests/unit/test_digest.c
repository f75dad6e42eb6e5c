/*
 * test_digest.c - nd_digest: the sentence splitter, groups, quantities and
 * their disagreements, contradictions, aliases, and results that do not
 * depend on the order passages are given in.
 */
#include <stdint.h>
#include <string.h>

#include "neardup.h"
#include "nd_test.h"

/* The sentences of s, "|"-joined, into out. */
static const char *split(const char *s, char *out, size_t cap)
{
    uint32_t st[64], en[64];
    const size_t n = nd_digest_sentences(s, strlen(s), st, en, 64);
    size_t o = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && i < 64; i++) {
        const int k = snprintf(out + o, cap - o, "%s%.*s", i ? "|" : "", (int)(en[i] - st[i]),
                               s + st[i]);
        if (k < 0 || (size_t)k >= cap - o)
            break;
        o += (size_t)k;
    }
    return out;
}

#define SPLITS(in, want) do { char b_[1024]; const char *g_ = split(in, b_, sizeof b_); \
    ND_CHECK_MSG(strcmp(g_, want) == 0, "got \"%s\"", g_); } while (0)

static void test_sentences(void)
{
    SPLITS("Police came. They left.", "Police came.|They left.");
    /* abbreviations, initials, dotted initialisms, numbers */
    SPLITS("Mr. Smith met Dr. Jones. It rained.", "Mr. Smith met Dr. Jones.|It rained.");
    SPLITS("J. R. Smith spoke. Then U.S. officials left.",
           "J. R. Smith spoke.|Then U.S. officials left.");
    SPLITS("It cost 3.5 million. Prices rose 2.4 percent.",
           "It cost 3.5 million.|Prices rose 2.4 percent.");
    /* quotes: a closing quote stays with its sentence; a lower-case word after
     * it goes on the sentence */
    SPLITS("\"We will stay,\" he said. \"No.\" She left.",
           "\"We will stay,\" he said.|\"No.\"|She left.");
    SPLITS("\xe2\x80\x9cIt is over.\xe2\x80\x9d The talks ended.",
           "\xe2\x80\x9cIt is over.\xe2\x80\x9d|The talks ended.");
    /* a headline line of its own; a no-break space after a full stop */
    SPLITS("Police raid camp\nThe police raided a camp.\xc2\xa0The camp was empty.",
           "Police raid camp|The police raided a camp.|The camp was empty.");
    /* two sentences glued by a careless copy */
    SPLITS("It was in Manez.Following the clashes, one died.",
           "It was in Manez.|Following the clashes, one died.");
    /* a hard-wrapped text: a line break inside a sentence is a space */
    SPLITS("The committee met on Monday to discuss the budget for the coming year and\n"
           "agreed that the new library would open in the spring after a long delay,\n"
           "while the old building would be sold to pay for repairs to the town hall.\n"
           "Members then voted on the proposal to close the swimming pool for winter.\n",
           "The committee met on Monday to discuss the budget for the coming year and\n"
           "agreed that the new library would open in the spring after a long delay,\n"
           "while the old building would be sold to pay for repairs to the town hall.|"
           "Members then voted on the proposal to close the swimming pool for winter.");
    SPLITS("", "");
    SPLITS("...  --  ", "");
    SPLITS("No end", "No end");
    /* the count is the count even past cap */
    const char *t = "A. B c. D e. F g.";
    uint32_t e[1];
    ND_CHECK(nd_digest_sentences("One. Two. Three.", 16, NULL, e, 1) == 3);
    (void)t;
}

typedef struct story {
    nd_digest *d;
    nd_digest_result r;
    const char *const *texts;
} story;

static int run_story(story *s, const char *const *texts, size_t n, const uint32_t *sources)
{
    s->texts = texts;
    if (nd_digest_create(&s->d, NULL, NULL, NULL) != ND_OK)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const nd_digest_doc doc = {texts[i], strlen(texts[i]),
                                   sources ? sources[i] : (uint32_t)i, NULL, 0};
        if (nd_digest_add(s->d, &doc) != ND_OK)
            return -1;
    }
    if (nd_digest_run(s->d) != ND_OK || nd_digest_get(s->d, &s->r) != ND_OK)
        return -1;
    return 0;
}

/* Is the text of item [start, end) of doc d equal to want? */
static int text_is(const story *s, uint32_t d, uint32_t b, uint32_t e, const char *want)
{
    return e - b == strlen(want) && memcmp(s->texts[d] + b, want, e - b) == 0;
}

static const char *const k_story[] = {
    "Police raided the camp of the Mujahedin-e Khalq (MKO) on Tuesday. "
    "Some 3,000 members of the group live in the camp. "
    "Police said the operation caused no casualties. "
    "The interior ministry said the raid was lawful and ordered by a court.",

    "Albanian police stormed the MEK camp on Tuesday morning. "
    "A member of the group was killed in the police operation. "
    "Some 2,800 members of the MKO, also called MEK, live there. "
    "The interior ministry said that the raid was lawful and was ordered by the court.",

    "The raid on the camp was ordered by a court, the interior ministry said, and was lawful. "
    "State Police Director-General Muhamet Rrumbullaku said 15 police officers and 21 "
    "members were injured. Rrumbullaku said the camp's leaders did not cooperate.",
};

static void test_story(void)
{
    story s;
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, k_story, 3, NULL) == 0);
    if (!s.d)
        return;
    const nd_digest_result *r = &s.r;
    ND_CHECK(r->sources == 3);
    /* the ministry's statement: one group, all three sources, core */
    int found = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
        const nd_dgroup *G = &r->groups[g];
        int all = G->count == 3;
        for (uint32_t k = 0; k < G->count && all; k++) {
            const nd_dsentence *x = &r->sentences[r->members[G->first + k]];
            all = memmem(k_story[x->doc] + x->start, x->end - x->start, "interior ministry",
                         17) != NULL;
        }
        if (all) {
            found = 1;
            ND_CHECK(G->core && G->sources == 3 && !G->verbatim);
            ND_CHECK(G->similarity >= 0.5f && G->similarity <= 1.0f);
        }
    }
    ND_CHECK_MSG(found, "no ministry group of 3 (%zu groups)", r->ngroups);
    /* 3,000 against 2,800 members; not the 21 members injured */
    int value = 0;
    for (size_t c = 0; c < r->nconflicts; c++) {
        const nd_dconflict *C = &r->conflicts[c];
        if (C->kind != ND_DC_VALUE)
            continue;
        value++;
        ND_CHECK(strcmp(C->what, "members") == 0);
        ND_CHECK(C->count == 2);
        for (uint32_t k = 0; k < C->count; k++) {
            const nd_dquantity *q = &r->quantities[r->items[C->first + k]];
            ND_CHECK(q->approx && q->kind == ND_Q_COUNT);
            ND_CHECK(q->value == 3000 || q->value == 2800);
            const uint32_t d = r->sentences[q->sentence].doc;
            ND_CHECK(text_is(&s, d, q->head_start, q->head_end, "members"));
        }
    }
    ND_CHECK(value == 1);
    /* killed / no casualties */
    int neg = 0;
    for (size_t c = 0; c < r->nconflicts; c++) {
        const nd_dconflict *C = &r->conflicts[c];
        if (C->kind == ND_DC_NEGATION && strcmp(C->what, "killed") == 0) {
            neg++;
            ND_CHECK(C->split == 1 && C->count == 2);
            ND_CHECK(r->sentences[r->items[C->first]].doc == 1);
            ND_CHECK(r->sentences[r->items[C->first + 1]].doc == 0);
        }
    }
    ND_CHECK(neg == 1);
    /* MKO = MEK = Mujahedin-e Khalq; Rrumbullaku with and without his title */
    int mek = 0, title = 0;
    for (size_t a = 0; a < r->naliases; a++) {
        const nd_dalias *A = &r->aliases[a];
        int has_mek = 0, has_mko = 0, has_long = 0, has_r = 0;
        for (uint32_t k = 0; k < A->count; k++) {
            const nd_dname *nm = &r->names[A->first + k];
            has_mek |= text_is(&s, nm->doc, nm->start, nm->end, "MEK");
            has_mko |= text_is(&s, nm->doc, nm->start, nm->end, "MKO");
            has_long |= text_is(&s, nm->doc, nm->start, nm->end, "Mujahedin-e Khalq");
            has_r |= text_is(&s, nm->doc, nm->start, nm->end, "Rrumbullaku");
        }
        mek += has_mek && has_mko && has_long;
        title += has_r;
        for (uint32_t k = 0; k < A->ecount; k++) {
            const nd_devidence *e = &r->evidence[A->efirst + k];
            ND_CHECK(e->a >= A->first && e->a < A->first + A->count);
            ND_CHECK(e->b >= A->first && e->b < A->first + A->count);
            ND_CHECK(e->how <= ND_AL_ALIGNED);
        }
    }
    ND_CHECK(mek == 1);
    ND_CHECK(title == 1);
    /* every range within its text, sentences in order */
    for (size_t i = 0; i < r->nsentences; i++) {
        const nd_dsentence *x = &r->sentences[i];
        ND_CHECK(x->doc < 3 && x->start < x->end && x->end <= strlen(k_story[x->doc]));
        if (i)
            ND_CHECK(x->doc > r->sentences[i - 1].doc ||
                     (x->doc == r->sentences[i - 1].doc && x->start >= r->sentences[i - 1].end));
    }
    for (size_t q = 0; q < r->nquantities; q++) {
        const nd_dquantity *x = &r->quantities[q];
        const nd_dsentence *sen = &r->sentences[x->sentence];
        ND_CHECK(x->start >= sen->start && x->end <= sen->end && x->start < x->end);
    }
    /* reset, then the same story again: the same results */
    const size_t ng = r->ngroups, nq = r->nquantities, nc = r->nconflicts;
    nd_digest_reset(s.d);
    for (size_t i = 0; i < 3; i++) {
        const nd_digest_doc doc = {k_story[i], strlen(k_story[i]), (uint32_t)i, NULL, 0};
        ND_CHECK(nd_digest_add(s.d, &doc) == ND_OK);
    }
    ND_CHECK(nd_digest_run(s.d) == ND_OK);
    ND_CHECK(nd_digest_get(s.d, &s.r) == ND_OK);
    ND_CHECK(s.r.ngroups == ng && s.r.nquantities == nq && s.r.nconflicts == nc);
    nd_digest_destroy(s.d);
}

/* Documents of one source count once: nothing is core or disagreed among them. */
static void test_same_source(void)
{
    const uint32_t src[3] = {7, 7, 7};
    story s;
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, k_story, 3, src) == 0);
    if (!s.d)
        return;
    ND_CHECK(s.r.sources == 1);
    ND_CHECK(s.r.ngroups == 0);
    ND_CHECK(s.r.nconflicts == 0);
    nd_digest_destroy(s.d);
}

static void test_quantities(void)
{
    static const char *const t[] = {
        "On June 20, 2023 at 10:30 p.m. the firm said sales rose 12% to $5 million. "
        "The driver, aged 45, and a 30-year-old passenger were hurt. "
        "Ashraf 3 and COVID-19 are names, 1980-88 a range. "
        "A dozen police officers and about a thousand residents came."};
    story s;
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, t, 1, NULL) == 0);
    if (!s.d)
        return;
    const nd_digest_result *r = &s.r;
    struct { unsigned kind; double v; const char *text; } want[] = {
        {ND_Q_DATE, 20230620, "June 20, 2023"}, {ND_Q_TIME, 22 * 60 + 30, "10:30 p.m"},
        {ND_Q_PERCENT, 12, "12"},               {ND_Q_MONEY, 5e6, "5 million"},
        {ND_Q_AGE, 45, "45"},                   {ND_Q_AGE, 30, "30-year-old"},
        {ND_Q_DATE, 19800000, "1980"},          {ND_Q_COUNT, 12, "A dozen"},
        {ND_Q_COUNT, 1000, "about a thousand"},
    };
    const size_t nw = sizeof want / sizeof want[0];
    ND_CHECK_MSG(r->nquantities == nw, "%zu quantities", r->nquantities);
    for (size_t i = 0; i < nw && i < r->nquantities; i++) {
        const nd_dquantity *q = &r->quantities[i];
        ND_CHECK_MSG(q->kind == want[i].kind && q->value == want[i].v &&
                         text_is(&s, 0, q->start, q->end, want[i].text),
                     "%zu: %s %g \"%.*s\"", i, nd_qkind_name(q->kind), q->value,
                     (int)(q->end - q->start), t[0] + q->start);
    }
    ND_CHECK(r->nquantities >= 9 && text_is(&s, 0, r->quantities[7].head_start,
                                            r->quantities[7].head_end, "officers"));
    nd_digest_destroy(s.d);
}

/* A passage given makes a verbatim group; the order passages come in does
 * not change anything. */
static void test_passages(void)
{
    const char *a = "Floods closed the coast road on Monday. The mayor opened a shelter "
                    "in the old school for the families.";
    const char *b = "Heavy rain fell. The mayor opened a shelter in the old school for the "
                    "families. Farmers counted their losses.";
    nd_digest_result r1, r2;
    nd_digest *d1 = NULL, *d2 = NULL;
    ND_CHECK(nd_digest_create(&d1, NULL, "english", NULL) == ND_OK);
    ND_CHECK(nd_digest_create(&d2, NULL, "english", NULL) == ND_OK);
    if (!d1 || !d2)
        return;
    const nd_digest_doc da = {a, strlen(a), 1, NULL, 0}, db = {b, strlen(b), 2, NULL, 0};
    ND_CHECK(nd_digest_add(d1, &da) == ND_OK && nd_digest_add(d1, &db) == ND_OK);
    ND_CHECK(nd_digest_add(d2, &da) == ND_OK && nd_digest_add(d2, &db) == ND_OK);
    const uint32_t as = 40, ae = (uint32_t)strlen(a), bs = 17, be = 17 + (ae - as);
    ND_CHECK(memcmp(a + as, b + bs, ae - as) == 0);
    ND_CHECK(nd_digest_passage(d1, 0, as, ae, 1, bs, be) == ND_OK);
    ND_CHECK(nd_digest_passage(d1, 0, 0, 10, 1, 0, 10) == ND_OK);
    ND_CHECK(nd_digest_passage(d2, 0, 0, 10, 1, 0, 10) == ND_OK);
    ND_CHECK(nd_digest_passage(d2, 0, as, ae, 1, bs, be) == ND_OK);
    ND_CHECK(nd_digest_passage(d2, 0, 0, 999, 1, 0, 10) == ND_E_PARAM);
    ND_CHECK(nd_digest_run(d1) == ND_OK && nd_digest_run(d2) == ND_OK);
    ND_CHECK(nd_digest_get(d1, &r1) == ND_OK && nd_digest_get(d2, &r2) == ND_OK);
    ND_CHECK(r1.ngroups == 1 && r2.ngroups == 1);
    if (r1.ngroups == 1 && r2.ngroups == 1) {
        ND_CHECK(r1.groups[0].verbatim && r1.groups[0].count == 2);
        ND_CHECK(memcmp(r1.groups, r2.groups, sizeof *r1.groups) == 0);
    }
    ND_CHECK(r1.nsentences == r2.nsentences);
    ND_CHECK(memcmp(r1.sentences, r2.sentences, r1.nsentences * sizeof *r1.sentences) == 0);
    /* state errors */
    ND_CHECK(nd_digest_add(d1, &da) == ND_E_STATE);
    ND_CHECK(nd_digest_run(d1) == ND_E_STATE);
    nd_digest_destroy(d1);
    nd_digest_destroy(d2);
    nd_digest *bad = NULL;
    ND_CHECK(nd_digest_create(&bad, NULL, "klingon", NULL) == ND_E_PARAM && !bad);
    ND_CHECK(strcmp(nd_qkind_name(ND_Q_AGE), "age") == 0 && strcmp(nd_qkind_name(99), "?") == 0);
    ND_CHECK(strcmp(nd_alias_how_name(ND_AL_CALLED), "called") == 0);
}

/* An empty story, and one of empty documents. */
static void test_empty(void)
{
    nd_digest *d = NULL;
    nd_digest_result r;
    ND_CHECK(nd_digest_create(&d, NULL, "none", NULL) == ND_OK);
    if (!d)
        return;
    ND_CHECK(nd_digest_run(d) == ND_OK && nd_digest_get(d, &r) == ND_OK);
    ND_CHECK(r.nsentences == 0 && r.ngroups == 0 && r.sources == 0);
    nd_digest_reset(d);
    const nd_digest_doc e = {"", 0, 0, NULL, 0};
    ND_CHECK(nd_digest_add(d, &e) == ND_OK && nd_digest_add(d, &e) == ND_OK);
    ND_CHECK(nd_digest_run(d) == ND_OK && nd_digest_get(d, &r) == ND_OK);
    ND_CHECK(r.nsentences == 0 && r.sources == 1);
    nd_digest_destroy(d);
}

/* What the review found (issue 16): ages at a sentence's end, compound number
 * words, "up to" and "close to", one contradiction once, identical documents
 * verbatim, a document repeating a sentence, a long chain of "of". */
static void test_review(void)
{
    static const char *const t[] = {
        "The suspect was 45 years old. Twenty-five people were hurt. Up to 40 officers came. "
        "Close to 300 people waited. Police said 21 people were injured.",
        "No one was injured, police said. The suspect was 45 years old."};
    story s;
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, t, 2, NULL) == 0);
    if (!s.d)
        return;
    const nd_digest_result *r = &s.r;
    int age = 0, twentyfive = 0, upto = 0, close = 0;
    for (size_t q = 0; q < r->nquantities; q++) {
        const nd_dquantity *x = &r->quantities[q];
        age += x->kind == ND_Q_AGE && x->value == 45;
        twentyfive += x->kind == ND_Q_COUNT && x->value == 25;
        upto += x->value == 40 && x->approx;
        close += x->value == 300 && x->approx;
        ND_CHECK(x->value != 20 && x->value != 5);
    }
    ND_CHECK(age == 2 && twentyfive == 1 && upto == 1 && close == 1);
    size_t injured = 0;
    for (size_t c = 0; c < r->nconflicts; c++)
        injured += r->conflicts[c].kind == ND_DC_NEGATION &&
                   strcmp(r->conflicts[c].what, "injured") == 0;
    ND_CHECK(injured == 1);
    nd_digest_destroy(s.d);

    /* two identical documents: verbatim groups; a document repeating one
     * sentence links it once */
    char rep[4096] = "";
    for (int i = 0; i < 100; i++)
        strcat(rep, "The bridge stays closed tonight. ");
    const char *u[] = {"The bridge stays closed tonight. Crews worked all day on the deck.",
                       "The bridge stays closed tonight. Crews worked all day on the deck.",
                       rep};
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, u, 3, NULL) == 0);
    if (!s.d)
        return;
    ND_CHECK(s.r.ngroups == 2);
    for (size_t g = 0; g < s.r.ngroups; g++)
        ND_CHECK(s.r.groups[g].verbatim);
    ND_CHECK(s.r.ngroups >= 1 && s.r.groups[0].count == 3 && s.r.groups[0].sources == 3);
    nd_digest_destroy(s.d);

    /* a name followed by a long chain of "Of": no exponential search */
    char chain[2048] = "Xavier ";
    for (int i = 0; i < 200; i++)
        strcat(chain, "Of ");
    strcat(chain, "Zed said it. XOOOOO said it too.");
    const char *v[] = {chain};
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, v, 1, NULL) == 0);
    nd_digest_destroy(s.d);
}

/* Ranges marked as not the story (boilerplate) leave their sentences out. */
static void test_skip(void)
{
    const char *a = "The bridge stays closed tonight. Subscribe to our newsletter today for more "
                    "news from the valley and beyond.";
    const char *b = "The bridge stays closed tonight. Subscribe to our newsletter today for more "
                    "news from the valley and beyond.";
    const nd_span sk = {33, (uint32_t)strlen(a)};
    nd_digest *d = NULL;
    nd_digest_result r;
    ND_CHECK(nd_digest_create(&d, NULL, NULL, NULL) == ND_OK);
    if (!d)
        return;
    const nd_digest_doc da = {a, strlen(a), 0, &sk, 1}, db = {b, strlen(b), 1, &sk, 1};
    ND_CHECK(nd_digest_add(d, &da) == ND_OK && nd_digest_add(d, &db) == ND_OK);
    ND_CHECK(nd_digest_run(d) == ND_OK && nd_digest_get(d, &r) == ND_OK);
    ND_CHECK(r.nsentences == 2 && r.ngroups == 1);
    for (size_t i = 0; i < r.nsentences; i++)
        ND_CHECK(r.sentences[i].start == 0);
    nd_digest_destroy(d);
}

/* An allocator that fails its n-th call, for the run that fails half way. */
typedef struct failing {
    long n;
} failing;
static void *fail_alloc(void *o, size_t size)
{
    failing *f = o;
    return --f->n == 0 ? NULL : malloc(size);
}
static void fail_free(void *o, void *p)
{
    (void)o;
    free(p);
}

/* A run that failed may be run again: the same results as a first run. */
static void test_retry(void)
{
    nd_digest_result want;
    story s;
    memset(&s, 0, sizeof s);
    ND_CHECK(run_story(&s, k_story, 3, NULL) == 0);
    if (!s.d)
        return;
    want = s.r;
    int retried = 0;
    for (long n = 5; n < 400; n += 7) {
        failing f = {n};
        const nd_allocator a = {fail_alloc, fail_free, &f};
        nd_digest *d = NULL;
        if (nd_digest_create(&d, NULL, NULL, &a) != ND_OK)
            continue;
        int ok = 1;
        for (size_t i = 0; i < 3 && ok; i++) {
            const nd_digest_doc doc = {k_story[i], strlen(k_story[i]), (uint32_t)i, NULL, 0};
            ok = nd_digest_add(d, &doc) == ND_OK;
        }
        if (ok && nd_digest_run(d) != ND_OK) {
            retried++;
            nd_digest_result r;
            ND_CHECK(nd_digest_run(d) == ND_OK && nd_digest_get(d, &r) == ND_OK);
            ND_CHECK(r.nsentences == want.nsentences && r.ngroups == want.ngroups &&
                     r.nquantities == want.nquantities && r.nconflicts == want.nconflicts &&
                     r.naliases == want.naliases);
            ND_CHECK(memcmp(r.sentences, want.sentences,
                            r.nsentences * sizeof *r.sentences) == 0);
        }
        nd_digest_destroy(d);
    }
    ND_CHECK(retried > 5);
    nd_digest_destroy(s.d);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    ND_RUN(test_sentences);
    ND_RUN(test_story);
    ND_RUN(test_same_source);
    ND_RUN(test_quantities);
    ND_RUN(test_passages);
    ND_RUN(test_empty);
    ND_RUN(test_review);
    ND_RUN(test_retry);
    ND_RUN(test_skip);
    return nd_test_end("test_digest");
}
