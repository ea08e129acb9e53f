#!/usr/bin/env bash
# Run a representative subset of the tests under valgrind memcheck (needs an in-place build:
# python3 setup.py build_ext --inplace).  PYTHONMALLOC=malloc makes every Python allocation
# visible to valgrind; leak checking is off (CPython keeps memory until exit).  CPython, glibc's
# vectorised string functions and the dynamic loader produce known false positives, so the run
# fails only on an error whose stack passes through cylinalg's code (the _kernels extension,
# csrc/, cyl_* functions) or when the tests fail.  Valgrind has no AVX-512 and hides it from
# CPUID, so the subset runs on the ref and avx2 kernel levels.  Signal tests (test_interrupt)
# are left out: valgrind delivers signals late, at its own scheduling points.
#
#   scripts/valgrind.sh                    # the default subset (about 5 minutes on 2 cores)
#   scripts/valgrind.sh tests/test_contract.py -k matmul
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
command -v valgrind >/dev/null || { echo "valgrind is not installed"; exit 2; }
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONMALLOC=malloc
# The real interpreter, not a wrapper script (pyenv shims are bash: valgrind would watch bash).
PY=$(python3 -c 'import sys; print(sys.executable)')
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cylinalg-valgrind.XXXXXX")
SUBSET=(tests/test_contract.py tests/test_leaks.py tests/test_properties.py tests/test_threads.py
        -k "not huge and not overflow and not gil")
if [[ $# -gt 0 ]]; then SUBSET=("$@"); fi
status=0
for arch in ref avx2; do
    echo "== valgrind memcheck, kernels: $arch, logs in $LOG_DIR"
    # CYLINALG_UNDER_SANITIZER: skip the RSS checks (memcheck keeps freed blocks in its own
    # quarantine, so resident memory grows under it whatever the code does)
    # --vex-guest-max-insns: the fully unrolled float32 LU lane kernels overflow VEX's default
    # translation buffer ("VEX temporary storage exhausted") at the avx2 level
    CYLINALG_UNDER_SANITIZER=1 CYLINALG_ARCH=$arch valgrind --tool=memcheck --leak-check=no --trace-children=no \
        --vex-guest-max-insns=25 --log-file="$LOG_DIR/memcheck-$arch.%p.log" \
        "$PY" -m pytest -q -p no:cacheprovider -x "${SUBSET[@]}" || status=$?
done
"$PY" - "$LOG_DIR" <<'PYEOF' || status=$?
import glob, re, sys
ours = re.compile(r"_kernels\.cpython|/csrc/|\bcyl_|_kernels\.c:")
total = mine = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.log")):
    block = []
    for line in open(path, errors="replace"):
        body = re.sub(r"^==\d+== ?", "", line.rstrip("\n"))
        if body == "":
            if block and re.match(r"(Invalid|Conditional|Use of|Syscall|Mismatched|Source and|Argument)", block[0]):
                total += 1
                if any(ours.search(b) for b in block):
                    mine += 1
                    print(f"--- {path}\n" + "\n".join(block))
            block = []
        else:
            block.append(body)
print(f"== memcheck: {total} error contexts in all, {mine} with a cylinalg frame")
sys.exit(1 if mine else 0)
PYEOF
echo "== valgrind.sh: $([[ $status == 0 ]] && echo "clean (no memcheck error in cylinalg code)" || echo "FAILED (status $status)")"
exit $status
