/*
 * Replacement visas drawn from the registry's own history: the cases an
 * issuing state decided for a purpose, read as time from application to
 * issue. A median of issued cases would leave out the cases still
 * waiting, which are the point of the complaint, so the estimate is
 * Kaplan-Meier's (visa/km.h): a case pending on the as-of date is known to
 * have waited so long (censored there), a withdrawn case stopped waiting
 * without a decision (censored on withdrawal), and a refused case is never
 * issued (at risk to the last day, so it never counts as issued). The
 * share issued within t days is then 1 - S(t), and what the curve never
 * reaches is the share of replacements that get no visa. Annulments and
 * revocations act on issued visas and are not applications.
 */
#include <string.h>

#include "base/xalloc.h"
#include "forecast/scenario.h"
#include "visa/km.h"

/* The days case x waited as of as_of, and whether it ended in an issue
 * (1), a refusal (2), or is censored (0); -1 to leave it out. */
static int reading(const struct visa *x, int32_t as_of, int32_t *days)
{
    int decided = x->decided != DATE_NONE && x->decided <= as_of;

    if (x->applied == DATE_NONE || x->applied > as_of ||
        x->outcome == VO_ANNULLED || x->outcome == VO_REVOKED)
        return -1;
    *days = (decided ? x->decided : as_of) - x->applied;
    if (*days < 0)
        *days = 0;
    if (decided && x->outcome == VO_ISSUED)
        return 1;
    if (decided && x->outcome == VO_REFUSED)
        return 2;
    return 0;
}

/* The purpose and the code's first letter settle most cases before the
 * string compare (the forecasts page reads every case of the registry). */
static int matches(const struct visa_phase *v, const struct visa *x)
{
    return x->purpose == v->purpose && x->issuing[0] == v->issuing[0] &&
           !strcmp(x->issuing, v->issuing);
}

/* The histograms of issues and censorings by day; refusals go to the last
 * day. Returns the cases counted. */
static long histograms(const struct snapshot *s, const struct visa_phase *v,
                       int32_t as_of, uint32_t **events, uint32_t **censored,
                       size_t *n_days)
{
    size_t n = snapshot_count(s, ENT_VISA), last = 0;
    long cases = 0;
    int32_t d;

    for (uint32_t i = 0; i < n; i++) {
        if (matches(v, snap_visa(s, i)) &&
            reading(snap_visa(s, i), as_of, &d) >= 0 && (size_t)d > last)
            last = (size_t)d;
    }
    *n_days = last + 2;
    *events = xcalloc(*n_days, sizeof(**events));
    *censored = xcalloc(*n_days, sizeof(**censored));
    for (uint32_t i = 0; i < n; i++) {
        int how;

        if (!matches(v, snap_visa(s, i)) ||
            (how = reading(snap_visa(s, i), as_of, &d)) < 0)
            continue;
        cases++;
        if (how == 1)
            (*events)[d]++;
        else
            (*censored)[how == 2 ? *n_days - 1 : (size_t)d]++;
    }
    return cases;
}

long visa_phase_history(const struct snapshot *s, struct visa_phase *v,
                        int32_t as_of, struct arena *a)
{
    uint32_t *events, *censored;
    struct km_curve c;
    size_t n_days;
    long cases = histograms(s, v, as_of, &events, &censored, &n_days);
    int32_t *day;
    double *issued;

    km_curve_build(&c, events, censored, n_days);
    day = arena_alloc(a, (c.n_steps + 1) * sizeof(*day));
    issued = arena_alloc(a, (c.n_steps + 1) * sizeof(*issued));
    for (size_t i = 0; i < c.n_steps; i++) {
        day[i] = c.steps[i].t;
        issued[i] = 1 - c.steps[i].s;
    }
    v->history_day = day;
    v->history_issued = issued;
    v->n_history = c.n_steps;
    v->n_cases = cases;
    km_curve_release(&c);
    free(events);
    free(censored);
    return cases;
}

double visa_phase_issued_by(const struct visa_phase *v, int32_t days)
{
    size_t lo = 0, hi = v->n_history;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (v->history_day[mid] <= days)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? v->history_issued[lo - 1] : 0;
}
