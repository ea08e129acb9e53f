"""The main job: ``python -m cylinalg.bench [--quick]``.

Times cylinalg against numpy in the same process on what exists (interleaved rounds, median
time per call, warm-up first), checks every result against numpy, and prints a table:
function, size, cylinalg time, numpy time, ratio (numpy time / cylinalg time: > 1 means
cylinalg is faster), check.  Thread counts are stated in the header; numpy's OpenBLAS is
pinned to cylinalg's thread count when threadpoolctl is installed.  The fuller scripts are in
the repository's benchmarks/ folder.
"""
import argparse
import os
import sys

# OpenBLAS reads these at load time; they skew numpy's timings, so benchmark without them.
_SKEW_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if __name__ == "__main__" and any(v in os.environ for v in _SKEW_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _SKEW_VARS}
    os.execve(sys.executable, [sys.executable, "-m", "cylinalg.bench", *sys.argv[1:]], env)

import time  # noqa: E402

import numpy as np  # noqa: E402

import cylinalg as cla  # noqa: E402

__all__ = ["Case", "cases", "run", "main", "measure", "machine_info", "settle_threads"]


class Case:
    """One benchmark row: a cylinalg callable, the numpy callable it is compared with, and a
    check of the result (``check(ours, theirs) -> bool``)."""

    def __init__(self, name, size, ours, theirs, check=None):
        self.name, self.size, self.ours, self.theirs = name, size, ours, theirs
        self.check = check or _allclose

    def __repr__(self):
        return f"Case({self.name!r}, {self.size!r})"


def _allclose(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape:
        return False
    if x.dtype.kind in "fc":
        eps = np.finfo(x.dtype).eps
        scale = max(float(np.max(np.abs(y))) if y.size else 0.0, 1e-300)
        return bool(np.all(np.abs(x - y) <= 1e3 * eps * scale))
    return bool(np.array_equal(x, y))


def _rand(rng, shape, dtype=np.float64):
    dtype = np.dtype(dtype)
    x = rng.standard_normal(shape)
    if dtype.kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def cases(quick=False):
    """The benchmark rows for what exists, smallest first."""
    rng = np.random.default_rng(0)
    out = []
    # -- matrix products ---------------------------------------------------------------
    sizes = (4, 32, 256) if quick else (4, 16, 64, 256, 1024)
    for dt in (np.float64, np.float32, np.complex128):
        for n in sizes:
            if dt != np.float64 and n > 256:
                continue
            a, b = _rand(rng, (n, n), dt), _rand(rng, (n, n), dt)
            out.append(Case(f"matmul {np.dtype(dt).name}", f"{n}x{n}",
                            lambda a=a, b=b: cla.matmul(a, b), lambda a=a, b=b: np.matmul(a, b)))
    a, b = _rand(rng, (10_000, 64)), _rand(rng, (64, 64))
    out.append(Case("matmul float64 tall-skinny", "10000x64 @ 64x64",
                    lambda a=a, b=b: cla.matmul(a, b), lambda a=a, b=b: np.matmul(a, b)))
    for n, count in ((3, 10_000 if quick else 100_000), (4, 10_000 if quick else 100_000)):
        a, b = _rand(rng, (count, n, n)), _rand(rng, (count, n, n))
        out.append(Case("matmul stack", f"{count}x{n}x{n}",
                        lambda a=a, b=b: cla.matmul(a, b), lambda a=a, b=b: np.matmul(a, b)))
    out += _cases_basics(rng, quick)
    out += _cases_lu(rng, quick)
    return out


def _cases_basics(rng, quick):
    """Vector basics: dot, norms, cosine similarity (numpy has no cosine: its idiom is timed)."""
    out = []
    for n in (1_000, 1_000_000):
        x, y = _rand(rng, n), _rand(rng, n)
        size = f"n={n:.0e}".replace("+0", "")
        out.append(Case("dot float64", size, lambda x=x, y=y: cla.dot(x, y), lambda x=x, y=y: np.dot(x, y)))
        out.append(Case("norm float64", size, lambda x=x: cla.norm(x), lambda x=x: np.linalg.norm(x)))
    x32 = _rand(rng, 1_000_000, np.float32)
    out.append(Case("norm float32", "n=1e6", lambda: cla.norm(x32), lambda: np.linalg.norm(x32),
                    check=lambda a, b: abs(float(a) - float(b)) <= 1e-5 * float(b)))
    z = _rand(rng, 1_000, np.complex128)
    out.append(Case("vdot complex128", "n=1e3", lambda: cla.vdot(z, z), lambda: np.vdot(z, z)))
    small = _rand(rng, 8)
    out.append(Case("norm float64 small", "n=8", lambda: cla.norm(small), lambda: np.linalg.norm(small)))
    x, y = _rand(rng, 1_000), _rand(rng, 1_000)
    out.append(Case("cosine_similarity", "n=1e3", lambda: cla.cosine_similarity(x, y),
                    lambda: np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y))))
    stack = _rand(rng, (10_000, 64))
    out.append(Case("norm axis=-1", "10000x64", lambda: cla.norm(stack, axis=-1),
                    lambda: np.linalg.norm(stack, axis=-1)))
    a = _rand(rng, (1_000, 1_000))
    out.append(Case("norm fro", "1000x1000", lambda: cla.norm(a, "fro"), lambda: np.linalg.norm(a, "fro")))
    out.append(Case("outer float64", "1000x1000", lambda: cla.outer(x, y), lambda: np.outer(x, y)))
    return out


def _cases_lu(rng, quick):
    """LU family: det, inv, solve on single tiny, stacked and larger matrices."""
    out = []
    for n in (2, 3, 4):
        a = _rand(rng, (n, n)) + 2 * n * np.eye(n)
        b = _rand(rng, (n,))
        out.append(Case("det", f"{n}x{n}", lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a)))
        out.append(Case("inv", f"{n}x{n}", lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a)))
        out.append(Case("solve", f"{n}x{n}", lambda a=a, b=b: cla.solve(a, b),
                        lambda a=a, b=b: np.linalg.solve(a, b)))
    count = 10_000 if quick else 100_000
    for n in (2, 3, 4, 8):
        a = _rand(rng, (count, n, n)) + 2 * n * np.eye(n)
        b = _rand(rng, (count, n, 1))
        size = f"{count}x{n}x{n}"
        out.append(Case("det stack", size, lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a)))
        out.append(Case("inv stack", size, lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a)))
        out.append(Case("solve stack", size, lambda a=a, b=b: cla.solve(a, b),
                        lambda a=a, b=b: np.linalg.solve(a, b)))
    for n in (64, 256) if quick else (64, 256, 1024):
        a = _rand(rng, (n, n)) / np.sqrt(n) + np.eye(n)  # det stays in range
        b = _rand(rng, (n,))
        out.append(Case("det", f"{n}x{n}", lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a)))
        out.append(Case("inv", f"{n}x{n}", lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a)))
        out.append(Case("solve", f"{n}x{n}", lambda a=a, b=b: cla.solve(a, b),
                        lambda a=a, b=b: np.linalg.solve(a, b)))
    return out


# After a call, OpenBLAS's idle workers busy-wait for 2**28 TSC ticks (about 0.1 s;
# OPENBLAS_THREAD_TIMEOUT) and libgomp's for a few ms.  A multi-threaded kernel timed right
# after the other library shares its cores with those spinners, which measures the neighbour,
# not the kernel (2-thread GEMM at n = 256 read 0.5x numpy that way).  So with more than one
# thread, each library's round of a case long enough to use threads starts after this pause.
SETTLE_SECONDS = 0.15


def settle_threads(seconds_per_call):
    """Pause before a timing round when threads are in play (see SETTLE_SECONDS)."""
    if seconds_per_call > 2e-5 and cla.get_num_threads() > 1:
        time.sleep(SETTLE_SECONDS)


def _time_per_call(fn, budget):
    """Seconds per call, from enough calls to fill ``budget`` seconds."""
    t0 = time.perf_counter()
    fn()
    settle_threads(time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _ in range(3):
        fn()
    once = (time.perf_counter() - t0) / 3
    reps = max(1, min(100_000, int(budget / max(once, 1e-9))))
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def measure(case, rounds, budget):
    """Interleaved rounds (ours, theirs, ours, ...) after a warm-up; medians per call."""
    case.ours(), case.theirs()  # warm-up (allocations, page faults, thread start)
    ours, theirs = [], []
    for _ in range(rounds):
        ours.append(_time_per_call(case.ours, budget))
        theirs.append(_time_per_call(case.theirs, budget))
    return float(np.median(ours)), float(np.median(theirs))


def machine_info():
    """Machine, library and thread facts to record beside every benchmark result."""
    import platform

    info = cla.runtime_info()
    facts = {
        "cpu": info["cpu"] or platform.processor() or "unknown",
        "cores": info["num_cores"],
        "cpu_features": " ".join(info["cpu_features"]),
        "cylinalg": f"{info['version']} (kernels {info['arch']}, {info['num_threads']} threads)",
        "numpy": np.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas:
            b = blas[0]
            facts["numpy BLAS"] = (f"{b.get('internal_api')} {b.get('version')} "
                                   f"({b.get('architecture')}, {b.get('num_threads')} threads)")
    except ImportError:
        pass
    return facts


def _fmt_time(t):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if t >= scale:
            return f"{t / scale:7.2f} {unit}"
    return f"{t / 1e-9:7.2f} ns"


def _pin_numpy_threads(n):
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None, "threadpoolctl not installed: OpenBLAS uses its default thread count"
    return threadpool_limits(limits=n, user_api="blas"), f"OpenBLAS pinned to {n} thread(s) (threadpoolctl)"


def run(quick=False, threads=None, rounds=None, select=None, file=sys.stdout):
    """Run the benchmark; returns a list of result dicts and prints the table."""
    if threads is not None:
        cla.set_num_threads(threads)
    n_threads = cla.get_num_threads()
    limiter, pin_note = _pin_numpy_threads(n_threads)
    rounds = rounds or (3 if quick else 7)
    budget = 0.02 if quick else 0.05
    info = cla.runtime_info()
    print(f"cylinalg {info['version']} vs numpy {np.__version__}: kernels {info['arch']}, "
          f"cylinalg threads {n_threads}, {pin_note}", file=file)
    print(f"cpu: {info['cpu'] or 'unknown'} ({info['num_cores']} cores); medians of {rounds} "
          "interleaved rounds; ratio = numpy time / cylinalg time (> 1: cylinalg faster)", file=file)
    header = f"{'function':<24} {'size':<16} {'cylinalg':>11} {'numpy':>11} {'ratio':>7}  check"
    print(header, file=file)
    print("-" * len(header), file=file)
    results = []
    try:
        for case in cases(quick):
            if select and not any(s in case.name for s in select):
                continue
            ok = case.check(case.ours(), case.theirs())
            t_ours, t_np = measure(case, rounds, budget)
            ratio = t_np / t_ours
            results.append(dict(name=case.name, size=case.size, cylinalg=t_ours, numpy=t_np,
                                ratio=ratio, ok=ok))
            print(f"{case.name:<24} {case.size:<16} {_fmt_time(t_ours):>11} {_fmt_time(t_np):>11} "
                  f"{ratio:7.2f}  {'ok' if ok else 'MISMATCH'}", file=file, flush=True)
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    bad = [r for r in results if not r["ok"]]
    print(f"{len(results)} rows, {len(results) - len(bad)} match numpy"
          + (f", {len(bad)} MISMATCH" if bad else ""), file=file)
    return results


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m cylinalg.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer sizes and rounds (about a minute)")
    p.add_argument("--threads", type=int, default=None, help="cylinalg (and OpenBLAS) thread count")
    p.add_argument("--rounds", type=int, default=None, help="interleaved rounds per row")
    p.add_argument("--only", nargs="*", default=None, help="run rows whose name contains one of these")
    args = p.parse_args(argv)
    results = run(quick=args.quick, threads=args.threads, rounds=args.rounds, select=args.only)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
