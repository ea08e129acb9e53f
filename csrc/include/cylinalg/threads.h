/* The thread budget shared by every parallel kernel in the process.
 *
 * cyl_get_num_threads() is the user's setting (set_num_threads / CYLINALG_NUM_THREADS /
 * number of cores), capped by OpenMP's current limit so threadpoolctl can lower it.  A
 * parallel kernel asks cyl_threads_acquire(n) for workers and gets what is free of the
 * budget (at least 1: its own thread), so several Python threads calling kernels at once
 * never run more OpenMP threads than the budget in total.  Kernels split work only over
 * independent output blocks, never over a reduction, so results are bitwise identical for
 * any thread count. */
#ifndef CYLINALG_THREADS_H
#define CYLINALG_THREADS_H
#ifdef __cplusplus
extern "C" {
#endif

void cyl_threads_init(void);
int cyl_get_num_threads(void);
/* n >= 1 sets the budget; n <= 0 restores the default (env or number of cores). */
void cyl_set_num_threads(int n);
int cyl_num_cores(void);
int cyl_have_openmp(void);
/* Reserve up to `want` workers (want <= 0 means "the whole budget"); returns >= 1. */
int cyl_threads_acquire(int want);
void cyl_threads_release(int granted);
/* Workers currently reserved by running parallel regions (for tests: never above the budget). */
int cyl_threads_busy(void);

/* This process's id (1 on Windows): tells a child of fork() from its parent. */
long cyl_process_id(void);
/* Nanoseconds for a cache line to go from one pool thread to another and back (a benchmark
 * diagnostic: a VM's vCPUs may sit on near or distant cores, which changes what sharing data
 * between threads costs); -1 without two threads. */
double cyl_threads_roundtrip_ns(long rounds);

#ifdef __cplusplus
}
#endif
#endif
