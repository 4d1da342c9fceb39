#!/bin/sh
# The HTTP API beside nginx, on this machine, in one run: `chancery serve`
# on a registry (default: the benchmark world's) answers GET headcount for
# one pair and GET roster of one mission, 64 connections from wrk on
# loopback; nginx (Debian's, started here with a temporary config) serves
# the same response bytes as static files to the same wrk. Prints each
# one's requests per second and p99 latency, and the ratio; the targets
# (issue 13) are at least half of nginx's rate and a p99 of 10 ms at most.
# Each comparison runs ROUNDS times (BENCH_SERVE_ROUNDS, default 3), the
# two servers in turn (nginx first every other round), each round with the
# load average when it ended: on a machine other jobs share, a p99 is only
# the machine's, and the ratio of the same round is what compares.
#   scripts/bench-serve.sh DB [SECONDS]
set -eu
DB=${1:?usage: bench-serve.sh DB [SECONDS]}
SECONDS_RUN=${2:-${BENCH_SERVE_SECONDS:-10}}
ROUNDS=${BENCH_SERVE_ROUNDS:-3}
PAIR=${BENCH_PAIR:-sending=RUS&host=USA}
MISSION=${BENCH_MISSION:-E-RUS-USA}
NGINX=${NGINX:-/usr/sbin/nginx}
export TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
command -v wrk >/dev/null || { echo "bench-serve: wrk is not installed" >&2; exit 1; }
[ -x "$NGINX" ] || { echo "bench-serve: no nginx at $NGINX (apt-get install nginx-light)" >&2; exit 1; }

T=$(mktemp -d)
chmod 755 "$T"
spid="" npid=""
cleanup() {
    [ -n "$spid" ] && kill -TERM "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    [ -n "$npid" ] && kill -QUIT "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf 'benchpw\n' | CHANCERY_DB="$DB" ./chancery user add bench --role officer >/dev/null 2>&1 || true
start=$(date +%s.%N)
CHANCERY_DB="$DB" ./chancery serve --listen 127.0.0.1:0 --access-log /dev/null >"$T/serve.out" 2>"$T/serve.err" &
spid=$!
while ! grep -q listening "$T/serve.out"; do
    kill -0 "$spid" 2>/dev/null || { cat "$T/serve.err" >&2; exit 1; }
    sleep 0.1
done
end=$(date +%s.%N)
echo "$start $end" | awk '{ printf "chancery serve: registry loaded and listening in %.1f s\n", $2 - $1 }'
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$T/serve.out")
token=$(curl -s -X POST --data-binary '{"user":"bench","password":"benchpw"}' \
    "http://127.0.0.1:$port/api/v1/login" | sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "bench-serve: no login" >&2; exit 1; }

HEADCOUNT="/api/v1/headcount?$PAIR"
ROSTER="/api/v1/missions/$MISSION/roster"
get() { curl -s -f -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
get "$HEADCOUNT" >"$T/headcount.json"
get "$ROSTER" >"$T/roster.json"

nport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/nginx.conf" <<NGINX
worker_processes $(nproc);
pid $T/nginx.pid;
error_log $T/nginx.err;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $T/body;
    proxy_temp_path $T/proxy;
    fastcgi_temp_path $T/fastcgi;
    uwsgi_temp_path $T/uwsgi;
    scgi_temp_path $T/scgi;
    server {
        listen 127.0.0.1:$nport;
        default_type application/json;
        location = /api/v1/headcount { alias $T/headcount.json; }
        location = $ROSTER { alias $T/roster.json; }
    }
}
NGINX
"$NGINX" -p "$T" -c "$T/nginx.conf" -e "$T/nginx.err" -g 'daemon off;' &
npid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$nport/api/v1/headcount" || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
curl -s "http://127.0.0.1:$nport$HEADCOUNT" | cmp -s - "$T/headcount.json" ||
    { echo "bench-serve: nginx does not serve the same bytes" >&2; exit 1; }

# run NAME URL: wrk's requests per second and p99 in ms, on one line.
run() {
    wrk -t 2 -c 64 -d "${SECONDS_RUN}s" --latency -H "Authorization: Bearer $token" "$2" >"$T/wrk" 2>&1
    awk -v name="$1" '
        /Requests\/sec/ { rps = $2 }
        /^ +99%/ { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                   p99 = u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }
        /Non-2xx/ { bad = $NF }
        END { printf "%s %.0f %.2f %s\n", name, rps, p99, bad + 0 }' "$T/wrk"
}

report() { # WHAT PATH BYTES-FILE
    echo "$1 ($(wc -c <"$3") bytes), wrk 64 connections $SECONDS_RUN s, $ROUNDS rounds:"
    r=1
    while [ "$r" -le "$ROUNDS" ]; do
        if [ $((r % 2)) = 1 ]; then
            c=$(run chancery "http://127.0.0.1:$port$2")
            n=$(run nginx "http://127.0.0.1:$nport$2")
        else
            n=$(run nginx "http://127.0.0.1:$nport$2")
            c=$(run chancery "http://127.0.0.1:$port$2")
        fi
        echo "$c $n" | awk -v r="$r" -v load="$(cut -d' ' -f1 /proc/loadavg)" '{
            printf "  round %d (load average %s):\n", r, load
            printf "    chancery serve: %8.0f req/s, p99 %6.2f ms%s\n", $2, $3, $4 ? sprintf(" (%d non-2xx!)", $4) : ""
            printf "    nginx static:   %8.0f req/s, p99 %6.2f ms\n", $6, $7
            printf "    chancery/nginx: %.0f%% (target >= 50%%); p99 %s 10 ms\n", 100 * $2 / $6, $3 <= 10 ? "<=" : ">" }'
        r=$((r + 1))
    done
}
report "GET headcount?$PAIR" "$HEADCOUNT" "$T/headcount.json"
report "GET roster of $MISSION" "$ROSTER" "$T/roster.json"
