/* AVX-512 GEMM kernels for a real type code TC (d or s), included once per type by
 * ukr_avx512.c, which defines VT (the zmm type), VI(op) (the intrinsic _mm512_op_pd/_ps), MT
 * (the lane mask type) and LANES (elements per zmm) for the current TC.
 *
 * Micro-kernel: BLIS's zen4/skx shape, a (3 LANES) x 8 tile (24 x 8 doubles, 48 x 8 floats)
 * whose rows run along the vectors (3 zmm loads of the packed A sliver per k step) and whose
 * 8 columns are broadcasts of the packed B sliver, 24 accumulators.  The tile's vectors must
 * lie along C's contiguous dimension, which for row-major C is a row: the driver runs such a
 * "column-major" kernel on C^T = B^T A^T (cyl_gemm_kernel.colmajor), so B's rows fill the
 * vectors and A's columns are broadcast.
 *
 * Why (float64): per k step 3 loads + 8 broadcasts + 24 FMAs on 8-wide vectors, against 2 loads
 * + 6 broadcasts + 12 FMAs on 4-wide vectors for the AVX2 6x8 kernel, i.e. 35 instead of 80
 * instructions per 384 flops.  With the VM's other vCPU busy with FMAs, the cache-resident AVX2
 * kernel fell from 98% to 84% of the same-run FMA peak while this one held 93-97%; in the full
 * 2-thread product (n = 1024) it moved cylinalg from 0.90 to 0.99 of OpenBLAS's per-thread
 * rate.  A row of the tile is 192 bytes for either type, so the prefetch distances below hold
 * for both. */
#define K_MR (3 * LANES)
#define K_NR 8
#define K_PREFETCH_STEPS 8 /* the A sliver streams from L2: fetch its lines this many k steps ahead */
/* The B sliver (one line per k step for float64, half a line for float32) comes from the
 * L3-resident panel on the first tile of each jr step and from L2 on the rest; left to the
 * hardware prefetchers it cost 5-7% of the whole float64 product at 2048^3 and 4096^3 (1 thread:
 * 45.9 -> 49.2 GF/s, 46.8 -> 50.5, on Zen 4).  128 steps ahead rather than 32: with 2 threads,
 * half the panel was packed by the other core, 350-420 ns away when the VM's vCPUs sit on
 * distant cores (Zen 5, float64, 2 threads, means of 14-15 alternating runs with distant vCPUs:
 * 1024^3 230.8 -> 233.1 GF/s, 2048^3 242.8 -> 246.3; near: 2048^3 246.8 -> 250.0; 1 thread
 * 2048^3 129.3 -> 131.9; float32 level). */
#define K_PREFETCH_B_STEPS 128
#define K_C_LINES (4 * K_NR)
#define K_C_SPACING 2
#define K_C_LEAD_STEPS 32
#define EACH_COLUMN(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* C tile (rows along vectors: c[i*rsc + j*csc], rsc == 1 for the vector store path). */
static void FN(ukr_avx512)(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                           const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const T *ap = (const T *)ap_, *bp = (const T *)bp_;
    T *c = (T *)c_;
    const T alpha = *(const T *)alpha_, beta = *(const T *)beta_;
    /* Named accumulators (an array makes gcc keep them on the stack). */
#define DECLARE(j) VT c##j##0 = VI(setzero)(), c##j##1 = VI(setzero)(), c##j##2 = VI(setzero)();
    EACH_COLUMN(DECLARE)
#undef DECLARE
#define COLUMN_STEP(j) {                                                                       \
        const VT bj = VI(set1)(bp[j]);                                                         \
        c##j##0 = VI(fmadd)(a0, bj, c##j##0);                                                  \
        c##j##1 = VI(fmadd)(a1, bj, c##j##1);                                                  \
        c##j##2 = VI(fmadd)(a2, bj, c##j##2); }
#define K_STEP {                                                                               \
        const VT a0 = VI(loadu)(ap), a1 = VI(loadu)(ap + LANES), a2 = VI(loadu)(ap + 2 * LANES); \
        _mm_prefetch((const char *)(ap + K_PREFETCH_STEPS * K_MR), _MM_HINT_T0);               \
        _mm_prefetch((const char *)(ap + K_PREFETCH_STEPS * K_MR + LANES), _MM_HINT_T0);       \
        _mm_prefetch((const char *)(ap + K_PREFETCH_STEPS * K_MR + 2 * LANES), _MM_HINT_T0);   \
        _mm_prefetch((const char *)(bp + K_PREFETCH_B_STEPS * K_NR), _MM_HINT_T0);             \
        EACH_COLUMN(COLUMN_STEP)                                                               \
        ap += K_MR;                                                                            \
        bp += K_NR; }
    /* The C tile (K_C_LINES lines: numpy's data sits 16 bytes past a page start, so a 192-byte
     * row spans 4 lines) is needed only after the k loop.  Its lines are fetched one every
     * K_C_SPACING steps, ending K_C_LEAD_STEPS before the end.  All 32 at the start of the loop
     * were 3-4% slower (float64 2048^3 and 4096^3, 1 thread), presumably because 32 misses to
     * memory at once hold the miss buffers that the A and B streams need; spacing 1 was slower
     * too. */
    ptrdiff_t p = 0;
    const ptrdiff_t window = k - K_C_LEAD_STEPS - K_C_LINES * K_C_SPACING;
#pragma GCC unroll 2
    for (; p < window; p++) K_STEP
    for (int l = 0; l < K_C_LINES; l++) {
        const int part = l & 3; /* elements 0, LANES, 2 LANES and the last of column l / 4 */
        _mm_prefetch((const char *)(c + (l >> 2) * csc + (part == 3 ? K_MR - 1 : LANES * part) * rsc),
                     _MM_HINT_T0);
        for (int s = 0; s < K_C_SPACING && p < k; s++, p++) K_STEP
    }
    for (; p < k; p++) K_STEP
#undef K_STEP
#undef COLUMN_STEP
    const VT va = VI(set1)(alpha), vb = VI(set1)(beta);
    if (rsc == 1) {
#define STORE(j) {                                                                             \
            T *cj = c + (j) * csc;                                                             \
            VT v0 = VI(mul)(va, c##j##0), v1 = VI(mul)(va, c##j##1), v2 = VI(mul)(va, c##j##2); \
            if (beta != 0) {                                                                   \
                v0 = VI(add)(v0, VI(mul)(vb, VI(loadu)(cj)));                                  \
                v1 = VI(add)(v1, VI(mul)(vb, VI(loadu)(cj + LANES)));                          \
                v2 = VI(add)(v2, VI(mul)(vb, VI(loadu)(cj + 2 * LANES)));                      \
            }                                                                                  \
            VI(storeu)(cj, v0);                                                                \
            VI(storeu)(cj + LANES, v1);                                                        \
            VI(storeu)(cj + 2 * LANES, v2); }
        EACH_COLUMN(STORE)
#undef STORE
    } else {
        T t[K_NR][K_MR];
#define SPILL(j)                                                                               \
        VI(storeu)(&t[j][0], VI(mul)(va, c##j##0));                                            \
        VI(storeu)(&t[j][LANES], VI(mul)(va, c##j##1));                                        \
        VI(storeu)(&t[j][2 * LANES], VI(mul)(va, c##j##2));
        EACH_COLUMN(SPILL)
#undef SPILL
        for (int j = 0; j < K_NR; j++)
            for (int i = 0; i < K_MR; i++) {
                T *cij = c + i * rsc + j * csc;
                *cij = beta == 0 ? t[j][i] : t[j][i] + beta * *cij;
            }
    }
}

/* ---- unpacked plain products (alpha 1, beta 0, rows of B and C contiguous) ----------------
 * The small/medium path of the AVX2 level (gemm_small_avx2.c) with zmm vectors: tiles of up to
 * 8 rows x 2 vectors, 16 accumulators, 2 loads + 8 broadcasts + 16 FMAs per k step (twice the
 * flops per instruction of the AVX2 tiles).  Partial column chunks use AVX-512 masked loads
 * and stores, which unlike AVX2's vmaskmov stores are cheap on AMD. */
#define SMALL_ROWS 8
#define SMALL_CHUNK (2 * LANES)
#define EACH_SMALL_ROW(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)

/* R rows x NV vectors of C over k steps, into C (acc = 0) or added to it (acc = 1, a later
 * block of k); R, NV and masked are constants after inlining. */
static __attribute__((always_inline)) inline void FN(small_tile_avx512)(
    const int R, const int NV, const int masked, int acc, ptrdiff_t cols, ptrdiff_t k,
    const T *a, ptrdiff_t rsa, ptrdiff_t csa, const T *b, ptrdiff_t rsb, T *c, ptrdiff_t rsc) {
    const MT all = (MT)~0u;
    const MT m0 = cols >= LANES ? all : (MT)((1u << cols) - 1);
    const MT m1 = cols >= 2 * LANES ? all : cols > LANES ? (MT)((1u << (cols - LANES)) - 1) : 0;
#define DECLARE(r) VT c##r##0 = VI(setzero)(), c##r##1 = VI(setzero)();
    EACH_SMALL_ROW(DECLARE)
#undef DECLARE
#define ROW_LOAD(r)                                                                                if (R > r) {                                                                                       c##r##0 = VI(maskz_loadu)(m0, c + r * rsc);                                                    if (NV > 1) c##r##1 = VI(maskz_loadu)(m1, c + r * rsc + LANES);                            }
    if (acc) {
        EACH_SMALL_ROW(ROW_LOAD)
    }
#undef ROW_LOAD
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < k; p++) {
        const T *bp = b + p * rsb, *ap = a + p * csa;
        const VT b0 = masked ? VI(maskz_loadu)(m0, bp) : VI(loadu)(bp);
        const VT b1 = NV < 2   ? VI(setzero)()
                      : masked ? VI(maskz_loadu)(m1, bp + LANES)
                               : VI(loadu)(bp + LANES);
#define ROW_STEP(r)                                                                            \
        if (R > r) {                                                                           \
            const VT av = VI(set1)(ap[r * rsa]);                                               \
            c##r##0 = VI(fmadd)(av, b0, c##r##0);                                              \
            if (NV > 1) c##r##1 = VI(fmadd)(av, b1, c##r##1);                                  \
        }
        EACH_SMALL_ROW(ROW_STEP)
#undef ROW_STEP
    }
#define ROW_STORE(r)                                                                           \
    if (R > r) {                                                                               \
        if (masked) {                                                                          \
            VI(mask_storeu)(c + r * rsc, m0, c##r##0);                                         \
            if (NV > 1) VI(mask_storeu)(c + r * rsc + LANES, m1, c##r##1);                     \
        } else {                                                                               \
            VI(storeu)(c + r * rsc, c##r##0);                                                  \
            if (NV > 1) VI(storeu)(c + r * rsc + LANES, c##r##1);                              \
        }                                                                                      \
    }
    EACH_SMALL_ROW(ROW_STORE)
#undef ROW_STORE
}

/* Rows of C in strips of SMALL_ROWS (the remaining rows as one shorter tile), each strip across
 * all column chunks: the strip's rows of A stay in L1 while B (or its block) stays in L2.  A B
 * larger than CYL_SMALL_B_BLOCK goes in blocks of its rows (blocks of k), each block through
 * every strip, the tiles adding into C after the first: a chunk of columns then walks a few rows of B, not all
 * k of them at a stride of a whole row (1 x 2048 @ 2048 x 2048, float64: a new page on every
 * row, 0.23x numpy).  B is read in place: the AVX2 path copies a B whose row stride is a
 * multiple of 256 bytes (its 8-wide chunks crowd a few L1 sets), but with 16-wide chunks the
 * copy cost more than it saved (float64 n = 64: 1.07x numpy without it, 0.98x with it; n = 32:
 * 1.35x against 1.0x). */
static void FN(small_rows_avx512)(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const T *a,
                                  ptrdiff_t rsa, ptrdiff_t csa, const T *b, ptrdiff_t rsb, T *c,
                                  ptrdiff_t rsc) {
    const ptrdiff_t nfull = n / SMALL_CHUNK * SMALL_CHUNK;
    const ptrdiff_t kb = cyl_small_kblock(m, k, n * (ptrdiff_t)sizeof(T), SMALL_ROWS);
#define STRIP(R)                                                                               \
    do {                                                                                       \
        ptrdiff_t j = 0;                                                                       \
        for (; j < nfull; j += SMALL_CHUNK)                                                    \
            FN(small_tile_avx512)(R, 2, 0, acc, SMALL_CHUNK, kk, ai, rsa, csa, bp + j, rsb,    \
                                  ci + j, rsc);                                                \
        if (n - j > LANES)                                                                     \
            FN(small_tile_avx512)(R, 2, 1, acc, n - j, kk, ai, rsa, csa, bp + j, rsb, ci + j,  \
                                  rsc);                                                        \
        else if (j < n) /* one vector: no FMAs on a zero half */                               \
            FN(small_tile_avx512)(R, 1, n - j < LANES, acc, n - j, kk, ai, rsa, csa, bp + j,   \
                                  rsb, ci + j, rsc);                                           \
    } while (0)
    for (ptrdiff_t p0 = 0; p0 < k; p0 += kb) {
        const ptrdiff_t kk = k - p0 < kb ? k - p0 : kb;
        const int acc = p0 > 0;
        const T *bp = b + p0 * rsb;
        ptrdiff_t i = 0;
        for (; i + SMALL_ROWS <= m; i += SMALL_ROWS) {
            const T *ai = a + i * rsa + p0 * csa;
            T *ci = c + i * rsc;
            STRIP(8);
        }
        if (i < m) {
            const T *ai = a + i * rsa + p0 * csa;
            T *ci = c + i * rsc;
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
    }
#undef STRIP
}

static cyl_gemm_small_fn FN(g_small_below); /* the level below's small path: every other case */

CYL_DEFINE_PLAIN_SMALL(FN(small_avx512), T, FN(small_rows_avx512), FN(g_small_below))

static cyl_gemm_stack_fn FN(g_stack_below); /* the level below's stack loops: every other case */

/* Stacks beyond the tiny loops' sizes, with contiguous rows of B and C: the row kernel above
 * per matrix, as for a single product, in place of the AVX2 level's 6 x 8 tiles.  1 thread,
 * ratio to numpy, AVX2 tiles -> this (in-process, best of 7 medians): operands in cache (4 MiB)
 * float64 24 / 32 / 64: 0.96 / 0.88 / 0.94 -> 1.04 / 1.02 / 1.02, float32 24 / 32: 0.88 / 0.95
 * -> 0.98 / 1.00; from memory (64 MiB) float64 24 / 48: 1.02 / 0.99 -> 1.15 / 1.14, 32: 0.78
 * -> 0.86, float32 64: 0.80 -> 0.89 (Zen 4; there, prefetching the next matrix, every line, T0
 * or T1, cost 30-40% at 24 and 32 and gained 10% at 64).  On Zen 5, 100000 float64 16x16 into out= took 27-28.5 ms against numpy's 18.5, the
 * time going to C's stores (read for ownership from memory) and A's loads.  Fetching every line
 * of the matrix after next (A, B, and C for writing; into L1: L2 was slower) before each
 * product, 100000 matrices into out=, ms before -> after (numpy):
 *   float64 13: 10.1 -> 9.9 (20.7), 16: 28.7 -> 20.7 (18.0), 20: 43 -> 32 (48.6),
 *           24: 70 -> 61 (75), 27: 83 -> 76 (106); 32x32 (8 KiB operands) no gain or a loss;
 *   float32 17: 9.9 -> 11.2 (14.5), 20: 12.8 -> 15.4 (18.8), 24: 22.2 -> 25.3 (21.5),
 *           28: 38.8 -> 31.0 (45.5), 32: 64.5 -> 48.9-54.6 (66), 36: 72.7 -> 69.4 (97).
 * So operands spanning STACK_PREFETCH_MIN_BYTES (by type) to STACK_PREFETCH_MAX_BYTES get it. */
#define STACK_PREFETCH_AHEAD 2
#define STACK_PREFETCH_MIN_BYTES CYL_CAT2(STACK_PREFETCH_MIN_BYTES_, TC)
#define STACK_PREFETCH_MIN_BYTES_d 0
#define STACK_PREFETCH_MIN_BYTES_s 3072
#define STACK_PREFETCH_MAX_BYTES 6144

/* Every line of [p, p + bytes) into L1, for writing if `write`. */
static inline void FN(prefetch_span)(const char *p, ptrdiff_t bytes, const int write) {
    for (ptrdiff_t l = 0; l < bytes; l += 64) {
        if (write)
            __builtin_prefetch(p + l, 1, 3);
        else
            __builtin_prefetch(p + l, 0, 3);
    }
}

static void FN(stack_avx512)(int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                             ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb,
                             ptrdiff_t csb, char *c, ptrdiff_t rsc, ptrdiff_t csc,
                             struct cyl_batch *it) {
    const ptrdiff_t tiny = CYL_CAT2(CYL_STACK_TINY_NMAX_, TC);
    if (csb == 1 && csc == 1 && (m > tiny || n > tiny || k > tiny)) {
        /* bytes from each operand's first element to past its last (rows of B and C contiguous) */
        const ptrdiff_t span_a = ((m - 1) * rsa + (k - 1) * csa + 1) * (ptrdiff_t)sizeof(T);
        const ptrdiff_t span_b = ((k - 1) * rsb + n) * (ptrdiff_t)sizeof(T);
        const ptrdiff_t span_c = ((m - 1) * rsc + n) * (ptrdiff_t)sizeof(T);
        const int nd = it->ndim;
        if (nd == 0 || span_a <= 0 || span_a > STACK_PREFETCH_MAX_BYTES ||
            span_b > STACK_PREFETCH_MAX_BYTES || span_c > STACK_PREFETCH_MAX_BYTES ||
            span_b < STACK_PREFETCH_MIN_BYTES) {
            CYL_STACK_LOOP(it, T, a, b, c,
                           { FN(small_rows_avx512)(m, n, k, at, rsa, csa, bt, rsb, ct, rsc); });
            return;
        }
        /* the matrix after next along the innermost batch dimension (past its end, the lines
         * are wasted: a prefetch never faults) */
        const ptrdiff_t ahead_a = STACK_PREFETCH_AHEAD * it->strides[0][nd - 1];
        const ptrdiff_t ahead_b = STACK_PREFETCH_AHEAD * it->strides[1][nd - 1];
        const ptrdiff_t ahead_c = STACK_PREFETCH_AHEAD * it->strides[2][nd - 1];
        CYL_STACK_LOOP(it, T, a, b, c, {
            FN(prefetch_span)((const char *)at + ahead_a, span_a, 0);
            FN(prefetch_span)((const char *)bt + ahead_b, span_b, 0);
            FN(prefetch_span)((const char *)ct + ahead_c, span_c, 1);
            FN(small_rows_avx512)(m, n, k, at, rsa, csa, bt, rsb, ct, rsc);
        });
        return;
    }
    FN(g_stack_below)(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);
}

#undef K_MR
#undef K_NR
#undef K_PREFETCH_STEPS
#undef K_PREFETCH_B_STEPS
#undef K_C_LINES
#undef K_C_SPACING
#undef K_C_LEAD_STEPS
#undef EACH_COLUMN
#undef SMALL_ROWS
#undef STACK_PREFETCH_AHEAD
#undef STACK_PREFETCH_MAX_BYTES
#undef STACK_PREFETCH_MIN_BYTES
#undef SMALL_CHUNK
#undef EACH_SMALL_ROW
