#!/bin/sh
# The kept answers of `chancery serve` (src/http/cache.c) and its kept
# sessions (src/http/auth.c): a GET asked again is answered from what was
# kept, so every test here asks twice. A write, by a command or over HTTP,
# makes the next read answer the new registry (byte-equal to the command);
# an answer kept for one role or scope is never given to another: a
# liaison's to an officer or to another state's liaison, an officer's to
# an analyst or to a liaison (404 stays 404), an analyst's to an officer.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

add_user off offpw --role officer || not_ok "user add officer"
add_user ana anapw --role analyst || not_ok "user add analyst"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison of RUS"
add_user liu liupw --role liaison --sending USA || not_ok "user add liaison of USA"
add_user lim limpw --role liaison --mission RUS-UN || not_ok "user add liaison of RUS-UN"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; cat "$TMP/serve.err"; exit 1; fi
T_officer=$(login off offpw)
T_ana=$(login ana anapw)
T_lia=$(login lia liapw)
T_liu=$(login liu liupw)
T_lim=$(login lim limpw)

# twice WHAT PATH CHANCERY-ARGS...: `same`, asked twice (the second is the
# kept answer).
twice() {
    same "$@"
    cp "$TMP/body" "$TMP/first"
    req GET "$2" "$T_officer"
    if cmp -s "$TMP/first" "$TMP/body"; then ok "$1, asked again"; else not_ok "$1, asked again"; fi
}
# as TOKEN PATH: GET PATH with TOKEN, twice; the second answer in $TMP/body.
as() {
    req GET "$2" "$1"
    req GET "$2" "$1"
}
has() { if grep -qF -- "$2" "$TMP/body"; then ok "$1"; else echo "# body: $(head -c 300 "$TMP/body")"; not_ok "$1"; fi; }
lacks() { if grep -qF -- "$2" "$TMP/body"; then echo "# body: $(head -c 300 "$TMP/body")"; not_ok "$1"; else ok "$1"; fi; }

ROSTER="/api/v1/missions/RUS-WAS/roster?as_of=2021-06-30"
HEAD="/api/v1/headcount?sending=RUS&host=USA&as_of=2022-01-31"

# A command's write drops what was kept.
twice "roster before a command's write" "$ROSTER" roster RUS-WAS --as-of 2021-06-30
has "it holds T2" '"T2"'
ch posting end T2 --on 2021-05-31 --reason tour_completed || not_ok "posting end"
twice "roster after the command's write" "$ROSTER" roster RUS-WAS --as-of 2021-06-30
lacks "T2 has left it" '"T2"'

# A write over HTTP drops what was kept.
twice "headcount before a write over HTTP" "$HEAD" headcount --sending RUS --host USA --as-of 2022-01-31
cp "$TMP/body" "$TMP/head.before"
req POST /api/v1/notifications "$T_lia" '{"kind":"termination","mission":"RUS-WAS","posting":"T1","ended":"2021-12-31","end_reason":"tour_completed"}'
expect_code 200 "a termination submitted over HTTP"
id=$(sed -n 's/^ *"id": "\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -1)
req GET "$HEAD" "$T_officer"
if cmp -s "$TMP/head.before" "$TMP/body"; then ok "a submission alone leaves the headcount"; else not_ok "a submission alone leaves the headcount"; fi
req POST "/api/v1/notifications/$id/decision" "$T_officer" '{"decision":"accept"}'
expect_code 200 "accepted over HTTP"
twice "headcount after the write over HTTP" "$HEAD" headcount --sending RUS --host USA --as-of 2022-01-31
if cmp -s "$TMP/head.before" "$TMP/body"; then not_ok "the headcount moved"; else ok "the headcount moved"; fi

# A liaison's kept answer is not another role's or scope's.
as "$T_lia" /api/v1/missions
has "a liaison of RUS lists RUS-WAS" RUS-WAS
lacks "and not USA-MOW" USA-MOW
as "$T_liu" /api/v1/missions
has "a liaison of USA, on the same path, lists USA-MOW" USA-MOW
lacks "and not RUS-WAS" RUS-WAS
as "$T_lim" /api/v1/missions
has "a mission's liaison lists its mission" RUS-UN
lacks "alone" RUS-WAS
twice "an officer, on the same path, lists them all" /api/v1/missions mission list
as "$T_lia" /api/v1/missions
lacks "the liaison of RUS, after the officer, still not USA-MOW" USA-MOW

as "$T_lia" "$ROSTER"
expect_code 200 "a liaison of RUS reads the roster of RUS-WAS"
as "$T_liu" "$ROSTER"
expect_code 404 "the same roster, kept, is 404 to a liaison of USA"
as "$T_lim" "$ROSTER"
expect_code 404 "and to a mission's liaison of RUS-UN"
as "$T_lia" "$HEAD"
expect_code 200 "a liaison of RUS reads the headcount of RUS"
as "$T_liu" "$HEAD"
expect_code 404 "the same headcount, kept, is 404 to a liaison of USA"
as "$T_liu" /api/v1/missions/RUS-WAS
expect_code 404 "another state's mission is 404 to a liaison, asked twice"
as "$T_lia" /api/v1/missions/RUS-WAS
expect_code 200 "and its own state's liaison reads it after that 404"

# An officer's and an analyst's kept answers are their own.
as "$T_officer" /api/v1/persons/P1
has "an officer sees a birth date" 1955-05-15
as "$T_ana" /api/v1/persons/P1
expect_code 200 "an analyst reads the same person"
lacks "without the birth date the officer's answer had" 1955-05-15
as "$T_ana" /api/v1/persons/P2
lacks "an analyst, first, sees no birth date" 1980-02-29
as "$T_officer" /api/v1/persons/P2
has "an officer, after the analyst, sees it" 1980-02-29

# Without a token, a kept answer of a token's route is not given.
req GET "$ROSTER"
expect_code 401 "the kept roster is 401 without a token"

# A kept session ends with its account, disabled by another process.
"$CHANCERY" user disable liu >/dev/null 2>&1 || not_ok "user disable"
req GET /api/v1/missions "$T_liu"
expect_code 401 "a kept session of a disabled account is 401 at the next request"

serve_stop
if [ "$serve_rc" = 0 ]; then ok "serve stops"; else not_ok "serve stops ($serve_rc)"; fi
done_testing
