/*
 * answer.c - JSON of the persistent index's answers, records and statistics
 * (see answer.h), shared by `neardup index` and the HTTP service.
 *
 * DESIGN
 *   The library gives an answer from the new document's side (its relation
 *   to each indexed one, its own offsets first); the batch outputs name the
 *   earlier document "a". The index is in add order, so every indexed
 *   document is earlier than the one answered for: it becomes "a", and the
 *   figures and offsets are swapped to match. Everything is written with
 *   stdio to a FILE, which is a memory stream (open_memstream) when the
 *   caller needs a string: one writer for both, and the number and string
 *   formats of output.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "write/answer.h"
#include "write/output.h"

const char *cli_change_name(nd_index_change c)
{
    switch (c) {
    case ND_INDEX_ADDED: return "added";
    case ND_INDEX_REPLACED: return "replaced";
    case ND_INDEX_UNCHANGED: return "unchanged";
    case ND_INDEX_QUERIED: default: return "query";
    }
}

/* The relation of the other document to this one, from this one's to it. */
static nd_relation swap_rel(nd_relation r)
{
    return r == ND_REL_CONTAINS ? ND_REL_CONTAINED_IN
           : r == ND_REL_CONTAINED_IN ? ND_REL_CONTAINS : r;
}

static void put_fig(FILE *fp, const char *key, double v)
{
    fprintf(fp, ",\"%s\":", key);
    cli_json_num(fp, v);
}

static void put_str_or_null(FILE *fp, const char *s, size_t n)
{
    if (s)
        cli_json_str(fp, s, n);
    else
        fputs("null", fp);
}

int cli_answer_part(const char *name, size_t len)
{
    static const struct {
        const char *name;
        unsigned bit;
    } k[] = {{"duplicates", 0},
             {"passages", ND_INDEX_ANSWER_PASSAGES},
             {"story", ND_INDEX_ANSWER_STORY},
             {"all", ND_INDEX_ANSWER_ALL}};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (strlen(k[i].name) == len && memcmp(k[i].name, name, len) == 0)
            return (int)k[i].bit;
    return -1;
}

int cli_parse_answers(const char *list, unsigned *parts, const char **bad, size_t *bad_len)
{
    unsigned got = 0;
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        const int bit = cli_answer_part(p, len);
        if (bit < 0) {
            *bad = p;
            *bad_len = len;
            return -1;
        }
        got |= (unsigned)bit;
        if (!e)
            break;
        p = e + 1;
    }
    *parts = got;
    return 0;
}

/* One passage of the answer for id: {"a":OTHER,"b":ID,...} (see answer.h). */
static void put_passage(FILE *fp, const char *id, size_t id_len, const nd_index_passage *p)
{
    fputs("{\"a\":", fp);
    cli_json_str(fp, p->other, p->other_len);
    fputs(",\"b\":", fp);
    cli_json_str(fp, id, id_len);
    fprintf(fp, ",\"a_start\":%u,\"a_end\":%u,\"b_start\":%u,\"b_end\":%u",
            p->other_start, p->other_end, p->start, p->end);
    fprintf(fp, ",\"a_words\":%u,\"b_words\":%u,\"words\":%u,\"score\":%d",
            p->other_words, p->words, p->matches, p->score);
    const uint32_t mx = p->words > p->other_words ? p->words : p->other_words;
    put_fig(fp, "identity", mx ? (double)p->matches / mx : 0);
    fputs(",\"likely_source\":", fp);
    if (p->earlier < 0)
        cli_json_str(fp, id, id_len);
    else if (p->earlier > 0)
        cli_json_str(fp, p->other, p->other_len);
    else
        fputs("null", fp);
    if (p->flags & ND_PASSAGE_COPY)
        fputs(",\"relation\":\"copy\"", fp);
    fputc('}', fp);
}

void cli_answer_json(FILE *fp, const char *id, size_t id_len, const nd_index_answer *a)
{
    fputs("{\"id\":", fp);
    cli_json_str(fp, id, id_len);
    fprintf(fp, ",\"change\":\"%s\",\"cluster\":{\"representative\":", cli_change_name(a->change));
    if (a->rep)
        cli_json_str(fp, a->rep, a->rep_len);
    else
        cli_json_str(fp, id, id_len);
    if (a->rel == ND_REL_NONE) {
        fputs(",\"relation\":\"representative\"}", fp);
    } else {
        fprintf(fp, ",\"relation\":\"%s\"", nd_relation_name(a->rel));
        put_fig(fp, "resemblance", a->resemblance);
        put_fig(fp, "member_in_rep", a->doc_in_rep);
        put_fig(fp, "rep_in_member", a->rep_in_doc);
        fputc('}', fp);
    }
    fputs(",\"pairs\":[", fp);
    for (size_t i = 0; i < a->num_matches; i++) {
        const nd_index_match *m = &a->matches[i];
        fputs(i ? ",{\"a\":" : "{\"a\":", fp);
        cli_json_str(fp, m->id, m->id_len);
        fputs(",\"b\":", fp);
        cli_json_str(fp, id, id_len);
        fprintf(fp, ",\"relation\":\"%s\"", nd_relation_name(swap_rel(m->rel)));
        put_fig(fp, "resemblance", m->resemblance);
        put_fig(fp, "a_in_b", m->other_in_doc);
        put_fig(fp, "b_in_a", m->doc_in_other);
        fputc('}', fp);
    }
    fputc(']', fp);
    if (a->parts & ND_INDEX_ANSWER_PASSAGES) {
        fputs(",\"passages\":[", fp);
        for (size_t i = 0; i < a->num_passages; i++) {
            if (i)
                fputc(',', fp);
            put_passage(fp, id, id_len, &a->passages[i]);
        }
        fputc(']', fp);
    }
    if (a->has_story) {
        fprintf(fp, ",\"story\":{\"story\":%llu,\"new\":%s", (unsigned long long)a->story,
                a->new_story ? "true" : "false");
        put_fig(fp, "similarity", a->story_similarity);
        fprintf(fp, ",\"size\":%llu}", (unsigned long long)a->story_size);
    }
    fputc('}', fp);
}

void cli_record_json(FILE *fp, const nd_index_record *r)
{
    fputs("{\"id\":", fp);
    cli_json_str(fp, r->id, r->id_len);
    fprintf(fp, ",\"seq\":%llu,\"representative\":", (unsigned long long)r->seq);
    if (r->rep)
        cli_json_str(fp, r->rep, r->rep_len);
    else
        cli_json_str(fp, r->id, r->id_len);
    fprintf(fp, ",\"relation\":\"%s\",\"date\":",
            r->rel == ND_REL_NONE ? "representative" : nd_relation_name(r->rel));
    put_str_or_null(fp, r->date, r->date_len);
    fputs(",\"source\":", fp);
    put_str_or_null(fp, r->source, r->source_len);
    fputs(",\"title\":", fp);
    put_str_or_null(fp, r->title, r->title_len);
    fprintf(fp, ",\"length\":%llu,\"story\":", (unsigned long long)r->length);
    if (r->has_story)
        fprintf(fp, "%llu}", (unsigned long long)r->story);
    else
        fputs("null}", fp);
}

void cli_stats_json(FILE *fp, const nd_index_stats *s)
{
    fprintf(fp,
            "{\"docs\":%llu,\"clusters\":%llu,\"removed_dups\":%llu,\"stories\":%llu,"
            "\"postings\":%llu,\"terms\":%llu,\"adds\":%llu,\"removes\":%llu,"
            "\"file_bytes\":%llu,\"used_bytes\":%llu,\"map_bytes\":%llu,"
            "\"format_version\":%u}",
            (unsigned long long)s->docs, (unsigned long long)s->clusters,
            (unsigned long long)s->removed_dups, (unsigned long long)s->stories,
            (unsigned long long)s->postings, (unsigned long long)s->terms,
            (unsigned long long)s->adds, (unsigned long long)s->removes,
            (unsigned long long)s->file_bytes, (unsigned long long)s->used_bytes,
            (unsigned long long)s->map_bytes, s->format_version);
}

int cli_membuf_open(cli_membuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->fp = open_memstream(&b->data, &b->len);
    return b->fp ? 0 : -1;
}

int cli_membuf_close(cli_membuf *b)
{
    /* A memory stream fails only for memory: the error flag, or the final
     * flush in fclose(). */
    const int bad = ferror(b->fp);
    const int rc = fclose(b->fp);
    b->fp = NULL;
    if (bad || rc != 0 || !b->data) {
        free(b->data);
        b->data = NULL;
        b->len = 0;
        return -1;
    }
    return 0;
}

char *cli_answer_string(const char *id, size_t id_len, const nd_index_answer *a, size_t *len)
{
    cli_membuf b;
    if (cli_membuf_open(&b) != 0)
        return NULL;
    cli_answer_json(b.fp, id, id_len, a);
    if (cli_membuf_close(&b) != 0)
        return NULL;
    if (len)
        *len = b.len;
    return b.data;
}
