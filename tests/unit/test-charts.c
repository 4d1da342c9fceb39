/*
 * Unit tests for the charts of report/ (timechart, kmchart, fanchart),
 * called as the HTTP API will call them: a struct in, SVG bytes in a
 * buffer out, nothing printed. They check what a reader of a briefing
 * relies on: markers on the same day stack instead of hiding one another,
 * deadlines close together share one label, values at the lines' ends
 * never overlap, the span not yet recorded is shaded, the Kaplan-Meier
 * chart ticks its censored days and draws its deadline, scenarios
 * compared are drawn over the baseline, and every chart uses the one
 * font family.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above; project headers come last because they
 * pull in base/banned.h. */
#include <cmocka.h>

#include "base/buf.h"
#include "base/date.h"
#include "report/fanchart.h"
#include "report/kmchart.h"
#include "report/style.h"
#include "report/timechart.h"

static size_t count(const char *text, const char *what)
{
    size_t n = 0;

    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static int32_t day(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

/* Five events on one day, two deadlines a day apart and one far off, two
 * lines ending on the same value, the last year not yet recorded. */
static void time_chart(struct buf *b)
{
    static double one[4] = { 10, 20, 30, 40 }, two[4] = { 5, 15, 25, 40 };
    int32_t dates[4] = { day(2020, 1, 1), day(2021, 1, 1), day(2022, 1, 1),
                         day(2023, 1, 1) };
    struct timechart_line lines[2] = {
        { "one", 0, TIMECHART_SOLID, 0, one, 1, 0 },
        { "two", 1, TIMECHART_SOLID, 0, two, 1, 0 },
    };
    struct timechart_event events[5];
    struct timechart_rule rules[3] = {
        { day(2021, 6, 1), 0, "leave by" },
        { day(2021, 6, 2), 1, "leave by" },
        { day(2022, 6, 1), 0, "leave by" },
    };
    struct timechart c = { 0 };

    for (size_t i = 0; i < 5; i++)
        events[i] = (struct timechart_event){ day(2021, 3, 1), 0, "event" };
    c.title = "a chart";
    c.dates = dates;
    c.n_dates = 4;
    c.lines = lines;
    c.n_lines = 2;
    c.events = events;
    c.n_events = 5;
    c.rules = rules;
    c.n_rules = 3;
    c.shade_label = "not yet recorded";
    c.shade_from = day(2022, 1, 1);
    timechart_svg(&c, b);
}

static void test_markers_stack(void **state)
{
    struct buf b;
    char cy[5][32];

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    time_chart(&b);
    assert_int_equal(count(b.data, "class=\"event\""), 5);
    /* Each marker at its own height: no two share a "cy". */
    for (size_t i = 0; i < 5; i++) {
        const char *p = b.data;

        for (size_t k = 0; k <= i; k++)
            p = strstr(p, "class=\"event\"") + 1;
        assert_int_equal(sscanf(strstr(p, "cy=\""), "cy=\"%31[0-9.]", cy[i]),
                         1);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(cy[i], cy[k]);
    }
    buf_release(&b);
}

static void test_deadlines_and_shade(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    time_chart(&b);
    assert_int_equal(count(b.data, "class=\"deadline\""), 3);
    assert_non_null(strstr(b.data, ">leave by 2021-06-01, 2021-06-02</text>"));
    assert_non_null(strstr(b.data, ">leave by 2022-06-01</text>"));
    assert_non_null(strstr(b.data, "class=\"unrecorded\""));
    assert_non_null(strstr(b.data, ">not yet recorded</text>"));
    assert_non_null(strstr(b.data, ">after 2022-01-01</text>"));
    assert_non_null(strstr(b.data, REPORT_FONT_ATTR));
    buf_release(&b);
}

/* Two values of 40 at the lines' ends: written 12 pixels apart. */
static void test_end_labels_apart(void **state)
{
    struct buf b;
    double y[2];
    const char *p;

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    time_chart(&b);
    assert_int_equal(count(b.data, "class=\"end-value\""), 2);
    p = strstr(b.data, "class=\"end-value\"");
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(sscanf(strstr(p, " y=\""), " y=\"%lf", &y[i]), 1);
        p = strstr(p + 1, "class=\"end-value\"");
        if (!p)
            break;
    }
    assert_true(fabs(y[1] - y[0]) >= 12 - 1e-9);
    buf_release(&b);
}

/* The number of ticks ("M" moves) in the path of censoring ticks. */
static size_t ticks(const char *svg)
{
    const char *d = strstr(strstr(svg, "class=\"censor\""), " d=\"") + 4;
    size_t n = 0;

    for (; *d && *d != '"'; d++)
        n += *d == 'M';
    return n;
}

static void test_km_ticks_and_deadline(void **state)
{
    static const int32_t t[] = { 2, 5, 9 }, ct[] = { 4, 12 };
    static const double s[] = { 0.8, 0.5, 0.3 }, cs[] = { 0.8, 0.3 };
    struct km_series k = { "A (10 cases)", t, s, 3, 12 };
    struct km_ticks tk = { ct, cs, 2 };
    struct kmchart c = { "Time to decision", NULL, &k, &tk, 1, 15,
                         "deadline: 15 days" };
    struct buf b;

    (void)state;
    buf_init(&b, BUF_MAX_DEFAULT);
    kmchart_document(&c, &b);
    assert_true(!strncmp(b.data, "<?xml", 5));
    assert_int_equal(count(b.data, "class=\"censor\""), 1);
    assert_int_equal(ticks(b.data), 2);
    assert_non_null(strstr(b.data, ">deadline: 15 days</text>"));
    assert_non_null(strstr(b.data, ">30% undecided on day 15</text>"));
    assert_non_null(
        strstr(b.data, ">never decided: 30%, still waiting on day 12</text>"));
    assert_non_null(strstr(b.data, REPORT_FONT_ATTR));
    buf_reset(&b);
    /* The page's chart keeps its signature and draws no deadline. */
    kmchart_svg(&b, &k, 1, "Undecided");
    assert_true(!strncmp(b.data, "<svg", 4));
    assert_null(strstr(b.data, "class=\"deadline\""));
    buf_release(&b);
}

static void test_fan_compare(void **state)
{
    static const double lo[3] = { 1, 1, 1 }, mid[3] = { 2, 2, 2 },
                        hi[3] = { 3, 3, 3 }, mid2[3] = { 2, 4, 6 },
                        hi2[3] = { 3, 5, 7 };
    static const int32_t dates[3] = { 0, 31, 59 };
    static const char *const names[2] = { "a: baseline", "b: other" };
    struct fanchart_band other = { lo, mid2, hi2 };
    struct fanchart_panel p = { "Side", NULL, lo, mid, hi, NAN, &other };
    struct fanchart c = { 0 };
    struct buf b;

    (void)state;
    c.title = "compared";
    c.dates = dates;
    c.n_dates = 3;
    c.panels = &p;
    c.n_panels = 1;
    c.scenarios = names;
    c.n_scenarios = 2;
    buf_init(&b, BUF_MAX_DEFAULT);
    fanchart_svg(&c, &b);
    assert_int_equal(count(b.data, "class=\"band\""), 2);
    assert_int_equal(count(b.data, "class=\"median\""), 2);
    assert_int_equal(count(b.data, "class=\"scenario\""), 2);
    assert_non_null(strstr(b.data, ">6</text>")); /* b's last median */
    assert_non_null(strstr(b.data, REPORT_FONT_ATTR));
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markers_stack),
        cmocka_unit_test(test_deadlines_and_shade),
        cmocka_unit_test(test_end_labels_apart),
        cmocka_unit_test(test_km_ticks_and_deadline),
        cmocka_unit_test(test_fan_compare),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
