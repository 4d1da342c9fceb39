#!/bin/sh
# Data-driven rule tests (jq's jq.test, curl's tests/data): runs one
# FILE.test and prints TAP, one line per step.
#
# Usage: sh tests/rules/run.sh FILE.test   (CHANCERY names the binary)
#
# A .test file is a sequence of sections, each starting with a line
# "-- NAME [ARGS]"; lines starting with "#" are comments, everywhere.
#
#   -- missions.csv     registry files, as in a registry directory:
#   -- persons.csv      missions.csv, persons.csv, postings.csv,
#   -- postings.csv     dependents.csv, and policies.json (one policy
#   -- dependents.csv   object or an array of them). Sections before the
#   -- policies.json    first case are the file's defaults; a case's own
#                       section of the same name replaces the default.
#
#   == NAME             starts a case: a fresh registry (init, then import
#                       of the case's files) that its steps run against.
#
#   -- check ARGS       a step: runs `chancery check ARGS --format csv` and
#                       expects exactly the section's lines, each
#                       "id,kind,deadline,overdue" (in check's order: overdue
#                       first, then by deadline). No lines: no finding.
#   -- check-csv ARGS   the same, expecting whole CSV rows (header apart):
#                       id,policy,kind,subject,deadline,overdue,detail.
#   -- explain ARGS     runs `chancery explain ARGS`; each line of the
#                       section must appear in its output (white space
#                       runs, line breaks included, count as one space).
#
# Each step is one TAP test, "ok N - FILE: CASE: STEP". "Today" is pinned.
set -u
export TZ=UTC LC_ALL=C
export CHANCERY_TODAY=${CHANCERY_TODAY:-2021-12-04}
export CHANCERY_ACTOR=test
: "${CHANCERY:?CHANCERY must name the binary}"
test_file=${1:?usage: run.sh FILE.test}
name=$(basename "$test_file" .test)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
n_test=0

# Splits the test file into $WORK/default/ (the file's default registry
# files) and $WORK/case-NNN/ (name, files/, and steps NNN.cmd + NNN.want).
split_file() {
    awk -v work="$WORK" '
    # Blank lines are held back until more text follows in the same
    # section, so the blank lines between sections belong to none.
    function open_out(path) {
        if (out != "") close(out)
        out = path; blanks = 0; printf "" > out
    }
    /^#/ { next }
    /^$/ { blanks++; next }
    /^== / {
        ncase++; step = 0
        dir = sprintf("%s/case-%03d", work, ncase)
        system("mkdir -p " dir "/files " dir "/steps")
        print substr($0, 4) > (dir "/name"); close(dir "/name")
        if (out != "") close(out)
        out = ""; next
    }
    /^-- / {
        sect = $2
        if (sect == "check" || sect == "check-csv" || sect == "explain") {
            if (!ncase) { print "a step before the first case" > "/dev/stderr"; exit 1 }
            step++
            cmd = sprintf("%s/steps/%03d.cmd", dir, step)
            print substr($0, 4) > cmd; close(cmd)
            open_out(sprintf("%s/steps/%03d.want", dir, step))
        } else if (ncase) {
            open_out(dir "/files/" sect)
        } else {
            system("mkdir -p " work "/default")
            open_out(work "/default/" sect)
        }
        next
    }
    out != "" {
        for (; blanks > 0; blanks--) print "" >> out
        print >> out
    }
    ' "$test_file"
}

ok() {
    n_test=$((n_test + 1))
    echo "ok $n_test - $1"
}

not_ok() {
    n_test=$((n_test + 1))
    echo "not ok $n_test - $1"
    [ -n "${2:-}" ] && sed 's/^/# /' "$2" | head -n 40
}

# A registry with the reference data, made once and copied for each case.
make_template() {
    CHANCERY_DB="$WORK/template.db" "$CHANCERY" init >/dev/null 2>"$WORK/init.err" || {
        echo "Bail out! init failed: $(cat "$WORK/init.err")"
        exit 1
    }
}

# build_case DIR: the case's registry in DIR/reg and database DIR/test.db.
build_case() {
    mkdir -p "$1/reg/policies"
    [ -d "$WORK/default" ] && cp "$WORK/default/"* "$1/reg/" 2>/dev/null
    cp "$1/files/"* "$1/reg/" 2>/dev/null
    [ -f "$1/reg/policies.json" ] && mv "$1/reg/policies.json" "$1/reg/policies/"
    cp "$WORK/template.db" "$1/test.db"
    CHANCERY_DB="$1/test.db" ${VALGRIND:-} "$CHANCERY" import "$1/reg" \
        >"$1/import.out" 2>&1
}

# run_step CASEDIR STEP: runs one step; prints its TAP line.
run_step() {
    cmd=$(cat "$2.cmd")
    what="$name: $(cat "$1/name"): $cmd"
    set -- "$1" "$2" $cmd
    dir=$1 step=$2 verb=$3
    shift 3
    case $verb in
    explain) fmt=table ;;
    *) fmt=csv ;;
    esac
    CHANCERY_DB="$dir/test.db" ${VALGRIND:-} "$CHANCERY" \
        "${verb%-csv}" "$@" --format "$fmt" >"$step.out" 2>"$step.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
        not_ok "$what (exit $rc)" "$step.err"
        return
    fi
    check_output "$verb" "$step" "$what"
}

# check_output VERB STEP WHAT: compares STEP.out with STEP.want.
check_output() {
    case $1 in
    check) tail -n +2 "$2.out" | cut -d, -f1,3,5,6 >"$2.got" ;;
    check-csv) tail -n +2 "$2.out" >"$2.got" ;;
    explain)
        tr -s ' \n' '  ' <"$2.out" >"$2.got"
        while IFS= read -r line; do
            want=$(printf '%s' "$line" | tr -s ' ' ' ')
            [ -z "$want" ] && continue
            if ! grep -qF -- "$want" "$2.got"; then
                echo "explain lacks: $want" >"$2.diff"
                cat "$2.out" >>"$2.diff"
                not_ok "$3" "$2.diff"
                return
            fi
        done <"$2.want"
        ok "$3"
        return
        ;;
    esac
    if diff "$2.want" "$2.got" >"$2.diff"; then ok "$3"; else not_ok "$3" "$2.diff"; fi
}

split_file || { echo "Bail out! cannot read $test_file"; exit 1; }
make_template
for dir in "$WORK"/case-*; do
    [ -d "$dir" ] || continue
    if ! build_case "$dir"; then
        for step in "$dir"/steps/*.cmd; do
            not_ok "$name: $(cat "$dir/name"): import failed" "$dir/import.out"
        done
        continue
    fi
    for step in "$dir"/steps/*.cmd; do
        [ -f "$step" ] && run_step "$dir" "${step%.cmd}"
    done
done
echo "1..$n_test"
