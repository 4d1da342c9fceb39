#!/bin/sh
# Failover (issue 15, "Replication"), under make check-pg only: a primary
# and a synchronous streaming standby of their own on loopback ports
# (initdb, pg_basebackup -R; synchronous_standby_names on the primary, so
# that a commit waits for the standby). Writers (commands) and a running
# `serve` reach them through one multi-host URL with
# target_session_attrs=read-write. Under a write load the primary's
# postmaster is killed (SIGKILL) and the standby promoted: every change
# a writer saw acknowledged (exit 0) is on it, the change log's sequence
# has no gap, audit verify passes; the commands write on through the
# same URL, and the server's next write is answered 200, or 503 (try
# again) and then 200, on the new primary.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
. tests/pg/cluster.sh

pdir=$(mktemp -d "${TMPDIR:-/tmp}/chancery-primary.XXXXXX")
sdir=$(mktemp -d "${TMPDIR:-/tmp}/chancery-standby.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown postgres "$pdir" "$sdir"
pport=$(pg_free_port)
sport=$(pg_free_port)
while [ "$sport" = "$pport" ]; do sport=$(pg_free_port); done
cleanup() {
    [ -n "${writers:-}" ] && kill $writers 2>/dev/null
    [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
    for d in "$pdir" "$sdir"; do
        pg_as "$(pg_bin pg_ctl)" -D "$d/data" -m immediate -w stop >/dev/null 2>&1
    done
    rm -rf "$pdir" "$sdir" "$TMP"
    psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
fail_setup() {
    sed "s/^/# /" "$pdir/log" "$sdir/log" "$TMP/setup.log" 2>/dev/null | tail -n 30
    not_ok "$1"
    done_testing
    exit 0
}
: >"$TMP/setup.log"

# The primary: durability off where the standby makes up for it.
pg_as "$(pg_bin initdb)" -D "$pdir/data" -U chancery -A trust --locale=C \
    -E UTF8 >>"$TMP/setup.log" 2>&1 || fail_setup "initdb"
pg_as "$(pg_bin pg_ctl)" -D "$pdir/data" -l "$pdir/log" -w -o "-p $pport \
    -k $pdir -c listen_addresses=127.0.0.1 -c fsync=off \
    -c full_page_writes=off -c max_connections=100 \
    -c synchronous_standby_names=standby" start >>"$TMP/setup.log" 2>&1 ||
    fail_setup "the primary starts"
# Until the standby follows, a commit would wait for it.
pg_as "$(pg_bin pg_basebackup)" -D "$sdir/data" -R -X stream -h 127.0.0.1 \
    -p "$pport" -U chancery -d "application_name=standby" \
    >>"$TMP/setup.log" 2>&1 || fail_setup "pg_basebackup"
pg_as "$(pg_bin pg_ctl)" -D "$sdir/data" -l "$sdir/log" -w -o "-p $sport \
    -k $sdir -c listen_addresses=127.0.0.1 -c fsync=off \
    -c max_connections=100" start >>"$TMP/setup.log" 2>&1 ||
    fail_setup "the standby starts"
i=0
until [ "$(psql -h 127.0.0.1 -p "$pport" -d postgres -AtqXc \
    "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ] ||
    [ $i -ge 100 ]; do
    sleep 0.1; i=$((i + 1))
done
[ $i -lt 100 ] || fail_setup "the standby is synchronous"
ok "a primary and a synchronous standby"

psql -h 127.0.0.1 -p "$pport" -d postgres -qXc "CREATE DATABASE reg" >/dev/null
export CHANCERY_DB="postgresql://127.0.0.1:$pport,127.0.0.1:$sport/reg?target_session_attrs=read-write"
setup_small
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts on the multi-host URL"; else fail_setup "serve starts"; fi
T_off=$(login off offpw)
T_lia=$(login lia liapw)
TERM='{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
req POST /api/v1/notifications "$T_lia" "$TERM"
expect_code 200 "serve writes on the primary"

# The load: writers adding persons, each id logged once acknowledged,
# until told to stop.
writer() {
    n=0
    while [ ! -f "$TMP/stop" ]; do
        n=$((n + 1))
        if "$CHANCERY" person add --id "W$1x$n" --family-name "Writer$1" \
            >/dev/null 2>>"$TMP/w$1.err"; then
            echo "W$1x$n" >>"$TMP/acked"
            [ -f "$TMP/promoted" ] && echo "W$1x$n" >>"$TMP/after"
        fi
    done
}
: >"$TMP/acked"
writers=
for w in 1 2 3 4; do
    writer "$w" &
    writers="$writers $!"
done
i=0
until [ "$(wc -l <"$TMP/acked")" -ge 8 ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done

# The primary's postmaster killed; its backends follow it. Then the
# server's next write: 503 (try again) or 200, never another answer.
postmaster=$(head -n 1 "$pdir/data/postmaster.pid")
kill -KILL "$postmaster"
i=0
while psql -h 127.0.0.1 -p "$pport" -d postgres -AtqXc "SELECT 1" >/dev/null 2>&1 && [ $i -lt 100 ]; do
    sleep 0.1; i=$((i + 1))
done
req POST /api/v1/notifications "$T_lia" "$TERM"
case $code in
200 | 503) ok "with the primary gone, serve's write is 200 or 503 ($code)" ;;
*)
    echo "# $(head -c 300 "$TMP/body")"
    not_ok "with the primary gone, serve's write is 200 or 503 ($code)"
    ;;
esac
pg_as "$(pg_bin pg_ctl)" -D "$sdir/data" -w promote >>"$TMP/setup.log" 2>&1 &&
    ok "the standby is promoted" || not_ok "the standby is promoted"
touch "$TMP/promoted"
# The server writes on the new primary: at once, or after 503s.
i=0 codes=
while :; do
    req POST /api/v1/notifications "$T_lia" "$TERM"
    codes="$codes $code"
    [ "$code" = 503 ] && [ $i -lt 50 ] || break
    sleep 0.1; i=$((i + 1))
done
if [ "$code" = 200 ]; then ok "serve writes on the new primary (${codes# })"; else
    not_ok "serve writes on the new primary (${codes# })"; fi
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req GET "/api/v1/notifications/$id" "$T_lia"
expect_code 200 "and reads what it wrote"

# The commands write on through the same URL.
i=0
until [ -s "$TMP/after" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
touch "$TMP/stop"
wait $writers
writers=
if [ -s "$TMP/after" ]; then ok "the writers write on ($(wc -l <"$TMP/after") after the promotion)"; else
    sed "s/^/# /" "$TMP"/w*.err | sort | uniq -c | head; not_ok "the writers write on"; fi
expect_exit 0 "a command writes on the new primary through the same URL" person add --id W0 --family-name After
[ "$ch_rc" = 0 ] && echo W0 >>"$TMP/acked"

# Every acknowledged change is on the new primary, once; no gap.
standby="postgresql://127.0.0.1:$sport/reg"
n_acked=$(wc -l <"$TMP/acked")
psql -d "$standby" -AtqXc "SELECT id FROM persons WHERE id LIKE 'W%'" | sort >"$TMP/present"
missing=$(sort "$TMP/acked" | comm -23 - "$TMP/present" | wc -l)
if [ "$n_acked" -ge 9 ] && [ "$missing" = 0 ]; then ok "all $n_acked acknowledged writes are on the new primary"; else
    not_ok "all $n_acked acknowledged writes are on the new primary ($missing missing)"; fi
gaps=$(psql -d "$standby" -AtqXc "SELECT count(*) = max(seq) AND min(seq) = 1 FROM changes")
if [ "$gaps" = t ]; then ok "the change log's sequence has no gap"; else not_ok "the change log's sequence has no gap"; fi
expect_exit 0 "audit verify passes on the new primary" --db "$standby" audit verify
serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops"; else not_ok "serve stops ($serve_rc)"; fi
done_testing
