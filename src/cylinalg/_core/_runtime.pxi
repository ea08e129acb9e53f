# Runtime: CPU detection, kernel dispatch, thread budget.
cdef extern from "cylinalg/cpu_features.h":
    ctypedef int cyl_arch
    void cyl_cpu_init() nogil
    unsigned cyl_cpu_features() nogil
    cyl_arch cyl_cpu_best_arch() nogil
    const char *cyl_arch_name(cyl_arch arch) nogil
    int cyl_arch_from_name(const char *name) nogil
    const char *cyl_cpu_brand() nogil

cdef extern from "cylinalg/gemm.h":
    ctypedef struct cyl_gemm_kernel:
        void *ukr
        int mr, nr, mc, kc, nc
        const char *name
        ptrdiff_t tall_kmax, plain_max, wide_mmax
        int colmajor

cdef extern from "cylinalg/dispatch.h":
    ctypedef struct cyl_kernel_table:
        cyl_arch arch
        const char *arch_name
        cyl_gemm_kernel gemm[4]
    void cyl_dispatch_init() nogil
    const cyl_kernel_table *cyl_kernels() nogil
    cyl_arch cyl_dispatch_set_arch(cyl_arch requested) nogil
    int cyl_dispatch_requested() nogil
    const char *cyl_dispatch_note() nogil

cyl_cpu_init()
cyl_dispatch_init()
cyl_threads_init()

_FEATURE_NAMES = ("sse2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl", "neon")


def cpu_features():
    """Names of the instruction-set features detected on this CPU (with OS support)."""
    cdef unsigned f = cyl_cpu_features()
    return [name for i, name in enumerate(_FEATURE_NAMES) if f & (1u << i)]


def runtime_info():
    """Dict describing the detected CPU, the kernel level in use and the thread budget."""
    cdef const cyl_kernel_table *t = cyl_kernels()
    cdef int i
    dtypes = ("float32", "float64", "complex64", "complex128")
    gemm = {}
    for i in range(4):
        k = t.gemm[i]
        gemm[dtypes[i]] = {
            "kernel": k.name.decode() if k.name != NULL else "none",
            "mr": k.mr, "nr": k.nr, "mc": k.mc, "kc": k.kc, "nc": k.nc,
            # mr along C's contiguous dimension (on C^T for row-major C); small products use the AVX2 kernel
            "colmajor": bool(k.colmajor),
            # plain products (alpha 1, beta 0, unit-stride rows of B and C) that run unpacked:
            # m*n*k <= plain_max, m <= wide_mmax, or n <= 64 with k <= tall_kmax (0: never)
            "plain_max": k.plain_max, "wide_mmax": k.wide_mmax, "tall_kmax": k.tall_kmax,
        }
    requested = cyl_dispatch_requested()
    return {
        "cpu": cyl_cpu_brand().decode(errors="replace").strip(),
        "cpu_features": cpu_features(),
        "best_arch": cyl_arch_name(cyl_cpu_best_arch()).decode(),
        "arch": t.arch_name.decode(),
        "requested_arch": cyl_arch_name(requested).decode() if requested >= 0 else None,
        "dispatch_note": cyl_dispatch_note().decode(),
        "gemm": gemm,
        "openmp": bool(cyl_have_openmp()),
        "num_cores": cyl_num_cores(),
        "num_threads": cyl_get_num_threads(),
    }


def set_arch(str name):
    """Switch the kernel level at run time (for tests); returns the level now in use.

    Only call while no kernel is running.  Levels above what the CPU supports fall back."""
    cdef int a = cyl_arch_from_name(name.encode())
    if a < 0:
        raise ValueError(f"cylinalg.set_arch: unknown kernel level {name!r}; use 'ref', 'avx2' or 'avx512'")
    return cyl_arch_name(cyl_dispatch_set_arch(a)).decode()


def get_arch():
    return cyl_kernels().arch_name.decode()


def set_num_threads(int n):
    cyl_set_num_threads(n)


def get_num_threads():
    return cyl_get_num_threads()
