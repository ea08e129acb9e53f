"""Property-based tests (hypothesis): algebraic identities on generated shapes, dtypes, memory
layouts and scalings.  Each identity runs for the functions that exist in this build.

Operands come from a numpy Generator seeded by hypothesis (fast, and shrinking still works
on shape, dtype, layout and scale).  Tolerances are forward-error bounds scaled by size and
the dtype's epsilon; the matrices are made well conditioned so the bounds are meaningful."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cylinalg as cla
from api_specs import KERNEL_DTYPES

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dtypes = st.sampled_from(KERNEL_DTYPES)
layouts = st.sampled_from(["C", "F", "strided", "negative", "transposed"])
seeds = st.integers(0, 2**32 - 1)


def _need(*names):
    missing = [n for n in names if not hasattr(cla, n)]
    if missing:
        pytest.skip(f"not in this build yet: {', '.join('cylinalg.' + n for n in missing)}")


def _eps(dtype):
    return float(np.finfo(np.dtype(dtype)).eps)


def _random(rng, shape, dtype):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _with_layout(a, layout):
    """The same values as `a` in another memory layout (a view where possible)."""
    if a.ndim == 0:
        return a
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "strided":
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), dtype=a.dtype)
        big[..., ::2] = a
        return big[..., ::2]
    if layout == "negative":
        return np.ascontiguousarray(a[..., ::-1])[..., ::-1]
    if layout == "transposed" and a.ndim >= 2:
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    return np.ascontiguousarray(a)


def _well_conditioned(rng, shape, dtype):
    n = shape[-1]
    return (_random(rng, shape, dtype) + 2 * n * np.eye(n)).astype(dtype)


def _scale(dtype, e):
    """A power-of-ten scaling safe from overflow/underflow for the checks below."""
    return 10.0 ** (e if np.dtype(dtype) in (np.float64, np.complex128) else e // 6)


@SETTINGS
@given(dtype=dtypes, la=layouts, lb=layouts, seed=seeds, m=st.integers(0, 9), k=st.integers(0, 9),
       n=st.integers(0, 9), batch=st.sampled_from([(), (2,), (1, 3), (0,)]), e=st.integers(-30, 30))
def test_matmul_matches_numpy_within_error_bound(dtype, la, lb, seed, m, k, n, batch, e):
    rng = np.random.default_rng(seed)
    s = _scale(dtype, e)
    a = _with_layout(_random(rng, batch + (m, k), dtype) * np.asarray(s).astype(dtype), la)
    b = _with_layout(_random(rng, (k, n), dtype), lb)
    a_copy, b_copy = a.copy(), b.copy()
    c = cla.matmul(a, b)
    ref = np.matmul(a.astype(np.clongdouble if dtype.kind == "c" else np.longdouble), b)
    bound = 4 * (k + 1) * _eps(dtype) * (np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64))
    assert c.dtype == dtype and c.shape == ref.shape
    assert np.all(np.abs(c - ref) <= bound + np.finfo(dtype).tiny)
    np.testing.assert_array_equal(a, a_copy)
    np.testing.assert_array_equal(b, b_copy)


@SETTINGS
@given(dtype=dtypes, layout=layouts, seed=seeds, n=st.integers(1, 8), e=st.integers(-20, 20))
def test_inv_times_a_is_identity(dtype, layout, seed, n, e):
    _need("inv")
    rng = np.random.default_rng(seed)
    a = _with_layout(_well_conditioned(rng, (n, n), dtype) * np.asarray(_scale(dtype, e)).astype(dtype), layout)
    x = cla.inv(a)
    resid = np.abs(x.astype(np.complex128) @ a.astype(np.complex128) - np.eye(n)).max()
    assert resid <= 50 * n * _eps(dtype)


@SETTINGS
@given(dtype=dtypes, la=layouts, lb=layouts, seed=seeds, n=st.integers(1, 6), e=st.integers(-4, 4))
def test_det_is_multiplicative(dtype, la, lb, seed, n, e):
    _need("det")
    rng = np.random.default_rng(seed)
    s = np.asarray(_scale(dtype, e)).astype(dtype)
    a = _well_conditioned(rng, (n, n), dtype) * s
    b = _well_conditioned(rng, (n, n), dtype)
    wide = np.complex128 if np.dtype(dtype).kind == "c" else np.float64
    ab = np.matmul(a.astype(wide), b).astype(dtype)
    lhs = complex(cla.det(_with_layout(ab, la)))
    rhs = complex(cla.det(_with_layout(a, la))) * complex(cla.det(_with_layout(b, lb)))
    assert abs(lhs - rhs) <= 100 * n * _eps(dtype) * max(abs(lhs), abs(rhs))


@SETTINGS
@given(dtype=dtypes, layout=layouts, seed=seeds, m=st.integers(1, 8), n=st.integers(1, 8),
       e=st.integers(-20, 20))
def test_lu_reconstructs(dtype, layout, seed, m, n, e):
    """P L U = A."""
    _need("lu")
    rng = np.random.default_rng(seed)
    a = _with_layout(_random(rng, (m, n), dtype) * np.asarray(_scale(dtype, e)).astype(dtype), layout)
    p, lower, upper = cla.lu(a)
    recon = np.asarray(p).astype(np.complex128) @ np.asarray(lower) @ np.asarray(upper)
    scale = max(np.abs(a).max(), np.finfo(dtype).tiny)
    assert np.abs(recon - a).max() <= 20 * max(m, n) * _eps(dtype) * scale


@SETTINGS
@given(dtype=dtypes, layout=layouts, seed=seeds, n=st.integers(1, 8), k=st.integers(1, 3),
       e=st.integers(-20, 20))
def test_solve_residual(dtype, layout, seed, n, k, e):
    _need("solve")
    rng = np.random.default_rng(seed)
    a = _with_layout(_well_conditioned(rng, (n, n), dtype) * np.asarray(_scale(dtype, e)).astype(dtype), layout)
    b = _random(rng, (n, k), dtype)
    x = cla.solve(a, b)
    resid = np.abs(a.astype(np.complex128) @ x - b).max()
    assert resid <= 50 * n * _eps(dtype) * max(np.abs(b).max(), 1e-300)


@SETTINGS
@given(dtype=dtypes, seed=seeds, n=st.integers(0, 40), e=st.integers(-30, 30), layout=layouts)
def test_norm_triangle_inequality_and_homogeneity(dtype, seed, n, e, layout):
    _need("norm")
    rng = np.random.default_rng(seed)
    s = np.asarray(_scale(dtype, e)).astype(dtype)
    x = _with_layout(_random(rng, (n,), dtype) * s, layout)
    y = _with_layout(_random(rng, (n,), dtype) * s, layout)
    nx, ny, nxy = float(cla.norm(x)), float(cla.norm(y)), float(cla.norm(x + y))
    slack = 4 * n * _eps(dtype)
    assert nxy <= (nx + ny) * (1 + slack) + np.finfo(dtype).tiny
    assert abs(float(cla.norm(2 * x)) - 2 * nx) <= 2 * nx * slack + np.finfo(dtype).tiny
