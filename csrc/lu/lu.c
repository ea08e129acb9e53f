/* LU family: instantiates lu.tmpl.h for the four dtypes. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "cylinalg/scalar.h"
#include "cylinalg/gemm.h"
#include "cylinalg/batch.h"
#include "cylinalg/threads.h"
#include "cylinalg/dispatch.h"
#include "lu/lu.h"
#ifdef CYL_HAVE_OPENMP
#include <omp.h>
#endif

#define CYL_TEMPLATE "lu/lu.tmpl.h"
#include "cylinalg/instantiate.h"

#if !(defined(__x86_64__) || defined(_M_X64))
void cyl_lu_lanes_avx2_kernels(cyl_lu_lanes_kernel out[CYL_NDTYPES]) { (void)out; }
void cyl_lu_getf2_avx2_kernels(cyl_lu_getf2_fn getf2[CYL_NDTYPES], cyl_lu_solve_vec_fn solve_vec[CYL_NDTYPES],
                               cyl_lu_trsm_fn trsm[CYL_NDTYPES]) {
    (void)getf2;
    (void)solve_vec;
    (void)trsm;
}
#endif

/* dtype-dispatching entry points for the Cython layer (dt: cyl_dtype). */
#define CYL_LU_DISPATCH(call_s, call_d, call_c, call_z)                                          \
    switch (dt) {                                                                               \
    case CYL_F32: return call_s;                                                                \
    case CYL_F64: return call_d;                                                                \
    case CYL_C64: return call_c;                                                                \
    case CYL_C128: return call_z;                                                               \
    default: return CYL_ERR_ARG;                                                                \
    }

int cyl_det(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
            void *det) {
    CYL_LU_DISPATCH(cyl_det_s(n, a, rsa, csa, it, det), cyl_det_d(n, a, rsa, csa, it, det),
                    cyl_det_c(n, a, rsa, csa, it, det), cyl_det_z(n, a, rsa, csa, it, det))
}

int cyl_slogdet(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                void *sign, void *logabs) {
    CYL_LU_DISPATCH(cyl_slogdet_s(n, a, rsa, csa, it, sign, logabs),
                    cyl_slogdet_d(n, a, rsa, csa, it, sign, logabs),
                    cyl_slogdet_c(n, a, rsa, csa, it, sign, logabs),
                    cyl_slogdet_z(n, a, rsa, csa, it, sign, logabs))
}

int cyl_inv(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
            void *out, int *info, void *rcond) {
    CYL_LU_DISPATCH(cyl_inv_s(n, a, rsa, csa, it, out, info, rcond),
                    cyl_inv_d(n, a, rsa, csa, it, out, info, rcond),
                    cyl_inv_c(n, a, rsa, csa, it, out, info, rcond),
                    cyl_inv_z(n, a, rsa, csa, it, out, info, rcond))
}

int cyl_solve(int dt, ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
              const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, void *x, int *info,
              void *rcond) {
    CYL_LU_DISPATCH(cyl_solve_s(n, k, a, rsa, csa, b, rsb, csb, it, x, info, rcond),
                    cyl_solve_d(n, k, a, rsa, csa, b, rsb, csb, it, x, info, rcond),
                    cyl_solve_c(n, k, a, rsa, csa, b, rsb, csb, it, x, info, rcond),
                    cyl_solve_z(n, k, a, rsa, csa, b, rsb, csb, it, x, info, rcond))
}

int cyl_lu_factor(int dt, ptrdiff_t m, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                  const cyl_batch *it, void *lu, int64_t *piv, int *info) {
    CYL_LU_DISPATCH(cyl_lu_factor_s(m, n, a, rsa, csa, it, lu, piv, info),
                    cyl_lu_factor_d(m, n, a, rsa, csa, it, lu, piv, info),
                    cyl_lu_factor_c(m, n, a, rsa, csa, it, lu, piv, info),
                    cyl_lu_factor_z(m, n, a, rsa, csa, it, lu, piv, info))
}

int cyl_lu_solve(int dt, ptrdiff_t n, ptrdiff_t k, int trans, const char *lu, ptrdiff_t rsl,
                 ptrdiff_t csl, const char *piv, ptrdiff_t spiv, const char *b, ptrdiff_t rsb,
                 ptrdiff_t csb, const cyl_batch *it, void *x) {
    CYL_LU_DISPATCH(cyl_lu_solve_s(n, k, trans, lu, rsl, csl, piv, spiv, b, rsb, csb, it, x),
                    cyl_lu_solve_d(n, k, trans, lu, rsl, csl, piv, spiv, b, rsb, csb, it, x),
                    cyl_lu_solve_c(n, k, trans, lu, rsl, csl, piv, spiv, b, rsb, csb, it, x),
                    cyl_lu_solve_z(n, k, trans, lu, rsl, csl, piv, spiv, b, rsb, csb, it, x))
}
