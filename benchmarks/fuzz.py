"""Fuzz cylinalg's public API with arbitrary shapes, strides, dtypes and values.

    python benchmarks/fuzz.py --minutes 5            # fuzz every public function
    python benchmarks/fuzz.py --minutes 1 --only matmul,det --seed 7
    python benchmarks/fuzz.py --replay tests/fuzz/crashes/<file>.json

A structured random fuzzer (numpy Generator; no extra dependency): each case picks a public
function described in tests/api_specs.py and builds its operands from a random mix of shapes
(including size 0, broadcast and mismatched ones), dtypes (the four kernel dtypes, ints,
bools, float16, longdouble, object, str), memory layouts (C, F, strided, negative strides,
zero-stride broadcast views, unaligned buffers, read-only) and values (normal numbers over
the whole exponent range, 0, -0, subnormals, +-inf, NaN).  A case fails when

  * the process dies (segfault, abort, sanitizer report) or a call hangs for --hang-seconds,
  * the call raises something other than ValueError / TypeError / MemoryError (LinAlgError is
    a ValueError), or an exception whose message does not name the function,
  * an input buffer changes, or
  * (products) the result differs from numpy's beyond a forward-error bound.

The cases run in a worker subprocess; the parent restarts it after a crash.  Every failing
case is written to tests/fuzz/crashes/ as JSON (seed + index regenerate it exactly, and a
description says what it was); tests/fuzz/test_fuzz_regressions.py replays each file in a
subprocess, so a crash found once stays a regression test.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRASH_DIR = os.path.join(ROOT, "tests", "fuzz", "crashes")
sys.path.insert(0, os.path.join(ROOT, "tests"))

DTYPES = ["float64", "float32", "complex128", "complex64", "int64", "int8", "uint8", "bool", "float16",
          "longdouble", "object", "str"]
DTYPE_WEIGHTS = [10, 10, 8, 8, 2, 1, 1, 1, 2, 1, 1, 1]
DIMS = [0, 1, 2, 3, 4, 5, 7, 8, 16, 17, 33]
ALLOWED = (ValueError, TypeError, MemoryError)


# ---- case generation ----------------------------------------------------------------------

def _weighted(rng, items, weights):
    p = [w / sum(weights) for w in weights]
    return items[int(rng.choice(len(items), p=p))]


def _values(rng, np, shape, dtype):
    size = int(np.prod(shape)) if shape else 1
    mode = rng.integers(0, 6)
    if mode == 0:  # wide exponent range
        x = rng.standard_normal(size) * 10.0 ** rng.uniform(-300, 300, size)
    elif mode == 1:  # special values sprinkled
        x = rng.standard_normal(size)
        specials = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, 1e308, -1e308, 1e-310])
        mask = rng.random(size) < 0.3
        x[mask] = rng.choice(specials, mask.sum())
    elif mode == 2:  # exactly singular / structured
        x = np.zeros(size)
        x[:: max(1, int(rng.integers(1, 4)))] = 1.0
    else:
        x = rng.standard_normal(size) * 10.0 ** rng.integers(-3, 4)
    x = x.reshape(shape) if shape else x.reshape(())
    if dtype.kind == "c":
        x = x + 1j * rng.standard_normal(x.shape)
    with np.errstate(all="ignore"):
        if dtype == object:
            return np.asarray(x).astype(object)
        if dtype.kind == "U":
            return np.asarray(x).astype(str)
        if dtype.kind in "iub":
            x = np.nan_to_num(np.real(x), nan=0, posinf=1, neginf=-1)
            info = np.iinfo(dtype) if dtype.kind != "b" else None
            x = np.clip(x, info.min, info.max) if info else x != 0
        return np.asarray(x).astype(dtype)


def _layout(rng, np, a):
    """Re-house `a` (values kept) in a random memory layout."""
    kind = int(rng.integers(0, 9))
    if a.ndim == 0 or a.dtype.kind in "OU":
        return a if kind != 7 else _readonly(a)
    if kind == 1:
        return np.asfortranarray(a)
    if kind == 2:  # strided with random steps and signs
        steps = [int(rng.integers(1, 4)) * (1 if rng.random() < 0.6 else -1) for _ in range(a.ndim)]
        big = np.zeros(tuple(max(1, abs(s) * d) for s, d in zip(steps, a.shape)), dtype=a.dtype)
        view = big[tuple(slice(None, None, s) if s > 0 else slice(None, None, s) for s in steps)]
        view = view[tuple(slice(0, d) for d in a.shape)]
        view[...] = a
        return view
    if kind == 3:  # negative strides on every axis
        return np.ascontiguousarray(a[(slice(None, None, -1),) * a.ndim])[(slice(None, None, -1),) * a.ndim]
    if kind == 4 and a.ndim >= 2:  # transposed view
        return np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    if kind == 5:  # unaligned buffer
        raw = np.zeros(a.nbytes + 1, dtype=np.uint8)
        out = np.frombuffer(raw.data, dtype=a.dtype, count=a.size, offset=1).reshape(a.shape)
        out[...] = a
        return out
    if kind == 6:  # zero-stride broadcast of the first element along axis 0
        return np.broadcast_to(a[:1], a.shape) if a.shape[0] > 0 else a
    if kind == 7:
        return _readonly(a)
    if kind == 8:  # a field of a packed record array: strides not a multiple of the itemsize
        rec = np.zeros(a.shape, dtype=np.dtype([("x", a.dtype), ("pad", np.int8, 3)]))
        rec["x"] = a
        return rec["x"]
    return np.ascontiguousarray(a)


def _readonly(a):
    a = a.copy()
    a.flags.writeable = False
    return a


def _shape_for(rng, spec, slot, core):
    """A shape for operand `slot`: usually the right kind for the spec, sometimes anything."""
    if rng.random() < 0.12:  # anything at all
        return tuple(int(rng.choice(DIMS)) for _ in range(int(rng.integers(0, 5))))
    batch = tuple(int(rng.choice([0, 1, 2, 3])) for _ in range(int(rng.integers(0, 3)))) if spec.batched else ()
    m, k, n = core
    kind = spec.kind
    if kind == "product":
        return batch + ((m, k) if slot == 0 else (k, n)) if rng.random() < 0.9 else ((k,) if slot else (m, k))
    if kind in ("vector", "vector_pair"):
        return (k,)
    if kind == "matrix":
        return batch + (m, n)
    if kind in ("square", "square_rhs", "lu_solve"):
        if slot == 1 or (kind == "lu_solve" and slot == 2):
            return batch + ((m, n) if rng.random() < 0.8 else (m,))
        return batch + ((m, m) if rng.random() < 0.9 else (m, n))
    if kind == "exact":
        return (m, m)
    return ()


def generate(seed, index, names):
    """The case (spec name, operands, description) for (seed, index): a pure function of both."""
    import numpy as np

    from api_specs import SPECS

    rng = np.random.default_rng([seed, index])
    name = names[int(rng.integers(0, len(names)))]
    spec = SPECS[name]
    core = [int(rng.choice(DIMS[:8])) for _ in range(3)]
    n_ops = {"product": 2, "vector_pair": 2, "square_rhs": 2, "lu_solve": 3}.get(spec.kind, 1)
    huge = rng.random() < 0.02 and spec.kind not in ("exact",) and not spec.no_huge
    operands, desc = [], []
    for slot in range(n_ops):
        if spec.kind == "lu_solve" and slot < 2:
            continue  # filled from lu_factor below
        dtype = np.dtype(_weighted(rng, DTYPES, DTYPE_WEIGHTS))
        if spec.kind == "exact" and rng.random() < 0.7:
            dtype = np.dtype(rng.choice(["int64", "object"]))
        shape = _shape_for(rng, spec, slot, core)
        a = _values(rng, np, shape, dtype)
        operands.append(_layout(rng, np, a))
    # Huge zero-stride batch: must be MemoryError.  Not with an empty operand: an empty result
    # over a 2**40 batch is a legitimate (numpy: minutes-long) loop, not an allocation.  At least
    # 2**36 matrices, so that even one output element per matrix outgrows memory (2**40 elements
    # in all gave det of 16 x 16 float32 matrices 2**32 results, 16 GiB: a 24 GiB machine
    # allocated them and computed for minutes).
    first = operands[0] if operands else None
    if (huge and first is not None and all(op.size > 0 for op in operands) and first.ndim >= 1
            and first.dtype.kind not in "OU"):
        batch = max(2**40 // first.size, 2**36)
        operands[0] = np.lib.stride_tricks.as_strided(first, (batch,) + first.shape,
                                                      (0,) + first.strides)
    for a in operands:
        desc.append(f"{a.dtype}{a.shape} strides={a.strides} c={a.flags.c_contiguous} "
                    f"f={a.flags.f_contiguous} aligned={a.flags.aligned} writeable={a.flags.writeable}")
    if spec.kind == "lu_solve":
        import cylinalg as cla

        m = core[0]
        sq = (rng.standard_normal((m, m)) + 3 * m * np.eye(m)) if m else np.zeros((0, 0))
        try:
            lu, piv = cla.lu_factor(sq)
        except Exception:  # noqa: BLE001 - lu_factor's own bugs are found by its own cases
            lu, piv = np.zeros((0, 0)), np.zeros(0, dtype=np.intp)
        operands = [lu, piv] + operands
    return spec, operands, f"{name}(" + "; ".join(desc) + ")"


# ---- checking one case ----------------------------------------------------------------------

class Finding(Exception):
    pass


def _owner_bytes(np, a):
    while isinstance(getattr(a, "base", None), np.ndarray):
        a = a.base
    try:
        return a.tobytes() if isinstance(a, np.ndarray) else None
    except Exception:  # noqa: BLE001
        return None


def run_case(spec, operands):
    """Call the function on the operands; raise Finding if anything is wrong."""
    import numpy as np

    before = [_owner_bytes(np, op) for op in operands]
    # functions taking row/column indices (minor) answer an index out of range with IndexError
    allowed = ALLOWED + (IndexError,) if "i" in spec.kwargs else ALLOWED
    try:
        with np.errstate(all="ignore"):
            result = spec.call(*operands)
    except allowed as exc:
        if not isinstance(exc, MemoryError) and spec.qualname not in str(exc) and not (
                spec.dtype_rule == "product" and (spec.name in str(exc) or _numpy_raises(spec, operands, exc))):
            raise Finding(f"{type(exc).__name__} without the function name: {exc}") from None
        result = None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - anything else is a finding
        raise Finding(f"unexpected {type(exc).__name__}: {exc}\n{traceback.format_exc()}") from None
    after = [_owner_bytes(np, op) for op in operands]
    if before != after:
        raise Finding("an input buffer was modified")
    if result is not None and spec.dtype_rule == "product" and spec.name == "matmul":
        _check_product(np, operands, result)


def _numpy_raises(spec, operands, exc):
    """Products follow numpy: its own exception for the same operands is its answer."""
    try:
        spec.reference(*operands)
    except type(exc):
        return True
    except Exception:  # noqa: BLE001
        return False
    return False


def _check_product(np, operands, result):
    a, b = operands
    if a.dtype.kind not in "fc" or b.dtype.kind not in "fc" or a.dtype.itemsize > 16 or b.dtype.itemsize > 16:
        return
    if a.dtype == np.float16 or b.dtype == np.float16:
        return
    with np.errstate(all="ignore"):
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            return
        ref = np.matmul(a.astype(np.clongdouble), b)
        k = a.shape[-1] if a.ndim else 1
        eps = np.finfo(np.result_type(a, b)).eps
        bound = 4 * (k + 1) * eps * np.matmul(np.abs(a).astype(np.float64), np.abs(b).astype(np.float64))
        err = np.abs(np.asarray(result) - ref)
        big = np.finfo(np.result_type(a, b)).max  # beyond it the dtype overflows, as numpy's does
        finite = np.isfinite(bound) & (bound < big) & (np.abs(ref) < big)
        if np.shape(err) != np.shape(bound):
            raise Finding(f"result shape {np.shape(result)} != numpy's {np.shape(ref)}")
        if np.any(err[finite] > bound[finite] + np.finfo(np.result_type(a, b)).tiny * 4):
            raise Finding("matmul result outside the forward-error bound of numpy's")


# ---- worker / parent ----------------------------------------------------------------------

def worker(seed, start, names, progress_path, stop_at):
    """Run cases start, start+1, ... until stop_at (monotonic); write each index to progress
    before running it, so the parent knows which case killed us."""
    fd = os.open(progress_path, os.O_RDWR | os.O_CREAT, 0o600)
    import cylinalg  # noqa: F401 - import before timing

    index = start
    while time.monotonic() < stop_at:
        os.pwrite(fd, struct.pack("<q", index), 0)
        spec, operands, desc = generate(seed, index, names)
        try:
            run_case(spec, operands)
        except Finding as f:
            print(json.dumps({"seed": seed, "index": index, "function": spec.name, "kind": "finding",
                              "message": str(f), "case": desc}), flush=True)
        index += 1
    os.pwrite(fd, struct.pack("<q", -index), 0)  # negative: finished cleanly after index-1
    os.close(fd)


def _finding_key(record):
    """Findings with the same function and message (digits and shapes aside) are one bug."""
    import re

    return record["function"], re.sub(r"[\d(), ]+", "#", record["message"])[:80]


def _save(record, crash_dir):
    os.makedirs(crash_dir, exist_ok=True)
    path = os.path.join(crash_dir, f"{record['function']}-{record['seed']}-{record['index']}.json")
    with open(path, "w") as f:
        json.dump(record, f, indent=1)
    return path


def _names(only):
    import cylinalg as cla
    from api_specs import SPECS, present

    names = [n for n, s in SPECS.items() if s.kind != "runtime" and present(s)]
    if only:
        names = [n for n in names if n in only.split(",")]
    if not names:
        sys.exit("fuzz: no public function to fuzz")
    return names, cla


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--only", default="", help="comma-separated function names")
    ap.add_argument("--hang-seconds", type=float, default=60.0)
    ap.add_argument("--crash-dir", default=CRASH_DIR, help="where failing cases are saved as JSON")
    ap.add_argument("--replay", help="run one saved case (JSON) in this process")
    ap.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        seed, start, progress, stop_at = args.worker
        names, _ = _names(args.only)
        worker(int(seed), int(start), names, progress, float(stop_at))
        return 0
    if args.replay:
        with open(args.replay) as f:
            record = json.load(f)
        names, _ = _names(",".join(record.get("names", [])))
        spec, operands, desc = generate(record["seed"], record["index"], names)
        print("replaying", desc, flush=True)
        run_case(spec, operands)
        print("ok")
        return 0

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    names, _ = _names(args.only)
    deadline = time.monotonic() + 60 * args.minutes
    progress = os.path.join(ROOT, "build", f"fuzz-progress-{os.getpid()}")
    os.makedirs(os.path.dirname(progress), exist_ok=True)
    start, total, crashes, findings, restarts = 0, 0, 0, 0, 0
    seen = set()
    print(f"fuzz: seed {seed}, {args.minutes} min, functions: {', '.join(names)}", flush=True)
    while time.monotonic() < deadline:
        with open(progress, "wb") as f:
            f.write(struct.pack("<q", start))
        # The worker stops itself a little before the deadline; the parent watches for hangs.
        cmd = [sys.executable, os.path.abspath(__file__), "--only", ",".join(names),
               "--worker", str(seed), str(start), progress, str(deadline)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        last_index, last_change, hung = start, time.monotonic(), False

        lines = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        while proc.poll() is None:
            time.sleep(0.2)
            with open(progress, "rb") as f:
                idx = struct.unpack("<q", f.read(8))[0]
            if idx != last_index:
                last_index, last_change = idx, time.monotonic()
            elif time.monotonic() - last_change > args.hang_seconds:
                hung = True
                proc.send_signal(signal.SIGABRT)
                proc.wait()
        reader.join()
        for line in lines:
            record = json.loads(line)
            record["names"] = names
            findings += 1
            if _finding_key(record) in seen:
                continue
            seen.add(_finding_key(record))
            print(f"FINDING {record['function']}: {record['message'][:200]}\n  case: {record['case']}\n"
                  f"  saved: {_save(record, args.crash_dir)}", flush=True)
        with open(progress, "rb") as f:
            idx = struct.unpack("<q", f.read(8))[0]
        if proc.returncode == 0 and idx < 0:
            total += -idx - start
            break
        # the worker died on case idx: record it and go on after it
        crashes += 1
        restarts += 1
        spec, _, desc = generate(seed, idx, names)
        what = "hang" if hung else "crash"
        record = {"seed": seed, "index": idx, "function": spec.name, "kind": what,
                  "message": f"worker exited with status {proc.returncode}" + (
                      f" after no progress for {args.hang_seconds} s" if hung else ""),
                  "case": desc, "names": names}
        print(f"{what.upper()} {spec.name} (status {proc.returncode})\n  case: {desc}\n  saved: {_save(record, args.crash_dir)}", flush=True)
        total += idx + 1 - start
        start = idx + 1
    os.unlink(progress)
    print(f"fuzz: {total} cases over {len(names)} functions in {args.minutes} min (seed {seed}): "
          f"{crashes} crashes, {findings} findings ({len(seen)} distinct), {restarts} worker restarts", flush=True)
    return 1 if crashes or findings else 0


if __name__ == "__main__":
    sys.exit(main())
