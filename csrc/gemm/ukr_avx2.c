/* AVX2+FMA GEMM micro-kernels (compiled with -mavx2 -mfma by setup.py's per-file flags).
 *
 * Real kernels (BLIS haswell shape): each k step loads one row of the packed B sliver (NR
 * values = 2 vectors), broadcasts the MR values of the packed A column, and does 2*MR FMAs
 * into 2*MR accumulators (12 of the 16 ymm registers).
 * Complex kernels keep C interleaved (re, im) like numpy: they broadcast a.re and a.im
 * separately into two accumulator sets (a.re*b, a.im*b) and combine them once at the end with a
 * pair swap and addsub, so the k loop is pure FMAs. */
#include <immintrin.h>
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

/* ---- float64, 6 x 8 ---------------------------------------------------------------- */
#define D_MR 6
#define D_NR 8
static void ukr_d_6x8(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                      const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const double *ap = (const double *)ap_, *bp = (const double *)bp_;
    double *c = (double *)c_;
    const double alpha = *(const double *)alpha_, beta = *(const double *)beta_;
    /* C's tile is needed only after the k loop: start fetching it now (for large C it comes
     * from memory, and the stall would otherwise cost ~20% at k = 256) */
    for (int i = 0; i < D_MR; i++) {
        _mm_prefetch((const char *)(c + i * rsc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * rsc + (D_NR - 1) * csc), _MM_HINT_T0);
    }
    /* Named accumulators: an array here makes gcc spill them to the stack every step. */
    __m256d c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_pd();
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < k; p++) {
        __m256d b0 = _mm256_loadu_pd(bp), b1 = _mm256_loadu_pd(bp + 4), ai;
        _mm_prefetch((const char *)(bp + 64), _MM_HINT_T0);
#define D_ROW(i)                                                                           \
        ai = _mm256_broadcast_sd(ap + i);                                                  \
        c##i##0 = _mm256_fmadd_pd(ai, b0, c##i##0);                                        \
        c##i##1 = _mm256_fmadd_pd(ai, b1, c##i##1);
        D_ROW(0) D_ROW(1) D_ROW(2) D_ROW(3) D_ROW(4) D_ROW(5)
#undef D_ROW
        ap += D_MR;
        bp += D_NR;
    }
    __m256d acc[D_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
    if (csc == 1) {
        for (int i = 0; i < D_MR; i++) {
            double *ci = c + i * rsc;
            __m256d v0 = _mm256_mul_pd(va, acc[i][0]), v1 = _mm256_mul_pd(va, acc[i][1]);
            if (beta != 0.0) {
                v0 = _mm256_add_pd(v0, _mm256_mul_pd(vb, _mm256_loadu_pd(ci)));
                v1 = _mm256_add_pd(v1, _mm256_mul_pd(vb, _mm256_loadu_pd(ci + 4)));
            }
            _mm256_storeu_pd(ci, v0);
            _mm256_storeu_pd(ci + 4, v1);
        }
    } else {
        double t[D_MR][D_NR];
        for (int i = 0; i < D_MR; i++) {
            _mm256_storeu_pd(&t[i][0], _mm256_mul_pd(va, acc[i][0]));
            _mm256_storeu_pd(&t[i][4], _mm256_mul_pd(va, acc[i][1]));
        }
        for (int i = 0; i < D_MR; i++)
            for (int j = 0; j < D_NR; j++) {
                double *cij = c + i * rsc + j * csc;
                *cij = beta == 0.0 ? t[i][j] : t[i][j] + beta * *cij;
            }
    }
}

/* ---- float32, 6 x 16 --------------------------------------------------------------- */
#define S_MR 6
#define S_NR 16
static void ukr_s_6x16(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                       const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const float *ap = (const float *)ap_, *bp = (const float *)bp_;
    float *c = (float *)c_;
    const float alpha = *(const float *)alpha_, beta = *(const float *)beta_;
    for (int i = 0; i < S_MR; i++) { /* see ukr_d_6x8 */
        _mm_prefetch((const char *)(c + i * rsc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * rsc + (S_NR - 1) * csc), _MM_HINT_T0);
    }
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < k; p++) {
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8), ai;
        _mm_prefetch((const char *)(bp + 128), _MM_HINT_T0);
#define S_ROW(i)                                                                           \
        ai = _mm256_broadcast_ss(ap + i);                                                  \
        c##i##0 = _mm256_fmadd_ps(ai, b0, c##i##0);                                        \
        c##i##1 = _mm256_fmadd_ps(ai, b1, c##i##1);
        S_ROW(0) S_ROW(1) S_ROW(2) S_ROW(3) S_ROW(4) S_ROW(5)
#undef S_ROW
        ap += S_MR;
        bp += S_NR;
    }
    __m256 acc[S_MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (csc == 1) {
        for (int i = 0; i < S_MR; i++) {
            float *ci = c + i * rsc;
            __m256 v0 = _mm256_mul_ps(va, acc[i][0]), v1 = _mm256_mul_ps(va, acc[i][1]);
            if (beta != 0.0f) {
                v0 = _mm256_add_ps(v0, _mm256_mul_ps(vb, _mm256_loadu_ps(ci)));
                v1 = _mm256_add_ps(v1, _mm256_mul_ps(vb, _mm256_loadu_ps(ci + 8)));
            }
            _mm256_storeu_ps(ci, v0);
            _mm256_storeu_ps(ci + 8, v1);
        }
    } else {
        float t[S_MR][S_NR];
        for (int i = 0; i < S_MR; i++) {
            _mm256_storeu_ps(&t[i][0], _mm256_mul_ps(va, acc[i][0]));
            _mm256_storeu_ps(&t[i][8], _mm256_mul_ps(va, acc[i][1]));
        }
        for (int i = 0; i < S_MR; i++)
            for (int j = 0; j < S_NR; j++) {
                float *cij = c + i * rsc + j * csc;
                *cij = beta == 0.0f ? t[i][j] : t[i][j] + beta * *cij;
            }
    }
}

/* ---- complex128, 3 x 4 (complex elements) ------------------------------------------- */
#define Z_MR 3
#define Z_NR 4
/* alpha * x for interleaved complex x: addsub(ar*x, ai*swap(x)). */
static inline __m256d zscale(__m256d ar, __m256d ai, __m256d x) {
    return _mm256_addsub_pd(_mm256_mul_pd(ar, x), _mm256_mul_pd(ai, _mm256_permute_pd(x, 0x5)));
}
static void ukr_z_3x4(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                      const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const double *ap = (const double *)ap_, *bp = (const double *)bp_;
    double *c = (double *)c_;
    const double *alpha = (const double *)alpha_, *beta = (const double *)beta_;
    for (int i = 0; i < Z_MR; i++) { /* see ukr_d_6x8 */
        _mm_prefetch((const char *)(c + 2 * i * rsc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + 2 * (i * rsc + (Z_NR - 1) * csc)), _MM_HINT_T0);
    }
    __m256d r00, r01, r10, r11, r20, r21, m00, m01, m10, m11, m20, m21;
    r00 = r01 = r10 = r11 = r20 = r21 = m00 = m01 = m10 = m11 = m20 = m21 = _mm256_setzero_pd();
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < k; p++) {
        __m256d b0 = _mm256_loadu_pd(bp), b1 = _mm256_loadu_pd(bp + 4), ar, ai;
#define Z_ROW(x)                                                                      \
        ar = _mm256_broadcast_sd(ap + 2 * x);                                                             \
        ai = _mm256_broadcast_sd(ap + 2 * x + 1);                                                         \
        r##x##0 = _mm256_fmadd_pd(ar, b0, r##x##0);                                                   \
        r##x##1 = _mm256_fmadd_pd(ar, b1, r##x##1);                                                   \
        m##x##0 = _mm256_fmadd_pd(ai, b0, m##x##0);                                                   \
        m##x##1 = _mm256_fmadd_pd(ai, b1, m##x##1);
        Z_ROW(0) Z_ROW(1) Z_ROW(2)
#undef Z_ROW
        ap += 2 * Z_MR;
        bp += 2 * Z_NR;
    }
    __m256d accr[Z_MR][2] = {{r00, r01}, {r10, r11}, {r20, r21}};
    __m256d acci[Z_MR][2] = {{m00, m01}, {m10, m11}, {m20, m21}};
    __m256d alr = _mm256_set1_pd(alpha[0]), ali = _mm256_set1_pd(alpha[1]);
    __m256d ber = _mm256_set1_pd(beta[0]), bei = _mm256_set1_pd(beta[1]);
    int beta_zero = beta[0] == 0.0 && beta[1] == 0.0;
    double t[Z_MR][2 * Z_NR];
    for (int i = 0; i < Z_MR; i++)
        for (int h = 0; h < 2; h++) {
            __m256d ab = _mm256_addsub_pd(accr[i][h], _mm256_permute_pd(acci[i][h], 0x5));
            _mm256_storeu_pd(&t[i][4 * h], zscale(alr, ali, ab));
        }
    if (csc == 1) {
        for (int i = 0; i < Z_MR; i++)
            for (int h = 0; h < 2; h++) {
                double *ci = c + 2 * i * rsc + 4 * h;
                __m256d v = _mm256_loadu_pd(&t[i][4 * h]);
                if (!beta_zero) v = _mm256_add_pd(v, zscale(ber, bei, _mm256_loadu_pd(ci)));
                _mm256_storeu_pd(ci, v);
            }
    } else {
        for (int i = 0; i < Z_MR; i++)
            for (int j = 0; j < Z_NR; j++) {
                double *cij = c + 2 * (i * rsc + j * csc);
                double vr = t[i][2 * j], vi = t[i][2 * j + 1];
                if (!beta_zero) {
                    double cr = cij[0], ci = cij[1];
                    vr += beta[0] * cr - beta[1] * ci;
                    vi += beta[0] * ci + beta[1] * cr;
                }
                cij[0] = vr;
                cij[1] = vi;
            }
    }
}

/* ---- complex64, 3 x 8 (complex elements) -------------------------------------------- */
#define C_MR 3
#define C_NR 8
static inline __m256 cscale(__m256 ar, __m256 ai, __m256 x) {
    return _mm256_addsub_ps(_mm256_mul_ps(ar, x), _mm256_mul_ps(ai, _mm256_permute_ps(x, 0xB1)));
}
static void ukr_c_3x8(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                      const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const float *ap = (const float *)ap_, *bp = (const float *)bp_;
    float *c = (float *)c_;
    const float *alpha = (const float *)alpha_, *beta = (const float *)beta_;
    for (int i = 0; i < C_MR; i++) { /* see ukr_d_6x8 */
        _mm_prefetch((const char *)(c + 2 * i * rsc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + 2 * (i * rsc + (C_NR - 1) * csc)), _MM_HINT_T0);
    }
    __m256 r00, r01, r10, r11, r20, r21, m00, m01, m10, m11, m20, m21;
    r00 = r01 = r10 = r11 = r20 = r21 = m00 = m01 = m10 = m11 = m20 = m21 = _mm256_setzero_ps();
#pragma GCC unroll 4
    for (ptrdiff_t p = 0; p < k; p++) {
        __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8), ar, ai;
#define C_ROW(x)                                                                      \
        ar = _mm256_broadcast_ss(ap + 2 * x);                                                             \
        ai = _mm256_broadcast_ss(ap + 2 * x + 1);                                                         \
        r##x##0 = _mm256_fmadd_ps(ar, b0, r##x##0);                                                   \
        r##x##1 = _mm256_fmadd_ps(ar, b1, r##x##1);                                                   \
        m##x##0 = _mm256_fmadd_ps(ai, b0, m##x##0);                                                   \
        m##x##1 = _mm256_fmadd_ps(ai, b1, m##x##1);
        C_ROW(0) C_ROW(1) C_ROW(2)
#undef C_ROW
        ap += 2 * C_MR;
        bp += 2 * C_NR;
    }
    __m256 accr[C_MR][2] = {{r00, r01}, {r10, r11}, {r20, r21}};
    __m256 acci[C_MR][2] = {{m00, m01}, {m10, m11}, {m20, m21}};
    __m256 alr = _mm256_set1_ps(alpha[0]), ali = _mm256_set1_ps(alpha[1]);
    __m256 ber = _mm256_set1_ps(beta[0]), bei = _mm256_set1_ps(beta[1]);
    int beta_zero = beta[0] == 0.0f && beta[1] == 0.0f;
    float t[C_MR][2 * C_NR];
    for (int i = 0; i < C_MR; i++)
        for (int h = 0; h < 2; h++) {
            __m256 ab = _mm256_addsub_ps(accr[i][h], _mm256_permute_ps(acci[i][h], 0xB1));
            _mm256_storeu_ps(&t[i][8 * h], cscale(alr, ali, ab));
        }
    if (csc == 1) {
        for (int i = 0; i < C_MR; i++)
            for (int h = 0; h < 2; h++) {
                float *ci = c + 2 * i * rsc + 8 * h;
                __m256 v = _mm256_loadu_ps(&t[i][8 * h]);
                if (!beta_zero) v = _mm256_add_ps(v, cscale(ber, bei, _mm256_loadu_ps(ci)));
                _mm256_storeu_ps(ci, v);
            }
    } else {
        for (int i = 0; i < C_MR; i++)
            for (int j = 0; j < C_NR; j++) {
                float *cij = c + 2 * (i * rsc + j * csc);
                float vr = t[i][2 * j], vi = t[i][2 * j + 1];
                if (!beta_zero) {
                    float cr = cij[0], ci = cij[1];
                    vr += beta[0] * cr - beta[1] * ci;
                    vi += beta[0] * ci + beta[1] * cr;
                }
                cij[0] = vr;
                cij[1] = vi;
            }
    }
}

/* Blocking for Zen 3/4 (32 KiB L1d, 512 KiB-1 MiB L2, 32 MiB L3): the B sliver (kc x nr) and
 * two A slivers stay in L1, the mc x kc A block in a fraction of L2, the kc x nc B panel in L3.
 * float64 MC: 72 beat 96/120/144 by 1-4% at n = 512..2048 (huge-page workspace, same run).
 * NC keeps every B panel at 4 MiB (2048 x 256 doubles; 2720 x 384 floats; 1024 x 256 complex128;
 * 2048 x 256 complex64): halving the complex and float32 panels cost nothing measurable
 * (_kernels._gemm_set_blocking, interleaved with numpy in one process, n = 1024 and 2048). */
void cyl_gemm_avx2_kernels(cyl_gemm_kernel out[4]) {
    out[CYL_F64].ukr = ukr_d_6x8;
    out[CYL_F64].mr = D_MR; out[CYL_F64].nr = D_NR;
    out[CYL_F64].mc = 72; out[CYL_F64].kc = 256; out[CYL_F64].nc = 2048;
    out[CYL_F64].name = "avx2 6x8";
    out[CYL_F32].ukr = ukr_s_6x16;
    out[CYL_F32].mr = S_MR; out[CYL_F32].nr = S_NR;
    out[CYL_F32].mc = 168; out[CYL_F32].kc = 384; out[CYL_F32].nc = 2720;
    out[CYL_F32].name = "avx2 6x16";
    out[CYL_C128].ukr = ukr_z_3x4;
    out[CYL_C128].mr = Z_MR; out[CYL_C128].nr = Z_NR;
    out[CYL_C128].mc = 72; out[CYL_C128].kc = 256; out[CYL_C128].nc = 1024;
    out[CYL_C128].name = "avx2 3x4 (complex)";
    out[CYL_C64].ukr = ukr_c_3x8;
    out[CYL_C64].mr = C_MR; out[CYL_C64].nr = C_NR;
    out[CYL_C64].mc = 144; out[CYL_C64].kc = 256; out[CYL_C64].nc = 2048;
    out[CYL_C64].name = "avx2 3x8 (complex)";
    for (int i = 0; i < 4; i++) out[i].small_max = 12 * 12 * 12; /* measured crossover */
    cyl_gemm_small_avx2_kernels(out);
}
