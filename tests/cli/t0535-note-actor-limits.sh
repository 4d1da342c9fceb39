#!/bin/sh
# A change's reason (--note) and its actor (--actor, $CHANCERY_ACTOR) go
# into the change log as they are, so they obey the limits of text
# (docs/registry.md, "Limits"): a note at most 1024 bytes, an actor 1 to 64
# bytes, neither with a control character but tab. A breach exits 3 naming
# the option, and nothing is written. History's CSV quotes what it must.
. tests/cli/lib.sh

setup_small

# count_changes: the change log's length, from `audit verify`'s summary.
changes_now() {
    db_sql "SELECT count(*) FROM changes"
}
before=$(changes_now)

long=$(printf '%01025d' 0)
expect_exit 3 "a note of 1025 bytes is refused" \
    person add --id PN1 --family-name Antonov --note "$long"
expect_err "the error names --note" "--note"
expect_err "and the limit" "1024"
expect_exit 3 "a note with ESC is refused" \
    person add --id PN1 --family-name Antonov --note "$(printf 'a\033[31mb')"
expect_err "the error names --note" "--note"
expect_exit 3 "a note with a newline is refused" \
    person add --id PN1 --family-name Antonov --note "$(printf 'a\nb')"
expect_err "the error names --note" "--note"
expect_exit 3 "an --actor of 65 bytes is refused" \
    --actor "$(printf '%065d' 0)" person add --id PN1 --family-name Antonov
expect_err "the error names --actor" "--actor"
expect_exit 3 "an --actor with BEL is refused" \
    --actor "$(printf 'clerk\007')" person add --id PN1 --family-name Antonov
expect_err "the error names --actor" "--actor"
CHANCERY_ACTOR=$(printf 'clerk\033]0;x\007') expect_exit 3 \
    "a CHANCERY_ACTOR with ESC is refused" \
    person add --id PN1 --family-name Antonov
expect_err "the error names CHANCERY_ACTOR" "CHANCERY_ACTOR"
mkdir "$TMP/more"
printf 'id,family_name\nPN9,Orlov\n' >"$TMP/more/persons.csv"
expect_exit 3 "an import under a bad actor is refused" \
    --actor "$(printf 'a\tb\033')" import "$TMP/more"
expect_err "the error names --actor" "--actor"
if [ "$(changes_now)" = "$before" ]; then ok "nothing was written"; else
    not_ok "nothing was written"; fi
expect_exit 3 "no person PN1" person show PN1
expect_exit 3 "no person PN9" person show PN9

max=$(printf '%01024d' 0)
expect_exit 0 "a note of 1024 bytes and tabs is taken" \
    --actor "$(printf '%064d' 0)" person add --id PN2 --family-name Antonov \
    --note "$max"
expect_exit 0 "an actor with a space is taken" --actor "Jane Clerk" \
    person add --id PN3 --family-name Antonov --note "$(printf 'a\tb')"

# History as CSV: a value with commas, quotes and a tab is quoted, quotes
# doubled, so that a CSV reader gets the value back.
expect_exit 0 "a note with commas and quotes" --actor 'Doe, "J"' \
    person add --id PN4 --family-name 'Smith, "Jr"' --note 'a, "b", c'
expect_exit 0 "its history as CSV" --format csv history person PN4
expect_out "the actor quoted" ',"Doe, ""J""",insert,'
expect_out "the note quoted" ',"a, ""b"", c",'
expect_out "the image quoted" '"{""id"":""PN4"",""family_name"":""Smith, \""Jr\"""",'
expect_exit 0 "its history with --related as CSV" --format csv \
    history person PN4 --related
expect_out "the note quoted" ',"a, ""b"", c",'

done_testing
