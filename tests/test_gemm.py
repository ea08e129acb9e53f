"""The GEMM kernel (cyl_gemm_* through the _kernels.gemm test hook) against numpy, on every
kernel level this CPU supports: edge tiles, k across cache blocks, strides of any sign,
alpha/beta, conj, NaN/inf, and bitwise reproducibility for a fixed thread count."""
import os

import numpy as np
import pytest

import cylinalg as cla
from cylinalg._core import _kernels
from conftest import ALL_DTYPES, random_array

DTYPE_NAMES = {np.dtype(d).name: np.dtype(d) for d in ALL_DTYPES}


def _blocking(dtype):
    return _kernels.runtime_info()["gemm"][np.dtype(dtype).name]


def _ref(alpha, a, b, beta, c, conj_a=False, conj_b=False):
    aa = np.conj(a) if conj_a else a
    bb = np.conj(b) if conj_b else b
    wide = np.complex256 if np.dtype(c.dtype).kind == "c" else np.longdouble
    prod = aa.astype(wide) @ bb.astype(wide)
    out = alpha * prod
    if beta != 0:
        out = out + beta * c.astype(wide)
    return out


def _check(got, want, a, b, dtype):
    """Relative error within a few ulps times k, against sum |a||b| (the error scale)."""
    eps = np.finfo(np.dtype(dtype)).eps
    k = a.shape[1]
    scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
    err = np.abs(got.astype(want.dtype) - want).astype(np.float64)
    assert np.all(err <= 8 * eps * (k + 2) * (scale + 1)), float(np.max(err / (scale + 1)))


@pytest.fixture(params=[False, True], ids=["auto", "packed"])
def force_packed(request):
    _kernels._gemm_force_packed(request.param)
    yield request.param
    _kernels._gemm_force_packed(False)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_edge_tiles_and_k_blocks(arch, dtype, force_packed, rng):
    blk = _blocking(dtype)
    mr, nr, kc = blk["mr"], blk["nr"], blk["kc"]
    ks = sorted({1, 2, 3, kc - 1, kc, kc + 1, 2 * kc + 1})
    if blk["colmajor"] and force_packed:
        # the kernel runs on C^T once n >= 2*mr (and, unforced, m*n*k >= 192**3): its mr-row
        # tiles lie along n, nr along m
        m_all = range(1, 2 * nr + 2)
        n_all = range(2 * mr, 4 * mr + 2)
        n_some = (2 * mr, 2 * mr + 1, 3 * mr - 1, 3 * mr, 3 * mr + 1, 4 * mr + 1)
    else:
        m_all = range(1, 2 * mr + 2)
        n_all = range(1, 2 * nr + 2)
        n_some = (1, nr - 1, nr, nr + 1, 2 * nr + 1)
    a_full = random_array(rng, (max(m_all), max(ks)), dtype)
    b_full = random_array(rng, (max(ks), max(n_all)), dtype)
    for k in ks:
        for m in m_all:
            for n in (n_all if k in (1, kc + 1) else n_some):
                a, b = a_full[:m, :k], b_full[:k, :n]
                c = np.full((m, n), np.nan, dtype=dtype)
                _kernels.gemm(1.0, a, b, 0.0, c)
                _check(c, _ref(1.0, a, b, 0.0, c), a, b, dtype)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(5, 7, 3), (40, 33, 70), (97, 130, 300)])
def test_strides_alpha_beta_conj(arch, dtype, shape, force_packed, rng):
    m, n, k = shape
    cplx = np.dtype(dtype).kind == "c"
    alpha = (0.5 - 1.25j) if cplx else -1.5
    beta = (2.0 + 0.5j) if cplx else 0.75
    a0 = random_array(rng, (m, k), dtype)
    b0 = random_array(rng, (k, n), dtype)
    c0 = random_array(rng, (m, n), dtype)
    variants = {
        "C": lambda x: np.ascontiguousarray(x),
        "F": lambda x: np.asfortranarray(x),
        "T": lambda x: np.ascontiguousarray(x.T).T,
        "strided": lambda x: np.repeat(np.repeat(x, 2, 0), 3, 1)[::2, ::3],
        "negative": lambda x: np.ascontiguousarray(x[::-1, ::-1])[::-1, ::-1],
    }
    for name, lay in variants.items():
        for conj_a, conj_b in ((False, False), (True, False), (False, True)):
            if not cplx and (conj_a or conj_b):
                continue
            a, b = lay(a0), lay(b0)
            c = lay(c0.copy())
            _kernels.gemm(alpha, a, b, beta, c, conj_a, conj_b)
            want = _ref(alpha, a0, b0, beta, c0, conj_a, conj_b)
            _check(c, want, a0, b0, dtype)
            assert np.array_equal(a, a0) and np.array_equal(b, b0), name


def test_c_is_strided_output(arch, dtype, rng):
    a = random_array(rng, (30, 20), dtype)
    b = random_array(rng, (20, 25), dtype)
    big = np.zeros((60, 75), dtype=dtype)
    c = big[::2, ::3]
    _kernels.gemm(1.0, a, b, 0.0, c)
    _check(c, _ref(1.0, a, b, 0.0, c), a, b, dtype)
    mask = np.ones(big.shape, bool)
    mask[::2, ::3] = False
    assert not big[mask].any()  # nothing written outside the view


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("layout", ["row-view", "column-view", "fortran"])
def test_large_output_pages_touched_inside_c_only(threads, layout, rng):
    """Outputs of 4 MiB and more (beta = 0) get a store per page before the product: only
    inside C, whatever its layout, and the result is the product all the same."""
    m, n, k = 1100, 520, 40  # C: 4.6 MB
    a = random_array(rng, (m, k), np.float64)
    b = random_array(rng, (k, n), np.float64)
    views = {"row-view": ((2 * m, n + 3), "C", np.s_[::2, 1:n + 1]),
             "column-view": ((m + 5, 2 * n), "F", np.s_[2:m + 2, ::2]),
             "fortran": ((m, n), "F", np.s_[:, :])}
    shape, order, view = views[layout]
    big = np.full(shape, np.nan, order=order)
    c = big[view]
    _kernels.gemm(1.0, a, b, 0.0, c, nthreads=threads)
    _check(c, _ref(1.0, a, b, 0.0, c), a, b, np.float64)
    outside = np.ones(shape, bool)
    outside[view] = False
    assert np.isnan(big[outside]).all()  # nothing written outside the view


def test_beta_zero_ignores_c_and_nan_propagates(arch, dtype, force_packed, rng):
    m, n, k = 13, 17, 40
    a = random_array(rng, (m, k), dtype)
    b = random_array(rng, (k, n), dtype)
    b[:, 3] = 0
    a[2, 5] = np.nan
    if np.dtype(dtype).kind == "f":  # complex inf * finite is NaN or inf by summation order
        a[7, 1] = np.inf
    c = np.full((m, n), np.nan, dtype=dtype)
    _kernels.gemm(1.0, a, b, 0.0, c)
    with np.errstate(invalid="ignore"):
        want = a @ b
    np.testing.assert_array_equal(np.isnan(c), np.isnan(want))
    assert np.isnan(c[2]).all()  # NaN in A spreads along its row, even over B's zero column
    finite = np.isfinite(want)
    np.testing.assert_allclose(c[finite], want[finite], rtol=1e-3 if a.dtype.itemsize <= 8 else 1e-10)


def test_k_zero_and_empty(arch, dtype):
    c = np.full((3, 4), 7, dtype=dtype)
    _kernels.gemm(1.0, np.ones((3, 0), dtype), np.ones((0, 4), dtype), 0.0, c)
    assert not c.any()
    c = np.full((3, 4), 7, dtype=dtype)
    _kernels.gemm(1.0, np.ones((3, 0), dtype), np.ones((0, 4), dtype), 2.0, c)
    assert (c == 14).all()
    c = np.ones((0, 4), dtype)
    _kernels.gemm(1.0, np.ones((0, 5), dtype), np.ones((5, 4), dtype), 0.0, c)


@pytest.mark.parametrize("dtype", [np.float64, np.complex64], ids=["float64", "complex64"])
def test_bitwise_reproducible_per_thread_count(dtype, rng):
    a = random_array(rng, (301, 280), dtype)
    b = random_array(rng, (280, 190), dtype)
    for threads in (1, 2, 3):
        outs = []
        for _ in range(3):
            c = np.empty((301, 190), dtype)
            _kernels.gemm(1.0, a, b, 0.0, c, nthreads=threads)
            outs.append(c)
        assert all(np.array_equal(outs[0], o) for o in outs[1:])
        _check(outs[0], _ref(1.0, a, b, 0.0, outs[0]), a, b, dtype)


@pytest.fixture(params=[False, True], ids=["own-first", "steal-first"])
def steal_first(request):
    _kernels._gemm_steal_first(request.param)
    yield request.param
    _kernels._gemm_steal_first(False)


@pytest.mark.parametrize("threads", [2, 3, 4])
def test_threaded_row_blocks_cover_every_row_once(threads, rng, force_packed, steal_first):
    """Each thread owns a share of the rows, the last ones in smaller blocks, and steals from the
    others' when done with its own (steal-first: every block is stolen): for m around the block
    boundaries every row of C is computed once, bitwise as with one thread."""
    blk = _blocking(np.float64)
    mc, mr = blk["mc"], blk["mr"]
    k, other = 300, 700  # 2*m*k*n >= 4e6 from m = 10 on: the threaded driver runs
    fixed = random_array(rng, (other, k), np.float64)
    for size in sorted({10, mr + 5, mc - 1, mc, mc + 1, 2 * mc - 1, 2 * mc + mr + 1,
                        threads * mc, threads * mc + 1, (threads + 1) * mc + 3, 7 * mc + 5}):
        if blk["colmajor"] and size >= 2 * mr:  # the blocks run along n (the kernel works on C^T)
            m = other
            a, b = fixed, random_array(rng, (k, size), np.float64)
        else:
            m = size
            a, b = random_array(rng, (m, k), np.float64), fixed.T
        n = b.shape[1]
        one, many = np.full((m, n), np.nan), np.full((m, n), np.nan)
        _kernels.gemm(1.0, a, b, 0.0, one, nthreads=1)
        _kernels.gemm(1.0, a, b, 0.0, many, nthreads=threads)
        assert np.array_equal(one, many), size
        if size == mc + 1:  # and right (one size is enough: the rest are bitwise the same path)
            _check(many, _ref(1.0, a, b, 0.0, many), a, b, np.float64)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores for two threads")
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_threads_help_with_blocks_in_progress(arch, dtype, rng):
    """Once every block of a round is claimed, a thread that is done computes B slivers of the
    others' blocks in progress (steal-first: a sliver at a time, so it happens often), with the
    owner's packed block: bitwise as with one thread, alpha and beta included."""
    blk = _blocking(dtype)
    mc, mr = blk["mc"], blk["mr"]
    k, other, size = 300, 700, 3 * mc + mr + 1
    cplx = np.dtype(dtype).kind == "c"
    alpha, beta = (0.5 - 0.25j, -1.5 + 2j) if cplx else (0.5, -1.5)
    _kernels._gemm_steal_first(True)
    _kernels._gemm_helped_chunks()
    try:
        helped = 0
        for trial in range(60):  # until a handover happened (timing: about every third product)
            threads = (2, 3, 2, 4)[trial % 4]
            if blk["colmajor"]:  # the blocks run along n (the kernel works on C^T)
                a, b = random_array(rng, (other, k), dtype), random_array(rng, (k, size), dtype)
            else:
                a, b = random_array(rng, (size, k), dtype), random_array(rng, (k, other), dtype)
            c = random_array(rng, (a.shape[0], b.shape[1]), dtype)
            one, many = c.copy(), c.copy()
            _kernels.gemm(alpha, a, b, beta, one, nthreads=1)
            _kernels.gemm(alpha, a, b, beta, many, nthreads=threads)
            assert np.array_equal(one, many), threads
            helped += _kernels._gemm_helped_chunks()
            if helped > 0 and trial >= 3:
                break
        _check(many, _ref(alpha, a, b, beta, c), a, b, dtype)
    finally:
        _kernels._gemm_steal_first(False)
    assert helped > 0


def test_fma_peak_probe(arch):
    """The probe runs the FMAs of the level in use: 12 chains of 4 (ymm) or 8 (zmm) doubles, two
    flops each; none on the reference level."""
    flops, checksum = _kernels._fma_peak_run(1000)
    width = {"ref": 0, "avx2": 4, "avx512": 8}.get(arch, 0)
    assert flops == 1000 * 12 * 2 * width
    assert np.isfinite(checksum) if width else checksum == -1.0


def test_threadpoolctl_limits_openmp_pool():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import cylinalg as cla

    before = cla.get_num_threads()
    with threadpoolctl.threadpool_limits(1, user_api="openmp"):
        assert cla.get_num_threads() == 1
    assert cla.get_num_threads() == before


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(3001, 64, 64), (1000, 7, 33), (517, 64, 65), (70, 3, 1)])
def test_tall_narrow(arch, dtype, shape, rng):
    m, n, k = shape
    a = random_array(rng, (m, k), dtype)
    b = random_array(rng, (k, n), dtype)
    for threads in (1, 2):
        c = np.full((m, n), np.nan, dtype)
        _kernels.gemm(1.0, a, b, 0.0, c, nthreads=threads)
        _check(c, _ref(1.0, a, b, 0.0, c), a, b, dtype)
        c2 = random_array(rng, (m, n), dtype)
        want = _ref(-1.0, a, b, 1.0, c2)
        _kernels.gemm(-1.0, a, b, 1.0, c2, nthreads=threads)
        _check(c2, want, a, b, dtype)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(65, 65, 65), (97, 130, 41), (176, 176, 176), (13, 250, 100),
                                   (181, 67, 9), (177, 177, 177), (50, 24, 30), (9, 8, 17),
                                   (20, 40, 64), (17, 7, 5)])
def test_plain_medium_products(arch, dtype, shape, rng):
    """Plain products (alpha 1, beta 0) up to plain_max run unpacked whatever n; just above it
    they are packed again (176^3 / 177^3 straddle the AVX2 level's float64 plain_max; each
    level's own is in test_plain_threshold_of_the_level).  Both must match numpy, leave C's old
    contents unread, and write nothing past C's rows (C is a view with padding columns)."""
    m, n, k = shape
    a = random_array(rng, (m, k), dtype)
    b = random_array(rng, (k, n), dtype)
    want = _ref(1.0, a, b, 0.0, np.empty((m, n), dtype))
    for threads in (1, 2):
        big = np.full((m + 1, n + 24), np.nan, dtype)
        c = big[:m, :n]
        _kernels.gemm(1.0, a, b, 0.0, c, nthreads=threads)
        _check(c, want, a, b, dtype)
        assert np.isnan(big[:, n:]).all() and np.isnan(big[m]).all()
    np.testing.assert_array_equal(cla.matmul(a, b), c)
    bs = random_array(rng, (k, 2 * n), dtype)[:, ::2]  # strided B rows: the packed path
    c = np.full((m, n), np.nan, dtype)
    _kernels.gemm(1.0, a, bs, 0.0, c)
    _check(c, _ref(1.0, a, bs, 0.0, c), a, bs, dtype)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def test_plain_threshold_of_the_level(arch, dtype, rng):
    """Cubes at and just above the level's plain_max (unpacked, then packed) match numpy."""
    plain_max = _blocking(dtype)["plain_max"]
    edge = round(plain_max ** (1 / 3))
    for n in sorted({edge, edge + 1} - {0, 1}):
        a = random_array(rng, (n, n), dtype)
        b = random_array(rng, (n, n), dtype)
        c = np.full((n, n), np.nan, dtype)
        _kernels.gemm(1.0, a, b, 0.0, c)
        _check(c, _ref(1.0, a, b, 0.0, c), a, b, dtype)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(1, 700, 523), (2, 1030, 300), (5, 64, 4100), (8, 700, 523),
                                   (9, 700, 523), (40, 300, 310), (100, 300, 310)])
def test_unpacked_b_in_blocks_of_rows(arch, dtype, shape, rng):
    """Plain products whose B outgrows the unpacked kernel's block (256 KiB) go through it in
    blocks of B's rows, the tiles adding into C after the first block; with fewer rows than
    threads x 8 the threads split C's columns.  Every thread count gives numpy's product,
    bitwise the same, and nothing outside C is written."""
    m, k, n = shape
    a = random_array(rng, (m, k), dtype)
    b = random_array(rng, (k, n), dtype)
    want = _ref(1.0, a, b, 0.0, np.empty((m, n), dtype))
    outs = []
    for threads in (1, 2, 3):
        big = np.full((m + 1, n + 24), np.nan, dtype)
        c = big[:m, :n]
        _kernels.gemm(1.0, a, b, 0.0, c, nthreads=threads)
        _check(c, want, a, b, dtype)
        assert np.isnan(big[:, n:]).all() and np.isnan(big[m]).all()
        outs.append(c.copy())
    assert all(np.array_equal(outs[0], o) for o in outs[1:])
    a[0, k // 2] = np.nan  # a NaN in A: its row of C is NaN, even where B's column is zero
    b[k // 2, : n // 2] = 0
    c = np.empty((m, n), dtype)
    _kernels.gemm(1.0, a, b, 0.0, c, nthreads=2)
    assert np.isnan(c[0]).all() and not np.isnan(c[1:]).any()


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(64, 64, 64), (7, 60, 32), (13, 37, 64), (300, 64, 64), (64, 16, 32)])
def test_small_b_with_aliasing_row_stride(arch, dtype, shape, rng):
    """B rows 256/512 bytes apart take the small path's copy of B (chunks of 8 columns, the
    last one partial when n is not a multiple of 8)."""
    m, n, k = shape
    a = random_array(rng, (m, k), dtype)
    b = random_array(rng, (k, 64), dtype)[:, :n]  # row stride 64 elements, any n <= 64
    c = np.full((m, n), np.nan, dtype)
    _kernels.gemm(1.0, a, b, 0.0, c)
    _check(c, _ref(1.0, a, b, 0.0, c), a, b, dtype)
    np.testing.assert_array_equal(cla.matmul(a, b), c)
