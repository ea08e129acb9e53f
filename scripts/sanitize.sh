#!/usr/bin/env bash
# Build cylinalg with AddressSanitizer + UndefinedBehaviorSanitizer in a throwaway copy of the
# tree and run the test suite (or any command) against it.  Python itself is not ASan-built, so
# libasan is preloaded and leak detection is off (CPython's own allocations); any ASan or UBSan
# report aborts the process, which fails the run.
#
#   scripts/sanitize.sh                      # whole fast test suite, default kernels then ref
#   scripts/sanitize.sh tests/test_contract.py -k matmul
#   FUZZ_MINUTES=2 scripts/sanitize.sh       # also fuzz for 2 minutes under the sanitizers
#   CYLINALG_SANITIZE=address scripts/sanitize.sh     # one sanitizer only
#   KEEP=1 scripts/sanitize.sh               # keep the build directory (printed)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SANITIZE=${CYLINALG_SANITIZE:-address,undefined}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cylinalg-sanitize.XXXXXX")
if [[ -z "${KEEP:-}" ]]; then trap 'rm -rf "$WORK"' EXIT; else echo "build kept in $WORK"; fi

# Copy the working tree (tracked and untracked, not ignored: no .so, no build/).
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - 2>/dev/null) | tar -C "$WORK" -xf -
cd "$WORK"
echo "== building with -fsanitize=$SANITIZE in $WORK"
CYLINALG_SANITIZE="$SANITIZE" python3 setup.py -q build_ext --inplace -j "${JOBS:-2}" >build.log 2>&1 \
    || { tail -50 build.log; exit 1; }

preload=""
if [[ "$SANITIZE" == *address* ]]; then
    preload=$(gcc -print-file-name=libasan.so)
fi
if [[ "$SANITIZE" == *undefined* && "$SANITIZE" != *address* ]]; then
    preload=$(gcc -print-file-name=libubsan.so)
fi
export LD_PRELOAD="$preload"
# allocator_may_return_null: the huge-shape tests ask for 32 TiB and expect MemoryError (ASan
# still prints a "failed to allocate" WARNING for each: expected, not a report).  Any real
# report goes to stderr and aborts the process, so the run fails.
# Reports also go to files: pytest captures fd 2 during a test, and an aborted process never
# prints what it captured (a run once failed with no report in sight).
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:halt_on_error=1:log_path=$WORK/asan-report:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$WORK/ubsan-report:${UBSAN_OPTIONS:-}"
export PYTHONPATH="$WORK/src"
export PYTHONFAULTHANDLER=1
export CYLINALG_UNDER_SANITIZER=1  # tests/test_leaks.py: RSS is meaningless under ASan

status=0
if [[ $# -gt 0 ]]; then
    python3 -m pytest -q -p no:cacheprovider "$@" || status=$?
else
    for arch in default ref; do
        echo "== pytest (kernels: $arch)"
        if [[ $arch == default ]]; then
            python3 -m pytest -q -p no:cacheprovider tests || status=$?
        else
            CYLINALG_ARCH=$arch python3 -m pytest -q -p no:cacheprovider tests || status=$?
        fi
    done
fi
if [[ -n "${FUZZ_MINUTES:-}" ]]; then
    echo "== fuzzing $FUZZ_MINUTES min under the sanitizers"
    python3 benchmarks/fuzz.py --minutes "$FUZZ_MINUTES" --crash-dir "$WORK/fuzz-crashes" || status=$?
fi
for report in "$WORK"/asan-report* "$WORK"/ubsan-report*; do
    [[ -e "$report" ]] || continue
    # ASan's "failed to allocate" warnings come from the MemoryError tests (expected)
    if grep -qv "failed to allocate" "$report"; then
        echo "== report $report:"; cat "$report"; status=1
    fi
done
echo "== sanitize.sh: $([[ $status == 0 ]] && echo "clean (no ASan/UBSan report)" || echo "FAILED (status $status)")"
exit $status
