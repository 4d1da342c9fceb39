/*
 * Many runs on all cores, and their summary (forecast/forecast.h). Threads
 * take runs in small chunks from a shared counter; each keeps its own
 * scratch run and its own tallies: for every series and step a histogram
 * of headcounts, and the sums of what chance added to arrivals and
 * departures. Tallies are integers, merged by addition, so the summary is
 * the same whichever thread ran which run. The quantiles are read from the
 * merged histograms exactly: p10 is the smallest headcount that at least
 * 10% of the runs do not exceed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "forecast/forecast.h"
#include "forecast/sim.h"

#define CHUNK 16

/* A thread's tallies: by series, a histogram per step, as wide as the
 * series' largest headcount (so that a mission of ten costs ten bins, not
 * as many as a side of a thousand); by cell (series x step), the sums. */
struct tally {
    size_t n_series;
    size_t steps;
    uint32_t **hist; /* by series: steps x width[series] */
    size_t *width;
    int64_t *arrivals, *departures, *short_runs; /* by cell */
    int64_t *ever;                               /* by series */
};

struct shared {
    const struct forecast_model *m;
    const struct forecast_options *o;
    size_t *request_at;
    size_t n_series;
    atomic_long next;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    long done;
};

struct worker {
    struct shared *sh;
    struct tally t;
    uint8_t *flags; /* by series: short in this run */
    pthread_t tid;
};

unsigned long forecast_run_seed(uint64_t seed, long run, int side)
{
    /* splitmix64 of the seed, the run's index and the side (Steele et
     * al.) */
    uint64_t z =
        seed + 0x9e3779b97f4a7c15ull *
                   ((uint64_t)run * SCENARIO_MAX_SIDES + (uint64_t)side + 1);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (unsigned long)(z & 0xffffffffu);
}

static void tally_init(struct tally *t, size_t n_series, int n_steps)
{
    size_t n_cells = n_series * ((size_t)n_steps + 1);

    t->n_series = n_series;
    t->steps = (size_t)n_steps + 1;
    t->hist = xcalloc(n_series, sizeof(*t->hist));
    t->width = xcalloc(n_series, sizeof(*t->width));
    for (size_t i = 0; i < n_series; i++) {
        t->width[i] = 16;
        t->hist[i] = xcalloc(t->steps * t->width[i], sizeof(uint32_t));
    }
    t->arrivals = xcalloc(n_cells, sizeof(int64_t));
    t->departures = xcalloc(n_cells, sizeof(int64_t));
    t->short_runs = xcalloc(n_cells, sizeof(int64_t));
    t->ever = xcalloc(n_series, sizeof(int64_t));
}

static void tally_release(struct tally *t)
{
    for (size_t i = 0; i < t->n_series; i++)
        free(t->hist[i]);
    free(t->hist);
    free(t->width);
    free(t->arrivals);
    free(t->departures);
    free(t->short_runs);
    free(t->ever);
}

/* Makes room for headcount v in series i's histograms. */
static void tally_widen(struct tally *t, size_t i, size_t v)
{
    size_t old = t->width[i], w = old * 2 > v + 1 ? old * 2 : v + 1;
    uint32_t *h = xcalloc(t->steps * w, sizeof(*h));

    for (size_t k = 0; k < t->steps; k++)
        memcpy(h + k * w, t->hist[i] + k * old, old * sizeof(*h));
    free(t->hist[i]);
    t->hist[i] = h;
    t->width[i] = w;
}

static void count(struct tally *t, size_t i, int k, int32_t v)
{
    if (v < 0)
        BUG("negative headcount %d", v);
    if ((size_t)v >= t->width[i])
        tally_widen(t, i, (size_t)v);
    t->hist[i][(size_t)k * t->width[i] + (size_t)v]++;
}

/* Adds mission i's figures of run r on step k to w's tallies. OUT: its
 * side's sums. */
static void add_mission(struct worker *w, const struct sim_run *r, uint32_t i,
                        int k, int32_t *sum)
{
    const struct forecast_model *m = w->sh->m;
    const struct fc_mission *fm = &m->missions[i];
    size_t series = m->sc->n_sides + i;
    size_t cell = series * ((size_t)m->n_steps + 1) + (size_t)k;
    int32_t v = SIM_AT(r, r->headcount, i, k);

    count(&w->t, series, k, v);
    w->t.arrivals[cell] += SIM_AT(r, r->arrivals, i, k);
    w->t.departures[cell] += SIM_AT(r, r->departures, i, k);
    sum[0] += v;
    sum[1] += SIM_AT(r, r->arrivals, i, k);
    sum[2] += SIM_AT(r, r->departures, i, k);
    if (fm->minimum >= 0 && v < fm->minimum) {
        w->t.short_runs[cell]++;
        sum[3] = 1;
        if (k > 0)
            w->flags[series] = 1;
    }
}

static void add_step(struct worker *w, const struct sim_run *r, int k)
{
    const struct forecast_model *m = w->sh->m;
    int32_t sums[SCENARIO_MAX_SIDES][4] = { { 0 } };

    for (uint32_t i = 0; i < m->n_missions; i++)
        add_mission(w, r, i, k, sums[m->missions[i].side]);
    for (size_t s = 0; s < m->sc->n_sides; s++) {
        size_t cell = s * ((size_t)m->n_steps + 1) + (size_t)k;

        count(&w->t, s, k, sums[s][0]);
        w->t.arrivals[cell] += sums[s][1];
        w->t.departures[cell] += sums[s][2];
        w->t.short_runs[cell] += sums[s][3];
        if (k > 0 && sums[s][3])
            w->flags[s] = 1;
    }
}

static void add_run(struct worker *w, const struct sim_run *r)
{
    memset(w->flags, 0, w->sh->n_series);
    for (int k = 0; k <= w->sh->m->n_steps; k++)
        add_step(w, r, k);
    for (size_t s = 0; s < w->sh->n_series; s++)
        w->t.ever[s] += w->flags[s];
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    long runs = sh->o->runs, i;
    struct sim_run r;

    sim_run_init(&r, sh->m);
    while ((i = atomic_fetch_add(&sh->next, CHUNK)) < runs) {
        long end = i + CHUNK < runs ? i + CHUNK : runs;

        for (long run = i; run < end; run++) {
            sim_run_once(&r, sh->o->seed, run, sh->request_at);
            add_run(w, &r);
        }
        pthread_mutex_lock(&sh->lock);
        sh->done += end - i;
        if (sh->done >= runs)
            pthread_cond_signal(&sh->cond);
        pthread_mutex_unlock(&sh->lock);
    }
    sim_run_release(&r);
    return NULL;
}

/* Waits for every run, telling the caller how far the runs are about
 * five times a second. */
static void wait_runs(struct shared *sh)
{
    const struct forecast_options *o = sh->o;

    pthread_mutex_lock(&sh->lock);
    while (sh->done < o->runs) {
        struct timespec ts;
        long done;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&sh->cond, &sh->lock, &ts) != ETIMEDOUT)
            continue;
        done = sh->done;
        pthread_mutex_unlock(&sh->lock);
        o->progress(o->ctx, done, o->runs);
        pthread_mutex_lock(&sh->lock);
    }
    pthread_mutex_unlock(&sh->lock);
    o->progress(o->ctx, o->runs, o->runs);
}

/* request_at[k]: the first request handled on step k or later. */
static size_t *index_requests(const struct forecast_model *m)
{
    size_t *at = xcalloc((size_t)m->n_steps + 3, sizeof(*at)), i = 0;

    for (int k = 0; k <= m->n_steps + 2; k++) {
        while (i < m->n_requests && m->requests[i].step < k)
            i++;
        at[k] = i;
    }
    return at;
}

static int thread_count(const struct forecast_options *o)
{
    long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        n = 1;
    if (n > 256)
        n = 256;
    return (int)(n < o->runs ? n : o->runs);
}

/* Adds b's tallies into a's. */
static void tally_merge(struct tally *a, const struct tally *b)
{
    size_t n_cells = a->n_series * a->steps;

    for (size_t i = 0; i < a->n_series; i++) {
        if (b->width[i] > a->width[i])
            tally_widen(a, i, b->width[i] - 1);
        for (size_t k = 0; k < a->steps; k++) {
            for (size_t v = 0; v < b->width[i]; v++)
                a->hist[i][k * a->width[i] + v] +=
                    b->hist[i][k * b->width[i] + v];
        }
        a->ever[i] += b->ever[i];
    }
    for (size_t c = 0; c < n_cells; c++) {
        a->arrivals[c] += b->arrivals[c];
        a->departures[c] += b->departures[c];
        a->short_runs[c] += b->short_runs[c];
    }
}

/* The smallest headcount that at least pct% of the runs do not exceed. */
static int32_t quantile(const uint32_t *h, size_t width, long runs, int pct)
{
    int64_t cum = 0;

    for (size_t v = 0; v < width; v++) {
        cum += h[v];
        if (cum * 100 >= (int64_t)pct * runs)
            return (int32_t)v;
    }
    return (int32_t)width - 1;
}

static void series_build(const struct forecast_model *m,
                         struct forecast_result *out)
{
    size_t ns = m->sc->n_sides;

    out->n_series = ns + m->n_missions;
    out->series = xcalloc(out->n_series, sizeof(*out->series));
    for (size_t s = 0; s < ns; s++) {
        out->series[s].name = m->sc->sides[s].name;
        out->series[s].is_side = 1;
        out->series[s].side = (int)s;
        out->series[s].minimum = -1;
    }
    for (size_t i = 0; i < m->n_missions; i++) {
        struct forecast_series *x = &out->series[ns + i];

        x->name = m->missions[i].id;
        x->side = m->missions[i].side;
        x->minimum = m->missions[i].minimum;
        if (x->minimum >= 0)
            out->series[x->side].minimum = 0; /* the side has minimums */
    }
}

/* The schedule's arrivals and departures of series i on step k. */
static void schedule(const struct forecast_model *m,
                     const struct forecast_result *out, size_t i, int k,
                     int64_t *arr, int64_t *dep)
{
    size_t ns = m->sc->n_sides;

    *arr = *dep = 0;
    for (size_t mi = 0; mi < m->n_missions; mi++) {
        if (out->series[i].is_side ? m->missions[mi].side == (int)i
                                   : mi == i - ns) {
            *arr += FC_AT(m, m->arrivals, mi, k);
            *dep += FC_AT(m, m->departures, mi, k);
        }
    }
}

static void cell_build(const struct forecast_model *m, const struct tally *t,
                       struct forecast_result *out, size_t i, int k)
{
    size_t cell = i * ((size_t)m->n_steps + 1) + (size_t)k;
    size_t width = t->width[i];
    const uint32_t *h = t->hist[i] + (size_t)k * width;
    struct forecast_cell *c = &out->cells[cell];
    double runs = (double)out->runs;
    int64_t sum = 0, arr, dep;

    for (size_t v = 0; v < width; v++)
        sum += (int64_t)v * h[v];
    c->p10 = quantile(h, width, out->runs, 10);
    c->p50 = quantile(h, width, out->runs, 50);
    c->p90 = quantile(h, width, out->runs, 90);
    c->mean = (double)sum / runs;
    schedule(m, out, i, k, &arr, &dep);
    c->arrivals = (double)arr + (double)t->arrivals[cell] / runs;
    c->departures = (double)dep + (double)t->departures[cell] / runs;
    c->shortage =
        out->series[i].minimum >= 0 ? (double)t->short_runs[cell] / runs : -1;
}

static void summarise(const struct forecast_model *m, const struct tally *t,
                      struct forecast_result *out)
{
    size_t steps = (size_t)m->n_steps + 1;

    out->n_steps = m->n_steps;
    out->dates = xmalloc(steps * sizeof(*out->dates));
    memcpy(out->dates, m->dates, steps * sizeof(*out->dates));
    series_build(m, out);
    out->cells = xcalloc(out->n_series * steps, sizeof(*out->cells));
    out->ever_short = xcalloc(out->n_series, sizeof(double));
    for (size_t i = 0; i < out->n_series; i++) {
        for (int k = 0; k <= m->n_steps; k++)
            cell_build(m, t, out, i, k);
        out->ever_short[i] = out->series[i].minimum >= 0
                                 ? (double)t->ever[i] / (double)out->runs
                                 : -1;
    }
    if (m->sc->n_sides < 2)
        return;
    out->gap = xcalloc(steps, sizeof(double));
    for (size_t k = 0; k < steps; k++)
        out->gap[k] = out->cells[k].mean - out->cells[steps + k].mean;
}

void forecast_run(const struct forecast_model *m,
                  const struct forecast_options *o, struct forecast_result *out)
{
    struct shared sh = { m,
                         o,
                         index_requests(m),
                         m->sc->n_sides + m->n_missions,
                         0,
                         PTHREAD_MUTEX_INITIALIZER,
                         PTHREAD_COND_INITIALIZER,
                         0 };
    int n = thread_count(o);
    struct worker *w = xcalloc((size_t)n, sizeof(*w));

    memset(out, 0, sizeof(*out));
    out->runs = o->runs;
    out->seed = o->seed;
    for (int i = 0; i < n; i++) {
        w[i].sh = &sh;
        w[i].flags = xcalloc(sh.n_series, 1);
        tally_init(&w[i].t, sh.n_series, m->n_steps);
        if (pthread_create(&w[i].tid, NULL, work, &w[i]))
            BUG("cannot start a thread");
    }
    if (o->progress)
        wait_runs(&sh);
    for (int i = 0; i < n; i++) {
        pthread_join(w[i].tid, NULL);
        if (i)
            tally_merge(&w[0].t, &w[i].t);
    }
    summarise(m, &w[0].t, out);
    for (int i = 0; i < n; i++) {
        tally_release(&w[i].t);
        free(w[i].flags);
    }
    free(w);
    free(sh.request_at);
    pthread_mutex_destroy(&sh.lock);
    pthread_cond_destroy(&sh.cond);
}

void forecast_result_release(struct forecast_result *r)
{
    free(r->dates);
    free(r->series);
    free(r->cells);
    free(r->gap);
    free(r->ever_short);
    memset(r, 0, sizeof(*r));
}
