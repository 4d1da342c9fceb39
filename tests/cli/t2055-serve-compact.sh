#!/bin/sh
# Compaction of `chancery serve`'s registries (src/http/resident.c): with
# CHANCERY_SERVE_COMPACT_BYTES=1 every change set applied in memory makes
# the compactor load the registry afresh off the request path and swap it
# in, the readers' and the writer's; CHANCERY_DEBUG_LOAD makes the server
# log each load. Writes and reads run across the swaps: no request fails,
# each GET is byte-equal to the command with --format json, and writes
# after a compaction of the writer's snapshot go on from it.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
export CHANCERY_SERVE_COMPACT_BYTES=1 CHANCERY_DEBUG_LOAD=1
# The log on stderr, where each line goes out at once (a file's lines are
# written out once a second).
LOG=$TMP/serve.err
: >"$LOG"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
unset CHANCERY_SERVE_COMPACT_BYTES CHANCERY_DEBUG_LOAD
T_officer=$(login off offpw)
T_lia=$(login lia liapw)

# count PATTERN: the lines of the log holding PATTERN.
count() { grep -c -- "$1" "$LOG" || true; }

# wait_more PATTERN N: until the log holds more than N lines with PATTERN
# (at most 30 s: the compactor looks every second); 1 if it never does.
wait_more() {
    _i=0
    while [ "$(count "$1")" -le "$2" ]; do
        [ $_i -ge 300 ] && return 1
        sleep 0.1
        _i=$((_i + 1))
    done
}

same "roster before any write" "/api/v1/missions/RUS-WAS/roster?as_of=2021-06-30" roster RUS-WAS --as-of 2021-06-30
readers0=$(count "compaction: readers' registry loaded")
writer0=$(count "compaction: writer's snapshot loaded")
TERM='{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
round=1
while [ $round -le 3 ]; do
    readers=$(count "compaction: readers' registry loaded")
    writer=$(count "compaction: writer's snapshot loaded")
    # Two writes: the second's catch-up makes the first's registry the
    # spare, grown by a change set.
    for _w in 1 2; do
        req POST /api/v1/notifications "$T_lia" "$TERM"
        expect_code 200 "round $round: a submission ($_w)"
    done
    id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
    if wait_more "compaction: readers' registry loaded" "$readers"; then
        ok "round $round: the readers' registry is compacted"
    else not_ok "round $round: the readers' registry is compacted"; fi
    if wait_more "compaction: writer's snapshot loaded" "$writer"; then
        ok "round $round: the writer's snapshot is compacted"
    else not_ok "round $round: the writer's snapshot is compacted"; fi
    # A write on the compacted writer's snapshot, whose catch-up swaps
    # in the compacted readers' registry.
    req POST "/api/v1/notifications/$id/decision" "$T_officer" '{"decision":"refuse","grounds":"round '"$round"'"}'
    expect_code 200 "round $round: a decision after the compaction"
    same "round $round: the notification = a fresh load" "/api/v1/notifications/$id" notification show "$id"
    same "round $round: notifications = a fresh load" /api/v1/notifications notification list
    same "round $round: roster = a fresh load" "/api/v1/missions/RUS-WAS/roster?as_of=2021-06-30" roster RUS-WAS --as-of 2021-06-30
    round=$((round + 1))
done
[ "$(count "compaction: readers' registry loaded")" -ge $((readers0 + 3)) ] &&
    ok "three compactions of the readers' registry" ||
    not_ok "three compactions of the readers' registry"
[ "$(count "compaction: writer's snapshot loaded")" -ge $((writer0 + 3)) ] &&
    ok "three compactions of the writer's snapshot" ||
    not_ok "three compactions of the writer's snapshot"
# The writer never loaded its snapshot on a write's path.
if grep -q "^writer's snapshot loaded" "$LOG"; then
    not_ok "no write loaded the writer's snapshot"
else ok "no write loaded the writer's snapshot"; fi
# A command's write while compactions run: followed, then compacted.
ch person add --id P70 --family-name Petrova --nationality RUS || not_ok "person add"
same "a command's write is read next" /api/v1/persons/P70 person show P70
same "persons = a fresh load" /api/v1/persons person list
if awk '$1 ~ /^(GET|POST)$/ && $3 >= 500 { bad = 1 } END { exit bad }' "$LOG"; then
    ok "no request failed"
else not_ok "no request failed"; grep -E ' 5[0-9][0-9] ' "$LOG" | head -3 | sed 's/^/# /'; fi

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops"; else not_ok "serve stops ($serve_rc)"; fi
done_testing
