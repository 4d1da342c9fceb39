#!/bin/sh
# Global options (--db, --format, --as-known-on, --actor) are taken before
# the command name, or as exact flags among a command's own options; a
# value given to a command's option is never taken as one, so a family
# name "--db=x" is recorded as written (issue 10).
. tests/cli/lib.sh

setup_small

expect_exit 0 "a family name that looks like --db=" \
    person add --id P90 --family-name "--db=x" --nationality RUS
expect_out "added to the registry in use" "person 'P90' added"
if [ -e "x" ] || [ -e "$TMP/x" ]; then not_ok "no registry 'x' created"; else
    ok "no registry 'x' created"; fi
expect_exit 0 "the person is in the registry" --format csv person show P90
expect_out "its family name as written" "P90,--db=x,"
expect_exit 0 "a given name that looks like --format" \
    person add --id P91 --family-name Orlov --given-names "--format=json"
expect_exit 0 "shown" --format csv person show P91
expect_out "the given names as written" "P91,Orlov,--format=json,"
expect_exit 0 "a note that is --as-known-on" \
    person add --id P92 --family-name Lebedev --note --as-known-on
expect_exit 0 "the note is the change's reason" --format csv history person P92
expect_out "reason recorded" ",insert,--as-known-on,"

# Before the command, and as exact flags among its options.
expect_exit 0 "--format before the command" --format csv mission list
expect_out "CSV" "id,name,sending,host"
expect_exit 0 "--format among the options" mission list --format csv
expect_out "CSV again" "id,name,sending,host"
expect_exit 0 "--db among the options" mission list --db "$CHANCERY_DB"
expect_exit 1 "--db before the command, a missing file" --db "$TMP/none.db" mission list
expect_exit 2 "--format with a bad value" --format yaml mission list
expect_exit 2 "a global option without its value" mission list --db

# --actor names who made the change; CHANCERY_ACTOR is the default.
expect_exit 0 "--actor on a write" --actor alice person add --id P93 --family-name Sokolov
expect_exit 0 "--actor among the options" person add --id P94 --family-name Popov --actor bob
expect_exit 0 "history" --format csv history person P93
expect_out "the actor given" ",alice,insert,"
expect_exit 0 "history" --format csv history person P94
expect_out "the actor given among the options" ",bob,insert,"
expect_exit 0 "history" --format csv history person P92
expect_out "else CHANCERY_ACTOR" ",test,insert,"

done_testing
