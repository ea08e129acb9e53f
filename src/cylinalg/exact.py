"""Exact and teaching functions: minors, cofactors, adjugate, Laplace and Bareiss determinants,
exact inverse.

Pure Python over Python ints and ``fractions.Fraction`` (these are the only cylinalg functions
that accept object arrays).  Integer and Fraction input is computed exactly; float input is
accepted too (teaching use), computed in floating point.  Sizes are whatever the cost allows:
``det_exact`` is O(n^3) exact operations on growing integers (a 30 x 30 integer matrix takes
milliseconds); ``det_laplace`` is O(n!) and refuses n > 10.
"""
from fractions import Fraction
from numbers import Integral, Rational

import numpy as np

from ._errors import LinAlgError

__all__ = ["minor", "cofactor_matrix", "adjugate", "det_laplace", "det_exact", "inv_exact"]

_LAPLACE_MAX_N = 10


def _rows(a, fname):
    """a as a list of lists of Python numbers (ints, Fractions, floats or complex), square."""
    arr = np.asarray(a, dtype=object) if not isinstance(a, np.ndarray) else a
    if arr.ndim != 2:
        raise LinAlgError(f"{fname}: expected a square 2-d matrix, got shape {arr.shape}")
    if arr.shape[0] != arr.shape[1]:
        raise LinAlgError(f"{fname}: last 2 dimensions of the array must be square, got shape {arr.shape}")
    if arr.dtype.kind not in "biufcO":
        raise TypeError(f"{fname}: array of dtype {arr.dtype} is not supported")
    rows = []
    for row in arr.tolist():  # numpy scalars -> Python numbers
        out = []
        for x in row:
            if isinstance(x, bool):
                x = int(x)
            elif isinstance(x, (Integral, Rational)):
                pass
            elif isinstance(x, (float, complex)):
                pass
            else:
                raise TypeError(f"{fname}: entries must be int, Fraction or float, got {type(x).__name__}")
            out.append(x)
        rows.append(out)
    return rows


def _is_exact(rows):
    return all(isinstance(x, (Integral, Rational)) for row in rows for x in row)


def _bareiss(rows):
    """Fraction-free Gaussian elimination (Bareiss): every division is exact, every
    intermediate is a minor of the input, so integers stay integers.  Row swaps on zero pivots."""
    m = [list(r) for r in rows]
    n = len(m)
    if n == 0:
        return 1
    sign = 1
    prev = 1
    for k in range(n - 1):
        if m[k][k] == 0:
            for i in range(k + 1, n):
                if m[i][k] != 0:
                    m[k], m[i] = m[i], m[k]
                    sign = -sign
                    break
            else:
                return 0
        pivot = m[k][k]
        for i in range(k + 1, n):
            row_i, row_k, mik = m[i], m[k], m[i][k]
            for j in range(k + 1, n):
                num = row_i[j] * pivot - mik * row_k[j]
                row_i[j] = num // prev if isinstance(num, int) and isinstance(prev, int) else num / prev
            row_i[k] = 0
        prev = pivot
    det = m[n - 1][n - 1]
    return -det if sign < 0 else det


def _det_float(rows):
    """Gaussian elimination with partial pivoting for float/complex entries."""
    m = [list(map(complex if any(isinstance(x, complex) for x in r) else float, r)) for r in rows]
    n = len(m)
    det = 1.0
    for k in range(n):
        # |re| + |im| (LAPACK's choice): abs() of a complex raises OverflowError past ~1e308
        p = max(range(k, n), key=lambda i: abs(m[i][k].real) + abs(m[i][k].imag))
        if m[p][k] == 0:
            return 0.0
        if p != k:
            m[k], m[p] = m[p], m[k]
            det = -det
        det *= m[k][k]
        for i in range(k + 1, n):
            f = m[i][k] / m[k][k]
            for j in range(k + 1, n):
                m[i][j] -= f * m[k][j]
    return det


def _det_any(rows):
    return _bareiss(rows) if _is_exact(rows) else _det_float(rows)


def _normalise(x):
    """Fractions with denominator 1 become ints."""
    if isinstance(x, Fraction) and x.denominator == 1:
        return int(x.numerator)
    return x


def _submatrix(rows, i, j):
    return [r[:j] + r[j + 1:] for k, r in enumerate(rows) if k != i]


def minor(a, i: int, j: int):
    """The (i, j) minor: determinant of a with row i and column j removed.

    Parameters
    ----------
    a : array_like, shape (n, n), of ints, Fractions or floats
    i, j : int
        0-based row and column (negative indices count from the end).

    Returns
    -------
    int, Fraction or float
        Exact for int/Fraction input (Bareiss).
    """
    fname = "cylinalg.minor"
    rows = _rows(a, fname)
    n = len(rows)
    if n == 0:
        raise LinAlgError(f"{fname}: the matrix is empty (shape (0, 0))")
    if not (-n <= i < n and -n <= j < n):
        raise IndexError(f"{fname}: index ({i}, {j}) out of range for shape ({n}, {n})")
    return _normalise(_det_any(_submatrix(rows, i % n, j % n)))


def _cofactors(rows):
    n = len(rows)
    if n == 1:
        return [[1]]
    return [[(-1) ** (i + j) * _det_any(_submatrix(rows, i, j)) for j in range(n)] for i in range(n)]


def _as_result(rows, exact):
    out = np.empty((len(rows), len(rows[0]) if rows else 0), dtype=object if exact else None)
    if exact:
        for i, r in enumerate(rows):
            for j, x in enumerate(r):
                out[i, j] = _normalise(x)
        return out
    return np.array(rows)


def cofactor_matrix(a):
    """Matrix of cofactors C[i, j] = (-1)**(i + j) * minor(a, i, j).

    Parameters
    ----------
    a : array_like, shape (n, n), of ints, Fractions or floats

    Returns
    -------
    ndarray, shape (n, n)
        object array of Python ints/Fractions for exact input, float/complex array otherwise.
    """
    rows = _rows(a, "cylinalg.cofactor_matrix")
    return _as_result(_cofactors(rows), _is_exact(rows))


def adjugate(a):
    """Adjugate (classical adjoint): the transposed cofactor matrix, ``a @ adj(a) = det(a) I``.

    Parameters
    ----------
    a : array_like, shape (n, n), of ints, Fractions or floats

    Returns
    -------
    ndarray, shape (n, n)
        object array of Python ints/Fractions for exact input, float/complex array otherwise.
    """
    rows = _rows(a, "cylinalg.adjugate")
    c = _cofactors(rows)
    return _as_result([list(col) for col in zip(*c)], _is_exact(rows))


def _laplace(rows):
    n = len(rows)
    if n == 0:
        return 1
    if n == 1:
        return rows[0][0]
    if n == 2:
        return rows[0][0] * rows[1][1] - rows[0][1] * rows[1][0]
    # expand along the row with the most zeros (zero terms cost nothing)
    r = max(range(n), key=lambda i: sum(1 for x in rows[i] if x == 0))
    total = 0
    for j, x in enumerate(rows[r]):
        if x != 0:
            term = x * _laplace(_submatrix(rows, r, j))
            total = total + term if (r + j) % 2 == 0 else total - term
    return total


def det_laplace(a):
    """Determinant by cofactor (Laplace) expansion, the textbook definition.

    O(n!) work, so matrices larger than 10 x 10 are refused (use ``det_exact`` or ``det``).

    Parameters
    ----------
    a : array_like, shape (n, n), n <= 10, of ints, Fractions or floats

    Returns
    -------
    int, Fraction or float (exact for exact input)

    Raises
    ------
    ValueError
        If n > 10.
    """
    fname = "cylinalg.det_laplace"
    rows = _rows(a, fname)
    if len(rows) > _LAPLACE_MAX_N:
        raise ValueError(
            f"{fname}: n = {len(rows)} is too large for cofactor expansion (O(n!) work; at most "
            f"{_LAPLACE_MAX_N}); use cylinalg.det_exact for an exact determinant"
        )
    return _normalise(_laplace(rows))


def _to_exact(rows, fname):
    out = []
    for r in rows:
        o = []
        for x in r:
            if isinstance(x, complex):
                raise TypeError(f"{fname}: complex entries are not supported")
            if isinstance(x, float):
                if not np.isfinite(x):
                    raise ValueError(f"{fname}: array must not contain infs or NaNs")
                x = Fraction(x)  # the float's exact binary value
            o.append(x)
        out.append(o)
    return out


def det_exact(a):
    """Exact determinant by the fraction-free Bareiss algorithm.

    Parameters
    ----------
    a : array_like, shape (n, n), of ints or Fractions (floats are taken at their exact
        binary value)

    Returns
    -------
    int for integer input, otherwise Fraction (an int when the value is whole)
    """
    fname = "cylinalg.det_exact"
    rows = _to_exact(_rows(a, fname), fname)
    return _normalise(_bareiss(rows))


def inv_exact(a):
    """Exact inverse over the rationals (Gauss-Jordan elimination on Fractions).

    Parameters
    ----------
    a : array_like, shape (n, n), of ints or Fractions (floats are taken at their exact
        binary value)

    Returns
    -------
    ndarray of object, shape (n, n), entries ``fractions.Fraction``

    Raises
    ------
    LinAlgError
        "Singular matrix" if a is singular.
    """
    fname = "cylinalg.inv_exact"
    rows = _to_exact(_rows(a, fname), fname)
    n = len(rows)
    m = [[Fraction(x) for x in r] + [Fraction(int(i == j)) for j in range(n)] for i, r in enumerate(rows)]
    for k in range(n):
        p = next((i for i in range(k, n) if m[i][k] != 0), None)
        if p is None:
            raise LinAlgError(f"{fname}: Singular matrix")
        m[k], m[p] = m[p], m[k]
        piv = m[k][k]
        m[k] = [x / piv for x in m[k]]
        for i in range(n):
            if i != k and m[i][k] != 0:
                f = m[i][k]
                m[i] = [x - f * y for x, y in zip(m[i], m[k])]
    out = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            out[i, j] = m[i][n + j]
    return out
