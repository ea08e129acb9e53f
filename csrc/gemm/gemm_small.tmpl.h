/* Unpacked GEMM for small operands and stacks of tiny matrices.  Included once per type code
 * TC by gemm.c (portable build, names *_ref) and by gemm_small_avx2.c (AVX2+FMA build, names
 * *_avx2); SFX is the suffix.  Row i of C is accumulated in a local array across k so that the
 * inner j loop is a contiguous vectorisable axpy when B's rows are contiguous. */
#define SNAME(x) CYL_CAT3(FN(x), _, SFX)

#if IS_COMPLEX
#define SMALL_FMA(acc, x, y) OP(fma)(acc, x, y)
#else
#define SMALL_FMA(acc, x, y) CYL_CAT2(SMALL_FMA_, TC)(acc, x, y)
#ifdef __FMA__ /* a hardware FMA; without it fma() is a slow libm call */
#define SMALL_FMA_s(acc, x, y) fmaf(x, y, acc)
#define SMALL_FMA_d(acc, x, y) fma(x, y, acc)
#else
#define SMALL_FMA_s(acc, x, y) ((acc) + (x) * (y))
#define SMALL_FMA_d(acc, x, y) ((acc) + (x) * (y))
#endif
#endif

/* C = alpha*op(A)*op(B) + beta*C for n <= CYL_SMALL_NMAX. */
static __attribute__((always_inline)) inline void SNAME(small_body)(
    int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha, const T *a,
    ptrdiff_t rsa, ptrdiff_t csa, const T *b, ptrdiff_t rsb, ptrdiff_t csb, T beta, T *c,
    ptrdiff_t rsc, ptrdiff_t csc) {
    T acc[CYL_SMALL_NMAX];
    int beta_zero = OP(is_zero)(beta);
    int alpha_one = OP(is_zero)(OP(sub)(alpha, OP(one)()));
    for (ptrdiff_t i = 0; i < m; i++) {
        for (ptrdiff_t j = 0; j < n; j++) acc[j] = OP(zero)();
        for (ptrdiff_t p = 0; p < k; p++) {
            T aip = a[i * rsa + p * csa];
            if (conja) aip = OP(conj)(aip);
            const T *bp = b + p * rsb;
            if (conjb) {
                for (ptrdiff_t j = 0; j < n; j++) acc[j] = SMALL_FMA(acc[j], aip, OP(conj)(bp[j * csb]));
            } else if (csb == 1) {
                for (ptrdiff_t j = 0; j < n; j++) acc[j] = SMALL_FMA(acc[j], aip, bp[j]);
            } else {
                for (ptrdiff_t j = 0; j < n; j++) acc[j] = SMALL_FMA(acc[j], aip, bp[j * csb]);
            }
        }
        T *ci = c + i * rsc;
        for (ptrdiff_t j = 0; j < n; j++) {
            T v = alpha_one ? acc[j] : OP(mul)(alpha, acc[j]);
            ci[j * csc] = beta_zero ? v : OP(add)(v, OP(mul)(beta, ci[j * csc]));
        }
    }
}

/* No memset/memcpy calls for the short row loops: a libc call per row costs more than the row. */
#ifndef CYL_NO_LIBC_IDIOMS
#if defined(__GNUC__) && !defined(__clang__)
#define CYL_NO_LIBC_IDIOMS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define CYL_NO_LIBC_IDIOMS
#endif
#endif

CYL_NO_LIBC_IDIOMS static void SNAME(cyl_gemm_small)(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                                  const void *alpha, const void *a, ptrdiff_t rsa, ptrdiff_t csa,
                                  const void *b, ptrdiff_t rsb, ptrdiff_t csb, const void *beta,
                                  void *c, ptrdiff_t rsc, ptrdiff_t csc) {
    SNAME(small_body)(conja, conjb, m, n, k, *(const T *)alpha, (const T *)a, rsa, csa,
                      (const T *)b, rsb, csb, *(const T *)beta, (T *)c, rsc, csc);
}

/* Fixed tiny size: constants let the compiler unroll everything. */
static __attribute__((always_inline)) inline void SNAME(stack_fixed)(
    int conja, const ptrdiff_t s, const char *a, ptrdiff_t rsa, ptrdiff_t csa, const char *b,
    ptrdiff_t rsb, ptrdiff_t csb, char *c, ptrdiff_t rsc, ptrdiff_t csc, cyl_batch *it) {
    CYL_STACK_LOOP(it, T, a, b, c, {
        T acc[4][4];
        for (ptrdiff_t i = 0; i < s; i++)
            for (ptrdiff_t j = 0; j < s; j++) acc[i][j] = OP(zero)();
        for (ptrdiff_t p = 0; p < s; p++)
            for (ptrdiff_t i = 0; i < s; i++) {
                T aip = at[i * rsa + p * csa];
                if (conja) aip = OP(conj)(aip);
                for (ptrdiff_t j = 0; j < s; j++) acc[i][j] = SMALL_FMA(acc[i][j], aip, bt[p * rsb + j * csb]);
            }
        for (ptrdiff_t i = 0; i < s; i++)
            for (ptrdiff_t j = 0; j < s; j++) ct[i * rsc + j * csc] = acc[i][j];
    });
}

CYL_NO_LIBC_IDIOMS static void SNAME(cyl_gemm_stack)(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                                  const char *a, ptrdiff_t rsa, ptrdiff_t csa, const char *b,
                                  ptrdiff_t rsb, ptrdiff_t csb, char *c, ptrdiff_t rsc,
                                  ptrdiff_t csc, struct cyl_batch *it) {
    if (m == n && n == k && !conja) {
        if (m == 2) { SNAME(stack_fixed)(0, 2, a, rsa, csa, b, rsb, csb, c, rsc, csc, it); return; }
        if (m == 3) { SNAME(stack_fixed)(0, 3, a, rsa, csa, b, rsb, csb, c, rsc, csc, it); return; }
        if (m == 4) { SNAME(stack_fixed)(0, 4, a, rsa, csa, b, rsb, csb, c, rsc, csc, it); return; }
    }
    CYL_STACK_LOOP(it, T, a, b, c, {
        SNAME(small_body)(conja, 0, m, n, k, OP(one)(), at, rsa, csa, bt, rsb, csb, OP(zero)(), ct,
                          rsc, csc);
    });
}

static void SNAME(fill_small)(cyl_gemm_kernel *kr) {
    kr->small = SNAME(cyl_gemm_small);
    kr->stack = SNAME(cyl_gemm_stack);
}

#undef SNAME
#undef SMALL_FMA
#ifdef SMALL_FMA_s
#undef SMALL_FMA_s
#undef SMALL_FMA_d
#endif
