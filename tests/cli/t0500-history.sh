#!/bin/sh
# history ENTITY ID shows a record's change-log entries, oldest first, with
# their before and after images; --as-known-on leaves out what was recorded
# later. audit verify proves the hash chain, and fails once an entry, or a
# row the log vouches for, has been rewritten behind the store's back.
. tests/cli/lib.sh

setup_small

# expect_not_out WHAT TEXT: the last run's stdout lacks TEXT.
expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

# expect_lines WHAT N: the last run's stdout has N lines.
expect_lines() {
    if [ "$(wc -l <"$TMP/out")" -eq "$2" ]; then ok "$1"; else
        echo "# $(wc -l <"$TMP/out") lines, wanted $2"; not_ok "$1"; fi
}

expect_exit 0 "history of an imported posting" history posting T1 --format csv
expect_out "csv header" "seq,recorded,actor,op,reason,before,after"
expect_out "the import entry" ",2021-12-04T00:00:00Z,test,insert,import,,"
expect_lines "one entry" 2
expect_exit 0 "history of a state" history state USA --format csv
expect_out "the reference data entry" "insert,init: reference data"
expect_exit 0 "history of an organization" history organization UN
expect_exit 0 "history of a mission" history mission RUS-SEA --format csv
expect_out "the mission's image" '"closed"":""2018-04-24""'
expect_exit 0 "history of a person" history person P1
expect_exit 0 "history of a dependent" history dependent P5/T2 --format csv
expect_lines "the dependent's one entry" 2

expect_exit 2 "unknown entity" history widget T1
expect_err "unknown entity: message" "unknown entity 'widget'"
expect_exit 2 "the table name is not the entity" history postings T1
expect_exit 2 "history without an id" history posting
expect_exit 2 "history with an option" history posting T1 --bogus
expect_exit 0 "history --help" history --help
expect_out "history --help prints usage" "usage: chancery history ENTITY ID"
expect_exit 3 "no entries" history posting T99
expect_err "no entries: message" "unknown posting 'T99'"
expect_exit 3 "a dependent's key names both parts" history dependent P5

# An update recorded later, with its reason.
CHANCERY_TODAY=2022-01-30 # recorded on a later day
expect_exit 0 "end later" posting end T1 --reason recalled \
    --note "recalled to Moscow"
CHANCERY_TODAY=2021-12-04
expect_exit 0 "history after the update" history posting T1 --format json
expect_out "json: seq is a number" '"seq": '
expect_out "json: the update" '"op": "update"'
expect_out "json: the note is the reason" '"reason": "recalled to Moscow"'
expect_out "json: recorded on the pinned day" '"recorded": "2022-01-30T00:00:00Z"'
expect_out "json: before as stored" '"before": "{\"id\":\"T1\",'
expect_out "json: before not ended" '\"ended\":null,\"end_reason\":null}'
expect_out "json: after ended" '\"ended\":\"2022-01-30\",\"end_reason\":\"recalled\"}'
expect_out "json: an insert has no before" '"before": null'
expect_exit 0 "history as known before the update" history posting T1 \
    --as-known-on 2021-12-31 --format csv
expect_lines "as known before: the insert only" 2
expect_not_out "as known before: no update" ",update,"
expect_exit 3 "as known before anything" history posting T1 \
    --as-known-on 2020-01-01
expect_err "as known before anything: message" \
    "no recorded changes for posting 'T1'"

# A refused write adds no entry.
expect_exit 3 "a refused update" posting end T2 --on 2010-01-01 \
    --reason recalled
expect_exit 0 "history after the refused update" history posting T2 \
    --format csv
expect_lines "no entry for the refused update" 2

# The audit.
expect_exit 0 "audit verify" audit verify
expect_out "audit: intact" "changes: the hash chain is intact"
n=$(sed -n 's/^verified \([0-9]*\) changes.*/\1/p' "$TMP/out")
if [ "${n:-0}" -gt 250 ]; then ok "audit: every change counted"; else
    echo "# counted ${n:-none}"; not_ok "audit: every change counted"; fi
expect_exit 2 "audit verify with an argument" audit verify now
expect_exit 2 "audit without a subcommand" audit
expect_exit 2 "audit unknown subcommand" audit repair
expect_exit 0 "audit --help" audit --help
expect_out "audit --help lists verify" "audit verify"
expect_exit 0 "audit verify --help" audit verify --help
expect_out "audit verify --help prints usage" "usage: chancery audit verify"
if db_has_sql; then
    db_sql "update changes set before='{}' where seq=5"
    expect_exit 3 "audit after tampering" audit verify
    expect_err "audit names the rewritten entry" "change 5 "
    expect_err "audit says why" "hash does not match"
    db_sql "update changes set before=NULL where seq=5"
    expect_exit 0 "audit once it is put back" audit verify
    db_sql "update postings set title='Spy' where id='T1'"
    expect_exit 3 "audit after a row is edited behind the log" audit verify
    expect_err "audit names the entry the row should match" "(posting 'T1'): hash does not match"
    db_sql "update postings set title='Ambassador' where id='T1'; insert into persons (id, family_name) values ('P99', 'Ghost')"
    expect_exit 3 "audit after a row is added behind the log" audit verify
    expect_err "audit counts the rows" "table persons holds 6 rows, but the change log accounts for 5"
else
    ok "audit after tampering # skip sqlite3 not installed"
fi

CHANCERY_DB="$TMP/none.db"
expect_exit 1 "history without a registry" history posting T1
expect_err "without a registry: message" "chancery init"
expect_exit 1 "audit without a registry" audit verify
done_testing
