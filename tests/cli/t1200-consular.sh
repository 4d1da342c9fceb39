#!/bin/sh
# consular status|history|where and consular.csv: a post's service by date
# in the layout of the US wait-time table; where a national can apply
# (home post, else designated posts, else any open post abroad); and every
# bad row or option refused (exit 3 for a bad file, nothing written; 2 for
# a bad option).
. tests/cli/lib.sh

setup_small

expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

# Posts of the USA: Moscow (home to Russians), Warsaw and Astana abroad,
# a consulate in Yekaterinburg, and a trade mission that takes no visa
# applications.
mkdir -p "$TMP/c"
cat >"$TMP/c/missions.csv" <<'CSV'
id,name,sending,host,country,city,kind,opened,closed
USA-WAW,Embassy of the United States,USA,POL,POL,Warsaw,embassy,1992-01-01,
USA-AST,Embassy of the United States,USA,KAZ,KAZ,Astana,embassy,1992-01-01,
USA-YEK,Consulate General of the United States,USA,RUS,RUS,Yekaterinburg,consulate_general,1992-01-01,
USA-TRD,US Trade Office,USA,KAZ,KAZ,Almaty,trade_mission,1992-01-01,
CSV
cat >"$TMP/c/consular.csv" <<'CSV'
post,nationality,service,status,from,to,wait_days,designated
USA-MOW,RUS,nonimmigrant_visa,open,2016-01-01,2021-05-11,300,
USA-MOW,RUS,nonimmigrant_visa,suspended,2021-05-12,2025-09-05,,
USA-MOW,RUS,nonimmigrant_visa,suspended,2025-09-06,,,USA-WAW;USA-AST
USA-MOW,RUS,immigrant_visa,suspended,2021-10-21,,,USA-WAW
USA-MOW,RUS,diplomatic_visa,open,2016-01-01,,,
USA-YEK,RUS,nonimmigrant_visa,limited,2017-12-11,2021-03-31,90,
USA-YEK,RUS,nonimmigrant_visa,suspended,2021-04-01,,,
USA-YEK,RUS,immigrant_visa,closed,2016-01-01,,,
USA-AST,RUS,nonimmigrant_visa,open,2023-03-01,,30,
USA-WAW,RUS,nonimmigrant_visa,limited,2025-09-06,,,
CSV
expect_exit 0 "import consular.csv" import "$TMP/c"
expect_out "import counts rows" "10 consular"

# status: the wait where open with a known wait, else the status.
expect_exit 0 "status on 2020-01-01" consular status --as-of 2020-01-01 --format csv
expect_out "Moscow: 300 days" "USA-MOW,Moscow,RUS,300,,open,"
expect_out "Yekaterinburg: limited, 90 days" "USA-YEK,Yekaterinburg,RUS,limited: 90,closed,,"
expect_exit 0 "status on 2021-12-04" consular status --as-of 2021-12-04 --post USA-MOW --format csv
expect_out "Moscow suspended" "USA-MOW,Moscow,RUS,suspended,suspended,open,"
expect_not_out "--post: only Moscow" "USA-YEK"
expect_exit 0 "status --nationality" consular status --nationality USA --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "no row for US nationals"; else
    not_ok "no row for US nationals"; fi
expect_exit 0 "status as JSON" consular status --format json
expect_out "status JSON" '"nonimmigrant_visa": "suspended"'

# history: the post's rows as recorded.
expect_exit 0 "history" consular history --post USA-MOW --format csv
expect_out "history: the first row" "USA-MOW,RUS,nonimmigrant_visa,open,2016-01-01,2021-05-11,300,"
expect_out "history: the designation" "USA-MOW,RUS,nonimmigrant_visa,suspended,2025-09-06,,,USA-WAW;USA-AST"
expect_not_out "history: not Yekaterinburg" "USA-YEK"
expect_exit 0 "a row's change log" history consular USA-MOW/RUS/nonimmigrant_visa/2021-05-12 --format csv
expect_out "the row's key" "insert"

# where, in the three cases.
expect_exit 0 "where in 2019" consular where --nationality RUS --as-of 2019-06-01 --format csv
expect_out "2019: Moscow, the home post" "USA,USA-MOW,Moscow,RUS,open,300,home post"
expect_out "2019: Yekaterinburg too" "USA,USA-YEK,Yekaterinburg,RUS,limited,90,home post"
expect_not_out "2019: nothing abroad" "USA-WAW"
expect_exit 0 "where on 2021-12-04" consular where --nationality RUS \
    --service nonimmigrant_visa --as-of 2021-12-04 --format csv
expect_out "2021: Moscow closed" "USA,USA-MOW,Moscow,RUS,suspended,,\"home post, not taking this service\""
expect_out "2021: Warsaw will do" "USA,USA-WAW,Warsaw,POL,open (no record),,any open post abroad (none designated)"
expect_out "2021: so will any post" "USA,*,,,open,,any other post abroad (none designated)"
expect_not_out "2021: not a trade office" "USA-TRD"
expect_exit 0 "where on 2025-10-01" consular where --nationality RUS --as-of 2025-10-01 --format csv
expect_out "2025: Warsaw designated" "USA,USA-WAW,Warsaw,POL,limited,,designated for this nationality"
expect_out "2025: Astana designated" "USA,USA-AST,Astana,KAZ,open,30,designated for this nationality"
expect_not_out "2025: no longer any post" "USA,*,"
expect_exit 0 "immigrant visas in 2022" consular where --nationality RUS \
    --service immigrant_visa --as-of 2022-01-01 --format csv
expect_out "immigrant visas: Warsaw" "USA-WAW,Warsaw,POL,open (no record),,designated for this nationality"
expect_exit 0 "diplomatic visas stay in Moscow" consular where --nationality RUS \
    --service diplomatic_visa --as-of 2025-10-01 --format csv
expect_out "diplomatic: Moscow" "USA,USA-MOW,Moscow,RUS,open,,home post"
expect_exit 0 "a resident of Kazakhstan" consular where --nationality RUS \
    --residence KAZ --as-of 2025-10-01 --format csv
expect_out "resident: Astana, the home post" "USA,USA-AST,Astana,KAZ,open,30,home post"
expect_not_out "resident: not Moscow" "USA-MOW"
expect_exit 0 "where --issuing" consular where --nationality RUS --issuing USA --as-of 2019-06-01
expect_exit 0 "where --issuing RUS: no post" consular where --nationality USA --issuing RUS --as-of 2019-06-01 --format csv
expect_out "RUS has no post abroad but its embassy: any post" "RUS,RUS-WAS,Washington,USA"

# Bad options.
expect_exit 3 "status: unknown post" consular status --post NOPE
expect_err "status: unknown post: message" "--post: unknown mission 'NOPE'"
expect_exit 2 "status: bad date" consular status --as-of 2021-02-30
expect_exit 3 "status: unknown nationality" consular status --nationality XXX
expect_exit 2 "history without --post" consular history
expect_err "history without --post: message" "--post is required"
expect_exit 3 "history: unknown post" consular history --post NOPE
expect_exit 2 "where without --nationality" consular where
expect_exit 3 "where: unknown nationality" consular where --nationality XXX
expect_exit 2 "where: bad service" consular where --nationality RUS --service tourism
expect_err "where: bad service: message" "--service: 'tourism' is not nonimmigrant_visa"
expect_exit 3 "where: unknown residence" consular where --nationality RUS --residence XXX
expect_exit 2 "where: bad date" consular where --nationality RUS --as-of 2021-13-01
expect_exit 2 "unknown subcommand" consular list
for sub in status history where; do
    expect_exit 0 "consular $sub --help" consular "$sub" --help
    expect_out "consular $sub --help prints usage" "usage: chancery consular $sub"
done

# Bad rows: each rejects the import; nothing is written.
bad() {
    printf '%s\n%s\n' "post,nationality,service,status,from,to,wait_days,designated" \
        "$1" >"$TMP/bad/consular.csv"
    expect_exit 3 "import: $2" import "$TMP/bad/consular.csv"
    expect_err "import: $2: message" "$3"
}
mkdir -p "$TMP/bad"
ch consular history --post USA-MOW --format csv
cp "$TMP/out" "$TMP/before"
bad "USA-MOW,RUS,immigrant_visa,open,2019-01-01,2018-01-01,," \
    "to before from" "column 'to': to 2018-01-01 is before from 2019-01-01"
bad "NOPE,RUS,immigrant_visa,open,2019-01-01,,," \
    "unknown post" "column 'post': unknown mission 'NOPE'"
bad "USA-MOW,XXX,immigrant_visa,open,2019-01-01,,," \
    "unknown nationality" "column 'nationality': unknown state 'XXX'"
bad "USA-MOW,RUS,tourism,open,2019-01-01,,," \
    "bad service" "column 'service': invalid consular service 'tourism'"
bad "USA-MOW,RUS,immigrant_visa,ajar,2019-01-01,,," \
    "bad status" "column 'status': invalid consular status 'ajar'"
bad "USA-MOW,RUS,immigrant_visa,open,2019-01-01,,-5," \
    "negative wait" "column 'wait_days': invalid number '-5'"
bad "USA-MOW,RUS,immigrant_visa,open,2019-01-01,,ten," \
    "wait in words" "column 'wait_days': invalid number 'ten'"
bad "USA-MOW,RUS,immigrant_visa,suspended,2019-01-01,,,USA-WAW;NOPE" \
    "unknown designated post" "column 'designated': unknown mission 'NOPE'"
bad "USA-MOW,RUS,immigrant_visa,suspended,2019-01-01,,,RUS-WAS" \
    "designated post of another state" "designated post 'RUS-WAS' is not a mission of USA"
bad "USA-MOW,RUS,immigrant_visa,open,2021-01-01,2021-12-31,," \
    "overlapping rows" "overlaps the row from 2021-10-21"
bad "USA-MOW,RUS,nonimmigrant_visa,open,2016-01-01,2016-02-01,," \
    "a duplicate key" "duplicate consular 'USA-MOW/RUS/nonimmigrant_visa/2016-01-01'"
bad "USA-MOW,RUS,immigrant_visa,open,,,," \
    "a missing start" "column 'from': a value is required"
ch consular history --post USA-MOW --format csv
expect_same "no failed import wrote a row" "$TMP/before" "$TMP/out"

# Export reproduces the file.
expect_exit 0 "export" export "$TMP/exp"
expect_same "export reproduces consular.csv" "$TMP/c/consular.csv" "$TMP/exp/consular.csv"

done_testing
