/* Peak FMA throughput probe for the GEMM benchmark: 12 independent chains of double FMAs (more
 * than latency x throughput = 4 x 2 on Zen 3/Haswell), so the FMA units never wait.  The
 * vectors are those of the kernel level in use: 4-wide here, 8-wide (peak_avx512.c) when the
 * AVX-512 kernels run, whose peak is twice AVX2's on cores with full-width FMA units (Zen 5,
 * Intel server parts) and the same on Zen 4, which splits each zmm FMA in two.
 * Python times cyl_fma_peak_run and divides cyl_fma_peak_flops_per_iter()*iters by the time. */
#include <immintrin.h>
#include "cylinalg/dispatch.h"
#include "cylinalg/gemm.h"
#include "gemm_internal.h"

/* doubles per FMA of the level in use; 0: no probe (the reference level, or a CPU without
 * AVX2, which must not run these instructions) */
static int probe_width(void) {
    const cyl_arch arch = cyl_kernels()->arch;
    return arch == CYL_ARCH_AVX512 ? 8 : arch == CYL_ARCH_AVX2 ? 4 : 0;
}

long cyl_fma_peak_flops_per_iter(void) { return CYL_PEAK_CHAINS * 2 * probe_width(); }

double cyl_fma_peak_run(long iters) {
    const int width = probe_width();
    if (width == 8) return cyl_fma_peak_run_avx512(iters);
    if (width == 0) return -1.0;
    __m256d acc[CYL_PEAK_CHAINS];
    const __m256d x = _mm256_set1_pd(0.999999), y = _mm256_set1_pd(1e-9);
    for (int i = 0; i < CYL_PEAK_CHAINS; i++) acc[i] = _mm256_set1_pd((double)i);
    for (long it = 0; it < iters; it++)
        for (int i = 0; i < CYL_PEAK_CHAINS; i++) acc[i] = _mm256_fmadd_pd(acc[i], x, y);
    __m256d s = acc[0];
    for (int i = 1; i < CYL_PEAK_CHAINS; i++) s = _mm256_add_pd(s, acc[i]);
    double out[4];
    _mm256_storeu_pd(out, s);
    return out[0] + out[1] + out[2] + out[3];
}
