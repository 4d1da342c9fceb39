/*
 * Parity over a series of dates. Each count a point needs is a tally
 * (rules/tally.h) built once from the pair's missions: one per side and
 * staff category, and for each cap the staff it counts on the capped side
 * and, for a mirror, on the issuer's side. A point is then a few binary
 * searches, so an 84-month series costs about as much as one walk over the
 * pair's postings. The caps count through rules/cap.c's predicates, so a
 * cap's figures here are those `check` finds on the same date.
 */
#include "rules/parity.h"

#include <math.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/presence.h"
#include "rules/cap.h"
#include "rules/policy.h"
#include "rules/tally.h"

/* A cap being tallied: its rule and the intervals of its two counts. */
struct cap_work {
    struct policy_rule r;
    struct tally target; /* the capped side, counted the cap's way */
    struct tally mirror; /* the issuer's side, for a mirror */
};

struct work {
    const struct snapshot *s;
    const struct parity_options *o;
    int32_t first, last;
    struct tally staff[2][CAT__COUNT];
    struct cap_work *caps;
    size_t alloc_caps;
    size_t alloc_deadlines;
    struct arena rules; /* the parsed rules' strings and arrays */
};

void parity_init(struct parity *p)
{
    memset(p, 0, sizeof(*p));
    arena_init(&p->strings);
}

void parity_release(struct parity *p)
{
    free(p->points);
    free(p->caps);
    free(p->values);
    free(p->events);
    free(p->deadlines);
    arena_release(&p->strings);
    memset(p, 0, sizeof(*p));
}

enum status parity_dates(int32_t from, int32_t to, enum parity_step step,
                         size_t max, int32_t **dates, size_t *n, struct err *e)
{
    static const int32_t months[] = { 1, 3, 12 };
    size_t alloc = 0;
    int32_t d = from;

    *dates = NULL;
    *n = 0;
    if (to < from)
        return err_set(e, ST_INVALID, "the series ends before it starts");
    while (d <= to) {
        struct period p = { 0, months[step] * (int32_t)(*n + 1), 0 };

        if (*n == max) {
            free(*dates);
            *dates = NULL;
            return err_set(e, ST_INVALID, "the series has more than %zu dates",
                           max);
        }
        XGROW(*dates, *n + 1, alloc);
        (*dates)[(*n)++] = d;
        if (date_add_period(from, &p, ROUND_DOWN, &d, NULL))
            break;
    }
    return ST_OK;
}

/* 1 when mission m (of side's state) counts in the view. */
static int in_view(const struct work *w, int side, uint32_t m)
{
    const struct mission *ms = snap_mission(w->s, m);
    const char *other = w->o->states[1 - side];

    return !strcmp(w->o->view == PARITY_BILATERAL ? ms->host : ms->country,
                   other);
}

static void later(int32_t *last, int32_t date)
{
    if (date != DATE_NONE && (*last == DATE_NONE || date > *last))
        *last = date;
}

/* Moves *last on to the latest milestone of posting p. */
static void recorded(int32_t *last, const struct posting *p)
{
    const int32_t dates[] = { p->notified, p->arrived, p->accredited,
                              p->refused, p->ended };

    for (size_t i = 0; i < sizeof(dates) / sizeof(*dates); i++)
        later(last, dates[i]);
}

static void add_posting(struct tally *t, const struct posting *p)
{
    if (p->arrived != DATE_NONE)
        tally_add(t, p->arrived, posting_stop(p));
}

static void tally_sides(struct work *w, int32_t *last)
{
    for (int side = 0; side < 2; side++) {
        struct mission_list ml =
            snapshot_missions_sent(w->s, w->o->states[side]);

        for (size_t i = 0; i < ml.n; i++) {
            uint32_t m = mission_list_at(&ml, i);

            if (!in_view(w, side, m))
                continue;
            later(last, snap_mission(w->s, m)->opened);
            later(last, snap_mission(w->s, m)->closed);
            const struct posting *t;

            MISSION_POSTINGS_FOR_EACH(w->s, m, ti, t)
            {
                add_posting(&w->staff[side][t->category], t);
                recorded(last, t);
            }
        }
        for (int c = 0; c < CAT__COUNT; c++)
            tally_seal(&w->staff[side][c]);
    }
}

/* The household of posting ti while both it and the posting are there. */
static void add_household(const struct snapshot *s, uint32_t ti,
                          struct tally *t)
{
    const struct posting *p = snap_posting(s, ti);
    int32_t stop = posting_stop(p);

    ADJ_FOR_EACH(s->dependents_by_posting, ti, di)
    {
        const struct dependent *d = snap_dependent(s, di);
        int32_t a = d->joined != DATE_NONE && d->joined > p->arrived
                        ? d->joined
                        : p->arrived;
        int32_t b = d->left != DATE_NONE && d->left < stop ? d->left : stop;

        if (p->arrived != DATE_NONE)
            tally_add(t, a, b);
    }
}

/* The staff (and dependents) cap r counts of sending's in place. */
static void tally_cap(const struct snapshot *s, const struct policy_rule *r,
                      const char *sending, const char *place, struct tally *t)
{
    struct mission_list ml = snapshot_missions_sent(s, sending);

    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);

        if (!cap_counts_mission(s, r, sending, place, m))
            continue;
        const struct posting *p;

        MISSION_POSTINGS_FOR_EACH(s, m, ti, p)
        {
            if (!cap_counts_category(r, p->category))
                continue;
            add_posting(t, p);
            if (r->u.cap.count.include_dependents)
                add_household(s, ti, t);
        }
    }
    tally_seal(t);
}

static int assumed(const struct parity_options *o, const char *condition)
{
    for (size_t i = 0; i < o->n_assumed; i++) {
        if (!strcmp(o->assumed[i], condition))
            return 1;
    }
    return 0;
}

/* 1 when policy y is one state's on the other and not void; OUT: *side,
 * the side whose staff it reaches (0 when S2 issued it). */
static int between(const struct policy *y, const struct parity_options *o,
                   int *side)
{
    for (int k = 0; k < 2; k++) {
        if (!strcmp(y->issuer, o->states[1 - k]) &&
            (!strcmp(y->target, o->states[k]) || !strcmp(y->target, "*"))) {
            *side = k;
            return !y->unless || !assumed(o, y->unless);
        }
    }
    return 0;
}

static const char *keep(struct parity *out, const char *text)
{
    return text ? arena_strdup(&out->strings, text) : NULL;
}

static void add_cap(struct work *w, struct parity *out, int side)
{
    struct cap_work *cw;
    struct parity_cap *c;
    const char *mine = w->o->states[side], *issuer;

    out->caps = xrealloc(out->caps, (out->n_caps + 1) * sizeof(*out->caps));
    cw = &w->caps[out->n_caps];
    c = &out->caps[out->n_caps++];
    issuer = cw->r.issuer;
    c->policy = keep(out, cw->r.id);
    c->title = keep(out, cw->r.title ? cw->r.title : cw->r.id);
    c->side = side;
    c->mirrored = cw->r.u.cap.mirrored;
    tally_init(&cw->target);
    tally_init(&cw->mirror);
    tally_cap(w->s, &cw->r, mine, issuer, &cw->target);
    if (c->mirrored)
        tally_cap(w->s, &cw->r, issuer, mine, &cw->mirror);
}

static enum status collect_caps(struct work *w, struct parity *out,
                                struct err *e)
{
    for (uint32_t i = 0; i < snapshot_count(w->s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(w->s, ENT_POLICY, i);
        int side;

        if (y->kind != PK_HEADCOUNT_CAP || !between(y, w->o, &side) ||
            y->from > w->last || (y->to != DATE_NONE && y->to < w->first))
            continue;
        XGROW(w->caps, out->n_caps + 1, w->alloc_caps);
        if (policy_rule_load(w->s, i, &w->rules, &w->caps[out->n_caps].r, e))
            return e->status;
        add_cap(w, out, side);
    }
    return ST_OK;
}

static void add_event(struct parity *out, size_t *alloc, int32_t date,
                      enum parity_event_kind kind, int side, const char *id,
                      const char *text)
{
    struct parity_event *ev;

    XGROW(out->events, out->n_events + 1, *alloc);
    ev = &out->events[out->n_events++];
    ev->date = date;
    ev->kind = kind;
    ev->side = side;
    ev->id = keep(out, id);
    ev->text = keep(out, text);
}

/* The date policy i marks: a departure order's declaration, else its
 * start. */
static enum status policy_date(struct work *w, uint32_t i, int32_t *date,
                               struct err *e)
{
    const struct policy *y = snapshot_row(w->s, ENT_POLICY, i);
    struct policy_rule r;

    *date = y->from;
    if (y->kind != PK_DEPARTURE_ORDER)
        return ST_OK;
    if (policy_rule_load(w->s, i, &w->rules, &r, e))
        return e->status;
    *date = r.u.departure.declared;
    return ST_OK;
}

static void add_deadline(const struct work *w, struct parity *out,
                         size_t *alloc, int32_t date, int side, const char *id)
{
    struct parity_deadline *d;

    if (date == DATE_NONE || date < w->first || date > w->last)
        return;
    XGROW(out->deadlines, out->n_deadlines + 1, *alloc);
    d = &out->deadlines[out->n_deadlines++];
    d->date = date;
    d->side = side;
    d->policy = keep(out, id);
}

/* The leave-by dates of policy i, a departure order or a tenure cap,
 * reaching side's staff. */
static enum status policy_deadlines(struct work *w, struct parity *out,
                                    uint32_t i, int side, struct err *e)
{
    const struct policy *y = snapshot_row(w->s, ENT_POLICY, i);
    struct policy_rule r;

    if (y->kind != PK_DEPARTURE_ORDER && y->kind != PK_TENURE_CAP)
        return ST_OK;
    if (policy_rule_load(w->s, i, &w->rules, &r, e))
        return e->status;
    if (y->kind == PK_DEPARTURE_ORDER)
        add_deadline(w, out, &w->alloc_deadlines, r.u.departure.leave_by, side,
                     y->id);
    for (size_t k = 0; y->kind == PK_TENURE_CAP && k < r.u.tenure.n_waves; k++)
        add_deadline(w, out, &w->alloc_deadlines, r.u.tenure.waves[k].leave_by,
                     side, y->id);
    return ST_OK;
}

static enum status policy_events(struct work *w, struct parity *out,
                                 size_t *alloc, struct err *e)
{
    for (uint32_t i = 0; i < snapshot_count(w->s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(w->s, ENT_POLICY, i);
        int side;
        int32_t date;

        if (!between(y, w->o, &side))
            continue;
        if (policy_date(w, i, &date, e) || policy_deadlines(w, out, i, side, e))
            return e->status;
        if (date >= w->first && date <= w->last)
            add_event(out, alloc, date,
                      y->kind == PK_DEPARTURE_ORDER ? PARITY_ORDER
                                                    : PARITY_POLICY,
                      side, y->id, y->title ? y->title : y->id);
    }
    return ST_OK;
}

static void closure_events(struct work *w, struct parity *out, size_t *alloc)
{
    char text[512];

    for (int side = 0; side < 2; side++) {
        struct mission_list ml =
            snapshot_missions_sent(w->s, w->o->states[side]);

        for (size_t i = 0; i < ml.n; i++) {
            const struct mission *ms =
                snap_mission(w->s, mission_list_at(&ml, i));

            if (!in_view(w, side, mission_list_at(&ml, i)) ||
                ms->closed == DATE_NONE || ms->closed < w->first ||
                ms->closed > w->last)
                continue;
            snprintf(text, sizeof(text), "%s closed",
                     ms->name ? ms->name : ms->id);
            add_event(out, alloc, ms->closed, PARITY_CLOSURE, side, ms->id,
                      text);
        }
    }
}

static int by_date(const void *pa, const void *pb)
{
    const struct parity_event *a = pa, *b = pb;

    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int by_deadline(const void *pa, const void *pb)
{
    const struct parity_deadline *a = pa, *b = pb;

    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    if (a->side != b->side)
        return a->side - b->side;
    return strcmp(a->policy, b->policy);
}

static void fill_point(const struct work *w, struct parity *out, size_t i,
                       int32_t date)
{
    struct parity_point *pt = &out->points[i];

    pt->date = date;
    for (int side = 0; side < 2; side++) {
        pt->total[side] = 0;
        for (int c = 0; c < CAT__COUNT; c++) {
            pt->staff[side][c] = tally_at(&w->staff[side][c], date);
            if (c != CAT_LOCAL_STAFF)
                pt->total[side] += pt->staff[side][c];
        }
    }
    for (size_t c = 0; c < out->n_caps; c++) {
        const struct cap_work *cw = &w->caps[c];
        struct parity_cap_value *v = &out->values[i * out->n_caps + c];
        int32_t back = cap_mirror_date(&cw->r, date);

        v->in_effect = policy_rule_in_effect(&cw->r, date);
        v->counted = tally_at(&cw->target, date);
        v->limit =
            cw->r.u.cap.mirrored
                ? (long)floor(cw->r.u.cap.ratio * tally_at(&cw->mirror, back) +
                              1e-9)
                : cw->r.u.cap.limit;
    }
}

static void work_release(struct work *w, size_t n_caps)
{
    for (int side = 0; side < 2; side++)
        for (int c = 0; c < CAT__COUNT; c++)
            tally_release(&w->staff[side][c]);
    for (size_t i = 0; i < n_caps; i++) {
        tally_release(&w->caps[i].target);
        tally_release(&w->caps[i].mirror);
    }
    free(w->caps);
    arena_release(&w->rules);
}

enum status parity_compute(const struct snapshot *s,
                           const struct parity_options *o, const int32_t *dates,
                           size_t n, struct parity *out, struct err *e)
{
    struct work w;
    size_t alloc_events = 0;
    enum status rc;

    memset(&w, 0, sizeof(w));
    w.s = s;
    w.o = o;
    w.first = n ? dates[0] : 0;
    w.last = n ? dates[n - 1] : -1;
    arena_init(&w.rules);
    out->last_recorded = DATE_NONE;
    tally_sides(&w, &out->last_recorded);
    rc = collect_caps(&w, out, e);
    if (!rc)
        rc = policy_events(&w, out, &alloc_events, e);
    if (!rc) {
        closure_events(&w, out, &alloc_events);
        if (out->n_events)
            qsort(out->events, out->n_events, sizeof(*out->events), by_date);
        if (out->n_deadlines)
            qsort(out->deadlines, out->n_deadlines, sizeof(*out->deadlines),
                  by_deadline);
        out->points = xcalloc(n + 1, sizeof(*out->points));
        out->values = xcalloc(n * out->n_caps + 1, sizeof(*out->values));
        out->n_points = n;
        for (size_t i = 0; i < n; i++)
            fill_point(&w, out, i, dates[i]);
    }
    work_release(&w, out->n_caps);
    return rc;
}
