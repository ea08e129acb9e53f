/* BLAS-1 kernels: instantiation of blas1.tmpl.h for s, d, c, z, the portable build of the hot
 * loops, and the real-valued helpers they share (2-norm scaling, complex-as-real views). */
#include <math.h>
#include "cylinalg/scalar.h"
#include "cylinalg/dispatch.h"
#include "blas1/blas1.h"

#define LOOPS_NAME(x) cyl_blas1_##x##_ref
#define MADD(a, b, c) ((a) * (b) + (c))
#include "blas1_loops.tmpl.h"
#undef LOOPS_NAME
#undef MADD

const cyl_blas1_loops *cyl_blas1_loops_ref(void) { return &cyl_blas1_table_ref; }

/* The loops of the level in use, read per call so that set_arch() switches them too. */
static const cyl_blas1_loops *active_loops(void) {
#if defined(__x86_64__) || defined(_M_X64)
    if (cyl_kernels()->arch >= CYL_ARCH_AVX2) return cyl_blas1_loops_avx2();
#endif
    return cyl_blas1_loops_ref();
}

/* An m x n block of real or complex entries seen as `parts` interleaved real blocks of
 * rows x len reals (stride inc within a row, rs between rows, in reals), with positive
 * strides and the unit-stride direction innermost: reductions that do not depend on the
 * order of the entries (norms) then run on contiguous memory whenever there is any. */
typedef struct {
    ptrdiff_t rows, len, inc, rs;
    int parts;                 /* 1: real, or complex read as 2*len reals; 2: re and im apart */
    ptrdiff_t offset_bytes;    /* from x to the first real read */
} real_blocks;

static real_blocks make_real_blocks(ptrdiff_t m, ptrdiff_t n, ptrdiff_t rs, ptrdiff_t cs, int complex_, size_t real_size) {
    real_blocks b;
    ptrdiff_t off = 0; /* in elements */
    if (cs < 0) { off += (n - 1) * cs; cs = -cs; }
    if (rs < 0) { off += (m - 1) * rs; rs = -rs; }
    if (m > 1 && (n == 1 || rs < cs)) { /* make the smaller stride the inner one */
        ptrdiff_t t = m; m = n; n = t;
        t = rs; rs = cs; cs = t;
    }
    if (m == 1 || rs == n * cs) { n *= m; m = 1; rs = 0; } /* one run */
    int w = complex_ ? 2 : 1;
    b.offset_bytes = off * w * (ptrdiff_t)real_size;
    b.rows = m;
    b.rs = rs * w;
    if (complex_ && cs == 1) { b.parts = 1; b.len = 2 * n; b.inc = 1; }
    else { b.parts = w; b.len = n; b.inc = cs * w; }
    return b;
}

/* --- double and complex128 ------------------------------------------------------------ */
static double rdot_double(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy) {
    return L->dot_d(n, x, incx, y, incy);
}
static void cdot_double(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double s[4]) {
    L->cdot_d(n, x, incx, y, incy, s);
}
static void sumsq_blocks_double(const cyl_blas1_loops *L, const real_blocks *b, const double *x, double scale, double *sum, double *amax) {
    double s = 0, mx = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) {
            double s1, m1;
            L->sumsq_d(b->len, x + part + i * b->rs, b->inc, scale, &s1, &m1);
            s += s1;
            mx = m1 > mx ? m1 : mx;
        }
    *sum = s;
    *amax = mx;
}
/* 2-norm without spurious overflow or underflow (Blue's idea with one fast pass): sum the
 * squares unscaled and track max |x|; only when max |x| is outside [2^-480, 2^480] (or the
 * sum overflowed) sum again with the entries scaled by a power of two, which is exact. */
static double nrm2_double(const cyl_blas1_loops *L, const real_blocks *b, const double *x) {
    double sum, amax;
    sumsq_blocks_double(L, b, x, 1.0, &sum, &amax);
    if (isnan(sum)) return NAN;
    if (isinf(amax)) return INFINITY;
    if (amax == 0) return 0.0;
    if (amax >= 0x1p-480 && amax <= 0x1p480 && isfinite(sum)) return sqrt(sum);
    double scale = amax > 1 ? 0x1p-600 : 0x1p600;
    sumsq_blocks_double(L, b, x, scale, &sum, &amax);
    return sqrt(sum) / scale;
}
static double asum_double(const cyl_blas1_loops *L, const real_blocks *b, const double *x) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) s += L->asum_d(b->len, x + part + i * b->rs, b->inc);
    return s;
}

/* --- float and complex64: accumulated in double, where no float can overflow or underflow
 * when squared, so one pass suffices ------------------------------------------------------- */
static double rdot_float(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy) {
    return L->dot_s(n, x, incx, y, incy);
}
static void cdot_float(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, double s[4]) {
    L->cdot_s(n, x, incx, y, incy, s);
}
static double nrm2_float(const cyl_blas1_loops *L, const real_blocks *b, const float *x) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) {
            double s1, m1;
            L->sumsq_s(b->len, x + part + i * b->rs, b->inc, &s1, &m1);
            s += s1;
        }
    return sqrt(s);
}
static double asum_float(const cyl_blas1_loops *L, const real_blocks *b, const float *x) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) s += L->asum_s(b->len, x + part + i * b->rs, b->inc);
    return s;
}

#define s_IS_SINGLE 1
#define d_IS_SINGLE 0
#define c_IS_SINGLE 1
#define z_IS_SINGLE 0

#define TC s
#include "blas1.tmpl.h"
#undef TC
#define TC d
#include "blas1.tmpl.h"
#undef TC
#define TC c
#include "blas1.tmpl.h"
#undef TC
#define TC z
#include "blas1.tmpl.h"
#undef TC
