/* Unblocked right-looking LU with partial pivoting, AVX2+FMA (setup.py's per-file flags; chosen
 * through the dispatch table's lu_getf2 entry).  Same contract and pivot choice as the plain
 * lu_getf2 in lu.tmpl.h (the reference); the difference is speed: the multipliers of four rows
 * come from one vector division, and the rank-1 update runs four rows at a time along the
 * contiguous rows with FMAs, each chunk of the pivot row loaded once for the four rows.
 * Used for whole matrices up to a few dozen rows (no recursion, TRSM or GEMM call overheads) and
 * as the panel kernel of the recursive getrf. */
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include "cylinalg/avx2_dot.h"
#include "cylinalg/dispatch.h"

/* Row of the largest |a_ik|, i in k0..m-1 (first on ties; NaN never wins), as the plain path. */
static inline ptrdiff_t pivot_row_d(const double *a, ptrdiff_t lda, ptrdiff_t col, ptrdiff_t k0, ptrdiff_t m) {
    ptrdiff_t p = k0;
    double best = fabs(a[k0 * lda + col]);
    for (ptrdiff_t i = k0 + 1; i < m; i++) {
        double s = fabs(a[i * lda + col]);
        if (s > best) { best = s; p = i; }
    }
    return p;
}

static inline void swap_rows_d(double *x, double *y, ptrdiff_t n) {
    if (x == y) return;
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d u = _mm256_loadu_pd(x + j), v = _mm256_loadu_pd(y + j);
        _mm256_storeu_pd(x + j, v);
        _mm256_storeu_pd(y + j, u);
    }
    for (; j < n; j++) { double t = x[j]; x[j] = y[j]; y[j] = t; }
}

/* a[i][col] /= piv for rows i0..m-1, four rows per vector division (divide, not multiply by
 * 1/piv: exact for small integers, as the plain path).  The column is gathered in registers:
 * four scalar stores read back as one vector would stall store forwarding. */
static inline void multipliers_d(double *a, ptrdiff_t lda, ptrdiff_t col, ptrdiff_t i0, ptrdiff_t m, double piv) {
    const __m256d vpiv = _mm256_set1_pd(piv);
    ptrdiff_t i = i0;
    for (; i + 4 <= m; i += 4) {
        double *r0 = a + i * lda + col, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
        __m256d lv = _mm256_div_pd(_mm256_set_pd(*r3, *r2, *r1, *r0), vpiv);
        __m128d lo = _mm256_castpd256_pd128(lv), hi = _mm256_extractf128_pd(lv, 1);
        _mm_storel_pd(r0, lo);
        _mm_storeh_pd(r1, lo);
        _mm_storel_pd(r2, hi);
        _mm_storeh_pd(r3, hi);
    }
    for (; i < m; i++) a[i * lda + col] /= piv;
}

/* Rows i0..m-1, columns j0..n-1: a_ij -= a_i,c0 u0_j (rank 1, u1 == NULL) or
 * a_ij -= a_i,c0 u0_j + a_i,c0+1 u1_j (rank 2: one load and store per two FMAs), four rows per
 * pass so each chunk of u0/u1 is loaded once for four rows.  Scalar column tails (masked stores
 * are slow on AMD). */
static void update_d(double *a, ptrdiff_t lda, ptrdiff_t c0, const double *u0, const double *u1, ptrdiff_t i0,
                     ptrdiff_t m, ptrdiff_t j0, ptrdiff_t n) {
    if (j0 >= n) return;
    ptrdiff_t i = i0;
    for (; i + 4 <= m; i += 4) {
        double *r0 = a + i * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
        __m256d l0 = _mm256_set1_pd(r0[c0]), l1 = _mm256_set1_pd(r1[c0]);
        __m256d l2 = _mm256_set1_pd(r2[c0]), l3 = _mm256_set1_pd(r3[c0]);
        ptrdiff_t j = j0;
        if (u1) {
            __m256d m0 = _mm256_set1_pd(r0[c0 + 1]), m1 = _mm256_set1_pd(r1[c0 + 1]);
            __m256d m2 = _mm256_set1_pd(r2[c0 + 1]), m3 = _mm256_set1_pd(r3[c0 + 1]);
            for (; j + 4 <= n; j += 4) {
                __m256d v = _mm256_loadu_pd(u0 + j), w = _mm256_loadu_pd(u1 + j);
                _mm256_storeu_pd(r0 + j, _mm256_fnmadd_pd(m0, w, _mm256_fnmadd_pd(l0, v, _mm256_loadu_pd(r0 + j))));
                _mm256_storeu_pd(r1 + j, _mm256_fnmadd_pd(m1, w, _mm256_fnmadd_pd(l1, v, _mm256_loadu_pd(r1 + j))));
                _mm256_storeu_pd(r2 + j, _mm256_fnmadd_pd(m2, w, _mm256_fnmadd_pd(l2, v, _mm256_loadu_pd(r2 + j))));
                _mm256_storeu_pd(r3 + j, _mm256_fnmadd_pd(m3, w, _mm256_fnmadd_pd(l3, v, _mm256_loadu_pd(r3 + j))));
            }
            for (; j < n; j++) {
                double v = u0[j], w = u1[j];
                r0[j] = fma(-r0[c0 + 1], w, fma(-r0[c0], v, r0[j]));
                r1[j] = fma(-r1[c0 + 1], w, fma(-r1[c0], v, r1[j]));
                r2[j] = fma(-r2[c0 + 1], w, fma(-r2[c0], v, r2[j]));
                r3[j] = fma(-r3[c0 + 1], w, fma(-r3[c0], v, r3[j]));
            }
        } else {
            for (; j + 4 <= n; j += 4) {
                __m256d v = _mm256_loadu_pd(u0 + j);
                _mm256_storeu_pd(r0 + j, _mm256_fnmadd_pd(l0, v, _mm256_loadu_pd(r0 + j)));
                _mm256_storeu_pd(r1 + j, _mm256_fnmadd_pd(l1, v, _mm256_loadu_pd(r1 + j)));
                _mm256_storeu_pd(r2 + j, _mm256_fnmadd_pd(l2, v, _mm256_loadu_pd(r2 + j)));
                _mm256_storeu_pd(r3 + j, _mm256_fnmadd_pd(l3, v, _mm256_loadu_pd(r3 + j)));
            }
            for (; j < n; j++) {
                double v = u0[j];
                r0[j] = fma(-r0[c0], v, r0[j]);
                r1[j] = fma(-r1[c0], v, r1[j]);
                r2[j] = fma(-r2[c0], v, r2[j]);
                r3[j] = fma(-r3[c0], v, r3[j]);
            }
        }
    }
    for (; i < m; i++) {
        double *ri = a + i * lda;
        __m256d l = _mm256_set1_pd(ri[c0]), mm = _mm256_set1_pd(u1 ? ri[c0 + 1] : 0.0);
        ptrdiff_t j = j0;
        for (; j + 4 <= n; j += 4) {
            __m256d x = _mm256_fnmadd_pd(l, _mm256_loadu_pd(u0 + j), _mm256_loadu_pd(ri + j));
            if (u1) x = _mm256_fnmadd_pd(mm, _mm256_loadu_pd(u1 + j), x);
            _mm256_storeu_pd(ri + j, x);
        }
        for (; j < n; j++) {
            double x = fma(-ri[c0], u0[j], ri[j]);
            ri[j] = u1 ? fma(-ri[c0 + 1], u1[j], x) : x;
        }
    }
}

/* Two elimination steps per pass over the trailing matrix: step k's multipliers update column
 * k+1 and row k+1 first (enough to choose pivot k+1), then one rank-2 update does the rest.
 * Each entry gets the same two FMAs in the same order as two rank-1 steps would give it. */
static ptrdiff_t getf2_d(ptrdiff_t m, ptrdiff_t n, void *a_, ptrdiff_t lda, ptrdiff_t *ipiv) {
    double *a = (double *)a_;
    ptrdiff_t info = 0, kmax = m < n ? m : n, k = 0;
    while (k < kmax) {
        double *rk = a + k * lda;
        ptrdiff_t p = pivot_row_d(a, lda, k, k, m);
        ipiv[k] = p;
        swap_rows_d(rk, a + p * lda, n);
        double piv = rk[k];
        if (piv == 0) {
            if (!info) info = k + 1;
            k++;
            continue;
        }
        multipliers_d(a, lda, k, k + 1, m, piv);
        if (k + 1 == kmax) {
            update_d(a, lda, k, rk, NULL, k + 1, m, k + 1, n);
            break;
        }
        const double u = rk[k + 1];
        for (ptrdiff_t i = k + 1; i < m; i++) a[i * lda + k + 1] = fma(-a[i * lda + k], u, a[i * lda + k + 1]);
        double *rk1 = a + (k + 1) * lda;
        ptrdiff_t p1 = pivot_row_d(a, lda, k + 1, k + 1, m);
        ipiv[k + 1] = p1;
        swap_rows_d(rk1, a + p1 * lda, n); /* both rows still lack step k beyond column k+1 */
        update_d(a, lda, k, rk, NULL, k + 1, k + 2, k + 2, n);
        double piv1 = rk1[k + 1];
        if (piv1 == 0) {
            if (!info) info = k + 2;
            update_d(a, lda, k, rk, NULL, k + 2, m, k + 2, n);
        } else {
            multipliers_d(a, lda, k + 1, k + 2, m, piv1);
            update_d(a, lda, k, rk, rk1, k + 2, m, k + 2, n);
        }
        k += 2;
    }
    return info;
}

/* y[p] -= c * u[p], p < len */
static inline void axpy_d(ptrdiff_t len, double c, const double *u, double *y) {
    __m256d vc = _mm256_set1_pd(c);
    ptrdiff_t p = 0;
    for (; p + 8 <= len; p += 8) {
        _mm256_storeu_pd(y + p, _mm256_fnmadd_pd(vc, _mm256_loadu_pd(u + p), _mm256_loadu_pd(y + p)));
        _mm256_storeu_pd(y + p + 4, _mm256_fnmadd_pd(vc, _mm256_loadu_pd(u + p + 4), _mm256_loadu_pd(y + p + 4)));
    }
    for (; p + 4 <= len; p += 4)
        _mm256_storeu_pd(y + p, _mm256_fnmadd_pd(vc, _mm256_loadu_pd(u + p), _mm256_loadu_pd(y + p)));
    for (; p < len; p++) y[p] = fma(-c, u[p], y[p]);
}

/* The plain lu_solve_vec / lu_solve_vec_trans, vectorised along the rows of the factors:
 * A^-1 x by row dot products, A^-T x by row axpys (column-oriented triangular solves). */
static void solve_vec_d(ptrdiff_t n, const void *lu_, ptrdiff_t ld, const ptrdiff_t *ipiv, void *x_, int trans) {
    const double *lu = (const double *)lu_;
    double *x = (double *)x_;
    if (!trans) {
        for (ptrdiff_t k = 0; k < n; k++) {
            ptrdiff_t p = ipiv[k];
            if (p != k) { double t = x[k]; x[k] = x[p]; x[p] = t; }
        }
        for (ptrdiff_t i = 1; i < n; i++) x[i] -= cyl_avx2_dot_d(i, lu + i * ld, x);
        for (ptrdiff_t i = n - 1; i >= 0; i--) {
            const double *ui = lu + i * ld;
            x[i] = (x[i] - cyl_avx2_dot_d(n - 1 - i, ui + i + 1, x + i + 1)) / ui[i];
        }
        return;
    }
    for (ptrdiff_t i = 0; i < n; i++) { /* U^T y = x: forward */
        const double *ui = lu + i * ld;
        double yi = x[i] / ui[i];
        x[i] = yi;
        axpy_d(n - 1 - i, yi, ui + i + 1, x + i + 1);
    }
    for (ptrdiff_t i = n - 1; i > 0; i--) axpy_d(i, x[i], lu + i * ld, x); /* L^T z = y: backward */
    for (ptrdiff_t k = n - 1; k >= 0; k--) {
        ptrdiff_t p = ipiv[k];
        if (p != k) { double t = x[k]; x[k] = x[p]; x[p] = t; }
    }
}

/* rows r[0..3] -= c[q] * src, n columns (c[q] all nonzero) */
static inline void axpy4_d(double *const *r, const double *c, const double *src, ptrdiff_t n) {
    __m256d c0 = _mm256_set1_pd(c[0]), c1 = _mm256_set1_pd(c[1]), c2 = _mm256_set1_pd(c[2]), c3 = _mm256_set1_pd(c[3]);
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d v = _mm256_loadu_pd(src + j);
        _mm256_storeu_pd(r[0] + j, _mm256_fnmadd_pd(c0, v, _mm256_loadu_pd(r[0] + j)));
        _mm256_storeu_pd(r[1] + j, _mm256_fnmadd_pd(c1, v, _mm256_loadu_pd(r[1] + j)));
        _mm256_storeu_pd(r[2] + j, _mm256_fnmadd_pd(c2, v, _mm256_loadu_pd(r[2] + j)));
        _mm256_storeu_pd(r[3] + j, _mm256_fnmadd_pd(c3, v, _mm256_loadu_pd(r[3] + j)));
    }
    for (; j < n; j++)
        for (int q = 0; q < 4; q++) r[q][j] = fma(-c[q], src[j], r[q][j]);
}

/* rows first..last-1 of b -= t[row][p] * b_p (zero coefficients skipped, as the plain path) */
static inline void eliminate_rows_d(const double *t, ptrdiff_t ldt, ptrdiff_t p, double *b, ptrdiff_t ldb,
                                    ptrdiff_t first, ptrdiff_t last, ptrdiff_t n) {
    const double *bp = b + p * ldb;
    ptrdiff_t i = first;
    for (; i + 4 <= last; i += 4) {
        double c[4] = {t[i * ldt + p], t[(i + 1) * ldt + p], t[(i + 2) * ldt + p], t[(i + 3) * ldt + p]};
        if (c[0] != 0 && c[1] != 0 && c[2] != 0 && c[3] != 0) {
            double *r[4] = {b + i * ldb, b + (i + 1) * ldb, b + (i + 2) * ldb, b + (i + 3) * ldb};
            axpy4_d(r, c, bp, n);
        } else {
            for (int q = 0; q < 4; q++)
                if (c[q] != 0) axpy_d(n, c[q], bp, b + (i + q) * ldb);
        }
    }
    for (; i < last; i++) {
        double c = t[i * ldt + p];
        if (c != 0) axpy_d(n, c, bp, b + i * ldb);
    }
}

/* Right-looking triangular solves, four rows per pass over the finished row. */
static void trsm_d(ptrdiff_t m, ptrdiff_t n, const void *t_, ptrdiff_t ldt, void *b_, ptrdiff_t ldb, int upper) {
    const double *t = (const double *)t_;
    double *b = (double *)b_;
    if (!upper) {
        for (ptrdiff_t p = 0; p + 1 < m; p++) eliminate_rows_d(t, ldt, p, b, ldb, p + 1, m, n);
        return;
    }
    for (ptrdiff_t p = m - 1; p >= 0; p--) {
        double *bp = b + p * ldb;
        const __m256d d = _mm256_set1_pd(t[p * ldt + p]);
        ptrdiff_t j = 0;
        for (; j + 4 <= n; j += 4) _mm256_storeu_pd(bp + j, _mm256_div_pd(_mm256_loadu_pd(bp + j), d));
        for (; j < n; j++) bp[j] /= t[p * ldt + p];
        eliminate_rows_d(t, ldt, p, b, ldb, 0, p, n);
    }
}

void cyl_lu_getf2_avx2_kernels(cyl_lu_getf2_fn getf2[CYL_NDTYPES], cyl_lu_solve_vec_fn solve_vec[CYL_NDTYPES],
                               cyl_lu_trsm_fn trsm[CYL_NDTYPES]) {
    getf2[CYL_F64] = getf2_d;
    solve_vec[CYL_F64] = solve_vec_d;
    trsm[CYL_F64] = trsm_d;
}
