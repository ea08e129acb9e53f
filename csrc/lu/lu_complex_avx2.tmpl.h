/* Complex unblocked LU and small triangular solves, AVX2+FMA; included by lu_getf2_avx2.c once
 * per complex type with:
 *   CT   the complex type ({CR re, im})       SFX  name suffix (z, c)
 *   CR   its real type                         V    the vector type (__m256d, __m256)
 *   W    complex numbers per vector            VLOAD / VSTORE (unaligned, from CT *)
 *   VSET1(x)   x in every lane                 VALT(x)   (x, -x, x, -x, ...)
 *   VSWAP(v)   re and im of each number swapped
 *   VFMADD / VFNMADD, VADD, VMUL, VDIV              CDIV(a, b) the plain path's scalar division
 *   RFABS, RFMA  the real type's fabs and fma       CR_NORMAL_MIN  its smallest normal number
 *   VREDUCE(same, cross)  the complex sum of (re re, im im) and (re im, im re) products:
 *              sum(re re - im im), sum(re im + im re), in registers
 *
 * Same contract, pivot choice and zero skips as the plain lu_getf2 / trsm of lu.tmpl.h (the
 * reference); a complex product c * u is two FMAs per vector, (re(c) u) and (im(c) swap(u))
 * with alternating signs, and each vector of the source row is loaded and swapped once for
 * four destination rows. */
#define CFN(name) CYL_CAT3(name, _, SFX)

CYL_AVX2_INLINE CR CFN(cabs1)(CT z) { return RFABS(z.re) + RFABS(z.im); }

/* y[0..len) -= c * x[0..len) (c * conj(x) when conj_x) for one (rows == 1) or four rows
 * y[0..3] with their own c[q] */
CYL_AVX2_INLINE void CFN(caxpy_rows)(int rows, CT *const *y, const CT *c, const CT *x, ptrdiff_t len,
                                     int conj_x) {
    V cr[4], ci[4], flip = VALT((CR)1);
    for (int q = 0; q < rows; q++) { cr[q] = VSET1(c[q].re); ci[q] = VALT(c[q].im); }
    ptrdiff_t j = 0;
    for (; j + W <= len; j += W) {
        V u = VLOAD(x + j);
        if (conj_x) u = VMUL(u, flip);
        V us = VSWAP(u);
        for (int q = 0; q < rows; q++) {
            V v = VFNMADD(cr[q], u, VLOAD(y[q] + j));
            VSTORE(y[q] + j, VFMADD(ci[q], us, v));
        }
    }
    for (; j < len; j++)
        for (int q = 0; q < rows; q++) { /* the vector lanes' order: -re(c) u first, then im(c) */
            CT u = x[j], v = y[q][j];
            if (conj_x) u.im = -u.im;
            v.re = RFMA(-c[q].re, u.re, v.re);
            v.im = RFMA(-c[q].re, u.im, v.im);
            v.re = RFMA(c[q].im, u.im, v.re);
            v.im = RFMA(-c[q].im, u.re, v.im);
            y[q][j] = v;
        }
}

/* rows first..last-1 of b -= coef[row * ldc] * src (rows with a zero coefficient skipped when
 * skip_zero, as the plain triangular solves do), four rows per pass over src */
static void CFN(eliminate_rows)(const CT *coef, ptrdiff_t ldc, const CT *src, CT *b, ptrdiff_t ldb,
                                ptrdiff_t first, ptrdiff_t last, ptrdiff_t len, int skip_zero) {
    ptrdiff_t i = first;
    for (; i + 4 <= last; i += 4) {
        CT c[4];
        CT *r[4];
        int nonzero = 0;
        for (int q = 0; q < 4; q++) {
            c[q] = coef[(i + q) * ldc];
            r[q] = b + (i + q) * ldb;
            nonzero += c[q].re != 0 || c[q].im != 0;
        }
        if (!skip_zero || nonzero == 4) {
            CFN(caxpy_rows)(4, r, c, src, len, 0);
            continue;
        }
        for (int q = 0; q < 4; q++)
            if (c[q].re != 0 || c[q].im != 0) CFN(caxpy_rows)(1, &r[q], &c[q], src, len, 0);
    }
    for (; i < last; i++) {
        CT c = coef[i * ldc];
        CT *r = b + i * ldb;
        if (!skip_zero || c.re != 0 || c.im != 0) CFN(caxpy_rows)(1, &r, &c, src, len, 0);
    }
}

/* x[0..len) /= d by Smith's algorithm, vectorised (the plain scalar division for d == 0 and
 * the tail) */
static void CFN(cdiv_row)(CT *x, ptrdiff_t len, CT d) {
    ptrdiff_t j = 0;
    if (d.re != 0 || d.im != 0) {
        if (RFABS(d.re) >= RFABS(d.im)) { /* (a.re + a.im r, a.im - a.re r) / (d.re + d.im r) */
            CR r = d.im / d.re, den = d.re + d.im * r;
            V vr = VALT(r), vden = VSET1(den);
            for (; j + W <= len; j += W) {
                V a = VLOAD(x + j);
                VSTORE(x + j, VDIV(VFMADD(VSWAP(a), vr, a), vden));
            }
        } else { /* (a.re r + a.im, a.im r - a.re) / (d.re r + d.im) */
            CR r = d.re / d.im, den = d.re * r + d.im;
            V vr = VSET1(r), vden = VSET1(den), flip = VALT((CR)1);
            for (; j + W <= len; j += W) {
                V a = VLOAD(x + j);
                VSTORE(x + j, VDIV(VFMADD(VSWAP(a), flip, VMUL(a, vr)), vden));
            }
        }
    }
    for (; j < len; j++) x[j] = CDIV(x[j], d);
}

static ptrdiff_t CFN(getf2)(ptrdiff_t m, ptrdiff_t n, void *a_, ptrdiff_t lda, ptrdiff_t *ipiv) {
    CT *a = (CT *)a_;
    ptrdiff_t info = 0, kmax = m < n ? m : n;
    for (ptrdiff_t k = 0; k < kmax; k++) {
        ptrdiff_t p = k;
        CR best = CFN(cabs1)(a[k * lda + k]);
        for (ptrdiff_t i = k + 1; i < m; i++) { /* first largest |re| + |im|; NaN never wins */
            CR s = CFN(cabs1)(a[i * lda + k]);
            if (s > best) { best = s; p = i; }
        }
        ipiv[k] = p;
        CT *rk = a + k * lda;
        if (p != k) {
            CT *rp = a + p * lda;
            for (ptrdiff_t j = 0; j < n; j++) { CT t = rk[j]; rk[j] = rp[j]; rp[j] = t; }
        }
        CT piv = rk[k];
        if (piv.re == 0 && piv.im == 0) {
            if (!info) info = k + 1;
            continue;
        }
        if (CFN(cabs1)(piv) >= CR_NORMAL_MIN) { /* LAPACK's zgetf2: scale by 1 / pivot */
            CT one = {1, 0}, inv = CDIV(one, piv);
            for (ptrdiff_t i = k + 1; i < m; i++) {
                CT l = a[i * lda + k];
                a[i * lda + k].re = l.re * inv.re - l.im * inv.im;
                a[i * lda + k].im = l.re * inv.im + l.im * inv.re;
            }
        } else { /* 1 / pivot would overflow */
            for (ptrdiff_t i = k + 1; i < m; i++) a[i * lda + k] = CDIV(a[i * lda + k], piv);
        }
        CFN(eliminate_rows)(a + k, lda, rk + k + 1, a + k + 1, lda, k + 1, m, n - k - 1, 0);
    }
    return info;
}

/* B (m x n) = L^-1 B (unit lower, upper == 0) or U^-1 B (upper), right-looking. */
static void CFN(trsm)(ptrdiff_t m, ptrdiff_t n, const void *t_, ptrdiff_t ldt, void *b_, ptrdiff_t ldb,
                      int upper) {
    const CT *t = (const CT *)t_;
    CT *b = (CT *)b_;
    if (!upper) {
        for (ptrdiff_t p = 0; p + 1 < m; p++) CFN(eliminate_rows)(t + p, ldt, b + p * ldb, b, ldb, p + 1, m, n, 1);
        return;
    }
    for (ptrdiff_t p = m - 1; p >= 0; p--) {
        CFN(cdiv_row)(b + p * ldb, n, t[p * ldt + p]);
        CFN(eliminate_rows)(t + p, ldt, b + p * ldb, b, ldb, 0, p, n, 1);
    }
}

/* sum r_j x_j, j < len: (re re, im im) and (re im, im re) products in two accumulators,
 * combined with their signs at the end */
static CT CFN(cdot)(ptrdiff_t len, const CT *r, const CT *x) {
    V same = VSET1((CR)0), cross = same, same1 = same, cross1 = same;
    ptrdiff_t j = 0;
    for (; j + 2 * W <= len; j += 2 * W) { /* two accumulator pairs: half the add chain */
        V a = VLOAD(r + j), u = VLOAD(x + j), b = VLOAD(r + j + W), v = VLOAD(x + j + W);
        same = VFMADD(a, u, same);
        cross = VFMADD(a, VSWAP(u), cross);
        same1 = VFMADD(b, v, same1);
        cross1 = VFMADD(b, VSWAP(v), cross1);
    }
    same = VADD(same, same1);
    cross = VADD(cross, cross1);
    for (; j + W <= len; j += W) {
        V a = VLOAD(r + j), u = VLOAD(x + j);
        same = VFMADD(a, u, same);
        cross = VFMADD(a, VSWAP(u), cross);
    }
    CT acc = VREDUCE(same, cross);
    for (; j < len; j++) {
        acc.re = RFMA(r[j].re, x[j].re, RFMA(-r[j].im, x[j].im, acc.re));
        acc.im = RFMA(r[j].re, x[j].im, RFMA(r[j].im, x[j].re, acc.im));
    }
    return acc;
}

static void CFN(permute)(ptrdiff_t n, const ptrdiff_t *ipiv, CT *x, int backward) {
    for (ptrdiff_t s = 0; s < n; s++) {
        ptrdiff_t k = backward ? n - 1 - s : s, p = ipiv[k];
        if (p != k) { CT t = x[k]; x[k] = x[p]; x[p] = t; }
    }
}

/* The plain lu_solve_vec (trans 0) / lu_solve_vec_trans (1: A^T, 2: A^H): row dot products
 * for A^-1, row axpys for the transposes (the factors are row-major). */
static void CFN(solve_vec)(ptrdiff_t n, const void *lu_, ptrdiff_t ld, const ptrdiff_t *ipiv, void *x_, int trans) {
    const CT *lu = (const CT *)lu_;
    CT *x = (CT *)x_;
    if (!trans) {
        CFN(permute)(n, ipiv, x, 0);
        for (ptrdiff_t i = 1; i < n; i++) {
            CT s = CFN(cdot)(i, lu + i * ld, x);
            x[i].re -= s.re;
            x[i].im -= s.im;
        }
        for (ptrdiff_t i = n - 1; i >= 0; i--) {
            const CT *ui = lu + i * ld;
            CT s = CFN(cdot)(n - 1 - i, ui + i + 1, x + i + 1), v = {x[i].re - s.re, x[i].im - s.im};
            x[i] = CDIV(v, ui[i]);
        }
        return;
    }
    int conj = trans == 2;
    for (ptrdiff_t i = 0; i < n; i++) { /* U^T y = x: forward */
        const CT *ui = lu + i * ld;
        CT d = ui[i], *rest = x + i + 1;
        if (conj) d.im = -d.im;
        x[i] = CDIV(x[i], d);
        CFN(caxpy_rows)(1, &rest, &x[i], ui + i + 1, n - 1 - i, conj);
    }
    for (ptrdiff_t i = n - 1; i > 0; i--) /* L^T z = y: backward, unit diagonal */
        CFN(caxpy_rows)(1, &x, &x[i], lu + i * ld, i, conj);
    CFN(permute)(n, ipiv, x, 1);
}

#undef CFN
