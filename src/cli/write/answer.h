/*
 * answer.h - JSON of the persistent index (nd_index): the answer for one
 * document, a stored record, the statistics (answer.c; CLI only, never
 * installed). `neardup index` writes them to a FILE; the HTTP service builds
 * a string with cli_membuf.
 *
 * Every object is written on one line, without spaces and without a final
 * newline, in the conventions of docs/output-format.md (cli_json_str ids,
 * cli_json_num figures). The pairs and passages of an answer follow the batch
 * convention: "a" is the document earlier in index order - the indexed one -
 * and "b" the document answered for.
 */
#ifndef ND_ANSWER_H
#define ND_ANSWER_H

#include <stddef.h>
#include <stdio.h>

#include "neardup.h"

/* The answer for the document id[0..id_len) (the nd_index_doc's id):
 *   {"id":ID,"change":"added"|"replaced"|"unchanged"|"query",
 *    "cluster":{"representative":REP,"relation":"representative"|"exact"|
 *               "near-duplicate"|"contained-in"
 *               [,"resemblance":N,"member_in_rep":N,"rep_in_member":N]},
 *    "pairs":[{"a":OTHER,"b":ID,"relation":R,"resemblance":N,"a_in_b":N,
 *              "b_in_a":N},...],
 *    [,"passages":[{"a":OTHER,"b":ID,"a_start":N,"a_end":N,"b_start":N,"b_end":N,
 *                 "a_words":N,"b_words":N,"words":N,"score":N,"identity":N,
 *                 "likely_source":ID|OTHER|null},...]]
 *    [,"story":{"story":N,"new":true|false,"similarity":N,"size":N}]}
 * A pair's relation is OTHER's relation to ID (contains and contained-in are
 * swapped from nd_index_match.rel); "passages" is absent when the query did
 * not ask for them (nd_index_answer.parts), "story" when it did not or the
 * index keeps no stories. */
void cli_answer_json(FILE *fp, const char *id, size_t id_len, const nd_index_answer *a);

/* The parts of an answer a query asks for (nd_index_session_set_answers), by
 * name: "duplicates" (the cluster and pairs, always given: 0), "passages"
 * (ND_INDEX_ANSWER_PASSAGES), "story" (ND_INDEX_ANSWER_STORY), "all". The
 * bit of name[0..len), or -1 for another name. */
int cli_answer_part(const char *name, size_t len);
/* A comma-separated list of those names (--answers): 0 and *parts set, or -1
 * (an empty list or an unknown name: *bad, *bad_len name it). */
int cli_parse_answers(const char *list, unsigned *parts, const char **bad, size_t *bad_len);
/* The names, for messages and help. */
#define CLI_ANSWER_PARTS "duplicates, passages, story, all"

/* A stored document (nd_index_get, nd_index_each):
 *   {"id":ID,"seq":N,"representative":REP,"relation":"representative"|R,
 *    "date":S|null,"source":S|null,"title":S|null,"length":N,"story":N|null} */
void cli_record_json(FILE *fp, const nd_index_record *r);

/* The statistics (nd_index_stats_get), every field under its own name:
 *   {"docs":N,"clusters":N,"removed_dups":N,"stories":N,"postings":N,"terms":N,
 *    "adds":N,"removes":N,"file_bytes":N,"used_bytes":N,"map_bytes":N,
 *    "format_version":N} */
void cli_stats_json(FILE *fp, const nd_index_stats *s);

/* "added", "replaced", "unchanged" or "query". */
const char *cli_change_name(nd_index_change c);

/* A text built in memory (open_memstream): open, write to b->fp with the
 * functions above (or any stdio call), close. After a successful close,
 * b->data (malloc'd, NUL-terminated; the caller free()s it) holds b->len
 * bytes. Both return 0, or -1 when out of memory (nothing to free then). */
typedef struct cli_membuf {
    FILE *fp;
    char *data;
    size_t len;
} cli_membuf;
int cli_membuf_open(cli_membuf *b);
int cli_membuf_close(cli_membuf *b);

/* cli_answer_json() into a new string (free() it); NULL when out of memory.
 * *len (may be NULL) receives its length. */
char *cli_answer_string(const char *id, size_t id_len, const nd_index_answer *a, size_t *len);

#endif
