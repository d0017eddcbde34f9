#!/bin/sh
# run.sh SECONDS - runs every fuzz target (built by `make fuzz-build`) for
# SECONDS each on its seed corpus (tests/fuzz/corpus/NAME), with new inputs
# kept in a scratch directory, never in the repository. A crash fails the
# target and leaves its input in build/fuzz/crashes/. Ends with the
# "N passed, N failed" line of `make test`.
cd "$(dirname "$0")/../.." || exit 3
seconds=${1:-10}
passed=0
failed=0
mkdir -p build/fuzz/crashes
for target in code uscc web; do
    work=$(mktemp -d /tmp/gimark-fuzz-XXXXXX)
    if build/fuzz/fuzz_$target "$work" "tests/fuzz/corpus/$target" -max_total_time="$seconds" \
        -max_len=4096 -artifact_prefix=build/fuzz/crashes/$target- -print_final_stats=1 \
        >"$work.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log")
        echo "  fuzz_$target: ${runs:-?} inputs in ${seconds} s, no crash"
        passed=$((passed + 1))
    else
        echo "FAIL: fuzz_$target crashed:"
        grep -E "ERROR|SUMMARY|Test unit written" "$work.log" | head -5
        failed=$((failed + 1))
    fi
    rm -rf "$work" "$work.log"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
