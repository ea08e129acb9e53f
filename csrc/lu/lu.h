/* LU family kernels (partial pivoting): batched det, slogdet, inv, solve, lu_factor, lu_solve.
 *
 * Every batched kernel reads the matrices of a broadcast batch (cyl_batch iterator, byte
 * offsets from the operand base pointers; core strides in elements, any sign) and writes its
 * outputs C-contiguously in batch order (matrix t at t * size).  info[t] (when given) is 0 or
 * the 1-based index of the first exactly-zero pivot (LAPACK INFO); rcond[t] (when given) is
 * the reciprocal 1-norm condition estimate (Hager/Higham), 0 for a singular matrix.
 * Pivot vectors are 0-based: row k was interchanged with row piv[k] (scipy's lu_factor).
 * Returns CYL_OK or CYL_ERR_NOMEM; singularity is reported through info, never as an error. */
#ifndef CYLINALG_LU_H
#define CYLINALG_LU_H

#include "cylinalg/common.h"
#include "cylinalg/batch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CYL_LU_DECLARE(tc, t, r)                                                                   \
    int cyl_det_##tc(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it, \
                     t *det);                                                                      \
    int cyl_slogdet_##tc(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,                 \
                         const cyl_batch *it, t *sign, r *logabs);                                 \
    int cyl_inv_##tc(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it, \
                     t *out, int *info, r *rcond);                                                 \
    int cyl_solve_##tc(ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,      \
                       const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, t *x,     \
                       int *info, r *rcond);                                                       \
    int cyl_lu_factor_##tc(ptrdiff_t m, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,  \
                           const cyl_batch *it, t *lu, int64_t *piv, int *info);                   \
    int cyl_lu_solve_##tc(ptrdiff_t n, ptrdiff_t k, int trans, const char *lu, ptrdiff_t rsl,      \
                          ptrdiff_t csl, const char *piv, ptrdiff_t spiv, const char *b,           \
                          ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, t *x);

CYL_LU_DECLARE(s, float, float)
CYL_LU_DECLARE(d, double, double)
CYL_LU_DECLARE(c, cyl_cf, float)
CYL_LU_DECLARE(z, cyl_cd, double)

#undef CYL_LU_DECLARE

/* The same, dispatching on dt (cyl_dtype); real outputs (logabs, rcond) have the real type. */
int cyl_det(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
            void *det);
int cyl_slogdet(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                void *sign, void *logabs);
int cyl_inv(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
            void *out, int *info, void *rcond);
int cyl_solve(int dt, ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
              const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, void *x, int *info,
              void *rcond);
int cyl_lu_factor(int dt, ptrdiff_t m, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                  const cyl_batch *it, void *lu, int64_t *piv, int *info);
int cyl_lu_solve(int dt, ptrdiff_t n, ptrdiff_t k, int trans, const char *lu, ptrdiff_t rsl,
                 ptrdiff_t csl, const char *piv, ptrdiff_t spiv, const char *b, ptrdiff_t rsb,
                 ptrdiff_t csb, const cyl_batch *it, void *x);

#ifdef __cplusplus
}
#endif
#endif
