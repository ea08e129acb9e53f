/* Lane-parallel LU of small real stacks, AVX2+FMA (compiled with -mavx2 -mfma by setup.py's
 * per-file flags; chosen at run time through the dispatch table's lu_lanes entry).
 *
 * One call takes W matrices (4 float64 or 8 float32: one ymm register holds entry (i, j) of
 * every matrix, "structure of arrays"), loads them with in-register transposes, and runs
 * partial pivoting with branch-free compare-and-blend row swaps, FMA elimination and
 * reciprocal back substitution, fully unrolled for each n = 4..8 (and 3x3 solves by the
 * adjugate, bitwise as the plain path).  Lanes never mix, so a
 * matrix's result does not depend on its lane or group (nor on the thread count).
 *
 * Anything unusual goes back to the plain path (csrc/lu/lu.tmpl.h, also the reference and test
 * oracle) through the returned lane mask: zero pivots, inf/NaN, slogdet products that under- or
 * overflow, and solves whose cheap condition bound cannot prove rcond >= 16 eps. */
#include <float.h>
#include <immintrin.h>
#include <math.h>
#include <stddef.h>
#include "cylinalg/dispatch.h"

#if defined(__GNUC__)
#define LANES_INLINE static inline __attribute__((always_inline))
#else
#define LANES_INLINE static inline
#endif

#define LD 17 /* SoA columns: n of A, then the permutation or b, then n of the inverse */

/* Natural log of 4 positive normal doubles, fdlibm's e_log.c algorithm (error < 1 ulp):
 * x = 2^k m with m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f / (2 + f),
 * log(m) = f - s (f - R(s^2)) with a degree-7 minimax R (slogdet takes one log per matrix,
 * and the scalar libm call would cost a third of a 4x4 stack's time). */
static inline __m256d log_pd(__m256d x) {
    const __m256d ln2_hi = _mm256_set1_pd(6.93147180369123816490e-01);
    const __m256d ln2_lo = _mm256_set1_pd(1.90821492927058770002e-10);
    const __m256d one = _mm256_set1_pd(1.0), half = _mm256_set1_pd(0.5), two = _mm256_set1_pd(2.0);
    __m256i bits = _mm256_castpd_si256(x);
    /* m in [1, 2); when m >= sqrt(2), halve it (exponent field 0x3fe) and bump k */
    __m256i mant = _mm256_and_si256(bits, _mm256_set1_epi64x(0x000fffffffffffffLL));
    __m256i big = _mm256_cmpgt_epi64(mant, _mm256_set1_epi64x(0x6a09e667f3bcdLL - 1));
    __m256i expo = _mm256_add_epi64(_mm256_set1_epi64x(0x3ff0000000000000LL),
                                    _mm256_and_si256(big, _mm256_set1_epi64x(-0x0010000000000000LL)));
    __m256d m = _mm256_castsi256_pd(_mm256_or_si256(mant, expo));
    /* k = biased exponent - 1023 (+1 when halved), converted exactly via 2^52 + k */
    __m256i kb = _mm256_sub_epi64(_mm256_srli_epi64(bits, 52), big); /* big is -1 where halved */
    __m256d k = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(kb, _mm256_set1_epi64x(0x4330000000000000LL))),
                              _mm256_set1_pd(4503599627370496.0 + 1023.0));
    __m256d f = _mm256_sub_pd(m, one);
    __m256d s = _mm256_div_pd(f, _mm256_add_pd(two, f));
    __m256d z = _mm256_mul_pd(s, s), w = _mm256_mul_pd(z, z);
    __m256d t1 = _mm256_fmadd_pd(w, _mm256_set1_pd(1.531383769920937332e-01), _mm256_set1_pd(2.222219843214978396e-01));
    t1 = _mm256_fmadd_pd(w, t1, _mm256_set1_pd(3.999999999940941908e-01));
    t1 = _mm256_mul_pd(w, t1);
    __m256d t2 = _mm256_fmadd_pd(w, _mm256_set1_pd(1.479819860511658591e-01), _mm256_set1_pd(1.818357216161805012e-01));
    t2 = _mm256_fmadd_pd(w, t2, _mm256_set1_pd(2.857142874366239149e-01));
    t2 = _mm256_fmadd_pd(w, t2, _mm256_set1_pd(6.666666666666735130e-01));
    t2 = _mm256_mul_pd(z, t2);
    __m256d r = _mm256_add_pd(t2, t1);
    __m256d hfsq = _mm256_mul_pd(_mm256_mul_pd(half, f), f);
    /* k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f) */
    __m256d inner = _mm256_add_pd(_mm256_mul_pd(s, _mm256_add_pd(hfsq, r)), _mm256_mul_pd(k, ln2_lo));
    return _mm256_sub_pd(_mm256_mul_pd(k, ln2_hi), _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f));
}

/* ---------------------------------------------------------------- float64, 4 lanes ------ */
#define LR double
#define LV __m256d
#define LW 4
#define LEPS DBL_EPSILON
#define LFN(x) x##_d
#define V_SET1 _mm256_set1_pd
#define V_ZERO _mm256_setzero_pd
#define V_ADD _mm256_add_pd
#define V_SUB _mm256_sub_pd
#define V_TRUNC(x) _mm256_round_pd(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)
#define V_MUL _mm256_mul_pd
#define V_DIV _mm256_div_pd
#define V_FNMADD _mm256_fnmadd_pd /* c - a * b */
#define V_FMADD _mm256_fmadd_pd   /* a * b + c */
#define V_AND _mm256_and_pd
#define V_ANDNOT _mm256_andnot_pd
#define V_OR _mm256_or_pd
#define V_XOR _mm256_xor_pd
#define V_CMP _mm256_cmp_pd
#define V_BLEND _mm256_blendv_pd
#define V_MAX _mm256_max_pd
#define V_MOVEMASK _mm256_movemask_pd
#define V_LOADU _mm256_loadu_pd
#define V_STOREU _mm256_storeu_pd

/* p[0..cnt-1] (cnt <= 4) into the low lanes, zeros above; never reads past p[cnt-1].  Built
 * from 128/64-bit loads: AVX masked loads measured 2x slower than the whole 3x3 solve on AMD. */
static inline __m256d load_part_d(const double *p, int cnt) {
    if (cnt == 4) return _mm256_loadu_pd(p);
    __m128d lo = cnt >= 2 ? _mm_loadu_pd(p) : _mm_load_sd(p);
    __m128d hi = cnt == 3 ? _mm_load_sd(p + 2) : _mm_setzero_pd();
    return _mm256_insertf128_pd(_mm256_castpd128_pd256(lo), hi, 1);
}

/* v[q] lane l = src[l][off + q], q < cnt <= 4 (never reads past the row). */
LANES_INLINE void load_lanes_d(const double *const *src, ptrdiff_t off, int cnt, __m256d v[4]) {
    __m256d r[4];
    for (int l = 0; l < 4; l++) r[l] = load_part_d(src[l] + off, cnt);
    __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
    __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
    v[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    v[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    v[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    v[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

/* dst[l * lane_stride + q] = v[q] lane l, q < cnt <= 4. */
LANES_INLINE void store_lanes_d(double *dst, ptrdiff_t lane_stride, int cnt, const __m256d *v) {
    __m256d x[4];
    for (int q = 0; q < 4; q++) x[q] = q < cnt ? v[q] : _mm256_setzero_pd();
    __m256d t0 = _mm256_unpacklo_pd(x[0], x[1]), t1 = _mm256_unpackhi_pd(x[0], x[1]);
    __m256d t2 = _mm256_unpacklo_pd(x[2], x[3]), t3 = _mm256_unpackhi_pd(x[2], x[3]);
    __m256d r[4];
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
    if (cnt == 4) {
        for (int l = 0; l < 4; l++) _mm256_storeu_pd(dst + l * lane_stride, r[l]);
        return;
    }
    for (int l = 0; l < 4; l++) { /* pieces, not masked stores (microcoded on AMD) */
        double *d = dst + l * lane_stride;
        __m128d lo = _mm256_castpd256_pd128(r[l]);
        if (cnt == 1) {
            _mm_store_sd(d, lo);
            continue;
        }
        _mm_storeu_pd(d, lo);
        if (cnt == 3) _mm_store_sd(d + 2, _mm256_extractf128_pd(r[l], 1));
    }
}

LANES_INLINE __m256d gather_d(const double *const *src, ptrdiff_t off) {
    return _mm256_set_pd(src[3][off], src[2][off], src[1][off], src[0][off]);
}

/* Products of |u_kk| in float64 (the type the log-sum accumulates in). */
LANES_INLINE void diag_product_d(int n, __m256d a[8][LD], double prod[4]) {
    const __m256d sign = _mm256_set1_pd(-0.0);
    __m256d p = _mm256_andnot_pd(sign, a[0][0]);
    for (int k = 1; k < n; k++) p = _mm256_mul_pd(p, _mm256_andnot_pd(sign, a[k][k]));
    _mm256_storeu_pd(prod, p);
}

#include "lu/lu_lanes_avx2.tmpl.h"

#undef LR
#undef LV
#undef LW
#undef LEPS
#undef LFN
#undef V_SET1
#undef V_ZERO
#undef V_ADD
#undef V_SUB
#undef V_TRUNC
#undef V_MUL
#undef V_DIV
#undef V_FNMADD
#undef V_FMADD
#undef V_AND
#undef V_ANDNOT
#undef V_OR
#undef V_XOR
#undef V_CMP
#undef V_BLEND
#undef V_MAX
#undef V_MOVEMASK
#undef V_LOADU
#undef V_STOREU

/* ---------------------------------------------------------------- float32, 8 lanes ------ */
#define LR float
#define LV __m256
#define LW 8
#define LEPS FLT_EPSILON
#define LFN(x) x##_s
#define V_SET1 _mm256_set1_ps
#define V_ZERO _mm256_setzero_ps
#define V_ADD _mm256_add_ps
#define V_SUB _mm256_sub_ps
#define V_TRUNC(x) _mm256_round_ps(x, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC)
#define V_MUL _mm256_mul_ps
#define V_DIV _mm256_div_ps
#define V_FNMADD _mm256_fnmadd_ps
#define V_FMADD _mm256_fmadd_ps
#define V_AND _mm256_and_ps
#define V_ANDNOT _mm256_andnot_ps
#define V_OR _mm256_or_ps
#define V_XOR _mm256_xor_ps
#define V_CMP _mm256_cmp_ps
#define V_BLEND _mm256_blendv_ps
#define V_MAX _mm256_max_ps
#define V_MOVEMASK _mm256_movemask_ps
#define V_LOADU _mm256_loadu_ps
#define V_STOREU _mm256_storeu_ps

LANES_INLINE void transpose8_s(__m256 r[8]) {
    __m256 t[8], s[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int h = 0; h < 2; h++) { /* rows 0-3 (h = 0) and 4-7 (h = 1) */
        s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
        s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
        s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
        s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int q = 0; q < 4; q++) {
        r[q] = _mm256_permute2f128_ps(s[q], s[4 + q], 0x20);
        r[4 + q] = _mm256_permute2f128_ps(s[q], s[4 + q], 0x31);
    }
}

/* p[0..cnt-1] (cnt <= 4) into a 128-bit vector, zeros above, from 64/32-bit loads */
static inline __m128 load_quarter_s(const float *p, int cnt) {
    if (cnt == 4) return _mm_loadu_ps(p);
    /* 64-bit load through the unaligned-integer intrinsic: a float row is only 4-byte aligned,
     * and _mm_load_sd dereferences a double pointer (UBSan: misaligned load) */
    __m128 v = cnt >= 2 ? _mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)(const void *)p)) : _mm_setzero_ps();
    if (cnt & 1) v = _mm_insert_ps(v, _mm_load_ss(p + cnt - 1), (cnt - 1) << 4);
    return v;
}

/* p[0..cnt-1] (cnt <= 8) into the low lanes, zeros above, never past p[cnt-1] (see load_part_d) */
static inline __m256 load_part_s(const float *p, int cnt) {
    if (cnt == 8) return _mm256_loadu_ps(p);
    __m128 lo = load_quarter_s(p, cnt < 4 ? cnt : 4);
    __m128 hi = cnt > 4 ? load_quarter_s(p + 4, cnt - 4) : _mm_setzero_ps();
    return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
}

LANES_INLINE void load_lanes_s(const float *const *src, ptrdiff_t off, int cnt, __m256 v[8]) {
    for (int l = 0; l < 8; l++) v[l] = load_part_s(src[l] + off, cnt);
    transpose8_s(v);
}

LANES_INLINE void store_lanes_s(float *dst, ptrdiff_t lane_stride, int cnt, const __m256 *v) {
    __m256 r[8];
    for (int q = 0; q < 8; q++) r[q] = q < cnt ? v[q] : _mm256_setzero_ps();
    transpose8_s(r);
    if (cnt == 8) {
        for (int l = 0; l < 8; l++) _mm256_storeu_ps(dst + l * lane_stride, r[l]);
        return;
    }
    for (int l = 0; l < 8; l++) { /* pieces, not masked stores (microcoded on AMD) */
        float *d = dst + l * lane_stride;
        __m128 part = _mm256_castps256_ps128(r[l]);
        int q = 0;
        if (cnt >= 4) {
            _mm_storeu_ps(d, part);
            part = _mm256_extractf128_ps(r[l], 1);
            q = 4;
        }
        if (cnt - q >= 2) {
            _mm_storel_pi((__m64 *)(void *)(d + q), part);
            part = _mm_movehl_ps(part, part);
            q += 2;
        }
        if (cnt - q == 1) _mm_store_ss(d + q, part);
    }
}

LANES_INLINE __m256 gather_s(const float *const *src, ptrdiff_t off) {
    return _mm256_set_ps(src[7][off], src[6][off], src[5][off], src[4][off], src[3][off], src[2][off],
                         src[1][off], src[0][off]);
}

/* float32 pivots multiplied in float64: the product of 8 cannot overflow there. */
LANES_INLINE void diag_product_s(int n, __m256 a[8][LD], double prod[8]) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 u = _mm256_andnot_ps(sign, a[0][0]);
    __m256d lo = _mm256_cvtps_pd(_mm256_castps256_ps128(u));
    __m256d hi = _mm256_cvtps_pd(_mm256_extractf128_ps(u, 1));
    for (int k = 1; k < n; k++) {
        u = _mm256_andnot_ps(sign, a[k][k]);
        lo = _mm256_mul_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(u)));
        hi = _mm256_mul_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(u, 1)));
    }
    _mm256_storeu_pd(prod, lo);
    _mm256_storeu_pd(prod + 4, hi);
}

#include "lu/lu_lanes_avx2.tmpl.h"

/* float64 takes eight matrices per call as two groups of four: for n = 4 the two groups are
 * inlined into one body, so the out-of-order core can overlap their dependency chains (one
 * group's pivot compare-blend-divide chain leaves it mostly waiting). */
static unsigned lanes_run_d8(int op, int n, const void *const *a, ptrdiff_t rsa, ptrdiff_t csa,
                             const void *const *b, ptrdiff_t rsb, void *out0, void *out1, int count) {
    const double *const *am = (const double *const *)a;
    const double *const *bm = (const double *const *)b;
    double *o0 = (double *)out0, *o1 = (double *)out1;
    /* a short group (single matrices, tails) runs one group of four: the same per-lane
     * arithmetic, so a matrix's result does not depend on its group */
    if (count <= 4) return lanes_run_d(op, n, a, rsa, csa, b, rsb, o0, o1, count) & 0xf000fu;
    if (n == 4) {
        unsigned m0, m1;
        switch (op) {
        case CYL_LU_LANES_DET:
        case CYL_LU_LANES_SLOGDET:
            m0 = lanes_det_d(4, op == CYL_LU_LANES_SLOGDET, am, rsa, csa, o0, o1);
            m1 = lanes_det_d(4, op == CYL_LU_LANES_SLOGDET, am + 4, rsa, csa, o0 + 4, o1 + 4);
            return (m0 & 0xf000fu) | (m1 & 0xf000fu) << 4;
        case CYL_LU_LANES_INV:
            m0 = lanes_inv_d(4, am, rsa, csa, o0, o1);
            m1 = lanes_inv_d(4, am + 4, rsa, csa, o0 + 64, o1 + 4);
            return m0 | m1 << 4;
        case CYL_LU_LANES_SOLVE:
            m0 = lanes_solve_d(4, am, rsa, csa, bm, rsb, o0, o1);
            m1 = lanes_solve_d(4, am + 4, rsa, csa, bm + 4, rsb, o0 + 16, o1 + 4);
            return m0 | m1 << 4;
        default: return 0xffu;
        }
    }
    ptrdiff_t per = op == CYL_LU_LANES_INV ? (ptrdiff_t)n * n : op == CYL_LU_LANES_SOLVE ? n : 1;
    unsigned m0 = lanes_run_d(op, n, a, rsa, csa, b, rsb, o0, o1, 4);
    unsigned m1 = lanes_run_d(op, n, a + 4, rsa, csa, b + 4, rsb, o0 + 4 * per, o1 + 4, count - 4);
    return (m0 & 0xf000fu) | (m1 & 0xf000fu) << 4;
}

void cyl_lu_lanes_avx2_kernels(cyl_lu_lanes_kernel out[CYL_NDTYPES]) {
    out[CYL_F64].run = lanes_run_d8;
    out[CYL_F64].width = 8;
    out[CYL_F32].run = lanes_run_s;
    out[CYL_F32].width = 8;
}
