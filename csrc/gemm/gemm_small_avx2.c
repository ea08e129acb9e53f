/* The unpacked small-matrix GEMM and tiny-matrix stack loops compiled with AVX2+FMA (per-file
 * flags from setup.py); the same template as the portable build in gemm.c. */
#include <immintrin.h>
#include <math.h>
#include "cylinalg/scalar.h"
#include "cylinalg/batch.h"
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

#define SFX avx2
#define TC s
#include "gemm_small.tmpl.h"
#undef TC
#define TC d
#include "gemm_small.tmpl.h"
#undef TC
#define TC c
#include "gemm_small.tmpl.h"
#undef TC
#define TC z
#include "gemm_small.tmpl.h"
#undef TC
#undef SFX

/* float64 small product, alpha 1, beta 0, rows of B and C contiguous: each row of C in chunks of
 * 8 columns held in two ymm accumulators across k (masked loads/stores for the tail). */
static inline __m256i tail_mask(ptrdiff_t cols) {
    const __m256i idx = _mm256_set_epi64x(3, 2, 1, 0);
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)cols), idx);
}
static inline void small_d_rows(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *a,
                                ptrdiff_t rsa, ptrdiff_t csa, const double *b, ptrdiff_t rsb,
                                double *c, ptrdiff_t rsc) {
    for (ptrdiff_t j = 0; j < n; j += 8) {
        ptrdiff_t cols = n - j;
        __m256i m0 = tail_mask(cols), m1 = tail_mask(cols - 4);
        for (ptrdiff_t i = 0; i < m; i++) {
            const double *ai = a + i * rsa;
            const double *bj = b + j;
            __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
            if (cols >= 8) {
                for (ptrdiff_t p = 0; p < k; p++) {
                    __m256d ap = _mm256_broadcast_sd(ai + p * csa);
                    acc0 = _mm256_fmadd_pd(ap, _mm256_loadu_pd(bj + p * rsb), acc0);
                    acc1 = _mm256_fmadd_pd(ap, _mm256_loadu_pd(bj + p * rsb + 4), acc1);
                }
                _mm256_storeu_pd(c + i * rsc + j, acc0);
                _mm256_storeu_pd(c + i * rsc + j + 4, acc1);
            } else {
                for (ptrdiff_t p = 0; p < k; p++) {
                    __m256d ap = _mm256_broadcast_sd(ai + p * csa);
                    acc0 = _mm256_fmadd_pd(ap, _mm256_maskload_pd(bj + p * rsb, m0), acc0);
                    if (cols > 4)
                        acc1 = _mm256_fmadd_pd(ap, _mm256_maskload_pd(bj + p * rsb + 4, m1), acc1);
                }
                /* masked stores are microcoded on AMD: go through a scratch row */
                double t[8];
                _mm256_storeu_pd(t, acc0);
                _mm256_storeu_pd(t + 4, acc1);
                for (ptrdiff_t q = 0; q < cols; q++) c[i * rsc + j + q] = t[q];
            }
        }
    }
}

static void small_d_avx2(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                         const void *alpha, const void *a, ptrdiff_t rsa, ptrdiff_t csa,
                         const void *b, ptrdiff_t rsb, ptrdiff_t csb, const void *beta, void *c,
                         ptrdiff_t rsc, ptrdiff_t csc) {
    if (csb == 1 && csc == 1 && *(const double *)alpha == 1.0 && *(const double *)beta == 0.0) {
        small_d_rows(m, n, k, (const double *)a, rsa, csa, (const double *)b, rsb, (double *)c, rsc);
        return;
    }
    cyl_gemm_small_d_avx2(conja, conjb, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
}

/* float64 4x4 stacks with contiguous rows of B and C: one ymm per row of C,
 * C[i,:] = sum_p A[i,p] * B[p,:], 16 FMAs per matrix. */
static void stack_d_avx2(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                         ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,
                         char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {
    if (csb == 1 && csc == 1 && !(m == 4 && n == 4 && k == 4) && !(m == n && n == k && m <= 3)) {
        CYL_STACK_LOOP(it, double, a, b, c, { small_d_rows(m, n, k, at, rsa, csa, bt, rsb, ct, rsc); });
        return;
    }
    if (!(m == 4 && n == 4 && k == 4 && csb == 1 && csc == 1)) {
        cyl_gemm_stack_d_avx2(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);
        return;
    }
    CYL_STACK_LOOP(it, double, a, b, c, {
        __m256d b0 = _mm256_loadu_pd(bt), b1 = _mm256_loadu_pd(bt + rsb);
        __m256d b2 = _mm256_loadu_pd(bt + 2 * rsb), b3 = _mm256_loadu_pd(bt + 3 * rsb);
        for (int i = 0; i < 4; i++) {
            const double *ai = at + i * rsa;
            __m256d r = _mm256_mul_pd(_mm256_broadcast_sd(ai), b0);
            r = _mm256_fmadd_pd(_mm256_broadcast_sd(ai + csa), b1, r);
            r = _mm256_fmadd_pd(_mm256_broadcast_sd(ai + 2 * csa), b2, r);
            r = _mm256_fmadd_pd(_mm256_broadcast_sd(ai + 3 * csa), b3, r);
            _mm256_storeu_pd(ct + i * rsc, r);
        }
    });
}

void cyl_gemm_small_avx2_kernels(cyl_gemm_kernel out[4]) {
    fill_small_s_avx2(&out[CYL_F32]);
    fill_small_d_avx2(&out[CYL_F64]);
    fill_small_c_avx2(&out[CYL_C64]);
    fill_small_z_avx2(&out[CYL_C128]);
    out[CYL_F64].stack = stack_d_avx2;
    out[CYL_F64].small = small_d_avx2;
    out[CYL_F64].small_max = 24 * 24 * 24; /* measured crossover with the packed path */
}
