/*
 * warc.c - WARC/WET header parsing, HTTP heads, and HTML to text (see warc.h).
 *
 * DESIGN
 *   The header parser makes one pass over the lines of the block, finding
 *   each '\n' with memchr. A field is "open" until the next field line or the
 *   empty line closes it; closing it trims the value, rebuilds it in `fold`
 *   when it ran over continuation lines, files it in h->fields and, for the
 *   handful of names the reader uses, in the named spans. Nothing is copied
 *   for ordinary (one-line) values, so a WET record costs a scan of its
 *   header and nothing per byte of its text.
 *   HTML goes through libxml2's forgiving HTML parser (recover, no network,
 *   no error output) into a tree that is walked without recursion; text
 *   nodes are appended with white space collapsed, and block elements set a
 *   pending line break that the next visible text turns into one '\n'. This
 *   keeps the output free of leading, trailing and doubled blank lines
 *   whatever the markup's own white space.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "read/warc.h"

/* ------------------------------------------------------------------ */
/* small helpers */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int warc_span_ieq(const warc_span a, const char *s)
{
    const size_t n = strlen(s);
    return a.n == n && (n == 0 || strncasecmp(a.p, s, n) == 0);
}

static int is_sp(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims spaces and tabs (and a stray CR) from both ends. */
static warc_span trim(warc_span s)
{
    while (s.n > 0 && (is_sp(s.p[0]) || s.p[0] == '\r')) {
        s.p++;
        s.n--;
    }
    while (s.n > 0 && (is_sp(s.p[s.n - 1]) || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

/* ------------------------------------------------------------------ */
/* WARC header block */

/* The field being read: its name, and its value from after the ':' to the
 * end of its last line (continuation lines included). */
typedef struct open_field {
    warc_span name;
    const char *vbeg, *vend;
    int folded;
    int live;
} open_field;

/* Rebuilds a folded value in fold at the value's own offset (values never
 * overlap, and joining lines only shortens them): each line break together
 * with the white space around it becomes one space. */
static warc_span unfold(const char *base, char *fold, const char *b, const char *e)
{
    char *const out0 = fold + (b - base);
    char *out = out0;
    while (b < e) {
        if (*b == '\r' || *b == '\n') {
            while (out > out0 && is_sp(out[-1]))
                out--;
            while (b < e && (*b == '\r' || *b == '\n' || is_sp(*b)))
                b++;
            *out++ = ' ';
        } else {
            *out++ = *b++;
        }
    }
    return trim((warc_span){ out0, (size_t)(out - out0) });
}

/* Closes the open field: files it and fills the named spans (first wins).
 * Returns 0, or -1 with h->err for a bad Content-Length. */
static int close_field(const char *base, char *fold, open_field *f, warc_head *h,
                       int *have_len)
{
    if (!f->live)
        return 0;
    f->live = 0;
    warc_span v = f->folded ? unfold(base, fold, f->vbeg, f->vend)
                            : trim((warc_span){ f->vbeg, (size_t)(f->vend - f->vbeg) });
    if (h->nfields < WARC_MAX_FIELDS)
        h->fields[h->nfields++] = (warc_field){ f->name, v };
    const warc_span nm = f->name;
    if (warc_span_ieq(nm, "Content-Length")) {
        if (*have_len)
            return 0;
        uint64_t x = 0;
        if (v.n == 0)
            goto bad_len;
        for (size_t i = 0; i < v.n; i++) {
            const unsigned d = (unsigned)(unsigned char)v.p[i] - '0';
            if (d > 9 || x > (UINT64_MAX - d) / 10)
                goto bad_len;
            x = x * 10 + d;
        }
        h->content_length = x;
        *have_len = 1;
    } else if (warc_span_ieq(nm, "WARC-Type")) {
        if (!h->type.n)
            h->type = v;
    } else if (warc_span_ieq(nm, "WARC-Target-URI")) {
        /* WARC 1.0's grammar showed the URI in <>; some writers followed it */
        if (v.n >= 2 && v.p[0] == '<' && v.p[v.n - 1] == '>')
            v = (warc_span){ v.p + 1, v.n - 2 };
        if (!h->target_uri.n)
            h->target_uri = v;
    } else if (warc_span_ieq(nm, "WARC-Record-ID")) {
        if (!h->record_id.n)
            h->record_id = v;
    } else if (warc_span_ieq(nm, "WARC-Date")) {
        if (!h->date.n)
            h->date = v;
    } else if (warc_span_ieq(nm, "Content-Type")) {
        if (!h->content_type.n)
            h->content_type = v;
    } else if (warc_span_ieq(nm, "WARC-Truncated")) {
        if (!h->truncated.n)
            h->truncated = v.n ? v : (warc_span){ "unspecified", 11 };
    }
    return 0;
bad_len:
    h->err = "invalid Content-Length (not a decimal number of bytes)";
    h->err_off = (size_t)(f->name.p - base);
    return -1;
}

/* Header field names are HTTP tokens: printable ASCII without separators. */
static int is_token(warc_span s)
{
    if (s.n == 0)
        return 0;
    for (size_t i = 0; i < s.n; i++) {
        const unsigned char c = (unsigned char)s.p[i];
        if (c <= 32 || c >= 127 || strchr("()<>@,;:\\\"/[]?={}", c))
            return 0;
    }
    return 1;
}

int warc_head_parse(const char *p, size_t n, int at_eof, char *fold, warc_head *h)
{
    h->minor = 0;
    h->len = 0;
    h->content_length = 0;
    h->type = h->target_uri = h->record_id = h->date = (warc_span){ NULL, 0 };
    h->content_type = h->truncated = (warc_span){ NULL, 0 };
    h->nfields = 0;
    h->lf_only = h->folded = 0;
    h->err = NULL;
    h->err_off = 0;
    const size_t lim = n < WARC_MAX_HEAD ? n : WARC_MAX_HEAD;
    open_field f = { { NULL, 0 }, NULL, NULL, 0, 0 };
    int have_len = 0;
    size_t i = 0;
    for (size_t lineno = 0;; lineno++) {
        const char *nl = memchr(p + i, '\n', lim - i);
        if (!nl) {
            if (n >= WARC_MAX_HEAD) {
                h->err = "header block longer than 32 KiB (or no empty line ends it)";
                h->err_off = i;
                return WARC_BAD;
            }
            if (at_eof) {
                h->err = "truncated record: end of input inside the header block";
                h->err_off = i;
                return WARC_BAD;
            }
            return WARC_NEED;
        }
        const char *b = p + i;
        const char *e = nl;
        if (e > b && e[-1] == '\r')
            e--;
        else
            h->lf_only = 1;
        const size_t next = (size_t)(nl - p) + 1;
        if (lineno == 0) {
            const size_t ln = (size_t)(e - b);
            if (ln == 8 && memcmp(b, "WARC/1.", 7) == 0 && (b[7] == '0' || b[7] == '1')) {
                h->minor = b[7] - '0';
            } else {
                h->err = ln >= 5 && memcmp(b, "WARC/", 5) == 0
                             ? "unsupported WARC version (only WARC/1.0 and WARC/1.1)"
                             : "not a WARC record (expected a WARC/1.0 or WARC/1.1 line)";
                return WARC_BAD;
            }
        } else if (e == b) { /* the empty line: end of the block */
            if (close_field(p, fold, &f, h, &have_len) < 0)
                return WARC_BAD;
            if (!have_len) {
                h->err = "no Content-Length field";
                return WARC_BAD;
            }
            h->len = next;
            return WARC_OK;
        } else if (is_sp(*b)) { /* continuation of the open field */
            if (!f.live) {
                h->err = "continuation line before any field";
                h->err_off = i;
                return WARC_BAD;
            }
            f.vend = e;
            f.folded = 1;
            h->folded = 1;
        } else {
            if (close_field(p, fold, &f, h, &have_len) < 0)
                return WARC_BAD;
            const char *colon = memchr(b, ':', (size_t)(e - b));
            const warc_span name = { b, colon ? (size_t)(colon - b) : 0 };
            if (!colon || !is_token(name)) {
                h->err = colon ? "malformed field name" : "header line without ':'";
                h->err_off = i;
                return WARC_BAD;
            }
            f = (open_field){ name, colon + 1, e, 0, 1 };
        }
        i = next;
    }
}

warc_span warc_head_get(const warc_head *h, const char *name)
{
    for (size_t i = 0; i < h->nfields; i++)
        if (warc_span_ieq(h->fields[i].name, name))
            return h->fields[i].value;
    return (warc_span){ NULL, 0 };
}

/* ------------------------------------------------------------------ */
/* HTTP response head */

int warc_http_parse(const char *p, size_t n, warc_http *h, const char **why)
{
    memset(h, 0, sizeof *h);
    const char *nl = memchr(p, '\n', n);
    const char *e = nl ? nl : p + n;
    /* "HTTP/" version SP 3DIGIT [SP reason] */
    size_t i = 5;
    const size_t ln = (size_t)(e - p);
    if (ln < 5 || memcmp(p, "HTTP/", 5) != 0) {
        *why = "malformed HTTP response (no HTTP/ status line)";
        return WARC_BAD;
    }
    while (i < ln && ((p[i] >= '0' && p[i] <= '9') || p[i] == '.'))
        i++;
    while (i < ln && p[i] == ' ')
        i++;
    if (i + 3 > ln || p[i] < '1' || p[i] > '9' || p[i + 1] < '0' || p[i + 1] > '9' ||
        p[i + 2] < '0' || p[i + 2] > '9' ||
        (i + 3 < ln && p[i + 3] != ' ' && p[i + 3] != '\r')) {
        *why = "malformed HTTP status line";
        return WARC_BAD;
    }
    h->status = (p[i] - '0') * 100 + (p[i + 1] - '0') * 10 + (p[i + 2] - '0');
    if (!nl) {
        h->len = n;
        return WARC_OK;
    }
    /* fields up to the empty line; servers send all sorts, so lines without
     * ':' and continuation lines are passed over rather than rejected */
    size_t pos = (size_t)(nl - p) + 1;
    for (;;) {
        const char *l = p + pos;
        const char *lnl = memchr(l, '\n', n - pos);
        const char *le = lnl ? lnl : p + n;
        const char *te = le > l && le[-1] == '\r' ? le - 1 : le;
        if (te == l) { /* the empty line (or the end) */
            h->len = lnl ? (size_t)(lnl - p) + 1 : n;
            return WARC_OK;
        }
        const char *colon = memchr(l, ':', (size_t)(te - l));
        if (colon && !is_sp(*l)) {
            const warc_span name = trim((warc_span){ l, (size_t)(colon - l) });
            const warc_span v = trim((warc_span){ colon + 1, (size_t)(te - colon - 1) });
            if (warc_span_ieq(name, "Content-Type") && !h->content_type.n)
                h->content_type = v;
            else if (warc_span_ieq(name, "Transfer-Encoding") && !h->transfer_encoding.n)
                h->transfer_encoding = v;
            else if (warc_span_ieq(name, "Content-Encoding") && !h->content_encoding.n)
                h->content_encoding = v;
        }
        if (!lnl) { /* the block ends inside the head: no payload */
            h->len = n;
            return WARC_OK;
        }
        pos = (size_t)(lnl - p) + 1;
    }
}

/* ------------------------------------------------------------------ */
/* media types */

int warc_media(const warc_span ct, warc_span *charset)
{
    *charset = (warc_span){ NULL, 0 };
    if (ct.n == 0) /* also keeps NULL + 0 out of the pointer arithmetic below */
        return WARC_MT_OTHER;
    const char *semi = memchr(ct.p, ';', ct.n);
    const warc_span mt = trim((warc_span){ ct.p, semi ? (size_t)(semi - ct.p) : ct.n });
    warc_span msgtype = { NULL, 0 };
    /* parameters: ; name = value (token or quoted string) */
    const char *q = semi;
    const char *const end = ct.p + ct.n;
    while (q && q < end) {
        const char *b = q + 1;
        const char *next = memchr(b, ';', (size_t)(end - b));
        const char *pe = next ? next : end;
        const char *eq = memchr(b, '=', (size_t)(pe - b));
        if (eq) {
            const warc_span name = trim((warc_span){ b, (size_t)(eq - b) });
            warc_span v = trim((warc_span){ eq + 1, (size_t)(pe - eq - 1) });
            if (v.n >= 2 && v.p[0] == '"' && v.p[v.n - 1] == '"')
                v = (warc_span){ v.p + 1, v.n - 2 };
            if (warc_span_ieq(name, "charset") && !charset->n)
                *charset = v;
            else if (warc_span_ieq(name, "msgtype") && !msgtype.n)
                msgtype = v;
        }
        q = next;
    }
    if (warc_span_ieq(mt, "text/plain"))
        return WARC_MT_TEXT;
    if (warc_span_ieq(mt, "text/html") || warc_span_ieq(mt, "application/xhtml+xml"))
        return WARC_MT_HTML;
    if (warc_span_ieq(mt, "application/http") &&
        (msgtype.n == 0 || warc_span_ieq(msgtype, "response")))
        return WARC_MT_HTTP_RESPONSE;
    return WARC_MT_OTHER;
}

/* ------------------------------------------------------------------ */
/* chunked transfer coding */

size_t warc_dechunk(const char *p, size_t n, char *out)
{
    size_t i = 0, o = 0;
    while (i < n) {
        /* chunk size in hex, then optional extensions, then (CR)LF */
        uint64_t sz = 0;
        size_t digits = 0;
        for (; i < n; i++, digits++) {
            const int c = lower((unsigned char)p[i]);
            const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                                              : -1;
            if (d < 0)
                break;
            if (sz > (UINT64_MAX >> 4))
                return (size_t)-1;
            sz = sz * 16 + (uint64_t)d;
        }
        if (digits == 0)
            return (size_t)-1;
        const char *nl = memchr(p + i, '\n', n - i);
        if (!nl)
            return o; /* cut inside a chunk line */
        i = (size_t)(nl - p) + 1;
        if (sz == 0)
            return o; /* last chunk; trailers ignored */
        const size_t take = sz < n - i ? (size_t)sz : n - i;
        memmove(out + o, p + i, take);
        o += take;
        i += take;
        if (i < n && p[i] == '\r')
            i++;
        if (i < n && p[i] == '\n')
            i++;
    }
    return o;
}

/* ------------------------------------------------------------------ */
/* HTML to text */

struct warc_html {
    htmlParserCtxtPtr ctxt;
    char *out;
    size_t len, cap;
    int oom;
    int pending_nl; /* a block boundary was passed since the last text */
    int pending_sp; /* white space was seen since the last text */
};

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

warc_html *warc_html_new(void)
{
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet);
    warc_html *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ctxt = htmlNewParserCtxt();
    if (!c->ctxt) {
        free(c);
        return NULL;
    }
    return c;
}

void warc_html_free(warc_html *c)
{
    if (!c)
        return;
    htmlFreeParserCtxt(c->ctxt);
    free(c->out);
    free(c);
}

static void put(warc_html *c, const char *s, size_t n)
{
    if (c->oom)
        return;
    if (c->cap - c->len < n) {
        size_t nc = c->cap ? c->cap : 4096;
        while (nc - c->len < n)
            nc *= 2;
        char *q = realloc(c->out, nc);
        if (!q) {
            c->oom = 1;
            return;
        }
        c->out = q;
        c->cap = nc;
    }
    memcpy(c->out + c->len, s, n);
    c->len += n;
}

/* Appends a text node: white space runs become one space, and a pending
 * line break or space is written before the next visible byte only. */
static void put_text(warc_html *c, const char *s)
{
    for (;;) {
        /* a run of visible bytes */
        size_t k = 0;
        while (s[k] && !(s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r' ||
                         s[k] == '\f'))
            k++;
        if (k) {
            if (c->len && c->pending_nl)
                put(c, "\n", 1);
            else if (c->len && c->pending_sp)
                put(c, " ", 1);
            c->pending_nl = c->pending_sp = 0;
            put(c, s, k);
            s += k;
        }
        if (!*s)
            return;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f')
            s++;
        c->pending_sp = 1;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Elements whose content is never text (sorted for bsearch). */
static const char *const k_drop[] = { "head", "noscript", "script", "style", "template" };
/* Elements that start and end a line (sorted for bsearch). */
static const char *const k_block[] = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "nav", "ol",
    "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "title", "tr", "ul",
};

static int in_set(const char *name, const char *const *set, size_t n)
{
    return bsearch(&name, set, n, sizeof *set, cmp_str) != NULL;
}

/* The title is kept (as the first line, as Common Crawl's WET files do):
 * <head> is dropped except for it. */
static void walk(warc_html *c, xmlNodePtr root)
{
    xmlNodePtr n = root;
    while (n) {
        int descend = 0;
        if (n->type == XML_ELEMENT_NODE && n->name) {
            const char *name = (const char *)n->name;
            if (strcmp(name, "head") == 0) {
                /* only the title of the head */
                for (xmlNodePtr k = n->children; k; k = k->next)
                    if (k->type == XML_ELEMENT_NODE && k->name &&
                        strcmp((const char *)k->name, "title") == 0) {
                        walk(c, k); /* a block: its own line */
                        c->pending_nl = 1;
                    }
            } else if (!in_set(name, k_drop, sizeof k_drop / sizeof *k_drop)) {
                if (in_set(name, k_block, sizeof k_block / sizeof *k_block))
                    c->pending_nl = 1;
                descend = n->children != NULL;
            }
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
                   n->content) {
            put_text(c, (const char *)n->content);
        }
        if (descend) {
            n = n->children;
            continue;
        }
        /* next sibling, else climb, closing blocks on the way */
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n->type == XML_ELEMENT_NODE && n->name &&
                in_set((const char *)n->name, k_block, sizeof k_block / sizeof *k_block))
                c->pending_nl = 1;
        }
        if (!n || n == root)
            return;
        n = n->next;
    }
}

/* A charset named in the first 2 KiB (<meta charset=...> or <meta http-equiv
 * content="...; charset=...">): the token after "charset" and "=". */
static warc_span meta_charset(const char *html, size_t n)
{
    const size_t lim = n < 2048 ? n : 2048;
    for (size_t i = 0; i + 7 < lim; i++) {
        if (lower((unsigned char)html[i]) != 'c' || strncasecmp(html + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < lim && is_sp(html[j]))
            j++;
        if (j >= lim || html[j] != '=')
            continue;
        j++;
        while (j < lim && (is_sp(html[j]) || html[j] == '"' || html[j] == '\''))
            j++;
        const size_t b = j;
        while (j < lim && ((html[j] >= 'a' && html[j] <= 'z') || (html[j] >= 'A' &&
                           html[j] <= 'Z') || (html[j] >= '0' && html[j] <= '9') ||
                           html[j] == '-' || html[j] == '_' || html[j] == '.' || html[j] == ':'))
            j++;
        if (j > b)
            return (warc_span){ html + b, j - b };
    }
    return (warc_span){ NULL, 0 };
}

/* Copies a charset name into enc and says whether libxml2 can decode it. */
static int known_charset(warc_span cs, char *enc, size_t cap)
{
    if (cs.n == 0 || cs.n >= cap)
        return 0;
    memcpy(enc, cs.p, cs.n);
    enc[cs.n] = '\0';
    xmlCharEncodingHandlerPtr hd = xmlFindCharEncodingHandler(enc);
    if (!hd)
        return 0;
    xmlCharEncCloseFunc(hd);
    return 1;
}

int warc_html_text(warc_html *c, const char *html, size_t n, warc_span charset,
                   const char **text, size_t *len)
{
    c->len = 0;
    c->oom = 0;
    c->pending_nl = c->pending_sp = 0;
    *text = "";
    *len = 0;
    if (n > INT_MAX)
        return -1;
    if (n == 0)
        return 0;
    /* The HTTP charset when libxml2 can decode it, else a <meta> one, else
     * UTF-8. Left to itself libxml2 would assume ISO-8859-1. */
    char enc[64];
    const char *encoding = "UTF-8";
    if (known_charset(charset, enc, sizeof enc) ||
        known_charset(meta_charset(html, n), enc, sizeof enc))
        encoding = enc;
    const int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                     HTML_PARSE_NONET | HTML_PARSE_COMPACT;
    xmlCtxtResetLastError(c->ctxt); /* a reused context keeps the last one */
    xmlDocPtr doc = htmlCtxtReadMemory(c->ctxt, html, (int)n, NULL, encoding, opts);
    /* libxml2 (2.9) halts at xmlParserMaxDepth (256) nested elements unless
     * XML_PARSE_HUGE, which lifts the bound altogether: not for web input.
     * The halt is an error of the context, not a return value. */
    const xmlError *e = xmlCtxtGetLastError(c->ctxt);
    const int deep = e && e->code == XML_ERR_INTERNAL_ERROR && e->message &&
                     strstr(e->message, "Excessive depth") != NULL;
    if (!doc)
        return deep ? WARC_HTML_TOO_DEEP : 0; /* nothing to make a tree of: no text */
    for (xmlNodePtr k = doc->children; k; k = k->next)
        walk(c, k);
    xmlFreeDoc(doc);
    if (c->oom)
        return -1;
    *text = c->out ? c->out : "";
    *len = c->len;
    return deep ? WARC_HTML_TOO_DEEP : 0;
}
