/* The unpacked small-matrix GEMM and tiny-matrix stack loops compiled with AVX2+FMA (per-file
 * flags from setup.py); the same template as the portable build in gemm.c. */
#include <math.h>
#include "cylinalg/scalar.h"
#include "cylinalg/batch.h"
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

#define SFX avx2
#define TC s
#include "gemm_small.tmpl.h"
#undef TC
#define TC d
#include "gemm_small.tmpl.h"
#undef TC
#define TC c
#include "gemm_small.tmpl.h"
#undef TC
#define TC z
#include "gemm_small.tmpl.h"
#undef TC
#undef SFX

void cyl_gemm_small_avx2_kernels(cyl_gemm_kernel out[4]) {
    fill_small_s_avx2(&out[CYL_F32]);
    fill_small_d_avx2(&out[CYL_F64]);
    fill_small_c_avx2(&out[CYL_C64]);
    fill_small_z_avx2(&out[CYL_C128]);
}
