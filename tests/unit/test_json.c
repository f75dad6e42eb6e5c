/*
 * test_json.c - unit tests of the strict JSON Lines scanner (src/cli/read/json.c).
 *
 *   test_json [NAME] [--seed N] [--iters N]   the tests (NAME: just that one)
 *   test_json --bench [FILE]                  throughput of js_scan, jansson and
 *                                             the reader (no FILE: synthetic records)
 *
 * The tests: a table of accepted and rejected lines with the values the
 * scanner must extract or the error it must give; the vectorised byte search
 * against its scalar reference; nesting at the depth limit; buffer reuse; and
 * a differential test against jansson (the reader's previous parser) on
 * seeded random records and random mutations of them, which must agree on
 * accept/reject and on every extracted value except for the documented,
 * intentional differences (see json.h): numbers past the double range, a
 * \u0000 in a member name, nesting between JS_MAX_DEPTH and jansson's 2048,
 * and a raw NUL byte right after a number or literal (a jansson bug: it
 * skips the byte; we reject the line).
 */
#include <math.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "read/json.h"
#include "nd_test.h"
#include "read/reader.h"

static unsigned long long g_seed = 20240601;
static unsigned long g_iters = 40000;

/* ---- the table ---- */

/* Expected value of one field: type, and for strings/numbers the bytes. */
typedef struct want {
    js_type type;
    const char *s; /* NULL: do not compare the bytes */
    size_t n;      /* 0: strlen(s) */
} want;

typedef struct tcase {
    const char *line;
    size_t len;          /* 0: strlen(line) */
    int ok;              /* 1: accepted */
    js_type top;         /* when ok */
    want text, id, key;  /* when ok and top is an object */
    const char *err;     /* when rejected: a substring of the message */
    size_t pos;          /* when rejected: the error offset, (size_t)-1 = any */
} tcase;

#define ANY ((size_t)-1)
#define S(x) { JS_STRING, x, 0 }
#define N(x) { JS_NUMBER, x, 0 }
#define T(t) { t, NULL, 0 }
#define NONE { JS_ABSENT, NULL, 0 }
#define OK(l, ...) { l, 0, 1, JS_OBJECT, __VA_ARGS__, NULL, 0 }
#define BAD(l, e, p) { l, 0, 0, JS_ABSENT, NONE, NONE, NONE, e, p }

static const tcase g_cases[] = {
    /* plain records, whitespace variants */
    OK("{\"id\":\"a\",\"text\":\"hello\"}", S("hello"), S("a"), NONE),
    OK(" \t{ \"text\" : \"x\" , \"id\" : 7 }\r", S("x"), N("7"), NONE),
    OK("{\n\"text\"\n:\n\"x\"\n}", S("x"), NONE, NONE),
    OK("{}", NONE, NONE, NONE),
    OK("{ }", NONE, NONE, NONE),
    OK("{\"\":1,\"text\":\"\"}", S(""), NONE, NONE),          /* empty key, empty text */
    /* escapes */
    OK("{\"text\":\"a\\nb\\t\\\"q\\\"\\\\\\/\\b\\f\\r\"}", S("a\nb\t\"q\"\\/\b\f\r"), NONE, NONE),
    OK("{\"text\":\"\\u00e9\\u20AC\\ud83d\\ude00\"}", S("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
       NONE, NONE),
    OK("{\"text\":\"a\\u0000b\"}", { JS_STRING, "a\0b", 3 }, NONE, NONE),
    OK("{\"text\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}",
       S("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), NONE, NONE),
    /* UTF-8 at the edges of each form: U+0080, U+07FF, U+0800, U+D7FF, U+E000,
     * U+FFFF, U+10000, U+10FFFF */
    OK("{\"text\":\"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF"
       "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF\"}",
       S("\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBF\xF0\x90\x80\x80"
         "\xF4\x8F\xBF\xBF"), NONE, NONE),
    OK("{\"te\\u0078t\":\"esc key\",\"\\u0069d\":\"i\"}", S("esc key"), S("i"), NONE),
    OK("{\"k\\u0000\":1,\"text\":\"t\"}", S("t"), NONE, NONE), /* NEW: NUL in a key */
    /* duplicates: the last member wins, nested names do not count */
    OK("{\"text\":\"one\",\"text\":\"two\"}", S("two"), NONE, NONE),
    OK("{\"text\":\"o\\u006ee\",\"text\":\"two\"}", S("two"), NONE, NONE),
    OK("{\"text\":\"one\",\"text\":\"t\\u0077o\"}", S("two"), NONE, NONE),
    OK("{\"text\":\"one\",\"text\":null}", T(JS_NULL), NONE, NONE),
    OK("{\"x\":{\"id\":1,\"text\":\"in\"},\"id\":3,\"text\":\"out\",\"id\":4}",
       S("out"), N("4"), NONE),
    /* numbers as ids and keys, kept as written */
    OK("{\"text\":\"t\",\"id\":-0.5e+10,\"k\":12345678901234567890123}", S("t"),
       N("-0.5e+10"), N("12345678901234567890123")),
    OK("{\"text\":\"t\",\"id\":0,\"k\":1E400}", S("t"), N("0"), N("1E400")), /* NEW: 1e400 */
    OK("{\"text\":\"t\",\"k\":-1e-400}", S("t"), NONE, N("-1e-400")),
    /* other value types */
    OK("{\"text\":[1,{\"a\":[]}],\"id\":true,\"k\":{\"z\":null}}", T(JS_ARRAY), T(JS_TRUE),
       T(JS_OBJECT)),
    OK("{\"text\":false,\"id\":null}", T(JS_FALSE), T(JS_NULL), NONE),
    { "[1,2]", 0, 1, JS_ARRAY, NONE, NONE, NONE, NULL, 0 },
    { " \"s\" ", 0, 1, JS_STRING, NONE, NONE, NONE, NULL, 0 },
    { "-1.5", 0, 1, JS_NUMBER, NONE, NONE, NONE, NULL, 0 },
    { "null", 0, 1, JS_NULL, NONE, NONE, NONE, NULL, 0 },

    /* rejected: structure */
    BAD("", "no value", 0),
    BAD("   ", "no value", 3),
    BAD("{\"text\":\"a\",}", "trailing comma", 12),
    BAD("{\"a\":[1,2,]}", "trailing comma", 10),
    BAD("{\"a\":1 \"b\":2}", "',' or '}' expected", 7),
    BAD("{\"a\" 1}", "':' expected", 5),
    BAD("{a:1}", "member name", 1),
    BAD("{'a':1}", "member name", 1),
    BAD("{\"a\":1", "end of line", 6),
    BAD("{\"a\":[1", "end of line", 7),
    BAD("{\"a\":}", "unexpected '}'", 5),
    BAD("{\"a\":1}}", "after the value", 7),
    BAD("{\"a\":1} x", "after the value", 8),
    BAD("{} {}", "after the value", 3),
    BAD("{,}", "member name", 1),
    BAD("[1,,2]", "unexpected ','", 3),
    BAD("[1 2]", "',' or ']' expected", 3),
    BAD("{\"a\":[1}", "',' or ']' expected", 7),
    /* numbers */
    BAD("{\"a\":01}", "leading zero", 5),
    BAD("{\"a\":-01}", "leading zero", 6),
    BAD("{\"a\":00}", "leading zero", 5),
    BAD("{\"a\":1.}", "after '.'", 7),
    BAD("{\"a\":.5}", "unexpected '.'", 5),
    BAD("{\"a\":-}", "digit expected", 6),
    BAD("{\"a\":1e}", "exponent", 7),
    BAD("{\"a\":1e+}", "exponent", 8),
    BAD("{\"a\":+1}", "unexpected '+'", 5),
    BAD("{\"a\":0x1}", "',' or '}' expected", 6),
    BAD("{\"a\":NaN}", "unexpected 'N'", 5),
    BAD("{\"a\":Infinity}", "unexpected 'I'", 5),
    /* literals */
    BAD("{\"a\":tru}", "invalid literal", 5),
    BAD("{\"a\":True}", "unexpected 'T'", 5),
    BAD("{\"a\":nul", "invalid literal", 5),
    BAD("{\"a\":nullx}", "',' or '}' expected", 9),
    /* strings: escapes, surrogates, control bytes, UTF-8 */
    BAD("{\"text\":\"a\\x\"}", "invalid escape '\\x'", 10),
    BAD("{\"text\":\"a\\'\"}", "invalid escape", 10),
    BAD("{\"text\":\"a\\u12\"}", "4 hex digits", 10),
    BAD("{\"text\":\"a\\u12G4\"}", "4 hex digits", 10),
    BAD("{\"text\":\"\\ud800\"}", "lone surrogate \\uD800", 9),
    BAD("{\"text\":\"\\ud800x\"}", "lone surrogate", 9),
    BAD("{\"text\":\"\\ud800\\u0041\"}", "lone surrogate", 9),
    BAD("{\"text\":\"\\udc00\"}", "lone surrogate \\uDC00", 9),
    BAD("{\"text\":\"\\ud800\\ud800\"}", "lone surrogate", 9),
    BAD("{\"text\":\"a\tb\"}", "control character 0x09", 10),
    BAD("{\"text\":\"a\x01\"}", "control character 0x01", 10),
    BAD("{\"text\":\"\xFF\"}", "invalid UTF-8", 9),
    BAD("{\"text\":\"\xC0\xAF\"}", "invalid UTF-8", 9),          /* overlong */
    BAD("{\"text\":\"\xE0\x80\xAF\"}", "invalid UTF-8", 9),      /* overlong */
    BAD("{\"text\":\"\xED\xA0\x80\"}", "invalid UTF-8", 9),      /* encoded surrogate */
    BAD("{\"text\":\"\xF4\x90\x80\x80\"}", "invalid UTF-8", 9),  /* past U+10FFFF */
    BAD("{\"text\":\"\xC3\"}", "invalid UTF-8", 9),              /* truncated */
    BAD("{\"text\":\"\xC3\xA9\xE4\xB8\"}", "invalid UTF-8", 11),  /* truncated */
    BAD("{\"text\":\"\xC3\xA9\xC3(\"}", "invalid UTF-8", 11),      /* no continuation */
    BAD("{\"text\":\"\xE1\x80(\"}", "invalid UTF-8", 9),
    BAD("{\"text\":\"\x80\"}", "invalid UTF-8", 9),                 /* lone continuation */
    BAD("{\"text\":\"abc", "unterminated string", 8),
    BAD("{\"text\":\"abc\\", "unterminated string", 12),
    BAD("{\"te\xFFxt\":1}", "invalid UTF-8", 4),
    BAD("{\"a\":1}\xEF\xBB\xBF", "after the value", 7),          /* a BOM is not JSON */
    BAD("\"a\\u00\"", "4 hex digits", 2),
};

static int value_is(const js_value *v, const want *w)
{
    if (v->type != w->type)
        return 0;
    if (!w->s)
        return 1;
    const size_t n = w->n ? w->n : strlen(w->s);
    return v->n == n && memcmp(v->s, w->s, n) == 0;
}

static void test_table(void)
{
    const char *names[] = { "text", "id", "k" };
    js_scanner *s = js_new(names, 3);
    ND_CHECK(s != NULL);
    if (!s)
        return;
    for (size_t i = 0; i < sizeof g_cases / sizeof g_cases[0]; i++) {
        const tcase *c = &g_cases[i];
        const size_t len = c->len ? c->len : strlen(c->line);
        /* an exact-size copy, so sanitizers see reads past the end */
        char *line = malloc(len ? len : 1);
        memcpy(line, c->line, len);
        const int rc = js_scan(s, line, len);
        if (c->ok) {
            ND_CHECK_MSG(rc == JS_OK, "case %zu %s: %s at %zu", i, c->line, js_errmsg(s),
                         js_errpos(s));
            ND_CHECK_MSG(rc != JS_OK || js_top(s) == c->top, "case %zu: top %d", i, js_top(s));
            if (rc == JS_OK) {
                ND_CHECK_MSG(value_is(js_field(s, 0), &c->text), "case %zu: text", i);
                ND_CHECK_MSG(value_is(js_field(s, 1), &c->id), "case %zu: id", i);
                ND_CHECK_MSG(value_is(js_field(s, 2), &c->key), "case %zu: key", i);
            }
        } else {
            ND_CHECK_MSG(rc == JS_ERR_SYNTAX, "case %zu %s: accepted", i, c->line);
            if (rc == JS_ERR_SYNTAX) {
                ND_CHECK_MSG(strstr(js_errmsg(s), c->err) != NULL, "case %zu: message '%s'",
                             i, js_errmsg(s));
                ND_CHECK_MSG(c->pos == ANY || js_errpos(s) == c->pos, "case %zu (%s): at %zu",
                             i, js_errmsg(s), js_errpos(s));
                for (size_t f = 0; f < 3; f++)
                    ND_CHECK(js_field(s, f)->type == JS_ABSENT);
            }
        }
        free(line);
    }
    js_free(s);
}

/* A string without escapes is returned in place; with one, from the buffer. */
static void test_zero_copy(void)
{
    const char *names[] = { "text" };
    js_scanner *s = js_new(names, 1);
    const char *a = "{\"text\":\"plain text\"}";
    ND_CHECK(js_scan(s, a, strlen(a)) == JS_OK);
    ND_CHECK(js_field(s, 0)->s == a + 9 && js_field(s, 0)->n == 10);
    const char *b = "{\"text\":\"esc\\naped\"}";
    ND_CHECK(js_scan(s, b, strlen(b)) == JS_OK);
    const js_value *v = js_field(s, 0);
    ND_CHECK(v->s < b || v->s >= b + strlen(b));
    ND_CHECK(v->n == 8 && memcmp(v->s, "esc\naped", 8) == 0 && v->s[8] == '\0');
    /* the buffer is reused and grows: a long escaped string after a short one */
    const size_t big = 300000;
    char *line = malloc(big + 32);
    size_t n = (size_t)sprintf(line, "{\"text\":\"");
    for (size_t i = 0; i < big / 2; i++) {
        line[n++] = '\\';
        line[n++] = i % 2 ? 'n' : 't';
    }
    line[n++] = '"';
    line[n++] = '}';
    ND_CHECK(js_scan(s, line, n) == JS_OK);
    v = js_field(s, 0);
    ND_CHECK(v->n == big / 2 && v->s[0] == '\t' && v->s[1] == '\n' && v->s[big / 2] == '\0');
    free(line);
    js_free(s);
}

/* Slots with the same name get the same value; no names at all is fine. */
static void test_slots(void)
{
    const char *names[] = { "a", "b", "a", "c" };
    js_scanner *s = js_new(names, 4);
    const char *l = "{\"a\":\"x\\ty\",\"c\":5}";
    ND_CHECK(js_scan(s, l, strlen(l)) == JS_OK);
    ND_CHECK(js_field(s, 0)->type == JS_STRING && js_field(s, 0) == js_field(s, 2));
    ND_CHECK(js_field(s, 1)->type == JS_ABSENT);
    ND_CHECK(js_field(s, 3)->type == JS_NUMBER && js_field(s, 3)->n == 1);
    js_free(s);
    const char *many[JS_MAX_FIELDS + 1] = { "a" };
    for (size_t i = 1; i <= JS_MAX_FIELDS; i++)
        many[i] = "b";
    ND_CHECK(js_new(many, JS_MAX_FIELDS + 1) == NULL);
    s = js_new(many, JS_MAX_FIELDS);
    ND_CHECK(s && js_scan(s, l, strlen(l)) == JS_OK);
    ND_CHECK(s && js_field(s, JS_MAX_FIELDS - 1)->type == JS_ABSENT);
    js_free(s);
    s = js_new(NULL, 0);
    ND_CHECK(s && js_scan(s, l, strlen(l)) == JS_OK && js_top(s) == JS_OBJECT);
    js_free(s);
    js_free(NULL);
    ND_CHECK(strcmp(js_type_name(JS_NULL), "null") == 0);
    ND_CHECK(strcmp(js_type_name(JS_ARRAY), "an array") == 0);
}

/* js_root() decodes a top-level string; counts of repeated names;
 * js_array_next() walks the elements of a validated array. */
static void test_root_and_arrays(void)
{
    const char *names[] = { "members", "id" };
    js_scanner *s = js_new(names, 2);
    js_scanner *e = js_new(names + 1, 1);
    const char *str = " \"a\\u00e9\\\"b\" ";
    ND_CHECK(js_scan(s, str, strlen(str)) == JS_OK);
    ND_CHECK(js_root(s)->type == JS_STRING && js_root(s)->n == 5 &&
             memcmp(js_root(s)->s, "a\xC3\xA9\"b", 5) == 0);
    const char *num = "-1.5e3";
    ND_CHECK(js_scan(s, num, strlen(num)) == JS_OK && js_root(s)->type == JS_NUMBER &&
             js_root(s)->s == num && js_root(s)->n == 6);
    const char *l = "{\"id\":1,\"members\": [ \"a\\nb\" , 12,{\"id\":\"x]\",\"id\":2},"
                    "[1,[2,\"]\"]] ,\"q\\\"]\",true,-0.5,\"\xC3\xA9\",{},[] ] ,\"id\":3}";
    ND_CHECK(js_scan(s, l, strlen(l)) == JS_OK);
    ND_CHECK(js_field(s, 0)->count == 1 && js_field(s, 1)->count == 2);
    ND_CHECK(js_field(s, 1)->n == 1 && js_field(s, 1)->s[0] == '3');
    static const char *const elems[] = { "\"a\\nb\"", "12", "{\"id\":\"x]\",\"id\":2}",
                                         "[1,[2,\"]\"]]", "\"q\\\"]\"", "true", "-0.5",
                                         "\"\xC3\xA9\"", "{}", "[]" };
    size_t pos = 0, k = 0, en;
    const char *es;
    while (js_array_next(js_field(s, 0), &pos, &es, &en)) {
        ND_CHECK_MSG(k < 10 && en == strlen(elems[k]) && memcmp(es, elems[k], en) == 0,
                     "element %zu: %.*s", k, (int)en, es);
        ND_CHECK(js_scan(e, es, en) == JS_OK);
        k++;
    }
    ND_CHECK(k == 10);
    ND_CHECK(js_array_next(js_field(s, 0), &pos, &es, &en) == 0);
    /* the object element: the last "id" wins, and both are counted */
    const char *o = "{\"id\":\"x]\",\"id\":2}";
    ND_CHECK(js_scan(e, o, strlen(o)) == JS_OK && js_field(e, 0)->count == 2 &&
             js_field(e, 0)->type == JS_NUMBER);
    const char *empty = "[ ]";
    ND_CHECK(js_scan(s, empty, 3) == JS_OK);
    pos = 0;
    ND_CHECK(js_array_next(js_root(s), &pos, &es, &en) == 0);
    ND_CHECK(js_array_next(js_field(s, 0), &pos, &es, &en) == 0); /* not an array */
    js_free(e);
    js_free(s);
}

/* Exactly JS_MAX_DEPTH nested arrays and objects pass, one more does not;
 * the top-level object counts as one level. */
static void test_depth(void)
{
    const char *names[] = { "text" };
    js_scanner *s = js_new(names, 1);
    const size_t max = JS_MAX_DEPTH;
    char *l = malloc(4 * max + 64);
    for (int extra = 0; extra <= 1; extra++) {
        /* arrays at the top */
        const size_t d = max + (size_t)extra;
        size_t n = 0;
        for (size_t i = 0; i < d; i++)
            l[n++] = '[';
        for (size_t i = 0; i < d; i++)
            l[n++] = ']';
        int rc = js_scan(s, l, n);
        ND_CHECK_MSG(extra ? rc == JS_ERR_SYNTAX : rc == JS_OK, "arrays, depth %zu", d);
        if (extra) {
            ND_CHECK(strstr(js_errmsg(s), "nesting deeper than 1000") != NULL);
            ND_CHECK(js_errpos(s) == max);
        }
        /* a record whose member nests objects and arrays */
        n = (size_t)sprintf(l, "{\"text\":\"t\",\"x\":");
        for (size_t i = 1; i < d; i++)
            n += (size_t)sprintf(l + n, i % 2 ? "{\"a\":" : "[");
        l[n++] = '1';
        for (size_t i = d - 1; i >= 1; i--)
            l[n++] = i % 2 ? '}' : ']';
        l[n++] = '}';
        rc = js_scan(s, l, n);
        ND_CHECK_MSG(extra ? rc == JS_ERR_SYNTAX : rc == JS_OK, "record, depth %zu: %s", d,
                     js_errmsg(s));
        if (!extra)
            ND_CHECK(js_field(s, 0)->type == JS_STRING);
    }
    free(l);
    js_free(s);
}

/* ---- random numbers (xorshift64*) ---- */

static uint64_t g_rng;

static uint64_t rnd(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 0x2545F4914F6CDD1DULL;
}

static size_t rndn(size_t n)
{
    return (size_t)(rnd() % n);
}

/* js_find_special against its scalar reference on random buffers, at every
 * start offset, with each special byte planted at random places. */
static void test_find_special(void)
{
    g_rng = g_seed * 2 + 1;
    char buf[200];
    int bad = 0;
    for (int it = 0; it < 3000 && !bad; it++) {
        const size_t len = rndn(sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(' ' + rndn(95));
        const size_t plant = rndn(4);
        static const char special[] = { '"', '\\', '\x1f', '\x00', '\x80', '\xff', '\x7f' };
        for (size_t k = 0; k < plant && len; k++)
            buf[rndn(len)] = special[rndn(sizeof special)];
        for (size_t b = 0; b <= len; b++) {
            const char *x = js_find_special(buf + b, buf + len);
            const char *y = js_find_special_ref(buf + b, buf + len);
            if (x != y) {
                ND_CHECK_MSG(x == y, "iteration %d, offset %zu of %zu", it, b, len);
                bad = 1;
                break;
            }
        }
    }
}

/* ---- the differential test against jansson ---- */

typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void gen_ws(sbuf *b)
{
    static const char *const ws[] = { "", "", "", " ", "\t", "\r", "\n", "  " };
    sb_str(b, ws[rndn(8)]);
}

static void gen_string(sbuf *b)
{
    sb_str(b, "\"");
    const size_t parts = rndn(8);
    for (size_t i = 0; i < parts; i++) {
        char tmp[32];
        switch (rndn(10)) {
        case 0: case 1: case 2: { /* plain ASCII, sometimes long */
            const size_t k = rndn(6) == 0 ? rndn(200) : rndn(8);
            for (size_t j = 0; j < k; j++) {
                const char c = (char)('a' + rndn(26));
                sb_add(b, &c, 1);
            }
            break;
        }
        case 3: {
            static const char *const e[] = { "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b",
                                             "\\f", "\\r", "\\u0000", " " };
            sb_str(b, e[rndn(10)]);
            break;
        }
        case 4: { /* a \u escape of a BMP code point that is not a surrogate */
            unsigned cp;
            do
                cp = (unsigned)rndn(0x10000);
            while (cp >= 0xD800 && cp <= 0xDFFF);
            snprintf(tmp, sizeof tmp, rndn(2) ? "\\u%04x" : "\\u%04X", cp);
            sb_str(b, tmp);
            break;
        }
        case 5: { /* a surrogate pair */
            const unsigned hi = 0xD800 + (unsigned)rndn(0x400), lo = 0xDC00 + (unsigned)rndn(0x400);
            snprintf(tmp, sizeof tmp, "\\u%04x\\u%04X", hi, lo);
            sb_str(b, tmp);
            break;
        }
        case 6: {
            static const char *const u[] = { "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                             "\xC5\x91", "\xE4\xB8\xAD", "\xF4\x8F\xBF\xBF" };
            sb_str(b, u[rndn(6)]);
            break;
        }
        case 7: { /* a field name, to confuse the member matching */
            static const char *const n[] = { "text", "id", "k", "\\\"text\\\":" };
            sb_str(b, n[rndn(4)]);
            break;
        }
        default:
            sb_str(b, " ");
        }
    }
    sb_str(b, "\"");
}

static void gen_number(sbuf *b)
{
    static const char *const n[] = {
        "0", "-0", "1", "-7", "42", "3.25", "-0.5", "1e3", "1E+2", "2.5e-3", "1e400",
        "-1e400", "123456789012345678901234567890", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "1e-400", "0.000001", "6.02e23"
    };
    sb_str(b, n[rndn(sizeof n / sizeof n[0])]);
}

static void gen_value(sbuf *b, int depth);

static void gen_key(sbuf *b)
{
    static const char *const k[] = { "\"text\"", "\"id\"", "\"k\"", "\"x\"", "\"\"",
                                     "\"te\\u0078t\"", "\"\\u0069d\"", "\"\\u006b\"",
                                     "\"texts\"", "\"i\"", "\"k\\u0000\"", "\"\\u00e9t\xC3\xA9\"" };
    const size_t i = rndn(sizeof k / sizeof k[0]);
    if (i == 10 && rndn(8)) /* a NUL in a key: an intentional difference, keep it rare */
        sb_str(b, "\"x\"");
    else
        sb_str(b, k[i]);
}

static void gen_object(sbuf *b, int depth)
{
    sb_str(b, "{");
    gen_ws(b);
    const size_t n = depth == 0 ? 1 + rndn(5) : rndn(4);
    for (size_t i = 0; i < n; i++) {
        if (i) {
            sb_str(b, ",");
            gen_ws(b);
        }
        gen_key(b);
        gen_ws(b);
        sb_str(b, ":");
        gen_ws(b);
        if (depth == 0 && rndn(3) == 0)
            gen_string(b);
        else
            gen_value(b, depth + 1);
        gen_ws(b);
    }
    sb_str(b, "}");
}

static void gen_value(sbuf *b, int depth)
{
    switch (rndn(depth > 3 ? 5 : 7)) {
    case 0: case 1: gen_string(b); break;
    case 2: gen_number(b); break;
    case 3: sb_str(b, "true"); break;
    case 4: sb_str(b, rndn(2) ? "false" : "null"); break;
    case 5: gen_object(b, depth); break;
    default: {
        sb_str(b, "[");
        const size_t n = rndn(4);
        for (size_t i = 0; i < n; i++) {
            if (i)
                sb_str(b, ",");
            gen_ws(b);
            gen_value(b, depth + 1);
            gen_ws(b);
        }
        sb_str(b, "]");
    }
    }
}

/* One random edit: delete, insert, replace, duplicate or truncate. */
static void mutate(sbuf *b)
{
    static const char alpha[] = "{}[]\",:\\0123456789eE-+.tfnrulasx \t\r\n\x00\x01\x1f\x7f"
                                "\x80\xbf\xc0\xc3\xe0\xed\xf0\xf4\xf5\xff";
    const size_t n = b->n;
    const size_t at = rndn(n + 1);
    char c = alpha[rndn(sizeof alpha - 1)];
    switch (rndn(6)) {
    case 0: /* delete */
        if (at < n) {
            memmove(b->s + at, b->s + at + 1, n - at - 1);
            b->n--;
        }
        break;
    case 1: /* insert */
        sb_add(b, "", 1); /* grow by one */
        memmove(b->s + at + 1, b->s + at, n - at);
        b->s[at] = c;
        break;
    case 2: case 3: /* replace */
        if (at < n)
            b->s[at] = c;
        break;
    case 4: { /* duplicate a short span */
        const size_t k = at < n ? 1 + rndn(n - at < 12 ? n - at : 12) : 0;
        if (k) {
            char tmp[12];
            memcpy(tmp, b->s + at, k);
            sb_add(b, tmp, k);
            memmove(b->s + at + k, b->s + at, n - at);
            memcpy(b->s + at, tmp, k);
        }
        break;
    }
    default: /* truncate */
        b->n = at;
        break;
    }
}

/* What jansson makes of a line, the way the reader used it: JSON_ALLOW_NUL,
 * retried with JSON_DECODE_INT_AS_REAL after an integer overflow. */
typedef struct oracle {
    json_t *root;           /* NULL: rejected */
    enum json_error_code code;
    char text[JSON_ERROR_TEXT_LENGTH];
} oracle;

static void oracle_run(oracle *o, const char *line, size_t len)
{
    json_error_t err;
    o->root = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
    if (!o->root && json_error_code(&err) == json_error_numeric_overflow)
        o->root = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY |
                             JSON_DECODE_INT_AS_REAL, &err);
    o->code = o->root ? json_error_unknown : json_error_code(&err);
    snprintf(o->text, sizeof o->text, "%s", o->root ? "" : err.text);
}

static js_type jtype(const json_t *v)
{
    if (!v)
        return JS_ABSENT;
    switch (json_typeof(v)) {
    case JSON_OBJECT: return JS_OBJECT;
    case JSON_ARRAY: return JS_ARRAY;
    case JSON_STRING: return JS_STRING;
    case JSON_INTEGER: case JSON_REAL: return JS_NUMBER;
    case JSON_TRUE: return JS_TRUE;
    case JSON_FALSE: return JS_FALSE;
    default: return JS_NULL;
    }
}

/* Counts of what the differential test saw, printed at the end. */
typedef struct dstats {
    unsigned long lines, accepted, rejected, intentional, mismatches;
    unsigned long kind[4]; /* intentional: overflow, NUL in key, depth, NUL after token */
} dstats;

static void show_line(const char *line, size_t len)
{
    fputs("  line: ", stderr);
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)line[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

/* Does the nesting of the (valid) line go past JS_MAX_DEPTH? */
static int too_deep(const char *line, size_t len)
{
    size_t d = 0, max = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        const char c = line[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++d > max)
                max = d;
        } else if (c == '}' || c == ']') {
            d--;
        }
    }
    return max > JS_MAX_DEPTH;
}

/* Is line[pos] a NUL byte right after a number or true/false/null? jansson
 * 2.14 skips such a byte silently ({"a":1<NUL>} is accepted); it is not JSON. */
static int nul_after_token(const char *line, size_t pos)
{
    if (pos == 0 || line[pos] != '\0')
        return 0;
    const char c = line[pos - 1];
    return (c >= '0' && c <= '9') || c == 'e' || c == 'l';
}

/* Compares the scanner with jansson on one line; returns 0 when they agree
 * (or differ only in a documented way), else prints the line and returns 1. */
static int compare_one(js_scanner *s, const char *const *names, const char *line, size_t len,
                       dstats *st)
{
    oracle o;
    oracle_run(&o, line, len);
    const int rc = js_scan(s, line, len);
    int bad = 0;
    st->lines++;
    if (rc == JS_ERR_NOMEM) {
        fprintf(stderr, "out of memory\n");
        bad = 1;
    } else if ((rc == JS_OK) != (o.root != NULL)) {
        /* the documented differences */
        if (rc == JS_OK && o.code == json_error_numeric_overflow)
            st->kind[0]++;              /* 1e400: we accept, jansson overflows */
        else if (rc == JS_OK && o.code == json_error_null_byte_in_key)
            st->kind[1]++;              /* "k\u0000": we accept */
        else if (rc != JS_OK && o.root && too_deep(line, len))
            st->kind[2]++;              /* deeper than JS_MAX_DEPTH */
        else if (rc != JS_OK && o.root && nul_after_token(line, js_errpos(s)))
            st->kind[3]++;              /* jansson drops a NUL byte after a token */
        else {
            fprintf(stderr, "disagree: scanner %s (%s at %zu), jansson %s (%s)\n",
                    rc == JS_OK ? "accepts" : "rejects", js_errmsg(s), js_errpos(s),
                    o.root ? "accepts" : "rejects", o.text);
            bad = 1;
        }
    } else if (rc == JS_OK) {
        st->accepted++;
        if (js_top(s) != jtype(o.root)) {
            fprintf(stderr, "top type %d vs %d\n", js_top(s), jtype(o.root));
            bad = 1;
        }
        for (size_t f = 0; f < 3 && !bad && json_is_object(o.root); f++) {
            const js_value *v = js_field(s, f);
            const json_t *j = json_object_get(o.root, names[f]);
            if (v->type != jtype(j)) {
                fprintf(stderr, "field %s: type %d vs %d\n", names[f], v->type, jtype(j));
                bad = 1;
            } else if (v->type == JS_STRING) {
                if (v->n != json_string_length(j) || memcmp(v->s, json_string_value(j), v->n)) {
                    fprintf(stderr, "field %s: string differs\n", names[f]);
                    bad = 1;
                }
            } else if (v->type == JS_NUMBER) {
                char tmp[512];
                snprintf(tmp, sizeof tmp, "%.*s", (int)(v->n < 500 ? v->n : 500), v->s);
                const double mine = strtod(tmp, NULL), theirs = json_number_value(j);
                if (mine != theirs) {
                    fprintf(stderr, "field %s: number %s = %.17g vs %.17g\n", names[f], tmp,
                            mine, theirs);
                    bad = 1;
                }
            }
        }
    } else {
        st->rejected++;
    }
    if (bad) {
        show_line(line, len);
        st->mismatches++;
    }
    json_decref(o.root);
    return bad;
}

static void test_differential(void)
{
    const char *names[] = { "text", "id", "k" };
    js_scanner *s = js_new(names, 3);
    g_rng = g_seed * 2 + 1; /* odd: never the stuck state 0 */
    printf("test_json: differential against jansson %s, seed %llu, %lu records "
           "(rerun: test_json test_differential --seed N)\n", JANSSON_VERSION, g_seed, g_iters);
    dstats st = { 0 };
    sbuf b = { 0 };
    sbuf m = { 0 };
    for (unsigned long it = 0; it < g_iters && st.mismatches < 5; it++) {
        b.n = 0;
        gen_ws(&b);
        if (rndn(20) == 0)
            gen_value(&b, 0);
        else
            gen_object(&b, 0);
        gen_ws(&b);
        compare_one(s, names, b.s, b.n, &st);
        for (int k = 0; k < 4; k++) {
            m.n = 0;
            sb_add(&m, b.s, b.n);
            const size_t edits = 1 + rndn(3);
            for (size_t e = 0; e < edits; e++)
                mutate(&m);
            /* an exact-size copy so sanitizers see reads past the end */
            char *line = malloc(m.n ? m.n : 1);
            memcpy(line, m.s, m.n);
            compare_one(s, names, line, m.n, &st);
            free(line);
        }
    }
    st.intentional = st.kind[0] + st.kind[1] + st.kind[2] + st.kind[3];
    printf("test_json: %lu lines: %lu accepted by both, %lu rejected by both, %lu intentional "
           "differences (%lu number overflow, %lu NUL in a key, %lu depth, %lu NUL after a "
           "token), %lu mismatches\n", st.lines, st.accepted, st.rejected, st.intentional,
           st.kind[0], st.kind[1], st.kind[2], st.kind[3], st.mismatches);
    ND_CHECK_MSG(st.mismatches == 0, "seed %llu", g_seed);
    /* the generator must exercise both outcomes and the documented differences */
    ND_CHECK(st.accepted > st.lines / 10 && st.rejected > st.lines / 10);
    ND_CHECK(g_iters < 1000 || st.intentional > 0);
    free(b.s);
    free(m.s);
    js_free(s);
}

/* The intentional differences, one by one (see json.h). */
static void test_differences(void)
{
    const char *names[] = { "text", "id", "k" };
    js_scanner *s = js_new(names, 3);
    const char *big = "{\"text\":\"t\",\"k\":1e400}";
    oracle o;
    oracle_run(&o, big, strlen(big));
    ND_CHECK(o.root == NULL && o.code == json_error_numeric_overflow);
    ND_CHECK(js_scan(s, big, strlen(big)) == JS_OK && js_field(s, 2)->n == 5);
    const char *nulkey = "{\"text\":\"t\",\"a\\u0000b\":1}";
    oracle_run(&o, nulkey, strlen(nulkey));
    ND_CHECK(o.root == NULL && o.code == json_error_null_byte_in_key);
    ND_CHECK(js_scan(s, nulkey, strlen(nulkey)) == JS_OK);
    const char nulafter[] = "{\"text\":\"t\",\"a\":1\0}";
    oracle_run(&o, nulafter, sizeof nulafter - 1);
    ND_CHECK(o.root != NULL);
    json_decref(o.root);
    ND_CHECK(js_scan(s, nulafter, sizeof nulafter - 1) == JS_ERR_SYNTAX);
    char deep[2 * JS_MAX_DEPTH + 2];
    memset(deep, '[', JS_MAX_DEPTH + 1);
    memset(deep + JS_MAX_DEPTH + 1, ']', JS_MAX_DEPTH + 1);
    oracle_run(&o, deep, sizeof deep);
    ND_CHECK(o.root != NULL && too_deep(deep, sizeof deep));
    json_decref(o.root);
    ND_CHECK(js_scan(s, deep, sizeof deep) == JS_ERR_SYNTAX);
    js_free(s);
}

/* ---- --bench ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Lines of the file, or synthetic records with long texts (~64 KB each, an
 * escaped newline every ~70 bytes or none). */
static char *load(const char *path, size_t *len, int escapes)
{
    if (path) {
        FILE *fp = fopen(path, "rb");
        if (!fp)
            return NULL;
        fseek(fp, 0, SEEK_END);
        const long n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        char *d = malloc((size_t)n + 1);
        *len = fread(d, 1, (size_t)n, fp);
        fclose(fp);
        return d;
    }
    sbuf b = { 0 };
    g_rng = 7;
    for (int r = 0; r < 3000; r++) {
        char head[64];
        snprintf(head, sizeof head, "{\"id\":\"doc-%d\",\"text\":\"", r);
        sb_str(&b, head);
        for (size_t k = 0; k < 64 * 1024; k += 70) {
            char w[80];
            size_t n = 0;
            while (n < 68)
                w[n++] = rndn(6) ? (char)('a' + rndn(26)) : ' ';
            if (escapes) {
                w[n++] = '\\';
                w[n++] = 'n';
            } else {
                w[n++] = '.';
                w[n++] = ' ';
            }
            sb_add(&b, w, n);
        }
        sb_str(&b, "\",\"source\":\"synthetic\"}\n");
    }
    *len = b.n;
    return b.s;
}

static void bench_one(const char *label, const char *path, int escapes)
{
    size_t len = 0;
    char *d = load(path, &len, escapes);
    if (!d) {
        fprintf(stderr, "%s: cannot read\n", path);
        return;
    }
    const char *names[] = { "text", "id" };
    js_scanner *s = js_new(names, 2);
    size_t lines = 0, text = 0;
    double t0 = now();
    for (const char *p = d, *e = d + len; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        if (js_scan(s, p, (size_t)(le - p)) == JS_OK)
            text += js_field(s, 0)->n;
        lines++;
        p = le + 1;
    }
    const double t_js = now() - t0;
    t0 = now();
    for (const char *p = d, *e = d + len; p < e;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *le = nl ? nl : e;
        json_t *root = json_loadb(p, (size_t)(le - p), JSON_ALLOW_NUL, NULL);
        const json_t *t = json_object_get(root, "text");
        text -= json_string_length(t);
        json_decref(root);
        p = le + 1;
    }
    const double t_jansson = now() - t0;
    const double mb = (double)len / 1e6;
    printf("%-28s %8.1f MB %7zu lines  js_scan %7.0f MB/s  jansson %5.0f MB/s  (%.1fx)%s\n",
           label, mb, lines, mb / t_js, mb / t_jansson, t_jansson / t_js,
           text ? "  TEXT MISMATCH" : "");
    js_free(s);
    free(d);
    if (!path)
        return;
    /* the whole reader: lines cut, scanned, records filled */
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.format = RD_JSONL;
    o.on_error_skip = 1;
    const char *in[] = { path };
    rd_reader *r = rd_open(in, 1, &o);
    rd_record rec;
    size_t recs = 0;
    t0 = now();
    while (rd_next(r, &rec) != RD_END)
        recs++;
    const double t_rd = now() - t0;
    rd_close(r);
    printf("%-28s %8.1f MB %7zu records  reader (rd_next) %5.0f MB/s\n", label, mb, recs,
           mb / t_rd);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--bench") == 0) {
            if (i + 1 < argc) {
                bench_one(argv[i + 1], argv[i + 1], 0);
            } else {
                bench_one("synthetic, no escapes", NULL, 0);
                bench_one("synthetic, \\n every 70 B", NULL, 1);
            }
            return 0;
        }
        if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc)
            g_iters = strtoul(argv[i + 1], NULL, 10);
    }
    nd_test_begin(argc, argv);
    g_seed = nd_test_seed(argc, argv, g_seed);
    ND_RUN(test_table);
    ND_RUN(test_zero_copy);
    ND_RUN(test_slots);
    ND_RUN(test_root_and_arrays);
    ND_RUN(test_depth);
    ND_RUN(test_find_special);
    ND_RUN(test_differences);
    ND_RUN(test_differential);
    return nd_test_end("test_json");
}
