#!/bin/sh
# Crash consistency: writers (import, `posting end`, `policy add`) are
# killed with SIGKILL at random moments, and at their commit (held there by
# CHANCERY_TEST_PAUSE_COMMIT), CHANCERY_CRASH_RUNS times (100 unless set;
# CI sets 30). After each kill: PRAGMA integrity_check is ok, `audit verify`
# passes (the hash chain, the tables and the snapshot image), and the
# database is exactly its state before the change set or after it (the
# latter as the same command, not killed, makes it from a copy of the
# state before; "today" is pinned, so the two are byte for byte equal).
. tests/cli/lib.sh

runs=${CHANCERY_CRASH_RUNS:-100}
setup_small
db="$CHANCERY_DB"
mkdir -p "$TMP/tours"
{
    echo "id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason"
    i=0
    while [ $i -lt 400 ]; do
        echo "K$i,P$((i % 5 + 1)),RUS-UN,Attache $i,attache,admin_technical,false,2020-03-01,2020-03-15,2020-03-16,,,"
        i=$((i + 1))
    done
} >"$TMP/tours/postings.csv"
ch import "$TMP/tours" || { not_ok "the postings to end"; done_testing; exit 0; }

dump() {
    sqlite3 "$1" .dump
}

# The command of run $1, as arguments to chancery.
command_of() {
    case $(($1 % 3)) in
    0)
        mkdir -p "$TMP/imp$1"
        awk -v r="$1" 'BEGIN { print "id,family_name,given_names,sex,birth_date,nationality,passport";
            for (i = 0; i < 3000; i++) printf "R%d_%d,Crash,Test,M,1970-01-01,RUS,\n", r, i }' \
            >"$TMP/imp$1/persons.csv"
        echo "import $TMP/imp$1" ;;
    1) echo "posting end K$1 --on 2021-12-04 --reason recalled" ;;
    *)
        printf '{"id":"crash-%d","title":"Three years","kind":"tenure_cap","issuer":"USA","target":"RUS","scope":{"mission_kinds":["embassy"]},"effective":{"from":"2020-12-01","to":null},"params":{"max_tenure":"P3Y","rounding":"down","waves":[],"grace":"P0D"}}\n' "$1" >"$TMP/pol$1.json"
        echo "policy add $TMP/pol$1.json" ;;
    esac
}

bad=0 before_n=0 after_n=0 run=0
while [ $run -lt "$runs" ]; do
    cmd=$(command_of $run)
    sqlite3 "$db" ".backup '$TMP/before.db'"
    dump "$TMP/before.db" >"$TMP/before.sql"
    rm -f "$TMP/pause"
    if [ $((run % 4)) -eq 3 ]; then
        # At the commit.
        # shellcheck disable=SC2086
        CHANCERY_TEST_PAUSE_COMMIT="$TMP/pause" "$CHANCERY" $cmd >/dev/null 2>&1 &
        pid=$!
        i=0
        while [ ! -e "$TMP/pause" ] && [ $i -lt 1200 ] && kill -0 $pid 2>/dev/null; do
            sleep 0.02; i=$((i + 1))
        done
    else
        # shellcheck disable=SC2086
        "$CHANCERY" $cmd >/dev/null 2>&1 &
        pid=$!
        sleep "0.0$(awk -v s="$run" 'BEGIN { srand(s); printf "%02d", int(rand() * 60) }')"
    fi
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    rm -f "$TMP/pause"
    check=$(sqlite3 "$db" "PRAGMA integrity_check")
    if [ "$check" != ok ]; then
        bad=$((bad + 1)); echo "# run $run ($cmd): integrity_check: $check"
    fi
    if ! ch audit verify; then
        bad=$((bad + 1)); echo "# run $run ($cmd): audit verify failed"; sed 's/^/#   /' "$TMP/err"
    fi
    dump "$db" >"$TMP/now.sql"
    if cmp -s "$TMP/now.sql" "$TMP/before.sql"; then
        before_n=$((before_n + 1))
    else
        # shellcheck disable=SC2086
        CHANCERY_DB="$TMP/before.db" "$CHANCERY" $cmd >/dev/null 2>&1
        dump "$TMP/before.db" >"$TMP/after.sql"
        if cmp -s "$TMP/now.sql" "$TMP/after.sql"; then
            after_n=$((after_n + 1))
        else
            bad=$((bad + 1)); echo "# run $run ($cmd): neither the state before nor after"
            diff "$TMP/after.sql" "$TMP/now.sql" | head -5 | sed 's/^/#   /'
        fi
    fi
    rm -rf "$TMP/imp$run" "$TMP/before.db" "$TMP/before.db-wal" "$TMP/before.db-shm" "$TMP/before.db.snapshot"
    run=$((run + 1))
done
echo "# $runs kills: $before_n left the state before, $after_n the state after"
if [ $bad -eq 0 ]; then ok "$runs writers killed: every registry intact, before or after"; else
    not_ok "$runs writers killed: $bad inconsistent"; fi
# Where the random kills fall depends on the machine's speed (under ASan
# every one may come before the commit), so the split is reported, not
# asserted; the kills at the commit above are the deterministic part.
if [ $before_n -eq 0 ] || [ $after_n -eq 0 ]; then
    echo "# note: every kill fell on one side of the commit ($before_n, $after_n)"; fi

done_testing
