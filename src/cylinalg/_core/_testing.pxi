# Private test-only kernels (csrc/testing.c) that tests/test_interrupt.py and
# tests/test_threads.py use to prove that long nogil loops answer Ctrl-C (the guard is in
# _common.pxi) and that concurrent kernels never oversubscribe the thread budget.  Not public API.

cdef extern from "cylinalg/interrupt.h":
    int cyl_spin(double seconds, int check, long long *iterations) nogil

cdef extern from "cylinalg/threads.h":
    int cyl_threads_busy() nogil

cdef extern from *:
    """
    void cyl_testing_probe_reset(void);
    int cyl_testing_probe_max_active(void);
    int cyl_testing_probe(int want, double seconds);
    """
    void cyl_testing_probe_reset() nogil
    int cyl_testing_probe_max_active() nogil
    int cyl_testing_probe(int want, double seconds) nogil

def _spin(double seconds, bint interruptible=True):
    """Busy-loop `seconds` with the GIL released; with `interruptible`, under the Ctrl-C guard.
    Returns the number of ~0.1 ms work iterations done; raises KeyboardInterrupt on Ctrl-C."""
    cdef cyl_interrupt_guard guard
    cdef long long iterations = 0
    cdef int status
    guard.installed = 0
    if interruptible:
        interrupt_guard_begin(&guard)
    with nogil:
        status = cyl_spin(seconds, interruptible, &iterations)
    interrupt_guard_end(&guard)
    check_status(status, "cylinalg._spin")
    return iterations


def _threads_busy():
    """Workers currently reserved from the process-wide thread budget."""
    return cyl_threads_busy()


def _threads_probe(int want, double seconds):
    """Acquire up to `want` workers like a parallel kernel and spin them `seconds` (GIL
    released); returns how many were granted."""
    cdef int granted
    with nogil:
        granted = cyl_testing_probe(want, seconds)
    return granted


def _threads_probe_reset():
    cyl_testing_probe_reset()


def _threads_probe_max_active():
    """The most probe threads that ran at once since the last reset."""
    return cyl_testing_probe_max_active()
