#!/bin/sh
# The read commands of the foundation on the small registry: mission
# list|show with their filters, the roster in Diplomatic-List order, and
# headcount in its groupings; bad input exits 2 (options) or 3 (unknown
# records).
. tests/cli/lib.sh
setup_small

expect_exit 0 "mission list" mission list --format csv
if [ "$(wc -l <"$TMP/out")" -eq 5 ]; then ok "four missions and a header"; else not_ok "four missions and a header"; fi
expect_exit 0 "mission list --sending USA" mission list --sending USA --format csv
expect_out "the US embassy" "USA-MOW,"
if grep -q "RUS-" "$TMP/out"; then not_ok "no Russian mission"; else ok "no Russian mission"; fi
expect_exit 0 "mission list --open-on after Seattle closed" mission list --open-on 2018-04-24 --format csv
if grep -q "RUS-SEA" "$TMP/out"; then not_ok "Seattle is closed on its closing day"; else ok "Seattle is closed on its closing day"; fi
expect_exit 0 "mission list --open-on the day before" mission list --open-on 2018-04-23 --format csv
expect_out "Seattle is open the day before" "RUS-SEA"
expect_exit 0 "mission list --host UN" mission list --host UN --format csv
expect_out "the UN mission" "RUS-UN,"
expect_exit 0 "mission show" mission show RUS-WAS --format json
expect_out "show gives the record" '"city": "Washington"'
expect_exit 3 "mission show of an unknown id" mission show RUS-XXX
expect_err "names it" "unknown mission 'RUS-XXX'"
expect_exit 2 "mission list with a bad date" mission list --open-on 2018-02-30
expect_exit 2 "mission list with an unknown option" mission list --bogus
expect_exit 0 "mission list --help" mission list --help
expect_out "prints its usage" "usage: chancery mission list"

# Roster: the head of mission first, then rank, then arrival.
expect_exit 0 "roster" roster RUS-WAS --as-of 2021-12-04 --format csv
first=$(sed -n 2p "$TMP/out" | cut -d, -f1)
second=$(sed -n 3p "$TMP/out" | cut -d, -f1)
if [ "$first" = T1 ] && [ "$second" = T2 ]; then ok "ambassador first, then the second secretary"; else
    echo "# got $first, $second"; not_ok "ambassador first, then the second secretary"; fi
expect_out "the spouse is named" "Ivanov"
expect_exit 0 "roster before anyone arrived" roster RUS-WAS --as-of 2017-01-01 --format csv
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "an empty roster"; else not_ok "an empty roster"; fi
expect_exit 3 "roster of an unknown mission" roster RUS-XXX
expect_exit 2 "roster with a bad date" roster RUS-WAS --as-of 2021-13-01

# Headcount: bilateral by host, by country (the UN mission is in), by
# category and by mission; the day of departure is the first day away.
expect_exit 0 "headcount by host" headcount --sending RUS --as-of 2021-12-04 --format csv
expect_out "two in the bilateral missions" "RUS,USA,2"
expect_out "one at the UN" "RUS,UN,1"
expect_exit 0 "headcount by country" headcount --sending RUS --country USA --as-of 2021-12-04 --format csv
expect_out "three in the USA with the UN mission" "RUS,USA,3"
expect_exit 0 "headcount by category" headcount --sending RUS --country USA --by category --as-of 2021-12-04 --format csv
expect_out "diplomatic agents" "RUS,USA,diplomatic_agent,2"
expect_out "admin and technical staff" "RUS,USA,admin_technical,1"
expect_exit 0 "headcount on Seattle's closing day" headcount --sending RUS --by mission --as-of 2018-04-24 --format csv
expect_out "the consul has left on the day he ended" "RUS,USA,RUS-SEA,0"
expect_exit 0 "headcount the day before" headcount --sending RUS --by mission --as-of 2018-04-23 --format csv
expect_out "the consul is still there" "RUS,USA,RUS-SEA,1"
expect_exit 2 "headcount with --host and --country" headcount --host USA --country USA
expect_exit 2 "headcount with a bad --by" headcount --by planet
expect_exit 2 "headcount with a bad category" headcount --category spy

done_testing
