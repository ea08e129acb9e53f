# Declarations shared by every area, and the status -> exception mapping.
from libc.stddef cimport ptrdiff_t
from libc.stdint cimport int64_t
cimport numpy as cnp
import numpy as _np

cnp.import_array()

from cylinalg._errors import LinAlgError

cdef extern from "cylinalg/common.h":
    int CYL_OK
    int CYL_ERR_NOMEM
    int CYL_ERR_ARG
    int CYL_ERR_INTERRUPTED
    int CYL_ERR_NOCONV
    int CYL_ERR_SINGULAR
    ctypedef struct cyl_cf:
        float re
        float im
    ctypedef struct cyl_cd:
        double re
        double im

cdef extern from "cylinalg/batch.h":
    ctypedef struct cyl_batch:
        int ndim
        int nops
        ptrdiff_t count
        ptrdiff_t shape[64]
        ptrdiff_t offset[4]
    int cyl_batch_broadcast(cyl_batch *it, int nops, const int *ndims,
                            const ptrdiff_t *const *shapes, const ptrdiff_t *const *strides) nogil
    void cyl_batch_set_contiguous(cyl_batch *it, int op, ptrdiff_t matrix_bytes) nogil
    void cyl_batch_next(cyl_batch *it) nogil
    void cyl_batch_seek(const cyl_batch *it, ptrdiff_t t, ptrdiff_t *offsets) nogil

cdef extern from "cylinalg/threads.h":
    int cyl_get_num_threads() nogil
    void cyl_set_num_threads(int n) nogil
    int cyl_num_cores() nogil
    int cyl_have_openmp() nogil
    void cyl_threads_init() nogil
    int cyl_threads_acquire(int want) nogil
    void cyl_threads_release(int granted) nogil

# numpy type numbers of the four kernel dtypes, in cyl_dtype order
cdef enum:
    DT_F32 = 0
    DT_F64 = 1
    DT_C64 = 2
    DT_C128 = 3


cdef inline int kernel_dtype(cnp.ndarray a) except -1:
    """Index of a's dtype in cyl_dtype order; TypeError for any other dtype (a bug upstream)."""
    cdef int t = cnp.PyArray_TYPE(a)
    if not cnp.PyArray_ISNOTSWAPPED(a):
        raise TypeError(f"kernel called with byte-swapped dtype {a.dtype}")
    if t == cnp.NPY_FLOAT32:
        return DT_F32
    if t == cnp.NPY_FLOAT64:
        return DT_F64
    if t == cnp.NPY_COMPLEX64:
        return DT_C64
    if t == cnp.NPY_COMPLEX128:
        return DT_C128
    raise TypeError(f"kernel called with unsupported dtype {a.dtype}")


cdef int raise_status(int status, str fname) except -1:
    """Turn a negative kernel status into the matching Python exception."""
    if status == CYL_ERR_NOMEM:
        raise MemoryError(f"{fname}: could not allocate workspace")
    if status == CYL_ERR_INTERRUPTED:
        raise KeyboardInterrupt
    if status == CYL_ERR_SINGULAR:
        raise LinAlgError(f"{fname}: Singular matrix")
    if status == CYL_ERR_NOCONV:
        raise LinAlgError(f"{fname}: did not converge")
    raise RuntimeError(f"{fname}: internal error (status {status})")


cdef inline int check_status(int status, str fname) except -1:
    if status < 0:
        raise_status(status, fname)
    return 0


# ---- result arrays (csrc/alloc.c: large ones come from a cache of freed blocks) ---------------
cdef extern from "cylinalg/common.h":
    size_t CYL_OUTPUT_MIN_BYTES
    size_t cyl_output_cache_limit() nogil
    void cyl_output_cache_set_limit(size_t nbytes) nogil
    size_t cyl_output_cache_held(int *blocks) nogil

cdef extern from *:
    """
    static PyDataMem_Handler cyl_output_handler = {
        "cylinalg_output_cache", 1,
        {NULL, cyl_output_malloc, cyl_output_calloc, cyl_output_realloc, cyl_output_free}};
    static PyObject *cyl_output_handler_capsule(void) {
        return PyCapsule_New(&cyl_output_handler, "mem_handler", NULL);
    }
    """
    object cyl_output_handler_capsule()

cdef extern from "numpy/arrayobject.h":
    object PyDataMem_SetHandler(object handler)

# numpy keeps a reference to the handler in every array it allocated, to free it with
cdef object _OUTPUT_HANDLER = cyl_output_handler_capsule()


cdef inline bint _cache_result(double nbytes):
    return nbytes >= CYL_OUTPUT_MIN_BYTES and cyl_output_cache_limit() != 0


def empty(shape, dtype, order="C"):
    """``numpy.empty`` for a result: a large one reuses the block of a freed result (csrc/alloc.c),
    its pages already mapped."""
    cdef double nbytes = 1
    cdef Py_ssize_t i
    if type(shape) is tuple:  # the callers' case, without Python arithmetic (small calls)
        for i in range(len(<tuple>shape)):
            nbytes *= <double>(<tuple>shape)[i]
    else:
        for extent in ((shape,) if isinstance(shape, (int, _np.integer)) else shape):
            nbytes *= <double>extent
    if not isinstance(dtype, cnp.dtype):
        dtype = _np.dtype(dtype)
    nbytes *= (<cnp.dtype>dtype).itemsize
    if not _cache_result(nbytes):
        return _np.empty(shape, dtype=dtype, order=order)
    previous = PyDataMem_SetHandler(_OUTPUT_HANDLER)  # this context only, so thread-safe
    try:
        return _np.empty(shape, dtype=dtype, order=order)
    finally:
        PyDataMem_SetHandler(previous)


cdef cnp.ndarray empty_result(int nd, cnp.npy_intp *dims, int typenum, str fname):
    """``empty`` for the kernels' wrappers (C order), without Python objects for small results."""
    cdef double nbytes = cnp.PyArray_DescrFromType(typenum).itemsize
    cdef int i
    for i in range(nd):
        nbytes *= dims[i]
    try:
        if not _cache_result(nbytes):
            return cnp.PyArray_EMPTY(nd, dims, typenum, 0)
        return empty(tuple(dims[i] for i in range(nd)), cnp.PyArray_DescrFromType(typenum))
    except ValueError as exc:  # numpy's word for a size past the address space
        raise MemoryError(f"{fname}: result of shape {tuple(dims[i] for i in range(nd))} "
                          f"is too large") from exc


def output_cache_info():
    """(limit, bytes held, blocks held) of the result cache."""
    cdef int blocks = 0
    cdef size_t held = cyl_output_cache_held(&blocks)
    return cyl_output_cache_limit(), held, blocks


def set_output_cache_limit(size_t nbytes):
    cyl_output_cache_set_limit(nbytes)


cdef int batch_setup(cyl_batch *it, str fname, int nops, cnp.ndarray a0, int core0,
                     cnp.ndarray a1=None, int core1=0, cnp.ndarray a2=None, int core2=0,
                     cnp.ndarray a3=None, int core3=0) except -1:
    """Broadcast the batch dims of up to four operands (all dims but the last core_i)."""
    cdef int ndims[4]
    cdef const ptrdiff_t *shapes[4]
    cdef const ptrdiff_t *strides[4]
    cdef int i, status
    ops = (a0, a1, a2, a3)
    cores = (core0, core1, core2, core3)
    cdef cnp.ndarray op
    for i in range(nops):
        op = ops[i]
        ndims[i] = cnp.PyArray_NDIM(op) - <int>cores[i]
        shapes[i] = <const ptrdiff_t *>cnp.PyArray_DIMS(op)
        strides[i] = <const ptrdiff_t *>cnp.PyArray_STRIDES(op)
    status = cyl_batch_broadcast(it, nops, ndims, shapes, strides)
    if status == CYL_ERR_ARG:
        raise ValueError(f"{fname}: batch dimensions of the operands do not broadcast")
    check_status(status, fname)
    return 0


# ---- Ctrl-C for long nogil loops (csrc/interrupt.c; usage in interrupt.h) ---------------------
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
