#!/bin/sh
# roster --sending S --host H: every mission of S accredited to H and open
# on the date, embassy first, each in Diplomatic-List order, with the
# mission named on each row; a mission to the UN only under --host UN.
. tests/cli/lib.sh

# expect_not_out WHAT TEXT: the last run's stdout lacks TEXT.
expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

setup_small

expect_exit 0 "every Russian mission in the US, 2017-01-01" roster --sending RUS --host USA --as-of 2017-01-01 --format csv
expect_out "the header names the mission" "mission,posting,family_name"
expect_out "the consulate's consul" "RUS-SEA,T3,Petrov"
expect_exit 0 "on 2018-01-01" roster --sending RUS --host USA --as-of 2018-01-01 --format csv
if [ "$(sed -n 2p "$TMP/out" | cut -d, -f1,2)" = "RUS-WAS,T1" ] &&
    [ "$(sed -n 3p "$TMP/out" | cut -d, -f1,2)" = "RUS-SEA,T3" ] &&
    [ "$(wc -l <"$TMP/out")" -eq 3 ]; then
    ok "embassy first, the ambassador at its head"; else not_ok "embassy first, the ambassador at its head"; fi
expect_not_out "the UN mission is not accredited to the US" "RUS-UN"
expect_exit 0 "after the consulate closed" roster --sending RUS --host USA --as-of 2021-12-04 --format csv
expect_not_out "a closed mission is left out" "RUS-SEA"
expect_exit 0 "the mission to the UN" roster --sending RUS --host UN --as-of 2021-12-04 --format csv
expect_out "its attache" "RUS-UN,T5,Ivanov"
expect_exit 0 "one mission, as before" roster RUS-WAS --as-of 2021-12-04 --format csv
expect_out "no mission column" "posting,family_name"
expect_not_out "no mission column in the rows" "RUS-WAS,T1"

expect_exit 2 "--sending without --host" roster --sending RUS
expect_exit 2 "--sending with a mission too" roster RUS-WAS --sending RUS --host USA
expect_exit 3 "an unknown sending state" roster --sending RUX --host USA
expect_err "its message" "--sending: unknown state 'RUX' (did you mean"
expect_exit 3 "an unknown host" roster --sending RUS --host XX
expect_err "its message" "--host: unknown state 'XX'"

done_testing
