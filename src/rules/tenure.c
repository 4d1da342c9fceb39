/*
 * tenure_cap: how long a tour may last (DESIGN.md, "Counting"). A tour
 * that arrived on A reaches its cap date A + max_tenure (with the rule's
 * rounding) and is over the cap on every later date. With waves, a tour
 * over the cap on a wave's over_by date, and in no earlier wave, must end
 * by that wave's leave_by; a tour reaching its cap after the last wave, or
 * under a rule without waves, must end by the later of its cap date and
 * the policy's start, plus grace. A wave binds as soon as the policy is in
 * effect; a tour in no wave binds once it is over its cap. A tour binds
 * while it is present: one that has left has nothing more to do, and one
 * still present after its deadline is overdue. cap_from and cap_before
 * bound the cap dates the rule reaches, so that one rule can announce a
 * group and another the next (Russia's two of December 2021).
 *
 * Under `abort` rounding a cap date that falls on a day the month lacks is
 * not guessed: the tour is evaluated both ways, and when the two readings
 * differ the finding is "ambiguous", with both in its explain chain.
 */
#include <string.h>

#include "rules/eval.h"

/* The rule's result for one tour under one rounding. */
struct outcome {
    enum status st; /* ST_AMBIGUOUS under abort when a date needs rounding */
    int binds;      /* a deadline binds on the date */
    int wave;       /* the wave's index; -1 after the waves, or none */
    int32_t cap;
    int32_t base; /* after the waves: the later of cap and the start */
    int32_t deadline;
};

static void outcome(const struct eval *ev, int32_t arrived, enum rounding rd,
                    struct outcome *o)
{
    const struct tenure_params *t = &ev->r->u.tenure;

    memset(o, 0, sizeof(*o));
    o->wave = -1;
    if ((o->st = date_add_period(arrived, &t->max_tenure, rd, &o->cap, NULL)))
        return;
    if ((t->cap_from != DATE_NONE && o->cap < t->cap_from) ||
        (t->cap_before != DATE_NONE && o->cap >= t->cap_before))
        return;
    for (size_t k = 0; k < t->n_waves; k++) {
        if (o->cap < t->waves[k].over_by) {
            o->wave = (int)k;
            o->deadline = t->waves[k].leave_by;
            o->binds = 1;
            return;
        }
    }
    if (ev->as_of <= o->cap)
        return;
    o->base = o->cap > ev->r->from ? o->cap : ev->r->from;
    o->st = date_add_period(o->base, &t->grace, rd, &o->deadline, NULL);
    o->binds = !o->st;
}

/* The cap dates the rule reaches, when bounded, as a clause. */
static void cap_bounds(const struct tenure_params *t, char *out, size_t size)
{
    char from[DATE_BUF], before[DATE_BUF];

    date_format(t->cap_from, from);
    date_format(t->cap_before, before);
    snprintf(
        out, size, "; the rule reaches only tours whose cap date is%s%s%s%s",
        t->cap_from != DATE_NONE ? " on or after " : "", from,
        t->cap_from != DATE_NONE && t->cap_before != DATE_NONE ? " and" : "",
        t->cap_before != DATE_NONE ? " before " : "");
    if (t->cap_before != DATE_NONE)
        snprintf(out + strlen(out), size - strlen(out), "%s", before);
}

static void rule_words(const struct eval *ev, char *out, size_t size)
{
    const struct tenure_params *t = &ev->r->u.tenure;
    char p[PERIOD_BUF], g[PERIOD_BUF], a[DATE_BUF], b[DATE_BUF];
    size_t len;

    period_format(&t->max_tenure, p);
    period_format(&t->grace, g);
    len = (size_t)snprintf(out, size,
                           "a tour may last at most %s (dates rounded %s)", p,
                           rounding_name(t->rounding));
    for (size_t k = 0; k < t->n_waves && len < size; k++) {
        date_format(t->waves[k].over_by, a);
        date_format(t->waves[k].leave_by, b);
        len += (size_t)snprintf(out + len, size - len,
                                "; wave %zu: everyone over the cap on %s must "
                                "have left by %s",
                                k + 1, a, b);
    }
    if (len < size)
        len += (size_t)snprintf(
            out + len, size - len,
            "; %s, a tour must end by the later of its cap date and the "
            "policy's start, plus a grace of %s",
            t->n_waves ? "after the last wave" : "otherwise", g);
    if (len < size && (t->cap_from != DATE_NONE || t->cap_before != DATE_NONE))
        cap_bounds(t, out + len, size - len);
}

static void explain_cap(const struct eval *ev, struct finding *x,
                        const struct posting *t, const struct outcome *o)
{
    const struct period *cap = &ev->r->u.tenure.max_tenure;
    char a[DATE_BUF], c[DATE_BUF], p[PERIOD_BUF];
    int32_t exact, down;
    int rounded = date_add_period(t->arrived, cap, ROUND_ABORT, &exact, NULL) ==
                  ST_AMBIGUOUS;

    date_add_period(t->arrived, cap, ROUND_DOWN, &down, NULL);
    date_format(t->arrived, a);
    date_format(o->cap, c);
    period_format(cap, p);
    finding_explain(ev->out, x,
                    "Cap date: %s + %s = %s%s%s; the tour is over the cap on "
                    "every date after it.",
                    a, p, c,
                    rounded ? " (that day of the month does not exist, so "
                              "the date is rounded "
                            : "",
                    rounded ? (o->cap == down ? "down)" : "up)") : "");
}

static void explain_wave(const struct eval *ev, struct finding *x,
                         const struct outcome *o)
{
    const struct wave *w = &ev->r->u.tenure.waves[o->wave];
    char c[DATE_BUF], over[DATE_BUF], leave[DATE_BUF], prev[DATE_BUF];

    date_format(o->cap, c);
    date_format(w->over_by, over);
    date_format(w->leave_by, leave);
    if (o->wave)
        date_format(w[-1].over_by, prev);
    finding_explain(ev->out, x,
                    "Wave %d: everyone over the cap on %s must have left by "
                    "%s. The cap date %s is before %s, so the tour is over the "
                    "cap on that date%s%s%s.",
                    o->wave + 1, over, leave, c, over,
                    o->wave ? ", and in no earlier wave: the cap date is not "
                              "before "
                            : "",
                    o->wave ? prev : "",
                    o->wave ? ", the over_by date of the wave before" : "");
}

static void explain_after(const struct eval *ev, struct finding *x,
                          const struct outcome *o)
{
    const struct tenure_params *t = &ev->r->u.tenure;
    char c[DATE_BUF], from[DATE_BUF], base[DATE_BUF], d[DATE_BUF];
    char g[PERIOD_BUF], last[DATE_BUF], why[160];

    date_format(o->cap, c);
    date_format(ev->r->from, from);
    date_format(o->base, base);
    date_format(o->deadline, d);
    period_format(&t->grace, g);
    if (t->n_waves) {
        date_format(t->waves[t->n_waves - 1].over_by, last);
        snprintf(why, sizeof(why),
                 "The cap date %s is not before %s, the last wave's over_by "
                 "date, so no wave applies",
                 c, last);
    } else {
        snprintf(why, sizeof(why), "The rule has no waves");
    }
    finding_explain(ev->out, x,
                    "%s. The tour is over the cap, so it must end by the "
                    "later of its cap date %s and the policy's start %s, "
                    "that is %s, plus a grace of %s: %s.",
                    why, c, from, base, g, d);
}

/* The steps of a tour's chain before its result. */
static void explain_tour(const struct eval *ev, struct finding *x, uint32_t ti,
                         const struct outcome *o, const char *note)
{
    char words[1024];

    rule_words(ev, words, sizeof(words));
    eval_explain_policy(ev, x, words);
    eval_explain_posting(ev, x, ti);
    explain_cap(ev, x, snap_posting(ev->s, ti), o);
    if (note)
        finding_explain(ev->out, x, "%s", note);
    if (o->wave >= 0)
        explain_wave(ev, x, o);
    else
        explain_after(ev, x, o);
}

/* Posting ti is t (its row, or its copy in mission order). */
static void report(const struct eval *ev, uint32_t ti, const struct posting *t,
                   const struct outcome *o, const char *note)
{
    struct finding *x = eval_finding(ev, FK_OVER_TENURE, ENT_POSTING, t->id);
    char a[DATE_BUF], c[DATE_BUF], d[DATE_BUF];

    if (!ev->out->terse)
        explain_tour(ev, x, ti, o, note);
    eval_explain_result(ev, x, o->deadline, "the posting must end", NULL);
    date_format(t->arrived, a);
    date_format(o->cap, c);
    date_format(o->deadline, d);
    if (o->wave >= 0)
        finding_detail(ev->out, x,
                       "arrived %s, cap date %s; wave %d: leave by %s", a, c,
                       o->wave + 1, d);
    else
        finding_detail(ev->out, x, "arrived %s, cap date %s; leave by %s", a, c,
                       d);
}

/* One reading of an ambiguous tour, as a sentence. */
static void reading(const struct eval *ev, struct finding *x, const char *how,
                    const struct outcome *o)
{
    char c[DATE_BUF], d[DATE_BUF];

    date_format(o->cap, c);
    date_format(o->deadline, d);
    if (!o->binds)
        finding_explain(ev->out, x,
                        "Rounded %s, the cap date is %s and no deadline binds "
                        "yet.",
                        how, c);
    else
        finding_explain(ev->out, x,
                        "Rounded %s, the cap date is %s and the posting must "
                        "end by %s%s.",
                        how, c, d, o->wave >= 0 ? " (a wave)" : "");
}

static void ambiguous(const struct eval *ev, uint32_t ti,
                      const struct posting *t, const struct outcome *down,
                      const struct outcome *up)
{
    struct finding *x = eval_finding(ev, FK_AMBIGUOUS, ENT_POSTING, t->id);
    char words[1024] = "", a[DATE_BUF], lo[DATE_BUF], hi[DATE_BUF];

    if (!ev->out->terse)
        rule_words(ev, words, sizeof(words));
    eval_explain_policy(ev, x, words);
    eval_explain_posting(ev, x, ti);
    date_format(t->arrived, a);
    date_format(down->cap, lo);
    date_format(up->cap, hi);
    finding_explain(ev->out, x,
                    "Cap date: %s plus the cap falls on a day the month does "
                    "not have, and the rule's rounding is abort, so the "
                    "engine does not guess.",
                    a);
    reading(ev, x, "down", down);
    reading(ev, x, "up", up);
    finding_explain(ev->out, x,
                    "Result: the two readings differ, so no deadline is set; "
                    "the rule must state its rounding.");
    finding_detail(ev->out, x,
                   "arrived %s: cap date %s (down) or %s (up); rounding abort",
                   a, lo, hi);
}

static void tour(const struct eval *ev, uint32_t ti, const struct posting *t)
{
    struct outcome o, up;
    const char *note = NULL;

    if (!posting_present(t, ev->as_of) ||
        !eval_has_category(&ev->r->scope, t->category))
        return;
    outcome(ev, t->arrived, ev->r->u.tenure.rounding, &o);
    if (o.st == ST_AMBIGUOUS) {
        outcome(ev, t->arrived, ROUND_DOWN, &o);
        outcome(ev, t->arrived, ROUND_UP, &up);
        if (o.binds != up.binds || (o.binds && o.deadline != up.deadline)) {
            ambiguous(ev, ti, t, &o, &up);
            return;
        }
        note = "The rule's rounding is abort and the cap date needs "
               "rounding; rounded down or up, the result is the same, so "
               "nothing is guessed.";
    }
    if (o.binds)
        report(ev, ti, t, &o, note);
}

void eval_tenure(const struct eval *ev)
{
    struct mission_list ml = snapshot_missions_sent(ev->s, ev->sending);
    const struct posting *t;

    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);

        if (!eval_has_mission(ev, &ev->r->scope, m))
            continue;
        MISSION_POSTINGS_FOR_EACH(ev->s, m, ti, t)
        {
            tour(ev, ti, t);
        }
    }
}
