/*
 * warc.h - WARC 1.0/1.1 and WET record parsing for the CLI reader (never installed).
 *
 * The pieces here work on bytes already in memory and never read or allocate
 * for parsing; reader.c owns the buffering (see "WARC" in reader.h). They are
 * split out so that unit tests and the fuzz target can call them directly.
 *
 *   warc_head_parse()  the header block of one record: version line, fields,
 *                      continuation lines, Content-Length;
 *   warc_http_parse()  the HTTP status line and headers at the start of a
 *                      "response" record's block;
 *   warc_media()       what a Content-Type names (text, HTML, an HTTP message)
 *                      and its charset parameter;
 *   warc_dechunk()     undoes HTTP chunked transfer coding;
 *   warc_html_*()      HTML to plain text through libxml2's HTML parser.
 *
 * Spans point into the caller's bytes (or, for folded values, into the
 * caller's `fold` scratch); none is NUL-terminated.
 */
#ifndef ND_WARC_H
#define ND_WARC_H

#include <stddef.h>
#include <stdint.h>

/* A header block longer than this is an error: real ones are well under 4 KiB. */
#define WARC_MAX_HEAD ((size_t)32 * 1024)
/* Fields kept in warc_head.fields; later ones are parsed (for the known
 * names) but not listed. */
#define WARC_MAX_FIELDS 64

typedef struct warc_span {
    const char *p;
    size_t n;
} warc_span;

typedef struct warc_field {
    warc_span name, value; /* value trimmed, continuation lines joined by one space */
} warc_field;

/* Results of the parsers. */
enum { WARC_BAD = -1, WARC_NEED = 0, WARC_OK = 1 };

typedef struct warc_head {
    int minor;                  /* 0: WARC/1.0, 1: WARC/1.1 */
    size_t len;                 /* bytes of the header block, its empty line included */
    uint64_t content_length;
    warc_span type;             /* WARC-Type, n == 0 when absent */
    warc_span target_uri;       /* WARC-Target-URI, without enclosing <> */
    warc_span record_id;        /* WARC-Record-ID */
    warc_span date;             /* WARC-Date */
    warc_span content_type;     /* Content-Type (of the block) */
    warc_span truncated;        /* WARC-Truncated (a reason), n == 0 when absent */
    warc_field fields[WARC_MAX_FIELDS];
    size_t nfields;
    int lf_only;                /* some line ended in "\n" alone (tolerated) */
    int folded;                 /* some value continued on the next line */
    const char *err;            /* static reason when WARC_BAD is returned */
    size_t err_off;             /* its offset in the header block */
} warc_head;

/* Parses the header block at p[0..n). Returns WARC_OK with *h filled, WARC_NEED
 * when the block's empty line is not in p[0..n) yet (read more and call again;
 * at_eof != 0 turns this into WARC_BAD "truncated"), or WARC_BAD with h->err.
 * `fold` must have room for min(n, WARC_MAX_HEAD) bytes: a value spread over
 * continuation lines is rebuilt there, and its span points into it. Lines may
 * end in CRLF or LF alone (h->lf_only). */
int warc_head_parse(const char *p, size_t n, int at_eof, char *fold, warc_head *h);

/* The value of the first field named `name` (ASCII case-insensitive), or
 * n == 0 when absent or past the listed fields. */
warc_span warc_head_get(const warc_head *h, const char *name);

/* Does the span equal the NUL-terminated s, ignoring ASCII case? */
int warc_span_ieq(warc_span a, const char *s);

typedef struct warc_http {
    int status;                     /* 100..999 */
    size_t len;                     /* status line + headers + empty line */
    warc_span content_type, transfer_encoding, content_encoding;
} warc_http;

/* Parses an HTTP response head ("HTTP/x.y NNN reason", fields, empty line) at
 * the start of p[0..n). Returns WARC_OK or WARC_BAD (h->... unset, *why set).
 * A head with no empty line before the end takes the whole block (no payload). */
int warc_http_parse(const char *p, size_t n, warc_http *h, const char **why);

/* Media types that matter here. */
enum { WARC_MT_OTHER = 0, WARC_MT_TEXT, WARC_MT_HTML, WARC_MT_HTTP_RESPONSE };

/* Classifies a Content-Type value: text/plain -> TEXT; text/html and
 * application/xhtml+xml -> HTML; application/http with msgtype=response or no
 * msgtype -> HTTP_RESPONSE; anything else (empty too) -> OTHER. *charset gets
 * the charset parameter without quotes (n == 0 when absent). */
int warc_media(warc_span ct, warc_span *charset);

/* Decodes HTTP chunked transfer coding from p[0..n) into out (room for n
 * bytes: decoded data is never longer). Returns the decoded length, or
 * (size_t)-1 when the chunk framing is malformed. A missing final chunk (the
 * body was cut short) keeps what was decoded. */
size_t warc_dechunk(const char *p, size_t n, char *out);

/* HTML to text. The converter keeps a libxml2 parser context and an output
 * buffer between calls; one per reader (not shared between threads). */
typedef struct warc_html warc_html;

/* NULL when out of memory. Silences libxml2's error printing for the process
 * (its errors would name no record; the CLI has nothing to add). */
warc_html *warc_html_new(void);
void warc_html_free(warc_html *c);

/* Converts html[0..n) to text: script, style, noscript and template are dropped,
 * block elements (p, div, h1-h6, li, tr, br, ...) end lines, runs of white space
 * become one space, blank lines are dropped; <title> is the first line. The
 * document is decoded from `charset` when libxml2 knows it, else from a charset
 * named in a <meta> element of its first 2 KiB, else as UTF-8 (a byte that is
 * not UTF-8 then passes through unchanged). *text (UTF-8 unless such bytes,
 * not NUL-terminated) stays valid until the next call or warc_html_free().
 * Returns 0, -1 when out of memory or n is over INT_MAX, or
 * WARC_HTML_TOO_DEEP when the elements nest deeper than libxml2 allows
 * (WARC_HTML_MAX_DEPTH): it stops there, and *text holds what came before. */
enum { WARC_HTML_TOO_DEEP = 1, WARC_HTML_MAX_DEPTH = 256 };
int warc_html_text(warc_html *c, const char *html, size_t n, warc_span charset,
                   const char **text, size_t *len);

#endif
