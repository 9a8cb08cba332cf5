#!/bin/sh
# Run every cmocka unit test binary from the repo root; fixtures are relative to it.
fail=0; total=0
for t in "$@"; do
    total=$((total + 1))
    if ! "$t"; then echo "FAILED: $t" >&2; fail=$((fail + 1)); fi
done
echo "unit: $((total - fail)) passed, $fail failed"
[ "$fail" = 0 ]
