/*
 * What a forecast assumes, in plain words (forecast/words.h): every
 * number the scenario file sets and every simplification the model makes
 * is said once, so that a reader can disagree with an assumption rather
 * than with the result.
 */
#include <string.h>

#include "base/buf.h"
#include "forecast/words.h"

static void horizon(const struct forecast_model *m, struct words *w)
{
    char from[40], to[40];

    words_date(m->dates[0], from, sizeof(from));
    words_date(m->dates[m->n_steps], to, sizeof(to));
    words_add(w,
              "The forecast starts on %s and looks %d months ahead, to %s, "
              "one month at a time.",
              from, m->n_steps, to);
}

/* "RUS (Russian Federation)", or the code when the state has no name. */
static const char *state_name(const struct forecast_model *m, const char *code,
                              char *out, size_t size)
{
    uint32_t i = snapshot_find(m->s, ENT_STATE, code);
    const char *name = i != IDMAP_NONE ? snap_state(m->s, i)->name : NULL;

    snprintf(out, size, "%s%s%s%s", code, name ? " (" : "", name ? name : "",
             name ? ")" : "");
    return out;
}

static void side(const struct forecast_model *m, size_t s, struct words *w)
{
    char a[128], b[128];
    const struct scenario_side *sd = &m->sc->sides[s];
    struct buf ids;
    char from[40];

    buf_init(&ids, 4096);
    for (size_t i = 0; i < m->n_missions; i++) {
        if (m->missions[i].side == (int)s)
            buf_addf(&ids, "%s%s", ids.len ? ", " : "", m->missions[i].id);
    }
    words_date(m->dates[0], from, sizeof(from));
    words_add(w,
              "\"%s\": the missions of %s in %s, that is %s; %s; staff "
              "are counted %s. They number %ld on %s.",
              sd->name, state_name(m, sd->sending, a, sizeof(a)),
              state_name(m, sd->country, b, sizeof(b)), ids.data,
              sd->include_organizations
                  ? "missions to international organizations there are "
                    "included"
                  : "missions to international organizations there are "
                    "left out",
              sd->include_local_staff ? "in every category"
                                      : "in every category but local staff",
              m->initial[s], from);
    buf_release(&ids);
}

/* Departures rule r requires in the horizon. */
static long departures(const struct forecast_model *m, const char *id)
{
    long n = 0;

    for (size_t i = 0; i < m->n_events; i++) {
        if (m->events[i].kind == FC_EVENT_RULE &&
            !strcmp(m->events[i].what, id))
            n += m->events[i].count;
    }
    return n;
}

static void rule(const struct forecast_model *m, size_t i, struct words *w)
{
    const struct policy_rule *r = &m->sc->rules[i];
    long n = departures(m, r->id);
    const char *added = i >= m->sc->n_registry_rules ? " (added for this "
                                                       "scenario)"
                                                     : "";

    if (n)
        words_add(w,
                  "Rule %s%s, \"%s\", set by %s on %s: %ld of the staff "
                  "counted leave by its deadlines.",
                  r->id, added, r->title ? r->title : r->id, r->issuer,
                  r->target, n);
    for (size_t c = 0; c < m->n_caps; c++) {
        if (m->caps[c].r != r)
            continue;
        if (r->u.cap.mirrored)
            words_add(w,
                      "Rule %s%s, \"%s\": %s's staff may number at most "
                      "%g times %s's; above that, the earliest arrivals "
                      "leave and are not replaced.",
                      r->id, added, r->title ? r->title : r->id, r->target,
                      r->u.cap.ratio, r->issuer);
        else
            words_add(w,
                      "Rule %s%s, \"%s\": %s's staff may number at most "
                      "%ld; above that, the earliest arrivals leave and "
                      "are not replaced.",
                      r->id, added, r->title ? r->title : r->id, r->target,
                      r->u.cap.limit);
        break;
    }
}

static void conditions(const struct forecast_model *m, struct words *w)
{
    const struct scenario *sc = m->sc;
    char from[40];

    for (size_t i = 0; i < sc->n_conditions; i++) {
        words_date(sc->conditions[i].from, from, sizeof(from));
        words_add(w,
                  "From %s the scenario assumes \"%s\": the policies that "
                  "hold unless it does stop applying from then on.",
                  from, sc->conditions[i].name);
    }
    for (size_t i = 0; i < sc->n_removed; i++)
        words_add(w,
                  "The registry's policy %s is left out of this "
                  "scenario.",
                  sc->removed[i]);
}

/* "about 4 months, and one in ten takes longer than 1 year" */
static void spread(const struct duration *d, const char *verb, char *out,
                   size_t size)
{
    char a[40], b[40];

    if (d->kind == DURATION_FIXED) {
        words_days(period_days(&d->fixed), a, sizeof(a));
        snprintf(out, size, "%s %s", verb, a);
        return;
    }
    words_days(d->median_days, a, sizeof(a));
    words_days(d->p90_days, b, sizeof(b));
    snprintf(out, size, "%s about %s, and one in ten %s longer than %s", verb,
             a, verb, b);
}

static void history(const struct visa_phase *v, const char *when,
                    struct words *w)
{
    char a[16], b[16], never[16];

    words_share(visa_phase_issued_by(v, 30), a, sizeof(a));
    words_share(visa_phase_issued_by(v, 180), b, sizeof(b));
    double p = v->n_history ? 1 - v->history_issued[v->n_history - 1] : 1;

    words_share(p, never, sizeof(never));
    words_add(w,
              "%s%s replacement's visa follows the registry's own %ld "
              "cases of %s for the purpose '%s', those still waiting "
              "included (a Kaplan-Meier estimate): %s are issued within 30 "
              "days, %s within 180 days, and %s%s.",
              when, *when ? "the" : "The", v->n_cases, v->issuing,
              enum_name(&ENUM_VISA_PURPOSE, v->purpose), a, b,
              p > 0 ? never : "every case is issued in the end",
              p > 0 ? " never (refused, or still waiting for all the "
                      "registry knows)"
                    : "");
}

static void visa(const struct replacement *rp, size_t i, struct words *w)
{
    const struct visa_phase *v = &rp->visa[i];
    char when[64] = "", refused[16], delay[160], d[40];

    if (i) {
        words_date(v->from, d, sizeof(d));
        snprintf(when, sizeof(when), "From %s, ", d);
    } else if (rp->n_visa > 1) {
        words_date(rp->visa[1].from, d, sizeof(d));
        snprintf(when, sizeof(when), "Until %s, ", d);
    }
    if (v->from_registry) {
        history(v, when, w);
        return;
    }
    words_share(v->refusal, refused, sizeof(refused));
    spread(&v->delay, "takes", delay, sizeof(delay));
    words_add(w,
              "%s%s replacement's visa is refused in %s of cases; an "
              "issued visa %s.",
              when, *when ? "the" : "The", refused, delay);
}

static void replacement(const struct replacement *rp, const char *who,
                        struct words *w)
{
    char share[16], ahead[40], lead[80], tour[160];

    words_share(rp->probability, share, sizeof(share));
    words_days(period_days(&rp->lead), ahead, sizeof(ahead));
    snprintf(lead, sizeof(lead), "%s%s",
             period_is_zero(&rp->lead) ? "on the day of the departure" : ahead,
             period_is_zero(&rp->lead) ? "" : " before the departure");
    words_add(w,
              "%s: when a member of staff leaves, a replacement is asked "
              "for in %s of cases, %s.",
              who, share, lead);
    for (size_t i = 0; i < rp->n_visa; i++)
        visa(rp, i, w);
    spread(&rp->tour, "stays", tour, sizeof(tour));
    words_add(w, "A replacement who arrives %s.", tour);
}

static void replacements(const struct forecast_model *m, struct words *w)
{
    const struct scenario *sc = m->sc;

    if (sc->n_sides == 2 &&
        sc->sides[0].replacement == sc->sides[1].replacement) {
        replacement(sc->sides[0].replacement, "Both sides", w);
        return;
    }
    for (size_t s = 0; s < sc->n_sides; s++)
        replacement(sc->sides[s].replacement, sc->sides[s].name, w);
}

static void pending(const struct forecast_model *m, struct words *w)
{
    long n = 0;

    for (size_t i = 0; i < m->n_requests; i++)
        n += m->requests[i].pending;
    if (n)
        words_add(w,
                  "%ld appointment%s notified and still waiting for a visa "
                  "on the start date count as requests already made, "
                  "their visas drawn given the time they have waited.",
                  n, n == 1 ? "" : "s");
}

static void minimums(const struct forecast_model *m, struct words *w)
{
    for (size_t i = 0; i < m->n_missions; i++) {
        if (m->missions[i].minimum >= 0)
            words_add(w,
                      "A month is a shortage at %s when it has fewer "
                      "than %ld staff.",
                      m->missions[i].id, m->missions[i].minimum);
    }
}

void words_assumptions(const struct forecast_model *m, struct words *w)
{
    horizon(m, w);
    for (size_t s = 0; s < m->sc->n_sides; s++)
        side(m, s, w);
    for (size_t i = 0; i < m->sc->n_rules; i++)
        rule(m, i, w);
    conditions(m, w);
    replacements(m, w);
    pending(m, w);
    minimums(m, w);
    words_add(w, "Staff present at the start stay until their recorded end, "
                 "a rule's deadline or a headcount ceiling, and every deadline "
                 "is met on the day. The rules reach the staff in the "
                 "registry; replacements leave at the end of their tour. "
                 "Families and local staff are not forecast.");
}
