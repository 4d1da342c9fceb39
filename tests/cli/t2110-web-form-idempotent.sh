#!/bin/sh
# The web form's writes (src/http/pages_notify_submit.c, pages_notify.c)
# carry a one-time key: each rendered write form has a hidden field `idem`,
# random (libsodium), that the handler uses as the write's Idempotency-Key
# (docs/api.md). A double click or a browser's re-POST of the same form
# answers as the first did (the same notification) and writes nothing; a
# form drawn again has a new key; the same key with other fields is
# refused, nothing written. Both backends.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi

# web_login USER PASSWORD JAR
web_login() {
    _pre=$(curl -s -c "$3" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -b "$3" -c "$3" -o /dev/null -d "csrf=$_pre&user=$1&password=$2" "$URL/login"
}
# hidden NAME: the value of the hidden field NAME of the page in $TMP/page.
hidden() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" "$TMP/page" | head -n 1; }
# post JAR PATH DATA: the code in $code, the Location in $TMP/loc.
post() {
    code=$(curl -s -b "$1" -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' -d "$3" "$URL$2")
    sed -n 's/^[Ll]ocation: *\([^\r]*\).*/\1/p' "$TMP/head" >"$TMP/loc"
}
n_log() { "$CHANCERY" history --format csv 2>/dev/null | wc -l; }
n_notifications() { "$CHANCERY" notification list --format csv | wc -l; }

web_login lia liapw "$TMP/lia"
curl -s -b "$TMP/lia" "$URL/notify/termination" >"$TMP/page"
csrf=$(hidden csrf) key=$(hidden idem)
if [ "${#key}" -ge 32 ]; then ok "the form has a hidden one-time key"; else not_ok "the form has a hidden one-time key ($key)"; fi
curl -s -b "$TMP/lia" "$URL/notify/termination" >"$TMP/page"
if [ "$(hidden idem)" != "$key" ]; then ok "drawn again, another key"; else not_ok "drawn again, another key"; fi

form="csrf=$csrf&idem=$key&mission=RUS-WAS&posting=T1&ended=2021-12-31&end_reason=tour_completed"
n0=$(n_notifications)
post "$TMP/lia" /notify/termination "$form"
expect_code 303 "the form is sent"
first=$(cat "$TMP/loc")
n1=$(n_notifications)
if [ "$n1" -eq $((n0 + 1)) ]; then ok "one notification written"; else not_ok "one notification written ($n0, $n1)"; fi
log1=$(n_log)
post "$TMP/lia" /notify/termination "$form"
expect_code 303 "the same form sent again (a double click)"
if [ "$(cat "$TMP/loc")" = "$first" ]; then ok "answers as the first did ($first)"; else
    not_ok "answers as the first did ($first, then $(cat "$TMP/loc"))"; fi
if [ "$(n_notifications)" -eq "$n1" ] && [ "$(n_log)" -eq "$log1" ]; then ok "and writes nothing"; else
    not_ok "and writes nothing"; fi
post "$TMP/lia" /notify/termination "csrf=$csrf&idem=$key&mission=RUS-WAS&posting=T2&ended=2021-12-31&end_reason=tour_completed"
expect_code 422 "the same key with other fields is refused"
expect_body "saying the form was sent already" "sent already"
if [ "$(n_log)" -eq "$log1" ]; then ok "nothing written"; else not_ok "nothing written"; fi
post "$TMP/lia" /notify/termination "csrf=$csrf&idem=bad%20key&mission=RUS-WAS&posting=T2&ended=2021-12-31&end_reason=tour_completed"
expect_code 400 "a malformed key is refused"
if [ "$(n_log)" -eq "$log1" ]; then ok "nothing written"; else not_ok "nothing written"; fi
post "$TMP/lia" /notify/termination "csrf=$csrf&mission=RUS-WAS&posting=T2&ended=2021-12-31&end_reason=tour_completed"
expect_code 303 "a form without a key (an old page) is still sent"
id=$(sed -n 's|^/notifications/\(N[0-9]*\).*|\1|p' "$TMP/loc")

# The officer's decision form.
web_login off offpw "$TMP/off"
curl -s -b "$TMP/off" "$URL/notifications/$id" >"$TMP/page"
csrf=$(hidden csrf) key=$(hidden idem)
if [ "${#key}" -ge 32 ]; then ok "the decision form has a key"; else not_ok "the decision form has a key"; fi
post "$TMP/off" "/notifications/$id/decision" "csrf=$csrf&idem=$key&decision=accept"
expect_code 303 "a decision"
log2=$(n_log)
post "$TMP/off" "/notifications/$id/decision" "csrf=$csrf&idem=$key&decision=accept"
expect_code 303 "sent again, answered as the first (not a conflict)"
if [ "$(n_log)" -eq "$log2" ]; then ok "and writes nothing"; else not_ok "and writes nothing"; fi

# The liaison's withdrawal form.
curl -s -b "$TMP/lia" "${first%%\?*}" -o /dev/null
curl -s -b "$TMP/lia" "$URL${first%%\?*}" >"$TMP/page"
csrf=$(hidden csrf) key=$(hidden idem)
post "$TMP/lia" "${first%%\?*}/withdraw" "csrf=$csrf&idem=$key"
expect_code 303 "a withdrawal"
log3=$(n_log)
post "$TMP/lia" "${first%%\?*}/withdraw" "csrf=$csrf&idem=$key"
expect_code 303 "sent again, answered as the first"
if [ "$(n_log)" -eq "$log3" ]; then ok "and writes nothing"; else not_ok "and writes nothing"; fi

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops"; else not_ok "serve stops ($serve_rc)"; fi
expect_exit 0 "audit verify passes" audit verify
done_testing
