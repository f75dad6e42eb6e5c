/*
 * load_client.c - the C load client of bench/load.sh (the same options, schedule and
 * JSON as bench/load_client.py, with far less overhead per request, so that the
 * latencies are the server's more than the client's). Loopback only.
 *
 *   cc -O2 -pthread -o load_client bench/load_client.c
 *   load_client --port P --pid PID --queries Q.jsonl --adds A.jsonl [--qps 1000]
 *               [--add-qps 20] [--clients 8] [--add-clients 1] [--seconds 300]
 *               [--out R.json]
 *
 * Open loop: query n is due at t0 + n / qps, and query client k (of --clients)
 * sends queries k, k + C, k + 2C, ... on its own keep-alive connection; add n (the
 * n-th document of A.jsonl) is due at t0 + n / add_qps, sent the same way by the
 * --add-clients add clients, on connections of their own (a feeder and the
 * readers are different clients: an add's wait for its sync does not hold back
 * queries behind it on one connection). Latency runs from when the request was due
 * to the last byte of its answer (no coordinated omission). At --seconds the clients
 * stop, behind schedule or not: what was due and not sent is counted (unsent_at_end),
 * and the achieved rates show the server's capacity.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct lines {
    char **s;
    size_t *n;
    size_t count;
} lines;

static int g_port, g_pid, g_clients = 8, g_add_clients = 1;
static double g_qps = 1000, g_add_qps = 20, g_seconds = 300, g_t0, g_end;
static lines g_queries, g_adds;
static atomic_int g_late;
static atomic_int g_stop;
static atomic_long g_unsent_q, g_unsent_a;

typedef struct samples {
    double *v;
    size_t n, cap;
    int errors;
} samples;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *m)
{
    fprintf(stderr, "load_client: %s\n", m);
    exit(1);
}

static void push(samples *s, double v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4096;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v)
            die("out of memory");
    }
    s->v[s->n++] = v;
}

static void read_lines(const char *path, lines *l)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        die(strerror(errno));
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            n--;
        if (n == 0)
            continue;
        if (l->count == alloc) {
            alloc = alloc ? 2 * alloc : 1024;
            l->s = realloc(l->s, alloc * sizeof *l->s);
            l->n = realloc(l->n, alloc * sizeof *l->n);
            if (!l->s || !l->n)
                die("out of memory");
        }
        l->s[l->count] = strndup(line, (size_t)n);
        l->n[l->count++] = (size_t)n;
    }
    free(line);
    fclose(fp);
}

static int connect_lo(void)
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)g_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* One request on *fd (reconnecting when needed). Returns the HTTP status, or -1. */
static int request(int *fd, const char *path, const char *body, size_t len, char **buf,
                   size_t *cap)
{
    if (*fd < 0 && (*fd = connect_lo()) < 0)
        return -1;
    char head[256];
    const int hl = snprintf(head, sizeof head,
                            "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                            "application/json\r\nContent-Length: %zu\r\n\r\n", path, len);
    if (send(*fd, head, (size_t)hl, MSG_NOSIGNAL | MSG_MORE) != hl)
        goto fail;
    for (size_t off = 0; off < len;) {
        const ssize_t w = send(*fd, body + off, len - off, MSG_NOSIGNAL);
        if (w <= 0)
            goto fail;
        off += (size_t)w;
    }
    size_t got = 0, hend = 0;
    for (;;) {
        if (got + 4096 > *cap) {
            *cap = *cap ? 2 * *cap : 65536;
            *buf = realloc(*buf, *cap);
            if (!*buf)
                die("out of memory");
        }
        const ssize_t r = recv(*fd, *buf + got, *cap - got - 1, 0);
        if (r <= 0)
            goto fail;
        got += (size_t)r;
        (*buf)[got] = '\0';
        if (!hend) {
            char *e = strstr(*buf, "\r\n\r\n");
            if (!e)
                continue;
            hend = (size_t)(e - *buf) + 4;
        }
        const char *cl = strcasestr(*buf, "\r\nContent-Length:");
        if (!cl || cl > *buf + hend)
            goto fail;
        const size_t blen = strtoul(cl + 17, NULL, 10);
        if (got >= hend + blen) {
            const int status = atoi(*buf + 9);
            const char *conn = strcasestr(*buf, "\r\nConnection: close");
            if (conn && conn < *buf + hend) {
                close(*fd);
                *fd = -1;
            }
            return status;
        }
    }
fail:
    close(*fd);
    *fd = -1;
    return -1;
}

typedef struct worker {
    int k, add;             /* client k of the query clients, or of the add clients */
    samples q, a;
    pthread_t t;
} worker;

static void *client(void *arg)
{
    worker *w = arg;
    const double rate = w->add ? g_add_qps : g_qps;
    const int nc = w->add ? g_add_clients : g_clients;
    int fd = -1;
    char *buf = NULL;
    size_t cap = 0;
    for (long i = 0; rate > 0; i++) {
        const long n = w->k + i * nc;
        const double due = g_t0 + (double)n / rate;
        if (due >= g_end || (w->add && (size_t)n >= g_adds.count))
            break;
        const double t = now();
        if (t >= g_end) { /* behind schedule at the end: the rest is not sent */
            long slots = (long)ceil(g_seconds * rate);
            if (w->add && slots > (long)g_adds.count)
                slots = (long)g_adds.count;
            const long left = slots > n ? (slots - n + nc - 1) / nc : 0;
            atomic_fetch_add(w->add ? &g_unsent_a : &g_unsent_q, left);
            break;
        }
        if (due > t) {
            const double d = due - t;
            struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
            nanosleep(&ts, NULL);
        } else if (t - due > 0.05) {
            atomic_fetch_add(&g_late, 1);
        }
        const lines *l = w->add ? &g_adds : &g_queries;
        const size_t j = (size_t)n % l->count;
        const int st = request(&fd, w->add ? "/v1/documents" : "/v1/query", l->s[j], l->n[j],
                               &buf, &cap);
        samples *s = w->add ? &w->a : &w->q;
        if (st == 200)
            push(s, (now() - due) * 1000.0);
        else
            s->errors++;
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return NULL;
}

static long rss_kb(void)
{
    char p[64], line[256];
    snprintf(p, sizeof p, "/proc/%d/status", g_pid);
    FILE *fp = fopen(p, "r");
    if (!fp)
        return -1;
    long v = -1;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, "VmRSS:", 6) == 0)
            v = atol(line + 6);
    fclose(fp);
    return v;
}

static double rss_t[100000];
static long rss_v[100000];
static size_t rss_n;

static void *sampler(void *arg)
{
    (void)arg;
    while (!atomic_load(&g_stop) && rss_n < 100000) {
        const long v = rss_kb();
        if (v >= 0) {
            rss_t[rss_n] = now() - g_t0;
            rss_v[rss_n++] = v;
            if (rss_n % 10 == 0)
                fprintf(stderr, "load: t=%5.0fs rss=%7.1f MB\n", rss_t[rss_n - 1],
                        (double)v / 1024.0);
        }
        for (int i = 0; i < 10 && !atomic_load(&g_stop); i++) {
            const struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(samples *s, double p)
{
    if (!s->n)
        return NAN;
    qsort(s->v, s->n, sizeof *s->v, cmp_d);
    long k = lround(p / 100.0 * (double)s->n + 0.5) - 1;
    if (k < 0)
        k = 0;
    if ((size_t)k >= s->n)
        k = (long)s->n - 1;
    return s->v[k];
}

int main(int argc, char **argv)
{
    const char *qf = NULL, *af = NULL, *out = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "--port")) g_port = atoi(v);
        else if (!strcmp(o, "--pid")) g_pid = atoi(v);
        else if (!strcmp(o, "--queries")) qf = v;
        else if (!strcmp(o, "--adds")) af = v;
        else if (!strcmp(o, "--qps")) g_qps = atof(v);
        else if (!strcmp(o, "--add-qps")) g_add_qps = atof(v);
        else if (!strcmp(o, "--clients")) g_clients = atoi(v);
        else if (!strcmp(o, "--add-clients")) g_add_clients = atoi(v);
        else if (!strcmp(o, "--seconds")) g_seconds = atof(v);
        else if (!strcmp(o, "--out")) out = v;
        else die("unknown option (see the comment at the top of bench/load_client.c)");
    }
    if (!g_port || !g_pid || !qf || !af || g_clients < 1 || g_add_clients < 1)
        die("--port, --pid, --queries and --adds are required");
    read_lines(qf, &g_queries);
    read_lines(af, &g_adds);
    if (!g_queries.count)
        die("no queries");
    g_t0 = now() + 0.2;
    g_end = g_t0 + g_seconds;
    const int nw = g_clients + g_add_clients;
    worker *ws = calloc((size_t)nw, sizeof *ws);
    pthread_t st;
    pthread_create(&st, NULL, sampler, NULL);
    for (int k = 0; k < nw; k++) {
        ws[k].add = k >= g_clients;
        ws[k].k = ws[k].add ? k - g_clients : k;
        pthread_create(&ws[k].t, NULL, client, &ws[k]);
    }
    samples q = {0}, a = {0};
    for (int k = 0; k < nw; k++) {
        pthread_join(ws[k].t, NULL);
        for (size_t i = 0; i < ws[k].q.n; i++) push(&q, ws[k].q.v[i]);
        for (size_t i = 0; i < ws[k].a.n; i++) push(&a, ws[k].a.v[i]);
        q.errors += ws[k].q.errors;
        a.errors += ws[k].a.errors;
    }
    const double el = now() - g_t0;
    atomic_store(&g_stop, 1);
    pthread_join(st, NULL);
    long first = rss_n ? rss_v[0] : 0, last = rss_n ? rss_v[rss_n - 1] : 0, max = 0;
    long h0 = -1, h1 = -1;
    for (size_t i = 0; i < rss_n; i++) {
        if (rss_v[i] > max) max = rss_v[i];
        if (rss_t[i] >= el / 2) {
            if (h0 < 0) h0 = rss_v[i];
            h1 = rss_v[i];
        }
    }
    char res[8192];
    int m = snprintf(res, sizeof res,
        "{\n \"client\": \"c\",\n \"seconds\": %.1f,\n \"clients\": %d,\n \"add_clients\": %d,\n"
        " \"offered_qps\": %g,\n \"offered_add_qps\": %g,\n"
        " \"queries_per_s\": %.1f,\n \"adds_per_s\": %.1f,\n"
        " \"query_p50_ms\": %.3f,\n \"query_p99_ms\": %.3f,\n \"query_max_ms\": %.3f,\n"
        " \"add_p50_ms\": %.3f,\n \"add_p99_ms\": %.3f,\n"
        " \"errors\": {\"query\": %d, \"add\": %d},\n \"late_sends\": %d,\n"
        " \"unsent_at_end\": {\"query\": %ld, \"add\": %ld},\n"
        " \"rss_mb_first\": %.1f,\n \"rss_mb_last\": %.1f,\n \"rss_mb_max\": %.1f,\n"
        " \"rss_mb_second_half_growth\": %.1f,\n \"rss_samples\": [",
        el, g_clients, g_add_clients, g_qps, g_add_qps, (double)q.n / el, (double)a.n / el,
        pct(&q, 50), pct(&q, 99), pct(&q, 100), pct(&a, 50), pct(&a, 99), q.errors, a.errors,
        atomic_load(&g_late), atomic_load(&g_unsent_q), atomic_load(&g_unsent_a), (double)first / 1024, (double)last / 1024, (double)max / 1024,
        h0 < 0 ? 0.0 : (double)(h1 - h0) / 1024);
    const size_t step = rss_n / 30 + 1;
    for (size_t i = 0; i < rss_n && m < (int)sizeof res - 64; i += step)
        m += snprintf(res + m, sizeof res - (size_t)m, "%s[%.1f, %.1f]", i ? ", " : "",
                      rss_t[i], (double)rss_v[i] / 1024);
    snprintf(res + m, sizeof res - (size_t)m, "]\n}\n");
    fputs(res, stdout);
    if (out) {
        FILE *fp = fopen(out, "w");
        if (!fp || fputs(res, fp) < 0 || fclose(fp) != 0)
            die("cannot write --out");
    }
    return 0;
}
