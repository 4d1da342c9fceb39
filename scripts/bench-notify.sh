#!/bin/sh
# Submitting a notification (issue 12), whole process, on a registry that
# holds the generated world (scripts/bench.sh imports it; usage:
# scripts/bench-notify.sh DB [MISSION]). Five times: `chancery notify` of an
# appointment with a spouse (a new person, posting and dependent), then
# `notification list`, a read that loads the same registry (one change
# set newer) and prints little: its time is the command's start-up. The
# figure is the median of the differences in CPU time (target: at most
# 20 ms), with the wall-clock difference of the same run beside it.
set -eu
DB=$1
MISSION=${2:-E-RUS-USA}
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=${CHANCERY_TODAY:-2025-12-31}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ms CMD...: "WALL CPU" milliseconds of one run (CPU: user plus system
# time, which a machine busy with other work does not inflate).
ms() {
    start=$(date +%s%N)
    /usr/bin/time -f '%U %S' -o "$WORK/time" ./chancery "$@" >/dev/null
    end=$(date +%s%N)
    echo "$(((end - start) / 1000000)) $(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WORK/time")"
}

./chancery notification list >/dev/null # makes the image current
tag=$(date +%s)
for i in 1 2 3 4 5; do
    cat >"$WORK/n.json" <<JSON
{"kind":"appointment","mission":"$MISSION",
 "person":{"id":"BNW$tag-$i","family_name":"Bench","given_names":"Anna","sex":"F","birth_date":"1980-08-08","nationality":"RUS"},
 "posting":{"id":"BNWT$tag-$i","title":"Counsellor","rank":"counselor","category":"diplomatic_agent","head_of_mission":false,"notified":"2025-06-01","arrived":"2025-06-20"},
 "dependents":[{"person":{"id":"BNWS$tag-$i","family_name":"Bench","sex":"M"},"relation":"spouse","joined":"2025-06-20"}],
 "justification":"bench"}
JSON
    n=$(ms notify "$WORK/n.json")
    r=$(ms notification list)
    echo "$n $r"
done >"$WORK/runs"
# Each line: notify's wall and CPU ms, then the read's.
awk '{ print $2 - $4, $1 - $3, $2, $4 }' "$WORK/runs" | sort -n | sed -n 3p |
    awk '{ printf "chancery notify, whole process: %d ms of CPU beyond the start-up of a read (%d ms wall clock; notify %d ms CPU, notification list %d ms CPU; median of 5)\n", $1, $2, $3, $4 }'
