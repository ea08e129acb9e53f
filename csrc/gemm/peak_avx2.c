/* Peak FMA throughput probe for the GEMM benchmark: 12 independent chains of 4-wide double
 * FMAs (more than latency x throughput = 4 x 2 on Zen 3/Haswell), so the FMA units never wait.
 * Python times cyl_fma_peak_run and divides cyl_fma_peak_flops_per_iter()*iters by the time. */
#include <immintrin.h>
#include "cylinalg/gemm.h"

#define CHAINS 12

long cyl_fma_peak_flops_per_iter(void) { return CHAINS * 4 * 2; }

double cyl_fma_peak_run(long iters) {
    __m256d acc[CHAINS];
    const __m256d x = _mm256_set1_pd(0.999999), y = _mm256_set1_pd(1e-9);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_pd((double)i);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_pd(acc[i], x, y);
    __m256d s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm256_add_pd(s, acc[i]);
    double out[4];
    _mm256_storeu_pd(out, s);
    return out[0] + out[1] + out[2] + out[3];
}
