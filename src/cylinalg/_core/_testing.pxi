# The Ctrl-C guard for long nogil loops (csrc/interrupt.c; usage in interrupt.h), and private
# test-only kernels (csrc/testing.c) that tests/test_interrupt.py and tests/test_threads.py use to
# prove that long nogil loops answer Ctrl-C and that concurrent kernels never oversubscribe the
# thread budget.  Not public API.
import signal as _signal
import threading as _threading
from cpython.pythread cimport PyThread_get_thread_ident
from cpython.exc cimport PyErr_CheckSignals

cdef extern from "cylinalg/interrupt.h":
    ctypedef struct cyl_interrupt_guard:
        int installed
    void cyl_interrupt_begin(cyl_interrupt_guard *g, int enable) nogil
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


cdef bint may_guard_interrupts():
    """Whether a kernel called now may install the Ctrl-C guard: only on the main thread (where
    Python handles signals) and only while SIGINT has Python's default handler (raise
    KeyboardInterrupt); a user's own handler then runs after the kernel, as for any C call.
    Call with the GIL, before `with nogil:`; pass the result to cyl_interrupt_begin."""
    if PyThread_get_thread_ident() != _MAIN_THREAD_IDENT:
        return False
    return _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler


cdef int interrupt_guard_begin(cyl_interrupt_guard *g) except -1:
    """Install the Ctrl-C guard if allowed (see may_guard_interrupts); call with the GIL just
    before `with nogil:`.  A SIGINT Python received before the guard was in place is raised
    here, so none is lost between Python's last check and the kernel."""
    cyl_interrupt_begin(g, may_guard_interrupts())
    if g.installed and PyErr_CheckSignals() != 0:
        cyl_interrupt_end(g)
        return -1
    return 0


cdef int interrupt_guard_end(cyl_interrupt_guard *g) except -1:
    """Restore the previous SIGINT handler (call with the GIL after the nogil block); raise
    KeyboardInterrupt if Ctrl-C arrived meanwhile (the kernel's result is then discarded)."""
    if cyl_interrupt_end(g):
        raise KeyboardInterrupt
    return 0


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
