#!/bin/sh
# publish diplomatic-list|consular-list: the states in alphabetical order of
# their short names, each mission open on the date with its staff present
# (head first, then rank, then arrival), the spouse in the household, and
# the order of precedence of the heads of mission; as table, CSV, JSON and
# an HTML document with every string escaped. A bad host is invalid input
# (exit 3), a bad date a usage error (exit 2).
. tests/cli/lib.sh

ch init || { echo "not ok - init failed"; exit 1; }
mkdir -p "$TMP/reg"
cat >"$TMP/reg/missions.csv" <<'CSV'
id,name,sending,host,country,city,kind,opened,closed
RUS-WAS,Embassy of Russia,RUS,USA,USA,Washington,embassy,1992-01-01,
DEU-WAS,Embassy of Germany,DEU,USA,USA,Washington,embassy,1955-01-01,
AUT-WAS,Embassy of Austria <&> Co,AUT,USA,USA,Washington,embassy,1955-01-01,
FRA-WAS,Embassy of France,FRA,USA,USA,Washington,embassy,1955-01-01,2021-11-01
RUS-NYC,Consulate General of Russia,RUS,USA,USA,New York,consulate_general,1992-01-01,
USA-MOW,Embassy of the United States,USA,RUS,RUS,Moscow,embassy,1992-01-01,
CSV
cat >"$TMP/reg/persons.csv" <<'CSV'
id,family_name,given_names,sex,birth_date,nationality,passport
P1,Antonov,Anatoly,M,1955-05-15,RUS,
P2,Ivanova,Olga,F,1980-02-29,RUS,
P3,Haber,Emily,F,1956-01-01,DEU,
P4,"O'Brien <b>",Sean,M,1960-01-01,AUT,
P5,Antonova,Elena,F,,RUS,
P6,Martin,Paul,M,,FRA,
P7,Petrov,Ivan,M,,RUS,
P8,Sullivan,John,M,,USA,
CSV
cat >"$TMP/reg/postings.csv" <<'CSV'
id,person,mission,title,rank,category,head_of_mission,notified,arrived,accredited,refused,ended,end_reason,credentials
T1,P1,RUS-WAS,Ambassador,ambassador,diplomatic_agent,true,2017-08-01,2017-08-21,2017-08-22,,,,2017-09-05
T2,P2,RUS-WAS,Second Secretary,second_secretary,diplomatic_agent,false,2018-12-01,2018-12-10,2018-12-11,,,,
T3,P3,DEU-WAS,Ambassador,ambassador,diplomatic_agent,true,2018-05-01,2018-06-01,,,,,2018-06-04
T4,P4,AUT-WAS,Chargé d'affaires a.i. <i>,counselor,diplomatic_agent,true,2019-01-01,2019-01-10,,,,,
T6,P6,FRA-WAS,Ambassador,ambassador,diplomatic_agent,true,2014-01-01,2014-02-01,,,2021-11-01,other,2014-02-10
T7,P7,RUS-NYC,Consul General,consul_general,consular_officer,true,2019-01-01,2019-02-01,,,,,2019-02-15
T8,P8,USA-MOW,Ambassador,ambassador,diplomatic_agent,true,2019-12-01,2019-12-20,,,,,2020-01-10
CSV
cat >"$TMP/reg/dependents.csv" <<'CSV'
person,posting,relation,joined,left,accredited,revoked
P5,T1,spouse,2017-08-21,,2017-08-22,
CSV
ch import "$TMP/reg" || { echo "not ok - import failed"; cat "$TMP/err"; exit 1; }

expect_exit 0 "diplomatic list as a table" publish diplomatic-list --host USA --as-of 2021-12-04
expect_out "the title names the host and date" "Diplomatic List of USA on 2021-12-04"
ch audit verify
head=$(sed -n 's/^verified \([0-9]*\) changes.*/\1/p' "$TMP/out")
ch audit checkpoint
root=$(sed -n 3p "$TMP/out")
ch publish diplomatic-list --host USA --as-of 2021-12-04
expect_out "and the checkpoint it was made from: size and root" "(checkpoint: $head entries, root $root)"
ch publish diplomatic-list --host USA --as-of 2021-12-04 >/dev/null
cp "$TMP/out" "$TMP/list1"
ch publish diplomatic-list --host USA --as-of 2021-12-04
expect_same "the same list twice: the same bytes" "$TMP/list1" "$TMP/out"
expect_out "the spouse is named" "Anatoly Antonov"
ch publish diplomatic-list --host USA --as-of 2021-12-04 --format csv
cat >"$TMP/want" <<'CSV'
state,mission,posting,name,title,rank,spouse
Austria,AUT-WAS,T4,Sean O'Brien <b>,Chargé d'affaires a.i. <i>,counselor,
Germany,DEU-WAS,T3,Emily Haber,Ambassador,ambassador,
Russian Federation,RUS-WAS,T1,Anatoly Antonov,Ambassador,ambassador,Elena Antonova
Russian Federation,RUS-WAS,T2,Olga Ivanova,Second Secretary,second_secretary,

order,posting,name,mission,sending,class,rank,credentials
1,T1,Anatoly Antonov,RUS-WAS,RUS,ambassador,ambassador,2017-09-05
2,T3,Emily Haber,DEU-WAS,DEU,ambassador,ambassador,2018-06-04
3,T4,Sean O'Brien <b>,AUT-WAS,AUT,charge_d_affaires,counselor,
CSV
expect_same "CSV: states by name, head first, precedence by class and date" "$TMP/want" "$TMP/out"

ch publish diplomatic-list --host USA --as-of 2021-12-04 --format json
if command -v jq >/dev/null; then
    shape=$(jq -c '[keys_unsorted, (.missions[0] | keys_unsorted), (.missions[0].staff[0] | keys_unsorted), (.precedence[0] | keys_unsorted)]' "$TMP/out")
    if [ "$shape" = '[["host","as_of","as_known_on","checkpoint","missions","precedence"],["mission","sending","name","staff"],["posting","name","title","rank","spouse"],["posting","mission","sending","rank","credentials"]]' ]; then
        ok "JSON has the documented shape"; else echo "# shape: $shape"; not_ok "JSON has the documented shape"; fi
    got=$(jq -r '[.host, .as_of, (.as_known_on | tostring), (.missions | map(.mission) | join(" ")), (.precedence | map(.posting + "=" + (.credentials // "none")) | join(" ")), .missions[2].staff[0].spouse, (.missions[2].staff[1].spouse | tostring)] | join("|")' "$TMP/out")
    if [ "$got" = "USA|2021-12-04|null|AUT-WAS DEU-WAS RUS-WAS|T1=2017-09-05 T3=2018-06-04 T4=none|Elena Antonova|null" ]; then
        ok "JSON values"; else echo "# got: $got"; not_ok "JSON values"; fi
else
    expect_out "JSON names the host" '"host": "USA"'
    expect_out "JSON's as_known_on is null" '"as_known_on": null'
fi
# The JSON names the checkpoint the list was made from, as the table does.
expect_out "JSON names the checkpoint's size" "\"size\": $head"
expect_out "and its root" "\"root\": \"$root\""

# The closed French embassy and its ended ambassador are gone; they were on
# the list before.
expect_exit 0 "a list of an earlier date" publish diplomatic-list --host USA --as-of 2021-06-01 --format csv
expect_out "the French ambassador led on that date" "1,T6,Paul Martin,FRA-WAS,FRA,ambassador,ambassador,2014-02-10"

expect_exit 0 "as known on a date" --as-known-on 2021-12-04 publish diplomatic-list --host USA --format json
expect_out "as_known_on is given" '"as_known_on": "2021-12-04"'

expect_exit 0 "consular list" publish consular-list --host USA --as-of 2021-12-04 --format csv
expect_out "the consul general is listed" "Russian Federation,RUS-NYC,T7,Ivan Petrov,Consul General,consul_general,"
expect_out "and heads the consular precedence" "1,T7,Ivan Petrov,RUS-NYC,RUS,consul_general,consul_general,2019-02-15"
if grep -q "DEU-WAS" "$TMP/out"; then not_ok "embassies without consular officers are not listed"
else ok "embassies without consular officers are not listed"; fi

expect_exit 0 "the other host" publish diplomatic-list --host RUS --as-of 2021-12-04 --format csv
expect_out "lists the US ambassador" "United States,USA-MOW,T8,John Sullivan,Ambassador,ambassador,"

expect_exit 0 "HTML document" publish diplomatic-list --host USA --as-of 2021-12-04 --html "$TMP/dl.html"
if [ -s "$TMP/dl.html" ]; then ok "the HTML file is written"; else not_ok "the HTML file is written"; fi
expect_out "the list is printed as well" "Order of precedence"
if grep -qF "at checkpoint $head (root hash $root)." "$TMP/dl.html"; then ok "the HTML names the checkpoint"; else
    not_ok "the HTML names the checkpoint"; fi
if grep -qF '@page' "$TMP/dl.html" && grep -qF 'size: A4' "$TMP/dl.html"; then
    ok "HTML has an A4 print stylesheet"; else not_ok "HTML has an A4 print stylesheet"; fi
if grep -qF 'Embassy of Austria &lt;&amp;&gt; Co' "$TMP/dl.html" &&
    grep -qF "O'Brien &lt;b&gt;" "$TMP/dl.html"; then
    ok "HTML escapes registry strings"; else not_ok "HTML escapes registry strings"; fi
if grep -qF '<b>' "$TMP/dl.html" || grep -qF '<i>' "$TMP/dl.html" || grep -qF '<&>' "$TMP/dl.html"; then
    not_ok "no registry markup survives"; else ok "no registry markup survives"; fi
if grep -qF 'href="#s-AUT"' "$TMP/dl.html" && grep -qF 'id="precedence"' "$TMP/dl.html"; then
    ok "HTML has contents by state and the precedence"; else not_ok "HTML has contents by state and the precedence"; fi
expect_exit 0 "HTML as known on" --as-known-on 2021-12-04 publish diplomatic-list --host USA --as-of 2021-12-04 --html "$TMP/dl2.html"
if grep -qF 'as known on 4 December 2021' "$TMP/dl2.html"; then ok "HTML header names the as-known-on date"; else
    not_ok "HTML header names the as-known-on date"; fi
expect_exit 1 "an unwritable HTML path" publish diplomatic-list --host USA --html "$TMP/nowhere/dl.html"

expect_exit 3 "an unknown host" publish diplomatic-list --host XXX
expect_err "is named" "--host: unknown state 'XXX'"
expect_exit 2 "a bad date" publish diplomatic-list --host USA --as-of 2021-02-30
expect_err "names the option" "--as-of: invalid date '2021-02-30'"
expect_exit 2 "--host is required" publish diplomatic-list
expect_exit 2 "no extra operands" publish diplomatic-list --host USA extra
expect_exit 2 "an unknown list" publish telephone-list --host USA
expect_exit 0 "--help" publish consular-list --help
expect_out "usage" "usage: chancery publish consular-list --host H"

done_testing
