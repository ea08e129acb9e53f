#!/usr/bin/env bash
# Run a representative subset of the tests under valgrind memcheck (needs an in-place build:
# python3 setup.py build_ext --inplace).  PYTHONMALLOC=malloc makes every Python allocation
# visible to valgrind; leak checking is off (CPython keeps memory until exit); any invalid
# read/write or use of uninitialised memory fails the run (--error-exitcode).  Valgrind has no
# AVX-512 and hides it from CPUID, so the subset runs on the ref and avx2 kernel levels.
#
#   scripts/valgrind.sh                    # the default subset
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
SUBSET=(tests/test_contract.py tests/test_leaks.py tests/test_properties.py tests/test_interrupt.py
        -k "not huge and not overflow and not gil")
if [[ $# -gt 0 ]]; then SUBSET=("$@"); fi
status=0
for arch in ref avx2; do
    echo "== valgrind memcheck, kernels: $arch, logs in $LOG_DIR"
    CYLINALG_ARCH=$arch valgrind --tool=memcheck --error-exitcode=99 --leak-check=no --track-origins=no \
        --log-file="$LOG_DIR/memcheck-$arch.%p.log" \
        "$PY" -m pytest -q -p no:cacheprovider -x "${SUBSET[@]}" || status=$?
    grep -h "ERROR SUMMARY" "$LOG_DIR"/memcheck-$arch.*.log | sort | uniq -c
done
echo "== valgrind.sh: $([[ $status == 0 ]] && echo clean || echo "FAILED (status $status)")"
exit $status
