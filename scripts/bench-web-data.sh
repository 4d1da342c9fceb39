#!/bin/sh
# Fills a registry holding the generated world (scripts/bench.sh imports
# it) with what the web pages show beside the world, so that
# scripts/bench-web.sh times them on a registry an office would have:
#  - POLICIES headcount caps (1,000 by default) between pairs of states,
#    recorded with `chancery policy add`;
#  - VISAS visa cases (200,000 by default, bench/bench-visa's synthetic
#    cases with the missions and persons they name), imported;
#  - NOTIFS appointments (3,000 by default) submitted through the API by
#    a liaison of RUS to RUS's missions, of which a third are accepted,
#    a sixth returned, a sixth refused and the rest left in the inbox.
# Usage: scripts/bench-web-data.sh DB. Changes DB; run it once.
set -eu
DB=$1
BUILD=${BUILD:-build}
CH=${CHANCERY:-./chancery}
POLICIES=${BENCH_WEB_POLICIES:-1000}
VISAS=${BENCH_WEB_VISAS:-200000}
NOTIFS=${BENCH_WEB_NOTIFS:-3000}
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
WORK=$(mktemp -d)
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT

# Policies: state i caps state i+k's staff, over the states in order.
sqlite3 "$DB" "SELECT DISTINCT sending FROM missions ORDER BY 1" >"$WORK/states"
awk -v n="$POLICIES" '{ s[NR - 1] = $1 } END {
    printf "["
    for (i = 0; i < n; i++) {
        a = s[i % NR]; b = s[(i + 1 + int(i / NR)) % NR]
        printf "%s{\"id\":\"bench-cap-%04d\",\"title\":\"%s caps %s staff\",", i ? "," : "", i, a, b
        printf "\"kind\":\"headcount_cap\",\"issuer\":\"%s\",\"target\":\"%s\",\"scope\":{},", a, b
        printf "\"effective\":{\"from\":\"2020-01-01\",\"to\":null},"
        printf "\"params\":{\"limit\":%d,\"count\":{\"include_local_staff\":true}},", 20 + i % 200
        printf "\"basis\":\"bench\",\"source\":\"bench\"}"
    }
    print "]"
}' "$WORK/states" >"$WORK/policies.json"
"$CH" policy add "$WORK/policies.json" --note "bench-web" >/dev/null

# Visa cases with their missions and persons, people first.
mkdir -p "$WORK/visa/people" "$WORK/visa/cases"
"$BUILD/bench/bench-visa" csv "$WORK/visa" "$VISAS" >/dev/null
mv "$WORK/visa/missions.csv" "$WORK/visa/persons.csv" "$WORK/visa/people/"
mv "$WORK/visa/visas.csv" "$WORK/visa/cases/"
"$CH" import "$WORK/visa/people" >/dev/null
"$CH" import "$WORK/visa/cases" >/dev/null

# Notifications through the API.
for u in bench-off:officer bench-lia:liaison; do
    name=${u%%:*} role=${u#*:}
    scope=""
    [ "$role" = liaison ] && scope="--sending RUS"
    # shellcheck disable=SC2086
    "$CH" user list --format csv | grep -q "^$name," ||
        printf '%s-pw\n' "$name" | "$CH" user add "$name" --role "$role" $scope >/dev/null
done
"$CH" serve --listen 127.0.0.1:0 >"$WORK/out" 2>/dev/null &
pid=$!
while ! grep -q listening "$WORK/out"; do sleep 0.5; done
url=http://$(sed -n 's/^listening on //p' "$WORK/out")
token() {
    curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"$1-pw\"}" "$url/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}
lia=$(token bench-lia)
off=$(token bench-off)
sqlite3 "$DB" "SELECT id FROM missions WHERE sending = 'RUS' AND closed IS NULL ORDER BY id" >"$WORK/missions"
nm=$(wc -l <"$WORK/missions")
i=0
while [ $i -lt "$NOTIFS" ]; do
    m=$(sed -n "$((i % nm + 1))p" "$WORK/missions")
    printf '{"kind":"appointment","mission":"%s","person":{"id":"BW%06d","family_name":"Webbench","given_names":"Anna","sex":"F","birth_date":"1980-08-08","nationality":"RUS"},"posting":{"id":"BWT%06d","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2025-06-01","arrived":"2025-06-20"},"dependents":[{"person":{"id":"BWS%06d","family_name":"Webbench","sex":"M"},"relation":"spouse","joined":"2025-06-20"}],"justification":"bench"}' \
        "$m" $i $i $i >"$WORK/n.json"
    id=$(curl -s -X POST -H "Authorization: Bearer $lia" --data-binary @"$WORK/n.json" \
        "$url/api/v1/notifications" | sed -n 's/.*"id": *"\(N[0-9]*\)".*/\1/p' | head -n 1)
    case $((i % 6)) in
    0 | 1) d='{"decision":"accept"}' ;;
    2) d='{"decision":"return","grounds":"bench: the passport number is missing"}' ;;
    3) d='{"decision":"refuse","grounds":"bench"}' ;;
    *) d= ;;
    esac
    if [ -n "$id" ] && [ -n "$d" ]; then
        curl -s -o /dev/null -X POST -H "Authorization: Bearer $off" --data-binary "$d" \
            "$url/api/v1/notifications/$id/decision"
    fi
    i=$((i + 1))
done
kill -TERM "$pid"
wait "$pid" || true
pid=
echo "bench-web-data: $(sqlite3 "$DB" "SELECT count(*) FROM policies") policies," \
    "$(sqlite3 "$DB" "SELECT count(*) FROM visas") visa cases," \
    "$(sqlite3 "$DB" "SELECT state, count(*) FROM notifications GROUP BY state" | tr '\n' ' ')"
