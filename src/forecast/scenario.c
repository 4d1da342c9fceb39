/*
 * Reading a scenario file (forecast/scenario.h, docs/forecast.md): the
 * head (dates, runs, seed), the sides and the minimum staffing here; the
 * policies in spolicies.c and the replacement process in sreplace.c. The
 * readers report and go on, so that a file's every problem is named at
 * once, each with the path of its field.
 */
#include "forecast/scenario.h"

#include <limits.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/count.h"
#include "forecast/sparse.h"

static const char *const KEYS[] = {
    "title", "description", "start",       "horizon_months",
    "step",  "runs",        "seed",        "pending",
    "sides", "policies",    "replacement", "minimum_staffing",
    NULL,
};

void sparse_index(char *out, size_t size, const char *prefix, size_t i)
{
    snprintf(out, size, "%s[%zu]", prefix, i);
}

int sparse_real(struct parser *ps, json_t *obj, const char *prefix,
                const char *key, int required, double min, double max,
                double *out)
{
    char path[SPATH_MAX];
    json_t *v = json_object_get(obj, key);

    parse_path(path, sizeof(path), prefix, key);
    if (!v || json_is_null(v)) {
        if (required)
            parse_problem(ps, path, "a value is required");
        return 0;
    }
    if (!json_is_number(v) || json_number_value(v) < min ||
        json_number_value(v) > max) {
        parse_problem(ps, path, "must be between %g and %g", min, max);
        return 0;
    }
    *out = json_number_value(v);
    return 1;
}

static void head(struct parser *ps, json_t *obj, struct scenario *sc)
{
    const char *step = NULL;
    long horizon = 0, seed = 0;

    parse_string(ps, obj, "", "title", PARSE_OPTIONAL, &sc->title);
    parse_string(ps, obj, "", "description", PARSE_OPTIONAL, &sc->description);
    parse_date(ps, obj, "", "start", PARSE_REQUIRED, &sc->start);
    if (parse_int(ps, obj, "", "horizon_months", PARSE_REQUIRED, 1,
                  SCENARIO_MAX_HORIZON, &horizon))
        sc->horizon = (int)horizon;
    if (parse_string(ps, obj, "", "step", PARSE_OPTIONAL, &step) &&
        strcmp(step, "month"))
        parse_problem(ps, "step", "only 'month' is supported, not '%s'", step);
    parse_int(ps, obj, "", "runs", PARSE_OPTIONAL, 1, SCENARIO_MAX_RUNS,
              &sc->runs);
    if (parse_int(ps, obj, "", "seed", PARSE_OPTIONAL, 0, LONG_MAX, &seed)) {
        sc->seed = (uint64_t)seed;
        sc->has_seed = 1;
    }
    parse_bool(ps, obj, "", "pending", &sc->pending);
}

static void side(struct parser *ps, json_t *v, const char *at,
                 struct scenario *sc, struct scenario_side *out)
{
    static const char *const keys[] = { "name",
                                        "sending",
                                        "country",
                                        "include_organizations",
                                        "include_local_staff",
                                        "replacement",
                                        NULL };
    struct replacement *rp = arena_alloc(ps->a, sizeof(*rp));

    memset(out, 0, sizeof(*out));
    if (!json_is_object(v)) {
        parse_problem(ps, at, "expected an object");
        return;
    }
    parse_known_keys(ps, v, at, keys, "unknown field");
    parse_string(ps, v, at, "name", PARSE_REQUIRED, &out->name);
    if (parse_state(ps, v, at, "sending", 0, out->sending) &&
        parse_state(ps, v, at, "country", 0, out->country) &&
        !strcmp(out->sending, out->country))
        parse_problem(ps, at, "a state's missions are not in its own country");
    parse_bool(ps, v, at, "include_organizations", &out->include_organizations);
    parse_bool(ps, v, at, "include_local_staff", &out->include_local_staff);
    out->replacement = &sc->replacement;
    if (sparse_replacement(ps, v, at, "replacement", PARSE_OPTIONAL, sc->start,
                           rp))
        out->replacement = rp;
}

static void sides(struct parser *ps, json_t *obj, struct scenario *sc)
{
    json_t *arr = json_object_get(obj, "sides"), *item;
    char at[SPATH_MAX];
    size_t i;

    if (!json_is_array(arr) || !json_array_size(arr) ||
        json_array_size(arr) > SCENARIO_MAX_SIDES) {
        parse_problem(ps, "sides", "expected an array of one or two sides");
        return;
    }
    json_array_foreach(arr, i, item)
    {
        sparse_index(at, sizeof(at), "sides", i);
        side(ps, item, at, sc, &sc->sides[sc->n_sides++]);
    }
    if (sc->n_sides == 2 && sc->sides[0].name && sc->sides[1].name &&
        !strcmp(sc->sides[0].name, sc->sides[1].name))
        parse_problem(ps, "sides[1].name", "the two sides need two names");
    if (sc->n_sides == 2 &&
        !strcmp(sc->sides[0].sending, sc->sides[1].sending) &&
        !strcmp(sc->sides[0].country, sc->sides[1].country))
        parse_problem(ps, "sides[1]", "the two sides are the same missions");
}

/* The top-level replacement is required unless every side has its own. */
static void replacement(struct parser *ps, json_t *obj, struct scenario *sc)
{
    int needed = 0;

    for (size_t i = 0; i < sc->n_sides; i++)
        needed |= sc->sides[i].replacement == &sc->replacement;
    sparse_replacement(ps, obj, "", "replacement",
                       needed ? PARSE_REQUIRED : PARSE_OPTIONAL, sc->start,
                       &sc->replacement);
}

int scenario_side_has_mission(const struct snapshot *s,
                              const struct scenario_side *sd, uint32_t m,
                              int32_t start)
{
    const struct mission *ms = snap_mission(s, m);
    struct count_scope c = { sd->sending,
                             sd->include_organizations ? NULL : sd->country,
                             sd->include_organizations ? sd->country : NULL,
                             SCOPE_ALL, SCOPE_ALL };

    return scope_has_mission(&c, ms) &&
           (ms->closed == DATE_NONE || ms->closed > start);
}

/* The side of mission m, or -1. */
static int side_of(const struct snapshot *s, const struct scenario *sc,
                   uint32_t m)
{
    for (size_t i = 0; i < sc->n_sides; i++) {
        if (scenario_side_has_mission(s, &sc->sides[i], m, sc->start))
            return (int)i;
    }
    return -1;
}

static void minimum(struct parser *ps, const char *id, json_t *v,
                    struct scenario *sc)
{
    char at[SPATH_MAX];
    uint32_t m = snapshot_find(ps->s, ENT_MISSION, id);
    struct minimum *out = &sc->minimums[sc->n_minimums];

    parse_path(at, sizeof(at), "minimum_staffing", id);
    if (m == IDMAP_NONE) {
        parse_problem(ps, at, "unknown mission '%s'", id);
    } else if (!json_is_integer(v) || json_integer_value(v) < 0 ||
               json_integer_value(v) > INT32_MAX) {
        parse_problem(ps, at, "expected a whole number of staff, 0 or more");
    } else if (sc->n_sides && side_of(ps->s, sc, m) < 0) {
        parse_problem(ps, at,
                      "mission '%s' is in neither side of the "
                      "scenario",
                      id);
    } else {
        out->mission = m;
        out->staff = (long)json_integer_value(v);
        sc->n_minimums++;
    }
}

static void minimums(struct parser *ps, json_t *obj, struct scenario *sc)
{
    json_t *map = parse_object(ps, obj, "", "minimum_staffing", PARSE_OPTIONAL),
           *v;
    const char *id;

    if (!map)
        return;
    sc->minimums =
        arena_alloc(ps->a, (json_object_size(map) + 1) * sizeof(*sc->minimums));
    json_object_foreach(map, id, v)
    {
        minimum(ps, id, v, sc);
    }
}

static void parse_root(struct parser *ps, json_t *root, struct scenario *sc)
{
    parse_known_keys(ps, root, "", KEYS, "unknown field");
    head(ps, root, sc);
    sides(ps, root, sc);
    replacement(ps, root, sc);
    sparse_policies(ps, root, sc);
    minimums(ps, root, sc);
}

size_t scenario_parse(const struct snapshot *s, const char *file,
                      const char *text, size_t len, struct scenario *sc,
                      struct problems *p)
{
    struct parser ps = { s, &sc->arena, p, file, 0 };
    json_error_t jerr;
    json_t *root;
    size_t from = p->n_kept;
    int budget = PARSE_LINE_SCANS;

    memset(sc, 0, sizeof(*sc));
    arena_init(&sc->arena);
    sc->file = arena_strdup(&sc->arena, file);
    sc->runs = SCENARIO_DEFAULT_RUNS;
    sc->pending = 1;
    sc->start = DATE_NONE;
    /* A byte order mark is no JSON, but editors write one: skipped. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        text += 3, len -= 3;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        problems_add(p, "%s:%d: invalid JSON: %s", file, jerr.line, jerr.text);
        return 1;
    }
    if (json_is_object(root)) {
        parse_root(&ps, root, sc);
        parse_add_lines(p, from, file, text, len, -1, &budget);
    } else
        problems_add(p, "%s: expected a scenario object", file),
            ps.n_problems++;
    json_decref(root);
    return ps.n_problems;
}

void scenario_release(struct scenario *sc)
{
    free(sc->rules);
    arena_release(&sc->arena);
    memset(sc, 0, sizeof(*sc));
}

int scenario_assumes(const struct scenario *sc, const char *name, int32_t date)
{
    for (size_t i = 0; i < sc->n_conditions; i++) {
        if (!strcmp(sc->conditions[i].name, name) &&
            sc->conditions[i].from <= date)
            return 1;
    }
    return 0;
}

int scenario_rule_binds(const struct scenario *sc, const struct policy_rule *r,
                        int32_t date)
{
    return policy_rule_in_effect(r, date) &&
           !(r->unless && scenario_assumes(sc, r->unless, date));
}
