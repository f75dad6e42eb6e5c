/*
 * warc_read.c - reader throughput: reads inputs through rd_open/rd_next only
 * (no sketching) and reports decoded MB/s per CPU second.
 *
 *   make warc-read
 *   bench/gen_wet.py --size-mb 200 --seed 1 /tmp/a.wet          # plain
 *   bench/gen_wet.py --size-mb 200 --seed 1 --gzip /tmp/a.wet.gz # gzip per record
 *   build/rel/bench/warc_read /tmp/a.wet; build/rel/bench/warc_read /tmp/a.wet.gz
 *
 * Output: records, text bytes, decoded record bytes, CPU seconds, MB/s
 * (decoded record bytes / CPU time; 1 MB = 10^6 bytes). Run it twice and
 * take the second, so the file comes from the page cache. With --format F
 * any reader format can be timed the same way.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "read/reader.h"

static void on_err(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "warc_read: %s\n", msg);
}

int main(int argc, char **argv)
{
    rd_opts o;
    memset(&o, 0, sizeof o);
    o.on_error_skip = 1;
    o.on_error = on_err;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--format") == 0) {
        const char *f = argv[2];
        o.format = strcmp(f, "warc") == 0 ? RD_WARC : strcmp(f, "jsonl") == 0 ? RD_JSONL
                   : strcmp(f, "lines") == 0 ? RD_LINES : strcmp(f, "text") == 0 ? RD_TEXT
                   : RD_AUTO;
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: warc_read [--format F] INPUT...\n");
        return 1;
    }
    rd_reader *r = rd_open((const char *const *)(argv + first), (size_t)(argc - first), &o);
    if (!r)
        return 4;
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    uint64_t raw = 0, n = 0;
    unsigned sink = 0;
    rd_record rec;
    int rc;
    while ((rc = rd_next(r, &rec)) != RD_END) {
        if (rc == RD_ERR_NOMEM)
            return 4;
        if (rc != RD_OK)
            continue;
        raw += rec.raw_len;
        n++;
        if (rec.text_len) /* touch the text as a consumer would start to */
            sink += (unsigned char)rec.text[rec.text_len - 1];
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    rd_stats st;
    rd_get_stats(r, &st);
    rd_close(r);
    const double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (st.skipped || st.ignored || st.failed_inputs)
        printf("skipped %" PRIu64 " ignored %" PRIu64 " failed_inputs %" PRIu64 "\n", st.skipped,
               st.ignored, st.failed_inputs);
    printf("records %" PRIu64 " text_bytes %" PRIu64 " record_bytes %" PRIu64
           " cpu_s %.3f MB/s %.0f%s\n", n, st.bytes, raw, s, s > 0 ? (double)raw / s / 1e6 : 0.0,
           sink == 1u ? " " : "");
    return 0;
}
