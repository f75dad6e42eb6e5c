/*
 * params.c - the opaque parameter set: defaults, bounds, presets.
 *
 * DESIGN: one table holds every parameter's id, name, bounds, default and
 * whether it is an integer, so set/get/bounds/help all read the same facts.
 * Cross-parameter checks (bands x rows <= num_perm) happen where the values
 * are used (nd_params_lsh, nd_dedup_create), not in nd_params_set, so that
 * parameters can be set in any order.
 */
#include <math.h>

#include "nd_internal.h"

typedef struct param_info {
    nd_param id;
    const char *name;
    double lo, hi, def;
    int integral;
} param_info;

static const param_info k_params[] = {
    {ND_P_NGRAM, "ngram", 1, 64, 5, 1},
    {ND_P_NUM_PERM, "num-perm", 16, 1024, 128, 1},
    {ND_P_THRESHOLD, "threshold", 0.01, 1, 0.8, 0},
    {ND_P_CONTAINMENT, "containment", 0, 1, 0.9, 0},
    {ND_P_BANDS, "bands", 0, 1024, 0, 1},
    {ND_P_ROWS, "rows", 0, 1024, 0, 1},
    {ND_P_FN_WEIGHT, "fn-weight", 0, 1, 0.9, 0},
    {ND_P_VERIFY, "verify", 0, 1, ND_VERIFY_EXACT, 1},
    {ND_P_KEEP, "keep", 0, 3, ND_KEEP_FIRST, 1},
    {ND_P_SEED, "seed", 0, 4294967295.0, 1, 1},
    {ND_P_SCHEME, "scheme", 0, 1, ND_SCHEME_KPERM, 1},
    {ND_P_MAX_DOC, "max-doc", 1, 4294967295.0, 4294967295.0, 1},
    {ND_P_THREADS, "threads", 0, 256, 1, 1},
    {ND_P_MEMORY, "memory", 0, 1e18, 0, 1},
    {ND_P_MIN_WORDS, "min-words", 1, 1e6, 10, 1},
    {ND_P_DF_MIN, "df-min", 2, 1e6, 2, 1},
    {ND_P_DF_MAX, "df-max", 2, 1e6, 100, 1},
    {ND_P_MAX_GAP, "max-gap", 0, 1000, 20, 1},
    {ND_P_BOILER_DOCS, "boiler-docs", 2, 1e9, 2, 1},
    {ND_P_BOILER_ANYWHERE, "boiler-anywhere", 2, 1e9, 20, 1},
    {ND_P_BOILER_SOURCE_DOCS, "boiler-source-docs", 0, 1e9, 0, 1},
    {ND_P_SAME_SOURCE, "same-source", 0, 1, 1, 1},
    {ND_P_WINDOW, "window", 0, 1e9, 0, 0},
    {ND_P_PAIR_COPIES, "pair-copies", 0, 1, 1, 1},
    {ND_P_STORY_THRESHOLD, "story-threshold", 0.001, 1, 0.3, 0},
    {ND_P_STORY_WINDOW, "story-window", 0, 1e9, 3, 0},
    {ND_P_NAME_WEIGHT, "name-weight", 0, 100, 2, 0},
    {ND_P_TITLE_WEIGHT, "title-weight", 0, 100, 2, 0},
    {ND_P_LINK_BONUS, "link-bonus", 0, 1, 0.2, 0},
    {ND_P_METHOD, "method", 0, 1, ND_METHOD_MINHASH, 1},
    {ND_P_SIMHASH_K, "simhash-k", 0, 8, 3, 1},
    {ND_P_INDEX_PASSAGES, "index-passages", 0, 1, 1, 1},
    {ND_P_INDEX_STORIES, "index-stories", 0, 1, 1, 1},
    {ND_P_HEADER_SEEDS, "header-seeds", 0, 1, 0, 1},
    {ND_P_CONTAIN_SAMPLE, "containment-sample", 0, 1, 1, 1},
    {ND_P_TEMPLATES, "templates", 0, 2, ND_TEMPLATES_DROP, 1},
    {ND_P_REPORT_WINDOW, "same-report-window", 0, 1e9, 3, 0},
    {ND_P_STORY_DRIFT, "story-drift", 0, 1, 0.5, 0},
    {ND_P_STORY_NAMES, "story-names", 0, 16, 1, 1},
    {ND_P_EXACT_ONLY, "exact-only", 0, 1, 0, 1},
    {ND_P_DIGEST_SIMILARITY, "digest-similarity", 0.01, 1, 0.5, 0},
};

static const param_info *find(nd_param id)
{
    for (size_t i = 0; i < sizeof k_params / sizeof k_params[0]; i++)
        if (k_params[i].id == id)
            return &k_params[i];
    return NULL;
}

static void store(nd_params *p, nd_param id, double v)
{
    switch (id) {
    case ND_P_NGRAM: p->ngram = (unsigned)v; break;
    case ND_P_NUM_PERM: p->num_perm = (unsigned)v; break;
    case ND_P_THRESHOLD: p->threshold = v; break;
    case ND_P_CONTAINMENT: p->containment = v; break;
    case ND_P_BANDS: p->bands = (unsigned)v; break;
    case ND_P_ROWS: p->rows = (unsigned)v; break;
    case ND_P_FN_WEIGHT: p->fn_weight = v; break;
    case ND_P_VERIFY: p->verify = (nd_verify)v; break;
    case ND_P_KEEP: p->keep = (nd_keep)v; break;
    case ND_P_SEED: p->seed = (unsigned)v; break;
    case ND_P_SCHEME: p->scheme = (nd_scheme)v; break;
    case ND_P_MAX_DOC: p->max_doc = (uint64_t)v; break;
    case ND_P_THREADS: p->threads = (unsigned)v; break;
    case ND_P_MEMORY: p->memory = (uint64_t)v; break;
    case ND_P_MIN_WORDS: p->min_words = (unsigned)v; break;
    case ND_P_DF_MIN: p->df_min = (unsigned)v; break;
    case ND_P_DF_MAX: p->df_max = (unsigned)v; break;
    case ND_P_MAX_GAP: p->max_gap = (unsigned)v; break;
    case ND_P_BOILER_DOCS: p->boiler_docs = (unsigned)v; break;
    case ND_P_BOILER_ANYWHERE: p->boiler_anywhere = (unsigned)v; break;
    case ND_P_BOILER_SOURCE_DOCS: p->boiler_source_docs = (unsigned)v; break;
    case ND_P_SAME_SOURCE: p->same_source = (unsigned)v; break;
    case ND_P_WINDOW: p->window = v; break;
    case ND_P_PAIR_COPIES: p->pair_copies = (unsigned)v; break;
    case ND_P_STORY_THRESHOLD: p->story_threshold = v; break;
    case ND_P_STORY_WINDOW: p->story_window = v; break;
    case ND_P_NAME_WEIGHT: p->name_weight = v; break;
    case ND_P_TITLE_WEIGHT: p->title_weight = v; break;
    case ND_P_LINK_BONUS: p->link_bonus = v; break;
    case ND_P_METHOD: p->method = (nd_method)v; break;
    case ND_P_SIMHASH_K: p->simhash_k = (unsigned)v; break;
    case ND_P_INDEX_PASSAGES: p->index_passages = (unsigned)v; break;
    case ND_P_INDEX_STORIES: p->index_stories = (unsigned)v; break;
    case ND_P_HEADER_SEEDS: p->header_seeds = (unsigned)v; break;
    case ND_P_CONTAIN_SAMPLE: p->contain_sample = (unsigned)v; break;
    case ND_P_TEMPLATES: p->templates = (nd_templates)v; break;
    case ND_P_REPORT_WINDOW: p->report_window = v; break;
    case ND_P_STORY_DRIFT: p->story_drift = v; break;
    case ND_P_STORY_NAMES: p->story_names = (uint32_t)v; break;
    case ND_P_EXACT_ONLY: p->exact_only = (unsigned)v; break;
    case ND_P_DIGEST_SIMILARITY: p->digest_similarity = v; break;
    }
}

void nd_params_defaults(nd_params *p)
{
    for (size_t i = 0; i < sizeof k_params / sizeof k_params[0]; i++)
        store(p, k_params[i].id, k_params[i].def);
}

void nd_params_copy_values(nd_params *dst, const nd_params *src)
{
    const nd_alloc_ctx keep = dst->alloc;
    *dst = *src;
    dst->alloc = keep;
}

nd_status nd_params_create(nd_params **out, const nd_allocator *alloc)
{
    nd_alloc_ctx a;
    nd_alloc_init(&a, alloc);
    nd_params *p = nd_calloc(&a, 1, sizeof *p);
    *out = p;
    if (!p)
        return ND_E_NOMEM;
    p->alloc = a;
    nd_params_defaults(p);
    return ND_OK;
}

void nd_params_destroy(nd_params *p)
{
    if (p) {
        const nd_alloc_ctx a = p->alloc;
        nd_free(&a, p);
    }
}

nd_status nd_params_set(nd_params *p, nd_param id, double v)
{
    const param_info *pi = find(id);
    if (!p || !pi || isnan(v) || v < pi->lo || v > pi->hi)
        return ND_E_PARAM;
    if (pi->integral && v != floor(v))
        return ND_E_PARAM;
    if (id == ND_P_NUM_PERM && ((unsigned)v % 8) != 0)
        return ND_E_PARAM;
    store(p, id, v);
    return ND_OK;
}

double nd_params_get(const nd_params *p, nd_param id)
{
    switch (id) {
    case ND_P_NGRAM: return p->ngram;
    case ND_P_NUM_PERM: return p->num_perm;
    case ND_P_THRESHOLD: return p->threshold;
    case ND_P_CONTAINMENT: return p->containment;
    case ND_P_BANDS: return p->bands;
    case ND_P_ROWS: return p->rows;
    case ND_P_FN_WEIGHT: return p->fn_weight;
    case ND_P_VERIFY: return p->verify;
    case ND_P_KEEP: return p->keep;
    case ND_P_SEED: return p->seed;
    case ND_P_SCHEME: return p->scheme;
    case ND_P_MAX_DOC: return (double)p->max_doc;
    case ND_P_THREADS: return p->threads;
    case ND_P_MEMORY: return (double)p->memory;
    case ND_P_MIN_WORDS: return p->min_words;
    case ND_P_DF_MIN: return p->df_min;
    case ND_P_DF_MAX: return p->df_max;
    case ND_P_MAX_GAP: return p->max_gap;
    case ND_P_BOILER_DOCS: return p->boiler_docs;
    case ND_P_BOILER_ANYWHERE: return p->boiler_anywhere;
    case ND_P_BOILER_SOURCE_DOCS: return p->boiler_source_docs;
    case ND_P_SAME_SOURCE: return p->same_source;
    case ND_P_WINDOW: return p->window;
    case ND_P_PAIR_COPIES: return p->pair_copies;
    case ND_P_STORY_THRESHOLD: return p->story_threshold;
    case ND_P_STORY_WINDOW: return p->story_window;
    case ND_P_NAME_WEIGHT: return p->name_weight;
    case ND_P_TITLE_WEIGHT: return p->title_weight;
    case ND_P_LINK_BONUS: return p->link_bonus;
    case ND_P_METHOD: return p->method;
    case ND_P_SIMHASH_K: return p->simhash_k;
    case ND_P_INDEX_PASSAGES: return p->index_passages;
    case ND_P_HEADER_SEEDS: return p->header_seeds;
    case ND_P_CONTAIN_SAMPLE: return p->contain_sample;
    case ND_P_INDEX_STORIES: return p->index_stories;
    case ND_P_TEMPLATES: return p->templates;
    case ND_P_REPORT_WINDOW: return p->report_window;
    case ND_P_STORY_DRIFT: return p->story_drift;
    case ND_P_STORY_NAMES: return p->story_names;
    case ND_P_EXACT_ONLY: return p->exact_only;
    case ND_P_DIGEST_SIMILARITY: return p->digest_similarity;
    }
    return NAN;
}

nd_status nd_params_bounds(nd_param id, double *lo, double *hi, double *def)
{
    const param_info *pi = find(id);
    if (!pi)
        return ND_E_PARAM;
    if (lo) *lo = pi->lo;
    if (hi) *hi = pi->hi;
    if (def) *def = pi->def;
    return ND_OK;
}

const char *nd_params_name(nd_param id)
{
    const param_info *pi = find(id);
    return pi ? pi->name : NULL;
}

nd_status nd_params_preset(nd_params *p, const char *name)
{
    if (!p || !name)
        return ND_E_PARAM;
    if (strcmp(name, "default") == 0 || strcmp(name, "web") == 0) {
        nd_params_defaults(p);
    } else if (strcmp(name, "strict") == 0) {
        nd_params_defaults(p);
        p->threshold = 0.9;
        p->num_perm = 256;
    } else if (strcmp(name, "loose") == 0) {
        nd_params_defaults(p);
        p->threshold = 0.7;
    } else if (strcmp(name, "fast") == 0) {
        nd_params_defaults(p);
        p->verify = ND_VERIFY_SIGNATURE;
        p->scheme = ND_SCHEME_OPH;
    } else {
        return ND_E_PARAM;
    }
    return ND_OK;
}

nd_status nd_params_lsh(const nd_params *p, unsigned *bands, unsigned *rows, double *fp_area,
                        double *fn_area)
{
    unsigned b = p->bands, r = p->rows;
    double fp, fn;
    if (b == 0 && r == 0) {
        nd_lsh_optimal(p->threshold, p->num_perm, p->fn_weight, &b, &r, &fp, &fn);
    } else {
        if (b == 0)
            b = r ? p->num_perm / r : 0;
        if (r == 0)
            r = b ? p->num_perm / b : 0;
        if (b == 0 || r == 0 || (uint64_t)b * r > p->num_perm)
            return ND_E_PARAM;
        nd_lsh_areas(p->threshold, b, r, &fp, &fn);
    }
    if (bands) *bands = b;
    if (rows) *rows = r;
    if (fp_area) *fp_area = fp;
    if (fn_area) *fn_area = fn;
    return ND_OK;
}
