"""LU family: lu, lu_factor, lu_solve, det, slogdet, inv, solve.

All of them factor with partial pivoting (csrc/lu): closed forms for n <= 3 (det by cofactors,
inverse and solve by the adjugate; exactly singular means det == 0), an unrolled LU for n = 4,
unblocked LU for small n and a recursive LU whose trailing updates call cylinalg's GEMM for
large n.  Stacked inputs (..., M, M) are one C loop over the batch.  On AVX2 CPUs, real stacks
of 4x4..8x8 matrices (and 3x3 solves) run 4-8 matrices per vector register
(csrc/lu/lu_lanes_avx2.c), and float64 matrices up to 512 x 512 factor with an unblocked
two-step SIMD LU (csrc/lu/lu_getf2_avx2.c); ``CYLINALG_ARCH=ref`` selects the plain C path.
solve's ill-conditioning warning uses an O(n^2) upper bound on ||A^-1||_1 from the factors
(real, n <= 128) and falls back to the exact or estimated rcond only when the bound cannot rule
out rcond < 16 eps, so the warning fires on the same matrices.
"""
import warnings
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._core import _kernels
from ._errors import LinAlgError, LinAlgWarning
from ._validation import (
    _as_operand,
    _assert_finite,
    _assert_stacked_2d,
    _assert_stacked_square,
    _broadcast_batch,
    _empty,
    _linalg_dtype,
    _makearray,
    _real_dtype,
)

__all__ = ["det", "slogdet", "inv", "solve", "lu", "lu_factor", "lu_solve", "SlogdetResult", "LUResult"]


class SlogdetResult(NamedTuple):
    """``slogdet``'s result: ``det = sign * exp(logabsdet)``."""

    sign: NDArray
    logabsdet: NDArray


class LUResult(NamedTuple):
    """``lu``'s result: ``a = P @ L @ U``."""

    P: NDArray
    L: NDArray
    U: NDArray


def _square_operand(fname: str, a) -> np.ndarray:
    """Validate a stacked square matrix and return it as a kernel operand."""
    a = _makearray(a, fname)
    _assert_stacked_square(fname, a)
    return _as_operand(a, _linalg_dtype(fname, a))


def _scalar_or_array(x):
    return x[()] if x.ndim == 0 else x


def _failed_indices(mask):
    """Readable stack indices of the True entries of a batch-shaped mask (at most 10 named)."""
    idx = np.argwhere(mask)
    names = [str(tuple(int(v) for v in row)) if len(row) > 1 else str(int(row[0])) for row in idx[:10]]
    more = f" and {len(idx) - 10} more" if len(idx) > 10 else ""
    return ", ".join(names) + more


def _check_info(fname, info, check):
    """Raise LinAlgError("Singular matrix") when any matrix had a zero pivot (naming which)."""
    if not check or not info.any():
        return
    if info.ndim == 0:
        raise LinAlgError(f"{fname}: Singular matrix")
    raise LinAlgError(f"{fname}: Singular matrix (stack indices {_failed_indices(info != 0)})")


def _warn_conditioning(fname, rcond, dtype, info):
    """LinAlgWarning for regular matrices whose reciprocal condition estimate is below eps."""
    eps = np.finfo(dtype).eps
    if not (rcond < eps).any():  # the common case in one pass (singular matrices have rcond 0)
        return
    bad = (rcond < eps) & (info == 0)
    if not bad.any():
        return
    worst = float(np.min(rcond[bad]))
    where = "" if rcond.ndim == 0 else f" at stack indices {_failed_indices(bad)}"
    warnings.warn(
        f"{fname}: Ill-conditioned matrix{where} (rcond={worst:.6g}): result may not be accurate.",
        LinAlgWarning,
        stacklevel=3,
    )


def det(a: ArrayLike) -> NDArray:
    """Determinant of a square matrix or a stack of them.

    Parameters
    ----------
    a : array_like, shape (..., M, M)

    Returns
    -------
    det : scalar or ndarray, shape (...)
        The product of LU's pivots with the permutation's sign (not ``exp(log)`` as numpy:
        ``det([[1, 2], [3, 4]])`` is exactly -2.0); for M <= 3 the cofactor formula, exact for
        small integers.  A singular matrix gives 0.

    Raises
    ------
    LinAlgError
        If ``a`` is not a stack of square matrices.
    """
    fast = _kernels.det_small(a)
    if fast is not None:
        return fast
    fname = "cylinalg.det"
    a = _square_operand(fname, a)
    out = _empty(fname, a.shape[:-2], a.dtype)
    _kernels.det_into(a, out)
    return _scalar_or_array(out)


def slogdet(a: ArrayLike) -> SlogdetResult:
    """Sign and natural log of the absolute value of the determinant.

    Parameters
    ----------
    a : array_like, shape (..., M, M)

    Returns
    -------
    SlogdetResult(sign, logabsdet)
        ``sign`` has a's dtype, shape (...): +-1 for real input, a unit complex number for
        complex input, 0 for a singular matrix; ``logabsdet`` is real, shape (...), -inf for
        a singular matrix.  The log-sum is accumulated in float64 for every dtype.
    """
    fname = "cylinalg.slogdet"
    a = _square_operand(fname, a)
    sign = _empty(fname, a.shape[:-2], a.dtype)
    logabs = _empty(fname, a.shape[:-2], _real_dtype(a.dtype))
    _kernels.slogdet_into(a, sign, logabs)
    return SlogdetResult(_scalar_or_array(sign), _scalar_or_array(logabs))


def inv(a: ArrayLike, *, check: bool = True) -> NDArray:
    """Inverse of a square matrix or a stack of them.

    Parameters
    ----------
    a : array_like, shape (..., M, M)
    check : bool, default True
        If False, singular matrices do not raise: their inverses are filled with NaN (useful
        for large stacks where a few may be singular).

    Returns
    -------
    ndarray, shape (..., M, M)

    Raises
    ------
    LinAlgError
        "Singular matrix" (naming the stack indices) if a pivot is exactly zero and ``check``.

    Warns
    -----
    LinAlgWarning
        If a matrix's estimated reciprocal condition number (1-norm) is below eps.
    """
    if check:
        fast = _kernels.inv_small(a)
        if fast is not None:
            return fast
    fname = "cylinalg.inv"
    a = _square_operand(fname, a)
    out = _empty(fname, a.shape, a.dtype)
    info = np.empty(a.shape[:-2], dtype=np.intc)
    rcond = np.empty(a.shape[:-2], dtype=_real_dtype(a.dtype))
    _kernels.inv_into(a, out, info, rcond)
    _check_info(fname, info, check)
    _warn_conditioning(fname, rcond, a.dtype, info)
    return out


def solve(a: ArrayLike, b: ArrayLike, *, check: bool = True) -> NDArray:
    """Solve ``a @ x = b`` for x.

    Parameters
    ----------
    a : array_like, shape (..., M, M)
    b : array_like, shape (M,) or (..., M, K)
        numpy 2's rule: b is a vector only when it is 1-dimensional; otherwise a stack of
        matrices whose batch dimensions broadcast with a's.
    check : bool, default True
        If False, singular systems do not raise; their solutions are filled with NaN.

    Returns
    -------
    x : ndarray, shape (..., M) for a 1-d b, else (..., M, K)

    Raises
    ------
    LinAlgError
        "Singular matrix" (naming the stack indices) if ``check`` and a pivot is exactly zero.
    ValueError
        If b's shape does not match a's.

    Warns
    -----
    LinAlgWarning
        If a matrix's estimated reciprocal condition number (1-norm) is below eps.
    """
    if check:
        fast = _kernels.solve_small(a, b)
        if fast is not None:
            return fast
    fname = "cylinalg.solve"
    a = _makearray(a, fname)
    b = _makearray(b, fname)
    _assert_stacked_square(fname, a)
    if b.ndim == 0:
        raise ValueError(f"{fname}: b must be at least 1-dimensional, got shape {b.shape}")
    m = a.shape[-1]
    vector = b.ndim == 1
    b2 = b[:, None] if vector else b
    if b2.shape[-2] != m:
        raise ValueError(
            f"{fname}: b has shape {b.shape}, which does not match a of shape {a.shape} "
            f"(expected {m} rows)"
        )
    dt = _linalg_dtype(fname, a, b)
    a = _as_operand(a, dt)
    b2 = _as_operand(b2, dt)
    batch = _broadcast_batch(fname, a.shape[:-2], b2.shape[:-2])
    x = _empty(fname, batch + b2.shape[-2:], dt)
    info = np.empty(batch, dtype=np.intc)
    rcond = np.empty(batch, dtype=_real_dtype(dt))
    _kernels.solve_into(a, b2, x, info, rcond)
    _check_info(fname, info, check)
    _warn_conditioning(fname, rcond, dt, info)
    return x[..., 0] if vector else x


def lu_factor(a: ArrayLike, overwrite_a: bool = False, check_finite: bool = True):
    """Packed LU factorization with partial pivoting, like ``scipy.linalg.lu_factor``.

    Parameters
    ----------
    a : array_like, shape (..., M, N)
    overwrite_a : bool
        Accepted for scipy compatibility; a is never modified.
    check_finite : bool, default True
        Raise if a contains inf or NaN (scipy's default).

    Returns
    -------
    lu : ndarray, shape (..., M, N)
        U in the upper triangle, L's multipliers below the diagonal (unit diagonal implied).
    piv : ndarray of int32, shape (..., min(M, N))
        0-based: row i was interchanged with row piv[i].

    Warns
    -----
    LinAlgWarning
        If a diagonal entry of U is exactly zero (the factorization still completes).
    """
    fname = "cylinalg.lu_factor"
    a = _makearray(a, fname)
    _assert_stacked_2d(fname, a)
    if check_finite:
        _assert_finite(fname, a)
    a = _as_operand(a, _linalg_dtype(fname, a))
    lu, piv, info = _factor(fname, a)
    if info.any():
        first = int(info.flat[np.argmax(info.ravel() != 0)])
        warnings.warn(
            f"{fname}: Diagonal number {first} is exactly zero. Singular matrix.", LinAlgWarning, stacklevel=2
        )
    return lu, piv.astype(np.int32)


def _factor(fname, a):
    m, n = a.shape[-2:]
    lu = _empty(fname, a.shape, a.dtype)
    piv = _empty(fname, a.shape[:-2] + (min(m, n),), np.int64)
    info = np.empty(a.shape[:-2], dtype=np.intc)
    _kernels.lu_factor_into(a, lu, piv, info)
    return lu, piv, info


def lu_solve(lu_and_piv, b: ArrayLike, trans: int = 0, overwrite_b: bool = False,
             check_finite: bool = True) -> NDArray:
    """Solve ``a x = b`` from ``lu_factor(a)``, like ``scipy.linalg.lu_solve``.

    Parameters
    ----------
    lu_and_piv : (lu, piv) from ``lu_factor``; lu (..., M, M), piv (..., M)
    b : array_like, shape (M,) or (..., M, K)
    trans : {0, 1, 2}
        0: a x = b, 1: a^T x = b, 2: a^H x = b.
    overwrite_b : bool
        Accepted for scipy compatibility; b is never modified.
    check_finite : bool, default True
        Raise if b contains inf or NaN.

    Returns
    -------
    x : ndarray with b's shape (batch dims broadcast)
    """
    fname = "cylinalg.lu_solve"
    lu, piv = lu_and_piv
    lu = _makearray(lu, fname)
    piv = np.asarray(piv)
    b = _makearray(b, fname)
    _assert_stacked_square(fname, lu)
    if trans not in (0, 1, 2):
        raise ValueError(f"{fname}: trans must be 0, 1 or 2, got {trans!r}")
    m = lu.shape[-1]
    if piv.shape[-1:] != (m,) or piv.dtype.kind not in "iu":
        raise ValueError(f"{fname}: piv must be an integer array of shape (..., {m}), got {piv.dtype} {piv.shape}")
    if b.ndim == 0:
        raise ValueError(f"{fname}: b must be at least 1-dimensional, got shape {b.shape}")
    vector = b.ndim == 1
    b2 = b[:, None] if vector else b
    if b2.shape[-2] != m:
        raise ValueError(f"{fname}: incompatible dimensions: lu has shape {lu.shape}, b has shape {b.shape}")
    if check_finite:
        _assert_finite(fname, b)
    dt = _linalg_dtype(fname, lu, b)
    lu = _as_operand(lu, dt)
    b2 = _as_operand(b2, dt)
    piv = _as_operand(piv, np.dtype(np.int64))
    batch = _broadcast_batch(fname, lu.shape[:-2], piv.shape[:-1], b2.shape[:-2])
    x = _empty(fname, batch + b2.shape[-2:], dt)
    _kernels.lu_solve_into(lu, piv, b2, x, int(trans))
    return x[..., 0] if vector else x


def lu(a: ArrayLike, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True):
    """LU factorization with partial pivoting, like ``scipy.linalg.lu``.

    Parameters
    ----------
    a : array_like, shape (..., M, N)
    permute_l : bool, default False
        Return ``(P @ L, U)`` instead of ``(P, L, U)``.
    overwrite_a : bool
        Accepted for scipy compatibility; a is never modified.
    check_finite : bool, default True
        Raise if a contains inf or NaN.

    Returns
    -------
    (P, L, U) : LUResult with P (..., M, M) a permutation matrix, L (..., M, K) unit lower
        triangular, U (..., K, N) upper triangular, K = min(M, N), and ``a = P @ L @ U``;
    or (PL, U) when ``permute_l``.
    """
    fname = "cylinalg.lu"
    a = _makearray(a, fname)
    _assert_stacked_2d(fname, a)
    if check_finite:
        _assert_finite(fname, a)
    a = _as_operand(a, _linalg_dtype(fname, a))
    m, n = a.shape[-2:]
    k = min(m, n)
    packed, piv, _ = _factor(fname, a)
    lower = np.tril(packed[..., :, :k], -1)
    idx = np.arange(k)
    lower[..., idx, idx] = 1
    upper = np.triu(packed[..., :k, :])
    # perm[i] = the row of a that ends up in row i of L @ U: replay the interchanges
    batch = a.shape[:-2]
    count = int(np.prod(batch, dtype=np.int64))
    flat_piv = piv.reshape(count, k)
    perm = np.broadcast_to(np.arange(m), (count, m)).copy()
    rows = np.arange(count)
    for j in range(k):
        p = flat_piv[:, j]
        tmp = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = tmp
    if permute_l:  # (P @ L)[perm[i]] = L[i]
        permuted = np.empty_like(lower).reshape(count, m, k)
        permuted[rows[:, None], perm] = lower.reshape(count, m, k)
        return permuted.reshape(lower.shape), upper
    P = np.zeros((count, m, m), dtype=a.dtype)  # P[perm[i], i] = 1
    P[rows[:, None], perm, np.arange(m)[None, :]] = 1
    return LUResult(P.reshape(batch + (m, m)), lower, upper)
