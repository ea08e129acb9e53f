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
 * point to scalars of the kernel's dtype; beta == 0 means C is not read.  Always a full
 * mr x nr tile: the driver handles edge tiles through a scratch tile. */
typedef void (*cyl_gemm_ukr_fn)(ptrdiff_t k, const void *alpha, const void *ap, const void *bp,
                                const void *beta, void *c, ptrdiff_t rsc, ptrdiff_t csc);

/* Unpacked product for small operands (no packing, no threads), same contract as cyl_gemm_*
 * with alpha/beta passed by pointer. */
typedef void (*cyl_gemm_small_fn)(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                                  const void *alpha, const void *a, ptrdiff_t rsa, ptrdiff_t csa,
                                  const void *b, ptrdiff_t rsb, ptrdiff_t csb, const void *beta,
                                  void *c, ptrdiff_t rsc, ptrdiff_t csc);

/* A stack of products C_t = op(A_t) @ B_t (alpha 1, beta 0), one per matrix of the batch
 * iterator `it` (3 operands: A, B, C; byte offsets from the base pointers), run as one tight
 * loop; fixed tiny sizes (2, 3, 4) get fully unrolled code. */
struct cyl_batch;
typedef void (*cyl_gemm_stack_fn)(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                                  const char *a, ptrdiff_t rsa, ptrdiff_t csa, const char *b,
                                  ptrdiff_t rsb, ptrdiff_t csb, char *c, ptrdiff_t rsc,
                                  ptrdiff_t csc, struct cyl_batch *it);

typedef struct cyl_gemm_kernel {
    cyl_gemm_ukr_fn ukr;
    int mr, nr;     /* register block */
    int mc, kc, nc; /* cache blocks: A block mc x kc in L2, B panel kc x nc in L3 (kc and nc
                     * are upper bounds: the driver cuts k and n into equal blocks) */
    const char *name;
    cyl_gemm_small_fn small; /* unpacked path, used when m*n*k is below small_max */
    cyl_gemm_stack_fn stack;
    ptrdiff_t small_max;
    /* Tall products with n <= 64 and k <= tall_kmax (B stays in L1/L2) use the unpacked small
     * kernel for any m, rows split across threads; 0 = never. */
    ptrdiff_t tall_kmax;
    /* Plain products (alpha 1, beta 0, rows of B and C contiguous, no conj) with m*n*k up to
     * plain_max also run unpacked in `small`, whatever n (its plain path has no width limit):
     * packing cost more than it saved there; 0 = never. */
    ptrdiff_t plain_max;
    /* Plain products with at most wide_mmax rows also run unpacked in `small`, whatever n and
     * k: a few rows of A against a large B, which packing would copy for little reuse (the
     * row kernel takes such a B in blocks of a few rows); 0 = never. */
    ptrdiff_t wide_mmax;
    /* The micro-kernel's vectors run along its tile's rows (rsc == 1): unless C is column-major
     * the driver runs it on C^T = B^T A^T so that they fall along C's rows.  Small products
     * (vector dimension < 2*mr, or m*n*k below CYL_GEMM_COLMAJOR_MIN_MNK) use `narrow`. */
    int colmajor;
    const struct cyl_gemm_kernel *narrow;
    /* Optional: pack one full nr-column sliver of a column-major op(B) (rsb == 1, column j at
     * b + j*csb), dst[p*nr + j] = b[j*csb + p] for p < kb: a transpose, done in registers.  It
     * is the packing of A^T under a colmajor kernel, i.e. of every row-major A.  NULL: the
     * driver's scalar loop. */
    void (*pack_b_cols)(ptrdiff_t kb, const void *b, ptrdiff_t csb, void *dst);
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
/* Stacked product over a batch iterator (see cyl_gemm_stack_fn); dtype 0..3 (cyl_dtype).
 * Small matrices run through the table's stack loop, others call cyl_gemm_* per matrix.
 * Returns CYL_OK or CYL_ERR_NOMEM. */
int cyl_gemm_batched(int dtype, int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,
                     char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it, int nthreads);

/* Test hook: nonzero sends every product through the packed path (no small/stack shortcut). */
void cyl_gemm_set_force_packed(int on);
/* Test hook: nonzero makes every thread take the other threads' row blocks before its own, so
 * every block of a threaded product goes through the stealing path, and makes threads claim B
 * slivers of a block in progress one at a time, so that helpers get some often. */
void cyl_gemm_set_steal_first(int on);
/* Test hook: chunks of B slivers that threads computed of another thread's block since the last
 * call (resets the count). */
long cyl_gemm_helped_chunks(void);

/* One core's double-precision FMA throughput probe: runs `iters` rounds of independent FMA
 * chains on the vectors of the kernel level in use (ymm for AVX2, zmm for AVX-512); returns a
 * value that depends on the work so it is not optimised away.  0 flops are done (returns -1)
 * on the reference level or a build without x86 SIMD kernels. */
double cyl_fma_peak_run(long iters);
long cyl_fma_peak_flops_per_iter(void);

int cyl_gemm_z(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, cyl_cd alpha,
               const cyl_cd *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_cd *b, ptrdiff_t rsb,
               ptrdiff_t csb, cyl_cd beta, cyl_cd *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads);

/* The reference kernel table entries (portable C), used by dispatch.c. */
void cyl_gemm_ref_kernels(cyl_gemm_kernel out[4]);
/* Overwrite the entries that have an AVX2+FMA kernel (x86-64 builds only). */
void cyl_gemm_avx2_kernels(cyl_gemm_kernel out[4]);
/* Overwrite the entries that have an AVX-512 kernel; `below` is the AVX2 level's table. */
void cyl_gemm_avx512_kernels(cyl_gemm_kernel out[4], const cyl_gemm_kernel below[4]);

#ifdef __cplusplus
}
#endif
#endif
