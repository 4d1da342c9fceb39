#!/bin/sh
# Durability of the server's writes (issue 13): clients submit and decide
# notifications against `chancery serve` while it is killed with SIGKILL;
# after a restart every write that was acknowledged (HTTP 200) is there,
# in the state acknowledged, and the change log verifies. The server's
# writer commits with synchronous=FULL (tests/unit/test-store.c checks
# the setting; a SIGKILL alone cannot tell FULL from NORMAL).
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 0; }

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_off=$(login off offpw)
T_lia=$(login lia liapw)
TERM_JSON='{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-12-31","end_reason":"tour_completed"}'

# client K: submits and decides until the server is gone; each answer
# acknowledged goes to $TMP/ack.K as "ID STATE".
client() {
    while :; do
        c_code=$(curl -s -o "$TMP/c$1" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
            --data-binary "$TERM_JSON" "$URL/api/v1/notifications") || break
        [ "$c_code" = 200 ] || break
        c_id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/c$1" | head -1)
        echo "$c_id submitted" >>"$TMP/ack.$1"
        c_code=$(curl -s -o "$TMP/c$1" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_off" \
            --data-binary '{"decision":"refuse","grounds":"load"}' "$URL/api/v1/notifications/$c_id/decision") || break
        [ "$c_code" = 200 ] || break
        echo "$c_id refused" >>"$TMP/ack.$1"
    done
}
clients=""
for k in 1 2 3 4; do
    : >"$TMP/ack.$k"
    client $k &
    clients="$clients $!"
done
# Kill once enough writes were acknowledged, with more in flight.
i=0
while [ "$(cat "$TMP"/ack.* | wc -l)" -lt 40 ] && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for c in $clients; do wait "$c"; done
n_acks=$(cat "$TMP"/ack.* | wc -l)
if [ "$n_acks" -ge 40 ]; then ok "writes acknowledged before the kill ($n_acks)"; else
    not_ok "writes acknowledged before the kill ($n_acks)"; fi

expect_exit 0 "the change log verifies after the kill" audit verify
expect_exit 0 "notification list after the kill" notification list --format csv
cp "$TMP/out" "$TMP/list.csv"
missing=0
# The last acknowledged state of each notification is the one listed,
# or, for one acknowledged as submitted, refused: a decision in flight
# when the server died may have committed without being acknowledged.
cat "$TMP"/ack.* | awk '{ last[$1] = $2 } END { for (id in last) print id, last[id] }' >"$TMP/want"
while read -r id state; do
    grep -q "^$id,termination,RUS-WAS,$state," "$TMP/list.csv" ||
        { [ "$state" = submitted ] && grep -q "^$id,termination,RUS-WAS,refused," "$TMP/list.csv"; } || {
        echo "# $id: acknowledged $state, not found"; missing=$((missing + 1)); }
done <"$TMP/want"
if [ $missing -eq 0 ]; then ok "every acknowledged write is there"; else not_ok "every acknowledged write is there"; fi

if serve_start; then ok "serve starts again"; else not_ok "serve starts again"; exit 1; fi
T_off=$(login off offpw)
id=$(head -1 "$TMP/want" | cut -d' ' -f1)
req GET "/api/v1/notifications/$id" "$T_off"
expect_code 200 "the restarted server shows an acknowledged notification"
req POST /api/v1/notifications "$T_lia" "$TERM_JSON"
expect_code 200 "and takes writes again"
kill -TERM "$pid"
wait "$pid"
expect_exit 0 "the change log verifies at the end" audit verify
done_testing
