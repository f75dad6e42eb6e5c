/*
 * test_answer.c - the JSON of the persistent index (src/cli/write/answer.c):
 * an answer's exact text, the batch convention (the indexed document is "a",
 * contains and contained-in swapped, offsets and figures swapped), records,
 * statistics, and the memory buffer; and reader records as index documents
 * (src/cli/read/idoc.c).
 */
#include <stdlib.h>
#include <string.h>

#include "nd_test.h"
#include "cli.h"
#include "read/idoc.h"
#include "write/answer.h"

static void test_answer_full(void)
{
    const nd_index_match m[2] = {
        {"old", 3, ND_REL_CONTAINED_IN, 0.7875, 1, 0.7875},
        {"x\"y", 3, ND_REL_NEAR, 0.89333, 0.9243, 0.9638},
    };
    const nd_index_passage p[2] = {
        {"old", 3, 10, 20, 110, 120, 4, 5, 4, 3, -1, 0},
        {"x\"y", 3, 0, 8, 1, 9, 2, 2, 2, 2, 0, ND_PASSAGE_COPY},
    };
    nd_index_answer a;
    memset(&a, 0, sizeof a);
    a.change = ND_INDEX_ADDED;
    a.parts = ND_INDEX_ANSWER_ALL;
    a.rep = "old";
    a.rep_len = 3;
    a.rel = ND_REL_CONTAINED_IN;
    a.resemblance = 0.7875;
    a.doc_in_rep = 1;
    a.rep_in_doc = 0.7875;
    a.matches = m;
    a.num_matches = 2;
    a.passages = p;
    a.num_passages = 2;
    a.has_story = 1;
    a.story = 7;
    a.new_story = 0;
    a.story_similarity = 0.43661;
    a.story_size = 3;
    size_t len = 0;
    char *s = cli_answer_string("new", 3, &a, &len);
    const char *want =
        "{\"id\":\"new\",\"change\":\"added\",\"cluster\":{\"representative\":\"old\","
        "\"relation\":\"contained-in\",\"resemblance\":0.7875,\"member_in_rep\":1,"
        "\"rep_in_member\":0.7875},\"pairs\":[{\"a\":\"old\",\"b\":\"new\",\"relation\":"
        "\"contains\",\"resemblance\":0.7875,\"a_in_b\":0.7875,\"b_in_a\":1},{\"a\":"
        "\"x\\\"y\",\"b\":\"new\",\"relation\":\"near-duplicate\",\"resemblance\":0.8933,"
        "\"a_in_b\":0.9638,\"b_in_a\":0.9243}],\"passages\":[{\"a\":\"old\",\"b\":\"new\","
        "\"a_start\":110,\"a_end\":120,\"b_start\":10,\"b_end\":20,\"a_words\":5,"
        "\"b_words\":4,\"words\":4,\"score\":3,\"identity\":0.8,\"likely_source\":\"new\"},"
        "{\"a\":\"x\\\"y\",\"b\":\"new\",\"a_start\":1,\"a_end\":9,\"b_start\":0,\"b_end\":8,"
        "\"a_words\":2,\"b_words\":2,\"words\":2,\"score\":2,\"identity\":1,"
        "\"likely_source\":null,\"relation\":\"copy\"}],\"story\":{\"story\":7,"
        "\"new\":false,\"similarity\":0.4366,"
        "\"size\":3}}";
    ND_CHECK(s != NULL);
    ND_CHECK_MSG(s && strcmp(s, want) == 0, "got %s", s ? s : "(null)");
    ND_CHECK(s && len == strlen(want));
    free(s);
}

static void test_answer_alone(void)
{
    nd_index_answer a;
    memset(&a, 0, sizeof a);
    a.change = ND_INDEX_QUERIED;
    a.rep = "me";
    a.rep_len = 2;
    /* a query asking for the duplicates only: no "passages" member */
    char *s = cli_answer_string("me", 2, &a, NULL);
    ND_CHECK_MSG(s && strcmp(s, "{\"id\":\"me\",\"change\":\"query\",\"cluster\":{"
                                "\"representative\":\"me\",\"relation\":\"representative\"},"
                                "\"pairs\":[]}") == 0,
                 "got %s", s ? s : "(null)");
    free(s);
    a.parts = ND_INDEX_ANSWER_ALL;
    s = cli_answer_string("me", 2, &a, NULL);
    ND_CHECK_MSG(s && strcmp(s, "{\"id\":\"me\",\"change\":\"query\",\"cluster\":{"
                                "\"representative\":\"me\",\"relation\":\"representative\"},"
                                "\"pairs\":[],\"passages\":[]}") == 0,
                 "got %s", s ? s : "(null)");
    free(s);
    a.change = ND_INDEX_UNCHANGED;
    a.has_story = 1;
    a.new_story = 1;
    a.story_similarity = 1;
    a.story_size = 1;
    s = cli_answer_string("me", 2, &a, NULL);
    ND_CHECK_MSG(s && strstr(s, "\"change\":\"unchanged\"") &&
                 strstr(s, ",\"story\":{\"story\":0,\"new\":true,\"similarity\":1,"
                           "\"size\":1}}") != NULL, "got %s", s ? s : "(null)");
    free(s);
    /* a later passage of the indexed document: likely_source is the other */
    const nd_index_passage p = {"o", 1, 0, 1, 2, 3, 1, 1, 1, 1, 1, 0};
    a.passages = &p;
    a.num_passages = 1;
    s = cli_answer_string("me", 2, &a, NULL);
    ND_CHECK_MSG(s && strstr(s, "\"likely_source\":\"o\"}") != NULL, "got %s", s ? s : "");
    free(s);
    ND_CHECK(strcmp(cli_change_name(ND_INDEX_REPLACED), "replaced") == 0);
}

static void test_record_stats(void)
{
    nd_index_record r;
    memset(&r, 0, sizeof r);
    r.id = "b";
    r.id_len = 1;
    r.seq = 4;
    r.rep = "a";
    r.rep_len = 1;
    r.rel = ND_REL_EXACT;
    r.date = "2024-04-12";
    r.date_len = 10;
    r.length = 99;
    cli_membuf b;
    ND_CHECK(cli_membuf_open(&b) == 0);
    cli_record_json(b.fp, &r);
    fputc('\n', b.fp);
    r.has_story = 1;
    r.story = 2;
    r.source = "S";
    r.source_len = 1;
    r.rel = ND_REL_NONE;
    r.rep = "b";
    cli_record_json(b.fp, &r);
    ND_CHECK(cli_membuf_close(&b) == 0);
    const char *want =
        "{\"id\":\"b\",\"seq\":4,\"representative\":\"a\",\"relation\":\"exact\",\"date\":"
        "\"2024-04-12\",\"source\":null,\"title\":null,\"length\":99,\"story\":null}\n"
        "{\"id\":\"b\",\"seq\":4,\"representative\":\"b\",\"relation\":\"representative\","
        "\"date\":\"2024-04-12\",\"source\":\"S\",\"title\":null,\"length\":99,\"story\":2}";
    ND_CHECK_MSG(b.data && strcmp(b.data, want) == 0, "got %s", b.data ? b.data : "");
    ND_CHECK(b.len == strlen(want));
    free(b.data);

    const nd_index_stats st = {10, 2, 3, 5, 100, 50, 4, 1, 8192, 4096, 1048576, 1};
    ND_CHECK(cli_membuf_open(&b) == 0);
    cli_stats_json(b.fp, &st);
    ND_CHECK(cli_membuf_close(&b) == 0);
    ND_CHECK_MSG(b.data && strcmp(b.data, "{\"docs\":10,\"clusters\":2,\"removed_dups\":3,"
                                          "\"stories\":5,\"postings\":100,\"terms\":50,"
                                          "\"adds\":4,\"removes\":1,\"file_bytes\":8192,"
                                          "\"used_bytes\":4096,\"map_bytes\":1048576,"
                                          "\"format_version\":1}") == 0,
                 "got %s", b.data ? b.data : "");
    free(b.data);
}

static void test_idoc(void)
{
    rd_record r;
    memset(&r, 0, sizeof r);
    char id[] = "doc-1", text[] = "some text", date[] = "1970-01-03", title[] = "T";
    r.id = id;
    r.id_len = 5;
    r.text = text;
    r.text_len = 9;
    r.date = date;
    r.date_len = 10;
    r.title = title;
    r.title_len = 1;
    nd_index_doc d;
    cli_idoc_of_record(&r, &d);
    ND_CHECK(d.has_date && d.date_days == 2 && d.source == NULL && d.title_len == 1);
    cli_idoc_batch b;
    memset(&b, 0, sizeof b);
    for (int i = 0; i < 20; i++)
        ND_CHECK(cli_idoc_push(&b, &r, i ? NULL : "french") == 0);
    /* the copies outlive the record */
    memset(id, 'x', 5);
    memset(text, 'x', 9);
    ND_CHECK(b.n == 20);
    ND_CHECK(memcmp(b.docs[19].id, "doc-1", 5) == 0 && b.docs[19].id_len == 5);
    ND_CHECK(memcmp(b.docs[0].text, "some text", 9) == 0 && b.docs[0].has_date);
    ND_CHECK(b.docs[0].lang_len == 6 && b.docs[1].lang == NULL);
    ND_CHECK(strcmp(b.docs[3].date, "1970-01-03") == 0 && b.docs[3].source == NULL);
    /* a date that does not parse is kept, undated */
    r.date = "soon";
    r.date_len = 4;
    cli_idoc_clear(&b);
    ND_CHECK(b.n == 0);
    ND_CHECK(cli_idoc_push(&b, &r, NULL) == 0);
    ND_CHECK(b.docs[0].has_date == 0 && b.docs[0].date_len == 4);
    cli_idoc_free(&b);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    ND_RUN(test_answer_full);
    ND_RUN(test_answer_alone);
    ND_RUN(test_record_stats);
    ND_RUN(test_idoc);
    return nd_test_end("test_answer");
}
