/*
 * dist.c - the processes of a distributed run (dist.h): MPI under ND_MPI
 * (neardup-mpi), one process otherwise.
 *
 * DESIGN
 *   The library's nd_comm has one primitive, an all-to-all exchange; here it
 *   is MPI_Alltoall of the byte counts, then MPI_Alltoallv of the bytes, cut
 *   into rounds of at most 1 GiB a peer (MPI counts are int). MPI calls return
 *   errors (MPI_ERRORS_RETURN) instead of aborting, so a process that sees
 *   one names its stage before the job ends. Only the main thread calls MPI
 *   (MPI_THREAD_FUNNELED); the sketching and verification threads never do.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dist/dist.h"

#ifdef ND_MPI
#include <mpi.h>
#endif

static unsigned g_rank, g_size = 1;
static const char *volatile g_stage = "start";
static char g_prefix[64] = "neardup";

#define MAX_STAGES 32
static const char *g_stage_names[MAX_STAGES];
static uint64_t g_stage_bytes[MAX_STAGES];
static size_t g_nstages;

/* The slot of stage in names[0..*n), added when new; MAX_STAGES when full. */
static size_t stage_slot(const char **names, size_t *n, const char *stage)
{
    size_t i = 0;
    while (i < *n && strcmp(names[i], stage) != 0)
        i++;
    if (i == *n && *n < MAX_STAGES)
        names[(*n)++] = stage;
    return i;
}

/* The test hook ND_TEST_PAUSE_STAGE=STAGE:MS (docs/distributed.md): a process
 * entering STAGE says so with its pid on stderr and sleeps MS milliseconds,
 * once, so that a test can kill it there. */
static void pause_at(const char *stage)
{
    static int done;
    const char *e = getenv("ND_TEST_PAUSE_STAGE");
    const char *colon = e ? strrchr(e, ':') : NULL;
    if (done || !colon || strlen(stage) != (size_t)(colon - e) ||
        strncmp(e, stage, (size_t)(colon - e)) != 0)
        return;
    done = 1;
    const long ms = strtol(colon + 1, NULL, 10);
    fprintf(stderr, "%s: pid %ld: pausing %ld ms in stage '%s'\n", g_prefix, (long)getpid(),
            ms, stage);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (ms > 0 && nanosleep(&ts, &ts) != 0)
        ;
}

unsigned cli_dist_rank(void) { return g_rank; }
unsigned cli_dist_size(void) { return g_size; }
/* Wall time spent in each stage named by cli_dist_stage (the command's own). */
static const char *g_time_names[MAX_STAGES];
static double g_time_s[MAX_STAGES];
static size_t g_ntimes;
static double g_since = -1;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_dist_stage(const char *stage)
{
    const double t = now_s();
    if (g_since >= 0) {
        const size_t i = stage_slot(g_time_names, &g_ntimes, g_stage);
        if (i < MAX_STAGES)
            g_time_s[i] += t - g_since;
    }
    g_since = t;
    g_stage = stage;
    pause_at(stage);
}

size_t cli_dist_times(const char *const **stages, const double **seconds)
{
    cli_dist_stage(g_stage);  /* closes the current stage */
    *stages = g_time_names;
    *seconds = g_time_s;
    return g_ntimes;
}

/* This process's files: [g_lo, g_hi) of the walk. */
static uint64_t g_lo, g_hi = UINT64_MAX;

int cli_dist_want_file(void *ctx, uint64_t file_no, uint64_t size)
{
    (void)ctx;
    (void)size;
    return file_no >= g_lo && file_no < g_hi;
}

typedef struct sizes {
    uint64_t *v;
    size_t n, cap;
    int nomem;
} sizes;

static int list_file(void *ctx, uint64_t file_no, uint64_t size)
{
    sizes *z = ctx;
    if (z->n == z->cap) {
        const size_t cap = z->cap ? 2 * z->cap : 256;
        uint64_t *v = realloc(z->v, cap * sizeof *v);
        if (!v) {
            z->nomem = 1;
            return 0;
        }
        z->v = v;
        z->cap = cap;
    }
    if (file_no == z->n)
        z->v[z->n++] = size;
    return 0;  /* listed, never read */
}

int cli_dist_plan(const char *const *inputs, size_t n, const rd_range *ranges)
{
    sizes z = {NULL, 0, 0, 0};
    rd_reader *rd = rd_open(inputs, n, &(rd_opts){.on_error_skip = 1, .ranges = ranges,
                                                  .want_file = list_file, .want_ctx = &z});
    if (!rd) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    rd_record rec;
    int x;
    while ((x = rd_next(rd, &rec)) != RD_END && x != RD_ERR_NOMEM)
        ;
    rd_close(rd);
    if (x == RD_ERR_NOMEM || z.nomem) {
        free(z.v);
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    /* process r takes the files from the first whose bytes before it reach
     * r / P of the total (by count when nothing has a size) */
    uint64_t total = 0;
    for (size_t i = 0; i < z.n; i++)
        total += z.v[i];
    uint64_t before = 0, lo = z.n, hi = z.n;
    for (size_t i = 0, r = 0; i <= z.n && r <= g_size; i++) {
        while (r <= g_size &&
               (total ? (double)before * g_size >= (double)r * (double)total
                      : (uint64_t)i * g_size >= (uint64_t)r * z.n)) {
            if (r == g_rank)
                lo = i;
            if (r == g_rank + 1)
                hi = i;
            r++;
        }
        if (i < z.n)
            before += z.v[i];
    }
    g_lo = lo;
    g_hi = g_rank + 1 == g_size ? UINT64_MAX : hi;
    free(z.v);
    return 0;
}

static void count_sent(const char *stage, const uint64_t *len)
{
    const size_t i = stage_slot(g_stage_names, &g_nstages, stage);
    if (i == MAX_STAGES)
        return;
    for (unsigned r = 0; r < g_size; r++)
        if (r != g_rank)
            g_stage_bytes[i] += len[r];
}

size_t cli_dist_sent(const char *const **stages, const uint64_t **bytes)
{
    *stages = g_stage_names;
    *bytes = g_stage_bytes;
    return g_nstages;
}

int cli_docfiles_add(cli_docfiles *f, uint64_t file_no, int is_doc)
{
    if (!f->n || f->file_no[f->n - 1] != file_no) {
        if (f->n == f->cap) {
            const size_t cap = f->cap ? 2 * f->cap : 64;
            uint64_t **arrays[] = {&f->file_no, &f->nrec, &f->ndoc, &f->rec0, &f->doc0};
            for (size_t k = 0; k < sizeof arrays / sizeof arrays[0]; k++) {
                uint64_t *a = realloc(*arrays[k], cap * sizeof *a);
                if (!a)
                    return -1;
                *arrays[k] = a;
            }
            f->cap = cap;
        }
        f->file_no[f->n] = file_no;
        f->nrec[f->n] = f->ndoc[f->n] = 0;
        f->n++;
    }
    f->nrec[f->n - 1]++;
    f->ndoc[f->n - 1] += is_doc != 0;
    return 0;
}

void cli_docfiles_free(cli_docfiles *f)
{
    free(f->file_no);
    free(f->nrec);
    free(f->ndoc);
    free(f->rec0);
    free(f->doc0);
    memset(f, 0, sizeof *f);
}

static int send_same(const char *stage, const void *p, size_t n, int to_all, char **out,
                     uint64_t *lens);

static int cmp_run(const void *pa, const void *pb)
{
    const uint64_t *p = pa, *q = pb;
    return (p[0] > q[0]) - (p[0] < q[0]);
}

int cli_dist_number(cli_docfiles *f, uint64_t *total_recs, uint64_t *total_docs)
{
    /* every process gets every (file, records, documents) run; a file is in
     * one process's hands, so sorting the runs by file gives the order */
    uint64_t *mine = malloc((f->n ? f->n : 1) * 24), *all = NULL;
    uint64_t *lens = calloc(g_size, sizeof *lens);
    int rc = -1;
    if (!mine || !lens)
        goto done;
    for (size_t i = 0; i < f->n; i++) {
        mine[3 * i] = f->file_no[i];
        mine[3 * i + 1] = f->nrec[i];
        mine[3 * i + 2] = f->ndoc[i];
    }
    if (send_same("ids", mine, f->n * 24, 1, (char **)&all, lens))
        goto done;
    uint64_t m = 0;
    for (unsigned r = 0; r < g_size; r++)
        m += lens[r];
    const size_t nr = (size_t)(m / 24);
    qsort(all, nr, 24, cmp_run);
    uint64_t recs = 0, docs = 0;
    size_t j = 0;
    for (size_t i = 0; i < nr; i++) {
        /* this process's runs come in its own order: file ordinals ascending */
        if (j < f->n && all[3 * i] == f->file_no[j]) {
            f->rec0[j] = recs;
            f->doc0[j] = docs;
            j++;
        }
        recs += all[3 * i + 1];
        docs += all[3 * i + 2];
    }
    if (j != f->n || docs > UINT32_MAX - 1)
        goto done;
    *total_recs = recs;
    *total_docs = docs;
    rc = 0;
done:
    free(all);
    free(mine);
    free(lens);
    return rc;
}

#ifdef ND_MPI

static void lost(const char *stage, int err)
{
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(err, msg, &len) != MPI_SUCCESS)
        snprintf(msg, sizeof msg, "MPI error %d", err);
    fprintf(stderr, "%s: stage '%s': lost contact with another process (%s); the job stops, "
                    "no output written\n", g_prefix, stage, msg);
}

/* Byte counts are moved in rounds of at most this many bytes a peer. */
#define ROUND ((uint64_t)1 << 30)

static nd_status mpi_exchange(void *ctx, const char *stage, const void *send,
                              const uint64_t *send_len, void *recv, uint64_t *recv_len)
{
    (void)ctx;
    const char *const prev = g_stage;
    g_stage = stage;
    nd_status st = ND_OK;
    int err;
    if (!recv) {
        pause_at(stage);
        err = MPI_Alltoall(send_len, 1, MPI_UINT64_T, recv_len, 1, MPI_UINT64_T,
                           MPI_COMM_WORLD);
        if (err != MPI_SUCCESS) {
            lost(stage, err);
            st = ND_E_IO;
        }
        g_stage = prev;
        return st;
    }
    count_sent(stage, send_len);
    const unsigned P = g_size;
    int *sc = calloc(P, sizeof *sc), *sd = calloc(P, sizeof *sd);
    int *rc = calloc(P, sizeof *rc), *rd = calloc(P, sizeof *rd);
    uint64_t *soff = calloc(P, sizeof *soff), *roff = calloc(P, sizeof *roff);
    char *sbuf = NULL, *rbuf = NULL;
    if (!sc || !sd || !rc || !rd || !soff || !roff) {
        st = ND_E_NOMEM;
        goto done;
    }
    uint64_t most = 0, at_s = 0, at_r = 0;
    for (unsigned r = 0; r < P; r++) {
        soff[r] = at_s;
        roff[r] = at_r;
        at_s += send_len[r];
        at_r += recv_len[r];
        most = send_len[r] > most ? send_len[r] : most;
        most = recv_len[r] > most ? recv_len[r] : most;
    }
    err = MPI_Allreduce(MPI_IN_PLACE, &most, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (err != MPI_SUCCESS) {
        lost(stage, err);
        st = ND_E_IO;
        goto done;
    }
    /* a round moves at most `cap` bytes a peer, so that its counts and
     * displacements, sums over P peers, fit an int */
    uint64_t cap = ROUND < (uint64_t)INT_MAX / P ? ROUND : (uint64_t)INT_MAX / P;
    const char *test_round = getenv("ND_TEST_MPI_ROUND");  /* a test hook: tiny rounds */
    if (test_round && strtoull(test_round, NULL, 10) > 0 &&
        strtoull(test_round, NULL, 10) < cap)
        cap = strtoull(test_round, NULL, 10);
    const uint64_t rounds = most <= cap ? 1 : (most + cap - 1) / cap;
    for (uint64_t k = 0; k < rounds && st == ND_OK; k++) {
        int ts = 0, tr = 0;
        const uint64_t from = k * cap;
        for (unsigned r = 0; r < P; r++) {
            const uint64_t s = send_len[r] > from ? send_len[r] - from : 0;
            const uint64_t t = recv_len[r] > from ? recv_len[r] - from : 0;
            sc[r] = (int)(s < cap ? s : cap);
            rc[r] = (int)(t < cap ? t : cap);
            sd[r] = ts;
            rd[r] = tr;
            ts += sc[r];
            tr += rc[r];
        }
        if (rounds > 1) {  /* staged: this round's slice of every block */
            free(sbuf);
            free(rbuf);
            sbuf = malloc(ts ? (size_t)ts : 1);
            rbuf = malloc(tr ? (size_t)tr : 1);
            if (!sbuf || !rbuf) {
                st = ND_E_NOMEM;
                break;
            }
            for (unsigned r = 0; r < P; r++)
                if (sc[r])
                    memcpy(sbuf + sd[r], (const char *)send + soff[r] + from, (size_t)sc[r]);
        } else {
            for (unsigned r = 0; r < P; r++) {
                sd[r] = (int)soff[r];
                rd[r] = (int)roff[r];
            }
        }
        err = MPI_Alltoallv(rounds == 1 ? send : sbuf, sc, sd, MPI_BYTE,
                            rounds == 1 ? recv : rbuf, rc, rd, MPI_BYTE, MPI_COMM_WORLD);
        if (err != MPI_SUCCESS) {
            lost(stage, err);
            st = ND_E_IO;
            break;
        }
        if (rounds > 1)
            for (unsigned r = 0; r < P; r++)
                if (rc[r])
                    memcpy((char *)recv + roff[r] + from, rbuf + rd[r], (size_t)rc[r]);
    }
done:
    free(sc);
    free(sd);
    free(rc);
    free(rd);
    free(soff);
    free(roff);
    free(sbuf);
    free(rbuf);
    g_stage = prev;
    return st;
}

static nd_comm g_comm = {0, 1, mpi_exchange, NULL};

/* A process told to stop (mpirun does so when another one died) says where
 * it was; its outputs are temporaries that the next run never mistakes for
 * finished ones (they are only renamed when whole). */
static void on_term(int sig)
{
    char msg[256];
    const int n = snprintf(msg, sizeof msg, "%s: stopped by signal %d in stage '%s' (another "
                                            "process failed or the job was cancelled)\n",
                           g_prefix, sig, g_stage);
    if (n > 0)
        (void)!write(STDERR_FILENO, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

int cli_dist_init(int *argc, char ***argv)
{
    int provided = 0, r = 0, s = 1;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "neardup-mpi: cannot start MPI\n");
        return EXIT_INTERNAL;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    g_rank = (unsigned)r;
    g_size = (unsigned)s;
    g_comm.rank = g_rank;
    g_comm.size = g_size;
    if (g_size > 1)
        snprintf(g_prefix, sizeof g_prefix, "neardup-mpi: rank %u", g_rank);
    else
        snprintf(g_prefix, sizeof g_prefix, "neardup-mpi");
    cli_set_log_prefix(g_prefix);
    g_prog = "neardup-mpi";
    if (g_rank != 0) {  /* usage errors and help: process 0 says them */
        g_secondary = 1;
        opterr = 0;
    }
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    return 0;
}

void cli_dist_finish(int rc)
{
    (void)rc;
    MPI_Finalize();
}

const nd_comm *cli_dist_comm(void) { return &g_comm; }

static int reduce(uint64_t *v, size_t n, MPI_Op op)
{
    const int err = MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, op, MPI_COMM_WORLD);
    if (err != MPI_SUCCESS) {
        lost(g_stage, err);
        return -1;
    }
    return 0;
}

int cli_dist_sum(uint64_t *v, size_t n) { return reduce(v, n, MPI_SUM); }
int cli_dist_max(uint64_t *v, size_t n) { return reduce(v, n, MPI_MAX); }

int cli_dist_agree(int rc)
{
    uint64_t v = (uint64_t)rc;
    if (reduce(&v, 1, MPI_MAX))
        return EXIT_INPUT;
    return (int)v;
}

void cli_dist_abort(int rc)
{
    if (g_size > 1)
        MPI_Abort(MPI_COMM_WORLD, rc ? rc : EXIT_INTERNAL);
}

#else /* one process */

static nd_status one_exchange(void *ctx, const char *stage, const void *send,
                              const uint64_t *send_len, void *recv, uint64_t *recv_len)
{
    (void)ctx;
    if (recv)
        count_sent(stage, send_len);
    recv_len[0] = send_len[0];
    if (recv && send_len[0])
        memcpy(recv, send, (size_t)send_len[0]);
    return ND_OK;
}

static const nd_comm g_comm = {0, 1, one_exchange, NULL};

int cli_dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

void cli_dist_finish(int rc) { (void)rc; }
const nd_comm *cli_dist_comm(void) { return &g_comm; }
int cli_dist_sum(uint64_t *v, size_t n) { (void)v; (void)n; return 0; }
int cli_dist_max(uint64_t *v, size_t n) { (void)v; (void)n; return 0; }
int cli_dist_agree(int rc) { return rc; }
void cli_dist_abort(int rc) { (void)rc; }

#endif

/* Collective: this process sends the n bytes at p to every process (to_all)
 * or to process 0 alone; *out (malloc'd) receives what came, lens[r] bytes
 * from rank r, back to back in rank order. Returns 0 or -1. */
static int send_same(const char *stage, const void *p, size_t n, int to_all, char **out,
                     uint64_t *lens)
{
    const nd_comm *c = cli_dist_comm();
    const unsigned copies = to_all ? g_size : 1;
    uint64_t *slen = calloc(g_size, sizeof *slen);
    char *send = malloc(n ? n * copies : 1), *buf = NULL;
    int rc = -1;
    if (!slen || !send)
        goto done;
    for (unsigned r = 0; r < copies; r++) {
        slen[r] = n;
        if (n)
            memcpy(send + (size_t)r * n, p, n);
    }
    if (c->exchange(c->ctx, stage, send, slen, NULL, lens) != ND_OK)
        goto done;
    uint64_t m = 0;
    for (unsigned r = 0; r < g_size; r++)
        m += lens[r];
    buf = malloc(m ? m : 1);
    if (!buf || c->exchange(c->ctx, stage, send, slen, buf, lens) != ND_OK)
        goto done;
    *out = buf;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    free(send);
    free(slen);
    return rc;
}

int cli_dist_gather(const void *p, size_t n, char **out, uint64_t *lens)
{
    char *buf = NULL;
    if (send_same(g_stage, p, n, 0, &buf, lens))
        return -1;
    *out = g_rank == 0 ? buf : NULL;
    if (g_rank != 0)
        free(buf);
    return 0;
}

void cli_dist_report(uint64_t nlocal, uint64_t ndocs)
{
    const char *const *names;
    const uint64_t *bytes;
    const size_t ns = cli_dist_sent(&names, &bytes);
    uint64_t v[32];
    memset(v, 0, sizeof v);
    for (size_t i = 0; i < ns && i < 32; i++)
        v[i] = bytes[i];
    (void)cli_dist_sum(v, 32);
    const unsigned P = g_size;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const uint64_t mine[2] = {(uint64_t)ru.ru_maxrss, nlocal};
    char *all = NULL;
    uint64_t *lens = calloc(P, sizeof *lens);
    const int ok = lens && cli_dist_gather(mine, sizeof mine, &all, lens) == 0;
    if (!ok) { /* a process that cannot take part would leave the others waiting */
        cli_log(1, "out of memory");
        cli_dist_abort(EXIT_INTERNAL);
    }
    if (g_rank == 0 && ok) {
        const double docs = ndocs ? (double)ndocs : 1.0;
        for (size_t i = 0; i < ns && i < 32; i++)
            cli_log(3, "%u processes: stage '%s' sent %llu bytes (%.1f a document)", P,
                    names[i], (unsigned long long)v[i], (double)v[i] / docs);
        for (unsigned k = 0; k < P; k++) {
            uint64_t x[2];
            memcpy(x, all + 16 * k, 16);
            cli_log(3, "process %u: %llu %s read, peak RSS %.1f MB%s", k,
                    (unsigned long long)x[1], cli_plural(x[1], "record", "records"),
                    (double)x[0] / 1024.0,
                    x[1] ? "" : " (nothing to read: a compressed or WARC file is read whole "
                                "by one process; give more files, or plain JSON Lines)");
        }
        const char *const *tn;
        const double *ts;
        const size_t nt = cli_dist_times(&tn, &ts);
        for (size_t i = 0; i < nt; i++)
            cli_log(3, "process 0: stage '%s' took %.3f s", tn[i], ts[i]);
    }
    free(all);
    free(lens);
}

void cli_dist_reader_pack(const rd_stats *s, uint64_t *v)
{
    const uint64_t x[CLI_DIST_READER_N] = {s->records, s->skipped, s->failed_inputs, s->bytes,
                                           s->ignored, s->truncated, s->damaged,
                                           s->damaged_records, s->binary, s->dir_links};
    memcpy(v, x, sizeof x);
}

int cli_dist_first_string(char *buf, size_t cap)
{
    const size_t n = buf[0] ? strnlen(buf, cap - 1) + 1 : 0;
    char *all = NULL;
    uint64_t *lens = calloc(g_size, sizeof *lens);
    if (!lens || cli_dist_gather(buf, n, &all, lens)) {
        free(lens);
        return -1;
    }
    if (g_rank == 0) {
        const char *p = all;
        for (unsigned k = 0; k < g_size; p += lens[k++])
            if (lens[k]) {
                snprintf(buf, cap, "%s", p);
                break;
            }
    }
    free(all);
    free(lens);
    return 0;
}

int cli_dist_reader_end(rd_stats *s, const uint64_t *v)
{
    if (!s->damaged)
        s->damaged_path[0] = '\0';
    if (cli_dist_first_string(s->damaged_path, sizeof s->damaged_path)) {
        cli_log(1, "gathering the readers' counts failed");
        return EXIT_INTERNAL;
    }
    if (v[0] == 0 && v[2] > 0) {
        if (g_rank == 0)
            cli_log(1, "no input could be read");
        return EXIT_INPUT;
    }
    return 0;
}

void cli_dist_reader_unpack(rd_stats *s, const uint64_t *v)
{
    s->records = v[0];
    s->skipped = v[1];
    s->failed_inputs = v[2];
    s->bytes = v[3];
    s->ignored = v[4];
    s->truncated = v[5];
    s->damaged = v[6];
    s->damaged_records = v[7];
    s->binary = v[8];
    s->dir_links = v[9];
}

int cli_dist_allgather(const void *p, size_t n, char **out, uint64_t *lens)
{
    return send_same(g_stage, p, n, 1, out, lens);
}

const char *cli_dist_unshareable(const char *const *inputs, size_t n)
{
    struct stat sb;
    for (size_t i = 0; i < n; i++)
        if (strcmp(inputs[i], "-") == 0)
            return "standard input ('-')";
        else if (stat(inputs[i], &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
            return "an input that is not a regular file or a directory (a pipe, a device)";
    return NULL;
}

int cli_dist_deal(const char *const *in, size_t n, const rd_opts *rd, uint64_t part_bytes,
                  const char ***parts, rd_range **ranges, size_t *nparts)
{
    cli_dist_stage("split");
    *parts = NULL;
    *ranges = NULL;
    *nparts = 0;
    int rc = cli_dist_agree(cli_dist_split(in, n, rd, part_bytes, parts, ranges, nparts));
    if (rc == 0)
        rc = cli_dist_agree(cli_dist_plan(*parts, *nparts, *ranges));
    if (rc) {
        free((void *)*parts);
        free(*ranges);
        *parts = NULL;
        *ranges = NULL;
    }
    return rc;
}

int cli_dist_bcast(const void *p, size_t n, char **out, size_t *n_out)
{
    uint64_t *lens = calloc(g_size, sizeof *lens);
    char *buf = NULL;
    const int rc = !lens || send_same(g_stage, p, g_rank == 0 ? n : 0, 1, &buf, lens) ? -1 : 0;
    if (rc == 0) {
        *out = buf;
        *n_out = (size_t)lens[0];
    }
    free(lens);
    return rc;
}
