#!/bin/sh
# The officer's commands that open and close a mission: `mission open`
# records a new mission with the day it opened, `mission close` the day
# it closed. Each is one change with its actor and reason, checked by the
# import's record rules: a mission closes after it opened, and only once
# every tour at it has ended by then.
. tests/cli/lib.sh
setup_small

expect_exit 0 "a consulate general opens" mission open --id RUS-SFO \
    --name "Consulate General of Russia" --sending RUS --host USA --country USA \
    --city "San Francisco" --kind consulate_general --on 2021-01-04 --note "agreed"
expect_out "and is added" "mission 'RUS-SFO' added"
expect_exit 0 "it is in the registry" --format json mission show RUS-SFO
expect_out "opened that day" '"opened": "2021-01-04"'
expect_out "open still" '"closed": null'
expect_exit 0 "one change names the actor and the reason" history mission RUS-SFO
expect_out "the reason" "agreed"
expect_exit 3 "the same id again is refused" mission open --id RUS-SFO \
    --name X --sending RUS --host USA --country USA --kind embassy
expect_err "as a duplicate" "duplicate mission 'RUS-SFO'"
expect_exit 3 "an unknown kind is refused" mission open --id RUS-X --name X \
    --sending RUS --host USA --country USA --kind legation
expect_err "naming the option" "--kind: invalid mission kind 'legation'"
expect_exit 2 "the sending state is required" mission open --id RUS-X --name X \
    --host USA --country USA --kind embassy
expect_exit 0 "a mission to an organization opens" mission open --id RUS-WTO \
    --name "Permanent Mission of Russia to the WTO" --sending RUS --host WTO \
    --country CHE --city Geneva --kind permanent_mission --on 2012-08-22
expect_exit 0 "postings may begin there" posting notify --id T60 --person P2 \
    --mission RUS-SFO --category consular_officer --notified 2021-02-01

# Closing: the tours there must have ended by then.
expect_exit 3 "an embassy with staff present cannot close" mission close RUS-WAS --on 2021-12-01
expect_err "naming a tour still running" "mission 'RUS-WAS' closed on 2021-12-01: posting 'T1' must end by then"
expect_exit 0 "nothing was written" --format json mission show RUS-WAS
expect_out "still open" '"closed": null'
expect_exit 0 "T5 ends" posting end T5 --on 2021-06-30 --reason recalled
expect_exit 0 "then its mission closes" mission close RUS-UN --on 2021-07-01 --note "relocated"
expect_out "and says so" "mission 'RUS-UN' closed on 2021-07-01"
expect_exit 3 "a closed mission does not close again" mission close RUS-UN --on 2021-08-01
expect_err "already closed" "mission 'RUS-UN' already closed on 2021-07-01"
expect_exit 3 "a mission closes after it opened" mission close RUS-SFO --on 2020-12-31
expect_err "the dates' order" "mission 'RUS-SFO': column 'closed': closed 2020-12-31 is before opened 2021-01-04"
expect_exit 3 "an unknown mission" mission close RUS-XYZ
expect_err "is named" "unknown mission 'RUS-XYZ'"
expect_exit 3 "no tour begins in a closed mission" posting notify --id T61 \
    --person P2 --mission RUS-UN --category diplomatic_agent --notified 2021-09-01
expect_err "as the record rules say" "mission 'RUS-UN' was not open on 2021-09-01 (closed 2021-07-01)"
expect_exit 0 "the closure is in the mission's history" history mission RUS-UN
expect_out "with its reason" "relocated"

done_testing
