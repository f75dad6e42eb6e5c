/*
 * simhash_sketch.c - the cost of each sketch alone, on real shingle sets.
 *
 * DESIGN
 *   The end-to-end runs of bench/simhash.sh spend most of their time reading,
 *   parsing and tokenising, which both methods share. This tool isolates what
 *   differs: it reads texts (one document a line, as bench/simhash.sh writes
 *   them from the corpus), makes their shingle sets once with a MinHash worker
 *   (sorted unique 64-bit hashes, as nd_worker_sketch gives them), and then
 *   runs each stage over every set, one call of a `micro_*` function per
 *   document:
 *
 *     micro_minhash_kperm  nd_minhash, KPERM, k = 128 (the kernel chosen for the CPU)
 *     micro_band_keys      nd_band_key for the default 14 x 9 layout
 *     micro_simhash        nd_simhash, unweighted (bit-sliced)
 *     micro_simhash_ref    nd_simhash_ref, the plain per-bit loop
 *     micro_simhash_keys   nd_simhash_keys, k = 3 (20 tables)
 *
 *   Under callgrind (--toggle-collect='micro_*') each stage's instructions are
 *   counted alone, which does not depend on the machine's load; --time N
 *   prints the best of N wall times of each stage instead. Both give figures
 *   per shingle and per byte of text, and a checksum of each stage's output.
 *
 *   Usage: simhash_sketch FILE [--time N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nd_internal.h"

enum { K = 128, BANDS = 14, ROWS = 9, SIMHASH_K = 3 };

typedef struct sets {
    uint64_t *sh;
    size_t *off;     /* set i is sh[off[i] .. off[i + 1]) */
    size_t n, len, cap, bytes;
} sets;

static void die(const char *m)
{
    fprintf(stderr, "simhash_sketch: %s\n", m);
    exit(1);
}

static void load(const char *path, sets *s)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open the input");
    nd_params *p;
    nd_worker *w;
    if (nd_params_create(&p, NULL) != ND_OK || nd_worker_create(&w, p, NULL) != ND_OK)
        die("out of memory");
    char *line = NULL;
    size_t lcap = 0, ocap = 0;
    ssize_t got;
    memset(s, 0, sizeof *s);
    while ((got = getline(&line, &lcap, f)) > 0) {
        nd_sketch sk;
        if (nd_worker_sketch(w, line, (size_t)got, &sk) != ND_OK)
            die("sketch failed");
        if (s->len + sk.num_shingles > s->cap) {
            s->cap = 2 * (s->len + sk.num_shingles);
            s->sh = realloc(s->sh, s->cap * sizeof *s->sh);
        }
        if (s->n + 2 > ocap) {
            ocap = 2 * (s->n + 2);
            s->off = realloc(s->off, ocap * sizeof *s->off);
        }
        if (!s->sh || !s->off)
            die("out of memory");
        s->off[s->n] = s->len;
        memcpy(s->sh + s->len, sk.shingles, sk.num_shingles * sizeof *s->sh);
        s->len += sk.num_shingles;
        s->n++;
        s->bytes += (size_t)got;
    }
    if (s->off)
        s->off[s->n] = s->len;
    free(line);
    fclose(f);
    nd_worker_destroy(w);
    nd_params_destroy(p);
}

/* Each micro_* handles one document; noinline so that callgrind sees them. */
__attribute__((noinline)) uint64_t micro_minhash_kperm(const nd_perms *pm, const uint64_t *h,
                                                       size_t n, uint32_t *sig);
__attribute__((noinline)) uint64_t micro_minhash_kperm(const nd_perms *pm, const uint64_t *h,
                                                       size_t n, uint32_t *sig)
{
    nd_minhash(pm, h, n, sig);
    return sig[0] ^ sig[K - 1];
}

__attribute__((noinline)) uint64_t micro_band_keys(const uint32_t *sig);
__attribute__((noinline)) uint64_t micro_band_keys(const uint32_t *sig)
{
    uint64_t x = 0;
    for (unsigned b = 0; b < BANDS; b++)
        x ^= nd_band_key(sig, b, ROWS);
    return x;
}

__attribute__((noinline)) uint64_t micro_simhash(const uint64_t *h, size_t n);
__attribute__((noinline)) uint64_t micro_simhash(const uint64_t *h, size_t n)
{
    return nd_simhash(h, NULL, n);
}

__attribute__((noinline)) uint64_t micro_simhash_ref(const uint64_t *h, size_t n);
__attribute__((noinline)) uint64_t micro_simhash_ref(const uint64_t *h, size_t n)
{
    return nd_simhash_ref(h, NULL, n);
}

__attribute__((noinline)) uint64_t micro_simhash_keys(uint64_t fp);
__attribute__((noinline)) uint64_t micro_simhash_keys(uint64_t fp)
{
    uint64_t keys[ND_SIMHASH_MAX_TABLES], x = 0;
    const unsigned n = nd_simhash_keys(fp, SIMHASH_K, keys);
    for (unsigned t = 0; t < n; t++)
        x ^= keys[t];
    return x;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        die("usage: simhash_sketch FILE [--time N]");
    const int reps = argc > 3 && strcmp(argv[2], "--time") == 0 ? atoi(argv[3]) : 1;
    sets s;
    load(argv[1], &s);
    nd_alloc_ctx a;
    nd_alloc_init(&a, NULL);
    nd_perms pm;
    if (nd_perms_init(&pm, &a, K, ND_SCHEME_KPERM, 1) != ND_OK)
        die("out of memory");
    uint32_t *sigs = malloc(s.n * K * sizeof *sigs + 1);
    uint64_t *fps = malloc(s.n * sizeof *fps + 1);
    if (!sigs || !fps)
        die("out of memory");
    static const char *const names[] = {"minhash_kperm", "band_keys", "simhash", "simhash_ref",
                                        "simhash_keys"};
    printf("%zu documents, %zu bytes, %zu shingles\n", s.n, s.bytes, s.len);
    for (int stage = 0; stage < 5; stage++) {
        double best = 1e30;
        uint64_t sum = 0;
        for (int r = 0; r < (reps > 0 ? reps : 1); r++) {
            sum = 0;
            const double t0 = now();
            for (size_t i = 0; i < s.n; i++) {
                const uint64_t *h = s.sh + s.off[i];
                const size_t n = s.off[i + 1] - s.off[i];
                uint32_t *sig = sigs + i * K;
                switch (stage) {
                case 0: sum += micro_minhash_kperm(&pm, h, n, sig); break;
                case 1: sum += micro_band_keys(sig); break;
                case 2: sum += fps[i] = micro_simhash(h, n); break;
                case 3: sum += micro_simhash_ref(h, n); break;
                default: sum += micro_simhash_keys(fps[i]); break;
                }
            }
            const double t = now() - t0;
            best = t < best ? t : best;
        }
        printf("%-14s %8.2f ns/shingle %8.3f ns/byte %9.1f MB/s  checksum %016" PRIx64 "\n",
               names[stage], best * 1e9 / (double)(s.len ? s.len : 1),
               best * 1e9 / (double)(s.bytes ? s.bytes : 1),
               (double)s.bytes / 1e6 / best, sum);
    }
    nd_perms_free(&pm, &a);
    free(sigs);
    free(fps);
    free(s.sh);
    free(s.off);
    return 0;
}
