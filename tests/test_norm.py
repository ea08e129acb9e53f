"""cylinalg.norm against numpy.linalg.norm, plus what numpy gets wrong (overflow/underflow)."""
import warnings

import numpy as np
import pytest

import cylinalg as cla
from conftest import layouts, random_array, tol

VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 0, 3, 0.5, -1, -2.5]
MATRIX_ORDS = [None, "fro", 1, -1, np.inf, -np.inf]


def np_norm(*args, **kwargs):
    with warnings.catch_warnings():  # numpy warns for negative p with zeros
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return np.linalg.norm(*args, **kwargs)


def assert_norm(res, ref, dtype, factor=1.0):
    ref = np.asarray(ref)
    res_a = np.asarray(res)
    assert res_a.shape == ref.shape
    assert res_a.dtype == np.finfo(np.dtype(dtype)).dtype
    np.testing.assert_allclose(res_a, ref, rtol=tol(dtype, factor), atol=0)


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("n", [1, 7, 64, 1000])
def test_vector_orders(dtype, rng, arch, ord, n):
    x = random_array(rng, n, dtype)
    for lx in layouts(x).values():
        assert_norm(cla.norm(lx, ord), np_norm(x, ord), dtype, factor=1 + n / 100)


@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis", [0, 1, -1, (2,)])
def test_vector_axis(dtype, rng, ord, axis):
    x = random_array(rng, (3, 4, 5), dtype)
    for lx in layouts(x).values():
        assert_norm(cla.norm(lx, ord, axis=axis), np_norm(x, ord, axis=axis), dtype)
        assert_norm(cla.norm(lx, ord, axis=axis, keepdims=True), np_norm(x, ord, axis=axis, keepdims=True), dtype)


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis", [None, (0, 1), (1, 0), (-1, 0), (2, 0)])
def test_matrix_orders(dtype, rng, ord, axis):
    shape = (4, 6) if axis is None else (4, 6, 3)
    if axis is not None and max(abs(a) for a in axis) >= len(shape):
        pytest.skip("axis out of range")
    x = random_array(rng, shape, dtype)
    for lx in layouts(x).values():
        assert_norm(cla.norm(lx, ord, axis=axis), np_norm(x, ord, axis=axis), dtype)
        assert_norm(cla.norm(lx, ord, axis=axis, keepdims=True), np_norm(x, ord, axis=axis, keepdims=True), dtype)


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 5)])
def test_default_is_frobenius_of_everything(dtype, rng, shape):
    x = random_array(rng, shape, dtype)
    for lx in layouts(x).values() if shape else [x]:  # layouts() makes 0-d arrays 1-d
        assert_norm(cla.norm(lx), np_norm(x), dtype)
        assert_norm(cla.norm(lx, keepdims=True), np_norm(x, keepdims=True), dtype)


def test_results_are_numpy_scalars():
    assert type(cla.norm([3.0, 4.0])) is np.float64
    assert cla.norm([3.0, 4.0]) == 5.0
    assert type(cla.norm(np.ones(4, np.float32))) is np.float32
    assert type(cla.norm(np.ones(4, np.complex64), 1)) is np.float32
    assert type(cla.norm(np.eye(3), "fro")) is np.float64


def test_dtype_rules():
    assert cla.norm(np.array([3, 4], np.int8)).dtype == np.float64
    assert cla.norm(np.array([3, 4], np.uint64)) == 5.0
    assert cla.norm(np.array([True, True, True, True])) == 2.0
    assert cla.norm(np.array([3, 4], np.float16)).dtype == np.float32
    for bad in (np.array([1.0], np.longdouble), np.array(["a"]), np.array([None])):
        with pytest.raises(TypeError, match="^cylinalg.norm: "):
            cla.norm(bad)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 4)])
def test_empty(shape):
    x = np.zeros(shape)
    assert_norm(cla.norm(x), np_norm(x), np.float64)
    for ord in ([None, 1, 2, np.inf, 0, 3, -1] if len(shape) == 1 else MATRIX_ORDS) if len(shape) <= 2 else []:
        try:
            ref = np_norm(x, ord)
        except ValueError:
            with pytest.raises(ValueError, match="^cylinalg.norm: "):
                cla.norm(x, ord)
            continue
        assert_norm(cla.norm(x, ord), ref, np.float64)
    assert_norm(cla.norm(x, axis=-1), np_norm(x, axis=-1), np.float64)


@pytest.mark.parametrize("dt", [np.float64, np.complex128])
def test_no_overflow_or_underflow(arch, dt):
    big = np.array([1e200, 1e200], dt)
    assert cla.norm(big) == pytest.approx(np.sqrt(2) * 1e200, rel=1e-15)
    assert cla.norm(np.array([1e-200] * 4, dt)) == pytest.approx(2e-200, rel=1e-15)
    assert cla.norm(np.array([1e-320, 1e-320], dt)) == pytest.approx(np.sqrt(2) * 1e-320, rel=1e-3)
    assert cla.norm(np.full(1000, 1e300, dt)) == pytest.approx(np.sqrt(1000) * 1e300, rel=1e-14)
    assert cla.norm(np.array([1.7e308, 1.7e308], dt)) == np.inf  # the true value overflows
    assert cla.norm(np.array([1e308, 1e-308], dt)) == 1e308
    assert cla.norm(big, 3) == pytest.approx(2 ** (1 / 3) * 1e200, rel=1e-14)
    assert cla.norm(np.array([1e-200, 1e-200], dt), -2) == pytest.approx(1e-200 / np.sqrt(2), rel=1e-14)
    m = np.full((3, 3), 1e300, dt)
    assert cla.norm(m, "fro") == pytest.approx(3e300, rel=1e-14)
    assert cla.norm(m, axis=1) == pytest.approx(np.full(3, np.sqrt(3) * 1e300), rel=1e-14)


def test_float32_accumulates_in_double():
    x = np.full(10**6 + 1, 0.1, np.float32)
    ref = np.sqrt(np.sum(x.astype(np.float64) ** 2))
    assert abs(float(cla.norm(x)) - ref) / ref < 1e-7
    assert cla.norm(np.array([1e30, 1e30], np.float32)) == pytest.approx(np.sqrt(2) * 1e30, rel=1e-6)
    assert cla.norm(np.array([1e-30, 1e-30], np.float32)) == pytest.approx(np.sqrt(2) * 1e-30, rel=1e-6)


@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_nan_and_inf(ord):
    x = np.array([1.0, np.nan, 2.0])
    assert np.isnan(cla.norm(x, ord)) == np.isnan(np_norm(x, ord))
    y = np.array([1.0, np.inf, 2.0])
    np.testing.assert_equal(cla.norm(y, ord), np_norm(y, ord))
    z = np.array([1.0, 0.0, np.inf, np.nan])
    np.testing.assert_equal(cla.norm(z, ord), np_norm(z, ord))


def test_stacked_large_and_broadcast_strides(rng):
    x = random_array(rng, (50, 300), np.float64)
    assert_norm(cla.norm(x, axis=1), np_norm(x, axis=1), np.float64)
    assert_norm(cla.norm(x, axis=0), np_norm(x, axis=0), np.float64)
    b = np.broadcast_to(x[0], (4, 300))
    assert_norm(cla.norm(b, axis=-1), np_norm(b, axis=-1), np.float64)
    assert_norm(cla.norm(b), np_norm(b), np.float64)


def test_does_not_modify_input(rng):
    x = random_array(rng, (4, 5), np.complex128)
    before = x.copy()
    for ord in MATRIX_ORDS:
        cla.norm(x, ord)
    np.testing.assert_array_equal(x, before)


def test_errors():
    with pytest.raises(ValueError, match="^cylinalg.norm: .*'fro'.*vectors"):
        cla.norm(np.ones(3), "fro")
    with pytest.raises(ValueError, match="^cylinalg.norm: .*matrices"):
        cla.norm(np.ones((3, 3)), 3)
    with pytest.raises(ValueError, match="^cylinalg.norm: .*matrices"):
        cla.norm(np.ones((3, 3)), "bogus")
    with pytest.raises(ValueError, match="^cylinalg.norm: .*\\(2, 2, 2\\)"):
        cla.norm(np.ones((2, 2, 2)), 2)
    with pytest.raises(ValueError, match="^cylinalg.norm: .*dimensions"):
        cla.norm(np.ones((2, 2, 2)), axis=(0, 1, 2))
    with pytest.raises(ValueError, match="^cylinalg.norm: duplicate"):
        cla.norm(np.ones((2, 2)), axis=(1, -1))
    with pytest.raises(np.exceptions.AxisError, match="^cylinalg.norm: "):
        cla.norm(np.ones(3), axis=1)
    with pytest.raises(TypeError, match="^cylinalg.norm: "):
        cla.norm(np.ones(3), axis=1.5)
    with pytest.raises(ValueError, match="^cylinalg.norm: "):
        cla.norm(np.ones(3), np.nan)
    for ord in (2, -2, "nuc"):
        with pytest.raises(NotImplementedError, match="^cylinalg.norm: .*singular values"):
            cla.norm(np.eye(3), ord)
    with pytest.raises(ValueError, match="^cylinalg.norm: .*minimum"):
        cla.norm(np.zeros(0), -np.inf)
    with pytest.raises(ValueError, match="^cylinalg.norm: "):  # ragged, as numpy: ValueError
        cla.norm([[1, 2], [3]])


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64, np.complex128])
def test_long_vectors_same_for_any_thread_count(arch, dt, rng):
    """Vectors longer than one 16384-entry chunk are reduced chunk by chunk, over threads from
    2^20 entries on."""
    x = random_array(rng, 16384 * 70 + 7, dt)
    y = random_array(rng, 16384 * 70 + 7, dt)
    default = cla.get_num_threads()
    results = []
    try:
        for t in (1, 2, 3):
            cla.set_num_threads(t)
            results.append([cla.norm(x), cla.norm(x, 1), cla.norm(x[::-2]), cla.dot(x, y), cla.vdot(x, y),
                            cla.norm(np.stack([x, y]), axis=1).tolist()])
    finally:
        cla.set_num_threads(0)
    assert cla.get_num_threads() == default
    assert results[0] == results[1] == results[2]
    n1, n1b, n2, d, vd, rows = results[0]
    assert_norm(n1, np.linalg.norm(x), dt, factor=10)
    assert_norm(n1b, np.linalg.norm(x, 1), dt, factor=10)
    assert_norm(n2, np.linalg.norm(x[::-2]), dt, factor=10)
    np.testing.assert_allclose(d, np.dot(x, y), rtol=0, atol=tol(dt, 10) * np.linalg.norm(x) * np.linalg.norm(y))
    np.testing.assert_allclose(vd, np.vdot(x, y), rtol=0, atol=tol(dt, 10) * np.linalg.norm(x) * np.linalg.norm(y))
    np.testing.assert_allclose(rows, np.linalg.norm(np.stack([x, y]), axis=1), rtol=tol(dt, 10))


@pytest.mark.parametrize("dt", [np.float64, np.complex128])
def test_every_magnitude(arch, dt):
    """norm([v, v, v, v]) == 2 v for v across the whole range (both the one-pass and the scaled
    path, and the band in between)."""
    for e in range(-1070, 1020, 13):
        v = np.ldexp(1.0, e) * 1.25
        x = np.full(4, v, dt)
        want = 2 * v
        got = cla.norm(x)
        assert got == pytest.approx(want, rel=1e-15 if e > -1020 else 1e-3), e
        assert cla.norm(x.reshape(2, 2), "fro") == got
        assert cla.norm(np.full(20000, v, dt)) == pytest.approx(np.sqrt(20000) * v, rel=1e-13 if e > -1000 else 1e-2), e
