#!/bin/sh
# Resident memory of `chancery serve` under a mixed load held for a while
# (issue 13: steady across a 10-minute soak). wrk on loopback, at once:
# BENCH_SOAK_READERS connections reading (GET headcount for one pair and
# GET roster of one mission, alternately, as an officer) and
# BENCH_SOAK_WRITERS connections writing (bench/serve-writes.lua: a
# liaison submits notifications and an officer refuses them, each
# acknowledged durably), each pausing BENCH_SOAK_PAUSE_MS (default 50)
# before each write, an office's busy day many times over rather than
# the writes' top rate. Every BENCH_SOAK_EVERY seconds the server's RSS
# is read from /proc/PID/status; prints the samples, then the RSS at the
# start of the load, at its end and at its highest, the change, and what
# the load did, and the RSS in the middle of the run. The registry grows by two change-log entries and one
# notification per pair of writes, which the resident registries hold: a
# rise with the writes is the data, not a leak. To tell them apart, a
# server is then started afresh on the registry the soak left and its
# RSS after the same reads is printed: what the long-running one holds
# beyond it is what the soak left behind (the last lines: that
# difference, and how far the floor rose beside the data written).
# CHANCERY_DEBUG_LOAD=1 with BENCH_SERVE_LOG=FILE logs the server's memory
# every 10 s there ("memory:": the answer cache, malloc, each arena).
#   scripts/bench-serve-soak.sh DB [SECONDS]   (default 600: 10 minutes)
# DB is changed (notifications are written): give it a copy.
set -eu
DB=${1:?usage: bench-serve-soak.sh DB [SECONDS]}
SECONDS_RUN=${2:-${BENCH_SOAK_SECONDS:-600}}
EVERY=${BENCH_SOAK_EVERY:-5}
READERS=${BENCH_SOAK_READERS:-8}
WRITERS=${BENCH_SOAK_WRITERS:-4}
PAUSE_MS=${BENCH_SOAK_PAUSE_MS:-50}
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
command -v wrk >/dev/null || { echo "bench-serve-soak: wrk is not installed" >&2; exit 1; }
WORK=$(mktemp -d)
pid="" rpid="" wpid=""
cleanup() {
    for p in $rpid $wpid; do kill "$p" 2>/dev/null || true; done
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

posting=$(sqlite3 "$DB" "SELECT id FROM postings WHERE ended IS NULL AND arrived IS NOT NULL LIMIT 1")
mission=$(sqlite3 "$DB" "SELECT mission FROM postings WHERE id = '$posting'")
sending=$(sqlite3 "$DB" "SELECT sending FROM missions WHERE id = '$mission'")
host=$(sqlite3 "$DB" "SELECT host FROM missions WHERE id = '$mission'")
printf '{"kind":"termination","mission":"%s","posting":"%s","ended":"2026-06-30","end_reason":"tour_completed"}\n' \
    "$mission" "$posting" >"$WORK/payload.json"
for u in bench-officer:officer "bench-$sending:liaison"; do
    name=${u%%:*} role=${u#*:}
    scope=""
    [ "$role" = liaison ] && scope="--sending $sending"
    # shellcheck disable=SC2086
    printf 'benchpw\n' | ./chancery user add "$name" --role "$role" $scope >/dev/null 2>&1 || true
done

# BENCH_SERVE_WRAP runs the soaked server under a checker, e.g.
# "valgrind --leak-check=full --log-file=FILE" (the fresh one runs bare);
# BENCH_SERVE_LOG is its access log (default: none), where
# CHANCERY_DEBUG_LOAD=1 adds a line per load of its registries.
${BENCH_SERVE_WRAP:-} ./chancery serve --listen 127.0.0.1:0 --access-log "${BENCH_SERVE_LOG:-/dev/null}" >"$WORK/out" 2>"$WORK/err" &
pid=$!
while ! grep -q listening "$WORK/out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/err" >&2; exit 1; }
    sleep 0.2
done
url=http://$(sed -n 's/^listening on //p' "$WORK/out")
token() {
    curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"benchpw\"}" "$url/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}
liaison=$(token "bench-$sending")
officer=$(token bench-officer)
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
cpu() { awk '{ printf "%.1f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$pid/stat"; }
cat >"$WORK/reads.lua" <<LUA
local paths = { "/api/v1/headcount?sending=$sending&host=$host",
                "/api/v1/missions/$mission/roster" }
local n = 0
request = function()
    n = n + 1
    return wrk.format("GET", paths[n % 2 + 1])
end
LUA

echo "serve soak on $(sqlite3 "$DB" "SELECT count(*) FROM postings") postings for ${SECONDS_RUN} s:" \
    "$READERS reading and $WRITERS writing connections (pausing $PAUSE_MS ms), RSS every $EVERY s"
echo "RSS after load, before any request: $(rss) KiB"
notes0=$(sqlite3 "$DB" "SELECT count(*) FROM notifications")
wrk -t1 -c"$READERS" -d"${SECONDS_RUN}s" -H "Authorization: Bearer $officer" \
    -s "$WORK/reads.lua" "$url" >"$WORK/reads" 2>&1 &
rpid=$!
wrk -t1 -c"$WRITERS" -d"${SECONDS_RUN}s" -s bench/serve-writes.lua "$url" -- \
    "$liaison" "$officer" "$WORK/payload.json" "$PAUSE_MS" >"$WORK/writes" 2>&1 &
wpid=$!
t=0
: >"$WORK/samples"
while kill -0 "$rpid" 2>/dev/null || kill -0 "$wpid" 2>/dev/null; do
    sleep "$EVERY"
    t=$((t + EVERY))
    echo "$t $(rss) $(cpu)" >>"$WORK/samples"
done
wait "$rpid" || true
wait "$wpid" || true
rpid="" wpid=""
notes1=$(sqlite3 "$DB" "SELECT count(*) FROM notifications")
awk '{ printf "  t=%4d s  RSS %7d KiB  CPU %6.1f s\n", $1, $2, $3 }' "$WORK/samples"
grep -E "Requests/sec|Non-2xx" "$WORK/reads" | sed 's/^/  reads: /'
grep -E "^serve writes|Non-2xx" "$WORK/writes" | sed 's/^/  /'
echo "  notifications written: $((notes1 - notes0))"
awk -v notes=$((notes1 - notes0)) 'NR == 1 { first = $2 } { rss[NR] = $2; last = $2; if ($2 > max) max = $2 }
    END { mid = rss[int((NR + 1) / 2)]
        printf "RSS start %d KiB (%.0f MiB), middle %d KiB (%.0f MiB), end %d KiB (%.0f MiB), highest %d KiB; change %+d KiB (%+.1f%%)",
        first, first / 1024, mid, mid / 1024, last, last / 1024, max, last - first, (last - first) * 100 / first
        if (notes) printf ", %.0f bytes per notification written", (last - first) * 1024 / notes
        printf "\n" }' "$WORK/samples"
# The same registry in a server started afresh, after 10 s of the same
# reads.
kill -TERM "$pid"
wait "$pid" || true
./chancery serve --listen 127.0.0.1:0 --access-log /dev/null >"$WORK/out" 2>"$WORK/err" &
pid=$!
while ! grep -q listening "$WORK/out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/err" >&2; exit 1; }
    sleep 0.2
done
url=http://$(sed -n 's/^listening on //p' "$WORK/out")
officer=$(token bench-officer)
liaison=$(token "bench-$sending")
wrk -t1 -c"$READERS" -d10s -H "Authorization: Bearer $officer" -s "$WORK/reads.lua" "$url" >/dev/null 2>&1
fresh_reads=$(rss)
echo "RSS of a server started afresh on the registry the soak left, after 10 s of reads: $fresh_reads KiB"
# Then 10 s of the same mix: the first write a registry takes copies the
# tables it changes out of the image (their rows and keys, in each of the
# three registries), once per load; the long-running server holds them
# too, so this is the figure to set beside its end.
wrk -t1 -c"$READERS" -d10s -H "Authorization: Bearer $officer" -s "$WORK/reads.lua" "$url" >/dev/null 2>&1 &
rpid=$!
wrk -t1 -c"$WRITERS" -d10s -s bench/serve-writes.lua "$url" -- \
    "$liaison" "$officer" "$WORK/payload.json" "$PAUSE_MS" >/dev/null 2>&1 || true
wait "$rpid" || true
rpid=""
fresh=$(rss)
echo "and after 10 s more of the same reads and writes: $fresh KiB"
# Steady: the long-running server's end holds little beyond a fresh one
# on the same data under the same mix, and its floor (the lowest RSS of a
# third of the run) rose no more than the data written (some 1 KB a
# notification: its records in each of the three registries).
awk -v fresh="$fresh" -v fr="$fresh_reads" -v notes=$((notes1 - notes0)) '{ rss[NR] = $2 }
    END { last = rss[NR]; third = int(NR / 3); if (third < 1) third = 1
        f1 = rss[1]; for (i = 1; i <= third; i++) if (rss[i] < f1) f1 = rss[i]
        f3 = last; for (i = NR - third + 1; i <= NR; i++) if (rss[i] < f3) f3 = rss[i]
        printf "long-running end minus fresh: %+d KiB (%+.1f%%) after the same mix, %+d KiB after reads alone\n",
            last - fresh, (last - fresh) * 100 / fresh, last - fr
        printf "floor, first third %d KiB, last third %d KiB: %+d KiB; data written ~%d KiB (%d notifications x 1 KB)\n",
            f1, f3, f3 - f1, notes, notes }' "$WORK/samples"
