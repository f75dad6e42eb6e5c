/* idoc.c - reader records as nd_index documents, and batches of copies (idoc.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "read/date.h"
#include "read/idoc.h"

void cli_idoc_of_record(const rd_record *r, nd_index_doc *d)
{
    memset(d, 0, sizeof *d);
    d->id = r->id;
    d->id_len = r->id_len;
    d->text = r->text;
    d->text_len = r->text_len;
    d->title = r->title;
    d->title_len = r->title ? r->title_len : 0;
    d->source = r->source;
    d->source_len = r->source ? r->source_len : 0;
    d->date = r->date;
    d->date_len = r->date ? r->date_len : 0;
    if (r->date && cli_parse_date(r->date, r->date_len, &d->date_days) == 0)
        d->has_date = 1;
}

/* Copies s[0..n) to *at and moves *at past it; NULL stays NULL. */
static const char *put(char **at, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = *at;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    *at = p + n + 1;
    return p;
}

int cli_idoc_push(cli_idoc_batch *b, const rd_record *r, const char *lang)
{
    if (b->n == b->cap) {
        size_t cap = b->cap, cap2 = b->cap;
        if (cli_grow((void **)&b->docs, &cap, b->n + 1, sizeof *b->docs) != 0 ||
            cli_grow((void **)&b->blocks, &cap2, b->n + 1, sizeof *b->blocks) != 0)
            return -1;
        b->cap = cap < cap2 ? cap : cap2;
    }
    nd_index_doc d;
    cli_idoc_of_record(r, &d);
    /* each string NUL-terminated, so that a copy is a C string too */
    const size_t need = d.id_len + d.text_len + d.title_len + d.source_len + d.date_len + 5;
    char *blk = malloc(need);
    if (!blk)
        return -1;
    char *at = blk;
    d.id = put(&at, d.id, d.id_len);
    d.text = put(&at, d.text ? d.text : "", d.text_len);
    d.title = put(&at, d.title, d.title_len);
    d.source = put(&at, d.source, d.source_len);
    d.date = put(&at, d.date, d.date_len);
    if (lang) {
        d.lang = lang;
        d.lang_len = strlen(lang);
    }
    b->docs[b->n] = d;
    b->blocks[b->n] = blk;
    b->n++;
    return 0;
}

void cli_idoc_clear(cli_idoc_batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->blocks[i]);
    b->n = 0;
}

void cli_idoc_free(cli_idoc_batch *b)
{
    cli_idoc_clear(b);
    free(b->docs);
    free(b->blocks);
    memset(b, 0, sizeof *b);
}
