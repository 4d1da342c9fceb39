#!/bin/sh
# The snapshot cache (store/cache.c) must never change an answer: a load
# from the cache equals a load from the tables, a write makes the cache
# stale, and a damaged (header, truncation) or foreign cache file is
# ignored, not trusted.
. tests/cli/lib.sh
export CHANCERY_SNAPSHOT_CACHE=always

setup_small
cache="$CHANCERY_DB.snapshot"
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables"
ch export "$TMP/first"
if [ -s "$cache" ]; then ok "a load writes the cache"; else not_ok "a load writes the cache"; fi
expect_exit 0 "a load from the cache" export "$TMP/cached"
for f in missions persons postings dependents; do
    expect_same "cached $f equal the tables'" "$TMP/tables/$f.csv" "$TMP/cached/$f.csv"
done
ch roster RUS-WAS --as-of 2021-12-04
expect_out "indexes are rebuilt from the cache" "Antonov"

expect_exit 0 "a write" posting end T2 --on 2021-12-04 --reason recalled
ch posting show T2
expect_out "the write is seen, not the stale cache" "recalled"

cp "$cache" "$TMP/good.snapshot"
# Damage: overwrite the layout fingerprint, then truncate the file.
printf '\377\377\377\377\377\377\377\377' |
    dd of="$cache" bs=1 seek=8 conv=notrunc 2>/dev/null
expect_exit 0 "a damaged cache is ignored" export "$TMP/after-damage"
ch posting show T2
expect_out "and the answer comes from the tables" "recalled"
head -c 100 "$TMP/good.snapshot" >"$cache"
expect_exit 0 "a truncated cache is ignored" posting show T2
expect_out "the truncated cache changes nothing" "recalled"
printf 'not a snapshot at all' >"$cache"
expect_exit 0 "a foreign file is ignored" posting show T2
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables2"
ch export "$TMP/cached2"
for f in missions persons postings dependents; do
    expect_same "after repair, cached $f equal the tables'" "$TMP/tables2/$f.csv" "$TMP/cached2/$f.csv"
done

done_testing
