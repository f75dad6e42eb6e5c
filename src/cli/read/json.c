/*
 * json.c - a strict, single-pass JSON scanner for JSON Lines records (see
 * json.h for the contract).
 *
 * DESIGN: a hand-written recursive-descent grammar made iterative. The
 * top-level object is walked member by member; each member name is compared
 * with the wanted field names, and a wanted member's value is recorded
 * (strings decoded, numbers as their text). Every other value is validated
 * by scan_value(), which keeps its open arrays and objects on a byte stack
 * of at most JS_MAX_DEPTH entries instead of recursing, so deep input cannot
 * overflow the C stack.
 *
 * Strings are most of the bytes (a record is mostly its text), so they get
 * the fast path: js_find_special() skips, 16 bytes per step with SSE2, to the
 * next byte that needs a look ('"', '\\', a control byte, a non-ASCII byte);
 * plain runs between such bytes are never touched one by one. A non-ASCII
 * byte is checked as one UTF-8 sequence (cli_utf8_len) and the skip resumes.
 * A wanted string without escapes is returned in place (zero-copy); at its
 * first escape the bytes so far are copied into the field's buffer and the
 * rest is decoded there, run by run with memcpy.
 *
 * Memory: one growable buffer per wanted field and one for escaped member
 * names, kept between lines; a decoded string is never longer than the line,
 * so a buffer never exceeds twice the longest line scanned.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#  include <emmintrin.h>
#endif

#include "cli.h"
#include "read/json.h"

#if defined(__GNUC__) || defined(__clang__)
#  define JS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define JS_PRINTF(f, a)
#endif

/* A growable byte buffer; cap > len whenever s is not NULL (room for a NUL). */
typedef struct js_buf {
    char *s;
    size_t len, cap;
} js_buf;

struct js_scanner {
    const char *name[JS_MAX_FIELDS]; /* distinct wanted names */
    size_t name_len[JS_MAX_FIELDS];
    size_t n_names;
    size_t slot[JS_MAX_FIELDS];      /* js_new() position -> distinct name */
    size_t n_slots;
    js_value val[JS_MAX_FIELDS];     /* per distinct name */
    js_buf buf[JS_MAX_FIELDS];       /* decoded strings, per distinct name */
    js_buf key;                      /* decoded member names with escapes */

    js_value root;                   /* the line's value (strings decoded) */
    js_buf rootbuf;                  /* decoded top-level string */
    const char *line, *end;          /* the line being scanned */
    int oom;
    size_t errpos;
    char err[96];
    char stack[JS_MAX_DEPTH];        /* closer ('}' or ']') of each open container */
};

/* ------------------------------------------------------------------ */
/* byte classes */

const char *js_find_special_ref(const char *p, const char *end)
{
    for (; p < end; p++) {
        const unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
            return p;
    }
    return end;
}

#if defined(__SSE2__)
/* Signed bytes: c < 0x20 holds both for control bytes and for bytes >= 0x80
 * (negative), so one comparison covers two of the four classes. */
const char *js_find_special(const char *p, const char *end)
{
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i lim = _mm_set1_epi8(0x20);
    while (end - p >= 32) {
        const __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        const __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
        const __m128i ma = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, quote),
                                                     _mm_cmpeq_epi8(a, bslash)),
                                        _mm_cmplt_epi8(a, lim));
        const __m128i mb = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, quote),
                                                     _mm_cmpeq_epi8(b, bslash)),
                                        _mm_cmplt_epi8(b, lim));
        const unsigned bits = (unsigned)_mm_movemask_epi8(ma) |
                              (unsigned)_mm_movemask_epi8(mb) << 16;
        if (bits)
            return p + __builtin_ctz(bits);
        p += 32;
    }
    if (end - p >= 16) {
        const __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        const __m128i ma = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, quote),
                                                     _mm_cmpeq_epi8(a, bslash)),
                                        _mm_cmplt_epi8(a, lim));
        const unsigned bits = (unsigned)_mm_movemask_epi8(ma);
        if (bits)
            return p + __builtin_ctz(bits);
        p += 16;
    }
    return js_find_special_ref(p, end);
}
#else
const char *js_find_special(const char *p, const char *end)
{
    return js_find_special_ref(p, end);
}
#endif

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* JSON whitespace: space, tab, line feed, carriage return. */
static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* ------------------------------------------------------------------ */
/* errors */

static const char *fail(js_scanner *s, const char *at, const char *fmt, ...) JS_PRINTF(3, 4);

/* Records the first error and its position; returns NULL for the caller to return. */
static const char *fail(js_scanner *s, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->errpos = (size_t)(at - s->line);
    return NULL;
}

/* "unexpected character 'x'" for printable ASCII, else the byte in hex. */
static const char *fail_byte(js_scanner *s, const char *at, const char *what)
{
    const unsigned char c = (unsigned char)*at;
    if (c > 0x20 && c < 0x7f)
        return fail(s, at, "%s '%c'", what, c);
    return fail(s, at, "%s (byte 0x%02x)", what, c);
}

static const char *fail_end(js_scanner *s, const char *what)
{
    return fail(s, s->end, "unexpected end of line %s", what);
}

/* After a member name: white space, ':', white space. Returns what follows,
 * or NULL (reported). */
static const char *after_colon(js_scanner *s, const char *p)
{
    const char *end = s->end;
    p = skip_ws(p, end);
    if (p == end)
        return fail_end(s, "in an object");
    if (*p != ':')
        return fail_byte(s, p, "':' expected after a member name, got");
    return skip_ws(p + 1, end);
}

/* ------------------------------------------------------------------ */
/* buffers */

/* Appends p[0..n) to b, keeping room for a NUL. Returns 0, or -1 out of memory. */
static int buf_put(js_scanner *s, js_buf *b, const char *p, size_t n)
{
    if (n >= b->cap - b->len) {
        size_t nc = b->cap ? b->cap * 2 : 256;
        if (nc < b->len + n + 1)
            nc = b->len + n + 1;
        char *q = realloc(b->s, nc);
        if (!q) {
            s->oom = 1;
            return -1;
        }
        b->s = q;
        b->cap = nc;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    return 0;
}

/* ------------------------------------------------------------------ */
/* strings */

/* The value of 4 hex digits at p (4 bytes readable), or -1. */
static long hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        const char c = p[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* The escape at p (on the backslash). Appends its decoded bytes to out unless
 * out is NULL; returns the byte after it, or NULL. */
static const char *escape(js_scanner *s, const char *p, js_buf *out)
{
    const char *const end = s->end;
    if (end - p < 2)
        return fail(s, p, "unterminated string");
    char one;
    switch (p[1]) {
    case '"': one = '"'; break;
    case '\\': one = '\\'; break;
    case '/': one = '/'; break;
    case 'b': one = '\b'; break;
    case 'f': one = '\f'; break;
    case 'n': one = '\n'; break;
    case 'r': one = '\r'; break;
    case 't': one = '\t'; break;
    case 'u': {
        const long hi = end - p >= 6 ? hex4(p + 2) : -1;
        if (hi < 0)
            return fail(s, p, "invalid \\u escape (4 hex digits expected)");
        unsigned long cp = (unsigned long)hi;
        const char *next = p + 6;
        if (hi >= 0xDC00 && hi <= 0xDFFF)
            return fail(s, p, "lone surrogate \\u%04lX in string", cp);
        if (hi >= 0xD800 && hi <= 0xDBFF) {
            const long lo = end - next >= 6 && next[0] == '\\' && next[1] == 'u'
                                ? hex4(next + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return fail(s, p, "lone surrogate \\u%04lX in string", cp);
            cp = 0x10000 + (((unsigned long)hi - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
            next += 6;
        }
        if (out) {
            char u[4];
            size_t k;
            if (cp < 0x80) {
                u[0] = (char)cp;
                k = 1;
            } else if (cp < 0x800) {
                u[0] = (char)(0xC0 | (cp >> 6));
                u[1] = (char)(0x80 | (cp & 0x3F));
                k = 2;
            } else if (cp < 0x10000) {
                u[0] = (char)(0xE0 | (cp >> 12));
                u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[2] = (char)(0x80 | (cp & 0x3F));
                k = 3;
            } else {
                u[0] = (char)(0xF0 | (cp >> 18));
                u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[3] = (char)(0x80 | (cp & 0x3F));
                k = 4;
            }
            if (buf_put(s, out, u, k) < 0)
                return NULL;
        }
        return next;
    }
    default: {
        const unsigned char c = (unsigned char)p[1];
        if (c > 0x20 && c < 0x7f)
            return fail(s, p, "invalid escape '\\%c' in string", c);
        return fail(s, p, "invalid escape in string (byte 0x%02x after '\\')", c);
    }
    }
    if (out && buf_put(s, out, &one, 1) < 0)
        return NULL;
    return p + 2;
}

/* The string whose opening quote is at p. Validates it; when out is not
 * NULL also decodes it and sets *vs and *vn: a span of the line when it has no
 * escape, else out's NUL-terminated contents. Returns the byte after the
 * closing quote, or NULL. */
static const char *scan_string(js_scanner *s, const char *p, js_buf *out,
                               const char **vs, size_t *vn)
{
    const char *const end = s->end, *const open = p;
    const char *run = ++p; /* first byte not yet copied to out */
    int copying = 0;
    if (out)
        out->len = 0;
    for (;;) {
        p = js_find_special(p, end);
        if (p == end)
            return fail(s, open, "unterminated string");
        const unsigned char c = (unsigned char)*p;
        if (c == '"') {
            if (out) {
                if (copying) {
                    if (buf_put(s, out, run, (size_t)(p - run)) < 0)
                        return NULL;
                    out->s[out->len] = '\0';
                    *vs = out->s;
                    *vn = out->len;
                } else {
                    *vs = run;
                    *vn = (size_t)(p - run);
                }
            }
            return p + 1;
        }
        if (c == '\\') {
            if (out) {
                if (buf_put(s, out, run, (size_t)(p - run)) < 0)
                    return NULL;
                copying = 1;
            }
            p = escape(s, p, out);
            if (!p)
                return NULL;
            run = p;
        } else if (c < 0x20) {
            return fail(s, p, "control character 0x%02x in string (must be escaped)", c);
        } else {
            /* non-ASCII: go on byte by byte while non-ASCII characters keep
             * coming (one within 16 bytes of the last), so text in another
             * script does not go back to the vector search for every letter */
            const char *last = p;
            while (p < end) {
                const unsigned char b = (unsigned char)*p;
                const unsigned char *const u = (const unsigned char *)p;
                if (b < 0x80) {
                    if (b == '"' || b == '\\' || b < 0x20 || p - last >= 16)
                        break;
                    p++;
                    continue;
                }
                if (b >= 0xC2 && b <= 0xDF && end - p >= 2 && (u[1] & 0xC0) == 0x80) {
                    p += 2; /* U+0080..U+07FF: every such pair is well formed */
                } else if (((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) &&
                           end - p >= 3 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
                    p += 3; /* a lead byte with no overlong or surrogate forms */
                } else {
                    const size_t k = cli_utf8_len(u, (size_t)(end - p));
                    if (k == 0)
                        return fail(s, p, "invalid UTF-8 (byte 0x%02x) in string", b);
                    p += k;
                }
                last = p;
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* numbers, literals, any value */

/* The number at p (on '-' or a digit), checked against the RFC 8259 grammar
 * only: its magnitude does not matter. Returns the byte after it, or NULL. */
static const char *scan_number(js_scanner *s, const char *p)
{
    const char *const end = s->end;
    if (*p == '-')
        p++;
    if (p == end || !is_digit(*p))
        return p == end ? fail_end(s, "in a number") : fail_byte(s, p, "digit expected, got");
    if (*p == '0') {
        if (++p < end && is_digit(*p))
            return fail(s, p - 1, "leading zero in number");
    } else {
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && *p == '.') {
        if (++p == end || !is_digit(*p))
            return p == end ? fail_end(s, "in a number")
                            : fail_byte(s, p, "digit expected after '.', got");
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        if (++p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !is_digit(*p))
            return p == end ? fail_end(s, "in a number")
                            : fail_byte(s, p, "digit expected in exponent, got");
        while (p < end && is_digit(*p))
            p++;
    }
    return p;
}

/* true, false or null at p. */
static const char *scan_literal(js_scanner *s, const char *p)
{
    static const char *const words[] = { "true", "false", "null" };
    for (size_t i = 0; i < 3; i++) {
        const size_t k = strlen(words[i]);
        if (*p == words[i][0] && (size_t)(s->end - p) >= k && memcmp(p, words[i], k) == 0)
            return p + k;
    }
    return fail(s, p, "invalid literal (true, false or null expected)");
}

/* The type of the value starting with byte c (already validated). */
static js_type type_of(char c)
{
    switch (c) {
    case '"': return JS_STRING;
    case '{': return JS_OBJECT;
    case '[': return JS_ARRAY;
    case 't': return JS_TRUE;
    case 'f': return JS_FALSE;
    case 'n': return JS_NULL;
    default: return JS_NUMBER;
    }
}

/* Validates the value at p (whitespace already skipped), inside `depth` open
 * containers. Returns the byte after it, or NULL. */
static const char *scan_value(js_scanner *s, const char *p, size_t depth)
{
    const char *const end = s->end;
    const size_t base = depth;
    int want_key = 0; /* 1: p is where a member name must start */
    for (;;) {
        if (want_key) {
            if (p == end)
                return fail_end(s, "in an object");
            if (*p != '"')
                return fail_byte(s, p, "member name (a string) expected, got");
            p = scan_string(s, p, NULL, NULL, NULL);
            if (!p || !(p = after_colon(s, p)))
                return NULL;
            want_key = 0;
        }
        if (p == end)
            return fail_end(s, "(a value expected)");
        switch (*p) {
        case '"':
            p = scan_string(s, p, NULL, NULL, NULL);
            break;
        case '{':
        case '[': {
            const char close = *p == '{' ? '}' : ']';
            if (depth >= JS_MAX_DEPTH)
                return fail(s, p, "nesting deeper than %d arrays and objects", JS_MAX_DEPTH);
            p = skip_ws(p + 1, end);
            if (p < end && *p == close) {
                p++;
                break;
            }
            s->stack[depth++] = close;
            want_key = close == '}';
            continue;
        }
        case '-': case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
            p = scan_number(s, p);
            break;
        case 't': case 'f': case 'n':
            p = scan_literal(s, p);
            break;
        default:
            return fail_byte(s, p, "unexpected");
        }
        if (!p)
            return NULL;
        /* after a complete value: close containers, or go on after a comma */
        for (;;) {
            if (depth == base)
                return p;
            const char close = s->stack[depth - 1];
            p = skip_ws(p, end);
            if (p == end)
                return fail_end(s, close == '}' ? "in an object" : "in an array");
            if (*p == close) {
                p++;
                depth--;
                continue;
            }
            if (*p != ',')
                return fail_byte(s, p, close == '}' ? "',' or '}' expected, got"
                                                    : "',' or ']' expected, got");
            p = skip_ws(p + 1, end);
            if (p < end && *p == close)
                return fail(s, p, "trailing comma before '%c'", close);
            want_key = close == '}';
            break;
        }
    }
}

/* ------------------------------------------------------------------ */
/* the record: the top-level object */

/* The value at p (whitespace skipped) of a member wanted as field f. */
static const char *scan_field(js_scanner *s, size_t f, const char *p)
{
    js_value *v = &s->val[f];
    const char *q;
    v->count++;
    if (p == s->end)
        return fail_end(s, "(a value expected)");
    if (*p == '"') {
        q = scan_string(s, p, &s->buf[f], &v->s, &v->n);
        if (q)
            v->type = JS_STRING;
        return q;
    }
    if (*p == '-' || is_digit(*p))
        q = scan_number(s, p);
    else
        q = scan_value(s, p, 1);
    if (q) {
        v->type = type_of(*p);
        v->s = p;
        v->n = (size_t)(q - p);
    }
    return q;
}

/* The object whose '{' is at p, at the top level. */
static const char *scan_record(js_scanner *s, const char *p)
{
    const char *const end = s->end;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}')
        return p + 1;
    for (;;) {
        if (p == end)
            return fail_end(s, "in an object");
        if (*p != '"')
            return fail_byte(s, p, "member name (a string) expected, got");
        const char *ks = NULL;
        size_t kn = 0;
        p = scan_string(s, p, &s->key, &ks, &kn);
        if (!p)
            return NULL;
        size_t f = s->n_names;
        for (size_t i = 0; i < s->n_names; i++)
            if (s->name_len[i] == kn && memcmp(s->name[i], ks, kn) == 0) {
                f = i;
                break;
            }
        if (!(p = after_colon(s, p)))
            return NULL;
        p = f < s->n_names ? scan_field(s, f, p) : scan_value(s, p, 1);
        if (!p)
            return NULL;
        p = skip_ws(p, end);
        if (p == end)
            return fail_end(s, "in an object");
        if (*p == '}')
            return p + 1;
        if (*p != ',')
            return fail_byte(s, p, "',' or '}' expected, got");
        p = skip_ws(p + 1, end);
        if (p < end && *p == '}')
            return fail(s, p, "trailing comma before '}'");
    }
}

int js_scan(js_scanner *s, const char *line, size_t len)
{
    s->line = line;
    s->end = line + len;
    s->oom = 0;
    s->root = (js_value){ JS_ABSENT, NULL, 0, 0 };
    s->err[0] = '\0';
    s->errpos = 0;
    for (size_t i = 0; i < s->n_names; i++)
        s->val[i] = (js_value){ JS_ABSENT, NULL, 0, 0 };
    const char *p = skip_ws(line, s->end);
    const char *q;
    js_value root = { JS_ABSENT, NULL, 0, 1 };
    if (p == s->end)
        q = fail(s, p, "no value on the line");
    else if (*p == '{')
        q = scan_record(s, p);
    else if (*p == '"')
        q = scan_string(s, p, &s->rootbuf, &root.s, &root.n);
    else
        q = scan_value(s, p, 0);
    if (q) {
        if (*p != '"') {
            root.s = p;
            root.n = (size_t)(q - p);
        }
        q = skip_ws(q, s->end);
        if (q != s->end)
            q = fail_byte(s, q, "unexpected text after the value:");
    }
    if (!q) {
        for (size_t i = 0; i < s->n_names; i++)
            s->val[i] = (js_value){ JS_ABSENT, NULL, 0, 0 };
        return s->oom ? JS_ERR_NOMEM : JS_ERR_SYNTAX;
    }
    root.type = type_of(*p);
    s->root = root;
    if (root.type != JS_OBJECT)
        for (size_t i = 0; i < s->n_names; i++)
            s->val[i] = (js_value){ JS_ABSENT, NULL, 0, 0 };
    return JS_OK;
}

/* The end of the validated value starting at p: a string is skipped to its
 * closing quote, an array or object to its closing bracket, a number or
 * literal to the next delimiter. */
static const char *value_end(const char *p, const char *end)
{
    size_t depth = 0;
    while (p < end) {
        const char c = *p;
        if (c == '"') {
            p++;
            for (;;) {
                p = js_find_special(p, end);
                if (p >= end)
                    return end;
                if (*p == '"')
                    break;
                p += *p == '\\' ? 2 : 1; /* an escape, or a non-ASCII byte */
            }
            p++;
            if (depth == 0)
                return p;
        } else if (c == '{' || c == '[') {
            depth++;
            p++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return p;
            p++;
            if (--depth == 0)
                return p;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' ||
                                  c == '\r')) {
            return p;
        } else {
            p++;
        }
    }
    return p;
}

int js_member_span(const char *line, size_t len, const char *name, size_t *vs, size_t *ve)
{
    const char *const end = line + len;
    const size_t nl = strlen(name);
    const char *p = skip_ws(line, end);
    int found = 0;
    if (p >= end || *p != '{')
        return 0;
    p = skip_ws(p + 1, end);
    while (p < end && *p == '"') {
        const char *k = p + 1;
        const char *ke = value_end(p, end); /* just past the closing quote */
        const int match = ke > k && (size_t)(ke - 1 - k) == nl && memcmp(k, name, nl) == 0;
        p = skip_ws(ke, end);
        if (p >= end || *p != ':')
            return found;
        p = skip_ws(p + 1, end);
        const char *v = p;
        p = value_end(p, end);
        if (match) {
            *vs = (size_t)(v - line);
            *ve = (size_t)(p - line);
            found = 1;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',')
            p = skip_ws(p + 1, end);
    }
    return found;
}

int js_array_next(const js_value *array, size_t *pos, const char **es, size_t *en)
{
    if (array->type != JS_ARRAY)
        return 0;
    const char *const end = array->s + array->n;
    const char *p = skip_ws(array->s + (*pos ? *pos : 1), end);
    if (p < end && *p == ',')
        p = skip_ws(p + 1, end);
    if (p >= end || *p == ']') {
        *pos = array->n;
        return 0;
    }
    const char *e = value_end(p, end);
    *es = p;
    *en = (size_t)(e - p);
    *pos = (size_t)(e - array->s);
    return 1;
}

/* ------------------------------------------------------------------ */
/* the rest of the interface */

js_scanner *js_new(const char *const *names, size_t n)
{
    if (n > JS_MAX_FIELDS)
        return NULL;
    js_scanner *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < s->n_names && strcmp(s->name[j], names[i]) != 0)
            j++;
        if (j == s->n_names) {
            s->name[j] = names[i];
            s->name_len[j] = strlen(names[i]);
            s->n_names++;
        }
        s->slot[i] = j;
    }
    s->n_slots = n;
    return s;
}

void js_free(js_scanner *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < JS_MAX_FIELDS; i++)
        free(s->buf[i].s);
    free(s->key.s);
    free(s->rootbuf.s);
    free(s);
}

js_type js_top(const js_scanner *s)
{
    return s->root.type;
}

const js_value *js_root(const js_scanner *s)
{
    return &s->root;
}

const js_value *js_field(const js_scanner *s, size_t i)
{
    return &s->val[s->slot[i < s->n_slots ? i : 0]];
}

const char *js_errmsg(const js_scanner *s)
{
    return s->err;
}

size_t js_errpos(const js_scanner *s)
{
    return s->errpos;
}

const char *js_type_name(js_type t)
{
    switch (t) {
    case JS_STRING: return "a string";
    case JS_NUMBER: return "a number";
    case JS_OBJECT: return "an object";
    case JS_ARRAY: return "an array";
    case JS_TRUE: case JS_FALSE: return "a boolean";
    case JS_NULL: return "null";
    default: return "nothing";
    }
}

long js_next_line(FILE *in, char **line, size_t *cap, unsigned long long *lineno)
{
    ssize_t len;
    while ((errno = 0, len = getline(line, cap, in)) >= 0) {
        ++*lineno;
        while (len > 0 && ((*line)[len - 1] == '\n' || (*line)[len - 1] == '\r'))
            len--;
        ssize_t k = 0;
        while (k < len && ((*line)[k] == ' ' || (*line)[k] == '\t'))
            k++;
        if (k < len)
            return (long)len;
    }
    return -1;
}
