/*
 * stories.c - the stories of a corpus (see corpus.h): an nd_story with every
 * document, its title and date, linked to its copies and to the documents it
 * shares passages with, and its vectors. `neardup stories`, `similarity` and
 * `analyze` build their stories here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corpus/corpus.h"

typedef struct cut_ctx {
    rrun *r;
    char **buf;
    size_t *cap;
    size_t nslots;
} cut_ctx;

/* corpus_text, with the document's boilerplate cut out (when it was found). */
static nd_status cut_text(void *ctx, uint32_t doc, unsigned slot, const char **text, size_t *len)
{
    cut_ctx *c = ctx;
    nd_status st = corpus_text(c->r, doc, slot, text, len);
    const nd_span *sp;
    size_t ns;
    if (st != ND_OK || nd_reuse_doc_boilerplate(c->r->ru, doc, &sp, &ns) != ND_OK || ns == 0)
        return st;
    if (slot >= c->nslots)
        return ND_E_PARAM;
    if (*len + 1 > c->cap[slot]) {
        char *b = realloc(c->buf[slot], *len + 1);
        if (!b)
            return ND_E_NOMEM;
        c->buf[slot] = b;
        c->cap[slot] = *len + 1;
    }
    *len = corpus_cut_spans(*text, *len, sp, ns, c->buf[slot]);
    *text = c->buf[slot];
    return ND_OK;
}

/* A new nd_story with every document, its title and date, linked to its
 * copies' representative and to the documents it shares a passage with. */
int corpus_story_add(rrun *r, const char *cmd, const char *lang, const nd_passage *ps,
                     size_t nps, nd_story **out)
{
    nd_status st;
    nd_story *sy = NULL;
    st = nd_story_create(&sy, r->params, lang, NULL);
    *out = sy; /* the caller destroys it, whatever happens next */
    if (st != ND_OK) {
        if (st == ND_E_PARAM)
            return cli_usage_error(cmd, "--lang: libstemmer knows no language '%s' "
                                        "(english, french, german, ..., or none)", lang);
        cli_log(1, "cannot start: %s", nd_strerror(st));
        return EXIT_INTERNAL;
    }
    for (uint32_t d = 0; d < r->ndocs; d++) {
        nd_story_doc sd;
        memset(&sd, 0, sizeof sd);
        sd.title = corpus_meta_str(r, r->title_off, d);
        sd.title_len = sd.title ? strlen(sd.title) : 0;
        if (!isnan(r->date[d])) {
            sd.has_date = 1;
            sd.date = r->date[d];
        }
        /* its template: another report on its form is another story */
        if (r->dd && nd_dedup_template(r->dd, d, &sd.form, &sd.report) != ND_OK)
            sd.form = sd.report = 0;
        if ((st = nd_story_add(sy, &sd)) != ND_OK) {
            cli_log(1, "%s", nd_strerror(st));
            return cli_exit_status(st);
        }
        /* its copies (not the other reports on its form: the story decides) */
        if (r->reps && r->reps[d] != d && r->reps[d] != ND_NO_GROUP &&
            nd_story_link(sy, d, r->reps[d]) != ND_OK) {
            cli_log(1, "out of memory linking the copies");
            return EXIT_INTERNAL;
        }
    }
    for (size_t i = 0; i < nps; i++)
        if (nd_story_link(sy, ps[i].a, ps[i].b) != ND_OK) {
            cli_log(1, "out of memory linking the passages");
            return EXIT_INTERNAL;
        }
    return 0;
}

/* The document vectors, weighted with the collection's frequencies plus the
 * --model's; without boilerplate when it was looked for. */
int corpus_story_vectors(rrun *r, nd_story *sy, const char *model, int cut)
{
    nd_status st;
    if (model && (st = nd_story_model_load(sy, model)) != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_story_errdetail(sy), st));
        return cli_exit_status(st); /* 3 corrupt or other version, 4 memory, 2 else */
    }
    /* the slots of corpus_text, each a buffer of its own */
    cut_ctx cc = {r, calloc(r->nslots, sizeof *cc.buf), calloc(r->nslots, sizeof *cc.cap),
                  r->nslots};
    if (!cc.buf || !cc.cap) {
        free(cc.buf);
        free(cc.cap);
        return EXIT_INTERNAL;
    }
    cli_stage("story vectors");
    st = nd_story_vectors(sy, cut ? cut_text : corpus_text, cut ? (void *)&cc : (void *)r);
    for (size_t i = 0; i < cc.nslots; i++)
        free(cc.buf[i]);
    free(cc.buf);
    free(cc.cap);
    if (st != ND_OK) {
        cli_log(1, "%s", cli_detail(nd_story_errdetail(sy), st));
        return cli_exit_status(st);
    }
    return 0;
}
