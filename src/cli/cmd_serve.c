/*
 * cmd_serve.c - `neardup serve DIR`: the persistent index (nd_index) over an
 * HTTP JSON API (docs/http-api.md).
 *
 * DESIGN
 *   libmicrohttpd with its own thread pool (MHD_USE_INTERNAL_POLLING_THREAD,
 *   MHD_OPTION_THREAD_POOL_SIZE = --threads): a request is handled, start to
 *   end, by the pool thread that owns its connection, so each pool thread
 *   keeps one nd_index_session (made on its first request, thread-local, and
 *   listed so that the main thread destroys them all after the pool stopped).
 *   Writes (adds and deletes) are made by one writer thread, in the order
 *   they come: a pool thread hands its request over (a job on a queue) and
 *   suspends the connection (MHD_suspend_connection), going on with its
 *   other connections; the writer resumes it when the write is done, and the
 *   pool thread answers. The writer thread runs at a lower
 *   priority (--write-nice, a Linux thread's nice value): on a full index an
 *   add costs tens of milliseconds of CPU (its passages and story), and at
 *   the same priority a query arriving meanwhile waits for the scheduler to
 *   take the core back from it; niced, the add yields to queries at once.
 *   Writes are durable before their answer as before (one transaction a
 *   request); queries run in read transactions beside them and never wait
 *   for the writer.
 *
 *   A request's body is gathered in memory up to --max-body; past it the
 *   rest is read and dropped and the answer is 413 (libmicrohttpd cannot
 *   answer in the middle of a body). What can be decided from the headers
 *   (route, method, token, Content-Length) is answered before the body is
 *   read. Every error is a JSON body {"error":{"code":N,"message":"..."}}, and
 *   no error changes the index: a batch is added in one nd_index_add (one
 *   transaction), after every document of it was parsed and checked.
 *
 *   Connections past --max-connections get 503 (libmicrohttpd's own limit is
 *   set above it, so that they can still be answered); past that limit too,
 *   libmicrohttpd closes them unanswered.
 *
 *   The main thread waits for SIGTERM or SIGINT (blocked in every thread,
 *   taken with sigwait), then stops listening, lets the requests in flight
 *   end (at most 10 s; a write in progress always ends: the pool's threads
 *   are joined), destroys the sessions, closes the index and exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "net/net.h"
#include "read/date.h"
#include "read/json.h"
#include "write/answer.h"
#include "write/output.h"

static const char *g_cmd = "serve";

#define usage_error(...) cli_usage_error(g_cmd, __VA_ARGS__)

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: neardup serve [options] DIR\n"
            "\n"
            "Serves the persistent index in DIR (see neardup index) over an HTTP JSON API\n"
            "(docs/http-api.md): POST /v1/documents (add), POST /v1/query, GET and DELETE\n"
            "/v1/documents/ID, GET /v1/stats, GET /healthz. Stops on SIGTERM or SIGINT\n"
            "after the writes in progress, and exits 0.\n"
            "\n"
            "Options:\n"
            "  --listen HOST:PORT  address to listen on [127.0.0.1:8080]; port 0 picks a\n"
            "                      free one (printed: 'neardup: listening on HOST:PORT')\n"
            "  --token-file FILE   require 'Authorization: Bearer TOKEN' on every route\n"
            "                      but /healthz, TOKEN the file's first line; required\n"
            "                      when HOST is not a loopback address\n"
            "  --create            create an index in DIR when it holds none (defaults)\n"
            "  --read-only         open the index for queries only (adds and deletes: 403)\n"
            "  --no-sync           do not sync each commit (faster; a crash may lose the\n"
            "                      last acknowledged writes, never corrupt the index)\n"
            "  -T, --threads N     threads answering requests, 1 to 256 [8]; a thread\n"
            "                      waits out the disk sync of each add it hands over\n"
            "  --write-nice N      nice value of the thread making the writes, 0 to 19\n"
            "                      [10]: adds yield the cores to queries\n"
            "  --max-body SIZE     largest request body (K/M/G) [16M]; larger: 413\n"
            "  --max-batch N       most documents in one request [1000]; more: 413\n"
            "  --max-connections N connections served at once [64]; more: 503\n"
            "  --timeout S         close a connection idle for S seconds [30]\n"
            "  -q, --quiet         only errors on stderr\n"
            "  -v, --verbose       also one line per request on stderr\n"
            "  -h, --help          this help\n"
            "\n"
            "Exit status: 0 stopped by a signal, 1 usage, 2 cannot listen or open the\n"
            "index, 3 index corrupt or of another version, 4 out of memory.\n");
}

/* ---- server state ----------------------------------------------------------- */

typedef struct server {
    nd_index *ix;
    char *token;            /* NULL: no token required */
    size_t token_len;
    uint64_t max_body;
    uint64_t max_batch;
    unsigned max_conn;
    int read_only;
    atomic_uint conns;      /* connections open */
    atomic_uint inflight;   /* requests begun and not completed */
    pthread_mutex_t lock;   /* guards sessions */
    nd_index_session **sessions;
    size_t nsessions, cap;
    int session_failed;
    /* the writer thread (not when read-only) */
    int write_nice;
    int writer_up;
    pthread_t writer;
    nd_index_session *wsession;
    pthread_mutex_t wmu;    /* guards the queue and wstop */
    pthread_cond_t wwork;
    struct wjob *whead, *wtail;
    int wstop;
} server;

/* The documents of a request, their strings copied out of the scanner. */
typedef struct docset {
    nd_index_doc *docs;
    char **own;             /* strings to free */
    size_t n, nown;
    int batch;              /* {"documents":[...]} */
    unsigned parts;         /* "answers": ND_INDEX_ANSWER_* */
} docset;

static void docset_free(docset *d)
{
    for (size_t i = 0; i < d->nown; i++)
        free(d->own[i]);
    free(d->own);
    free(d->docs);
}

/* A write handed to the writer thread: an add of the documents of ds (its
 * answers written into out as the response body, a batch's as
 * {"answers":[...]}), or the removal of id (its answer built in out first). */
typedef struct wjob {
    struct MHD_Connection *conn; /* suspended until the job is done */
    docset ds;                  /* an add: its documents (owned; empty for a removal) */
    char *id;                   /* a removal when not NULL (owned) */
    size_t id_len;
    nd_status st;               /* the results */
    size_t removed;
    cli_membuf out;             /* add: the body (data NULL when out of memory) */
    char detail[1024];          /* the session's error detail */
    int refused;                /* the server is stopping: not done */
    struct wjob *next;
} wjob;

static _Thread_local nd_index_session *t_session;

/* The calling pool thread's session (made on first use); NULL when out of memory. */
static nd_index_session *thread_session(server *sv)
{
    if (t_session)
        return t_session;
    pthread_mutex_lock(&sv->lock);
    nd_index_session *s = NULL;
    if (cli_grow((void **)&sv->sessions, &sv->cap, sv->nsessions + 1, sizeof *sv->sessions)
            == 0 &&
        nd_index_session_create(sv->ix, &s) == ND_OK)
        sv->sessions[sv->nsessions++] = s;
    else
        s = NULL;
    pthread_mutex_unlock(&sv->lock);
    t_session = s;
    return s;
}

/* ---- routes ----------------------------------------------------------------- */

typedef enum {
    R_NONE = 0, R_HEALTH, R_DOCS, R_DOC, R_QUERY, R_STATS
} route;

/* The route of url (already percent-decoded by libmicrohttpd); *id receives the
 * id of /v1/documents/ID. */
static route find_route(const char *url, const char **id)
{
    static const char docs[] = "/v1/documents/";
    if (strcmp(url, "/healthz") == 0) return R_HEALTH;
    if (strcmp(url, "/v1/documents") == 0) return R_DOCS;
    if (strcmp(url, "/v1/query") == 0) return R_QUERY;
    if (strcmp(url, "/v1/stats") == 0) return R_STATS;
    if (strncmp(url, docs, sizeof docs - 1) == 0 && url[sizeof docs - 1]) {
        *id = url + sizeof docs - 1;
        return R_DOC;
    }
    return R_NONE;
}

static const char *route_allow(route r)
{
    switch (r) {
    case R_HEALTH: case R_STATS: return "GET";
    case R_DOCS: case R_QUERY: return "POST";
    case R_DOC: return "GET, DELETE";
    default: return "";
    }
}

static int method_allowed(route r, const char *m)
{
    switch (r) {
    case R_HEALTH: case R_STATS: return strcmp(m, "GET") == 0;
    case R_DOCS: case R_QUERY: return strcmp(m, "POST") == 0;
    case R_DOC: return strcmp(m, "GET") == 0 || strcmp(m, "DELETE") == 0;
    default: return 0;
    }
}

/* ---- one request ------------------------------------------------------------ */

typedef struct request {
    route r;
    char *body;
    size_t len, cap;
    int too_big;            /* the body passed --max-body: answer 413 at its end */
    int answered;           /* a response was queued */
    unsigned status;
    char method[8];
    struct timespec t0;
    struct wjob *job;       /* a write handed to the writer (the connection suspended) */
} request;

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-6;
}

/* Queues a response with body[0..len) (malloc'd; taken over, freed here on failure). */
static enum MHD_Result send_buf(struct MHD_Connection *c, request *rq, unsigned status,
                                char *body, size_t len, const char *allow, int close)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    if (allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"neardup\"");
    if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
    if (close)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    const enum MHD_Result ok = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    rq->answered = 1;
    rq->status = status;
    return ok;
}

/* A JSON error body. */
static enum MHD_Result send_error(struct MHD_Connection *c, request *rq, unsigned status,
                                  const char *allow, const char *fmt, ...) ND_PRINTF(5, 6);
static enum MHD_Result send_error(struct MHD_Connection *c, request *rq, unsigned status,
                                  const char *allow, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_membuf b;
    if (cli_membuf_open(&b))
        return MHD_NO;
    net_error_json(b.fp, (int)status, msg);
    fputc('\n', b.fp);
    if (cli_membuf_close(&b))
        return MHD_NO;
    return send_buf(c, rq, status, b.data, b.len, allow,
                    status == MHD_HTTP_SERVICE_UNAVAILABLE || rq->too_big);
}

/* The HTTP status of a failed library call. */
static unsigned lib_status(nd_status st)
{
    switch (st) {
    case ND_E_INPUT: case ND_E_PARAM: return MHD_HTTP_BAD_REQUEST;
    case ND_E_LIMIT: return MHD_HTTP_CONTENT_TOO_LARGE;
    case ND_E_STATE: return MHD_HTTP_FORBIDDEN;
    case ND_E_NOMEM: return MHD_HTTP_SERVICE_UNAVAILABLE;
    case ND_E_IO: return MHD_HTTP_INSUFFICIENT_STORAGE;
    default: return MHD_HTTP_INTERNAL_SERVER_ERROR;
    }
}

/* ---- the writer thread --------------------------------------------------------- */

static void write_run(server *sv, wjob *j)
{
    nd_index_session *s = sv->wsession;
    if (j->id) { /* its answer (j->out) was built by the handler */
        const char *id = j->id;
        j->st = nd_index_remove(s, &id, &j->id_len, 1, &j->removed);
    } else {
        /* the body opened first: no out of memory answered for a committed add
         * (unless it cannot grow) */
        if (cli_membuf_open(&j->out) != 0) {
            j->out.data = NULL;
            j->st = ND_E_NOMEM;
            snprintf(j->detail, sizeof j->detail, "out of memory");
            return;
        }
        const docset *d = &j->ds;
        const nd_index_answer *ans = NULL;
        j->st = d->n ? nd_index_add(s, d->docs, d->n, &ans) : ND_OK;
        if (j->st != ND_OK) {
            if (cli_membuf_close(&j->out) == 0)
                free(j->out.data);
            j->out.data = NULL;
        } else {
            if (d->batch)
                fputs("{\"answers\":[", j->out.fp);
            for (size_t i = 0; i < d->n; i++) {
                if (i)
                    fputc(',', j->out.fp);
                cli_answer_json(j->out.fp, d->docs[i].id, d->docs[i].id_len, &ans[i]);
            }
            if (d->batch)
                fputs("]}", j->out.fp);
            fputc('\n', j->out.fp);
            if (cli_membuf_close(&j->out))
                j->out.data = NULL;
        }
    }
    if (j->st != ND_OK)
        snprintf(j->detail, sizeof j->detail, "%s", nd_index_session_errdetail(s));
}

static void *writer_main(void *arg)
{
    server *sv = arg;
    /* a nice value of this thread only (Linux); a failure leaves it at 0 */
    if (sv->write_nice && setpriority(PRIO_PROCESS, (id_t)gettid(), sv->write_nice) != 0)
        cli_log(2, "--write-nice %d: %s (writes run at the queries' priority)",
                sv->write_nice, strerror(errno));
    pthread_mutex_lock(&sv->wmu);
    for (;;) {
        while (!sv->whead && !sv->wstop)
            pthread_cond_wait(&sv->wwork, &sv->wmu);
        wjob *j = sv->whead;
        if (!j)
            break; /* stopping, nothing left */
        sv->whead = j->next;
        if (!sv->whead)
            sv->wtail = NULL;
        pthread_mutex_unlock(&sv->wmu);
        write_run(sv, j);
        pthread_mutex_lock(&sv->wmu);
        MHD_resume_connection(j->conn); /* its handler runs again and answers */
    }
    pthread_mutex_unlock(&sv->wmu);
    return NULL;
}

/* Hands j to the writer thread: 0, or -1 when the server is stopping (the
 * writer takes no more). The caller then suspends j->conn. */
static int write_submit(server *sv, wjob *j)
{
    j->next = NULL;
    pthread_mutex_lock(&sv->wmu);
    const int stopping = sv->wstop;
    if (!stopping) {
        if (sv->wtail)
            sv->wtail->next = j;
        else
            sv->whead = j;
        sv->wtail = j;
        pthread_cond_signal(&sv->wwork);
    }
    pthread_mutex_unlock(&sv->wmu);
    return stopping ? -1 : 0;
}

/* ---- request documents -------------------------------------------------------- */

enum { F_ID, F_TEXT, F_TITLE, F_SOURCE, F_DATE, F_DOCUMENTS, F_ANSWERS, F_N };
static const char *const k_fields[F_N] = {"id", "text", "title", "source", "date", "documents",
                                          "answers"};

/* Copies a string value (it may live in the scanner's buffer). */
static int own_str(docset *d, const js_value *v, const char **s, size_t *n)
{
    char *p = malloc(v->n + 1);
    if (!p)
        return -1;
    memcpy(p, v->s, v->n);
    p[v->n] = '\0';
    d->own[d->nown++] = p;
    *s = p;
    *n = v->n;
    return 0;
}

/* The "answers" member of a request (absent or null: all; an array of names,
 * or a string of comma-separated names, of cli_answer_part); 0, or 400 with a
 * message in err. */
static unsigned read_answers(const js_value *v, unsigned *parts, char *err, size_t errlen)
{
    *parts = ND_INDEX_ANSWER_ALL;
    if (v->type == JS_ABSENT || v->type == JS_NULL)
        return 0;
    unsigned got = 0;
    if (v->type == JS_STRING) {
        char list[64];
        const char *bad = v->s;
        size_t bad_len = v->n;
        if (v->n < sizeof list && !memchr(v->s, 0, v->n)) {
            memcpy(list, v->s, v->n);
            list[v->n] = '\0';
            if (cli_parse_answers(list, &got, &bad, &bad_len) == 0) {
                *parts = got;
                return 0;
            }
        }
        snprintf(err, errlen, "field 'answers': '%.*s' is not one of %s",
                 (int)(bad_len > 64 ? 64 : bad_len), bad, CLI_ANSWER_PARTS);
        return MHD_HTTP_BAD_REQUEST;
    }
    if (v->type != JS_ARRAY) {
        snprintf(err, errlen, "field 'answers' must be an array of names, not %s",
                 js_type_name(v->type));
        return MHD_HTTP_BAD_REQUEST;
    }
    size_t pos = 0, en;
    const char *es;
    while (js_array_next(v, &pos, &es, &en)) {
        /* a name is plain ASCII: its JSON string is the name between quotes */
        const int bit = en >= 2 && es[0] == '"' && es[en - 1] == '"'
                            ? cli_answer_part(es + 1, en - 2) : -1;
        if (bit < 0) {
            snprintf(err, errlen, "field 'answers': %.*s is not one of %s",
                     (int)(en > 64 ? 64 : en), es, CLI_ANSWER_PARTS);
            return MHD_HTTP_BAD_REQUEST;
        }
        got |= (unsigned)bit;
    }
    *parts = got;
    return 0;
}

/* Fills doc from the fields of an object scanned by sc; 0, or a 4xx/5xx with a
 * message in err. where: "" or "documents[i]: ". */
static unsigned read_doc(docset *d, js_scanner *sc, nd_index_doc *doc, const char *where,
                         char *err, size_t errlen)
{
    memset(doc, 0, sizeof *doc);
    static const int required[F_N] = {1, 1, 0, 0, 0, 0, 0};
    for (int f = F_ID; f <= F_DATE; f++) {
        const js_value *v = js_field(sc, (size_t)f);
        if (v->type == JS_ABSENT || (v->type == JS_NULL && !required[f])) {
            if (required[f]) {
                snprintf(err, errlen, "%smissing field '%s'", where, k_fields[f]);
                return MHD_HTTP_BAD_REQUEST;
            }
            continue;
        }
        if (v->type != JS_STRING) {
            snprintf(err, errlen, "%sfield '%s' must be a string, not %s", where, k_fields[f],
                     js_type_name(v->type));
            return MHD_HTTP_BAD_REQUEST;
        }
        const char *s;
        size_t n;
        if (own_str(d, v, &s, &n)) {
            snprintf(err, errlen, "out of memory");
            return MHD_HTTP_SERVICE_UNAVAILABLE;
        }
        switch (f) {
        case F_ID:
            if (n == 0 || n > 500) {
                snprintf(err, errlen, "%sfield 'id' must be 1 to 500 bytes (%zu given)", where,
                         n);
                return MHD_HTTP_BAD_REQUEST;
            }
            doc->id = s; doc->id_len = n;
            break;
        case F_TEXT: doc->text = s; doc->text_len = n; break;
        case F_TITLE: doc->title = s; doc->title_len = n; break;
        case F_SOURCE: doc->source = s; doc->source_len = n; break;
        case F_DATE:
            if (cli_parse_date(s, n, &doc->date_days)) {
                snprintf(err, errlen, "%sfield 'date' is not a date (ISO 8601, RFC 2822, ...)",
                         where);
                return MHD_HTTP_BAD_REQUEST;
            }
            doc->date = s; doc->date_len = n; doc->has_date = 1;
            break;
        default: break;
        }
    }
    return 0;
}

/* Parses a request body into d: one document object, or {"documents":[...]}.
 * Returns 0, or an HTTP status with a message in err. */
static unsigned parse_docs(const server *sv, const char *body, size_t len, docset *d,
                           char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    unsigned st = 0;
    js_scanner *top = js_new(k_fields, F_N), *el = js_new(k_fields, F_N);
    if (!top || !el) {
        snprintf(err, errlen, "out of memory");
        st = MHD_HTTP_SERVICE_UNAVAILABLE;
        goto fail;
    }
    const int rc = js_scan(top, body, len);
    if (rc == JS_ERR_NOMEM) {
        snprintf(err, errlen, "out of memory");
        st = MHD_HTTP_SERVICE_UNAVAILABLE;
        goto fail;
    }
    if (rc != JS_OK) {
        snprintf(err, errlen, "invalid JSON at byte %zu: %s", js_errpos(top), js_errmsg(top));
        st = MHD_HTTP_BAD_REQUEST;
        goto fail;
    }
    if (js_top(top) != JS_OBJECT) {
        snprintf(err, errlen, "the body must be a JSON object, not %s",
                 js_type_name(js_top(top)));
        st = MHD_HTTP_BAD_REQUEST;
        goto fail;
    }
    if ((st = read_answers(js_field(top, F_ANSWERS), &d->parts, err, errlen)) != 0)
        goto fail;
    const js_value *arr = js_field(top, F_DOCUMENTS);
    size_t n = 1;
    if (arr->type != JS_ABSENT) {
        if (arr->type != JS_ARRAY) {
            snprintf(err, errlen, "field 'documents' must be an array, not %s",
                     js_type_name(arr->type));
            st = MHD_HTTP_BAD_REQUEST;
            goto fail;
        }
        d->batch = 1;
        n = 0;
        size_t pos = 0;
        const char *es;
        size_t en;
        while (js_array_next(arr, &pos, &es, &en))
            n++;
        if (n > sv->max_batch) {
            snprintf(err, errlen, "a batch of %zu documents is over the limit of %llu "
                                  "(--max-batch)", n, (unsigned long long)sv->max_batch);
            st = MHD_HTTP_CONTENT_TOO_LARGE;
            goto fail;
        }
    }
    d->docs = calloc(n ? n : 1, sizeof *d->docs);
    d->own = calloc(n ? 5 * n : 1, sizeof *d->own);
    if (!d->docs || !d->own) {
        snprintf(err, errlen, "out of memory");
        st = MHD_HTTP_SERVICE_UNAVAILABLE;
        goto fail;
    }
    if (!d->batch) {
        st = read_doc(d, top, &d->docs[0], "", err, errlen);
        if (st)
            goto fail;
        d->n = 1;
    } else {
        size_t pos = 0;
        const char *es;
        size_t en;
        char where[48];
        for (size_t i = 0; js_array_next(arr, &pos, &es, &en); i++) {
            snprintf(where, sizeof where, "documents[%zu]: ", i);
            const int erc = js_scan(el, es, en);
            if (erc != JS_OK) { /* validated already: only out of memory */
                snprintf(err, errlen, "out of memory");
                st = MHD_HTTP_SERVICE_UNAVAILABLE;
                goto fail;
            }
            if (js_top(el) != JS_OBJECT) {
                snprintf(err, errlen, "%smust be an object, not %s", where,
                         js_type_name(js_top(el)));
                st = MHD_HTTP_BAD_REQUEST;
                goto fail;
            }
            st = read_doc(d, el, &d->docs[i], where, err, errlen);
            if (st)
                goto fail;
            d->n = i + 1;
        }
    }
    js_free(top);
    js_free(el);
    return 0;
fail:
    js_free(top);
    js_free(el);
    return st;
}

/* ---- handlers ------------------------------------------------------------------ */

static enum MHD_Result send_membuf(struct MHD_Connection *c, request *rq, unsigned status,
                                   cli_membuf *b)
{
    fputc('\n', b->fp);
    if (cli_membuf_close(b))
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    return send_buf(c, rq, status, b->data, b->len, NULL, 0);
}

static void wjob_free(wjob *j)
{
    if (!j)
        return;
    docset_free(&j->ds);
    free(j->id);
    free(j->out.data);
    free(j);
}

/* Hands write j (owned) to the writer thread and suspends the connection:
 * the pool thread goes on with its other connections meanwhile. */
static enum MHD_Result write_start(server *sv, struct MHD_Connection *c, request *rq, wjob *j)
{
    /* suspended first, so that the writer's resume always comes after */
    rq->job = j;
    MHD_suspend_connection(c);
    if (write_submit(sv, j) != 0) {
        j->refused = 1;
        MHD_resume_connection(c);
    }
    return MHD_YES;
}

/* The answer of a write the writer thread has done (the connection resumed). */
static enum MHD_Result write_finish(struct MHD_Connection *c, request *rq)
{
    wjob *j = rq->job;
    rq->job = NULL;
    enum MHD_Result r;
    if (j->refused) {
        r = send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
                       "the server is stopping; retry later");
    } else if (j->st != ND_OK) {
        r = send_error(c, rq, lib_status(j->st), NULL, "%s", cli_detail(j->detail, j->st));
    } else if (j->id) {
        if (!j->removed) {
            r = send_error(c, rq, MHD_HTTP_NOT_FOUND, NULL, "no document '%s' in the index",
                           j->id);
        } else {
            r = send_buf(c, rq, MHD_HTTP_OK, j->out.data, j->out.len, NULL, 0);
            j->out.data = NULL; /* taken over */
        }
    } else if (!j->out.data) {
        r = send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    } else {
        r = send_buf(c, rq, MHD_HTTP_OK, j->out.data, j->out.len, NULL, 0);
        j->out.data = NULL; /* taken over */
    }
    wjob_free(j);
    return r;
}

/* POST /v1/documents (add) and POST /v1/query. */
static enum MHD_Result handle_docs(server *sv, struct MHD_Connection *c, request *rq, int add)
{
    char err[1024];
    docset d;
    const unsigned pst = parse_docs(sv, rq->body ? rq->body : "", rq->len, &d, err, sizeof err);
    if (pst) {
        docset_free(&d);
        return send_error(c, rq, pst, NULL, "%s", err);
    }
    if (add) { /* handed to the writer thread (which has its own session) */
        if (sv->read_only) {
            docset_free(&d);
            return send_error(c, rq, MHD_HTTP_FORBIDDEN, NULL, "the index is open read-only");
        }
        if (d.parts != ND_INDEX_ANSWER_ALL) {
            docset_free(&d);
            return send_error(c, rq, MHD_HTTP_BAD_REQUEST, NULL,
                              "field 'answers' is for POST /v1/query (an add finds every "
                              "part)");
        }
        wjob *j = calloc(1, sizeof *j);
        if (!j) {
            docset_free(&d);
            return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
        }
        j->conn = c;
        j->ds = d;
        return write_start(sv, c, rq, j);
    }
    nd_index_session *s = thread_session(sv);
    if (!s) {
        docset_free(&d);
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    }
    nd_index_session_set_answers(s, d.parts);
    cli_membuf b;
    if (cli_membuf_open(&b)) {
        docset_free(&d);
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    }
    if (d.batch)
        fputs("{\"answers\":[", b.fp);
    nd_status st = ND_OK;
    for (size_t i = 0; st == ND_OK && i < d.n; i++) {
        const nd_index_answer *ans = NULL;
        st = nd_index_query(s, &d.docs[i], &ans);
        if (st == ND_OK) {
            if (i)
                fputc(',', b.fp);
            cli_answer_json(b.fp, d.docs[i].id, d.docs[i].id_len, ans);
        }
    }
    docset_free(&d);
    if (st != ND_OK) {
        if (cli_membuf_close(&b) == 0)
            free(b.data);
        return send_error(c, rq, lib_status(st), NULL, "%s",
                          cli_detail(nd_index_session_errdetail(s), st));
    }
    if (d.batch)
        fputs("]}", b.fp);
    return send_membuf(c, rq, MHD_HTTP_OK, &b);
}

/* GET and DELETE /v1/documents/ID. */
static enum MHD_Result handle_doc(server *sv, struct MHD_Connection *c, request *rq,
                                  const char *id)
{
    const size_t id_len = strlen(id);
    if (strcmp(rq->method, "DELETE") == 0) { /* handed to the writer thread */
        if (sv->read_only)
            return send_error(c, rq, MHD_HTTP_FORBIDDEN, NULL, "the index is open read-only");
        wjob *j = calloc(1, sizeof *j);
        if (!j || !(j->id = malloc(id_len + 1))) {
            free(j);
            return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
        }
        memcpy(j->id, id, id_len + 1);
        j->id_len = id_len;
        j->conn = c;
        /* the answer built first: no out of memory answered for a committed delete */
        if (cli_membuf_open(&j->out) == 0) {
            fputs("{\"id\":", j->out.fp);
            cli_json_str(j->out.fp, id, id_len);
            fputs(",\"removed\":true}\n", j->out.fp);
            if (cli_membuf_close(&j->out))
                j->out.data = NULL;
        } else {
            j->out.data = NULL;
        }
        if (!j->out.data) {
            wjob_free(j);
            return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
        }
        return write_start(sv, c, rq, j);
    }
    nd_index_session *s = thread_session(sv);
    if (!s)
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    nd_index_record r;
    const nd_status st = nd_index_get(s, id, id_len, &r);
    if (st == ND_E_PARAM)
        return send_error(c, rq, MHD_HTTP_NOT_FOUND, NULL, "no document '%s' in the index", id);
    if (st != ND_OK)
        return send_error(c, rq, lib_status(st), NULL, "%s",
                          cli_detail(nd_index_session_errdetail(s), st));
    cli_membuf b;
    if (cli_membuf_open(&b))
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    cli_record_json(b.fp, &r);
    return send_membuf(c, rq, MHD_HTTP_OK, &b);
}

static enum MHD_Result handle_stats(server *sv, struct MHD_Connection *c, request *rq)
{
    nd_index_stats stats;
    const nd_status st = nd_index_stats_get(sv->ix, &stats);
    if (st != ND_OK)
        return send_error(c, rq, lib_status(st), NULL, "%s",
                          cli_detail(nd_index_errdetail(sv->ix), st));
    cli_membuf b;
    if (cli_membuf_open(&b))
        return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "out of memory");
    cli_stats_json(b.fp, &stats);
    return send_membuf(c, rq, MHD_HTTP_OK, &b);
}

/* Whether the request carries the token (always true when none is required). */
static int authorized(const server *sv, struct MHD_Connection *c)
{
    if (!sv->token)
        return 1;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    while (n && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    return net_token_equal(h, n, sv->token, sv->token_len);
}

/* libmicrohttpd's access handler: called once with the headers, then for each
 * piece of the body, then once more with upload_data_size 0. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    server *sv = cls;
    request *rq = *con_cls;
    if (!rq) {
        rq = calloc(1, sizeof *rq);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        atomic_fetch_add(&sv->inflight, 1);
        clock_gettime(CLOCK_MONOTONIC, &rq->t0);
        snprintf(rq->method, sizeof rq->method, "%s", method);
        const char *id = NULL;
        rq->r = find_route(url, &id);
        if (atomic_load(&sv->conns) > sv->max_conn)
            return send_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL,
                              "too many connections (--max-connections %u); retry later",
                              sv->max_conn);
        if (rq->r != R_HEALTH && !authorized(sv, c))
            return send_error(c, rq, MHD_HTTP_UNAUTHORIZED, NULL,
                              "missing or wrong bearer token (Authorization: Bearer TOKEN)");
        if (rq->r == R_NONE)
            return send_error(c, rq, MHD_HTTP_NOT_FOUND, NULL, "no route %s", url);
        if (!method_allowed(rq->r, method))
            return send_error(c, rq, MHD_HTTP_METHOD_NOT_ALLOWED, route_allow(rq->r),
                              "method %s not allowed on %s (allowed: %s)", method, url,
                              route_allow(rq->r));
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            const unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > sv->max_body) {
                rq->too_big = 1;
                return send_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, NULL,
                                  "request body of %s bytes is over the limit of %llu "
                                  "(--max-body)", cl, (unsigned long long)sv->max_body);
            }
        }
        return MHD_YES;
    }
    if (rq->answered) { /* answered from the headers: drop the body */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rq->job) /* resumed: the writer thread has done it */
        return write_finish(c, rq);
    if (*upload_data_size) {
        const size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->too_big || n > sv->max_body - rq->len) {
            rq->too_big = 1;
            free(rq->body);
            rq->body = NULL;
            rq->len = rq->cap = 0;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = rq->cap ? rq->cap : 4096;
            while (cap < rq->len + n + 1)
                cap *= 2;
            char *p = realloc(rq->body, cap);
            if (!p)
                return MHD_NO;
            rq->body = p;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        return MHD_YES;
    }
    /* The whole request is in. */
    if (rq->too_big)
        return send_error(c, rq, MHD_HTTP_CONTENT_TOO_LARGE, NULL,
                          "request body over the limit of %llu bytes (--max-body)",
                          (unsigned long long)sv->max_body);
    switch (rq->r) {
    case R_HEALTH: {
        char *ok = strdup("{\"status\":\"ok\"}\n");
        if (!ok)
            return MHD_NO;
        return send_buf(c, rq, MHD_HTTP_OK, ok, strlen(ok), NULL, 0);
    }
    case R_STATS: return handle_stats(sv, c, rq);
    case R_DOCS: return handle_docs(sv, c, rq, 1);
    case R_QUERY: return handle_docs(sv, c, rq, 0);
    case R_DOC: {
        const char *id = NULL;
        find_route(url, &id);
        return handle_doc(sv, c, rq, id);
    }
    default: return send_error(c, rq, MHD_HTTP_NOT_FOUND, NULL, "no route %s", url);
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    server *sv = cls;
    request *rq = *con_cls;
    if (!rq)
        return;
    if (g_display_level >= 3) {
        /* One fprintf: lines of concurrent requests do not mix. */
        fprintf(stderr, "neardup: %s %s %u %.3f ms%s\n", rq->method,
                rq->r == R_HEALTH ? "/healthz" : rq->r == R_DOCS ? "/v1/documents"
                : rq->r == R_DOC ? "/v1/documents/ID" : rq->r == R_QUERY ? "/v1/query"
                : rq->r == R_STATS ? "/v1/stats" : "(unknown)",
                rq->status, elapsed_ms(&rq->t0),
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed)");
    }
    /* a write done but not answered (the daemon stopped before its handler ran
     * again; never one still with the writer: it is joined first) */
    wjob_free(rq->job);
    free(rq->body);
    free(rq);
    *con_cls = NULL;
    atomic_fetch_sub(&sv->inflight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)c;
    (void)socket_context;
    server *sv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&sv->conns, 1);
    else
        atomic_fetch_sub(&sv->conns, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) ND_PRINTF(2, 0);
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    if (g_display_level < 3)
        return;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    cli_log(3, "libmicrohttpd: %s", msg);
}

/* Percent-decoding of the URL (libmicrohttpd's unescape callback), in place: as
 * libmicrohttpd's own, except that %00 stays as it is written. The handler gets the
 * path as a C string: a decoded NUL would cut an id short, and a DELETE could then
 * remove another document than the one named. */
static int hex_val(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

static size_t on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *r = s; *r;) {
        int hi, lo;
        if (r[0] == '%' && (hi = hex_val(r[1])) >= 0 && (lo = hex_val(r[2])) >= 0 &&
            (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* ---- main ------------------------------------------------------------------------ */

enum { O_LISTEN = 1, O_TOKEN, O_CREATE, O_RO, O_NOSYNC, O_MAXBODY, O_MAXBATCH, O_MAXCONN,
       O_TIMEOUT, O_WNICE };

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, O_LISTEN},
        {"token-file", required_argument, NULL, O_TOKEN},
        {"create", no_argument, NULL, O_CREATE},
        {"read-only", no_argument, NULL, O_RO},
        {"no-sync", no_argument, NULL, O_NOSYNC},
        {"threads", required_argument, NULL, 'T'},
        {"max-body", required_argument, NULL, O_MAXBODY},
        {"max-batch", required_argument, NULL, O_MAXBATCH},
        {"max-connections", required_argument, NULL, O_MAXCONN},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"write-nice", required_argument, NULL, O_WNICE},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *listen_at = "127.0.0.1:8080", *token_file = NULL;
    int create = 0, read_only = 0, nosync = 0;
    uint64_t threads = 8, max_body = 16u << 20, max_batch = 1000, max_conn = 64, timeout = 30;
    uint64_t write_nice = 10;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "T:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN: listen_at = optarg; break;
        case O_TOKEN: token_file = optarg; break;
        case O_CREATE: create = 1; break;
        case O_RO: read_only = 1; break;
        case O_NOSYNC: nosync = 1; break;
        case 'T':
            if (cli_parse_uint(optarg, 1, 256, &threads))
                return usage_error("-T/--threads: '%s' is not a number from 1 to 256", optarg);
            break;
        case O_MAXBODY:
            if (cli_parse_size(optarg, &max_body) || max_body < 1024 ||
                max_body > ((uint64_t)1 << 32))
                return usage_error("--max-body: invalid size '%s' (1K to 4G)", optarg);
            break;
        case O_MAXBATCH:
            if (cli_parse_uint(optarg, 1, 1000000, &max_batch))
                return usage_error("--max-batch: '%s' is not a number from 1 to 1000000",
                                   optarg);
            break;
        case O_MAXCONN:
            if (cli_parse_uint(optarg, 1, 10000, &max_conn))
                return usage_error("--max-connections: '%s' is not a number from 1 to 10000",
                                   optarg);
            break;
        case O_TIMEOUT:
            if (cli_parse_uint(optarg, 1, 86400, &timeout))
                return usage_error("--timeout: '%s' is not a number of seconds from 1 to "
                                   "86400", optarg);
            break;
        case O_WNICE:
            if (cli_parse_uint(optarg, 0, 19, &write_nice))
                return usage_error("--write-nice: '%s' is not a number from 0 to 19", optarg);
            break;
        case 'q': g_display_level--; break;
        case 'v': g_display_level++; break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_INPUT;
        default: return cli_option_error(g_cmd, c, argv, longopts);
        }
    }
    if (optind >= argc)
        return usage_error("no index directory given");
    if (optind + 1 < argc)
        return usage_error("one index directory only ('%s' is extra)", argv[optind + 1]);
    if (create && read_only)
        return usage_error("--create and --read-only exclude each other");
    const char *dir = argv[optind];

    char err[512];
    struct sockaddr_storage ss;
    socklen_t sslen;
    int loopback;
    if (net_parse_listen(listen_at, &ss, &sslen, &loopback, err, sizeof err))
        return usage_error("%s", err);
    if (!loopback && !token_file)
        return usage_error("--listen %s is not a loopback address: --token-file FILE is "
                           "required (every client must then send 'Authorization: Bearer "
                           "TOKEN')", listen_at);

    int rc = EXIT_OK_;
    struct MHD_Daemon *d = NULL;
    server sv;
    memset(&sv, 0, sizeof sv);
    sv.max_body = max_body;
    sv.max_batch = max_batch;
    sv.max_conn = (unsigned)max_conn;
    sv.read_only = read_only;
    sv.write_nice = (int)write_nice;
    pthread_mutex_init(&sv.lock, NULL);
    pthread_mutex_init(&sv.wmu, NULL);
    pthread_cond_init(&sv.wwork, NULL);
    if (token_file && net_read_token(token_file, &sv.token, &sv.token_len, err, sizeof err)) {
        cli_log(1, "%s", err);
        rc = EXIT_INPUT;
        goto done;
    }


    const unsigned flags = (read_only ? ND_INDEX_READONLY : 0u) | (nosync ? ND_INDEX_NOSYNC : 0u);
    /* --create: a new index where the directory is missing or holds none (no data.mdb). */
    unsigned oflags = flags;
    if (create && !nd_index_exists(dir))
        oflags |= ND_INDEX_CREATE;
    const nd_status st = nd_index_open(&sv.ix, dir, NULL, oflags, NULL);
    if (st != ND_OK) {
        const char *detail = sv.ix ? nd_index_errdetail(sv.ix) : "";
        if (detail && *detail)
            cli_log(1, "%s", detail);  /* names the directory */
        else
            cli_log(1, "%s: %s", dir, nd_strerror(st));
        rc = st == ND_E_STATE ? EXIT_INPUT : cli_exit_status(st);
        goto done;
    }
    if (oflags & ND_INDEX_CREATE)
        cli_log(2, "%s: index created (default parameters)", dir);

    /* Signals: blocked here, so in every thread made from now on; taken by sigwait. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* the writer thread and its session */
    if (!read_only) {
        const nd_status wst = nd_index_session_create(sv.ix, &sv.wsession);
        if (wst != ND_OK || pthread_create(&sv.writer, NULL, writer_main, &sv) != 0) {
            cli_log(1, "cannot start the writer thread: %s",
                    wst != ND_OK ? nd_strerror(wst) : "pthread_create failed");
            rc = EXIT_INTERNAL;
            goto done;
        }
        sv.writer_up = 1;
    }

    unsigned mflags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
                      MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        mflags |= MHD_USE_IPv6;
    const unsigned hard_limit = sv.max_conn + sv.max_conn / 2 + 16;
    d = MHD_start_daemon(mflags, 0, NULL, NULL, on_request, &sv,
                         MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
                         MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&ss,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                         MHD_OPTION_CONNECTION_LIMIT, hard_limit,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv,
                         MHD_OPTION_NOTIFY_CONNECTION, on_connection, &sv,
                         MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL,
                         MHD_OPTION_END);
    if (!d) {
        cli_log(1, "cannot listen on %s: %s", listen_at,
                errno ? strerror(errno) : "libmicrohttpd could not start");
        rc = EXIT_INPUT;
        goto done;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    {
        char host[256];
        const char *colon = strrchr(listen_at, ':');
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen_at), listen_at);
        cli_log(2, "listening on %s:%u (index %s, %u %s)", host,
                di ? (unsigned)di->port : 0u, dir, (unsigned)threads,
                cli_plural(threads, "thread", "threads"));
    }

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {
    }
    cli_log(2, "%s: stopping (requests in flight end first)",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    const MHD_socket lsock = MHD_quiesce_daemon(d);  /* no new connections */
    for (int i = 0; i < 1000 && atomic_load(&sv.inflight) > 0; i++) {
        const struct timespec ten_ms = {0, 10 * 1000 * 1000};
        nanosleep(&ten_ms, NULL);
    }
    if (sv.writer_up) { /* the writes handed over are done (their connections resumed) */
        pthread_mutex_lock(&sv.wmu);
        sv.wstop = 1;
        pthread_cond_signal(&sv.wwork);
        pthread_mutex_unlock(&sv.wmu);
        pthread_join(sv.writer, NULL);
        sv.writer_up = 0;
        /* the writes just done: their answers go out (at most 10 s more) */
        for (int i = 0; i < 1000 && atomic_load(&sv.inflight) > 0; i++) {
            const struct timespec ten_ms = {0, 10 * 1000 * 1000};
            nanosleep(&ten_ms, NULL);
        }
    }
    MHD_stop_daemon(d);     /* joins the pool */
    d = NULL;
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);       /* quiesced: ours to close */
done:
    if (sv.writer_up) { /* a failed start: no job came */
        pthread_mutex_lock(&sv.wmu);
        sv.wstop = 1;
        pthread_cond_signal(&sv.wwork);
        pthread_mutex_unlock(&sv.wmu);
        pthread_join(sv.writer, NULL);
    }
    nd_index_session_destroy(sv.wsession);
    for (size_t i = 0; i < sv.nsessions; i++)
        nd_index_session_destroy(sv.sessions[i]);
    free(sv.sessions);
    if (sv.ix) {
        nd_index_close(sv.ix);
        if (rc == EXIT_OK_)
            cli_log(2, "index closed");
    }
    free(sv.token);
    pthread_mutex_destroy(&sv.lock);
    pthread_mutex_destroy(&sv.wmu);
    pthread_cond_destroy(&sv.wwork);
    return rc;
}
