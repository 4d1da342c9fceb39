#!/bin/sh
# make demo, after `chancery demo`: one account per role of the web pages
# (officer, two liaisons, analyst, auditor) on the demo database, made once
# (an account already there is kept), and how to open the interface.
# The passwords are the demo's, printed here: never use them elsewhere.
set -u
CH=${CHANCERY:-./chancery}
add() { # NAME ROLE [SCOPE...]
    name=$1
    shift
    if ! "$CH" user list --format csv 2>/dev/null | grep -q "^$name,"; then
        printf '%s\n' "$name-demo" | "$CH" user add "$name" --role "$@" >/dev/null ||
            exit 1
    fi
}
add officer officer
add rus-embassy liaison --sending RUS
add usa-embassy liaison --sending USA
add analyst analyst
add auditor auditor
cat <<'TEXT'

The web interface: run `./chancery serve` and open http://127.0.0.1:8080/
(the Diplomatic List, the consular list and where to apply need no
account). Demo accounts, password NAME-demo:
  officer       officer  inbox, decisions, docket, missions, policies
  rus-embassy   liaison  the Russian missions' staff and notifications
  usa-embassy   liaison  the US missions'
  analyst       analyst  parity, headcount, visa statistics, UN report
  auditor       auditor  change log, history, verification
TEXT
