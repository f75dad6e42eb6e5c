/*
 * test_structure.c - nd_header_block_end (src/lib/text/structure.c): the
 * header block a mail or news message opens with, and texts that do not
 * open with one.
 */
#include <stdio.h>
#include <string.h>

#include "nd_internal.h"
#include "nd_test.h"

static size_t end_of(const char *s)
{
    return nd_header_block_end(s, strlen(s));
}

static void test_blocks(void)
{
    const char *news = "Xref: cantaloupe alt.atheism:49960\nPath: a!b!c\n"
                       "From: mathew <mathew@mantis.co.uk>\nSubject: Alt.Atheism FAQ\n"
                       "Lines: 290\n\nArchive-name: atheism/resources\nThe body.\n";
    ND_CHECK(end_of(news) == (size_t)(strstr(news, "Archive-name") - news));
    const char *mail = "Received: from x\r\n\tby y; Tue, 26 Feb 2019\r\nFrom: a@b\r\n"
                       "To: c@d\r\n\r\nHello.\r\n";
    ND_CHECK(end_of(mail) == (size_t)(strstr(mail, "Hello") - mail));
    /* fields, but none a message carries; one field only; no empty line; a
     * line that is not a field; a continuation first; prose */
    ND_CHECK(end_of("Note: read this\nWarning: hot\n\nBody.\n") == 0);
    ND_CHECK(end_of("Subject: one field\n\nBody.\n") == 0);
    ND_CHECK(end_of("From: a\nSubject: b\nBody without a blank line.\n") == 0);
    ND_CHECK(end_of("From: a\nSubject: b\n") == 0);
    ND_CHECK(end_of("From: a\nthis is not a field\nSubject: b\n\nx\n") == 0);
    ND_CHECK(end_of(" From: a\nSubject: b\n\nx\n") == 0);
    ND_CHECK(end_of("The minister said: no.\nFrom: a\n\nx\n") == 0);
    ND_CHECK(end_of("") == 0);
    ND_CHECK(end_of("\nFrom: a\nSubject: b\n\nx\n") == 0);
    /* exactly n bytes are read: the block ends before the cut */
    const char *cut = "From: a\nSubject: b\n\nbody";
    ND_CHECK(nd_header_block_end(cut, 19) == 0);  /* the empty line's newline is not in */
    ND_CHECK(nd_header_block_end(cut, 20) == 20);
}

int main(int argc, char **argv)
{
    nd_test_begin(argc, argv);
    ND_RUN(test_blocks);
    return nd_test_end("test_structure");
}
