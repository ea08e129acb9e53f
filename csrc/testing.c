/* Test-only kernels (wrapped in _testing.pxi): they exercise the shared runtime, not maths. */
#define _POSIX_C_SOURCE 200809L
#include "cylinalg/common.h"
#include "cylinalg/interrupt.h"
#include "cylinalg/threads.h"

#ifdef CYL_HAVE_OPENMP
#include <omp.h>
#endif

static volatile int g_active_workers = 0; /* OpenMP threads inside probe regions, process-wide */
static volatile int g_max_active = 0;

#if defined(_MSC_VER)
#include <intrin.h>
static int add_fetch(volatile int *p, int v) { return _InterlockedExchangeAdd((volatile long *)p, v) + v; }
static void store_max(volatile int *p, int v) {
    int cur = *p;
    while (v > cur && _InterlockedCompareExchange((volatile long *)p, v, cur) != cur) cur = *p;
}
#else
static int add_fetch(volatile int *p, int v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }
static void store_max(volatile int *p, int v) {
    int cur = __atomic_load_n(p, __ATOMIC_ACQUIRE);
    while (v > cur && !__atomic_compare_exchange_n(p, &cur, v, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    }
}
#endif

void cyl_testing_probe_reset(void) {
    g_max_active = 0;
}

int cyl_testing_probe_max_active(void) { return g_max_active; }

/* Acquire up to `want` workers from the budget the way every parallel kernel does, run an
 * OpenMP region of that many threads, each spinning `seconds`, and record the largest number
 * of probe threads running at once (process-wide).  Returns the number granted. */
int cyl_testing_probe(int want, double seconds) {
    int granted = cyl_threads_acquire(want);
#ifdef CYL_HAVE_OPENMP
#pragma omp parallel num_threads(granted)
#endif
    {
        long long iterations;
        store_max(&g_max_active, add_fetch(&g_active_workers, 1));
        cyl_spin(seconds, 0, &iterations);
        add_fetch(&g_active_workers, -1);
    }
    cyl_threads_release(granted);
    return granted;
}
