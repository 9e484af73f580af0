#!/usr/bin/env bash
# libFuzzer runs of every parser of network input (tests/fuzz/fuzz_*.c):
# builds the targets with clang (-fsanitize=fuzzer,address,undefined) into
# $BUILD/fuzz, replays the saved crash inputs of tests/fuzz/crashes/<target>/
# (regressions: each must no longer crash), then fuzzes each target for a
# bounded number of runs starting from its seed corpus tests/fuzz/corpus/<target>/.
#
#   bash tests/native/fuzz.sh                       # all targets
#   FUZZ_TARGETS="srvs_enum dcerpc" bash tests/native/fuzz.sh
#   FUZZ_RUNS=30000 FUZZ_SEED=1 FUZZ_MAX_TIME=20 FUZZ_JOBS=2 ...
#
# Prints one line per target: PASS: fuzz.<target> / FAIL: fuzz.<target>:
# <crash file> / SKIPPED when clang or its libFuzzer runtime is missing
# (Debian: package libclang-rt-14-dev, a dependency of clang-14).  The seed
# corpora are read-only here: inputs libFuzzer finds go to $BUILD/fuzz/work/.
# A crash input is written to $BUILD/fuzz/artifacts/; to keep it as a
# regression, copy it to tests/fuzz/crashes/<target>/.
set -u
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
BUILD="${BUILD:-build}"
case "$BUILD" in /*) ;; *) BUILD="$REPO/$BUILD" ;; esac
OUT="$BUILD/fuzz"
CLANG="${CLANG:-clang}"
RUNS="${FUZZ_RUNS:-30000}"
SEED="${FUZZ_SEED:-1}"          # fixed: the same runs every time (reproducible)
MAX_TIME="${FUZZ_MAX_TIME:-20}" # seconds per target, whatever RUNS says
MAX_LEN="${FUZZ_MAX_LEN:-4096}"
JOBS="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}"
[ "$JOBS" -gt 2 ] 2>/dev/null && JOBS=2

ALL_TARGETS=()
for f in tests/fuzz/fuzz_*.c; do
    t=${f#tests/fuzz/fuzz_}
    ALL_TARGETS+=("${t%.c}")
done
TARGETS=(${FUZZ_TARGETS:-${ALL_TARGETS[@]}})

skip_all() {
    for t in "${TARGETS[@]}"; do echo "SKIPPED: fuzz.$t: $1"; done
    exit 0
}

command -v "$CLANG" >/dev/null 2>&1 || skip_all "clang not installed (tools/deps.sh installs it)"
mkdir -p "$OUT"
probe="$OUT/probe"
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' > "$probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
    skip_all "clang cannot link -fsanitize=fuzzer,address,undefined (libFuzzer/sanitizer runtime missing: Debian package libclang-rt-14-dev): $(head -c 200 "$probe.log" | tr '\n' ' ')"
fi
if ! "$probe" -runs=1 >"$probe.log" 2>&1; then
    skip_all "a trivial libFuzzer binary does not run here: $(grep -m1 -E 'ERROR|error' "$probe.log" | head -c 200)"
fi

t0=$(date +%s)
if ! make -f tests/fuzz/Makefile CLANG="$CLANG" OUT="$OUT" -j"$JOBS" >"$OUT/build.log" 2>&1; then
    why=$(grep -m1 -E 'error|Error' "$OUT/build.log" | head -c 200)
    for t in "${TARGETS[@]}"; do echo "FAIL: fuzz.$t: build failed: $why (see $OUT/build.log)"; done
    exit 1
fi
echo "fuzz: build took $(( $(date +%s) - t0 )) s"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:handle_abort=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$OUT/logs" "$OUT/artifacts" "$OUT/work"

# One target: regressions, then the bounded run.  Writes $OUT/logs/<t>.result.
run_target() {
    local t=$1 bin="$OUT/fuzz_$1" log="$OUT/logs/$1.log" res="$OUT/logs/$1.result"
    local start crash f
    start=$(date +%s)
    : >"$log"
    if [ ! -x "$bin" ]; then
        echo "FAIL: fuzz.$t: $bin not built" >"$res"
        return
    fi
    # saved crash inputs must not crash any more
    if [ -d "tests/fuzz/crashes/$t" ]; then
        for f in "tests/fuzz/crashes/$t"/*; do
            [ -f "$f" ] || continue
            if ! "$bin" -runs=1 "$f" >>"$log" 2>&1; then
                echo "FAIL: fuzz.$t: $f still crashes ($(grep -m1 -E 'ERROR: |runtime error|FUZZ_CHECK' "$log" | head -c 160)) see $log" >"$res"
                return
            fi
        done
    fi
    rm -rf "$OUT/work/$t"
    mkdir -p "$OUT/work/$t"
    rm -f "$OUT/artifacts/$t-"*
    local seeds="tests/fuzz/corpus/$t"
    [ -d "$seeds" ] || seeds=""
    "$bin" -runs="$RUNS" -seed="$SEED" -max_len="$MAX_LEN" -max_total_time="$MAX_TIME" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" \
        "$OUT/work/$t" $seeds >>"$log" 2>&1
    local rc=$? secs=$(( $(date +%s) - start ))
    local execs
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    if [ $rc = 0 ]; then
        echo "PASS: fuzz.$t (${execs:-?} runs, ${secs} s)" >"$res"
    else
        crash=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/Test unit written to //')
        echo "FAIL: fuzz.$t: ${crash:-exit status $rc, no crash file} ($(grep -m1 -E 'ERROR: |runtime error|FUZZ_CHECK' "$log" | head -c 160)) see $log" >"$res"
    fi
}

t1=$(date +%s)
pids=()
for t in "${TARGETS[@]}"; do
    rm -f "$OUT/logs/$t.result"
    run_target "$t" &
    pids+=($!)
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do sleep 0.2; done
done
wait

failed=0
for t in "${TARGETS[@]}"; do
    if [ -f "$OUT/logs/$t.result" ]; then
        cat "$OUT/logs/$t.result"
        grep -q '^FAIL: ' "$OUT/logs/$t.result" && failed=1
    else
        echo "FAIL: fuzz.$t: no result (runner crashed?) see $OUT/logs/$t.log"
        failed=1
    fi
done
echo "fuzz: ran ${#TARGETS[@]} targets in $(( $(date +%s) - t1 )) s (runs=$RUNS seed=$SEED max_time=${MAX_TIME}s jobs=$JOBS)"
exit $failed
