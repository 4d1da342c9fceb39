/*
 * Unit tests for base/date: civil dates, ISO 8601 periods, period
 * arithmetic with its three roundings, differences and "today".
 *
 * The calendar is checked against itself without trusting the algorithm:
 * every day of years 0001-9999 is walked, and each must follow the one
 * before it (next day of the month, or the first of the next month).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>

#include "base/date.h"

static int32_t day_of(const char *text)
{
    struct err e = { 0 };
    int32_t d = 0;

    if (date_parse(text, &d, &e) != ST_OK)
        fail_msg("date_parse(\"%s\"): %s", text, e.msg);
    return d;
}

static struct period period_of(const char *text)
{
    struct err e = { 0 };
    struct period p = { 0, 0, 0 };

    if (period_parse(text, &p, &e) != ST_OK)
        fail_msg("period_parse(\"%s\"): %s", text, e.msg);
    return p;
}

static void expect_add(const char *from, const char *period,
                       enum rounding rounding, const char *want)
{
    struct period p = period_of(period);
    struct err e = { 0 };
    char got[DATE_BUF];
    int32_t out = 0;

    assert_int_equal(date_add_period(day_of(from), &p, rounding, &out, &e),
                     ST_OK);
    date_format(out, got);
    assert_string_equal(got, want);
}

static void expect_add_error(const char *from, const char *period,
                             enum rounding rounding, enum status status,
                             const char *msg)
{
    struct period p = period_of(period);
    struct err e = { 0 };
    int32_t out = 12345;

    assert_int_equal(date_add_period(day_of(from), &p, rounding, &out, &e),
                     status);
    assert_int_equal(e.status, status);
    assert_string_equal(e.msg, msg);
    assert_int_equal(out, 12345);
}

static void expect_diff(const char *from, const char *to, const char *want)
{
    struct period p = date_diff(day_of(from), day_of(to));
    char got[PERIOD_BUF];

    period_format(&p, got);
    assert_string_equal(got, want);
}

/* Checks that day follows prev in the calendar, from their (y, m, d). */
static void check_next_day(int py, int pm, int pd, int y, int m, int d)
{
    int same_month = y == py && m == pm && d == pd + 1;
    int next_month =
        d == 1 && pd == date_days_in_month(py, pm) &&
        ((y == py && m == pm + 1) || (y == py + 1 && m == 1 && pm == 12));

    if (!same_month && !next_month)
        fail_msg("%04d-%02d-%02d follows %04d-%02d-%02d", y, m, d, py, pm, pd);
}

static void check_one_day(int32_t day, char *text)
{
    int y, m, d;
    int32_t back = 0;

    date_to_ymd(day, &y, &m, &d);
    if (!date_valid_ymd(y, m, d) || date_from_ymd(y, m, d) != day)
        fail_msg("day %ld: %04d-%02d-%02d", (long)day, y, m, d);
    date_format(day, text);
    if (date_parse(text, &back, NULL) != ST_OK || back != day)
        fail_msg("day %ld: '%s' parses back to %ld", (long)day, text,
                 (long)back);
}

static void test_round_trip_every_day(void **state)
{
    int32_t first = date_from_ymd(1, 1, 1), last = date_from_ymd(9999, 12, 31);
    int py = 0, pm = 12, pd = 31;
    char text[DATE_BUF];

    (void)state;
    for (int32_t day = first; day <= last; day++) {
        int y, m, d;

        check_one_day(day, text);
        date_to_ymd(day, &y, &m, &d);
        check_next_day(py, pm, pd, y, m, d);
        if (date_weekday(day) != (date_weekday(day - 1) + 1) % 7)
            fail_msg("weekday of %s", text);
        py = y, pm = m, pd = d;
    }
    assert_string_equal(text, "9999-12-31");
    assert_int_equal(last - first + 1, 3652059);
}

static void test_anchors(void **state)
{
    char text[DATE_BUF];

    (void)state;
    assert_int_equal(day_of("1970-01-01"), 0);
    assert_int_equal(day_of("1969-12-31"), -1);
    assert_int_equal(day_of("2000-03-01"), 11017);
    assert_int_equal(day_of("2021-12-04"), 18965);
    assert_int_equal(day_of("0001-01-01"), -719162);
    assert_int_equal(day_of("9999-12-31"), 2932896);
    assert_int_equal(date_from_ymd(2000, 3, 1), 11017);
    date_format(18965, text);
    assert_string_equal(text, "2021-12-04");
    date_format(DATE_NONE, text);
    assert_string_equal(text, "");
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_int_equal(date_days_in_month(1900, 2), 28);
    assert_int_equal(date_days_in_month(2000, 2), 29);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2023, 2), 28);
    assert_int_equal(date_days_in_month(2100, 2), 28);
    assert_int_equal(date_days_in_month(2021, 4), 30);
    assert_int_equal(date_days_in_month(2021, 13), 0);
    assert_false(date_valid_ymd(1900, 2, 29));
    assert_true(date_valid_ymd(2000, 2, 29));
    assert_true(date_valid_ymd(2024, 2, 29));
    assert_false(date_valid_ymd(0, 1, 1));
    assert_false(date_valid_ymd(10000, 1, 1));
    assert_int_equal(day_of("2025-01-01") - day_of("2024-01-01"), 366);
    assert_int_equal(day_of("1901-01-01") - day_of("1900-01-01"), 365);
}

static void test_parse_rejects(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "2021-02-30",
          "invalid date '2021-02-30': february 2021 has 28 days" },
        { "2019-02-29",
          "invalid date '2019-02-29': february 2019 has 28 days" },
        { "1900-02-29",
          "invalid date '1900-02-29': february 1900 has 28 days" },
        { "2021-04-31", "invalid date '2021-04-31': april 2021 has 30 days" },
        { "2021-13-01", "invalid date '2021-13-01': there is no month 13" },
        { "2021-00-10", "invalid date '2021-00-10': there is no month 00" },
        { "2021-01-00", "invalid date '2021-01-00': there is no day 00" },
        { "0000-01-01",
          "invalid date '0000-01-01': years run from 0001 to 9999" },
        { "2021-1-01", "invalid date '2021-1-01': expected YYYY-MM-DD" },
        { "2021-01-1", "invalid date '2021-01-1': expected YYYY-MM-DD" },
        { "21-2-3", "invalid date '21-2-3': expected YYYY-MM-DD" },
        { "2021-01-01x", "invalid date '2021-01-01x': expected YYYY-MM-DD" },
        { "2021-01-01\n", "invalid date '2021-01-01\n': expected YYYY-MM-DD" },
        { "", "invalid date '': expected YYYY-MM-DD" },
        { " 2021-01-01", "invalid date ' 2021-01-01': expected YYYY-MM-DD" },
        { "2021/01/01", "invalid date '2021/01/01': expected YYYY-MM-DD" },
        { "+021-01-01", "invalid date '+021-01-01': expected YYYY-MM-DD" },
        { "20210101", "invalid date '20210101': expected YYYY-MM-DD" },
        { "2021-01-01T00:00",
          "invalid date '2021-01-01T00:00': expected YYYY-MM-DD" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct err e = { 0 };
        int32_t out = 42;

        assert_int_equal(date_parse(cases[i].text, &out, &e), ST_INVALID);
        assert_int_equal(e.status, ST_INVALID);
        assert_string_equal(e.msg, cases[i].msg);
        assert_int_equal(out, 42);
    }
    assert_int_equal(date_parse("2021-02-30", &(int32_t){ 0 }, NULL),
                     ST_INVALID);
}

static void test_add_month_ends(void **state)
{
    (void)state;
    expect_add("2021-01-31", "P1M", ROUND_DOWN, "2021-02-28");
    expect_add("2021-01-31", "P1M", ROUND_UP, "2021-03-01");
    expect_add_error("2021-01-31", "P1M", ROUND_ABORT, ST_AMBIGUOUS,
                     "2021-01-31 + P1M: 2021-02-31 does not exist");
    expect_add("2021-03-31", "P1M", ROUND_UP, "2021-05-01");
    expect_add("2021-01-28", "P1M", ROUND_ABORT, "2021-02-28");
    expect_add_error("2021-01-30", "P1M", ROUND_ABORT, ST_AMBIGUOUS,
                     "2021-01-30 + P1M: 2021-02-30 does not exist");
}

static void test_add_leap_day(void **state)
{
    (void)state;
    expect_add("2020-02-29", "P3Y", ROUND_DOWN, "2023-02-28");
    expect_add("2020-02-29", "P3Y", ROUND_UP, "2023-03-01");
    expect_add_error("2020-02-29", "P3Y", ROUND_ABORT, ST_AMBIGUOUS,
                     "2020-02-29 + P3Y: 2023-02-29 does not exist");
    expect_add_error("2020-02-29", "P1Y", ROUND_ABORT, ST_AMBIGUOUS,
                     "2020-02-29 + P1Y: 2021-02-29 does not exist");
    for (enum rounding r = ROUND_DOWN; r <= ROUND_ABORT; r++) {
        expect_add("2020-02-29", "P4Y", r, "2024-02-29");
        expect_add("2020-02-29", "P1D", r, "2020-03-01");
        expect_add("2020-02-28", "P1Y", r, "2021-02-28");
    }
    expect_add("2020-02-29", "P12M", ROUND_DOWN, "2021-02-28");
    expect_add("2020-02-29", "P12M", ROUND_UP, "2021-03-01");
    expect_add("2020-02-29", "P400Y", ROUND_ABORT, "2420-02-29");
    expect_add_error("2020-02-29", "P80Y", ROUND_ABORT, ST_AMBIGUOUS,
                     "2020-02-29 + P80Y: 2100-02-29 does not exist");
}

static void test_add_negative(void **state)
{
    (void)state;
    expect_add("2022-03-31", "-P1M", ROUND_DOWN, "2022-02-28");
    expect_add("2022-03-31", "-P1M", ROUND_UP, "2022-03-01");
    expect_add_error("2022-03-31", "-P1M", ROUND_ABORT, ST_AMBIGUOUS,
                     "2022-03-31 - P1M: 2022-02-31 does not exist");
    expect_add("2021-03-01", "-P1D", ROUND_ABORT, "2021-02-28");
    expect_add("2020-03-01", "-P1D", ROUND_ABORT, "2020-02-29");
    expect_add("2021-01-15", "-P13M", ROUND_ABORT, "2019-12-15");
    expect_add("2022-04-10", "-P1Y2M10D", ROUND_ABORT, "2021-01-31");
    expect_add("2022-01-08", "-P2W", ROUND_ABORT, "2021-12-25");
    expect_add("2024-02-29", "-P1Y", ROUND_DOWN, "2023-02-28");
}

static void test_add_mixed_parts(void **state)
{
    (void)state;
    expect_add("2021-01-31", "P1Y2M10D", ROUND_ABORT, "2022-04-10");
    expect_add("2021-12-25", "P2W", ROUND_ABORT, "2022-01-08");
    expect_add("2021-12-25", "P1W3D", ROUND_ABORT, "2022-01-04");
    expect_add("2021-11-30", "P3M", ROUND_DOWN, "2022-02-28");
    expect_add("2021-12-31", "P1M", ROUND_ABORT, "2022-01-31");
    expect_add("2021-12-31", "P0D", ROUND_ABORT, "2021-12-31");
    /* Months and days round at the month, not after the days. */
    expect_add("2021-01-31", "P1M1D", ROUND_DOWN, "2021-03-01");
    expect_add("2021-01-31", "P1M1D", ROUND_UP, "2021-03-02");
    expect_add("2021-01-01", "P100000D", ROUND_ABORT, "2294-10-17");
}

static void test_add_hand_built_periods(void **state)
{
    struct period mixed = { 0, 1, -40 }, huge = { INT32_MAX, INT32_MAX, 0 };
    struct err e = { 0 };
    int32_t out = 0;

    (void)state;
    assert_int_equal(
        date_add_period(day_of("2021-03-15"), &mixed, ROUND_ABORT, &out, &e),
        ST_OK);
    assert_int_equal(out, day_of("2021-03-06"));
    assert_int_equal(
        date_add_period(day_of("2021-03-15"), &huge, ROUND_DOWN, &out, &e),
        ST_INVALID);
    huge.years = huge.months = huge.days = INT32_MIN + 1;
    assert_int_equal(
        date_add_period(day_of("2021-03-15"), &huge, ROUND_DOWN, &out, &e),
        ST_INVALID);
    assert_int_equal(out, day_of("2021-03-06"));
}

static void test_add_out_of_range(void **state)
{
    struct period p = { 0, 0, 1 };
    struct err e = { 0 };
    int32_t out = 7;

    (void)state;
    expect_add_error("9999-12-31", "P1D", ROUND_ABORT, ST_INVALID,
                     "9999-12-31 + P1D: the result is outside years "
                     "0001-9999");
    expect_add_error("0001-01-01", "-P1D", ROUND_DOWN, ST_INVALID,
                     "0001-01-01 - P1D: the result is outside years "
                     "0001-9999");
    expect_add_error("9999-01-31", "P1Y", ROUND_ABORT, ST_INVALID,
                     "9999-01-31 + P1Y: the result is outside years "
                     "0001-9999");
    expect_add_error("2021-01-01", "P100000Y", ROUND_UP, ST_INVALID,
                     "2021-01-01 + P100000Y: the result is outside years "
                     "0001-9999");
    expect_add_error("0001-03-31", "-P1M", ROUND_ABORT, ST_AMBIGUOUS,
                     "0001-03-31 - P1M: 0001-02-31 does not exist");
    expect_add("9999-11-30", "P1M", ROUND_ABORT, "9999-12-30");
    expect_add("0001-02-01", "-P1M", ROUND_ABORT, "0001-01-01");
    assert_int_equal(date_add_period(DATE_NONE, &p, ROUND_DOWN, &out, &e),
                     ST_INVALID);
    assert_int_equal(out, 7);
}

static void test_diff_cases(void **state)
{
    (void)state;
    expect_diff("2019-01-29", "2022-01-29", "P3Y");
    expect_diff("2020-02-29", "2021-02-28", "P1Y");
    expect_diff("2021-01-31", "2021-03-01", "P1M1D");
    expect_diff("2021-03-01", "2021-01-31", "-P1M1D");
    expect_diff("2022-01-29", "2019-01-29", "-P3Y");
    expect_diff("2021-02-28", "2020-02-29", "-P1Y");
    expect_diff("2021-12-04", "2021-12-04", "P0D");
    expect_diff("2021-01-01", "2021-12-31", "P11M30D");
    expect_diff("2020-02-29", "2024-02-29", "P4Y");
    expect_diff("2021-02-28", "2021-03-31", "P1M3D");
    expect_diff("2021-12-04", "2022-01-03", "P30D");
    /* One month rounded down from 01-31 lands on 02-28 itself. */
    expect_diff("2021-01-31", "2021-02-28", "P1M");
    expect_diff("2021-01-31", "2021-02-27", "P27D");
    expect_diff("0001-01-01", "9999-12-31", "P9998Y11M30D");
}

/* A fixed linear congruential generator: rand() is banned, and the test
 * must be the same on every run. */
static uint32_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*seed >> 33);
}

static void check_diff_pair(int32_t from, int32_t to)
{
    struct period p = date_diff(from, to), back = period_negate(p);
    struct period more = p;
    int32_t out = 0, further = 0;

    if (to < from) {
        /* Negative differences mirror the positive ones. */
        assert_int_equal(date_add_period(to, &back, ROUND_DOWN, &out, NULL),
                         ST_OK);
        assert_int_equal(out, from);
        assert_true(p.years <= 0 && p.months <= 0 && p.days <= 0);
        return;
    }
    assert_int_equal(date_add_period(from, &p, ROUND_DOWN, &out, NULL), ST_OK);
    assert_int_equal(out, to);
    assert_true(p.years >= 0 && p.months >= 0 && p.months < 12 && p.days >= 0);
    /* Whole months are as many as fit: one more would pass to. */
    more.months++;
    more.days = 0;
    if (date_add_period(from, &more, ROUND_DOWN, &further, NULL) == ST_OK)
        assert_true(further > to);
}

static void test_diff_property(void **state)
{
    int32_t first = date_from_ymd(1, 1, 1), last = date_from_ymd(9999, 12, 31);
    uint32_t span = (uint32_t)(last - first + 1);
    uint64_t seed = 20211204;

    (void)state;
    for (int i = 0; i < 200000; i++) {
        int32_t from = first + (int32_t)(next_random(&seed) % span);
        int32_t near = from + (int32_t)(next_random(&seed) % 1500) - 750;
        int32_t far = first + (int32_t)(next_random(&seed) % span);

        if (near >= first && near <= last)
            check_diff_pair(from, near);
        check_diff_pair(from, far);
    }
}

static void test_period_parse_accepts(void **state)
{
    static const struct {
        const char *text;
        struct period want;
        const char *canonical;
    } cases[] = {
        { "P3Y", { 3, 0, 0 }, "P3Y" },
        { "P6M", { 0, 6, 0 }, "P6M" },
        { "P90D", { 0, 0, 90 }, "P90D" },
        { "P1Y2M10D", { 1, 2, 10 }, "P1Y2M10D" },
        { "P2W", { 0, 0, 14 }, "P14D" },
        { "P1W3D", { 0, 0, 10 }, "P10D" },
        { "P1Y2M3W4D", { 1, 2, 25 }, "P1Y2M25D" },
        { "-P3Y", { -3, 0, 0 }, "-P3Y" },
        { "-P1Y2M3W4D", { -1, -2, -25 }, "-P1Y2M25D" },
        { "P0D", { 0, 0, 0 }, "P0D" },
        { "P0Y", { 0, 0, 0 }, "P0D" },
        { "-P0D", { 0, 0, 0 }, "P0D" },
        { "P01M", { 0, 1, 0 }, "P1M" },
        { "P13M", { 0, 13, 0 }, "P13M" },
        { "P100000Y", { 100000, 0, 0 }, "P100000Y" },
        { "P14285W5D", { 0, 0, 100000 }, "P100000D" },
        { "P0000000000100000D", { 0, 0, 100000 }, "P100000D" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct period p = period_of(cases[i].text);
        char text[PERIOD_BUF];

        assert_int_equal(p.years, cases[i].want.years);
        assert_int_equal(p.months, cases[i].want.months);
        assert_int_equal(p.days, cases[i].want.days);
        period_format(&p, text);
        assert_string_equal(text, cases[i].canonical);
    }
}

static void check_period_round_trip(struct period p)
{
    char text[PERIOD_BUF], again[PERIOD_BUF];
    struct period back = period_of((period_format(&p, text), text));

    assert_int_equal(back.years, p.years);
    assert_int_equal(back.months, p.months);
    assert_int_equal(back.days, p.days);
    period_format(&back, again);
    assert_string_equal(again, text);
}

static void test_period_round_trip(void **state)
{
    static const int32_t values[] = { 0, 1, 2, 11, 12, 13, 31, 366, 100000 };
    const size_t n = sizeof(values) / sizeof(values[0]);

    (void)state;
    for (size_t y = 0; y < n; y++) {
        for (size_t m = 0; m < n; m++) {
            for (size_t d = 0; d < n; d++) {
                struct period p = { values[y], values[m], values[d] };

                check_period_round_trip(p);
                check_period_round_trip(period_negate(p));
            }
        }
    }
}

static void test_period_parse_rejects(void **state)
{
    static const char *const time_part = "time parts are not supported";
    static const char *const order =
        "expected Y, M, W, D in that order, each at most once";
    static const char *const number =
        "expected a number followed by Y, M, W or D";
    static const char *const no_p = "expected P, as in P1Y2M10D";
    static const char *const sign = "a sign goes before the P, as in -P1M";
    static const char *const big = "a part exceeds 100000";
    /* Found by fuzz-date: weeks folded into days past the bound, and the
     * days printed did not parse again. */
    static const char *const days = "more than 100000 days in all";
    static const struct {
        const char *text, *why;
    } cases[] = {
        { "P", "no parts" },   { "-P", "no parts" },
        { "PT1H", time_part }, { "P1YT2H", time_part },
        { "P1Y1Y", order },    { "P1D1Y", order },
        { "P1M1Y", order },    { "P1W1W", order },
        { "P1D1W", order },    { "3Y", no_p },
        { "", no_p },          { "p1y", no_p },
        { "+P1Y", no_p },      { "--P1Y", no_p },
        { " P1Y", no_p },      { "P-1D", sign },
        { "P+1D", sign },      { "P1Y ", number },
        { "P1Yx", number },    { "P1", number },
        { "P1H", number },     { "P1.5Y", number },
        { "PY", number },      { "P1y", number },
        { "P100001D", big },   { "P99999999999999999999Y", big },
        { "P21200W", days },   { "P14285W6D", days },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct period p = { 7, 7, 7 };
        struct err e = { 0 };
        char want[ERR_MSG_MAX];

        snprintf(want, sizeof(want), "invalid period '%s': %s", cases[i].text,
                 cases[i].why);
        assert_int_equal(period_parse(cases[i].text, &p, &e), ST_INVALID);
        assert_string_equal(e.msg, want);
        assert_int_equal(p.years + p.months + p.days, 21);
    }
}

static void test_period_helpers(void **state)
{
    struct period zero = { 0, 0, 0 }, p = { 1, 2, 3 }, mixed = { 0, 1, -3 };
    struct period n = period_negate(p);
    char text[PERIOD_BUF];

    (void)state;
    assert_true(period_is_zero(&zero));
    assert_false(period_is_zero(&p));
    assert_int_equal(n.years, -1);
    assert_int_equal(n.months, -2);
    assert_int_equal(n.days, -3);
    period_format(&n, text);
    assert_string_equal(text, "-P1Y2M3D");
    period_format(&mixed, text);
    assert_string_equal(text, "P1M-3D");
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(date_weekday(day_of("1970-01-01")), 3);
    assert_int_equal(date_weekday(day_of("1969-12-31")), 2);
    assert_int_equal(date_weekday(day_of("2021-12-04")), 5);
    assert_int_equal(date_weekday(day_of("2021-12-06")), 0);
    assert_int_equal(date_weekday(day_of("2000-01-01")), 5);
    assert_int_equal(date_weekday(day_of("0001-01-01")), 0);
    assert_int_equal(date_weekday(day_of("9999-12-31")), 4);
}

static void test_rounding_names(void **state)
{
    (void)state;
    for (enum rounding r = ROUND_DOWN; r <= ROUND_ABORT; r++)
        assert_int_equal(rounding_from_name(rounding_name(r)), (int)r);
    assert_string_equal(rounding_name(ROUND_DOWN), "down");
    assert_string_equal(rounding_name(ROUND_UP), "up");
    assert_string_equal(rounding_name(ROUND_ABORT), "abort");
    assert_int_equal(rounding_from_name("DOWN"), -1);
    assert_int_equal(rounding_from_name("nearest"), -1);
    assert_int_equal(rounding_from_name(""), -1);
    assert_int_equal(rounding_from_name(NULL), -1);
}

static void test_today_from_env(void **state)
{
    struct err e = { 0 };
    int32_t today = 0;

    (void)state;
    assert_int_equal(setenv("CHANCERY_TODAY", "2021-12-04", 1), 0);
    assert_int_equal(date_today(&today, &e), ST_OK);
    assert_int_equal(today, 18965);

    assert_int_equal(setenv("CHANCERY_TODAY", "2021-02-30", 1), 0);
    assert_int_equal(date_today(&today, &e), ST_INVALID);
    assert_string_equal(e.msg, "CHANCERY_TODAY: invalid date '2021-02-30': "
                               "february 2021 has 28 days");
    assert_int_equal(setenv("CHANCERY_TODAY", "tomorrow", 1), 0);
    assert_int_equal(date_today(&today, &e), ST_INVALID);
    assert_string_equal(e.msg, "CHANCERY_TODAY: invalid date 'tomorrow': "
                               "expected YYYY-MM-DD");
    assert_int_equal(date_today(&today, NULL), ST_INVALID);
    assert_int_equal(today, 18965);
    assert_int_equal(unsetenv("CHANCERY_TODAY"), 0);
}

static void test_today_from_clock(void **state)
{
    int32_t today = 0;
    int64_t before, after;

    (void)state;
    assert_int_equal(setenv("CHANCERY_TODAY", "", 1), 0);
    before = (int64_t)time(NULL) / 86400;
    assert_int_equal(date_today(&today, NULL), ST_OK);
    after = (int64_t)time(NULL) / 86400;
    assert_true(today >= before && today <= after);
    assert_int_equal(unsetenv("CHANCERY_TODAY"), 0);
    assert_int_equal(date_today(&today, NULL), ST_OK);
    assert_true(today >= before && today <= after + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_every_day),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_add_month_ends),
        cmocka_unit_test(test_add_leap_day),
        cmocka_unit_test(test_add_negative),
        cmocka_unit_test(test_add_mixed_parts),
        cmocka_unit_test(test_add_hand_built_periods),
        cmocka_unit_test(test_add_out_of_range),
        cmocka_unit_test(test_diff_cases),
        cmocka_unit_test(test_diff_property),
        cmocka_unit_test(test_period_parse_accepts),
        cmocka_unit_test(test_period_round_trip),
        cmocka_unit_test(test_period_parse_rejects),
        cmocka_unit_test(test_period_helpers),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_rounding_names),
        cmocka_unit_test(test_today_from_env),
        cmocka_unit_test(test_today_from_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
