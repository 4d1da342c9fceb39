#!/bin/sh
# Help that teaches, from one source (issue 10): every command and
# subcommand that `chancery --help` lists answers --help with every option
# of its synopsis described, the global options and two examples; --assume
# lists the conditions the recorded policies name; and the man page
# chancery.1, written from the same tables, renders without a warning.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

expect_exit 0 "chancery --help" --help
cp "$TMP/out" "$TMP/usage"
# The command lines of the usage: "  chancery NAME [SUB] ..." lines.
awk '$1 == "chancery" { c = $2; if ($3 ~ /^[a-z][a-z-]*$/) c = c " " $3; print c }' \
    "$TMP/usage" | sort -u >"$TMP/commands"
n=$(wc -l <"$TMP/commands")
if [ "$n" -ge 40 ]; then ok "the usage lists every command ($n)"; else
    not_ok "the usage lists every command ($n)"; fi
for c in init import export demo "mission list" "person add" "posting end" \
    "dependent revoke" roster headcount "policy retire" check explain parity \
    plan "visa report" "consular where" forecast history "audit verify"; do
    if grep -qx "$c" "$TMP/commands"; then ok "usage lists '$c'"; else
        not_ok "usage lists '$c'"; fi
done

while read -r cmd; do
    # shellcheck disable=SC2086 # a command may be two words
    ch $cmd --help
    if [ "$ch_rc" -ne 0 ]; then not_ok "$cmd --help exits 0"; continue; fi
    missing=""
    # Every option of the synopsis line has its own entry below.
    for o in $(sed -n 1p "$TMP/out" | grep -o -- '--[a-z-]*'); do
        grep -q -- "^  $o\( \|$\)" "$TMP/out" || missing="$missing $o"
    done
    for o in --db --format --as-known-on --actor; do
        grep -q -- "^  $o " "$TMP/out" || missing="$missing $o"
    done
    if [ -z "$missing" ]; then ok "$cmd --help describes every option"; else
        echo "# missing:$missing"; not_ok "$cmd --help describes every option"; fi
    if [ "$(grep -c '^  chancery ' "$TMP/out")" -eq 2 ]; then
        ok "$cmd --help gives two examples"; else
        not_ok "$cmd --help gives two examples"; fi
done <"$TMP/commands"

# expect_flat WHAT TEXT: the last stdout, its lines joined, contains TEXT.
expect_flat() {
    if tr '\n' ' ' <"$TMP/out" | tr -s ' ' | grep -qF -- "$2"; then ok "$1"
    else echo "# stdout lacks: $2"; not_ok "$1"; fi
}

expect_exit 0 "headcount --help" headcount --help
expect_flat "the values of --by" "Values: category, mission."
expect_out "the default of --as-of" "Default: today."
expect_out "an example" "chancery headcount --sending RUS"
expect_exit 0 "check --help" check --help
expect_flat "--assume lists the conditions" \
    "Conditions named by the recorded policies: us-compromise."
expect_exit 0 "a family's help lists its subcommands" posting --help
expect_out "posting end" "chancery posting end ID"
expect_exit 2 "a family without a subcommand" posting

# The man page.
expect_exit 0 "chancery --man" --man
cp "$TMP/out" "$TMP/chancery.1"
for c in "headcount" "posting end ID" "visa report"; do
    if grep -q "^\.SS \"$(echo "$c" | sed 's/-/\\\\-/g')" "$TMP/chancery.1"; then
        ok "the man page has '$c'"; else not_ok "the man page has '$c'"; fi
done
if command -v groff >/dev/null 2>&1; then
    if groff -man -Tutf8 -ww "$TMP/chancery.1" 2>"$TMP/err" >"$TMP/out" &&
        [ ! -s "$TMP/err" ]; then ok "the man page renders without a warning"
    else not_ok "the man page renders without a warning"; fi
    expect_out "rendered: the name line" "chancery - the registry of foreign missions"
else
    ok "# SKIP groff is not installed"
fi
if [ -f "$TOP/chancery.1" ]; then
    if cmp -s "$TOP/chancery.1" "$TMP/chancery.1"; then
        ok "the built chancery.1 is the program's"; else
        not_ok "the built chancery.1 is the program's"; fi
fi

done_testing
