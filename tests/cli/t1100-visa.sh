#!/bin/sh
# visa list|show|add|decide|annul|revoke|extend|stats|report: every bad
# input exits 2 (usage) or 3 (invalid, nothing written, the change log
# unchanged); imports of visas.csv validate as the commands do; and the UN
# report on a small hand-made registry gives the counts worked out below.
. tests/cli/lib.sh

setup_small

expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

# expect_refused WHAT CODE MESSAGE ARGS...: chancery ARGS exits CODE with
# MESSAGE on stderr, and the change log did not grow.
expect_refused() {
    r_what=$1 r_code=$2 r_msg=$3
    shift 3
    ch audit verify
    r_before=$(cat "$TMP/out")
    expect_exit "$r_code" "$r_what: exit $r_code" "$@"
    expect_err "$r_what: message" "$r_msg"
    ch audit verify
    if [ "$(cat "$TMP/out")" = "$r_before" ]; then
        ok "$r_what: nothing written"; else not_ok "$r_what: nothing written"; fi
}

# The hand-made registry of the report, as of 2021-12-04, deadline 15
# calendar days unless the policy says otherwise:
#   V1 P5 (RUS) delegate G-1 applied 2021-09-01, issued 09-10: in time
#   V2 P2 (RUS) posting A-1 applied 2021-09-01, issued 10-01: late (30 days,
#      deadline 09-16, 15 over)
#   V3 P3 (RUS) delegate G-1 applied 2021-09-05 for a meeting on 09-21,
#      pending: over (deadline 09-20, 90 days outstanding, 75 over), meeting
#      missed
#   V4 P1 (RUS) posting A-1 applied 2021-10-01, refused 10-05: in time
#   V5 P4 (USA) posting diplomatic, issued by RUS: another issuing state
#   V6 P5 (RUS) private B1/B2: not staff or delegate, left out
#   V7 P2 (RUS) posting A-1 applied 2021-11-25, pending: not yet over
#      (deadline 12-10)
cat >"$TMP/reg2.csv" <<'CSV'
id,person,issuing,post,class,purpose,meeting,applied,decided,outcome,valid_until,previous
V1,P5,USA,USA-MOW,G-1,delegate,2021-09-21,2021-09-01,2021-09-10,issued,2021-10-20,
V2,P2,USA,USA-MOW,A-1,posting,,2021-09-01,2021-10-01,issued,2024-09-30,
V3,P3,USA,USA-MOW,G-1,delegate,2021-09-21,2021-09-05,,pending,,
V4,P1,USA,USA-MOW,A-1,posting,,2021-10-01,2021-10-05,refused,,
V5,P4,RUS,RUS-WAS,diplomatic,posting,,2021-09-01,2021-09-20,issued,,
V6,P5,USA,USA-MOW,B1/B2,private,,2021-09-01,,pending,,
V7,P2,USA,USA-MOW,A-1,posting,,2021-11-25,,pending,,
CSV
mkdir -p "$TMP/vreg"
cp "$TMP/reg2.csv" "$TMP/vreg/visas.csv"
expect_exit 0 "import visas.csv" import "$TMP/vreg"
expect_out "import counts visas" "7 visas"

# Reading and filters.
expect_exit 0 "visa list" visa list --format csv
expect_out "list: V1 in full" "V1,P5,USA,USA-MOW,G-1,delegate,2021-09-21,2021-09-01,2021-09-10,issued,2021-10-20,"
expect_exit 0 "list --issuing RUS" visa list --issuing RUS --format csv
expect_out "--issuing: V5" "V5,"
expect_not_out "--issuing: not V1" "V1,"
expect_exit 0 "list --nationality USA" visa list --nationality USA --format csv
expect_out "--nationality: V5" "V5,"
expect_not_out "--nationality: not V2" "V2,"
expect_exit 0 "list --outcome pending --purpose delegate" visa list \
    --outcome pending --purpose delegate --format csv
expect_out "combined filters: V3" "V3,"
expect_not_out "combined filters: not V6" "V6,"
expect_exit 0 "list --class and --post" visa list --class A-1 --post USA-MOW --format csv
expect_out "--class: V4" "V4,"
expect_not_out "--class: not V1" "V1,"
expect_exit 0 "list applied between" visa list --applied-from 2021-09-02 \
    --applied-to 2021-10-01 --format csv
expect_out "between: V3" "V3,"
expect_out "between: V4 (inclusive)" "V4,"
expect_not_out "between: not V1" "V1,"
expect_exit 3 "list: unknown issuing" visa list --issuing XXX
expect_err "list: unknown issuing: message" "--issuing: unknown state 'XXX'"
expect_exit 3 "list: unknown post" visa list --post NOPE
expect_exit 2 "list: bad outcome" visa list --outcome lost
expect_err "list: bad outcome: message" "--outcome: 'lost' is not pending"
expect_exit 2 "list: bad purpose" visa list --purpose tourism
expect_exit 2 "list: bad date" visa list --applied-from 2021-13-01
expect_exit 2 "list: unknown option" visa list --bogus
expect_exit 0 "show" visa show V2
expect_out "show: class" "class        A-1"
expect_exit 3 "show unknown" visa show V99
expect_err "show unknown: message" "unknown visa 'V99'"
expect_exit 2 "show without id" visa show
for sub in list show add decide annul revoke extend stats report; do
    expect_exit 0 "visa $sub --help" visa "$sub" --help
    expect_out "visa $sub --help prints usage" "usage: chancery visa $sub"
done

# Adding: every bad value refused, nothing written.
# The arguments of a good case, split into words where used.
ADD="visa add --id V10 --person P1 --issuing USA --post USA-MOW --class A-1 --purpose posting"
expect_refused "add: unknown person" 3 "--person: unknown person 'P99'" \
    visa add --id V10 --person P99 --issuing USA --post USA-MOW --class A-1 \
    --purpose posting --applied 2021-11-01
expect_refused "add: unknown post" 3 "--post: unknown mission 'NOPE'" \
    visa add --id V10 --person P1 --issuing USA --post NOPE --class A-1 \
    --purpose posting --applied 2021-11-01
expect_refused "add: post of another state" 3 \
    "post 'RUS-WAS' is a mission of RUS, not of USA" \
    visa add --id V10 --person P1 --issuing USA --post RUS-WAS --class A-1 \
    --purpose posting --applied 2021-11-01
expect_refused "add: unknown issuing state" 3 "--issuing: unknown state 'XXX'" \
    visa add --id V10 --person P1 --issuing XXX --post USA-MOW --class A-1 \
    --purpose posting --applied 2021-11-01
expect_refused "add: bad purpose" 3 "--purpose: invalid visa purpose 'tourism'" \
    $ADD --applied 2021-11-01 --purpose tourism
expect_refused "add: impossible date" 3 "--applied: invalid date '2021-02-30'" \
    $ADD --applied 2021-02-30
expect_refused "add: unknown previous" 3 "--previous: unknown visa 'V99'" \
    $ADD --applied 2021-11-01 --previous V99
expect_refused "add: previous of another person" 3 "visa 'V1' is another person's" \
    $ADD --applied 2021-11-01 --previous V1
expect_refused "add: decided before applied" 3 \
    "column 'decided': decided 2021-10-01 is before applied 2021-11-01" \
    $ADD --applied 2021-11-01 --outcome issued --decided 2021-10-01
expect_refused "add: an outcome without a decision date" 3 \
    "outcome 'issued' needs a decision date" \
    $ADD --applied 2021-11-01 --outcome issued
expect_refused "add: pending with a decision date" 3 \
    "a pending case has no decision date" \
    $ADD --applied 2021-11-01 --decided 2021-11-02
expect_refused "add: duplicate id" 3 "duplicate visa 'V1'" \
    visa add --id V1 --person P1 --issuing USA --post USA-MOW --class A-1 \
    --purpose posting --applied 2021-11-01
expect_refused "add: missing --applied" 2 "--applied is required" $ADD
expect_refused "add: a bad id" 3 "invalid id 'V 10'" \
    visa add --id "V 10" --person P1 --issuing USA --post USA-MOW \
    --class A-1 --purpose posting --applied 2021-11-01
expect_exit 0 "add" $ADD --applied 2021-11-01 --note "note verbale 7"
expect_out "add: confirmation" "visa 'V10' added"
expect_exit 0 "add: shown pending" visa show V10 --format csv
expect_out "add: pending" "V10,P1,USA,USA-MOW,A-1,posting,,2021-11-01,,pending,,"

# Deciding.
expect_refused "decide: unknown case" 3 "unknown visa 'V99'" \
    visa decide V99 --outcome issued --on 2021-11-20
expect_refused "decide: an outcome decide does not record" 3 \
    "--outcome: 'annulled' is not issued, refused, withdrawn or admin_processing" \
    visa decide V10 --outcome annulled --on 2021-11-20
expect_refused "decide: an unknown outcome" 3 "'lost' is not issued" \
    visa decide V10 --outcome lost --on 2021-11-20
expect_refused "decide: before the application" 3 \
    "decided 2021-10-01 is before applied 2021-11-01" \
    visa decide V10 --outcome issued --on 2021-10-01
expect_refused "decide: validity before the decision" 3 \
    "valid_until 2021-11-01 is before decided 2021-11-20" \
    visa decide V10 --outcome issued --on 2021-11-20 --valid-until 2021-11-01
expect_refused "decide: validity of a refusal" 3 \
    "only an issued visa has a validity" \
    visa decide V10 --outcome refused --on 2021-11-20 --valid-until 2022-11-01
expect_refused "decide: missing --outcome" 2 "--outcome is required" \
    visa decide V10 --on 2021-11-20
expect_exit 0 "decide: administrative processing" visa decide V10 \
    --outcome admin_processing --on 2021-11-10
expect_out "decide: confirmation" "visa 'V10' decided on 2021-11-10"
expect_exit 0 "decide after administrative processing" visa decide V10 \
    --outcome issued --on 2021-11-20 --valid-until 2024-11-19
expect_refused "decide twice" 3 "visa 'V10' was already decided: issued on 2021-11-20" \
    visa decide V10 --outcome refused --on 2021-11-21

# Linked cases.
expect_refused "annul a pending case" 3 "visa 'V3' is pending: only an issued visa can be annulled" \
    visa annul V3 --on 2021-11-25
expect_refused "annul: unknown case" 3 "unknown visa 'V99'" \
    visa annul V99 --on 2021-11-25
expect_refused "annul: bad date" 3 "--on: invalid date '2021-11-31'" \
    visa annul V10 --on 2021-11-31
expect_refused "annul: before the visa was issued" 3 \
    "visa 'V2' was issued on 2021-10-01, after 2021-09-25" \
    visa annul V2 --on 2021-09-25 --id V2-X
expect_refused "annul: missing --on" 2 "--on is required" visa annul V10
expect_refused "extend a refused case" 3 "visa 'V4' is refused: only an issued visa can be extended" \
    visa extend V4 --applied 2021-11-25
expect_refused "extend: missing --applied" 2 "--applied is required" \
    visa extend V10
expect_exit 0 "annul" visa annul V10 --on 2021-11-25 --note "fraud"
expect_out "annul: the new case" "visa 'V10-A' added"
expect_exit 0 "annulment shown" visa show V10-A --format csv
expect_out "annulment links back" "V10-A,P1,USA,USA-MOW,A-1,posting,,2021-11-25,2021-11-25,annulled,,V10"
expect_refused "annul twice" 3 "visa 'V10' was already annulled by 'V10-A'" \
    visa annul V10 --on 2021-11-26
expect_refused "revoke an annulled visa" 3 "already annulled" \
    visa revoke V10 --on 2021-11-26
expect_exit 0 "revoke" visa revoke V2 --on 2021-11-26 --id V2-REV
expect_out "revoke: named" "visa 'V2-REV' added"
expect_exit 0 "extend" visa extend V1 --applied 2021-10-15
expect_out "extend: the new case" "visa 'V1-E' added"
expect_exit 0 "extension shown" visa show V1-E --format csv
expect_out "extension pending, linked" "V1-E,P5,USA,USA-MOW,G-1,delegate,,2021-10-15,,pending,,V1"
expect_exit 0 "extend again" visa extend V1 --applied 2021-10-20
expect_out "a second extension gets a free id" "visa 'V1-E2' added"
expect_exit 0 "show lists the linked cases" visa show V1
expect_out "linked cases" "linked cases:"
expect_out "the extension is linked" "V1-E2"
expect_exit 0 "history of a case" history visa V10 --format csv
expect_out "history: the note" "note verbale 7"

# Imports validate as the commands do.
bad() {
    printf '%s\n%s\n' \
        "id,person,issuing,post,class,purpose,meeting,applied,decided,outcome,valid_until,previous" \
        "$1" >"$TMP/bad/visas.csv"
    expect_exit 3 "import: $2" import "$TMP/bad/visas.csv"
    expect_err "import: $2: message" "$3"
}
mkdir -p "$TMP/bad"
ch visa list --format csv
cp "$TMP/out" "$TMP/list.before"
bad "V20,P1,USA,USA-MOW,A-1,posting,,2021-01-10,2021-01-01,issued,," \
    "decided before applied" "visas.csv:2: column 'decided': decided 2021-01-01 is before applied 2021-01-10"
bad "V20,P1,USA,USA-MOW,A-1,posting,,2021-01-10,,refused,," \
    "an outcome without a decision" "column 'decided': outcome 'refused' needs a decision date"
bad "V20,P9,USA,USA-MOW,A-1,posting,,2021-01-10,,pending,," \
    "unknown person" "column 'person': unknown person 'P9'"
bad "V20,P1,USA,NOPE,A-1,posting,,2021-01-10,,pending,," \
    "unknown post" "column 'post': unknown mission 'NOPE'"
bad "V20,P1,USA,USA-MOW,A-1,posting,,2021-01-10,,pending,,V99" \
    "unknown previous" "column 'previous': unknown visa 'V99'"
bad "V20,P1,USA,USA-MOW,A-1,posting,,2021-01-10,2021-01-11,annulled,," \
    "an annulment naming nothing" "an annulment or revocation names the visa it ends"
bad "V20,P1,USA,USA-MOW,,posting,,2021-01-10,,pending,," \
    "a missing class" "column 'class': a value is required"
bad "V20,P1,USA,USA-MOW,A-1,posting,,2021-01-10,,lost,," \
    "an unknown outcome" "column 'outcome': invalid visa outcome 'lost'"
ch visa list --format csv
expect_same "no failed import wrote a case" "$TMP/list.before" "$TMP/out"

# Statistics, as of 2021-12-04, over the cases issued by the USA that are
# applications (the annulment and revocation are not): V1, V2, V3, V4, V6,
# V7, V10, V1-E, V1-E2. Decided: V1 (9 days), V2 (30), V4 (4), V10 (19):
# p50 = 9 (2nd of 4 by nearest rank), p90 = 30.
expect_exit 0 "stats" visa stats --issuing USA --as-of 2021-12-04 --format csv
expect_out "stats: the counts" "all,9,3,1,0,5,0.250,9,30,30,"
expect_exit 0 "stats by purpose" visa stats --issuing USA --by purpose --as-of 2021-12-04 --format csv
expect_out "stats by purpose: posting" "posting,4,2,1,0,1,0.333,"
expect_out "stats by purpose: total" "total,9,"
expect_exit 0 "stats by month" visa stats --by month --as-of 2021-12-04 --format json
expect_out "stats by month: JSON keys" '"group": "2021-09"'
expect_out "stats by month: JSON numbers (V5 of RUS counts too)" '"applied": 5'
expect_exit 0 "stats as of 2021-09-15" visa stats --issuing USA --as-of 2021-09-15 --format csv
expect_out "on 2021-09-15 only V1 is decided" "all,4,1,0,0,3,0.000,9,9,9,"
expect_exit 2 "stats: bad --by" visa stats --by week
expect_err "stats: bad --by: message" "--by: 'week' is not post"
expect_exit 2 "stats: bad date" visa stats --as-of 2021-02-30
expect_exit 2 "stats: bad purpose" visa stats --purpose tourism
expect_exit 3 "stats: unknown nationality" visa stats --nationality XXX
expect_exit 2 "stats: --to before --from" visa stats --from 2021-10-01 --to 2021-09-01
expect_exit 2 "stats: a stray argument" visa stats 2021

# The UN report over the registry above: V1 in time, V2 late then revoked
# (the revocation is no application), V3 pending and over, V4 refused, V7
# pending within its deadline, V10 late (19 days), V1-E and V1-E2 pending
# since October (over). Staff: V2, V4, V7, V10; delegates: V1, V3, V1-E,
# V1-E2.
# By default only what the Headquarters Agreement covers: the G visas of
# the delegates (V1, V3, V1-E, V1-E2); the A-1 cases of the embassy staff
# come in with --include-bilateral.
expect_exit 0 "report: the Agreement's cases" visa report --un --from 2021-01-01 \
    --to 2021-12-31 --as-of 2021-12-04 --issuing USA --format csv
expect_out "report: RUS delegates only" "RUS,0,4,4,1,0,0,0,3,3"
expect_out "report: V3 covered as a G visa" "2021-09-21,true,g_class"
expect_not_out "report: no bilateral V2" "RUS,V2,"
expect_exit 0 "report" visa report --un --from 2021-01-01 --to 2021-12-31 \
    --as-of 2021-12-04 --issuing USA --format csv --include-bilateral
expect_out "report: RUS" "RUS,4,4,8,1,2,1,0,4,3"
expect_out "report: V3 over its deadline, meeting missed" \
    "RUS,V3,P3,delegate,G-1,USA-MOW,2021-09-05,2021-09-20,,pending,90,75,2021-09-21,true"
expect_out "report: V2 late" "RUS,V2,P2,posting,A-1,USA-MOW,2021-09-01,2021-09-16,2021-10-01,issued,30,15,,false,bilateral"
expect_not_out "report: V7 within its deadline" "RUS,V7,"
expect_not_out "report: V6 is private" "V6,"
expect_exit 0 "report as JSON" visa report --un --from 2021-01-01 \
    --to 2021-12-31 --as-of 2021-12-04 --format json
expect_out "report JSON" '"over_deadline": ['
expect_exit 0 "report as HTML" visa report --un --from 2021-01-01 \
    --to 2021-12-31 --as-of 2021-12-04 --html "$TMP/report.html"
expect_out "report HTML written" "wrote $TMP/report.html"
if grep -q '<svg' "$TMP/report.html" && grep -q 'RUS (' "$TMP/report.html" &&
    ! grep -q 'src="http' "$TMP/report.html"; then
    ok "the page has its chart inline"; else not_ok "the page has its chart inline"; fi
expect_exit 2 "report without --un" visa report --from 2021-01-01 --to 2021-12-31
expect_exit 0 "report without --from: from the first application" visa report --un --to 2021-12-31 --format json
expect_out "report: --from defaults to the first application" '"from": "2021-09-01"'
expect_exit 0 "report without --to: to the as-of date" visa report --un --as-of 2021-12-04 --format json
expect_out "report: --to defaults to --as-of" '"to": "2021-12-04"'
expect_exit 2 "report: --to before --from" visa report --un --from 2021-12-31 --to 2021-01-01
expect_exit 2 "report: bad date" visa report --un --from 2021-13-01 --to 2021-12-31
expect_exit 1 "report: unwritable HTML" visa report --un --from 2021-01-01 \
    --to 2021-12-31 --html "$TMP/none/report.html"

# The visa_sla policy binds undecided cases past their deadline only: V3
# and the two extensions, not V2 and V10, decided late (a decision taken
# binds nothing more), nor V7, within its deadline (2021-12-10).
cat >"$TMP/sla.json" <<'JSON'
{ "id": "sla", "title": "Visas within 15 days", "kind": "visa_sla",
  "issuer": "USA", "target": "*", "effective": { "from": "2000-01-01" },
  "params": { "max_days": 15, "days": "calendar",
              "purposes": ["delegate", "posting"] },
  "basis": "test", "source": "test" }
JSON
expect_exit 0 "add a visa_sla policy" policy add "$TMP/sla.json"
expect_exit 0 "check finds the overdue cases" check --as-of 2021-12-04 --format csv
expect_out "V3 overdue" "sla:V3,sla,visa_overdue,visa V3,2021-09-20,true,"
expect_out "V1-E overdue" "sla:V1-E,"
expect_not_out "V10 was decided late: nothing binds" "sla:V10,"
expect_not_out "V2 was decided late: nothing binds" "sla:V2,"
expect_not_out "V7 is within its deadline" "sla:V7,"
expect_not_out "V1 was decided in time" "sla:V1,"
expect_exit 0 "before its deadline V3 is no finding" check --as-of 2021-09-20 --format csv
expect_not_out "V3 not yet overdue" "sla:V3"
expect_out "on 2021-09-20 V2 was still undecided" "sla:V2,sla,visa_overdue,visa V2,2021-09-16,true,"
expect_exit 0 "explain" explain sla:V3 --as-of 2021-12-04
expect_out "explain: the deadline" "Deadline: 2021-09-05 + 15 calendar days = 2021-09-20."

done_testing
