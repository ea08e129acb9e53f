# Matrix products: matmul's dispatch lives here so that a small product costs little more than
# the call itself (no Python-level validation on the common ndarray path).
cdef extern from "cylinalg/gemm.h":
    int cyl_gemm_s(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                   const float *a, ptrdiff_t rsa, ptrdiff_t csa, const float *b, ptrdiff_t rsb,
                   ptrdiff_t csb, float beta, float *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads) nogil
    int cyl_gemm_d(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, double alpha,
                   const double *a, ptrdiff_t rsa, ptrdiff_t csa, const double *b, ptrdiff_t rsb,
                   ptrdiff_t csb, double beta, double *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads) nogil
    int cyl_gemm_c(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, cyl_cf alpha,
                   const cyl_cf *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_cf *b, ptrdiff_t rsb,
                   ptrdiff_t csb, cyl_cf beta, cyl_cf *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads) nogil
    int cyl_gemm_z(int conja, int conjb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, cyl_cd alpha,
                   const cyl_cd *a, ptrdiff_t rsa, ptrdiff_t csa, const cyl_cd *b, ptrdiff_t rsb,
                   ptrdiff_t csb, cyl_cd beta, cyl_cd *c, ptrdiff_t rsc, ptrdiff_t csc, int nthreads) nogil
    int cyl_gemm_batched(int dtype, int conja, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const char *a,
                         ptrdiff_t rsa, ptrdiff_t csa, const char *b, ptrdiff_t rsb, ptrdiff_t csb,
                         char *c, ptrdiff_t rsc, ptrdiff_t csc, cyl_batch *it, int nthreads) nogil
    void cyl_gemm_set_force_packed(int on) nogil
    void cyl_gemm_set_steal_first(int on) nogil
    long cyl_gemm_helped_chunks() nogil

cdef extern from "cylinalg/dispatch.h":
    int cyl_gemm_set_blocking(int dtype, ptrdiff_t mc, ptrdiff_t kc, ptrdiff_t nc) nogil
    double cyl_fma_peak_run(long iters) nogil
    long cyl_fma_peak_flops_per_iter() nogil

cdef extern from "cylinalg/threads.h":
    double cyl_threads_roundtrip_ns(long rounds) nogil

# Set by cylinalg._products: the general (Python) matmul for everything the fast path declines.
_matmul_general = None


cdef inline bint _kernel_operand(cnp.ndarray x, int typenum):
    """x can go to the kernels as is: kernel dtype, >= 2-d, aligned, element-multiple strides."""
    cdef int nd = cnp.PyArray_NDIM(x)
    cdef ptrdiff_t isz
    if nd < 2 or cnp.PyArray_TYPE(x) != typenum or not cnp.PyArray_ISALIGNED(x):
        return False
    isz = cnp.PyArray_ITEMSIZE(x)
    return cnp.PyArray_STRIDE(x, nd - 1) % isz == 0 and cnp.PyArray_STRIDE(x, nd - 2) % isz == 0


cdef inline void _byte_range(cnp.ndarray x, char **lo, char **hi):
    """The bytes [lo, hi) that a non-empty x spans, whatever its strides' signs."""
    cdef char *p = <char *>cnp.PyArray_DATA(x)
    cdef ptrdiff_t span
    cdef int i
    lo[0] = p
    hi[0] = p + cnp.PyArray_ITEMSIZE(x)
    for i in range(cnp.PyArray_NDIM(x)):
        span = cnp.PyArray_STRIDE(x, i) * (cnp.PyArray_DIM(x, i) - 1)
        if span < 0:
            lo[0] += span
        else:
            hi[0] += span


cdef bint _may_overlap(cnp.ndarray x, cnp.ndarray y):
    """Whether the byte ranges of x and y intersect (a cheap, conservative
    numpy.may_share_memory)."""
    cdef char *xlo
    cdef char *xhi
    cdef char *ylo
    cdef char *yhi
    if cnp.PyArray_SIZE(x) == 0 or cnp.PyArray_SIZE(y) == 0:
        return False
    _byte_range(x, &xlo, &xhi)
    _byte_range(y, &ylo, &yhi)
    return xlo < yhi and ylo < xhi


cdef cnp.ndarray _matmul_arrays(cnp.ndarray a, cnp.ndarray b, bint conj_a, cnp.ndarray out=None):
    """op(a) @ b for kernel-ready stacked a (..., m, k), b (..., k, n) of one kernel dtype.
    out, if given, is a kernel-ready, writeable array of that dtype that overlaps neither
    operand; the product goes straight into it when its shape is the result's (returns None
    when it is not, for the caller's fallback)."""
    cdef int nda = cnp.PyArray_NDIM(a), ndb = cnp.PyArray_NDIM(b)
    cdef ptrdiff_t m = cnp.PyArray_DIM(a, nda - 2), k = cnp.PyArray_DIM(a, nda - 1)
    cdef ptrdiff_t n = cnp.PyArray_DIM(b, ndb - 1)
    if cnp.PyArray_DIM(b, ndb - 2) != k:
        raise ValueError(f"cylinalg.matmul: shapes {(<object>a).shape} and {(<object>b).shape} not aligned: "
                         f"{k} (dim {nda - 1}) != {cnp.PyArray_DIM(b, ndb - 2)} (dim {ndb - 2})")
    cdef int typenum = cnp.PyArray_TYPE(a)
    cdef int dt = kernel_dtype(a)
    cdef ptrdiff_t isz = cnp.PyArray_ITEMSIZE(a)
    cdef cyl_batch it
    cdef cnp.npy_intp dims[66]
    cdef int i
    # The output's batch shape is the broadcast one; operand 2 is a placeholder until allocated.
    batch_setup(&it, "cylinalg.matmul", 3, a, 2, b, 2, a, 2)
    for i in range(it.ndim):
        dims[i] = it.shape[i]
    dims[it.ndim] = m
    dims[it.ndim + 1] = n
    cdef cnp.ndarray c
    cdef ptrdiff_t rsc = n, csc = 1
    if out is not None:
        if cnp.PyArray_NDIM(out) != it.ndim + 2:
            return None
        for i in range(it.ndim + 2):
            if cnp.PyArray_DIM(out, i) != dims[i]:
                return None
        c = out
        batch_setup(&it, "cylinalg.matmul", 3, a, 2, b, 2, c, 2)  # out's own batch strides
        rsc = cnp.PyArray_STRIDE(c, it.ndim) // isz
        csc = cnp.PyArray_STRIDE(c, it.ndim + 1) // isz
    else:
        c = empty_result(it.ndim + 2, dims, typenum, "cylinalg.matmul")
        cyl_batch_set_contiguous(&it, 2, m * n * isz)
    cdef ptrdiff_t rsa = cnp.PyArray_STRIDE(a, nda - 2) // isz, csa = cnp.PyArray_STRIDE(a, nda - 1) // isz
    cdef ptrdiff_t rsb = cnp.PyArray_STRIDE(b, ndb - 2) // isz, csb = cnp.PyArray_STRIDE(b, ndb - 1) // isz
    cdef const char *pa = <const char *>cnp.PyArray_DATA(a)
    cdef const char *pb = <const char *>cnp.PyArray_DATA(b)
    cdef char *pc = <char *>cnp.PyArray_DATA(c)
    cdef int status
    cdef int ca = conj_a
    cdef double work = <double>m * <double>n * <double>k * <double>it.count
    cdef cyl_interrupt_guard guard
    guard.installed = 0
    if work < 4096 and it.count < 64:  # tiny: releasing the GIL costs more than the product
        status = cyl_gemm_batched(dt, ca, m, n, k, pa, rsa, csa, pb, rsb, csb, pc, rsc, csc, &it, 0)
    else:
        if work >= 1e9:  # tens of ms and up: Ctrl-C is worth the guard's two syscalls
            interrupt_guard_begin(&guard)
        with nogil:
            status = cyl_gemm_batched(dt, ca, m, n, k, pa, rsa, csa, pb, rsb, csb, pc, rsc, csc, &it, 0)
        interrupt_guard_end(&guard)
    check_status(status, "cylinalg.matmul")
    return c


def matmul(a, b, /, out=None):
    """Matrix product of two arrays, like ``numpy.matmul``.

    Parameters
    ----------
    a : array_like, shape (..., M, K) or (K,)
    b : array_like, shape (..., K, N) or (K,)
    out : ndarray, optional
        Where to write the result; must have the result's shape and a dtype the result can be
        cast to under numpy's ``same_kind`` rule.  An ``out`` of the result's own dtype that
        does not overlap ``a`` or ``b`` is written directly, with no temporary.

    Returns
    -------
    ndarray, shape (..., M, N)
        1-d operands drop their axis, as in numpy.  float32/float64/complex64/complex128
        products run on cylinalg's GEMM kernels; other dtypes (ints, bools, object, float16)
        follow numpy exactly by calling it.
    """
    cdef int typenum
    if type(a) is cnp.ndarray and type(b) is cnp.ndarray:
        typenum = cnp.PyArray_TYPE(<cnp.ndarray>a)
        if ((typenum == cnp.NPY_FLOAT64 or typenum == cnp.NPY_FLOAT32 or
             typenum == cnp.NPY_COMPLEX128 or typenum == cnp.NPY_COMPLEX64)
                and _kernel_operand(<cnp.ndarray>a, typenum) and _kernel_operand(<cnp.ndarray>b, typenum)):
            if out is None:
                return _matmul_arrays(<cnp.ndarray>a, <cnp.ndarray>b, False)
            # out of the same dtype, writeable and apart from the operands: written in place
            # (anything else goes through a fresh result and a copy, in _matmul_general)
            if (type(out) is cnp.ndarray and _kernel_operand(<cnp.ndarray>out, typenum)
                    and cnp.PyArray_ISWRITEABLE(<cnp.ndarray>out)
                    and not _may_overlap(<cnp.ndarray>out, <cnp.ndarray>a)
                    and not _may_overlap(<cnp.ndarray>out, <cnp.ndarray>b)):
                if _matmul_arrays(<cnp.ndarray>a, <cnp.ndarray>b, False, <cnp.ndarray>out) is not None:
                    return out
    return _matmul_general(a, b, out)


def gemm(alpha, cnp.ndarray a, cnp.ndarray b, beta, cnp.ndarray c, bint conj_a=False,
         bint conj_b=False, int nthreads=0):
    """c[...] = alpha * op(a) @ op(b) + beta * c for 2-d arrays of c's dtype (c written in
    place; beta == 0 never reads c).  A thin test hook onto cyl_gemm_*: shapes are the caller's
    responsibility beyond a basic check."""
    cdef int dt = kernel_dtype(c)
    if a.dtype != c.dtype or b.dtype != c.dtype or a.ndim != 2 or b.ndim != 2 or c.ndim != 2:
        raise TypeError("gemm: a, b, c must be 2-d arrays of one kernel dtype")
    cdef ptrdiff_t m = a.shape[0], k = a.shape[1], n = b.shape[1]
    if b.shape[0] != k or c.shape[0] != m or c.shape[1] != n:
        raise ValueError(f"gemm: shapes {(<object>a).shape}, {(<object>b).shape}, {(<object>c).shape} do not match")
    if not c.flags.writeable:
        raise ValueError("gemm: c is read-only")
    cdef ptrdiff_t isz = c.itemsize
    cdef ptrdiff_t rsa = a.strides[0] // isz, csa = a.strides[1] // isz
    cdef ptrdiff_t rsb = b.strides[0] // isz, csb = b.strides[1] // isz
    cdef ptrdiff_t rsc = c.strides[0] // isz, csc = c.strides[1] // isz
    cdef void *pa = cnp.PyArray_DATA(a)
    cdef void *pb = cnp.PyArray_DATA(b)
    cdef void *pc = cnp.PyArray_DATA(c)
    cdef double ar = complex(alpha).real, ai = complex(alpha).imag
    cdef double br = complex(beta).real, bi = complex(beta).imag
    cdef cyl_cf alc, bec
    cdef cyl_cd alz, bez
    alc.re = ar; alc.im = ai; bec.re = br; bec.im = bi
    alz.re = ar; alz.im = ai; bez.re = br; bez.im = bi
    cdef int status = 0, ca = conj_a, cb = conj_b
    with nogil:
        if dt == DT_F32:
            status = cyl_gemm_s(ca, cb, m, n, k, <float>ar, <float *>pa, rsa, csa, <float *>pb, rsb, csb,
                                <float>br, <float *>pc, rsc, csc, nthreads)
        elif dt == DT_F64:
            status = cyl_gemm_d(ca, cb, m, n, k, ar, <double *>pa, rsa, csa, <double *>pb, rsb, csb,
                                br, <double *>pc, rsc, csc, nthreads)
        elif dt == DT_C64:
            status = cyl_gemm_c(ca, cb, m, n, k, alc, <cyl_cf *>pa, rsa, csa, <cyl_cf *>pb, rsb, csb,
                                bec, <cyl_cf *>pc, rsc, csc, nthreads)
        else:
            status = cyl_gemm_z(ca, cb, m, n, k, alz, <cyl_cd *>pa, rsa, csa, <cyl_cd *>pb, rsb, csb,
                                bez, <cyl_cd *>pc, rsc, csc, nthreads)
    check_status(status, "cylinalg.gemm")


def _fma_peak_run(long iters):
    """Run the FMA throughput probe on the vectors of the kernel level in use; returns (flops
    done, checksum).  flops is 0 on the reference level or without x86 SIMD kernels."""
    cdef double r
    with nogil:
        r = cyl_fma_peak_run(iters)
    return cyl_fma_peak_flops_per_iter() * iters, r


def _threads_roundtrip_ns(long rounds=100000):
    """Nanoseconds for a cache line to go between two pool threads and back (-1 without two
    threads free): how near the cores are, for benchmark logs."""
    cdef double ns
    with nogil:
        ns = cyl_threads_roundtrip_ns(rounds)
    return ns


def _matmul_kernel(cnp.ndarray a, cnp.ndarray b, bint conj_a=False):
    """op(a) @ b into a new array, for kernel-ready operands of one kernel dtype (>= 2-d)."""
    return _matmul_arrays(a, b, conj_a)


def _gemm_set_blocking(dtype, ptrdiff_t mc, ptrdiff_t kc, ptrdiff_t nc):
    """Tuning hook: set the GEMM blocking (MC, KC, NC) of one dtype for the kernel level in use,
    so that benchmarks can compare blockings in one process.  runtime_info() shows the values."""
    check_status(cyl_gemm_set_blocking(kernel_dtype(cnp.PyArray_ZEROS(1, [0], cnp.dtype(dtype).num, 0)), mc, kc, nc),
                 "cylinalg._gemm_set_blocking")


def _gemm_force_packed(bint on):
    """Test hook: route every product through the packed driver (True) or not (False)."""
    cyl_gemm_set_force_packed(on)


def _gemm_steal_first(bint on):
    """Test hook: every thread of a threaded product takes the others' row blocks before its own,
    and B slivers of a block in progress are claimed one at a time."""
    cyl_gemm_set_steal_first(on)


def _gemm_helped_chunks():
    """Test hook: chunks of B slivers that threads computed of another thread's block since the
    last call (resets the count)."""
    return cyl_gemm_helped_chunks()
