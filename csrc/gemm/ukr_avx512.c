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

/* Blocking (run on C^T, so "m" is the product's n).  float64: MC 96-192 were within 1% of each
 * other at n = 1024, 1 and 2 threads.  KC 512 halves the passes over C against 256 (C re-read
 * and re-written from memory once per pass when it outgrows L3): 1 thread, 4096^3 50.3 -> 51.4
 * and 2048^3 49.9 -> 50.9 GF/s (medians of 12 and 31 alternating calls), no loss at 1024.  The
 * B panel is then KC x NC = 8 MiB, shared by the threads; the A block 576 KiB per thread (L2).
 * float32 keeps the same bytes: twice the rows per block.
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

    out[CYL_F32].ukr = ukr_avx512_s;
    out[CYL_F32].mr = 48; out[CYL_F32].nr = 8;
    out[CYL_F32].mc = 288; out[CYL_F32].kc = 512; out[CYL_F32].nc = 4096;
    out[CYL_F32].colmajor = 1;
    out[CYL_F32].narrow = &below[CYL_F32];
    out[CYL_F32].name = "avx512 48x8 (on C^T)";
    g_small_below_s = below[CYL_F32].small;
    out[CYL_F32].small = small_avx512_s;
    g_stack_below_s = below[CYL_F32].stack;
    out[CYL_F32].stack = stack_avx512_s;
    out[CYL_F32].plain_max = 384 * 384 * 384;
    out[CYL_F32].wide_mmax = 8;

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
