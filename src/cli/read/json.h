/*
 * json.h - a strict, single-pass JSON scanner for JSON Lines records (CLI only,
 * never installed).
 *
 * js_scan() validates one line as exactly one RFC 8259 JSON value, surrounded
 * by optional whitespace, and, when that value is an object, extracts the
 * values of a few top-level members chosen by name when the scanner is made
 * (the reader asks for the text, id and key fields). No tree is built: the
 * line is read once, front to back.
 *
 * What is accepted: RFC 8259 exactly, with these choices, all of them the
 * same as jansson's (the reader's previous parser) unless marked NEW:
 *   - strings must be well-formed UTF-8 (no overlong forms, no encoded
 *     surrogates, nothing past U+10FFFF); control bytes below 0x20 must be
 *     escaped; \u escapes of surrogates must come in high-low pairs;
 *   - "\u0000" is accepted and decodes to a NUL byte (jansson JSON_ALLOW_NUL);
 *   - NEW: an object key may hold \u0000 too (jansson rejects it); such a key
 *     never equals a field name, which is a C string;
 *   - when a member name repeats, the last member wins (as in jansson);
 *   - NEW: numbers are checked against the grammar only, so 1e400 and
 *     integers of any length are accepted (jansson rejects real overflow);
 *   - nesting is limited to JS_MAX_DEPTH arrays and objects (jansson: 2048).
 *   - NEW: a raw NUL byte right after a number or literal is an error
 *     (jansson 2.14 silently skips it).
 *
 * Thread safety: one scanner per thread; scanners share nothing.
 */
#ifndef ND_JSON_H
#define ND_JSON_H

#include <stddef.h>
#include <stdio.h>

#define JS_MAX_DEPTH  1000 /* deepest nesting of arrays and objects accepted */
#define JS_MAX_FIELDS 10   /* field names one scanner extracts (PAN cases need 10) */

/* The type of a JSON value; JS_ABSENT for a field the object does not have. */
typedef enum {
    JS_ABSENT = 0, JS_STRING, JS_NUMBER, JS_OBJECT, JS_ARRAY, JS_TRUE, JS_FALSE, JS_NULL
} js_type;

/* js_scan() results. */
enum { JS_OK = 0, JS_ERR_SYNTAX = -1, JS_ERR_NOMEM = -2 };

/* One extracted member: the last top-level member with the field's name. */
typedef struct js_value {
    js_type type;
    /* JS_STRING: the decoded string (may hold NUL bytes from \u0000), pointing
     *   either into the line (no escapes: zero-copy) or into the scanner's
     *   buffer for this field; NOT NUL-terminated when it points into the line.
     * JS_NUMBER: the number exactly as written in the line.
     * other types: the value's text in the line.
     * Valid until the next js_scan() or js_free(), and while the line lives. */
    const char *s;
    size_t n;
    unsigned count; /* how many top-level members have the name (the last one counts) */
} js_value;

typedef struct js_scanner js_scanner;

/* Makes a scanner that extracts the members named names[0..n) (n at most
 * JS_MAX_FIELDS; the strings are borrowed and must outlive the scanner; a
 * name may repeat, each slot then gets the same value). Returns NULL when out
 * of memory or n is too large. Free with js_free(). */
js_scanner *js_new(const char *const *names, size_t n);
void js_free(js_scanner *s);

/* Scans line[0..len). Returns JS_OK when the line is one valid JSON value
 * (of any type: see js_top()), JS_ERR_SYNTAX when it is not (js_errmsg() and
 * js_errpos() say why and where), JS_ERR_NOMEM when a decoding buffer could
 * not grow (decoded strings never exceed len bytes). */
int js_scan(js_scanner *s, const char *line, size_t len);

/* After JS_OK: the type of the line's value (JS_OBJECT for a record). */
js_type js_top(const js_scanner *s);
/* After JS_OK: the line's value itself, like a field (a string decoded, into a
 * buffer of its own when it has escapes; anything else as its text). */
const js_value *js_root(const js_scanner *s);
/* In a line js_scan() accepted as an object: the byte range [*vs, *ve) of the
 * value of the last top-level member whose key is written exactly as name
 * (a key spelt with escapes is not recognised). Returns 1, or 0 when absent. */
int js_member_span(const char *line, size_t len, const char *name, size_t *vs, size_t *ve);
/* Walks the elements of an array value from js_root() or js_field() of the
 * last js_scan() (so already validated): *pos starts at 0; each call stores
 * the next element's text in es[0..*en) and returns 1, or returns 0 after the
 * last one (and for a value that is not an array). To read an element, give
 * its text to js_scan() of another scanner. */
int js_array_next(const js_value *array, size_t *pos, const char **es, size_t *en);
/* After JS_OK on an object: the value of field i (order of js_new's names). */
const js_value *js_field(const js_scanner *s, size_t i);
/* After JS_ERR_SYNTAX: what is wrong ("trailing comma", "invalid escape
 * '\\q' in string", ...), without position; valid until the next js_scan(). */
const char *js_errmsg(const js_scanner *s);
/* After JS_ERR_SYNTAX: the 0-based byte offset in the line where it is. */
size_t js_errpos(const js_scanner *s);

/* The next line of in that is not blank, without its line end, in *line
 * (getline's buffer, *cap its size); *lineno counts every line read. Returns
 * its length, or -1 at the end of the file or on an error (errno: ENOMEM for
 * an allocation that failed, else see ferror(in)). For small JSON Lines files
 * read whole (stories, pairs). */
long js_next_line(FILE *in, char **line, size_t *cap, unsigned long long *lineno);

/* "a string", "an object", "null", ... for messages about a value. */
const char *js_type_name(js_type t);

/* The first byte of p[0..end) that a string scan must stop at ('"', '\\', a
 * control byte below 0x20 or a byte >= 0x80), or end. js_find_special() is
 * the vectorised one the scanner uses; js_find_special_ref() the scalar
 * reference it must agree with (exposed for the tests). */
const char *js_find_special(const char *p, const char *end);
const char *js_find_special_ref(const char *p, const char *end);

#endif
