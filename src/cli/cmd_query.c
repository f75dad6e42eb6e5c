/*
 * cmd_query.c - `neardup query --server URL INPUT...`: the scripting client
 * of `neardup serve` (docs/http-api.md).
 *
 * DESIGN
 *   The inputs are read like the batch commands read them (read/reader.h,
 *   the shared input options of read/inputs.h); each record becomes a request
 *   document {"id","text"[,"title"][,"source"][,"date"]} and --batch of them
 *   go in one {"documents":[...]} request to /v1/query (or /v1/documents
 *   with --add: then each batch is one transaction on the server). The
 *   answers come back in order; each is written as it came, one line per
 *   document, to standard output. One libcurl handle is reused, so that the
 *   connection is kept alive across batches.
 *
 *   The first failure stops the run: the connection (refused, timed out:
 *   libcurl's message), or an HTTP status other than 200 (the server's error
 *   message). The answers of the batches before it are already written; with
 *   --add, those batches were committed, and the failed one was not.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "net/net.h"
#include "read/date.h"
#include "read/inputs.h"
#include "read/json.h"
#include "read/reader.h"
#include "write/answer.h"
#include "write/output.h"

static const char *g_cmd = "query";

#define usage_error(...) cli_usage_error(g_cmd, __VA_ARGS__)

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: neardup query --server URL [options] INPUT...\n"
            "\n"
            "Sends the documents of the inputs to a neardup server (neardup serve) and\n"
            "writes its answer for each, one JSON line per document, in input order\n"
            "(docs/http-api.md). Queries change nothing; --add adds them to the index.\n"
            "\n"
            "Server:\n"
            "  --server URL        the server, e.g. http://127.0.0.1:8080 (required)\n"
            "  --add               add the documents (POST /v1/documents) instead of\n"
            "                      querying them (POST /v1/query)\n"
            "  --answers LIST      the parts a query finds, from duplicates, passages,\n"
            "                      story, all (the cluster and pairs always) [all]\n"
            "  --batch N           documents per request, 1 to 100000 [100]; with --add,\n"
            "                      each request is one transaction\n"
            "  --token-file FILE   send 'Authorization: Bearer TOKEN', TOKEN the file's\n"
            "                      first line\n"
            "  --timeout S         give up on a request after S seconds, 0 = never [60]\n"
            "Input (as for neardup dedup):\n"
            "  --format FMT        auto|jsonl|text|lines|warc [auto]\n"
            "  --lines             same as --format lines\n"
            "  --id-field NAME     JSON field holding the id [id]\n"
            "  --text-field NAME   JSON field holding the text [text]\n"
            "  --source-field NAME JSON field naming the source [source]\n"
            "  --date-field NAME   JSON field holding the date (see the man page) [date]\n"
            "  --title-field NAME  JSON field holding the title [title]\n"
            "  --on-error POLICY   skip|stop on a bad record [skip]\n"
            "  --max-record SIZE   largest record (K/M/G suffixes) [1G]\n"
            "Messages:\n"
            "  -q, --quiet         only errors on stderr (-qq: nothing)\n"
            "  -v, --verbose       one line per request on stderr\n"
            "  -h, --help          this help\n"
            "\n"
            "Exit status: 0 ok, 1 usage, 2 input error, server unreachable or an HTTP\n"
            "error, 4 out of memory or a server limit (413).\n");
}

/* ---- HTTP ------------------------------------------------------------------------ */

typedef struct client {
    CURL *curl;
    struct curl_slist *headers;
    char *url;
    const char *server;
    char *resp;
    size_t resp_len, resp_cap;
    int oom;
    char curl_err[CURL_ERROR_SIZE];
    uint64_t requests;
} client;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ctx)
{
    client *cl = ctx;
    const size_t n = size * nmemb;
    if (cli_grow((void **)&cl->resp, &cl->resp_cap, cl->resp_len + n + 1, 1)) {
        cl->oom = 1;
        return 0;
    }
    memcpy(cl->resp + cl->resp_len, p, n);
    cl->resp_len += n;
    cl->resp[cl->resp_len] = '\0';
    return n;
}

/* The "message" of a {"error":{"code":N,"message":"..."}} body, copied into
 * out; the body itself (cut) when it is not one. */
static void server_message(const char *body, size_t len, char *out, size_t outlen)
{
    static const char *const f_err[] = {"error"};
    static const char *const f_msg[] = {"message"};
    js_scanner *a = js_new(f_err, 1), *b = js_new(f_msg, 1);
    snprintf(out, outlen, "%.*s", (int)(len > 200 ? 200 : len), body);
    while (len && (out[strlen(out) - 1] == '\n'))
        out[strlen(out) - 1] = '\0';
    if (a && b && js_scan(a, body, len) == JS_OK && js_field(a, 0)->type == JS_OBJECT) {
        const js_value *e = js_field(a, 0);
        if (js_scan(b, e->s, e->n) == JS_OK && js_field(b, 0)->type == JS_STRING)
            snprintf(out, outlen, "%.*s", (int)js_field(b, 0)->n, js_field(b, 0)->s);
    }
    js_free(a);
    js_free(b);
}

/* POSTs body[0..len) and writes the answers to stdout. Returns 0 or an exit code
 * after a message. */
static int post_batch(client *cl, const char *body, size_t len, size_t ndocs)
{
    cl->resp_len = 0;
    curl_easy_setopt(cl->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(cl->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    cl->curl_err[0] = '\0';
    const CURLcode cc = curl_easy_perform(cl->curl);
    cl->requests++;
    if (cl->oom) {
        cli_log(1, "out of memory reading the server's answer");
        return EXIT_INTERNAL;
    }
    if (cc != CURLE_OK) {
        cli_log(1, "cannot reach the server (%s): %s", cl->url,
                cl->curl_err[0] ? cl->curl_err : curl_easy_strerror(cc));
        return EXIT_INPUT;
    }
    long code = 0;
    curl_easy_getinfo(cl->curl, CURLINFO_RESPONSE_CODE, &code);
    cli_log(3, "POST %s: %zu %s, HTTP %ld, %zu bytes back", cl->url, ndocs,
            cli_plural(ndocs, "document", "documents"), code, cl->resp_len);
    if (code != 200) {
        char msg[1024];
        server_message(cl->resp ? cl->resp : "", cl->resp_len, msg, sizeof msg);
        cli_log(1, "%s: HTTP %ld: %s", cl->url, code, msg);
        return code == 413 ? EXIT_INTERNAL : EXIT_INPUT;
    }
    static const char *const f_ans[] = {"answers"};
    js_scanner *sc = js_new(f_ans, 1);
    if (!sc) {
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    int rc = 0;
    if (js_scan(sc, cl->resp ? cl->resp : "", cl->resp_len) != JS_OK ||
        js_field(sc, 0)->type != JS_ARRAY) {
        cli_log(1, "%s: the answer is not {\"answers\":[...]}", cl->url);
        rc = EXIT_INPUT;
    } else {
        size_t pos = 0, en, got = 0;
        const char *es;
        while (js_array_next(js_field(sc, 0), &pos, &es, &en)) {
            fwrite(es, 1, en, stdout);
            fputc('\n', stdout);
            got++;
        }
        if (got != ndocs) {
            cli_log(1, "%s: %zu answers for %zu documents", cl->url, got, ndocs);
            rc = EXIT_INPUT;
        }
    }
    js_free(sc);
    return rc;
}

/* ---- the batch being built ------------------------------------------------------- */

/* The JSON of the request being built, and its ids (a hash set, to start a new
 * batch at an id the batch holds already: the server refuses an id twice in a
 * batch, and `neardup index add` does the same). */
typedef struct qbatch {
    cli_membuf b;
    size_t n;
    char **ids;             /* n ids, malloc'd */
    size_t cap;
    uint32_t *slots;        /* 1 + index into ids, 0 = empty; nslots a power of 2 */
    size_t nslots;
} qbatch;

static uint64_t id_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* 1 when the batch holds the id, 0 when not, and then (add) it is added; -1 out of memory. */
static int qbatch_id(qbatch *q, const char *id, size_t n, int add)
{
    if (add && 2 * (q->n + 1) > q->nslots) {
        const size_t ns = q->nslots ? 2 * q->nslots : 64;
        uint32_t *sl = calloc(ns, sizeof *sl);
        if (!sl)
            return -1;
        for (size_t i = 0; i < q->n; i++) {
            size_t k = id_hash(q->ids[i], strlen(q->ids[i])) & (ns - 1);
            while (sl[k])
                k = (k + 1) & (ns - 1);
            sl[k] = (uint32_t)(i + 1);
        }
        free(q->slots);
        q->slots = sl;
        q->nslots = ns;
    }
    if (!q->nslots)
        return 0;
    size_t k = id_hash(id, n) & (q->nslots - 1);
    while (q->slots[k]) {
        const char *o = q->ids[q->slots[k] - 1];
        if (strlen(o) == n && memcmp(o, id, n) == 0)
            return 1;
        k = (k + 1) & (q->nslots - 1);
    }
    if (!add)
        return 0;
    if (cli_grow((void **)&q->ids, &q->cap, q->n + 1, sizeof *q->ids))
        return -1;
    char *c = strndup(id, n);
    if (!c)
        return -1;
    q->ids[q->n] = c;
    q->slots[k] = (uint32_t)(q->n + 1);
    q->n++;
    return 0;
}

static void qbatch_clear(qbatch *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->ids[i]);
    q->n = 0;
    if (q->slots)
        memset(q->slots, 0, q->nslots * sizeof *q->slots);
}

/* Sends the batch (when it holds documents) and empties it. 0 or an exit code. */
static int qbatch_flush(qbatch *q, client *cl, uint64_t *sent)
{
    if (q->n == 0)
        return 0;
    fputs("]}", q->b.fp);
    const size_t n = q->n;
    qbatch_clear(q);
    if (cli_membuf_close(&q->b)) {
        q->b.fp = NULL;
        cli_log(1, "out of memory");
        return EXIT_INTERNAL;
    }
    q->b.fp = NULL;
    const int rc = post_batch(cl, q->b.data, q->b.len, n);
    free(q->b.data);
    q->b.data = NULL;
    *sent += n;
    return rc;
}

/* ---- main -------------------------------------------------------------------------- */

enum { Q_SERVER = 2000, Q_ADD, Q_BATCH, Q_TOKEN, Q_TIMEOUT, Q_TITLEF, Q_ANSWERS };

static void on_reader_error(void *ctx, const char *msg)
{
    (void)ctx;
    cli_log(1, "%s", msg);
}

int cmd_query(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"server", required_argument, NULL, Q_SERVER},
        {"add", no_argument, NULL, Q_ADD},
        {"answers", required_argument, NULL, Q_ANSWERS},
        {"batch", required_argument, NULL, Q_BATCH},
        {"token-file", required_argument, NULL, Q_TOKEN},
        {"timeout", required_argument, NULL, Q_TIMEOUT},
        {"title-field", required_argument, NULL, Q_TITLEF},
        {"format", required_argument, NULL, IN_FORMAT},
        {"lines", no_argument, NULL, IN_LINES},
        {"id-field", required_argument, NULL, IN_IDF},
        {"text-field", required_argument, NULL, IN_TEXTF},
        {"source-field", required_argument, NULL, IN_SRCF},
        {"date-field", required_argument, NULL, IN_DATEF},
        {"on-error", required_argument, NULL, IN_ONERR},
        {"max-record", required_argument, NULL, IN_MAXREC},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_inopts io;
    cli_inopts_init(&io);
    io.rd.source_field = "source";
    io.rd.date_field = "date";
    io.rd.title_field = "title";
    nd_params *params = NULL;
    const char *server = NULL, *token_file = NULL, *answers = NULL;
    int add = 0;
    uint64_t batch = 100, timeout = 60;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case Q_SERVER: server = optarg; break;
        case Q_ADD: add = 1; break;
        case Q_ANSWERS: {
            unsigned parts;
            const char *bad;
            size_t bad_len;
            if (cli_parse_answers(optarg, &parts, &bad, &bad_len))
                return usage_error("--answers: '%.*s' is not one of %s", (int)bad_len, bad,
                                   CLI_ANSWER_PARTS);
            answers = optarg;
            break;
        }
        case Q_TOKEN: token_file = optarg; break;
        case Q_TITLEF: io.rd.title_field = optarg; break;
        case Q_BATCH:
            if (cli_parse_uint(optarg, 1, 100000, &batch))
                return usage_error("--batch: '%s' is not a number from 1 to 100000", optarg);
            break;
        case Q_TIMEOUT:
            if (cli_parse_uint(optarg, 0, 86400, &timeout))
                return usage_error("--timeout: '%s' is not a number of seconds from 0 to "
                                   "86400", optarg);
            break;
        case 'h':
            usage(stdout);
            return fflush(stdout) == 0 ? EXIT_OK_ : EXIT_INPUT;
        default: {
            const int h = cli_input_option(g_cmd, c, optarg, &io, params);
            if (h == 1)
                break;
            if (h > 1)
                return h - 1;
            return cli_option_error(g_cmd, c, argv, longopts);
        }
        }
    }
    if (!server)
        return usage_error("--server URL is required");
    if (add && answers)
        return usage_error("--answers is for queries: an add finds every part");
    if (strncmp(server, "http://", 7) != 0 && strncmp(server, "https://", 8) != 0)
        return usage_error("--server '%s': expected http://HOST:PORT", server);
    if (optind >= argc)
        return usage_error("no input given ('-' reads standard input)");
    g_progress = 0;

    int rc = EXIT_OK_;
    client cl;
    memset(&cl, 0, sizeof cl);
    char *token = NULL;
    size_t token_len = 0;
    char err[512];
    rd_reader *rd = NULL;
    qbatch q;
    memset(&q, 0, sizeof q);
    if (token_file && net_read_token(token_file, &token, &token_len, err, sizeof err)) {
        cli_log(1, "%s", err);
        return EXIT_INPUT;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        cli_log(1, "cannot initialise libcurl");
        free(token);
        return EXIT_INTERNAL;
    }
    size_t sl = strlen(server);
    while (sl > 0 && server[sl - 1] == '/')
        sl--;
    const char *path = add ? "/v1/documents" : "/v1/query";
    cl.url = malloc(sl + strlen(path) + 1);
    cl.curl = curl_easy_init();
    cl.headers = curl_slist_append(NULL, "Content-Type: application/json");
    cl.headers = cl.headers ? curl_slist_append(cl.headers, "Expect:") : NULL;
    if (token && cl.headers) {
        char *h = malloc(token_len + 32);
        if (h) {
            snprintf(h, token_len + 32, "Authorization: Bearer %s", token);
            struct curl_slist *nh = curl_slist_append(cl.headers, h);
            free(h);
            if (!nh) {
                curl_slist_free_all(cl.headers);
                cl.headers = NULL;
            } else {
                cl.headers = nh;
            }
        } else {
            curl_slist_free_all(cl.headers);
            cl.headers = NULL;
        }
    }
    if (!cl.url || !cl.curl || !cl.headers) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    memcpy(cl.url, server, sl);
    strcpy(cl.url + sl, path);
    curl_easy_setopt(cl.curl, CURLOPT_URL, cl.url);
    curl_easy_setopt(cl.curl, CURLOPT_HTTPHEADER, cl.headers);
    curl_easy_setopt(cl.curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(cl.curl, CURLOPT_WRITEDATA, &cl);
    curl_easy_setopt(cl.curl, CURLOPT_ERRORBUFFER, cl.curl_err);
    curl_easy_setopt(cl.curl, CURLOPT_TIMEOUT, (long)timeout);
    curl_easy_setopt(cl.curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(cl.curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(cl.curl, CURLOPT_PROTOCOLS_STR, "http,https");

    io.rd.on_error = on_reader_error;
    io.rd.verbose = g_display_level >= 3;
    rd = rd_open((const char *const *)argv + optind, (size_t)(argc - optind), &io.rd);
    if (!rd) {
        cli_log(1, "out of memory");
        rc = EXIT_INTERNAL;
        goto done;
    }
    uint64_t sent = 0, bad = 0;
    rd_record r;
    int rr;
    while ((rr = rd_next(rd, &r)) != RD_END) {
        if (rr == RD_ERR_NOMEM) {
            cli_log(1, "out of memory while reading");
            rc = EXIT_INTERNAL;
            goto done;
        }
        if (rr != RD_OK) {
            if (!io.rd.on_error_skip || rr == RD_ERR_CHANGED) {
                cli_log(1, "stopping at the first bad input (--on-error stop)");
                rc = EXIT_INPUT;
                goto done;
            }
            continue;
        }
        double days;
        const char *why = NULL;
        if (r.id_len > 500)
            why = "its id is longer than 500 bytes";
        else if (r.date && cli_parse_date(r.date, r.date_len, &days))
            why = "its date is not in a form neardup reads (see --date-field in the man page)";
        if (why) {
            cli_log(1, "%s:%llu: record %s: %s", r.path, (unsigned long long)r.line,
                    io.rd.on_error_skip ? "skipped" : "refused", why);
            if (!io.rd.on_error_skip) {
                rc = EXIT_INPUT;
                goto done;
            }
            bad++;
            continue;
        }
        int seen = qbatch_id(&q, r.id, r.id_len, 0);
        if (seen == 1 || q.n == batch) {
            if ((rc = qbatch_flush(&q, &cl, &sent)) != 0)
                goto done;
        }
        if (q.n == 0) {
            if (cli_membuf_open(&q.b)) {
                cli_log(1, "out of memory");
                rc = EXIT_INTERNAL;
                goto done;
            }
            if (answers) /* names checked by cli_parse_answers: nothing to escape */
                fprintf(q.b.fp, "{\"answers\":\"%s\",", answers);
            fputs(answers ? "\"documents\":[" : "{\"documents\":[", q.b.fp);
        } else {
            fputc(',', q.b.fp);
        }
        if (qbatch_id(&q, r.id, r.id_len, 1) < 0) {
            cli_log(1, "out of memory");
            rc = EXIT_INTERNAL;
            goto done;
        }
        FILE *fp = q.b.fp;
        fputs("{\"id\":", fp);
        cli_json_str(fp, r.id, r.id_len);
        fputs(",\"text\":", fp);
        cli_json_str(fp, r.text, r.text_len);
        if (r.title) {
            fputs(",\"title\":", fp);
            cli_json_str(fp, r.title, r.title_len);
        }
        if (r.source) {
            fputs(",\"source\":", fp);
            cli_json_str(fp, r.source, r.source_len);
        }
        if (r.date) {
            fputs(",\"date\":", fp);
            cli_json_str(fp, r.date, r.date_len);
        }
        fputc('}', fp);
    }
    if ((rc = qbatch_flush(&q, &cl, &sent)) != 0)
        goto done;
    rd_stats rs;
    rd_get_stats(rd, &rs);
    if (rs.failed_inputs > 0 && rs.records == 0) {
        cli_log(1, "no input could be read");
        rc = EXIT_INPUT;
        goto done;
    }
    cli_log(3, "%llu %s %s in %llu %s", (unsigned long long)sent,
            cli_plural(sent, "document", "documents"), add ? "added" : "queried",
            (unsigned long long)cl.requests, cli_plural(cl.requests, "request", "requests"));
    if (rs.skipped || bad)
        cli_log(2, "%llu bad %s skipped", (unsigned long long)(rs.skipped + bad),
                cli_plural(rs.skipped + bad, "record", "records"));
done:
    if (q.b.fp && cli_membuf_close(&q.b) == 0)
        free(q.b.data);
    qbatch_clear(&q);
    free(q.ids);
    free(q.slots);
    if (cli_flush_stdout() != 0 && rc == EXIT_OK_)
        rc = EXIT_INPUT;
    rd_close(rd);
    free(cl.resp);
    free(cl.url);
    curl_slist_free_all(cl.headers);
    if (cl.curl)
        curl_easy_cleanup(cl.curl);
    curl_global_cleanup();
    free(token);
    return rc;
}
