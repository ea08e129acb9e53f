"""Structure predicates: is_symmetric, is_skew_symmetric, is_hermitian, is_unitary,
is_orthogonal, is_diagonal, is_identity."""
import numpy as np
import pytest

import cylinalg as cla
from conftest import layouts, random_array

PREDICATES = ["is_symmetric", "is_skew_symmetric", "is_hermitian", "is_unitary", "is_orthogonal",
              "is_diagonal", "is_identity"]


def examples(rng, dtype, n=6):
    a = random_array(rng, (n, n), dtype)
    q, _ = np.linalg.qr(a)
    real = np.real(q) if np.dtype(dtype).kind == "f" else q
    qr_real, _ = np.linalg.qr(np.real(a).astype(np.float64))
    return {
        "symmetric": a + a.T,
        "skew": a - a.T,
        "hermitian": a + np.conj(a.T),
        "unitary": real.astype(dtype),
        "orthogonal": qr_real.astype(dtype),
        "diagonal": np.diag(np.diag(a)),
        "identity": np.eye(n, dtype=dtype),
        "general": a,
    }


EXPECTED = {  # predicate -> examples it must accept (beyond what a real/complex dtype adds)
    "is_symmetric": {"symmetric", "diagonal", "identity"},
    "is_skew_symmetric": {"skew"},
    "is_hermitian": {"hermitian", "identity"},
    "is_unitary": {"unitary", "identity", "orthogonal"},
    "is_orthogonal": {"orthogonal", "identity"},
    "is_diagonal": {"diagonal", "identity"},
    "is_identity": {"identity"},
}


@pytest.mark.parametrize("name", PREDICATES)
def test_predicates_on_examples(dtype, rng, arch, name):
    ex = examples(rng, dtype)
    real = np.dtype(dtype).kind == "f"
    expected = set(EXPECTED[name])
    if real:  # real: symmetric == hermitian, orthogonal == unitary
        if name in ("is_symmetric", "is_hermitian"):
            expected |= {"symmetric", "hermitian", "diagonal"}
        if name in ("is_unitary", "is_orthogonal"):
            expected |= {"unitary", "orthogonal"}
    elif name == "is_hermitian":
        expected.discard("diagonal")  # complex diagonal entries are not real
    for key, a in ex.items():
        want = key in expected
        for la in layouts(a).values():
            got = getattr(cla, name)(la)
            assert isinstance(got, np.bool_), type(got)
            assert bool(got) == want, (name, key)


@pytest.mark.parametrize("name", PREDICATES)
def test_stacked_returns_batch_bools(rng, name):
    ex = examples(rng, np.float64, 4)
    target = {"is_symmetric": "symmetric", "is_skew_symmetric": "skew", "is_hermitian": "hermitian",
              "is_unitary": "unitary", "is_orthogonal": "orthogonal", "is_diagonal": "diagonal",
              "is_identity": "identity"}[name]
    stack = np.stack([ex[target], ex["general"], ex[target]]).reshape(3, 1, 4, 4)
    got = getattr(cla, name)(stack)
    assert got.dtype == np.bool_ and got.shape == (3, 1)
    assert got.ravel().tolist() == [True, False, True]
    assert getattr(cla, name)(np.zeros((2, 0, 3, 3))).shape == (2, 0)


@pytest.mark.parametrize("name", PREDICATES)
def test_non_square_and_empty(name):
    rect = np.eye(3)[:2]
    assert bool(getattr(cla, name)(rect)) == (name == "is_diagonal")
    assert getattr(cla, name)(np.zeros((0, 0)))


def test_tolerances():
    s = np.array([[1.0, 2.0], [2.0 + 1e-10, 1.0]])
    assert not cla.is_symmetric(s)
    assert cla.is_symmetric(s, rtol=1e-9)
    assert cla.is_symmetric(s, atol=1e-9)
    assert cla.is_symmetric(s * 1e300, rtol=1e-9)  # relative to the matrix's scale
    assert cla.is_identity(np.eye(3) + 1e-15)
    assert not cla.is_identity(np.eye(3) + 1e-6)
    assert cla.is_identity(np.eye(3) + 1e-6, atol=1e-5)
    assert cla.is_identity(np.eye(3, dtype=np.float32) + 1e-6)  # float32 default rtol 1.2e-5
    assert cla.is_diagonal(np.array([[1.0, 1e-20], [0.0, 1.0]]), atol=1e-15)
    h = np.array([[1.0, 1j], [-1j, 2.0 + 1e-20j]])
    assert cla.is_hermitian(h) and not cla.is_hermitian(h * (1 + 1j))
    with pytest.raises(ValueError, match="^cylinalg.is_symmetric: .*rtol"):
        cla.is_symmetric(s, rtol=-1)


def test_non_finite():
    nan = np.array([[1.0, np.nan], [np.nan, 1.0]])
    for name in PREDICATES:
        assert not getattr(cla, name)(nan), name
    inf = np.array([[np.inf, 1.0], [1.0, np.inf]])
    assert cla.is_symmetric(inf) and cla.is_hermitian(inf)
    assert not cla.is_symmetric(np.array([[np.inf, 1.0], [2.0, 0.0]]))
    assert not cla.is_skew_symmetric(np.array([[np.inf, 0.0], [0.0, 0.0]]))
    assert not cla.is_diagonal(np.array([[1.0, np.inf], [0.0, 1.0]]))


def test_dtype_rules_and_errors():
    assert cla.is_symmetric([[1, 2], [2, 1]])
    assert cla.is_identity(np.eye(2, dtype=bool))
    assert cla.is_symmetric(np.eye(2, dtype=np.float16))
    for name in PREDICATES:
        f = getattr(cla, name)
        with pytest.raises(cla.LinAlgError, match=f"^cylinalg.{name}: .*\\(3,\\)"):
            f(np.ones(3))
        with pytest.raises(TypeError, match=f"^cylinalg.{name}: "):
            f(np.array([["a"]]))
        with pytest.raises(TypeError, match=f"^cylinalg.{name}: "):
            f(np.eye(2, dtype=np.longdouble))


def test_large_matrix_blocks(rng):
    a = random_array(rng, (200, 200), np.float64)
    s = a + a.T
    assert cla.is_symmetric(s) and cla.is_symmetric(np.asfortranarray(s))
    s[150, 30] += 1e-3
    assert not cla.is_symmetric(s)
    q, _ = np.linalg.qr(a)
    assert cla.is_orthogonal(q) and not cla.is_orthogonal(a)
