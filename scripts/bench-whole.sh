#!/bin/sh
# Whole-process reads on the generated world beside the sqlite3 CLI
# answering the same question with SQL, in the same run (issue 11). Usage:
# scripts/bench-whole.sh DB PEER, where DB and PEER are two copies of the
# world's registry (scripts/bench.sh makes them): 1,000 policies are
# imported into DB (tenure caps and mirrored headcount caps, both ways,
# between the 250 pairs of states with the most staff in each other), and
# PEER gets the same policies and the indexes the SQL needs (postings by
# mission, dependents by posting, missions by sending and host; the
# questions over every posting scan them, "+p.mission", which SQLite runs
# three times faster than through the index). Each
# figure is the median of five runs of wall time and of CPU time (user
# plus system: this VM is shared, so the wall time of a run swings with
# the load, and the CPU time does not), with the peak resident memory
# (GNU time's %M). chancery runs with a current image.
# Targets (issue 11): the roster at most 10 ms and 30 MiB; headcount,
# check and parity at most 50 ms and 8 times faster than sqlite3.
# CHANCERY names the binary measured (./chancery); BASELINE, another
# (an earlier build), timed on the same image in the same run, so that a
# change is measured before and after under the same load (a line
# "baseline" follows each question's).
set -eu
DB=$1
PEER=$2
BUILD=${BUILD:-build}
DATE=${BENCH_DATE:-2025-12-31}
CH=${CHANCERY:-./chancery}
BASELINE=${BASELINE:-}
export CHANCERY_DB="$DB" TZ=UTC LC_ALL=C CHANCERY_TODAY=$DATE
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The 250 pairs with the most postings between them, and a mission of the
# first pair's sending state there for the roster.
sqlite3 "$DB" "SELECT m.sending, m.host FROM postings p
    JOIN missions m ON m.id = p.mission JOIN states s ON s.code = m.host
    WHERE m.sending < m.host GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 250" >"$WORK/pairs"
a=$(head -n 1 "$WORK/pairs" | cut -d'|' -f1)
b=$(head -n 1 "$WORK/pairs" | cut -d'|' -f2)
big=$(sqlite3 "$DB" "SELECT id FROM missions WHERE sending = '$a' AND host = '$b' AND kind = 'embassy' LIMIT 1")
# The mission of scripts/bench-reads.sh (of the first open posting).
mission=$(sqlite3 "$DB" "SELECT mission FROM postings WHERE ended IS NULL LIMIT 1")
mkdir -p "$WORK/pol/policies"
awk -F'|' -v dir="$WORK/pol/policies" '
function pol(i, t,   id, f) {
    id = tolower(i) "-" tolower(t)
    f = dir "/" id "-tenure.json"
    printf "{\"id\": \"%s-tenure\", \"kind\": \"tenure_cap\", \"issuer\": \"%s\", \"target\": \"%s\", \"effective\": {\"from\": \"2020-01-01\"}, \"params\": {\"max_tenure\": \"P3Y\", \"rounding\": \"down\"}}\n", id, i, t >f
    close(f)
    f = dir "/" id "-mirror.json"
    printf "{\"id\": \"%s-mirror\", \"kind\": \"headcount_cap\", \"issuer\": \"%s\", \"target\": \"%s\", \"effective\": {\"from\": \"2020-01-01\"}, \"params\": {\"mirror\": {\"ratio\": 1.0, \"lag\": \"P0D\"}}}\n", id, i, t >f
    close(f)
}
{ pol($1, $2); pol($2, $1) }' "$WORK/pairs"
# (Run again on the same copies, the policies are there already.)
for d in "$DB" "$PEER"; do
    if [ "$(sqlite3 "$d" "SELECT count(*) FROM policies")" -lt 1000 ]; then
        CHANCERY_DB="$d" "$CH" import "$WORK/pol" >/dev/null
    fi
done
sqlite3 "$PEER" "CREATE INDEX IF NOT EXISTS bench_postings_mission ON postings(mission);
    CREATE INDEX IF NOT EXISTS bench_dependents_posting ON dependents(posting);
    CREATE INDEX IF NOT EXISTS bench_missions_pair ON missions(sending, host);
    ANALYZE;"
# A current image: the next read loads the tables and writes it.
rm -f "$DB.snapshot"
"$CH" roster "$mission" >/dev/null

# timed CMD...: "WALL-MS CPU-MS MIB", medians of five runs (bench/run-whole).
timed() {
    "$BUILD/bench/run-whole" 5 "$@"
}

# compare WHAT SQL CHANCERY-ARGS...: one line of the table.
compare() {
    what=$1 sql=$2
    shift 2
    c=$(timed "$CH" "$@")
    s=$(timed sqlite3 "$PEER" "$sql")
    echo "$c $s" | awk -v w="$what" '{
        printf "%-36s %7.1f ms (cpu %6.1f) %4d MiB | sqlite3 %7.1f ms (cpu %6.1f) %4d MiB | %5.1fx wall, %5.1fx cpu\n",
            w, $1, $2, $3, $4, $5, $6, $4 / ($1 > 0 ? $1 : 0.1), $5 / ($2 > 0 ? $2 : 0.1) }'
    if [ -n "$BASELINE" ]; then
        timed "$BASELINE" "$@" | awk '{
            printf "  %-34s %7.1f ms (cpu %6.1f) %4d MiB\n", "baseline", $1, $2, $3 }'
    fi
}

present="p.arrived <= '$DATE' AND (p.ended IS NULL OR p.ended > '$DATE')
    AND (p.refused IS NULL OR p.refused > '$DATE')"
rank_order="CASE p.rank WHEN 'ambassador' THEN 0 WHEN 'minister' THEN 1
    WHEN 'minister_counselor' THEN 2 WHEN 'counselor' THEN 3
    WHEN 'first_secretary' THEN 4 WHEN 'second_secretary' THEN 5
    WHEN 'third_secretary' THEN 6 WHEN 'attache' THEN 7
    WHEN 'consul_general' THEN 8 WHEN 'consul' THEN 9
    WHEN 'vice_consul' THEN 10 ELSE 11 END"

echo "whole process, $(wc -l <"$WORK/pairs") pairs x 4 = 1,000 policies, as of $DATE;" \
    "median of 5 runs (wall, cpu), peak resident memory; the ratio is sqlite3's time over chancery's"
# The floor every command pays (start-up and exit, no registry), beside
# sqlite3 answering a constant.
compare "start-up floor (chancery help)" "SELECT 1" help
roster_sql() {
    echo "SELECT p.id, pe.family_name, pe.given_names, p.rank, p.title,
    p.category, p.arrived, (SELECT sp.family_name FROM dependents d
    JOIN persons sp ON sp.id = d.person WHERE d.posting = p.id
    AND d.relation = 'spouse' AND (d.joined IS NULL OR d.joined <= '$DATE')
    AND (d.\"left\" IS NULL OR d.\"left\" > '$DATE') LIMIT 1)
    FROM postings p JOIN persons pe ON pe.id = p.person
    WHERE p.mission = '$1' AND $present
    ORDER BY p.head_of_mission = 'true' DESC, $rank_order, p.arrived, p.id"
}
staff() {
    "$CH" roster "$1" --as-of "$DATE" | tail -n +2 | wc -l
}
compare "roster $mission ($(staff "$mission") staff)" "$(roster_sql "$mission")" \
    roster "$mission" --as-of "$DATE"
compare "roster $big ($(staff "$big") staff)" "$(roster_sql "$big")" \
    roster "$big" --as-of "$DATE"
compare "headcount --sending $a --host $b" "SELECT m.sending, m.host, count(*)
    FROM missions m JOIN postings p ON p.mission = m.id
    WHERE m.sending = '$a' AND m.host = '$b' AND $present GROUP BY 1, 2" \
    headcount --sending "$a" --host "$b" --as-of "$DATE"
compare "headcount, every pair" "SELECT m.sending, m.host, count(*)
    FROM postings p JOIN missions m ON m.id = +p.mission
    WHERE $present GROUP BY m.sending, m.host" \
    headcount --as-of "$DATE"
compare "check, 1,000 policies" "WITH present AS (SELECT p.id, p.arrived,
    m.sending, m.host FROM postings p JOIN missions m ON m.id = +p.mission
    WHERE $present), pair AS (SELECT sending, host, count(*) AS n FROM present
    GROUP BY 1, 2)
    SELECT pol.id, pr.id FROM policies pol JOIN present pr
    ON pr.host = pol.issuer AND pr.sending = pol.target
    WHERE pol.kind = 'tenure_cap' AND pr.arrived <= date('$DATE', '-3 years')
    UNION ALL SELECT pol.id, x.n - y.n FROM policies pol
    JOIN pair x ON x.host = pol.issuer AND x.sending = pol.target
    JOIN pair y ON y.host = pol.target AND y.sending = pol.issuer
    WHERE pol.kind = 'headcount_cap' AND x.n > y.n" \
    check --as-of "$DATE"
compare "parity $a $b" "SELECT m.sending, p.category, count(*)
    FROM missions m JOIN postings p ON p.mission = m.id
    WHERE ((m.sending = '$a' AND m.host = '$b') OR (m.sending = '$b' AND m.host = '$a'))
    AND $present GROUP BY 1, 2" \
    parity "$a" "$b" --as-of "$DATE"
