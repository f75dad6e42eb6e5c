/*
 * fuzz_json.c - libFuzzer target for the strict JSON scanner (src/cli/read/json.c).
 *
 * The input is one line (exactly its bytes, in a buffer of exactly its size).
 * It is scanned with the fields "text", "id" and "k", and the results are
 * checked against what json.h promises:
 *   - an accepted object's extracted values lie inside the line or are
 *     NUL-terminated buffer contents; decoded strings are valid UTF-8 apart
 *     from NUL bytes; numbers match the JSON number grammar as written;
 *   - a rejection has a message and a position within the line;
 *   - js_array_next() splits an accepted array into valid values;
 *   - the scan is deterministic (a second scan gives the same result);
 *   - js_find_special() agrees with its scalar reference from each of the
 *     first 64 offsets.
 * Built with ND_HAVE_JANSSON (the Makefile sets it when jansson is installed)
 * it is also differential: jansson 2.x, used as the reader used it, must
 * agree on accept/reject and on the extracted values, except for the
 * documented differences (numbers past the double range, \u0000 in a member
 * name, nesting past JS_MAX_DEPTH, a NUL byte right after a number or literal).
 * Any disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef ND_HAVE_JANSSON
#  include <jansson.h>
#endif

#include "cli.h"
#include "read/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static js_scanner *g_js, *g_elem;
static const char *const g_names[] = { "text", "id", "k" };

static void release(void)
{
    js_free(g_js);
    js_free(g_elem);
}

/* Decoded strings: well-formed UTF-8, where NUL bytes (from \u0000) are fine. */
static void check_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        const size_t k = cli_utf8_len((const unsigned char *)s + i, n - i);
        if (k == 0)
            abort();
        i += k;
    }
}

static void check_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i == n || s[i] < '0' || s[i] > '9')
        abort();
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' ||
                     s[i] == 'E' || s[i] == '+' || s[i] == '-'))
        i++;
    if (i != n)
        abort();
}

#ifdef ND_HAVE_JANSSON
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

/* Deeper than JS_MAX_DEPTH (only asked about lines jansson accepted). */
static int too_deep(const char *line, size_t len)
{
    size_t d = 0;
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
            if (++d > JS_MAX_DEPTH)
                return 1;
        } else if (c == '}' || c == ']') {
            d--;
        }
    }
    return 0;
}

static void differential(const char *line, size_t len, int rc)
{
    json_error_t err;
    json_t *root = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
    if (!root && json_error_code(&err) == json_error_numeric_overflow)
        root = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY |
                          JSON_DECODE_INT_AS_REAL, &err);
    if ((rc == JS_OK) != (root != NULL)) {
        const size_t pos = js_errpos(g_js);
        const int allowed =
            (rc == JS_OK && json_error_code(&err) == json_error_numeric_overflow) ||
            (rc == JS_OK && json_error_code(&err) == json_error_null_byte_in_key) ||
            (rc != JS_OK && too_deep(line, len)) ||
            (rc != JS_OK && pos > 0 && pos < len && line[pos] == '\0' &&
             ((line[pos - 1] >= '0' && line[pos - 1] <= '9') || line[pos - 1] == 'e' ||
              line[pos - 1] == 'l'));
        if (!allowed) {
            fprintf(stderr, "fuzz_json: scanner %s (%s), jansson %s (%s)\n",
                    rc == JS_OK ? "accepts" : "rejects", js_errmsg(g_js),
                    root ? "accepts" : "rejects", root ? "" : err.text);
            abort();
        }
    } else if (rc == JS_OK) {
        if (js_top(g_js) != jtype(root))
            abort();
        for (size_t f = 0; f < 3 && json_is_object(root); f++) {
            const js_value *v = js_field(g_js, f);
            const json_t *j = json_object_get(root, g_names[f]);
            if (v->type != jtype(j))
                abort();
            if (v->type == JS_STRING &&
                (v->n != json_string_length(j) || memcmp(v->s, json_string_value(j), v->n)))
                abort();
            if (v->type == JS_NUMBER && v->n < 300) {
                char tmp[320];
                memcpy(tmp, v->s, v->n);
                tmp[v->n] = '\0';
                if (strtod(tmp, NULL) != json_number_value(j))
                    abort();
            }
        }
    }
    json_decref(root);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!g_js) {
        g_js = js_new(g_names, 3);
        g_elem = js_new(g_names, 1);
        if (!g_js || !g_elem)
            abort();
        atexit(release);
    }
    const char *line = (const char *)data;
    const char *end = line + size;
    for (const char *p = line; p <= end && p - line < 64; p++)
        if (js_find_special(p, end) != js_find_special_ref(p, end))
            abort();

    const int rc = js_scan(g_js, line, size);
    if (rc == JS_ERR_NOMEM)
        return 0;
    if (rc == JS_OK) {
        const js_type top = js_top(g_js);
        if (top == JS_ABSENT)
            abort();
        for (size_t f = 0; f < 3; f++) {
            const js_value *v = js_field(g_js, f);
            if (v->type != JS_ABSENT && top != JS_OBJECT)
                abort();
            if (v->type == JS_ABSENT)
                continue;
            const int inside = v->s >= line && v->s + v->n <= end;
            if (v->type == JS_STRING) {
                if (!inside && v->s[v->n] != '\0')
                    abort();
                check_utf8(v->s, v->n);
            } else {
                if (!inside || v->n == 0)
                    abort();
                if (v->type == JS_NUMBER)
                    check_number(v->s, v->n);
            }
        }
    } else {
        if (js_errmsg(g_js)[0] == '\0' || js_errpos(g_js) > size)
            abort();
        for (size_t f = 0; f < 3; f++)
            if (js_field(g_js, f)->type != JS_ABSENT)
                abort();
    }
    /* an accepted array's elements, walked by js_array_next(), are each one
     * valid value, in order, back to back with commas and whitespace */
    if (rc == JS_OK && js_top(g_js) == JS_ARRAY) {
        const js_value *a = js_root(g_js);
        size_t pos = 0, en, k = 0;
        const char *es, *prev = a->s;
        while (js_array_next(a, &pos, &es, &en)) {
            if (es <= prev || es + en > a->s + a->n || en == 0)
                abort();
            if (js_scan(g_elem, es, en) != JS_OK)
                abort();
            prev = es + en - 1;
            k++;
        }
        if (a->s[0] != '[' || a->s[a->n - 1] != ']')
            abort();
        for (size_t i = 1; k == 0 && i + 1 < a->n; i++) /* no element: only blanks */
            if (!strchr(" \t\r\n", a->s[i]) || a->s[i] == '\0')
                abort();
    }
    /* deterministic: the same verdict and values again */
    js_type types[3];
    size_t lens[3];
    for (size_t f = 0; f < 3; f++) {
        types[f] = js_field(g_js, f)->type;
        lens[f] = js_field(g_js, f)->n;
    }
    const size_t pos = js_errpos(g_js);
    if (js_scan(g_js, line, size) != rc || (rc != JS_OK && js_errpos(g_js) != pos))
        abort();
    for (size_t f = 0; f < 3; f++)
        if (js_field(g_js, f)->type != types[f] || js_field(g_js, f)->n != lens[f])
            abort();
#ifdef ND_HAVE_JANSSON
    differential(line, size, rc);
#endif
    return 0;
}
