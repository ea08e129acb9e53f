/* AVX-512 GEMM micro-kernel, float64 (compiled with the *_avx512.c per-file flags).
 *
 * Shape of BLIS's zen4/skx kernels: a 24 x 8 tile whose 24 rows run along the vectors (3 zmm
 * loads of the packed A sliver per k step) and whose 8 columns are broadcasts of the packed B
 * sliver, 24 accumulators.  The tile's vectors must lie along C's contiguous dimension, which for
 * row-major C is a row: the driver runs such a "column-major" kernel on C^T = B^T A^T
 * (cyl_gemm_kernel.colmajor), so B's rows fill the vectors and A's columns are broadcast.
 *
 * Why: per k step 3 loads + 8 broadcasts + 24 FMAs on 8-wide vectors, against 2 loads + 6
 * broadcasts + 12 FMAs on 4-wide vectors for the AVX2 6x8 kernel, i.e. 35 instead of 80
 * instructions per 384 flops.  With the VM's other vCPU busy with FMAs, the cache-resident AVX2
 * kernel fell from 98% to 84% of the same-run FMA peak while this one held 93-97%; in the full
 * 2-thread product (n = 1024) it moved cylinalg from 0.90 to 0.99 of OpenBLAS's per-thread rate. */
#include <immintrin.h>
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

#define D_MR 24
#define D_NR 8
#define D_PREFETCH_STEPS 8 /* the A sliver streams from L2: fetch its lines this many k steps ahead */
/* The B sliver (one line per k step) comes from the L3-resident panel on the first tile of each
 * jr step and from L2 on the rest; left to the hardware prefetchers it cost 5-7% of the whole
 * product at 2048^3 and 4096^3 (1 thread: 45.9 -> 49.2 GF/s, 46.8 -> 50.5; 8 to 128 steps ahead
 * were within the noise of each other). */
#define D_PREFETCH_B_STEPS 32
#define D_C_LINES (4 * D_NR)
#define D_C_SPACING 2
#define D_C_LEAD_STEPS 32
#define EACH_COLUMN(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* C tile (rows along vectors: c[i*rsc + j*csc], rsc == 1 for the vector store path). */
static void ukr_d_24x8(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                       const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const double *ap = (const double *)ap_, *bp = (const double *)bp_;
    double *c = (double *)c_;
    const double alpha = *(const double *)alpha_, beta = *(const double *)beta_;
    /* Named accumulators (an array makes gcc keep them on the stack). */
#define DECLARE(j) __m512d c##j##0 = _mm512_setzero_pd(), c##j##1 = _mm512_setzero_pd(),      \
                           c##j##2 = _mm512_setzero_pd();
    EACH_COLUMN(DECLARE)
#undef DECLARE
#define COLUMN_STEP(j) {                                                                       \
        const __m512d bj = _mm512_set1_pd(bp[j]);                                              \
        c##j##0 = _mm512_fmadd_pd(a0, bj, c##j##0);                                            \
        c##j##1 = _mm512_fmadd_pd(a1, bj, c##j##1);                                            \
        c##j##2 = _mm512_fmadd_pd(a2, bj, c##j##2); }
#define K_STEP {                                                                               \
        const __m512d a0 = _mm512_loadu_pd(ap), a1 = _mm512_loadu_pd(ap + 8),                  \
                      a2 = _mm512_loadu_pd(ap + 16);                                           \
        _mm_prefetch((const char *)(ap + D_PREFETCH_STEPS * D_MR), _MM_HINT_T0);               \
        _mm_prefetch((const char *)(ap + D_PREFETCH_STEPS * D_MR + 8), _MM_HINT_T0);           \
        _mm_prefetch((const char *)(ap + D_PREFETCH_STEPS * D_MR + 16), _MM_HINT_T0);          \
        _mm_prefetch((const char *)(bp + D_PREFETCH_B_STEPS * D_NR), _MM_HINT_T0);             \
        EACH_COLUMN(COLUMN_STEP)                                                               \
        ap += D_MR;                                                                            \
        bp += D_NR; }
    /* The C tile (D_C_LINES lines: numpy's data sits 16 bytes past a page start, so a 24-double
     * row spans 4 lines) is needed only after the k loop.  Its lines are fetched one every
     * D_C_SPACING steps, ending D_C_LEAD_STEPS before the end.  All 32 at the start of the loop
     * were 3-4% slower (2048^3 and 4096^3, 1 thread), presumably because 32 misses to memory
     * at once hold the miss buffers that the A and B streams need; spacing 1 was slower too. */
    ptrdiff_t p = 0;
    const ptrdiff_t window = k - D_C_LEAD_STEPS - D_C_LINES * D_C_SPACING;
#pragma GCC unroll 2
    for (; p < window; p++) K_STEP
    for (int l = 0; l < D_C_LINES; l++) {
        const int part = l & 3; /* elements 0, 8, 16 and 23 of column l / 4 */
        _mm_prefetch((const char *)(c + (l >> 2) * csc + (part == 3 ? D_MR - 1 : 8 * part) * rsc),
                     _MM_HINT_T0);
        for (int s = 0; s < D_C_SPACING && p < k; s++, p++) K_STEP
    }
    for (; p < k; p++) K_STEP
#undef K_STEP
#undef COLUMN_STEP
    const __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
    if (rsc == 1) {
#define STORE(j) {                                                                             \
            double *cj = c + (j) * csc;                                                        \
            __m512d v0 = _mm512_mul_pd(va, c##j##0), v1 = _mm512_mul_pd(va, c##j##1),          \
                    v2 = _mm512_mul_pd(va, c##j##2);                                           \
            if (beta != 0.0) {                                                                 \
                v0 = _mm512_add_pd(v0, _mm512_mul_pd(vb, _mm512_loadu_pd(cj)));                \
                v1 = _mm512_add_pd(v1, _mm512_mul_pd(vb, _mm512_loadu_pd(cj + 8)));            \
                v2 = _mm512_add_pd(v2, _mm512_mul_pd(vb, _mm512_loadu_pd(cj + 16)));           \
            }                                                                                  \
            _mm512_storeu_pd(cj, v0);                                                          \
            _mm512_storeu_pd(cj + 8, v1);                                                      \
            _mm512_storeu_pd(cj + 16, v2); }
        EACH_COLUMN(STORE)
#undef STORE
    } else {
        double t[D_NR][D_MR];
#define SPILL(j)                                                                               \
        _mm512_storeu_pd(&t[j][0], _mm512_mul_pd(va, c##j##0));                                \
        _mm512_storeu_pd(&t[j][8], _mm512_mul_pd(va, c##j##1));                                \
        _mm512_storeu_pd(&t[j][16], _mm512_mul_pd(va, c##j##2));
        EACH_COLUMN(SPILL)
#undef SPILL
        for (int j = 0; j < D_NR; j++)
            for (int i = 0; i < D_MR; i++) {
                double *cij = c + i * rsc + j * csc;
                *cij = beta == 0.0 ? t[j][i] : t[j][i] + beta * *cij;
            }
    }
}

/* ---- unpacked plain products (alpha 1, beta 0, rows of B and C contiguous) ----------------
 * The small/medium path of the AVX2 level (gemm_small_avx2.c) with zmm vectors: tiles of up to
 * 8 rows x 16 columns, 16 accumulators, 2 loads + 8 broadcasts + 16 FMAs per k step (twice the
 * flops per instruction of the AVX2 6x8 tile).  Partial column chunks use AVX-512 masked loads
 * and stores, which unlike AVX2's vmaskmov stores are cheap on AMD. */
#define SD_ROWS 8
#define SD_CHUNK 16
#define EACH_SMALL_ROW(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* R rows x NV vectors of C over all of k; R, NV and masked are constants after inlining. */
static __attribute__((always_inline)) inline void small_d_tile(
    const int R, const int NV, const int masked, ptrdiff_t cols, ptrdiff_t k, const double *a,
    ptrdiff_t rsa, ptrdiff_t csa, const double *b, ptrdiff_t rsb, double *c, ptrdiff_t rsc) {
    const __mmask8 m0 = cols >= 8 ? 0xFF : (__mmask8)((1u << cols) - 1);
    const __mmask8 m1 = cols >= 16 ? 0xFF : cols > 8 ? (__mmask8)((1u << (cols - 8)) - 1) : 0;
#define DECLARE(r) __m512d c##r##0 = _mm512_setzero_pd(), c##r##1 = _mm512_setzero_pd();
    EACH_SMALL_ROW(DECLARE)
#undef DECLARE
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < k; p++) {
        const double *bp = b + p * rsb, *ap = a + p * csa;
        const __m512d b0 = masked ? _mm512_maskz_loadu_pd(m0, bp) : _mm512_loadu_pd(bp);
        const __m512d b1 = NV < 2   ? _mm512_setzero_pd()
                           : masked ? _mm512_maskz_loadu_pd(m1, bp + 8)
                                    : _mm512_loadu_pd(bp + 8);
#define ROW_STEP(r)                                                                            \
        if (R > r) {                                                                           \
            const __m512d av = _mm512_set1_pd(ap[r * rsa]);                                    \
            c##r##0 = _mm512_fmadd_pd(av, b0, c##r##0);                                        \
            if (NV > 1) c##r##1 = _mm512_fmadd_pd(av, b1, c##r##1);                            \
        }
        EACH_SMALL_ROW(ROW_STEP)
#undef ROW_STEP
    }
#define ROW_STORE(r)                                                                           \
    if (R > r) {                                                                               \
        if (masked) {                                                                          \
            _mm512_mask_storeu_pd(c + r * rsc, m0, c##r##0);                                   \
            if (NV > 1) _mm512_mask_storeu_pd(c + r * rsc + 8, m1, c##r##1);                   \
        } else {                                                                               \
            _mm512_storeu_pd(c + r * rsc, c##r##0);                                            \
            if (NV > 1) _mm512_storeu_pd(c + r * rsc + 8, c##r##1);                            \
        }                                                                                      \
    }
    EACH_SMALL_ROW(ROW_STORE)
#undef ROW_STORE
}

/* Rows of C in strips of SD_ROWS (the remaining rows as one shorter tile), each strip across
 * all column chunks: the strip's rows of A stay in L1 while B (at most 176 x 176 here) stays in
 * L1/L2.  B is read in place: the AVX2 path copies a B whose row stride is a multiple of 256
 * bytes (its 8-wide chunks crowd a few L1 sets), but with 16-wide chunks the copy cost more
 * than it saved (n = 64: 1.07x numpy without it, 0.98x with it; n = 32: 1.35x against 1.0x). */
static void small_d_rows(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const double *a, ptrdiff_t rsa,
                         ptrdiff_t csa, const double *b, ptrdiff_t rsb, double *c, ptrdiff_t rsc) {
    const ptrdiff_t nfull = n / SD_CHUNK * SD_CHUNK;
#define STRIP(R)                                                                               \
    do {                                                                                       \
        ptrdiff_t j = 0;                                                                       \
        for (; j < nfull; j += SD_CHUNK)                                                       \
            small_d_tile(R, 2, 0, SD_CHUNK, k, ai, rsa, csa, b + j, rsb, ci + j, rsc);         \
        if (n - j > 8)                                                                         \
            small_d_tile(R, 2, 1, n - j, k, ai, rsa, csa, b + j, rsb, ci + j, rsc);            \
        else if (j < n) /* one vector: no FMAs on a zero half */                               \
            small_d_tile(R, 1, n - j < 8, n - j, k, ai, rsa, csa, b + j, rsb, ci + j, rsc);    \
    } while (0)
    ptrdiff_t i = 0;
    for (; i + SD_ROWS <= m; i += SD_ROWS) {
        const double *ai = a + i * rsa;
        double *ci = c + i * rsc;
        STRIP(8);
    }
    if (i < m) {
        const double *ai = a + i * rsa;
        double *ci = c + i * rsc;
        switch (m - i) {
        case 7: STRIP(7); break;
        case 6: STRIP(6); break;
        case 5: STRIP(5); break;
        case 4: STRIP(4); break;
        case 3: STRIP(3); break;
        case 2: STRIP(2); break;
        default: STRIP(1); break;
        }
    }
#undef STRIP
}

static cyl_gemm_small_fn g_small_d_below; /* the level below's small path: every other case */

CYL_DEFINE_PLAIN_SMALL(small_d_avx512, double, small_d_rows, g_small_d_below)

/* Blocking (run on C^T, so "m" is the product's n): MC 96-192 were within 1% of each other at
 * n = 1024, 1 and 2 threads.  KC 512 halves the passes over C against 256 (C re-read and
 * re-written from memory once per pass when it outgrows L3): 1 thread, 4096^3 50.3 -> 51.4 and
 * 2048^3 49.9 -> 50.9 GF/s (medians of 12 and 31 alternating calls), no loss at 1024.  The B
 * panel is then KC x NC = 8 MiB, shared by the threads; the A block 576 KiB per thread (L2).
 * Products with fewer than 2*MR columns keep the row-major kernel of the level below
 * (`narrow`): a 24-wide tile would be mostly padding. */
void cyl_gemm_avx512_kernels(cyl_gemm_kernel out[4], const cyl_gemm_kernel below[4]) {
    out[CYL_F64].ukr = ukr_d_24x8;
    out[CYL_F64].mr = D_MR; out[CYL_F64].nr = D_NR;
    out[CYL_F64].mc = 144; out[CYL_F64].kc = 512; out[CYL_F64].nc = 2048;
    out[CYL_F64].colmajor = 1;
    out[CYL_F64].narrow = &below[CYL_F64];
    out[CYL_F64].name = "avx512 24x8 (on C^T)";
    g_small_d_below = below[CYL_F64].small;
    out[CYL_F64].small = small_d_avx512;
}
