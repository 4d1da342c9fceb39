#!/bin/sh
# A registry written by schema 3 (one change-log row per entry, with its
# time, actor, reason, both images and a hex hash; tests/fixtures holds one
# made by chancery 91b16f1) is migrated to change sets on first open. Its
# history, its past states and its hash chain come through unchanged, and
# new entries chain on from its last one. Schema 5 then drops the indexes
# schema 1 to 3 made on reference columns; schema 6 adds the postings'
# credentials column, which leaves every older image and hash as it was;
# schema 8 re-hashes the log in encoding 2 and builds its Merkle tree.
. tests/cli/lib.sh

if ! command -v sqlite3 >/dev/null; then
    ok "schema-3 migration # skip sqlite3 not installed"
    done_testing
    exit 0
fi
sqlite3 "$CHANCERY_DB" <"$TOP/tests/fixtures/registry-v3.sql"

expect_exit 0 "a schema-3 registry verifies after migrating" audit verify
expect_out "with every entry" "verified 284 changes: the hash chain is intact"
version=$(sqlite3 "$CHANCERY_DB" "PRAGMA user_version")
if [ "$version" = 11 ]; then ok "it is at schema 11"; else
    echo "# user_version $version"; not_ok "it is at schema 11"; fi
if [ "$(sqlite3 "$CHANCERY_DB" "SELECT count(*) FROM pragma_table_info('postings') WHERE name = 'credentials'")" = 1 ]; then
    ok "schema 6 adds the postings' credentials"; else not_ok "schema 6 adds the postings' credentials"; fi
if [ "$(sqlite3 "$CHANCERY_DB" "SELECT count(*) FROM sqlite_master WHERE name = 'notifications'")" = 1 ]; then
    ok "schema 7 adds the notifications"; else not_ok "schema 7 adds the notifications"; fi
if [ "$(sqlite3 "$CHANCERY_DB" "SELECT count(*) FROM log_encodings WHERE encoding = 1 AND head_seq = 284 AND broken_at IS NULL")" = 1 ]; then
    ok "schema 8 keeps the old chain's head"; else not_ok "schema 8 keeps the old chain's head"; fi
if [ "$(sqlite3 "$CHANCERY_DB" "SELECT count(*) FROM sqlite_master WHERE name = 'accounts'")" = 1 ]; then
    ok "schema 9 adds the accounts"; else not_ok "schema 9 adds the accounts"; fi
if [ "$(sqlite3 "$CHANCERY_DB" "SELECT count(*) || '/' || sum(length(hashes)) FROM tlog_leaves; SELECT count(*) FROM tlog_nodes WHERE level < 5")" = "9/9088
0" ]; then
    ok "schema 10 packs the tree's leaves"; else not_ok "schema 10 packs the tree's leaves"; fi
indexes=$(sqlite3 "$CHANCERY_DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)")
# (schema 11 adds idempotency_created, on no reference column.)
if [ "$indexes" = "change_sets_recorded changes_key idempotency_created" ]; then
    ok "schema 5 keeps no index on reference columns"
else
    echo "# indexes: $indexes"; not_ok "schema 5 keeps no index on reference columns"
fi
sets=$(sqlite3 "$CHANCERY_DB" "SELECT group_concat(id || ':' || coalesce(reason, '-'), ' ') FROM change_sets")
if [ "$sets" = "1:init: reference data 270:import 281:tour ended 282:family rule 283:- 284:no reason given" ]; then
    ok "entries are grouped into their change sets"
else
    echo "# sets: $sets"; not_ok "entries are grouped into their change sets"
fi
if [ "$(sqlite3 "$CHANCERY_DB" "SELECT count(*) FROM sqlite_master WHERE name = 'changes_v3'")" = 0 ]; then
    ok "the old table is gone"; else not_ok "the old table is gone"; fi

expect_exit 0 "history of an updated posting" history posting T2 --format csv
cat >"$TMP/want" <<'CSV'
seq,recorded,actor,op,reason,before,after
278,2021-02-01T00:00:00Z,protocol,insert,import,,"{""id"":""T2"",""person"":""P2"",""mission"":""RUS-WAS"",""title"":""Second Secretary"",""rank"":""second_secretary"",""category"":""diplomatic_agent"",""head_of_mission"":false,""notified"":""2018-12-01"",""arrived"":""2018-12-10"",""accredited"":""2018-12-11"",""refused"":null,""ended"":null,""end_reason"":null}"
281,2021-06-01T00:00:00Z,protocol,update,tour ended,"{""id"":""T2"",""person"":""P2"",""mission"":""RUS-WAS"",""title"":""Second Secretary"",""rank"":""second_secretary"",""category"":""diplomatic_agent"",""head_of_mission"":false,""notified"":""2018-12-01"",""arrived"":""2018-12-10"",""accredited"":""2018-12-11"",""refused"":null,""ended"":null,""end_reason"":null}","{""id"":""T2"",""person"":""P2"",""mission"":""RUS-WAS"",""title"":""Second Secretary"",""rank"":""second_secretary"",""category"":""diplomatic_agent"",""head_of_mission"":false,""notified"":""2018-12-01"",""arrived"":""2018-12-10"",""accredited"":""2018-12-11"",""refused"":null,""ended"":""2021-06-30"",""end_reason"":""tour_completed""}"
CSV
expect_same "is what schema 3 showed" "$TMP/want" "$TMP/out"

expect_exit 0 "as known before the posting ended" --as-known-on 2021-05-31 posting show T2 --format csv
expect_out "it had not ended" "2018-12-11,,,"
expect_exit 0 "as known after" --as-known-on 2021-06-15 posting show T2 --format csv
expect_out "it had" "2018-12-11,,2021-06-30,tour_completed"
expect_exit 0 "as known before the visa" --as-known-on 2021-07-31 visa list --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "no visa case yet"; else not_ok "no visa case yet"; fi

# New entries chain on, and keep no after image of their own.
CHANCERY_TODAY=2021-12-05 expect_exit 0 "a new write" posting end T1 --on 2021-12-31 --reason recalled --note "recalled"
expect_exit 0 "the chain verifies across the migration" audit verify
expect_out "one entry more" "verified 285 changes"
stored=$(sqlite3 "$CHANCERY_DB" "SELECT quote(after) || ' ' || length(hash) FROM changes WHERE seq = 285")
if [ "$stored" = "NULL 32" ]; then ok "the new entry stores no after image and a binary hash"; else
    echo "# stored: $stored"; not_ok "the new entry stores no after image and a binary hash"; fi
expect_exit 0 "history of the new write" history posting T1 --format csv
expect_out "its after image comes from the table" '""ended"":""2021-12-31"",""end_reason"":""recalled""}"'
expect_out "its change set's time" "285,2021-12-05T00:00:00Z,test,update,recalled"
done_testing
