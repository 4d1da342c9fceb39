#!/bin/sh
# Import is all-or-nothing: each bad input is reported as
# FILE:LINE: column 'X': message, exits 3, and writes nothing. Export then
# import reproduces the registry byte for byte.
. tests/cli/lib.sh

setup_small
ch audit verify
changes_before=$(cat "$TMP/out")

# bad_import NAME FILE LINE... : writes $TMP/bad/NAME/FILE from stdin after
# copying the good registry, then imports it into a fresh database.
bad_import() {
    name=$1 file=$2
    d="$TMP/bad/$name"
    mkdir -p "$d"
    cp "$TMP/reg/"*.csv "$d/"
    cat >"$d/$file"
    CHANCERY_DB="$TMP/bad-$name.db" "$CHANCERY" init >/dev/null 2>&1
    CHANCERY_DB="$TMP/bad-$name.db" ch import "$d"
}

# expect_rejected WHAT MESSAGE: the last import exited 3 with MESSAGE and
# its database holds no mission.
expect_rejected() {
    rc=$?
    cp "$TMP/err" "$TMP/import.err"
    if [ $rc -eq 3 ] && grep -qF -- "$2" "$TMP/err"; then
        ok "$1"
    else
        echo "# exit $rc; wanted 3 and: $2"
        not_ok "$1"
    fi
    CHANCERY_DB="$TMP/bad-$name.db" ch mission list --format csv
    if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "$1: nothing written"; else
        not_ok "$1: nothing written"; fi
}

bad_import unknown-state missions.csv <<'CSV'
id,name,sending,host,country,city,kind,opened,closed
RUS-WAS,Embassy of Russia,RUX,USA,USA,Washington,embassy,1992-01-01,
RUS-SEA,Consulate General of Russia,RUS,USA,USA,Seattle,consulate_general,1992-01-01,2018-04-24
RUS-UN,Permanent Mission of Russia to the UN,RUS,UN,USA,New York,permanent_mission,1992-01-01,
USA-MOW,Embassy of the United States,USA,RUS,RUS,Moscow,embassy,1992-01-01,
CSV
expect_rejected "unknown state" "missions.csv:2: column 'sending': unknown state 'RUX'"

bad_import unknown-mission postings.csv <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T1,P1,RUS-NYC,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,
CSV
expect_rejected "unknown mission" "postings.csv:2: column 'mission': unknown mission 'RUS-NYC'"

bad_import unknown-person postings.csv <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T1,P9,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,
CSV
expect_rejected "unknown person" "postings.csv:2: column 'person': unknown person 'P9'"

bad_import unknown-posting dependents.csv <<'CSV'
person,posting,relation,joined,left,accredited,revoked
P5,T9,spouse,2018-12-10,,2018-12-11,
CSV
expect_rejected "dependent of an unknown posting" "dependents.csv:2: column 'posting': unknown posting 'T9'"

bad_import duplicate persons.csv <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport
P1,Antonov,Anatoly,M,1955-05-15,RUS,
P2,Ivanova,Olga,F,1980-02-29,RUS,
P3,Petrov,Ivan,M,1975-01-01,RUS,
P4,Smith,John,M,1970-03-03,USA,
P5,Ivanov,Sergei,M,1979-06-01,RUS,
P2,Ivanova,Olga,F,1980-02-29,RUS,
CSV
expect_rejected "duplicate id" "persons.csv:7: column 'id': duplicate person 'P2'"

bad_import bad-enum postings.csv <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T1,P1,RUS-WAS,Ambassador,generalissimo,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,
CSV
expect_rejected "bad enumeration value" "postings.csv:2: column 'rank': invalid rank 'generalissimo' (expected one of: ambassador,"

bad_import impossible-date postings.csv <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2021-02-01,2021-02-30,,,,
CSV
expect_rejected "impossible date" "postings.csv:2: column 'arrived': invalid date '2021-02-30'"

bad_import malformed-date persons.csv <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport
P1,Antonov,Anatoly,M,15/05/1955,RUS,
P2,Ivanova,Olga,F,1980-02-29,RUS,
P3,Petrov,Ivan,M,1975-01-01,RUS,
P4,Smith,John,M,1970-03-03,USA,
P5,Ivanov,Sergei,M,1979-06-01,RUS,
CSV
expect_rejected "malformed date" "persons.csv:2: column 'birth_date': invalid date '15/05/1955'"

bad_import arrived-after-ended postings.csv <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,2017-01-01,recalled
CSV
expect_rejected "arrived after ended" "postings.csv:2: column 'ended': ended 2017-01-01 is before arrived 2017-08-21"

bad_import mission-closed postings.csv <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason
T3,P3,RUS-SEA,Consul,consul,consular_officer,false,2018-05-01,2018-05-02,,,,
CSV
expect_rejected "mission not open on arrival" "postings.csv:2: column 'arrived': mission 'RUS-SEA' was not open on 2018-05-02 (closed 2018-04-24)"

bad_import unknown-column persons.csv <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport,shoe_size
P1,Antonov,Anatoly,M,1955-05-15,RUS,,44
CSV
expect_rejected "unknown column" "persons.csv:1: column 'shoe_size': unknown column"

printf 'id,family_name\nP1,Antonov\nP2,Iv\377nova\n' | bad_import not-utf8 persons.csv
expect_rejected "not UTF-8" "persons.csv:3: column 'family_name': invalid UTF-8"

printf 'id,family_name\nP1,"Antonov\nP2,Ivanova\n' | bad_import not-csv persons.csv
expect_rejected "not CSV" "persons.csv"

printf 'id,family_name\nP1,Anto\000nov\n' | bad_import binary persons.csv
expect_rejected "a binary file" "persons.csv:2: column 'family_name': a NUL byte: not a text file"

bad_import wrong-field-count persons.csv <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport
P1,Antonov,Anatoly,M,1955-05-15
CSV
expect_rejected "wrong field count" "persons.csv:2: expected 7 fields, found 5"

# Every error of a file is reported, not only the first.
bad_import many-errors persons.csv <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport
P1,Antonov,Anatoly,Q,1955-05-15,RUS,
P2,Ivanova,Olga,F,1980-02-30,RUS,
CSV
expect_rejected "every error reported (1)" "persons.csv:2: column 'sex': invalid sex 'Q'"
if grep -qF "persons.csv:3: column 'birth_date'" "$TMP/import.err"; then
    ok "every error reported (2)"; else not_ok "every error reported (2)"; fi

expect_exit 3 "a file that is not a registry file" import "$TMP/reg/../out"
expect_exit 3 "a missing path" import "$TMP/nowhere"
expect_exit 2 "import without a path" import

# A second import of the same rows: duplicates of what is recorded.
expect_exit 3 "re-import is refused" import "$TMP/reg"
expect_err "re-import names the duplicate" "missions.csv:2: column 'id': duplicate mission 'RUS-WAS'"
ch audit verify
if [ "$(cat "$TMP/out")" = "$changes_before" ]; then ok "the failed import wrote nothing"; else
    not_ok "the failed import wrote nothing"; fi

# Round trip: export, import into an empty registry, export again.
expect_exit 0 "export" export "$TMP/exp1"
expect_same "export reproduces the imported postings" "$TMP/reg/postings.csv" "$TMP/exp1/postings.csv"
CHANCERY_DB="$TMP/copy.db" "$CHANCERY" init >/dev/null
CHANCERY_DB="$TMP/copy.db" expect_exit 0 "import the export" import "$TMP/exp1"
CHANCERY_DB="$TMP/copy.db" expect_exit 0 "export again" export "$TMP/exp2"
for f in missions persons postings dependents; do
    expect_same "second export of $f is byte-identical" "$TMP/exp1/$f.csv" "$TMP/exp2/$f.csv"
done

done_testing
