/* The 8-wide (zmm) version of the FMA peak probe in peak_avx2.c. */
#include <immintrin.h>
#include "gemm_internal.h"

double cyl_fma_peak_run_avx512(long iters) {
    __m512d acc[CYL_PEAK_CHAINS];
    const __m512d x = _mm512_set1_pd(0.999999), y = _mm512_set1_pd(1e-9);
    for (int i = 0; i < CYL_PEAK_CHAINS; i++) acc[i] = _mm512_set1_pd((double)i);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < CYL_PEAK_CHAINS; i++) acc[i] = _mm512_fmadd_pd(acc[i], x, y);
    __m512d s = acc[0];
    for (int i = 1; i < CYL_PEAK_CHAINS; i++) s = _mm512_add_pd(s, acc[i]);
    return _mm512_reduce_add_pd(s);
}
