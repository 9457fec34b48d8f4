#!/usr/bin/env bash
# Every test: installs what is missing, then builds and runs the whole suite twice — an
# optimised build, and a build under AddressSanitizer + UndefinedBehaviorSanitizer — with CTest.
# Long fuzzing stays behind flags (see README); this runs the CI-sized versions.
#   scripts/test.sh            both builds
#   scripts/test.sh fast       the optimised build only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
if [[ -f viz/package.json ]]; then
  (cd viz && npm ci --no-audit --no-fund --loglevel=error)
fi

jobs=$(nproc)
# ccache, when the machine has it, makes a rebuild after a small change cheap; it is optional.
launcher=()
if command -v ccache > /dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
run_suite() {
  local dir=$1; shift
  cmake -S . -B "$dir" "${launcher[@]}" "$@" > /dev/null
  cmake --build "$dir" -j"$jobs"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 1800
}

run_suite build-release -DCMAKE_BUILD_TYPE=Release
if [[ "${1:-}" != "fast" ]]; then
  # Sanitizer findings abort the test that caused them.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # Debug keeps every assert on; -O1 keeps the sanitized suite fast enough for CI.
  run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDSIM_SANITIZE=ON \
    -DDSIM_BUILD_BENCH=OFF
fi
