"""Every case the fuzzer (benchmarks/fuzz.py) ever saved in tests/fuzz/crashes/ is replayed in a
subprocess (a crash must not take pytest down) and must now pass, plus a short fuzz smoke run."""
import glob
import os
import subprocess
import sys

import pytest

import cylinalg

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FUZZ = os.path.join(ROOT, "benchmarks", "fuzz.py")
CASES = sorted(glob.glob(os.path.join(HERE, "crashes", "*.json")))


# The subprocess imports the cylinalg under test (an installed copy in CI, src/ in a build tree).
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(cylinalg.__file__)))


def _run(args, timeout):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (PACKAGE_PARENT, env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, FUZZ, *args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.mark.parametrize("case", CASES, ids=[os.path.basename(c) for c in CASES])
def test_saved_fuzz_case(case):
    proc = _run(["--replay", case], timeout=120)
    assert proc.returncode == 0, f"{os.path.basename(case)}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"


def test_fuzz_smoke(tmp_path):
    """A few seconds of fuzzing from a fixed seed: the harness works and finds nothing."""
    proc = _run(["--minutes", "0.05", "--seed", "12345", "--crash-dir", str(tmp_path)], timeout=120)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "0 crashes, 0 findings" in proc.stdout


@pytest.mark.slow
def test_fuzz_five_minutes():
    proc = _run(["--minutes", "5"], timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
