#!/bin/sh
# The snapshot image (store/cache.c) can never change an answer or crash a
# read: a flipped byte anywhere in it, a truncated, oversized or foreign
# image is detected by the checksums and bounds and ignored (the tables
# answer and the image is rebuilt). A read after a write folds the new
# change sets into the image instead of reloading the tables
# (CHANCERY_DEBUG_LOAD=1 says how each load went).
. tests/cli/lib.sh

setup_small
img="$CHANCERY_DB.snapshot"
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables"
ch headcount --as-of 2021-12-04
cp "$TMP/out" "$TMP/head.tables"
ch export "$TMP/warm"
if [ -s "$img" ]; then ok "a small registry keeps an image"; else not_ok "a small registry keeps an image"; fi
CHANCERY_DEBUG_LOAD=1 ch export "$TMP/from-image"
expect_err "the next read uses the image" "snapshot: image+"
if diff -r "$TMP/tables" "$TMP/from-image" >/dev/null; then ok "the image answers as the tables"; else not_ok "the image answers as the tables"; fi
cp "$img" "$TMP/good"

# Flip one byte at about 80 places spread over the whole image (the header,
# the strings, the rows, the index): no answer may change, no read fails.
size=$(wc -c <"$TMP/good")
step=$((size / 80 + 1))
pos=0 bad=0 n=0
while [ "$pos" -lt "$size" ]; do
    cp "$TMP/good" "$img"
    printf '\125' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    if cmp -s "$TMP/good" "$img"; then
        printf '\252' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    fi
    rm -rf "$TMP/flip"
    if ! ch export "$TMP/flip" || ! diff -r "$TMP/tables" "$TMP/flip" >/dev/null; then
        bad=$((bad + 1)); echo "# byte $pos changed an answer or failed (exit $ch_rc)"
    fi
    cp "$TMP/good" "$img"
    printf '\125' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    if ! ch headcount --as-of 2021-12-04 || ! cmp -s "$TMP/out" "$TMP/head.tables"; then
        bad=$((bad + 1)); echo "# byte $pos changed the headcount"
    fi
    pos=$((pos + step)) n=$((n + 1))
done
if [ "$bad" -eq 0 ] && [ "$n" -gt 40 ]; then ok "no flipped byte ($n tried) changes an answer"; else not_ok "no flipped byte changes an answer ($bad of $n did)"; fi

cp "$TMP/good" "$img"
printf '\001' | dd of="$img" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
CHANCERY_DEBUG_LOAD=1 ch roster RUS-WAS --as-of 2021-12-04
expect_err "a corrupt image is reported and ignored" "snapshot: tables"
CHANCERY_DEBUG_LOAD=1 ch roster RUS-WAS --as-of 2021-12-04
expect_err "and rebuilt: the next read uses it" "snapshot: image+0 changes"

for cut in 1 64 200 $((size / 3)) $((size - 1)); do
    head -c "$cut" "$TMP/good" >"$img"
    rm -rf "$TMP/cut"
    if ch export "$TMP/cut" && diff -r "$TMP/tables" "$TMP/cut" >/dev/null; then
        ok "an image cut at $cut bytes is ignored"; else not_ok "an image cut at $cut bytes is ignored"; fi
done
cp "$TMP/good" "$img"
head -c 100000 /dev/zero >>"$img"
rm -rf "$TMP/long"
if ch export "$TMP/long" && diff -r "$TMP/tables" "$TMP/long" >/dev/null; then
    ok "an oversized image is ignored"; else not_ok "an oversized image is ignored"; fi
# Huge counts in the header must not make a load ask for gigabytes.
cp "$TMP/good" "$img"
dd if=/dev/urandom of="$img" bs=1 seek=16 count=400 conv=notrunc 2>/dev/null
# (Under ASan or valgrind, which reserve far more address space, the limit
# is left off: ASan itself refuses a huge allocation.)
if ( ulimit -v 400000; "$CHANCERY" --help >/dev/null 2>&1 ) && [ -z "${VALGRIND:-}" ]; then
    ( ulimit -v 400000; ch export "$TMP/huge" )
else
    ch export "$TMP/huge"
fi
if [ $? -eq 0 ] && diff -r "$TMP/tables" "$TMP/huge" >/dev/null; then
    ok "a random header neither aborts nor over-allocates"; else not_ok "a random header neither aborts nor over-allocates"; fi

# The first read after a one-row write folds the change into the image.
ch export "$TMP/warm2"
expect_exit 0 "a one-row write" posting end T2 --on 2021-12-04 --reason recalled
CHANCERY_DEBUG_LOAD=1 ch posting show T2
expect_err "the read after it applies one change to the image" "snapshot: image+1 changes"
expect_out "and sees the write" "recalled"
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables3"
ch export "$TMP/image3"
if diff -r "$TMP/tables3" "$TMP/image3" >/dev/null; then ok "image plus changes equals the tables"; else not_ok "image plus changes equals the tables"; fi
expect_exit 0 "audit verify checks the image too" audit verify
expect_out "image" "image"

# An import of a sixteenth of the registry or more: the read after it
# folds it in and rewrites the image, so the next read starts from it.
mkdir -p "$TMP/imp"
awk 'BEGIN { print "id,family_name,given_names,sex,birth_date,nationality,passport";
    for (i = 0; i < 300; i++) printf "N%d,New,Person,F,1980-01-01,RUS,\n", i }' >"$TMP/imp/persons.csv"
expect_exit 0 "an import of 300 rows" import "$TMP/imp"
CHANCERY_DEBUG_LOAD=1 ch person show N299
expect_err "the read after it folds the import in" "snapshot: image+30"
expect_out "and sees the import" "New"
CHANCERY_DEBUG_LOAD=1 ch person show N299
expect_err "the next read starts from a current image" "snapshot: image+0 changes"

# The last representable day is a date like any other.
expect_exit 0 "--as-known-on 9999-12-31 does not abort" roster RUS-WAS --as-of 2021-12-04 --as-known-on 9999-12-31
expect_out "and answers" "Antonov"

done_testing
