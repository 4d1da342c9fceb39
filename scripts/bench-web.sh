#!/bin/sh
# The web pages on a large registry (issue 14's targets: at most 50 ms of
# server time and 100 KB a page, charts apart). Usage:
#   scripts/bench-web.sh DB     (a registry holding the generated world,
#                                as scripts/bench.sh imports it; the
#                                bench writes notifications to it)
# scripts/bench-web-data.sh adds the policies, notifications and visa
# cases the pages show. Starts `chancery serve` on DB, signs in one
# account per role (made here when missing), fetches each page five times and prints, per page, the
# median server time from the access log (microseconds, the time from the
# request to the answer, machine load apart from the client), the time of
# the first fetch (the pages keep what they compute for the registry's
# head, memo.h: the first after a change computes it) and its size.
# Then, for the pages that compute most, the first fetch after a write
# of one record (BENCH_WEB_REPS times each, the median): after a
# notification (which they do not read: their renderings are kept) and
# after an accepted one (which writes a person, a posting and a
# household: they compute again, the docket only the policies of the
# states it touched), with the server's CPU time for that fetch (perf
# stat when installed: the machine is shared, the wall time swings).
set -eu
DB=$1
CH=${CHANCERY:-./chancery}
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
WORK=$(mktemp -d)
"$CH" serve --listen 127.0.0.1:0 >"$WORK/out" 2>"$WORK/log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$WORK"' EXIT
for u in "bench-off officer" "bench-ana analyst" "bench-aud auditor"; do
    set -- $u
    "$CH" user list --format csv | grep -q "^$1," ||
        printf '%s\n' "$1-pw" | "$CH" user add "$1" --role "$2" >/dev/null
done
"$CH" user list --format csv | grep -q "^bench-lia," ||
    printf 'bench-lia-pw\n' | "$CH" user add bench-lia --role liaison --sending RUS >/dev/null
i=0
while ! grep -q listening "$WORK/out" && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
U=http://$(sed -n 's/^listening on //p' "$WORK/out")
login() {
    pre=$(curl -s -c "$WORK/jar.$1" "$U/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -b "$WORK/jar.$1" -c "$WORK/jar.$1" -o /dev/null \
        -d "csrf=$pre&user=$1&password=$1-pw" "$U/login"
}
for r in off ana aud lia; do login "bench-$r"; done
touch "$WORK/jar.x"
M=$(sqlite3 "$DB" "SELECT mission FROM postings WHERE ended IS NULL GROUP BY mission ORDER BY count(*) DESC LIMIT 1")
T=$(sqlite3 "$DB" "SELECT id FROM postings LIMIT 1 OFFSET 5000")
P=$(sqlite3 "$DB" "SELECT person FROM postings WHERE id = '$T'")
POL=$(sqlite3 "$DB" "SELECT id FROM policies ORDER BY id DESC LIMIT 1")
NS=$(sqlite3 "$DB" "SELECT id FROM notifications WHERE state = 'submitted' LIMIT 1")
NR=$(sqlite3 "$DB" "SELECT id FROM notifications WHERE state = 'returned' LIMIT 1")
LM=$(sqlite3 "$DB" "SELECT mission FROM postings WHERE ended IS NULL AND mission IN (SELECT id FROM missions WHERE sending = 'RUS') GROUP BY mission ORDER BY count(*) DESC LIMIT 1")
echo "bench-web on $(sqlite3 "$DB" "SELECT count(*) FROM postings") postings," \
    "$(sqlite3 "$DB" "SELECT count(*) FROM policies") policies," \
    "$(sqlite3 "$DB" "SELECT count(*) FROM notifications") notifications," \
    "$(sqlite3 "$DB" "SELECT count(*) FROM visas") visa cases; $(nproc) cores"
page() { # WHO PATH
    : >"$WORK/log"
    for k in 1 2 3 4 5; do
        size=$(curl -s -b "$WORK/jar.$1" -o /dev/null -w '%{size_download}' "$U$2")
    done
    sleep 0.2
    first=$(awk 'NR == 1 { print $4 }' "$WORK/log")
    awk '{ print $4 }' "$WORK/log" | sort -n | sed -n 3p |
        awk -v p="$2" -v s="$size" -v f="$first" '{
            printf "%-52s %7.1f ms %7.1f ms %7.1f KB\n", p, $1 / 1000, f / 1000, s / 1024 }'
}
echo "page (median of 5; the first, after a change, computes what the others reuse)"
printf '%-52s %10s %10s %10s\n' "" median first size
page x /
page x /login
page x "/lists/diplomatic?host=USA"
page x "/lists/diplomatic?host=USA&part=precedence"
page x "/lists/consular?host=USA"
page x "/consular/where?nationality=RUS"
page bench-off /
page bench-off /inbox
page bench-off /check
page bench-off "/check?issuer=RUS"
F=$(curl -s -b "$WORK/jar.bench-off" "$U/check" | grep -o 'href="/findings/[^"]*"' | head -n 1 | sed 's/href="//; s/"$//')
[ -z "$F" ] || page bench-off "$F"
page bench-off /missions
page bench-off "/missions?offset=60000"
page bench-off "/missions/$M"
page bench-off "/postings/$T"
page bench-off "/persons/$P"
page bench-off /policies
page bench-off "/policies?offset=900"
page bench-off "/policies/$POL"
page bench-off /notifications
page bench-off "/notifications/$NS"
page bench-off "/forecasts"
page bench-off "/visas/report"
page bench-ana /
page bench-ana "/parity?s1=RUS&s2=USA"
page bench-ana "/parity?s1=RUS&s2=USA&from=2016-01-01&to=2025-12-31&step=month"
page bench-ana /headcount
page bench-ana "/headcount?sending=RUS&by=category"
page bench-ana /visas
page bench-ana "/visas?by=month"
page bench-ana /visas/report
page bench-lia /
page bench-lia "/?mission=$LM"
page bench-lia /notifications
page bench-lia "/notifications?state=returned"
page bench-lia "/notifications/$NR"
page bench-lia "/notifications/$NR/resubmit"
page bench-lia /notify
for k in appointment arrival change dependent_join dependent_leave termination; do
    page bench-lia "/notify/$k"
done
page bench-lia /check
page bench-aud /
page bench-aud /changes
page bench-aud "/changes?offset=1000"
page bench-aud /changes/1
page bench-aud /history
page bench-aud "/history/posting/$T"
page bench-aud "/history/notification/$NR"
page bench-aud /verify

# after_write KIND WHO PATH: REPS times a write of KIND (notify: a
# notification submitted; accept: a submitted one accepted), then the
# page fetched once; the median server time and CPU time of that fetch.
REPS=${BENCH_WEB_REPS:-5}
tok() {
    curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"$1-pw\"}" "$U/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}
TL=$(tok bench-lia)
TO=$(tok bench-off)
write_one() {
    if [ "$1" = accept ]; then
        id=$(sqlite3 "$DB" "SELECT id FROM notifications WHERE state = 'submitted' ORDER BY id LIMIT 1")
        curl -s -o /dev/null -X POST -H "Authorization: Bearer $TO" \
            --data-binary '{"decision":"accept"}' "$U/api/v1/notifications/$id/decision"
        return
    fi
    n=$(date +%s%N)
    printf '{"kind":"appointment","mission":"%s","person":{"id":"BF%s","family_name":"Benchfirst","sex":"F","nationality":"RUS"},"posting":{"id":"BFT%s","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2025-06-01","arrived":"2025-06-20"},"justification":"bench"}' \
        "$LM" "$n" "$n" >"$WORK/n.json"
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $TL" --data-binary @"$WORK/n.json" \
        "$U/api/v1/notifications"
}
cpu_ms() { # the server's CPU milliseconds from /proc (10 ms steps)
    awk -v t="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$pid/stat"
}
after_write() {
    : >"$WORK/first"
    : >"$WORK/cpu"
    for k in $(seq "$REPS"); do
        write_one "$1"
        sleep 0.3
        : >"$WORK/log"
        if command -v perf >/dev/null 2>&1; then
            perf stat -e task-clock -x, -o "$WORK/pstat" -p "$pid" -- \
                curl -s -o /dev/null -b "$WORK/jar.$2" "$U$3" 2>/dev/null
            awk -F, '/task-clock/ { print $1 }' "$WORK/pstat" >>"$WORK/cpu"
        else
            c0=$(cpu_ms)
            curl -s -o /dev/null -b "$WORK/jar.$2" "$U$3"
            echo $(($(cpu_ms) - c0)) >>"$WORK/cpu"
        fi
        sleep 0.1
        awk 'NR == 1 { print $4 / 1000 }' "$WORK/log" >>"$WORK/first"
    done
    med() { sort -n "$1" | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] }'; }
    printf '%-8s %-36s %8s ms %8s ms CPU\n' "$1" "$3" "$(med "$WORK/first")" "$(med "$WORK/cpu")"
}
echo "first fetch after a write of one record (median of $REPS; load $(cut -d' ' -f1 /proc/loadavg))"
for w in notify accept; do
    after_write $w bench-off /check
    after_write $w bench-ana /visas/report
    after_write $w x "/lists/diplomatic?host=USA"
    after_write $w bench-off /forecasts
done
