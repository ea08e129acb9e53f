"""Hypothesis property tests for norms, distances, angles and products."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import cylinalg as cla

SETTINGS = settings(max_examples=60, deadline=None)
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
moderate = finite.map(lambda v: 0.0 if abs(v) < 1e-50 else v)  # stacked norms: no per-row underflow in numpy
wide = st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False)


def ref_norm(x, *args, **kwargs):
    """numpy's norm computed at a power-of-two scale where its squares neither overflow nor
    underflow (norms are homogeneous, and the scaling is exact)."""
    m = np.max(np.abs(x)) if x.size else 0.0
    if m == 0 or not np.isfinite(m):
        return np.linalg.norm(x, *args, **kwargs)
    e = int(np.frexp(m)[1])
    return np.ldexp(np.linalg.norm(np.ldexp(x, -e), *args, **kwargs), e)


def vectors(n=st.integers(1, 40), elements=finite, dtype=np.float64):
    return n.flatmap(lambda k: hnp.arrays(dtype, k, elements=elements))


pairs = st.integers(1, 40).flatmap(lambda k: st.tuples(hnp.arrays(np.float64, k, elements=finite),
                                                       hnp.arrays(np.float64, k, elements=finite)))
complex_pairs = st.integers(1, 20).flatmap(
    lambda k: st.tuples(*[hnp.arrays(np.float64, k, elements=finite) for _ in range(4)])
).map(lambda t: (t[0] + 1j * t[1], t[2] + 1j * t[3]))


@SETTINGS
@given(pairs)
def test_triangle_inequality(xy):
    x, y = xy
    for ord in (1, 2, np.inf, 3):
        assert cla.norm(x + y, ord) <= (cla.norm(x, ord) + cla.norm(y, ord)) * (1 + 1e-12) + 1e-300


@SETTINGS
@given(vectors(), st.floats(-1e3, 1e3, allow_nan=False))
def test_homogeneity(x, alpha):
    for ord in (1, 2, np.inf, 0.5, 3):
        np.testing.assert_allclose(cla.norm(alpha * x, ord), abs(alpha) * cla.norm(x, ord), rtol=1e-12, atol=1e-300)


@SETTINGS
@given(complex_pairs)
def test_cauchy_schwarz(xy):
    x, y = xy
    assert abs(cla.vdot(x, y)) <= cla.norm(x) * cla.norm(y) * (1 + 1e-12) + 1e-300


@SETTINGS
@given(pairs)
def test_angle_symmetric_and_in_range(xy):
    x, y = xy
    a, b = cla.angle(x, y), cla.angle(y, x)
    if np.isnan(a):
        assert not (np.any(x) and np.any(y))
        return
    assert a == b
    assert 0 <= a <= np.pi
    c = cla.cosine_similarity(x, y)
    assert -1 <= c <= 1
    np.testing.assert_allclose(np.cos(a), c, atol=1e-9)


@SETTINGS
@given(vectors(elements=wide))
def test_norm_scaling_invariance_no_overflow(x):
    """norm is exact under power-of-two scaling, far outside the range where squares fit."""
    n = cla.norm(x)
    assert np.isfinite(n)
    if 0 < n < np.finfo(float).tiny:
        return  # a subnormal result carries fewer digits than the scaled one to compare with
    for e in (-600, 600):
        with np.errstate(over="ignore"):
            y = np.ldexp(x, e)
            big = np.ldexp(n, e)
        if np.all(np.isfinite(y)) and np.isfinite(big) and not np.any((x != 0) & (np.abs(y) < np.finfo(float).tiny)):
            np.testing.assert_allclose(cla.norm(y), np.ldexp(n, e), rtol=1e-13)


@SETTINGS
@given(pairs)
def test_norm_matches_numpy_and_distance(xy):
    x, y = xy
    np.testing.assert_allclose(cla.norm(x), ref_norm(x), rtol=1e-13)
    np.testing.assert_allclose(cla.distance(x, y), ref_norm(x - y), rtol=1e-13)
    np.testing.assert_allclose(cla.dot(x, y), np.dot(x, y), rtol=1e-9, atol=1e-9 * cla.norm(x) * cla.norm(y))


@SETTINGS
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=4, max_side=6), elements=moderate))
def test_norm_axis_and_matrix_orders_match_numpy(a):
    for ord in (None, 1, np.inf, -1, -np.inf, "fro"):
        np.testing.assert_allclose(cla.norm(a, ord, axis=(0, -1)), ref_norm(a, ord, axis=(0, -1)), rtol=1e-12)
    np.testing.assert_allclose(cla.norm(a, 3, axis=1), ref_norm(a, 3, axis=1), rtol=1e-12)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 8).map(lambda n: (n, n)), elements=finite))
def test_predicates_consistent(a):
    s = a + a.T
    assert cla.is_symmetric(s) and cla.is_hermitian(s)
    k = a - a.T
    assert cla.is_skew_symmetric(k)
    assert cla.is_symmetric(cla.conj_transpose(a) @ a, rtol=1e-9)
    assert bool(cla.is_diagonal(a, rtol=0)) == bool(np.count_nonzero(a - np.diag(np.diag(a))) == 0)
