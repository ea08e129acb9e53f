/* BLAS-1 kernels: instantiation of blas1.tmpl.h for s, d, c, z, the portable build of the hot
 * loops, and the real-valued helpers they share (2-norm scaling, complex-as-real views). */
#include <math.h>
#include "cylinalg/scalar.h"
#include "cylinalg/dispatch.h"
#include "cylinalg/threads.h"
#include "cylinalg/batch.h"
#include "blas1/blas1.h"
#ifdef CYL_HAVE_OPENMP
#include <omp.h>
#endif

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

/* Position a batch iterator (index and offsets) at matrix number t. */
static void batch_seek_full(cyl_batch *it, ptrdiff_t t) {
    for (int op = 0; op < it->nops; op++) it->offset[op] = 0;
    for (int d = it->ndim - 1; d >= 0; d--) {
        ptrdiff_t i = it->shape[d] ? t % it->shape[d] : 0;
        t = it->shape[d] ? t / it->shape[d] : 0;
        it->index[d] = i;
        for (int op = 0; op < it->nops; op++) it->offset[op] += i * it->strides[op][d];
    }
}

/* --- long vectors: fixed chunks, summed in order ---------------------------------------------
 * A vector longer than CHUNK is cut into chunks of CHUNK entries whatever the thread count;
 * threads compute whole chunks' partial results, which are then added in chunk order, so the
 * result is bitwise the same for 1 or N threads.  Groups of GROUP chunks bound the storage. */
#define CHUNK ((ptrdiff_t)16384)
#define GROUP 64
/* Threads only from 2^20 entries on: BLAS-1 work is memory-bound (2 threads gain at most ~2x
 * on an idle machine), while a parallel region on an oversubscribed machine, or right after
 * numpy's OpenBLAS threads ran (they spin for a while), can wait milliseconds for a worker. */
#define PAR_MIN_CHUNKS 64

/* Run body(c, start, len) for chunk c of group g0.., in parallel when worth it. */
#ifdef CYL_HAVE_OPENMP
#define FOR_CHUNKS(n, body)                                                                   \
    for (ptrdiff_t g0 = 0; g0 * CHUNK < (n); g0 += GROUP) {                                   \
        ptrdiff_t nch = CYL_MIN((ptrdiff_t)GROUP, ((n) - g0 * CHUNK + CHUNK - 1) / CHUNK);    \
        int nt = nch >= PAR_MIN_CHUNKS ? cyl_threads_acquire((int)CYL_MIN(nch, 64)) : 1;      \
        _Pragma("omp parallel for num_threads(nt) schedule(static) if(nt > 1)")              \
        for (ptrdiff_t c = 0; c < nch; c++) {                                                 \
            ptrdiff_t start = (g0 + c) * CHUNK, len = CYL_MIN(CHUNK, (n) - start);            \
            body                                                                              \
        }                                                                                     \
        cyl_threads_release(nt);                                                              \
        COMBINE                                                                               \
    }
#else
#define FOR_CHUNKS(n, body)                                                                   \
    for (ptrdiff_t g0 = 0; g0 * CHUNK < (n); g0 += GROUP) {                                   \
        ptrdiff_t nch = CYL_MIN((ptrdiff_t)GROUP, ((n) - g0 * CHUNK + CHUNK - 1) / CHUNK);    \
        for (ptrdiff_t c = 0; c < nch; c++) {                                                 \
            ptrdiff_t start = (g0 + c) * CHUNK, len = CYL_MIN(CHUNK, (n) - start);            \
            body                                                                              \
        }                                                                                     \
        COMBINE                                                                               \
    }
#endif

static double chunked_dot_d(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy) {
    if (n <= CHUNK) return L->dot_d(n, x, incx, y, incy);
    double part[GROUP], total = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) total += part[c];
    FOR_CHUNKS(n, part[c] = L->dot_d(len, x + start * incx, incx, y + start * incy, incy);)
#undef COMBINE
    return total;
}
static double chunked_dot_s(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy) {
    if (n <= CHUNK) return L->dot_s(n, x, incx, y, incy);
    double part[GROUP], total = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) total += part[c];
    FOR_CHUNKS(n, part[c] = L->dot_s(len, x + start * incx, incx, y + start * incy, incy);)
#undef COMBINE
    return total;
}
/* complex: incx, incy in complex elements, x, y the interleaved reals */
static void chunked_cdot_d(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double s[4]) {
    if (n <= CHUNK) { L->cdot_d(n, x, incx, y, incy, s); return; }
    double part[GROUP][4];
    s[0] = s[1] = s[2] = s[3] = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) for (int k = 0; k < 4; k++) s[k] += part[c][k];
    FOR_CHUNKS(n, L->cdot_d(len, x + 2 * start * incx, incx, y + 2 * start * incy, incy, part[c]);)
#undef COMBINE
}
static void chunked_cdot_s(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, double s[4]) {
    if (n <= CHUNK) { L->cdot_s(n, x, incx, y, incy, s); return; }
    double part[GROUP][4];
    s[0] = s[1] = s[2] = s[3] = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) for (int k = 0; k < 4; k++) s[k] += part[c][k];
    FOR_CHUNKS(n, L->cdot_s(len, x + 2 * start * incx, incx, y + 2 * start * incy, incy, part[c]);)
#undef COMBINE
}
static double chunked_sumsq_d(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t inc, double scale) {
    if (n <= CHUNK) return L->sumsq_d(n, x, inc, scale);
    double part[GROUP], total = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) total += part[c];
    FOR_CHUNKS(n, part[c] = L->sumsq_d(len, x + start * inc, inc, scale);)
#undef COMBINE
    return total;
}
static double chunked_sumsq_s(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t inc) {
    if (n <= CHUNK) return L->sumsq_s(n, x, inc);
    double part[GROUP], total = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) total += part[c];
    FOR_CHUNKS(n, part[c] = L->sumsq_s(len, x + start * inc, inc);)
#undef COMBINE
    return total;
}
static double chunked_asum_d(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t inc) {
    if (n <= CHUNK) return L->asum_d(n, x, inc);
    double part[GROUP], total = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) total += part[c];
    FOR_CHUNKS(n, part[c] = L->asum_d(len, x + start * inc, inc);)
#undef COMBINE
    return total;
}
static double chunked_asum_s(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t inc) {
    if (n <= CHUNK) return L->asum_s(n, x, inc);
    double part[GROUP], total = 0;
#define COMBINE for (ptrdiff_t c = 0; c < nch; c++) total += part[c];
    FOR_CHUNKS(n, part[c] = L->asum_s(len, x + start * inc, inc);)
#undef COMBINE
    return total;
}

/* --- double and complex128 ------------------------------------------------------------ */
static double rdot_double(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy) {
    return chunked_dot_d(L, n, x, incx, y, incy);
}
static void cdot_double(const cyl_blas1_loops *L, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double s[4]) {
    chunked_cdot_d(L, n, x, incx, y, incy, s);
}
static double sumsq_blocks_double(const cyl_blas1_loops *L, const real_blocks *b, const double *x, double scale) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) s += chunked_sumsq_d(L, b->len, x + part + i * b->rs, b->inc, scale);
    return s;
}
static double amax_blocks_double(const real_blocks *b, const double *x) {
    double mx = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++)
            for (ptrdiff_t j = 0; j < b->len; j++) {
                double a = fabs(x[part + i * b->rs + j * b->inc]);
                mx = a > mx ? a : mx;
            }
    return mx;
}
/* 2-norm without spurious overflow or underflow (Blue's idea with one fast pass): sum the
 * squares unscaled.  A finite sum >= 2^-900 is accurate (overflow would have made it inf, and
 * squares that underflowed are below 2^-1022, negligible next to it): sqrt(sum) is the answer.
 * Otherwise take max |x|: between 2^-480 and 2^480 the first sum was fine after all; outside,
 * sum again with the entries scaled by 2^-600 or 2^600, which is exact. */
static double nrm2_double(const cyl_blas1_loops *L, const real_blocks *b, const double *x) {
    double sum = sumsq_blocks_double(L, b, x, 1.0);
    if (isnan(sum)) return NAN;
    if (isfinite(sum) && sum >= 0x1p-900) return sqrt(sum);
    double amax = amax_blocks_double(b, x);
    if (isinf(amax)) return INFINITY;
    if (amax == 0) return 0.0;
    if (amax >= 0x1p-480 && amax <= 0x1p480) return sqrt(sum);
    double scale = amax > 1 ? 0x1p-600 : 0x1p600;
    return sqrt(sumsq_blocks_double(L, b, x, scale)) / scale;
}

static double asum_double(const cyl_blas1_loops *L, const real_blocks *b, const double *x) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) s += chunked_asum_d(L, b->len, x + part + i * b->rs, b->inc);
    return s;
}

/* --- float and complex64: accumulated in double, where no float can overflow or underflow
 * when squared, so one pass suffices ------------------------------------------------------- */
static double rdot_float(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy) {
    return chunked_dot_s(L, n, x, incx, y, incy);
}
static void cdot_float(const cyl_blas1_loops *L, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, double s[4]) {
    chunked_cdot_s(L, n, x, incx, y, incy, s);
}
static double nrm2_float(const cyl_blas1_loops *L, const real_blocks *b, const float *x) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) {
            s += chunked_sumsq_s(L, b->len, x + part + i * b->rs, b->inc);
        }
    return sqrt(s);
}
static double asum_float(const cyl_blas1_loops *L, const real_blocks *b, const float *x) {
    double s = 0;
    for (int part = 0; part < b->parts; part++)
        for (ptrdiff_t i = 0; i < b->rows; i++) s += chunked_asum_s(L, b->len, x + part + i * b->rs, b->inc);
    return s;
}

#define s_IS_SINGLE 1
#define d_IS_SINGLE 0
#define c_IS_SINGLE 1
#define z_IS_SINGLE 0

#define CYL_TEMPLATE "blas1/blas1.tmpl.h"
#include "cylinalg/instantiate.h"
