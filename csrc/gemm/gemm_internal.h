/* Shared between the GEMM driver and its per-ISA kernel files (not public). */
#ifndef CYLINALG_GEMM_INTERNAL_H
#define CYLINALG_GEMM_INTERNAL_H
#include "cylinalg/gemm.h"

/* Longest row the unpacked small path handles (its accumulator lives on the stack). */
#define CYL_SMALL_NMAX 64

void cyl_gemm_small_avx2_kernels(cyl_gemm_kernel out[4]);

#define CYL_GEMM_MAX_TILE 256 /* mr*nr of the largest micro-kernel tile */
#endif
