#ifndef CYL_LU_INLINE
/* Forced inlining lets the n <= 4 paths specialise on a constant n (fully unrolled). */
#if defined(_MSC_VER)
#define CYL_LU_INLINE static __forceinline
#elif defined(__GNUC__)
#define CYL_LU_INLINE static inline __attribute__((always_inline))
#else
#define CYL_LU_INLINE static inline
#endif
#endif

/* LU family kernels, written once per type code TC (see scalar.h).  All factorizations work
 * on a contiguous row-major copy (row stride ld, unit column stride): row interchanges then
 * move contiguous rows and every inner loop runs along a row. */

/* ---------------------------------------------------------------- building blocks -------- */

/* Unblocked right-looking LU with partial pivoting of the m x n block a (row stride lda).
 * ipiv[k] = row (relative to a) interchanged with row k.  Returns the 1-based index of the
 * first exactly-zero pivot, or 0; the factorization always completes (LAPACK getf2). */
CYL_INLINE ptrdiff_t FN(lu_getf2)(ptrdiff_t m, ptrdiff_t n, T *a, ptrdiff_t lda, ptrdiff_t *ipiv) {
    ptrdiff_t info = 0, kmax = CYL_MIN(m, n);
    for (ptrdiff_t k = 0; k < kmax; k++) {
        ptrdiff_t p = k;
        R best = OP(abs1)(a[k * lda + k]);
        for (ptrdiff_t i = k + 1; i < m; i++) {
            R s = OP(abs1)(a[i * lda + k]);
            if (s > best) { best = s; p = i; }
        }
        ipiv[k] = p;
        T *rk = a + k * lda;
        if (p != k) {
            T *rp = a + p * lda;
            for (ptrdiff_t j = 0; j < n; j++) { T t = rk[j]; rk[j] = rp[j]; rp[j] = t; }
        }
        T piv = rk[k];
        if (OP(is_zero)(piv)) {
            if (!info) info = k + 1;
            continue;
        }
        for (ptrdiff_t i = k + 1; i < m; i++) {
            T *ri = a + i * lda;
            T l = OP(div)(ri[k], piv); /* divide, not multiply by 1/piv: exact for small ints */
            ri[k] = l;
            for (ptrdiff_t j = k + 1; j < n; j++) ri[j] = OP(sub)(ri[j], OP(mul)(l, rk[j]));
        }
    }
    return info;
}

/* Row interchanges k1 <= k < k2 of ipiv applied to ncols columns of a. */
static void FN(lu_laswp)(ptrdiff_t ncols, T *a, ptrdiff_t lda, ptrdiff_t k1, ptrdiff_t k2,
                         const ptrdiff_t *ipiv) {
    for (ptrdiff_t k = k1; k < k2; k++) {
        ptrdiff_t p = ipiv[k];
        if (p == k) continue;
        T *rk = a + k * lda, *rp = a + p * lda;
        for (ptrdiff_t j = 0; j < ncols; j++) { T t = rk[j]; rk[j] = rp[j]; rp[j] = t; }
    }
}

#define CYL_LU_TRSM_BASE 32
#define CYL_LU_EXPLICIT_RCOND_N 12 /* up to this n, rcond from the explicit inverse */
#define CYL_LU_GETRF_BASE 16
#ifndef CYL_LU_UNBLOCKED_N
#define CYL_LU_UNBLOCKED_N 512 /* with a SIMD getf2: blocks up to this size are not recursed */
#endif
/* Complex rank-1 updates stream the block from L2 at each step (no rank-2 trick): beyond what
 * fits in L1 the recursion's GEMM is faster (n = 256 complex128: 1.1 ms against 1.6 ms). */
#define CYL_LU_UNBLOCKED_N_COMPLEX 32

/* B (m x n) = L^-1 B, L unit lower triangular m x m.  Recursive: the off-diagonal block goes
 * through GEMM. */
static int FN(lu_trsm_llu)(ptrdiff_t m, ptrdiff_t n, const T *l, ptrdiff_t ldl, T *b, ptrdiff_t ldb) {
    if (m <= CYL_LU_TRSM_BASE) {
        cyl_lu_trsm_fn simd = cyl_kernels()->lu_trsm[DTYPE];
        if (simd) { simd(m, n, l, ldl, b, ldb, 0); return CYL_OK; }
        for (ptrdiff_t i = 1; i < m; i++) {
            T *bi = b + i * ldb;
            for (ptrdiff_t p = 0; p < i; p++) {
                T lip = l[i * ldl + p];
                if (OP(is_zero)(lip)) continue;
                const T *bp = b + p * ldb;
                for (ptrdiff_t j = 0; j < n; j++) bi[j] = OP(sub)(bi[j], OP(mul)(lip, bp[j]));
            }
        }
        return CYL_OK;
    }
    ptrdiff_t m1 = m / 2;
    int st = FN(lu_trsm_llu)(m1, n, l, ldl, b, ldb);
    if (st) return st;
    st = FN(cyl_gemm)(0, 0, m - m1, n, m1, OP(neg)(OP(one)()), l + m1 * ldl, ldl, 1, b, ldb, 1,
                      OP(one)(), b + m1 * ldb, ldb, 1, 0);
    if (st) return st;
    return FN(lu_trsm_llu)(m - m1, n, l + m1 * ldl + m1, ldl, b + m1 * ldb, ldb);
}

/* B (m x n) = U^-1 B, U upper triangular m x m (non-unit). */
static int FN(lu_trsm_lun)(ptrdiff_t m, ptrdiff_t n, const T *u, ptrdiff_t ldu, T *b, ptrdiff_t ldb) {
    if (m <= CYL_LU_TRSM_BASE) {
        cyl_lu_trsm_fn simd = cyl_kernels()->lu_trsm[DTYPE];
        if (simd) { simd(m, n, u, ldu, b, ldb, 1); return CYL_OK; }
        for (ptrdiff_t i = m - 1; i >= 0; i--) {
            T *bi = b + i * ldb;
            for (ptrdiff_t p = i + 1; p < m; p++) {
                T uip = u[i * ldu + p];
                if (OP(is_zero)(uip)) continue;
                const T *bp = b + p * ldb;
                for (ptrdiff_t j = 0; j < n; j++) bi[j] = OP(sub)(bi[j], OP(mul)(uip, bp[j]));
            }
            T d = u[i * ldu + i];
            for (ptrdiff_t j = 0; j < n; j++) bi[j] = OP(div)(bi[j], d);
        }
        return CYL_OK;
    }
    ptrdiff_t m1 = m / 2;
    int st = FN(lu_trsm_lun)(m - m1, n, u + m1 * ldu + m1, ldu, b + m1 * ldb, ldb);
    if (st) return st;
    st = FN(cyl_gemm)(0, 0, m1, n, m - m1, OP(neg)(OP(one)()), u + m1, ldu, 1, b + m1 * ldb, ldb, 1,
                      OP(one)(), b, ldb, 1, 0);
    if (st) return st;
    return FN(lu_trsm_lun)(m1, n, u, ldu, b, ldb);
}

/* Recursive LU (LAPACK getrf2 / Toledo) of the m x n block a; the trailing update is one GEMM
 * per level.  Returns info (>= 0) or a negative status. */
static ptrdiff_t FN(lu_getrf)(ptrdiff_t m, ptrdiff_t n, T *a, ptrdiff_t lda, ptrdiff_t *ipiv) {
    ptrdiff_t mn = CYL_MIN(m, n);
    /* a SIMD getf2 (dispatch table) takes the base case, and whole blocks small enough that the
     * recursion's TRSM/GEMM calls cost more than they save */
    cyl_lu_getf2_fn simd_getf2 = cyl_kernels()->lu_getf2[DTYPE];
    /* not where a column of the block cannot stay in L1 because its rows map to few cache sets
     * (lu_factor's output with power-of-two rows; the other callers pad, see lu_ws_ld): the
     * SIMD getf2 walks columns more often than the plain one.  A 32 KiB 8-way L1 holds
     * 8 * 4096 / lowbit(row bytes) lines of one column. */
    ptrdiff_t row_bytes = lda * (ptrdiff_t)sizeof(T), lowbit = row_bytes & -row_bytes;
    int aliased = m > 8 * 4096 / CYL_MIN(lowbit, (ptrdiff_t)4096);
    const ptrdiff_t whole = IS_COMPLEX ? CYL_LU_UNBLOCKED_N_COMPLEX : CYL_LU_UNBLOCKED_N;
    if (simd_getf2 && !aliased && (mn <= CYL_LU_GETRF_BASE || (m <= whole && n <= whole)))
        return simd_getf2(m, n, a, lda, ipiv);
    if (mn <= CYL_LU_GETRF_BASE) return FN(lu_getf2)(m, n, a, lda, ipiv);
    ptrdiff_t n1 = mn / 2, n2 = n - n1;
    ptrdiff_t info = FN(lu_getrf)(m, n1, a, lda, ipiv);
    if (info < 0) return info;
    FN(lu_laswp)(n2, a + n1, lda, 0, n1, ipiv);
    int st = FN(lu_trsm_llu)(n1, n2, a, lda, a + n1, lda);
    if (st) return st;
    st = FN(cyl_gemm)(0, 0, m - n1, n2, n1, OP(neg)(OP(one)()), a + n1 * lda, lda, 1, a + n1, lda, 1,
                      OP(one)(), a + n1 * lda + n1, lda, 1, 0);
    if (st) return st;
    ptrdiff_t info2 = FN(lu_getrf)(m - n1, n2, a + n1 * lda + n1, lda, ipiv + n1);
    if (info2 < 0) return info2;
    if (!info && info2) info = info2 + n1;
    for (ptrdiff_t k = n1; k < mn; k++) ipiv[k] += n1;
    FN(lu_laswp)(n1, a, lda, n1, mn, ipiv);
    return info;
}

/* B (n x k) = A^-1 B from the factors of A. */
static int FN(lu_getrs)(ptrdiff_t n, ptrdiff_t k, const T *lu, ptrdiff_t ld, const ptrdiff_t *ipiv,
                        T *b, ptrdiff_t ldb) {
    FN(lu_laswp)(k, b, ldb, 0, n, ipiv);
    int st = FN(lu_trsm_llu)(n, k, lu, ld, b, ldb);
    if (st) return st;
    return FN(lu_trsm_lun)(n, k, lu, ld, b, ldb);
}

#define CYL_LU_GETRI_NB 64 /* column block of L^-1: its trailing rows only */

/* X = A^-1 from the factors, LAPACK getri's arithmetic: A^-1 = U^-1 L^-1 P, 2 n^3 flops with the
 * factorization (solving A X = I costs 8/3 n^3).  x holds the identity on entry (row stride
 * ldx).  Column block [j0, j1) of L^-1 is zero above row j0, so it only needs L's trailing
 * system; U^-1 then applies to all of it, and P becomes column swaps, done row by row. */
static int FN(lu_getri)(ptrdiff_t n, const T *lu, ptrdiff_t ld, const ptrdiff_t *ipiv, T *x, ptrdiff_t ldx) {
    for (ptrdiff_t j0 = 0; j0 < n; j0 += CYL_LU_GETRI_NB) {
        ptrdiff_t nb = CYL_MIN((ptrdiff_t)CYL_LU_GETRI_NB, n - j0);
        int st = FN(lu_trsm_llu)(n - j0, nb, lu + j0 * ld + j0, ld, x + j0 * ldx + j0, ldx);
        if (st) return st;
    }
    int st = FN(lu_trsm_lun)(n, n, lu, ld, x, ldx);
    if (st) return st;
    for (ptrdiff_t i = 0; i < n; i++) { /* X P: the interchanges as column swaps, last first */
        T *xi = x + i * ldx;
        for (ptrdiff_t k = n - 1; k >= 0; k--) {
            ptrdiff_t p = ipiv[k];
            if (p != k) { T t = xi[k]; xi[k] = xi[p]; xi[p] = t; }
        }
    }
    return CYL_OK;
}

/* sum a[p] * x[p] with four independent accumulators (breaks the add latency chain; the
 * order is fixed, so results do not depend on anything but the inputs). */
CYL_INLINE T FN(lu_dot)(ptrdiff_t len, const T *a, const T *x) {
    T s0 = OP(zero)(), s1 = OP(zero)(), s2 = OP(zero)(), s3 = OP(zero)();
    ptrdiff_t p = 0;
    for (; p + 4 <= len; p += 4) {
        s0 = OP(fma)(s0, a[p], x[p]);
        s1 = OP(fma)(s1, a[p + 1], x[p + 1]);
        s2 = OP(fma)(s2, a[p + 2], x[p + 2]);
        s3 = OP(fma)(s3, a[p + 3], x[p + 3]);
    }
    for (; p < len; p++) s0 = OP(fma)(s0, a[p], x[p]);
    return OP(add)(OP(add)(s0, s1), OP(add)(s2, s3));
}

/* x = A^-1 x for one contiguous vector (no GEMM: O(n^2) with row-wise dot products). */
static void FN(lu_solve_vec)(ptrdiff_t n, const T *lu, ptrdiff_t ld, const ptrdiff_t *ipiv, T *x) {
    cyl_lu_solve_vec_fn simd = cyl_kernels()->lu_solve_vec[DTYPE];
    if (simd) { simd(n, lu, ld, ipiv, x, 0); return; }
    for (ptrdiff_t k = 0; k < n; k++) {
        ptrdiff_t p = ipiv[k];
        if (p != k) { T t = x[k]; x[k] = x[p]; x[p] = t; }
    }
    for (ptrdiff_t i = 1; i < n; i++) {
        const T *li = lu + i * ld;
        x[i] = OP(sub)(x[i], FN(lu_dot)(i, li, x));
    }
    for (ptrdiff_t i = n - 1; i >= 0; i--) {
        const T *ui = lu + i * ld;
        x[i] = OP(div)(OP(sub)(x[i], FN(lu_dot)(n - 1 - i, ui + i + 1, x + i + 1)), ui[i]);
    }
}

/* x = A^-T x (conj = 0) or A^-H x (conj = 1): A^T = U^T L^T P^T, solved column-oriented so the
 * inner loops still run along rows of the row-major factors. */
static void FN(lu_solve_vec_trans)(ptrdiff_t n, const T *lu, ptrdiff_t ld, const ptrdiff_t *ipiv,
                                   T *x, int conj) {
    cyl_lu_solve_vec_fn simd = cyl_kernels()->lu_solve_vec[DTYPE];
    if (simd) { simd(n, lu, ld, ipiv, x, conj ? 2 : 1); return; }
    for (ptrdiff_t i = 0; i < n; i++) { /* U^T y = x: forward */
        const T *ui = lu + i * ld;
        T d = conj ? OP(conj)(ui[i]) : ui[i];
        T yi = OP(div)(x[i], d);
        x[i] = yi;
        for (ptrdiff_t j = i + 1; j < n; j++)
            x[j] = OP(sub)(x[j], OP(mul)(conj ? OP(conj)(ui[j]) : ui[j], yi));
    }
    for (ptrdiff_t i = n - 1; i > 0; i--) { /* L^T z = y: backward, unit diagonal */
        const T *li = lu + i * ld;
        T zi = x[i];
        for (ptrdiff_t j = 0; j < i; j++)
            x[j] = OP(sub)(x[j], OP(mul)(conj ? OP(conj)(li[j]) : li[j], zi));
    }
    for (ptrdiff_t k = n - 1; k >= 0; k--) { /* x = P z */
        ptrdiff_t p = ipiv[k];
        if (p != k) { T t = x[k]; x[k] = x[p]; x[p] = t; }
    }
}

/* 1-norm (max column sum) of a strided n x n matrix; complex entries count |re| + |im|
 * (within sqrt(2) of |z|; enough for a condition estimate). */
CYL_LU_INLINE R FN(lu_norm1)(ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs) {
    R best = 0;
    /* Row-major input: sum the columns row by row, so the matrix is read along its rows (a
     * column walk of a C-order 1024 x 1024 matrix costs as much as the triangular solves). */
    R *sums = (n > 16 && (cs < 0 ? -cs : cs) < (rs < 0 ? -rs : rs))
                  ? (R *)cyl_aligned_alloc((size_t)n, sizeof(R)) : NULL;
    if (sums != NULL) {
        for (ptrdiff_t j = 0; j < n; j++) sums[j] = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            const T *ai = a + i * rs;
            for (ptrdiff_t j = 0; j < n; j++) sums[j] += OP(abs1)(ai[j * cs]);
        }
        for (ptrdiff_t j = 0; j < n; j++)
            if (!(sums[j] <= best)) best = sums[j]; /* NaN wins */
        cyl_aligned_free(sums);
        return best;
    }
    for (ptrdiff_t j = 0; j < n; j++) {
        R s = 0;
        for (ptrdiff_t i = 0; i < n; i++) s += OP(abs1)(a[i * rs + j * cs]);
        if (!(s <= best)) best = s; /* NaN wins */
    }
    return best;
}

/* Reciprocal condition number in the 1-norm from the factors: Hager's estimator with Higham's
 * refinements (LAPACK gecon/lacn2), O(n^2) per step, at most 5 steps + the alternative
 * estimate.  work holds 2n elements. */
static R FN(lu_rcond)(ptrdiff_t n, const T *lu, ptrdiff_t ld, const ptrdiff_t *ipiv, R anorm, T *work) {
    if (n == 0) return (R)1;
    if (!isfinite(anorm)) return (R)NAN; /* inf/NaN input: no estimate */
    if (anorm == 0) return (R)0;
    if (n == 1) return (R)1;
    T *x = work, *w = work + n;
    R est = 0;
    ptrdiff_t jlast = -1;
    for (ptrdiff_t i = 0; i < n; i++) x[i] = OP(from_real)((R)1 / (R)n);
    for (int iter = 0; iter < 5; iter++) {
        FN(lu_solve_vec)(n, lu, ld, ipiv, x);
        R nrm = 0;
        for (ptrdiff_t i = 0; i < n; i++) nrm += OP(abs1)(x[i]);
        if (nrm != nrm) return nrm; /* NaN input: no estimate */
        if (iter > 0 && nrm <= est) break;
        est = nrm;
        for (ptrdiff_t i = 0; i < n; i++) { /* w = sign(x) */
#if IS_COMPLEX
            R sq = x[i].re * x[i].re + x[i].im * x[i].im; /* hypot only where this over/underflows */
            R ax = (sq > (R)1e-30 && sq < (R)1e30) ? (R)sqrt(sq) : OP(abs)(x[i]);
#else
            R ax = OP(abs)(x[i]);
#endif
            w[i] = ax == 0 ? OP(one)() : OP(scale)(x[i], (R)1 / ax);
        }
        FN(lu_solve_vec_trans)(n, lu, ld, ipiv, w, 1);
        ptrdiff_t j = 0;
        R big = -1;
        for (ptrdiff_t i = 0; i < n; i++) {
            R s = OP(abs1)(w[i]);
            if (s > big) { big = s; j = i; }
        }
        if (j == jlast) break;
        jlast = j;
        for (ptrdiff_t i = 0; i < n; i++) x[i] = OP(zero)();
        x[j] = OP(one)();
    }
    /* Higham's alternative estimate guards against the estimator's known bad cases */
    for (ptrdiff_t i = 0; i < n; i++) {
        R v = (R)1 + (R)i / (R)(n - 1);
        x[i] = OP(from_real)((i & 1) ? -v : v);
    }
    FN(lu_solve_vec)(n, lu, ld, ipiv, x);
    R alt = 0;
    for (ptrdiff_t i = 0; i < n; i++) alt += OP(abs1)(x[i]);
    alt = 2 * alt / (3 * (R)n);
    if (alt > est) est = alt;
    if (est == 0) return (R)0;
    R r = ((R)1 / est) / anorm;
    return r;
}

/* The bound below brackets |z| cheaply: |re| + |im| (abs1) above, (|re| + |im|) / sqrt 2 below
 * (hypot per entry would cost as much as the estimator it saves). */
CYL_INLINE R FN(lu_mag_below)(T z) {
#if IS_COMPLEX
    return OP(abs1)(z) * (R)0.7071067;
#else
    return OP(abs1)(z);
#endif
}

#define CYL_LU_BOUND_MAXN 128 /* beyond, the bound below is astronomically loose */
/* An upper bound on ||A^-1||_1 from the factors in O(n^2) (two passes, no division chain
 * through the data): |A^-1| <= M(U)^-1 M(L)^-1 entrywise, M = comparison matrix (|diagonal|,
 * minus |off-diagonal|), so ||A^-1||_1 <= max(M(L)^-T M(U)^-T e).  It proves rcond >= 16 eps
 * for most matrices of moderate size far cheaper than the estimator, and as it never falls
 * below the true norm a matrix it clears is one the estimator clears too.  work holds 2n.
 * Returns NaN when the factors hold NaN. */
static R FN(lu_inv_norm_bound)(ptrdiff_t n, const T *lu, ptrdiff_t ld, T *work) {
    R *acc = (R *)work;
    for (ptrdiff_t i = 0; i < n; i++) acc[i] = 1;
    for (ptrdiff_t i = 0; i < n; i++) { /* y = M(U)^-T e, row-oriented: acc_j += |u_ij| y_i */
        const T *ui = lu + i * ld;
        R yi = acc[i] / FN(lu_mag_below)(ui[i]);
        acc[i] = yi;
        for (ptrdiff_t j = i + 1; j < n; j++) acc[j] += OP(abs1)(ui[j]) * yi;
    }
    R best = 0;
    for (ptrdiff_t k = n - 1; k >= 0; k--) { /* z = M(L)^-T y, backward, unit diagonal */
        const T *lk = lu + k * ld;
        R zk = acc[k];
        if (!(zk <= best)) best = zk; /* NaN wins */
        for (ptrdiff_t j = 0; j < k; j++) acc[j] += OP(abs1)(lk[j]) * zk;
    }
    return best;
}

/* rcond >= 16 eps proven by the bound (then its value, else -1: estimate it). */
CYL_INLINE R FN(lu_rcond_by_bound)(ptrdiff_t n, const T *lu, ptrdiff_t ld, R anorm, T *work) {
    const R eps = sizeof(R) == sizeof(float) ? (R)FLT_EPSILON : (R)DBL_EPSILON;
    if (n > CYL_LU_BOUND_MAXN || !isfinite(anorm) || anorm == 0) return -1;
    R bound = FN(lu_inv_norm_bound)(n, lu, ld, work);
    if (!(anorm * bound <= (R)1 / (16 * eps))) return -1;
    return ((R)1 / anorm) / bound;
}

/* Copy a strided n x m matrix into a contiguous row-major block (row stride ld). */
CYL_LU_INLINE void FN(lu_copy_in)(ptrdiff_t m, ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs,
                               T *w, ptrdiff_t ld) {
    if (cs == 1) {
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) w[i * ld + j] = a[i * rs + j];
    } else {
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) w[i * ld + j] = a[i * rs + j * cs];
    }
}

CYL_LU_INLINE void FN(lu_fill_nan)(ptrdiff_t count, T *x) {
    R *r = (R *)x; /* T is R or {R re, im} */
    ptrdiff_t nr = count * (ptrdiff_t)(sizeof(T) / sizeof(R));
    for (ptrdiff_t i = 0; i < nr; i++) r[i] = (R)NAN;
}

/* Row stride of an n x n workspace: rows a multiple of 512 bytes apart map a column walk
 * (pivot search, multipliers) onto a handful of L1 sets and thrash it (n = 256: 1.5x slower
 * than n = 384); one cache line of padding spreads them. */
CYL_INLINE ptrdiff_t FN(lu_ws_ld)(ptrdiff_t n) {
    return (n >= 64 && (n * (ptrdiff_t)sizeof(T)) % 512 == 0) ? n + 64 / (ptrdiff_t)sizeof(T) : n;
}

#define CYL_LU_BAREISS_MAXN 12
#if !IS_COMPLEX
/* Exact det of a real matrix with small integer entries (4 <= n <= 12): Bareiss' fraction-free
 * elimination in double.  Every intermediate is a minor of A, bounded by the Hadamard bound H,
 * and every product by H^2; when H^2 < 2^53 all the arithmetic is exact (the divisions are
 * exact by Bareiss' theorem).  Returns 0 (not applicable) or 1 with *out set. */
static int FN(lu_det_integer)(ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs, double *out) {
    double m[CYL_LU_BAREISS_MAXN * CYL_LU_BAREISS_MAXN];
    const double lim = 67108864.0; /* 2^26 */
    double h2 = 1;
    for (ptrdiff_t i = 0; i < n; i++) {
        double row = 0;
        for (ptrdiff_t j = 0; j < n; j++) {
            double v = (double)a[i * rs + j * cs];
            if (!(v >= -lim && v <= lim) || (double)(int64_t)v != v) return 0;
            m[i * n + j] = v;
            row += v * v;
        }
        h2 *= row;
    }
    if (h2 == 0) { *out = 0; return 1; } /* a zero row */
    if (!(h2 < 9007199254740992.0)) return 0; /* 2^53 */
    double prev = 1;
    int neg = 0;
    for (ptrdiff_t k = 0; k + 1 < n; k++) {
        if (m[k * n + k] == 0) {
            ptrdiff_t p = k + 1;
            while (p < n && m[p * n + k] == 0) p++;
            if (p == n) { *out = 0; return 1; }
            for (ptrdiff_t j = 0; j < n; j++) { double t = m[k * n + j]; m[k * n + j] = m[p * n + j]; m[p * n + j] = t; }
            neg ^= 1;
        }
        double piv = m[k * n + k];
        for (ptrdiff_t i = k + 1; i < n; i++) {
            double mik = m[i * n + k];
            for (ptrdiff_t j = k + 1; j < n; j++)
                m[i * n + j] = (m[i * n + j] * piv - mik * m[k * n + j]) / prev;
        }
        prev = piv;
    }
    double d = m[n * n - 1];
    *out = neg ? -d : d;
    return 1;
}
#endif

/* ---------------------------------------------------------------- closed forms, n <= 3 --- */
#define AT(i, j) a[(i) * rs + (j) * cs]

CYL_LU_INLINE T FN(lu_det_tiny)(ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs) {
    if (n == 1) return AT(0, 0);
    if (n == 2) return OP(sub)(OP(mul)(AT(0, 0), AT(1, 1)), OP(mul)(AT(0, 1), AT(1, 0)));
    T c0 = OP(sub)(OP(mul)(AT(1, 1), AT(2, 2)), OP(mul)(AT(1, 2), AT(2, 1)));
    T c1 = OP(sub)(OP(mul)(AT(1, 2), AT(2, 0)), OP(mul)(AT(1, 0), AT(2, 2)));
    T c2 = OP(sub)(OP(mul)(AT(1, 0), AT(2, 1)), OP(mul)(AT(1, 1), AT(2, 0)));
    return OP(add)(OP(add)(OP(mul)(AT(0, 0), c0), OP(mul)(AT(0, 1), c1)), OP(mul)(AT(0, 2), c2));
}

/* adj (row-major n x n) = adjugate of a, n <= 3; returns det(a) by the first-row expansion. */
CYL_LU_INLINE T FN(lu_adj_tiny)(ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs, T *adj) {
    if (n == 1) { adj[0] = OP(one)(); return AT(0, 0); }
    if (n == 2) {
        adj[0] = AT(1, 1); adj[1] = OP(neg)(AT(0, 1));
        adj[2] = OP(neg)(AT(1, 0)); adj[3] = AT(0, 0);
        return OP(sub)(OP(mul)(AT(0, 0), AT(1, 1)), OP(mul)(AT(0, 1), AT(1, 0)));
    }
#define COF(r0, r1, c0, c1) OP(sub)(OP(mul)(AT(r0, c0), AT(r1, c1)), OP(mul)(AT(r0, c1), AT(r1, c0)))
    adj[0] = COF(1, 2, 1, 2); adj[1] = COF(2, 0, 1, 2); adj[2] = COF(0, 1, 1, 2);
    adj[3] = COF(2, 1, 0, 2); adj[4] = COF(0, 2, 0, 2); adj[5] = COF(1, 0, 0, 2);
    adj[6] = COF(1, 2, 0, 1); adj[7] = COF(2, 0, 0, 1); adj[8] = COF(0, 1, 0, 1);
#undef COF
    return OP(add)(OP(add)(OP(mul)(AT(0, 0), adj[0]), OP(mul)(AT(0, 1), adj[3])), OP(mul)(AT(0, 2), adj[6]));
}
#undef AT

/* rcond = 1 / (||A||_1 ||A^-1||_1) exactly, from an explicit inverse (row-major n x n). */
CYL_LU_INLINE R FN(lu_rcond_explicit)(ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs, const T *inv) {
    R an = FN(lu_norm1)(n, a, rs, cs), in = FN(lu_norm1)(n, inv, n, 1);
    if (!isfinite(an) || !isfinite(in)) return (R)NAN; /* inf/NaN input: no estimate */
    if (an == 0 || in == 0) return (R)0;
    return ((R)1 / an) / in;
}

/* ---------------------------------------------------------------- n = 4 ---------------- */

/* Swap *x and *y when c (0/1) without a branch: pivoting random data would mispredict half of
 * the time, which costs more than the whole 4x4 elimination.  Works on the bytes as 32-bit
 * words (every T is a multiple of 4 bytes). */
CYL_LU_INLINE void FN(lu_cswap)(T *x, T *y, int c) {
    enum { W = sizeof(T) / sizeof(uint32_t) };
    uint32_t xw[W], yw[W], mask = (uint32_t)0 - (uint32_t)c;
    memcpy(xw, x, sizeof(T));
    memcpy(yw, y, sizeof(T));
    for (int w = 0; w < W; w++) {
        uint32_t d = (xw[w] ^ yw[w]) & mask;
        xw[w] ^= d;
        yw[w] ^= d;
    }
    memcpy(x, xw, sizeof(T));
    memcpy(y, yw, sizeof(T));
}

/* Gaussian elimination with partial pivoting on the augmented 4 x ncol block m (ncol: 4 for
 * det, 8 = [A | I] for inv, 9 = [A | I | b] for solve), fully unrolled once inlined with a
 * constant ncol.  Pivoting by branch-free compare-and-swap down the column leaves the largest
 * |a_ik| (first on ties) in row k, as argmax would; the other rows' order differs from
 * LAPACK's, which changes nothing but the permutation.  *odd = parity of the row swaps. */
CYL_LU_INLINE int FN(lu4_eliminate)(T m[4][9], int ncol, int *odd) {
    int info = 0, parity = 0;
    for (int k = 0; k < 4; k++) {
        for (int i = k + 1; i < 4; i++) {
            int c = OP(abs1)(m[i][k]) > OP(abs1)(m[k][k]);
            parity ^= c;
            for (int j = k; j < ncol; j++) FN(lu_cswap)(&m[k][j], &m[i][j], c);
        }
        T piv = m[k][k];
        if (OP(is_zero)(piv)) {
            if (!info) info = k + 1;
            continue;
        }
        T rpiv = OP(div)(OP(one)(), piv); /* one division per column (LAPACK getf2 does too) */
        for (int i = k + 1; i < 4; i++) {
            T l = OP(mul)(m[i][k], rpiv);
            for (int j = k + 1; j < ncol; j++) m[i][j] = OP(sub)(m[i][j], OP(mul)(l, m[k][j]));
        }
    }
    *odd = parity;
    return info;
}

CYL_LU_INLINE void FN(lu4_load)(const T *a, ptrdiff_t rs, ptrdiff_t cs, T m[4][9]) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) m[i][j] = a[i * rs + j * cs];
}

/* Back substitution of the columns 4..ncol-1 of an eliminated block: x (4 x (ncol-4), row
 * major, row stride ldx) = U^-1 m[:, 4:]. */
CYL_LU_INLINE void FN(lu4_back)(T m[4][9], int ncol, T *x, ptrdiff_t ldx) {
    /* one reciprocal per diagonal entry instead of a division per element */
    T r0 = OP(div)(OP(one)(), m[0][0]), r1 = OP(div)(OP(one)(), m[1][1]);
    T r2 = OP(div)(OP(one)(), m[2][2]), r3 = OP(div)(OP(one)(), m[3][3]);
    for (int j = 4; j < ncol; j++) {
        T x3 = OP(mul)(m[3][j], r3);
        T x2 = OP(mul)(OP(sub)(m[2][j], OP(mul)(m[2][3], x3)), r2);
        T x1 = OP(mul)(OP(sub)(OP(sub)(m[1][j], OP(mul)(m[1][2], x2)), OP(mul)(m[1][3], x3)), r1);
        T x0 = OP(mul)(OP(sub)(OP(sub)(OP(sub)(m[0][j], OP(mul)(m[0][1], x1)), OP(mul)(m[0][2], x2)),
                               OP(mul)(m[0][3], x3)), r0);
        x[0 * ldx + j - 4] = x0; x[1 * ldx + j - 4] = x1;
        x[2 * ldx + j - 4] = x2; x[3 * ldx + j - 4] = x3;
    }
}

CYL_LU_INLINE void FN(lu4_set_identity)(T m[4][9]) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) m[i][4 + j] = i == j ? OP(one)() : OP(zero)();
}

/* The same elimination on CYL_LU_LANES matrices at once, lane index innermost: independent
 * matrices fill the pipeline (and SIMD lanes for real types) instead of one latency chain.
 * Same arithmetic per matrix as lu4_eliminate, so results do not depend on the lane. */
#ifndef CYL_LU_LANES
#define CYL_LU_LANES 8
#endif
CYL_LU_INLINE void FN(lu4_eliminate_lanes)(T m[4][9][CYL_LU_LANES], int ncol, int *parity, int *info) {
    for (int l = 0; l < CYL_LU_LANES; l++) { parity[l] = 0; info[l] = 0; }
    for (int k = 0; k < 4; k++) {
        for (int i = k + 1; i < 4; i++) {
            int c[CYL_LU_LANES];
            for (int l = 0; l < CYL_LU_LANES; l++) {
                c[l] = OP(abs1)(m[i][k][l]) > OP(abs1)(m[k][k][l]);
                parity[l] ^= c[l];
            }
            for (int j = k; j < ncol; j++)
                for (int l = 0; l < CYL_LU_LANES; l++) FN(lu_cswap)(&m[k][j][l], &m[i][j][l], c[l]);
        }
        T rpiv[CYL_LU_LANES];
        for (int l = 0; l < CYL_LU_LANES; l++) {
            int zero = OP(is_zero)(m[k][k][l]);
            if (zero && !info[l]) info[l] = k + 1;
            /* a zero pivot skips the elimination, as in lu4_eliminate */
            rpiv[l] = zero ? OP(zero)() : OP(div)(OP(one)(), m[k][k][l]);
        }
        for (int i = k + 1; i < 4; i++) {
            T lm[CYL_LU_LANES];
            for (int l = 0; l < CYL_LU_LANES; l++) lm[l] = OP(mul)(m[i][k][l], rpiv[l]);
            for (int j = k + 1; j < ncol; j++)
                for (int l = 0; l < CYL_LU_LANES; l++)
                    m[i][j][l] = OP(sub)(m[i][j][l], OP(mul)(lm[l], m[k][j][l]));
        }
    }
}

/* Back substitution of columns 4..ncol-1 in place, lane-wise, with lu4_back's arithmetic. */
CYL_LU_INLINE void FN(lu4_back_lanes)(T m[4][9][CYL_LU_LANES], int ncol) {
    T r[4][CYL_LU_LANES];
    for (int i = 0; i < 4; i++)
        for (int l = 0; l < CYL_LU_LANES; l++) r[i][l] = OP(div)(OP(one)(), m[i][i][l]);
    for (int j = 4; j < ncol; j++)
        for (int l = 0; l < CYL_LU_LANES; l++) {
            T x3 = OP(mul)(m[3][j][l], r[3][l]);
            T x2 = OP(mul)(OP(sub)(m[2][j][l], OP(mul)(m[2][3][l], x3)), r[2][l]);
            T x1 = OP(mul)(OP(sub)(OP(sub)(m[1][j][l], OP(mul)(m[1][2][l], x2)), OP(mul)(m[1][3][l], x3)), r[1][l]);
            T x0 = OP(mul)(OP(sub)(OP(sub)(OP(sub)(m[0][j][l], OP(mul)(m[0][1][l], x1)), OP(mul)(m[0][2][l], x2)),
                                   OP(mul)(m[0][3][l], x3)), r[0][l]);
            m[0][j][l] = x0; m[1][j][l] = x1; m[2][j][l] = x2; m[3][j][l] = x3;
        }
}

/* Lanes of 4x4 inverses (ncol 8) or 4x4 solves with one right-hand side (ncol 9, [A | I | b]):
 * loads L matrices from the iterator, writes x, info, rcond for t .. t+L-1. */
CYL_LU_INLINE void FN(lu4_lanes_run)(int ncol, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                                     const char *b, ptrdiff_t rsb, cyl_batch *local, ptrdiff_t t,
                                     T *xout, int *info, R *rcond) {
    T m[4][9][CYL_LU_LANES];
    const T *am[CYL_LU_LANES];
    int parity[CYL_LU_LANES], inf[CYL_LU_LANES];
    for (int l = 0; l < CYL_LU_LANES; l++, cyl_batch_next(local)) {
        am[l] = (const T *)(a + local->offset[0]);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) m[i][j][l] = am[l][i * rsa + j * csa];
            for (int j = 0; j < 4; j++) m[i][4 + j][l] = i == j ? OP(one)() : OP(zero)();
        }
        if (ncol == 9) {
            const T *bm = (const T *)(b + local->offset[1]);
            for (int i = 0; i < 4; i++) m[i][8][l] = bm[i * rsb];
        }
    }
    FN(lu4_eliminate_lanes)(m, ncol, parity, inf);
    FN(lu4_back_lanes)(m, ncol);
    for (int l = 0; l < CYL_LU_LANES; l++) {
        ptrdiff_t tl = t + l;
        T inv4[16];
        T *x = ncol == 8 ? xout + tl * 16 : xout + tl * 4;
        info[tl] = inf[l];
        if (inf[l]) {
            if (rcond) rcond[tl] = 0;
            FN(lu_fill_nan)(ncol == 8 ? 16 : 4, x);
            continue;
        }
        T *iv = ncol == 8 ? x : inv4;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) iv[i * 4 + j] = m[i][4 + j][l];
        if (ncol == 9)
            for (int i = 0; i < 4; i++) x[i] = m[i][8][l];
        if (rcond) rcond[tl] = FN(lu_rcond_explicit)(4, am[l], rsa, csa, iv);
    }
}

/* ---------------------------------------------------------------- batch plumbing --------- */

/* Run body(t0, t1) over the batch, split across threads when the batch is large enough to pay
 * for it (independent matrices: results do not depend on the thread count). */
CYL_INLINE int FN(lu_wants_threads)(ptrdiff_t count, ptrdiff_t n) {
    double work = (double)count * (double)(n + 1) * (double)(n + 1) * (double)(n + 1);
    /* threads only pay for themselves on a few ms of work (wake-up costs, shared cores) */
    return count >= 2 && work >= 3e7;
}

#ifdef CYL_HAVE_OPENMP
#define CYL_LU_PARALLEL_RANGE(count, n, range_call)                                              \
    do {                                                                                         \
        int want_ = FN(lu_wants_threads)(count, n);                                              \
        int g_ = want_ ? cyl_threads_acquire(0) : 1;                                             \
        if (g_ > (count)) g_ = (int)(count);                                                     \
        if (g_ <= 1) {                                                                           \
            ptrdiff_t t0 = 0, t1 = (count);                                                      \
            status = range_call;                                                                 \
        } else {                                                                                 \
            _Pragma("omp parallel num_threads(g_)")                                              \
            {                                                                                    \
                int nt_ = omp_get_num_threads(), id_ = omp_get_thread_num();                     \
                ptrdiff_t t0 = (count) * id_ / nt_, t1 = (count) * (id_ + 1) / nt_;              \
                int st_ = t1 > t0 ? range_call : CYL_OK;                                         \
                if (st_) {                                                                       \
                    _Pragma("omp critical(cyl_lu_status)") status = st_;                         \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
        if (want_) cyl_threads_release(g_);                                                      \
    } while (0)
#else
#define CYL_LU_PARALLEL_RANGE(count, n, range_call)                                              \
    do {                                                                                         \
        ptrdiff_t t0 = 0, t1 = (count);                                                          \
        status = range_call;                                                                     \
    } while (0)
#endif

/* ---------------------------------------------------------------- lane-parallel stacks --- */
#if !IS_COMPLEX
/* One batched call for the dispatch table's lane kernel (cyl_lu_lanes_kernel, n = 4..8). */
typedef struct {
    int op; /* CYL_LU_LANES_* */
    ptrdiff_t n;
    const char *a, *b; /* b: solve's right-hand sides (one column), else NULL */
    ptrdiff_t rsa, csa, rsb;
    const cyl_batch *it;
    T *out0;   /* det, sign, inverses or solutions */
    R *out1;   /* logabsdet or rcond (NULL: not wanted) */
    int *info; /* inv and solve */
} FN(lu_lanes_job);

static int FN(lu_lanes_range)(const FN(lu_lanes_job) *job, ptrdiff_t t0, ptrdiff_t t1);

/* Whether the active kernel table has a lane kernel for this dtype, n and op (n = 4..8; solve
 * also n = 3). */
CYL_INLINE int FN(lu_lanes_available)(ptrdiff_t n, int op) {
    int sized = (n >= 4 && n <= CYL_LU_LANES_MAX_N) || (n == 3 && op == CYL_LU_LANES_SOLVE);
    return sized && cyl_kernels()->lu_lanes[DTYPE].run != NULL;
}
#endif

/* ---------------------------------------------------------------- det / slogdet ---------- */

/* Position a copy of the iterator at matrix t0 (for a thread's sub-range). */
CYL_INLINE void FN(lu_iter_at)(const cyl_batch *it, ptrdiff_t t0, cyl_batch *local) {
    *local = *it;
    ptrdiff_t t = t0;
    for (int d = local->ndim - 1; d >= 0; d--) { local->index[d] = t % local->shape[d]; t /= local->shape[d]; }
    cyl_batch_seek(it, t0, local->offset);
}

CYL_LU_INLINE int FN(det_range_n)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                         T *det, T *sign, R *logabs, ptrdiff_t t0, ptrdiff_t t1) {
    cyl_batch local;
    FN(lu_iter_at)(it, t0, &local);
    T *w = NULL;
    ptrdiff_t *ipiv = NULL;
    ptrdiff_t wbuf_piv[8];
    T wbuf[16];
    int tiny = n <= 3;
    ptrdiff_t ldw = n <= 4 ? n : FN(lu_ws_ld)(n);
    if (n <= 4) { w = wbuf; ipiv = wbuf_piv; }
    else {
        w = (T *)cyl_aligned_alloc((size_t)n * (size_t)ldw, sizeof(T));
        ipiv = (ptrdiff_t *)cyl_aligned_alloc((size_t)n, sizeof(ptrdiff_t));
        if (!w || !ipiv) { cyl_aligned_free(w); cyl_aligned_free(ipiv); return CYL_ERR_NOMEM; }
    }

    int status = CYL_OK;
    ptrdiff_t t = t0;
    if (n == 4 && det) {
        for (; t + CYL_LU_LANES <= t1; t += CYL_LU_LANES) {
            T m[4][9][CYL_LU_LANES];
            int parity[CYL_LU_LANES], inf[CYL_LU_LANES];
            const T *lane_ptr[CYL_LU_LANES];
            for (int l = 0; l < CYL_LU_LANES; l++, cyl_batch_next(&local)) {
                const T *am = (const T *)(a + local.offset[0]);
                lane_ptr[l] = am;
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) m[i][j][l] = am[i * rsa + j * csa];
            }
            (void)lane_ptr;
            FN(lu4_eliminate_lanes)(m, 4, parity, inf);
            for (int l = 0; l < CYL_LU_LANES; l++) {
                T p = OP(mul)(OP(mul)(OP(mul)(m[0][0][l], m[1][1][l]), m[2][2][l]), m[3][3][l]); /* scalar order */
                det[t + l] = inf[l] ? OP(zero)() : parity[l] ? OP(neg)(p) : p;
            }
#if !IS_COMPLEX
            /* integer matrices: exact value (the check fails at the first non-integer entry) */
            for (int l = 0; l < CYL_LU_LANES; l++) {
                double exact;
                if (FN(lu_det_integer)(4, lane_ptr[l], rsa, csa, &exact)) det[t + l] = (T)exact;
            }
#endif
        }
    }
    for (; t < t1; t++, cyl_batch_next(&local)) {
        const T *am = (const T *)(a + local.offset[0]);
        if (tiny) {
            T d = FN(lu_det_tiny)(n, am, rsa, csa);
            if (det) { det[t] = d; continue; }
            R ad = OP(abs)(d);
            /* the closed form serves slogdet unless it under/overflowed (then LU's log-sum) */
            if (isnormal(ad)) {
                sign[t] = OP(scale)(d, (R)1 / ad);
#if !IS_COMPLEX
                sign[t] = d > 0 ? (R)1 : (R)-1;
#endif
                logabs[t] = (R)log((double)ad);
                continue;
            }
        }
#if !IS_COMPLEX
        if (n >= 4 && n <= CYL_LU_BAREISS_MAXN) {
            double exact;
            if (FN(lu_det_integer)(n, am, rsa, csa, &exact)) {
                if (det) det[t] = (T)exact;
                else {
                    sign[t] = exact > 0 ? (T)1 : exact < 0 ? (T)-1 : (T)0;
                    logabs[t] = exact == 0 ? -(R)INFINITY : (R)log(fabs(exact));
                }
                continue;
            }
        }
#endif
        ptrdiff_t info;
        int odd = 0;
        if (n == 4) {
            T m4[4][9];
            FN(lu4_load)(am, rsa, csa, m4);
            info = FN(lu4_eliminate)(m4, 4, &odd);
            for (int k = 0; k < 4; k++) w[k * 4 + k] = m4[k][k];
        } else {
            FN(lu_copy_in)(n, n, am, rsa, csa, w, ldw);
            info = FN(lu_getrf)(n, n, w, ldw, ipiv);
            if (info < 0) { status = (int)info; break; }
            for (ptrdiff_t k = 0; k < n; k++) odd ^= ipiv[k] != k;
        }
        if (det) {
            if (info) { det[t] = OP(zero)(); continue; }
            T p = w[0];
            for (ptrdiff_t k = 1; k < n; k++) p = OP(mul)(p, w[k * ldw + k]);
            det[t] = odd ? OP(neg)(p) : p;
        } else {
            if (info) { sign[t] = OP(zero)(); logabs[t] = -(R)INFINITY; continue; }
            T s = OP(from_real)(odd ? (R)-1 : (R)1);
            double la = 0; /* accumulate in double even for float32 */
            for (ptrdiff_t k = 0; k < n; k++) {
                T u = w[k * ldw + k];
                R au = OP(abs)(u);
#if IS_COMPLEX
                s = OP(mul)(s, OP(scale)(u, (R)1 / au));
#else
                s = u < 0 ? -s : (u > 0 ? s : u); /* exactly +-1; NaN stays NaN */
#endif
                la += log((double)au);
            }
            sign[t] = s;
            logabs[t] = (R)la;
        }
    }
    if (w != wbuf) { cyl_aligned_free(w); cyl_aligned_free(ipiv); }
    return status;
}

/* det_range specialised for the constant sizes 1..4 (unrolled) and the general size. */
static int FN(det_range)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                         T *det, T *sign, R *logabs, ptrdiff_t t0, ptrdiff_t t1) {
    switch (n) {
    case 1: return FN(det_range_n)(1, a, rsa, csa, it, det, sign, logabs, t0, t1);
    case 2: return FN(det_range_n)(2, a, rsa, csa, it, det, sign, logabs, t0, t1);
    case 3: return FN(det_range_n)(3, a, rsa, csa, it, det, sign, logabs, t0, t1);
    case 4: return FN(det_range_n)(4, a, rsa, csa, it, det, sign, logabs, t0, t1);
    default: return FN(det_range_n)(n, a, rsa, csa, it, det, sign, logabs, t0, t1);
    }
}

int CYL_CAT2(cyl_det_, TC)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                           T *det) {
    int status = CYL_OK;
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    if (n == 0) {
        for (ptrdiff_t t = 0; t < count; t++) det[t] = OP(one)();
        return CYL_OK;
    }
#if !IS_COMPLEX
    if (FN(lu_lanes_available)(n, CYL_LU_LANES_DET)) {
        FN(lu_lanes_job) job = {CYL_LU_LANES_DET, n, a, NULL, rsa, csa, 0, it, det, NULL, NULL};
        CYL_LU_PARALLEL_RANGE(count, n, FN(lu_lanes_range)(&job, t0, t1));
        return status;
    }
#endif
    CYL_LU_PARALLEL_RANGE(count, n, FN(det_range)(n, a, rsa, csa, it, det, NULL, NULL, t0, t1));
    return status;
}

int CYL_CAT2(cyl_slogdet_, TC)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                               const cyl_batch *it, T *sign, R *logabs) {
    int status = CYL_OK;
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    if (n == 0) {
        for (ptrdiff_t t = 0; t < count; t++) { sign[t] = OP(one)(); logabs[t] = 0; }
        return CYL_OK;
    }
#if !IS_COMPLEX
    if (FN(lu_lanes_available)(n, CYL_LU_LANES_SLOGDET)) {
        FN(lu_lanes_job) job = {CYL_LU_LANES_SLOGDET, n, a, NULL, rsa, csa, 0, it, sign, logabs, NULL};
        CYL_LU_PARALLEL_RANGE(count, n, FN(lu_lanes_range)(&job, t0, t1));
        return status;
    }
#endif
    CYL_LU_PARALLEL_RANGE(count, n, FN(det_range)(n, a, rsa, csa, it, NULL, sign, logabs, t0, t1));
    return status;
}

/* ---------------------------------------------------------------- inv / solve ------------ */


/* One workspace per thread: the n x n LU copy (row stride ld), its pivots and 2n for the
 * estimator. */
typedef struct {
    T *w, *work;
    ptrdiff_t *ipiv, ld;
    void *block;
} FN(lu_ws);

static int FN(lu_ws_alloc)(ptrdiff_t n, FN(lu_ws) *ws) {
    size_t nn, total;
    ws->ld = FN(lu_ws_ld)(n);
    if (cyl_mul_overflows((size_t)n, (size_t)ws->ld, &nn) || nn > SIZE_MAX / 4) return CYL_ERR_NOMEM;
    size_t piv_bytes = ((size_t)n * sizeof(ptrdiff_t) + 63) & ~(size_t)63;
    total = piv_bytes + (nn + 2 * (size_t)n) * sizeof(T);
    ws->block = cyl_aligned_alloc(total, 1);
    if (!ws->block) return CYL_ERR_NOMEM;
    ws->ipiv = (ptrdiff_t *)ws->block;
    ws->w = (T *)((char *)ws->block + piv_bytes);
    ws->work = ws->w + nn;
    return CYL_OK;
}

CYL_LU_INLINE int FN(inv_range_n)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                         T *out, int *info, R *rcond, ptrdiff_t t0, ptrdiff_t t1) {
    cyl_batch local;
    FN(lu_iter_at)(it, t0, &local);
    ptrdiff_t nn = n * n;
    FN(lu_ws) ws = {0};
    if (n > 3) {
        int st = FN(lu_ws_alloc)(n, &ws);
        if (st) return st;
    }
    int status = CYL_OK;
    ptrdiff_t t = t0;
    if (n == 4)
        for (; t + CYL_LU_LANES <= t1; t += CYL_LU_LANES)
            FN(lu4_lanes_run)(8, a, rsa, csa, NULL, 0, &local, t, out, info, rcond);
    for (; t < t1; t++, cyl_batch_next(&local)) {
        const T *am = (const T *)(a + local.offset[0]);
        T *x = out + t * nn;
        if (n <= 3) {
            T adj[9];
            T d = FN(lu_adj_tiny)(n, am, rsa, csa, adj);
            if (OP(is_zero)(d)) {
                info[t] = (int)n;
                if (rcond) rcond[t] = 0;
                FN(lu_fill_nan)(nn, x);
                continue;
            }
            for (ptrdiff_t i = 0; i < nn; i++) x[i] = OP(div)(adj[i], d);
            info[t] = 0;
            if (rcond) {
                R an = FN(lu_norm1)(n, am, rsa, csa), jn = FN(lu_norm1)(n, adj, n, 1);
                rcond[t] = !isfinite(an) ? (R)NAN : (an == 0 || jn == 0) ? (R)0 : (OP(abs1)(d) / an) / jn;
            }
            continue;
        }
        if (n == 4) {
            T m4[4][9];
            int odd;
            FN(lu4_load)(am, rsa, csa, m4);
            FN(lu4_set_identity)(m4);
            info[t] = FN(lu4_eliminate)(m4, 8, &odd);
            if (info[t]) {
                if (rcond) rcond[t] = 0;
                FN(lu_fill_nan)(nn, x);
                continue;
            }
            FN(lu4_back)(m4, 8, x, 4);
            if (rcond) rcond[t] = FN(lu_rcond_explicit)(n, am, rsa, csa, x);
            continue;
        }
        FN(lu_copy_in)(n, n, am, rsa, csa, ws.w, ws.ld);
        ptrdiff_t inf = FN(lu_getrf)(n, n, ws.w, ws.ld, ws.ipiv);
        if (inf < 0) { status = (int)inf; break; }
        info[t] = (int)CYL_MIN(inf, (ptrdiff_t)0x7fffffff);
        if (inf) {
            if (rcond) rcond[t] = 0;
            FN(lu_fill_nan)(nn, x);
            continue;
        }
        for (ptrdiff_t i = 0; i < nn; i++) x[i] = OP(zero)();
        for (ptrdiff_t i = 0; i < n; i++) x[i * n + i] = OP(one)();
        int st = FN(lu_getri)(n, ws.w, ws.ld, ws.ipiv, x, n);
        if (st) { status = st; break; }
        /* the inverse is at hand: the exact 1-norm rcond costs O(n^2), less than estimating it */
        if (rcond) rcond[t] = FN(lu_rcond_explicit)(n, am, rsa, csa, x);
    }
    cyl_aligned_free(ws.block);
    return status;
}

/* inv_range specialised for the constant sizes 1..4 (unrolled) and the general size. */
static int FN(inv_range)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                         T *out, int *info, R *rcond, ptrdiff_t t0, ptrdiff_t t1) {
    switch (n) {
    case 1: return FN(inv_range_n)(1, a, rsa, csa, it, out, info, rcond, t0, t1);
    case 2: return FN(inv_range_n)(2, a, rsa, csa, it, out, info, rcond, t0, t1);
    case 3: return FN(inv_range_n)(3, a, rsa, csa, it, out, info, rcond, t0, t1);
    case 4: return FN(inv_range_n)(4, a, rsa, csa, it, out, info, rcond, t0, t1);
    default: return FN(inv_range_n)(n, a, rsa, csa, it, out, info, rcond, t0, t1);
    }
}

int CYL_CAT2(cyl_inv_, TC)(ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_batch *it,
                           T *out, int *info, R *rcond) {
    int status = CYL_OK;
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    if (n == 0) {
        for (ptrdiff_t t = 0; t < count; t++) { info[t] = 0; if (rcond) rcond[t] = 1; }
        return CYL_OK;
    }
#if !IS_COMPLEX
    if (FN(lu_lanes_available)(n, CYL_LU_LANES_INV)) {
        FN(lu_lanes_job) job = {CYL_LU_LANES_INV, n, a, NULL, rsa, csa, 0, it, out, rcond, info};
        CYL_LU_PARALLEL_RANGE(count, n, FN(lu_lanes_range)(&job, t0, t1));
        return status;
    }
#endif
    CYL_LU_PARALLEL_RANGE(count, n, FN(inv_range)(n, a, rsa, csa, it, out, info, rcond, t0, t1));
    return status;
}

CYL_LU_INLINE int FN(solve_range_n)(ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                           const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, T *xout,
                           int *info, R *rcond, ptrdiff_t t0, ptrdiff_t t1) {
    cyl_batch local;
    FN(lu_iter_at)(it, t0, &local);
    ptrdiff_t nk = n * k;
    FN(lu_ws) ws = {0};
    if (n > 3) {
        int st = FN(lu_ws_alloc)(n, &ws);
        if (st) return st;
    }
    int status = CYL_OK;
    ptrdiff_t t = t0;
    if (n == 4 && k == 1)
        for (; t + CYL_LU_LANES <= t1; t += CYL_LU_LANES)
            FN(lu4_lanes_run)(9, a, rsa, csa, b, rsb, &local, t, xout, info, rcond);
    for (; t < t1; t++, cyl_batch_next(&local)) {
        const T *am = (const T *)(a + local.offset[0]);
        const T *bm = (const T *)(b + local.offset[1]);
        T *x = xout + t * nk;
        if (n <= 3) { /* Cramer's rule via the adjugate: x = adj(A) b / det(A) */
            T adj[9];
            T d = FN(lu_adj_tiny)(n, am, rsa, csa, adj);
            if (OP(is_zero)(d)) {
                info[t] = (int)n;
                if (rcond) rcond[t] = 0;
                FN(lu_fill_nan)(nk, x);
                continue;
            }
            for (ptrdiff_t j = 0; j < k; j++) {
                T bj[3];
                for (ptrdiff_t i = 0; i < n; i++) bj[i] = bm[i * rsb + j * csb];
                for (ptrdiff_t i = 0; i < n; i++) {
                    T s = OP(mul)(adj[i * n], bj[0]);
                    for (ptrdiff_t p = 1; p < n; p++) s = OP(add)(s, OP(mul)(adj[i * n + p], bj[p]));
                    x[i * k + j] = OP(div)(s, d);
                }
            }
            info[t] = 0;
            if (rcond) {
                R an = FN(lu_norm1)(n, am, rsa, csa), jn = FN(lu_norm1)(n, adj, n, 1);
                R ad = OP(abs1)(d);
                rcond[t] = !isfinite(an) ? (R)NAN : (an == 0 || jn == 0) ? (R)0 : (ad / an) / jn;
            }
            continue;
        }
        if (n == 4 && k == 1) { /* [A | I | b]: the inverse comes along for an exact rcond */
            T m4[4][9], inv4[16], x4[4];
            int odd;
            FN(lu4_load)(am, rsa, csa, m4);
            FN(lu4_set_identity)(m4);
            for (int i = 0; i < 4; i++) m4[i][8] = bm[i * rsb];
            info[t] = FN(lu4_eliminate)(m4, 9, &odd);
            if (info[t]) {
                if (rcond) rcond[t] = 0;
                FN(lu_fill_nan)(nk, x);
                continue;
            }
            if (rcond) {
                FN(lu4_back)(m4, 8, inv4, 4);
                rcond[t] = FN(lu_rcond_explicit)(n, am, rsa, csa, inv4);
            }
            for (int i = 0; i < 4; i++) m4[i][4] = m4[i][8];
            FN(lu4_back)(m4, 5, x4, 1);
            for (int i = 0; i < 4; i++) x[i] = x4[i];
            continue;
        }
        FN(lu_copy_in)(n, n, am, rsa, csa, ws.w, ws.ld);
        ptrdiff_t inf = FN(lu_getrf)(n, n, ws.w, ws.ld, ws.ipiv);
        if (inf < 0) { status = (int)inf; break; }
        info[t] = (int)CYL_MIN(inf, (ptrdiff_t)0x7fffffff);
        if (inf) {
            if (rcond) rcond[t] = 0;
            FN(lu_fill_nan)(nk, x);
            continue;
        }
        FN(lu_copy_in)(n, k, bm, rsb, csb, x, k);
        int st;
        if (k == 1) { FN(lu_solve_vec)(n, ws.w, ws.ld, ws.ipiv, x); st = CYL_OK; }
        else st = FN(lu_getrs)(n, k, ws.w, ws.ld, ws.ipiv, x, k);
        if (st) { status = st; break; }
        R by_bound = -1, anorm = rcond ? FN(lu_norm1)(n, am, rsa, csa) : 0;
        if (rcond) by_bound = FN(lu_rcond_by_bound)(n, ws.w, ws.ld, anorm, ws.work);
        if (rcond && by_bound >= 0) {
            rcond[t] = by_bound;
        } else if (rcond) {
            if (n <= CYL_LU_EXPLICIT_RCOND_N) { /* cheaper than the estimator's ~10 solves */
                T inv[CYL_LU_EXPLICIT_RCOND_N * CYL_LU_EXPLICIT_RCOND_N];
                for (ptrdiff_t i = 0; i < n * n; i++) inv[i] = OP(zero)();
                for (ptrdiff_t i = 0; i < n; i++) inv[i * n + i] = OP(one)();
                FN(lu_laswp)(n, inv, n, 0, n, ws.ipiv);
                FN(lu_trsm_llu)(n, n, ws.w, ws.ld, inv, n); /* n <= base: no GEMM, cannot fail */
                FN(lu_trsm_lun)(n, n, ws.w, ws.ld, inv, n);
                rcond[t] = FN(lu_rcond_explicit)(n, am, rsa, csa, inv);
            } else {
                rcond[t] = FN(lu_rcond)(n, ws.w, ws.ld, ws.ipiv, anorm, ws.work);
            }
        }
    }
    cyl_aligned_free(ws.block);
    return status;
}

static int FN(solve_range)(ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                           const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, T *xout,
                           int *info, R *rcond, ptrdiff_t t0, ptrdiff_t t1) {
    switch (n) {
    case 1: return FN(solve_range_n)(1, k, a, rsa, csa, b, rsb, csb, it, xout, info, rcond, t0, t1);
    case 2: return FN(solve_range_n)(2, k, a, rsa, csa, b, rsb, csb, it, xout, info, rcond, t0, t1);
    case 3: return FN(solve_range_n)(3, k, a, rsa, csa, b, rsb, csb, it, xout, info, rcond, t0, t1);
    case 4: return FN(solve_range_n)(4, k, a, rsa, csa, b, rsb, csb, it, xout, info, rcond, t0, t1);
    default: return FN(solve_range_n)(n, k, a, rsa, csa, b, rsb, csb, it, xout, info, rcond, t0, t1);
    }
}

#if !IS_COMPLEX
/* A matrix the lane kernel handed back, through the plain path. */
static int FN(lu_lanes_plain_one)(const FN(lu_lanes_job) *job, ptrdiff_t t) {
    switch (job->op) {
    case CYL_LU_LANES_DET:
        return FN(det_range)(job->n, job->a, job->rsa, job->csa, job->it, job->out0, NULL, NULL, t, t + 1);
    case CYL_LU_LANES_SLOGDET:
        return FN(det_range)(job->n, job->a, job->rsa, job->csa, job->it, NULL, job->out0, job->out1, t, t + 1);
    case CYL_LU_LANES_INV:
        return FN(inv_range)(job->n, job->a, job->rsa, job->csa, job->it, job->out0, job->info, job->out1, t, t + 1);
    default:
        return FN(solve_range)(job->n, 1, job->a, job->rsa, job->csa, job->b, job->rsb, 0, job->it, job->out0,
                               job->info, job->out1, t, t + 1);
    }
}

/* Matrices t0..t1-1 through the lane kernel, `width` at a time.  A short last group is padded
 * with copies of its last matrix, so every matrix goes through the same arithmetic whatever
 * the range (results do not depend on how threads split the batch). */
static int FN(lu_lanes_range)(const FN(lu_lanes_job) *job, ptrdiff_t t0, ptrdiff_t t1) {
    const cyl_lu_lanes_kernel kern = cyl_kernels()->lu_lanes[DTYPE];
    const int width = kern.width;
    const ptrdiff_t n = job->n;
    const ptrdiff_t size0 = job->op == CYL_LU_LANES_INV ? n * n : job->op == CYL_LU_LANES_SOLVE ? n : 1;
    T pad0[CYL_LU_LANES_MAX_WIDTH * CYL_LU_LANES_MAX_N * CYL_LU_LANES_MAX_N];
    R pad1[CYL_LU_LANES_MAX_WIDTH];
    const void *am[CYL_LU_LANES_MAX_WIDTH], *bm[CYL_LU_LANES_MAX_WIDTH];
    cyl_batch local;
    FN(lu_iter_at)(job->it, t0, &local);
    for (ptrdiff_t t = t0; t < t1; t += width) {
        int cnt = (int)CYL_MIN((ptrdiff_t)width, t1 - t);
        const int d = local.ndim - 1;
        if (cnt == width && d >= 0 && local.index[d] + width <= local.shape[d]) {
            /* a whole group along the innermost batch dimension: plain strides */
            const ptrdiff_t sa = local.strides[0][d], sb = job->b ? local.strides[1][d] : 0;
            const char *pa = job->a + local.offset[0], *pb = job->b ? job->b + local.offset[1] : NULL;
            for (int l = 0; l < width; l++) {
                am[l] = pa + l * sa;
                bm[l] = pb ? pb + l * sb : NULL;
            }
            local.index[d] += width - 1;
            for (int op = 0; op < local.nops; op++) local.offset[op] += (width - 1) * local.strides[op][d];
            cyl_batch_next(&local);
        } else
        for (int l = 0; l < width; l++) {
            if (l < cnt) {
                am[l] = job->a + local.offset[0];
                bm[l] = job->b ? job->b + local.offset[1] : NULL;
                cyl_batch_next(&local);
            } else {
                am[l] = am[cnt - 1];
                bm[l] = bm[cnt - 1];
            }
        }
        int full = cnt == width;
        T *o0 = full ? job->out0 + t * size0 : pad0;
        R *o1 = full && job->out1 ? job->out1 + t : pad1;
        unsigned result = kern.run(job->op, (int)n, am, job->rsa, job->csa, bm, job->rsb, o0, o1, cnt);
        unsigned redo = result & 0xffffu, integer_lanes = result >> 16;
        if (!full) {
            memcpy(job->out0 + t * size0, pad0, (size_t)cnt * (size_t)size0 * sizeof(T));
            if (job->out1) memcpy(job->out1 + t, pad1, (size_t)cnt * sizeof(R));
        }
        if (job->info)
            for (int l = 0; l < cnt; l++) job->info[t + l] = 0;
        if (result == 0) continue; /* every lane finished by the kernel */
        for (int l = 0; l < cnt; l++) {
            if (redo >> l & 1u) {
                int st = FN(lu_lanes_plain_one)(job, t + l);
                if (st) return st;
                continue;
            }
            double exact; /* integer matrices: the exact determinant, as the plain path */
            if ((integer_lanes >> l & 1u) && job->op <= CYL_LU_LANES_SLOGDET &&
                FN(lu_det_integer)(n, (const T *)am[l], job->rsa, job->csa, &exact)) {
                if (job->op == CYL_LU_LANES_DET) job->out0[t + l] = (T)exact;
                else {
                    job->out0[t + l] = exact > 0 ? (T)1 : exact < 0 ? (T)-1 : (T)0;
                    job->out1[t + l] = exact == 0 ? -(R)INFINITY : (R)log(fabs(exact));
                }
            }
        }
    }
    return CYL_OK;
}
#endif

int CYL_CAT2(cyl_solve_, TC)(ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                             const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, T *x,
                             int *info, R *rcond) {
    int status = CYL_OK;
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    if (n == 0) {
        for (ptrdiff_t t = 0; t < count; t++) { info[t] = 0; if (rcond) rcond[t] = 1; }
        return CYL_OK;
    }
#if !IS_COMPLEX
    if (k == 1 && FN(lu_lanes_available)(n, CYL_LU_LANES_SOLVE)) {
        FN(lu_lanes_job) job = {CYL_LU_LANES_SOLVE, n, a, b, rsa, csa, rsb, it, x, rcond, info};
        CYL_LU_PARALLEL_RANGE(count, n, FN(lu_lanes_range)(&job, t0, t1));
        return status;
    }
#endif
    CYL_LU_PARALLEL_RANGE(count, n, FN(solve_range)(n, k, a, rsa, csa, b, rsb, csb, it, x, info, rcond, t0, t1));
    return status;
}

/* ---------------------------------------------------------------- lu_factor / lu_solve --- */

static int FN(lu_factor_range)(ptrdiff_t m, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                               const cyl_batch *it, T *lu, int64_t *piv, int *info, ptrdiff_t t0,
                               ptrdiff_t t1) {
    cyl_batch local;
    FN(lu_iter_at)(it, t0, &local);
    ptrdiff_t mn = CYL_MIN(m, n);
    ptrdiff_t *ipiv = (ptrdiff_t *)cyl_aligned_alloc((size_t)(mn ? mn : 1), sizeof(ptrdiff_t));
    if (!ipiv) return CYL_ERR_NOMEM;
    int status = CYL_OK;
    for (ptrdiff_t t = t0; t < t1; t++, cyl_batch_next(&local)) {
        T *w = lu + t * m * n;
        FN(lu_copy_in)(m, n, (const T *)(a + local.offset[0]), rsa, csa, w, n);
        ptrdiff_t inf = FN(lu_getrf)(m, n, w, n, ipiv);
        if (inf < 0) { status = (int)inf; break; }
        info[t] = (int)CYL_MIN(inf, (ptrdiff_t)0x7fffffff);
        for (ptrdiff_t k = 0; k < mn; k++) piv[t * mn + k] = (int64_t)ipiv[k];
    }
    cyl_aligned_free(ipiv);
    return status;
}

int CYL_CAT2(cyl_lu_factor_, TC)(ptrdiff_t m, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                                 const cyl_batch *it, T *lu, int64_t *piv, int *info) {
    int status = CYL_OK;
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    if (m == 0 || n == 0) {
        for (ptrdiff_t t = 0; t < count; t++) info[t] = 0;
        return CYL_OK;
    }
    CYL_LU_PARALLEL_RANGE(count, CYL_MIN(m, n), FN(lu_factor_range)(m, n, a, rsa, csa, it, lu, piv, info, t0, t1));
    return status;
}

/* Serial over the batch (lu_solve of big systems threads inside GEMM). Pivots are validated:
 * an out-of-range entry returns CYL_ERR_ARG instead of touching memory it should not. */
int CYL_CAT2(cyl_lu_solve_, TC)(ptrdiff_t n, ptrdiff_t k, int trans, const char *lu, ptrdiff_t rsl,
                                ptrdiff_t csl, const char *piv, ptrdiff_t spiv, const char *b,
                                ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, T *xout) {
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    if (n == 0 || k == 0 || count == 0) return CYL_OK;
    int contiguous = csl == 1 && rsl >= n;
    size_t nn;
    if (cyl_mul_overflows((size_t)n, (size_t)n, &nn)) return CYL_ERR_NOMEM;
    T *w = contiguous ? NULL : (T *)cyl_aligned_alloc(nn, sizeof(T));
    T *vec = (T *)cyl_aligned_alloc((size_t)n, sizeof(T));
    ptrdiff_t *ipiv = (ptrdiff_t *)cyl_aligned_alloc((size_t)n, sizeof(ptrdiff_t));
    int status = CYL_OK;
    if ((!contiguous && !w) || !vec || !ipiv) { status = CYL_ERR_NOMEM; goto done; }
    cyl_batch local = *it;
    for (ptrdiff_t t = 0; t < count; t++, cyl_batch_next(&local)) {
        const T *lm = (const T *)(lu + local.offset[0]);
        const int64_t *pm = (const int64_t *)(piv + local.offset[1]);
        const T *bm = (const T *)(b + local.offset[2]);
        for (ptrdiff_t i = 0; i < n; i++) {
            int64_t p = pm[i * spiv];
            if (p < 0 || p >= n) { status = CYL_ERR_ARG; goto done; }
            ipiv[i] = (ptrdiff_t)p;
        }
        const T *f = lm;
        ptrdiff_t ld = rsl;
        if (!contiguous) { FN(lu_copy_in)(n, n, lm, rsl, csl, w, n); f = w; ld = n; }
        T *x = xout + t * n * k;
        FN(lu_copy_in)(n, k, bm, rsb, csb, x, k);
        if (trans == 0) {
            int st = FN(lu_getrs)(n, k, f, ld, ipiv, x, k);
            if (st) { status = st; goto done; }
        } else {
            for (ptrdiff_t j = 0; j < k; j++) {
                for (ptrdiff_t i = 0; i < n; i++) vec[i] = x[i * k + j];
                FN(lu_solve_vec_trans)(n, f, ld, ipiv, vec, trans == 2);
                for (ptrdiff_t i = 0; i < n; i++) x[i * k + j] = vec[i];
            }
        }
    }
done:
    cyl_aligned_free(w);
    cyl_aligned_free(vec);
    cyl_aligned_free(ipiv);
    return status;
}
