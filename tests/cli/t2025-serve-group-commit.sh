#!/bin/sh
# The server's group commit (http/resident.c): writes that wait together
# are committed in one transaction, and a write that fails among them
# (a payload with problems, a decision on a notification already decided)
# fails alone. Clients write at once, good and bad writes mixed, two
# officers racing to decide each notification: every good submission is
# acknowledged and listed, every bad one is 422 and absent, each
# notification is decided exactly once (200 for one officer, 409 for the
# other), nothing acknowledged is missing after a restart, and the change
# log verifies.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

add_user off1 offpw --role officer || not_ok "user add officer 1"
add_user off2 offpw --role officer || not_ok "user add officer 2"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_off1=$(login off1 offpw)
T_off2=$(login off2 offpw)
T_lia=$(login lia liapw)
GOOD='{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-12-31","end_reason":"tour_completed"}'
BAD='{"kind":"termination","mission":"RUS-WAS","posting":"T999","ended":"2021-12-31","end_reason":"tour_completed"}'

# submitter K: 8 submissions, every third one bad; "CODE ID|-" per line
# to $TMP/sub.K.
submitter() {
    : >"$TMP/sub.$1"
    for n in 1 2 3 4 5 6 7 8; do
        body=$GOOD
        [ $((n % 3)) = 0 ] && body=$BAD
        c=$(curl -s -o "$TMP/s$1" -w '%{http_code}' -X POST -H "Authorization: Bearer $T_lia" \
            --data-binary "$body" "$URL/api/v1/notifications")
        id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/s$1" | head -1)
        echo "$c ${id:--} $([ "$body" = "$BAD" ] && echo bad || echo good)" >>"$TMP/sub.$1"
    done
}
pids=""
for k in 1 2 3 4 5 6; do
    submitter $k &
    pids="$pids $!"
done
for p in $pids; do wait "$p"; done
cat "$TMP"/sub.* >"$TMP/subs"
n_good=$(grep -c ' good$' "$TMP/subs")
if [ "$(grep -c '^200 N[0-9]* good$' "$TMP/subs")" = "$n_good" ]; then
    ok "every good submission among concurrent ones is acknowledged ($n_good)"
else
    sed 's/^/# /' "$TMP/subs"
    not_ok "every good submission among concurrent ones is acknowledged"
fi
if [ "$(grep -c '^422 - bad$' "$TMP/subs")" = "$(grep -c ' bad$' "$TMP/subs")" ]; then
    ok "every bad submission among them is 422"
else
    sed 's/^/# /' "$TMP/subs"
    not_ok "every bad submission among them is 422"
fi
ids=$(awk '$1 == 200 { print $2 }' "$TMP/subs" | sort)
if [ "$(echo "$ids" | sort -u | wc -l)" = "$n_good" ]; then
    ok "each acknowledged submission has an id of its own"
else
    not_ok "each acknowledged submission has an id of its own"
fi

# Both officers decide every notification at once: one wins each.
decide() {
    : >"$TMP/dec.$1"
    for id in $ids; do
        c=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $2" \
            --data-binary '{"decision":"refuse","grounds":"race"}' "$URL/api/v1/notifications/$id/decision")
        echo "$id $c" >>"$TMP/dec.$1"
    done
}
decide 1 "$T_off1" &
d1=$!
decide 2 "$T_off2" &
d2=$!
wait "$d1"
wait "$d2"
both=$(sort "$TMP/dec.1" "$TMP/dec.2" | awk '{ codes[$1] = codes[$1] " " $2 } END {
    for (id in codes) print id codes[id] }' | sort)
if [ "$(echo "$both" | grep -Ec '^N[0-9]+ (200 409|409 200)$')" = "$n_good" ]; then
    ok "each notification is decided once: 200 for one officer, 409 for the other"
else
    echo "$both" | sed 's/^/# /'
    not_ok "each notification is decided once: 200 for one officer, 409 for the other"
fi

req GET "/api/v1/notifications?state=refused" "$T_off1"
n_listed=$(grep -c '"id": "N' "$TMP/body")
if [ "$n_listed" = "$n_good" ]; then ok "the server lists every one refused"; else
    not_ok "the server lists every one refused ($n_listed of $n_good)"; fi
serve_stop
expect_exit 0 "notification list after the server stopped" notification list --state refused --format csv
if [ "$(tail -n +2 "$TMP/out" | wc -l)" = "$n_good" ]; then ok "the database holds every one refused"; else
    not_ok "the database holds every one refused"; fi
expect_exit 0 "the change log verifies" audit verify
done_testing
