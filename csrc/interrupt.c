#define _POSIX_C_SOURCE 200809L /* sigaction, clock_gettime */
/* SIGINT guard for long nogil loops (see interrupt.h). */
#include <signal.h>
#include <string.h>
#include <time.h>
#include "cylinalg/common.h"
#include "cylinalg/interrupt.h"

#if defined(_WIN32)
#include <windows.h>
#define CYL_HAVE_SIGACTION 0
#else
#define CYL_HAVE_SIGACTION 1
#endif

static volatile sig_atomic_t g_pending = 0;
static volatile int g_active = 0; /* a guard owns the handler */

static void on_sigint(int sig) {
    (void)sig;
    g_pending = 1;
}

#if defined(_MSC_VER)
#include <intrin.h>
static int claim_active(void) { return _InterlockedCompareExchange((volatile long *)&g_active, 1, 0) == 0; }
static void drop_active(void) { _InterlockedExchange((volatile long *)&g_active, 0); }
#else
static int claim_active(void) {
    int expected = 0;
    return __atomic_compare_exchange_n(&g_active, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static void drop_active(void) { __atomic_store_n(&g_active, 0, __ATOMIC_RELEASE); }
#endif

void cyl_interrupt_begin(cyl_interrupt_guard *g, int enable) {
    g->installed = 0;
    if (!enable || !claim_active()) return;
#if CYL_HAVE_SIGACTION
    struct sigaction previous, ours;
    _Static_assert(sizeof previous <= sizeof g->saved, "guard too small for struct sigaction");
    if (sigaction(SIGINT, NULL, &previous) != 0 ||
        (!(previous.sa_flags & SA_SIGINFO) &&
         (previous.sa_handler == SIG_IGN || previous.sa_handler == SIG_DFL))) {
        drop_active();
        return;
    }
    memset(&ours, 0, sizeof ours);
    ours.sa_handler = on_sigint;
    sigemptyset(&ours.sa_mask);
    ours.sa_flags = SA_RESTART;
    g_pending = 0;
    if (sigaction(SIGINT, &ours, NULL) != 0) {
        drop_active();
        return;
    }
    memcpy(g->saved, &previous, sizeof previous);
#else
    void (*previous)(int) = signal(SIGINT, on_sigint);
    if (previous == SIG_ERR || previous == SIG_IGN || previous == SIG_DFL) {
        if (previous != SIG_ERR) signal(SIGINT, previous);
        drop_active();
        return;
    }
    g_pending = 0;
    memcpy(g->saved, &previous, sizeof previous);
#endif
    g->installed = 1;
}

int cyl_interrupt_end(cyl_interrupt_guard *g) {
    if (!g->installed) return 0;
#if CYL_HAVE_SIGACTION
    struct sigaction previous;
    memcpy(&previous, g->saved, sizeof previous);
    sigaction(SIGINT, &previous, NULL);
#else
    void (*previous)(int);
    memcpy(&previous, g->saved, sizeof previous);
    signal(SIGINT, previous);
#endif
    g->installed = 0;
    int arrived = g_pending != 0;
    g_pending = 0;
    drop_active();
    return arrived;
}

int cyl_interrupt_pending(void) { return g_pending != 0; }

static double now_seconds(void) {
#if defined(_WIN32)
    return (double)GetTickCount64() * 1e-3;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

int cyl_spin(double seconds, int check, long long *iterations) {
    double end = now_seconds() + seconds;
    volatile double sink = 0.0;
    long long it = 0;
    for (;;) {
        for (int i = 0; i < 20000; i++) sink = sink * 0.5 + 1.0; /* ~0.1 ms of dependent work */
        it++;
        if (check && cyl_interrupt_pending()) {
            *iterations = it;
            return CYL_ERR_INTERRUPTED;
        }
        if (now_seconds() >= end) break;
    }
    *iterations = it;
    return CYL_OK;
}
