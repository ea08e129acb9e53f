"""Shared fixtures: seeded RNG, dtype parametrisation, layout variants, kernel-level forcing.

Run the whole suite on one kernel level with ``CYLINALG_ARCH=ref pytest`` (or avx2); the
``arch`` fixture also switches levels in-process for tests that compare every path.
"""
import numpy as np
import pytest

import cylinalg as cla
from cylinalg._core import _kernels

FLOAT_DTYPES = [np.float32, np.float64]
COMPLEX_DTYPES = [np.complex64, np.complex128]
ALL_DTYPES = FLOAT_DTYPES + COMPLEX_DTYPES


def _supported_arches():
    best = _kernels.runtime_info()["best_arch"]
    order = ["ref", "avx2", "avx512"]
    return order[: order.index(best) + 1]


SUPPORTED_ARCHES = _supported_arches()


def tol(dtype, factor=1.0):
    """A relative tolerance of a few hundred ulps for the dtype's precision."""
    eps = np.finfo(np.dtype(dtype)).eps
    return factor * 200 * eps


def random_array(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        x = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    elif dtype.kind in "iu":
        x = rng.integers(-5, 6, size=shape)
    elif dtype.kind == "b":
        x = rng.integers(0, 2, size=shape)
    else:
        x = rng.standard_normal(shape)
    return np.asarray(x).astype(dtype)


def layouts(a):
    """The same values in several memory layouts: C, Fortran, strided, negative-stride, read-only."""
    out = {"C": np.ascontiguousarray(a), "F": np.asfortranarray(a)}
    big = np.zeros(tuple(2 * s for s in a.shape), dtype=a.dtype)
    sl = tuple(slice(None, None, 2) for _ in a.shape)
    big[sl] = a
    out["strided"] = big[sl]
    rev = np.ascontiguousarray(a[(slice(None, None, -1),) * a.ndim])
    out["negative"] = rev[(slice(None, None, -1),) * a.ndim]
    ro = a.copy()
    ro.flags.writeable = False
    out["readonly"] = ro
    return out


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(params=ALL_DTYPES, ids=lambda d: np.dtype(d).name)
def dtype(request):
    return np.dtype(request.param)


@pytest.fixture(params=SUPPORTED_ARCHES)
def arch(request):
    """Run a test on each kernel level this CPU supports, restoring the level afterwards."""
    previous = _kernels.get_arch()
    _kernels.set_arch(request.param)
    yield request.param
    _kernels.set_arch(previous)
