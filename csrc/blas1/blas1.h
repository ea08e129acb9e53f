/* Vector kernels (BLAS-1 style) and matrix predicates: dot, norms, outer product, structure
 * checks.  Strides are in elements (any sign); every function returns a cylinalg status code.
 * Each is written once in blas1.tmpl.h and instantiated for s, d, c, z; the hot contiguous
 * loops (blas1_loops.tmpl.h) also exist in an AVX2+FMA build (blas1_avx2.c), chosen at call
 * time from the dispatch table's level so CYLINALG_ARCH / set_arch switch them too. */
#ifndef CYLINALG_BLAS1_H
#define CYLINALG_BLAS1_H

#include "cylinalg/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Vector norm kinds (numpy.linalg.norm's vector orders). */
#define CYL_NORM_2 0      /* sqrt(sum |x|^2), scaled: no spurious overflow/underflow */
#define CYL_NORM_1 1      /* sum |x| */
#define CYL_NORM_INF 2    /* max |x| */
#define CYL_NORM_NEGINF 3 /* min |x| */
#define CYL_NORM_0 4      /* number of non-zeros */
#define CYL_NORM_P 5      /* (sum |x|^p)^(1/p), scaled by max |x| (min |x| for p < 0) */

/* Matrix structure checks. */
#define CYL_CHECK_SYMMETRIC 0 /* a_ij ~ a_ji */
#define CYL_CHECK_SKEW 1      /* a_ij ~ -a_ji */
#define CYL_CHECK_HERMITIAN 2 /* a_ij ~ conj(a_ji) */
#define CYL_CHECK_DIAGONAL 3  /* a_ij ~ 0 for i != j */
#define CYL_CHECK_IDENTITY 4  /* a ~ I, tolerance atol + rtol (scale 1) */

/* result = sum_i op(x_i) * y_i, op = conj when conj != 0 (vdot).  float32 and complex64
 * accumulate in double. */
int cyl_dot_s(int conj, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, float *result);
int cyl_dot_d(int conj, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double *result);
int cyl_dot_c(int conj, ptrdiff_t n, const cyl_cf *x, ptrdiff_t incx, const cyl_cf *y, ptrdiff_t incy, cyl_cf *result);
int cyl_dot_z(int conj, ptrdiff_t n, const cyl_cd *x, ptrdiff_t incx, const cyl_cd *y, ptrdiff_t incy, cyl_cd *result);

/* result = vector norm (kind, p) of all entries of the m x n block x[i*rs + j*cs] (m = 1 for a
 * vector).  The result is real, in the input's precision. */
int cyl_vnorm_s(int kind, double p, ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t rs, ptrdiff_t cs, float *result);
int cyl_vnorm_d(int kind, double p, ptrdiff_t m, ptrdiff_t n, const double *x, ptrdiff_t rs, ptrdiff_t cs, double *result);
int cyl_vnorm_c(int kind, double p, ptrdiff_t m, ptrdiff_t n, const cyl_cf *x, ptrdiff_t rs, ptrdiff_t cs, float *result);
int cyl_vnorm_z(int kind, double p, ptrdiff_t m, ptrdiff_t n, const cyl_cd *x, ptrdiff_t rs, ptrdiff_t cs, double *result);

/* The same for every matrix of a batch: x + it->offset[0] -> *(R *)(out + it->offset[1])
 * (byte offsets of operands 0 and 1 of the iterator), split over the thread budget. */
struct cyl_batch;
int cyl_vnorm_batch_s(int kind, double p, const struct cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out);
int cyl_vnorm_batch_d(int kind, double p, const struct cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out);
int cyl_vnorm_batch_c(int kind, double p, const struct cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out);
int cyl_vnorm_batch_z(int kind, double p, const struct cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out);

/* c[i*rsc + j*csc] = x_i * y_j (m x n, no conjugation: numpy.outer). */
int cyl_outer_s(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, float *c, ptrdiff_t rsc, ptrdiff_t csc);
int cyl_outer_d(ptrdiff_t m, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double *c, ptrdiff_t rsc, ptrdiff_t csc);
int cyl_outer_c(ptrdiff_t m, ptrdiff_t n, const cyl_cf *x, ptrdiff_t incx, const cyl_cf *y, ptrdiff_t incy, cyl_cf *c, ptrdiff_t rsc, ptrdiff_t csc);
int cyl_outer_z(ptrdiff_t m, ptrdiff_t n, const cyl_cd *x, ptrdiff_t incx, const cyl_cd *y, ptrdiff_t incy, cyl_cd *c, ptrdiff_t rsc, ptrdiff_t csc);

/* *result = 1 if the m x n matrix a[i*rs + j*cs] has the structure `kind` within tolerance,
 * else 0.  Entries are compared as |d| <= atol + rtol * s, where s is the largest finite |a_ij|
 * (s = 1 for the identity check); entries that are exactly equal (including infinities) pass,
 * NaN never does.  Non-square matrices fail every check but the diagonal one. */
int cyl_check_s(int kind, ptrdiff_t m, ptrdiff_t n, const float *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result);
int cyl_check_d(int kind, ptrdiff_t m, ptrdiff_t n, const double *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result);
int cyl_check_c(int kind, ptrdiff_t m, ptrdiff_t n, const cyl_cf *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result);
int cyl_check_z(int kind, ptrdiff_t m, ptrdiff_t n, const cyl_cd *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result);

/* The hot loops, per instruction-set level (internal; see blas1_loops.tmpl.h). */
typedef struct cyl_blas1_loops {
    /* sum x_i*y_i over real vectors, float inputs accumulated in double */
    double (*dot_s)(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy);
    double (*dot_d)(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy);
    /* complex dots: out[0..3] = sum xr*yr, xi*yi, xr*yi, xi*yr */
    void (*cdot_s)(ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, double out[4]);
    void (*cdot_d)(ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double out[4]);
    /* sum (scale*x_i)^2 (float: no scale, accumulated in double) */
    double (*sumsq_s)(ptrdiff_t n, const float *x, ptrdiff_t incx);
    double (*sumsq_d)(ptrdiff_t n, const double *x, ptrdiff_t incx, double scale);
    /* sum |x_i| of real vectors */
    double (*asum_s)(ptrdiff_t n, const float *x, ptrdiff_t incx);
    double (*asum_d)(ptrdiff_t n, const double *x, ptrdiff_t incx);
} cyl_blas1_loops;

const cyl_blas1_loops *cyl_blas1_loops_ref(void);
const cyl_blas1_loops *cyl_blas1_loops_avx2(void);

#ifdef __cplusplus
}
#endif
#endif
