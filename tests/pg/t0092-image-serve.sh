#!/bin/sh
# `serve` on a PostgreSQL registry with its snapshot image (store/
# pg_image.c), under make check-pg only: its compaction (src/http/
# resident.c; CHANCERY_SERVE_COMPACT_BYTES=1 compacts after every change
# set) loads the registry afresh from the
# image brought to the head with the log's tail, not from the tables;
# what it then answers is what a fresh load answers.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
export CHANCERY_CACHE_DIR="$TMP/cache"
setup_small
ch export "$TMP/warm" # a read: the image is at the head

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
export CHANCERY_SERVE_COMPACT_BYTES=1 CHANCERY_DEBUG_LOAD=1
LOG=$TMP/access.log
if serve_start --access-log "$LOG"; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
unset CHANCERY_SERVE_COMPACT_BYTES CHANCERY_DEBUG_LOAD
T_officer=$(login off offpw)
T_lia=$(login lia liapw)
count() { grep -c -- "$1" "$LOG" || true; }
wait_more() {
    _i=0
    while [ "$(count "$1")" -le "$2" ]; do
        [ $_i -ge 300 ] && return 1
        sleep 0.1
        _i=$((_i + 1))
    done
}
TERM='{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
readers=$(count "compaction: readers' registry loaded")
writer=$(count "compaction: writer's snapshot loaded")
for _w in 1 2; do
    req POST /api/v1/notifications "$T_lia" "$TERM"
    expect_code 200 "a submission ($_w)"
done
ch person add --id P70 --family-name Petrova --nationality RUS || not_ok "person add"
if wait_more "compaction: readers' registry loaded" "$readers"; then ok "the readers' registry is compacted"; else
    not_ok "the readers' registry is compacted"; fi
if wait_more "compaction: writer's snapshot loaded" "$writer"; then ok "the writer's snapshot is compacted"; else
    not_ok "the writer's snapshot is compacted"; fi
if grep "compaction: " "$LOG" | grep -q "(tables)"; then
    grep "compaction: " "$LOG" | sed 's/^/# /'; not_ok "no compaction loads the tables"
else ok "no compaction loads the tables"; fi
if grep "compaction: " "$LOG" | grep -q "(image+"; then ok "compactions load from the image and the log's tail"; else
    not_ok "compactions load from the image and the log's tail"; fi
same "persons = a fresh load" /api/v1/persons person list
same "notifications = a fresh load" /api/v1/notifications notification list
same "roster = a fresh load" "/api/v1/missions/RUS-WAS/roster?as_of=2021-06-30" roster RUS-WAS --as-of 2021-06-30
serve_stop
done_testing
