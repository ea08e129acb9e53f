/* Body of the lane-parallel small LU (see lu_lanes_avx2.c), written once over the vector
 * macros LR (real type), LV (vector), LW (lanes), V_* and LFN(name).  a[i][j] holds entry
 * (i, j) of all LW matrices; every loop bound is a constant once inlined for a given n. */

#define LANES_UNROLL _Pragma("GCC unroll 17")

/* a[i][j] = A_l(i, j) for the LW matrices A_l = am[l] (element strides rs, cs). */
LANES_INLINE void LFN(load_matrix)(int n, const LR *const *am, ptrdiff_t rs, ptrdiff_t cs, LV a[8][LD]) {
    if (cs == 1) {
        LANES_UNROLL
        for (int i = 0; i < n; i++)
            for (int j0 = 0; j0 < n; j0 += LW) {
                LV v[LW];
                int cnt = n - j0 < LW ? n - j0 : LW;
                LFN(load_lanes)(am, i * rs + j0, cnt, v);
                LANES_UNROLL
                for (int q = 0; q < cnt; q++) a[i][j0 + q] = v[q];
            }
    } else {
        LANES_UNROLL
        for (int i = 0; i < n; i++)
            LANES_UNROLL
            for (int j = 0; j < n; j++) a[i][j] = LFN(gather)(am, i * rs + j * cs);
    }
}

/* The 1-norm (max column sum of |a_ij|) of every lane; *finite: all-ones in the lanes whose
 * column sums are all finite (the others hold no meaningful norm). */
LANES_INLINE LV LFN(norm1)(int n, LV a[8][LD], LV *finite) {
    const LV sign = V_SET1((LR)-0.0), inf = V_SET1((LR)INFINITY);
    LV best = V_ZERO(), fin = V_CMP(best, best, _CMP_EQ_OQ);
    LANES_UNROLL
    for (int j = 0; j < n; j++) {
        LV s = V_ANDNOT(sign, a[0][j]);
        LANES_UNROLL
        for (int i = 1; i < n; i++) s = V_ADD(s, V_ANDNOT(sign, a[i][j]));
        fin = V_AND(fin, V_CMP(s, inf, _CMP_LT_OQ));
        best = V_MAX(best, s);
    }
    *finite = fin;
    return best;
}

/* Partial pivoting LU of the n x n part, the row swaps applied to columns < nswap and the
 * elimination to columns < nelim.  With nswap > n (inv, solve) the swaps move whole rows, so the
 * multipliers end up as the L of P A = L U (det needs only the pivots: columns >= k).  Pivoting is a compare-and-blend of each row with row k down column k, which leaves
 * the largest |a_ik| (first on ties) in row k, as argmax would.  rdiag[k] = 1 / u_kk;
 * *parity: all-ones in lanes with an odd number of swaps; *zero: lanes with a zero pivot. */
LANES_INLINE void LFN(factor)(int n, int nswap, int nelim, LV a[8][LD], LV rdiag[8], LV *parity, LV *zero) {
    const LV sign = V_SET1((LR)-0.0), one = V_SET1((LR)1);
    LV par = V_ZERO(), zp = V_ZERO();
    LANES_UNROLL
    for (int k = 0; k < n; k++) {
        LANES_UNROLL
        for (int i = k + 1; i < n; i++) {
            LV c = V_CMP(V_ANDNOT(sign, a[i][k]), V_ANDNOT(sign, a[k][k]), _CMP_GT_OQ);
            par = V_XOR(par, c);
            LANES_UNROLL
            for (int j = nswap > n ? 0 : k; j < nswap; j++) {
                LV x = a[k][j], y = a[i][j];
                a[k][j] = V_BLEND(x, y, c);
                a[i][j] = V_BLEND(y, x, c);
            }
        }
        zp = V_OR(zp, V_CMP(a[k][k], V_ZERO(), _CMP_EQ_OQ));
        LV rp = V_DIV(one, a[k][k]);
        rdiag[k] = rp;
        LANES_UNROLL
        for (int i = k + 1; i < n; i++) {
            LV l = V_MUL(a[i][k], rp);
            a[i][k] = l;
            LANES_UNROLL
            for (int j = k + 1; j < nelim; j++) a[i][j] = V_FNMADD(l, a[k][j], a[i][j]);
        }
    }
    *parity = par;
    *zero = zp;
}

/* det (slog = 0) or sign and log|det| (slog = 1). */
LANES_INLINE unsigned LFN(lanes_det)(int n, int slog, const LR *const *am, ptrdiff_t rs, ptrdiff_t cs,
                                     LR *out0, LR *out1) {
    LV a[8][LD], rdiag[8], par, zp;
    const LV sign = V_SET1((LR)-0.0), lim = V_SET1((LR)67108864.0);
    LFN(load_matrix)(n, am, rs, cs, a);
    /* lanes whose entries are all integers of magnitude <= 2^26: the caller tries the exact
     * (Bareiss) determinant on those only */
    LV isint = V_CMP(lim, lim, _CMP_EQ_OQ);
    LANES_UNROLL
    for (int i = 0; i < n; i++)
        LANES_UNROLL
        for (int j = 0; j < n; j++)
            isint = V_AND(isint, V_AND(V_CMP(V_TRUNC(a[i][j]), a[i][j], _CMP_EQ_OQ),
                                       V_CMP(V_ANDNOT(sign, a[i][j]), lim, _CMP_LE_OQ)));
    const unsigned integer_lanes = (unsigned)V_MOVEMASK(isint) << 16;
    LFN(factor)(n, n, n, a, rdiag, &par, &zp);
    unsigned redo = (unsigned)V_MOVEMASK(zp) | integer_lanes;
    if (!slog) {
        LV d = a[0][0];
        LANES_UNROLL
        for (int k = 1; k < n; k++) d = V_MUL(d, a[k][k]);
        V_STOREU(out0, V_XOR(d, V_AND(par, sign)));
        return redo;
    }
    LV s = V_AND(par, sign);
    LANES_UNROLL
    for (int k = 0; k < n; k++) s = V_XOR(s, V_AND(a[k][k], sign));
    V_STOREU(out0, V_OR(V_SET1((LR)1), s));
    /* one log of the pivots' product instead of n logs; a product that under/overflows (or a
     * NaN) goes to the plain path's log-sum */
    double prod[LW];
    LFN(diag_product)(n, a, prod);
    for (int l0 = 0; l0 < LW; l0 += 4) {
        __m256d p = _mm256_loadu_pd(prod + l0);
        __m256d ok = _mm256_and_pd(_mm256_cmp_pd(p, _mm256_set1_pd(DBL_MIN), _CMP_GE_OQ),
                                   _mm256_cmp_pd(p, _mm256_set1_pd(DBL_MAX), _CMP_LE_OQ));
        redo |= (unsigned)(_mm256_movemask_pd(ok) ^ 15) << l0;
        _mm256_storeu_pd(prod + l0, log_pd(_mm256_blendv_pd(_mm256_set1_pd(1.0), p, ok)));
    }
    for (int l = 0; l < LW; l++) out1[l] = (LR)prod[l];
    return redo;
}

/* Inverses: factor [A | p] (p = row numbers, so the permutation rides along as one column),
 * then solve L U X = P with P's columns made from p by compares, and the exact 1-norm rcond
 * from X. */
LANES_INLINE unsigned LFN(lanes_inv)(int n, const LR *const *am, ptrdiff_t rs, ptrdiff_t cs, LR *out,
                                     LR *rcond) {
    LV a[8][LD], rdiag[8], par, zp, fin, finv;
    const LV one = V_SET1((LR)1), sign = V_SET1((LR)-0.0), inf = V_SET1((LR)INFINITY);
    LFN(load_matrix)(n, am, rs, cs, a);
    LV anorm = LFN(norm1)(n, a, &fin);
    LANES_UNROLL
    for (int i = 0; i < n; i++) a[i][n] = V_SET1((LR)i);
    LFN(factor)(n, n + 1, n, a, rdiag, &par, &zp);
    (void)par;
    const int c0 = n + 1;
    LANES_UNROLL
    for (int i = 0; i < n; i++)
        LANES_UNROLL
        for (int j = 0; j < n; j++) a[i][c0 + j] = V_AND(V_CMP(a[i][n], V_SET1((LR)j), _CMP_EQ_OQ), one);
    LANES_UNROLL
    for (int k = 0; k < n - 1; k++)
        LANES_UNROLL
        for (int i = k + 1; i < n; i++)
            LANES_UNROLL
            for (int j = c0; j < c0 + n; j++) a[i][j] = V_FNMADD(a[i][k], a[k][j], a[i][j]);
    LANES_UNROLL
    for (int i = n - 1; i >= 0; i--)
        LANES_UNROLL
        for (int j = c0; j < c0 + n; j++) {
            LV s = a[i][j];
            LANES_UNROLL
            for (int p = i + 1; p < n; p++) s = V_FNMADD(a[i][p], a[p][j], s);
            a[i][j] = V_MUL(s, rdiag[i]);
        }
    LV inorm = V_ZERO();
    finv = V_CMP(inorm, inorm, _CMP_EQ_OQ);
    LANES_UNROLL
    for (int j = c0; j < c0 + n; j++) {
        LV s = V_ANDNOT(sign, a[0][j]);
        LANES_UNROLL
        for (int i = 1; i < n; i++) s = V_ADD(s, V_ANDNOT(sign, a[i][j]));
        finv = V_AND(finv, V_CMP(s, inf, _CMP_LT_OQ));
        inorm = V_MAX(inorm, s);
    }
    V_STOREU(rcond, V_DIV(V_DIV(one, anorm), inorm));
    LANES_UNROLL
    for (int i = 0; i < n; i++)
        for (int j0 = 0; j0 < n; j0 += LW)
            LFN(store_lanes)(out + i * n + j0, (ptrdiff_t)n * n, n - j0 < LW ? n - j0 : LW, &a[i][c0 + j0]);
    LV ok = V_ANDNOT(zp, V_AND(fin, finv));
    return (unsigned)V_MOVEMASK(ok) ^ ((1u << LW) - 1);
}

/* One right-hand side: factor [A | b], back-substitute, and bound ||A^-1||_1 from the factors
 * in O(n^2): |A^-1| <= M(U)^-1 M(L)^-1 entrywise (M = comparison matrix: |diagonal|, minus
 * |off-diagonal|), whose 1-norm is max(M(L)^-T M(U)^-T e).  The bound is never below the
 * true norm, so a lane it clears (rcond >= 16 eps) is one the exact rcond would clear too;
 * the rest go to the plain path, whose exact rcond decides the warning as before. */
LANES_INLINE unsigned LFN(lanes_solve)(int n, const LR *const *am, ptrdiff_t rs, ptrdiff_t cs,
                                       const LR *const *bm, ptrdiff_t rsb, LR *out, LR *rcond) {
    LV a[8][LD], rdiag[8], par, zp, fin, x[8], y[8];
    const LV one = V_SET1((LR)1), sign = V_SET1((LR)-0.0);
    LFN(load_matrix)(n, am, rs, cs, a);
    LV anorm = LFN(norm1)(n, a, &fin);
    if (rsb == 1) {
        for (int i0 = 0; i0 < n; i0 += LW) {
            LV v[LW];
            int cnt = n - i0 < LW ? n - i0 : LW;
            LFN(load_lanes)(bm, i0, cnt, v);
            LANES_UNROLL
            for (int q = 0; q < cnt; q++) a[i0 + q][n] = v[q];
        }
    } else {
        LANES_UNROLL
        for (int i = 0; i < n; i++) a[i][n] = LFN(gather)(bm, i * rsb);
    }
    LFN(factor)(n, n + 1, n + 1, a, rdiag, &par, &zp);
    (void)par;
    LANES_UNROLL
    for (int i = n - 1; i >= 0; i--) {
        LV s = a[i][n];
        LANES_UNROLL
        for (int p = i + 1; p < n; p++) s = V_FNMADD(a[i][p], x[p], s);
        x[i] = V_MUL(s, rdiag[i]);
    }
    for (int i0 = 0; i0 < n; i0 += LW) LFN(store_lanes)(out + i0, n, n - i0 < LW ? n - i0 : LW, &x[i0]);
    /* y = M(U)^-T e (forward), then z = M(L)^-T y (backward, unit diagonal) in place */
    LANES_UNROLL
    for (int j = 0; j < n; j++) {
        LV s = one;
        LANES_UNROLL
        for (int i = 0; i < j; i++) s = V_FMADD(V_ANDNOT(sign, a[i][j]), y[i], s);
        y[j] = V_MUL(s, V_ANDNOT(sign, rdiag[j]));
    }
    LV bound = y[n - 1];
    LANES_UNROLL
    for (int j = n - 2; j >= 0; j--) {
        LV s = y[j];
        LANES_UNROLL
        for (int i = j + 1; i < n; i++) s = V_FMADD(V_ANDNOT(sign, a[i][j]), y[i], s);
        y[j] = s;
        bound = V_MAX(bound, s);
    }
    LV prod = V_MUL(anorm, bound);
    LV clear = V_AND(fin, V_CMP(prod, V_SET1((LR)(1.0 / (16.0 * LEPS))), _CMP_LE_OQ));
    /* one division: only cleared lanes keep this value (finite product); the plain path
     * recomputes the others */
    V_STOREU(rcond, V_DIV(one, prod));
    LV ok = V_ANDNOT(zp, clear);
    return (unsigned)V_MOVEMASK(ok) ^ ((1u << LW) - 1);
}

/* n = 3 solve by the adjugate (x = adj(A) b / det A) with the plain path's operations in its
 * order and no FMA, so results are bitwise those of the reference; only regular lanes with
 * finite nonzero norms are finished here (the rest go back). */
LANES_INLINE unsigned LFN(lanes_solve3)(const LR *const *am, ptrdiff_t rs, ptrdiff_t cs, const LR *const *bm,
                                        ptrdiff_t rsb, LR *out, LR *rcond) {
    LV a[8][LD], adj[9], x[3], bv[3];
    const LV sign = V_SET1((LR)-0.0), inf = V_SET1((LR)INFINITY), zero = V_ZERO();
    LFN(load_matrix)(3, am, rs, cs, a);
#define COF(r0, r1, c0, c1) V_SUB(V_MUL(a[r0][c0], a[r1][c1]), V_MUL(a[r0][c1], a[r1][c0]))
    adj[0] = COF(1, 2, 1, 2); adj[1] = COF(2, 0, 1, 2); adj[2] = COF(0, 1, 1, 2);
    adj[3] = COF(2, 1, 0, 2); adj[4] = COF(0, 2, 0, 2); adj[5] = COF(1, 0, 0, 2);
    adj[6] = COF(1, 2, 0, 1); adj[7] = COF(2, 0, 0, 1); adj[8] = COF(0, 1, 0, 1);
#undef COF
    LV d = V_ADD(V_ADD(V_MUL(a[0][0], adj[0]), V_MUL(a[0][1], adj[3])), V_MUL(a[0][2], adj[6]));
    if (rsb == 1) {
        LV v[LW];
        LFN(load_lanes)(bm, 0, 3, v);
        bv[0] = v[0]; bv[1] = v[1]; bv[2] = v[2];
    } else {
        for (int i = 0; i < 3; i++) bv[i] = LFN(gather)(bm, i * rsb);
    }
    for (int i = 0; i < 3; i++)
        x[i] = V_DIV(V_ADD(V_ADD(V_MUL(adj[3 * i], bv[0]), V_MUL(adj[3 * i + 1], bv[1])), V_MUL(adj[3 * i + 2], bv[2])), d);
    LFN(store_lanes)(out, 3, 3, x);
    LV an = zero, jn = zero;
    for (int j = 0; j < 3; j++) {
        LV s = V_ADD(V_ADD(V_ANDNOT(sign, a[0][j]), V_ANDNOT(sign, a[1][j])), V_ANDNOT(sign, a[2][j]));
        LV t = V_ADD(V_ADD(V_ANDNOT(sign, adj[j]), V_ANDNOT(sign, adj[3 + j])), V_ANDNOT(sign, adj[6 + j]));
        an = V_MAX(an, s);
        jn = V_MAX(jn, t);
    }
    V_STOREU(rcond, V_DIV(V_DIV(V_ANDNOT(sign, d), an), jn));
    LV ok = V_AND(V_CMP(d, zero, _CMP_NEQ_OQ),
                  V_AND(V_AND(V_CMP(an, inf, _CMP_LT_OQ), V_CMP(jn, inf, _CMP_LT_OQ)),
                        V_AND(V_CMP(an, zero, _CMP_GT_OQ), V_CMP(jn, zero, _CMP_GT_OQ))));
    return (unsigned)V_MOVEMASK(ok) ^ ((1u << LW) - 1);
}

#define LANES_CASE(N)                                                                            \
    case N:                                                                                      \
        switch (op) {                                                                            \
        case CYL_LU_LANES_DET: return LFN(lanes_det)(N, 0, am, rsa, csa, o0, o1);               \
        case CYL_LU_LANES_SLOGDET: return LFN(lanes_det)(N, 1, am, rsa, csa, o0, o1);           \
        case CYL_LU_LANES_INV: return LFN(lanes_inv)(N, am, rsa, csa, o0, o1);                  \
        case CYL_LU_LANES_SOLVE: return LFN(lanes_solve)(N, am, rsa, csa, bm, rsb, o0, o1);     \
        default: break;                                                                          \
        }                                                                                        \
        break;

static unsigned LFN(lanes_run)(int op, int n, const void *const *a, ptrdiff_t rsa, ptrdiff_t csa,
                               const void *const *b, ptrdiff_t rsb, void *out0, void *out1, int count) {
    (void)count; /* one group: nothing to skip */
    const LR *const *am = (const LR *const *)a;
    const LR *const *bm = (const LR *const *)b;
    LR *o0 = (LR *)out0, *o1 = (LR *)out1;
    if (n == 3 && op == CYL_LU_LANES_SOLVE) return LFN(lanes_solve3)(am, rsa, csa, bm, rsb, o0, o1);
    switch (n) {
        LANES_CASE(4)
        LANES_CASE(5)
        LANES_CASE(6)
        LANES_CASE(7)
        LANES_CASE(8)
    default: break;
    }
    return (1u << LW) - 1; /* not handled here: every lane to the plain path */
}

#undef LANES_CASE
#undef LANES_UNROLL
