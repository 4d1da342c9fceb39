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
#include "rules/cap.h"

#include <math.h>
#include <string.h>

#include "core/count.h"
#include "rules/eval.h"

#define ALL_CATEGORIES ((1u << CAT__COUNT) - 1)

/* The two masks of a cap's counting scope: 0 for every value. */
static unsigned kinds(const struct policy_rule *r)
{
    unsigned a = r->u.cap.count.kinds, b = r->scope.kinds;

    return a && b ? a & b : a | b;
}

static unsigned categories(const struct policy_rule *r)
{
    const struct cap_count *c = &r->u.cap.count;
    unsigned listed = c->categories | r->scope.categories;
    unsigned mask =
        (c->categories ? c->categories : ALL_CATEGORIES) &
        (r->scope.categories ? r->scope.categories : ALL_CATEGORIES);

    if (!c->include_local_staff && !(listed & (1u << CAT_LOCAL_STAFF)))
        mask &= ~(1u << CAT_LOCAL_STAFF);
    return mask == ALL_CATEGORIES ? 0 : mask;
}

int cap_counts_category(const struct policy_rule *r, int category)
{
    unsigned mask = categories(r);

    return !mask || (mask & (1u << category));
}

uint32_t cap_household(const struct snapshot *s, uint32_t ti, int32_t date)
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

    const struct posting *t;

    MISSION_POSTINGS_FOR_EACH(s, m, ti, t)
    {
        if (scope_has_posting(cs, t) && posting_present(t, date))
            n += cap_household(s, ti, date);
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

/* The core counting scope of r for sending's staff in place. */
static struct count_scope scope_of(const struct policy_rule *r,
                                   const char *sending, const char *place)
{
    int orgs = r->u.cap.count.include_organizations;
    struct count_scope cs = { sending, orgs ? NULL : place, orgs ? place : NULL,
                              kinds(r), categories(r) };

    return cs;
}

int cap_counts_mission(const struct snapshot *s, const struct policy_rule *r,
                       const char *sending, const char *place, uint32_t m)
{
    struct count_scope cs = scope_of(r, sending, place);

    return scope_has_mission(&cs, snap_mission(s, m)) &&
           (!strcmp(sending, r->issuer) || in_missions(&r->scope, m));
}

/* Staff of sending's missions in place on date, counted the cap's way;
 * the scope's mission list applies to the target's side only. */
uint32_t cap_count(const struct snapshot *s, const struct policy_rule *r,
                   const char *sending, const char *place, int32_t date)
{
    struct count_scope cs = scope_of(r, sending, place);
    struct mission_list ml = snapshot_missions_sent(s, sending);
    uint32_t n = 0;

    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);
        const struct mission *ms = snap_mission(s, m);
        const char *at = cs.host ? ms->host : ms->country;

        /* Most of a state's missions are elsewhere: a first letter that
         * differs settles it before the full test. */
        if (at[0] != place[0] || !cap_counts_mission(s, r, sending, place, m))
            continue;
        n += count_mission(s, m, &cs, date);
        if (r->u.cap.count.include_dependents)
            n += dependents(s, m, &cs, date);
    }
    return n;
}

void cap_memo_init(struct cap_memo *m)
{
    idmap_init(&m->counts);
    arena_init(&m->keys);
}

void cap_memo_release(struct cap_memo *m)
{
    idmap_release(&m->counts);
    arena_release(&m->keys);
}

uint32_t cap_count_memo(struct cap_memo *memo, const struct snapshot *s,
                        const struct policy_rule *r, const char *sending,
                        const char *place, int32_t date)
{
    const struct cap_count *c = &r->u.cap.count;
    char key[256];
    uint32_t n;

    /* The scope's mission list narrows the target's side only. */
    if (!memo || (r->scope.n_missions && strcmp(sending, r->issuer)) ||
        snprintf(key, sizeof(key), "%s %s %d %x %x %d %d", sending, place,
                 (int)date, kinds(r), categories(r), c->include_organizations,
                 c->include_dependents) >= (int)sizeof(key))
        return cap_count(s, r, sending, place, date);
    if ((n = idmap_get(&memo->counts, key)) != IDMAP_NONE)
        return n;
    n = cap_count(s, r, sending, place, date);
    idmap_put(&memo->counts, arena_strdup(&memo->keys, key), n);
    return n;
}

/* "bilateral missions, every category but local staff". */
static void counting(const struct eval *ev, char *out, size_t size)
{
    const struct cap_count *c = &ev->r->u.cap.count;
    unsigned mask = categories(ev->r);
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

int32_t cap_mirror_date(const struct policy_rule *r, int32_t date)
{
    struct period back = period_negate(r->u.cap.lag);
    int32_t out;

    if (date_add_period(date, &back, ROUND_DOWN, &out, NULL))
        return date;
    return out;
}

long cap_limit(const struct snapshot *s, const struct policy_rule *r,
               const char *sending, int32_t date)
{
    const struct cap_params *c = &r->u.cap;
    uint32_t other;

    if (!c->mirrored)
        return c->limit;
    other = cap_count(s, r, r->issuer, sending, cap_mirror_date(r, date));
    return (long)floor(c->ratio * other + 1e-9);
}

/* The ceiling on the date; explains the mirror's arithmetic in x. */
static long limit(const struct eval *ev, const char *sending, struct finding *x)
{
    const struct cap_params *c = &ev->r->u.cap;
    int32_t date = cap_mirror_date(ev->r, ev->as_of);
    char on[DATE_BUF];
    uint32_t other;
    long l;

    if (!c->mirrored)
        return c->limit;
    other =
        cap_count_memo(ev->memo, ev->s, ev->r, ev->r->issuer, sending, date);
    l = (long)floor(c->ratio * other + 1e-9);
    if (!x)
        return l;
    date_format(date, on);
    finding_explain(ev->out, x,
                    "The limit: %s's staff in %s on %s, counted the same "
                    "way, number %u; %g x %u, rounded down, is %ld.",
                    ev->r->issuer, sending, on, other, c->ratio, other, l);
    return l;
}

static void report(const struct eval *ev, const char *sending, uint32_t n)
{
    struct finding *x = eval_finding(ev, FK_OVER_CAP, ENT_STATE, sending);
    char words[1024] = "", on[DATE_BUF], duty[128];
    long l;

    if (!ev->out->terse)
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
    uint32_t n = cap_count_memo(ev->memo, ev->s, ev->r, sending, ev->r->issuer,
                                ev->as_of);

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
