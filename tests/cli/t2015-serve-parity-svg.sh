#!/bin/sh
# GET /api/v1/parity/{s1}/{s2}.svg: the parity chart as image/svg+xml,
# byte-equal to the file `chancery parity S1 S2 --svg FILE` writes with
# the same options (from, to, step, count, assume, as_known_on); a series
# only, so from and to are required; the JSON route beside it unchanged;
# a liaison only for pairs with its own state, as the JSON route.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }
add_user off offpw --role officer || not_ok "user add officer"
add_user lia liapw --role liaison --sending RUS || not_ok "user add liaison"
add_user liu liupw --role liaison --sending USA || not_ok "user add liaison of USA"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; cat "$TMP/serve.err"; exit 1; fi
T_officer=$(login off offpw)
T_liaison=$(login lia liapw)
T_other=$(login liu liupw)

# svg WHAT QUERY CHANCERY-ARGS...: the route's body is the command's file.
svg() {
    _what=$1 _query=$2
    shift 2
    rm -f "$TMP/cli.svg"
    "$CHANCERY" parity RUS USA "$@" --svg "$TMP/cli.svg" >/dev/null 2>&1
    req GET "/api/v1/parity/RUS/USA.svg?$_query" "$T_officer"
    if [ "$code" = 200 ] && [ -s "$TMP/cli.svg" ] && cmp -s "$TMP/cli.svg" "$TMP/body"; then ok "$_what"; else
        echo "# HTTP $code: $(head -c 200 "$TMP/body")"; not_ok "$_what"; fi
}

svg "parity.svg = parity --svg" "from=2016-01-01&to=2022-12-31" --from 2016-01-01 --to 2022-12-31
svg "parity.svg with step and count" "from=2016-01-01&to=2022-12-31&step=quarter&count=country" --from 2016-01-01 --to 2022-12-31 --step quarter --count country
svg "parity.svg with assume" "from=2021-01-01&to=2023-12-31&step=year&assume=us-compromise" --from 2021-01-01 --to 2023-12-31 --step year --assume us-compromise
svg "parity.svg as_known_on" "from=2016-01-01&to=2022-12-31&as_known_on=2017-06-30" --as-known-on 2017-06-30 --from 2016-01-01 --to 2022-12-31
if grep -q '<svg' "$TMP/body" && grep -q 'RUS' "$TMP/body"; then ok "the body is an SVG naming the states"; else not_ok "the body is an SVG naming the states"; fi
ctype=$(curl -s -o /dev/null -w '%{content_type}' -H "Authorization: Bearer $T_officer" "$URL/api/v1/parity/RUS/USA.svg?from=2016-01-01&to=2022-12-31")
case $ctype in image/svg+xml*) ok "the chart is image/svg+xml" ;; *) echo "# $ctype"; not_ok "the chart is image/svg+xml" ;; esac
same "the JSON route is unchanged beside it" "/api/v1/parity/RUS/USA?from=2016-01-01&to=2022-12-31" parity RUS USA --from 2016-01-01 --to 2022-12-31

req GET "/api/v1/parity/RUS/USA.svg" "$T_officer"
expect_code 400 "parity.svg without from and to is 400"
is_error_object && ok "as an error object" || not_ok "as an error object"
req GET "/api/v1/parity/RUS/USA.svg?from=2016-01-01&to=2022-12-31&as_of=2020-01-01" "$T_officer"
expect_code 400 "parity.svg takes no as_of (a chart is a series)"
req GET "/api/v1/parity/RUS/USA.svg?from=2022-01-01&to=2016-01-01" "$T_officer"
expect_code 400 "parity.svg with from after to is 400"
req GET "/api/v1/parity/RUS/USA.svg?from=2016-01-01&to=2022-12-31&count=both" "$T_officer"
expect_code 400 "parity.svg with a bad count is 400"
req GET "/api/v1/parity/RUS/XXX.svg?from=2016-01-01&to=2022-12-31" "$T_officer"
if [ "$code" -ge 400 ] && [ "$code" -lt 500 ]; then ok "parity.svg of an unknown state is 4xx ($code)"; else not_ok "parity.svg of an unknown state is 4xx ($code)"; fi
req GET "/api/v1/parity/RUS/USA.svg?from=2016-01-01&to=2022-12-31"
expect_code 401 "parity.svg needs a token"
req GET "/api/v1/parity/RUS/USA.svg?from=2016-01-01&to=2022-12-31" "$T_liaison"
expect_code 200 "a liaison of RUS gets the chart of RUS and USA"
req GET "/api/v1/parity/RUS/POL.svg?from=2016-01-01&to=2022-12-31" "$T_other"
expect_code 404 "a liaison of USA gets no chart of RUS and POL"
req GET "/api/v1/parity/RUS/.svg?from=2016-01-01&to=2022-12-31" "$T_officer"
expect_code 400 "an empty state before .svg is no chart: the JSON route names '.svg'"
expect_body "as an unknown state" "unknown state '.svg'"

serve_stop
if [ "$serve_rc" -eq 0 ]; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit 0 ($serve_rc)"; fi
done_testing
