"""Runtime information, the thread knob and the result cache's size."""
import os
import warnings

import numpy as np

from ._core import _kernels

__all__ = ["show_runtime", "runtime_info", "set_num_threads", "get_num_threads",
           "set_output_cache_size", "get_output_cache_size"]

_DEFAULT_OUTPUT_CACHE = _kernels.output_cache_info()[0]


def runtime_info():
    """Dict with the version, detected CPU features, kernel level in use and thread budget."""
    from . import __version__

    info = {"version": __version__, "numpy": np.__version__}
    info.update(_kernels.runtime_info())
    limit, held, blocks = _kernels.output_cache_info()
    info["output_cache"] = {"limit": limit, "held": held, "blocks": blocks}
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
    cache = info["output_cache"]
    print(f"  result cache: {cache['held'] / 2**20:.0f} of {cache['limit'] / 2**20:.0f} MiB held"
          f" ({cache['blocks']} blocks)")


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


def set_output_cache_size(nbytes):
    """Set how many bytes of freed results cylinalg may keep for reuse (process-wide).

    A large result (4 MiB and up) is written into fresh memory, whose pages the operating system
    maps and zeroes on first touch: for a 2048 x 2048 float64 product with 2 threads that took
    5-7% of the time.  cylinalg therefore allocates such results itself (through numpy's
    memory-handler hooks, so they are ordinary arrays that own their data) and, when one is
    freed, keeps its memory to give to the next result of about the same size.  The cache holds
    at most ``nbytes`` in all, the oldest blocks going first; ``0`` turns it off and returns what
    it holds to the system; ``None`` restores the default: ``CYLINALG_OUTPUT_CACHE_MB`` (MiB) if
    set, else 256 MiB."""
    if nbytes is None:
        nbytes = _env_output_cache()
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, np.integer)):
        raise TypeError(f"cylinalg.set_output_cache_size: expected an int, got {type(nbytes).__name__}")
    if nbytes < 0:
        raise ValueError(f"cylinalg.set_output_cache_size: expected nbytes >= 0, got {nbytes}")
    _kernels.set_output_cache_limit(min(int(nbytes), 2**63 - 1))


def get_output_cache_size():
    """Most bytes of freed results cylinalg keeps for reuse (see ``set_output_cache_size``)."""
    return _kernels.output_cache_info()[0]


def _env_output_cache():
    value = os.environ.get("CYLINALG_OUTPUT_CACHE_MB")
    if value is None or not value.strip():
        return _DEFAULT_OUTPUT_CACHE
    try:
        mib = float(value)
        if not mib >= 0 or mib * 2**20 >= 2**63:
            raise ValueError
    except ValueError:
        warnings.warn(f"cylinalg: ignoring CYLINALG_OUTPUT_CACHE_MB={value!r} (expected MiB >= 0)",
                      RuntimeWarning, stacklevel=3)
        return _DEFAULT_OUTPUT_CACHE
    return int(mib * 2**20)


set_output_cache_size(None)
