/* The contiguous float64 dot product shared by the AVX2+FMA units (blas1_avx2.c, and the LU
 * triangular solves in lu_getf2_avx2.c).  Include only from files compiled with -mavx2 -mfma.
 * Four accumulators over 16-element steps, a 4-element step into the first, a fixed horizontal
 * sum, then the scalar tail: the order depends on nothing but n. */
#ifndef CYLINALG_AVX2_DOT_H
#define CYLINALG_AVX2_DOT_H
#include <immintrin.h>
#include <math.h>
#include <stddef.h>

static inline double cyl_avx2_hsum4(__m256d v) {
    __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
    lo = _mm_add_pd(lo, hi);
    return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}

static inline double cyl_avx2_dot_d(ptrdiff_t n, const double *x, const double *y) {
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), a0);
        a1 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 4), _mm256_loadu_pd(y + i + 4), a1);
        a2 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 8), _mm256_loadu_pd(y + i + 8), a2);
        a3 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i + 12), _mm256_loadu_pd(y + i + 12), a3);
    }
    for (; i + 4 <= n; i += 4) a0 = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), a0);
    double s = cyl_avx2_hsum4(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
    for (; i < n; i++) s = fma(x[i], y[i], s);
    return s;
}
#endif
