/* AVX-512 GEMM kernels (compiled with the *_avx512.c per-file flags): for float64 and float32 a
 * (3 x vector) x 8 micro-kernel run on C^T and an unpacked path for plain products, written
 * once in ukr_avx512.tmpl.h; for complex128 and complex64 a 6 x (2 vectors) micro-kernel on
 * interleaved pairs, written once in ukr_avx512_complex.tmpl.h. */
#include <immintrin.h>
#include "cylinalg/scalar.h"
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

#define VI(op) CYL_CAT3(_mm512_, op, CYL_CAT2(VI_, TC))
#define VI_d _pd
#define VI_s _ps
#define VT CYL_CAT2(VT_, TC)
#define VT_d __m512d
#define VT_s __m512
#define MT CYL_CAT2(MT_, TC)
#define MT_d __mmask8
#define MT_s __mmask16
#define LANES ((int)(64 / sizeof(T)))
/* (x.im, x.re) for every interleaved complex x: swap each pair of lanes */
#define VSWAP_PAIRS CYL_CAT2(VSWAP_PAIRS_, TC)
#define VSWAP_PAIRS_d(x) _mm512_permute_pd(x, 0x55)
#define VSWAP_PAIRS_s(x) _mm512_permute_ps(x, 0xB1)

#define TC d
#include "gemm/ukr_avx512.tmpl.h"
#include "gemm/ukr_avx512_complex.tmpl.h"
#undef TC
#define TC s
#include "gemm/ukr_avx512.tmpl.h"
#include "gemm/ukr_avx512_complex.tmpl.h"
#undef TC

/* Packing of a column-major op(B) sliver (cyl_gemm_kernel.pack_b_cols): under the C^T trick
 * that is every row-major A, 8 of its rows at a time.  8 x 8 blocks are transposed in
 * registers; the driver's scalar loop took 5% of a 2048^3 float32 product with 2 threads. */
static void pack_b_cols_d(ptrdiff_t kb, const void *b_, ptrdiff_t csb, void *dst_) {
    const double *b = (const double *)b_;
    double *dst = (double *)dst_;
    ptrdiff_t p = 0;
    for (; p + 8 <= kb; p += 8) {
        __m512d r[8], t[8], u[8];
        for (int j = 0; j < 8; j++) r[j] = _mm512_loadu_pd(b + j * csb + p);
        for (int j = 0; j < 8; j += 2) { /* pairs of elements */
            t[j] = _mm512_unpacklo_pd(r[j], r[j + 1]);
            t[j + 1] = _mm512_unpackhi_pd(r[j], r[j + 1]);
        }
        for (int j = 0; j < 8; j += 4) /* then 128-bit lanes: rows (0, 4), (2, 6), (1, 5), (3, 7) */
            for (int h = 0; h < 2; h++) {
                u[j + 2 * h] = _mm512_shuffle_f64x2(t[j + h], t[j + h + 2], 0x88);
                u[j + 2 * h + 1] = _mm512_shuffle_f64x2(t[j + h], t[j + h + 2], 0xDD);
            }
        static const int row_of[4] = {0, 2, 1, 3}; /* u[i] and u[i + 4] hold rows row_of[i] (+ 4) */
        for (int i = 0; i < 4; i++) {
            _mm512_storeu_pd(dst + (p + row_of[i]) * 8, _mm512_shuffle_f64x2(u[i], u[i + 4], 0x88));
            _mm512_storeu_pd(dst + (p + row_of[i] + 4) * 8, _mm512_shuffle_f64x2(u[i], u[i + 4], 0xDD));
        }
    }
    for (; p < kb; p++)
        for (int j = 0; j < 8; j++) dst[p * 8 + j] = b[j * csb + p];
}

static void pack_b_cols_s(ptrdiff_t kb, const void *b_, ptrdiff_t csb, void *dst_) {
    const float *b = (const float *)b_;
    float *dst = (float *)dst_;
    ptrdiff_t p = 0;
    for (; p + 8 <= kb; p += 8) {
        __m256 r[8], t[8], u[8];
        for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_ps(b + j * csb + p);
        for (int j = 0; j < 8; j += 2) {
            t[j] = _mm256_unpacklo_ps(r[j], r[j + 1]);
            t[j + 1] = _mm256_unpackhi_ps(r[j], r[j + 1]);
        }
        for (int j = 0; j < 8; j += 4) /* u[j..j+3]: rows (0, 4), (1, 5), (2, 6), (3, 7) */
            for (int h = 0; h < 2; h++) {
                u[j + 2 * h] = _mm256_shuffle_ps(t[j + h], t[j + h + 2], 0x44);
                u[j + 2 * h + 1] = _mm256_shuffle_ps(t[j + h], t[j + h + 2], 0xEE);
            }
        for (int i = 0; i < 4; i++) {
            _mm256_storeu_ps(dst + (p + i) * 8, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
            _mm256_storeu_ps(dst + (p + i + 4) * 8, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
        }
    }
    for (; p < kb; p++)
        for (int j = 0; j < 8; j++) dst[p * 8 + j] = b[j * csb + p];
}

/* Blocking (run on C^T, so "m" is the product's n).  float64: MC 96-192 were within 1% of each
 * other at n = 1024, 1 and 2 threads.  KC 512 halves the passes over C against 256 (C re-read
 * and re-written from memory once per pass when it outgrows L3): 1 thread, 4096^3 50.3 -> 51.4
 * and 2048^3 49.9 -> 50.9 GF/s (medians of 12 and 31 alternating calls), no loss at 1024.  The
 * B panel is then KC x NC = 8 MiB, shared by the threads; the A block 576 KiB per thread (L2).
 * float32 keeps KC and NC's bytes; its MC is 192, not 288 (the same bytes): with 2 threads on
 * Zen 5, n = 1024 ran at 483 GF/s with 288 against 519-520 with 144-240 (1 thread, and 1536 to
 * 4096 with 2, within 1-2% either way; /tmp script, 9 interleaved rounds).
 * Products with fewer than 2*MR columns keep the row-major kernel of the level below
 * (`narrow`): a 3-vector-wide tile would be mostly padding.
 * Plain cubes up to plain_max run unpacked (ratios to numpy, unpacked / packed, in one process):
 * float64 1 thread 256^3 1.03 / 0.96, 320^3 1.14 / 1.03, 512^3 0.93 / 1.04; 2 threads 256^3
 * 1.24 / 0.99, 320^3 0.97 / 0.88, 384^3 0.83 / 0.96.  float32 1 thread ahead up to 640^3;
 * 2 threads 384^3 1.20 / 1.06, 512^3 0.93 / 1.06.  wide_mmax is one strip of the row kernel:
 * 16 x 2048 @ 2048 x 2048 float32 lost unpacked (0.68 / 1.23). */
void cyl_gemm_avx512_kernels(cyl_gemm_kernel out[4], const cyl_gemm_kernel below[4]) {
    out[CYL_F64].ukr = ukr_avx512_d;
    out[CYL_F64].mr = 24; out[CYL_F64].nr = 8;
    out[CYL_F64].mc = 144; out[CYL_F64].kc = 512; out[CYL_F64].nc = 2048;
    out[CYL_F64].colmajor = 1;
    out[CYL_F64].narrow = &below[CYL_F64];
    out[CYL_F64].name = "avx512 24x8 (on C^T)";
    g_small_below_d = below[CYL_F64].small;
    out[CYL_F64].small = small_avx512_d;
    g_stack_below_d = below[CYL_F64].stack;
    out[CYL_F64].stack = stack_avx512_d;
    out[CYL_F64].plain_max = 320 * 320 * 320;
    out[CYL_F64].wide_mmax = 8;
    out[CYL_F64].pack_b_cols = pack_b_cols_d;

    out[CYL_F32].ukr = ukr_avx512_s;
    out[CYL_F32].mr = 48; out[CYL_F32].nr = 8;
    out[CYL_F32].mc = 192; out[CYL_F32].kc = 512; out[CYL_F32].nc = 4096;
    out[CYL_F32].colmajor = 1;
    out[CYL_F32].narrow = &below[CYL_F32];
    out[CYL_F32].name = "avx512 48x8 (on C^T)";
    g_small_below_s = below[CYL_F32].small;
    out[CYL_F32].small = small_avx512_s;
    g_stack_below_s = below[CYL_F32].stack;
    out[CYL_F32].stack = stack_avx512_s;
    out[CYL_F32].plain_max = 384 * 384 * 384;
    out[CYL_F32].wide_mmax = 8;
    out[CYL_F32].pack_b_cols = pack_b_cols_s;

    /* complex: the tile is 6 x LANES complex (row-major, like the level below's); the B sliver
     * (kc x 8 complex128 = 128 bytes a row) and the A block's bytes as for float64 */
    out[CYL_C128].ukr = ukr_avx512_complex_d;
    out[CYL_C128].mr = 6; out[CYL_C128].nr = 8;
    out[CYL_C128].mc = 72; out[CYL_C128].kc = 256; out[CYL_C128].nc = 1024;
    out[CYL_C128].name = "avx512 6x8 (complex)";
    out[CYL_C64].ukr = ukr_avx512_complex_s;
    out[CYL_C64].mr = 6; out[CYL_C64].nr = 16;
    out[CYL_C64].mc = 144; out[CYL_C64].kc = 256; out[CYL_C64].nc = 2048;
    out[CYL_C64].name = "avx512 6x16 (complex)";
}
