/*
 * nd_test_corpus.h - a corpus of texts held in memory, and the nd_text_fn
 * over it, for the unit tests of nd_reuse and nd_story.
 */
#ifndef ND_TEST_CORPUS_H
#define ND_TEST_CORPUS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neardup.h"

typedef struct corpus {
    char **text;
    size_t *len;
    size_t n;
} corpus;

/* The nd_text_fn: ctx is the corpus. */
static inline nd_status get_text(void *ctx, uint32_t doc, unsigned slot, const char **t,
                                 size_t *len)
{
    (void)slot;
    const corpus *c = ctx;
    if (doc >= c->n)
        return ND_E_PARAM;
    *t = c->text[doc];
    *len = c->len[doc];
    return ND_OK;
}

/* Appends a copy of s as the next document. */
static inline void add(corpus *c, const char *s)
{
    c->text = realloc(c->text, (c->n + 1) * sizeof *c->text);
    c->len = realloc(c->len, (c->n + 1) * sizeof *c->len);
    c->text[c->n] = strdup(s);
    c->len[c->n] = strlen(s);
    c->n++;
}

static inline void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->text[i]);
    free(c->text);
    free(c->len);
    memset(c, 0, sizeof *c);
}

#endif
