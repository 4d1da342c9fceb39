#!/bin/sh
# `audit checkpoint --size N` (and `--as-known-on D audit checkpoint`): the
# checkpoint of the tree at an earlier size, the same bytes as the one
# printed then, so that an export made with --as-known-on is checked
# against the checkpoint of its time and `audit prove consistency` joins
# two such checkpoints (docs/registry.md, "The verifiable log").
. tests/cli/lib.sh
CHANCERY_TODAY=2021-06-01 setup_small
ch audit keygen "$TMP/us" --name us.example/registry
expect_exit 0 "the checkpoint of 2021-06-01" audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/c1"
n=$(sed -n 2p "$TMP/c1")

mkdir -p "$TMP/more"
printf 'id,family_name,given_names,sex,birth_date,nationality,passport\n%s\n' \
    'P9,Orlov,Pavel,M,1981-01-01,RUS,' >"$TMP/more/persons.csv"
CHANCERY_TODAY=2021-07-01 expect_exit 0 "a later import" import "$TMP/more"
ch audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/c2"
n2=$(sed -n 2p "$TMP/c2")
if [ "$n2" -gt "$n" ]; then ok "the log grew ($n, then $n2)"; else
    not_ok "the log grew ($n, then $n2)"; fi

expect_exit 0 "the checkpoint at the earlier size" audit checkpoint --size "$n" --sign "$TMP/us.key"
expect_same "is the one printed then, byte for byte" "$TMP/c1" "$TMP/out"
expect_exit 0 "the checkpoint at the current size" audit checkpoint --size "$n2"
if [ "$(sed -n 2,3p "$TMP/out")" = "$(sed -n 2,3p "$TMP/c2")" ]; then
    ok "is the current one"; else not_ok "is the current one"; fi
expect_exit 0 "the checkpoint as known on the earlier date" \
    --as-known-on 2021-06-01 audit checkpoint --sign "$TMP/us.key"
expect_same "is the one of that date" "$TMP/c1" "$TMP/out"

# Two checkpoints at earlier sizes, joined by a consistency proof; the
# proof is the one between the checkpoints printed at the time.
ch audit checkpoint --size 3 --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/k3"
if [ "$(sed -n 2p "$TMP/k3")" = 3 ]; then ok "a checkpoint names its size"; else not_ok "a checkpoint names its size"; fi
ch audit checkpoint --size 7 --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/k7"
expect_exit 0 "consistency between two earlier sizes" \
    audit prove consistency "$TMP/k3" "$TMP/k7" --key "$TMP/us.pub"
expect_exit 0 "consistency from an earlier size to now" \
    audit prove consistency "$TMP/k7" "$TMP/c2" --key "$TMP/us.pub"
ch audit checkpoint --size "$n" --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/kn"
ch audit prove consistency "$TMP/kn" "$TMP/c2"
cp "$TMP/out" "$TMP/p1"
ch audit prove consistency "$TMP/c1" "$TMP/c2"
expect_same "the proof is that of the checkpoint printed then" "$TMP/p1" "$TMP/out"
expect_exit 3 "the wrong order is still refused" \
    audit prove consistency "$TMP/k7" "$TMP/k3"

# An export as known on the earlier date checks against that checkpoint.
expect_exit 0 "an export as known on the earlier date" \
    --as-known-on 2021-06-01 export "$TMP/past"
expect_exit 0 "verifies against the checkpoint of its time" \
    audit verify-export "$TMP/past" --checkpoint "$TMP/kn" --key "$TMP/us.pub"
expect_exit 3 "not against today's" \
    audit verify-export "$TMP/past" --checkpoint "$TMP/c2" --key "$TMP/us.pub"

expect_exit 3 "a size past the log's is refused" audit checkpoint --size $((n2 + 1))
expect_err "saying how long the log is" "the change log has $n2 entries, not $((n2 + 1))"
expect_exit 2 "a size that is not a number is a usage error" audit checkpoint --size x
expect_exit 2 "--size and --as-known-on together are a usage error" \
    --as-known-on 2021-06-01 audit checkpoint --size 3
done_testing
