"""Runtime information and the thread knob."""
import numpy as np

from ._core import _kernels

__all__ = ["show_runtime", "runtime_info", "set_num_threads", "get_num_threads"]


def runtime_info():
    """Dict with the version, detected CPU features, kernel level in use and thread budget."""
    from . import __version__

    info = {"version": __version__, "numpy": np.__version__}
    info.update(_kernels.runtime_info())
    return info


def show_runtime():
    """Print the version, detected instruction sets, chosen kernels and thread count."""
    info = runtime_info()
    print(f"cylinalg {info['version']} (numpy {info['numpy']})")
    print(f"  cpu:          {info['cpu'] or 'unknown'}")
    print(f"  features:     {' '.join(info['cpu_features']) or 'none detected'}")
    print(f"  kernels:      {info['arch']} (best supported: {info['best_arch']}"
          + (f", CYLINALG_ARCH={info['requested_arch']}" if info["requested_arch"] else "") + ")")
    if info["dispatch_note"]:
        print(f"  note:         {info['dispatch_note']}")
    for dtype, k in info["gemm"].items():
        print(f"  gemm {dtype:<11} {k['kernel']} (MR={k['mr']} NR={k['nr']} MC={k['mc']} KC={k['kc']} NC={k['nc']})")
    print(f"  threads:      {info['num_threads']} of {info['num_cores']} cores"
          f" (OpenMP {'on' if info['openmp'] else 'off: single-threaded build'})")


def set_num_threads(n):
    """Set how many threads cylinalg's parallel kernels may use in total (process-wide).

    ``n <= 0`` (or None) restores the default: ``CYLINALG_NUM_THREADS`` if set, else the
    number of cores available to the process.  OpenMP's own limit (``OMP_NUM_THREADS``,
    threadpoolctl) caps it further.  Concurrent calls from several Python threads share the
    budget, so they never oversubscribe the machine."""
    if n is None:
        n = 0
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"cylinalg.set_num_threads: expected an int, got {type(n).__name__}")
    _kernels.set_num_threads(max(int(n), 0) if int(n) < 2**31 else 2**31 - 1)


def get_num_threads():
    """Number of threads cylinalg's parallel kernels use (see ``set_num_threads``)."""
    return _kernels.get_num_threads()
