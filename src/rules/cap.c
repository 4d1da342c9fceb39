/*
 * headcount_cap: a ceiling on the target's staff in the issuer's country
 * (VCDR art. 11(1)). The ceiling is a fixed limit, or mirrors the issuer's
 * own staff in the target's country: at most ratio x that count, taken on
 * the date minus lag and rounded down. Both sides are counted the same way
 * (params.count): bilateral missions only unless organizations are
 * included, local staff and dependents left out unless included. A cap
 * binds from the policy's start, so a cap exceeded on a date after it is
 * overdue.
 */
#include <math.h>
#include <string.h>

#include "core/count.h"
#include "rules/eval.h"

#define ALL_CATEGORIES ((1u << CAT__COUNT) - 1)

/* The two masks of a cap's counting scope: 0 for every value. */
static unsigned kinds(const struct eval *ev)
{
    unsigned a = ev->r->u.cap.count.kinds, b = ev->r->scope.kinds;

    return a && b ? a & b : a | b;
}

static unsigned categories(const struct eval *ev)
{
    const struct cap_count *c = &ev->r->u.cap.count;
    unsigned listed = c->categories | ev->r->scope.categories;
    unsigned mask =
        (c->categories ? c->categories : ALL_CATEGORIES) &
        (ev->r->scope.categories ? ev->r->scope.categories : ALL_CATEGORIES);

    if (!c->include_local_staff && !(listed & (1u << CAT_LOCAL_STAFF)))
        mask &= ~(1u << CAT_LOCAL_STAFF);
    return mask == ALL_CATEGORIES ? 0 : mask;
}

/* Dependents present on date in the household of posting ti. */
static uint32_t household(const struct snapshot *s, uint32_t ti, int32_t date)
{
    uint32_t n = 0;

    ADJ_FOR_EACH(s->dependents_by_posting, ti, di)
    {
        const struct dependent *d = snap_dependent(s, di);

        n += (d->joined == DATE_NONE || d->joined <= date) &&
             (d->left == DATE_NONE || date < d->left);
    }
    return n;
}

/* Dependents present on date in the households of the postings of
 * mission m that the scope counts. */
static uint32_t dependents(const struct snapshot *s, uint32_t m,
                           const struct count_scope *cs, int32_t date)
{
    uint32_t n = 0;

    ADJ_FOR_EACH(s->postings_by_mission, m, ti)
    {
        const struct posting *t = snap_posting(s, ti);

        if (scope_has_posting(cs, t) && posting_present(t, date))
            n += household(s, ti, date);
    }
    return n;
}

static int in_missions(const struct policy_scope *scope, uint32_t m)
{
    for (size_t i = 0; i < scope->n_missions; i++) {
        if (scope->missions[i] == m)
            return 1;
    }
    return !scope->n_missions;
}

/* Staff of sending's missions in place on date, counted the cap's way;
 * the scope's mission list applies to the target's side only. */
static uint32_t count_staff(const struct eval *ev, const char *sending,
                            const char *place, int32_t date)
{
    const struct cap_count *c = &ev->r->u.cap.count;
    struct count_scope cs = { sending, c->include_organizations ? NULL : place,
                              c->include_organizations ? place : NULL,
                              kinds(ev), categories(ev) };
    int target_side = strcmp(sending, ev->r->issuer) != 0;
    uint32_t n = 0;

    for (uint32_t m = 0; m < snapshot_count(ev->s, ENT_MISSION); m++) {
        if (!scope_has_mission(&cs, snap_mission(ev->s, m)) ||
            (target_side && !in_missions(&ev->r->scope, m)))
            continue;
        n += count_mission(ev->s, m, &cs, date);
        if (c->include_dependents)
            n += dependents(ev->s, m, &cs, date);
    }
    return n;
}

/* "bilateral missions, every category but local staff". */
static void counting(const struct eval *ev, char *out, size_t size)
{
    const struct cap_count *c = &ev->r->u.cap.count;
    unsigned mask = categories(ev);
    char list[300] = "";
    size_t len = 0;

    for (int k = 0; mask && k < CAT__COUNT; k++) {
        if (mask & (1u << k))
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                                    len ? ", " : "",
                                    enum_name(&ENUM_STAFF_CATEGORY, k));
    }
    snprintf(out, size, "%s; %s%s",
             c->include_organizations
                 ? "missions in the country, those to organizations included"
                 : "bilateral missions only, those to organizations left out",
             mask ? "categories: " : "every category", mask ? list : "");
    if (c->include_dependents)
        snprintf(out + strlen(out), size - strlen(out), "; dependents counted");
}

static void rule_words(const struct eval *ev, const char *sending, char *out,
                       size_t size)
{
    const struct cap_params *c = &ev->r->u.cap;
    char how[512], lag[PERIOD_BUF];

    counting(ev, how, sizeof(how));
    period_format(&c->lag, lag);
    if (!c->mirrored)
        snprintf(out, size,
                 "the staff of %s's missions in %s (%s) may number at most "
                 "%ld",
                 sending, ev->r->issuer, how, c->limit);
    else
        snprintf(out, size,
                 "the staff of %s's missions in %s (%s) may number at most "
                 "%g x the staff of %s's missions in %s, counted the same way "
                 "on the date minus %s, rounded down",
                 sending, ev->r->issuer, how, c->ratio, ev->r->issuer, sending,
                 lag);
}

/* The ceiling on the date; explains the mirror's arithmetic in x. */
static long limit(const struct eval *ev, const char *sending, struct finding *x)
{
    const struct cap_params *c = &ev->r->u.cap;
    struct period back = period_negate(c->lag);
    char on[DATE_BUF];
    int32_t date;
    uint32_t other;
    long l;

    if (!c->mirrored)
        return c->limit;
    if (date_add_period(ev->as_of, &back, ROUND_DOWN, &date, NULL))
        date = ev->as_of;
    other = count_staff(ev, ev->r->issuer, sending, date);
    l = (long)floor(c->ratio * other + 1e-9);
    if (x) {
        date_format(date, on);
        finding_explain(ev->out, x,
                        "The limit: %s's staff in %s on %s, counted the same "
                        "way, number %u; %g x %u, rounded down, is %ld.",
                        ev->r->issuer, sending, on, other, c->ratio, other, l);
    }
    return l;
}

static void report(const struct eval *ev, const char *sending, uint32_t n)
{
    struct finding *x = eval_finding(ev, FK_OVER_CAP, ENT_STATE, sending);
    char words[1024], on[DATE_BUF], duty[128];
    long l;

    rule_words(ev, sending, words, sizeof(words));
    eval_explain_policy(ev, x, words);
    date_format(ev->as_of, on);
    finding_explain(ev->out, x,
                    "Counted on %s: %u staff of %s's missions in %s are "
                    "present.",
                    on, n, sending, ev->r->issuer);
    l = limit(ev, sending, x);
    finding_explain(ev->out, x, "%u is above %ld: %ld over the cap.", n, l,
                    (long)n - l);
    snprintf(duty, sizeof(duty), "the staff must number at most %ld", l);
    eval_explain_result(ev, x, ev->r->from, duty, NULL);
    finding_detail(ev->out, x, "%u staff of %s in %s, limit %ld: %ld over", n,
                   sending, ev->r->issuer, l, (long)n - l);
}

static void evaluate(const struct eval *ev, const char *sending)
{
    uint32_t n = count_staff(ev, sending, ev->r->issuer, ev->as_of);

    if ((long)n > limit(ev, sending, NULL))
        report(ev, sending, n);
}

/* 1 when state is the sending state of a mission before index m. */
static int seen(const struct snapshot *s, uint32_t m, const char *state,
                const char *country)
{
    for (uint32_t k = 0; k < m; k++) {
        const struct mission *ms = snap_mission(s, k);

        if (!strcmp(ms->sending, state) && !strcmp(ms->country, country))
            return 1;
    }
    return 0;
}

void eval_cap(const struct eval *ev)
{
    if (ev->sending) {
        evaluate(ev, ev->sending);
        return;
    }
    /* A cap on every state: each state with missions in the country. */
    for (uint32_t m = 0; m < snapshot_count(ev->s, ENT_MISSION); m++) {
        const struct mission *ms = snap_mission(ev->s, m);

        if (!strcmp(ms->country, ev->r->issuer) &&
            strcmp(ms->sending, ev->r->issuer) &&
            !seen(ev->s, m, ms->sending, ms->country))
            evaluate(ev, ms->sending);
    }
}
