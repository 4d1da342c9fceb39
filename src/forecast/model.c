/*
 * Building a forecast's model (forecast/model.h): the step dates, the
 * sides' missions, each posting's deterministic stay and the requests for
 * replacements it leads to. Everything here is fixed by the registry and
 * the scenario; the runs (forecast/sim.c) add what chance decides.
 *
 * A departure on date D is counted in the step whose date is the first on
 * or after D, as DESIGN.md counts presence: the day of departure is the
 * first day away, so a step dated D no longer counts the person.
 */
#include "forecast/model.h"

#include <string.h>

#include "base/xalloc.h"
#include "core/presence.h"

static enum status dates_build(struct forecast_model *m, struct err *e)
{
    int n = m->n_steps;
    int32_t span;

    m->dates = xcalloc((size_t)n + 1, sizeof(*m->dates));
    for (int k = 0; k <= n; k++) {
        struct period p = { 0, k, 0 };

        if (date_add_period(m->sc->start, &p, ROUND_DOWN, &m->dates[k], e))
            return err_set(e, ST_INVALID, "%s: the horizon leaves the calendar",
                           m->sc->file);
    }
    span = m->dates[n] - m->dates[0];
    m->step_at = xcalloc((size_t)span + 1, sizeof(*m->step_at));
    for (int k = 1, d = 1; d <= span; d++) {
        while (m->dates[0] + d > m->dates[k])
            k++;
        m->step_at[d] = k;
    }
    return ST_OK;
}

static long minimum_of(const struct scenario *sc, uint32_t mission)
{
    for (size_t i = 0; i < sc->n_minimums; i++) {
        if (sc->minimums[i].mission == mission)
            return sc->minimums[i].staff;
    }
    return -1;
}

static void missions_build(struct forecast_model *m)
{
    const struct scenario *sc = m->sc;
    size_t n = snapshot_count(m->s, ENT_MISSION), alloc = 0;

    m->local = xmalloc((n + 1) * sizeof(*m->local));
    for (uint32_t i = 0; i < n; i++) {
        const struct mission *ms = snap_mission(m->s, i);
        struct fc_mission *fm;
        size_t side = 0;

        m->local[i] = FC_NONE;
        while (side < sc->n_sides &&
               !scenario_side_has_mission(m->s, &sc->sides[side], i, sc->start))
            side++;
        if (side == sc->n_sides)
            continue;
        XGROW(m->missions, m->n_missions + 1, alloc);
        fm = &m->missions[m->n_missions];
        fm->index = i;
        fm->id = ms->id;
        fm->side = (int)side;
        fm->minimum = minimum_of(sc, i);
        fm->closed = ms->closed;
        fm->replacement = sc->sides[side].replacement;
        m->local[i] = (uint32_t)m->n_missions++;
    }
}

/* Growable arrays while building, and the rules' ends of postings. */
struct grow {
    size_t requests, slots, events;
    const int32_t *rule_end;
    const uint32_t *why;
};

static int same_event(const struct fc_event *x, enum fc_event_kind kind,
                      int32_t date, int side, const char *what)
{
    return x->kind == kind && x->date == date && x->side == side &&
           !strcmp(x->what, what);
}

/* Counts one more of an event, adding it when new. */
static void event_add(struct forecast_model *m, struct grow *g,
                      enum fc_event_kind kind, int32_t date, int side,
                      const char *what, const char *title)
{
    struct fc_event *x;

    for (size_t i = m->n_events; i-- > 0;) {
        if (same_event(&m->events[i], kind, date, side, what)) {
            m->events[i].count++;
            return;
        }
    }
    XGROW(m->events, m->n_events + 1, g->events);
    x = &m->events[m->n_events++];
    x->kind = kind;
    x->date = date;
    x->side = side;
    x->what = what;
    x->title = title;
    x->count = 1;
}

static void add_request(struct forecast_model *m, struct grow *g,
                        const struct fc_request *r)
{
    XGROW(m->requests, m->n_requests + 1, g->requests);
    m->requests[m->n_requests++] = *r;
}

/* An appointment notified and not arrived: its visa request is pending. */
static void pending(struct forecast_model *m, struct grow *g, uint32_t mi,
                    uint32_t ti)
{
    const struct posting *t = snap_posting(m->s, ti);
    struct fc_request r = { .mission = mi,
                            .date = t->notified,
                            .pending = 1,
                            .posting = ti,
                            .step = 1,
                            .slot = FC_NONE };

    if (!m->sc->pending || t->notified == DATE_NONE ||
        t->refused != DATE_NONE || t->ended != DATE_NONE ||
        t->notified > m->dates[m->n_steps])
        return;
    if (t->notified > m->dates[0])
        r.step = fc_step_of(m, t->notified);
    add_request(m, g, &r);
}

/* The departure that ends a stay on date end: counted, and followed by a
 * request for a replacement unless the mission closes. */
static void departure(struct forecast_model *m, struct grow *g, uint32_t mi,
                      uint32_t ti, int32_t end)
{
    const struct fc_mission *fm = &m->missions[mi];
    struct period lead = period_negate(fm->replacement->lead);
    struct fc_request r = {
        .mission = mi, .date = end, .posting = ti, .slot = (uint32_t)m->n_slots
    };

    FC_AT(m, m->departures, mi, fc_step_of(m, end))++;
    if (fm->closed != DATE_NONE && end >= fm->closed)
        return;
    if (date_add_period(end, &lead, ROUND_DOWN, &r.date, NULL) ||
        r.date <= m->dates[0])
        r.date = m->dates[0] + 1;
    r.step = fc_step_of(m, r.date);
    add_request(m, g, &r);
}

static int32_t earliest(int32_t a, int32_t b)
{
    return a == DATE_NONE ? b : b == DATE_NONE ? a : a < b ? a : b;
}

/* Posting ti's deterministic stay, from its arrival to the earliest of its
 * recorded stop, the rule's end and its mission's closure. */
static void stay(struct forecast_model *m, struct grow *g, uint32_t mi,
                 uint32_t ti)
{
    int32_t rule_end = g->rule_end[ti];
    const struct posting *t = snap_posting(m->s, ti);
    int32_t stop = posting_stop(t), end;
    struct fc_slot sl = { .mission = mi,
                          .posting = ti,
                          .arrived = t->arrived,
                          .depart = m->n_steps + 1 };

    if (stop == INT32_MAX)
        stop = DATE_NONE;
    end = earliest(earliest(stop, rule_end), m->missions[mi].closed);
    if ((end != DATE_NONE && end <= m->dates[0]) ||
        t->arrived > m->dates[m->n_steps] ||
        (end != DATE_NONE && end <= t->arrived))
        return;
    sl.arrive = fc_step_of(m, t->arrived);
    if (sl.arrive > 0)
        FC_AT(m, m->arrivals, mi, sl.arrive)++;
    if (end != DATE_NONE && end <= m->dates[m->n_steps]) {
        sl.depart = fc_step_of(m, end);
        departure(m, g, mi, ti, end);
        if (end == rule_end)
            event_add(m, g, FC_EVENT_RULE, end, m->missions[mi].side,
                      m->sc->rules[g->why[ti]].id,
                      m->sc->rules[g->why[ti]].title);
    }
    for (int k = sl.arrive; k < sl.depart; k++)
        FC_AT(m, m->base, mi, k)++;
    m->initial[m->missions[mi].side] += sl.arrive == 0;
    XGROW(m->slots, m->n_slots + 1, g->slots);
    m->slots[m->n_slots++] = sl;
}

static int counted(const struct forecast_model *m, uint32_t mi,
                   const struct posting *t)
{
    const struct scenario_side *sd = &m->sc->sides[m->missions[mi].side];

    return t->category != CAT_LOCAL_STAFF || sd->include_local_staff;
}

static void stays(struct forecast_model *m, struct grow *g)
{
    for (uint32_t mi = 0; mi < m->n_missions; mi++) {
        ADJ_FOR_EACH(m->s->postings_by_mission, m->missions[mi].index, ti)
        {
            const struct posting *t = snap_posting(m->s, ti);

            if (!counted(m, mi, t))
                continue;
            if (t->arrived == DATE_NONE)
                pending(m, g, mi, ti);
            else
                stay(m, g, mi, ti);
        }
    }
}

static int by_step(const void *a, const void *b)
{
    const struct fc_request *x = a, *y = b;

    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return x->posting < y->posting ? -1 : x->posting > y->posting;
}

static int by_arrival(const void *a, const void *b)
{
    const struct fc_slot *x = a, *y = b;

    if (x->arrived != y->arrived)
        return x->arrived < y->arrived ? -1 : 1;
    return x->posting < y->posting ? -1 : x->posting > y->posting;
}

/* Slots sorted by arrival; the requests' slot numbers follow them. */
static void order(struct forecast_model *m)
{
    size_t n_post = snapshot_count(m->s, ENT_POSTING);
    uint32_t *slot_of = xmalloc((n_post + 1) * sizeof(*slot_of));

    if (m->n_slots)
        qsort(m->slots, m->n_slots, sizeof(*m->slots), by_arrival);
    for (size_t i = 0; i < m->n_slots; i++)
        slot_of[m->slots[i].posting] = (uint32_t)i;
    for (size_t i = 0; i < m->n_requests; i++) {
        if (m->requests[i].slot != FC_NONE)
            m->requests[i].slot = slot_of[m->requests[i].posting];
    }
    if (m->n_requests)
        qsort(m->requests, m->n_requests, sizeof(*m->requests), by_step);
    free(slot_of);
}

/* The conditions assumed, and the changes of visa terms, in the horizon. */
static void marks(struct forecast_model *m, struct grow *g)
{
    const struct scenario *sc = m->sc;
    int32_t first = m->dates[0], last = m->dates[m->n_steps];

    for (size_t i = 0; i < sc->n_conditions; i++) {
        if (sc->conditions[i].from > first && sc->conditions[i].from <= last)
            event_add(m, g, FC_EVENT_CONDITION, sc->conditions[i].from, -1,
                      sc->conditions[i].name, NULL);
    }
    for (size_t s = 0; s < sc->n_sides; s++) {
        const struct replacement *rp = sc->sides[s].replacement;
        int both = sc->n_sides == 2 &&
                   sc->sides[0].replacement == sc->sides[1].replacement;

        if (both && s == 1)
            continue;
        for (size_t i = 1; i < rp->n_visa; i++) {
            if (rp->visa[i].from > first && rp->visa[i].from <= last)
                event_add(m, g, FC_EVENT_VISA, rp->visa[i].from,
                          both ? -1 : (int)s, "visa", NULL);
        }
    }
}

static int by_date(const void *a, const void *b)
{
    const struct fc_event *x = a, *y = b;

    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->side != y->side)
        return x->side < y->side ? -1 : 1;
    return strcmp(x->what, y->what);
}

static void arrays(struct forecast_model *m)
{
    size_t n = m->n_missions * ((size_t)m->n_steps + 1);

    m->base = xcalloc(n, sizeof(*m->base));
    m->arrivals = xcalloc(n, sizeof(*m->arrivals));
    m->departures = xcalloc(n, sizeof(*m->departures));
}

enum status forecast_model_build(const struct snapshot *s,
                                 const struct scenario *sc,
                                 struct forecast_model *m, struct err *e)
{
    size_t n_post = snapshot_count(s, ENT_POSTING);
    int32_t *end = xmalloc((n_post + 1) * sizeof(*end));
    uint32_t *why = xmalloc((n_post + 1) * sizeof(*why));
    struct grow g = { 0, 0, 0, end, why };
    enum status rc = ST_OK;

    memset(m, 0, sizeof(*m));
    m->sc = sc;
    m->s = s;
    m->n_steps = sc->horizon;
    if ((rc = dates_build(m, e)))
        goto out;
    missions_build(m);
    if (!m->n_missions) {
        rc = err_set(e, ST_INVALID,
                     "%s: the sides have no mission open on "
                     "the start date",
                     sc->file);
        goto out;
    }
    arrays(m);
    fc_rule_ends(m, end, why);
    stays(m, &g);
    marks(m, &g);
    if (m->n_events)
        qsort(m->events, m->n_events, sizeof(*m->events), by_date);
    order(m);
    fc_caps_build(m);
out:
    if (rc)
        forecast_model_release(m);
    free(end);
    free(why);
    return rc;
}

void forecast_model_release(struct forecast_model *m)
{
    for (int i = 0; i < m->n_counters; i++)
        free(m->counters[i].base);
    for (size_t i = 0; i < m->n_caps; i++) {
        free(m->caps[i].mirror_step);
        free(m->caps[i].mirror_before);
        free(m->caps[i].binds);
    }
    free(m->caps);
    free(m->dates);
    free(m->step_at);
    free(m->local);
    free(m->missions);
    free(m->base);
    free(m->arrivals);
    free(m->departures);
    free(m->requests);
    free(m->slots);
    free(m->events);
    memset(m, 0, sizeof(*m));
}
