#!/bin/sh
# export DIR (issue 11): a non-empty DIR is refused unless --force, and
# then replaced whole: the export is written into a fresh directory beside
# DIR and renamed into place, so no file of an older export (a policy the
# registry no longer has) survives to be imported again. --force never
# removes a file export does not write.
. tests/cli/lib.sh

setup_small
cp data/demo/policies/rus-usa-tenure-2.json "$TMP/p.json"
ch policy add "$TMP/p.json"

expect_exit 0 "export into a new directory" export "$TMP/exp"
mkdir -p "$TMP/empty"
expect_exit 0 "export into an empty directory" export "$TMP/empty"
expect_same "an empty directory gets the same export" "$TMP/exp/persons.csv" "$TMP/empty/persons.csv"

# An older export with a policy this registry does not have.
cp "$TMP/exp/persons.csv" "$TMP/persons.before"
cp data/demo/policies/rus-usa-cap-2017.json "$TMP/exp/policies/stale.json"
echo "stale" >>"$TMP/exp/persons.csv"
expect_exit 3 "a non-empty directory is refused" export "$TMP/exp"
expect_err "refusal message" "$TMP/exp: not empty (export writes a fresh directory; --force replaces an older export)"
if [ -f "$TMP/exp/policies/stale.json" ] && grep -q stale "$TMP/exp/persons.csv"; then
    ok "the refused directory is untouched"; else not_ok "the refused directory is untouched"; fi

expect_exit 0 "export --force replaces it" export --force "$TMP/exp/"
if [ ! -e "$TMP/exp/policies/stale.json" ]; then ok "no stale policy survives"; else
    not_ok "no stale policy survives"; fi
expect_same "the CSV files are fresh" "$TMP/persons.before" "$TMP/exp/persons.csv"
if [ -f "$TMP/exp/policies/rus-usa-tenure-2.json" ]; then ok "the registry's policy is there"; else
    not_ok "the registry's policy is there"; fi
if [ -z "$(ls "$TMP" | grep -E '\.(tmp|old)-')" ]; then ok "no temporary directory is left"; else
    ls "$TMP" | sed 's/^/# /'; not_ok "no temporary directory is left"; fi
CHANCERY_DB="$TMP/copy.db" "$CHANCERY" init >/dev/null 2>&1
CHANCERY_DB="$TMP/copy.db" expect_exit 0 "the export imports" import "$TMP/exp"
expect_out "one policy, as the registry has" "1 policies"

# --force removes only what export writes.
echo "my notes" >"$TMP/exp/notes.txt"
expect_exit 3 "a foreign file is never removed" export --force "$TMP/exp"
expect_err "the foreign file is named" "holds 'notes.txt', which export does not write: not replaced"
if [ -f "$TMP/exp/notes.txt" ]; then ok "the foreign file is kept"; else not_ok "the foreign file is kept"; fi

expect_exit 2 "export without DIR is a usage error" export --force

done_testing
