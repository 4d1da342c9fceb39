#!/bin/sh
# The verifiable log (DESIGN.md, "Verifiable log"; docs/registry.md, "The
# verifiable log"): the injective entry encoding and its migration, the
# Merkle tree kept with the log, and the attacks `audit verify` now sees.
. tests/cli/lib.sh

if ! command -v sqlite3 >/dev/null; then
    ok "verifiable log # skip sqlite3 not installed"
    done_testing
    exit 0
fi
sql() { sqlite3 "$CHANCERY_DB" "$@"; }

# --- Migration 6: a schema-3 log re-encoded, the old head kept.
sqlite3 "$CHANCERY_DB" <"$TOP/tests/fixtures/registry-v3.sql"
expect_exit 0 "a schema-3 registry re-encoded verifies" audit verify
row=$(sql "SELECT encoding, head_seq, hex(head_hash), coalesce(broken_at, '-') FROM log_encodings")
if [ "$row" = "1|284|C673E62B0F69057AC0064A4150107E6F6DC01E8DD1F1A19E2673FA57FAD00C26|-" ]; then
    ok "the old chain's head is kept, and it verified"
else
    echo "# row: $row"; not_ok "the old chain's head is kept, and it verified"
fi
new=$(sql "SELECT lower(hex(hash)) FROM changes WHERE seq = 284")
if [ "$new" != c673e62b0f69057ac0064a4150107e6f6dc01e8dd1f1a19e2673fa57fad00c26 ]; then
    ok "the entries are re-hashed in encoding 2"; else
    not_ok "the entries are re-hashed in encoding 2"; fi
# Migration 10 packs the leaves 32 to a row and keeps the nodes of level
# 5 and up: for n = 284, nine chunks (eight of 32 leaves, one of 28) and
# 8 + 4 + 2 + 1 nodes.
tree=$(sql "SELECT group_concat(chunk || ':' || length(hashes), ' ') FROM tlog_leaves; SELECT group_concat(level || '/' || idx, ' ') FROM tlog_nodes")
want="0:1024 1:1024 2:1024 3:1024 4:1024 5:1024 6:1024 7:1024 8:896
5/0 5/1 5/2 5/3 5/4 5/5 5/6 5/7 6/0 6/1 6/2 6/3 7/0 7/1 8/0"
if [ "$tree" = "$want" ]; then ok "the tree holds 284 leaves packed, and the nodes above them"; else
    echo "# $tree"; not_ok "the tree holds 284 leaves packed, and the nodes above them"; fi

# A log rewritten under encoding 1 (the chain recomputed would pass
# encoding 1; here an entry's reason is edited and not even that) is
# re-encoded as it stands, but stays reported.
rm -f "$CHANCERY_DB"
sed "s/'tour ended'/'tour extended'/" "$TOP/tests/fixtures/registry-v3.sql" |
    sqlite3 "$CHANCERY_DB"
expect_exit 3 "an old chain broken before migration stays reported" audit verify
expect_err "naming the first entry it broke at" "change 281: hash did not match under encoding 1"

# --- A fresh registry.
rm -f "$CHANCERY_DB"
setup_small
expect_exit 0 "a fresh registry verifies" audit verify
n=$(sql "SELECT count(*) FROM changes")
nodes=$(sql "SELECT count(*) || ' ' || (SELECT count(*) || ' ' || sum(length(hashes)) FROM tlog_leaves) FROM tlog_nodes")
want=$(/usr/bin/python3 -c "print(sum($n >> l for l in range(5, 64)), ($n + 31) // 32, 32 * $n)")
if [ "$nodes" = "$want" ]; then ok "each change set adds its leaves and nodes"; else
    echo "# $n entries: $nodes, not $want"; not_ok "each change set adds its leaves and nodes"; fi

# The 0x1e trick: a NULL before image replaced by the byte 0x1e hashed the
# same under encoding 1; encoding 2 tells them apart.
cp "$CHANCERY_DB" "$TMP/clean.db"
sql "UPDATE changes SET before = char(30) WHERE seq = 2"
expect_exit 3 "a NULL before image replaced by 0x1e is detected" audit verify
expect_err "naming the entry" "change 2 (state 'AFG'): hash does not match"

# An entry deleted, and two entries swapped: the first out of place is
# named.
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "DELETE FROM changes WHERE seq = 10"
expect_exit 3 "a deleted entry is detected" audit verify
expect_err "naming it" "change 10: missing: the log goes from change 9 to change 11"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "UPDATE changes SET seq = -1 WHERE seq = 20; UPDATE changes SET seq = 20 WHERE seq = 21; UPDATE changes SET seq = 21 WHERE seq = -1"
expect_exit 3 "two entries swapped are detected" audit verify
expect_err "naming the first" "change 20 (state "

# The tree's nodes are checked against the entries.
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 8 AND idx = 0"
expect_exit 3 "an edited tree node is detected" audit verify
expect_err "naming the node" "(table tlog_nodes) does not match its entries: node 0 of level 8 (entries 1 to 256)"
cp "$TMP/clean.db" "$CHANCERY_DB"
# (SQLite's || makes text of blobs: the chunk is rewritten in hex, leaf 9
# zeroed.)
hex=$(sql "SELECT hex(hashes) FROM tlog_leaves WHERE chunk = 0")
zero=$(printf '%064d' 0)
sql "UPDATE tlog_leaves SET hashes = X'$(echo "$hex" | cut -c1-512)$zero$(echo "$hex" | cut -c577-)' WHERE chunk = 0"
expect_exit 3 "an edited leaf is detected" audit verify
expect_err "naming the leaf" "(table tlog_leaves) does not match its entries: node 8 of level 0 (entries 9 to 9)"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "UPDATE tlog_leaves SET hashes = substr(hashes, 1, length(hashes) - 32) WHERE chunk = (SELECT max(chunk) FROM tlog_leaves)"
expect_exit 3 "a missing leaf is detected" audit verify
expect_err "naming it" "(table tlog_leaves) does not match its entries: node $((n - 1)) of level 0"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "INSERT INTO tlog_nodes VALUES (3, 1, zeroblob(32))"
expect_exit 3 "a node the tree does not keep is detected" audit verify
expect_err "by the count" "(table tlog_nodes) holds 16 nodes, not those of its $n entries"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "INSERT INTO tlog_leaves VALUES (99, zeroblob(32))"
expect_exit 3 "a chunk the tree does not have is detected" audit verify
expect_err "by the count" "(table tlog_leaves) holds $((n + 1)) leaves in 10 rows"
cp "$TMP/clean.db" "$CHANCERY_DB"

# An update's before image edited: it is also the record's earlier entry's
# after image, so that entry breaks first; the error names the update,
# whose content was edited, not the earlier entry.
ch posting end T2 --on 2021-06-30 --reason recalled >/dev/null 2>&1
upd=$(sql "SELECT max(seq) FROM changes WHERE op = 'update'")
ins=$(sql "SELECT seq FROM changes WHERE entity = 'posting' AND key = 'T2' AND op = 'insert'")
cp "$CHANCERY_DB" "$TMP/updated.db"
sql "UPDATE changes SET before = replace(before, 'Second Secretary', 'First Secretary') WHERE seq = $upd"
expect_exit 3 "an edited before image is detected" audit verify
expect_err "naming the entry that stores it" "change $upd (posting 'T2'): its before image was rewritten: it is not the after image change $ins was hashed with"
# The same with the update's key edited, to another record's or to none:
# the update is named, not the record's earlier entry.
for other in T1 T9; do
    cp "$TMP/updated.db" "$CHANCERY_DB"
    sql "UPDATE changes SET key = '$other' WHERE seq = $upd"
    expect_exit 3 "an update's key edited to '$other' is detected" audit verify
    expect_err "naming the update" "change $upd (posting '$other'): its key was rewritten: its before image is that of posting 'T2'"
done
# A compound key (a dependent's PERSON/POSTING) edited the same way.
cp "$TMP/updated.db" "$CHANCERY_DB"
ch dependent end P5 T2 --on 2021-06-30 >/dev/null 2>&1
dep=$(sql "SELECT max(seq) FROM changes WHERE entity = 'dependent'")
sql "UPDATE changes SET key = 'P5/T9' WHERE seq = $dep"
expect_exit 3 "a dependent update's key edited is detected" audit verify
expect_err "naming the update" "change $dep (dependent 'P5/T9'): its key was rewritten: its before image is that of dependent 'P5/T2'"
# An entry's own content edited still names that entry.
cp "$TMP/updated.db" "$CHANCERY_DB"
sql "UPDATE changes SET op = 'update' WHERE seq = $ins"
expect_exit 3 "an insert turned into an update is detected" audit verify
expect_err "naming it" "change $ins (posting 'T2'): hash does not match"
cp "$TMP/updated.db" "$CHANCERY_DB"
sql "UPDATE change_sets SET reason = 'routine' WHERE id = (SELECT change_set FROM changes WHERE seq = $upd)"
expect_exit 3 "an update's reason edited is detected" audit verify
expect_err "naming it" "change $upd (posting 'T2'): hash does not match"
cp "$TMP/clean.db" "$CHANCERY_DB"

# The schema is the migrations': an added trigger (one that rewrites later
# writes), an added table, a dropped index or an edited table are found.
sql "CREATE TRIGGER quiet AFTER INSERT ON persons BEGIN UPDATE persons SET passport = NULL WHERE id = NEW.id; END"
expect_exit 3 "an added trigger is detected" audit verify
expect_err "and named" "schema: trigger 'quiet' (on persons) is not one chancery's migrations create"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "CREATE TABLE notes (x TEXT)"
expect_exit 3 "an added table is detected" audit verify
expect_err "and named" "schema: table 'notes' (on notes) is not one"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "DROP INDEX changes_key"
expect_exit 3 "a dropped index is detected" audit verify
expect_err "and named" "schema: index 'changes_key' is missing"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "CREATE VIEW v AS SELECT 1"
expect_exit 3 "an added view is detected" audit verify
cp "$TMP/clean.db" "$CHANCERY_DB"

# --- Keys and signed checkpoints.
py() { /usr/bin/python3 "$TOP/tests/cli/merkle_check.py" "$@" >"$TMP/out" 2>"$TMP/err"; }
check_py() { # WHAT ARGS...: the independent checker agrees
    what=$1; shift
    if py "$@"; then ok "$what"; else not_ok "$what"; fi
}
expect_exit 0 "audit keygen makes a key pair" audit keygen "$TMP/us" --name us.example/registry
expect_out "printing the C2SP verifier key" "us.example/registry+"
mode=$(stat -c %a "$TMP/us.key")
if [ "$mode" = 600 ]; then ok "the signer key is mode 0600"; else
    echo "# mode $mode"; not_ok "the signer key is mode 0600"; fi
if grep -q '^PRIVATE+KEY+us.example/registry+[0-9a-f]\{8\}+' "$TMP/us.key"; then
    ok "the signer key is in the signed-note format"; else
    not_ok "the signer key is in the signed-note format"; fi
if ! grep -rqa "PRIVATE" "$CHANCERY_DB"; then ok "no key is in the database"; else
    not_ok "no key is in the database"; fi
expect_exit 1 "keygen never replaces a key" audit keygen "$TMP/us"
expect_exit 3 "a key name with a '+' is refused" audit keygen "$TMP/x" --name "a+b"
audit_keygen_other() { ch audit keygen "$TMP/ru" --name ru.example/registry; }
audit_keygen_other

expect_exit 0 "audit checkpoint --sign" audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/c1"
n=$(sql "SELECT count(*) FROM changes")
if [ "$(sed -n 1p "$TMP/c1")" = us.example/registry ] &&
    [ "$(sed -n 2p "$TMP/c1")" = "$n" ] && [ "$(sed -n 4p "$TMP/c1")" = "" ] &&
    sed -n 5p "$TMP/c1" | grep -q '^— us.example/registry [A-Za-z0-9+/]*=*$'; then
    ok "a C2SP checkpoint: origin, size, root, blank line, signature"
else
    not_ok "a C2SP checkpoint: origin, size, root, blank line, signature"
fi
if /usr/bin/python3 -c "import cryptography" 2>/dev/null; then
    check_py "python verifies its signature and recomputes its root" checkpoint "$CHANCERY_DB" "$TMP/c1" "$TMP/us.pub"
else
    ok "python verifies its signature # skip python3-cryptography not installed"
    check_py "python recomputes its root" checkpoint "$CHANCERY_DB" "$TMP/c1"
fi
expect_exit 0 "verify-checkpoint with the public key" audit verify-checkpoint "$TMP/c1" --key "$TMP/us.pub"
expect_exit 3 "another key's check fails" audit verify-checkpoint "$TMP/c1" --key "$TMP/ru.pub"
expect_err "naming the key" "no signature by key 'ru.example/registry'"
sed '3s/^./A/; 3s/^AA/B/' "$TMP/c1" >"$TMP/bad-root"
expect_exit 3 "an edited checkpoint's signature fails" audit verify-checkpoint "$TMP/bad-root" --key "$TMP/us.pub"
expect_err "as a bad signature" "bad signature by key 'us.example/registry'"
# (a signature that already starts with A gets a B: the keys are random)
awk 'NR == 5 { $3 = (substr($3, 1, 1) == "A" ? "B" : "A") substr($3, 2) } { print }' "$TMP/c1" >"$TMP/bad-sig"
expect_exit 3 "a checkpoint with a bad signature is refused" audit verify-checkpoint "$TMP/bad-sig" --key "$TMP/us.pub"
expect_exit 0 "an unsigned checkpoint" audit checkpoint --origin us.example/registry
if [ "$(cat "$TMP/out")" = "$(sed -n 1,3p "$TMP/c1")" ]; then
    ok "is the signed one's text"; else not_ok "is the signed one's text"; fi

# --- Proofs, each recomputed by the independent checker.
mkdir -p "$TMP/more"
more_persons() {
    printf 'id,family_name,given_names,sex,birth_date,nationality,passport\n%s\n%s\n' \
        "$1" 'P10,Orlova,Maria,F,1983-02-02,RUS,' >"$TMP/more/persons.csv"
}
more_persons 'P9,Orlov,Pavel,M,1981-01-01,RUS,'
expect_exit 0 "two more persons imported" import "$TMP/more"
expect_exit 0 "a second checkpoint after more changes" audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/c2"
n2=$(sed -n 2p "$TMP/c2")
if [ "$n2" -gt "$n" ]; then ok "it has more entries ($n, then $n2)"; else
    not_ok "it has more entries ($n, then $n2)"; fi
for seq in 1 2 $((n / 2)) "$n"; do
    expect_exit 0 "inclusion proof of change $seq in the first checkpoint" \
        audit prove inclusion "$seq" --checkpoint "$TMP/c1" --key "$TMP/us.pub"
    cp "$TMP/out" "$TMP/proof"
    check_py "python recomputes it" inclusion "$CHANCERY_DB" "$seq" "$n" "$TMP/proof"
done
expect_exit 0 "inclusion proof in the log as it stands" audit prove inclusion "$n2"
expect_exit 3 "no proof of a change past the checkpoint" audit prove inclusion "$n2" --checkpoint "$TMP/c1"
expect_exit 2 "a bad seq is a usage error" audit prove inclusion x
expect_exit 0 "inclusion proof as JSON" --format json audit prove inclusion 3 --checkpoint "$TMP/c1"
expect_out "with RFC 9162's field names" '"inclusion_path": ['
expect_exit 0 "consistency proof of the two checkpoints" \
    audit prove consistency "$TMP/c1" "$TMP/c2" --key "$TMP/us.pub"
cp "$TMP/out" "$TMP/proof"
check_py "python recomputes it" consistency "$CHANCERY_DB" "$n" "$n2" "$TMP/proof"
expect_exit 3 "the checkpoints in the wrong order are refused" \
    audit prove consistency "$TMP/c2" "$TMP/c1"

# --- Witnesses: the other office cosigns what it has seen grow (C2SP
# tlog-cosignature/v1).
expect_exit 0 "the Russian office cosigns the American checkpoint" \
    audit witness "$TMP/c2" --key "$TMP/ru.key" --known "$TMP/c1" --log-key "$TMP/us.pub"
cp "$TMP/out" "$TMP/c2w"
# With "today" pinned, the cosignature's time is that day at 00:00 UTC
# (2021-12-04: 1638576000), so the cosigned note is reproducible.
ts=$(sed -n 's/^— ru.example\/registry //p' "$TMP/c2w" | /usr/bin/python3 -c \
    'import base64, sys; print(int.from_bytes(base64.b64decode(sys.stdin.read())[4:12], "big"))')
if [ "$ts" = 1638576000 ]; then ok "the cosignature is timed at the pinned day's start"; else
    echo "# timestamp $ts"; not_ok "the cosignature is timed at the pinned day's start"; fi
ch audit witness "$TMP/c2" --key "$TMP/ru.key" --known "$TMP/c1" --log-key "$TMP/us.pub"
expect_same "cosigning again gives the same bytes" "$TMP/c2w" "$TMP/out"
if [ "$(grep -c '^— ' "$TMP/c2w")" = 2 ] && grep -q '^— ru.example/registry ' "$TMP/c2w"; then
    ok "the note now carries both signatures"; else
    not_ok "the note now carries both signatures"; fi
expect_exit 0 "the cosigned checkpoint verifies with both keys" \
    audit verify-checkpoint "$TMP/c2w" --key "$TMP/us.pub" --witness "$TMP/ru.pub"
expect_out "both named" "signature good, cosignature good"
if /usr/bin/python3 -c "import cryptography" 2>/dev/null; then
    check_py "python verifies the cosignature" cosigned "$TMP/c2w" "$TMP/ru.pub"
fi
expect_exit 3 "a checkpoint not cosigned by that witness fails" \
    audit verify-checkpoint "$TMP/c2" --witness "$TMP/ru.pub"
expect_err "which says so" "no cosignature by key 'ru.example/registry'"
expect_exit 0 "a witness without the database takes the proof" \
    audit prove consistency "$TMP/c1" "$TMP/c2"
cp "$TMP/out" "$TMP/proof12"
expect_exit 0 "and cosigns with it" audit witness --db /nonexistent "$TMP/c2" --key "$TMP/ru.key" \
    --known "$TMP/c1" --log-key "$TMP/us.pub" --proof "$TMP/proof12"
awk 'NR == 1 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }' \
    "$TMP/proof12" >"$TMP/bad-proof"
expect_exit 3 "a witness refuses a proof that does not hold" audit witness "$TMP/c2" \
    --key "$TMP/ru.key" --known "$TMP/c1" --proof "$TMP/bad-proof"
expect_err "naming both checkpoints" "is not consistent with"
expect_exit 3 "a witness refuses to go back in time" \
    audit witness "$TMP/c1" --key "$TMP/ru.key" --known "$TMP/c2"

# --- A rewritten log: the backup from before the second checkpoint's
# change set restored and a different change set written in its place (a
# person backdated and renamed), the chain and the tree recomputed by
# chancery itself, as an attacker holding the database would. `audit
# verify` cannot see it; the checkpoints published before can.
cp "$CHANCERY_DB" "$TMP/honest.db"
cp "$TMP/clean.db" "$CHANCERY_DB"
expect_exit 3 "a truncated log fails the checkpoint taken before" \
    audit verify-checkpoint "$TMP/c2" --key "$TMP/us.pub"
expect_err "which names what is missing" "the change log has $n entries, not $n2"
more_persons 'P9,Orlov,Piotr,M,1979-01-01,RUS,'
expect_exit 0 "the rewriter imports other persons" import "$TMP/more"
expect_exit 0 "a rewritten log passes audit verify" audit verify
expect_exit 3 "but not the checkpoint taken before" audit verify-checkpoint "$TMP/c2" --key "$TMP/us.pub"
expect_err "which names the rewrite" "do not have the checkpoint's root hash"
expect_exit 0 "the rewriter's own checkpoint, of the same size" audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/c3"
if [ "$(sed -n 2p "$TMP/c3")" = "$n2" ] && [ "$(sed -n 3p "$TMP/c3")" != "$(sed -n 3p "$TMP/c2")" ]; then
    ok "a fork: two signed checkpoints, same size, different roots"; else
    not_ok "a fork: two signed checkpoints, same size, different roots"; fi
expect_exit 3 "the fork is caught by a consistency proof" \
    audit prove consistency "$TMP/c2" "$TMP/c3" --key "$TMP/us.pub"
expect_err "which says so" "are not consistent"
expect_exit 3 "and the witness, having seen the honest one, refuses to cosign it" \
    audit witness "$TMP/c3" --key "$TMP/ru.key" --known "$TMP/c2" --log-key "$TMP/us.pub"
expect_exit 0 "while the common past still proves consistent" \
    audit prove consistency "$TMP/c1" "$TMP/c3" --key "$TMP/us.pub"
cp "$TMP/honest.db" "$CHANCERY_DB"

# --- Unrelated trees: another registry's log under the same origin. No
# consistency proof joins it to this one's checkpoints, whichever registry
# computes it.
CHANCERY_DB="$TMP/other.db" ch init
CHANCERY_DB="$TMP/other.db" ch import "$TMP/more"
CHANCERY_DB="$TMP/other.db" ch import "$TMP/reg"
CHANCERY_DB="$TMP/other.db" expect_exit 0 "another registry's checkpoint, same origin" \
    audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/other"
if [ "$(sed -n 2p "$TMP/other")" -gt "$n" ]; then ok "larger than the first checkpoint"; else
    not_ok "larger than the first checkpoint"; fi
expect_exit 3 "no consistency proof from this registry" \
    audit prove consistency "$TMP/c1" "$TMP/other" --key "$TMP/us.pub"
expect_err "which says so" "are not consistent"
CHANCERY_DB="$TMP/other.db" expect_exit 3 "nor from the other one" \
    audit prove consistency "$TMP/c1" "$TMP/other" --key "$TMP/us.pub"
: >"$TMP/empty-proof"
expect_exit 3 "a witness refuses the unrelated tree with an empty proof" \
    audit witness "$TMP/other" --key "$TMP/ru.key" --known "$TMP/c1" --proof "$TMP/empty-proof"
CHANCERY_DB="$TMP/other.db" expect_exit 3 "and with the proof the other registry computes" \
    audit witness "$TMP/other" --key "$TMP/ru.key" --known "$TMP/c1" --log-key "$TMP/us.pub"
expect_err "naming both checkpoints" "is not consistent with"

done_testing
