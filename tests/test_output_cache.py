"""Large results come from a cache of freed blocks (csrc/alloc.c, set_output_cache_size)."""
import os
import pickle
import subprocess
import sys
import threading

import numpy as np
import pytest

import cylinalg as cla
from cylinalg._core import _kernels

try:
    from numpy._core.multiarray import get_handler_name
except ImportError:  # pragma: no cover - numpy 1.x layout
    from numpy.core.multiarray import get_handler_name

MIB = 2**20
N = 1024  # a float64 N x N result is 8 MiB: cached (from 4 MiB)


@pytest.fixture
def cache():
    """Start from an empty cache of the default size; restore it afterwards."""
    cla.set_output_cache_size(0)
    cla.set_output_cache_size(None)
    yield
    cla.set_output_cache_size(0)
    cla.set_output_cache_size(None)


def _operands(rng, n=N, dtype=np.float64):
    return rng.standard_normal((n, 64)).astype(dtype), rng.standard_normal((64, n)).astype(dtype)


def test_freed_result_is_reused_and_overwritten(rng, cache):
    a, b = _operands(rng)
    c = cla.matmul(a, b)
    assert get_handler_name(c) == "cylinalg_output_cache"
    assert c.flags.owndata and c.flags.c_contiguous and c.flags.writeable and c.base is None
    where = c.ctypes.data
    c[...] = np.nan  # the next result must not see these
    del c
    limit, held, blocks = _kernels.output_cache_info()
    assert blocks == 1 and 8 * MIB <= held <= limit
    a2, b2 = _operands(rng)
    d = cla.matmul(a2, b2)
    assert d.ctypes.data == where
    assert _kernels.output_cache_info()[2] == 0
    np.testing.assert_allclose(d, a2 @ b2, rtol=1e-12, atol=1e-12)


def test_small_results_and_a_disabled_cache_use_numpys_allocator(rng, cache):
    a, b = _operands(rng, n=256)  # 512 KiB
    assert get_handler_name(cla.matmul(a, b)) == "default_allocator"
    cla.set_output_cache_size(0)
    assert cla.get_output_cache_size() == 0
    a, b = _operands(rng)
    c = cla.matmul(a, b)
    assert get_handler_name(c) == "default_allocator"
    del c
    assert _kernels.output_cache_info()[1:] == (0, 0)


def test_limit_evicts_the_oldest(rng, cache):
    a, b = _operands(rng)
    r0, r1, r2 = (cla.matmul(a, b) for _ in range(3))
    kept = {r1.ctypes.data, r2.ctypes.data}
    cla.set_output_cache_size(25 * MIB)  # two 8 MiB results (10 MiB blocks) fit, not three
    del r0, r1, r2  # r0 is evicted to make room for r2
    limit, held, blocks = _kernels.output_cache_info()
    assert limit == 25 * MIB and blocks == 2 and held <= limit
    again = [cla.matmul(a, b) for _ in range(3)]
    assert {r.ctypes.data for r in again[:2]} == kept
    cla.set_output_cache_size(0)
    assert _kernels.output_cache_info()[1:] == (0, 0)
    for r in again:
        np.testing.assert_allclose(r, a @ b, rtol=1e-12, atol=1e-12)


def test_sizes_far_apart_do_not_share_a_block(rng, cache):
    a, b = _operands(rng, n=2 * N)  # 32 MiB
    big = cla.matmul(a, b)
    where = big.ctypes.data
    del big
    a, b = _operands(rng)  # 8 MiB: a 34 MiB block would waste most of itself
    small = cla.matmul(a, b)
    assert small.ctypes.data != where
    np.testing.assert_allclose(small, a @ b, rtol=1e-12, atol=1e-12)


def test_cached_results_behave_as_arrays(rng, cache):
    a, b = _operands(rng)
    c = cla.matmul(a, b)
    expected = a @ b
    view = c[::7, 3:]
    del c  # the view keeps the block alive
    np.testing.assert_allclose(view, expected[::7, 3:], rtol=1e-12, atol=1e-12)
    assert _kernels.output_cache_info()[2] == 0
    del view
    assert _kernels.output_cache_info()[2] == 1
    c = cla.matmul(a, b)
    c.resize((2 * N, N), refcheck=False)  # grows: a new block, the data copied
    np.testing.assert_allclose(c[:N], expected, rtol=1e-12, atol=1e-12)
    assert not c[N:].any()  # numpy zero-fills what resize adds
    c.resize((N // 2, N), refcheck=False)  # shrinks in place
    np.testing.assert_allclose(c, expected[: N // 2], rtol=1e-12, atol=1e-12)
    back = pickle.loads(pickle.dumps(c))
    np.testing.assert_array_equal(back, c)
    np.testing.assert_array_equal(np.copy(c), c)


@pytest.mark.parametrize("dtype", [np.float32, np.complex128])
def test_other_dtypes_and_stacks(rng, cache, dtype):
    a = rng.standard_normal((3, 700, 32)).astype(dtype)
    b = rng.standard_normal((32, 700)).astype(dtype)
    for _ in range(3):
        c = cla.matmul(a, b)
        assert get_handler_name(c) == "cylinalg_output_cache"
        np.testing.assert_allclose(c, np.matmul(a, b), rtol=1e-4, atol=1e-4)


def test_threads_share_the_cache(rng, cache):
    cla.set_output_cache_size(30 * MIB)  # fewer blocks than threads: they evict each other's
    a, b = _operands(rng)
    expected = a @ b
    errors = []

    def work():
        try:
            for _ in range(20):
                c = cla.matmul(a, b)
                if not np.allclose(c, expected, rtol=1e-12, atol=1e-12):
                    errors.append("wrong result")
                del c
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    limit, held, blocks = _kernels.output_cache_info()
    assert held <= limit and blocks <= 3


def test_knob_validation(cache):
    with pytest.raises(TypeError, match="set_output_cache_size"):
        cla.set_output_cache_size("1 GiB")
    with pytest.raises(ValueError, match="set_output_cache_size"):
        cla.set_output_cache_size(-1)
    cla.set_output_cache_size(np.int64(3 * MIB))
    assert cla.get_output_cache_size() == 3 * MIB
    cla.set_output_cache_size(None)
    assert cla.get_output_cache_size() == 256 * MIB
    assert cla.runtime_info()["output_cache"]["limit"] == 256 * MIB


@pytest.mark.parametrize("value, expected, warns", [("1.5", int(1.5 * MIB), False), ("0", 0, False),
                                                    ("lots", 256 * MIB, True), ("-2", 256 * MIB, True)])
def test_env_knob(value, expected, warns):
    env = dict(os.environ, CYLINALG_OUTPUT_CACHE_MB=value)
    code = ("import warnings; warnings.simplefilter('always')\n"
            "import cylinalg as c; print(c.get_output_cache_size())")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(run.stdout) == expected
    assert ("CYLINALG_OUTPUT_CACHE_MB" in run.stderr) == warns


def test_factorizations_results_come_from_the_cache(rng, cache):
    n = 1024
    a = rng.standard_normal((n, n)) + n * np.eye(n)
    b = rng.standard_normal((n, n))
    for result, expected in ((cla.inv(a), np.linalg.inv(a)), (cla.solve(a, b), np.linalg.solve(a, b)),
                             (cla.lu_factor(a)[0], None)):
        assert get_handler_name(result) == "cylinalg_output_cache"
        if expected is not None:
            np.testing.assert_allclose(result, expected, rtol=1e-9, atol=1e-12)
    f = _kernels.empty((n, n), np.float64, "F")
    assert f.flags.f_contiguous and get_handler_name(f) == "cylinalg_output_cache"
    assert get_handler_name(_kernels.empty(10, np.float64)) == "default_allocator"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_uses_the_cache():
    """A child forked with a block in the cache reuses it, and the parent still can."""
    code = (
        "import os, numpy as np, cylinalg as cla\n"
        "rng = np.random.default_rng(0)\n"
        "a = rng.standard_normal((1024, 64)); b = rng.standard_normal((64, 1024))\n"
        "c = cla.matmul(a, b); del c\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    ok = all(np.allclose(cla.matmul(a, b), a @ b) for _ in range(3))\n"
        "    os._exit(0 if ok else 1)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "assert os.waitstatus_to_exitcode(status) == 0\n"
        "assert np.allclose(cla.matmul(a, b), a @ b)\n"
        "print('ok')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr
