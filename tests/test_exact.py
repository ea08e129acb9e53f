"""Exact and teaching functions: minor, cofactor_matrix, adjugate, det_laplace, det_exact,
inv_exact."""
from fractions import Fraction

import numpy as np
import pytest

import cylinalg as cla


def test_two_by_two():
    a = [[1, 2], [3, 4]]
    assert cla.det_exact(a) == -2 and type(cla.det_exact(a)) is int
    assert cla.det_laplace(a) == -2
    assert cla.minor(a, 0, 0) == 4 and cla.minor(a, -1, -1) == 1
    np.testing.assert_array_equal(cla.cofactor_matrix(a), [[4, -3], [-2, 1]])
    np.testing.assert_array_equal(cla.adjugate(a), [[4, -2], [-3, 1]])
    inv = cla.inv_exact(a)
    assert inv.dtype == object and inv[1, 0] == Fraction(3, 2)
    assert all(isinstance(x, Fraction) for x in inv.ravel())


def test_bareiss_30x30_exact():
    rng = np.random.default_rng(0)
    a = rng.integers(-9, 10, size=(30, 30))
    d = cla.det_exact(a)
    assert isinstance(d, int)
    # independent check: exact Gauss-Jordan over Fractions gives the same value
    m = [[Fraction(int(x)) for x in row] for row in a]
    det = Fraction(1)
    for k in range(30):
        p = next(i for i in range(k, 30) if m[i][k] != 0)
        if p != k:
            m[k], m[p] = m[p], m[k]
            det = -det
        det *= m[k][k]
        for i in range(k + 1, 30):
            f = m[i][k] / m[k][k]
            m[i] = [x - f * y for x, y in zip(m[i], m[k])]
    assert det == d
    assert abs(float(d) - np.linalg.det(a)) <= 1e-10 * abs(float(d))


def test_laplace_matches_bareiss_and_refuses_large():
    rng = np.random.default_rng(1)
    for n in range(0, 8):
        a = rng.integers(-5, 6, size=(n, n))
        assert cla.det_laplace(a) == cla.det_exact(a)
    with pytest.raises(ValueError, match=r"^cylinalg.det_laplace: n = 11"):
        cla.det_laplace(np.eye(11, dtype=int))


def test_fractions_and_floats():
    a = [[Fraction(1, 2), Fraction(1, 3)], [Fraction(1, 4), Fraction(1, 5)]]
    assert cla.det_exact(a) == Fraction(1, 60)
    assert cla.det_laplace(a) == Fraction(1, 60)
    inv = cla.inv_exact(a)
    assert (inv.dot(np.array(a, dtype=object)) == np.eye(2, dtype=int)).all()
    # floats: exact binary value for det_exact, float arithmetic for the teaching functions
    assert cla.det_exact([[0.5, 0.25], [1.0, 1.0]]) == Fraction(1, 4)
    assert cla.det_laplace([[1.5, 2.0], [3.0, 4.0]]) == 0.0
    np.testing.assert_allclose(cla.adjugate(np.array([[1.0, 2.0], [3.0, 4.0]])), [[4, -2], [-3, 1]])


def test_adjugate_identity_and_inverse():
    rng = np.random.default_rng(2)
    a = rng.integers(-6, 7, size=(5, 5))
    adj = cla.adjugate(a)
    d = cla.det_exact(a)
    np.testing.assert_array_equal(np.array(a, dtype=object).dot(adj), d * np.eye(5, dtype=int))
    if d != 0:
        inv = cla.inv_exact(a)
        np.testing.assert_array_equal(inv * d, adj)


def test_singular_and_errors():
    with pytest.raises(cla.LinAlgError, match="^cylinalg.inv_exact: Singular matrix"):
        cla.inv_exact([[1, 2], [2, 4]])
    assert cla.det_exact([[1, 2], [2, 4]]) == 0
    assert cla.det_exact([[0, 1], [1, 0]]) == -1  # zero pivot: row swap
    with pytest.raises(cla.LinAlgError, match=r"^cylinalg.det_exact: .*\(2, 3\)"):
        cla.det_exact(np.ones((2, 3), dtype=int))
    with pytest.raises(TypeError, match="^cylinalg.det_exact"):
        cla.det_exact([["a", "b"], ["c", "d"]])
    with pytest.raises(IndexError, match="^cylinalg.minor"):
        cla.minor([[1, 2], [3, 4]], 2, 0)
    assert cla.det_exact(np.zeros((0, 0), dtype=int)) == 1
    assert cla.det_exact(np.array([[True, False], [False, True]])) == 1


def test_complex_entries_near_overflow():
    """Pivoting on |re| + |im|: abs() of a complex near 1e308 raises OverflowError (a fuzz find);
    huge entries give inf/nan as numpy would, never an exception."""
    a = np.full((4, 4), 1.5e308 + 1.5e308j)  # |a_ij| overflows
    a[np.diag_indices(4)] = 1.0
    adj = cla.adjugate(a)
    assert adj.shape == (4, 4)
    small = np.array([[1 + 2j, 3.0], [0.5j, 4 - 1j]])
    np.testing.assert_allclose(complex(cla.det_laplace(small)), np.linalg.det(small))
    np.testing.assert_allclose(np.asarray(cla.adjugate(small), complex), np.linalg.inv(small) * np.linalg.det(small))
