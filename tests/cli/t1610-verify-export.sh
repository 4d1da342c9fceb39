#!/bin/sh
# An export carries the change log (changelog.jsonl), and `audit
# verify-export` checks it offline against a signed checkpoint: the log's
# root, and every record against the log's last image of it. Each
# tampering fails and names the first bad entry (docs/registry.md, "The
# change log in an export").
. tests/cli/lib.sh
setup_small

# Notifications and a policy, so that every kind of exported file is
# compared with the log.
printf '%s\n' '{"kind":"termination","mission":"RUS-WAS","posting":"T2","ended":"2021-07-01","end_reason":"tour_completed"}' >"$TMP/t.json"
cat >"$TMP/cap.json" <<'JSON'
{"id":"cap","kind":"headcount_cap","issuer":"USA","target":"RUS","effective":{"from":"2017-09-01"},"params":{"limit":1}}
JSON
ch policy add "$TMP/cap.json"
ch notify "$TMP/t.json"
ch notification decide N000001 accept
ch posting end T4 --on 2021-06-30 --reason recalled

ch audit keygen "$TMP/us" --name us.example/registry
ch audit keygen "$TMP/ru" --name ru.example/registry
expect_exit 0 "a signed checkpoint" audit checkpoint --sign "$TMP/us.key"
cp "$TMP/out" "$TMP/c1"
n=$(sed -n 2p "$TMP/c1")
expect_exit 0 "export" export "$TMP/exp"
if [ "$(wc -l <"$TMP/exp/changelog.jsonl")" = "$n" ]; then
    ok "the export carries the change log, one line per entry"; else
    not_ok "the export carries the change log, one line per entry"; fi
head -n 1 "$TMP/exp/changelog.jsonl" >"$TMP/out"
expect_out "each line an entry with its images and chain hash" \
    '{"seq":1,"recorded":"2021-12-04T'
expect_out "the after image derived" '"before":null,"after":"{\"code\":'
expect_exit 0 "verify-export needs no database" \
    audit verify-export --db /nonexistent "$TMP/exp" --checkpoint "$TMP/c1" --key "$TMP/us.pub"
expect_out "and says what it checked" "$n entries, root matches"
expect_out "records included" "records match their last images"
if /usr/bin/python3 -c "import cryptography" 2>/dev/null; then
    if /usr/bin/python3 tests/cli/merkle_check.py export "$TMP/exp" "$TMP/c1" "$TMP/us.pub" >"$TMP/out" 2>"$TMP/err"
    then ok "python re-encodes the entries and gets the signed root"; else
        not_ok "python re-encodes the entries and gets the signed root"; fi
fi

# Import reads the registry files and leaves the log to the registry's
# own: the export imports into a fresh registry, which exports the same
# files again.
CHANCERY_DB="$TMP/two.db" ch init
CHANCERY_DB="$TMP/two.db" expect_exit 0 "an export with its log imports" import "$TMP/exp"
CHANCERY_DB="$TMP/two.db" expect_exit 0 "and exports again" export "$TMP/exp2"
expect_same "the same records" "$TMP/exp/postings.csv" "$TMP/exp2/postings.csv"
expect_exit 3 "the log file named alone is not a registry file" import "$TMP/exp/changelog.jsonl"
expect_exit 0 "export --force replaces an export with its log" export --force "$TMP/exp2"

# --- The signature and the checkpoint.
expect_exit 3 "another key's checkpoint is refused" \
    audit verify-export "$TMP/exp" --checkpoint "$TMP/c1" --key "$TMP/ru.pub"
awk 'NR == 5 { c = substr($3, 21, 1) == "A" ? "B" : "A"; $3 = substr($3, 1, 20) c substr($3, 22) } { print }' \
    "$TMP/c1" >"$TMP/bad-sig"
expect_exit 3 "a checkpoint with a bad signature is refused" \
    audit verify-export "$TMP/exp" --checkpoint "$TMP/bad-sig" --key "$TMP/us.pub"
expect_err "as such" "bad signature by key 'us.example/registry'"
expect_exit 2 "the key is required" audit verify-export "$TMP/exp" --checkpoint "$TMP/c1"
expect_exit 3 "no cosignature by a witness who did not sign" \
    audit verify-export "$TMP/exp" --checkpoint "$TMP/c1" --key "$TMP/us.pub" --witness "$TMP/ru.pub"

expect_exit 0 "the other office cosigns the checkpoint" \
    audit witness "$TMP/c1" --key "$TMP/ru.key" --known "$TMP/c1" --log-key "$TMP/us.pub"
cp "$TMP/out" "$TMP/c1w"
expect_exit 0 "verify-export checks the cosignature too" \
    audit verify-export "$TMP/exp" --checkpoint "$TMP/c1w" --key "$TMP/us.pub" --witness "$TMP/ru.pub"
expect_out "and says so" "signature good, cosignature good, $n entries"

# tamper NAME: a copy of the export in $TMP/NAME to edit.
tamper() { rm -rf "$TMP/$1"; cp -r "$TMP/exp" "$TMP/$1"; }
verify_bad() { # WHAT DIR MESSAGE
    expect_exit 3 "$1" audit verify-export "$TMP/$2" --checkpoint "$TMP/c1" --key "$TMP/us.pub"
    expect_err "naming the entry: $3" "$3"
}

# --- The log.
tamper del
sed -i '40d' "$TMP/del/changelog.jsonl"
verify_bad "an entry deleted" del "change 40: $TMP/del/changelog.jsonl:40 holds change 41 in its place"
tamper reorder
awk 'NR == 50 { held = $0; next } { print } NR == 51 { print held }' \
    "$TMP/exp/changelog.jsonl" >"$TMP/reorder/changelog.jsonl"
verify_bad "two entries swapped" reorder "change 50: $TMP/reorder/changelog.jsonl:50 holds change 51"
tamper trunc
head -n $((n - 3)) "$TMP/exp/changelog.jsonl" >"$TMP/trunc/changelog.jsonl"
verify_bad "a truncated log" trunc "change $((n - 2)): missing: the export's log ends at change $((n - 3))"
tamper edit
last=$(grep -n '"entity":"posting","key":"T4"' "$TMP/exp/changelog.jsonl" | tail -n 1 | cut -d: -f1)
sed -i "${last}s/\"actor\":\"test\"/\"actor\":\"someone else\"/" "$TMP/edit/changelog.jsonl"
verify_bad "an entry reattributed" edit "change $last (posting 'T4'): hash does not match its content"
tamper backdate
sed -i "${last}s/\"recorded\":\"2021-12-04T/\"recorded\":\"2021-01-04T/" "$TMP/backdate/changelog.jsonl"
verify_bad "an entry backdated" backdate "change $last (posting 'T4'): hash does not match"
tamper noline
sed -i '7s/.*/{"seq":7}/' "$TMP/noline/changelog.jsonl"
verify_bad "a line that is no entry" noline "change 7: $TMP/noline/changelog.jsonl:7 is not a change-log entry"
tamper nolog
rm "$TMP/nolog/changelog.jsonl"
verify_bad "an export without its log" nolog "changelog.jsonl: No such file or directory"

# --- The records.
tamper rec
sed -i 's/^P3,Petrov,Ivan,/P3,Petrov,Ivan Ivanovich,/' "$TMP/rec/persons.csv"
p3=$(grep -n '"entity":"person","key":"P3"' "$TMP/exp/changelog.jsonl" | tail -n 1 | cut -d: -f1)
verify_bad "an edited record" rec "change $p3: person 'P3' differs from its last image in the log"
tamper forged
echo 'P99,Forger,Anna,F,1970-01-01,RUS,' >>"$TMP/forged/persons.csv"
verify_bad "a forged record" forged "person 'P99' is in the export but in no entry of the log"
tamper gone
grep -v '^T4,' "$TMP/exp/postings.csv" >"$TMP/gone/postings.csv"
t4=$(grep -n '"entity":"posting","key":"T4"' "$TMP/exp/changelog.jsonl" | tail -n 1 | cut -d: -f1)
verify_bad "a record removed" gone "change $t4: posting 'T4' is missing from the export"
tamper pol
sed -i 's/"limit": 1/"limit": 2/' "$TMP/pol/policies/cap.json"
verify_bad "an edited policy" pol "policy 'cap' differs from its last image"
tamper note
sed -i 's/"decided_by":"test"/"decided_by":"nobody"/' "$TMP/note/notifications.jsonl"
verify_bad "an edited notification" note "notification 'N000001' differs from its last image"
tamper staleimg
sed -i 's/^T4,\(.*\),2021-06-30,recalled,*$/T4,\1,,/' "$TMP/staleimg/postings.csv"
verify_bad "a record shown as before its last change" staleimg "change $t4: posting 'T4' differs"

# --- A registry truncated and its rows put back, or rewritten with every
# hash recomputed by chancery itself: the export is consistent in itself,
# but not with the checkpoint published before.
if sqlite_only; then # copies the SQLite file back; PostgreSQL has none
    cp "$CHANCERY_DB" "$TMP/honest.db"
    ch posting end T5 --on 2021-07-01 --reason recalled
    ch audit checkpoint --sign "$TMP/us.key"
    cp "$TMP/out" "$TMP/c2"
    cp "$TMP/honest.db" "$CHANCERY_DB"
    rm -f "$CHANCERY_DB.snapshot"
    expect_exit 0 "the truncated registry exports" export "$TMP/cut"
    expect_exit 3 "a truncated log with its rows restored fails the later checkpoint" \
        audit verify-export "$TMP/cut" --checkpoint "$TMP/c2" --key "$TMP/us.pub"
    expect_err "naming the first missing entry" "change $((n + 1)): missing"
    ch posting end T5 --on 2021-08-01 --reason recalled
    expect_exit 0 "a rewritten registry exports" export "$TMP/rewritten"
    expect_exit 3 "whose log no longer has the checkpoint's root" \
        audit verify-export "$TMP/rewritten" --checkpoint "$TMP/c2" --key "$TMP/us.pub"
    expect_err "which says so" "entries do not have the checkpoint's root hash"
    expect_exit 3 "an export longer than the checkpoint is not of it" \
        audit verify-export "$TMP/rewritten" --checkpoint "$TMP/c1" --key "$TMP/us.pub"
    expect_err "naming the first entry past it" "change $((n + 1)): the checkpoint has only $n entries"
fi

# An export as known on a past date carries the log up to that date.
CHANCERY_TODAY=2021-12-04 expect_exit 0 "export as known on a date" \
    --as-known-on 2021-12-03 export "$TMP/past"
if [ ! -s "$TMP/past/changelog.jsonl" ]; then ok "with the log as it was then: empty"; else
    not_ok "with the log as it was then: empty"; fi
done_testing
