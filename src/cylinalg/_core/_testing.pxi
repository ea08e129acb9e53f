# Private test-only kernels and the Ctrl-C guard declarations (csrc/interrupt.c, csrc/testing.c).
# Not public API: tests/test_interrupt.py and tests/test_threads.py use them to prove that long
# nogil loops answer Ctrl-C and that concurrent kernels never oversubscribe the thread budget.
import threading as _threading
from cpython.pythread cimport PyThread_get_thread_ident

cdef extern from "cylinalg/interrupt.h":
    ctypedef struct cyl_interrupt_guard:
        int installed
    void cyl_interrupt_begin(cyl_interrupt_guard *g, int on_main_thread) nogil
    int cyl_interrupt_end(cyl_interrupt_guard *g) nogil
    int cyl_interrupt_pending() nogil
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

cdef unsigned long _MAIN_THREAD_IDENT = _threading.main_thread().ident


cdef inline bint on_main_thread():
    """True on the thread where Python runs signal handlers (the only one that may guard)."""
    return PyThread_get_thread_ident() == _MAIN_THREAD_IDENT


def _spin(double seconds, bint interruptible=True):
    """Busy-loop `seconds` with the GIL released; with `interruptible`, under the Ctrl-C guard.
    Returns the number of ~0.1 ms work iterations done; raises KeyboardInterrupt on Ctrl-C."""
    cdef cyl_interrupt_guard guard
    cdef long long iterations = 0
    cdef int status, interrupted = 0
    cdef int main = on_main_thread()
    with nogil:
        if interruptible:
            cyl_interrupt_begin(&guard, main)
        status = cyl_spin(seconds, interruptible, &iterations)
        if interruptible:
            interrupted = cyl_interrupt_end(&guard)
    if interrupted:
        raise KeyboardInterrupt
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
