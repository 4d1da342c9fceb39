#!/bin/sh
# A large snapshot image is checked as it is touched (store/cache.c): a
# command maps it with no access, and each block of it is checked against
# its checksum the first time the command reads it. So a command reads and
# checks only the blocks it needs, and a damaged block it needs is never
# used: the command starts again from the tables (which writes a new
# image) and answers as they do. CHANCERY_SNAPSHOT_LAZY=always checks this
# registry (a few hundred kilobytes) that way, as any image of 4 MiB or
# more is.
. tests/cli/lib.sh

export CHANCERY_SNAPSHOT_LAZY=always
# Valgrind reports every first touch of a block as an invalid read (it
# checks the access before the fault handler opens the block): under it
# the image is checked whole, and the answers below must not change.
if [ -n "${VALGRIND:-}" ]; then
    export CHANCERY_SNAPSHOT_LAZY=never
fi
ch init || { echo "not ok - init failed"; exit 1; }
mkdir -p "$TMP/reg"
awk 'BEGIN {
    print "id,name,sending,host,country,city,kind,opened,closed" >"'"$TMP/reg/missions.csv"'"
    for (m = 0; m < 40; m++)
        printf "M%02d,Embassy %d,RUS,USA,USA,Washington,embassy,1992-01-01,\n", m, m >>"'"$TMP/reg/missions.csv"'"
    print "id,family_name,given_names,sex,birth_date,nationality,passport" >"'"$TMP/reg/persons.csv"'"
    print "id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason" >"'"$TMP/reg/postings.csv"'"
    for (i = 0; i < 4000; i++) {
        printf "P%05d,Family%d,Given%d,F,1980-01-01,RUS,\n", i, i, i >>"'"$TMP/reg/persons.csv"'"
        printf "T%05d,P%05d,M%02d,Attache,attache,diplomatic_agent,false,2019-01-01,2019-01-10,2019-01-11,,,\n", i, i, i % 40 >>"'"$TMP/reg/postings.csv"'"
    }
}'
ch import "$TMP/reg" || { echo "not ok - import failed"; cat "$TMP/err"; exit 1; }
img="$CHANCERY_DB.snapshot"
CHANCERY_SNAPSHOT_CACHE=never ch roster M07
cp "$TMP/out" "$TMP/roster.tables"
ch roster M07
CHANCERY_DEBUG_LOAD=1 ch roster M07
expect_err "the roster reads the image" "snapshot: image+0 changes"
expect_same "and answers as the tables" "$TMP/roster.tables" "$TMP/out"
cp "$img" "$TMP/good"

# One flipped byte in each block of 16 KiB but the header's: the roster
# must answer as the tables every time; some blocks it needs (it starts
# again), most it never reads.
size=$(wc -c <"$TMP/good")
pos=$((16384 + 1000)) bad=0 again=0 unread=0 n=0 last_used=$((16384 + 1000))
while [ "$pos" -lt $((size - 4096)) ]; do
    cp "$TMP/good" "$img"
    printf '\125' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    if cmp -s "$TMP/good" "$img"; then
        printf '\252' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    fi
    if ! CHANCERY_DEBUG_LOAD=1 ch roster M07 || ! cmp -s "$TMP/out" "$TMP/roster.tables"; then
        bad=$((bad + 1)); echo "# byte $pos changed the roster or failed (exit $ch_rc)"
    fi
    if grep -q "starting again" "$TMP/err"; then
        again=$((again + 1))
        grep -q "snapshot: tables" "$TMP/err" || { bad=$((bad + 1)); echo "# byte $pos: no reload"; }
        last_used=$pos
    else
        unread=$((unread + 1))
    fi
    pos=$((pos + 16384)) n=$((n + 1))
done
if [ "$bad" -eq 0 ] && [ "$n" -gt 8 ]; then ok "no damaged block ($n tried) changes the roster"; else not_ok "no damaged block changes the roster ($bad of $n did)"; fi
if [ -n "${VALGRIND:-}" ]; then
    ok "a damaged block the roster reads is caught # SKIP under valgrind"
    ok "the blocks it does not read are not checked # SKIP under valgrind"
else
    if [ "$again" -gt 0 ]; then ok "a damaged block the roster reads is caught ($again)"; else not_ok "a damaged block the roster reads is caught"; fi
    if [ "$unread" -gt 0 ]; then ok "the blocks it does not read are not checked ($unread)"; else not_ok "the blocks it does not read are not checked"; fi
fi

# A window of 4 MiB that a command touches in many blocks is checked and
# opened whole in one pass (store/image_lazy.c, open_window: at its 32nd
# block touched). CHANCERY_SNAPSHOT_WHOLE=2 opens one at its second, so
# that this small registry (one window) shows it: the roster then checks
# blocks it does not read, a damaged one among them is caught as surely,
# and the answer is still the tables'.
cp "$TMP/good" "$img"
CHANCERY_DEBUG_LOAD=1 ch roster M07
expect_err "by default this roster opens no window whole" ", 0 windows opened whole"
CHANCERY_DEBUG_LOAD=1 CHANCERY_SNAPSHOT_WHOLE=2 ch roster M07
expect_err "a window touched twice is opened whole" ", 1 windows opened whole"
expect_same "and the roster answers as the tables" "$TMP/roster.tables" "$TMP/out"
pos=$((16384 + 1000)) bad=0 again_whole=0
while [ "$pos" -lt $((size - 4096)) ]; do
    cp "$TMP/good" "$img"
    printf '\125' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    if cmp -s "$TMP/good" "$img"; then
        printf '\252' | dd of="$img" bs=1 seek="$pos" conv=notrunc 2>/dev/null
    fi
    if ! CHANCERY_DEBUG_LOAD=1 CHANCERY_SNAPSHOT_WHOLE=2 ch roster M07 ||
        ! cmp -s "$TMP/out" "$TMP/roster.tables"; then
        bad=$((bad + 1)); echo "# byte $pos changed the roster or failed (exit $ch_rc)"
    fi
    grep -q "starting again" "$TMP/err" && again_whole=$((again_whole + 1))
    pos=$((pos + 16384))
done
if [ "$bad" -eq 0 ]; then ok "no damaged block changes the roster with sections opened whole"; else not_ok "no damaged block changes the roster with sections opened whole ($bad did)"; fi
if [ -n "${VALGRIND:-}" ]; then
    ok "opened whole, more damaged blocks are caught # SKIP under valgrind"
elif [ "$again_whole" -gt "$again" ]; then
    ok "opened whole, more damaged blocks are caught ($again_whole, not $again)"
else
    not_ok "opened whole, more damaged blocks are caught ($again_whole, not $again)"
fi
cp "$TMP/good" "$img"

# After a damaged block the image was rebuilt: the next read uses it.
CHANCERY_DEBUG_LOAD=1 ch roster M07
expect_err "the image was rebuilt" "snapshot: image+0 changes"

# A write that meets a damaged block is made once, not twice: the check
# comes before the write begins, and the command starts again from the
# tables.
cp "$TMP/good" "$img"
printf '\125' | dd of="$img" bs=1 seek="$last_used" conv=notrunc 2>/dev/null
expect_exit 0 "a write on a damaged image" posting end T00007 --on 2021-12-04 --reason recalled
ch history posting T00007
if [ "$(grep -c recalled "$TMP/out")" -eq 1 ]; then ok "is recorded once"; else not_ok "is recorded once"; fi
CHANCERY_SNAPSHOT_CACHE=never ch export "$TMP/tables"
ch export "$TMP/image"
if diff -r "$TMP/tables" "$TMP/image" >/dev/null; then ok "the image then answers as the tables"; else not_ok "the image then answers as the tables"; fi
expect_exit 0 "audit verify compares the image with the tables" audit verify

done_testing
