#define _GNU_SOURCE /* CPU_COUNT, sched_getaffinity */
/* Process-wide thread budget (see threads.h). */
#include <stdlib.h>
#include "cylinalg/common.h"
#include "cylinalg/threads.h"

#ifdef CYL_HAVE_OPENMP
#include <omp.h>
#endif
#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif
#if defined(__linux__)
#include <sched.h>
#endif

static int g_setting = 0;       /* 0 = default */
static int g_default = 1;
static volatile int g_busy = 0; /* workers currently reserved by parallel regions */

#if defined(_MSC_VER)
#include <intrin.h>
static int cas_int(volatile int *p, int expected, int desired) {
    return _InterlockedCompareExchange((volatile long *)p, desired, expected) == expected;
}
static void add_int(volatile int *p, int v) { _InterlockedExchangeAdd((volatile long *)p, v); }
static long load_long(volatile long *p) { return *p; } /* volatile: acquire on MSVC x86/x64 */
static void store_long(volatile long *p, long v) { *p = v; }
#else
static int cas_int(volatile int *p, int expected, int desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static void add_int(volatile int *p, int v) { __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }
static long load_long(volatile long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static void store_long(volatile long *p, long v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
#endif

int cyl_num_cores(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
#if defined(_WIN32)
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return (int)info.dwNumberOfProcessors;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
#endif
}

int cyl_have_openmp(void) {
#ifdef CYL_HAVE_OPENMP
    return 1;
#else
    return 0;
#endif
}

void cyl_threads_init(void) {
    int n = cyl_num_cores();
    const char *env = getenv("CYLINALG_NUM_THREADS");
    if (env != NULL && env[0] != '\0') {
        long v = strtol(env, NULL, 10);
        if (v >= 1 && v <= 4096) n = (int)v;
    }
    g_default = n < 1 ? 1 : n;
}

int cyl_get_num_threads(void) {
#ifdef CYL_HAVE_OPENMP
    int n = g_setting > 0 ? g_setting : g_default;
    int omp_limit = omp_get_max_threads(); /* lowered by OMP_NUM_THREADS / threadpoolctl */
    if (omp_limit >= 1 && omp_limit < n) n = omp_limit;
    return n < 1 ? 1 : n;
#else
    return 1;
#endif
}

void cyl_set_num_threads(int n) { g_setting = n >= 1 ? n : 0; }

/* GNU OpenMP's pool does not survive fork(): a child that enters a parallel region after its
 * parent ran one waits forever for threads it does not have (GCC bug 52303), so a
 * multiprocessing worker's first threaded product hung.  The first grant of threads records the
 * process; a forked child of it then runs everything on its own thread (as PyTorch does). */
static volatile long g_pool_process = 0;

long cyl_process_id(void) {
#if defined(_WIN32)
    return 1; /* no fork() */
#else
    return (long)getpid();
#endif
}

int cyl_threads_acquire(int want) {
    int budget = cyl_get_num_threads();
    if (want <= 0 || want > budget) want = budget;
    if (want <= 1) return 1;
    const long self = cyl_process_id();
    if (g_pool_process == 0) g_pool_process = self; /* (racing threads write the same value) */
    else if (g_pool_process != self) return 1;
    for (;;) {
        int busy = g_busy;
        int avail = budget - busy;
        int grant = want < avail ? want : avail;
        if (grant <= 1) return 1; /* run on the caller's own thread, unreserved */
        if (cas_int(&g_busy, busy, busy + grant)) return grant;
    }
}

void cyl_threads_release(int granted) {
    if (granted > 1) add_int(&g_busy, -granted);
}

int cyl_threads_busy(void) { return g_busy; }

/* Passes i = from .. to-1 between the two threads: the first stores 2i+1 and waits for 2i+2. */
static void bounce(volatile long *line, int first, long from, long to) {
    for (long i = from; i < to; i++) {
        if (first) {
            store_long(line, 2 * i + 1);
            while (load_long(line) != 2 * i + 2) {}
        } else {
            while (load_long(line) != 2 * i + 1) {}
            store_long(line, 2 * i + 2);
        }
    }
}

/* Two pool threads pass a counter back and forth through one cache line, untimed for a quarter
 * of `rounds` first (the first passes after the team starts were twice as slow). */
double cyl_threads_roundtrip_ns(long rounds) {
    double ns = -1.0;
#ifdef CYL_HAVE_OPENMP
    static CYL_ALIGNED(64) volatile long line[16]; /* the counter, alone on its line */
    if (rounds < 1 || cyl_threads_acquire(2) != 2) return -1.0;
    line[0] = 0;
#pragma omp parallel num_threads(2)
    if (omp_get_num_threads() == 2) {
        const int first = omp_get_thread_num() == 0;
        const long warm = rounds / 4;
        bounce(line, first, 0, warm);
        double t0 = omp_get_wtime();
        bounce(line, first, warm, warm + rounds);
        if (first) ns = (omp_get_wtime() - t0) * 1e9 / (double)rounds;
    }
    cyl_threads_release(2);
#else
    (void)rounds;
#endif
    return ns;
}
