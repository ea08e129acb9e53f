#!/usr/bin/env bash
# Everything too slow for the default test run: the `slow`-marked tests (100,000-call leak
# soak, 5-minute fuzz), then the sanitizer and valgrind runs.  Needs an in-place build.
#   scripts/run_slow_tests.sh            # all of it (about 30-60 minutes on 2 cores)
#   FUZZ_MINUTES=10 scripts/run_slow_tests.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
python3 -m pytest -q -p no:cacheprovider -m slow tests
python3 benchmarks/fuzz.py --minutes "${FUZZ_MINUTES:-5}"
FUZZ_MINUTES=${SANITIZE_FUZZ_MINUTES:-2} scripts/sanitize.sh
scripts/valgrind.sh
