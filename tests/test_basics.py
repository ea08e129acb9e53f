"""dot, vdot, inner, outer, distance, cosine_similarity, angle, conj_transpose against numpy."""
import numpy as np
import pytest

import cylinalg as cla
from conftest import ALL_DTYPES, layouts, random_array, tol


def assert_close(x, y, dtype, factor=1.0):
    x, y = np.asarray(x), np.asarray(y)
    assert x.shape == y.shape
    scale = max(float(np.max(np.abs(y))) if y.size else 0.0, 1.0)
    np.testing.assert_allclose(x, y, rtol=tol(dtype, factor), atol=tol(dtype, factor) * scale)


# --------------------------------------------------------------------------- dot / vdot / inner
@pytest.mark.parametrize("n", [0, 1, 3, 17, 100, 1001])
def test_dot_1d(dtype, rng, arch, n):
    x, y = random_array(rng, n, dtype), random_array(rng, n, dtype)
    for lx in layouts(x).values():
        for ly in layouts(y).values():
            res = cla.dot(lx, ly)
            assert res.dtype == np.dot(x, y).dtype and np.ndim(res) == 0
            assert_close(res, np.dot(x, y), dtype, factor=1 + n / 50)
            assert_close(cla.vdot(lx, ly), np.vdot(x, y), dtype, factor=1 + n / 50)
            assert_close(cla.inner(lx, ly), np.inner(x, y), dtype, factor=1 + n / 50)


@pytest.mark.parametrize("sa, sb", [
    ((4, 5), (5, 3)), ((4, 5), (5,)), ((5,), (5, 3)), ((2, 4, 5), (5, 3)), ((2, 4, 5), (3, 5, 2)),
    ((5,), (2, 5, 3)), ((2, 3, 5), (5,)), ((0, 5), (5, 3)), ((4, 0), (0, 3)), ((2, 0, 5), (3, 5, 2)),
])
def test_dot_nd(dtype, rng, sa, sb):
    a, b = random_array(rng, sa, dtype), random_array(rng, sb, dtype)
    for la in layouts(a).values():
        res = cla.dot(la, b)
        assert res.dtype == dtype
        assert_close(res, np.dot(a, b), dtype)


@pytest.mark.parametrize("sa, sb", [((4, 5), (3, 5)), ((5,), (2, 3, 5)), ((2, 4, 5), (5,)), ((2, 0, 5), (3, 5)), ((3, 0), (2, 0))])
def test_inner_nd(dtype, rng, sa, sb):
    a, b = random_array(rng, sa, dtype), random_array(rng, sb, dtype)
    for lb in layouts(b).values():
        assert_close(cla.inner(a, lb), np.inner(a, b), dtype)


def test_vdot_flattens_and_conjugates(rng):
    a = random_array(rng, (3, 4), np.complex128)
    b = random_array(rng, (2, 6), np.complex128)
    assert_close(cla.vdot(a, b), np.vdot(a, b), np.complex128)
    assert_close(cla.vdot(a.T, b), np.vdot(a.T, b), np.complex128)
    assert cla.vdot([1j], [1j]) == 1


@pytest.mark.parametrize("fn", ["dot", "vdot", "inner", "outer"])
def test_products_integer_and_object_follow_numpy(fn, rng):
    a = rng.integers(-5, 5, 6)
    b = rng.integers(-5, 5, 6)
    res, ref = getattr(cla, fn)(a, b), getattr(np, fn)(a, b)
    assert np.asarray(res).dtype == np.asarray(ref).dtype and np.array_equal(res, ref)
    ab = np.array([True, False]), np.array([True, True])
    assert np.array_equal(getattr(cla, fn)(*ab), getattr(np, fn)(*ab))
    o = np.array([1, 2], dtype=object)
    assert np.array_equal(getattr(cla, fn)(o, o), getattr(np, fn)(o, o))


def test_products_mixed_dtypes_and_scalars():
    x32 = np.arange(4, dtype=np.float32)
    assert cla.dot(x32, np.arange(4.0)).dtype == np.float64
    assert cla.dot(x32, 2.0).dtype == np.dot(x32, 2.0).dtype
    assert np.array_equal(cla.dot(3, x32), np.dot(3, x32))
    assert np.array_equal(cla.inner(2.0, x32), np.inner(2.0, x32))
    assert cla.dot(x32, np.ones(4, np.complex128)).dtype == np.complex128


def test_dot_out():
    a, b = np.ones((2, 3)), np.ones((3, 4))
    out = np.empty((2, 4))
    assert cla.dot(a, b, out=out) is out and np.all(out == 3)
    with pytest.raises(ValueError, match="^cylinalg.dot"):
        cla.dot(a, b, out=np.empty((4, 2)))


@pytest.mark.parametrize("fn, sa, sb", [("dot", (3,), (4,)), ("dot", (2, 3), (4, 2)), ("dot", (2, 3), (4,)),
                                        ("inner", (3,), (4,)), ("inner", (2, 3), (2, 4)), ("vdot", (3,), (4,))])
def test_product_shape_errors(fn, sa, sb):
    with pytest.raises(ValueError, match=f"^cylinalg.{fn}: .*{sa[-1]}"):
        getattr(cla, fn)(np.ones(sa), np.ones(sb))


# --------------------------------------------------------------------------- outer
@pytest.mark.parametrize("m, n", [(0, 3), (3, 0), (1, 1), (5, 7), (33, 65)])
def test_outer(dtype, rng, m, n):
    x, y = random_array(rng, m, dtype), random_array(rng, n, dtype)
    for lx in layouts(x).values():
        for ly in layouts(y).values():
            res = cla.outer(lx, ly)
            assert res.dtype == dtype
            assert_close(res, np.outer(x, y), dtype)
    out = np.empty((m, n), dtype)
    assert cla.outer(x, y, out=out) is out
    assert_close(out, np.outer(x, y), dtype)
    assert_close(cla.outer(x.reshape(-1, 1), y), np.outer(x, y), dtype)


# --------------------------------------------------------------------------- distance / cosine / angle
def test_distance(dtype, rng):
    x, y = random_array(rng, (4, 9), dtype), random_array(rng, (4, 9), dtype)
    for ord in (2, 1, np.inf, 3):
        res = cla.distance(x, y, ord)
        assert res.dtype == np.finfo(dtype).dtype
        assert_close(res, np.linalg.norm(x - y, ord, axis=-1), dtype)
        assert_close(cla.distance(x[0], y[0], ord), np.linalg.norm(x[0] - y[0], ord), dtype)
    assert_close(cla.distance(x, y[0]), np.linalg.norm(x - y[0], axis=-1), dtype)


def test_distance_no_overflow():
    assert cla.distance([1e308, 0.0], [-5e307, 0.0]) == pytest.approx(1.5e308)
    assert cla.distance([1e-320], [0.0]) == pytest.approx(1e-320, rel=1e-3)
    assert np.isinf(cla.distance([1e308], [-1e308]))


def test_cosine_similarity(dtype, rng):
    x, y = random_array(rng, (3, 7), dtype), random_array(rng, (3, 7), dtype)
    ref = np.real(np.sum(np.conj(x) * y, axis=-1)) / (np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1))
    res = cla.cosine_similarity(x, y)
    assert res.dtype == np.finfo(dtype).dtype
    assert_close(res, ref, dtype)
    assert_close(cla.cosine_similarity(x[1], y[1]), ref[1], dtype)
    for lx in layouts(x).values():
        assert_close(cla.cosine_similarity(lx, y), ref, dtype)


def test_cosine_extremes():
    assert cla.cosine_similarity([1e200, 1e200], [1e200, 0]) == pytest.approx(np.sqrt(0.5))
    assert cla.cosine_similarity([1e-300, 1e-300], [1e-300, 0]) == pytest.approx(np.sqrt(0.5))
    assert cla.cosine_similarity([1.0, 2.0], [2.0, 4.0]) == pytest.approx(1.0, rel=1e-15)
    assert cla.cosine_similarity([1.0, 2.0], [-2.0, -4.0]) == pytest.approx(-1.0, rel=1e-15)
    assert -1 <= cla.cosine_similarity([1.0, 1.0, 1.0], [3.0, 3.0, 3.0]) <= 1
    assert np.isnan(cla.cosine_similarity([0.0, 0.0], [1.0, 2.0]))
    for scale in (1e-30, 1e30, 1e-44):  # float32: the dot would underflow/overflow in float32
        x = np.array([scale, scale], np.float32)
        y = np.array([scale, 0], np.float32)
        c = cla.cosine_similarity(x, y)
        assert c.dtype == np.float32 and c == pytest.approx(np.sqrt(0.5), rel=1e-6)
        assert cla.angle(x, y) == pytest.approx(np.pi / 4, rel=1e-6)


def test_angle(dtype, rng):
    x, y = random_array(rng, (5, 4), dtype), random_array(rng, (5, 4), dtype)
    cos = np.real(np.sum(np.conj(x) * y, axis=-1)) / (np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1))
    res = cla.angle(x, y)
    assert res.dtype == np.finfo(dtype).dtype
    assert_close(res, np.arccos(np.clip(cos, -1, 1)), dtype, factor=100 if np.finfo(dtype).bits < 64 else 1e3)


@pytest.mark.parametrize("theta", [1e-9, 1e-12, 1e-3, 1.0, np.pi / 2, np.pi - 1e-9])
def test_angle_accurate(theta):
    x = np.array([1.0, 0.0, 0.0])
    y = np.array([np.cos(theta), np.sin(theta), 0.0]) * 3.0
    # the inputs carry the rounding of cos/sin: compare with the angle of the stored values
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    c = mp.mpf(y[0]) / mp.sqrt(mp.mpf(y[0]) ** 2 + mp.mpf(y[1]) ** 2)
    exact = float(mp.atan2(mp.mpf(y[1]), mp.mpf(y[0]))) if c else float(mp.pi / 2)
    assert cla.angle(x, y) == pytest.approx(exact, rel=1e-6)
    assert cla.angle(y, x) == cla.angle(x, y)


def test_angle_zero_vector_is_nan():
    assert np.isnan(cla.angle([0.0, 0.0], [1.0, 0.0]))
    assert cla.angle([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert cla.angle([1.0, 0.0], [-1.0, 0.0]) == pytest.approx(np.pi)


@pytest.mark.parametrize("fn", ["distance", "cosine_similarity", "angle"])
def test_vector_pair_errors(fn):
    f = getattr(cla, fn)
    with pytest.raises(ValueError, match=f"^cylinalg.{fn}: .*\\(3,\\)"):
        f(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=f"^cylinalg.{fn}"):
        f(np.ones((2, 3)), np.ones((4, 3)))
    with pytest.raises(ValueError, match=f"^cylinalg.{fn}"):
        f(1.0, 2.0)
    with pytest.raises(TypeError, match=f"^cylinalg.{fn}"):
        f(np.array(["a"]), np.ones(1))


# --------------------------------------------------------------------------- conj_transpose
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (0, 3), (2, 0, 0)])
def test_conj_transpose(dtype, rng, shape):
    a = random_array(rng, shape, dtype)
    for la in layouts(a).values():
        res = cla.conj_transpose(la)
        np.testing.assert_array_equal(res, np.conj(np.swapaxes(a, -1, -2)))
        assert not np.shares_memory(res, la)


def test_conj_transpose_errors():
    with pytest.raises(cla.LinAlgError, match="^cylinalg.conj_transpose: .*\\(3,\\)"):
        cla.conj_transpose(np.ones(3))
    assert cla.conj_transpose([[1, 2]]).dtype == np.array([1]).dtype
