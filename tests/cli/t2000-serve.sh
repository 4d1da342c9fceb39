#!/bin/sh
# `chancery serve` on a free loopback port (port 0, read from its first
# line): accounts and login, the role x route matrix generated from the
# route table (/openapi.json's x-roles), GETs byte-equal to the commands
# with --format json, hostile inputs, logout, rate limiting, and SIGTERM.
. tests/cli/lib.sh
setup_small
# A large mission, so that concurrent rosters sort at the same time.
mkdir -p "$TMP/big"
{ echo "id,family_name,given_names,sex,birth_date,nationality,passport"
  seq 1 1500 | sed 's/.*/Q&,Family&,Given,F,1980-01-01,RUS,/'; } >"$TMP/big/persons.csv"
{ echo "id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason"
  seq 1 1500 | sed 's/.*/U&,Q&,RUS-UN,,attache,admin_technical,false,2019-01-01,2019-01-0$((&%9+1)),,,,/' |
  awk -F, -v OFS=, '{ $9 = sprintf("2019-%02d-%02d", $1 ~ /U/ ? (substr($1,2) % 12) + 1 : 1, (substr($1,2) % 28) + 1); print }'; } >"$TMP/big/postings.csv"
ch import "$TMP/big/persons.csv" "$TMP/big/postings.csv" || { echo "not ok - the large mission"; cat "$TMP/err"; exit 1; }

command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 0; }
# A notification of RUS-WAS, for the routes that show one.
printf '%s\n' '{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-12-31","end_reason":"tour_completed"}' >"$TMP/n1.json"
ch notify "$TMP/n1.json" || { echo "not ok - notify"; cat "$TMP/err"; exit 1; }

add_user() { # NAME PASSWORD ARGS...
    name=$1 pw=$2
    shift 2
    printf '%s\n' "$pw" | "$CHANCERY" user add "$name" "$@" >"$TMP/out" 2>"$TMP/err"
}
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
add_user liu liupw --role liaison --sending USA || not_ok "user add liaison of USA"
add_user lim limpw --role liaison --mission RUS-UN || not_ok "user add liaison of a mission"
add_user ana anapw --role analyst || not_ok "user add analyst"
add_user aud audpw --role auditor || not_ok "user add auditor"
add_user bad badpw --role liaison >/dev/null 2>&1
if [ $? -eq 2 ]; then ok "a liaison needs a scope"; else not_ok "a liaison needs a scope"; fi
add_user bad badpw --role liaison --sending RSU
if [ $? -eq 3 ] && grep -q "RSU" "$TMP/err"; then ok "an unknown scope is invalid input"; else
    not_ok "an unknown scope is invalid input"; fi
add_user bad badpw --role liaison --mission RUS-WAZ
if [ $? -eq 3 ] && grep -q "RUS-WAS" "$TMP/err"; then ok "an unknown mission names the closest"; else
    not_ok "an unknown mission names the closest"; fi
add_user off again --role officer
if [ $? -eq 3 ]; then ok "a taken name is refused"; else not_ok "a taken name is refused"; fi
expect_exit 0 "user list" user list --format csv
expect_out "lists the liaison's scope" "lia,liaison,RUS,,false"
if grep -q argon2 "$TMP/out"; then not_ok "no hash listed"; else ok "no hash listed"; fi

: >"$TMP/serve.out"
"$CHANCERY" serve --listen 127.0.0.1:0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
pid=$!
i=0
while ! grep -q listening "$TMP/serve.out" && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$TMP/serve.out")
if [ -n "$port" ] && [ "$port" != 0 ]; then ok "serve prints the port it picked"; else
    not_ok "serve prints the port it picked"; kill "$pid"; exit 1; fi
URL=http://127.0.0.1:$port

# req METHOD PATH [TOKEN] [BODY]: the body in $TMP/body, the code in $code.
req() {
    set -- "$1" "$2" "${3:-}" "${4:-}"
    if [ -n "$3" ]; then
        code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" ${4:+--data-binary "$4"} "$URL$2")
    else
        code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" ${4:+--data-binary "$4"} "$URL$2")
    fi
}
expect_code() { # WANT WHAT
    if [ "$code" = "$1" ]; then ok "$2"; else
        echo "# HTTP $code, wanted $1: $(head -c 300 "$TMP/body")"; not_ok "$2"; fi
}
login() { # NAME PASSWORD: the token on stdout
    curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}

req POST /api/v1/login "" '{"user":"off","password":"offpw"}'
expect_code 200 "login"
T_officer=$(login off offpw)
T_liaison=$(login lia liapw)
T_other=$(login liu liupw)
T_analyst=$(login ana anapw)
T_auditor=$(login aud audpw)
if [ ${#T_officer} -eq 64 ]; then ok "a 256-bit token in hex"; else not_ok "a 256-bit token in hex"; fi

# The role x route matrix, from the route table as /openapi.json has it.
req GET /openapi.json
expect_code 200 "openapi.json is public"
cp "$TMP/body" "$TMP/openapi.json"
if grep -q '"openapi": "3.1.0"' "$TMP/openapi.json"; then ok "an OpenAPI 3.1 document"; else not_ok "an OpenAPI 3.1 document"; fi
python3 - "$TMP/openapi.json" >"$TMP/routes" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, item in sorted(doc["paths"].items()):
    for method, op in sorted(item.items()):
        print(method.upper(), path, ",".join(op["x-roles"]))
PY
n_routes=$(wc -l <"$TMP/routes")
if [ "$n_routes" -ge 8 ]; then ok "the document lists the routes ($n_routes)"; else not_ok "the document lists the routes"; fi
while read -r method path roles; do
    [ "$method" = GET ] || continue
    case $path in
    /api/v1/persons/*) p=/api/v1/persons/P1 ;;
    /api/v1/postings/*) p=/api/v1/postings/T1 ;;
    /api/v1/consular/where) p="$path?nationality=RUS" ;;
    /api/v1/history/*) p=/api/v1/history/mission/RUS-WAS ;;
    /api/v1/parity/*) p=/api/v1/parity/RUS/USA ;;
    /api/v1/notifications/*) p=/api/v1/notifications/N000001 ;;
    /api/v1/lists/diplomatic) p="$path?host=USA" ;;
    *) p=$(echo "$path" | sed 's/{id}/RUS-WAS/') ;;
    esac
    for role in public officer liaison analyst auditor; do
        tok=$(eval echo "\${T_$role:-}")
        case ",$roles," in
        *",$role,"* | *",public,"*) want=200 ;;
        *) if [ $role = public ]; then want=401; else want=403; fi ;;
        esac
        req GET "$p" "$tok"
        expect_code $want "GET $p as $role"
    done
    # A liaison of another state: RUS-WAS and T1 do not exist for it.
    case ",$roles," in
    *,public,*) want=200 ;;
    *,liaison,*) case $path in *"{id}"*) want=404 ;; *) want=200 ;; esac ;;
    *) want=403 ;;
    esac
    req GET "$p" "$T_other"
    expect_code $want "GET $p as a liaison of another state"
done <"$TMP/routes"

# Byte-equality with the commands' --format json.
same() { # WHAT PATH CHANCERY-ARGS...
    what=$1 path=$2
    shift 2
    "$CHANCERY" "$@" --format json >"$TMP/cli.json" 2>/dev/null
    req GET "$path" "$T_officer"
    if [ "$code" = 200 ] && cmp -s "$TMP/cli.json" "$TMP/body"; then ok "$what"; else
        echo "# HTTP $code"; diff "$TMP/cli.json" "$TMP/body" | head -5 | sed 's/^/# /'; not_ok "$what"; fi
}
same "missions = mission list" /api/v1/missions mission list
same "missions?sending = mission list --sending" "/api/v1/missions?sending=USA" mission list --sending USA
same "missions?open_on" "/api/v1/missions?open_on=2018-04-24" mission list --open-on 2018-04-24
same "missions/{id} = mission show" /api/v1/missions/RUS-WAS mission show RUS-WAS
same "roster = roster" "/api/v1/missions/RUS-WAS/roster?as_of=2021-12-04" roster RUS-WAS --as-of 2021-12-04
same "roster today" /api/v1/missions/RUS-WAS/roster roster RUS-WAS
same "a roster of 1500" /api/v1/missions/RUS-UN/roster roster RUS-UN
same "persons = person list" /api/v1/persons person list
same "persons?nationality" "/api/v1/persons?nationality=RUS&name=Ant" person list --nationality RUS --name Ant
same "persons/{id} = person show" /api/v1/persons/P1 person show P1
same "persons/{id}?as_of" "/api/v1/persons/P1?as_of=2019-01-01" person show P1 --as-of 2019-01-01
same "postings = posting list" /api/v1/postings posting list
same "postings?mission&present_on" "/api/v1/postings?mission=RUS-WAS&present_on=2021-12-04" posting list --mission RUS-WAS --present-on 2021-12-04
same "postings/{id} = posting show" /api/v1/postings/T1 posting show T1
same "consular/where = consular where" "/api/v1/consular/where?nationality=RUS&service=immigrant_visa" consular where --nationality RUS --service immigrant_visa
same "history = history" /api/v1/history/mission/RUS-WAS history mission RUS-WAS
same "history?as_known_on" "/api/v1/history/person/P1?as_known_on=2030-01-01" --as-known-on 2030-01-01 history person P1
same "parity = parity" "/api/v1/parity/RUS/USA?as_of=2021-12-04" parity RUS USA --as-of 2021-12-04
same "parity series" "/api/v1/parity/USA/RUS?from=2018-01-01&to=2019-01-01&step=quarter&count=country" parity USA RUS --from 2018-01-01 --to 2019-01-01 --step quarter --count country
same "visas/stats = visa stats" /api/v1/visas/stats visa stats
same "visas/stats?by&issuing" "/api/v1/visas/stats?by=year&issuing=USA" visa stats --by year --issuing USA
same "check = check" /api/v1/check check
same "check?as_of&issuer" "/api/v1/check?as_of=2019-06-01&issuer=USA" check --as-of 2019-06-01 --issuer USA
same "check?as_known_on" "/api/v1/check?as_known_on=2030-01-01" --as-known-on 2030-01-01 check
same "check?kind" "/api/v1/check?as_of=2019-06-01&kind=over_tenure" check --as-of 2019-06-01 --kind over_tenure
same "headcount = headcount" /api/v1/headcount headcount
same "headcount?by=category" "/api/v1/headcount?by=category&as_of=2019-01-01" headcount --by category --as-of 2019-01-01
same "headcount?category" "/api/v1/headcount?category=diplomatic_agent&category=admin_technical&by=mission" headcount --category diplomatic_agent --category admin_technical --by mission
same "as_known_on" "/api/v1/missions?as_known_on=2000-01-01" --as-known-on 2000-01-01 mission list

# Scope: a liaison sees its own state's records only; an analyst no
# birth dates or passports.
req GET /api/v1/missions "$T_liaison"
if grep -q USA-MOW "$TMP/body" || ! grep -q RUS-WAS "$TMP/body"; then not_ok "a liaison lists its own missions"; else ok "a liaison lists its own missions"; fi
req GET /api/v1/missions/USA-MOW "$T_liaison"
expect_code 404 "another state's mission is 404 to a liaison"
req GET "/api/v1/headcount?sending=USA" "$T_liaison"
expect_code 404 "another state's headcount is 404 to a liaison"
T_mission=$(login lim limpw)
req GET /api/v1/missions "$T_mission"
if [ "$(grep -o '"id"' "$TMP/body" | wc -l)" -eq 1 ] && grep -q RUS-UN "$TMP/body"; then ok "a mission's liaison lists its mission alone"; else not_ok "a mission's liaison lists its mission alone"; fi
req GET /api/v1/missions/RUS-WAS/roster "$T_mission"
expect_code 404 "another mission's roster is 404 to a mission's liaison"
req GET /api/v1/missions/RUS-UN/roster "$T_mission"
expect_code 200 "its own roster is 200"
req GET /api/v1/persons "$T_analyst"
if grep -q 1955-05-15 "$TMP/body"; then not_ok "an analyst sees no birth date"; else ok "an analyst sees no birth date"; fi
req GET /api/v1/persons "$T_officer"
expect_out_body() { if grep -qF -- "$2" "$TMP/body"; then ok "$1"; else not_ok "$1"; fi; }
expect_out_body "an officer sees the birth date" 1955-05-15

# Hostile and bad input.
req GET "/api/v1/missions?bogus=1" "$T_officer"
expect_code 400 "an unknown parameter is 400"
expect_out_body "names it" "bogus"
req GET "/api/v1/missions?open_on=2018-02-30" "$T_officer"
expect_code 400 "a bad date is 400"
req GET "/api/v1/headcount?by=colour" "$T_officer"
expect_code 400 "a bad value is 400"
req GET /api/v1/missions/RUS-XXX "$T_officer"
expect_code 404 "an unknown record is 404"
expect_out_body "as an error object" '{"error": "unknown mission '"'RUS-XXX'"'"}'
req GET /api/v1/consular/where
expect_code 400 "a required parameter missing is 400"
req GET "/api/v1/consular/where?nationality=RUS"
expect_code 200 "consular where is public"
req GET /api/v1/history/spaceship/X "$T_auditor"
expect_code 400 "history of an unknown entity is 400"
req GET /api/v1/history/mission/RUS-XXX "$T_auditor"
expect_code 404 "history of an unknown record is 404"
req GET "/api/v1/parity/RUS/USA?as_of=2020-01-01&from=2019-01-01" "$T_officer"
expect_code 400 "parity: as_of with from is 400"
req GET /api/v1/parity/RUS/XXX "$T_officer"
expect_code 400 "parity of an unknown state is 400"
req GET "/api/v1/check?kind=nonsense" "$T_officer"
expect_code 400 "check: an unknown kind is 400"
req GET "/api/v1/check?policy=NOPE" "$T_officer"
expect_code 422 "check: an unknown policy is 422 (invalid input)"
req GET /api/v1/nowhere "$T_officer"
expect_code 404 "an unknown path is 404"
req GET /../etc/passwd
expect_code 404 "no path outside the table"
req DELETE /api/v1/missions "$T_officer"
expect_code 405 "another method is 405"
req GET /api/v1/missions 0000000000000000000000000000000000000000000000000000000000000000
expect_code 401 "a bad token is 401"
req POST /api/v1/login "" '{"user":'
expect_code 400 "malformed JSON is 400"
req POST /api/v1/login "" '{"user":"off"}'
expect_code 400 "a login without a password is 400"
head -c 1100000 /dev/zero | tr '\0' a >"$TMP/huge"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H 'Transfer-Encoding: chunked' --data-binary "@$TMP/huge" "$URL/api/v1/login")
expect_code 413 "a streamed body over 1 MiB is 413"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST --data-binary "@$TMP/huge" "$URL/api/v1/login")
expect_code 413 "a body declared over 1 MiB is 413"
long=$(head -c 70000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/missions?$long")
case $code in 414 | 431 | 400) ok "an oversized URL is refused ($code)" ;; *) echo "# HTTP $code"; not_ok "an oversized URL is refused" ;; esac

# Logout revokes; a wrong password is 401; too many are 429.
req POST /api/v1/logout "$T_auditor"
expect_code 200 "logout"
req POST /api/v1/logout "$T_auditor"
expect_code 401 "the token is dead after logout"
req POST /api/v1/login "" '{"user":"nobody","password":"x"}'
expect_code 401 "an unknown user is 401"
req POST /api/v1/login "" '{"user":"ana","password":"wrong"}'
expect_code 401 "a wrong password is 401, the same answer"
for k in 2 3 4 5; do req POST /api/v1/login "" '{"user":"ana","password":"wrong"}'; done
req POST /api/v1/login "" '{"user":"ana","password":"anapw"}'
expect_code 429 "after five failures the account is rate-limited"

# A write by another process is seen by the next request.
printf 'off2pw\n' | "$CHANCERY" user disable liu >/dev/null 2>&1
req GET /api/v1/missions "$T_other"
expect_code 401 "a disabled account's session ends"

# Concurrent reads share the snapshot: every view must be thread-safe
# (core/roster.c's sort once kept its snapshot in a global and crashed).
loops=""
for k in 1 2 3 4; do
    (for j in $(seq 1 25); do
        curl -s -o /dev/null -H "Authorization: Bearer $T_officer" "$URL/api/v1/missions/RUS-UN/roster"
    done) &
    loops="$loops $!"
done
for l in $loops; do wait "$l"; done
req GET /api/v1/missions/RUS-WAS/roster "$T_officer"
expect_code 200 "the server lives through concurrent rosters"

# Slowloris: 60 connections that trickle a header byte by byte (each
# byte keeps its connection alive) do not keep a normal request from an
# answer: connections are polled, not given a thread each.
if python3 - "$port" <<'PY'
import socket, sys, threading, time
port = int(sys.argv[1])
slow, stop = [], threading.Event()
for _ in range(60):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)
def trickle():
    while not stop.is_set():
        for s in slow:
            try:
                s.sendall(b"X")
            except OSError:
                pass
        time.sleep(0.5)
threading.Thread(target=trickle, daemon=True).start()
c = socket.create_connection(("127.0.0.1", port), timeout=30)
c.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
answer = c.recv(64)
stop.set()
sys.exit(0 if answer.startswith(b"HTTP/1.1 200") else 1)
PY
then ok "slow clients do not starve a normal one"; else not_ok "slow clients do not starve a normal one"; fi

# Failed logins are limited per address too (20 in the window).
for k in $(seq 1 20); do req POST /api/v1/login "" "{\"user\":\"u$k\",\"password\":\"x\"}"; done
req POST /api/v1/login "" '{"user":"off","password":"offpw"}'
expect_code 429 "after twenty failures from one address, it is rate-limited"

# The access log, and SIGTERM.
if grep -q '^GET /api/v1/missions 200 [0-9]* off$' "$TMP/serve.err"; then ok "an access-log line per request"; else
    not_ok "an access-log line per request"; fi
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ $rc -eq 0 ]; then ok "SIGTERM: exit 0"; else echo "# exit $rc"; not_ok "SIGTERM: exit 0"; fi

done_testing
