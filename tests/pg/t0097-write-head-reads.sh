#!/bin/sh
# The reads of the change log's head around one write through `chancery
# serve` on PostgreSQL (src/http/resident.c), counted in the server's
# statement log: the writer's connection reads it twice (before its
# transaction, to bring its snapshot to the head, and under the writers'
# lock, for the chain and the conflict check), the readers' once (in the
# transaction that brings their registry up to the write: after its own
# write the server knows the log moved and does not ask first; and the
# notification of its own commit, from a backend of its own, is not taken
# for another's write). Before, 5 or 6. The write is then seen at once,
# another process's write too, and the conflict check is the same
# (t0630).
# make check-pg only.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
add_user off offpw --role officer || not_ok "user add officer"
db_sql "ALTER DATABASE $pg_db SET log_statement = 'all'" >/dev/null
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T=$(login lia liapw)
T_off=$(login off offpw)
submit() {
    req POST /api/v1/notifications "$T" "{\"kind\":\"termination\",\"mission\":\"RUS-WAS\",\"posting\":\"$1\",\"ended\":\"2021-12-31\",\"end_reason\":\"tour_completed\"}"
}
submit T2
expect_code 200 "a first submission"
mark=$(wc -l <"$PG_DIR/server.log")
submit T1
expect_code 200 "a submission"
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req GET "/api/v1/notifications/$id" "$T"
expect_code 200 "is read back at once"
heads() { tail -n +"$(($1 + 1))" "$PG_DIR/server.log" | head -n "$(($2 - $1))" | grep 'FROM changes ORDER BY seq DESC LIMIT 1'; }
mark2=$(wc -l <"$PG_DIR/server.log")
n=$(heads "$mark" "$mark2" | wc -l)
if [ "$n" = 3 ]; then ok "the log's head is read 3 times for it (2 by the writer, 1 by the readers)"; else
    heads "$mark" "$mark2" | cut -c1-120 | sed 's/^/# /'
    not_ok "the log's head is read 3 times for it (2 by the writer, 1 by the readers) ($n)"; fi
# Another process's write: the server learns of it by its notification.
expect_exit 0 "another process writes" person add --id P9 --family-name Ninth
i=0
until req GET /api/v1/persons/P9 "$T_off" && [ "$code" = 200 ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_code 200 "and the server shows it"
serve_stop
mark3=$(wc -l <"$PG_DIR/server.log")
n=$(heads "$mark2" "$mark3" | wc -l)
# The command's two (its load, its write), the server's catch-up.
if [ "$n" -le 4 ]; then ok "another process's write: the head read at most 4 times in all"; else
    heads "$mark2" "$mark3" | cut -c1-120 | sed 's/^/# /'
    not_ok "another process's write: the head read at most 4 times in all ($n)"; fi
done_testing
