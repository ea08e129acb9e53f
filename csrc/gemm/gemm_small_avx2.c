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
    CYL_NO_LIBC_IDIOMS static void NAME(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const E *a,       \
                                        ptrdiff_t rsa, ptrdiff_t csa, const E *b, ptrdiff_t rsb,  \
                                        E *c, ptrdiff_t rsc) {                                    \
        E bpack[64 * 64 + CHUNK] __attribute__((aligned(64)));                                    \
        const int packed = m > 6 && k >= 16 && (rsb * (ptrdiff_t)sizeof(E)) % 256 == 0 &&        \
                           k * (n + CHUNK - 1) / CHUNK * CHUNK <= 64 * 64;                       \
        /* (row by row, in order, and no memmove call per piece: 2000 32x32 float64 from memory \
         * 3.3 -> 2.7 us a matrix) */                                                            \
        if (packed)                                                                              \
            for (ptrdiff_t p = 0; p < k; p++)                                                    \
                for (ptrdiff_t j = 0; j < n; j += CHUNK) {                                       \
                    E *dst = bpack + j * k + p * CHUNK;                                          \
                    const E *src = b + p * rsb + j;                                              \
                    ptrdiff_t cols = n - j < CHUNK ? n - j : CHUNK, q = 0;                       \
                    for (; q < cols; q++) dst[q] = src[q];                                       \
                    for (; q < CHUNK; q++) dst[q] = 0;                                           \
                }                                                                                \
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
 * squares, every trip count).
 * Real: C's rows in blocks of R, the block's accumulators in registers across k, so a row of B
 * is loaded once per block, not once per row of C (R = 8 rows of one vector, 6 of two, 4 of
 * three: at most 12 accumulators in the 16 ymm registers).  100000 matrices, 1 thread, out=,
 * against one row at a time: float32 7x7 0.87 -> 2.3x numpy, 12x12 0.57 -> 1.3x, float64
 * 12x12 (the 6-row tiles of small_d_rows before) 0.88 -> 1.4x.
 * A row's last columns are read and written in 16-, 8- and 4-byte pieces, not masked: masked
 * loads cost twice as much once the stack comes from memory (3x3 float64, 100000 matrices:
 * 12.6 against 6.8 ns a matrix), masked stores are slow on AMD.
 * With stream (an output of CYL_STREAM_MIN_BYTES or more, every row of C on 16 bytes) C is
 * written with streaming stores, which skip reading in the lines they overwrite: the loop is
 * memory-bound, and that read is a quarter of its traffic (4x4 float64, 100000 matrices,
 * 1 thread: 1.35-1.6 -> 0.79-0.94 ms; no difference while the output fits in L3). */
#define CYL_STREAM_MIN_BYTES ((ptrdiff_t)4 << 20)

/* The first cnt (a constant) floats at p, in 16-, 8- and 4-byte pieces: cnt 1..4 in an xmm,
 * 1..8 in a ymm; the other lanes are zero. */
static __attribute__((always_inline)) inline __m128 load_part_s4(const float *p, const int cnt) {
    if (cnt == 4) return _mm_loadu_ps(p);
    if (cnt == 1) return _mm_load_ss(p);
    __m128 two = _mm_castsi128_ps(_mm_loadu_si64(p));
    return cnt == 2 ? two : _mm_movelh_ps(two, _mm_load_ss(p + 2));
}
static __attribute__((always_inline)) inline __m256 load_part_s(const float *p, const int cnt) {
    if (cnt == 8) return _mm256_loadu_ps(p);
    if (cnt <= 4) return _mm256_castps128_ps256(load_part_s4(p, cnt)); /* (VEX: upper half 0) */
    __m128 hi = load_part_s4(p + 4, cnt - 4);
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p)), hi, 1);
}
/* Stores of the same pieces; with stream, streaming stores (p on 16 bytes: numpy's large
 * arrays are 16-byte, not 32-byte, aligned). */
static __attribute__((always_inline)) inline void store_part_s4(float *p, __m128 v, const int cnt,
                                                                const int stream) {
    __m128i bits = _mm_castps_si128(v);
    if (stream) {
        if (cnt == 4) { _mm_stream_ps(p, v); return; }
        if (cnt >= 2) _mm_stream_si64((long long *)p, _mm_cvtsi128_si64(bits));
        if (cnt != 2) _mm_stream_si32((int *)p + cnt - 1, _mm_extract_epi32(bits, cnt - 1));
    } else if (cnt == 4) {
        _mm_storeu_ps(p, v);
    } else if (cnt == 1) {
        _mm_store_ss(p, v);
    } else {
        _mm_storeu_si64(p, bits);
        if (cnt == 3) _mm_store_ss(p + 2, _mm_movehl_ps(v, v));
    }
}
static __attribute__((always_inline)) inline void store_part_s(float *p, __m256 v, const int cnt,
                                                               const int stream) {
    if (cnt == 8 && !stream) { _mm256_storeu_ps(p, v); return; }
    store_part_s4(p, _mm256_castps256_ps128(v), cnt < 4 ? cnt : 4, stream);
    if (cnt > 4) store_part_s4(p + 4, _mm256_extractf128_ps(v, 1), cnt - 4, stream);
}
/* cnt doubles are 2*cnt floats' bytes; the even counts use only the 16- and 8-byte pieces,
 * whose intrinsics may alias any type. */
static __attribute__((always_inline)) inline __m256d load_part_d(const double *p, const int cnt) {
    return _mm256_castps_pd(load_part_s((const float *)p, 2 * cnt));
}
static __attribute__((always_inline)) inline void store_part_d(double *p, __m256d v, const int cnt,
                                                               const int stream) {
    store_part_s((float *)p, _mm256_castpd_ps(v), 2 * cnt, stream);
}

#define CYL_DEFINE_TINY_REAL(NAME, E, V, W, LOADU, LOAD_PART, STORE_PART, BCAST, FMADD, ZERO)   \
    static __attribute__((always_inline)) inline void NAME##_block(                              \
        const int N, const int R, const int stream, ptrdiff_t k, const E *a, ptrdiff_t rsa,      \
        ptrdiff_t csa, const E *b, ptrdiff_t rsb, E *c, ptrdiff_t rsc) {                         \
        const int nv = (N + W - 1) / W, last = N - W * (nv - 1);                                 \
        V acc[8][3], bv[3];                                                                      \
        for (int r = 0; r < R; r++)                                                              \
            for (int v = 0; v < nv; v++) acc[r][v] = ZERO();                                     \
        for (ptrdiff_t p = 0; p < k; p++) {                                                      \
            const E *bp = b + p * rsb, *ap = a + p * csa;                                        \
            for (int v = 0; v < nv; v++)                                                         \
                bv[v] = v < nv - 1 ? LOADU(bp + W * v) : LOAD_PART(bp + W * v, last);            \
            for (int r = 0; r < R; r++) {                                                        \
                V av = BCAST(ap + r * rsa);                                                      \
                for (int v = 0; v < nv; v++) acc[r][v] = FMADD(av, bv[v], acc[r][v]);            \
            }                                                                                    \
        }                                                                                        \
        for (int r = 0; r < R; r++)                                                              \
            for (int v = 0; v < nv; v++)                                                         \
                STORE_PART(c + r * rsc + W * v, acc[r][v], v < nv - 1 ? W : last, stream);       \
    }                                                                                            \
    static __attribute__((always_inline)) inline void NAME(                                      \
        const int N, const int stream, ptrdiff_t m, ptrdiff_t k, const E *a, ptrdiff_t rsa,      \
        ptrdiff_t csa, const E *b, ptrdiff_t rsb, E *c, ptrdiff_t rsc) {                         \
        const int nv = (N + W - 1) / W, R = nv == 1 ? 8 : nv == 2 ? 6 : 4;                       \
        ptrdiff_t i = 0;                                                                         \
        for (; i + R <= m; i += R)                                                               \
            NAME##_block(N, R, stream, k, a + i * rsa, rsa, csa, b, rsb, c + i * rsc, rsc);      \
        a += i * rsa;                                                                            \
        c += i * rsc;                                                                            \
        switch (m - i) {                                                                         \
        case 7: if (R > 7) NAME##_block(N, 7, stream, k, a, rsa, csa, b, rsb, c, rsc); break;    \
        case 6: if (R > 6) NAME##_block(N, 6, stream, k, a, rsa, csa, b, rsb, c, rsc); break;    \
        case 5: if (R > 5) NAME##_block(N, 5, stream, k, a, rsa, csa, b, rsb, c, rsc); break;    \
        case 4: if (R > 4) NAME##_block(N, 4, stream, k, a, rsa, csa, b, rsb, c, rsc); break;    \
        case 3: if (R > 3) NAME##_block(N, 3, stream, k, a, rsa, csa, b, rsb, c, rsc); break;    \
        case 2: NAME##_block(N, 2, stream, k, a, rsa, csa, b, rsb, c, rsc); break;               \
        case 1: NAME##_block(N, 1, stream, k, a, rsa, csa, b, rsb, c, rsc); break;               \
        default: break;                                                                          \
        }                                                                                        \
    }
CYL_DEFINE_TINY_REAL(tiny_d, double, __m256d, 4, _mm256_loadu_pd, load_part_d, store_part_d,
                     _mm256_broadcast_sd, _mm256_fmadd_pd, _mm256_setzero_pd)
CYL_DEFINE_TINY_REAL(tiny_s, float, __m256, 8, _mm256_loadu_ps, load_part_s, store_part_s,
                     _mm256_broadcast_ss, _mm256_fmadd_ps, _mm256_setzero_ps)
#undef CYL_DEFINE_TINY_REAL

/* Complex rows hold 2N reals (re, im interleaved), one row of C at a time in chunks of up to 4
 * vectors (8 accumulators).  As in the packed complex kernels the k loop is pure FMAs into
 * a.re*b and a.im*b, combined once per row with a pair swap and addsub.  conja applies to A. */
#define CYL_DEFINE_TINY_COMPLEX(NAME, E, V, W, LOADU, LOAD_PART, STORE_PART, BCAST, FMADD, SWAP, \
                                ADDSUB, ZERO)                                                    \
    static __attribute__((always_inline)) inline void NAME##_cols(                               \
        const int reals, ptrdiff_t m, ptrdiff_t k, int conja, const E *a, ptrdiff_t rsa,         \
        ptrdiff_t csa, const E *b, ptrdiff_t rsb, E *c, ptrdiff_t rsc) {                         \
        const int nv = (reals + W - 1) / W, last = reals - W * (nv - 1);                         \
        for (ptrdiff_t i = 0; i < m; i++) {                                                      \
            V re[4], im[4];                                                                      \
            for (int v = 0; v < nv; v++) re[v] = im[v] = ZERO();                                 \
            for (ptrdiff_t p = 0; p < k; p++) {                                                  \
                const E *aip = a + 2 * (i * rsa + p * csa), *bp = b + 2 * p * rsb;               \
                V ar = BCAST(aip[0]), ai = BCAST(conja ? -aip[1] : aip[1]);                      \
                for (int v = 0; v < nv; v++) {                                                   \
                    V bv = v < nv - 1 ? LOADU(bp + W * v) : LOAD_PART(bp + W * v, last);         \
                    re[v] = FMADD(ar, bv, re[v]);                                                \
                    im[v] = FMADD(ai, bv, im[v]);                                                \
                }                                                                                \
            }                                                                                    \
            E *ci = c + 2 * i * rsc;                                                             \
            for (int v = 0; v < nv; v++)                                                         \
                STORE_PART(ci + W * v, ADDSUB(re[v], SWAP(im[v])), v < nv - 1 ? W : last, 0);    \
        }                                                                                        \
    }                                                                                            \
    static __attribute__((always_inline)) inline void NAME(                                      \
        const int N, ptrdiff_t m, ptrdiff_t k, int conja, const E *a, ptrdiff_t rsa,             \
        ptrdiff_t csa, const E *b, ptrdiff_t rsb, E *c, ptrdiff_t rsc) {                         \
        if (2 * N > 4 * W) { /* (N <= 16: at most two chunks) */                                 \
            NAME##_cols(4 * W, m, k, conja, a, rsa, csa, b, rsb, c, rsc);                        \
            NAME##_cols(2 * N - 4 * W, m, k, conja, a, rsa, csa, b + 4 * W, rsb, c + 4 * W, rsc); \
        } else {                                                                                 \
            NAME##_cols(2 * N, m, k, conja, a, rsa, csa, b, rsb, c, rsc);                        \
        }                                                                                        \
    }

static inline __m256d swap_pairs_d(__m256d x) { return _mm256_permute_pd(x, 0x5); }
static inline __m256 swap_pairs_s(__m256 x) { return _mm256_permute_ps(x, 0xB1); }
CYL_DEFINE_TINY_COMPLEX(tiny_z, double, __m256d, 4, _mm256_loadu_pd, load_part_d, store_part_d,
                        _mm256_set1_pd, _mm256_fmadd_pd, swap_pairs_d, _mm256_addsub_pd,
                        _mm256_setzero_pd)
CYL_DEFINE_TINY_COMPLEX(tiny_c, float, __m256, 8, _mm256_loadu_ps, load_part_s, store_part_s,
                        _mm256_set1_ps, _mm256_fmadd_ps, swap_pairs_s, _mm256_addsub_ps,
                        _mm256_setzero_ps)
#undef CYL_DEFINE_TINY_COMPLEX

/* The stack loops over tiny matrices, one instantiation per column count up to NMAX; squares
 * get every trip count as a constant.  Real squares write C with streaming stores when stream
 * is set (see above); complex ones never do. */
#define TINY_REAL_ONE(N)                                                                       \
    case N:                                                                                    \
        if (m == N && k == N && stream)                                                        \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c,                                              \
                           { TINY_FN(N, 1, N, N, at, rsa, csa, bt, rsb, ct, rsc); });            \
        else if (m == N && k == N)                                                             \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c,                                              \
                           { TINY_FN(N, 0, N, N, at, rsa, csa, bt, rsb, ct, rsc); });            \
        else                                                                                   \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c,                                              \
                           { TINY_FN(N, 0, m, k, at, rsa, csa, bt, rsb, ct, rsc); });            \
        if (stream) _mm_sfence(); /* order the streamed stores before the caller's barrier */ \
        break;
#define TINY_COMPLEX_ONE(N)                                                                    \
    case N:                                                                                    \
        if (m == N && k == N)                                                                  \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c, {                                            \
                TINY_FN(N, N, N, conja, (const TINY_REAL *)at, rsa, csa,                       \
                        (const TINY_REAL *)bt, rsb, (TINY_REAL *)ct, rsc);                     \
            });                                                                                \
        else                                                                                   \
            CYL_STACK_LOOP(it, TINY_ELT, a, b, c, {                                            \
                TINY_FN(N, m, k, conja, (const TINY_REAL *)at, rsa, csa,                       \
                        (const TINY_REAL *)bt, rsb, (TINY_REAL *)ct, rsc);                     \
            });                                                                                \
        break;
#define TINY_CASES_8(ONE) ONE(1) ONE(2) ONE(3) ONE(4) ONE(5) ONE(6) ONE(7) ONE(8)
#define TINY_CASES_12(ONE) TINY_CASES_8(ONE) ONE(9) ONE(10) ONE(11) ONE(12)
#define TINY_CASES_16(ONE) TINY_CASES_12(ONE) ONE(13) ONE(14) ONE(15) ONE(16)
#define CYL_DEFINE_STACK_TINY(NAME, CASES)                                                       \
    static void NAME(int conja, int stream, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,               \
                     const char *a, ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb,   \
                     char *c, ptrdiff_t rsc, struct cyl_batch *it) {                             \
        (void)conja;                                                                             \
        (void)stream;                                                                            \
        switch (n) {                                                                             \
            CASES                                                                                \
        default: break;                                                                          \
        }                                                                                        \
    }
#define TINY_FN tiny_d
#define TINY_ELT double
CYL_DEFINE_STACK_TINY(stack_d_tiny, TINY_CASES_12(TINY_REAL_ONE)) /* CYL_STACK_TINY_NMAX_d */
#undef TINY_FN
#undef TINY_ELT
#define TINY_FN tiny_s
#define TINY_ELT float
CYL_DEFINE_STACK_TINY(stack_s_tiny, TINY_CASES_16(TINY_REAL_ONE)) /* CYL_STACK_TINY_NMAX_s */
#undef TINY_FN
#undef TINY_ELT
#define TINY_FN tiny_z
#define TINY_ELT cyl_cd
#define TINY_REAL double
CYL_DEFINE_STACK_TINY(stack_z_tiny, TINY_CASES_16(TINY_COMPLEX_ONE))
#undef TINY_FN
#undef TINY_ELT
#undef TINY_REAL
#define TINY_FN tiny_c
#define TINY_ELT cyl_cf
#define TINY_REAL float
CYL_DEFINE_STACK_TINY(stack_c_tiny, TINY_CASES_16(TINY_COMPLEX_ONE))
#undef TINY_FN
#undef TINY_ELT
#undef TINY_REAL
#undef CYL_DEFINE_STACK_TINY
#undef TINY_CASES_16
#undef TINY_CASES_12
#undef TINY_CASES_8
#undef TINY_COMPLEX_ONE
#undef TINY_REAL_ONE

/* Every row of every matrix of C starts on 16 bytes (what the streaming stores need). */
static int stack_rows_16_aligned(const char *c, ptrdiff_t rsc_bytes, const struct cyl_batch *it) {
    if (((uintptr_t)(c + it->offset[2]) & 15) || rsc_bytes & 15) return 0;
    for (int d = 0; d < it->ndim; d++)
        if (it->strides[2][d] & 15) return 0;
    return 1;
}

/* Streaming stores for C: a large output, every row on 16 bytes. */
static int stack_stream(const char *c, ptrdiff_t rsc, ptrdiff_t m, ptrdiff_t n, ptrdiff_t esize,
                        const struct cyl_batch *it) {
    return it->count * m * n * esize >= CYL_STREAM_MIN_BYTES &&
           stack_rows_16_aligned(c, rsc * esize, it);
}

/* Stacks with other layouts (a transposed B, as in a @ b.mT; C's rows strided): each matrix's
 * B is copied into a contiguous buffer, and C computed in one and copied out, so that the fast
 * loops run on them (FAST, the type's stack entry, on a batch of one): an O(n^2) copy against
 * O(n^3) arithmetic (a @ b.mT, 100000 matrices, 1 thread: float32 8x8 0.51 -> 2.4x numpy,
 * float64 12x12 0.35 -> 1.7x, the template's loops before).  A C with contiguous columns is
 * computed as C^T = B^T A^T instead, whose rows the loops write directly (float32 8x8 into
 * out=c.mT: 107 -> 46 ns a matrix).  Up to CYL_GATHER_BYTES of B and of C (2000 64x64
 * float64, a @ b.mT: 0.26 -> 1.1x numpy); not for 4x4x4 and below, where the template's loops
 * cost less than the copies' overhead (a @ b.mT, 100000 4x4 float64: 18.8 against 24.4 ns a
 * matrix). */
#define CYL_GATHER_BYTES 32768

/* A batch of one matrix at offset 0 (only the fields CYL_STACK_LOOP reads: zeroing the whole
 * struct, its stride tables included, cost 45 ns a matrix). */
static inline void batch_of_one(cyl_batch *one) {
    one->ndim = 0;
    one->nops = 3;
    one->count = 1;
    one->offset[0] = one->offset[1] = one->offset[2] = 0;
}
/* (the size rule above: worth copying, and B and C fit the buffers) */
static int gather_fits(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, ptrdiff_t esize) {
    return m * n * k > 64 && k * n * esize <= CYL_GATHER_BYTES && m * n * esize <= CYL_GATHER_BYTES;
}
#define CYL_DEFINE_STACK_GATHER(NAME, E, FAST)                                                   \
    static void FAST(int, ptrdiff_t, ptrdiff_t, ptrdiff_t, const char *, ptrdiff_t, ptrdiff_t,   \
                     const char *, ptrdiff_t, ptrdiff_t, char *, ptrdiff_t, ptrdiff_t,            \
                     struct cyl_batch *);                                                        \
    static void NAME(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,            \
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,   \
                     char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {              \
        if (csc != 1 && rsc == 1 && !conja && gather_fits(n, m, k, sizeof(E))) {                 \
            /* C^T = B^T A^T, whose rows are contiguous (its B, A^T, must fit the buffer too) */ \
            cyl_batch swapped = *it;                                                             \
            cyl_batch_swap_operands(&swapped, 0, 1);                                             \
            NAME(0, n, m, k, b, csb, rsb, a, csa, rsa, c, csc, 1, &swapped);                      \
            return;                                                                              \
        }                                                                                        \
        E bbuf[CYL_GATHER_BYTES / sizeof(E)] __attribute__((aligned(64)));                      \
        E cbuf[CYL_GATHER_BYTES / sizeof(E)] __attribute__((aligned(64)));                      \
        CYL_STACK_LOOP(it, E, a, b, c, {                                                         \
            const E *bs = bt;                                                                    \
            ptrdiff_t ldb = rsb;                                                                 \
            if (csb != 1) {                                                                      \
                if (rsb == 1) /* (B^T contiguous: read it column by column) */                   \
                    for (ptrdiff_t j = 0; j < n; j++)                                            \
                        for (ptrdiff_t p = 0; p < k; p++) bbuf[p * n + j] = bt[j * csb + p];     \
                else                                                                             \
                    for (ptrdiff_t p = 0; p < k; p++)                                            \
                        for (ptrdiff_t j = 0; j < n; j++) bbuf[p * n + j] = bt[p * rsb + j * csb]; \
                bs = bbuf;                                                                       \
                ldb = n;                                                                         \
            }                                                                                    \
            cyl_batch one;                                                                       \
            batch_of_one(&one);                                                                  \
            FAST(conja, m, n, k, (const char *)at, rsa, csa, (const char *)bs, ldb, 1,           \
                 csc == 1 ? (char *)ct : (char *)cbuf, csc == 1 ? rsc : n, 1, &one);             \
            if (csc != 1)                                                                        \
                for (ptrdiff_t i = 0; i < m; i++)                                                \
                    for (ptrdiff_t j = 0; j < n; j++) ct[i * rsc + j * csc] = cbuf[i * n + j];   \
        });                                                                                      \
    }
CYL_DEFINE_STACK_GATHER(stack_d_gather, double, stack_d_avx2)
CYL_DEFINE_STACK_GATHER(stack_s_gather, float, stack_s_avx2)
CYL_DEFINE_STACK_GATHER(stack_z_gather, cyl_cd, stack_z_avx2)
CYL_DEFINE_STACK_GATHER(stack_c_gather, cyl_cf, stack_c_avx2)
#undef CYL_DEFINE_STACK_GATHER

/* Stacks with contiguous rows of B and C: the tiny loops above up to CYL_STACK_TINY_NMAX_*
 * (12x12 float64, 16x16 float32), the unpacked row kernel per matrix beyond (float64 16x16: the
 * same speed as a tiny loop in two column chunks, 0.97-0.98x numpy; the AVX-512 level runs its
 * own row kernel there instead); other layouts gathered (above) or the template's loops. */
#define CYL_DEFINE_STACK_REAL(NAME, E, NMAX, GATHER, TINY, ROWS, TEMPLATE)                       \
    static void NAME(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,            \
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,   \
                     char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {              \
        if (csb != 1 || csc != 1) {                                                              \
            if (gather_fits(m, n, k, sizeof(E)))                                                 \
                GATHER(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);               \
            else                                                                                 \
                TEMPLATE(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);             \
        } else if (m <= NMAX && n <= NMAX && k <= NMAX) {                                        \
            TINY(conja, stack_stream(c, rsc, m, n, sizeof(E), it), m, n, k, a, rsa, csa, b, rsb, \
                 c, rsc, it);                                                                    \
        } else {                                                                                 \
            CYL_STACK_LOOP(it, E, a, b, c, { ROWS(m, n, k, at, rsa, csa, bt, rsb, ct, rsc); });  \
        }                                                                                        \
    }
CYL_DEFINE_STACK_REAL(stack_d_avx2, double, CYL_STACK_TINY_NMAX_d, stack_d_gather, stack_d_tiny,
                      small_d_rows, cyl_gemm_stack_d_avx2)
CYL_DEFINE_STACK_REAL(stack_s_avx2, float, CYL_STACK_TINY_NMAX_s, stack_s_gather, stack_s_tiny,
                      small_s_rows, cyl_gemm_stack_s_avx2)
#undef CYL_DEFINE_STACK_REAL

/* complex stacks up to 16x16: the tiny loops (other layouts gathered), except the template's
 * unrolled 2x2 and 3x3 squares; the template's loops beyond. */
#define CYL_DEFINE_STACK_COMPLEX(NAME, E, TINY, GATHER, TEMPLATE)                                \
    static void NAME(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,            \
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,   \
                     char *c, ptrdiff_t rsc, ptrdiff_t csc, struct cyl_batch *it) {              \
        if (m > 16 || n > 16 || k > 16 || (m == n && n == k && m <= 3 && !conja))                \
            TEMPLATE(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);                 \
        else if (csb != 1 || csc != 1)                                                           \
            GATHER(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);                   \
        else                                                                                     \
            TINY(conja, 0, m, n, k, a, rsa, csa, b, rsb, c, rsc, it);                            \
    }
CYL_DEFINE_STACK_COMPLEX(stack_z_avx2, cyl_cd, stack_z_tiny, stack_z_gather, cyl_gemm_stack_z_avx2)
CYL_DEFINE_STACK_COMPLEX(stack_c_avx2, cyl_cf, stack_c_tiny, stack_c_gather, cyl_gemm_stack_c_avx2)
#undef CYL_DEFINE_STACK_COMPLEX

/* A single complex product up to 16x16 (alpha 1, beta 0, contiguous rows of B and C): the tiny
 * loop on a batch of one; the template's loop otherwise.  complex128, 1 thread, ratio to numpy:
 * 8x8 2.26 -> 2.52, 12x12 1.41 -> 2.22 (template before), 16x16 1.30 (packed path) -> 1.41. */
#define CYL_DEFINE_SMALL_COMPLEX(NAME, E, TINY, TEMPLATE)                                        \
    static void NAME(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,                \
                     const void *alpha, const void *a, ptrdiff_t rsa, ptrdiff_t csa,              \
                     const void *b, ptrdiff_t rsb, ptrdiff_t csb, const void *beta, void *c,      \
                     ptrdiff_t rsc, ptrdiff_t csc) {                                              \
        const E *al = (const E *)alpha, *be = (const E *)beta;                                   \
        if (!conjb && csb == 1 && csc == 1 && m <= 16 && n <= 16 && k <= 16 && al->re == 1 &&    \
            al->im == 0 && be->re == 0 && be->im == 0) {                                         \
            cyl_batch one;                                                                       \
            batch_of_one(&one);                                                                  \
            TINY(conja, 0, m, n, k, (const char *)a, rsa, csa, (const char *)b, rsb, (char *)c,  \
                 rsc, &one);                                                                     \
            return;                                                                              \
        }                                                                                        \
        TEMPLATE(conja, conjb, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);     \
    }
CYL_DEFINE_SMALL_COMPLEX(small_z_avx2, cyl_cd, stack_z_tiny, cyl_gemm_small_z_avx2)
CYL_DEFINE_SMALL_COMPLEX(small_c_avx2, cyl_cf, stack_c_tiny, cyl_gemm_small_c_avx2)
#undef CYL_DEFINE_SMALL_COMPLEX

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
    out[CYL_C128].small = small_z_avx2;
    out[CYL_C64].small = small_c_avx2;
    out[CYL_C64].stack = stack_c_avx2;
    out[CYL_C64].small_max = 16 * 16 * 16; /* the tiny stack loops' limit */
    out[CYL_C128].small_max = 16 * 16 * 16;
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
