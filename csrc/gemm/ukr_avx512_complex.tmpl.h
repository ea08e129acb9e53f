/* AVX-512 complex GEMM micro-kernel, included by ukr_avx512.c once per real lane type TC (d:
 * complex128, s: complex64) with the same VT / VI / LANES macros as ukr_avx512.tmpl.h; T is
 * the real type, and the packed slivers and C hold interleaved (re, im) pairs.
 *
 * Tile: 6 rows x LANES complex columns (6 x 8 complex128, 6 x 16 complex64), the AVX2 complex
 * kernels' shape with zmm vectors along C's rows (so no C^T trick is needed: colmajor 0).  Per
 * k step: 2 zmm loads of the packed B row, 12 broadcasts (re and im of the 6 A elements) and
 * 24 FMAs into two accumulator sets, a.re * b and a.im * b, combined once after the k loop with
 * a pair swap and fmaddsub, so the loop is pure FMAs (BLIS's and OpenBLAS's scheme too).  The
 * B sliver (the tile's columns) is the one reused across the A slivers of a block, as in the
 * AVX2 kernels; a row of it is 128 bytes for either type. */
#define Z_MR 6
#define Z_NR LANES
#define Z_PREFETCH_A_STEPS 8  /* the A sliver streams from L2 */
#define Z_PREFETCH_B_STEPS 16 /* the B sliver comes from L2/L3 on the first tile of a jr step */
#define EACH_ZROW(X) X(0) X(1) X(2) X(3) X(4) X(5)

/* s * x for complex scalar s = (sr, si) (broadcast) and interleaved complex x. */
static inline VT FN(zscale)(VT sr, VT si, VT x) {
    return VI(fmaddsub)(sr, x, VI(mul)(si, VSWAP_PAIRS(x)));
}

static void FN(ukr_avx512_complex)(ptrdiff_t k, const void *alpha_, const void *ap_,
                                   const void *bp_, const void *beta_, void *c_, ptrdiff_t rsc,
                                   ptrdiff_t csc) {
    const T *ap = (const T *)ap_, *bp = (const T *)bp_;
    T *c = (T *)c_;
    const T *alpha = (const T *)alpha_, *beta = (const T *)beta_;
    /* C's tile is needed only after the k loop: fetch its rows (128 bytes, up to 3 lines) now */
    for (int i = 0; i < Z_MR; i++) {
        const char *row = (const char *)(c + 2 * i * rsc);
        _mm_prefetch(row, _MM_HINT_T0);
        if (csc == 1) {
            _mm_prefetch(row + 64, _MM_HINT_T0);
            _mm_prefetch(row + 127, _MM_HINT_T0);
        }
    }
    /* Named accumulators (an array makes gcc keep them on the stack): r = a.re * b, m = a.im * b */
#define DECLARE(i) VT r##i##0 = VI(setzero)(), r##i##1 = VI(setzero)(), \
                      m##i##0 = VI(setzero)(), m##i##1 = VI(setzero)();
    EACH_ZROW(DECLARE)
#undef DECLARE
#pragma GCC unroll 2
    for (ptrdiff_t p = 0; p < k; p++) {
        const VT b0 = VI(loadu)(bp), b1 = VI(loadu)(bp + LANES);
        _mm_prefetch((const char *)(ap + Z_PREFETCH_A_STEPS * 2 * Z_MR), _MM_HINT_T0);
        _mm_prefetch((const char *)(ap + Z_PREFETCH_A_STEPS * 2 * Z_MR + LANES), _MM_HINT_T0);
        _mm_prefetch((const char *)(bp + Z_PREFETCH_B_STEPS * 2 * Z_NR), _MM_HINT_T0);
        _mm_prefetch((const char *)(bp + Z_PREFETCH_B_STEPS * 2 * Z_NR + LANES), _MM_HINT_T0);
#define ROW_STEP(i) {                                                                          \
            const VT ar = VI(set1)(ap[2 * i]), ai = VI(set1)(ap[2 * i + 1]);                   \
            r##i##0 = VI(fmadd)(ar, b0, r##i##0);                                              \
            r##i##1 = VI(fmadd)(ar, b1, r##i##1);                                              \
            m##i##0 = VI(fmadd)(ai, b0, m##i##0);                                              \
            m##i##1 = VI(fmadd)(ai, b1, m##i##1); }
        EACH_ZROW(ROW_STEP)
#undef ROW_STEP
        ap += 2 * Z_MR;
        bp += 2 * Z_NR;
    }
    const VT one = VI(set1)((T)1);
    const VT alr = VI(set1)(alpha[0]), ali = VI(set1)(alpha[1]);
    const VT ber = VI(set1)(beta[0]), bei = VI(set1)(beta[1]);
    const int beta_zero = beta[0] == 0 && beta[1] == 0;
    /* a * b = (ar br - ai bi, ar bi + ai br) = r -+ swap(m), lane pair by lane pair */
#define PRODUCT(i, h) FN(zscale)(alr, ali, VI(fmaddsub)(r##i##h, one, VSWAP_PAIRS(m##i##h)))
    if (csc == 1) {
#define STORE(i) {                                                                             \
            T *ci = c + 2 * i * rsc;                                                           \
            VT v0 = PRODUCT(i, 0), v1 = PRODUCT(i, 1);                                         \
            if (!beta_zero) {                                                                  \
                v0 = VI(add)(v0, FN(zscale)(ber, bei, VI(loadu)(ci)));                         \
                v1 = VI(add)(v1, FN(zscale)(ber, bei, VI(loadu)(ci + LANES)));                 \
            }                                                                                  \
            VI(storeu)(ci, v0);                                                                \
            VI(storeu)(ci + LANES, v1); }
        EACH_ZROW(STORE)
#undef STORE
    } else {
        T t[Z_MR][2 * Z_NR];
#define SPILL(i)                                                                               \
        VI(storeu)(&t[i][0], PRODUCT(i, 0));                                                   \
        VI(storeu)(&t[i][LANES], PRODUCT(i, 1));
        EACH_ZROW(SPILL)
#undef SPILL
        for (int i = 0; i < Z_MR; i++)
            for (int j = 0; j < Z_NR; j++) {
                T *cij = c + 2 * (i * rsc + j * csc);
                T vr = t[i][2 * j], vi = t[i][2 * j + 1];
                if (!beta_zero) {
                    const T cr = cij[0], cim = cij[1];
                    vr += beta[0] * cr - beta[1] * cim;
                    vi += beta[0] * cim + beta[1] * cr;
                }
                cij[0] = vr;
                cij[1] = vi;
            }
    }
#undef PRODUCT
}

#undef Z_MR
#undef Z_NR
#undef Z_PREFETCH_A_STEPS
#undef Z_PREFETCH_B_STEPS
#undef EACH_ZROW
