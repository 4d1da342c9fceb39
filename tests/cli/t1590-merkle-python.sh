#!/bin/sh
# The Merkle trees of base/merkle against an independent implementation in
# Python (tests/cli/merkle_check.py, hashlib only): the roots, every
# inclusion proof and every consistency proof of trees of sizes drawn at
# random (the seed is printed, so a failure can be replayed).
. tests/cli/lib.sh

seed=${MERKLE_SEED:-$(date +%s)}
echo "# seed $seed"
sizes=$(/usr/bin/python3 -c "
import random
r = random.Random($seed)
print(' '.join(str(n) for n in [1, 2, 3, 7, 8, 9] + r.sample(range(10, 300), 6)))")
echo "# sizes $sizes"
MERKLE_DUMP="$TMP/dump" MERKLE_SIZES="$sizes" "$TOP/${BUILD:-build}/tests/test-merkle"
if [ -s "$TMP/dump" ]; then ok "test-merkle wrote the roots and proofs"; else
    not_ok "test-merkle wrote the roots and proofs"; fi
if /usr/bin/python3 tests/cli/merkle_check.py dump "$TMP/dump" >"$TMP/out" 2>"$TMP/err"
then ok "python recomputes the same roots and proofs"; else
    not_ok "python recomputes the same roots and proofs"; fi
# A checker that agrees with everything proves nothing: one changed hash
# must be caught.
awk 'NR == 5 { $4 = "00" substr($4, 3) } { print }' "$TMP/dump" >"$TMP/bad"
if ! /usr/bin/python3 tests/cli/merkle_check.py dump "$TMP/bad" >"$TMP/out" 2>"$TMP/err"
then ok "python catches a changed hash"; else
    not_ok "python catches a changed hash"; fi
done_testing
