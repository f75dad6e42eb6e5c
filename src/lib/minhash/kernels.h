/*
 * kernels.h - the MinHash KPERM kernels and their run-time choice. Private to
 * src/lib/minhash, its unit tests (tests/unit/test_kernels.c) and the
 * micro-benchmark (bench/micro/kernels.c); the rest of the library reaches the
 * kernels only through nd_minhash().
 *
 * Every kernel computes exactly what the scalar reference does:
 *   sig[i] = min over x in h of (uint32_t)((a[i] * x + b[i]) >> 32)
 * and is tested for identical output. Which one runs is decided once, in
 * nd_perms_init(), from the CPU the process runs on (__builtin_cpu_supports),
 * so one binary serves any x86-64 (and any other architecture, where only the
 * scalar kernel exists).
 */
#ifndef ND_MINHASH_KERNELS_H
#define ND_MINHASH_KERNELS_H

#include "nd_internal.h"

/* Kernel identifiers, in order of preference (higher is better). */
enum {
    ND_KERNEL_SCALAR = 0,  /* portable C: the reference */
    ND_KERNEL_AVX2 = 1,    /* x86-64 AVX2: 64-bit products from _mm256_mul_epu32 */
    ND_KERNEL_AVX512 = 2,  /* x86-64 AVX-512 F+DQ: _mm512_mullo_epi64 */
    ND_KERNEL_COUNT = 3
};

typedef void (*nd_kperm_fn)(const nd_perms *p, const uint64_t *h, size_t n, uint32_t *sig);

/* "scalar", "avx2", "avx512"; "?" for an unknown id. Static string. */
const char *nd_kernel_name(int id);
/* Kernel id of a name as nd_kernel_name() prints it, or -1. */
int nd_kernel_from_name(const char *name);
/* 1 when kernel `id` was compiled in and this CPU (and OS) can run it. */
int nd_kernel_supported(int id);
/* The best kernel this CPU can run. */
int nd_kernel_best(void);
/* The KPERM function of kernel `id`, or NULL when it is not supported here. */
nd_kperm_fn nd_kperm_kernel(int id);

/* Tests and benchmarks only: makes p use kernel `id` from now on.
 * @return ND_OK, or ND_E_PARAM when the kernel is not supported here. */
nd_status nd_perms_force_kernel(nd_perms *p, int id);

/* The scalar reference (also the fallback of every other kernel for k % 4). */
void nd_kperm_scalar(const nd_perms *p, const uint64_t *h, size_t n, uint32_t *sig);

#endif
