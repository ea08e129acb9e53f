"""Exception and warning classes.

``LinAlgError`` subclasses ``numpy.linalg.LinAlgError`` (itself a ``ValueError``), so code that
catches numpy's error keeps working with cylinalg.
"""
import numpy as np

__all__ = ["LinAlgError", "LinAlgWarning", "ConvergenceWarning"]


class LinAlgError(np.linalg.LinAlgError):
    """Raised by cylinalg's linear-algebra functions (singular matrix, wrong shape, ...)."""


class LinAlgWarning(RuntimeWarning):
    """An operation succeeded but its result may be inaccurate (e.g. ill-conditioned matrix)."""


class ConvergenceWarning(RuntimeWarning):
    """An iterative method stopped at its iteration cap before meeting its tolerance."""
