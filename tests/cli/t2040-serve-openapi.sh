#!/bin/sh
# /openapi.json against the OpenAPI 3.1 schema (tests/node/validate.js,
# with the npm packages of tests/node/package.json), every route of the
# table in it with its parameters, bodies and errors, answers of each
# route (good and bad) checked against it, and DESIGN.md's route table
# ("HTTP API and web pages") compared with it.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
if ! command -v node >/dev/null || [ ! -d tests/node/node_modules/ajv ]; then
    echo "1..0 # SKIP node or tests/node/node_modules (npm ci in tests/node) missing"; exit 0
fi
setup_small
add_user off offpw --role officer || not_ok "user add officer"
add_user aud audpw --role auditor || not_ok "user add auditor"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; cat "$TMP/serve.err"; exit 1; fi
T_officer=$(login off offpw)
T_auditor=$(login aud audpw)
req GET /openapi.json
expect_code 200 "openapi.json"
cp "$TMP/body" "$TMP/openapi.json"

# Every route of the table is in the document: `chancery serve --routes`
# prints the table itself.
expect_exit 0 "serve --routes" serve --routes
sort "$TMP/out" >"$TMP/table"
python3 - "$TMP/openapi.json" >"$TMP/doc" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for path, item in doc["paths"].items():
    for method, op in item.items():
        print(method.upper(), path)
PY
sort -o "$TMP/doc" "$TMP/doc"
expect_same "the document has every route of the table, and no other" "$TMP/table" "$TMP/doc"

# Parameters, bodies, errors: what the table says, in the document.
python3 - "$TMP/openapi.json" >"$TMP/shape" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
def op(m, p): return doc["paths"][p][m]
def params(o): return {x["name"]: x for x in o["parameters"]}
ok = []
w = params(op("get", "/api/v1/consular/where"))
ok.append(("consular where requires nationality", w["nationality"]["required"] and not w["service"]["required"]))
c = params(op("get", "/api/v1/check"))
ok.append(("check's assume repeats", c["assume"]["schema"]["type"] == "array" and c["as_of"]["schema"]["type"] == "string"))
p = params(op("get", "/api/v1/plan/{s1}/{s2}"))
ok.append(("plan: path parameters and a required by", p["s1"]["in"] == "path" and p["s1"]["required"] and p["by"]["required"]))
l = op("post", "/api/v1/login")
ok.append(("login has its body", l["requestBody"]["content"]["application/json"]["schema"]["required"] == ["user", "password"]))
ok.append(("login may answer 429", "429" in l["responses"] and "403" not in l["responses"]))
ok.append(("a role's route may answer 403", "403" in op("get", "/api/v1/missions")["responses"]))
ok.append(("the checkpoint is text", "text/plain" in op("get", "/api/v1/audit/checkpoint")["responses"]["200"]["content"]))
every = all(set(["400", "401", "404", "405", "413", "414", "422", "431", "500"]) <= set(o["responses"])
            for item in doc["paths"].values() for o in item.values())
ok.append(("every route lists the errors any may answer", every))
ids = [o["operationId"] for item in doc["paths"].values() for o in item.values()]
ok.append(("operation ids are unique", len(ids) == len(set(ids))))
posts = [(p, o) for p, item in doc["paths"].items() for m, o in item.items() if m == "post" and p != "/api/v1/logout"]
ok.append(("every POST but logout documents its body", all("requestBody" in o for _, o in posts)))
for what, good in ok:
    print(("ok" if good else "not ok") + " - " + what)
PY
while read -r line; do
    case $line in ok*) ok "${line#ok - }" ;; *) not_ok "${line#not ok - }" ;; esac
done <"$TMP/shape"

# Answers of the routes, good and bad, against the document.
: >"$TMP/answers"
k=0
answer() { # PATTERN METHOD PATH [TOKEN] [BODY]
    pattern=$1
    shift
    k=$((k + 1))
    set -- "$1" "$2" "${3:-}" "${4:-}"
    ctype=$(curl -s -o "$TMP/a$k" -w '%{content_type}' -X "$1" ${3:+-H "Authorization: Bearer $3"} ${4:+--data-binary "$4"} "$URL$2")
    code=$(curl -s -o /dev/null -w '%{http_code}' -X "$1" ${3:+-H "Authorization: Bearer $3"} ${4:+--data-binary "$4"} "$URL$2")
    echo "$1 $pattern $code $ctype $TMP/a$k" >>"$TMP/answers"
}
answer /api/v1/missions GET /api/v1/missions "$T_officer"
answer /api/v1/missions GET /api/v1/missions
answer /api/v1/missions GET "/api/v1/missions?bogus=1" "$T_officer"
answer /api/v1/missions GET /api/v1/missions "$T_auditor"
answer /api/v1/missions/{id} GET /api/v1/missions/NOPE "$T_officer"
answer /api/v1/missions/{id}/roster GET /api/v1/missions/RUS-WAS/roster "$T_officer"
answer /api/v1/persons GET /api/v1/persons "$T_officer"
answer /api/v1/postings/{id} GET /api/v1/postings/T1 "$T_officer"
answer /api/v1/headcount GET "/api/v1/headcount?by=colour" "$T_officer"
answer /api/v1/check GET "/api/v1/check?policy=NOPE" "$T_officer"
answer /api/v1/consular/where GET "/api/v1/consular/where?nationality=RUS"
answer /api/v1/consular/where GET /api/v1/consular/where
answer /api/v1/parity/{s1}/{s2} GET /api/v1/parity/RUS/USA "$T_officer"
answer /api/v1/plan/{s1}/{s2} GET "/api/v1/plan/RUS/USA?by=2022-06-30" "$T_officer"
answer /api/v1/visas GET /api/v1/visas "$T_officer"
answer /api/v1/policies GET /api/v1/policies "$T_officer"
answer /api/v1/lists/consular GET "/api/v1/lists/consular?host=USA"
answer /api/v1/audit/checkpoint GET /api/v1/audit/checkpoint
answer /api/v1/history/{entity}/{id} GET /api/v1/history/mission/RUS-WAS "$T_auditor"
answer /api/v1/login POST /api/v1/login "" '{"user":"off","password":"offpw"}'
answer /api/v1/login POST /api/v1/login "" '{"user":'
answer /api/v1/login POST /api/v1/login "" '{"user":"off","password":"nope"}'
answer /api/v1/logout POST /api/v1/logout
answer /openapi.json GET /openapi.json
node tests/node/validate.js "$TMP/openapi.json" "$TMP/answers" >"$TMP/validate" 2>&1
while read -r line; do
    case $line in
    ok*) ok "${line#ok - }" ;;
    "not ok"*) not_ok "${line#not ok - }" ;;
    *) echo "$line" ;;
    esac
done <"$TMP/validate"
grep -q "^ok - the document is valid OpenAPI 3.1" "$TMP/validate" || not_ok "the validator ran"

# DESIGN.md's route table against the document. The contract is DESIGN
# with the readings in docs/*.md: the routes docs/api.md's own tables add
# (resubmit, withdraw) count as DESIGN's. Routes the contract names that
# the server does not have yet are listed here (KNOWN), each with why;
# any other difference fails.
design=${CHANCERY_DESIGN:-$TOP/../shared/DESIGN.md}
if [ -f "$design" ]; then
    python3 - "$design" "$TMP/openapi.json" "$TOP/docs/api.md" >"$TMP/design" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
doc = json.load(open(sys.argv[2]))
readings = open(sys.argv[3]).read()
have = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
want = set()
section = text.split("## HTTP API and web pages", 1)[1].split("\n## ", 1)[0]
for line in section.splitlines():
    m = re.match(r"\s+(GET|POST|PUT|DELETE|PATCH)\s+(\S+)", line)
    if not m:
        continue
    method, path = m.groups()
    alts = re.match(r"(.*)\{([a-z]+(?:\|[a-z]+)+)\}(.*)", path)
    paths = [alts.group(1) + a + alts.group(3) for a in alts.group(2).split("|")] if alts else [path]
    for p in paths:
        want.add((method, p))
    if "(.svg" in line:
        want.add((method, path + ".svg"))
for line in readings.splitlines():
    m = re.match(r"    (GET|POST|PUT|DELETE|PATCH)\s+(/api/v1/\S+)", line)
    if m:
        want.add(m.groups())
KNOWN = set()
for r in sorted(want - have):
    print(("ok" if r in KNOWN else "not ok") + " - DESIGN's %s %s is served" % r + (" # SKIP not yet (known)" if r in KNOWN else ""))
for r in sorted(have - want):
    print("not ok - %s %s is in DESIGN's route table" % r)
print("ok - DESIGN has %d routes, the document %d" % (len(want), len(have)))
PY
    while read -r line; do
        case $line in ok*) ok "${line#ok - }" ;; *) not_ok "${line#not ok - }" ;; esac
    done <"$TMP/design"
else
    echo "# no DESIGN.md at $design: the comparison is skipped"
fi
serve_stop
done_testing
