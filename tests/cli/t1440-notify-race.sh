#!/bin/sh
# Two officers deciding the same notification at the same moment, in two
# processes: exactly one decision is recorded, the other gets the clean
# refusal (exit 1, "already decided"), and nothing is written twice.
# CHANCERY_TEST_PAUSE_COMMIT=FILE holds the first officer's decision just
# before its commit until FILE is removed; the second loads the registry
# meanwhile (the notification still submitted, as both see it) and waits
# for the write lock, so the race happens without timing.
. tests/cli/lib.sh
setup_small

# wait_for FILE [TEXT]: until FILE exists (and holds TEXT); 60 s at most.
wait_for() {
    i=0
    while [ $i -lt 1200 ]; do
        if [ -e "$1" ] && { [ $# -lt 2 ] || grep -qF -- "$2" "$1"; }; then return 0; fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# race ID DECISION GROUNDS DECISION2: the first officer's decision (with
# --grounds GROUNDS unless it is empty), held at its commit, and the
# second's, started meanwhile; sets rc1 and rc2.
race() {
    pause="$TMP/pause"
    set -- "$1" "$2" "$3" "$4"
    if [ -n "$3" ]; then
        CHANCERY_ACTOR=officer1 CHANCERY_TEST_PAUSE_COMMIT="$pause" "$CHANCERY" \
            notification decide "$1" "$2" --grounds "$3" >"$TMP/o1.out" 2>"$TMP/o1.err" &
    else
        CHANCERY_ACTOR=officer1 CHANCERY_TEST_PAUSE_COMMIT="$pause" "$CHANCERY" \
            notification decide "$1" "$2" >"$TMP/o1.out" 2>"$TMP/o1.err" &
    fi
    p1=$!
    wait_for "$pause" || not_ok "the first decision reaches its commit"
    CHANCERY_ACTOR=officer2 "$CHANCERY" notification decide "$1" "$4" \
        >"$TMP/o2.out" 2>"$TMP/o2.err" &
    p2=$!
    wait_for "$TMP/o2.err" "waiting for another writer" ||
        not_ok "the second decision waits for the first"
    rm -f "$pause"
    wait $p1; rc1=$?
    wait $p2; rc2=$?
}

printf '%s\n' '{"kind":"appointment","mission":"RUS-WAS","person":{"id":"P20","family_name":"Orlov"},
 "posting":{"id":"T20","rank":"attache","category":"diplomatic_agent","notified":"2021-06-01","arrived":"2021-06-10"},
 "justification":"a new post"}' >"$TMP/a.json"
expect_exit 0 "an appointment is submitted" notify "$TMP/a.json"
before=$("$CHANCERY" audit verify | sed -n 's/^verified \([0-9]*\) changes.*/\1/p')

race N000001 accept "" accept
if [ $rc1 -eq 0 ]; then ok "the first officer's acceptance is recorded"; else
    sed 's/^/# /' "$TMP/o1.err"; not_ok "the first officer's acceptance is recorded"; fi
if [ $rc2 -eq 1 ]; then ok "the second officer's exits 1"; else
    echo "# exit $rc2"; sed 's/^/# /' "$TMP/o2.err"; not_ok "the second officer's exits 1"; fi
if grep -qF "notification 'N000001' may be already decided" "$TMP/o2.err"; then
    ok "with the clean refusal"; else sed 's/^/# /' "$TMP/o2.err"; not_ok "with the clean refusal"; fi
expect_exit 0 "the notification" --format json notification show N000001
expect_out "was accepted" '"state": "accepted"'
expect_out "by the first officer" '"decided_by": "officer1"'
expect_exit 0 "its history" history notification N000001
n=$(grep -c "notification N000001 accepted" "$TMP/out")
if [ "$n" -eq 1 ]; then ok "holds one acceptance"; else echo "# $n"; not_ok "holds one acceptance"; fi
expect_exit 0 "the posting" --format csv posting list --person P20
n=$(grep -c "^T20," "$TMP/out")
if [ "$n" -eq 1 ]; then ok "is written once"; else not_ok "is written once"; fi
after=$("$CHANCERY" audit verify | sed -n 's/^verified \([0-9]*\) changes.*/\1/p')
# The acceptance wrote the person, the posting and the notification.
if [ "$after" -eq $((before + 3)) ]; then ok "one change set, nothing twice"; else
    echo "# $before -> $after"; not_ok "one change set, nothing twice"; fi
expect_exit 0 "the log verifies" audit verify

# A refusal against an acceptance: the refusal, first, stands.
sed 's/P20/P21/; s/T20/T21/' "$TMP/a.json" >"$TMP/b.json"
expect_exit 0 "another appointment is submitted" notify "$TMP/b.json"
race N000002 refuse "post not agreed" accept
if [ $rc1 -eq 0 ] && [ $rc2 -eq 1 ]; then ok "the refusal is recorded, the acceptance refused"; else
    echo "# exits $rc1 $rc2"; sed 's/^/# /' "$TMP/o2.err"; not_ok "the refusal is recorded, the acceptance refused"; fi
expect_exit 0 "the notification" --format json notification show N000002
expect_out "was refused" '"state": "refused"'
expect_out "on its grounds" '"grounds": "post not agreed"'
expect_exit 3 "its posting was never written" posting show T21

# Once decided, a later decision is refused before it writes anything.
CHANCERY_ACTOR=officer2 expect_exit 1 "a later decision" notification decide N000002 accept
expect_err "already decided" "notification 'N000002' already decided: refused by officer1"

done_testing
