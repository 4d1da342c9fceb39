/*
 * One run of a forecast. The deterministic schedule (forecast/model.h)
 * is the same in every run; a run adds what chance decides, step by step:
 * each request for a replacement is made or not, its visa is refused or
 * issued after a delay, the replacement arrives on that date and stays for
 * a tour, and leaving asks for a replacement in turn. Events wait in the
 * step whose date is the first on or after theirs, in the order they were
 * made, and the draws are taken in that order, so a seed gives one run.
 *
 * The generator is GSL's taus2 (L'Ecuyer's maximally equidistributed
 * combined Tausworthe generator, period 2^88), which GSL documents as one
 * of the fastest of simulation quality: on this project's machine it
 * draws a uniform three times faster than MT19937 and seeds in
 * nanoseconds rather than microseconds, and a run reseeds twice.
 *
 * Dates stay in days: a request made on D with a delay of x days arrives
 * on D + round(x), so no step's rounding accumulates along a chain.
 */
#include "forecast/sim.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "base/xalloc.h"
#include "forecast/forecast.h"

void sim_run_init(struct sim_run *r, const struct forecast_model *m)
{
    size_t w = (size_t)m->n_steps + 2, n = m->n_missions * w;

    memset(r, 0, sizeof(*r));
    r->m = m;
    r->width = w;
    for (size_t i = 0; i < m->sc->n_sides; i++)
        r->rng[i] = gsl_rng_alloc(gsl_rng_taus2);
    r->adj = xcalloc(n, sizeof(*r->adj));
    r->arrivals = xcalloc(n, sizeof(*r->arrivals));
    r->departures = xcalloc(n, sizeof(*r->departures));
    r->headcount = xcalloc(n, sizeof(*r->headcount));
    r->cadj = xcalloc((size_t)m->n_counters * w + 1, sizeof(*r->cadj));
    r->cvalue = xcalloc((size_t)m->n_counters * w + 1, sizeof(*r->cvalue));
    r->cancelled = xcalloc(m->n_slots + 1, 1);
    r->head = xmalloc(w * sizeof(*r->head));
    r->tail = xmalloc(w * sizeof(*r->tail));
}

void sim_run_release(struct sim_run *r)
{
    for (size_t i = 0; i < SCENARIO_MAX_SIDES; i++) {
        if (r->rng[i])
            gsl_rng_free(r->rng[i]);
    }
    free(r->adj);
    free(r->arrivals);
    free(r->departures);
    free(r->headcount);
    free(r->cadj);
    free(r->cvalue);
    free(r->cancelled);
    free(r->persons);
    free(r->events);
    free(r->head);
    free(r->tail);
    memset(r, 0, sizeof(*r));
}

static void reset(struct sim_run *r)
{
    const struct forecast_model *m = r->m;
    size_t n = m->n_missions * r->width;

    memset(r->adj, 0, n * sizeof(*r->adj));
    memset(r->arrivals, 0, n * sizeof(*r->arrivals));
    memset(r->departures, 0, n * sizeof(*r->departures));
    if (m->n_caps) {
        memset(r->cadj, 0, (size_t)m->n_counters * r->width * sizeof(int32_t));
        memset(r->ccur, 0, sizeof(r->ccur));
        memset(r->cancelled, 0, m->n_slots);
    }
    for (size_t k = 0; k < r->width; k++)
        r->head[k] = r->tail[k] = FC_NONE;
    r->n_persons = r->n_events = 0;
}

/* Appends ev to the events of its date's step (none after the horizon). */
static void push(struct sim_run *r, const struct sim_event *ev)
{
    int k = fc_step_of(r->m, ev->date);
    uint32_t i = (uint32_t)r->n_events;

    if (k > r->m->n_steps)
        return;
    XGROW(r->events, r->n_events + 1, r->alloc_events);
    r->events[r->n_events++] = *ev;
    r->events[i].next = FC_NONE;
    if (r->tail[k] == FC_NONE)
        r->head[k] = i;
    else
        r->events[r->tail[k]].next = i;
    r->tail[k] = i;
}

/* from plus x days, rounded to the nearest day; INT32_MAX for a date past
 * any horizon. */
static int32_t after(int32_t from, double x)
{
    return x < 1e7 ? from + (int32_t)(x + 0.5) : INT32_MAX;
}

/* A lognormal draw: exp(zeta + sigma Z), Z standard normal drawn by the
 * ziggurat method, which the profile of a forecast shows several times
 * faster than the polar method of gsl_ran_lognormal; the distribution is
 * the same. */
static double lognormal(gsl_rng *g, const struct duration *d)
{
    return exp(d->zeta + d->sigma * gsl_ran_gaussian_ziggurat(g, 1.0));
}

/* The date a duration drawn now ends, counted from from. */
static int32_t draw(gsl_rng *g, const struct duration *d, int32_t from)
{
    int32_t out;

    if (d->kind == DURATION_LOGNORMAL)
        return after(from, lognormal(g, d));
    if (date_add_period(from, &d->fixed, ROUND_DOWN, &out, NULL))
        return INT32_MAX;
    return out;
}

/* The visa of a request notified on notified and still pending at the
 * start: the delay drawn given that it is longer than the wait so far. */
static int32_t draw_pending(const struct sim_run *r, gsl_rng *g,
                            const struct duration *d, int32_t notified)
{
    int32_t start = r->m->dates[0], out;
    double waited = start - notified + 0.5, lo, u;

    if (d->kind != DURATION_LOGNORMAL || notified >= start) {
        out = draw(g, d, notified);
        return out > start ? out : start + 1;
    }
    lo = gsl_cdf_lognormal_P(waited, d->zeta, d->sigma);
    u = lo + (1 - lo) * gsl_rng_uniform(g);
    if (u >= 1 - 1e-12)
        return INT32_MAX;
    return after(notified, gsl_cdf_lognormal_Pinv(u, d->zeta, d->sigma));
}

/* The day a visa from the registry's history is issued, for a request
 * made (pending: notified) on from; INT32_MAX when it never is. Drawn by
 * inverting the estimated share issued, given no issue before the start. */
static int32_t draw_history(const struct sim_run *r, gsl_rng *g,
                            const struct visa_phase *v, int32_t from,
                            int pending)
{
    int32_t start = r->m->dates[0];
    double lo =
        pending && from < start ? visa_phase_issued_by(v, start - from) : 0;
    double u = lo + (1 - lo) * gsl_rng_uniform(g);
    size_t a = 0, b = v->n_history;

    while (a < b) {
        size_t mid = (a + b) / 2;

        if (v->history_issued[mid] < u)
            a = mid + 1;
        else
            b = mid;
    }
    return a < v->n_history ? from + v->history_day[a] : INT32_MAX;
}

/* A request for a replacement at mission mi, made on date (or, pending,
 * notified on date): the replacement arrives when the visa is issued. */
static void request(struct sim_run *r, uint32_t mi, int32_t date, int pending,
                    uint32_t mask)
{
    const struct forecast_model *m = r->m;
    const struct fc_mission *fm = &m->missions[mi];
    const struct replacement *rp = fm->replacement;
    const struct visa_phase *v;
    struct sim_event ev = { SIM_ARRIVE, mi, 0, mask, FC_NONE, FC_NONE };
    gsl_rng *g = r->rng[fm->side];

    v = replacement_visa(rp, date > m->dates[0] ? date : m->dates[0]);
    if (v->from_registry) {
        if (!pending && !gsl_ran_bernoulli(g, rp->probability))
            return;
        ev.date = draw_history(r, g, v, date, pending);
    } else {
        /* Asked for and not refused: one draw for the two. */
        if (!gsl_ran_bernoulli(g, (pending ? 1 : rp->probability) *
                                      (1 - v->refusal)))
            return;
        ev.date = pending ? draw_pending(r, g, &v->delay, date)
                          : draw(g, &v->delay, date);
    }
    if (ev.date <= m->dates[0])
        ev.date = m->dates[0] + 1;
    if (fm->closed == DATE_NONE || ev.date < fm->closed)
        push(r, &ev);
}

/* The tour of a new arrival p, and the request that its end brings
 * (none when the mission closes first). */
static void tour(struct sim_run *r, const struct sim_event *ev, uint32_t p)
{
    const struct fc_mission *fm = &r->m->missions[ev->mission];
    struct sim_event out = *ev;
    struct period lead = period_negate(fm->replacement->lead);
    int32_t end = draw(r->rng[fm->side], &fm->replacement->tour, ev->date);
    int32_t ask;
    int closes = fm->closed != DATE_NONE && end >= fm->closed;

    out.kind = SIM_DEPART;
    out.date = closes ? fm->closed : end;
    out.person = p;
    push(r, &out);
    if (closes || end == INT32_MAX)
        return;
    if (period_is_zero(&lead))
        ask = end;
    else if (date_add_period(end, &lead, ROUND_DOWN, &ask, NULL) ||
             ask < ev->date)
        ask = ev->date;
    out.kind = SIM_REQUEST;
    out.date = ask;
    push(r, &out);
}

static void arrive(struct sim_run *r, int k, const struct sim_event *ev)
{
    struct sim_person *p;

    XGROW(r->persons, r->n_persons + 1, r->alloc_persons);
    p = &r->persons[r->n_persons];
    p->mission = ev->mission;
    p->mask = ev->mask;
    p->alive = 1;
    SIM_AT(r, r->adj, ev->mission, k)++;
    SIM_AT(r, r->arrivals, ev->mission, k)++;
    if (ev->mask)
        sim_count(r, ev->mask, k, 1, 0);
    tour(r, ev, (uint32_t)r->n_persons++);
}

static void depart(struct sim_run *r, int k, const struct sim_event *ev)
{
    struct sim_person *p = &r->persons[ev->person];

    if (p->alive != 1)
        return;
    p->alive = 0;
    SIM_AT(r, r->adj, ev->mission, k)--;
    SIM_AT(r, r->departures, ev->mission, k)++;
    if (ev->mask)
        sim_count(r, ev->mask, k, -1, 0);
}

static void handle(struct sim_run *r, int k, const struct sim_event *ev)
{
    if (ev->kind == SIM_ARRIVE)
        arrive(r, k, ev);
    else if (ev->kind == SIM_DEPART)
        depart(r, k, ev);
    else if (r->persons[ev->person].alive >= 0)
        request(r, ev->mission, ev->date, 0, ev->mask);
}

static void step(struct sim_run *r, int k, const size_t *request_at)
{
    const struct forecast_model *m = r->m;

    for (size_t i = request_at[k]; i < request_at[k + 1]; i++) {
        const struct fc_request *q = &m->requests[i];

        if (q->slot == FC_NONE || !r->cancelled[q->slot])
            request(r, q->mission, q->date, q->pending, q->mask);
    }
    for (uint32_t i = r->head[k]; i != FC_NONE; i = r->events[i].next) {
        struct sim_event ev = r->events[i];

        handle(r, k, &ev);
    }
    if (m->n_caps)
        sim_caps(r, k);
}

/* Headcount on each step: the schedule plus what chance changed so far. */
static void finish(struct sim_run *r)
{
    const struct forecast_model *m = r->m;

    for (size_t i = 0; i < m->n_missions; i++) {
        int32_t sum = 0;

        for (int k = 0; k <= m->n_steps; k++) {
            sum += SIM_AT(r, r->adj, i, k);
            SIM_AT(r, r->headcount, i, k) = FC_AT(m, m->base, i, k) + sum;
        }
    }
}

void sim_run_once(struct sim_run *r, uint64_t seed, long run,
                  const size_t *request_at)
{
    reset(r);
    for (size_t i = 0; i < r->m->sc->n_sides; i++)
        gsl_rng_set(r->rng[i], forecast_run_seed(seed, run, (int)i));
    for (int k = 1; k <= r->m->n_steps; k++)
        step(r, k, request_at);
    finish(r);
}
