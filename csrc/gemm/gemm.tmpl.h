/* Placeholder GEMM driver (correct, unpacked, i-p-j loop order); replaced by the BLIS-style
 * driver of the GEMM issue.  Included once per type code TC. */
int FN(cyl_gemm)(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,
                 const T *a, ptrdiff_t rsa, ptrdiff_t csa, const T *b, ptrdiff_t rsb,
                 ptrdiff_t csb, T beta, T *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads) {
    (void)nthreads;
    int beta_zero = OP(is_zero)(beta);
    for (ptrdiff_t i = 0; i < m; i++)
        for (ptrdiff_t j = 0; j < n; j++) {
            T *cij = c + i * rsc + j * csc;
            *cij = beta_zero ? OP(zero)() : OP(mul)(beta, *cij);
        }
    if (k == 0) return CYL_OK;
    for (ptrdiff_t i = 0; i < m; i++) {
        for (ptrdiff_t p = 0; p < k; p++) {
            T aip = a[i * rsa + p * csa];
            if (conja) aip = OP(conj)(aip);
            aip = OP(mul)(alpha, aip);
            const T *bp = b + p * rsb;
            T *ci = c + i * rsc;
            for (ptrdiff_t j = 0; j < n; j++) {
                T bpj = bp[j * csb];
                if (conjb) bpj = OP(conj)(bpj);
                ci[j * csc] = OP(fma)(ci[j * csc], aip, bpj);
            }
        }
    }
    return CYL_OK;
}
