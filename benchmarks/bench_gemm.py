"""GEMM benchmark: cylinalg.matmul against numpy.matmul (OpenBLAS) in the same process.

    python benchmarks/bench_gemm.py --threads 1 2 [--quick] [--out benchmarks/results]

For each thread count, OpenBLAS is pinned to the same count (threadpoolctl) and cylinalg set
with set_num_threads.  Each row interleaves cylinalg and numpy rounds (each library first in
every other round) and reports median times, GFLOP/s, ratio = numpy time / cylinalg time (> 1:
cylinalg faster) and cylinalg's fraction of the FMA peak of the cores in use, measured by a
tiny C loop of independent FMA chains in the same run, before and after the rows (the VM's clock
drifts), on the vectors of the kernel level in use (zmm FMAs for avx512: twice the ymm rate on
cores with full-width FMA units such as Zen 5, the same on Zen 4).  Square products from
n = 1024 are timed twice: into a fresh output, as users call them, and into a reused one
(`out=`).  cylinalg allocates a large result from the blocks of freed ones
(`cylinalg.set_output_cache_size`), so after the first call its fresh outputs come with their
pages mapped; numpy's are mapped and zeroed afresh on every call.  Writes a markdown table per
thread count and, when matplotlib is installed (the `bench` extra), a plot of GFLOP/s against n.
"""
import argparse
import os
import sys
import threading
import time

import numpy as np  # noqa: E402

import cylinalg as cla  # noqa: E402
from cylinalg._core import _kernels  # noqa: E402
from cylinalg.bench import settle_threads  # noqa: E402

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None


def fma_peak_gflops(seconds=0.3, cores=1):
    """Double-precision FMA peak per core in GFLOP/s (median of 5 short runs), on the vectors of
    the kernel level in use, with the probe running on `cores` threads at once (the probe
    releases the GIL): a core's clock may be lower while the others are busy too."""
    flops, _ = _kernels._fma_peak_run(1000)
    if flops == 0:
        return float("nan")
    iters = 200_000
    while True:
        t = time.perf_counter()
        _kernels._fma_peak_run(iters)
        dt = time.perf_counter() - t
        if dt > seconds / 5:
            break
        iters *= 2
    rates = []
    for _ in range(5):
        workers = [threading.Thread(target=_kernels._fma_peak_run, args=(iters,))
                   for _ in range(cores - 1)]
        t = time.perf_counter()
        for w in workers:
            w.start()
        flops, _ = _kernels._fma_peak_run(iters)
        for w in workers:
            w.join()
        rates.append(flops / (time.perf_counter() - t) / 1e9)
    return float(np.median(rates))


def roundtrip_ns(threads):
    """A cache line's round trip between two of the pool's threads, in ns (None with 1 thread):
    a VM's vCPUs may sit on near or distant cores, and the threaded rows depend on which."""
    if threads < 2:
        return None
    ns = _kernels._threads_roundtrip_ns(200_000)
    return ns if ns > 0 else None


def _rand(rng, shape, dtype):
    x = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _time(fn, budget):
    """Median seconds per call of fn over a few batches lasting about `budget` in all.

    A call that fills a batch on its own (n >= 1024) gets three single-call batches after one
    warm-up call instead of five after two: the rounds then alternate the libraries every few
    seconds even at 4096^3, so that the host's drift over minutes falls on both alike."""
    t = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t, 1e-7)
    if one < budget / 5:  # the first call may carry one-off costs: size the batches on a warm one
        t = time.perf_counter()
        fn()
        one = max(time.perf_counter() - t, 1e-7)
    settle_threads(one)
    inner = max(1, int(budget / 5 / one))
    times = []
    for _ in range(5 if inner > 1 else 3):
        t = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - t) / inner)
    return float(np.median(times))


def measure(ours, theirs, rounds, budget):
    """Interleaved rounds, each library first in every other round; median over rounds of each
    side's median time."""
    to, tt = [], []
    for r in range(rounds):
        if r % 2:
            tt.append(_time(theirs, budget))
            to.append(_time(ours, budget))
        else:
            to.append(_time(ours, budget))
            tt.append(_time(theirs, budget))
    return float(np.median(to)), float(np.median(tt)), (min(tt[i] / to[i] for i in range(rounds)),
                                                       max(tt[i] / to[i] for i in range(rounds)))


# Why the "square out=" rows: a fresh output's pages are faulted in and zeroed by the kernel
# during the product, for either library.  On the VM these were measured on, that costs anywhere
# from 0.1 to 2 ms per MiB (a fresh 32 MiB array took 3 to 70 ms to fill): from nothing to a
# third of a 1-thread product at n = 1024 (8 MiB, 43 ms), varying from call to call.
_OUT_NOTE = ("The `square out=` rows time the same products into an output allocated once "
             "(`out=`), which leaves out the page faults of a fresh output.  In the `square` rows "
             "cylinalg's result reuses the memory of the one freed before it (its result cache, "
             "`set_output_cache_size`), numpy's is fresh memory, faulted in on every call.")


def cases(quick, sizes=None, dtypes=None, extras=True):
    sizes = sizes or ([8, 16, 32, 64, 128, 256, 512, 1024] if quick else
                      [8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 2048, 4096])
    for dt in dtypes or (np.float64, np.float32, np.complex128):
        for n in sizes:
            if np.dtype(dt).kind == "c" and n > 2048:
                continue
            yield np.dtype(dt).name, "square", n, (n, n), (n, n)
            if n >= 1024:  # the same product into a reused output: no page faults (see _OUT_NOTE)
                yield np.dtype(dt).name, "square out=", n, (n, n), (n, n)
        if extras:
            yield np.dtype(dt).name, "tall-skinny", 10000, (10000, 64), (64, 64)
            if np.dtype(dt).kind == "f":  # a row vector against a large matrix: memory-bound
                yield np.dtype(dt).name, "row-vector", 4096, (1, 4096), (4096, 4096)
    # stacks of tiny matrices (the targets are float64 3x3 and 4x4)
    count = 10_000 if quick else 100_000
    for dt in (dtypes or (np.float64, np.float32, np.complex128)) if extras else ():
        for n in (2, 3, 4, 5, 8, 12, 16):
            yield np.dtype(dt).name, f"stack {count}", n, (count, n, n), (count, n, n)


def flop_count(dtype, sa, sb):
    m, k = sa[-2], sa[-1]
    n = sb[-1]
    batch = int(np.prod(sa[:-2])) if len(sa) > 2 else 1
    mult = 4 if np.dtype(dtype).kind == "c" else 1
    return 2.0 * mult * m * n * k * batch


def run(threads, quick, outdir, rounds, budget, sizes=None, dtypes=None):
    rng = np.random.default_rng(0)
    cla.set_num_threads(threads)
    rows = []
    limiter = threadpool_limits(threads, user_api="blas") if threadpool_limits else None
    try:
        peak0 = fma_peak_gflops(cores=threads)
        print(f"# threads={threads}  FMA peak (per core, {threads} running, float64, "
              f"{_kernels.runtime_info()['arch']} vectors) "
              f"{peak0:.1f} GFLOP/s", flush=True)
        trip0 = roundtrip_ns(threads)
        if trip0:
            print(f"# cache-line round trip between two threads: {trip0:.0f} ns", flush=True)
        for dtname, kind, n, sa, sb in cases(quick, sizes, dtypes, extras=sizes is None):
            a, b = _rand(rng, sa, dtname), _rand(rng, sb, dtname)
            if kind.endswith("out="):
                shape = sa[:-1] + sb[-1:]
                c_ours, c_theirs = np.empty(shape, dtname), np.empty(shape, dtname)
                ours = lambda: cla.matmul(a, b, out=c_ours)  # noqa: E731
                theirs = lambda: np.matmul(a, b, out=c_theirs)  # noqa: E731
            else:
                ours = lambda: cla.matmul(a, b)  # noqa: E731
                theirs = lambda: np.matmul(a, b)  # noqa: E731
            to, tt, (lo, hi) = measure(ours, theirs, rounds, budget if n < 1024 else budget * 2)
            fl = flop_count(dtname, sa, sb)
            # peak of the dtype on `threads` cores: float32 twice the float64 rate
            peak = peak0 * threads * (2 if dtname in ("float32", "complex64") else 1)
            row = dict(dtype=dtname, kind=kind, n=n, ours_s=to, numpy_s=tt, ours_gf=fl / to / 1e9,
                       numpy_gf=fl / tt / 1e9, ratio=tt / to, lo=lo, hi=hi, frac=fl / to / 1e9 / peak,
                       np_frac=fl / tt / 1e9 / peak)
            rows.append(row)
            print(f"{dtname:10s} {kind:12s} {n:5d}  ours {to * 1e6:11.2f} us {row['ours_gf']:7.1f} GF/s"
                  f"  numpy {tt * 1e6:11.2f} us {row['numpy_gf']:7.1f} GF/s  ratio {row['ratio']:.2f}"
                  f" [{lo:.2f}-{hi:.2f}]  peak(before) {row['frac'] * 100:5.1f}% (numpy {row['np_frac'] * 100:5.1f}%)",
                  flush=True)
        peak1 = fma_peak_gflops(cores=threads)
        print(f"# FMA peak after the rows: {peak1:.1f} GFLOP/s", flush=True)
        trip1 = roundtrip_ns(threads)
        if trip1:
            print(f"# cache-line round trip after the rows: {trip1:.0f} ns", flush=True)
        # the tables use the larger of the two peaks: a neighbour on the machine can only lower
        # a measured peak, and a low one would overstate every fraction of it
        top = max(peak0, peak1)
        for row in rows:
            row["frac"] *= peak0 / top
            row["np_frac"] *= peak0 / top
        print(f"# fractions of the larger peak ({top:.1f} GFLOP/s per core): "
              + ", ".join(f"{r['dtype']} {r['n']} {r['frac'] * 100:.1f}% (numpy {r['np_frac'] * 100:.1f}%)"
                          for r in rows if r["kind"] == "square" and r["n"] >= 1024), flush=True)
    finally:
        if limiter is not None:
            limiter.restore_original_limits()
    if outdir:
        write_markdown(rows, threads, peak0, peak1, quick, outdir, (trip0, trip1))
    return rows


def write_markdown(rows, threads, peak0, peak1, quick, outdir, trips=(None, None)):
    os.makedirs(outdir, exist_ok=True)
    info = _kernels.runtime_info()
    tag = "_quick" if quick else ""
    if rows and all(r["kind"].startswith("square") for r in rows) and len(rows) < 8:
        tag += "_" + "_".join(sorted({r["dtype"] for r in rows})) + "_n" + "_".join(str(r["n"]) for r in rows[:3])
    elif len({r["dtype"] for r in rows}) < 3:  # a --dtypes run keeps the full table
        tag += "_" + "_".join(sorted({r["dtype"] for r in rows}))
    path = os.path.join(outdir, f"gemm_{threads}t{tag}.md")
    with open(path, "w") as f:
        f.write(f"# GEMM, {threads} thread(s): cylinalg.matmul vs numpy.matmul (OpenBLAS)\n\n")
        f.write(f"CPU: {info['cpu']}; kernel level {info['arch']}; numpy {np.__version__}; "
                f"FMA peak per core ({threads} running the probe at once) measured in the same run: "
                f"{peak0:.1f} GFLOP/s before, "
                f"{peak1:.1f} after (float64 FMAs on the level's vectors; float32 rows use twice that); "
                f"the % peak columns use "
                f"the larger of the two.\n"
                + (f"A cache line's round trip between two threads' cores: {trips[0]:.0f} ns before the "
                   f"rows, {trips[1]:.0f} after (a VM's vCPUs may sit on near or distant cores; on "
                   f"distant ones, anything the threads share costs more).\n" if all(trips) else "")
                + f"Medians of interleaved rounds in one process; ratio = numpy time / cylinalg time "
                f"(> 1: cylinalg faster), [min-max] over rounds.  {_OUT_NOTE}\n"
                f"Command: `python {' '.join(sys.argv)}`; load average at the end "
                f"{', '.join(f'{x:.1f}' for x in _loadavg())} (a busy machine makes the 2-thread rows, "
                f"and a peak after the rows well below the one before, unreliable).\n\n")
        f.write("| dtype | case | n | cylinalg | numpy | cyl GF/s | numpy GF/s | ratio | spread | cyl % peak | numpy % peak |\n")
        f.write("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|\n")
        for r in rows:
            f.write(f"| {r['dtype']} | {r['kind']} | {r['n']} | {_fmt(r['ours_s'])} | {_fmt(r['numpy_s'])} | "
                    f"{r['ours_gf']:.1f} | {r['numpy_gf']:.1f} | {r['ratio']:.2f} | {r['lo']:.2f}-{r['hi']:.2f} | "
                    f"{r['frac'] * 100:.0f}% | {r['np_frac'] * 100:.0f}% |\n")
    print(f"# wrote {path}")


def _loadavg():
    try:
        return os.getloadavg()
    except OSError:
        return (float("nan"),) * 3


def _fmt(t):
    return f"{t * 1e6:.2f} us" if t < 1e-3 else f"{t * 1e3:.2f} ms"


def plot(all_rows, outdir, quick):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("# matplotlib not installed (pip install cylinalg[bench]): no plot")
        return
    present = {r["dtype"] for rows in all_rows.values() for r in rows if r["kind"] == "square"}
    dtypes = [dt for dt in ("float64", "float32", "complex128") if dt in present]
    if not dtypes:
        return
    fig, axes = plt.subplots(1, len(dtypes), figsize=(5 * len(dtypes), 4), squeeze=False)
    for ax, dt in zip(axes[0], dtypes):
        for threads, rows in all_rows.items():
            sq = [r for r in rows if r["dtype"] == dt and r["kind"] == "square"]
            ns = [r["n"] for r in sq]
            ax.plot(ns, [r["ours_gf"] for r in sq], "o-", label=f"cylinalg {threads}t")
            ax.plot(ns, [r["numpy_gf"] for r in sq], "s--", label=f"numpy/OpenBLAS {threads}t")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("n (square n x n @ n x n)")
        ax.set_ylabel("GFLOP/s")
        ax.set_title(dt)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    tag = "" if len(dtypes) == 3 else "_" + "_".join(dtypes)  # a --dtypes run keeps the full plot
    path = os.path.join(outdir, f"gemm{'_quick' if quick else ''}{tag}.png")
    fig.savefig(path, dpi=110)
    print(f"# wrote {path}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--quick", action="store_true", help="fewer sizes (n <= 1024), short timings")
    p.add_argument("--rounds", type=int, default=None)
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"),
                   help="folder for the markdown tables and plot ('' for none)")
    p.add_argument("--sizes", type=int, nargs="+", default=None,
                   help="only these square sizes (no tall-skinny/stack rows)")
    p.add_argument("--dtypes", nargs="+", default=None, choices=["float64", "float32", "complex128"])
    args = p.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 7)
    budget = 0.05 if args.quick else 0.2
    print(f"# cylinalg {cla.__file__}\n# numpy {np.__version__}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}")
    all_rows = {}
    for t in args.threads:
        all_rows[t] = run(t, args.quick, args.out, rounds, budget, args.sizes,
                          [np.dtype(d) for d in args.dtypes] if args.dtypes else None)
    if args.out and args.sizes is None:
        plot(all_rows, args.out, args.quick)


if __name__ == "__main__":
    sys.exit(main())
