/* Unblocked right-looking LU with partial pivoting, AVX2+FMA (setup.py's per-file flags; chosen
 * through the dispatch table's lu_getf2 / lu_trsm / lu_solve_vec entries).  Same contract and
 * pivot choice as the plain lu_getf2 in lu.tmpl.h (the reference); the difference is speed.
 * float64: the multipliers of four rows come from one vector division, and the rank-2 update
 * runs four rows at a time along the contiguous rows with FMAs, each chunk of the pivot rows
 * loaded once for the four rows.  complex128 / complex64: lu_complex_avx2.tmpl.h (rank-1).
 * Used for whole matrices up to a few dozen rows (no recursion, TRSM or GEMM call overheads) and
 * as the panel kernel of the recursive getrf. */
#include <float.h>
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include "cylinalg/avx2_dot.h"
#include "cylinalg/dispatch.h"
#include "cylinalg/scalar.h"

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

/* Four dot products r_q . x over len (q < 4), returned in one vector (lane q): the rows share
 * each load of x, and the four reductions end in one transpose-add instead of four chains. */
static inline __m256d dot4_d(const double *r0, const double *r1, const double *r2, const double *r3,
                             const double *x, ptrdiff_t len) {
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    ptrdiff_t j = 0;
    for (; j + 4 <= len; j += 4) {
        __m256d v = _mm256_loadu_pd(x + j);
        a0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + j), v, a0);
        a1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + j), v, a1);
        a2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + j), v, a2);
        a3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + j), v, a3);
    }
    __m256d h01 = _mm256_hadd_pd(a0, a1), h23 = _mm256_hadd_pd(a2, a3); /* (0,1,0,1), (2,3,2,3) halves */
    __m256d s = _mm256_add_pd(_mm256_permute2f128_pd(h01, h23, 0x20), _mm256_permute2f128_pd(h01, h23, 0x31));
    if (j < len) {
        double t[4];
        _mm256_storeu_pd(t, s);
        for (; j < len; j++) {
            t[0] = fma(r0[j], x[j], t[0]);
            t[1] = fma(r1[j], x[j], t[1]);
            t[2] = fma(r2[j], x[j], t[2]);
            t[3] = fma(r3[j], x[j], t[3]);
        }
        s = _mm256_loadu_pd(t);
    }
    return s;
}

/* x[0..len) -= sum_q c[q] r_q[0..len) for q < 4 (one load and store of x per four rows) */
static inline void axpy4_into_d(const double *c, const double *r0, const double *r1, const double *r2,
                                const double *r3, double *x, ptrdiff_t len) {
    __m256d c0 = _mm256_set1_pd(c[0]), c1 = _mm256_set1_pd(c[1]), c2 = _mm256_set1_pd(c[2]), c3 = _mm256_set1_pd(c[3]);
    ptrdiff_t j = 0;
    for (; j + 4 <= len; j += 4) {
        __m256d v = _mm256_loadu_pd(x + j);
        v = _mm256_fnmadd_pd(c0, _mm256_loadu_pd(r0 + j), v);
        v = _mm256_fnmadd_pd(c1, _mm256_loadu_pd(r1 + j), v);
        v = _mm256_fnmadd_pd(c2, _mm256_loadu_pd(r2 + j), v);
        v = _mm256_fnmadd_pd(c3, _mm256_loadu_pd(r3 + j), v);
        _mm256_storeu_pd(x + j, v);
    }
    for (; j < len; j++) x[j] = fma(-c[3], r3[j], fma(-c[2], r2[j], fma(-c[1], r1[j], fma(-c[0], r0[j], x[j]))));
}

static inline void permute_d(ptrdiff_t n, const ptrdiff_t *ipiv, double *x, int backward) {
    for (ptrdiff_t s = 0; s < n; s++) {
        ptrdiff_t k = backward ? n - 1 - s : s, p = ipiv[k];
        if (p != k) { double t = x[k]; x[k] = x[p]; x[p] = t; }
    }
}

/* The plain lu_solve_vec / lu_solve_vec_trans on the row-major factors, four rows per step:
 * the rows' products with the solved part of x go four at a time (dot4_d for A^-1, axpy4 for
 * A^-T), and only the 4 x 4 diagonal triangle is sequential.  One row per step would be one
 * latency chain per row; this is what the condition estimator's ~7 solves per call spend. */
static void solve_vec_d(ptrdiff_t n, const void *lu_, ptrdiff_t ld, const ptrdiff_t *ipiv, void *x_, int trans) {
    const double *lu = (const double *)lu_;
    double *x = (double *)x_;
    /* a block's four results are written with one vector store: the next block's vector loads
     * of them then forward from it (four scalar stores read back as a vector would stall) */
    double y[4];
    if (!trans) {
        permute_d(n, ipiv, x, 0);
        for (ptrdiff_t i0 = 0; i0 < n; i0 += 4) { /* L y = x, unit diagonal */
            ptrdiff_t rows = n - i0 < 4 ? n - i0 : 4;
            const double *r = lu + i0 * ld;
            if (rows < 4) {
                for (ptrdiff_t q = 0; q < rows; q++) {
                    double v = x[i0 + q] - cyl_avx2_dot_d(i0, r + q * ld, x);
                    for (ptrdiff_t p = 0; p < q; p++) v = fma(-r[q * ld + i0 + p], x[i0 + p], v);
                    x[i0 + q] = v;
                }
                break;
            }
            _mm256_storeu_pd(y, _mm256_sub_pd(_mm256_loadu_pd(x + i0), dot4_d(r, r + ld, r + 2 * ld, r + 3 * ld, x, i0)));
            const double *l = r + i0;
            double y0 = y[0], y1 = fma(-l[ld], y0, y[1]);
            double y2 = fma(-l[2 * ld + 1], y1, fma(-l[2 * ld], y0, y[2]));
            double y3 = fma(-l[3 * ld + 2], y2, fma(-l[3 * ld + 1], y1, fma(-l[3 * ld], y0, y[3])));
            _mm256_storeu_pd(x + i0, _mm256_set_pd(y3, y2, y1, y0));
        }
        ptrdiff_t i1 = n;
        for (; i1 >= 4; i1 -= 4) { /* U z = y: rows i1-4 .. i1-1 */
            ptrdiff_t i0 = i1 - 4, near = n - i1 < 4 ? n - i1 : 4;
            const double *r = lu + i0 * ld;
            /* the far columns first: only the last block's four results are on the critical path */
            __m256d s = dot4_d(r + i1 + near, r + ld + i1 + near, r + 2 * ld + i1 + near, r + 3 * ld + i1 + near,
                               x + i1 + near, n - i1 - near);
            if (near) s = _mm256_add_pd(s, dot4_d(r + i1, r + ld + i1, r + 2 * ld + i1, r + 3 * ld + i1, x + i1, near));
            _mm256_storeu_pd(y, _mm256_sub_pd(_mm256_loadu_pd(x + i0), s));
            const double *u = r + i0;
            double y3 = y[3] / u[3 * ld + 3];
            double y2 = fma(-u[2 * ld + 3], y3, y[2]) / u[2 * ld + 2];
            double y1 = fma(-u[ld + 2], y2, fma(-u[ld + 3], y3, y[1])) / u[ld + 1];
            double y0 = fma(-u[1], y1, fma(-u[2], y2, fma(-u[3], y3, y[0]))) / u[0];
            _mm256_storeu_pd(x + i0, _mm256_set_pd(y3, y2, y1, y0));
        }
        for (ptrdiff_t i = i1 - 1; i >= 0; i--) {
            const double *ri = lu + i * ld;
            x[i] = (x[i] - cyl_avx2_dot_d(n - 1 - i, ri + i + 1, x + i + 1)) / ri[i];
        }
        return;
    }
    ptrdiff_t i0 = 0;
    for (; i0 + 4 <= n; i0 += 4) { /* U^T y = x: forward */
        const double *r = lu + i0 * ld;
        const double *u = r + i0; /* the triangle: y_q final, then pushed down */
        double y0 = x[i0] / u[0];
        double y1 = fma(-y0, u[1], x[i0 + 1]) / u[ld + 1];
        double y2 = fma(-y1, u[ld + 2], fma(-y0, u[2], x[i0 + 2])) / u[2 * ld + 2];
        double y3 = fma(-y2, u[2 * ld + 3], fma(-y1, u[ld + 3], fma(-y0, u[3], x[i0 + 3]))) / u[3 * ld + 3];
        _mm256_storeu_pd(x + i0, _mm256_set_pd(y3, y2, y1, y0));
        y[0] = y0; y[1] = y1; y[2] = y2; y[3] = y3;
        axpy4_into_d(y, r + i0 + 4, r + ld + i0 + 4, r + 2 * ld + i0 + 4, r + 3 * ld + i0 + 4, x + i0 + 4, n - i0 - 4);
    }
    for (ptrdiff_t i = i0; i < n; i++) {
        const double *ri = lu + i * ld;
        x[i] /= ri[i];
        axpy_d(n - 1 - i, x[i], ri + i + 1, x + i + 1);
    }
    ptrdiff_t i1 = n;
    for (; i1 > i0; i1--) axpy_d(i1 - 1, x[i1 - 1], lu + (i1 - 1) * ld, x); /* L^T z = y: the ragged rows first */
    for (; i1 >= 4; i1 -= 4) { /* backward, unit diagonal, rows i1-4 .. i1-1 */
        ptrdiff_t b0 = i1 - 4;
        const double *r = lu + b0 * ld;
        const double *l = r + b0;
        double y3 = x[b0 + 3];
        double y2 = fma(-y3, l[3 * ld + 2], x[b0 + 2]);
        double y1 = fma(-y2, l[2 * ld + 1], fma(-y3, l[3 * ld + 1], x[b0 + 1]));
        double y0 = fma(-y1, l[ld], fma(-y2, l[2 * ld], fma(-y3, l[3 * ld], x[b0])));
        _mm256_storeu_pd(x + b0, _mm256_set_pd(y3, y2, y1, y0));
        y[0] = y0; y[1] = y1; y[2] = y2; y[3] = y3;
        axpy4_into_d(y, r, r + ld, r + 2 * ld, r + 3 * ld, x, b0);
    }
    permute_d(n, ipiv, x, 1);
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

/* ---- complex128 and complex64: one template (lu_complex_avx2.tmpl.h) ---- */
static inline cyl_cd reduce_z(__m256d same, __m256d cross) {
    __m256d h = _mm256_blend_pd(_mm256_hsub_pd(same, same), _mm256_hadd_pd(cross, cross), 0xA);
    __m128d v = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
    cyl_cd z;
    _mm_storeu_pd(&z.re, v);
    return z;
}

static inline cyl_cf reduce_c(__m256 same, __m256 cross) {
    /* (re, im) of numbers 0, 1 | 2, 3 (hadd/hsub work within 128-bit halves) */
    __m256 h = _mm256_unpacklo_ps(_mm256_hsub_ps(same, same), _mm256_hadd_ps(cross, cross));
    __m128 v = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    cyl_cf z;
    _mm_storel_pi((__m64 *)&z, v);
    return z;
}

#define CYL_AVX2_INLINE static inline __attribute__((always_inline))
#define CT cyl_cd
#define SFX z
#define CR double
#define V __m256d
#define W 2
#define VLOAD(p) _mm256_loadu_pd((const double *)(p))
#define VSTORE(p, v) _mm256_storeu_pd((double *)(p), v)
#define VSET1(x) _mm256_set1_pd(x)
#define VALT(x) _mm256_set_pd(-(x), x, -(x), x)
#define VSWAP(v) _mm256_permute_pd(v, 0x5)
#define VFMADD _mm256_fmadd_pd
#define VFNMADD _mm256_fnmadd_pd
#define VMUL _mm256_mul_pd
#define VADD _mm256_add_pd
#define VREDUCE reduce_z
#define VDIV _mm256_div_pd
#define CDIV cyl_z_div
#define RFABS fabs
#define RFMA fma
#define CR_NORMAL_MIN DBL_MIN
#include "lu/lu_complex_avx2.tmpl.h"
#undef CT
#undef SFX
#undef CR
#undef V
#undef W
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VALT
#undef VSWAP
#undef VFMADD
#undef VFNMADD
#undef VMUL
#undef VADD
#undef VREDUCE
#undef VDIV
#undef CDIV
#undef RFABS
#undef RFMA
#undef CR_NORMAL_MIN

#define CT cyl_cf
#define SFX c
#define CR float
#define V __m256
#define W 4
#define VLOAD(p) _mm256_loadu_ps((const float *)(p))
#define VSTORE(p, v) _mm256_storeu_ps((float *)(p), v)
#define VSET1(x) _mm256_set1_ps(x)
#define VALT(x) _mm256_set_ps(-(x), x, -(x), x, -(x), x, -(x), x)
#define VSWAP(v) _mm256_permute_ps(v, 0xB1)
#define VFMADD _mm256_fmadd_ps
#define VFNMADD _mm256_fnmadd_ps
#define VMUL _mm256_mul_ps
#define VADD _mm256_add_ps
#define VREDUCE reduce_c
#define VDIV _mm256_div_ps
#define CDIV cyl_c_div
#define RFABS fabsf
#define RFMA fmaf
#define CR_NORMAL_MIN FLT_MIN
#include "lu/lu_complex_avx2.tmpl.h"

void cyl_lu_getf2_avx2_kernels(cyl_lu_getf2_fn getf2[CYL_NDTYPES], cyl_lu_solve_vec_fn solve_vec[CYL_NDTYPES],
                               cyl_lu_trsm_fn trsm[CYL_NDTYPES]) {
    getf2[CYL_F64] = getf2_d;
    solve_vec[CYL_F64] = solve_vec_d;
    trsm[CYL_F64] = trsm_d;
    getf2[CYL_C128] = getf2_z;
    solve_vec[CYL_C128] = solve_vec_z;
    trsm[CYL_C128] = trsm_z;
    getf2[CYL_C64] = getf2_c;
    solve_vec[CYL_C64] = solve_vec_c;
    trsm[CYL_C64] = trsm_c;
}
