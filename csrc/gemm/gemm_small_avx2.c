/* The unpacked small-matrix GEMM and tiny-matrix stack loops compiled with AVX2+FMA (per-file
 * flags from setup.py); the same template as the portable build in gemm.c. */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include "cylinalg/scalar.h"
#include "cylinalg/batch.h"
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

#define SFX avx2
#define CYL_TEMPLATE "gemm/gemm_small.tmpl.h"
#include "cylinalg/instantiate.h"
#undef SFX

/* float64 small product, alpha 1, beta 0, rows of B and C contiguous: each row of C in chunks of
 * 8 columns held in two ymm accumulators across k (masked loads/stores for the tail). */
static inline __m256i tail_mask(ptrdiff_t cols) {
    const __m256i idx = _mm256_set_epi64x(3, 2, 1, 0);
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)cols), idx);
}
/* Up to 6 rows x 8 columns of C over all of k, accumulators in registers (12 independent FMA
 * chains, more than enough to hide the FMA latency).  R is a compile-time constant after inlining. */
#define SMALL_D_LOOP(LOAD0, LOAD1)                                                             \
    _Pragma("GCC unroll 4")                                                                    \
    for (ptrdiff_t p = 0; p < k; p++) {                                                        \
        const double *bp = b + p * rsb;                                                        \
        __m256d b0 = LOAD0, b1 = LOAD1, av;                                                    \
        const double *ap = a + p * csa;                                                        \
        av = _mm256_broadcast_sd(ap);                                                          \
        c00 = _mm256_fmadd_pd(av, b0, c00); c01 = _mm256_fmadd_pd(av, b1, c01);               \
        if (R > 1) { av = _mm256_broadcast_sd(ap + rsa);                                       \
            c10 = _mm256_fmadd_pd(av, b0, c10); c11 = _mm256_fmadd_pd(av, b1, c11); }         \
        if (R > 2) { av = _mm256_broadcast_sd(ap + 2 * rsa);                                   \
            c20 = _mm256_fmadd_pd(av, b0, c20); c21 = _mm256_fmadd_pd(av, b1, c21); }         \
        if (R > 3) { av = _mm256_broadcast_sd(ap + 3 * rsa);                                   \
            c30 = _mm256_fmadd_pd(av, b0, c30); c31 = _mm256_fmadd_pd(av, b1, c31); }         \
        if (R > 4) { av = _mm256_broadcast_sd(ap + 4 * rsa);                                   \
            c40 = _mm256_fmadd_pd(av, b0, c40); c41 = _mm256_fmadd_pd(av, b1, c41); }         \
        if (R > 5) { av = _mm256_broadcast_sd(ap + 5 * rsa);                                   \
            c50 = _mm256_fmadd_pd(av, b0, c50); c51 = _mm256_fmadd_pd(av, b1, c51); }         \
    }

/* Start the accumulators from C's tile (a later block of k): LOAD(x) reads 2 vectors at x. */
#define SMALL_INIT_FROM_C(LOAD0, LOAD1)                                                        \
    do {                                                                                       \
        const E *cr = c;                                                                       \
        c00 = LOAD0; c01 = LOAD1;                                                              \
        if (R > 1) { cr = c + rsc; c10 = LOAD0; c11 = LOAD1; }                                 \
        if (R > 2) { cr = c + 2 * rsc; c20 = LOAD0; c21 = LOAD1; }                             \
        if (R > 3) { cr = c + 3 * rsc; c30 = LOAD0; c31 = LOAD1; }                             \
        if (R > 4) { cr = c + 4 * rsc; c40 = LOAD0; c41 = LOAD1; }                             \
        if (R > 5) { cr = c + 5 * rsc; c50 = LOAD0; c51 = LOAD1; }                             \
    } while (0)

/* (acc: add to C's tile, for a later block of k; 0: C's old contents are not read) */
static __attribute__((always_inline)) inline void small_d_tile(
    const int R, int acc, ptrdiff_t cols, ptrdiff_t k, const double *a, ptrdiff_t rsa,
    ptrdiff_t csa, const double *b, ptrdiff_t rsb, double *c, ptrdiff_t rsc) {
    typedef double E;
    __m256d c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_pd();
    if (acc) {
        if (cols >= 8)
            SMALL_INIT_FROM_C(_mm256_loadu_pd(cr), _mm256_loadu_pd(cr + 4));
        else
            SMALL_INIT_FROM_C(_mm256_maskload_pd(cr, tail_mask(cols)),
                              _mm256_maskload_pd(cr + 4, tail_mask(cols - 4)));
    }
    if (cols >= 8) {
        SMALL_D_LOOP(_mm256_loadu_pd(bp), _mm256_loadu_pd(bp + 4))
        __m256d rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
        for (int r = 0; r < R; r++) {
            _mm256_storeu_pd(c + r * rsc, rows[r][0]);
            _mm256_storeu_pd(c + r * rsc + 4, rows[r][1]);
        }
    } else { /* masked loads (cheap); stores through a scratch row (masked stores are slow on AMD) */
        __m256i m0 = tail_mask(cols), m1 = tail_mask(cols - 4);
        SMALL_D_LOOP(_mm256_maskload_pd(bp, m0), _mm256_maskload_pd(bp + 4, m1))
        __m256d rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
        for (int r = 0; r < R; r++) {
            double t[8];
            _mm256_storeu_pd(t, rows[r][0]);
            _mm256_storeu_pd(t + 4, rows[r][1]);
            for (ptrdiff_t q = 0; q < cols; q++) c[r * rsc + q] = t[q];
        }
    }
}
#undef SMALL_D_LOOP

static inline __m256i tail_mask_s(ptrdiff_t cols) {
    const __m256i idx = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(cols < 8 ? (cols < 0 ? 0 : cols) : 8)), idx);
}

/* float32 twin of small_d_tile: up to 6 rows x 16 columns of C over all of k, accumulators in registers (12 independent FMA
 * chains, more than enough to hide the FMA latency).  R is a compile-time constant after inlining. */
#define SMALL_S_LOOP(LOAD0, LOAD1)                                                             \
    for (ptrdiff_t p = 0; p < k; p++) {                                                        \
        const float *bp = b + p * rsb;                                                        \
        __m256 b0 = LOAD0, b1 = LOAD1, av;                                                    \
        const float *ap = a + p * csa;                                                        \
        av = _mm256_broadcast_ss(ap);                                                          \
        c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);               \
        if (R > 1) { av = _mm256_broadcast_ss(ap + rsa);                                       \
            c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11); }         \
        if (R > 2) { av = _mm256_broadcast_ss(ap + 2 * rsa);                                   \
            c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21); }         \
        if (R > 3) { av = _mm256_broadcast_ss(ap + 3 * rsa);                                   \
            c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31); }         \
        if (R > 4) { av = _mm256_broadcast_ss(ap + 4 * rsa);                                   \
            c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41); }         \
        if (R > 5) { av = _mm256_broadcast_ss(ap + 5 * rsa);                                   \
            c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51); }         \
    }

static __attribute__((always_inline)) inline void small_s_tile(
    const int R, int acc, ptrdiff_t cols, ptrdiff_t k, const float *a, ptrdiff_t rsa,
    ptrdiff_t csa, const float *b, ptrdiff_t rsb, float *c, ptrdiff_t rsc) {
    typedef float E;
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
    if (acc) {
        if (cols >= 16)
            SMALL_INIT_FROM_C(_mm256_loadu_ps(cr), _mm256_loadu_ps(cr + 8));
        else
            SMALL_INIT_FROM_C(_mm256_maskload_ps(cr, tail_mask_s(cols)),
                              _mm256_maskload_ps(cr + 8, tail_mask_s(cols - 8)));
    }
    if (cols >= 16) {
        SMALL_S_LOOP(_mm256_loadu_ps(bp), _mm256_loadu_ps(bp + 8))
        __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
        for (int r = 0; r < R; r++) {
            _mm256_storeu_ps(c + r * rsc, rows[r][0]);
            _mm256_storeu_ps(c + r * rsc + 8, rows[r][1]);
        }
    } else { /* masked loads (cheap); stores through a scratch row (masked stores are slow on AMD) */
        __m256i m0 = tail_mask_s(cols), m1 = tail_mask_s(cols - 8);
        SMALL_S_LOOP(_mm256_maskload_ps(bp, m0), _mm256_maskload_ps(bp + 8, m1))
        __m256 rows[6][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
        for (int r = 0; r < R; r++) {
            float t[16];
            _mm256_storeu_ps(t, rows[r][0]);
            _mm256_storeu_ps(t + 8, rows[r][1]);
            for (ptrdiff_t q = 0; q < cols; q++) c[r * rsc + q] = t[q];
        }
    }
}
#undef SMALL_S_LOOP
#undef SMALL_INIT_FROM_C

/* C = A @ B (alpha 1, beta 0) with contiguous rows of B and C, unpacked, in 6-row x CHUNK-column
 * tiles (TILE: small_d_tile / small_s_tile).
 * A row stride of B that is a multiple of 256 bytes (a 64 x 64 matrix: 512) puts a chunk of
 * B's rows in a few L1 sets, where A and C keep evicting it: float64 n = 64 ran at 41 GFLOP/s
 * with B's stride 64 and 52 with 68.  Such a B (at most 64 x 64) is first copied chunk by
 * chunk (k x CHUNK, contiguous, zero-padded); every row strip reuses the chunks.
 * Rows outer: a 6-row sliver of A stays in L1 while it meets every column chunk of B (in
 * L1/L2), so tall A is streamed once.  A B larger than CYL_SMALL_B_BLOCK goes in blocks of its
 * rows (cyl_small_kblock), each through every strip, the tiles adding into C after the first:
 * a chunk then walks a few rows of B, not all k of them a whole row apart (1 x 2048 @
 * 2048 x 2048, float64: a new page every row, 0.20x numpy). */
#define CYL_DEFINE_SMALL_ROWS(NAME, E, TILE, CHUNK)                                              \
    static void NAME(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const E *a, ptrdiff_t rsa,            \
                     ptrdiff_t csa, const E *b, ptrdiff_t rsb, E *c, ptrdiff_t rsc) {             \
        E bpack[64 * 64 + CHUNK] __attribute__((aligned(64)));                                    \
        const int packed = m > 6 && k >= 16 && (rsb * (ptrdiff_t)sizeof(E)) % 256 == 0 &&        \
                           k * (n + CHUNK - 1) / CHUNK * CHUNK <= 64 * 64;                       \
        if (packed)                                                                              \
            for (ptrdiff_t j = 0; j < n; j += CHUNK) {                                           \
                E *dst = bpack + j * k;                                                          \
                ptrdiff_t cols = n - j < CHUNK ? n - j : CHUNK;                                  \
                for (ptrdiff_t p = 0; p < k; p++) {                                              \
                    const E *src = b + p * rsb + j;                                              \
                    ptrdiff_t q = 0;                                                             \
                    for (; q < cols; q++) dst[p * CHUNK + q] = src[q];                           \
                    for (; q < CHUNK; q++) dst[p * CHUNK + q] = 0;                               \
                }                                                                                \
            }                                                                                    \
        const ptrdiff_t ldb = packed ? CHUNK : rsb;                                              \
        /* (a copied B is at most 64 x 64: one block) */                                         \
        const ptrdiff_t kb = cyl_small_kblock(m, k, n * (ptrdiff_t)sizeof(E), 6);                \
        for (ptrdiff_t p0 = 0; p0 < k; p0 += kb) {                                               \
            const ptrdiff_t kk = k - p0 < kb ? k - p0 : kb;                                      \
            const int acc = p0 > 0;                                                              \
            const E *a0 = a + p0 * csa, *b0 = b + p0 * rsb;                                      \
            ptrdiff_t i = 0;                                                                     \
            for (; i + 6 <= m; i += 6)                                                           \
                for (ptrdiff_t j = 0; j < n; j += CHUNK)                                         \
                    TILE(6, acc, n - j, kk, a0 + i * rsa, rsa, csa,                              \
                         packed ? bpack + j * k : b0 + j, ldb, c + i * rsc + j, rsc);            \
            for (ptrdiff_t j = 0; j < n; j += CHUNK) {                                           \
                ptrdiff_t cols = n - j;                                                          \
                const E *bj = packed ? bpack + j * k : b0 + j;                                   \
                const E *ai = a0 + i * rsa;                                                      \
                E *ci = c + i * rsc + j;                                                         \
                switch (m - i) {                                                                 \
                case 5: TILE(5, acc, cols, kk, ai, rsa, csa, bj, ldb, ci, rsc); break;           \
                case 4: TILE(4, acc, cols, kk, ai, rsa, csa, bj, ldb, ci, rsc); break;           \
                case 3: TILE(3, acc, cols, kk, ai, rsa, csa, bj, ldb, ci, rsc); break;           \
                case 2: TILE(2, acc, cols, kk, ai, rsa, csa, bj, ldb, ci, rsc); break;           \
                case 1: TILE(1, acc, cols, kk, ai, rsa, csa, bj, ldb, ci, rsc); break;           \
                default: break;                                                                  \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
    }
CYL_DEFINE_SMALL_ROWS(small_d_rows, double, small_d_tile, 8)
CYL_DEFINE_SMALL_ROWS(small_s_rows, float, small_s_tile, 16)
#undef CYL_DEFINE_SMALL_ROWS

CYL_DEFINE_PLAIN_SMALL(small_s_avx2, float, small_s_rows, cyl_gemm_small_s_avx2)
CYL_DEFINE_PLAIN_SMALL(small_d_avx2, double, small_d_rows, cyl_gemm_small_d_avx2)

/* ---- stacks of tiny matrices (rows of B and C contiguous) ---------------------------------
 * One matrix at a time, its column count N a compile-time constant after inlining (and, for
 * squares, every trip count): row i of C = sum_p A[i,p] * B[p,:] in up to 6 vectors, masked
 * loads for the last columns, no masked stores (slow on AMD: a partial row goes through a
 * small buffer).  Complex rows hold 2N reals (re, im interleaved); as in the packed complex
 * kernels the k loop is pure FMAs into a.re*b and a.im*b, combined once per row with a pair
 * swap and addsub.  conja applies to complex A only. */
#define CYL_DEFINE_TINY(NAME, E, V, W, CPLX, LOADU, MASKLOAD, MASK, STOREU, BCAST, FMADD, SWAP,   \
                        ADDSUB, ZERO)                                                            \
    static __attribute__((always_inline)) inline void NAME(                                      \
        const int N, ptrdiff_t m, ptrdiff_t k, int conja, const E *a, ptrdiff_t rsa,             \
        ptrdiff_t csa, const E *b, ptrdiff_t rsb, E *c, ptrdiff_t rsc) {                         \
        const int reals = (CPLX + 1) * N, nv = (reals + W - 1) / W, last = reals - W * (nv - 1); \
        const __m256i tail = MASK(last);                                                         \
        for (ptrdiff_t i = 0; i < m; i++) {                                                      \
            V re[6] = {ZERO(), ZERO(), ZERO(), ZERO(), ZERO(), ZERO()};                          \
            V im[6] = {ZERO(), ZERO(), ZERO(), ZERO(), ZERO(), ZERO()};                          \
            for (ptrdiff_t p = 0; p < k; p++) {                                                  \
                const E *aip = a + (CPLX + 1) * (i * rsa + p * csa);                             \
                V ar = BCAST(aip[0]), ai = CPLX ? BCAST(conja ? -aip[CPLX] : aip[CPLX]) : ar;    \
                const E *bp = b + (CPLX + 1) * p * rsb;                                          \
                for (int v = 0; v < nv; v++) {                                                   \
                    V bv = v == nv - 1 && last < W ? MASKLOAD(bp + W * v, tail) : LOADU(bp + W * v); \
                    re[v] = FMADD(ar, bv, re[v]);                                                \
                    if (CPLX) im[v] = FMADD(ai, bv, im[v]);                                      \
                }                                                                                \
            }                                                                                    \
            if (CPLX)                                                                            \
                for (int v = 0; v < nv; v++) re[v] = ADDSUB(re[v], SWAP(im[v]));                 \
            E *ci = c + (CPLX + 1) * i * rsc;                                                    \
            if (last == W) {                                                                     \
                for (int v = 0; v < nv; v++) STOREU(ci + W * v, re[v]);                          \
            } else {                                                                             \
                E t[6 * W];                                                                      \
                for (int v = 0; v < nv; v++) STOREU(t + W * v, re[v]);                           \
                for (int q = 0; q < reals; q++) ci[q] = t[q];                                    \
            }                                                                                    \
        }                                                                                        \
    }

static inline __m256d swap_pairs_d(__m256d x) { return _mm256_permute_pd(x, 0x5); }
static inline __m256 swap_pairs_s(__m256 x) { return _mm256_permute_ps(x, 0xB1); }
CYL_DEFINE_TINY(tiny_d, double, __m256d, 4, 0, _mm256_loadu_pd, _mm256_maskload_pd, tail_mask,
                _mm256_storeu_pd, _mm256_set1_pd, _mm256_fmadd_pd, swap_pairs_d, _mm256_addsub_pd,
                _mm256_setzero_pd)
CYL_DEFINE_TINY(tiny_s, float, __m256, 8, 0, _mm256_loadu_ps, _mm256_maskload_ps, tail_mask_s,
                _mm256_storeu_ps, _mm256_set1_ps, _mm256_fmadd_ps, swap_pairs_s, _mm256_addsub_ps,
                _mm256_setzero_ps)
CYL_DEFINE_TINY(tiny_z, double, __m256d, 4, 1, _mm256_loadu_pd, _mm256_maskload_pd, tail_mask,
                _mm256_storeu_pd, _mm256_set1_pd, _mm256_fmadd_pd, swap_pairs_d, _mm256_addsub_pd,
                _mm256_setzero_pd)
CYL_DEFINE_TINY(tiny_c, float, __m256, 8, 1, _mm256_loadu_ps, _mm256_maskload_ps, tail_mask_s,
                _mm256_storeu_ps, _mm256_set1_ps, _mm256_fmadd_ps, swap_pairs_s, _mm256_addsub_ps,
                _mm256_setzero_ps)
#undef CYL_DEFINE_TINY

/* The stack loop over tiny matrices, one instantiation per column count up to NMAX (TINY_FN,
 * TINY_ELT (the element type), TINY_REAL name the kernel and its types). */
#define TINY_ONE(N)                                                                            \
    case N:                                                                                    \
        if (m == N && k == N)                                                                  \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c, {                                            \
                TINY_FN(N, N, N, conja, (const TINY_REAL *)at, rsa, csa, (const TINY_REAL *)bt, rsb, \
                        (TINY_REAL *)ct, rsc);                                                 \
            });                                                                                \
        else                                                                                   \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c, {                                            \
                TINY_FN(N, m, k, conja, (const TINY_REAL *)at, rsa, csa, (const TINY_REAL *)bt, rsb, \
                        (TINY_REAL *)ct, rsc);                                                 \
            });                                                                                \
        break;
#define TINY_CASES_8 TINY_ONE(1) TINY_ONE(2) TINY_ONE(3) TINY_ONE(4) TINY_ONE(5) TINY_ONE(6) TINY_ONE(7) TINY_ONE(8)
#define TINY_CASES_12 TINY_CASES_8 TINY_ONE(9) TINY_ONE(10) TINY_ONE(11) TINY_ONE(12)
#define TINY_CASES_16 TINY_CASES_12 TINY_ONE(13) TINY_ONE(14) TINY_ONE(15) TINY_ONE(16)
#define CYL_DEFINE_STACK_TINY(NAME, CASES)                                                       \
    static void NAME(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,            \
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, char *c,         \
                     ptrdiff_t rsc, struct cyl_batch *it) {                                      \
        switch (n) {                                                                             \
            CASES                                                                                \
        default: break;                                                                          \
        }                                                                                        \
    }
#define TINY_FN tiny_d
#define TINY_ELT double
#define TINY_REAL double
CYL_DEFINE_STACK_TINY(stack_d_tiny, TINY_CASES_8)
#undef TINY_FN
#undef TINY_ELT
#undef TINY_REAL
#define TINY_FN tiny_s
#define TINY_ELT float
#define TINY_REAL float
CYL_DEFINE_STACK_TINY(stack_s_tiny, TINY_CASES_16)
#undef TINY_FN
#undef TINY_ELT
#undef TINY_REAL
#define TINY_FN tiny_z
#define TINY_ELT cyl_cd
#define TINY_REAL double
CYL_DEFINE_STACK_TINY(stack_z_tiny, TINY_CASES_12)
#undef TINY_FN
#undef TINY_ELT
#undef TINY_REAL
#define TINY_FN tiny_c
#define TINY_ELT cyl_cf
#define TINY_REAL float
CYL_DEFINE_STACK_TINY(stack_c_tiny, TINY_CASES_12)
#undef TINY_FN
#undef TINY_ELT
#undef TINY_REAL
#undef CYL_DEFINE_STACK_TINY
#undef TINY_CASES_16
#undef TINY_CASES_12
#undef TINY_CASES_8
#undef TINY_ONE

/* complex stacks up to 12x12 with contiguous rows of B and C; the template's loops otherwise
 * (including its unrolled 2x2 and 3x3 squares). */
#define CYL_DEFINE_STACK_COMPLEX(NAME, TINY, TEMPLATE)                                           \
    static void NAME(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,            \
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,   \
                     char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {              \
        if (csb == 1 && csc == 1 && m <= 12 && n <= 12 && k <= 12 &&                             \
            !(m == n && n == k && m <= 3 && !conja))                                             \
            TINY(conja, m, n, k, a, rsa, csa, b, rsb, c, rsc, it);                               \
        else                                                                                     \
            TEMPLATE(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);                 \
    }
CYL_DEFINE_STACK_COMPLEX(stack_z_avx2, stack_z_tiny, cyl_gemm_stack_z_avx2)
CYL_DEFINE_STACK_COMPLEX(stack_c_avx2, stack_c_tiny, cyl_gemm_stack_c_avx2)
#undef CYL_DEFINE_STACK_COMPLEX

/* float64 3x3 and 4x4 stacks with contiguous rows of B and C: one ymm per row of C,
 * C[i,:] = sum_p A[i,p] * B[p,:], N*N FMAs per matrix.  N is a constant after inlining.
 * - 3x3 rows of B and C go as a 16-byte and an 8-byte piece, not masked: masked loads cost
 *   twice as much once the stack comes from memory (100000 matrices: 12.6 against 6.8 ns a
 *   matrix), masked stores are slow on AMD.  1 thread, 100000 matrices: 3.4-4.1x -> 5.8-6.0x
 *   numpy (the template's scalar loop before); 3.7 ns a matrix from cache.
 * - 4x4 is memory-bound; an output of CYL_STREAM_MIN_BYTES or more is written with streaming
 *   stores (stream), which skip reading in the lines they overwrite (a quarter of the
 *   traffic): 100000 matrices, 1 thread, 1.35-1.6 ms -> 0.79-0.94 ms; at 30000 (3.8 MB of
 *   output, still in L3) no difference either way. */
#define CYL_STREAM_MIN_BYTES ((ptrdiff_t)4 << 20)
static __attribute__((always_inline)) inline void stack_d_square(const int N, const int stream,
                                                                  const char *a, ptrdiff_t rsa,
                                                                  ptrdiff_t csa, const char *b,
                                                                  ptrdiff_t rsb, char *c,
                                                                  ptrdiff_t rsc, struct cyl_batch *it) {
    CYL_STACK_LOOP(it, double, a, b, c, {
        __m256d bp[4];
        for (int p = 0; p < N; p++) {
            const double *row = bt + p * rsb;
            bp[p] = N == 4 ? _mm256_loadu_pd(row)
                           : _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(row)),
                                                  _mm_load_sd(row + 2), 1);
        }
        for (int i = 0; i < N; i++) {
            const double *ai = at + i * rsa;
            __m256d r = _mm256_mul_pd(_mm256_broadcast_sd(ai), bp[0]);
            for (int p = 1; p < N; p++) r = _mm256_fmadd_pd(_mm256_broadcast_sd(ai + p * csa), bp[p], r);
            double *ci = ct + i * rsc;
            __m128d lo = _mm256_castpd256_pd128(r), hi = _mm256_extractf128_pd(r, 1);
            if (stream) { /* 16-byte halves: numpy's large arrays are 16-byte, not 32-byte, aligned */
                _mm_stream_pd(ci, lo);
                _mm_stream_pd(ci + 2, hi);
            } else if (N == 4) {
                _mm256_storeu_pd(ci, r);
            } else {
                _mm_storeu_pd(ci, lo);
                _mm_store_sd(ci + 2, hi);
            }
        }
    });
    if (stream) _mm_sfence(); /* order the streamed stores before the caller's barrier */
}

/* Every row of every matrix of C starts on 16 bytes (what _mm_stream_pd needs). */
static int stack_rows_16_aligned(const char *c, ptrdiff_t rsc, const struct cyl_batch *it) {
    if (((uintptr_t)(c + it->offset[2]) & 15) || (rsc * (ptrdiff_t)sizeof(double)) & 15) return 0;
    for (int d = 0; d < it->ndim; d++)
        if (it->strides[2][d] & 15) return 0;
    return 1;
}

static void stack_d_avx2(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                         ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,
                         char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {
    if (csb == 1 && csc == 1 && !(m == 4 && n == 4 && k == 4) && !(m == n && n == k && m <= 3)) {
        if (m <= 8 && n <= 8 && k <= 8)
            stack_d_tiny(conja, m, n, k, a, rsa, csa, b, rsb, c, rsc, it);
        else
            CYL_STACK_LOOP(it, double, a, b, c, { small_d_rows(m, n, k, at, rsa, csa, bt, rsb, ct, rsc); });
        return;
    }
    if (m == 3 && n == 3 && k == 3 && csb == 1 && csc == 1) {
        stack_d_square(3, 0, a, rsa, csa, b, rsb, c, rsc, it);
        return;
    }
    if (!(m == 4 && n == 4 && k == 4 && csb == 1 && csc == 1)) {
        cyl_gemm_stack_d_avx2(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);
        return;
    }
    if (it->count * (ptrdiff_t)(16 * sizeof(double)) >= CYL_STREAM_MIN_BYTES &&
        stack_rows_16_aligned(c, rsc, it))
        stack_d_square(4, 1, a, rsa, csa, b, rsb, c, rsc, it);
    else
        stack_d_square(4, 0, a, rsa, csa, b, rsb, c, rsc, it);
}

/* float32 stacks with contiguous rows of B and C: the unpacked row kernel per matrix. */
static void stack_s_avx2(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                         ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,
                         char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {
    if (csb == 1 && csc == 1 && !(m == n && n == k && m <= 4)) {
        if (m <= 16 && n <= 16 && k <= 16)
            stack_s_tiny(conja, m, n, k, a, rsa, csa, b, rsb, c, rsc, it);
        else
            CYL_STACK_LOOP(it, float, a, b, c, { small_s_rows(m, n, k, at, rsa, csa, bt, rsb, ct, rsc); });
        return;
    }
    cyl_gemm_stack_s_avx2(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);
}

void cyl_gemm_small_avx2_kernels(cyl_gemm_kernel out[4]) {
    fill_small_s_avx2(&out[CYL_F32]);
    fill_small_d_avx2(&out[CYL_F64]);
    fill_small_c_avx2(&out[CYL_C64]);
    fill_small_z_avx2(&out[CYL_C128]);
    out[CYL_F64].stack = stack_d_avx2;
    out[CYL_F64].small = small_d_avx2;
    out[CYL_F32].small = small_s_avx2;
    out[CYL_F32].stack = stack_s_avx2;
    out[CYL_C128].stack = stack_z_avx2;
    out[CYL_C64].stack = stack_c_avx2;
    out[CYL_F32].small_max = 64 * 64 * 64;
    out[CYL_F32].tall_kmax = 64;
    out[CYL_F64].tall_kmax = 64;
    out[CYL_F64].small_max = 64 * 64 * 64; /* measured crossover with the packed path */
    /* unpacked plain products up to 176^3, where the packed path caught up (in-process, AVX2
     * tiles against the packed path on the AVX-512 level: n = 80 1.01 vs 0.80x numpy, 128 1.18 vs 1.00x, 192 1.01 vs
     * 1.06x with 1 thread; with 2, n = 96 1.29 vs 0.88x, 256 0.81 vs 1.03x) */
    out[CYL_F64].plain_max = 176 * 176 * 176;
    /* one strip of the row kernel (6 rows) against any B: 1 x 4096 @ 4096 x 4096 1.19x numpy
     * unpacked, 0.38x packed; 8 rows (two strips) lost to the packed path (0.63x / 0.88x) */
    out[CYL_F32].wide_mmax = 6;
    out[CYL_F64].wide_mmax = 6;
}
