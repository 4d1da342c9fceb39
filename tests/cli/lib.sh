# Helpers for command tests (git's t/test-lib.sh, in miniature). Each test
# script sources this, runs chancery against a database in a fresh
# temporary folder, and prints TAP lines: "ok N - what" or "not ok N - what".
# "Today" is pinned, as every test must.
set -u
export TZ=UTC LC_ALL=C
export CHANCERY_TODAY=${CHANCERY_TODAY:-2021-12-04}
export CHANCERY_ACTOR=test
: "${CHANCERY:?CHANCERY must name the binary}"
TOP=$(pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export CHANCERY_DB="$TMP/test.db"
# Under make check-pg (tests/pg/run.sh, which exports CHANCERY_PG=1 and
# libpq's PGHOST, PGPORT, PGUSER) each test gets a database of its own on
# the harness's cluster, dropped when it ends.
if [ -n "${CHANCERY_PG:-}" ]; then
    pg_db="t_$(basename "$TMP" | tr -c 'a-zA-Z0-9\n' _ | tr A-Z a-z)_$$"
    psql -d postgres -qXc "CREATE DATABASE $pg_db" >/dev/null ||
        { echo "not ok - cannot create database $pg_db"; exit 1; }
    export CHANCERY_DB="postgresql:///$pg_db"
    # The demo's witness folder, which a URL has no place beside
    # (an SQLite registry's is beside it).
    export CHANCERY_WITNESS="$TMP/witness"
    trap 'rm -rf "$TMP"; psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1' EXIT
fi
n_test=0

# db_sql SQL: runs SQL on the test's registry (sqlite3, or psql under
# check-pg), rows as "a|b" lines. db_has_sql: whether that client exists.
db_sql() {
    if [ -n "${CHANCERY_PG:-}" ]; then
        psql -d "$CHANCERY_DB" -AtqX -v ON_ERROR_STOP=1 -c "$1"
    else
        sqlite3 "$CHANCERY_DB" "$1"
    fi
}
db_has_sql() {
    if [ -n "${CHANCERY_PG:-}" ]; then command -v psql >/dev/null
    else command -v sqlite3 >/dev/null; fi
}
# db_reset: the registry gone, for a test that starts again.
db_reset() {
    if [ -n "${CHANCERY_PG:-}" ]; then
        psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null &&
            psql -d postgres -qXc "CREATE DATABASE $pg_db" >/dev/null
    else
        rm -f "$CHANCERY_DB"
    fi
}
# pg_only / sqlite_only: true under that backend (check-pg or make check).
pg_only() { [ -n "${CHANCERY_PG:-}" ]; }
sqlite_only() { [ -z "${CHANCERY_PG:-}" ]; }

# Runs chancery (under $VALGRIND when set); output in $TMP/out, $TMP/err.
# Valgrind's errors exit 99: that fails a test even where the caller does
# not check the exit.
ch() {
    ${VALGRIND:-} "$CHANCERY" "$@" >"$TMP/out" 2>"$TMP/err"
    ch_rc=$?
    if [ -n "${VALGRIND:-}" ] && [ "$ch_rc" -eq 99 ]; then
        not_ok "valgrind finds no error in: chancery $*"
    fi
    return "$ch_rc"
}

ok() {
    n_test=$((n_test + 1))
    echo "ok $n_test - $1"
}

not_ok() {
    n_test=$((n_test + 1))
    echo "not ok $n_test - $1"
    echo "# stdout:"; sed 's/^/#   /' "$TMP/out" | head -n 20
    echo "# stderr:"; sed 's/^/#   /' "$TMP/err" | head -n 20
}

# expect_exit CODE WHAT CHANCERY-ARGS...: runs chancery, checks its exit.
expect_exit() {
    want=$1 what=$2
    shift 2
    ch "$@"
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$what"; else
        echo "# exit $got, wanted $want"; not_ok "$what"; fi
}

# expect_out WHAT TEXT: the last run's stdout contains TEXT (fixed string).
expect_out() {
    if grep -qF -- "$2" "$TMP/out"; then ok "$1"; else
        echo "# stdout lacks: $2"; not_ok "$1"; fi
}

# expect_err WHAT TEXT: the last run's stderr contains TEXT.
expect_err() {
    if grep -qF -- "$2" "$TMP/err"; then ok "$1"; else
        echo "# stderr lacks: $2"; not_ok "$1"; fi
}

# expect_same WHAT FILE1 FILE2: the files are identical.
expect_same() {
    if cmp -s "$2" "$3"; then ok "$1"; else
        diff "$2" "$3" | head -n 20 | sed 's/^/# /'; not_ok "$1"; fi
}

# A registry with the reference data and a small bilateral pair of missions.
setup_small() {
    ch init || { echo "not ok - init failed"; cat "$TMP/err"; exit 1; }
    mkdir -p "$TMP/reg"
    cat >"$TMP/reg/missions.csv" <<'CSV'
id,name,sending,host,country,city,kind,opened,closed
RUS-WAS,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,
RUS-SEA,Consulate General of Russia,RUS,USA,USA,Seattle,consulate_general,1992-01-01,2018-04-24
RUS-UN,Permanent Mission of Russia to the UN,RUS,UN,USA,New York,permanent_mission,1992-01-01,
USA-MOW,Embassy of the United States,USA,RUS,RUS,Moscow,embassy,1992-01-01,
CSV
    cat >"$TMP/reg/persons.csv" <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport
P1,Antonov,Anatoly,M,1955-05-15,RUS,
P2,Ivanova,Olga,F,1980-02-29,RUS,
P3,Petrov,Ivan,M,1975-01-01,RUS,
P4,Smith,John,M,1970-03-03,USA,
P5,Ivanov,Sergei,M,1979-06-01,RUS,
CSV
    cat >"$TMP/reg/postings.csv" <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,
T2,P2,RUS-WAS,Second Secretary,second_secretary,diplomatic_agent,false,2018-12-01,2018-12-10,2018-12-11,,,
T3,P3,RUS-SEA,Consul,consul,consular_officer,false,2016-01-01,2016-02-01,2016-02-02,,2018-04-24,ordered_departure
T4,P4,USA-MOW,Counselor,counselor,diplomatic_agent,false,2019-01-01,2019-01-10,2019-01-11,,,
T5,P5,RUS-UN,Attache,attache,admin_technical,false,2019-03-01,2019-03-15,2019-03-16,,,
CSV
    cat >"$TMP/reg/dependents.csv" <<'CSV'
person,posting,relation,joined,left,accredited,revoked
P5,T2,spouse,2018-12-10,,2018-12-11,
CSV
    ch import "$TMP/reg" || { echo "not ok - import failed"; cat "$TMP/err"; exit 1; }
}

done_testing() {
    echo "1..$n_test"
}
