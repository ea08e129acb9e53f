#define _GNU_SOURCE /* posix_memalign, madvise */
#include <stdlib.h>
#include "cylinalg/common.h"

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
