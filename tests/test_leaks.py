"""Memory: each public function called many times (valid calls in every dtype, and calls that
raise) grows the process's resident memory by less than 1 MiB, and leaves its inputs' reference
counts as they were.  The full 100,000-call soak is `slow`; the fast suite runs 5,000."""
import gc
import os
import sys
import warnings

import numpy as np
import pytest

import cylinalg as cla

from api_specs import KERNEL_DTYPES, NUMERIC_SPECS, build_operands, present

MiB = 1 << 20


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# ASan's quarantine keeps freed memory resident, so RSS says nothing under scripts/sanitize.sh.
rss_checks = pytest.mark.skipif(not os.path.exists("/proc/self/statm") or bool(os.environ.get("CYLINALG_UNDER_SANITIZER")),
                                reason="RSS via /proc (Linux), not under sanitizers")


def _cases(spec, rng):
    """Callables covering each dtype and an error path (wrong shape)."""
    cases = []
    for dtype in KERNEL_DTYPES:
        operands = build_operands(spec, rng, dtype, n=5, batch=(2,))
        cases.append(lambda ops=operands: spec.call(*ops))
    wrong = build_operands(spec, rng, np.float64)
    wrong[0] = np.ones((3, 7)) if wrong[0].ndim >= 2 else np.ones(7)  # mismatched or non-square

    def failing():
        try:
            with warnings.catch_warnings():  # a singular factor warns (lu_factor): not a leak
                warnings.simplefilter("ignore", cla.LinAlgWarning)
                spec.call(*wrong)
        except (ValueError, TypeError, MemoryError):
            pass

    cases.append(failing)
    return cases


def _growth(spec, rng, calls):
    cases = _cases(spec, rng)
    for _ in range(200):  # warm caches, allocator pools and lazily built tables
        for case in cases:
            case()
    gc.collect()
    before = _rss()
    for i in range(calls):
        cases[i % len(cases)]()
    gc.collect()
    return _rss() - before


def _check(spec, rng, calls):
    if not present(spec):
        pytest.skip(f"cylinalg.{spec.name} is not in this build yet")
    growth = _growth(spec, rng, calls)
    if growth >= MiB:  # the allocator may settle once more; a real leak keeps growing
        growth = _growth(spec, rng, calls)
    assert growth < MiB, f"{spec.name}: RSS grew {growth / MiB:.2f} MiB over {calls} calls"


@rss_checks
@pytest.mark.parametrize("spec", NUMERIC_SPECS, ids=lambda s: s.name)
def test_no_leak_short(spec, rng):
    _check(spec, rng, 5_000)


@rss_checks
@pytest.mark.slow
@pytest.mark.parametrize("spec", NUMERIC_SPECS, ids=lambda s: s.name)
def test_no_leak_100k_calls(spec, rng):
    _check(spec, rng, 100_000)


@pytest.mark.parametrize("spec", NUMERIC_SPECS, ids=lambda s: s.name)
def test_input_refcounts_unchanged(spec, rng):
    if not present(spec):
        pytest.skip(f"cylinalg.{spec.name} is not in this build yet")
    operands = build_operands(spec, rng, np.float64, batch=(2,))
    spec.call(*operands)
    before = [sys.getrefcount(op) for op in operands]
    for _ in range(100):
        result = spec.call(*operands)
    del result
    assert [sys.getrefcount(op) for op in operands] == before
