#!/bin/sh
# Many processes writing at once (docs/registry.md, "Concurrency"): eight
# writers each add their own persons, one command per person, as fast as
# they can. Every write acknowledged (exit 0) is in the registry exactly
# once, none is refused (they touch different records), the change log's
# sequence has no gap and `audit verify` passes. Under make check-pg the
# writers serialize on PostgreSQL's advisory lock instead of SQLite's file
# lock. CHANCERY_WRITES sets the writes per writer (25; 400 makes about a
# minute of load on PostgreSQL).
. tests/cli/lib.sh

ch init || { not_ok "init"; done_testing; exit 0; }
writes=${CHANCERY_WRITES:-25}
ch audit verify
before=$(sed -n 's/^verified \([0-9]*\) changes.*/\1/p' "$TMP/out")

writer() {
    w=$1 i=0
    while [ $i -lt "$writes" ]; do
        if "$CHANCERY" person add --id "W$w-$i" --family-name "Writer $w" \
            --given-names "Number $i" >/dev/null 2>>"$TMP/w$w.err"; then
            echo "W$w-$i" >>"$TMP/w$w.acked"
        fi
        i=$((i + 1))
    done
}

pids=""
for w in 1 2 3 4 5 6 7 8; do
    : >"$TMP/w$w.acked"
    writer "$w" &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done

cat "$TMP"/w?.acked | sort >"$TMP/acked"
n_acked=$(wc -l <"$TMP/acked")
if [ "$n_acked" -eq $((8 * writes)) ]; then ok "every write acknowledged"; else
    cat "$TMP"/w?.err | sort | uniq -c | head -n 5 | sed 's/^/# /'
    not_ok "every write acknowledged ($n_acked of $((8 * writes)))"; fi
ch person list --format csv
grep '^W[1-8]-' "$TMP/out" | cut -d, -f1 | sort >"$TMP/present"
expect_same "each acknowledged person is there exactly once" "$TMP/acked" "$TMP/present"
if db_has_sql; then
    got=$(db_sql "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM changes")
    want="$((before + n_acked)) $((before + n_acked)) 1 $((before + n_acked))"
    if [ "$got" = "$want" ]; then ok "the log's sequence has no gap"; else
        echo "# $got (want $want)"; not_ok "the log's sequence has no gap"; fi
    got=$(db_sql "SELECT count(*) FROM change_sets WHERE id > $before")
    if [ "$got" -eq "$n_acked" ]; then ok "one change set per write"; else
        echo "# $got"; not_ok "one change set per write"; fi
else
    ok "the log's sequence # skip no SQL client"
    ok "one change set per write # skip no SQL client"
fi
expect_exit 0 "audit verify passes" audit verify
expect_out "with every change" "verified $((before + n_acked)) changes"

done_testing
