/* Shared between the GEMM driver and its per-ISA kernel files (not public). */
#ifndef CYLINALG_GEMM_INTERNAL_H
#define CYLINALG_GEMM_INTERNAL_H
#include "cylinalg/gemm.h"
#include "cylinalg/batch.h"

/* Longest row the unpacked small path handles (its accumulator lives on the stack). */
#define CYL_SMALL_NMAX 64

/* The unpacked row kernels take a B of more than CYL_SMALL_B_BLOCK bytes in blocks of its rows
 * (at least CYL_SMALL_KB_MIN), each block staying in L2 while every strip of C's rows passes. */
#define CYL_SMALL_B_BLOCK (256 * 1024)
#define CYL_SMALL_KB_MIN 8

/* Rows of B per block of k for those kernels, whose strips of C have `strip` rows.  One strip
 * reads B once whatever the block: then the fewest rows, the fewest concurrent streams. */
static inline ptrdiff_t cyl_small_kblock(ptrdiff_t m, ptrdiff_t k, ptrdiff_t row_bytes,
                                         ptrdiff_t strip) {
    if (k * row_bytes <= CYL_SMALL_B_BLOCK) return k;
    ptrdiff_t kb = m <= strip ? CYL_SMALL_KB_MIN : CYL_SMALL_B_BLOCK / row_bytes;
    return kb < CYL_SMALL_KB_MIN ? CYL_SMALL_KB_MIN : kb;
}

/* Largest matrices (every dimension) that the AVX2 level's tiny stack loops take, by type
 * code; larger stacks run a row kernel per matrix. */
#define CYL_STACK_TINY_NMAX_d 12
#define CYL_STACK_TINY_NMAX_s 16

void cyl_gemm_small_avx2_kernels(cyl_gemm_kernel out[4]);

/* Loop over every matrix of a 3-operand batch iterator (A, B, C), running BODY with at, bt, ct
 * (typed pointers to the current matrices).  The innermost batch dimension is a plain strided
 * loop; the odometer only steps between rows of it. */
#define CYL_STACK_LOOP(it, TA, a, b, c, ...)                                                   \
    do {                                                                                        \
        int nd_ = (it)->ndim;                                                                   \
        ptrdiff_t inner_ = nd_ > 0 ? (it)->shape[nd_ - 1] : 1;                                  \
        ptrdiff_t sa_ = nd_ > 0 ? (it)->strides[0][nd_ - 1] : 0;                                \
        ptrdiff_t sb_ = nd_ > 0 ? (it)->strides[1][nd_ - 1] : 0;                                \
        ptrdiff_t sc_ = nd_ > 0 ? (it)->strides[2][nd_ - 1] : 0;                                \
        for (ptrdiff_t t_ = 0; t_ < (it)->count; t_ += inner_) {                               \
            const char *ra_ = (a) + (it)->offset[0], *rb_ = (b) + (it)->offset[1];              \
            char *rc_ = (c) + (it)->offset[2];                                                  \
            for (ptrdiff_t u_ = 0; u_ < inner_; u_++) {                                         \
                const TA *at = (const TA *)(ra_ + u_ * sa_);                                    \
                const TA *bt = (const TA *)(rb_ + u_ * sb_);                                    \
                TA *ct = (TA *)(rc_ + u_ * sc_);                                                \
                __VA_ARGS__                                                                     \
            }                                                                                   \
            cyl_batch_next_row(it);                                                             \
        }                                                                                       \
    } while (0)

/* Step the batch iterator to the start of the next row of its innermost dimension. */
static inline void cyl_batch_next_row(cyl_batch *it) {
    for (int d = it->ndim - 2; d >= 0; d--) {
        it->index[d]++;
        for (int op = 0; op < it->nops; op++) it->offset[op] += it->strides[op][d];
        if (it->index[d] < it->shape[d]) return;
        for (int op = 0; op < it->nops; op++) it->offset[op] -= it->strides[op][d] * it->shape[d];
        it->index[d] = 0;
    }
}

/* A small-path entry (a cyl_gemm_small_fn): plain products (alpha 1, beta 0, rows of B and C
 * contiguous) go to the unpacked row kernel ROWS of element type E, every other case to
 * FALLBACK (a cyl_gemm_small_fn). */
#define CYL_DEFINE_PLAIN_SMALL(NAME, E, ROWS, FALLBACK)                                          \
    static void NAME(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,                \
                     const void *alpha, const void *a, ptrdiff_t rsa, ptrdiff_t csa,              \
                     const void *b, ptrdiff_t rsb, ptrdiff_t csb, const void *beta, void *c,      \
                     ptrdiff_t rsc, ptrdiff_t csc) {                                              \
        if (csb == 1 && csc == 1 && *(const E *)alpha == (E)1 && *(const E *)beta == (E)0) {     \
            ROWS(m, n, k, (const E *)a, rsa, csa, (const E *)b, rsb, (E *)c, rsc);               \
            return;                                                                              \
        }                                                                                        \
        FALLBACK(conja, conjb, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);     \
    }

/* A colmajor kernel (run on C^T) packs B^T and A^T through the strided packing loops; below
 * about 192^3 that costs more than its faster k loop gains (1 thread, float64: n = 64 0.86x,
 * n = 96 0.77x numpy against 1.0x / 0.85x with the AVX2 6x8 kernel), so smaller products keep
 * the row-major kernel (`narrow`). */
#define CYL_GEMM_COLMAJOR_MIN_MNK (192.0 * 192.0 * 192.0)

/* Outputs (beta = 0) from this size on have their pages touched before the product starts. */
#define CYL_GEMM_TOUCH_MIN_BYTES (4.0 * 1024 * 1024)
/* ... in chunks of about a huge page, claimed by the threads in turn. */
#define CYL_GEMM_TOUCH_CHUNK_BYTES ((ptrdiff_t)2 * 1024 * 1024)

/* The FMA peak probe (peak_avx2.c): independent FMA chains per loop step, and its zmm version. */
#define CYL_PEAK_CHAINS 12
double cyl_fma_peak_run_avx512(long iters);

#define CYL_GEMM_MAX_TILE 384 /* mr*nr of the largest micro-kernel tile (AVX-512 float32 48 x 8) */
#endif
