#!/bin/sh
# The Idempotency-Key header of `chancery serve`'s writes (docs/api.md,
# "Idempotency-Key"): a write sent again with its key is answered what
# was answered the first time, with Idempotent-Replayed: true, and
# writes nothing; the same key for another body is 422; a bad key is
# 400; keys are an account's own; an answer with an error records
# nothing; a key older than 24 hours is forgotten (and removed by the
# next record).
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
add_user lib libpw --role liaison --sending RUS || not_ok "user add second liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_off=$(login off offpw)
T_lia=$(login lia liapw)
T_lib=$(login lib libpw)

# kreq METHOD PATH TOKEN KEY [BODY]: as req, with the key; the headers in
# $TMP/head.
kreq() {
    code=$(curl -s -D "$TMP/head" -o "$TMP/body" -w '%{http_code}' -X "$1" \
        -H "Authorization: Bearer $3" -H "Idempotency-Key: $4" \
        ${5:+--data-binary "$5"} "$URL$2")
}
replayed() { grep -qi '^Idempotent-Replayed: true' "$TMP/head"; }
changes() {
    "$CHANCERY" audit verify | sed -n 's/^verified \([0-9]*\) changes.*/\1/p'
}
term() {
    echo "{\"kind\":\"termination\",\"mission\":\"$2\",\"posting\":\"$1\",\"ended\":\"2021-12-31\",\"end_reason\":\"${3:-tour_completed}\"}"
}

# --- a write, and the same again: answered once more, written once ---
kreq POST /api/v1/notifications "$T_lia" k-1 "$(term T1 RUS-WAS)"
expect_code 200 "a keyed submission: 200"
cp "$TMP/body" "$TMP/first"
if replayed; then not_ok "the first answer is not a replay"; else ok "the first answer is not a replay"; fi
id=$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' "$TMP/first" | head -1)
before=$(changes)
kreq POST /api/v1/notifications "$T_lia" k-1 "$(term T1 RUS-WAS)"
expect_code 200 "sent again with its key: 200"
if cmp -s "$TMP/body" "$TMP/first"; then ok "the same answer, byte for byte"; else
    not_ok "the same answer, byte for byte"; fi
if replayed; then ok "said to be a replay"; else not_ok "said to be a replay"; fi
if [ "$(changes)" = "$before" ]; then ok "nothing more was written"; else not_ok "nothing more was written"; fi
if [ "$(db_sql "SELECT count(*) FROM notifications WHERE payload LIKE '%\"T1\"%'")" = 1 ]; then
    ok "one notification"; else not_ok "one notification"; fi

# --- the same key for another request ---
kreq POST /api/v1/notifications "$T_lia" k-1 "$(term T1 RUS-WAS recalled)"
expect_code 422 "the key with another body: 422"
expect_body "says so" "Idempotency-Key 'k-1' was used for another request"
kreq POST "/api/v1/notifications/$id/withdraw" "$T_lia" k-1
expect_code 422 "the key on another route: 422"
if [ "$(changes)" = "$before" ]; then ok "nothing was written"; else not_ok "nothing was written"; fi

# --- keys are an account's own ---
kreq POST /api/v1/notifications "$T_lib" k-1 "$(term T2 RUS-WAS)"
expect_code 200 "another account's k-1 is another key"
if replayed; then not_ok "not a replay"; else ok "not a replay"; fi

# --- bad keys: 400, nothing written ---
before=$(changes)
long=$(printf 'k%.0s' $(seq 1 65))
kreq POST /api/v1/notifications "$T_lia" "$long" "$(term T5 RUS-UN)"
expect_code 400 "a key of 65 characters: 400"
expect_body "names the header" "Idempotency-Key: 65 characters, not 1 to 64"
kreq POST /api/v1/notifications "$T_lia" "a/b" "$(term T5 RUS-UN)"
expect_code 400 "a key with a slash: 400"
expect_body "names the character" "Idempotency-Key: character 2 is not"
if [ "$(changes)" = "$before" ]; then ok "nothing was written"; else not_ok "nothing was written"; fi

# --- an error answered records nothing: the key is still free ---
kreq POST /api/v1/notifications "$T_lia" k-5 "$(term T5 RUS-UN | sed 's/"ended"/"endd"/')"
expect_code 422 "a bad body with a key: 422"
kreq POST /api/v1/notifications "$T_lia" k-5 "$(term T5 RUS-UN)"
expect_code 200 "the key then serves the good body"
if replayed; then not_ok "not a replay"; else ok "not a replay"; fi

# --- a decision: its replay is 200 where a second decision is 409 ---
kreq POST "/api/v1/notifications/$id/decision" "$T_off" d-1 '{"decision":"accept"}'
expect_code 200 "a keyed decision: 200"
cp "$TMP/body" "$TMP/first"
before=$(changes)
kreq POST "/api/v1/notifications/$id/decision" "$T_off" d-1 '{"decision":"accept"}'
expect_code 200 "the decision sent again: 200"
if cmp -s "$TMP/body" "$TMP/first" && replayed; then ok "the recorded answer, a replay"; else
    not_ok "the recorded answer, a replay"; fi
req POST "/api/v1/notifications/$id/decision" "$T_off" '{"decision":"accept"}'
expect_code 409 "without the key it is a second decision: 409"
if [ "$(changes)" = "$before" ]; then ok "nothing more was written"; else not_ok "nothing more was written"; fi

# --- a key older than 24 hours is forgotten ---
db_sql "UPDATE idempotency SET created = created - 86400 WHERE key = 'k-1' AND account = 'lia'" >/dev/null
kreq POST /api/v1/notifications "$T_lia" k-1 "$(term T2 RUS-WAS recalled)"
expect_code 200 "a day later the key is free"
if [ "$(db_sql "SELECT count(*) FROM idempotency WHERE key = 'k-1' AND account = 'lia'")" = 1 ]; then
    ok "the old record was removed"; else not_ok "the old record was removed"; fi

# --- /openapi.json lists the header on each of the four writes ---
req GET /openapi.json
if [ "$(grep -c '"name": "Idempotency-Key"' "$TMP/body")" = 4 ] && grep -q '"Idempotent-Replayed"' "$TMP/body"; then
    ok "/openapi.json lists the header and the replay's"; else not_ok "/openapi.json lists the header and the replay's"; fi

serve_stop
if "$CHANCERY" audit verify >"$TMP/out" 2>&1; then ok "audit verify passes"; else
    sed 's/^/# /' "$TMP/out"; not_ok "audit verify passes"; fi
done_testing
