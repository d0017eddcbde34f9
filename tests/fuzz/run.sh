#!/bin/sh
# run.sh SECONDS - runs every fuzz target (build/fuzz/fuzz_NAME, built by
# `make fuzz-build` from tests/fuzz/fuzz_NAME.c) for SECONDS each, two at a
# time, on its seed corpus tests/fuzz/corpus/NAME, with tests/fuzz/NAME.dict
# when there is one.
# New inputs go to build/fuzz/scratch/NAME (libFuzzer writes into the first
# corpus directory it is given), never into the repository; the scratch is
# emptied at each run. A crash fails the target and leaves its input in
# build/fuzz/crashes/. Each target's figures come from libFuzzer's last line;
# its full log stays in build/fuzz/logs/. Ends with the "N passed, N failed"
# line of `make test`.
cd "$(dirname "$0")/../.." || exit 3
seconds=${1:-10}
mkdir -p build/fuzz/crashes build/fuzz/logs

# fuzz_one TARGET: runs one target; its line of figures (or its failure) goes
# to build/fuzz/logs/NAME.result, its exit status is the target's
fuzz_one() {
    target=$1
    name=${target#fuzz_}
    scratch=build/fuzz/scratch/$name
    log=build/fuzz/logs/$name.log
    result=build/fuzz/logs/$name.result
    rm -rf "$scratch"
    mkdir -p "$scratch"
    dict=
    [ -f "tests/fuzz/$name.dict" ] && dict=-dict=tests/fuzz/$name.dict
    if "build/fuzz/$target" "$scratch" "tests/fuzz/corpus/$name" $dict \
        -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="build/fuzz/crashes/$name-" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        last=$(grep -E '^#[0-9]+' "$log" | tail -1 |
            sed -E 's/.*(cov: [0-9]+ ft: [0-9]+ corp: [^ ]+).*/\1/')
        echo "  $target: ${runs:-?} runs in $seconds s (${rate:-?}/s), $last, no crash" >"$result"
    else
        { echo "FAIL: $target crashed (log: $log):"
          grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5; } >"$result"
        return 1
    fi
}

# two targets at a time, one per core
targets=$(for src in tests/fuzz/fuzz_*.c; do basename "$src" .c; done)
set -- $targets
while [ $# -gt 0 ]; do
    fuzz_one "$1" &
    first=$!
    second=""
    if [ $# -gt 1 ]; then
        fuzz_one "$2" &
        second=$!
    fi
    wait "$first"
    [ -n "$second" ] && wait "$second"
    shift
    [ $# -gt 0 ] && shift
done
passed=0
failed=0
for target in $targets; do
    result=build/fuzz/logs/${target#fuzz_}.result
    cat "$result"
    if grep -q '^FAIL' "$result"; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
