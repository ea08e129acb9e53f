"""Vector and matrix products with numpy's dtype rules for products."""
import numpy as np

from ._core import _kernels
from ._validation import KERNEL_DTYPES, _empty

__all__ = ["matmul"]


def matmul(a, b, /, out=None):
    """Matrix product of two arrays, like ``numpy.matmul``.

    Parameters
    ----------
    a : array_like, shape (..., M, K) or (K,)
    b : array_like, shape (..., K, N) or (K,)
    out : ndarray, optional
        Where to write the result; must have the result's shape.

    Returns
    -------
    ndarray, shape (..., M, N) (1-d operands drop their axis, as in numpy)

    Float and complex products use cylinalg's kernels; other dtypes (ints, bools, object)
    follow numpy exactly by calling it.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    dt = np.result_type(a, b)
    if dt not in KERNEL_DTYPES or a.ndim == 0 or b.ndim == 0 or (out is not None and out.dtype != dt):
        return np.matmul(a, b, out=out)
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ValueError(
            f"cylinalg.matmul: shapes {a.shape} and {b.shape} not aligned: "
            f"{a2.shape[-1]} (dim {a.ndim - 1}) != {b2.shape[-2]} (dim {max(b.ndim - 2, 0)})"
        )
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    shape = batch + (a2.shape[-2], b2.shape[-1])
    a2 = a2.astype(dt, copy=False)
    b2 = b2.astype(dt, copy=False)
    res = _empty("cylinalg.matmul", shape, dt)
    _kernels.matmul_into(a2, b2, res)
    if a.ndim == 1:
        res = res[..., 0, :]
    if b.ndim == 1:
        res = res[..., 0]
    if out is not None:
        out[...] = res
        return out
    return res
