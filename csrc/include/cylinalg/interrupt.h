/* Ctrl-C for long nogil loops.
 *
 * A kernel that may run for long (power iteration, Jacobi sweeps, training loops) runs
 * with the GIL released, so Python cannot raise KeyboardInterrupt until it returns.  The
 * Cython wrapper therefore brackets the call with a guard (helpers in _testing.pxi):
 *
 *     cdef cyl_interrupt_guard guard
 *     interrupt_guard_begin(&guard)     # with the GIL: installs, raises a pending SIGINT
 *     with nogil:
 *         status = kernel(...)          # polls cyl_interrupt_pending() now and then
 *     interrupt_guard_end(&guard)       # restores; KeyboardInterrupt if Ctrl-C arrived
 *     check_status(status, fname)
 *
 * and the kernel polls `cyl_interrupt_pending()` (one relaxed load) every few milliseconds
 * of work, returning CYL_ERR_INTERRUPTED when it is set; check_status() in _common.pxi maps
 * that to KeyboardInterrupt.  Long loops must ALSO have an iteration cap (CYL_ERR_NOCONV):
 * the guard is a courtesy for people, not a termination argument.
 *
 * begin() installs a C SIGINT handler that only sets a flag, and only when `enable` (called on
 * the main thread, where Python handles signals, while SIGINT has Python's default handler)
 * and the C-level handler is not SIG_IGN / SIG_DFL (then we leave the user's choice alone).  end() restores the exact
 * previous handler.  Guards do not nest across threads: a guard begun off the main thread,
 * or while another guard is active, is a no-op (its kernel still sees the active flag).
 * POSIX uses sigaction; elsewhere signal() is the fallback. */
#ifndef CYLINALG_INTERRUPT_H
#define CYLINALG_INTERRUPT_H
#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int installed;       /* this guard owns the handler and must restore it */
    unsigned char saved[256]; /* the previous handler (struct sigaction or function pointer) */
} cyl_interrupt_guard;

/* enable: the Cython side's may_guard_interrupts() (main thread, Python's default handler). */
void cyl_interrupt_begin(cyl_interrupt_guard *g, int enable);
/* Restore the previous handler; returns 1 when SIGINT arrived while the guard was active. */
int cyl_interrupt_end(cyl_interrupt_guard *g);
/* Non-zero once SIGINT arrived under the active guard; safe from any thread, cheap. */
int cyl_interrupt_pending(void);

/* Test-only: busy-loop for `seconds` of wall time, polling cyl_interrupt_pending() every
 * iteration of ~0.1 ms of work when check is non-zero.  Returns CYL_OK or CYL_ERR_INTERRUPTED;
 * *iterations gets the number of work iterations done. */
int cyl_spin(double seconds, int check, long long *iterations);

#ifdef __cplusplus
}
#endif
#endif
