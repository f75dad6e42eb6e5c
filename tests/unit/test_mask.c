/*
 * test_mask.c - values and templates (src/lib/text/mask.c): which words are
 * values (numbers, month and weekday names, names), the template hash and the
 * values hash of nd_worker_sketch, the digit kernel against its reference,
 * and nd_worker_template_diff's first differing run.
 */
#include <stdio.h>
#include <string.h>

#include "nd_internal.h"
#include "nd_test.h"

static unsigned long long g_seed;

/* The words of t that are values, joined by '|'. */
static void values_of(const char *t, char *out, size_t cap)
{
    const nd_alloc_ctx a = {0};
    nd_alloc_ctx ac = a;
    nd_alloc_init(&ac, NULL);
    nd_text_buf tb;
    nd_mask_buf mb;
    nd_text_buf_init(&tb);
    nd_mask_buf_init(&mb);
    out[0] = '\0';
    const uint8_t *val;
    const size_t len = strlen(t);
    if (nd_text_tokenize(&tb, &ac, t, len, 0) == ND_OK &&
        nd_mask_values(&mb, &ac, t, len, tb.tokens.data, tb.tokens.len, tb.norm.data, &val) ==
            ND_OK) {
        const nd_token *tok = tb.tokens.data;
        for (size_t i = 0; i < tb.tokens.len; i++)
            if (val[i] && strlen(out) + (tok[i].end - tok[i].start) + 2 < cap) {
                if (out[0])
                    strcat(out, "|");
                strncat(out, t + tok[i].start, tok[i].end - tok[i].start);
            }
    }
    nd_text_buf_free(&tb, &ac);
    nd_mask_buf_free(&mb, &ac);
}

static void check_values(const char *t, const char *want)
{
    char got[512];
    values_of(t, got, sizeof got);
    ND_CHECK_MSG(strcmp(got, want) == 0, "values of \"%s\": got \"%s\", want \"%s\"", t, got,
                 want);
}

static void test_values(void)
{
    /* a capital that opens a sentence says nothing */
    check_values("Police raided the camp. The police said nobody was hurt.", "");
    /* a capital mid-sentence makes a name; a capitalised word opening a
     * sentence right before a name opens it */
    check_values("Acme Industries said the board of Acme met on Monday, 3 March 2019.",
                 "Acme|Industries|Acme|Monday|3|March|2019");
    /* in a title line capitals say nothing */
    check_values("River Floods Market District\nThe river rose overnight near Market Street.",
                 "Market|Street");
    /* numbers in any word; a month in lower case is a word */
    check_values("the may pole stood 12.5 m high in room B12", "12|5|B12");
    check_values("", "");
}

/* The sixteen-bytes-at-a-time digit test against its reference, on random
 * words of letters, digits, punctuation and UTF-8 bytes, every length 0-20. */
static void test_digit_kernel(void)
{
    uint64_t s = g_seed;
    const char pool[] = "abcXYZ09.,-_\xc3\xa9\xe2\x82\xac/";
    char buf[32];
    int bad = 0;
    for (int r = 0; r < 200000; r++) {
        const size_t n = nd_splitmix64(&s) % 21;
        for (size_t k = 0; k < sizeof buf; k++)
            buf[k] = pool[nd_splitmix64(&s) % (sizeof pool - 1)];
        bad += nd_has_digit16(buf, n) != nd_has_digit(buf, n);
    }
    ND_CHECK_MSG(bad == 0, "%d words differ (seed %llu)", bad, g_seed);
}

static void sketch(nd_worker *w, const char *t, uint64_t *tmpl, uint64_t *vals)
{
    nd_sketch sk;
    ND_CHECK(nd_worker_sketch(w, t, strlen(t), &sk) == ND_OK);
    *tmpl = sk.template_hash;
    *vals = sk.template_values;
}

static void test_hashes(void)
{
    nd_worker *w;
    ND_CHECK(nd_worker_create(&w, NULL, NULL) == ND_OK);
    const char *a = "Acme Corp said on 2 March that its board declared a dividend of 25 cents "
                    "a share, payable to shareholders of record at the close of business.";
    const char *b = "Bolt Motor Holdings said on 3 March that its board declared a dividend of "
                    "30 cents a share, payable to shareholders of record at the close of business.";
    const char *c = "Acme Corp said on 2 March that its board declared a dividend of 25 cents "
                    "a share, payable to holders of record at the close of business.";
    uint64_t ta, va, tb, vb, tc, vc;
    sketch(w, a, &ta, &va);
    sketch(w, b, &tb, &vb);
    sketch(w, c, &tc, &vc);
    ND_CHECK(ta && ta == tb && va != vb);  /* one template, other values */
    ND_CHECK(tc != ta);                    /* a word differs: not the template */
    uint64_t t0, v0;
    sketch(w, "Acme said 25 cents a share.", &t0, &v0);
    ND_CHECK(t0 == 0);  /* under ND_TEMPLATE_MIN_WORDS words outside values */
    /* a mail message re-sent with another Message-ID and Date: one template,
     * the same values past the header block */
    const char *m1 = "From: jo@example.org\nSubject: Bike\nMessage-ID: <1993.100@x.org>\n"
                     "Date: 20 Apr 1993 10:00:00 GMT\n\nI am selling my old touring bike, a steel "
                     "frame with new tyres. Collection only, any evening this week.\n";
    const char *m2 = "From: jo@example.org\nSubject: Bike\nMessage-ID: <1993.200@x.org>\n"
                     "Date: 21 Apr 1993 11:30:00 GMT\n\nI am selling my old touring bike, a steel "
                     "frame with new tyres. Collection only, any evening this week.\n";
    uint64_t t1, v1, t2, v2;
    sketch(w, m1, &t1, &v1);
    sketch(w, m2, &t2, &v2);
    ND_CHECK(t1 && t1 == t2 && v1 == v2);
    /* blank lines before the first word end no line of words: a title line
     * stays a title line (its capitals no names) */
    const char *h1 = "Flood Warning for Riverside county\nRain fell all day and the river "
                     "rose over its banks near the old market, the council said.";
    const char *h2 = "\n\nFlood Warning for Riverside county\nRain fell all day and the river "
                     "rose over its banks near the old market, the council said.";
    sketch(w, h1, &t1, &v1);
    sketch(w, h2, &t2, &v2);
    ND_CHECK_MSG(t1 && t1 == t2 && v1 == v2, "a leading newline changed the template");
    /* off: no template pass at all */
    nd_params *p;
    nd_worker *w0;
    ND_CHECK(nd_params_create(&p, NULL) == ND_OK);
    ND_CHECK(nd_params_set(p, ND_P_TEMPLATES, ND_TEMPLATES_OFF) == ND_OK);
    ND_CHECK(nd_worker_create(&w0, p, NULL) == ND_OK);
    sketch(w0, a, &t0, &v0);
    ND_CHECK(t0 == 0 && v0 == 0);
    nd_worker_destroy(w0);
    nd_params_destroy(p);
    nd_worker_destroy(w);
}

static void test_diff(void)
{
    nd_worker *w;
    ND_CHECK(nd_worker_create(&w, NULL, NULL) == ND_OK);
    const char *a = "Acme Corp said on 2 March that its board declared a dividend of 25 cents.";
    const char *b = "Acme Corp said on 2 March that its board declared a dividend of 30 cents.";
    nd_template_diff d;
    ND_CHECK(nd_worker_template_diff(w, a, strlen(a), b, strlen(b), &d) == ND_OK);
    ND_CHECK(d.same_template && d.differ == 1);
    ND_CHECK(d.a_start == (uint32_t)(strstr(a, "25") - a) && d.a_end == d.a_start + 2);
    ND_CHECK(d.b_start == (uint32_t)(strstr(b, "30") - b) && d.b_end == d.b_start + 2);
    /* runs of other lengths align: the name and then the number */
    const char *c = "Bolt Motor Holdings said on 2 March that its board declared a dividend of "
                    "31 cents.";
    ND_CHECK(nd_worker_template_diff(w, a, strlen(a), c, strlen(c), &d) == ND_OK);
    ND_CHECK(d.same_template && d.differ == 2 && d.a_start == 0 && d.a_end == 9 &&
             d.b_start == 0 && d.b_end == 19);
    /* another word: not the same template */
    const char *e = "Acme Corp said on 2 March that its board approved a dividend of 25 cents.";
    ND_CHECK(nd_worker_template_diff(w, a, strlen(a), e, strlen(e), &d) == ND_OK);
    ND_CHECK(!d.same_template && d.differ == 0);
    /* the same text: the same template, nothing differs */
    ND_CHECK(nd_worker_template_diff(w, a, strlen(a), a, strlen(a), &d) == ND_OK);
    ND_CHECK(d.same_template && d.differ == 0);
    nd_worker_destroy(w);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, 20261206);
    printf("test_mask: seed %llu (--seed N to change)\n", g_seed);
    ND_RUN(test_values);
    ND_RUN(test_digit_kernel);
    ND_RUN(test_hashes);
    ND_RUN(test_diff);
    return nd_test_end("test_mask");
}
