/* The hot BLAS-1 loops, compiled once per instruction-set level: the includer defines
 * LOOPS_NAME(x) (x##_ref, x##_avx2) and MADD(a, b, c) (= a*b + c, fused where the level has
 * FMA).  Contiguous runs keep W independent accumulators in an array, a pattern the compiler
 * turns into SIMD registers without -ffast-math; the order of the final combination is fixed,
 * so a result does not depend on anything but the level. */
#include <math.h>

#define W 16

static double LOOPS_NAME(dot_s)(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy) {
    double acc[W] = {0};
    ptrdiff_t i = 0;
    if (incx == 1 && incy == 1)
        for (; i + W <= n; i += W)
            for (int j = 0; j < W; j++) acc[j] = MADD((double)x[i + j], (double)y[i + j], acc[j]);
    for (; i < n; i++) acc[0] = MADD((double)x[i * incx], (double)y[i * incy], acc[0]);
    for (int j = W / 2; j >= 1; j /= 2)
        for (int k = 0; k < j; k++) acc[k] += acc[k + j];
    return acc[0];
}

static double LOOPS_NAME(dot_d)(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy) {
    double acc[W] = {0};
    ptrdiff_t i = 0;
    if (incx == 1 && incy == 1)
        for (; i + W <= n; i += W)
            for (int j = 0; j < W; j++) acc[j] = MADD(x[i + j], y[i + j], acc[j]);
    for (; i < n; i++) acc[0] = MADD(x[i * incx], y[i * incy], acc[0]);
    for (int j = W / 2; j >= 1; j /= 2)
        for (int k = 0; k < j; k++) acc[k] += acc[k + j];
    return acc[0];
}

/* The strided (and remainder) part of a complex dot, one element at a time and never
 * vectorised: GCC 12 turns this loop's (re, im) pair loads into a grouped load that reads up
 * to 8 bytes past the last element (seen by valgrind; a crash for an array ending at a page
 * boundary).  The contiguous bulk above it stays vectorised. */
#if defined(__clang__)
#define CYL_NO_VECTORIZE_FN
#define CYL_NO_VECTORIZE_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#elif defined(__GNUC__)
#define CYL_NO_VECTORIZE_FN __attribute__((optimize("no-tree-vectorize")))
#define CYL_NO_VECTORIZE_LOOP
#else
#define CYL_NO_VECTORIZE_FN
#define CYL_NO_VECTORIZE_LOOP
#endif
#define CDOT_TAIL(TYPE)                                                                      \
    static CYL_NO_VECTORIZE_FN void LOOPS_NAME(cdot_tail_##TYPE)(                            \
        ptrdiff_t i, ptrdiff_t n, const TYPE *x, ptrdiff_t incx, const TYPE *y, ptrdiff_t incy, \
        double *rr, double *ii, double *ri, double *ir) {                                    \
        CYL_NO_VECTORIZE_LOOP                                                                \
        for (; i < n; i++) {                                                                 \
            double xr = x[2 * i * incx], xi = x[2 * i * incx + 1];                           \
            double yr = y[2 * i * incy], yi = y[2 * i * incy + 1];                           \
            rr[0] = MADD(xr, yr, rr[0]); ii[0] = MADD(xi, yi, ii[0]);                        \
            ri[0] = MADD(xr, yi, ri[0]); ir[0] = MADD(xi, yr, ir[0]);                        \
        }                                                                                    \
    }
CDOT_TAIL(float)
CDOT_TAIL(double)
#undef CDOT_TAIL

/* Complex vectors as interleaved (re, im) pairs; incx in complex elements. */
#define CDOT_BODY(TYPE)                                                                      \
    enum { CW = W / 4 };                                                                     \
    double rr[CW] = {0}, ii[CW] = {0}, ri[CW] = {0}, ir[CW] = {0};                           \
    ptrdiff_t i = 0;                                                                         \
    if (incx == 1 && incy == 1)                                                              \
        for (; i + CW <= n; i += CW)                                                         \
            for (int j = 0; j < CW; j++) {                                                   \
                double xr = x[2 * (i + j)], xi = x[2 * (i + j) + 1];                         \
                double yr = y[2 * (i + j)], yi = y[2 * (i + j) + 1];                         \
                rr[j] = MADD(xr, yr, rr[j]); ii[j] = MADD(xi, yi, ii[j]);                    \
                ri[j] = MADD(xr, yi, ri[j]); ir[j] = MADD(xi, yr, ir[j]);                    \
            }                                                                                \
    LOOPS_NAME(cdot_tail_##TYPE)(i, n, x, incx, y, incy, rr, ii, ri, ir);                  \
    for (int j = CW / 2; j >= 1; j /= 2)                                                     \
        for (int k = 0; k < j; k++) {                                                        \
            rr[k] += rr[k + j]; ii[k] += ii[k + j]; ri[k] += ri[k + j]; ir[k] += ir[k + j];  \
        }                                                                                    \
    out[0] = rr[0]; out[1] = ii[0]; out[2] = ri[0]; out[3] = ir[0];

static void LOOPS_NAME(cdot_s)(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, double out[4]) {
    CDOT_BODY(float)
}

static void LOOPS_NAME(cdot_d)(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double out[4]) {
    CDOT_BODY(double)
}
#undef CDOT_BODY

static double LOOPS_NAME(sumsq_s)(ptrdiff_t n, const float *x, ptrdiff_t incx) {
    double acc[W] = {0};
    ptrdiff_t i = 0;
    if (incx == 1)
        for (; i + W <= n; i += W)
            for (int j = 0; j < W; j++) acc[j] = MADD((double)x[i + j], (double)x[i + j], acc[j]);
    for (; i < n; i++) acc[0] = MADD((double)x[i * incx], (double)x[i * incx], acc[0]);
    for (int j = W / 2; j >= 1; j /= 2)
        for (int k = 0; k < j; k++) acc[k] += acc[k + j];
    return acc[0];
}

static double LOOPS_NAME(sumsq_d)(ptrdiff_t n, const double *x, ptrdiff_t incx, double scale) {
    double acc[W] = {0};
    ptrdiff_t i = 0;
    if (incx == 1)
        for (; i + W <= n; i += W)
            for (int j = 0; j < W; j++) {
                double v = x[i + j] * scale;
                acc[j] = MADD(v, v, acc[j]);
            }
    for (; i < n; i++) {
        double v = x[i * incx] * scale;
        acc[0] = MADD(v, v, acc[0]);
    }
    for (int j = W / 2; j >= 1; j /= 2)
        for (int k = 0; k < j; k++) acc[k] += acc[k + j];
    return acc[0];
}

static double LOOPS_NAME(asum_s)(ptrdiff_t n, const float *x, ptrdiff_t incx) {
    double acc[W] = {0};
    ptrdiff_t i = 0;
    if (incx == 1)
        for (; i + W <= n; i += W)
            for (int j = 0; j < W; j++) acc[j] += fabs((double)x[i + j]);
    for (; i < n; i++) acc[0] += fabs((double)x[i * incx]);
    for (int j = W / 2; j >= 1; j /= 2)
        for (int k = 0; k < j; k++) acc[k] += acc[k + j];
    return acc[0];
}

static double LOOPS_NAME(asum_d)(ptrdiff_t n, const double *x, ptrdiff_t incx) {
    double acc[W] = {0};
    ptrdiff_t i = 0;
    if (incx == 1)
        for (; i + W <= n; i += W)
            for (int j = 0; j < W; j++) acc[j] += fabs(x[i + j]);
    for (; i < n; i++) acc[0] += fabs(x[i * incx]);
    for (int j = W / 2; j >= 1; j /= 2)
        for (int k = 0; k < j; k++) acc[k] += acc[k + j];
    return acc[0];
}

#undef W

#ifndef LOOPS_NO_TABLE
static const cyl_blas1_loops LOOPS_NAME(table) = {
    LOOPS_NAME(dot_s), LOOPS_NAME(dot_d), LOOPS_NAME(cdot_s), LOOPS_NAME(cdot_d),
    LOOPS_NAME(sumsq_s), LOOPS_NAME(sumsq_d), LOOPS_NAME(asum_s), LOOPS_NAME(asum_d),
};
#endif
