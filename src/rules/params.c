/*
 * The params object of each kind of policy (DESIGN.md, "Kinds and their
 * params"), read into the kind's typed struct. One table row per kind names
 * the params it knows and its reader, so an unknown param is reported the
 * same way for every kind.
 */
#include <math.h>
#include <string.h>

#include "rules/parse.h"

#define P "params"

static const char *const ROUNDING[] = { "down", "up", "abort" };
static const struct enum_names ROUNDING_NAMES = { "rounding", ROUNDING, 3 };
static const char *const SPOUSE[] = { "accredit", "deny" };
static const struct enum_names SPOUSE_NAMES = { "spouse rule", SPOUSE, 2 };
static const char *const CHILD[] = { "issue", "deny" };
static const struct enum_names CHILD_NAMES = { "child visa rule", CHILD, 2 };
static const char *const REASON[] = { "persona_non_grata",
                                      "ordered_departure" };
static const struct enum_names REASON_NAMES = { "reason", REASON, 2 };
static const char *const DAYS[] = { "calendar", "working" };
static const struct enum_names DAYS_NAMES = { "day count", DAYS, 2 };
static const char *const PURPOSE[] = { "posting", "dependent", "delegate",
                                       "tdy", "private" };
static const struct enum_names PURPOSE_NAMES = { "visa purpose", PURPOSE, 5 };

static void parse_wave(struct parser *ps, json_t *obj, const char *path,
                       struct wave *w)
{
    static const char *const keys[] = { "over_by", "leave_by", NULL };
    char at[80], a[DATE_BUF], b[DATE_BUF];

    if (!json_is_object(obj)) {
        parse_problem(ps, path, "expected an object");
        return;
    }
    parse_known_keys(ps, obj, path, keys, "unknown field");
    /* Both read (the & is not a typo: each reports its own problem). */
    if ((parse_date(ps, obj, path, "over_by", PARSE_REQUIRED, &w->over_by) &
         parse_date(ps, obj, path, "leave_by", PARSE_REQUIRED, &w->leave_by)) &&
        w->leave_by < w->over_by) {
        date_format(w->leave_by, a);
        date_format(w->over_by, b);
        parse_path(at, sizeof(at), path, "leave_by");
        parse_problem(ps, at, "leave_by %s is before over_by %s", a, b);
    }
}

static void parse_waves(struct parser *ps, json_t *params,
                        struct tenure_params *t)
{
    json_t *arr = json_object_get(params, "waves"), *item;
    size_t i;

    if (!arr || json_is_null(arr))
        return;
    if (!json_is_array(arr)) {
        parse_problem(ps, P ".waves", "expected an array of waves");
        return;
    }
    t->waves =
        arena_alloc(ps->a, (json_array_size(arr) + 1) * sizeof(*t->waves));
    json_array_foreach(arr, i, item)
    {
        struct wave *w = &t->waves[t->n_waves++];
        char path[64];

        snprintf(path, sizeof(path), P ".waves[%zu]", i);
        w->over_by = w->leave_by = DATE_NONE;
        parse_wave(ps, item, path, w);
        if (i && w->over_by != DATE_NONE && w[-1].over_by != DATE_NONE &&
            w->over_by <= w[-1].over_by)
            parse_problem(ps, path,
                          "waves must be in order of over_by, "
                          "each later than the one before");
    }
}

static void parse_tenure(struct parser *ps, json_t *params,
                         struct policy_rule *r)
{
    struct tenure_params *t = &r->u.tenure;
    int rounding;

    if (parse_period(ps, params, P, "max_tenure", PARSE_REQUIRED,
                     &t->max_tenure) &&
        period_is_zero(&t->max_tenure))
        parse_problem(ps, P ".max_tenure", "the period must not be zero");
    if (parse_enum(ps, params, P, "rounding", PARSE_REQUIRED, &ROUNDING_NAMES,
                   &rounding))
        t->rounding = (enum rounding)rounding;
    parse_waves(ps, params, t);
    parse_period(ps, params, P, "grace", PARSE_OPTIONAL, &t->grace);
    t->cap_from = t->cap_before = DATE_NONE;
    parse_date(ps, params, P, "cap_from", PARSE_OPTIONAL, &t->cap_from);
    if (parse_date(ps, params, P, "cap_before", PARSE_OPTIONAL,
                   &t->cap_before) &&
        t->cap_from != DATE_NONE && t->cap_before != DATE_NONE &&
        t->cap_before <= t->cap_from)
        parse_problem(ps, P ".cap_before", "must be later than cap_from");
}

static void parse_ratio(struct parser *ps, json_t *mirror, double *out)
{
    json_t *v = json_object_get(mirror, "ratio");

    if (!v || json_is_null(v)) {
        parse_problem(ps, P ".mirror.ratio", "a value is required");
        return;
    }
    *out = json_number_value(v);
    if (!json_is_number(v) || !isfinite(*out) || *out <= 0)
        parse_problem(ps, P ".mirror.ratio", "expected a number above 0");
}

static void parse_mirror(struct parser *ps, json_t *mirror,
                         struct cap_params *c)
{
    static const char *const keys[] = { "ratio", "lag", NULL };

    c->mirrored = 1;
    parse_known_keys(ps, mirror, P ".mirror", keys, "unknown field");
    parse_ratio(ps, mirror, &c->ratio);
    parse_period(ps, mirror, P ".mirror", "lag", PARSE_OPTIONAL, &c->lag);
}

static void parse_count(struct parser *ps, json_t *count, struct cap_count *c)
{
    static const char *const keys[] = {
        "categories",          "mission_kinds",
        "include_local_staff", "include_organizations",
        "include_dependents",  NULL,
    };

    parse_known_keys(ps, count, P ".count", keys, "unknown field");
    parse_enum_mask(ps, count, P ".count", "categories", &ENUM_STAFF_CATEGORY,
                    &c->categories);
    parse_enum_mask(ps, count, P ".count", "mission_kinds", &ENUM_MISSION_KIND,
                    &c->kinds);
    parse_bool(ps, count, P ".count", "include_local_staff",
               &c->include_local_staff);
    parse_bool(ps, count, P ".count", "include_organizations",
               &c->include_organizations);
    parse_bool(ps, count, P ".count", "include_dependents",
               &c->include_dependents);
}

static void parse_cap(struct parser *ps, json_t *params, struct policy_rule *r)
{
    struct cap_params *c = &r->u.cap;
    json_t *mirror = parse_object(ps, params, P, "mirror", PARSE_OPTIONAL);
    json_t *count = parse_object(ps, params, P, "count", PARSE_OPTIONAL);
    int has_limit = json_object_get(params, "limit") &&
                    !json_is_null(json_object_get(params, "limit"));

    if (has_limit && json_object_get(params, "mirror"))
        parse_problem(ps, P ".mirror", "give a limit or a mirror, not both");
    else if (!has_limit && !json_object_get(params, "mirror"))
        parse_problem(ps, P ".limit", "a limit or a mirror is required");
    if (has_limit)
        parse_int(ps, params, P, "limit", PARSE_REQUIRED, 0, 1000000000L,
                  &c->limit);
    if (mirror)
        parse_mirror(ps, mirror, c);
    if (count)
        parse_count(ps, count, &c->count);
}

static void parse_select(struct parser *ps, json_t *params,
                         struct departure_params *d)
{
    json_t *select = json_object_get(params, "select");

    d->selects = 1;
    parse_scope(ps, params, P, "select", "arrived_before", &d->select);
    if (json_is_object(select))
        parse_date(ps, select, P ".select", "arrived_before", PARSE_OPTIONAL,
                   &d->arrived_before);
}

static void parse_departure(struct parser *ps, json_t *params,
                            struct policy_rule *r)
{
    struct departure_params *d = &r->u.departure;
    int has_persons = json_object_get(params, "persons") != NULL;
    int reason;

    d->arrived_before = d->declared = d->leave_by = DATE_NONE;
    if (has_persons == (json_object_get(params, "select") != NULL))
        parse_problem(ps, has_persons ? P ".select" : P ".persons",
                      has_persons ? "give persons or select, not both"
                                  : "persons or select is required");
    if (has_persons &&
        parse_refs(ps, params, P, "persons", ENT_PERSON, &d->persons,
                   &d->n_persons) &&
        !d->n_persons)
        parse_problem(ps, P ".persons", "name at least one person");
    if (json_object_get(params, "select"))
        parse_select(ps, params, d);
    parse_date(ps, params, P, "declared", PARSE_REQUIRED, &d->declared);
    if (parse_date(ps, params, P, "leave_by", PARSE_REQUIRED, &d->leave_by) &&
        d->declared != DATE_NONE && d->leave_by < d->declared)
        parse_problem(ps, P ".leave_by", "leave_by is before declared");
    if (parse_enum(ps, params, P, "reason", PARSE_REQUIRED, &REASON_NAMES,
                   &reason))
        d->reason = (enum departure_reason)reason;
}

static void parse_family(struct parser *ps, json_t *params,
                         struct policy_rule *r)
{
    struct dependent_params *d = &r->u.dependent;
    long child = -1, student = -1;
    int v;

    if (parse_enum(ps, params, P, "spouse", PARSE_OPTIONAL, &SPOUSE_NAMES, &v))
        d->spouse = v ? FAMILY_DENY : FAMILY_ALLOW;
    if (parse_enum(ps, params, P, "child_visa", PARSE_OPTIONAL, &CHILD_NAMES,
                   &v))
        d->child_visa = v ? FAMILY_DENY : FAMILY_ALLOW;
    parse_int(ps, params, P, "child_max_age", PARSE_OPTIONAL, 0, 150, &child);
    if (parse_int(ps, params, P, "student_max_age", PARSE_OPTIONAL, 0, 150,
                  &student) &&
        student < child)
        parse_problem(ps, P ".student_max_age",
                      "student_max_age is below child_max_age");
    d->child_max_age = (int)child;
    d->student_max_age = (int)student;
    if (!d->spouse && !d->child_visa && child < 0)
        parse_problem(ps, P, "give spouse, child_visa or child_max_age");
}

static void parse_local_staff(struct parser *ps, json_t *params,
                              struct policy_rule *r)
{
    struct local_staff_params *l = &r->u.local_staff;
    json_t *arr = json_object_get(params, "nationalities"), *item;
    size_t i;

    if (!json_is_array(arr) || !json_array_size(arr)) {
        parse_problem(ps, P ".nationalities",
                      "expected an array of state codes (or "
                      "\"third_country\")");
        return;
    }
    l->nationalities = arena_alloc(ps->a, json_array_size(arr) * 4);
    json_array_foreach(arr, i, item)
    {
        const char *code = json_string_value(item);

        if (code && !strcmp(code, "third_country"))
            l->third_country = 1;
        else if (!code)
            parse_problem(ps, P ".nationalities", "expected a string");
        else if (parse_known_state(ps, P ".nationalities", code))
            snprintf(l->nationalities[l->n_nationalities++], 4, "%s", code);
    }
}

static void parse_classes(struct parser *ps, json_t *params,
                          struct visa_sla_params *v)
{
    json_t *arr = json_object_get(params, "classes"), *item;
    size_t i;

    if (!arr || json_is_null(arr))
        return;
    if (!json_is_array(arr)) {
        parse_problem(ps, P ".classes", "expected an array of strings");
        return;
    }
    v->classes =
        arena_alloc(ps->a, (json_array_size(arr) + 1) * sizeof(*v->classes));
    json_array_foreach(arr, i, item)
    {
        if (!json_is_string(item))
            parse_problem(ps, P ".classes", "expected an array of strings");
        else
            v->classes[v->n_classes++] =
                arena_strdup(ps->a, json_string_value(item));
    }
}

static void parse_visa_sla(struct parser *ps, json_t *params,
                           struct policy_rule *r)
{
    struct visa_sla_params *v = &r->u.visa_sla;
    long days = 0;
    int kind = 0;

    if (parse_int(ps, params, P, "max_days", PARSE_REQUIRED, 1, 3650, &days))
        v->max_days = (int)days;
    if (parse_enum(ps, params, P, "days", PARSE_OPTIONAL, &DAYS_NAMES, &kind))
        v->working_days = kind;
    parse_enum_mask(ps, params, P, "purposes", &PURPOSE_NAMES, &v->purposes);
    parse_classes(ps, params, v);
}

struct kind_reader {
    const char *const *params;
    void (*parse)(struct parser *, json_t *, struct policy_rule *);
};

static const char *const TENURE[] = { "max_tenure", "rounding", "waves",
                                      "grace",      "cap_from", "cap_before",
                                      NULL };
static const char *const CAP[] = { "limit", "mirror", "count", NULL };
static const char *const DEPARTURE[] = { "persons",  "select", "declared",
                                         "leave_by", "reason", NULL };
static const char *const FAMILY[] = { "spouse", "child_visa", "child_max_age",
                                      "student_max_age", NULL };
static const char *const LOCAL[] = { "nationalities", NULL };
static const char *const SLA[] = { "max_days", "days", "purposes", "classes",
                                   NULL };

static const struct kind_reader READERS[PK__COUNT] = {
    [PK_TENURE_CAP] = { TENURE, parse_tenure },
    [PK_HEADCOUNT_CAP] = { CAP, parse_cap },
    [PK_DEPARTURE_ORDER] = { DEPARTURE, parse_departure },
    [PK_DEPENDENT_RULE] = { FAMILY, parse_family },
    [PK_LOCAL_STAFF_BAN] = { LOCAL, parse_local_staff },
    [PK_VISA_SLA] = { SLA, parse_visa_sla },
};

void parse_params(struct parser *ps, json_t *params, struct policy_rule *r)
{
    const struct kind_reader *k = &READERS[r->kind];
    char what[64];

    snprintf(what, sizeof(what), "unknown param for %s",
             enum_name(&ENUM_POLICY_KIND, r->kind));
    parse_known_keys(ps, params, P, k->params, what);
    k->parse(ps, params, r);
}
