"""Vector and matrix products with numpy's dtype rules for products."""
import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._core import _kernels
from ._validation import KERNEL_DTYPES, _as_operand, _asarray, _broadcast_batch

__all__ = ["matmul", "matvec"]


def _matmul_general(a: ArrayLike, b: ArrayLike, out: NDArray | None = None):
    """matmul for everything the compiled fast path declines: array_likes, 1-d operands,
    mixed dtypes, odd strides, out=.  Called by _kernels.matmul."""
    a = _asarray(a, "cylinalg.matmul")
    b = _asarray(b, "cylinalg.matmul")
    dt = np.result_type(a, b)
    if dt not in KERNEL_DTYPES or a.ndim == 0 or b.ndim == 0:
        return np.matmul(a, b, out=out)
    if out is not None and not (
        isinstance(out, np.ndarray) and np.can_cast(dt, out.dtype, "same_kind")
    ):
        return np.matmul(a, b, out=out)  # numpy's own error for a bad out
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a2.shape[-1] != b2.shape[-2]:
        raise ValueError(
            f"cylinalg.matmul: shapes {a.shape} and {b.shape} not aligned: "
            f"{a2.shape[-1]} (dim {a.ndim - 1}) != {b2.shape[-2]} (dim {max(b.ndim - 2, 0)})"
        )
    a2 = _as_operand(a2, dt)
    b2 = _as_operand(b2, dt)
    res = _kernels._matmul_kernel(a2, b2)
    if a.ndim == 1:
        res = res[..., 0, :]
    if b.ndim == 1:
        res = res[..., 0]
    if res.ndim == 0:
        res = res[()]  # vector . vector: a numpy scalar, as numpy.matmul gives
    if out is not None:
        if np.shape(res) != out.shape:
            return np.matmul(a, b, out=out)  # numpy's error for a wrong out shape
        np.copyto(out, res, casting="same_kind")  # res is fresh: an overlapping out is safe
        return out
    return res

_kernels._matmul_general = _matmul_general
matmul = _kernels.matmul


def matvec(x1: ArrayLike, x2: ArrayLike, /) -> NDArray:
    """Matrix-vector product, like ``numpy.matvec`` (numpy >= 2.2).

    Parameters
    ----------
    x1 : array_like, shape (..., M, N)
    x2 : array_like, shape (..., N)
        Batch dimensions broadcast against those of ``x1``.

    Returns
    -------
    ndarray, shape (..., M)
    """
    x1 = _asarray(x1, "cylinalg.matvec")
    x2 = _asarray(x2, "cylinalg.matvec")
    if x1.ndim < 2 or x2.ndim < 1:
        raise ValueError(
            f"cylinalg.matvec: need a (..., M, N) matrix and a (..., N) vector, got shapes "
            f"{x1.shape} and {x2.shape}"
        )
    if x1.shape[-1] != x2.shape[-1]:
        raise ValueError(
            f"cylinalg.matvec: shapes {x1.shape} and {x2.shape} not aligned: "
            f"{x1.shape[-1]} (dim {x1.ndim - 1}) != {x2.shape[-1]} (dim {x2.ndim - 1})"
        )
    _broadcast_batch("cylinalg.matvec", x1.shape[:-2], x2.shape[:-1])
    return matmul(x1, x2[..., None])[..., 0]
