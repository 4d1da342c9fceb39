#!/bin/sh
# The docket page keeps each policy's findings between requests and, after
# a write, evaluates again only the policies of the states the write
# touched (http/pages_docket.c): after each write of a series (a tour
# ended, a policy added, a notification, a household member, a mission of
# a third pair of states), the docket the server shows, row by row and
# with its explanations, equals `check --format json` of the registry
# computed from scratch; and a kept docket is dropped once a write
# changes a finding.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
# A third pair of states, whose policy a write between the first two
# leaves as it was.
ch mission open --id FRA-BER --name "Embassy of France" --sending FRA --host DEU \
    --country DEU --kind embassy --on 2000-01-01 &&
    ch person add --id PF1 --family-name Dupont --nationality FRA &&
    ch posting notify --id TF1 --person PF1 --mission FRA-BER \
        --category diplomatic_agent --notified 2012-01-01 --arrived 2012-01-10 &&
    ok "a French embassy in Germany with one diplomat" ||
    { not_ok "a French embassy in Germany with one diplomat"; cat "$TMP/err"; }
cat >"$TMP/deu.json" <<'JSON'
{"id": "deu-fra-tenure", "title": "Five years at most", "kind": "tenure_cap",
 "issuer": "DEU", "target": "FRA", "scope": {},
 "effective": {"from": "2015-01-01", "to": null},
 "params": {"max_tenure": "P5Y", "rounding": "down", "grace": "P90D"},
 "basis": "test", "source": "test"}
JSON
ch policy add "$TMP/deu.json" && ok "a German tenure cap on France" ||
    { not_ok "a German tenure cap on France"; cat "$TMP/err"; }
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
pre=$(curl -s -c "$TMP/jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -b "$TMP/jar" -c "$TMP/jar" -o /dev/null -d "csrf=$pre&user=off&password=offpw" "$URL/login"

# docket_pages: every page of /check into $TMP/pages.
docket_pages() {
    : >"$TMP/pages"
    off=0
    while :; do
        curl -s -b "$TMP/jar" "$URL/check?offset=$off" >"$TMP/page"
        cat "$TMP/page" >>"$TMP/pages"
        grep -q "href=\"/check?offset=$((off + 100))\"" "$TMP/page" || break
        off=$((off + 100))
    done
}

# same_as_check WHAT: the docket's pages and the explanations of its first
# and last findings equal `check --format json`.
same_as_check() {
    what=$1
    docket_pages
    "$CHANCERY" check --format json >"$TMP/check.json" 2>"$TMP/err"
    set --
    for id in $(grep -o 'href="/findings/[^"]*"' "$TMP/pages" | sed -n '1p;2p;$p' |
        sed 's/href="\/findings\///; s/"$//'); do
        k=$(($# / 2))
        curl -s -b "$TMP/jar" "$URL/findings/$id" >"$TMP/explain.$k"
        set -- "$@" "$TMP/explain.$k" "$(printf '%s' "$id" | sed 's/%3A/:/g')"
    done
    if python3 "$TOP/tests/cli/docket_compare.py" "$TMP/check.json" "$TMP/pages" "$@"; then
        ok "$what"
    else
        not_ok "$what"
    fi
}

same_as_check "the docket equals check's at first"
curl -s -b "$TMP/jar" "$URL/check?issuer=DEU" >"$TMP/body"
expect_body "the German cap finds the French diplomat past five years" "deu-fra-tenure:TF1"

# A tour ended: its finding goes, though the docket was kept.
T=$(python3 -c 'import json,sys; print([f["subject"]["id"] for f in json.load(open(sys.argv[1]))["findings"] if f["policy"] == "usa-rus-tenure"][0])' "$TMP/check.json")
grep -q "usa-rus-tenure%3A$T\"" "$TMP/pages" && ok "the docket lists $T's tenure" || not_ok "the docket lists $T's tenure"
ch posting end "$T" --on 2021-12-01 --reason tour_completed || not_ok "posting end $T"
docket_pages
grep -q "usa-rus-tenure%3A$T\"" "$TMP/pages" && not_ok "a tour ended drops the kept docket's finding" ||
    ok "a tour ended drops the kept docket's finding"
same_as_check "the docket equals check's after a tour ended"

# A policy of the same pair added.
sed 's/"deu-fra-tenure"/"usa-rus-tenure-short"/; s/"DEU"/"USA"/; s/"FRA"/"RUS"/; s/P5Y/P2Y/' \
    "$TMP/deu.json" >"$TMP/usa.json"
ch policy add "$TMP/usa.json" || not_ok "policy add"
same_as_check "the docket equals check's after a policy added"

# A notification (no policy reads one).
P=$(python3 -c 'import json,sys; print([f["subject"]["id"] for f in json.load(open(sys.argv[1]))["findings"] if f["policy"] == "usa-rus-tenure"][1])' "$TMP/check.json")
M=$("$CHANCERY" posting show "$P" --format json | sed -n 's/.*"mission": *"\([^"]*\)".*/\1/p' | head -n 1)
T_lia=$(login lia liapw)
req POST /api/v1/notifications "$T_lia" \
    '{"kind":"termination","mission":"'"$M"'","posting":"'"$P"'","ended":"2026-06-30","end_reason":"tour_completed"}'
expect_code 200 "a termination notified"
same_as_check "the docket equals check's after a notification"

# A household member; then the third pair's own diplomat leaves.
ch person add --id PK1 --family-name Kid --birth-date 2000-01-01 --nationality RUS &&
    ch dependent add --person PK1 --posting "$P" --relation child --joined 2021-01-01 ||
    not_ok "dependent add"
same_as_check "the docket equals check's after a household member joined"
# A household member alone (its person recorded before).
P3=$(python3 -c 'import json,sys; print([f["subject"]["id"] for f in json.load(open(sys.argv[1]))["findings"] if f["policy"] == "usa-rus-tenure"][2])' "$TMP/check.json")
ch dependent add --person PK1 --posting "$P3" --relation child --joined 2021-06-01 ||
    { not_ok "dependent add alone"; cat "$TMP/err"; }
same_as_check "the docket equals check's after a household member alone joined"
ch posting end TF1 --on 2021-11-30 --reason tour_completed || not_ok "posting end TF1"
same_as_check "the docket equals check's after the French diplomat left"
curl -s -b "$TMP/jar" "$URL/check?issuer=DEU" >"$TMP/body"
grep -q "deu-fra-tenure:TF1" "$TMP/body" && not_ok "the German cap's finding is gone" ||
    ok "the German cap's finding is gone"
serve_stop
done_testing
