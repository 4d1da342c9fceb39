#!/bin/sh
# The UN report page pages its cases past the deadline at 100 rows (issue
# 14: every page at most 100 KB): on the demo registry's 299 such cases,
# three pages of 100, 100 and 99 rows with a pager, which together list
# the cases of `visa report --un --format json` in its order. The page's
# rendering is kept across a write it does not read (a notification) and
# dropped by one it does (a visa case, a posting at the mission to the
# UN), not by a posting elsewhere.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
add_user ana anapw --role analyst || not_ok "user add analyst"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; exit 1; fi
pre=$(curl -s -c "$TMP/jar" "$URL/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -s -b "$TMP/jar" -c "$TMP/jar" -o /dev/null -d "csrf=$pre&user=ana&password=anapw" "$URL/login"

# report_page QUERY: the page in $TMP/body, its case ids in $TMP/ids.
report_page() {
    code=$(curl -s -b "$TMP/jar" -o "$TMP/body" -w '%{http_code}' "$URL/visas/report$1")
    awk '/<h2>2. Cases past the deadline/ { on = 1 } /class="pager"|<h2>3\./ { on = 0 }
        on && /^<tr><td>/' "$TMP/body" |
        sed 's/^<tr><td>[^<]*<\/td><td>\([^<]*\)<.*/\1/' >"$TMP/ids"
}
rows() { wc -l <"$TMP/ids" | tr -d ' '; }

# cli_ids: the over-deadline case ids of `visa report --un`, in order.
cli_ids() {
    "$CHANCERY" visa report --un --issuing USA --format json |
        python3 -c 'import json, sys
for c in json.load(sys.stdin)["over_deadline"]:
    print(c.get("visa") or c.get("id"))'
}

report_page ""
expect_code 200 "the UN report answers"
[ "$(rows)" = 100 ] && ok "its first page lists 100 cases" || not_ok "its first page lists 100 cases ($(rows))"
expect_body "and says which" "Rows 1 to 100 of 299"
next=$(sed -n 's/.*href="\/visas\/report?\([^"]*offset=100\)" rel="next".*/\1/p' "$TMP/body" | sed 's/&amp;/\&/g')
[ -n "$next" ] && ok "it links to the next page" || not_ok "it links to the next page"
cp "$TMP/ids" "$TMP/all"
report_page "?$next"
[ "$(rows)" = 100 ] && ok "the second page lists 100" || not_ok "the second page lists 100 ($(rows))"
expect_body "from the 101st" "Rows 101 to 200 of 299"
cat "$TMP/ids" >>"$TMP/all"
report_page "?$(printf '%s' "$next" | sed 's/offset=100/offset=200/')"
[ "$(rows)" = 99 ] && ok "the third page lists the 99 others" || not_ok "the third page lists the 99 others ($(rows))"
grep -q 'rel="next"' "$TMP/body" && not_ok "the last page links to no next one" ||
    ok "the last page links to no next one"
cat "$TMP/ids" >>"$TMP/all"
cli_ids >"$TMP/cli"
if cmp -s "$TMP/all" "$TMP/cli"; then ok "the pages list the report's cases in its order"; else
    echo "# $(wc -l <"$TMP/all") on the pages, $(wc -l <"$TMP/cli") from visa report"
    diff "$TMP/all" "$TMP/cli" | head -n 5 | sed 's/^/# /'
    not_ok "the pages list the report's cases in its order"
fi
report_page "?offset=5000"
[ "$(rows)" = 100 ] && ok "an offset past the end shows the first page" ||
    not_ok "an offset past the end shows the first page ($(rows))"

# A notification leaves the report as it was; a case past its deadline
# (a G visa pending since 2021-01-04) comes in at once.
T_lia=$(login lia liapw)
req POST /api/v1/notifications "$T_lia" \
    '{"kind":"termination","mission":"RUS-USA-EMB","posting":"T01909","ended":"2026-06-30","end_reason":"tour_completed"}'
expect_code 200 "a termination notified"
report_page ""
expect_body "a notification changes no figure" "Rows 1 to 100 of 299"
person=$("$CHANCERY" visa show V0049 --format json | sed -n 's/.*"person": *"\([^"]*\)".*/\1/p' | head -n 1)
ch visa add --id VNEW1 --person "$person" --issuing USA --post USA-RUS-EMB --class G-5 \
    --purpose posting --applied 2021-01-04 || { not_ok "visa add"; cat "$TMP/err"; }
report_page ""
expect_body "a new case past its deadline is counted" "Rows 1 to 100 of 300"
cli_ids >"$TMP/cli"
grep -qx VNEW1 "$TMP/cli" && ok "visa report lists it too" || not_ok "visa report lists it too"

# total: the report's count of cases past the deadline, on the page and
# from `visa report`.
total() {
    report_page ""
    sed -n 's/.*Rows 1 to 100 of \([0-9]*\)\..*/\1/p' "$TMP/body"
}
cli_total() { cli_ids | wc -l | tr -d ' '; }
# A diplomat posted to a bilateral embassy: no case changes.
ch person add --id PN1 --family-name Newcomer --nationality RUS &&
    ch posting notify --id TN1 --person PN1 --mission RUS-USA-EMB \
        --category diplomatic_agent --notified 2021-06-01 --arrived 2021-06-10 ||
    { not_ok "posting notify at the embassy"; cat "$TMP/err"; }
[ "$(total)" = 300 ] && [ "$(cli_total)" = 300 ] && ok "a posting at an embassy changes no figure" ||
    not_ok "a posting at an embassy changes no figure ($(total), $(cli_total))"
# The person of a bilateral case past its deadline posted to the mission
# to the UN before applying: the Agreement now covers the case.
"$CHANCERY" visa report --un --include-bilateral --issuing USA --format json >"$TMP/bil.json"
set -- $(python3 -c 'import json, sys
c = [c for c in json.load(open(sys.argv[1]))["over_deadline"] if c["covered_by"] == "bilateral"][0]
print(c["person"], c["visa"])' "$TMP/bil.json")
ch posting notify --id TUN1 --person "$1" --mission RUS-UN-PM --category diplomatic_agent \
    --notified 2016-01-01 --arrived 2016-01-10 || { not_ok "posting notify at the UN"; cat "$TMP/err"; }
[ "$(cli_total)" -gt 300 ] && ok "visa report counts $2 now" || not_ok "visa report counts $2 now ($(cli_total))"
[ "$(total)" = "$(cli_total)" ] && ok "and so does the page" || not_ok "and so does the page ($(total))"
serve_stop
done_testing
