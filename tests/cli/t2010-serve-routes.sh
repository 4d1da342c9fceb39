#!/bin/sh
# `chancery serve` on the demo registry: the role x route matrix generated
# from the route table (/openapi.json lists every route with its roles):
# every route without a token, with each role, and with a liaison of
# another state, each expected code asserted; then the read routes beyond
# the records (explain, plan, policies, visas, the UN report, the consular
# list, the checkpoint), each byte-equal to its command with --format json.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
add_user liu liupw --role liaison --sending USA || not_ok "user add liaison of USA"
add_user ana anapw --role analyst || not_ok "user add analyst"
add_user aud audpw --role auditor || not_ok "user add auditor"

if serve_start; then ok "serve starts"; else not_ok "serve starts"; cat "$TMP/serve.err"; exit 1; fi
T_officer=$(login off offpw)
T_liaison=$(login lia liapw)
T_other=$(login liu liupw)
T_analyst=$(login ana anapw)
T_auditor=$(login aud audpw)

req GET /openapi.json
expect_code 200 "openapi.json"
python3 - "$TMP/body" >"$TMP/routes" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, item in sorted(doc["paths"].items()):
    for method, op in sorted(item.items()):
        print(method.upper(), path, ",".join(op["x-roles"]))
PY

# sample PATH: a request of the route (SAMPLE), and the codes its GET
# answers a liaison of RUS (OWN) and a liaison of USA (OTHER) when the
# route is theirs; a route without a sample here is still checked for
# its roles, and for no 5xx.
sample() {
    SAMPLE= OWN=200 OTHER=200
    case $1 in
    /api/v1/missions/{id}) SAMPLE=/api/v1/missions/RUS-USA-EMB OTHER=404 ;;
    /api/v1/missions/{id}/roster) SAMPLE=/api/v1/missions/RUS-USA-EMB/roster OTHER=404 ;;
    /api/v1/persons/{id}) SAMPLE=/api/v1/persons/P00366 OTHER=404 ;;
    /api/v1/postings/{id}) SAMPLE=/api/v1/postings/T00365 OTHER=404 ;;
    /api/v1/consular/where) SAMPLE="$1?nationality=RUS" ;;
    /api/v1/parity/{s1}/{s2}) SAMPLE=/api/v1/parity/RUS/POL OTHER=404 ;;
    /api/v1/parity/{s1}/{s2}.svg) SAMPLE="/api/v1/parity/RUS/POL.svg?from=2020-01-01&to=2020-12-31" OTHER=404 ;;
    /api/v1/plan/{s1}/{s2}) SAMPLE="/api/v1/plan/RUS/POL?by=2022-06-30" OTHER=404 ;;
    /api/v1/findings/{id}/explain) SAMPLE="/api/v1/findings/usa-rus-tenure:T01907/explain?as_of=2021-12-04" OTHER=404 ;;
    /api/v1/policies/{id}) SAMPLE=/api/v1/policies/usa-rus-tenure ;;
    /api/v1/visas/{id}) SAMPLE=/api/v1/visas/V0349 OTHER=404 ;;
    /api/v1/lists/consular) SAMPLE="$1?host=USA" ;;
    /api/v1/lists/diplomatic) SAMPLE="$1?host=USA" ;;
    /api/v1/history/{entity}/{id}) SAMPLE=/api/v1/history/mission/RUS-USA-EMB ;;
    *"{"*) ;;
    *) SAMPLE=$1 ;;
    esac
}

# The code a caller gets from a route with roles ROLES: 401 or 403 when
# the route is not its role's, else WANT.
want_for() { # ROLE ROLES WANT
    case ",$2," in
    *",$1,"* | *,public,*) echo "$3" ;;
    *) if [ "$1" = public ]; then echo 401; else echo 403; fi ;;
    esac
}

n_sampled=0
while read -r method path roles; do
    sample "$path"
    p=${SAMPLE:-$(echo "$path" | sed 's/{[a-z0-9]*}/X/g')}
    [ "$method" = POST ] && [ "$path" = /api/v1/logout ] && continue # below
    for caller in public officer liaison analyst auditor other; do
        tok=$(eval echo "\${T_$caller:-}")
        role=$caller want=200
        [ $caller = other ] && role=liaison && want=$OTHER
        [ $caller = liaison ] && want=$OWN
        want=$(want_for $role "$roles" $want)
        req "$method" "$p" "$tok"
        if [ "$method" = GET ] && [ -n "$SAMPLE" ] || [ "$want" != 200 ]; then
            expect_code "$want" "$method $p as $caller"
        elif [ "$code" -ge 200 ] && [ "$code" -lt 500 ] && [ "$code" != 401 ] && [ "$code" != 403 ] && [ "$code" != 405 ]; then
            ok "$method $p as $caller: $code, the role admitted"
        else
            echo "# HTTP $code: $(head -c 200 "$TMP/body")"; not_ok "$method $p as $caller"
        fi
    done
    [ -n "$SAMPLE" ] && n_sampled=$((n_sampled + 1))
done <"$TMP/routes"
n_routes=$(wc -l <"$TMP/routes")
if [ "$n_routes" -ge 24 ]; then ok "the matrix covers $n_routes routes ($n_sampled with a sample)"; else
    not_ok "the matrix covers every route ($n_routes)"; fi
# logout: without a token 401; each role's own token 200, then dead.
req POST /api/v1/logout
expect_code 401 "POST /api/v1/logout without a token"
for who in off:offpw lia:liapw ana:anapw aud:audpw; do
    t=$(login "${who%%:*}" "${who#*:}")
    req POST /api/v1/logout "$t"
    expect_code 200 "POST /api/v1/logout as ${who%%:*}"
    req POST /api/v1/logout "$t"
    expect_code 401 "the token of ${who%%:*} is dead after logout"
done

# The read routes, byte-equal to their commands.
same "explain = explain" "/api/v1/findings/usa-rus-tenure:T01907/explain?as_of=2021-12-04" explain usa-rus-tenure:T01907 --as-of 2021-12-04
same "explain with assume" "/api/v1/findings/rus-usa-tenure:T01922/explain?as_of=2022-07-15&assume=us-compromise" explain rus-usa-tenure:T01922 --as-of 2022-07-15 --assume us-compromise
req GET "/api/v1/findings/usa-rus-tenure:T99999/explain" "$T_officer"
expect_code 404 "explain of no finding is 404"
expect_body "names it" "no finding 'usa-rus-tenure:T99999'"
same "plan = plan" "/api/v1/plan/USA/RUS?by=2022-06-30" plan USA RUS --by 2022-06-30
same "plan with protect and assume" "/api/v1/plan/USA/RUS?by=2022-06-30&protect=head_of_mission&protect=admin_technical,service_staff&assume=us-compromise" plan USA RUS --by 2022-06-30 --protect head_of_mission --protect admin_technical,service_staff --assume us-compromise
same "a plan leaves the resident registry as it was" "/api/v1/headcount?as_of=2022-07-01" headcount --as-of 2022-07-01
req GET "/api/v1/plan/USA/RUS" "$T_officer"
expect_code 400 "plan without by is 400"
req GET "/api/v1/plan/USA/USA?by=2022-06-30" "$T_officer"
expect_code 400 "plan of one state with itself is 400"
req GET "/api/v1/plan/USA/RUS?by=2022-06-30&protect=nobody" "$T_officer"
expect_code 400 "plan with a bad protect is 400"
same "policies = policy list" /api/v1/policies policy list
same "policies?issuer" "/api/v1/policies?issuer=RUS" policy list --issuer RUS
same "policies?target=*" "/api/v1/policies?target=*" policy list --target '*'
same "policies/{id} = policy show" /api/v1/policies/usa-rus-departure-2021-09 policy show usa-rus-departure-2021-09
req GET /api/v1/policies/nope "$T_officer"
expect_code 404 "an unknown policy is 404"
same "visas = visa list" /api/v1/visas visa list
same "visas?filters" "/api/v1/visas?issuing=USA&nationality=RUS&outcome=pending&applied_from=2019-01-01" visa list --issuing USA --nationality RUS --outcome pending --applied-from 2019-01-01
same "visas?post&purpose&class" "/api/v1/visas?post=USA-RUS-EMB&purpose=posting&class=A-1" visa list --post USA-RUS-EMB --purpose posting --class A-1
same "visas/{id} = visa show" /api/v1/visas/V0001 visa show V0001
req GET "/api/v1/visas?outcome=lost" "$T_officer"
expect_code 400 "visas: a bad outcome is 400"
req GET "/api/v1/visas?post=NOWHERE" "$T_officer"
expect_code 400 "visas: an unknown post is 400"
req GET /api/v1/visas/V9999 "$T_officer"
expect_code 404 "an unknown visa is 404"
same "visas/report = visa report --un" "/api/v1/visas/report?issuing=USA&as_of=2022-12-31" visa report --un --issuing USA --as-of 2022-12-31
same "visas/report?from&to&include_bilateral" "/api/v1/visas/report?from=2021-01-01&to=2021-12-31&include_bilateral=true" visa report --un --from 2021-01-01 --to 2021-12-31 --include-bilateral
req GET "/api/v1/visas/report?from=2022-01-01&to=2021-01-01" "$T_officer"
expect_code 400 "visas/report: to before from is 400"
req GET "/api/v1/visas/report?include_bilateral=yes" "$T_officer"
expect_code 400 "visas/report: a flag is true or false"
same "lists/consular = publish consular-list" "/api/v1/lists/consular?host=USA&as_of=2021-12-04" publish consular-list --host USA --as-of 2021-12-04
same "lists/consular?as_known_on" "/api/v1/lists/consular?host=RUS&as_known_on=2030-01-01" --as-known-on 2030-01-01 publish consular-list --host RUS
req GET /api/v1/lists/consular
expect_code 400 "lists/consular without host is 400"
req GET "/api/v1/lists/consular?host=XXX"
expect_code 400 "lists/consular of an unknown host is 400"
"$CHANCERY" audit checkpoint >"$TMP/cli.txt"
req GET /api/v1/audit/checkpoint
expect_code 200 "audit/checkpoint is public"
expect_same "audit/checkpoint = audit checkpoint" "$TMP/cli.txt" "$TMP/body"
ch policy retire usa-rus-expulsion-2016 --on 2030-01-01 || not_ok "a write by another process"
# Answers are kept per registry: after the write, the policies are new.
same "policies after another process's write (no stale answer)" /api/v1/policies policy list
req GET /api/v1/policies/usa-rus-expulsion-2016 "$T_officer"
expect_body "the retired policy's end" '"to": "2029-12-31"'
"$CHANCERY" audit checkpoint >"$TMP/cli2.txt"
req GET /api/v1/audit/checkpoint
if ! cmp -s "$TMP/cli.txt" "$TMP/cli2.txt" && cmp -s "$TMP/cli2.txt" "$TMP/body"; then
    ok "the checkpoint follows another process's write"; else not_ok "the checkpoint follows another process's write"; fi
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$URL/api/v1/audit/checkpoint")
case $ctype in text/plain*) ok "the checkpoint is text/plain" ;; *) echo "# $ctype"; not_ok "the checkpoint is text/plain" ;; esac

# Scope on the new routes.
req GET /api/v1/visas "$T_other"
if grep -q '"V0349"' "$TMP/body"; then not_ok "a liaison lists no other state's visas"; else ok "a liaison lists no other state's visas"; fi
req GET /api/v1/visas "$T_liaison"
expect_body "a liaison lists its nationals' visas" '"V0349"'
req GET "/api/v1/findings/usa-rus-tenure:T01907/explain?as_of=2021-12-04&target=USA" "$T_liaison"
expect_code 404 "a liaison explains no finding about another state"

# The policies page keeps the API's scope: a liaison of POL sees only the
# policies applied to every state, as the API gives them, not all 13;
# RUS's liaison sees those its state is party to.
add_user pol polpw --role liaison --sending POL || not_ok "user add liaison of POL"
for who in pol:polpw lia:liapw; do
    t=$(login "${who%%:*}" "${who#*:}")
    n=$(curl -s -H "Cookie: chancery_session=$t" "$URL/policies" | grep -o 'href="/policies/[^"]*"' | sort -u | wc -l)
    want=$(curl -s -H "Authorization: Bearer $t" "$URL/api/v1/policies" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    all=$("$CHANCERY" policy list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    if [ "$n" -eq "$want" ] && { [ "$who" != pol:polpw ] || [ "$n" -lt "$all" ]; }; then
        ok "the policies page as ${who%%:*}'s liaison lists the API's $n"; else
        not_ok "the policies page as ${who%%:*}'s liaison ($n, API $want, all $all)"; fi
done

serve_stop
if [ "$serve_rc" -eq 0 ]; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit 0 ($serve_rc)"; fi
done_testing
