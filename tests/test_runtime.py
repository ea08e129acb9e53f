import os
import subprocess
import sys

import numpy as np
import pytest

import cylinalg as cla
from cylinalg._core import _kernels


def test_version_and_runtime(capsys):
    cla.show_runtime()
    out = capsys.readouterr().out
    assert cla.__version__ in out
    assert "kernels:" in out and "threads:" in out
    info = cla.runtime_info()
    assert info["arch"] in ("ref", "avx2", "avx512")
    assert info["num_threads"] >= 1


def test_linalgerror_is_numpys():
    assert issubclass(cla.LinAlgError, np.linalg.LinAlgError)
    assert issubclass(cla.LinAlgError, ValueError)


@pytest.mark.parametrize("value, expected", [("ref", "ref"), ("bogus", None)])
def test_arch_env_override(value, expected):
    env = dict(os.environ, CYLINALG_ARCH=value)
    code = "import cylinalg as c; i = c.runtime_info(); print(i['arch'], '|', i['dispatch_note'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    arch, note = (s.strip() for s in out.split("|"))
    if expected:
        assert arch == expected and note == ""
    else:
        assert arch == cla.runtime_info()["best_arch"] and "bogus" in note


def test_set_arch_in_process():
    previous = _kernels.get_arch()
    try:
        assert _kernels.set_arch("ref") == "ref"
        assert cla.runtime_info()["arch"] == "ref"
        with pytest.raises(ValueError, match="set_arch"):
            _kernels.set_arch("sparc")
    finally:
        _kernels.set_arch(previous)


def test_num_threads_knob():
    default = cla.get_num_threads()
    try:
        cla.set_num_threads(1)
        assert cla.get_num_threads() == 1
        with pytest.raises(TypeError, match="set_num_threads"):
            cla.set_num_threads("2")
    finally:
        cla.set_num_threads(0)
    assert cla.get_num_threads() == default


def test_num_threads_env():
    env = dict(os.environ, CYLINALG_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", "import cylinalg as c; print(c.get_num_threads())"],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "1"


def test_benchmark_scripts_compile():
    """Every script in benchmarks/ at least parses (they are run by hand, not by the suite)."""
    import pathlib
    scripts = sorted((pathlib.Path(__file__).resolve().parent.parent / "benchmarks").glob("*.py"))
    if not scripts:
        pytest.skip("no benchmarks/ next to tests/")
    for path in scripts:
        compile(path.read_text(), str(path), "exec")
