# Vector kernels (dot, norms, outer) and matrix predicates: csrc/blas1/.
cdef extern from "blas1/blas1.h":
    int CYL_NORM_2, CYL_NORM_1, CYL_NORM_INF, CYL_NORM_NEGINF, CYL_NORM_0, CYL_NORM_P
    int CYL_CHECK_SYMMETRIC, CYL_CHECK_SKEW, CYL_CHECK_HERMITIAN, CYL_CHECK_DIAGONAL, CYL_CHECK_IDENTITY
    int cyl_dot_s(int conj, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, float *result) nogil
    int cyl_dot_d(int conj, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double *result) nogil
    int cyl_dot_c(int conj, ptrdiff_t n, const cyl_cf *x, ptrdiff_t incx, const cyl_cf *y, ptrdiff_t incy, cyl_cf *result) nogil
    int cyl_dot_z(int conj, ptrdiff_t n, const cyl_cd *x, ptrdiff_t incx, const cyl_cd *y, ptrdiff_t incy, cyl_cd *result) nogil
    int cyl_vnorm_s(int kind, double p, ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t rs, ptrdiff_t cs, float *result) nogil
    int cyl_vnorm_d(int kind, double p, ptrdiff_t m, ptrdiff_t n, const double *x, ptrdiff_t rs, ptrdiff_t cs, double *result) nogil
    int cyl_vnorm_c(int kind, double p, ptrdiff_t m, ptrdiff_t n, const cyl_cf *x, ptrdiff_t rs, ptrdiff_t cs, float *result) nogil
    int cyl_vnorm_z(int kind, double p, ptrdiff_t m, ptrdiff_t n, const cyl_cd *x, ptrdiff_t rs, ptrdiff_t cs, double *result) nogil
    int cyl_vnorm_batch_s(int kind, double p, const cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out) nogil
    int cyl_vnorm_batch_d(int kind, double p, const cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out) nogil
    int cyl_vnorm_batch_c(int kind, double p, const cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out) nogil
    int cyl_vnorm_batch_z(int kind, double p, const cyl_batch *it, ptrdiff_t m, ptrdiff_t n, const char *x, ptrdiff_t rs, ptrdiff_t cs, char *out) nogil
    int cyl_outer_s(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t incx, const float *y, ptrdiff_t incy, float *c, ptrdiff_t rsc, ptrdiff_t csc) nogil
    int cyl_outer_d(ptrdiff_t m, ptrdiff_t n, const double *x, ptrdiff_t incx, const double *y, ptrdiff_t incy, double *c, ptrdiff_t rsc, ptrdiff_t csc) nogil
    int cyl_outer_c(ptrdiff_t m, ptrdiff_t n, const cyl_cf *x, ptrdiff_t incx, const cyl_cf *y, ptrdiff_t incy, cyl_cf *c, ptrdiff_t rsc, ptrdiff_t csc) nogil
    int cyl_outer_z(ptrdiff_t m, ptrdiff_t n, const cyl_cd *x, ptrdiff_t incx, const cyl_cd *y, ptrdiff_t incy, cyl_cd *c, ptrdiff_t rsc, ptrdiff_t csc) nogil
    int cyl_check_s(int kind, ptrdiff_t m, ptrdiff_t n, const float *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result) nogil
    int cyl_check_d(int kind, ptrdiff_t m, ptrdiff_t n, const double *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result) nogil
    int cyl_check_c(int kind, ptrdiff_t m, ptrdiff_t n, const cyl_cf *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result) nogil
    int cyl_check_z(int kind, ptrdiff_t m, ptrdiff_t n, const cyl_cd *a, ptrdiff_t rs, ptrdiff_t cs, double rtol, double atol, int *result) nogil

NORM_KINDS = {"2": CYL_NORM_2, "1": CYL_NORM_1, "inf": CYL_NORM_INF, "-inf": CYL_NORM_NEGINF,
              "0": CYL_NORM_0, "p": CYL_NORM_P}
CHECK_KINDS = {"symmetric": CYL_CHECK_SYMMETRIC, "skew": CYL_CHECK_SKEW, "hermitian": CYL_CHECK_HERMITIAN,
               "diagonal": CYL_CHECK_DIAGONAL, "identity": CYL_CHECK_IDENTITY}

_kernel_dtypes = (_np.dtype(_np.float32), _np.dtype(_np.float64), _np.dtype(_np.complex64), _np.dtype(_np.complex128))
_real_dtypes = (_kernel_dtypes[0], _kernel_dtypes[1], _kernel_dtypes[0], _kernel_dtypes[1])


cdef extern from "numpy/arrayobject.h":
    object PyArray_Scalar(void *data, cnp.dtype descr, object base)


cdef inline object _scalar(void *value, object dtype):
    """A numpy scalar of dtype holding *value (PyArray_Scalar: much cheaper than np.complex128(...))."""
    return PyArray_Scalar(value, <cnp.dtype>dtype, None)


cdef inline ptrdiff_t _stride(cnp.ndarray a, int axis):
    """Stride of axis (negative counts from the end) in elements."""
    if axis < 0:
        axis += cnp.PyArray_NDIM(a)
    return cnp.PyArray_STRIDE(a, axis) // cnp.PyArray_ITEMSIZE(a)


def dot1d(cnp.ndarray x, cnp.ndarray y, bint conj=False):
    """sum(op(x) * y) of two 1-d arrays of one kernel dtype and length; op = conj when conj.
    Returns a numpy scalar of that dtype."""
    cdef int dt = kernel_dtype(x)
    cdef ptrdiff_t n = cnp.PyArray_DIM(x, 0), incx = _stride(x, 0), incy = _stride(y, 0)
    cdef void *px = cnp.PyArray_DATA(x)
    cdef void *py = cnp.PyArray_DATA(y)
    cdef float rs
    cdef double rd
    cdef cyl_cf rc
    cdef cyl_cd rz
    with nogil:
        if dt == DT_F32:
            cyl_dot_s(conj, n, <float *>px, incx, <float *>py, incy, &rs)
        elif dt == DT_F64:
            cyl_dot_d(conj, n, <double *>px, incx, <double *>py, incy, &rd)
        elif dt == DT_C64:
            cyl_dot_c(conj, n, <cyl_cf *>px, incx, <cyl_cf *>py, incy, &rc)
        else:
            cyl_dot_z(conj, n, <cyl_cd *>px, incx, <cyl_cd *>py, incy, &rz)
    if dt == DT_F32:
        return _scalar(&rs, _kernel_dtypes[0])
    if dt == DT_F64:
        return _scalar(&rd, _kernel_dtypes[1])
    if dt == DT_C64:
        return _scalar(&rc, _kernel_dtypes[2])
    return _scalar(&rz, _kernel_dtypes[3])


cdef inline int _vnorm(int dt, int kind, double p, ptrdiff_t m, ptrdiff_t n, char *px,
                       ptrdiff_t rs, ptrdiff_t cs, char *pout) noexcept nogil:
    if dt == DT_F32:
        return cyl_vnorm_s(kind, p, m, n, <float *>px, rs, cs, <float *>pout)
    if dt == DT_F64:
        return cyl_vnorm_d(kind, p, m, n, <double *>px, rs, cs, <double *>pout)
    if dt == DT_C64:
        return cyl_vnorm_c(kind, p, m, n, <cyl_cf *>px, rs, cs, <float *>pout)
    return cyl_vnorm_z(kind, p, m, n, <cyl_cd *>px, rs, cs, <double *>pout)


def vnorm(cnp.ndarray x, int kind, double p=0.0):
    """Vector norm of all entries of a 1-d or 2-d array; a numpy scalar of the real dtype."""
    cdef int dt = kernel_dtype(x)
    cdef int nd = cnp.PyArray_NDIM(x)
    cdef ptrdiff_t m = 1, n = 1, rs = 0, cs = 0
    cdef double rd = 0
    cdef float rf = 0
    cdef char *pout = <char *>&rd
    if dt == DT_F32 or dt == DT_C64:
        pout = <char *>&rf
    if nd == 1:
        n = cnp.PyArray_DIM(x, 0); cs = _stride(x, 0)
    elif nd == 2:
        m = cnp.PyArray_DIM(x, 0); n = cnp.PyArray_DIM(x, 1); rs = _stride(x, 0); cs = _stride(x, 1)
    elif nd != 0:
        raise ValueError("vnorm: array must be 0-, 1- or 2-dimensional")
    cdef char *px = <char *>cnp.PyArray_DATA(x)
    with nogil:
        _vnorm(dt, kind, p, m, n, px, rs, cs, pout)
    if dt == DT_F32 or dt == DT_C64:
        return _scalar(&rf, _real_dtypes[dt])
    return _scalar(&rd, _real_dtypes[dt])


def vnorm_into(cnp.ndarray x, int core, int kind, double p, cnp.ndarray out, str fname):
    """out[...] = vector norm over the last `core` (1 or 2) axes of x, for every leading index.
    out: C-contiguous, the real dtype of x, shape x.shape[:-core]."""
    cdef int dt = kernel_dtype(x)
    cdef cyl_batch it
    batch_setup(&it, fname, 2, x, core, out, 0)
    cdef int nd = cnp.PyArray_NDIM(x)
    cdef ptrdiff_t m = 1, n = cnp.PyArray_DIM(x, nd - 1), rs = 0, cs = _stride(x, -1)
    if core == 2:
        m = cnp.PyArray_DIM(x, nd - 2); rs = _stride(x, -2)
    cdef char *px = <char *>cnp.PyArray_DATA(x)
    cdef char *pout = <char *>cnp.PyArray_DATA(out)
    with nogil:
        if dt == DT_F32:
            cyl_vnorm_batch_s(kind, p, &it, m, n, px, rs, cs, pout)
        elif dt == DT_F64:
            cyl_vnorm_batch_d(kind, p, &it, m, n, px, rs, cs, pout)
        elif dt == DT_C64:
            cyl_vnorm_batch_c(kind, p, &it, m, n, px, rs, cs, pout)
        else:
            cyl_vnorm_batch_z(kind, p, &it, m, n, px, rs, cs, pout)


def outer_into(cnp.ndarray x, cnp.ndarray y, cnp.ndarray out):
    """out[i, j] = x[i] * y[j] for 1-d x, y and a 2-d out, all of one kernel dtype."""
    cdef int dt = kernel_dtype(out)
    cdef ptrdiff_t m = cnp.PyArray_DIM(x, 0), n = cnp.PyArray_DIM(y, 0)
    cdef ptrdiff_t incx = _stride(x, 0), incy = _stride(y, 0), rsc = _stride(out, 0), csc = _stride(out, 1)
    cdef void *px = cnp.PyArray_DATA(x)
    cdef void *py = cnp.PyArray_DATA(y)
    cdef void *pc = cnp.PyArray_DATA(out)
    with nogil:
        if dt == DT_F32:
            cyl_outer_s(m, n, <float *>px, incx, <float *>py, incy, <float *>pc, rsc, csc)
        elif dt == DT_F64:
            cyl_outer_d(m, n, <double *>px, incx, <double *>py, incy, <double *>pc, rsc, csc)
        elif dt == DT_C64:
            cyl_outer_c(m, n, <cyl_cf *>px, incx, <cyl_cf *>py, incy, <cyl_cf *>pc, rsc, csc)
        else:
            cyl_outer_z(m, n, <cyl_cd *>px, incx, <cyl_cd *>py, incy, <cyl_cd *>pc, rsc, csc)


def check_into(cnp.ndarray a, int kind, double rtol, double atol, cnp.ndarray out, str fname):
    """out[...] = whether each (..., M, N) matrix of a has the structure `kind` (CHECK_KINDS)
    within tolerance.  out: C-contiguous bool, shape a.shape[:-2]."""
    cdef int dt = kernel_dtype(a)
    cdef cyl_batch it
    batch_setup(&it, fname, 2, a, 2, out, 0)
    cdef int nd = cnp.PyArray_NDIM(a)
    cdef ptrdiff_t m = cnp.PyArray_DIM(a, nd - 2), n = cnp.PyArray_DIM(a, nd - 1)
    cdef ptrdiff_t rs = _stride(a, -2), cs = _stride(a, -1)
    cdef char *pa = <char *>cnp.PyArray_DATA(a)
    cdef char *pout = <char *>cnp.PyArray_DATA(out)
    cdef ptrdiff_t t
    cdef int ok = 0
    with nogil:
        for t in range(it.count):
            if dt == DT_F32:
                cyl_check_s(kind, m, n, <float *>(pa + it.offset[0]), rs, cs, rtol, atol, &ok)
            elif dt == DT_F64:
                cyl_check_d(kind, m, n, <double *>(pa + it.offset[0]), rs, cs, rtol, atol, &ok)
            elif dt == DT_C64:
                cyl_check_c(kind, m, n, <cyl_cf *>(pa + it.offset[0]), rs, cs, rtol, atol, &ok)
            else:
                cyl_check_z(kind, m, n, <cyl_cd *>(pa + it.offset[0]), rs, cs, rtol, atol, &ok)
            (<char *>(pout + it.offset[1]))[0] = <char>ok
            cyl_batch_next(&it)


cdef inline bint _plain_operand(object a, int ndim_max):
    """a is an ndarray of a kernel dtype, at most ndim_max dims, aligned, whole-element strides
    (what the Python layer's validation would pass through unchanged)."""
    if type(a) is not cnp.ndarray:
        return False
    cdef cnp.ndarray arr = <cnp.ndarray>a
    cdef int nd = cnp.PyArray_NDIM(arr), t = cnp.PyArray_TYPE(arr), i
    if nd > ndim_max or not (t == cnp.NPY_FLOAT64 or t == cnp.NPY_FLOAT32 or t == cnp.NPY_COMPLEX128 or t == cnp.NPY_COMPLEX64):
        return False
    if not cnp.PyArray_ISALIGNED(arr) or not cnp.PyArray_ISNOTSWAPPED(arr):
        return False
    cdef ptrdiff_t isz = cnp.PyArray_ITEMSIZE(arr)
    for i in range(nd):
        if cnp.PyArray_STRIDE(arr, i) % isz:
            return False
    return True


def try_dot1d(a, b, bint conj=False):
    """Fast path of dot/vdot/inner: the kernel's answer for two plain 1-d arrays of one dtype
    and length, else None (the caller then validates in full)."""
    if not (_plain_operand(a, 1) and _plain_operand(b, 1)):
        return None
    cdef cnp.ndarray x = <cnp.ndarray>a, y = <cnp.ndarray>b
    if cnp.PyArray_NDIM(x) != 1 or cnp.PyArray_NDIM(y) != 1 or cnp.PyArray_TYPE(x) != cnp.PyArray_TYPE(y) \
            or cnp.PyArray_DIM(x, 0) != cnp.PyArray_DIM(y, 0):
        return None
    return dot1d(x, y, conj)


def try_norm2(a):
    """Fast path of norm(x) for a plain array of at most 2 dims, else None."""
    if not _plain_operand(a, 2):
        return None
    return vnorm(<cnp.ndarray>a, CYL_NORM_2, 0.0)
