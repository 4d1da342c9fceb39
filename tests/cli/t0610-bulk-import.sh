#!/bin/sh
# A large import drops the secondary indexes inside its transaction and
# rebuilds them before COMMIT, checks references once per table, and
# commits through a rollback journal (store/bulk.c): afterwards every index
# is back, lookups through them work, the registry is in WAL mode again,
# and the change log is whole.
. tests/cli/lib.sh
# Indexes, journal modes and foreign_key_check are SQLite's: under check-pg
# only the imports and what the commands show of them are checked.
idx() {
    sqlite_only || { echo same; return; }
    sqlite3 "$CHANCERY_DB" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)"
}
journal() {
    sqlite_only || { echo wal; return; }
    sqlite3 "$CHANCERY_DB" "PRAGMA journal_mode"
}

ch init
indexes_before=$(idx)
mkdir -p "$TMP/big"
awk 'BEGIN {
    print "id,family_name,given_names,sex,birth_date,nationality,passport"
    for (i = 1; i <= 60000; i++) printf "P%d,Name%d,,F,1980-01-01,RUS,\n", i, i
}' >"$TMP/big/persons.csv"
expect_exit 0 "a bulk import of 60,000 persons" import "$TMP/big"
indexes_after=$(idx)
if [ -n "$indexes_before" ] && [ "$indexes_before" = "$indexes_after" ]; then
    ok "every secondary index is back"
else
    echo "# before: $indexes_before"; echo "# after: $indexes_after"
    not_ok "every secondary index is back"
fi
mode=$(journal)
if [ "$mode" = wal ]; then ok "the registry is back in WAL mode"; else
    echo "# journal_mode: $mode"; not_ok "the registry is back in WAL mode"; fi
fks=0
sqlite_only && fks=$(sqlite3 "$CHANCERY_DB" "PRAGMA foreign_key_check" | wc -l)
if [ "$fks" -eq 0 ]; then ok "no dangling reference"; else not_ok "no dangling reference"; fi
# The import holds the registry it wrote, so it writes the image of it:
# the first read after it maps a current image, reading no table. (A
# PostgreSQL registry keeps no image: the read loads from its tables.)
CHANCERY_DEBUG_LOAD=1 expect_exit 0 "the first read after the import" person show P60000
sqlite_only && expect_err "maps a current image" "snapshot: image+0 changes"
expect_out "with the last person" "Name60000"
expect_exit 0 "history finds a record through the rebuilt index" history person P59999
expect_out "its insert is there" "insert"
expect_exit 0 "the change log verifies" audit verify
expect_out "with every change" "verified 60"

# The persons of a second import are written while its postings are read;
# a bad posting rolls all of it back, and the registry is as it was.
mkdir -p "$TMP/big2"
awk 'BEGIN {
    print "id,family_name,given_names,sex,birth_date,nationality,passport"
    for (i = 1; i <= 60000; i++) printf "Q%d,Name%d,,M,1980-01-01,USA,\n", i, i
}' >"$TMP/big2/persons.csv"
printf 'id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason\nT1,Q1,NOWHERE,,,diplomatic_agent,false,,2020-01-01,,,,\n' >"$TMP/big2/postings.csv"
expect_exit 3 "a bulk import with a bad posting" import "$TMP/big2"
expect_err "names the posting" "postings.csv:2: column 'mission'"
expect_exit 0 "the log after it" audit verify
expect_out "is as it was" "verified 60"
indexes_after=$(idx)
if [ "$indexes_before" = "$indexes_after" ]; then ok "every index is still there"; else
    not_ok "every index is still there"; fi
mode=$(journal)
if [ "$mode" = wal ]; then ok "still in WAL mode"; else not_ok "still in WAL mode"; fi

# Rows are handed to the writer while the file is read; when a file's first
# lines are long, its size suggests far fewer rows than it holds, so the
# table grows, and the reader waits for the writer before its rows move.
mkdir -p "$TMP/big3"
awk 'BEGIN {
    print "id,family_name,given_names,sex,birth_date,nationality,passport"
    long = sprintf("%200s", ""); gsub(/ /, "X", long)
    for (i = 1; i <= 600; i++) printf "L%d,%s,,F,1980-01-01,RUS,\n", i, long
    for (i = 1; i <= 100000; i++) printf "S%d,N,,M,,USA,\n", i
}' >"$TMP/big3/persons.csv"
expect_exit 0 "an import far larger than its first lines suggest" import "$TMP/big3"
expect_out "every row is read" "100600 persons"
expect_exit 0 "and written, with its entries" audit verify
expect_out "all of them" "verified 160869 changes"
expect_exit 0 "the last row" person show S100000 --format csv
expect_out "is there" "S100000,N,,M,,USA,"
# A bulk set's rows go into their table 32 to a statement (store/write.c).
# A row added behind chancery's back makes one of those statements fail:
# SQLite undoes it, its rows are written one at a time, and the error names
# the record, as row by row; nothing is written. (SQLite's statements.)
if sqlite_only; then
    mkdir -p "$TMP/big4"
    awk 'BEGIN {
        print "id,family_name,given_names,sex,birth_date,nationality,passport"
        for (i = 1; i <= 60000; i++) printf "R%d,Name%d,,M,1980-01-01,USA,\n", i, i
    }' >"$TMP/big4/persons.csv"
    db_sql "INSERT INTO persons (id, family_name) VALUES ('R40007', 'Behind')"
    rows_before=$(db_sql "SELECT count(*) FROM persons")
    expect_exit 3 "an import of a person already in the table" import "$TMP/big4"
    expect_err "names that person" "person 'R40007': database"
    expect_err "and the constraint" "UNIQUE constraint failed: persons.id"
    rows_after=$(db_sql "SELECT count(*) FROM persons")
    if [ "$rows_before" = "$rows_after" ]; then ok "no person was written"; else
        echo "# persons: $rows_before before, $rows_after after"
        not_ok "no person was written"; fi
fi
done_testing
