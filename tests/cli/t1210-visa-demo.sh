#!/bin/sh
# Visas and consular services on the demo registry (data/demo/README.md,
# "Visas and consular services"): where Russians could apply for US
# nonimmigrant visas in December 2021 (any US post abroad) and in October
# 2025 (Warsaw or Astana); the 18 delegates to UNGA74 never issued; the
# 56 of UNGA77 with no visa on 1 September 2022; the report and check.
. tests/cli/lib.sh

ch demo || { echo "not ok - demo failed"; cat "$TMP/err"; exit 1; }

expect_not_out() {
    if grep -qF -- "$2" "$TMP/out"; then
        echo "# stdout has: $2"; not_ok "$1"; else ok "$1"; fi
}

expect_exit 0 "where on 2021-12-04" consular where --nationality RUS \
    --service nonimmigrant_visa --as-of 2021-12-04 --format csv
expect_out "Moscow is closed to them" \
    "USA,USA-RUS-EMB,Moscow,RUS,suspended,,\"home post, not taking this service\""
expect_out "any US post abroad will do" "USA,*,,,open,,any other post abroad (none designated)"
expect_not_out "no designated post yet" "designated for this nationality"
expect_exit 0 "where on 2025-10-01" consular where --nationality RUS \
    --service nonimmigrant_visa --as-of 2025-10-01 --format csv
expect_out "Warsaw" "USA,USA-POL-EMB,Warsaw,POL,limited,,designated for this nationality"
expect_out "Astana" "USA,USA-KAZ-EMB,Astana,KAZ,open,30,designated for this nationality"
expect_not_out "no longer any post" "USA,*,"
expect_exit 0 "immigrant visas from 2021-10-21: Warsaw" consular where \
    --nationality RUS --service immigrant_visa --as-of 2021-12-04 --format csv
expect_out "IV: Warsaw designated" "USA-POL-EMB,Warsaw,POL,open,,designated for this nationality"
expect_exit 0 "consular status" consular status --as-of 2021-12-04 --post USA-RUS-EMB --format csv
expect_out "Moscow: NIV and IV suspended, diplomatic open" "USA-RUS-EMB,Moscow,RUS,suspended,suspended,open,"

expect_exit 0 "UNGA74 delegates never issued" visa list --purpose delegate \
    --outcome pending --applied-from 2019-01-01 --applied-to 2019-12-31 --format csv
if [ "$(($(wc -l <"$TMP/out") - 1))" -eq 18 ]; then ok "18 of them"; else
    not_ok "18 of them"; fi
expect_exit 0 "UNGA77 as of 2022-09-01" visa stats --purpose delegate \
    --from 2022-01-01 --as-of 2022-09-01 --format csv
expect_out "56 applied, none decided" "all,56,0,0,0,56,"
expect_exit 0 "UNGA77 as of 2022-09-13" visa stats --purpose delegate \
    --from 2022-01-01 --as-of 2022-09-13 --format csv
expect_out "24 issued on 13 September" "all,56,24,0,0,32,"
expect_exit 0 "stats by year" visa stats --issuing USA --by year --as-of 2021-12-04 --format csv
expect_out "a total row" "total,"
expect_exit 0 "the UN report" visa report --un --issuing USA --from 2019-01-01 \
    --to 2022-12-31 --as-of 2022-12-31 --html "$TMP/un.html"
if grep -q "<svg" "$TMP/un.html" && grep -q "RUS (" "$TMP/un.html"; then
    ok "the report's chart"; else not_ok "the report's chart"; fi
expect_exit 0 "check finds UN visas overdue" check --as-of 2021-12-04 --issuer USA --format csv
expect_out "a delegate of UNGA74" "usa-un-visa-sla:V"
expect_out "visa findings" ",visa_overdue,visa V"

done_testing
