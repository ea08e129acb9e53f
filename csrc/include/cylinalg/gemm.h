/* General matrix product, BLAS-3 style, on strided operands (strides in elements, any sign):
 *
 *   C = alpha * op(A) * op(B) + beta * C,   op(X) = X or conj(X) (conja/conjb, complex only)
 *
 * A is m x k (a[i*rsa + p*csa]), B is k x n, C is m x n.  beta == 0 means C is never read
 * (NaN in an uninitialised C does not leak through), as in BLAS.  Transposes are expressed by
 * swapping strides.  nthreads <= 0 uses the process thread budget (threads.h).
 * Returns CYL_OK or CYL_ERR_NOMEM. */
#ifndef CYLINALG_GEMM_H
#define CYLINALG_GEMM_H

#include "cylinalg/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Micro-kernel: C[0:mr, 0:nr] = alpha * Ap * Bp + beta * C over k steps, where Ap is a packed
 * mr-row sliver (Ap[p*mr + i]) and Bp a packed nr-column sliver (Bp[p*nr + j]); alpha and beta
 * point to scalars of the kernel's dtype; beta == 0 means C is not read. */
typedef void (*cyl_gemm_ukr_fn)(ptrdiff_t k, const void *alpha, const void *ap, const void *bp,
                                const void *beta, void *c, ptrdiff_t rsc, ptrdiff_t csc);

typedef struct cyl_gemm_kernel {
    cyl_gemm_ukr_fn ukr;
    int mr, nr;     /* register block */
    int mc, kc, nc; /* cache blocks: A block mc x kc in L2, B panel kc x nc in L3 */
    const char *name;
} cyl_gemm_kernel;

int cyl_gemm_s(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
               const float *a, ptrdiff_t rsa, ptrdiff_t csa, const float *b, ptrdiff_t rsb,
               ptrdiff_t csb, float beta, float *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads);
int cyl_gemm_d(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
               const double *a, ptrdiff_t rsa, ptrdiff_t csa, const double *b, ptrdiff_t rsb,
               ptrdiff_t csb, double beta, double *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads);
int cyl_gemm_c(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, cyl_cf alpha,
               const cyl_cf *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_cf *b, ptrdiff_t rsb,
               ptrdiff_t csb, cyl_cf beta, cyl_cf *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads);
int cyl_gemm_z(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, cyl_cd alpha,
               const cyl_cd *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_cd *b, ptrdiff_t rsb,
               ptrdiff_t csb, cyl_cd beta, cyl_cd *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads);

/* The reference kernel table entries (portable C), used by dispatch.c. */
void cyl_gemm_ref_kernels(cyl_gemm_kernel out[4]);
/* Overwrite the entries that have an AVX2+FMA kernel (x86-64 builds only). */
void cyl_gemm_avx2_kernels(cyl_gemm_kernel out[4]);

#ifdef __cplusplus
}
#endif
#endif
