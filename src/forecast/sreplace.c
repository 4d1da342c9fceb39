/*
 * The replacement process of a scenario: how likely a departure is followed
 * by a request for a replacement, how long before the departure the request
 * is made, the visa the replacement needs (refusal and delay, in phases
 * from dates on, so that a visa agreement can change them), and the tour a
 * new arrival serves. A duration is a fixed period ("P3Y") or lognormal,
 * given as a median and a 90th percentile, which are what a desk officer
 * can say ("usually four months, one in ten takes over a year").
 */
#include <math.h>
#include <string.h>

#include "forecast/sparse.h"

/* The 90th percentile of the standard normal distribution. */
#define Z90 1.2815515655446004

double period_days(const struct period *p)
{
    return p->years * 365.25 + p->months * (365.25 / 12) + p->days;
}

static void lognormal(struct parser *ps, json_t *v, const char *path,
                      struct duration *out)
{
    static const char *const keys[] = { "median", "p90", NULL };
    struct period median, p90;
    char at[SPATH_MAX];

    parse_known_keys(ps, v, path, keys, "unknown field");
    if (!parse_period(ps, v, path, "median", PARSE_REQUIRED, &median) ||
        !parse_period(ps, v, path, "p90", PARSE_REQUIRED, &p90))
        return;
    out->kind = DURATION_LOGNORMAL;
    out->median_days = period_days(&median);
    out->p90_days = period_days(&p90);
    if (out->median_days < 1) {
        parse_path(at, sizeof(at), path, "median");
        parse_problem(ps, at, "must be at least one day");
    } else if (out->p90_days <= out->median_days) {
        parse_path(at, sizeof(at), path, "p90");
        parse_problem(ps, at, "must be longer than the median");
    } else {
        out->zeta = log(out->median_days);
        out->sigma = (log(out->p90_days) - out->zeta) / Z90;
    }
}

/* A duration at obj[key]: a period, or { "median": P, "p90": P }. */
static int duration(struct parser *ps, json_t *obj, const char *prefix,
                    const char *key, struct duration *out)
{
    char path[SPATH_MAX];
    json_t *v = json_object_get(obj, key);
    size_t before = ps->n_problems;

    parse_path(path, sizeof(path), prefix, key);
    memset(out, 0, sizeof(*out));
    if (json_is_object(v))
        lognormal(ps, v, path, out);
    else if (!v || json_is_null(v) || json_is_string(v))
        parse_period(ps, obj, prefix, key, PARSE_REQUIRED, &out->fixed);
    else
        parse_problem(ps, path,
                      "expected a period (\"P3Y\") or an object with a "
                      "median and a p90");
    return ps->n_problems == before;
}

/* "from_registry": { "issuing": STATE, "purpose": PURPOSE }: the delay
 * and the refusals read from the registry's cases as known on the start
 * date (forecast/history.c). */
static void from_registry(struct parser *ps, json_t *v, const char *path,
                          int32_t start, struct visa_phase *out)
{
    static const char *const keys[] = { "issuing", "purpose", NULL };
    char at[SPATH_MAX];

    parse_path(at, sizeof(at), path, "from_registry");
    if (!json_is_object(v)) {
        parse_problem(ps, at,
                      "expected an object with an issuing state and "
                      "a purpose");
        return;
    }
    parse_known_keys(ps, v, at, keys, "unknown field");
    if (!parse_state(ps, v, at, "issuing", 0, out->issuing) ||
        !parse_enum(ps, v, at, "purpose", PARSE_REQUIRED, &ENUM_VISA_PURPOSE,
                    &out->purpose) ||
        start == DATE_NONE)
        return;
    out->from_registry = 1;
    if (!visa_phase_history(ps->s, out, start, ps->a))
        parse_problem(ps, at,
                      "the registry has no visa case of %s for purpose '%s' "
                      "applied by %s",
                      out->issuing, enum_name(&ENUM_VISA_PURPOSE, out->purpose),
                      "the start date");
}

static void visa_phase(struct parser *ps, json_t *v, const char *path,
                       int32_t start, struct visa_phase *out)
{
    static const char *const keys[] = { "from", "refusal", "delay",
                                        "from_registry", NULL };

    memset(out, 0, sizeof(*out));
    out->from = DATE_NONE;
    if (!json_is_object(v)) {
        parse_problem(ps, path, "expected an object");
        return;
    }
    parse_known_keys(ps, v, path, keys, "unknown field");
    parse_date(ps, v, path, "from", PARSE_OPTIONAL, &out->from);
    if (json_object_get(v, "from_registry")) {
        if (json_object_get(v, "refusal") || json_object_get(v, "delay"))
            parse_problem(ps, path,
                          "give either from_registry, or refusal "
                          "and delay, not both");
        from_registry(ps, json_object_get(v, "from_registry"), path, start,
                      out);
        return;
    }
    sparse_real(ps, v, path, "refusal", PARSE_REQUIRED, 0, 1, &out->refusal);
    duration(ps, v, path, "delay", &out->delay);
}

/* Each phase after the first needs a from date later than the one before. */
static void phase_order(struct parser *ps, const char *path,
                        const struct replacement *out)
{
    char at[SPATH_MAX], key[SPATH_MAX];

    for (size_t i = 1; i < out->n_visa; i++) {
        const struct visa_phase *a = &out->visa[i - 1], *b = &out->visa[i];

        sparse_index(at, sizeof(at), path, i);
        parse_path(key, sizeof(key), at, "from");
        if (b->from == DATE_NONE)
            parse_problem(ps, key,
                          "a value is required after the first "
                          "phase");
        else if (a->from != DATE_NONE && b->from <= a->from)
            parse_problem(ps, key, "must be later than the phase before");
    }
}

/* "visa": one phase, or an array of phases in order of their from date. */
static void visa(struct parser *ps, json_t *obj, const char *prefix,
                 int32_t start, struct replacement *out)
{
    char path[SPATH_MAX], at[SPATH_MAX];
    json_t *v = json_object_get(obj, "visa"), *item;
    size_t i;

    parse_path(path, sizeof(path), prefix, "visa");
    if (!v || json_is_null(v) || (json_is_array(v) && !json_array_size(v))) {
        parse_problem(ps, path, "a value is required");
        return;
    }
    out->n_visa = json_is_array(v) ? json_array_size(v) : 1;
    out->visa = arena_alloc(ps->a, out->n_visa * sizeof(*out->visa));
    if (!json_is_array(v)) {
        visa_phase(ps, v, path, start, &out->visa[0]);
        return;
    }
    json_array_foreach(v, i, item)
    {
        sparse_index(at, sizeof(at), path, i);
        visa_phase(ps, item, at, start, &out->visa[i]);
    }
    phase_order(ps, path, out);
}

int sparse_replacement(struct parser *ps, json_t *obj, const char *prefix,
                       const char *key, int required, int32_t start,
                       struct replacement *out)
{
    static const char *const keys[] = { "probability", "lead", "visa", "tour",
                                        NULL };
    char path[SPATH_MAX], at[SPATH_MAX];
    json_t *v = parse_object(ps, obj, prefix, key, required);

    memset(out, 0, sizeof(*out));
    if (!v)
        return 0;
    parse_path(path, sizeof(path), prefix, key);
    parse_known_keys(ps, v, path, keys, "unknown field");
    sparse_real(ps, v, path, "probability", PARSE_REQUIRED, 0, 1,
                &out->probability);
    parse_period(ps, v, path, "lead", PARSE_OPTIONAL, &out->lead);
    visa(ps, v, path, start, out);
    if (duration(ps, v, path, "tour", &out->tour) &&
        out->tour.kind == DURATION_FIXED && period_days(&out->tour.fixed) < 1) {
        parse_path(at, sizeof(at), path, "tour");
        parse_problem(ps, at, "must be at least one day");
    }
    return 1;
}

const struct visa_phase *replacement_visa(const struct replacement *rp,
                                          int32_t date)
{
    size_t i = 0;

    while (i + 1 < rp->n_visa && rp->visa[i + 1].from <= date)
        i++;
    return &rp->visa[i];
}
