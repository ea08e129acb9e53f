"""Vector and matrix basics: dot, vdot, inner, outer, norms, distances, angles, predicates.

Products (``dot``, ``vdot``, ``inner``, ``outer``) follow numpy's dtype rules for products:
float and complex operands run on cylinalg's kernels, every other dtype (ints, bools, object)
is handed to numpy so the result is numpy's exactly.  Norms, distances, angles and the
predicates follow the linear-algebra rules of ``_validation`` (ints and bools compute in
float64; results are real in the input's precision).
"""
import math
import operator
from typing import Any, Optional, Sequence, Union

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._core import _kernels
from ._products import matmul
from ._validation import (
    KERNEL_DTYPES,
    _as_operand,
    _assert_stacked_2d,
    _broadcast_batch,
    _check_axis,
    _empty,
    _fail_type,
    _linalg_dtype,
    _asarray,
    _makearray,
    _real_dtype,
)

__all__ = [
    "dot",
    "vdot",
    "inner",
    "outer",
    "norm",
    "distance",
    "cosine_similarity",
    "angle",
    "conj_transpose",
    "is_symmetric",
    "is_skew_symmetric",
    "is_hermitian",
    "is_unitary",
    "is_orthogonal",
    "is_diagonal",
    "is_identity",
]

_NORM = _kernels.NORM_KINDS
_CHECK = _kernels.CHECK_KINDS


# --------------------------------------------------------------------------- helpers
def _product_operands(fname, a, b):
    """(a, b, dtype) for a product: the kernel dtype both are cast to, or None when numpy
    must compute it (no kernel for the dtype, or a 0-d operand whose Python-scalar
    promotion numpy handles)."""
    a0, b0 = a, b
    a = _asarray(a, fname)
    b = _asarray(b, fname)
    for x in (a, b):  # no product of strings or records (numpy.vdot('<U', object) raised AttributeError)
        if x.dtype.kind in "USV":
            _fail_type(fname, x.dtype)
    if a.ndim == 0 or b.ndim == 0:
        return a0, b0, None
    dt = np.result_type(a, b)
    if not dt.isnative:
        dt = dt.newbyteorder("=")
    if dt not in KERNEL_DTYPES:
        return a, b, None
    return _as_operand(a, dt), _as_operand(b, dt), dt


def _not_aligned(fname, a, b, ax_a, ax_b):
    return ValueError(
        f"{fname}: shapes {a.shape} and {b.shape} not aligned: "
        f"{a.shape[ax_a]} (dim {ax_a % a.ndim}) != {b.shape[ax_b]} (dim {ax_b % b.ndim})"
    )


def _store(fname, res, out):
    """Write res into a caller-supplied out (numpy.dot's rules: exact shape and dtype)."""
    if out is None:
        return res
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{fname}: out must be a numpy array, got {type(out).__name__}")
    res = np.asarray(res)
    if out.shape != res.shape or out.dtype != res.dtype:
        raise ValueError(
            f"{fname}: out has shape {out.shape} and dtype {out.dtype}; "
            f"the result needs shape {res.shape} and dtype {res.dtype}"
        )
    out[...] = res
    return out


def _flat(a):
    """a as a vector: 1-d arrays as they are (any stride; ravel would copy), others raveled."""
    return a if a.ndim == 1 else a.ravel()


def _rows(a, k):
    """a as a 2-d (prod(leading dims), k) array (a view when the layout allows)."""
    return a.reshape(math.prod(a.shape[:-1]), k)


# --------------------------------------------------------------------------- products
def dot(a: ArrayLike, b: ArrayLike, out: Optional[NDArray[Any]] = None) -> Any:
    """Dot product of two arrays, like ``numpy.dot``.

    Parameters
    ----------
    a : array_like, shape (..., K) or scalar
    b : array_like, shape (K,) or (..., K, N) or scalar
    out : ndarray, optional
        Where to write the result; must have exactly the result's shape and dtype.

    Returns
    -------
    scalar or ndarray
        1-d with 1-d: the inner product (a numpy scalar).  2-d with 2-d: the matrix product.
        N-d: ``dot(a, b)[i, ..., j, ..., n] = sum(a[i, ..., :] * b[j, ..., :, n])``, shape
        ``a.shape[:-1] + b.shape[:-2] + b.shape[-1:]``.  A scalar operand multiplies.

    Raises
    ------
    ValueError
        If the summed dimensions differ.
    """
    return _dot(a, b, out)


def _dot(a, b, out):
    fname = "cylinalg.dot"
    if out is None:
        res = _kernels.try_dot1d(a, b)
        if res is not None:
            return res
    a, b, dt = _product_operands(fname, a, b)
    if dt is None:
        return np.dot(a, b) if out is None else np.dot(a, b, out=out)
    if b.ndim == 1:
        if a.shape[-1] != b.shape[0]:
            raise _not_aligned(fname, a, b, -1, 0)
        res = _kernels.dot1d(a, b) if a.ndim == 1 else matmul(a, b)
    else:
        if a.shape[-1] != b.shape[-2]:
            raise _not_aligned(fname, a, b, -1, -2)
        if a.ndim <= 2 and b.ndim == 2 or a.ndim == 1:
            res = matmul(a, b)
        else:
            k, n = b.shape[-2], b.shape[-1]
            bk = np.moveaxis(b, -2, 0).reshape(k, math.prod(b.shape[:-2]) * n)
            res = matmul(_rows(a, k), bk).reshape(a.shape[:-1] + b.shape[:-2] + (n,))
    return _store(fname, res, out)


def vdot(a: ArrayLike, b: ArrayLike) -> Any:
    """Dot product of two arrays flattened to vectors, conjugating the first (``numpy.vdot``).

    Parameters
    ----------
    a, b : array_like, any shapes with the same number of elements

    Returns
    -------
    numpy scalar
        ``sum(conj(a.ravel()) * b.ravel())``.
    """
    return _vdot(a, b)


def _vdot(a, b):
    fname = "cylinalg.vdot"
    res = _kernels.try_dot1d(a, b, True)
    if res is not None:
        return res
    a, b, dt = _product_operands(fname, a, b)
    if np.size(a) != np.size(b):
        raise ValueError(f"{fname}: vectors have different lengths ({np.size(a)} and {np.size(b)}; "
                         f"shapes {np.shape(a)} and {np.shape(b)})")
    if dt is None:
        return np.vdot(a, b)
    return _kernels.dot1d(_flat(a), _flat(b), True)


def inner(a: ArrayLike, b: ArrayLike) -> Any:
    """Inner product over the last axes, like ``numpy.inner`` (no conjugation).

    Parameters
    ----------
    a : array_like, shape (..., K) or scalar
    b : array_like, shape (..., K) or scalar

    Returns
    -------
    scalar or ndarray, shape ``a.shape[:-1] + b.shape[:-1]``
    """
    return _inner(a, b)


def _inner(a, b):
    fname = "cylinalg.inner"
    res = _kernels.try_dot1d(a, b)
    if res is not None:
        return res
    a, b, dt = _product_operands(fname, a, b)
    if dt is None:
        return np.inner(a, b)
    k = a.shape[-1]
    if b.shape[-1] != k:
        raise _not_aligned(fname, a, b, -1, -1)
    if a.ndim == 1 and b.ndim == 1:
        return _kernels.dot1d(a, b)
    return matmul(_rows(a, k), _rows(b, k).T).reshape(a.shape[:-1] + b.shape[:-1])


def outer(a: ArrayLike, b: ArrayLike, out: Optional[NDArray[Any]] = None) -> NDArray[Any]:
    """Outer product of two vectors, like ``numpy.outer`` (inputs are flattened).

    Parameters
    ----------
    a : array_like, M elements
    b : array_like, N elements
    out : ndarray, shape (M, N), optional

    Returns
    -------
    ndarray, shape (M, N)
        ``out[i, j] = a[i] * b[j]`` (no conjugation).
    """
    return _outer(a, b, out)


def _outer(a, b, out):
    fname = "cylinalg.outer"
    a, b, dt = _product_operands(fname, a, b)
    if dt is None:
        return np.outer(a, b, out=out)
    x, y = _flat(a), _flat(b)
    res = _empty(fname, (x.size, y.size), dt)
    _kernels.outer_into(x, y, res)
    return _store(fname, res, out)


# --------------------------------------------------------------------------- norms
def _vector_kind(fname, ord):
    """(kernel kind, p) of a vector norm order."""
    if ord is None:
        return _NORM["2"], 0.0
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise ValueError(f"{fname}: invalid norm order {ord!r} for vectors")
    p = float(ord)
    if p == 2:
        return _NORM["2"], 0.0
    if p == 1:
        return _NORM["1"], 0.0
    if p == math.inf:
        return _NORM["inf"], 0.0
    if p == -math.inf:
        return _NORM["-inf"], 0.0
    if p == 0:
        return _NORM["0"], 0.0
    if math.isnan(p):
        raise ValueError(f"{fname}: invalid norm order {ord!r} for vectors")
    return _NORM["p"], p


def _vector_norm(fname, x, kind, p, axis, rdt):
    """Vector norm of x (a kernel-dtype operand) along one axis; ndarray of the other axes."""
    if x.shape[axis] == 0 and kind == _NORM["-inf"]:
        raise ValueError(f"{fname}: zero-size array to reduction operation minimum which has no identity (shape {x.shape})")
    y = np.moveaxis(x, axis, -1)
    out = _empty(fname, y.shape[:-1], rdt)
    _kernels.vnorm_into(y, 1, kind, p, out, fname)
    return out


def _reduce_extreme(fname, v, axis, largest, shape):
    if v.shape[axis] == 0:
        if largest:  # numpy.linalg.norm gives 0 for the max over nothing
            return np.zeros(v.shape[:axis] + v.shape[axis + 1:], v.dtype)
        raise ValueError(f"{fname}: zero-size array to reduction operation minimum which has no identity (shape {shape})")
    return v.max(axis=axis) if largest else v.min(axis=axis)


def _matrix_norm(fname, x, ord, row, col, rdt):
    if ord is None or ord == "fro":
        y = np.moveaxis(x, (row, col), (-2, -1))
        out = _empty(fname, y.shape[:-2], rdt)
        _kernels.vnorm_into(y, 2, _NORM["2"], 0.0, out, fname)
        return out
    if isinstance(ord, str):
        if ord == "nuc":
            raise NotImplementedError(
                f"{fname}: the nuclear norm needs singular values, which cylinalg does not compute yet"
            )
        raise ValueError(f"{fname}: invalid norm order {ord!r} for matrices")
    if ord in (2, -2):
        raise NotImplementedError(
            f"{fname}: the matrix {ord}-norm needs singular values, which cylinalg does not compute yet"
        )
    if ord in (1, -1):  # largest / smallest column sum
        sums = _vector_norm(fname, x, _NORM["1"], 0.0, row, rdt)
        return _reduce_extreme(fname, sums, col - (col > row), ord == 1, x.shape)
    if ord in (math.inf, -math.inf):  # largest / smallest row sum
        sums = _vector_norm(fname, x, _NORM["1"], 0.0, col, rdt)
        return _reduce_extreme(fname, sums, row - (row > col), ord == math.inf, x.shape)
    raise ValueError(f"{fname}: invalid norm order {ord!r} for matrices")


def _norm_axes(fname, axis, ndim):
    if isinstance(axis, (tuple, list)):
        axes = tuple(axis)
    else:
        axes = (axis,)
    try:
        axes = tuple(operator.index(ax) for ax in axes)
    except TypeError:
        raise TypeError(f"{fname}: axis must be None, an integer or a tuple of integers, got {axis!r}") from None
    if len(axes) not in (1, 2):
        raise ValueError(f"{fname}: improper number of dimensions to norm: axis={axis!r}")
    axes = tuple(_check_axis(fname, ax, ndim) for ax in axes)
    if len(axes) == 2 and axes[0] == axes[1]:
        raise ValueError(f"{fname}: duplicate axes given: axis={axis!r}")
    return axes


def norm(
    x: ArrayLike,
    ord: Union[None, int, float, str] = None,
    axis: Union[None, int, Sequence[int]] = None,
    keepdims: bool = False,
) -> Any:
    """Matrix or vector norm, like ``numpy.linalg.norm``, without overflow or underflow.

    Parameters
    ----------
    x : array_like
        With ``axis=None``: any shape when ``ord`` is None (2-norm of all entries), else 1-d
        (vector norm) or 2-d (matrix norm).
    ord : {None, int, float, inf, -inf, 'fro', 'nuc'}, optional
        Vectors: None or 2 (Euclidean), 1, inf (max |x|), -inf (min |x|), 0 (number of
        non-zeros), any other p: ``(sum |x|**p)**(1/p)``.  Matrices: None or 'fro', 1 / -1
        (max / min column sum), inf / -inf (max / min row sum); 2, -2 and 'nuc' need singular
        values and raise NotImplementedError for now.
    axis : None, int or 2-tuple of ints, optional
        Axis of the vectors, or pair of axes of the matrices (stacked inputs).
    keepdims : bool, optional
        Keep the normed axes as size-1 dimensions.

    Returns
    -------
    numpy scalar or ndarray
        Real, in the input's precision (float32 for float32/complex64 input, float64 for
        float64/complex128/int/bool input), shape of x without the normed axes.

    Notes
    -----
    The 2-norm is a scaled sum of squares (one fast pass; a second, scaled pass only when the
    entries are huge or tiny), so ``norm([1e200, 1e200])`` is 1.414e200 and
    ``norm([1e-200] * 4)`` is 2e-200 where numpy returns inf and 0.  float32 and complex64
    accumulate in double.  p-norms are scaled by max |x| (min |x| for p < 0).
    """
    return _norm(x, ord, axis, keepdims)


def _norm(x, ord, axis, keepdims):
    fname = "cylinalg.norm"
    if ord is None and axis is None and not keepdims:
        res = _kernels.try_norm2(x)
        if res is not None:
            return res
    x = _makearray(x, fname)
    dt = _linalg_dtype(fname, x)
    x = _as_operand(x, dt)
    rdt = _real_dtype(dt)
    nd = x.ndim
    if axis is None:
        if ord is None:
            if nd <= 2:
                res = _kernels.vnorm(x, _NORM["2"])
            else:  # 2-norms of the trailing matrices, then the 2-norm of those
                parts = _empty(fname, x.shape[:-2], rdt)
                _kernels.vnorm_into(x, 2, _NORM["2"], 0.0, parts, fname)
                res = _kernels.vnorm(parts.reshape(-1), _NORM["2"])
            return np.full((1,) * nd, res, rdt) if keepdims else res
        if nd == 1:
            axes = (0,)
        elif nd == 2:
            axes = (0, 1)
        else:
            raise ValueError(f"{fname}: improper number of dimensions to norm: ord={ord!r} needs a 1-d or 2-d array "
                             f"(or axis=), got shape {x.shape}")
    else:
        axes = _norm_axes(fname, axis, nd)
    if len(axes) == 1:
        kind, p = _vector_kind(fname, ord)
        if nd == 1 and not (x.shape[0] == 0 and kind == _NORM["-inf"]):
            res = _kernels.vnorm(x, kind, p)
            return np.full((1,), res, rdt) if keepdims else res
        res = _vector_norm(fname, x, kind, p, axes[0], rdt)
    else:
        res = _matrix_norm(fname, x, ord, axes[0], axes[1], rdt)
    if keepdims:
        res = np.expand_dims(res, tuple(sorted(axes)))
    return res[()] if res.ndim == 0 else res


# --------------------------------------------------------------------------- distances and angles
def _vector_pair(fname, x, y):
    """Validated (x, y, dtype) of two stacked vector arguments (..., N) that broadcast."""
    x = _makearray(x, fname)
    y = _makearray(y, fname)
    dt = _linalg_dtype(fname, x, y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"{fname}: inputs must be vectors (at least 1-d), got shapes {x.shape} and {y.shape}")
    if x.shape[-1] != y.shape[-1]:
        raise ValueError(f"{fname}: vectors have different lengths: shapes {x.shape} and {y.shape}")
    if x.ndim > 1 or y.ndim > 1:
        _broadcast_batch(fname, x.shape[:-1], y.shape[:-1])
    return _as_operand(x, dt), _as_operand(y, dt), dt


def _last_axis_norm(fname, v, rdt):
    if v.ndim == 1:
        return _kernels.vnorm(v, _NORM["2"])
    out = _empty(fname, v.shape[:-1], rdt)
    _kernels.vnorm_into(v, 1, _NORM["2"], 0.0, out, fname)
    return out


def distance(x: ArrayLike, y: ArrayLike, ord: Union[None, int, float] = 2) -> Any:
    """Distance ``norm(x - y, ord)`` between vectors, along the last axis.

    Parameters
    ----------
    x, y : array_like, shape (..., N)
        Stacked vectors; the leading dimensions broadcast.
    ord : vector norm order, optional
        As in :func:`norm` (2 by default).

    Returns
    -------
    numpy scalar or ndarray, shape (...)
        Real, in the inputs' precision.  Never overflows for finite inputs whose distance is
        representable (the difference is formed at half scale when it would overflow).
    """
    return _distance(x, y, ord)


def _distance(x, y, ord):
    fname = "cylinalg.distance"
    x, y, dt = _vector_pair(fname, x, y)
    rdt = _real_dtype(dt)
    kind, p = _vector_kind(fname, ord)
    with np.errstate(over="ignore", invalid="ignore"):
        d = np.subtract(x, y, dtype=dt)
    res = _vector_norm(fname, d, kind, p, d.ndim - 1, rdt)
    if kind != _NORM["0"] and np.isinf(res).any():  # x - y may have overflowed
        with np.errstate(over="ignore", invalid="ignore"):
            half = np.subtract(x * 0.5, y * 0.5, dtype=dt)
            res = np.where(np.isinf(res), 2 * _vector_norm(fname, half, kind, p, d.ndim - 1, rdt), res).astype(rdt)
    return res[()] if res.ndim == 0 else res


# |x| |y| within these bounds (per real dtype): x.y / (|x| |y|) is accurate as computed
_SAFE = {np.dtype(t): (float(np.finfo(t).tiny / np.finfo(t).eps), float(np.finfo(t).max)) for t in (np.float32, np.float64)}


def _unit(fname, v, n, rdt):
    """v / |v| along the last axis (|v| = n), accurate also for huge and subnormal vectors:
    first an exact power-of-two rescale to |v| ~ 1 (in two halves, as 2**1074 overflows),
    then the division."""
    e = np.frexp(n)[1]
    h1 = np.ldexp(np.ones((), rdt), -(e // 2)).astype(rdt)
    h2 = np.ldexp(np.ones((), rdt), -(e - e // 2)).astype(rdt)
    v = v * np.asarray(h1)[..., None] * np.asarray(h2)[..., None]
    return v / np.asarray(_last_axis_norm(fname, v, rdt))[..., None]


def _cosines(fname, x, y, dt):
    """Re(x^H y) / (|x| |y|) along the last axis, clipped to [-1, 1] (nan for a zero vector)."""
    rdt = _real_dtype(dt)
    nx = _last_axis_norm(fname, x, rdt)
    ny = _last_axis_norm(fname, y, rdt)
    if x.ndim == 1 and y.ndim == 1:
        d = _kernels.dot1d(x, y, True).real
        nn = float(nx) * float(ny)
        low, high = _SAFE[rdt]
        if low < nn < high and math.isfinite(d):  # the common case, in Python floats
            return rdt.type(min(max(float(d) / nn, -1.0), 1.0))
    else:
        xc = np.conjugate(x) if dt.kind == "c" else x
        d = matmul(xc[..., None, :], y[..., :, None])[..., 0, 0].real
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        nn = np.multiply(nx, ny, dtype=rdt)
        cos = np.divide(d, nn, dtype=rdt)
        tiny = np.finfo(rdt).tiny
        suspect = ~np.isfinite(cos) | ~np.isfinite(nn) | (nn < tiny / np.finfo(rdt).eps)
        suspect &= np.isfinite(nx) & np.isfinite(ny) & (nx > 0) & (ny > 0)
        if np.any(suspect):  # huge or tiny vectors: normalise first, then take the dot
            u = _unit(fname, x, nx, rdt)
            v = _unit(fname, y, ny, rdt)
            uc = np.conjugate(u) if dt.kind == "c" else u
            safe = np.sum(uc * v, axis=-1).real.astype(rdt)
            cos = np.where(suspect, safe, cos)
    cos = np.clip(cos, -1, 1).astype(rdt, copy=False)
    return cos[()] if np.ndim(cos) == 0 else cos


def cosine_similarity(x: ArrayLike, y: ArrayLike) -> Any:
    """Cosine of the angle between vectors, along the last axis.

    Parameters
    ----------
    x, y : array_like, shape (..., N)
        Stacked vectors; the leading dimensions broadcast.

    Returns
    -------
    numpy scalar or ndarray, shape (...)
        ``Re(vdot(x, y)) / (norm(x) * norm(y))`` clipped to [-1, 1]; complex vectors are
        compared as real vectors of twice the length (the angle that matches
        :func:`distance`).  nan where either vector is zero.  Huge and tiny vectors are
        normalised before the product, so nothing overflows or underflows.
    """
    return _cosine_similarity(x, y)


def _cosine_similarity(x, y):
    fname = "cylinalg.cosine_similarity"
    x, y, dt = _vector_pair(fname, x, y)
    return _cosines(fname, x, y, dt)


def angle(x: ArrayLike, y: ArrayLike) -> Any:
    """Angle in radians, in [0, pi], between vectors, along the last axis.

    Parameters
    ----------
    x, y : array_like, shape (..., N)
        Stacked vectors; the leading dimensions broadcast.

    Returns
    -------
    numpy scalar or ndarray, shape (...)
        ``2 * atan2(|u - v|, |u + v|)`` with ``u = x / |x|``, ``v = y / |y|`` (Kahan's
        formula), accurate for tiny and near-pi angles where ``arccos`` of the cosine loses
        everything (an angle of 1e-9 comes back as 1e-9, not 0).  nan where either vector is
        zero.  Complex vectors are compared as real vectors of twice the length.
    """
    return _angle(x, y)


def _angle(x, y):
    fname = "cylinalg.angle"
    x, y, dt = _vector_pair(fname, x, y)
    rdt = _real_dtype(dt)
    nx = _last_axis_norm(fname, x, rdt)
    ny = _last_axis_norm(fname, y, rdt)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        u = _unit(fname, x, nx, rdt)
        v = _unit(fname, y, ny, rdt)
        diff = _last_axis_norm(fname, np.subtract(u, v, dtype=dt), rdt)
        summ = _last_axis_norm(fname, np.add(u, v, dtype=dt), rdt)
        res = (2 * np.arctan2(diff, summ)).astype(rdt, copy=False)
    res = np.where((nx == 0) | (ny == 0), rdt.type(np.nan), res)  # zero or empty: undefined, like the cosine
    return res[()] if np.ndim(res) == 0 else res


# --------------------------------------------------------------------------- matrices
def conj_transpose(a: ArrayLike) -> NDArray[Any]:
    """Conjugate transpose of each matrix of a stack (the Hermitian adjoint ``a^H``).

    Parameters
    ----------
    a : array_like, shape (..., M, N)

    Returns
    -------
    ndarray, shape (..., N, M)
        A new array of a's dtype (the transpose alone for real dtypes).

    Raises
    ------
    LinAlgError
        If a has fewer than two dimensions.
    """
    return _conj_transpose(a)


def _conj_transpose(a):
    fname = "cylinalg.conj_transpose"
    a = _makearray(a, fname)
    _assert_stacked_2d(fname, a)
    t = np.swapaxes(a, -1, -2)
    return np.conjugate(t) if a.dtype.kind == "c" else t.copy()


def _check(fname, a, kind, rtol, atol):
    a = _makearray(a, fname)
    _assert_stacked_2d(fname, a)
    dt = _linalg_dtype(fname, a)
    a = _as_operand(a, dt)
    rtol, atol = _tolerances(fname, dt, rtol, atol)
    out = _empty(fname, a.shape[:-2], np.bool_)
    _kernels.check_into(a, _CHECK[kind], rtol, atol, out, fname)
    return out[()] if out.ndim == 0 else out


def _tolerances(fname, dt, rtol, atol):
    if rtol is None:
        rtol = 100 * float(np.finfo(dt).eps)
    rtol, atol = float(rtol), float(atol)
    if not (rtol >= 0 and atol >= 0):
        raise ValueError(f"{fname}: rtol and atol must be non-negative, got rtol={rtol!r}, atol={atol!r}")
    return rtol, atol


_TOL_DOC = """
    Parameters
    ----------
    a : array_like, shape (..., M, N)
    rtol : float, optional
        Relative tolerance; default ``100 * eps`` of the computation dtype (2.2e-14 for
        float64/complex128, 1.2e-5 for float32/complex64).
    atol : float, optional
        Absolute tolerance, default 0.

    Returns
    -------
    numpy bool, or bool ndarray of shape (...) for stacked input
        Entries are compared as ``|difference| <= atol + rtol * s``, s the largest finite
        magnitude (largest |re| or |im| for complex) of the matrix; exactly equal entries
        (infinities included) always agree and NaN never does. {extra}

    Raises
    ------
    LinAlgError
        If a has fewer than two dimensions.
"""


def is_symmetric(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _check("cylinalg.is_symmetric", a, "symmetric", rtol, atol)


def is_skew_symmetric(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _check("cylinalg.is_skew_symmetric", a, "skew", rtol, atol)


def is_hermitian(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _check("cylinalg.is_hermitian", a, "hermitian", rtol, atol)


def is_diagonal(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _check("cylinalg.is_diagonal", a, "diagonal", rtol, atol)


def is_identity(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _check("cylinalg.is_identity", a, "identity", rtol, atol)


def _gram_is_identity(fname, a, conj, rtol, atol):
    a = _makearray(a, fname)
    _assert_stacked_2d(fname, a)
    dt = _linalg_dtype(fname, a)
    rtol, atol = _tolerances(fname, dt, rtol, atol)
    m, n = a.shape[-2:]
    if m != n:
        res = np.zeros(a.shape[:-2], np.bool_)
        return res[()] if res.ndim == 0 else res
    a = _as_operand(a, dt)
    at = np.swapaxes(a, -1, -2)
    gram = matmul(np.conjugate(at) if conj and dt.kind == "c" else at, a)
    # each entry of a^H a is a sum of n products: its rounding error grows with n
    return _check(fname, gram, "identity", rtol * max(n, 1), atol)


def is_unitary(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _gram_is_identity("cylinalg.is_unitary", a, True, rtol, atol)


def is_orthogonal(a: ArrayLike, *, rtol: Optional[float] = None, atol: float = 0.0) -> Any:
    return _gram_is_identity("cylinalg.is_orthogonal", a, False, rtol, atol)


is_symmetric.__doc__ = "Whether each matrix equals its transpose (``a == a.T``) within tolerance.\n" + _TOL_DOC.format(
    extra="Non-square matrices are not symmetric.")
is_skew_symmetric.__doc__ = "Whether each matrix equals minus its transpose (``a == -a.T``) within tolerance.\n" + _TOL_DOC.format(
    extra="Non-square matrices are not skew-symmetric.")
is_hermitian.__doc__ = "Whether each matrix equals its conjugate transpose (``a == a^H``) within tolerance.\n" + _TOL_DOC.format(
    extra="For real input this is is_symmetric.  Non-square matrices are not Hermitian.")
is_diagonal.__doc__ = "Whether every off-diagonal entry of each matrix is zero within tolerance.\n" + _TOL_DOC.format(
    extra="Rectangular matrices are allowed.")
is_identity.__doc__ = "Whether each matrix is the identity within tolerance.\n" + _TOL_DOC.format(
    extra="Here s = 1 (the identity's scale).  Non-square matrices are not identities.")
is_unitary.__doc__ = "Whether each matrix is unitary (``a^H a == I``) within tolerance.\n" + _TOL_DOC.format(
    extra="Here ``a^H a - I`` is compared with ``atol + rtol * n`` (n the matrix size: the rounding "
          "error of each entry of ``a^H a`` grows with n).  Non-square matrices are not unitary.")
is_orthogonal.__doc__ = "Whether each matrix is orthogonal (``a^T a == I``, no conjugation) within tolerance.\n" + _TOL_DOC.format(
    extra="For real input this is is_unitary; for complex input it tests complex orthogonality "
          "(use is_unitary for ``a^H a == I``).  Tolerance as in is_unitary.")
