/*
 * Kaplan-Meier from histograms (visa/km.h). The estimate is the product
 * over decision days of (1 - d/n); Greenwood's sum of d / (n (n - d))
 * estimates the variance of log S, and the log-log band is
 * S^exp(+-z se) with se = sqrt(sum) / |log S|. Where no decision has been
 * seen S is 1 and the band is [1, 1]; once every case at risk is decided
 * S is 0 and so is the band.
 */
#include "visa/km.h"

#include <math.h>
#include <stdlib.h>

#include "base/xalloc.h"

/* The 0.975 quantile of the standard normal: a two-sided 95% band. */
#define Z_95 1.959963984540054

static void band(struct km_step *st, double greenwood)
{
    double log_s, se;

    if (st->s >= 1.0) {
        st->lower = st->upper = 1.0;
        return;
    }
    if (st->s <= 0.0 || isinf(greenwood)) {
        st->lower = st->upper = st->s;
        return;
    }
    log_s = log(st->s);
    se = sqrt(greenwood) / fabs(log_s);
    st->lower = pow(st->s, exp(Z_95 * se));
    st->upper = pow(st->s, exp(-Z_95 * se));
}

void km_curve_build(struct km_curve *c, const uint32_t *events,
                    const uint32_t *censored, size_t n_days)
{
    uint64_t at_risk = 0;
    double s = 1.0, greenwood = 0.0;
    size_t alloc = 0, alloc_censors = 0;

    c->steps = NULL;
    c->n_steps = 0;
    c->censors = NULL;
    c->n_censors = 0;
    c->n = c->n_censored = 0;
    c->last_day = 0;
    for (size_t t = 0; t < n_days; t++) {
        at_risk += events[t] + censored[t];
        c->n_censored += censored[t];
        if (events[t] || censored[t])
            c->last_day = (int32_t)t;
    }
    c->n = at_risk;
    for (size_t t = 0; t < n_days; t++) {
        uint32_t d = events[t];
        struct km_step *st;

        if (d) {
            s *= 1.0 - (double)d / (double)at_risk;
            greenwood +=
                at_risk > d
                    ? (double)d / ((double)at_risk * (double)(at_risk - d))
                    : INFINITY;
            XGROW(c->steps, c->n_steps + 1, alloc);
            st = &c->steps[c->n_steps++];
            *st = (struct km_step){ (int32_t)t, (uint32_t)at_risk, d, s, 0.0,
                                    0.0 };
            band(st, greenwood);
        }
        if (censored[t]) {
            XGROW(c->censors, c->n_censors + 1, alloc_censors);
            c->censors[c->n_censors++] =
                (struct km_censor){ (int32_t)t, censored[t], s };
        }
        at_risk -= d + censored[t];
    }
}

void km_curve_release(struct km_curve *c)
{
    free(c->steps);
    free(c->censors);
    c->steps = NULL;
    c->n_steps = 0;
    c->censors = NULL;
    c->n_censors = 0;
}

/* The first step whose value (as picked) is at most level. */
static int32_t first_at_or_below(const struct km_curve *c, double level,
                                 int which)
{
    /* A tolerance, so that 0.5 reached exactly (4 of 8 decided) counts. */
    const double eps = 1e-12;

    for (size_t i = 0; i < c->n_steps; i++) {
        const struct km_step *st = &c->steps[i];
        double v = which < 0 ? st->lower : which > 0 ? st->upper : st->s;

        if (v <= level + eps)
            return st->t;
    }
    return KM_NOT_REACHED;
}

struct km_quantile km_quantile(const struct km_curve *c, double p)
{
    struct km_quantile q;
    double level = 1.0 - p;

    q.days = first_at_or_below(c, level, 0);
    q.lower = first_at_or_below(c, level, -1);
    q.upper = first_at_or_below(c, level, +1);
    return q;
}

double km_survival_at(const struct km_curve *c, int32_t t)
{
    double s = 1.0;

    for (size_t i = 0; i < c->n_steps && c->steps[i].t <= t; i++)
        s = c->steps[i].s;
    return s;
}
