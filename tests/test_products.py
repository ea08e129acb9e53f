"""cylinalg.matmul / matvec against numpy.matmul / numpy.matvec: dtypes, layouts, broadcasting,
1-d operands, out= (casting, overlap), size 0, errors, tiny stacks."""
import numpy as np
import pytest

import cylinalg as cla
from cylinalg._core import _kernels
from conftest import ALL_DTYPES, layouts, random_array, tol


def _close(got, want, dtype=None):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    if want.dtype.kind in "fc":
        scale = max(float(np.max(np.abs(want))) if want.size else 0.0, 1.0)
        np.testing.assert_allclose(got, want, rtol=0, atol=tol(dtype or want.dtype) * scale * 4)
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 16, 31, 32, 33, 64, 65, 130])
def test_square_sizes(arch, dtype, n, rng):
    a, b = random_array(rng, (n, n), dtype), random_array(rng, (n, n), dtype)
    _close(cla.matmul(a, b), np.matmul(a, b))


def test_layouts(dtype, rng):
    a0, b0 = random_array(rng, (37, 29), dtype), random_array(rng, (29, 41), dtype)
    want = a0 @ b0
    for la, a in layouts(a0).items():
        for lb, b in layouts(b0).items():
            _close(cla.matmul(a, b), want)
    _close(cla.matmul(b0.T, a0.T), want.T)


@pytest.mark.parametrize(
    "sa, sb",
    [((7, 3, 4), (4, 5)), ((4, 5), (6, 5, 2)), ((2, 1, 3, 4), (5, 4, 2)), ((3,), (3,)),
     ((3,), (2, 3, 4)), ((2, 5, 3), (3,)), ((0, 3, 4), (4, 2)), ((3, 0), (0, 4)),
     ((2, 0, 3), (3, 5)), ((4,), (4, 0))],
)
def test_shapes_and_broadcast(dtype, sa, sb, rng):
    a, b = random_array(rng, sa, dtype), random_array(rng, sb, dtype)
    got, want = cla.matmul(a, b), np.matmul(a, b)
    assert type(got) is type(want)
    _close(got, want)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 7, 9, 13, 24])
def test_tiny_stacks(arch, dtype, n, rng):
    a, b = random_array(rng, (50, n, n), dtype), random_array(rng, (50, n, n), dtype)
    _close(cla.matmul(a, b), np.matmul(a, b))
    _close(cla.matmul(a.transpose(0, 2, 1), b[::-1]), np.matmul(a.transpose(0, 2, 1), b[::-1]))
    _close(cla.matmul(a[:, None], b[None, :5]), np.matmul(a[:, None], b[None, :5]))


@pytest.mark.parametrize("mkn", [(5, 6, 7), (8, 1, 8), (1, 8, 3), (6, 6, 6), (7, 8, 2), (8, 8, 5), (3, 5, 4),
                                 (12, 12, 12), (11, 9, 10), (16, 13, 16)])
def test_tiny_rectangular_stacks(arch, dtype, mkn, rng):
    m, k, n = mkn
    a, b = random_array(rng, (11, m, k), dtype), random_array(rng, (11, k, n), dtype)
    _close(cla.matmul(a, b), np.matmul(a, b))
    _close(cla.matmul(a[-3::-2], b[1::2]), np.matmul(a[-3::-2], b[1::2]))


@pytest.mark.parametrize("da, db", [("f4", "f8"), ("f4", "c8"), ("i8", "f4"), ("i4", "i4"),
                                    ("?", "?"), ("f2", "f2"), ("c8", "f8"), ("i8", "c16")])
def test_mixed_and_other_dtypes(da, db, rng):
    a = random_array(rng, (6, 5), da)
    b = random_array(rng, (5, 4), db)
    _close(cla.matmul(a, b), np.matmul(a, b))


def test_array_likes_and_object():
    _close(cla.matmul([[1.0, 2.0], [3.0, 4.0]], [[1.0], [1.0]]), np.matmul([[1.0, 2.0], [3.0, 4.0]], [[1.0], [1.0]]))
    o = np.array([[1, 2], [3, 4]], dtype=object)
    assert cla.matmul(o, o).dtype == object


def test_out(dtype, rng):
    a, b = random_array(rng, (3, 6, 5), dtype), random_array(rng, (5, 4), dtype)
    out = np.full((3, 6, 4), np.nan, dtype=dtype)
    res = cla.matmul(a, b, out=out)
    assert res is out
    _close(out, np.matmul(a, b))
    out_c = np.full((3, 6, 4), np.nan, dtype=np.complex128)
    cla.matmul(a, b, out=out_c)
    _close(out_c, np.matmul(a, b).astype(np.complex128), dtype)
    out_f = np.empty((6, 8), dtype=dtype)[:, ::2]  # non-contiguous out
    cla.matmul(a[0], b, out=out_f)
    _close(out_f, a[0] @ b)


@pytest.mark.parametrize("shape", [(4, 4), (3, 6, 5), (2, 200, 90)], ids=["tiny", "stack", "packed"])
def test_out_written_in_place_any_layout(dtype, shape, rng):
    """An out= of the result's dtype gets the product directly, in any layout, and an out that
    overlaps an operand still gives numpy's answer."""
    a = random_array(rng, shape, dtype)
    b = random_array(rng, shape[:-2] + (shape[-1], shape[-1]), dtype)
    want = cla.matmul(a, b)
    big = np.full(tuple(2 * s for s in want.shape), np.nan, dtype=dtype)
    outs = {"C": np.empty_like(want), "F": np.asfortranarray(np.empty_like(want)),
            "strided": big[(slice(None, None, 2),) * want.ndim],
            "negative": big[(slice(None, None, -2),) * want.ndim],
            "transposed": np.empty(want.shape[::-1], dtype).T}
    for name, out in outs.items():
        out[...] = np.nan
        assert cla.matmul(a, b, out=out) is out, name
        _close(out, want, dtype)
    a_copy = a.copy()
    a_view = a_copy[..., :, : shape[-1]]  # square: the product overwrites its own operand
    want_sq = cla.matmul(a_view.copy(), b)
    cla.matmul(a_view, b, out=a_view)
    _close(a_view, want_sq, dtype)


def test_out_errors(rng):
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    with pytest.raises(TypeError):  # numpy's same_kind rule: float into int
        cla.matmul(a, b, out=np.empty((3, 2), dtype=np.int64))
    with pytest.raises(ValueError):
        cla.matmul(a, b, out=np.empty((3, 3)))


def test_out_overlaps_input(rng):
    a = rng.standard_normal((5, 5))
    b = rng.standard_normal((5, 5))
    want = a @ b
    a2 = a.copy()
    cla.matmul(a2, b, out=a2)
    _close(a2, want)
    b2 = b.copy()
    cla.matmul(a, b2, out=b2)
    _close(b2, want)


def test_inputs_not_modified(dtype, rng):
    a, b = random_array(rng, (20, 30), dtype), random_array(rng, (30, 10), dtype)
    a0, b0 = a.copy(), b.copy()
    a.flags.writeable = False
    cla.matmul(a, b)
    assert np.array_equal(a, a0) and np.array_equal(b, b0)


def test_errors():
    with pytest.raises(ValueError, match=r"^cylinalg\.matmul: .*\(3, 4\)"):
        cla.matmul(np.ones((3, 4)), np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"^cylinalg\.matmul"):
        cla.matmul(np.ones((3,)), np.ones((4,)))
    with pytest.raises(ValueError, match=r"^cylinalg\.matmul"):
        cla.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 2)))
    with pytest.raises(ValueError):
        cla.matmul(np.float64(2.0), np.ones((2, 2)))


def test_nan_propagation_and_nan_out():
    a = np.ones((4, 4))
    a[1, 2] = np.nan
    b = np.zeros((4, 4))
    out = np.full((4, 4), np.nan)
    cla.matmul(a, b, out=out)
    assert np.isnan(out[1]).all() and not np.isnan(out[[0, 2, 3]]).any()


def test_huge_size_memory_error():
    a = np.lib.stride_tricks.as_strided(np.zeros(1), (2**40, 1), (0, 0))
    b = np.lib.stride_tricks.as_strided(np.zeros(1), (1, 2**40), (0, 0))
    with pytest.raises(MemoryError):
        cla.matmul(a, b)


@pytest.mark.parametrize(
    "sa, sb", [((4, 3), (3,)), ((2, 4, 3), (3,)), ((4, 3), (5, 3)), ((2, 1, 4, 3), (6, 3)), ((0, 3), (3,))]
)
def test_matvec(dtype, sa, sb, rng):
    a, x = random_array(rng, sa, dtype), random_array(rng, sb, dtype)
    want = np.matvec(a, x) if hasattr(np, "matvec") else np.matmul(a, x[..., None])[..., 0]
    _close(cla.matvec(a, x), want)


def test_matvec_errors():
    with pytest.raises(ValueError, match=r"^cylinalg\.matvec"):
        cla.matvec(np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match=r"^cylinalg\.matvec"):
        cla.matvec(np.ones(3), np.ones(3))


@pytest.mark.parametrize("shapes", [((30000, 4, 4), (30000, 4, 4)), ((300, 41, 5, 6), (41, 6, 5)),
                                    ((7, 1, 3000, 3, 3), (5, 1, 3, 3)), ((20001, 8, 3), (1, 3, 7))])
def test_large_stacks_split_over_threads(dtype, shapes, rng):
    """Stacks big enough to be split across threads (by rows of the innermost batch dimension):
    numpy's values, and bitwise the same for 1 and 2 threads."""
    a, b = random_array(rng, shapes[0], dtype), random_array(rng, shapes[1], dtype)
    before = cla.get_num_threads()
    try:
        cla.set_num_threads(2)
        two = cla.matmul(a, b)
        cla.set_num_threads(1)
        one = cla.matmul(a, b)
    finally:
        cla.set_num_threads(before)
    _close(two, np.matmul(a, b))
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype, n", [("f8", 3), ("f8", 4), ("f8", 6), ("f8", 7), ("f8", 12), ("f8", 16),
                                      ("f4", 4), ("f4", 7), ("f4", 8), ("f4", 12), ("f4", 16)])
def test_large_tiny_stack_outputs(arch, dtype, n, threads, rng):
    """Real tiny stacks with 5 MiB of output: written with streaming stores when every row of C
    starts on 16 bytes (rows of up to 3 vectors).  out= at every element phase of 16 bytes,
    gaps between rows (n+1 and n+2 apart), a 2-D batch: numpy's values, nothing written outside
    C, bitwise the same as a small stack (ordinary stores)."""
    itemsize = np.dtype(dtype).itemsize
    count = -(-(5 << 20) // (n * n * itemsize * 200)) * 200
    a, b = random_array(rng, (count, n, n), dtype), random_array(rng, (count, n, n), dtype)
    before = cla.get_num_threads()
    try:
        cla.set_num_threads(threads)
        want = cla.matmul(a[:1000], b[:1000])  # at most 1 MB of output: ordinary stores
        got = cla.matmul(a, b)
        _close(got, np.matmul(a, b))
        np.testing.assert_array_equal(got[:1000], want)
        batch = (count // 200, 200, n, n)
        np.testing.assert_array_equal(cla.matmul(a.reshape(batch), b.reshape(batch)), got.reshape(batch))
        size = count * n * n
        for phase in range(16 // itemsize):
            buf = np.full(size + 16 // itemsize, np.nan, dtype)
            out = buf[phase:phase + size].reshape(count, n, n)
            assert cla.matmul(a, b, out=out) is out
            np.testing.assert_array_equal(out, got)
            assert np.isnan(buf[:phase]).all() and np.isnan(buf[phase + size:]).all()
        for width in (n + 1, n + 2):
            wide = np.full((count, n, width), np.nan, dtype)
            cla.matmul(a, b, out=wide[:, :, :n])
            np.testing.assert_array_equal(wide[:, :, :n], got)
            assert np.isnan(wide[:, :, n:]).all()
    finally:
        cla.set_num_threads(before)


def _check_stack_gapped(rng, dtype, count, m, k, n):
    """A stack of count products: numpy's values, with C's rows contiguous and with gaps (one
    column before each row, two after) that must stay untouched."""
    a, b = random_array(rng, (count, m, k), dtype), random_array(rng, (count, k, n), dtype)
    want = np.matmul(a, b)
    _close(cla.matmul(a, b), want)
    wide = np.full((count, m, n + 3), np.nan, dtype)
    cla.matmul(a, b, out=wide[:, :, 1:n + 1])
    _close(wide[:, :, 1:n + 1], want)
    assert np.isnan(wide[:, :, [0, n + 1, n + 2]]).all()


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_tiny_stacks_every_shape(arch, dtype, rng):
    """Every m, k, n up to 17 (the tiny loops' row blocks, last columns and size limits): numpy's
    values, with C's rows contiguous and with gaps that must stay untouched."""
    for m in range(1, 18):
        for k in range(1, 18):
            for n in range(1, 18):
                _check_stack_gapped(rng, dtype, 3, m, k, n)


@pytest.mark.parametrize("mkn", [(13, 13, 13), (17, 12, 12), (12, 17, 12), (12, 12, 17), (20, 33, 17),
                                 (32, 32, 32), (48, 7, 64), (1, 64, 64), (64, 64, 1), (63, 64, 65),
                                 (64, 64, 64)])
def test_medium_stacks(arch, dtype, mkn, rng):
    """Stacks past the tiny loops (the AVX-512 level runs its row kernel per matrix): numpy's
    values, with C's rows contiguous and with gaps that must stay untouched."""
    _check_stack_gapped(rng, dtype, 5, *mkn)


def _check_stack_layouts(rng, dtype, m, k, n):
    """A transposed B (a @ b.mT), C with contiguous columns (out=c.mT: computed as
    C^T = B^T A^T) and B and C strided both ways (copied to and from contiguous buffers):
    numpy's values, nothing written outside C."""
    a = random_array(rng, (2, m, k), dtype)
    b_t = random_array(rng, (2, n, k), dtype).transpose(0, 2, 1)
    want = np.matmul(a, b_t)
    _close(cla.matmul(a, b_t), want)
    c_t = np.full((2, n, m), np.nan, dtype).transpose(0, 2, 1)
    cla.matmul(a, b_t, out=c_t)
    _close(c_t, want)
    b_wide = np.full((2, 2 * k, 3 * n), np.nan, dtype)
    b_wide[:, ::2, ::3] = b_t
    c_wide = np.full((2, 2 * m, 2 * n), np.nan, dtype)
    cla.matmul(a, b_wide[:, ::2, ::3], out=c_wide[:, ::2, ::2])
    _close(c_wide[:, ::2, ::2], want)
    c_wide[:, ::2, ::2] = 0
    assert np.isnan(c_wide).sum() == c_wide.size * 3 // 4


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_tiny_stack_layouts_every_shape(arch, dtype, rng):
    sizes = (1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17)
    for m in sizes:
        for k in sizes:
            for n in sizes:
                _check_stack_layouts(rng, dtype, m, k, n)


@pytest.mark.parametrize("mkn", [(33, 40, 45), (64, 64, 64), (64, 65, 64), (20, 64, 63), (90, 90, 90),
                                 (200, 160, 2), (2, 160, 200)])
def test_small_stack_layouts(arch, dtype, mkn, rng):
    """Larger stacked products in those layouts, around the 32 KiB limit of the copied B and C
    (200 x 160 @ 160 x 2: B and C fit, A^T, the B of C^T = B^T A^T, does not)."""
    _check_stack_layouts(rng, dtype, *mkn)


@pytest.mark.parametrize("mkn", [(4, 4, 4), (5, 3, 6), (8, 8, 8), (2, 7, 1)])
def test_stack_kernel_conj_a(arch, dtype, mkn, rng):
    """The stack kernels' conj(a) @ b (the compiled hook; no public function needs it yet)."""
    m, k, n = mkn
    a, b = random_array(rng, (9, m, k), dtype), random_array(rng, (9, k, n), dtype)
    _close(_kernels._matmul_kernel(a, b, True), np.matmul(np.conj(a), b))
    b_t = np.ascontiguousarray(b.transpose(0, 2, 1)).transpose(0, 2, 1)  # gathered to contiguous rows
    _close(_kernels._matmul_kernel(a, b_t, True), np.matmul(np.conj(a), b))
