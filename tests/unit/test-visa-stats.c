/*
 * Unit tests for the visa statistics of visa/: the Kaplan-Meier estimate
 * and its Greenwood interval (visa/km.h), the counts, percentiles and
 * backlog of `visa stats` (visa/stats.h), and the working-day calendar of
 * visa_sla deadlines (core/holidays.h).
 *
 * Every expected value is worked by hand in the comment beside it, so a
 * reader can check the estimator against the textbook rather than against
 * the code. The registry is built field by field through the entity
 * descriptors, as an import builds it.
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

#include "base/date.h"
#include "base/xalloc.h"
#include "core/entity.h"
#include "core/holidays.h"
#include "core/snapshot.h"
#include "visa/km.h"
#include "visa/stats.h"

#define EPS 1e-6

static int32_t day_of(const char *text)
{
    struct err e = { 0 };
    int32_t d = 0;

    if (date_parse(text, &d, &e) != ST_OK)
        fail_msg("date_parse(\"%s\"): %s", text, e.msg);
    return d;
}

/* Events at days 2, 3, 3, 5 and 8; censored at days 4, 6 and 10 (eight
 * cases). */
static void censored_example(struct km_curve *c)
{
    uint32_t events[11] = { 0 }, censored[11] = { 0 };

    events[2] = 1;
    events[3] = 2;
    events[5] = 1;
    events[8] = 1;
    censored[4] = censored[6] = censored[10] = 1;
    km_curve_build(c, events, censored, 11);
}

/*
 * By hand, n at risk and d decided on each decision day:
 *
 *   t  n  d  S(t)                       Greenwood sum G = sum d/(n(n-d))
 *   2  8  1  7/8           = 0.875      1/56             = 0.017857
 *   3  7  2  0.875 * 5/7   = 0.625      + 2/35           = 0.075
 *   (censored at 4: 4 left at risk)
 *   5  4  1  0.625 * 3/4   = 0.46875    + 1/12           = 0.158333
 *   (censored at 6: 2 left at risk)
 *   8  2  1  0.46875 * 1/2 = 0.234375   + 1/2            = 0.658333
 *
 * Log-log band: se = sqrt(G) / |ln S|, lower = S^exp(1.96 se),
 * upper = S^exp(-1.96 se):
 *
 *   t=2: ln S = -0.133531, se = 0.133631/0.133531 = 1.000743,
 *        exp(1.96 se) = 7.1086: lower = 0.875^7.1086 = 0.387000,
 *        upper = 0.875^(1/7.1086) = 0.981393
 *   t=3: se = 0.273861/0.470004 = 0.582679: [0.229333, 0.860698]
 *   t=5: se = 0.397911/0.757686 = 0.525167: [0.119929, 0.762856]
 *   t=8: se = 0.811377/1.450832 = 0.559249: [0.013015, 0.615806]
 */
static void test_km_censored_curve(void **state)
{
    static const double s[] = { 0.875, 0.625, 0.46875, 0.234375 };
    static const double lo[] = { 0.387000, 0.229333, 0.119929, 0.013015 };
    static const double hi[] = { 0.981393, 0.860698, 0.762856, 0.615806 };
    static const int32_t t[] = { 2, 3, 5, 8 };
    static const uint32_t n[] = { 8, 7, 4, 2 };
    struct km_curve c;

    (void)state;
    censored_example(&c);
    assert_int_equal(c.n_steps, 4);
    assert_int_equal(c.n, 8);
    assert_int_equal(c.n_censored, 3);
    assert_int_equal(c.last_day, 10);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(c.steps[i].t, t[i]);
        assert_int_equal(c.steps[i].n, n[i]);
        assert_true(fabs(c.steps[i].s - s[i]) < EPS);
        assert_true(fabs(c.steps[i].lower - lo[i]) < 5e-6);
        assert_true(fabs(c.steps[i].upper - hi[i]) < 5e-6);
    }
    assert_true(fabs(km_survival_at(&c, 4) - 0.625) < EPS);
    assert_true(fabs(km_survival_at(&c, 1) - 1.0) < EPS);
    km_curve_release(&c);
}

/* The censoring marks a chart ticks: days 4, 6 and 10, each at the
 * curve's level that day (after that day's decisions). */
static void test_km_censor_marks(void **state)
{
    static const int32_t t[] = { 4, 6, 10 };
    static const double s[] = { 0.625, 0.46875, 0.234375 };
    struct km_curve c;

    (void)state;
    censored_example(&c);
    assert_int_equal(c.n_censors, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(c.censors[i].t, t[i]);
        assert_int_equal(c.censors[i].n, 1);
        assert_true(fabs(c.censors[i].s - s[i]) < EPS);
    }
    km_curve_release(&c);
    assert_null(c.censors);
}

/*
 * Median: the first day S <= 0.5 is day 5 (0.46875). Its interval: the
 * lower band first falls to 0.5 on day 2 (0.387), the upper band never
 * does (0.615806 at the end): "not reached". p90 (S <= 0.1): never, so not
 * reached; its lower limit is day 8, where the lower band is 0.013.
 */
static void test_km_censored_quantiles(void **state)
{
    struct km_curve c;
    struct km_quantile q;

    (void)state;
    censored_example(&c);
    q = km_quantile(&c, 0.5);
    assert_int_equal(q.days, 5);
    assert_int_equal(q.lower, 2);
    assert_int_equal(q.upper, KM_NOT_REACHED);
    q = km_quantile(&c, 0.9);
    assert_int_equal(q.days, KM_NOT_REACHED);
    assert_int_equal(q.lower, 8);
    assert_int_equal(q.upper, KM_NOT_REACHED);
    km_curve_release(&c);
}

/*
 * No censoring: one decision on each of days 1 to 4. S = 3/4, 1/2, 1/4,
 * 0: the median is day 2, where S reaches 0.5 exactly; p90 is day 4. On
 * day 4 every case at risk is decided, so S and its band are 0.
 */
static void test_km_uncensored(void **state)
{
    uint32_t events[5] = { 0, 1, 1, 1, 1 }, censored[5] = { 0 };
    struct km_curve c;

    (void)state;
    km_curve_build(&c, events, censored, 5);
    assert_int_equal(c.n_steps, 4);
    assert_true(fabs(c.steps[1].s - 0.5) < EPS);
    assert_true(c.steps[3].s == 0.0 && c.steps[3].lower == 0.0 &&
                c.steps[3].upper == 0.0);
    assert_int_equal(km_quantile(&c, 0.5).days, 2);
    assert_int_equal(km_quantile(&c, 0.9).days, 4);
    km_curve_release(&c);
}

static void test_km_empty(void **state)
{
    struct km_curve c;
    struct km_quantile q;

    (void)state;
    km_curve_build(&c, NULL, NULL, 0);
    q = km_quantile(&c, 0.5);
    assert_int_equal(c.n, 0);
    assert_int_equal(q.days, KM_NOT_REACHED);
    assert_int_equal(q.lower, KM_NOT_REACHED);
    km_curve_release(&c);
}

/* Parses a CSV line of an entity's fields, in descriptor order, into rec
 * and adds it to s. */
static void add_row(struct snapshot *s, enum entity_kind kind, const char *line)
{
    const struct entity *ent = ENTITIES[kind];
    char *copy = xstrdup(line), *rest = copy, *text;
    void *rec = xmalloc(ent->size);
    struct err e = { 0 };
    int i = 0;

    record_clear(ent, rec);
    while ((text = strsep(&rest, ",")) && i < ent->n_fields) {
        if (field_parse(s, &ent->fields[i], rec, text, &e))
            fail_msg("%s field %s: %s", ent->name, ent->fields[i].name, e.msg);
        i++;
    }
    if (snapshot_add(s, kind, rec, NULL, &e))
        fail_msg("%s: %s", line, e.msg);
    free(rec);
    free(copy);
}

/*
 * The registry of test_stats_*, as of 2021-01-31:
 *
 *   V1 applied 01-01, issued 01-03            decided in 2 days
 *   V2 applied 01-01, refused 01-11           decided in 10 days
 *   V3 applied 01-05, issued 01-09            decided in 4 days
 *   V4 applied 01-10, withdrawn 01-12         censored at 2 days
 *   V5 applied 01-02, pending                 censored at 29 (age 29)
 *   V6 applied 2020-12-01, issued 2021-02-15  after the date: pending,
 *                                             censored at 61 (age 61)
 *   V7 applied 01-20, admin_processing 01-25  no decision: censored at 11
 *   V8 applied 02-10                          after the date: left out
 *   V9 annuls V1 on 01-15                     not an application: left out
 */
static void build_registry(struct snapshot *s)
{
    static const char *const visas[] = {
        "V1,P1,USA,M1,G-1,posting,,2021-01-01,2021-01-03,issued,,",
        "V2,P1,USA,M1,G-1,delegate,,2021-01-01,2021-01-11,refused,,",
        "V3,P2,USA,M1,A-1,posting,,2021-01-05,2021-01-09,issued,,",
        "V4,P2,USA,M1,A-1,posting,,2021-01-10,2021-01-12,withdrawn,,",
        "V5,P2,USA,M1,A-1,delegate,,2021-01-02,,pending,,",
        "V6,P1,USA,M1,G-1,posting,,2020-12-01,2021-02-15,issued,,",
        "V7,P1,USA,M1,G-1,posting,,2021-01-20,2021-01-25,admin_processing,,",
        "V8,P1,USA,M1,G-1,posting,,2021-02-10,,pending,,",
        "V9,P1,USA,M1,G-1,posting,,2021-01-15,2021-01-15,annulled,,V1",
    };

    snapshot_init(s);
    add_row(s, ENT_STATE, "RUS,Russia");
    add_row(s, ENT_STATE, "USA,United States");
    add_row(s, ENT_MISSION,
            "M1,Embassy,USA,RUS,RUS,Moscow,embassy,1992-01-01,");
    add_row(s, ENT_PERSON, "P1,Ivanov,,M,,RUS,");
    add_row(s, ENT_PERSON, "P2,Smith,,F,,USA,");
    for (size_t i = 0; i < sizeof(visas) / sizeof(*visas); i++)
        add_row(s, ENT_VISA, visas[i]);
    snapshot_index(s);
}

static struct visa_query query(enum visa_by by)
{
    struct visa_query q = {
        day_of("2021-01-31"), NULL, NULL, 0, DATE_NONE, DATE_NONE, by
    };

    return q;
}

/*
 * Counts: 7 applications (V1-V7); issued V1, V3; refused V2; withdrawn V4;
 * pending V5, V6, V7. Refusal rate 1 / (2 + 1) = 0.333. Days of decided
 * cases {2, 4, 10}: nearest rank p50 is the ceil(1.5) = 2nd, 4 days; p90
 * the ceil(2.7) = 3rd, 10 days; the maximum 10. Backlog: V7 (11 days) in
 * 0-15, V5 (29) in 16-30, V6 (61) in 31-90.
 */
static void test_stats_counts(void **state)
{
    struct visa_query q = query(VISA_BY_NONE);
    struct visa_stats st;
    struct snapshot s;
    const struct visa_group *g;

    (void)state;
    build_registry(&s);
    visa_stats_compute(&s, &q, &st);
    assert_int_equal(st.n, 1);
    g = &st.groups[0];
    assert_string_equal(g->key, "all");
    assert_int_equal(g->applied, 7);
    assert_int_equal(g->issued, 2);
    assert_int_equal(g->refused, 1);
    assert_int_equal(g->withdrawn, 1);
    assert_int_equal(g->pending, 3);
    assert_true(fabs(g->refusal_rate - 1.0 / 3.0) < EPS);
    assert_int_equal(g->p50, 4);
    assert_int_equal(g->p90, 10);
    assert_int_equal(g->max, 10);
    assert_int_equal(g->backlog[0], 1);
    assert_int_equal(g->backlog[1], 1);
    assert_int_equal(g->backlog[2], 1);
    assert_int_equal(g->backlog[3], 0);
    assert_int_equal(g->backlog[4], 0);
    visa_stats_release(&st);
    snapshot_release(&s);
}

/*
 * Kaplan-Meier over the same cases: decisions on days 2, 4 and 10;
 * censored on days 2 (V4, after the day's decision), 11, 29 and 61.
 *
 *   t   n  d  S
 *   2   7  1  6/7              = 0.857143
 *   (V4 censored at 2: 5 at risk)
 *   4   5  1  0.857143 * 4/5   = 0.685714
 *   10  4  1  0.685714 * 3/4   = 0.514286
 *
 * S never falls to 0.5: the median time to decision is not reached,
 * where the median of decided cases alone says 4 days. That gap is the
 * point of counting the pending cases.
 */
static void test_stats_km(void **state)
{
    struct visa_query q = query(VISA_BY_NONE);
    struct visa_stats st;
    struct snapshot s;
    const struct km_curve *c;

    (void)state;
    build_registry(&s);
    visa_stats_compute(&s, &q, &st);
    c = &st.groups[0].curve;
    assert_int_equal(c->n, 7);
    assert_int_equal(c->n_censored, 4);
    assert_int_equal(c->n_steps, 3);
    assert_int_equal(c->steps[1].n, 5);
    assert_true(fabs(c->steps[2].s - 0.514286) < 1e-6);
    assert_int_equal(st.groups[0].km50.days, KM_NOT_REACHED);
    assert_int_equal(c->last_day, 61);
    visa_stats_release(&st);
    snapshot_release(&s);
}

/*
 * By month of application: 2020-12 holds V6, 2021-01 the other six; the
 * total adds them up. By purpose: delegates are V2 (refused) and V5
 * (pending). Filtered by nationality RUS (P1: V1, V2, V6, V7): 4 cases.
 */
static void test_stats_groups(void **state)
{
    struct visa_query q = query(VISA_BY_MONTH);
    struct visa_stats st;
    struct snapshot s;

    (void)state;
    build_registry(&s);
    visa_stats_compute(&s, &q, &st);
    assert_int_equal(st.n, 2);
    assert_string_equal(st.groups[0].key, "2020-12");
    assert_int_equal(st.groups[0].applied, 1);
    assert_string_equal(st.groups[1].key, "2021-01");
    assert_int_equal(st.groups[1].applied, 6);
    assert_int_equal(st.total.applied, 7);
    assert_int_equal(st.total.p50, 4);
    visa_stats_release(&st);
    q = query(VISA_BY_PURPOSE);
    visa_stats_compute(&s, &q, &st);
    assert_int_equal(st.n, 2);
    assert_string_equal(st.groups[1].key, "delegate");
    assert_int_equal(st.groups[1].refused, 1);
    assert_int_equal(st.groups[1].pending, 1);
    visa_stats_release(&st);
    q = query(VISA_BY_CLASS);
    q.nationality = "RUS";
    visa_stats_compute(&s, &q, &st);
    assert_int_equal(st.n, 1);
    assert_string_equal(st.groups[0].key, "G-1");
    assert_int_equal(st.groups[0].applied, 4);
    visa_stats_release(&st);
    snapshot_release(&s);
}

/*
 * Working days: from Wednesday 2021-12-22, five US working days are
 * Thursday 23, Monday 27 (Friday 24 is Christmas observed), Tuesday 28,
 * Wednesday 29 and Thursday 30: the deadline is 2021-12-30. Without the
 * holiday it would be 2021-12-29.
 */
/* Two groups' figures are the same, field for field. */
static void expect_same_group(const struct visa_group *a,
                              const struct visa_group *b)
{
    assert_string_equal(a->key, b->key);
    assert_true(a->applied == b->applied && a->issued == b->issued &&
                a->refused == b->refused && a->withdrawn == b->withdrawn &&
                a->pending == b->pending);
    assert_memory_equal(a->backlog, b->backlog, sizeof(a->backlog));
    assert_int_equal(a->p50, b->p50);
    assert_int_equal(a->p90, b->p90);
    assert_int_equal(a->max, b->max);
    assert_int_equal(a->curve.n_steps, b->curve.n_steps);
    assert_int_equal(a->curve.n_censors, b->curve.n_censors);
    assert_int_equal(a->curve.n, b->curve.n);
    assert_int_equal(a->curve.n_censored, b->curve.n_censored);
    for (size_t i = 0; i < a->curve.n_steps; i++) {
        assert_int_equal(a->curve.steps[i].t, b->curve.steps[i].t);
        assert_int_equal(a->curve.steps[i].n, b->curve.steps[i].n);
        assert_int_equal(a->curve.steps[i].d, b->curve.steps[i].d);
        assert_true(a->curve.steps[i].s == b->curve.steps[i].s);
    }
    for (size_t i = 0; i < a->curve.n_censors; i++) {
        assert_int_equal(a->curve.censors[i].t, b->curve.censors[i].t);
        assert_int_equal(a->curve.censors[i].n, b->curve.censors[i].n);
    }
    assert_int_equal(a->km50.days, b->km50.days);
    assert_int_equal(a->km90.days, b->km90.days);
}

/* The pass split into shares on threads of their own (as for a million
 * cases or more) gives every figure of one pass, for every grouping and
 * any number of shares, even more shares than cases. */
static void test_split_pass(void **state)
{
    struct snapshot s;
    static const int parts[] = { 2, 3, 4, 16 };

    (void)state;
    build_registry(&s);
    for (int by = VISA_BY_NONE; by < VISA_BY__COUNT; by++) {
        struct visa_query q = query((enum visa_by)by);
        struct visa_stats one, split;

        visa_stats_compute_in(&s, &q, 1, &one);
        for (size_t k = 0; k < sizeof(parts) / sizeof(*parts); k++) {
            visa_stats_compute_in(&s, &q, parts[k], &split);
            assert_int_equal(one.n, split.n);
            for (size_t i = 0; i < one.n; i++)
                expect_same_group(&one.groups[i], &split.groups[i]);
            expect_same_group(&one.total, &split.total);
            visa_stats_release(&split);
        }
        visa_stats_release(&one);
    }
    snapshot_release(&s);
}

static void test_working_days(void **state)
{
    struct holidays h;

    (void)state;
    holidays_init(&h);
    assert_int_equal(holidays_add_working(&h, "USA", day_of("2021-12-22"), 5),
                     day_of("2021-12-29"));
    holidays_add(&h, "USA", day_of("2021-12-24"));
    holidays_add(&h, "USA", day_of("2021-12-31"));
    assert_true(holidays_contains(&h, "USA", day_of("2021-12-24")));
    assert_false(holidays_contains(&h, "RUS", day_of("2021-12-24")));
    assert_int_equal(holidays_add_working(&h, "USA", day_of("2021-12-22"), 5),
                     day_of("2021-12-30"));
    assert_int_equal(holidays_in_year(&h, "USA", day_of("2021-06-01")), 2);
    holidays_release(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_km_censored_curve),
        cmocka_unit_test(test_km_censor_marks),
        cmocka_unit_test(test_km_censored_quantiles),
        cmocka_unit_test(test_km_uncensored),
        cmocka_unit_test(test_km_empty),
        cmocka_unit_test(test_stats_counts),
        cmocka_unit_test(test_stats_km),
        cmocka_unit_test(test_stats_groups),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_split_pass),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
