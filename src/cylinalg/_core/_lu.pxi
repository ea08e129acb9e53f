# LU family: det, slogdet, inv, solve, lu_factor, lu_solve (csrc/lu).  The *_into wrappers take
# operands validated by linalg.py and C-contiguous outputs; the *_small functions are the
# per-call fast paths for one plain 2-d ndarray (they return None to send anything unusual,
# singular or ill-conditioned through the general Python path).
from libc.string cimport memcpy

cdef extern from "lu/lu.h":
    int cyl_det(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                const cyl_batch *it, void *det) nogil
    int cyl_slogdet(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                    const cyl_batch *it, void *sign, void *logabs) nogil
    int cyl_inv(int dt, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                const cyl_batch *it, void *out, int *info, void *rcond) nogil
    int cyl_solve(int dt, ptrdiff_t n, ptrdiff_t k, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                  const char *b, ptrdiff_t rsb, ptrdiff_t csb, const cyl_batch *it, void *x,
                  int *info, void *rcond) nogil
    int cyl_lu_factor(int dt, ptrdiff_t m, ptrdiff_t n, const char *a, ptrdiff_t rsa, ptrdiff_t csa,
                      const cyl_batch *it, void *lu, int64_t *piv, int *info) nogil
    int cyl_lu_solve(int dt, ptrdiff_t n, ptrdiff_t k, int trans, const char *lu, ptrdiff_t rsl,
                     ptrdiff_t csl, const char *piv, ptrdiff_t spiv, const char *b, ptrdiff_t rsb,
                     ptrdiff_t csb, const cyl_batch *it, void *x) nogil

cdef extern from "numpy/arrayobject.h":
    object PyArray_Scalar(void *data, cnp.dtype descr, object base)

cdef double _EPS32 = 1.1920928955078125e-07
cdef double _EPS64 = 2.220446049250313e-16


cdef inline ptrdiff_t _core_stride(cnp.ndarray a, int fromend):
    """Element stride of a's axis ndim - fromend."""
    return cnp.PyArray_STRIDE(a, cnp.PyArray_NDIM(a) - fromend) // cnp.PyArray_ITEMSIZE(a)


cdef inline void * _data_or_null(object arr):
    if arr is None:
        return NULL
    return cnp.PyArray_DATA(<cnp.ndarray>arr)


cdef int _guard_long_factorization(cyl_interrupt_guard *g, ptrdiff_t n, ptrdiff_t count) except -1:
    """Ctrl-C guard (interrupt.h) for factorizations of 1e9+ multiply-adds; their GEMM updates
    poll the flag, so a large det/inv/solve answers Ctrl-C within milliseconds."""
    g.installed = 0
    if <double>n * <double>n * <double>n * <double>count >= 1e9:
        interrupt_guard_begin(g)
    return 0


def det_into(cnp.ndarray a, cnp.ndarray out):
    """out[...] = det(a[...]) for a (..., n, n); out C-contiguous with a's batch shape."""
    cdef int dt = kernel_dtype(a), status
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.det", 1, a, 2)
    cdef ptrdiff_t n = cnp.PyArray_DIM(a, cnp.PyArray_NDIM(a) - 1)
    cdef ptrdiff_t rs = _core_stride(a, 2), cs = _core_stride(a, 1)
    cdef const char *pa = <const char *>cnp.PyArray_DATA(a)
    cdef void *po = cnp.PyArray_DATA(out)
    cdef cyl_interrupt_guard guard
    _guard_long_factorization(&guard, n, it.count)
    with nogil:
        status = cyl_det(dt, n, pa, rs, cs, &it, po)
    interrupt_guard_end(&guard)
    check_status(status, "cylinalg.det")


def slogdet_into(cnp.ndarray a, cnp.ndarray sign, cnp.ndarray logabs):
    cdef int dt = kernel_dtype(a), status
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.slogdet", 1, a, 2)
    cdef ptrdiff_t n = cnp.PyArray_DIM(a, cnp.PyArray_NDIM(a) - 1)
    cdef ptrdiff_t rs = _core_stride(a, 2), cs = _core_stride(a, 1)
    cdef const char *pa = <const char *>cnp.PyArray_DATA(a)
    cdef void *ps = cnp.PyArray_DATA(sign)
    cdef void *pl = cnp.PyArray_DATA(logabs)
    cdef cyl_interrupt_guard guard
    _guard_long_factorization(&guard, n, it.count)
    with nogil:
        status = cyl_slogdet(dt, n, pa, rs, cs, &it, ps, pl)
    interrupt_guard_end(&guard)
    check_status(status, "cylinalg.slogdet")


def inv_into(cnp.ndarray a, cnp.ndarray out, cnp.ndarray info, object rcond):
    """out = inv(a) per matrix; info (intc, batch shape) gets 0 or the first zero pivot;
    rcond (real dtype, batch shape, or None) the reciprocal condition estimate."""
    cdef int dt = kernel_dtype(a), status
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.inv", 1, a, 2)
    cdef ptrdiff_t n = cnp.PyArray_DIM(a, cnp.PyArray_NDIM(a) - 1)
    cdef ptrdiff_t rs = _core_stride(a, 2), cs = _core_stride(a, 1)
    cdef const char *pa = <const char *>cnp.PyArray_DATA(a)
    cdef void *po = cnp.PyArray_DATA(out)
    cdef int *pi = <int *>cnp.PyArray_DATA(info)
    cdef void *pr = _data_or_null(rcond)
    cdef cyl_interrupt_guard guard
    _guard_long_factorization(&guard, n, it.count)
    with nogil:
        status = cyl_inv(dt, n, pa, rs, cs, &it, po, pi, pr)
    interrupt_guard_end(&guard)
    check_status(status, "cylinalg.inv")


def solve_into(cnp.ndarray a, cnp.ndarray b, cnp.ndarray x, cnp.ndarray info, object rcond):
    """x = solve(a, b) per matrix for a (..., n, n), b (..., n, k) (broadcast batch dims);
    x C-contiguous (batch..., n, k)."""
    cdef int dt = kernel_dtype(a), status
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.solve", 2, a, 2, b, 2)
    cdef ptrdiff_t n = cnp.PyArray_DIM(a, cnp.PyArray_NDIM(a) - 1)
    cdef ptrdiff_t k = cnp.PyArray_DIM(b, cnp.PyArray_NDIM(b) - 1)
    cdef ptrdiff_t rsa = _core_stride(a, 2), csa = _core_stride(a, 1)
    cdef ptrdiff_t rsb = _core_stride(b, 2), csb = _core_stride(b, 1)
    cdef const char *pa = <const char *>cnp.PyArray_DATA(a)
    cdef const char *pb = <const char *>cnp.PyArray_DATA(b)
    cdef void *px = cnp.PyArray_DATA(x)
    cdef int *pi = <int *>cnp.PyArray_DATA(info)
    cdef void *pr = _data_or_null(rcond)
    cdef cyl_interrupt_guard guard
    _guard_long_factorization(&guard, n, it.count)
    with nogil:
        status = cyl_solve(dt, n, k, pa, rsa, csa, pb, rsb, csb, &it, px, pi, pr)
    interrupt_guard_end(&guard)
    check_status(status, "cylinalg.solve")


def lu_factor_into(cnp.ndarray a, cnp.ndarray lu, cnp.ndarray piv, cnp.ndarray info):
    """Packed LU of a (..., m, n) into lu (C-contiguous, same shape), piv (int64, batch +
    (min(m, n),), 0-based), info (intc, batch shape)."""
    cdef int dt = kernel_dtype(a), status
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.lu_factor", 1, a, 2)
    cdef int nd = cnp.PyArray_NDIM(a)
    cdef ptrdiff_t m = cnp.PyArray_DIM(a, nd - 2), n = cnp.PyArray_DIM(a, nd - 1)
    cdef ptrdiff_t rs = _core_stride(a, 2), cs = _core_stride(a, 1)
    cdef const char *pa = <const char *>cnp.PyArray_DATA(a)
    cdef void *pl = cnp.PyArray_DATA(lu)
    cdef int64_t *pp = <int64_t *>cnp.PyArray_DATA(piv)
    cdef int *pi = <int *>cnp.PyArray_DATA(info)
    cdef cyl_interrupt_guard guard
    _guard_long_factorization(&guard, min(m, n), it.count)
    with nogil:
        status = cyl_lu_factor(dt, m, n, pa, rs, cs, &it, pl, pp, pi)
    interrupt_guard_end(&guard)
    check_status(status, "cylinalg.lu_factor")


def lu_solve_into(cnp.ndarray lu, cnp.ndarray piv, cnp.ndarray b, cnp.ndarray x, int trans):
    """x = op(A)^-1 b from lu_factor's (lu, piv); piv int64 (..., n); b (..., n, k); x
    C-contiguous (batch..., n, k); trans 0: A, 1: A^T, 2: A^H."""
    cdef int dt = kernel_dtype(lu), status
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.lu_solve", 3, lu, 2, piv, 1, b, 2)
    cdef ptrdiff_t n = cnp.PyArray_DIM(lu, cnp.PyArray_NDIM(lu) - 1)
    cdef ptrdiff_t k = cnp.PyArray_DIM(b, cnp.PyArray_NDIM(b) - 1)
    cdef ptrdiff_t rsl = _core_stride(lu, 2), csl = _core_stride(lu, 1)
    cdef ptrdiff_t sp = _core_stride(piv, 1)
    cdef ptrdiff_t rsb = _core_stride(b, 2), csb = _core_stride(b, 1)
    cdef const char *pl = <const char *>cnp.PyArray_DATA(lu)
    cdef const char *pp = <const char *>cnp.PyArray_DATA(piv)
    cdef const char *pb = <const char *>cnp.PyArray_DATA(b)
    cdef void *px = cnp.PyArray_DATA(x)
    with nogil:
        status = cyl_lu_solve(dt, n, k, trans, pl, rsl, csl, pp, sp, pb, rsb, csb, &it, px)
    if status == CYL_ERR_ARG:
        raise ValueError("cylinalg.lu_solve: pivot indices out of range (piv must come from lu_factor)")
    check_status(status, "cylinalg.lu_solve")


# ---- per-call fast paths ---------------------------------------------------------------------

cdef inline int _small_dtype(object a) except -2:
    """kernel dtype of a plain, aligned, whole-element-strided ndarray; -1 when the general path
    must handle it."""
    if type(a) is not cnp.ndarray:
        return -1
    cdef cnp.ndarray arr = <cnp.ndarray>a
    cdef int t = cnp.PyArray_TYPE(arr)
    cdef int dt
    if t == cnp.NPY_FLOAT64:
        dt = DT_F64
    elif t == cnp.NPY_FLOAT32:
        dt = DT_F32
    elif t == cnp.NPY_COMPLEX128:
        dt = DT_C128
    elif t == cnp.NPY_COMPLEX64:
        dt = DT_C64
    else:
        return -1
    if not cnp.PyArray_ISALIGNED(arr):
        return -1
    cdef int i
    cdef ptrdiff_t isz = cnp.PyArray_ITEMSIZE(arr)
    for i in range(cnp.PyArray_NDIM(arr)):
        if cnp.PyArray_STRIDE(arr, i) % isz:
            return -1
    return dt


cdef inline ptrdiff_t _small_square(cnp.ndarray a):
    """n for a 2-d n x n array with n >= 1, else -1."""
    if cnp.PyArray_NDIM(a) != 2:
        return -1
    cdef ptrdiff_t n = cnp.PyArray_DIM(a, 0)
    if n < 1 or cnp.PyArray_DIM(a, 1) != n:
        return -1
    return n


cdef inline void _single(cyl_batch *it, int nops) noexcept nogil:
    """A batch of exactly one matrix (no batch dims)."""
    cdef int i
    it.ndim = 0
    it.nops = nops
    it.count = 1
    for i in range(nops):
        it.offset[i] = 0


cdef inline double _kernel_rcond(double *storage, int dt) noexcept:
    """The rcond a kernel wrote at storage in the dtype's real type (float for float32 and
    complex64), read without type punning (memcpy: the compiler may not alias float and double)."""
    cdef float single
    if dt == DT_F32 or dt == DT_C64:
        memcpy(&single, storage, sizeof(float))
        return single
    return storage[0]


def det_small(object a):
    """det of one 2-d square ndarray of a kernel dtype, or None."""
    cdef int dt = _small_dtype(a)
    if dt < 0:
        return None
    cdef cnp.ndarray arr = <cnp.ndarray>a
    cdef ptrdiff_t n = _small_square(arr)
    if n < 0:
        return None
    cdef cyl_interrupt_guard guard
    guard.installed = 0
    cdef cyl_batch it
    _single(&it, 1)
    cdef double buf[2]
    cdef int status
    cdef const char *pa = <const char *>cnp.PyArray_DATA(arr)
    cdef ptrdiff_t rs = _core_stride(arr, 2), cs = _core_stride(arr, 1)
    if n <= 16:
        status = cyl_det(dt, n, pa, rs, cs, &it, buf)
    else:
        _guard_long_factorization(&guard, n, 1)
        with nogil:
            status = cyl_det(dt, n, pa, rs, cs, &it, buf)
        interrupt_guard_end(&guard)
    check_status(status, "cylinalg.det")
    return PyArray_Scalar(buf, arr.dtype, arr)


def inv_small(object a):
    """inv of one 2-d square ndarray of a kernel dtype when it is comfortably regular, or None."""
    cdef int dt = _small_dtype(a)
    if dt < 0:
        return None
    cdef cnp.ndarray arr = <cnp.ndarray>a
    cdef ptrdiff_t n = _small_square(arr)
    if n < 0:
        return None
    cdef cyl_interrupt_guard guard
    guard.installed = 0
    cdef cyl_batch it
    _single(&it, 1)
    cdef cnp.npy_intp dims[2]
    dims[0] = n
    dims[1] = n
    cdef cnp.ndarray out = empty_result(2, dims, cnp.PyArray_TYPE(arr), "cylinalg.inv")
    cdef int info = 0, status
    cdef double rcond = 0
    cdef const char *pa = <const char *>cnp.PyArray_DATA(arr)
    cdef void *po = cnp.PyArray_DATA(out)
    cdef ptrdiff_t rs = _core_stride(arr, 2), cs = _core_stride(arr, 1)
    if n <= 16:
        status = cyl_inv(dt, n, pa, rs, cs, &it, po, &info, &rcond)
    else:
        _guard_long_factorization(&guard, n, 1)
        with nogil:
            status = cyl_inv(dt, n, pa, rs, cs, &it, po, &info, &rcond)
        interrupt_guard_end(&guard)
    check_status(status, "cylinalg.inv")
    rcond = _kernel_rcond(&rcond, dt)
    if dt == DT_F32 or dt == DT_C64:
        if info or not rcond >= _EPS32:
            return None
    elif info or not rcond >= _EPS64:
        return None
    return out


def solve_small(object a, object b):
    """solve(a, b) for one 2-d square ndarray a and b of shape (n,) or (n, k) of the same kernel
    dtype when a is comfortably regular, or None."""
    cdef int dt = _small_dtype(a)
    if dt < 0 or _small_dtype(b) != dt:
        return None
    cdef cnp.ndarray arr = <cnp.ndarray>a
    cdef cnp.ndarray barr = <cnp.ndarray>b
    cdef ptrdiff_t n = _small_square(arr)
    if n < 0:
        return None
    cdef int bnd = cnp.PyArray_NDIM(barr)
    if bnd < 1 or bnd > 2 or cnp.PyArray_DIM(barr, 0) != n:
        return None
    cdef ptrdiff_t k = 1 if bnd == 1 else cnp.PyArray_DIM(barr, 1)
    cdef ptrdiff_t rsb = _core_stride(barr, bnd), csb = 0 if bnd == 1 else _core_stride(barr, 1)
    cdef cyl_interrupt_guard guard
    guard.installed = 0
    cdef cyl_batch it
    _single(&it, 2)
    cdef cnp.ndarray out = empty_result(bnd, cnp.PyArray_DIMS(barr), cnp.PyArray_TYPE(arr), "cylinalg.solve")
    cdef int info = 0, status
    cdef double rcond = 0
    cdef const char *pa = <const char *>cnp.PyArray_DATA(arr)
    cdef const char *pb = <const char *>cnp.PyArray_DATA(barr)
    cdef void *po = cnp.PyArray_DATA(out)
    cdef ptrdiff_t rs = _core_stride(arr, 2), cs = _core_stride(arr, 1)
    if n <= 16 and k <= 16:
        status = cyl_solve(dt, n, k, pa, rs, cs, pb, rsb, csb, &it, po, &info, &rcond)
    else:
        _guard_long_factorization(&guard, n, 1)
        with nogil:
            status = cyl_solve(dt, n, k, pa, rs, cs, pb, rsb, csb, &it, po, &info, &rcond)
        interrupt_guard_end(&guard)
    check_status(status, "cylinalg.solve")
    rcond = _kernel_rcond(&rcond, dt)
    if dt == DT_F32 or dt == DT_C64:
        if info or not rcond >= _EPS32:
            return None
    elif info or not rcond >= _EPS64:
        return None
    return out
