# Matrix products.
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


def matmul_into(cnp.ndarray a, cnp.ndarray b, cnp.ndarray out, bint conj_a=False):
    """out[...] = op(a) @ b for stacked a (..., m, k), b (..., k, n); out has the broadcast batch
    shape + (m, n) and the same dtype; op = conj when conj_a.  out must not overlap a or b."""
    cdef int dt = kernel_dtype(out)
    cdef cyl_batch it
    batch_setup(&it, "cylinalg.matmul", 3, a, 2, b, 2, out, 2)
    cdef int nda = cnp.PyArray_NDIM(a), ndb = cnp.PyArray_NDIM(b), ndc = cnp.PyArray_NDIM(out)
    cdef ptrdiff_t m = cnp.PyArray_DIM(a, nda - 2), k = cnp.PyArray_DIM(a, nda - 1)
    cdef ptrdiff_t n = cnp.PyArray_DIM(b, ndb - 1)
    cdef ptrdiff_t isz = cnp.PyArray_ITEMSIZE(out)
    cdef ptrdiff_t rsa = cnp.PyArray_STRIDE(a, nda - 2) // isz, csa = cnp.PyArray_STRIDE(a, nda - 1) // isz
    cdef ptrdiff_t rsb = cnp.PyArray_STRIDE(b, ndb - 2) // isz, csb = cnp.PyArray_STRIDE(b, ndb - 1) // isz
    cdef ptrdiff_t rsc = cnp.PyArray_STRIDE(out, ndc - 2) // isz, csc = cnp.PyArray_STRIDE(out, ndc - 1) // isz
    cdef char *pa = <char *>cnp.PyArray_DATA(a)
    cdef char *pb = <char *>cnp.PyArray_DATA(b)
    cdef char *pc = <char *>cnp.PyArray_DATA(out)
    cdef ptrdiff_t t
    cdef int status = 0, ca = conj_a
    cdef cyl_cf one_c, zero_c
    cdef cyl_cd one_z, zero_z
    one_c.re = 1; one_c.im = 0; zero_c.re = 0; zero_c.im = 0
    one_z.re = 1; one_z.im = 0; zero_z.re = 0; zero_z.im = 0
    with nogil:
        for t in range(it.count):
            if dt == DT_F32:
                status = cyl_gemm_s(ca, 0, m, n, k, 1, <float *>(pa + it.offset[0]), rsa, csa,
                                    <float *>(pb + it.offset[1]), rsb, csb, 0,
                                    <float *>(pc + it.offset[2]), rsc, csc, 0)
            elif dt == DT_F64:
                status = cyl_gemm_d(ca, 0, m, n, k, 1, <double *>(pa + it.offset[0]), rsa, csa,
                                    <double *>(pb + it.offset[1]), rsb, csb, 0,
                                    <double *>(pc + it.offset[2]), rsc, csc, 0)
            elif dt == DT_C64:
                status = cyl_gemm_c(ca, 0, m, n, k, one_c, <cyl_cf *>(pa + it.offset[0]), rsa, csa,
                                    <cyl_cf *>(pb + it.offset[1]), rsb, csb, zero_c,
                                    <cyl_cf *>(pc + it.offset[2]), rsc, csc, 0)
            else:
                status = cyl_gemm_z(ca, 0, m, n, k, one_z, <cyl_cd *>(pa + it.offset[0]), rsa, csa,
                                    <cyl_cd *>(pb + it.offset[1]), rsb, csb, zero_z,
                                    <cyl_cd *>(pc + it.offset[2]), rsc, csc, 0)
            if status != 0:
                break
            cyl_batch_next(&it)
    check_status(status, "cylinalg.matmul")
