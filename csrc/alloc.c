#define _GNU_SOURCE /* posix_memalign, madvise */
#include <stdlib.h>
#include <string.h>
#include "cylinalg/common.h"
#include "cylinalg/threads.h"

#if defined(_MSC_VER)
#include <intrin.h>
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

void *cyl_aligned_alloc(size_t count, size_t size) {
    size_t bytes;
    if (cyl_mul_overflows(count, size, &bytes)) return NULL;
    if (bytes == 0) bytes = 64;
    bytes = (bytes + 63) & ~(size_t)63;
    if (bytes == 0) return NULL; /* rounding overflowed */
#if defined(_MSC_VER)
    return _aligned_malloc(bytes, 64);
#else
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    return p;
#endif
}

void cyl_aligned_free(void *p) {
#if defined(_MSC_VER)
    _aligned_free(p);
#else
    free(p);
#endif
}

/* ---- workspaces: large, reused, huge-page backed --------------------------------------
 * A GEMM packs its panels into a few MiB that live in L2/L3 for the whole call.  With 4 KiB
 * pages their physical placement is random, so L2 set conflicts (and dTLB misses) change from
 * call to call: measured 35-50 GFLOP/s for the same float64 1024^3 product.  A 2 MiB-aligned
 * block advised MADV_HUGEPAGE is physically contiguous, and reusing it saves the page faults
 * (zeroing 2 MiB per huge page) on every call.  A few released blocks are kept for reuse. */
#define CYL_WS_ALIGN ((size_t)2 << 20)
#define CYL_WS_HEADER ((size_t)64) /* holds the block's size; the data starts 64-byte aligned */
#define CYL_WS_SLOTS 2

static void *volatile g_ws_slots[CYL_WS_SLOTS];

static void *ws_exchange(void *volatile *slot, void *value) {
#if defined(_MSC_VER)
    return _InterlockedExchangePointer((void *volatile *)slot, value);
#else
    return __atomic_exchange_n(slot, value, __ATOMIC_ACQ_REL);
#endif
}

static void *ws_allocate(size_t bytes) {
    size_t total = bytes + CYL_WS_HEADER;
    if (total < bytes) return NULL;
    if (total >= CYL_WS_ALIGN / 2) { /* round to whole huge pages */
        size_t rounded = (total + CYL_WS_ALIGN - 1) & ~(CYL_WS_ALIGN - 1);
        if (rounded < total) return NULL;
        total = rounded;
    }
    char *base;
#if defined(_MSC_VER)
    base = (char *)_aligned_malloc(total, 64);
    if (base == NULL) return NULL;
#else
    void *p = NULL;
    if (posix_memalign(&p, total >= CYL_WS_ALIGN ? CYL_WS_ALIGN : 64, total) != 0) return NULL;
    base = (char *)p;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (total >= CYL_WS_ALIGN) (void)madvise(base, total, MADV_HUGEPAGE); /* advice only */
#endif
#endif
    *(size_t *)base = total - CYL_WS_HEADER;
    return base + CYL_WS_HEADER;
}

static void ws_free(void *data) {
    if (data == NULL) return;
    char *base = (char *)data - CYL_WS_HEADER;
#if defined(_MSC_VER)
    _aligned_free(base);
#else
    free(base);
#endif
}

static size_t ws_capacity(void *data) { return *(size_t *)((char *)data - CYL_WS_HEADER); }

void *cyl_workspace_get(size_t count, size_t size) {
    size_t bytes;
    if (cyl_mul_overflows(count, size, &bytes)) return NULL;
    for (int i = 0; i < CYL_WS_SLOTS; i++) {
        void *p = ws_exchange(&g_ws_slots[i], NULL);
        if (p == NULL) continue;
        if (ws_capacity(p) >= bytes) return p;
        ws_free(p); /* too small for this call: make room for a bigger one */
    }
    return ws_allocate(bytes);
}

void cyl_workspace_put(void *p) {
    if (p == NULL) return;
    for (int i = 0; i < CYL_WS_SLOTS && p != NULL; i++) p = ws_exchange(&g_ws_slots[i], p);
    ws_free(p); /* every slot was full: the displaced (or this) block goes back to the system */
}

/* ---- result arrays: large ones are reused -----------------------------------------------
 * A fresh large array is faulted in page by page, each page zeroed by the kernel, on its first
 * write: a 2048 x 2048 float64 product's result (32 MiB, which glibc always maps afresh) spent
 * 5.5 ms of a 75 ms product with 2 threads there, against 68-70 ms into a reused output, on the
 * VM this was measured on.  Results of at least CYL_OUTPUT_MIN_BYTES are therefore allocated
 * through numpy's memory-handler hooks (_common.pxi) by the functions below: blocks as for the
 * workspaces (2 MiB aligned, huge pages); a freed one is kept, up to a total limit, and given to
 * the next result that fits it, with its pages already mapped.  (MKL's memory manager and
 * PyTorch's caching allocators keep freed buffers the same way.) */
#define CYL_OUTPUT_SLOTS 8

static struct {
    void *p;
    size_t cap;
    unsigned long stamp; /* when it was freed: the oldest goes first */
} g_out[CYL_OUTPUT_SLOTS];
static size_t g_out_limit = CYL_OUTPUT_DEFAULT_LIMIT, g_out_held;
static unsigned long g_out_clock;
/* 0, or the id of the process one of whose threads holds it: a child forked while a thread held
 * it would otherwise wait forever for a thread it does not have.  Such a child takes the lock
 * over and forgets the cached blocks, as the table may be half-written (they stay mapped, shared
 * with the parent until written, and are never reused). */
static volatile long g_out_lock;

static void out_lock(void) {
    const long self = cyl_process_id();
    for (;;) {
#if defined(_MSC_VER)
        long cur = g_out_lock;
        int taken = cur != self && _InterlockedCompareExchange(&g_out_lock, self, cur) == cur;
#else
        long cur = __atomic_load_n(&g_out_lock, __ATOMIC_RELAXED);
        int taken = cur != self && /* free, or held by a thread fork() left behind */
                    __atomic_compare_exchange_n(&g_out_lock, &cur, self, 0, __ATOMIC_ACQUIRE,
                                                __ATOMIC_RELAXED);
#endif
        if (taken) {
            if (cur != 0) { /* a forked child's */
                memset((void *)g_out, 0, sizeof g_out);
                g_out_held = 0;
            }
            return;
        }
    }
}

static void out_unlock(void) {
#if defined(_MSC_VER)
    _InterlockedExchange(&g_out_lock, 0);
#else
    __atomic_store_n(&g_out_lock, 0, __ATOMIC_RELEASE);
#endif
}

/* Under the lock: take slot i's block out of the cache. */
static void *out_take(int i) {
    void *p = g_out[i].p;
    g_out_held -= g_out[i].cap;
    g_out[i].p = NULL;
    return p;
}

/* Under the lock: evict the oldest blocks until `bytes` more fit under the limit in a free
 * slot, collecting them in gone[] (freed by the caller, outside the lock); 0 if it cannot fit. */
static int out_make_room(size_t bytes, void **gone, int *ngone) {
    if (bytes > g_out_limit) return 0;
    for (;;) {
        int free_slot = 0, oldest = -1;
        for (int i = 0; i < CYL_OUTPUT_SLOTS; i++) {
            if (g_out[i].p == NULL) free_slot = 1;
            else if (oldest < 0 || g_out[i].stamp < g_out[oldest].stamp) oldest = i;
        }
        if (free_slot && g_out_held + bytes <= g_out_limit) return 1;
        gone[(*ngone)++] = out_take(oldest); /* held > 0 or every slot used: there is one */
    }
}

void *cyl_output_malloc(void *ctx, size_t size) {
    (void)ctx;
    void *p = NULL;
    out_lock();
    int best = -1;
    for (int i = 0; i < CYL_OUTPUT_SLOTS; i++) /* the smallest block that fits without wasting
                                                 * more than a quarter (and its rounding) */
        if (g_out[i].p != NULL && g_out[i].cap >= size &&
            g_out[i].cap - size <= size / 4 + CYL_WS_ALIGN && (best < 0 || g_out[i].cap < g_out[best].cap))
            best = i;
    if (best >= 0) p = out_take(best);
    out_unlock();
    return p != NULL ? p : ws_allocate(size);
}

void cyl_output_free(void *ctx, void *p, size_t size) {
    (void)ctx, (void)size; /* the block's own capacity counts, not the size the array used */
    if (p == NULL) return;
    size_t cap = ws_capacity(p);
    void *gone[CYL_OUTPUT_SLOTS + 1];
    int ngone = 0;
    out_lock();
    if (cap >= CYL_OUTPUT_MIN_BYTES && out_make_room(cap, gone, &ngone)) {
        for (int i = 0; i < CYL_OUTPUT_SLOTS; i++)
            if (g_out[i].p == NULL) {
                g_out[i].p = p, g_out[i].cap = cap, g_out[i].stamp = ++g_out_clock;
                g_out_held += cap;
                p = NULL;
                break;
            }
    }
    out_unlock();
    for (int i = 0; i < ngone; i++) ws_free(gone[i]);
    ws_free(p);
}

void *cyl_output_calloc(void *ctx, size_t count, size_t size) {
    size_t bytes;
    if (cyl_mul_overflows(count, size, &bytes)) return NULL;
    void *p = cyl_output_malloc(ctx, bytes);
    if (p != NULL) memset(p, 0, bytes);
    return p;
}

void *cyl_output_realloc(void *ctx, void *p, size_t size) {
    if (p == NULL) return cyl_output_malloc(ctx, size);
    size_t cap = ws_capacity(p);
    if (size <= cap) return p; /* the block stays as large as it is */
    void *q = cyl_output_malloc(ctx, size);
    if (q == NULL) return NULL; /* p untouched, as realloc leaves it */
    memcpy(q, p, cap);
    cyl_output_free(ctx, p, cap);
    return q;
}

size_t cyl_output_cache_limit(void) { return g_out_limit; }

void cyl_output_cache_set_limit(size_t bytes) {
    void *gone[CYL_OUTPUT_SLOTS + 1];
    int ngone = 0;
    out_lock();
    g_out_limit = bytes;
    while (g_out_held > g_out_limit) {
        int oldest = -1;
        for (int i = 0; i < CYL_OUTPUT_SLOTS; i++)
            if (g_out[i].p != NULL && (oldest < 0 || g_out[i].stamp < g_out[oldest].stamp)) oldest = i;
        if (oldest < 0) break; /* (held counts exactly the blocks in the table) */
        gone[ngone++] = out_take(oldest);
    }
    out_unlock();
    for (int i = 0; i < ngone; i++) ws_free(gone[i]);
}

size_t cyl_output_cache_held(int *blocks) {
    out_lock();
    size_t held = g_out_held;
    int count = 0;
    for (int i = 0; i < CYL_OUTPUT_SLOTS; i++) count += g_out[i].p != NULL;
    out_unlock();
    if (blocks != NULL) *blocks = count;
    return held;
}
