#!/bin/sh
# Writes through `chancery serve` (issue 13; usage: scripts/bench-serve-writes.sh
# DB, a registry scripts/bench.sh made from the generated world, which
# this changes): wrk, 16 connections on loopback, each submitting a
# notification as a liaison and refusing it as an officer, every write
# acknowledged only once committed durably (synchronous=FULL). Target:
# at least 300 acknowledged writes per second. Meanwhile a client submits
# and at once reads back what it submitted: the read's p99 (target: 10
# ms), as curl saw it and as the server's access log timed it. The
# server's CPU seconds are printed too: on a shared machine the wall
# figures swing.
set -eu
DB=$1
SECONDS_RUN=${BENCH_SERVE_SECONDS:-20}
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
WORK=$(mktemp -d)
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
pid=
LOG=${BENCH_SERVE_LOG:-$WORK/access.log}

posting=$(sqlite3 "$DB" "SELECT id FROM postings WHERE ended IS NULL AND arrived IS NOT NULL LIMIT 1")
mission=$(sqlite3 "$DB" "SELECT mission FROM postings WHERE id = '$posting'")
sending=$(sqlite3 "$DB" "SELECT sending FROM missions WHERE id = '$mission'")
printf '{"kind":"termination","mission":"%s","posting":"%s","ended":"2026-06-30","end_reason":"tour_completed"}\n' \
    "$mission" "$posting" >"$WORK/payload.json"
for u in bench-officer:officer "bench-$sending:liaison"; do
    name=${u%%:*} role=${u#*:}
    scope=""
    [ "$role" = liaison ] && scope="--sending $sending"
    # shellcheck disable=SC2086
    printf 'benchpw\n' | ./chancery user add "$name" --role "$role" $scope >/dev/null 2>&1 || true
done

# BENCH_SERVE_WRAP runs the server under a profiler, e.g.
# "perf record -e cpu-clock -g -o perf.data --".
${BENCH_SERVE_WRAP:-} ./chancery serve --listen 127.0.0.1:0 --access-log "$LOG" >"$WORK/out" 2>"${BENCH_SERVE_ERR:-/dev/null}" &
pid=$!
while ! grep -q listening "$WORK/out"; do sleep 0.2; done
url=http://$(sed -n 's/^listening on //p' "$WORK/out")
token() {
    curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"benchpw\"}" "$url/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}
liaison=$(token "bench-$sending")
officer=$(token bench-officer)
echo "serve writes on $(sqlite3 "$DB" "SELECT count(*) FROM postings") postings, mission $mission:"
# The server's CPU seconds (user + system, from /proc), as the wall
# figures swing with the machine's other load.
cpu() { awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$pid/stat"; }
cpu0=$(cpu)
wrk -t2 -c16 -d"${SECONDS_RUN}s" --latency -s bench/serve-writes.lua "$url" -- \
    "$liaison" "$officer" "$WORK/payload.json" | grep -E "^serve writes|Requests/sec|Non-2xx" &
wrk_pid=$!
# A read issued right after a write, under the write load: a liaison
# submits, then reads the new notification (the resident registry must
# already hold it: a 404 counts as a miss); curl's time for the read.
sleep 1
: >"$WORK/raw"
misses=0
while kill -0 "$wrk_pid" 2>/dev/null; do
    id=$(curl -s -X POST -H "Authorization: Bearer $liaison" \
        --data-binary @"$WORK/payload.json" "$url/api/v1/notifications" |
        sed -n 's/.*"id": *"\(N[0-9]*\)".*/\1/p' | head -n 1)
    [ -n "$id" ] || continue
    r=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' \
        -H "Authorization: Bearer $liaison" "$url/api/v1/notifications/$id")
    [ "${r% *}" = 200 ] || misses=$((misses + 1))
    echo "${r#* }" >>"$WORK/raw"
done
wait "$wrk_pid" || true
echo "server CPU during the run: $(echo "$cpu0 $(cpu)" | awk '{ printf "%.1f", $2 - $1 }') s"
sort -n "$WORK/raw" | awk -v misses="$misses" '{ t[NR] = $1 } END {
    if (NR) printf "read after write: %d reads, p50 %.1f ms, p99 %.1f ms, %d not yet visible (target: p99 at most 10 ms)\n",
        NR, t[int(NR * 0.5 + 0.5)] * 1000, t[int(NR * 0.99 + 0.5)] * 1000, misses }'
# The same reads as the server timed them (the access log's microseconds,
# from the request's arrival to its answer sent): without curl's start
# and the client's share of a loaded machine.
awk '$1 == "GET" && $2 ~ /^\/api\/v1\/notifications\/N/ { print $4 }' "$LOG" | sort -n |
    awk '{ t[NR] = $1 } END {
    if (NR) printf "read after write, in the server: p50 %.1f ms, p99 %.1f ms\n",
        t[int(NR * 0.5 + 0.5)] / 1000, t[int(NR * 0.99 + 0.5)] / 1000 }'
kill -TERM "$pid"
wait "$pid" || true
pid=
