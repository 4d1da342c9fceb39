#!/bin/sh
# Folding the change log's tail into the snapshot image on PostgreSQL
# (store/load.c): the rows the tail changed are read with one query per
# table, not one round trip per record, in the order of their first change
# (a posting added after its new person folds after it). A fold of 1,101
# changes is made in a few round trips, answers as the tables do, and
# leaves the image as it was (below PostgreSQL's rewrite threshold), so
# the next read folds them again. With CHANCERY_TEST_PG_TRIPS each round
# trip is a line of a file. make check-pg only.
. tests/cli/lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
export CHANCERY_CACHE_DIR="$TMP/cache"

# world N FIRST DIR: N persons from number FIRST on, each with a posting.
world() {
    mkdir -p "$3"
    awk -v n="$1" -v f="$2" 'BEGIN { print "id,family_name,given_names,sex,birth_date,nationality,passport";
        for (i = f; i < f + n; i++) printf "Q%d,Family%d,Given,F,1980-01-01,RUS,\n", i, i }' >"$3/persons.csv"
    awk -v n="$1" -v f="$2" 'BEGIN { print "id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason";
        for (i = f; i < f + n; i++) printf "U%d,Q%d,RUS-WAS,Attache,attache,admin_technical,false,2019-03-01,2019-03-15,2019-03-16,,,\n", i, i }' >"$3/postings.csv"
}
setup_small
world 9000 1 "$TMP/base"
expect_exit 0 "(a registry of 18,000 records)" import "$TMP/base"
rm -rf "$CHANCERY_CACHE_DIR"
CHANCERY_DEBUG_LOAD=1 ch person show P1
expect_err "(a first read writes the image)" "snapshot: tables"

# 550 persons, each with a posting, and a dependent (a key of two parts)
# in one change set (1,101 changes,
# below a sixteenth of the registry); then an update of an old record and
# of a new one, in change sets of their own.
world 550 9001 "$TMP/more"
printf 'person,posting,relation,joined,left,accredited,revoked\nQ9002,U9001,spouse,2019-03-15,,2019-03-16,\n' >"$TMP/more/dependents.csv"
expect_exit 0 "another process imports 550 persons, their postings and a dependent" import "$TMP/more"
expect_exit 0 "and ends an old posting" posting end T2 --on 2021-12-04 --reason recalled
expect_exit 0 "and a new one" posting end U9007 --on 2021-12-04 --reason recalled

# (An export reads the change log too: the round trips are a headcount's.)
: >"$TMP/trips"
CHANCERY_TEST_PG_TRIPS="$TMP/trips" CHANCERY_DEBUG_LOAD=1 ch headcount --as-of 2021-12-04
expect_err "a read folds the 1,103 changes into the image" "snapshot: image+1103 changes"
n=$(wc -l <"$TMP/trips")
if [ "$n" -le 40 ]; then ok "in a few round trips, not one per record"; else
    cut -c1-30 "$TMP/trips" | sort | uniq -c | sort -rn | head -5 | sed 's/^/# /'
    not_ok "in a few round trips, not one per record ($n)"; fi
cp "$TMP/out" "$TMP/head.image"
CHANCERY_SNAPSHOT_CACHE=never ch headcount --as-of 2021-12-04
expect_same "and answers the tables' headcount" "$TMP/head.image" "$TMP/out"
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables"
CHANCERY_DEBUG_LOAD=1 ch export "$TMP/image"
expect_err "an export folds them again: the image was left as it was" "snapshot: image+1103 changes"
if diff -r "$TMP/tables" "$TMP/image" >/dev/null; then ok "and exports the tables' bytes"; else
    diff -r "$TMP/tables" "$TMP/image" | head | sed 's/^/# /'; not_ok "and exports the tables' bytes"; fi
CHANCERY_DEBUG_LOAD=1 ch posting show U9007
expect_out "and the new posting's end is seen" "recalled"
expect_exit 0 "audit verify passes" audit verify
expect_out "and checks the image against the tables" "the snapshot image matches the tables"
done_testing
