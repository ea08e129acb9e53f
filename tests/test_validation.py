"""The shared input contract (_validation helpers) and its use by the basics' public functions."""
import numpy as np
import pytest

import cylinalg as cla
from cylinalg import _validation as V


def test_makearray():
    assert V._makearray([1, 2], "f").dtype.kind == "i"
    a = np.ones(3)
    assert V._makearray(a, "f") is a
    for bad in (np.array(["x"]), np.array([None]), np.array([b"x"]), np.array(["2020-01-01"], "M8[D]")):
        with pytest.raises(TypeError, match="^cylinalg.f: "):
            V._makearray(bad, "cylinalg.f")
    with pytest.raises(ValueError, match="^cylinalg.f: could not convert"):  # numpy: ValueError
        V._makearray([[1, 2], [3]], "cylinalg.f")


@pytest.mark.parametrize("dt, want", [
    (np.float32, np.float32), (np.float64, np.float64), (np.complex64, np.complex64),
    (np.complex128, np.complex128), (np.int8, np.float64), (np.uint64, np.float64),
    (np.bool_, np.float64), (np.float16, np.float32),
])
def test_linalg_dtype(dt, want):
    assert V._linalg_dtype("f", np.zeros(1, dt)) == np.dtype(want)


def test_linalg_dtype_promotes_and_refuses():
    assert V._linalg_dtype("f", np.zeros(1, np.float32), np.zeros(1, np.complex64)) == np.complex64
    assert V._linalg_dtype("f", np.zeros(1, np.float32), np.zeros(1, np.int32)) == np.float64
    for dt in (np.longdouble, np.clongdouble):
        with pytest.raises(TypeError, match="^cylinalg.f: .*not supported"):
            V._linalg_dtype("cylinalg.f", np.zeros(1, dt))


def test_as_operand_copies_only_when_needed():
    a = np.arange(12.0).reshape(3, 4)
    for view in (a, a.T, a[::-1, ::2]):
        assert V._as_operand(view, np.dtype(np.float64)) is view
    assert V._as_operand(a, np.dtype(np.float32)).dtype == np.float32
    buf = np.zeros(8 * 4 + 1, np.uint8)[1:].view(np.float64)  # unaligned
    assert not buf.flags.aligned
    assert V._as_operand(buf, np.dtype(np.float64)).flags.aligned


def test_empty_reports_memoryerror():
    with pytest.raises(MemoryError, match="^cylinalg.f: "):
        V._empty("cylinalg.f", (2**62, 2**62), np.float64)


def test_check_axis():
    assert V._check_axis("f", -1, 3) == 2
    with pytest.raises(np.exceptions.AxisError, match="^cylinalg.f: "):
        V._check_axis("cylinalg.f", 3, 3)


def test_broadcast_batch():
    assert V._broadcast_batch("f", (2, 1), (3,)) == (2, 3)
    with pytest.raises(ValueError, match="^cylinalg.f: "):
        V._broadcast_batch("cylinalg.f", (2,), (3,))


# --- the contract on the basics' public functions ---------------------------------------------
LINALG_1 = ["norm", "conj_transpose", "is_symmetric", "is_skew_symmetric", "is_hermitian",
            "is_unitary", "is_orthogonal", "is_diagonal", "is_identity"]
LINALG_2 = ["distance", "cosine_similarity", "angle"]


@pytest.mark.parametrize("name", LINALG_1 + LINALG_2)
@pytest.mark.parametrize("bad", [np.array([["a", "b"], ["c", "d"]]), np.array([[None, 1], [1, None]]),
                                 np.eye(2, dtype=np.longdouble)])
def test_bad_dtypes_raise_typeerror(name, bad):
    f = getattr(cla, name)
    if name == "conj_transpose" and bad.dtype == np.longdouble:
        pytest.skip("conj_transpose is structural and keeps any numeric dtype")
    args = (bad,) if name in LINALG_1 else (bad, bad)
    with pytest.raises(TypeError, match=f"^cylinalg.{name}: "):
        f(*args)


@pytest.mark.parametrize("name", LINALG_1 + LINALG_2)
def test_nan_inf_never_crash(name):
    f = getattr(cla, name)
    a = np.array([[np.nan, np.inf], [-np.inf, 1.0]])
    with np.errstate(all="raise"):  # no floating-point warnings leak out either
        f(a) if name in LINALG_1 else f(a, a)


@pytest.mark.parametrize("name", ["dot", "vdot", "inner", "outer"] + LINALG_2)
def test_inputs_not_modified_and_readonly_ok(name, rng):
    a = rng.standard_normal((3, 3))
    b = rng.standard_normal((3, 3))
    a.flags.writeable = False
    b.flags.writeable = False
    a0, b0 = a.copy(), b.copy()
    getattr(cla, name)(a, b)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)


def test_huge_outer_is_memoryerror():
    x = np.broadcast_to(1.0, (2**33,))
    with pytest.raises(MemoryError, match="^cylinalg.outer: "):
        cla.outer(x, x)


@pytest.mark.parametrize("dt", [">f8", ">c16", ">f4", ">i4"])
def test_byteswapped_inputs(dt):
    x = (np.arange(6.0) - 2).astype(dt)
    assert V._linalg_dtype("f", x) == np.dtype(dt).newbyteorder("=") if np.dtype(dt).kind in "fc" else np.float64
    xn = x.astype(np.dtype(dt).newbyteorder("="))
    assert cla.norm(x) == np.linalg.norm(xn)
    assert cla.norm(x.reshape(2, 3), 1) == np.linalg.norm(xn.reshape(2, 3), 1)
    assert cla.dot(x, x) == np.dot(xn, xn)
    assert cla.vdot(x, x) == np.vdot(xn, xn)
    assert np.array_equal(cla.outer(x, x), np.outer(xn, xn))
    assert cla.is_symmetric(np.outer(x, x).astype(dt))
