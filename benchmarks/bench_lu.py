"""LU family benchmark: det / slogdet / inv / solve against numpy and scipy, same run.

    PYTHONPATH=src python3 benchmarks/bench_lu.py [--quick] [--threads 1 2] [--large 1024 2048]
                                                  [--out benchmarks/results/lu.md]

Rows: single tiny matrices (2x2..4x4: per-call overhead), stacks of 100,000 matrices (2x2, 3x3,
4x4, 8x8), single n x n for n = 64, 256 and --large sizes (float64, shifted towards the identity),
solves of unshifted random matrices (the full condition estimator), and complex128 rows.  Each row: warm-up, then
interleaved rounds (cylinalg, numpy, scipy, cylinalg, ...), median seconds per call; ratio =
reference time / cylinalg time (> 1: cylinalg faster).  numpy's and scipy's OpenBLAS are pinned
to the same thread count with threadpoolctl.  Every cylinalg result is checked against numpy.
"""
import argparse
import os
import sys
import time
import warnings

import numpy as np

import cylinalg as cla
from cylinalg.bench import settle_threads

try:
    import scipy.linalg as sla
except ImportError:  # pragma: no cover
    sla = None


def _per_call(fn, budget):
    t0 = time.perf_counter()
    fn()
    once = time.perf_counter() - t0
    settle_threads(once)
    reps = max(1, min(200_000, int(budget / max(once, 1e-9))))
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def measure(fns, rounds, budget):
    """Interleaved rounds over the callables; median seconds per call of each."""
    for f in fns:
        f()
    times = [[] for _ in fns]
    for _ in range(rounds):
        for i, f in enumerate(fns):
            times[i].append(_per_call(f, budget))
    return [float(np.median(t)) for t in times]


def _fmt(t):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.2f} {unit}"
    return f"{t / 1e-9:.0f} ns"


def _check(ours, ref):
    ours, ref = np.asarray(ours), np.asarray(ref)
    scale = max(1.0, float(np.max(np.abs(ref))))
    return bool(np.allclose(ours, ref, rtol=1e-8, atol=1e-8 * scale))


def _regular(rng, shape):
    n = shape[-1]
    return rng.standard_normal(shape) / np.sqrt(n) + np.eye(n)  # det stays in range


def cases(rng, quick, large):
    """(group, name, size, ours, numpy, scipy-or-None) rows."""
    rows = []
    for n in (2, 3, 4):
        a = _regular(rng, (n, n))
        b = rng.standard_normal(n)
        rows += [
            ("single", "det", f"{n}x{n}", lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a),
             sla and (lambda a=a: sla.det(a))),
            ("single", "inv", f"{n}x{n}", lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a),
             sla and (lambda a=a: sla.inv(a))),
            ("single", "solve", f"{n}x{n}", lambda a=a, b=b: cla.solve(a, b),
             lambda a=a, b=b: np.linalg.solve(a, b), sla and (lambda a=a, b=b: sla.solve(a, b))),
        ]
    count = 10_000 if quick else 100_000
    for n in (2, 3, 4, 8):
        a = _regular(rng, (count, n, n))
        b = rng.standard_normal((count, n, 1))
        rows += [
            ("stack", "det", f"{count}x{n}x{n}", lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a), None),
            ("stack", "slogdet", f"{count}x{n}x{n}", lambda a=a: cla.slogdet(a), lambda a=a: np.linalg.slogdet(a), None),
            ("stack", "inv", f"{count}x{n}x{n}", lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a), None),
            ("stack", "solve", f"{count}x{n}x{n}", lambda a=a, b=b: cla.solve(a, b),
             lambda a=a, b=b: np.linalg.solve(a, b), None),
        ]
    for n in (64, 256) + tuple(large):
        a = _regular(rng, (n, n))
        b = rng.standard_normal(n)
        rows += [
            ("large", "det", f"{n}x{n}", lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a),
             sla and (lambda a=a: sla.det(a))),
            ("large", "inv", f"{n}x{n}", lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a),
             sla and (lambda a=a: sla.inv(a))),
            ("large", "solve", f"{n}x{n}", lambda a=a, b=b: cla.solve(a, b),
             lambda a=a, b=b: np.linalg.solve(a, b), sla and (lambda a=a, b=b: sla.solve(a, b))),
        ]
    # Unshifted standard normal matrices: the cheap condition bound cannot clear them, so solve
    # pays for the full rcond estimator (about six extra vector solves).
    for n in (64, 256):
        a = rng.standard_normal((n, n))
        b = rng.standard_normal(n)
        rows.append(("random", "solve", f"{n}x{n}", lambda a=a, b=b: cla.solve(a, b),
                     lambda a=a, b=b: np.linalg.solve(a, b), sla and (lambda a=a, b=b: sla.solve(a, b))))
    for shape in [(count, 4, 4), (64, 64), (256, 256)] + [(n, n) for n in large[:1]]:
        n = shape[-1]
        a = _regular(rng, shape) + 1j * rng.standard_normal(shape) / np.sqrt(n)
        b = rng.standard_normal(shape[:-1] + (1,)) + 0j
        size = "x".join(map(str, shape))
        for name, ours, theirs in (
            ("det", lambda a=a: cla.det(a), lambda a=a: np.linalg.det(a)),
            ("inv", lambda a=a: cla.inv(a), lambda a=a: np.linalg.inv(a)),
            ("solve", lambda a=a, b=b: cla.solve(a, b), lambda a=a, b=b: np.linalg.solve(a, b)),
        ):
            rows.append(("complex128", name, size, ours, theirs, None))
    return rows


def run(threads, quick, large, out):
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    rng = np.random.default_rng(0)
    rounds = 3 if quick else 7
    rows = cases(rng, quick, large)
    lines = []
    for nt in threads:
        cla.set_num_threads(nt)
        limiter = threadpool_limits(limits=nt, user_api="blas") if threadpool_limits else None
        head = (f"\n### {nt} thread(s): cylinalg {cla.get_num_threads()}, OpenBLAS "
                f"{'pinned to ' + str(nt) if limiter else 'default (threadpoolctl missing)'}; "
                f"medians of {rounds} interleaved rounds\n")
        lines.append(head)
        lines.append("| group | function | size | cylinalg | numpy | numpy/cyl | scipy | scipy/cyl | check |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        print("\n".join(lines[-3:]), flush=True)
        try:
            for group, name, size, ours, theirs, sp in rows:
                budget = 0.02 if quick else 0.05
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ok = all(_check(o, t) for o, t in zip(
                        ours() if name == "slogdet" else [ours()],
                        theirs() if name == "slogdet" else [theirs()]))
                    fns = [ours, theirs] + ([sp] if sp else [])
                    ts = measure(fns, rounds, budget)
                sp_t = f"{_fmt(ts[2])} | {ts[2] / ts[0]:.2f}" if sp else "- | -"
                line = (f"| {group} | {name} | {size} | {_fmt(ts[0])} | {_fmt(ts[1])} | "
                        f"{ts[1] / ts[0]:.2f} | {sp_t} | {'ok' if ok else 'MISMATCH'} |")
                lines.append(line)
                print(line, flush=True)
        finally:
            if limiter is not None:
                limiter.restore_original_limits()
    if out:
        info = cla.runtime_info()
        with open(out, "w") as f:
            f.write("# LU family benchmark (benchmarks/bench_lu.py)\n\n")
            f.write(f"command: `{' '.join(['python3'] + sys.argv)}`\n\n")
            f.write(f"cylinalg {info['version']} kernels {info['arch']}, cpu {info['cpu']} "
                    f"({info['num_cores']} cores), numpy {np.__version__}"
                    + (f", scipy {__import__('scipy').__version__}" if sla else "") + "\n")
            f.write("\n".join(lines) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    p.add_argument("--large", type=int, nargs="*", default=[1024, 2048])
    p.add_argument("--out", default=None)
    args = p.parse_args()
    for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if v in os.environ:
            print(f"warning: {v} is set; it skews numpy's timings", file=sys.stderr)
    run(args.threads, args.quick, args.large, args.out)


if __name__ == "__main__":
    main()
