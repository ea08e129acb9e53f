"""One description per public function, so the contract, leak, thread and fuzz suites can
drive every function the same way, including functions that land after these tests.

A ``Spec`` says how to build a valid call from arrays (``kind``), what numpy computes for
it (``reference``), how to compare (``check``), and which bad inputs must raise what.  When a
new public function lands, add a Spec here: ``test_contract.test_every_public_function_has_a_spec``
fails until you do.  Signatures of functions not yet merged are the planned ones (numpy's);
the lead adjusts a Spec if the merged signature differs.

Kinds (operands built by ``build_operands``):
  product      a (..., m, k), b (..., k, n)        numpy.matmul dtype rules
  vector_pair  x (n,), y (n,)
  vector       x (n,)
  matrix       a (..., m, n) (non-square allowed)
  square       a (..., n, n) (non-square -> LinAlgError)
  square_rhs   a (..., n, n), b (..., n, k)
  lu_solve     (lu, piv) from cla.lu_factor(a), b (n, k)
  exact        a (n, n) small integers (object dtype allowed)
  runtime      no array operands (runtime knobs)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import cylinalg as cla

FLOAT_DTYPES = [np.dtype(np.float32), np.dtype(np.float64)]
COMPLEX_DTYPES = [np.dtype(np.complex64), np.dtype(np.complex128)]
KERNEL_DTYPES = FLOAT_DTYPES + COMPLEX_DTYPES


def rtol_for(dtype) -> float:
    """Comparison tolerance for well-conditioned (diagonally dominant) test matrices."""
    dtype = np.dtype(dtype)
    return 2e-3 if dtype in (np.float32, np.complex64, np.float16) else 1e-9


def linalg_compute_dtype(dtype) -> np.dtype:
    """The dtype a linear-algebra function computes in for this input dtype (the contract)."""
    dtype = np.dtype(dtype)
    if dtype in KERNEL_DTYPES:
        return dtype
    if dtype == np.float16:
        return np.dtype(np.float32)
    if dtype.kind in "biu":
        return np.dtype(np.float64)
    raise TypeError(dtype)


def _values(rng, shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        x = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    elif dtype.kind in "iu":
        x = rng.integers(-4, 5, size=shape)
    elif dtype.kind == "b":
        x = rng.integers(0, 2, size=shape).astype(bool)
    else:
        x = rng.standard_normal(shape)
    return np.asarray(x).astype(dtype)


def well_conditioned(rng, shape, dtype):
    """Random square matrices with a dominant diagonal (condition number ~ 3)."""
    dtype = np.dtype(dtype)
    n = shape[-1]
    if dtype.kind == "b":
        return np.broadcast_to(np.eye(n, dtype=bool), shape).copy()
    a = _values(rng, shape, dtype)
    return (a + np.eye(n) * (3 * n)).astype(dtype)


def tolerance_dtype(dtype):
    """The dtype whose precision the comparison tolerance follows."""
    dtype = np.dtype(dtype)
    if dtype in KERNEL_DTYPES:
        return dtype
    return np.dtype(np.float32) if dtype == np.float16 else np.dtype(np.float64)


@dataclass
class Spec:
    name: str
    kind: str
    reference: Callable[..., Any] | None = None  # numpy on the computed-dtype operands
    kwargs: dict = field(default_factory=dict)
    dtype_rule: str = "linalg"  # "linalg" | "product" (numpy.matmul rules) | "exact"
    complex_ok: bool = True
    batched: bool = True  # accepts stacked (..., M, N) operands
    check: Callable[..., None] | None = None  # check(result, operands, dtype) instead of reference
    bad_kwargs: list = field(default_factory=list)  # [(kwargs, exception type)]
    nonsquare_raises: bool = True  # for square kinds
    no_huge: bool = False  # would scan a huge zero-stride input instead of allocating (skip "huge")
    accepts_0d: bool = False  # numpy answers for a 0-d operand (norm): compare instead of expecting an error
    structural: bool = False  # moves entries without arithmetic (conj_transpose): any numeric dtype

    @property
    def func(self):
        return getattr(cla, self.name, None)

    @property
    def qualname(self):
        return f"cylinalg.{self.name}"

    def call(self, *operands, **extra):
        kw = dict(self.kwargs)
        kw.update(extra)
        if self.kind == "lu_solve":
            lu, piv, b = operands
            return self.func((lu, piv), b, **kw)
        return self.func(*operands, **kw)


# ---- operand builders -------------------------------------------------------------------

def build_operands(spec: Spec, rng, dtype, n=4, batch=()):
    """Valid operands for `spec` in `dtype` (n x n core, optional batch dims)."""
    dtype = np.dtype(dtype)
    batch = tuple(batch) if spec.batched else ()
    k = spec.kind
    if k == "product":
        return [_values(rng, batch + (n, n + 1), dtype), _values(rng, batch + (n + 1, n - 1 if n > 1 else n), dtype)]
    if k == "matvec":
        return [_values(rng, batch + (n, n + 1), dtype), _values(rng, batch + (n + 1,), dtype)]
    if k == "vector_pair":
        return [_values(rng, (n,), dtype), _values(rng, (n,), dtype)]
    if k == "vector":
        return [_values(rng, (n,), dtype)]
    if k == "matrix":
        return [_values(rng, batch + (n, n + 1), dtype)]
    if k == "square":
        return [well_conditioned(rng, batch + (n, n), dtype)]
    if k == "square_rhs":
        return [well_conditioned(rng, batch + (n, n), dtype), _values(rng, batch + (n, 2), dtype)]
    if k == "lu_solve":
        a = well_conditioned(rng, (n, n), dtype)
        lu, piv = cla.lu_factor(a)
        return [lu, piv, _values(rng, (n, 2), dtype)]
    if k == "exact":
        return [rng.integers(-3, 4, size=(n, n)) + 7 * np.eye(n, dtype=np.int64)]
    if k == "runtime":
        return []
    raise ValueError(k)


def array_positions(spec: Spec):
    """Indices of the operands the bad-input matrix varies (not lu_solve's factor)."""
    if spec.kind == "lu_solve":
        return [2]
    return list(range({"product": 2, "matvec": 2, "vector_pair": 2, "square_rhs": 2}.get(spec.kind, 1 if spec.kind != "runtime" else 0)))


def min_ndim(spec: Spec) -> int:
    """Fewest dims of the first varied operand (lu_solve varies b, which may be a vector)."""
    return 1 if spec.kind in ("vector", "vector_pair", "lu_solve") else 2


# ---- comparison -------------------------------------------------------------------------

def _as_tuple(x):
    if isinstance(x, tuple):
        return tuple(x)
    return (x,)


def assert_matches(result, expected, dtype, name="", exact=False):
    """result == expected within the dtype's tolerance, element by element of tuples."""
    res, exp = _as_tuple(result), _as_tuple(expected)
    assert len(res) == len(exp), f"{name}: {len(res)} outputs, numpy gives {len(exp)}"
    for r, e in zip(res, exp):
        r_arr, e_arr = np.asarray(r), np.asarray(e)
        assert r_arr.shape == e_arr.shape, f"{name}: shape {r_arr.shape}, numpy gives {e_arr.shape}"
        if e_arr.dtype.kind in "biuO" or exact:
            np.testing.assert_array_equal(r_arr, e_arr, err_msg=name)
        else:
            scale = max(1.0, float(np.max(np.abs(e_arr)))) if e_arr.size and np.all(np.isfinite(e_arr)) else 1.0
            np.testing.assert_allclose(r_arr, e_arr, rtol=rtol_for(dtype), atol=rtol_for(dtype) * scale,
                                       err_msg=name)


def _check_lu(result, operands, dtype):
    (a,) = operands
    p, lower, upper = result
    assert_matches(np.asarray(p) @ np.asarray(lower) @ np.asarray(upper), a.astype(np.asarray(upper).dtype),
                   dtype, "lu: P L U != A")


def _check_lu_factor(result, operands, dtype):
    (a,) = operands
    lu, piv = result
    n = a.shape[-1]
    lu = np.asarray(lu)
    lower = np.tril(lu, -1) + np.eye(n, dtype=lu.dtype)
    upper = np.triu(lu)
    pa = a.astype(lu.dtype).copy()
    for i, p in enumerate(np.asarray(piv)):  # LAPACK-style row interchanges, 0-based
        pa[[i, p]] = pa[[p, i]]
    assert_matches(lower @ upper, pa, dtype, "lu_factor: L U != P A")


def _check_lu_solve(result, operands, dtype):
    lu, piv, b = operands
    n = lu.shape[-1]
    lower = np.tril(lu, -1) + np.eye(n, dtype=lu.dtype)
    upper = np.triu(lu)
    a = lower @ upper
    for i in reversed(range(n)):
        p = int(piv[i])
        a[[i, p]] = a[[p, i]]
    assert_matches(a @ np.asarray(result), b.astype(np.asarray(result).dtype), dtype, "lu_solve: A x != b")


def _cosine(x, y):
    """cylinalg's documented cosine: Re(x^H y) / (|x| |y|), NaN for a zero or empty vector."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.vdot(x, y).real / (np.linalg.norm(x) * np.linalg.norm(y)) if np.iscomplexobj(x) else \
            np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))


def _det_exact_ref(a):
    from fractions import Fraction
    m = [[Fraction(int(v)) for v in row] for row in np.asarray(a)]
    n = len(m)
    det = Fraction(1)
    for c in range(n):
        p = next((r for r in range(c, n) if m[r][c] != 0), None)
        if p is None:
            return 0
        if p != c:
            m[c], m[p] = m[p], m[c]
            det = -det
        det *= m[c][c]
        for r in range(c + 1, n):
            f = m[r][c] / m[c][c]
            m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return det


_BAD_AXIS = [({"axis": 5}, (ValueError, IndexError)), ({"ord": "bogus"}, ValueError)]

SPECS = {s.name: s for s in [
    # products (GEMM area): numpy.matmul's dtype rules
    Spec("matmul", "product", np.matmul, dtype_rule="product",
         bad_kwargs=[({"out": np.empty((1, 1))}, ValueError), ({"out": "not an array"}, TypeError)]),
    Spec("matvec", "matvec", lambda a, x: np.matmul(a, x[..., None])[..., 0], dtype_rule="product"),
    # basics area
    Spec("dot", "vector_pair", np.dot, dtype_rule="product", batched=False, no_huge=True),
    Spec("vdot", "vector_pair", np.vdot, dtype_rule="product", batched=False, no_huge=True),
    Spec("inner", "vector_pair", np.inner, dtype_rule="product", batched=False, no_huge=True),
    Spec("outer", "vector_pair", np.outer, dtype_rule="product", batched=False),
    Spec("norm", "vector", np.linalg.norm, batched=False, no_huge=True, bad_kwargs=_BAD_AXIS, accepts_0d=True),
    Spec("distance", "vector_pair", lambda x, y: np.linalg.norm(x - y), batched=False, no_huge=True),
    Spec("cosine_similarity", "vector_pair", _cosine, batched=False, no_huge=True),
    Spec("angle", "vector_pair", lambda x, y: np.arccos(np.clip(_cosine(x, y), -1, 1)), batched=False,
         no_huge=True),
    Spec("conj_transpose", "matrix", lambda a: np.conj(np.swapaxes(a, -1, -2)), structural=True),
    Spec("is_symmetric", "square", lambda a: np.array_equal(a, np.swapaxes(a, -1, -2)), nonsquare_raises=False,
         batched=False, no_huge=True),
    Spec("is_skew_symmetric", "square", lambda a: np.array_equal(a, -np.swapaxes(a, -1, -2)),
         nonsquare_raises=False, batched=False, no_huge=True),
    Spec("is_hermitian", "square", lambda a: np.array_equal(a, np.conj(np.swapaxes(a, -1, -2))),
         nonsquare_raises=False, batched=False, no_huge=True),
    Spec("is_unitary", "square", lambda a: bool(np.allclose(np.conj(a.T) @ a, np.eye(a.shape[-1]))),
         nonsquare_raises=False, batched=False, no_huge=True),
    Spec("is_orthogonal", "square", lambda a: bool(np.allclose(a.T @ a, np.eye(a.shape[-1]))),
         nonsquare_raises=False, batched=False, no_huge=True),
    Spec("is_diagonal", "square", lambda a: np.array_equal(a, np.diag(np.diag(a))), nonsquare_raises=False,
         batched=False, no_huge=True),
    Spec("is_identity", "square", lambda a: np.array_equal(a, np.eye(a.shape[-1])), nonsquare_raises=False,
         batched=False, no_huge=True),
    # LU area
    Spec("lu", "matrix", check=_check_lu, batched=False),
    Spec("lu_factor", "square", check=_check_lu_factor, batched=False, nonsquare_raises=False),  # scipy: m x n
    Spec("lu_solve", "lu_solve", check=_check_lu_solve, batched=False),
    Spec("det", "square", np.linalg.det),
    Spec("slogdet", "square", lambda a: tuple(np.linalg.slogdet(a))),
    Spec("inv", "square", np.linalg.inv),
    Spec("solve", "square_rhs", np.linalg.solve),
    # exact-arithmetic area: ints and Fractions, object dtype allowed
    Spec("minor", "exact", kwargs={"i": 0, "j": 1}, dtype_rule="exact", batched=False,
         reference=lambda a: _det_exact_ref(np.delete(np.delete(a, 0, 0), 1, 1))),
    Spec("cofactor_matrix", "exact", dtype_rule="exact", batched=False),
    Spec("adjugate", "exact", dtype_rule="exact", batched=False),
    Spec("det_laplace", "exact", dtype_rule="exact", batched=False, reference=_det_exact_ref),
    Spec("det_exact", "exact", dtype_rule="exact", batched=False, reference=_det_exact_ref),
    Spec("inv_exact", "exact", dtype_rule="exact", batched=False),
    # runtime knobs
    Spec("set_num_threads", "runtime", bad_kwargs=[({"n": "four"}, TypeError), ({"n": 2.5}, TypeError)]),
    Spec("get_num_threads", "runtime"),
    Spec("set_output_cache_size", "runtime",
         bad_kwargs=[({"nbytes": "big"}, TypeError), ({"nbytes": 2.5}, TypeError), ({"nbytes": -1}, ValueError)]),
    Spec("get_output_cache_size", "runtime"),
    Spec("show_runtime", "runtime"),
    Spec("runtime_info", "runtime"),
]}

ARRAY_SPECS = [s for s in SPECS.values() if s.kind not in ("runtime",)]
NUMERIC_SPECS = [s for s in ARRAY_SPECS if s.kind != "exact"]


def present(spec: Spec) -> bool:
    if spec.func is None:
        return False
    if spec.kind == "lu_solve":
        return hasattr(cla, "lu_factor")
    return True


def expected_answer(spec: Spec, operands, dtype):
    """numpy's answer for these operands under the spec's dtype rule (reference on the
    computed dtype), or None when the spec checks itself."""
    if spec.reference is None:
        return None
    if spec.dtype_rule == "linalg":
        compute = linalg_compute_dtype(dtype)
        operands = [op.astype(compute) if isinstance(op, np.ndarray) and op.dtype.kind in "biufc" else op
                    for op in operands]
    return spec.reference(*operands)


def verify(spec: Spec, result, operands, dtype):
    """Assert `result` is right for `operands` (numpy's answer or the spec's own check)."""
    if spec.check is not None:
        compute = linalg_compute_dtype(dtype) if spec.dtype_rule == "linalg" else dtype
        spec.check(result, operands, compute)
        return
    expected = expected_answer(spec, operands, dtype)
    if expected is None:
        return
    assert_matches(result, expected, tolerance_dtype(dtype), spec.name)


def memory_owner(a):
    """The array that owns a's buffer (so a check covers the gaps of strided views too)."""
    while isinstance(getattr(a, "base", None), np.ndarray):
        a = a.base
    return a


def snapshot(operands):
    return [memory_owner(op).tobytes() if isinstance(op, np.ndarray) else None for op in operands]


def assert_unmodified(spec: Spec, operands, before):
    for i, (op, b) in enumerate(zip(operands, before)):
        if b is not None:
            assert memory_owner(op).tobytes() == b, f"{spec.name} modified its input operand {i}"


