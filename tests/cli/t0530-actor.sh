#!/bin/sh
# Every write records a named actor: $CHANCERY_ACTOR, else the login name
# of the user the process runs as (from the password database, so an
# environment without $USER still names one); "unknown" is never written.
. tests/cli/lib.sh

ch init || { echo "not ok - init failed"; cat "$TMP/err"; exit 1; }
me=$(id -un)

CHANCERY_ACTOR=clerk expect_exit 0 "a write with CHANCERY_ACTOR" person add --id P1 --family-name Antonov
expect_exit 0 "its history" --format csv history person P1
expect_out "the actor named" ",clerk,insert,"

(unset CHANCERY_ACTOR USER LOGNAME
 expect_exit 0 "a write with no actor variable" person add --id P2 --family-name Ivanova) | grep -v '^1\.\.'
n_test=$((n_test + 1))
expect_exit 0 "its history" --format csv history person P2
expect_out "the login name" ",$me,insert,"
if grep -q ',unknown,' "$TMP/out"; then not_ok "no unknown actor"; else ok "no unknown actor"; fi

CHANCERY_ACTOR= expect_exit 0 "an empty CHANCERY_ACTOR" person add --id P3 --family-name Petrov
expect_exit 0 "its history" --format csv history person P3
expect_out "falls back to the login name" ",$me,insert,"

done_testing
