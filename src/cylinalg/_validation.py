"""Shared input validation: every public function validates through these helpers, in the
same order: ``_makearray`` -> shape checks -> ``_linalg_dtype`` / ``_as_operand`` -> kernel.

Dtype contract for linear-algebra functions (numpy.linalg's, with two documented choices):
  float32, float64, complex64, complex128  kept
  bool, signed and unsigned ints           -> float64
  float16                                  -> float32 (numpy.linalg raises TypeError)
  longdouble, clongdouble                  TypeError (no silent downcast)
  object, str, bytes, void, datetime       TypeError
Messages always start with the public function's name, e.g. ``"cylinalg.det: ..."``.
"""
import numpy as np

from ._core import _kernels
from ._errors import LinAlgError

__all__: list = []

_f4, _f8, _c8, _c16 = (np.dtype(c) for c in "fdFD")
KERNEL_DTYPES = frozenset((_f4, _f8, _c8, _c16))

# input dtype -> dtype the linear-algebra kernels compute in
_LINALG_COMPUTE = {_f4: _f4, _f8: _f8, _c8: _c8, _c16: _c16, np.dtype(np.float16): _f4}
_REAL_OF = {_f4: _f4, _f8: _f8, _c8: _f4, _c16: _f8}


def _fail_type(fname, dtype):
    raise TypeError(
        f"{fname}: array of dtype {dtype} is not supported; "
        "use float32, float64, complex64, complex128, int or bool"
    )


def _asarray(a, fname: str) -> np.ndarray:
    """``np.asarray`` of any dtype whose conversion errors (ragged lists, ...) name the function;
    for the products, which hand dtypes without a kernel to numpy."""
    if type(a) is np.ndarray:
        return a
    try:
        return np.asarray(a)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{fname}: could not convert input to an array: {exc}") from None


def _makearray(a, fname: str) -> np.ndarray:
    """``_asarray`` that refuses dtypes no numeric function can use (object, str, ...)."""
    a = _asarray(a, fname)
    if a.dtype.kind not in "biufc":
        _fail_type(fname, a.dtype)
    return a


def _linalg_dtype(fname, *arrays):
    """The dtype a linear-algebra kernel computes in, for these (validated) arrays."""
    compute = None
    for a in arrays:
        dt = a.dtype
        if not dt.isnative:  # byte-swapped ('>f8' on little-endian): compute in the native type
            dt = dt.newbyteorder("=")
        c = _LINALG_COMPUTE.get(dt)
        if c is None:
            if dt.kind in "biu":
                c = _f8
            else:  # longdouble, clongdouble
                _fail_type(fname, dt)
        compute = c if compute is None else np.promote_types(compute, c)
    return compute


def _real_dtype(dtype):
    return _REAL_OF[dtype]


def _as_operand(a: np.ndarray, dtype) -> np.ndarray:
    """``a`` as ``dtype``, aligned, with strides that are whole elements (any layout and sign
    kept, no copy when already so).  Kernels only read it: one that works in place copies."""
    if a.dtype != dtype:
        return a.astype(dtype)
    if not a.flags.aligned:
        return a.copy()
    isz = dtype.itemsize
    for s in a.strides:
        if s % isz:
            return a.copy()
    return a


def _assert_stacked_2d(fname, *arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError(
                f"{fname}: {a.ndim}-dimensional array given (shape {a.shape}); "
                "array must be at least two-dimensional"
            )


def _assert_stacked_square(fname, *arrays):
    for a in arrays:
        if a.ndim < 2:
            raise LinAlgError(
                f"{fname}: {a.ndim}-dimensional array given (shape {a.shape}); "
                "array must be at least two-dimensional"
            )
        m, n = a.shape[-2:]
        if m != n:
            raise LinAlgError(f"{fname}: last 2 dimensions of the array must be square, got shape {a.shape}")


def _assert_finite(fname, *arrays):
    for a in arrays:
        if not np.isfinite(a).all():
            raise LinAlgError(f"{fname}: array must not contain infs or NaNs")


def _broadcast_batch(fname, *shapes):
    """Broadcast batch shapes (the leading dims), naming the function on mismatch."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise ValueError(
            f"{fname}: batch dimensions {', '.join(str(s) for s in shapes)} do not broadcast"
        ) from None


def _empty(fname: str, shape, dtype, order="C") -> np.ndarray:
    """``np.empty`` for a result (large ones from cylinalg's result cache, see
    ``set_output_cache_size``) that reports an impossible size as MemoryError (numpy says
    ValueError when the byte count overflows)."""
    try:
        return _kernels.empty(shape, dtype, order)
    except ValueError as exc:
        if "too big" in str(exc) or "maximum" in str(exc):
            raise MemoryError(f"{fname}: result of shape {tuple(shape)} is too large to allocate") from None
        raise


def _check_axis(fname, axis, ndim):
    """Normalise an int axis into range, with numpy's AxisError on failure."""
    try:
        return np.lib.array_utils.normalize_axis_index(axis, ndim)
    except (AttributeError, ImportError):  # numpy < 2
        from numpy.core.multiarray import normalize_axis_index

        return normalize_axis_index(axis, ndim)
    except np.exceptions.AxisError as exc:
        raise np.exceptions.AxisError(f"{fname}: {exc}") from None
