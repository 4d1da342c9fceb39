#!/bin/sh
# The demo's witnesses: the US office (the demo's registry) and the
# Russian office (a registry of its own beside it) each sign their
# registry's checkpoint and cosign the other's once it is consistent with
# the last one they saw; a rewritten registry is refused.
. tests/cli/lib.sh

W="$CHANCERY_DB.witness"
pg_only && W=$CHANCERY_WITNESS
expect_exit 0 "the demo" demo
expect_out "names the witnessed checkpoints" "Witnessed checkpoints ($W)"
expect_out "the Russian office cosigns the US registry's" "state.gov/registry"
expect_out "having seen it on 2021-11-30" "consistent with the"
expect_out "the US office cosigns the Russian registry's" "mid.ru/registry"
if grep -q "^  state.gov/registry .* cosigned by mid.ru/registry$" "$TMP/out" &&
    grep -q "^  mid.ru/registry .* cosigned by state.gov/registry$" "$TMP/out"; then
    ok "each cosigned by the other office"; else not_ok "each cosigned by the other office"; fi
cp "$TMP/out" "$TMP/tour"
ch audit checkpoint
n=$(sed -n 2p "$TMP/out")
if grep -q "^  state.gov/registry *$n entries" "$TMP/tour"; then ok "the whole log checkpointed"; else
    not_ok "the whole log checkpointed"; fi
for k in us ru; do
    if [ "$(stat -c %a "$W/$k.key")" = 600 ]; then ok "$k.key is mode 0600"; else
        not_ok "$k.key is mode 0600"; fi
done
expect_exit 0 "the US checkpoint verifies with the Russian cosignature" \
    audit verify-checkpoint "$W/us.checkpoint" --key "$W/us.pub" --witness "$W/ru.pub"
expect_out "both" "signature good, cosignature good, $n entries"
CHANCERY_DB="$W/ru.db" expect_exit 0 "the Russian checkpoint with the US cosignature" \
    audit verify-checkpoint "$W/ru.checkpoint" --key "$W/ru.pub" --witness "$W/us.pub"
expect_exit 3 "a cosignature by the wrong office is not taken" \
    audit verify-checkpoint "$W/us.checkpoint" --key "$W/us.pub" --witness "$W/us.pub"
if /usr/bin/python3 -c "import cryptography" 2>/dev/null; then
    if /usr/bin/python3 tests/cli/merkle_check.py cosigned "$W/us.checkpoint" "$W/ru.pub" >"$TMP/out" 2>"$TMP/err"
    then ok "python verifies the Russian cosignature"; else not_ok "python verifies the Russian cosignature"; fi
fi
# Under the pinned "today" (2021-12-04) the cosignatures are timed at that
# day's start (1638576000), so the witness files are reproducible.
for f in us ru; do
    ts=$(sed -n 's/^— [a-z.]*\/registry //p' "$W/$f.checkpoint" | tail -n 1 | /usr/bin/python3 -c \
        'import base64, sys; print(int.from_bytes(base64.b64decode(sys.stdin.read())[4:12], "big"))')
    if [ "$ts" = 1638576000 ]; then ok "$f.checkpoint's cosignature is timed at the pinned day"; else
        echo "# timestamp $ts"; not_ok "$f.checkpoint's cosignature is timed at the pinned day"; fi
done
cp "$W/us.key" "$TMP/us.key.first"

# A write, then the demo again: the same keys, and the witness checks the
# new checkpoint against the one it cosigned before. Rewriting the registry
# below copies its SQLite file back; PostgreSQL has no file to copy.
sqlite_only && cp "$CHANCERY_DB" "$TMP/before.db"
expect_exit 0 "a write" person add --id PW1 --family-name Witness
expect_exit 0 "the demo again after a write" demo
expect_out "consistent with what was cosigned before" "consistent with the $n mid.ru/registry saw"
expect_same "the keys are kept" "$TMP/us.key.first" "$W/us.key"

# The US registry rewritten: the copy from before the write restored and
# another write made in its place. The Russian office has seen the
# honest one, and refuses.
if sqlite_only; then
    cp "$TMP/before.db" "$CHANCERY_DB"
    rm -f "$CHANCERY_DB.snapshot"
    expect_exit 0 "another write in its place" person add --id PW1 --family-name Forger
    expect_exit 3 "the demo on a rewritten registry" demo
    expect_err "the Russian office will not cosign" "mid.ru/registry will not cosign state.gov/registry's checkpoint"
fi
done_testing
