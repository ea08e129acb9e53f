/* BLIS-style GEMM driver, included once per type code TC (see gemm.c).
 *
 * Five loops around a micro-kernel taken from the kernel table:
 *   jc over n in steps of NC   (B panel kc x nc, packed once, shared by all threads: L3)
 *   pc over k in steps of KC   (first block uses the caller's beta, the rest beta = 1)
 *   ic over m in steps of MC   (A block mc x kc, packed per thread: L2; split across threads)
 *   jr over the panel in NR    (one B sliver: L1)
 *   ir over the block in MR    (micro-kernel: MR x NR tile of C in registers)
 * Packing reads any strides (transposes, slices, negative strides) and applies conj, so the
 * micro-kernels see only unit-stride packed slivers.  Threads split the ic loop only, so every
 * element of C sees the same sequence of operations whatever the thread count. */

/* Portable reference micro-kernel: the fallback and the test oracle for the SIMD ones. */
#define REF_MR 4
#define REF_NR 4
static void FN(ukr_ref)(ptrdiff_t k, const void *alpha_, const void *ap_, const void *bp_,
                        const void *beta_, void *c_, ptrdiff_t rsc, ptrdiff_t csc) {
    const T *ap = (const T *)ap_, *bp = (const T *)bp_;
    T *c = (T *)c_;
    T alpha = *(const T *)alpha_, beta = *(const T *)beta_;
    T acc[REF_MR][REF_NR];
    for (int i = 0; i < REF_MR; i++)
        for (int j = 0; j < REF_NR; j++) acc[i][j] = OP(zero)();
    for (ptrdiff_t p = 0; p < k; p++)
        for (int i = 0; i < REF_MR; i++)
            for (int j = 0; j < REF_NR; j++)
                acc[i][j] = OP(fma)(acc[i][j], ap[p * REF_MR + i], bp[p * REF_NR + j]);
    int beta_zero = OP(is_zero)(beta);
    for (int i = 0; i < REF_MR; i++)
        for (int j = 0; j < REF_NR; j++) {
            T v = OP(mul)(alpha, acc[i][j]);
            T *cij = c + i * rsc + j * csc;
            *cij = beta_zero ? v : OP(add)(v, OP(mul)(beta, *cij));
        }
}

#define PACK_PREFETCH_ROWS 8

/* Pack rows [0, mb) x cols [0, kb) of op(A) into mr-row slivers, zero-padding the last. */
static void FN(pack_a)(int conja, ptrdiff_t mb, ptrdiff_t kb, const T *a, ptrdiff_t rsa,
                       ptrdiff_t csa, int mr, T *ap) {
    ptrdiff_t ir = 0;
    if (rsa == 1 && csa != 1 && mb >= mr) {
        /* column-major op(A) (B^T under a colmajor kernel, or a.T): column p of the block is
         * contiguous, so read it once across all full slivers, fetching the column
         * PACK_PREFETCH_ROWS ahead (its stride defeats the hardware prefetchers; sliver by
         * sliver this took 3.9% of a 1024^3 product, 2.2-2.7% this way) */
        const ptrdiff_t nfull = mb / mr, line = 64 / (ptrdiff_t)sizeof(T);
        for (ptrdiff_t p = 0; p < kb; p++) {
            const T *src = a + p * csa;
            if (p + PACK_PREFETCH_ROWS < kb)
                for (ptrdiff_t i = 0; i < nfull * mr; i += line)
                    __builtin_prefetch(src + PACK_PREFETCH_ROWS * csa + i);
            for (ptrdiff_t s = 0; s < nfull; s++)
                for (ptrdiff_t i = 0; i < mr; i++) ap[(s * kb + p) * mr + i] = src[s * mr + i];
        }
        if (conja)
            for (ptrdiff_t q = 0; q < nfull * kb * mr; q++) ap[q] = OP(conj)(ap[q]);
        ir = nfull * mr;
        ap += nfull * kb * mr;
    }
    for (; ir < mb; ir += mr) {
        ptrdiff_t rows = mb - ir < mr ? mb - ir : mr;
        const T *as = a + ir * rsa;
        if (rows == mr && csa == 1) { /* row-major A: mr contiguous read streams, one write stream */
            for (ptrdiff_t p = 0; p < kb; p++)
                for (ptrdiff_t i = 0; i < mr; i++) ap[p * mr + i] = as[i * rsa + p];
        } else {
            for (ptrdiff_t p = 0; p < kb; p++) {
                ptrdiff_t i = 0;
                for (; i < rows; i++) ap[p * mr + i] = as[i * rsa + p * csa];
                for (; i < mr; i++) ap[p * mr + i] = OP(zero)();
            }
        }
        if (conja)
            for (ptrdiff_t q = 0; q < kb * mr; q++) ap[q] = OP(conj)(ap[q]);
        ap += kb * mr;
    }
}

#define PACK_B_ROWS 8

/* Pack slivers [jp0, jp1) (nr columns each) of the kb x nb block of op(B). */
static void FN(pack_b)(const cyl_gemm_kernel *kr, int conjb, ptrdiff_t nb, ptrdiff_t kb,
                       const T *b, ptrdiff_t rsb, ptrdiff_t csb, int nr, ptrdiff_t jp0,
                       ptrdiff_t jp1, T *bp) {
    if (csb == 1 && !conjb) {
        /* row-major B: walk PACK_B_ROWS rows of the block together, contiguously, dealing
         * their nr-wide pieces to the full slivers.  Sliver by sliver, each row of B gives one
         * cache line at a stride of a whole row, which the prefetchers do not follow (twice
         * the time); row by row, every store goes a whole sliver (kb*nr elements, a multiple
         * of 4 KiB) past the last one, into one L1 set (n=512, 2 threads: 5-8% slower). */
        ptrdiff_t jfull = nb / nr < jp1 ? nb / nr : jp1;
        for (ptrdiff_t p0 = 0; p0 < kb; p0 += PACK_B_ROWS) {
            const ptrdiff_t pn = kb - p0 < PACK_B_ROWS ? kb - p0 : PACK_B_ROWS;
            for (ptrdiff_t jp = jp0; jp < jfull; jp++) {
                const T *src = b + p0 * rsb + jp * nr;
                T *dst = bp + (jp * kb + p0) * nr;
                for (ptrdiff_t p = 0; p < pn; p++)
                    for (ptrdiff_t j = 0; j < nr; j++) dst[p * nr + j] = src[p * rsb + j];
            }
        }
        if (jfull > jp0) jp0 = jfull; /* the partial last sliver, if any, below */
    }
    for (ptrdiff_t jp = jp0; jp < jp1; jp++) {
        ptrdiff_t jr = jp * nr;
        ptrdiff_t cols = nb - jr < nr ? nb - jr : nr;
        const T *bs = b + jr * csb;
        T *dst = bp + jp * nr * kb;
        if (cols == nr && csb == 1) {
            for (ptrdiff_t p = 0; p < kb; p++)
                for (ptrdiff_t j = 0; j < nr; j++) dst[p * nr + j] = bs[p * rsb + j];
        } else if (cols == nr && rsb == 1 && kr->pack_b_cols != NULL) {
            kr->pack_b_cols(kb, bs, csb, dst);
        } else if (cols == nr && rsb == 1) { /* column-major op(B) (A^T under a colmajor kernel):
                                              * nr contiguous read streams, a line at a time */
            for (ptrdiff_t p0 = 0; p0 < kb; p0 += PACK_B_ROWS) {
                const ptrdiff_t pn = kb - p0 < PACK_B_ROWS ? kb - p0 : PACK_B_ROWS;
                for (ptrdiff_t j = 0; j < nr; j++)
                    for (ptrdiff_t p = p0; p < p0 + pn; p++) dst[p * nr + j] = bs[j * csb + p];
            }
        } else {
            for (ptrdiff_t p = 0; p < kb; p++) {
                ptrdiff_t j = 0;
                for (; j < cols; j++) dst[p * nr + j] = bs[p * rsb + j * csb];
                for (; j < nr; j++) dst[p * nr + j] = OP(zero)();
            }
        }
        if (conjb)
            for (ptrdiff_t q = 0; q < kb * nr; q++) dst[q] = OP(conj)(dst[q]);
    }
}

/* C block (mb x nb) = alpha * Ap * Bp + beta * C block. */
static void FN(macro_kernel)(const cyl_gemm_kernel *kr, ptrdiff_t mb, ptrdiff_t nb, ptrdiff_t kb,
                             T alpha, const T *ap, const T *bp, T beta, T *c, ptrdiff_t rsc,
                             ptrdiff_t csc) {
    const int mr = kr->mr, nr = kr->nr;
    T scratch[CYL_GEMM_MAX_TILE] __attribute__((aligned(64)));
    T one = OP(one)(), zero = OP(zero)();
    int beta_zero = OP(is_zero)(beta);
    for (ptrdiff_t jr = 0; jr < nb; jr += nr) {
        ptrdiff_t cols = nb - jr < nr ? nb - jr : nr;
        const T *bs = bp + jr * kb;
        for (ptrdiff_t ir = 0; ir < mb; ir += mr) {
            ptrdiff_t rows = mb - ir < mr ? mb - ir : mr;
            const T *as = ap + ir * kb;
            T *cs = c + ir * rsc + jr * csc;
            if (rows == mr && cols == nr) {
                kr->ukr(kb, &alpha, as, bs, &beta, cs, rsc, csc);
            } else { /* edge tile: full tile into scratch, then the valid part into C */
                kr->ukr(kb, &one, as, bs, &zero, scratch, nr, 1);
                for (ptrdiff_t i = 0; i < rows; i++)
                    for (ptrdiff_t j = 0; j < cols; j++) {
                        T v = OP(mul)(alpha, scratch[i * nr + j]);
                        T *cij = cs + i * rsc + j * csc;
                        *cij = beta_zero ? v : OP(add)(v, OP(mul)(beta, *cij));
                    }
            }
        }
    }
}

/* A fresh output's (beta = 0: C is output only, and large) unit-stride lines of C, in chunks of
 * whole lines spanning about CYL_GEMM_TOUCH_CHUNK_BYTES each; returns the number of chunks, 0 when
 * there is nothing to touch. */
static ptrdiff_t FN(touch_chunks)(ptrdiff_t m, ptrdiff_t n, T beta, ptrdiff_t rsc, ptrdiff_t csc,
                                  ptrdiff_t *lines, ptrdiff_t *len, ptrdiff_t *ls, ptrdiff_t *per) {
    if (!OP(is_zero)(beta) || (double)m * (double)n * sizeof(T) < CYL_GEMM_TOUCH_MIN_BYTES)
        return 0;
    *lines = m, *len = n, *ls = rsc;
    if (csc != 1) {
        if (rsc != 1) return 0; /* neither stride is unit: not a fresh output */
        *lines = n, *len = m, *ls = csc;
    }
    *per = CYL_GEMM_TOUCH_CHUNK_BYTES / (ptrdiff_t)sizeof(T) / *ls;
    if (*per < 1) *per = 1;
    return (*lines + *per - 1) / *per;
}

/* Write a zero into every 4 KiB page of a fresh output, the threads claiming chunks from one
 * counter (set to touch_chunks' count before the threads start).  Its pages are then faulted in
 * here, by every thread, instead of in the micro-kernels, where (presumably) the threads fault
 * the same huge pages, each fault zeroing 2 MiB (4096^3, 2 threads: 4-6% faster).  Claimed, not
 * split in halves: the VM's second vCPU at times faults pages several times slower than the
 * first (2048^3, 2 threads, halves: 21% of the product's time touching on one thread against 2%
 * on the other, which then waited; in 10 alternating runs with distant vCPUs, medians of
 * 222-233 GF/s claimed against 176-233 in halves, three under 215).  On pages already mapped it
 * is one store a page. */
static void FN(touch_output)(ptrdiff_t m, ptrdiff_t n, T beta, T *c, ptrdiff_t rsc, ptrdiff_t csc,
                             cyl_gemm_claims *counter) {
    ptrdiff_t lines, len, ls, per, chunk;
    if (FN(touch_chunks)(m, n, beta, rsc, csc, &lines, &len, &ls, &per) == 0) return;
    const ptrdiff_t step = 4096 / (ptrdiff_t)sizeof(T);
    for (ptrdiff_t one; (chunk = claims_take(&counter->fb, 1, 1, &one)) >= 0;)
        for (ptrdiff_t i = chunk * per; i < lines && i < (chunk + 1) * per; i++) {
            T *line = c + i * ls;
            for (ptrdiff_t j = 0; j < len; j += step) line[j] = OP(zero)();
            line[len - 1] = OP(zero)();
        }
}

/* B slivers [s, s + count) of a block in progress: their columns of its rows of C. */
static void FN(block_slivers)(const cyl_gemm_kernel *kr, const cyl_gemm_in_progress *blk,
                              ptrdiff_t s, ptrdiff_t count, ptrdiff_t nb, ptrdiff_t kb, T alpha,
                              const T *bpack, T beta, T *c, ptrdiff_t rsc, ptrdiff_t csc) {
    const ptrdiff_t j0 = s * kr->nr, cols = nb - j0 < count * kr->nr ? nb - j0 : count * kr->nr;
    FN(macro_kernel)(kr, blk->mb, cols, kb, alpha, (const T *)blk->ap, bpack + j0 * kb, beta,
                     c + blk->ic * rsc + j0 * csc, rsc, csc);
}

/* The jc / pc / ic loops run by thread tid of nt: the B panel is packed cooperatively, then
 * each thread computes the ic blocks of its share of C's rows and steals what is left of the
 * others' (gemm_share in gemm.c; barriers are no-ops outside a parallel region).  Which thread
 * computes a block, or which of its B slivers, does not change its arithmetic.  claims: the touch
 * counter, then one word per thread's share; busy: each thread's block in progress.  Once every
 * block of a round is claimed, a thread that is done helps with the others' blocks in progress,
 * so the threads reach the round's end within a chunk of slivers of each other, not a block (at
 * 1024^3 with 2 threads, a quarter block is 8% of a round). */
static void FN(gemm_loops)(const cyl_gemm_kernel *kr, int conja, int conjb, ptrdiff_t m,
                           ptrdiff_t n, ptrdiff_t k, T alpha, const T *a, ptrdiff_t rsa,
                           ptrdiff_t csa, const T *b, ptrdiff_t rsb, ptrdiff_t csb, T beta, T *c,
                           ptrdiff_t rsc, ptrdiff_t csc, ptrdiff_t mc, ptrdiff_t kc, ptrdiff_t nc,
                           T *bpack, T *apack, cyl_gemm_claims *claims,
                           cyl_gemm_in_progress *busy, int tid, int nt) {
    const ptrdiff_t mr = kr->mr, nr = kr->nr;
    const ptrdiff_t chunk = nt == 1 ? PTRDIFF_MAX : g_steal_first ? 1 : CYL_GEMM_SLIVER_CHUNK;
    cyl_gemm_share mine;
    gemm_share(m, mr, mc, tid, nt, &mine);
    /* (before the first barrier below, so no thread computes a tile another still touches) */
    FN(touch_output)(m, n, beta, c, rsc, csc, &claims[0]);
    for (ptrdiff_t jc = 0; jc < n; jc += nc) {
        ptrdiff_t nb = n - jc < nc ? n - jc : nc;
        ptrdiff_t npanels = (nb + nr - 1) / nr;
        for (ptrdiff_t pc = 0; pc < k; pc += kc) {
            ptrdiff_t kb = k - pc < kc ? k - pc : kc;
            T beta_pc = pc == 0 ? beta : OP(one)();
            ptrdiff_t jp0 = npanels * tid / nt, jp1 = npanels * (tid + 1) / nt;
            /* Ctrl-C (interrupt.h): once the flag is up every thread skips the remaining work but
             * still meets every barrier, so no thread waits for one that left */
            if (!cyl_interrupt_pending())
                FN(pack_b)(kr, conjb, nb, kb, b + pc * rsb + jc * csb, rsb, csb, (int)nr, jp0, jp1,
                           bpack);
            /* every thread is past the previous round's claims */
            claims[1 + tid].fb = claims_make(0, mine.nblocks);
#ifdef CYL_HAVE_OPENMP
            if (nt > 1) {
#pragma omp barrier
            }
#endif
            for (int v = 0; v < nt && !cyl_interrupt_pending(); v++) {
                /* first the own share, then the others' (the test hook: the own one last) */
                const int victim = (tid + v + g_steal_first) % nt;
                cyl_gemm_share other, *share = &mine;
                if (victim != tid) gemm_share(m, mr, mc, victim, nt, share = &other);
                for (;;) {
                    ptrdiff_t one, blk = claims_take(&claims[1 + victim].fb, victim == tid, 1, &one);
                    if (blk < 0 || cyl_interrupt_pending()) break;
                    cyl_gemm_in_progress *mine_now = &busy[tid];
                    gemm_share_block(share, blk, &mine_now->ic, &mine_now->mb);
                    FN(pack_a)(conja, mine_now->mb, kb, a + mine_now->ic * rsa + pc * csa, rsa, csa,
                               (int)mr, apack);
                    mine_now->ap = apack;
                    claims_publish(&mine_now->fb, claims_make(0, npanels));
                    for (ptrdiff_t s, got; (s = claims_take(&mine_now->fb, 1, chunk, &got)) >= 0;)
                        FN(block_slivers)(kr, mine_now, s, got, nb, kb, alpha, bpack, beta_pc,
                                          c + jc * csc, rsc, csc);
                }
            }
            /* every block is claimed (claims never grow within a round), so no thread packs
             * another before the barrier: the others' packed blocks stay as they are */
            for (int v = 1; v < nt && !cyl_interrupt_pending(); v++) {
                cyl_gemm_in_progress *theirs = &busy[(tid + v) % nt];
                for (ptrdiff_t s, got; (s = claims_take(&theirs->fb, 0, chunk, &got)) >= 0;) {
                    FN(block_slivers)(kr, theirs, s, got, nb, kb, alpha, bpack, beta_pc,
                                      c + jc * csc, rsc, csc);
                    count_helped_chunk();
                }
            }
#ifdef CYL_HAVE_OPENMP
            if (nt > 1) {
#pragma omp barrier
            }
#endif
        }
    }
}

int FN(cyl_gemm)(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,
                 const T *a, ptrdiff_t rsa, ptrdiff_t csa, const T *b, ptrdiff_t rsb,
                 ptrdiff_t csb, T beta, T *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads) {
    if (m <= 0 || n <= 0) return CYL_OK;
    if (k <= 0 || OP(is_zero)(alpha)) { /* C = beta * C; beta == 0 never reads C (BLAS) */
        int beta_zero = OP(is_zero)(beta);
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) {
                T *cij = c + i * rsc + j * csc;
                *cij = beta_zero ? OP(zero)() : OP(mul)(beta, *cij);
            }
        return CYL_OK;
    }
    const cyl_gemm_kernel *kr = &cyl_kernels()->gemm[DTYPE];
    if (CYL_GEMM_USE_SMALL(kr, m, n, k)) {
        kr->small(conja, conjb, m, n, k, &alpha, a, rsa, csa, b, rsb, csb, &beta, c, rsc, csc);
        return CYL_OK;
    }
    /* Threads: only when there is enough work, at most one per mr-row group of A. */
    int want = nthreads > 0 ? nthreads : cyl_get_num_threads();
    /* real flops: a complex multiply-add is 8 (complex128 n = 64 on one thread while OpenBLAS
     * used two: 0.71x numpy) */
    double flops = (IS_COMPLEX ? 8.0 : 2.0) * (double)m * (double)n * (double)k;
    if (flops < 1e6) want = 1; /* 2 threads win from n = 80 on (n = 96: 1.15x numpy, from 0.86x) */

    if (!cyl_gemm_force_packed() && csb == 1 && csc == 1 && !conja && !conjb &&
        ((n <= CYL_SMALL_NMAX && k <= kr->tall_kmax) || m <= kr->wide_mmax ||
         (double)m * (double)n * (double)k <= (double)kr->plain_max) &&
        OP(is_zero)(beta) && OP(is_zero)(OP(sub)(alpha, OP(one)()))) {
        /* plain product, tall and narrow (B stays in cache, the unpacked kernel streams A's
         * rows), a few rows against any B, or small enough that packing would cost more than
         * it saves */
        int g = want > 1 ? cyl_threads_acquire(want) : 1;
        if (g == 1) {
            kr->small(conja, conjb, m, n, k, &alpha, a, rsa, csa, b, rsb, csb, &beta, c, rsc, csc);
        } else {
#ifdef CYL_HAVE_OPENMP
#pragma omp parallel num_threads(g)
            { /* split by the team actually running, which may be smaller than g: rows in
               * multiples of 8, or, with too few rows for that, columns in multiples of a cache
               * line (each element of C is computed the same way in any split) */
                int nt = omp_get_num_threads(), id = omp_get_thread_num();
                if (m >= 8 * (ptrdiff_t)nt) {
                    ptrdiff_t chunk = round_up_to((m + nt - 1) / nt, 8);
                    ptrdiff_t i0 = (ptrdiff_t)id * chunk;
                    ptrdiff_t rows = m - i0 < chunk ? m - i0 : chunk;
                    if (rows > 0)
                        kr->small(conja, conjb, rows, n, k, &alpha, a + i0 * rsa, rsa, csa, b,
                                  rsb, csb, &beta, c + i0 * rsc, rsc, csc);
                } else {
                    ptrdiff_t chunk = round_up_to((n + nt - 1) / nt, 64 / (ptrdiff_t)sizeof(T));
                    ptrdiff_t j0 = (ptrdiff_t)id * chunk;
                    ptrdiff_t cols = n - j0 < chunk ? n - j0 : chunk;
                    if (cols > 0)
                        kr->small(conja, conjb, m, cols, k, &alpha, a, rsa, csa, b + j0, rsb, csb,
                                  &beta, c + j0, rsc, csc);
                }
            }
#endif
        }
        if (g > 1) cyl_threads_release(g);
        return CYL_OK;
    }

    /* A colmajor kernel's vectors run along its tile's rows: on a column-major C it runs as is,
     * otherwise on C^T = op(B)^T op(A)^T, where they run along C's rows. */
    int transpose = kr->colmajor && rsc != 1;
    if (kr->colmajor && ((transpose ? n : m) < 2 * (ptrdiff_t)kr->mr ||
                         (!cyl_gemm_force_packed() &&
                          (double)m * (double)n * (double)k < CYL_GEMM_COLMAJOR_MIN_MNK))) {
        kr = kr->narrow; /* (tests force the packed path to reach the colmajor kernel on small shapes) */
        transpose = 0;
    }
    const ptrdiff_t mr = kr->mr, nr = kr->nr;
    if (transpose) {
        const T *swap_p = a;
        a = b;
        b = swap_p;
        ptrdiff_t swap_d = m;
        m = n;
        n = swap_d;
        swap_d = rsa, rsa = csb, csb = swap_d;
        swap_d = csa, csa = rsb, rsb = swap_d;
        swap_d = rsc, rsc = csc, csc = swap_d;
        int swap_c = conja;
        conja = conjb;
        conjb = swap_c;
    }
    if (want > (m + mr - 1) / mr) want = (int)((m + mr - 1) / mr);

    /* equal NC blocks (a 2048-wide B with NC 2040 would leave an 8-column block that costs a
     * full re-pack of A) */
    const ptrdiff_t nblk_n = (n + kr->nc - 1) / kr->nc;
    const ptrdiff_t nc = round_up_to((n + nblk_n - 1) / nblk_n, nr);
    /* equal KC blocks too (k = 600 with KC 512: two blocks of 304, not 512 + 88); a multiple of
     * 8 keeps every packed sliver 64-byte aligned */
    const ptrdiff_t nblk_k = (k + kr->kc - 1) / kr->kc;
    const ptrdiff_t kcb = round_up_to((k + nblk_k - 1) / nblk_k, 8);

    int g = want > 1 ? cyl_threads_acquire(want) : 1;
    const ptrdiff_t mc = kr->mc;
    size_t bsize = (size_t)round_up_to(nc, nr) * (size_t)kcb;
    size_t asize = (size_t)round_up_to(mc, mr) * (size_t)kcb;
    asize = (asize + 15) & ~(size_t)15; /* keep every thread's buffer 64-byte aligned */
    /* then 1 + g claims words and g blocks in progress, a cache line each */
    const size_t claims_at = bsize + (size_t)g * asize;
    const size_t busy_at = claims_at + (size_t)(1 + g) * (sizeof(cyl_gemm_claims) / sizeof(T));
    T *work = (T *)cyl_workspace_get(
        busy_at + (size_t)g * (sizeof(cyl_gemm_in_progress) / sizeof(T)), sizeof(T));
    if (work == NULL) {
        if (g > 1) cyl_threads_release(g);
        return CYL_ERR_NOMEM;
    }
    cyl_gemm_claims *claims = (cyl_gemm_claims *)(work + claims_at);
    ptrdiff_t lines, len, ls, per;
    claims[0].fb = claims_make(0, FN(touch_chunks)(m, n, beta, rsc, csc, &lines, &len, &ls, &per));
    cyl_gemm_in_progress *busy = (cyl_gemm_in_progress *)(work + busy_at);
    for (int t = 0; t < g; t++) busy[t].fb = claims_make(0, 0);
    if (g == 1) { /* no parallel region at all: entering one costs about a microsecond */
        FN(gemm_loops)(kr, conja, conjb, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc,
                       csc, mc, kcb, nc, work, work + bsize, claims, busy, 0, 1);
    } else {
#ifdef CYL_HAVE_OPENMP
#pragma omp parallel num_threads(g)
        {
            int tid = omp_get_thread_num(), nt = omp_get_num_threads();
            FN(gemm_loops)(kr, conja, conjb, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c,
                           rsc, csc, mc, kcb, nc, work, work + bsize + (size_t)tid * asize,
                           claims, busy, tid, nt);
        }
#endif
    }
    cyl_workspace_put(work);
    if (g > 1) cyl_threads_release(g);
    return cyl_interrupt_pending() ? CYL_ERR_INTERRUPTED : CYL_OK;
}
