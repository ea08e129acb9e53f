/* The kernel table: which implementation of each kernel family runs, chosen once from the
 * CPU features and the CYLINALG_ARCH override (BLIS's "context").  Portable loops call the
 * ISA-specific micro-kernels only through this table. */
#ifndef CYLINALG_DISPATCH_H
#define CYLINALG_DISPATCH_H

#include "cylinalg/common.h"
#include "cylinalg/cpu_features.h"
#include "cylinalg/gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Lane-parallel LU of small real stacks (csrc/lu/lu_lanes_avx2.c): one call handles `width`
 * n x n matrices (4 <= n <= CYL_LU_LANES_MAX_N), matrix l at a[l] (strides in elements), and
 * returns the bitmask of the lanes the plain path must redo (lanes >= count are padding: their
 * outputs and bits are unspecified; a kernel may skip whole groups of them) (singular, non-finite, or an
 * rcond bound that cannot rule out ill-conditioning).  op: CYL_LU_LANES_{DET,SLOGDET,INV,SOLVE};
 * out0: det / sign / inverses (width x n x n) / solutions (width x n, one right-hand side);
 * out1: logabsdet / rcond (width entries, never NULL for those ops).  For det and slogdet, bit
 * 16 + l of the result marks lane l as all-integer (|entries| <= 2^26): an exact-determinant
 * candidate. */
enum { CYL_LU_LANES_DET = 0, CYL_LU_LANES_SLOGDET = 1, CYL_LU_LANES_INV = 2, CYL_LU_LANES_SOLVE = 3 };
#define CYL_LU_LANES_MAX_N 8
#define CYL_LU_LANES_MAX_WIDTH 8
typedef unsigned (*cyl_lu_lanes_fn)(int op, int n, const void *const *a, ptrdiff_t rsa, ptrdiff_t csa,
                                    const void *const *b, ptrdiff_t rsb, void *out0, void *out1, int count);
typedef struct {
    cyl_lu_lanes_fn run; /* NULL: the plain path handles every matrix */
    int width;           /* matrices per call */
} cyl_lu_lanes_kernel;

/* Unblocked LU with partial pivoting of a row-major m x n block (row stride lda), LAPACK getf2's
 * contract: ipiv[k] = row interchanged with row k (relative to a); returns 0 or the 1-based
 * index of the first exactly-zero pivot.  NULL: the plain path (csrc/lu/lu.tmpl.h). */
typedef ptrdiff_t (*cyl_lu_getf2_fn)(ptrdiff_t m, ptrdiff_t n, void *a, ptrdiff_t lda, ptrdiff_t *ipiv);
/* x = A^-1 x (trans 0), A^-T x (trans 1) or A^-H x (trans 2) for one contiguous vector, from getf2's factors
 * (row stride ld) and pivots; the plain path's lu_solve_vec / lu_solve_vec_trans contract. */
typedef void (*cyl_lu_solve_vec_fn)(ptrdiff_t n, const void *lu, ptrdiff_t ld, const ptrdiff_t *ipiv, void *x,
                                    int trans);

/* B (m x n, row stride ldb) = T^-1 B for T (m x m, row stride ldt) unit lower triangular
 * (upper 0) or upper triangular (upper 1): the base case of the plain path's recursive TRSMs
 * (lu_trsm_llu / lu_trsm_lun), same contract (zero off-diagonal entries are skipped). */
typedef void (*cyl_lu_trsm_fn)(ptrdiff_t m, ptrdiff_t n, const void *t, ptrdiff_t ldt, void *b, ptrdiff_t ldb,
                               int upper);

typedef struct cyl_kernel_table {
    cyl_arch arch;         /* level actually in use */
    const char *arch_name; /* "ref", "avx2", ... */
    /* GEMM micro-kernels and their blocking, one entry per cyl_dtype. */
    cyl_gemm_kernel gemm[CYL_NDTYPES];
    /* Batched small LU, one entry per cyl_dtype. */
    cyl_lu_lanes_kernel lu_lanes[CYL_NDTYPES];
    cyl_lu_getf2_fn lu_getf2[CYL_NDTYPES];
    cyl_lu_solve_vec_fn lu_solve_vec[CYL_NDTYPES];
    cyl_lu_trsm_fn lu_trsm[CYL_NDTYPES];
} cyl_kernel_table;

void cyl_lu_lanes_avx2_kernels(cyl_lu_lanes_kernel out[CYL_NDTYPES]);
void cyl_lu_getf2_avx2_kernels(cyl_lu_getf2_fn getf2[CYL_NDTYPES], cyl_lu_solve_vec_fn solve_vec[CYL_NDTYPES],
                               cyl_lu_trsm_fn trsm[CYL_NDTYPES]);

/* Select the table (idempotent).  Reads CYLINALG_ARCH; an unknown name or a level the CPU
 * lacks falls back to the best supported level and is reported by cyl_dispatch_note(). */
void cyl_dispatch_init(void);
/* The table in use.  Never NULL after cyl_dispatch_init(). */
const cyl_kernel_table *cyl_kernels(void);
/* Switch level at run time (tests).  Returns the level in use afterwards.  Not thread-safe
 * against running kernels: call it only while no kernel runs. */
cyl_arch cyl_dispatch_set_arch(cyl_arch requested);
/* Tuning hook (benchmarks, tests): the GEMM blocking of one dtype in the table in use (mc and nc
 * rounded up to the micro-tile).  CYL_ERR_ARG for out-of-range values.  Not thread-safe against
 * running kernels; a later set_arch does not undo it. */
int cyl_gemm_set_blocking(int dtype, ptrdiff_t mc, ptrdiff_t kc, ptrdiff_t nc);
/* Arch requested through CYLINALG_ARCH, or -1 if unset/"auto". */
int cyl_dispatch_requested(void);
/* Human-readable note about the override ("" when none). */
const char *cyl_dispatch_note(void);

#ifdef __cplusplus
}
#endif
#endif
