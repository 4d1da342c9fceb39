#!/bin/sh
# history person P --related interleaves, in sequence order, the person's
# changes with those of the records attached to it: postings, dependents
# (P in a household, or the households of P's postings) and visa cases;
# each row names its entity and key. --as-known-on still leaves out what
# was recorded later.
. tests/cli/lib.sh

setup_small

# P2 (Ivanova) holds T2, whose household holds P5; P2 gets a visa later.
CHANCERY_TODAY=2021-12-05 expect_exit 0 "a later change to T2" posting end T2 --on 2021-12-05 --reason tour_completed
cat >"$TMP/visas.csv" <<'CSV'
id,person,issuing,post,class,purpose,meeting,applied,decided,outcome,valid_until,previous
V1,P2,USA,USA-MOW,A-1,posting,,2018-11-01,2018-11-20,issued,2021-11-30,
CSV
mkdir -p "$TMP/v" && cp "$TMP/visas.csv" "$TMP/v/"
CHANCERY_TODAY=2021-12-06 expect_exit 0 "a visa recorded later" import "$TMP/v"

expect_exit 0 "history person P2 --related" history person P2 --related --format csv
expect_out "the header names entity and key" "seq,recorded,actor,op,entity,key,reason,before,after"
expect_out "the person" ",insert,person,P2,import,"
expect_out "the posting" ",insert,posting,T2,import,"
expect_out "the household of the posting" ",insert,dependent,P5/T2,import,"
expect_out "the end of the tour" ",update,posting,T2,"
expect_out "the visa" ",insert,visa,V1,import,"
if grep -q ',T1,\|,P1,' "$TMP/out"; then not_ok "nothing of others"; else ok "nothing of others"; fi
cut -d, -f1 "$TMP/out" | tail -n +2 >"$TMP/seqs"
if sort -n "$TMP/seqs" | cmp -s - "$TMP/seqs" && [ "$(wc -l <"$TMP/seqs")" -eq 5 ]; then
    ok "five entries in sequence order"; else not_ok "five entries in sequence order"; fi
expect_exit 0 "--related before the entity" history --related person P5 --format csv
expect_out "P5 as a dependent" ",dependent,P5/T2,"
expect_out "P5's own posting" ",posting,T5,"

expect_exit 0 "as known on the first day" --as-known-on 2021-12-04 history person P2 --related --format csv
if grep -q ',update,posting,T2,\|,visa,V1,' "$TMP/out"; then
    not_ok "later changes left out"; else ok "later changes left out"; fi
expect_out "the import still there" ",insert,posting,T2,import,"

expect_exit 0 "without --related, the person alone" history person P2 --format csv
if grep -q 'T2' "$TMP/out"; then not_ok "only the person's row"; else ok "only the person's row"; fi

expect_exit 2 "--related of a posting" history posting T2 --related
expect_err "its message" "--related is for a person's history"
expect_exit 3 "--related of an unknown person" history person P9 --related
expect_err "its message" "unknown person 'P9'"

done_testing
