/* The GEMM driver (gemm.tmpl.h), the portable reference micro-kernels and small-matrix path
 * (gemm_small.tmpl.h), and the batched entry point.  ISA-specific micro-kernels live in
 * *_avx2.c files and reach the driver only through the kernel table (dispatch.h). */
#include <math.h>
#ifdef CYL_HAVE_OPENMP
#include <omp.h>
#endif
#include "cylinalg/scalar.h"
#include "cylinalg/batch.h"
#include "cylinalg/gemm.h"
#include "cylinalg/dispatch.h"
#include "cylinalg/threads.h"
#include "cylinalg/interrupt.h"
#include "gemm_internal.h"
#if defined(_MSC_VER)
#include <intrin.h>
#endif

static int g_force_packed = 0;
void cyl_gemm_set_force_packed(int on) { g_force_packed = on; }
static int cyl_gemm_force_packed(void) { return g_force_packed; }
static int g_steal_first = 0;
void cyl_gemm_set_steal_first(int on) { g_steal_first = on; }
static volatile long g_helped_chunks = 0;
long cyl_gemm_helped_chunks(void) {
#if defined(_MSC_VER)
    return _InterlockedExchange(&g_helped_chunks, 0);
#else
    return __atomic_exchange_n(&g_helped_chunks, 0, __ATOMIC_RELAXED);
#endif
}
static void count_helped_chunk(void) {
#if defined(_MSC_VER)
    _InterlockedIncrement(&g_helped_chunks);
#else
    __atomic_fetch_add(&g_helped_chunks, 1, __ATOMIC_RELAXED);
#endif
}
#define CYL_GEMM_USE_SMALL(kr, m, n, k) \
    (!g_force_packed && (n) <= CYL_SMALL_NMAX && (double)(m) * (double)(n) * (double)(k) <= (double)(kr)->small_max)

/* ---- the ic blocks of one pc round, shared out between threads ---------------------------
 * Thread t owns a contiguous share of C's rows and keeps it in every round, so each block of C
 * stays in its owner's caches from one round to the next.  (Claimed in turn from one shared
 * counter, a block moved between threads at random: with the VM's two vCPUs on distant cores,
 * a cache line 380 ns away instead of 90, that took float64 2048^3 with 2 threads at the AVX2
 * level from 127 to 103 GF/s, OpenBLAS staying at 125-131.)  The owner claims its share's
 * blocks from the front; a thread done with its own steals from the back of the others', so a
 * vCPU slowed by anything else still does fewer blocks.  The last mcb rows of every share are
 * cut into quarter blocks, the ones stolen first, so threads finish a round within a quarter
 * block of each other (a round ends at a barrier). */
typedef struct {
    ptrdiff_t r0;    /* first row */
    ptrdiff_t head;  /* rows in full blocks (the first possibly short), ending at r0 + head
                      * (with one thread, up to mr - 1 rows past the share: clipped) */
    ptrdiff_t rows;  /* all rows of the share */
    ptrdiff_t mcb;   /* full block rows (a multiple of mr) */
    ptrdiff_t sb;    /* quarter block rows */
    ptrdiff_t nhead; /* full blocks */
    ptrdiff_t nblocks;
} cyl_gemm_share;

static ptrdiff_t round_up_to(ptrdiff_t x, ptrdiff_t r) { return (x + r - 1) / r * r; }

/* Thread tid's share of m rows among nt (shares begin at multiples of mr; some may be empty). */
static void gemm_share(ptrdiff_t m, ptrdiff_t mr, ptrdiff_t mc, int tid, int nt, cyl_gemm_share *s) {
    ptrdiff_t r0 = round_up_to(m * tid / nt, mr), r1 = round_up_to(m * (tid + 1) / nt, mr);
    if (r0 > m) r0 = m;
    if (r1 > m || tid == nt - 1) r1 = m;
    s->r0 = r0;
    s->rows = r1 - r0;
    s->nblocks = s->nhead = s->head = 0;
    s->mcb = s->sb = mr;
    if (s->rows <= 0) return;
    /* Blocks are laid out on the share's rows rounded up to mr, the last one clipped, so every
     * block starts at a multiple of mr from row 0 whatever the thread count: C's last partial mr
     * rows are then the only edge tiles, with any number of threads.  (An edge tile applies alpha
     * and beta in the driver, which for the complex types rounds differently from the
     * micro-kernels: with blocks ending at the share's end, a row could be an edge tile with 1
     * thread and not with 2, and the results differed in its last bit.) */
    const ptrdiff_t aligned = round_up_to(s->rows, mr);
    const ptrdiff_t nblocks_eq = (aligned + mc - 1) / mc;
    s->mcb = round_up_to((aligned + nblocks_eq - 1) / nblocks_eq, mr);
    ptrdiff_t tail = 0;
    if (nt > 1) {
        s->sb = round_up_to((s->mcb + 3) / 4, mr);
        tail = s->mcb < aligned ? s->mcb : aligned;
    } else {
        s->sb = s->mcb;
    }
    s->head = aligned - tail;
    s->nhead = (s->head + s->mcb - 1) / s->mcb;
    s->nblocks = s->nhead + (tail + s->sb - 1) / s->sb;
}

/* Rows [*ic, *ic + *mb) of block idx of a share. */
static void gemm_share_block(const cyl_gemm_share *s, ptrdiff_t idx, ptrdiff_t *ic, ptrdiff_t *mb) {
    if (idx < s->nhead) { /* full blocks end at r0 + head, so only the first can be short */
        ptrdiff_t end = s->head - (s->nhead - 1 - idx) * s->mcb;
        ptrdiff_t start = end - s->mcb > 0 ? end - s->mcb : 0;
        if (end > s->rows) end = s->rows; /* the last block with one thread (no tail) */
        *ic = s->r0 + start;
        *mb = end - start;
    } else {
        ptrdiff_t start = s->head + (idx - s->nhead) * s->sb;
        *ic = s->r0 + start;
        *mb = s->rows - start < s->sb ? s->rows - start : s->sb;
    }
}

/* Unclaimed items [front, back) in one word (front in the low half), on its own cache line: a
 * share's blocks, or the touch counter's chunks. */
typedef struct {
    volatile long long fb;
    char pad[64 - sizeof(long long)];
} cyl_gemm_claims;

/* The block a thread is computing, once packed: its B slivers not yet claimed (the owner takes
 * them from the front, a chunk at a time; once every block of the round is claimed, the other
 * threads take them from the back), and what a helper needs to compute some of them. */
typedef struct {
    volatile long long fb;
    const void *ap; /* the owner's packed A block */
    ptrdiff_t ic, mb;
    char pad[64 - sizeof(long long) - sizeof(void *) - 2 * sizeof(ptrdiff_t)];
} cyl_gemm_in_progress;

/* B slivers claimed at once from a block in progress (1 under the steal-first test hook, so the
 * tests see many handovers). */
#define CYL_GEMM_SLIVER_CHUNK 4

static long long claims_make(ptrdiff_t front, ptrdiff_t back) {
    return (long long)((unsigned long long)back << 32 | (unsigned long long)front);
}

/* Publish a claims word that other threads read only after (release). */
static void claims_publish(volatile long long *fb, long long value) {
#if defined(_MSC_VER)
    _InterlockedExchange64(fb, value);
#else
    __atomic_store_n(fb, value, __ATOMIC_RELEASE);
#endif
}

/* Claim up to `want` items from the front (owner) or the back (helper); returns the first one's
 * index and their count in *got, or -1 when none is left. */
static ptrdiff_t claims_take(volatile long long *fb, int owner, ptrdiff_t want, ptrdiff_t *got) {
    for (;;) {
#if defined(_MSC_VER)
        long long old = *fb;
#else
        long long old = __atomic_load_n(fb, __ATOMIC_ACQUIRE);
#endif
        ptrdiff_t front = (ptrdiff_t)(old & 0xffffffffLL), back = (ptrdiff_t)((unsigned long long)old >> 32);
        if (front >= back) return -1;
        *got = back - front < want ? back - front : want;
        long long next = owner ? claims_make(front + *got, back) : claims_make(front, back - *got);
#if defined(_MSC_VER)
        if (_InterlockedCompareExchange64(fb, next, old) == old)
#else
        if (__atomic_compare_exchange_n(fb, &old, next, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
#endif
            return owner ? front : back - *got;
    }
}

#define SFX ref
#define CYL_TEMPLATE "gemm/gemm_small.tmpl.h"
#define CYL_TEMPLATE_2 "gemm/gemm.tmpl.h"
#include "cylinalg/instantiate.h"
#undef SFX

void cyl_gemm_ref_kernels(cyl_gemm_kernel out[4]) {
    out[CYL_F32].ukr = ukr_ref_s;
    out[CYL_F64].ukr = ukr_ref_d;
    out[CYL_C64].ukr = ukr_ref_c;
    out[CYL_C128].ukr = ukr_ref_z;
    fill_small_s_ref(&out[CYL_F32]);
    fill_small_d_ref(&out[CYL_F64]);
    fill_small_c_ref(&out[CYL_C64]);
    fill_small_z_ref(&out[CYL_C128]);
    for (int i = 0; i < 4; i++) {
        out[i].mr = REF_MR;
        out[i].nr = REF_NR;
        out[i].mc = 128;
        out[i].kc = 256;
        out[i].nc = i == CYL_C128 ? 1024 : 2048; /* B panel <= 4 MiB */
        out[i].small_max = 12 * 12 * 12;
        out[i].tall_kmax = 0;
        out[i].plain_max = 0;
        out[i].name = "ref 4x4";
    }
}

/* Stacks: the unpacked loop for small matrices, the full driver per matrix otherwise. */
int cyl_gemm_batched(int dtype, int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                     ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,
                     char *c, ptrdiff_t rsc, ptrdiff_t csc, cyl_batch *it, int nthreads) {
    const cyl_gemm_kernel *kr = &cyl_kernels()->gemm[dtype];
    if (it->count <= 0 || m <= 0 || n <= 0) return CYL_OK;
    if (k > 0 && CYL_GEMM_USE_SMALL(kr, m, n, k)) {
        if (it->count == 1) { /* one matrix: the single-product small kernel is the faster one */
            static const float one_s = 1, zero_s = 0;
            static const double one_d = 1, zero_d = 0;
            static const cyl_cf one_c = {1, 0}, zero_c = {0, 0};
            static const cyl_cd one_z = {1, 0}, zero_z = {0, 0};
            const void *one = dtype == CYL_F32 ? (const void *)&one_s
                              : dtype == CYL_F64 ? (const void *)&one_d
                              : dtype == CYL_C64 ? (const void *)&one_c : (const void *)&one_z;
            const void *zero = dtype == CYL_F32 ? (const void *)&zero_s
                               : dtype == CYL_F64 ? (const void *)&zero_d
                               : dtype == CYL_C64 ? (const void *)&zero_c : (const void *)&zero_z;
            kr->small(conja, 0, m, n, k, one, a + it->offset[0], rsa, csa, b + it->offset[1], rsb,
                      csb, zero, c + it->offset[2], rsc, csc);
            return CYL_OK;
        }
        /* Large stacks split over threads by whole rows of the innermost batch dimension
         * (any range when there is one batch dimension): every matrix is computed the same way
         * on any thread.  Tiny stacks are memory-bound, and a second core doubles the bandwidth. */
        double work = (double)it->count * (double)m * (double)n * (double)k;
        ptrdiff_t inner = it->ndim > 1 ? it->shape[it->ndim - 1] : 1;
        ptrdiff_t units = it->count / inner;
        int g = work >= 1e6 && units >= 2 ? cyl_threads_acquire(nthreads) : 1;
        if (g > units) g = (int)units;
        if (g <= 1) {
            kr->stack(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, it);
        } else {
#ifdef CYL_HAVE_OPENMP
#pragma omp parallel num_threads(g)
            {
                int nt = omp_get_num_threads(), id = omp_get_thread_num();
                ptrdiff_t u0 = units * id / nt, u1 = units * (id + 1) / nt;
                if (u1 > u0) {
                    cyl_batch part;
                    cyl_batch_slice(it, u0 * inner, u1 * inner, &part);
                    kr->stack(conja, m, n, k, a, rsa, csa, b, rsb, csb, c, rsc, csc, &part);
                }
            }
#endif
        }
        if (g > 1) cyl_threads_release(g);
        return CYL_OK;
    }
    int status = CYL_OK;
    for (ptrdiff_t t = 0; t < it->count && status == CYL_OK; t++) {
        const char *at = a + it->offset[0], *bt = b + it->offset[1];
        char *ct = c + it->offset[2];
        switch (dtype) {
        case CYL_F32:
            status = cyl_gemm_s(conja, 0, m, n, k, 1.0f, (const float *)at, rsa, csa,
                                (const float *)bt, rsb, csb, 0.0f, (float *)ct, rsc, csc, nthreads);
            break;
        case CYL_F64:
            status = cyl_gemm_d(conja, 0, m, n, k, 1.0, (const double *)at, rsa, csa,
                                (const double *)bt, rsb, csb, 0.0, (double *)ct, rsc, csc, nthreads);
            break;
        case CYL_C64: {
            cyl_cf one = {1, 0}, zero = {0, 0};
            status = cyl_gemm_c(conja, 0, m, n, k, one, (const cyl_cf *)at, rsa, csa,
                                (const cyl_cf *)bt, rsb, csb, zero, (cyl_cf *)ct, rsc, csc, nthreads);
            break;
        }
        default: {
            cyl_cd one = {1, 0}, zero = {0, 0};
            status = cyl_gemm_z(conja, 0, m, n, k, one, (const cyl_cd *)at, rsa, csa,
                                (const cyl_cd *)bt, rsb, csb, zero, (cyl_cd *)ct, rsc, csc, nthreads);
        }
        }
        cyl_batch_next(it);
    }
    return status;
}

#if !(defined(__x86_64__) || defined(_M_X64))
void cyl_gemm_avx2_kernels(cyl_gemm_kernel out[4]) { (void)out; }
double cyl_fma_peak_run(long iters) { (void)iters; return -1.0; }
long cyl_fma_peak_flops_per_iter(void) { return 0; }
#endif
