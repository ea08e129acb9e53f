"""cylinalg: linear algebra for machine learning, with hand-written Cython/C kernels under a
numpy.linalg-compatible API.  ``import cylinalg as cla``."""

__version__ = "0.1.0"

try:
    from ._core import _kernels  # noqa: F401
except ImportError as exc:  # pragma: no cover
    raise ImportError(
        "cylinalg's compiled extension could not be imported. If you are working from a source "
        "checkout, build it first with `pip install .` (or `pip install -e .`), and do not run "
        f"Python from inside the source tree's src/ folder. Original error: {exc}"
    ) from exc

from ._errors import *  # noqa: E402,F401,F403
from ._runtime import *  # noqa: E402,F401,F403
from ._products import *  # noqa: E402,F401,F403
from ._basics import *  # noqa: E402,F401,F403
from .linalg import *  # noqa: E402,F401,F403
from .exact import *  # noqa: E402,F401,F403
from . import _errors, _runtime, _products, _basics, linalg, exact  # noqa: E402

__all__ = (["__version__"] + _errors.__all__ + _runtime.__all__ + _products.__all__
           + _basics.__all__ + linalg.__all__ + exact.__all__)
