/* AVX2+FMA build of the hot BLAS-1 loops (setup.py compiles *_avx2.c with -mavx2 -mfma):
 * intrinsics for contiguous vectors, the portable template for strided ones. */
#include <math.h>
#include <immintrin.h>
#include "blas1/blas1.h"
#include "cylinalg/avx2_dot.h"

#define LOOPS_NAME(x) strided_##x
#define MADD(a, b, c) fma((a), (b), (c))
#define LOOPS_NO_TABLE
#include "blas1_loops.tmpl.h"


static double dot_d(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy) {
    if (incx != 1 || incy != 1) return strided_dot_d(n, x, incx, y, incy);
    return cyl_avx2_dot_d(n, x, y);
}

static double dot_s(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy) {
    if (incx != 1 || incy != 1) return strided_dot_s(n, x, incx, y, incy);
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 xv = _mm256_loadu_ps(x + i), yv = _mm256_loadu_ps(y + i);
        __m256 xw = _mm256_loadu_ps(x + i + 8), yw = _mm256_loadu_ps(y + i + 8);
        a0 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(xv)), _mm256_cvtps_pd(_mm256_castps256_ps128(yv)), a0);
        a1 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(xv, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(yv, 1)), a1);
        a2 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(xw)), _mm256_cvtps_pd(_mm256_castps256_ps128(yw)), a2);
        a3 = _mm256_fmadd_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(xw, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(yw, 1)), a3);
    }
    double s = cyl_avx2_hsum4(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
    for (; i < n; i++) s = fma((double)x[i], (double)y[i], s);
    return s;
}

/* Complex dot on interleaved pairs: p = x*y lanewise gives (xr yr, xi yi), q = x*swap(y)
 * gives (xr yi, xi yr); the four sums are separated at the end. */
static void cdot_d(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double out[4]) {
    if (incx != 1 || incy != 1) { strided_cdot_d(n, x, incx, y, incy, out); return; }
    __m256d p0 = _mm256_setzero_pd(), p1 = p0, q0 = p0, q1 = p0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256d xv = _mm256_loadu_pd(x + 2 * i), yv = _mm256_loadu_pd(y + 2 * i);
        __m256d xw = _mm256_loadu_pd(x + 2 * i + 4), yw = _mm256_loadu_pd(y + 2 * i + 4);
        p0 = _mm256_fmadd_pd(xv, yv, p0);
        q0 = _mm256_fmadd_pd(xv, _mm256_permute_pd(yv, 0x5), q0);
        p1 = _mm256_fmadd_pd(xw, yw, p1);
        q1 = _mm256_fmadd_pd(xw, _mm256_permute_pd(yw, 0x5), q1);
    }
    double p[4], q[4];
    _mm256_storeu_pd(p, _mm256_add_pd(p0, p1));
    _mm256_storeu_pd(q, _mm256_add_pd(q0, q1));
    double rest[4];
    strided_cdot_d(n - i, x + 2 * i, 1, y + 2 * i, 1, rest);
    out[0] = (p[0] + p[2]) + rest[0];
    out[1] = (p[1] + p[3]) + rest[1];
    out[2] = (q[0] + q[2]) + rest[2];
    out[3] = (q[1] + q[3]) + rest[3];
}

static void cdot_s(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, double out[4]) {
    if (incx != 1 || incy != 1) { strided_cdot_s(n, x, incx, y, incy, out); return; }
    __m256d p0 = _mm256_setzero_pd(), p1 = p0, q0 = p0, q1 = p0;
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) { /* 4 complex = 8 floats */
        __m256 xv = _mm256_loadu_ps(x + 2 * i), yv = _mm256_loadu_ps(y + 2 * i);
        __m256d xl = _mm256_cvtps_pd(_mm256_castps256_ps128(xv)), xh = _mm256_cvtps_pd(_mm256_extractf128_ps(xv, 1));
        __m256d yl = _mm256_cvtps_pd(_mm256_castps256_ps128(yv)), yh = _mm256_cvtps_pd(_mm256_extractf128_ps(yv, 1));
        p0 = _mm256_fmadd_pd(xl, yl, p0);
        q0 = _mm256_fmadd_pd(xl, _mm256_permute_pd(yl, 0x5), q0);
        p1 = _mm256_fmadd_pd(xh, yh, p1);
        q1 = _mm256_fmadd_pd(xh, _mm256_permute_pd(yh, 0x5), q1);
    }
    double p[4], q[4];
    _mm256_storeu_pd(p, _mm256_add_pd(p0, p1));
    _mm256_storeu_pd(q, _mm256_add_pd(q0, q1));
    double rest[4];
    strided_cdot_s(n - i, x + 2 * i, 1, y + 2 * i, 1, rest);
    out[0] = (p[0] + p[2]) + rest[0];
    out[1] = (p[1] + p[3]) + rest[1];
    out[2] = (q[0] + q[2]) + rest[2];
    out[3] = (q[1] + q[3]) + rest[3];
}

static double sumsq_d(ptrdiff_t n, const double *x, ptrdiff_t incx, double scale) {
    if (incx != 1) return strided_sumsq_d(n, x, incx, scale);
    const __m256d sc = _mm256_set1_pd(scale);
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256d v0 = _mm256_mul_pd(_mm256_loadu_pd(x + i), sc), v1 = _mm256_mul_pd(_mm256_loadu_pd(x + i + 4), sc);
        __m256d v2 = _mm256_mul_pd(_mm256_loadu_pd(x + i + 8), sc), v3 = _mm256_mul_pd(_mm256_loadu_pd(x + i + 12), sc);
        a0 = _mm256_fmadd_pd(v0, v0, a0); a1 = _mm256_fmadd_pd(v1, v1, a1);
        a2 = _mm256_fmadd_pd(v2, v2, a2); a3 = _mm256_fmadd_pd(v3, v3, a3);
    }
    for (; i + 4 <= n; i += 4) {
        __m256d v0 = _mm256_mul_pd(_mm256_loadu_pd(x + i), sc);
        a0 = _mm256_fmadd_pd(v0, v0, a0);
    }
    double s = cyl_avx2_hsum4(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
    for (; i < n; i++) { /* tail inline: a call to the strided loop costs more than a short row */
        double v = x[i] * scale;
        s = fma(v, v, s);
    }
    return s;
}

static double sumsq_s(ptrdiff_t n, const float *x, ptrdiff_t incx) {
    if (incx != 1) return strided_sumsq_s(n, x, incx);
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 v = _mm256_loadu_ps(x + i), w = _mm256_loadu_ps(x + i + 8);
        __m256d v0 = _mm256_cvtps_pd(_mm256_castps256_ps128(v)), v1 = _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1));
        __m256d v2 = _mm256_cvtps_pd(_mm256_castps256_ps128(w)), v3 = _mm256_cvtps_pd(_mm256_extractf128_ps(w, 1));
        a0 = _mm256_fmadd_pd(v0, v0, a0); a1 = _mm256_fmadd_pd(v1, v1, a1);
        a2 = _mm256_fmadd_pd(v2, v2, a2); a3 = _mm256_fmadd_pd(v3, v3, a3);
    }
    double s = cyl_avx2_hsum4(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
    for (; i < n; i++) s = fma((double)x[i], (double)x[i], s);
    return s;
}

static double asum_d(ptrdiff_t n, const double *x, ptrdiff_t incx) {
    if (incx != 1) return strided_asum_d(n, x, incx);
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = _mm256_add_pd(a0, _mm256_and_pd(_mm256_loadu_pd(x + i), absmask));
        a1 = _mm256_add_pd(a1, _mm256_and_pd(_mm256_loadu_pd(x + i + 4), absmask));
        a2 = _mm256_add_pd(a2, _mm256_and_pd(_mm256_loadu_pd(x + i + 8), absmask));
        a3 = _mm256_add_pd(a3, _mm256_and_pd(_mm256_loadu_pd(x + i + 12), absmask));
    }
    double s = cyl_avx2_hsum4(_mm256_add_pd(_mm256_add_pd(a0, a1), _mm256_add_pd(a2, a3)));
    for (; i < n; i++) s += fabs(x[i]);
    return s;
}

static double asum_s(ptrdiff_t n, const float *x, ptrdiff_t incx) {
    if (incx != 1) return strided_asum_s(n, x, incx);
    const __m256d absmask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffffLL));
    __m256d a0 = _mm256_setzero_pd(), a1 = a0;
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        a0 = _mm256_add_pd(a0, _mm256_and_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), absmask));
        a1 = _mm256_add_pd(a1, _mm256_and_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)), absmask));
    }
    double s = cyl_avx2_hsum4(_mm256_add_pd(a0, a1));
    for (; i < n; i++) s += fabs((double)x[i]);
    return s;
}

static const cyl_blas1_loops avx2_loops = {dot_s, dot_d, cdot_s, cdot_d, sumsq_s, sumsq_d, asum_s, asum_d};

const cyl_blas1_loops *cyl_blas1_loops_avx2(void) { return &avx2_loops; }
