#!/bin/sh
# The UN report follows the Committee on Relations with the Host Country:
# by default only what the Headquarters Agreement covers (G visas,
# delegates, staff of missions to the UN), so no A-class bilateral case;
# the bilateral cases only with --include-bilateral. Its sections: summary,
# cases past the deadline, meetings affected, statistics with their
# confidence level, the legal basis (sections 11, 13 and 21 with their
# sources, the 15-day frame named as a practice); the HTML page prints on
# A4.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

expect_exit 0 "the report as JSON, no dates given" visa report --un --issuing USA --format json
if grep -q '"class": "A-' "$TMP/out"; then
    not_ok "no A-class bilateral case by default"; else ok "no A-class bilateral case by default"; fi
expect_out "scope named" '"scope": "headquarters_agreement"'
expect_out "the bilateral cases counted as left out" '"bilateral_left_out": '
expect_out "G visas covered" '"covered_by": "g_class"'
expect_out "meetings" '"meetings": ['
expect_out "a meeting of UNGA74 missed" '"meeting": "2019-09-24"'
expect_out "statistics" '"method": "Kaplan-Meier"'
expect_out "confidence level" '"confidence_percent": 95'
expect_out "section 11 quoted" 'shall not impose any impediments to transit'
expect_out "section 13 quoted" 'without charge and as promptly as possible'
expect_out "section 21 quoted" 'tribunal of three arbitrators'
expect_out "the 15-day frame is a practice" '"section": "Practice: the 15-day frame"'
expect_out "a source" 'United_States_Statutes_at_Large_Volume_61_Part_1.djvu/785'

expect_exit 0 "with the bilateral cases" visa report --un --issuing USA --format json --include-bilateral
expect_out "A-class cases come in" '"class": "A-1"'
expect_out "bilateral named" '"covered_by": "bilateral"'
expect_out "scope named" '"scope": "with_bilateral"'

expect_exit 0 "the report as a table" visa report --un --issuing USA --from 2019-01-01 --to 2022-12-31 --as-of 2022-12-31
for section in "Summary by sending state:" "Cases past the deadline:" \
    "Meetings affected:" "Statistics (95% confidence):" "Legal basis:"; do
    expect_out "table section: $section" "$section"
done
expect_out "a meeting with its cases" "2022-09-20"
expect_out "bilateral cases left out, said so" "bilateral cases are left out (--include-bilateral brings them in)"

expect_exit 0 "the report as HTML" visa report --un --issuing USA --from 2019-01-01 --to 2022-12-31 --as-of 2022-12-31 --html "$TMP/un.html"
for text in "@page { size: A4" "@media print" "1. Summary" "2. Cases past the deadline" \
    "3. Meetings affected" "Meeting of 2019-09-24" "4. Statistics" "95% confidence" \
    "<svg" "5. Legal basis" "section 11" "section 13(a)" "section 21" "Practice: the 15-day frame"; do
    if grep -qF -- "$text" "$TMP/un.html"; then ok "HTML: $text"; else not_ok "HTML: $text"; fi
done
if grep -q 'src="http' "$TMP/un.html"; then not_ok "HTML fetches nothing"; else ok "HTML fetches nothing"; fi
# The chart marks the censored cases and the 15-day practice.
for text in 'class="censor"' 'class="deadline"' '15 days: the practice' 'class="plateau"'; do
    if grep -qF -- "$text" "$TMP/un.html"; then ok "HTML chart: $text"; else not_ok "HTML chart: $text"; fi
done

done_testing
