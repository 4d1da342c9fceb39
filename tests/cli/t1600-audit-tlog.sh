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
nodes=$(sql "SELECT count(*) FROM tlog_nodes")
# 2n - popcount(n) nodes for n = 284 (binary 100011100: 4 bits set).
if [ "$nodes" = 564 ]; then ok "the tree holds every node of 284 leaves"; else
    echo "# $nodes nodes"; not_ok "the tree holds every node of 284 leaves"; fi

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
nodes=$(sql "SELECT count(*) FROM tlog_nodes")
want=$(/usr/bin/python3 -c "print(2 * $n - bin($n).count('1'))")
if [ "$nodes" = "$want" ]; then ok "each change set adds its leaves' nodes"; else
    echo "# $n entries, $nodes nodes"; not_ok "each change set adds its leaves' nodes"; fi

# The 0x1e trick: a NULL before image replaced by the byte 0x1e hashed the
# same under encoding 1; encoding 2 tells them apart.
cp "$CHANCERY_DB" "$TMP/clean.db"
sql "UPDATE changes SET before = char(30) WHERE seq = 2"
expect_exit 3 "a NULL before image replaced by 0x1e is detected" audit verify
expect_err "naming the entry" "change 2 (state 'AFG'): hash does not match"

# The tree's nodes are checked against the entries.
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "UPDATE tlog_nodes SET hash = zeroblob(32) WHERE level = 3 AND idx = 1"
expect_exit 3 "an edited tree node is detected" audit verify
expect_err "naming the node" "does not match its entries: node 1 of level 3 (entries 9 to 16)"
cp "$TMP/clean.db" "$CHANCERY_DB"
sql "DELETE FROM tlog_nodes WHERE level = 0 AND idx = (SELECT max(idx) FROM tlog_nodes WHERE level = 0)"
expect_exit 3 "a missing tree node is detected" audit verify
cp "$TMP/clean.db" "$CHANCERY_DB"

done_testing
