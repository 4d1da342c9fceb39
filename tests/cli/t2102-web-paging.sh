#!/bin/sh
# The web pages' long lists are paged (issue 14: every page at most
# 100 KB): the officer's inbox and the notifications list show 100 rows
# a page with a pager, and every notification is reachable through it;
# the policies list likewise.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small

python3 -c '
import json
print(json.dumps([{"id": "cap-%03d" % i, "title": "cap %d" % i, "kind": "headcount_cap",
    "issuer": "USA", "target": "RUS", "scope": {}, "effective": {"from": "2020-01-01", "to": None},
    "params": {"limit": 100 + i, "count": {"include_local_staff": True}},
    "basis": "test", "source": "test"} for i in range(105)]))' >"$TMP/policies.json"
ch policy add "$TMP/policies.json" && ok "105 policies recorded" || not_ok "105 policies recorded"
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
T_lia=$(login lia liapw)
i=0
while [ $i -lt 105 ]; do
    req POST /api/v1/notifications "$T_lia" \
        "{\"kind\":\"termination\",\"mission\":\"RUS-WAS\",\"posting\":\"T1\",\"ended\":\"2026-06-30\",\"end_reason\":\"tour_completed\"}"
    [ "$code" = 200 ] || { echo "# $code $(head -c 200 "$TMP/body")"; break; }
    i=$((i + 1))
done
[ $i = 105 ] && ok "105 notifications submitted" || not_ok "105 notifications submitted"
last=$(sed -n 's/.*"id": *"\(N[0-9]*\)".*/\1/p' "$TMP/body" | head -n 1)
first=N000001

# page_get PATH: as the officer, signed in with a cookie; body in $TMP/body.
pre=$(curl -s -c "$TMP/jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -b "$TMP/jar" -c "$TMP/jar" -o /dev/null -d "csrf=$pre&user=off&password=offpw" "$URL/login"
page_get() {
    code=$(curl -s -b "$TMP/jar" -o "$TMP/body" -w '%{http_code}' "$URL$1")
}
rows() { grep -c '<tr><td><a href="/notifications/' "$TMP/body"; }

page_get /inbox
expect_code 200 "the inbox answers"
[ "$(rows)" = 100 ] && ok "the inbox shows 100 rows" || not_ok "the inbox shows 100 rows ($(rows))"
expect_body "the inbox says which rows it shows" "Rows 1 to 100 of 105"
expect_body "and links to the next page" 'href="/inbox?offset=100"'
expect_body "the oldest first" "/notifications/$first\""
page_get "/inbox?offset=100"
[ "$(rows)" = 5 ] && ok "the inbox's second page shows the 5 others" || not_ok "the inbox's second page shows the 5 others ($(rows))"
expect_body "among them the newest" "/notifications/$last\""

page_get "/notifications?state=submitted"
[ "$(rows)" = 100 ] && ok "the notifications list shows 100 rows" || not_ok "the notifications list shows 100 rows ($(rows))"
expect_body "and links to the next page, its filter kept" 'href="/notifications?state=submitted&amp;offset=100"'
page_get "/notifications?state=submitted&offset=100"
expect_body "whose rows are the oldest" "/notifications/$first\""

page_get /policies
prows() { grep -c '<tr><td><a href="/policies/' "$TMP/body"; }
[ "$(prows)" = 100 ] && ok "the policies list shows 100 rows" || not_ok "the policies list shows 100 rows ($(prows))"
expect_body "and links to the next page" 'href="/policies?offset=100"'
page_get "/policies?offset=100"
[ "$(prows)" = 5 ] && ok "whose page shows the 5 others" || not_ok "whose page shows the 5 others ($(prows))"
expect_body "the last recorded among them" 'href="/policies/cap-104"'
serve_stop
done_testing
