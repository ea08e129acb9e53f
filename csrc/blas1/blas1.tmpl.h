/* Per-dtype BLAS-1 kernels and predicates; included once per type code TC by blas1.c.
 * Real-only helpers from blas1.c used here: RF(x) picks the float (s, c) or double (d, z)
 * variant of a real helper. */
#if CYL_CAT2(TC, _IS_SINGLE)
#define RF(x) x##_float
#else
#define RF(x) x##_double
#endif

int FN(cyl_dot)(int conj, ptrdiff_t n, const T *x, ptrdiff_t incx, const T *y, ptrdiff_t incy, T *result) {
    const cyl_blas1_loops *L = active_loops();
    if (n > 0 && incx < 0 && incy < 0) { /* both reversed: the same sum, read forwards */
        x += (n - 1) * incx; y += (n - 1) * incy;
        incx = -incx; incy = -incy;
    }
#if IS_COMPLEX
    double s[4];
    RF(cdot)(L, n, (const R *)x, incx, (const R *)y, incy, s);
    result->re = (R)(conj ? s[0] + s[1] : s[0] - s[1]);
    result->im = (R)(conj ? s[2] - s[3] : s[2] + s[3]);
#else
    (void)conj;
    *result = (T)RF(rdot)(L, n, x, incx, y, incy);
#endif
    return CYL_OK;
}

/* |x| without hypot's cost (hypot is ~40x slower than a square root): the plain formula
 * wherever the squares neither overflow nor underflow, hypot only outside that range. */
CYL_INLINE R FN(modulus)(T v) {
#if IS_COMPLEX
    double r = (double)v.re, i = (double)v.im, t = r * r + i * i;
    if (sizeof(R) == sizeof(float) || (t >= 0x1p-1000 && t <= 0x1p1000)) return (R)sqrt(t);
    return (R)hypot(r, i);
#else
    return OP(abs)(v);
#endif
}

/* t^p for t in [0, 1] (p > 0) or [1, inf] (p < 0): repeated squaring for small integer p
 * (the common 3, 4, ...), pow otherwise. */
CYL_INLINE double FN(pow_scaled)(double t, double p, int ip) {
    if (ip == 0) return pow(t, p);
    double r = 1, b = ip > 0 ? t : 1 / t;
    for (int e = ip > 0 ? ip : -ip; e; e >>= 1, b *= b)
        if (e & 1) r *= b;
    return r;
}

/* Norms other than 1 and 2 (and complex 1), element by element. */
static R FN(norm_generic)(int kind, double p, ptrdiff_t m, ptrdiff_t n, const T *x, ptrdiff_t rs, ptrdiff_t cs) {
    int has_nan = 0;
    if (kind == CYL_NORM_0) {
        ptrdiff_t count = 0;
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) count += !OP(is_zero)(x[i * rs + j * cs]);
        return (R)count;
    }
    if (kind == CYL_NORM_1) { /* complex: sum of moduli (real 1-norms take the fast loops) */
        double sum = 0;
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) sum += (double)FN(modulus)(x[i * rs + j * cs]);
        return (R)sum;
    }
    /* largest and smallest |x| (NaN tracked apart: comparisons ignore it) */
    R amax = 0, amin = (R)INFINITY;
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            R a = FN(modulus)(x[i * rs + j * cs]);
            has_nan |= a != a;
            amax = a > amax ? a : amax;
            amin = a < amin ? a : amin;
        }
    if (has_nan) return (R)NAN;
    if (kind == CYL_NORM_INF) return amax;
    if (kind == CYL_NORM_NEGINF) return amin;
    /* CYL_NORM_P: (sum |x|^p)^(1/p) = s * (sum (|x|/s)^p)^(1/p) with s = max |x| (p > 0, all
     * terms <= 1) or min |x| (p < 0, again all terms <= 1), so nothing overflows. */
    double s = p > 0 ? (double)amax : (double)amin;
    if (s == 0 || isinf(s)) return (R)s;
    int ip = (p == floor(p) && fabs(p) <= 64) ? (int)p : 0;
    double sum = 0;
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) sum += FN(pow_scaled)((double)FN(modulus)(x[i * rs + j * cs]) / s, p, ip);
    return (R)(s * pow(sum, 1.0 / p));
}

int FN(cyl_vnorm)(int kind, double p, ptrdiff_t m, ptrdiff_t n, const T *x, ptrdiff_t rs, ptrdiff_t cs, R *result) {
    if (m <= 0 || n <= 0) { /* empty: 0 like numpy (its max/min of nothing is refused upstream) */
        *result = (kind == CYL_NORM_NEGINF || (kind == CYL_NORM_P && p < 0)) ? (R)INFINITY : (R)0;
        return CYL_OK;
    }
    if (kind == CYL_NORM_2 || (kind == CYL_NORM_1 && !IS_COMPLEX)) {
        real_blocks b = make_real_blocks(m, n, rs, cs, IS_COMPLEX, sizeof(R));
        const R *base = (const R *)((const char *)x + b.offset_bytes);
        if (kind == CYL_NORM_2) *result = (R)RF(nrm2)(active_loops(), &b, base);
        else *result = (R)RF(asum)(active_loops(), &b, base);
        return CYL_OK;
    }
    *result = FN(norm_generic)(kind, p, m, n, x, rs, cs);
    return CYL_OK;
}

int FN(cyl_vnorm_batch)(int kind, double p, const cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out) {
    ptrdiff_t count = it->count;
    if (count <= 0) return CYL_OK;
    /* independent outputs: threads take contiguous ranges of the batch */
    double work = (double)count * (double)m * (double)n;
    int nt = work >= 1048576.0 && count > 1 ? /* see PAR_MIN_CHUNKS in blas1.c */ cyl_threads_acquire((int)CYL_MIN(count, 64)) : 1;
#ifdef CYL_HAVE_OPENMP
#pragma omp parallel num_threads(nt) if(nt > 1)
#endif
    {
        int tid = 0, nth = 1;
#ifdef CYL_HAVE_OPENMP
        tid = omp_get_thread_num();
        nth = omp_get_num_threads();
#endif
        ptrdiff_t t0 = count * tid / nth, t1 = count * (tid + 1) / nth;
        cyl_batch local = *it;
        batch_seek_full(&local, t0);
        for (ptrdiff_t t = t0; t < t1; t++) {
            FN(cyl_vnorm)(kind, p, m, n, (const T *)(x + local.offset[0]), rs, cs, (R *)(out + local.offset[1]));
            cyl_batch_next(&local);
        }
    }
    cyl_threads_release(nt);
    return CYL_OK;
}

int FN(cyl_outer)(ptrdiff_t m, ptrdiff_t n, const T *x, ptrdiff_t incx, const T *y, ptrdiff_t incy, T *c, ptrdiff_t rsc, ptrdiff_t csc) {
    for (ptrdiff_t i = 0; i < m; i++) {
        T xi = x[i * incx];
        T *ci = c + i * rsc;
        if (csc == 1 && incy == 1)
            for (ptrdiff_t j = 0; j < n; j++) ci[j] = OP(mul)(xi, y[j]);
        else
            for (ptrdiff_t j = 0; j < n; j++) ci[j * csc] = OP(mul)(xi, y[j * incy]);
    }
    return CYL_OK;
}

/* |u - v| <= tol (complex: cheap bounds first, hypot only in between). */
static int FN(within)(T u, T v, double tol) {
#if IS_COMPLEX
    double dr = fabs((double)u.re - (double)v.re), di = fabs((double)u.im - (double)v.im);
    if (dr + di <= tol) return 1;
    if (!(dr <= tol && di <= tol)) return 0;
    return hypot(dr, di) <= tol;
#else
    return fabs((double)u - (double)v) <= tol;
#endif
}

static int FN(equal)(T u, T v) {
#if IS_COMPLEX
    return u.re == v.re && u.im == v.im;
#else
    return u == v;
#endif
}

/* Largest finite |re|, |im| of the matrix, or -1 if it holds a NaN. */
static double FN(check_scale)(ptrdiff_t m, ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs) {
    double s = 0;
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            T v = a[i * rs + j * cs];
            double r = fabs((double)OP(re)(v)), q = fabs((double)OP(im)(v));
            if (r != r || q != q) return -1;
            if (r > s && r != (double)INFINITY) s = r;
            if (q > s && q != (double)INFINITY) s = q;
        }
    return s;
}

int FN(cyl_check)(int kind, ptrdiff_t m, ptrdiff_t n, const T *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result) {
    *result = 0;
    if (kind != CYL_CHECK_DIAGONAL && m != n) return CYL_OK;
    /* Entries are first compared exactly; the tolerance (which needs a pass for the matrix's
     * scale, and finds any NaN) is worked out only at the first inexact pair. */
    double tol = kind == CYL_CHECK_IDENTITY ? atol + rtol : -1;
#define AGREE(u, v)                                                                            \
    if (!FN(equal)(u, v)) {                                                                    \
        if (tol < 0) {                                                                         \
            double sc = FN(check_scale)(m, n, a, rs, cs);                                      \
            if (sc < 0) return CYL_OK;                                                         \
            tol = atol + rtol * sc;                                                            \
        }                                                                                      \
        if (!FN(within)(u, v, tol)) return CYL_OK;                                             \
    }
    const T zero = OP(zero)(), one = OP(one)();
    for (ptrdiff_t i = 0; i < CYL_MIN(m, n); i++) {
        T d = a[i * (rs + cs)];
        if (!FN(equal)(d, d)) return CYL_OK; /* NaN */
        if (kind == CYL_CHECK_SKEW) { AGREE(d, zero) }
        else if (kind == CYL_CHECK_IDENTITY) { AGREE(d, one) }
        else if (kind == CYL_CHECK_HERMITIAN) { AGREE(d, OP(conj)(d)) }
    }
    /* off-diagonal entries, in blocks so that a_ij and a_ji both stay in cache */
    enum { B = 32 };
    const int vs_zero = kind == CYL_CHECK_DIAGONAL || kind == CYL_CHECK_IDENTITY;
    for (ptrdiff_t i0 = 0; i0 < m; i0 += B)
        for (ptrdiff_t j0 = (vs_zero ? 0 : i0); j0 < n; j0 += B) {
            ptrdiff_t i1 = CYL_MIN(i0 + B, m), j1 = CYL_MIN(j0 + B, n);
            for (ptrdiff_t i = i0; i < i1; i++)
                for (ptrdiff_t j = (vs_zero ? j0 : CYL_MAX(j0, i + 1)); j < j1; j++) {
                    if (j == i) continue;
                    T u = a[i * rs + j * cs];
                    if (vs_zero) {
                        AGREE(u, zero)
                    } else {
                        T v = a[j * rs + i * cs];
                        if (kind == CYL_CHECK_SKEW) v = OP(neg)(v);
                        else if (kind == CYL_CHECK_HERMITIAN) v = OP(conj)(v);
                        AGREE(u, v)
                    }
                }
        }
#undef AGREE
    *result = 1;
    return CYL_OK;
}

#undef RF
