/*
 * Which policies a scenario applies: the registry's (unless "registry" is
 * false), less those it removes by id, plus those it adds, written as
 * policy files are (DESIGN.md, "Policies") and validated by the same
 * parser; and the conditions it assumes from a date on, under which a
 * policy with that `unless` is void. A policy added with the id of one the
 * registry keeps would make two rules of one name, so replacing a policy
 * takes removing it first.
 */
#include <string.h>

#include "base/xalloc.h"
#include "forecast/sparse.h"

/* The policies removed by id; each must be in the registry. */
static const char **removed(struct parser *ps, json_t *obj, int registry,
                            size_t *n)
{
    json_t *arr = json_object_get(obj, "remove"), *item;
    const char **ids;
    char at[SPATH_MAX];
    size_t i;

    *n = 0;
    if (!arr || json_is_null(arr))
        return NULL;
    if (!json_is_array(arr)) {
        parse_problem(ps, "policies.remove", "expected an array of policy ids");
        return NULL;
    }
    ids = arena_alloc(ps->a, (json_array_size(arr) + 1) * sizeof(*ids));
    json_array_foreach(arr, i, item)
    {
        const char *id = json_string_value(item);

        sparse_index(at, sizeof(at), "policies.remove", i);
        if (!id)
            parse_problem(ps, at, "expected a policy id");
        else if (!registry)
            parse_problem(ps, at,
                          "the registry's policies are not used "
                          "(\"registry\": false)");
        else if (snapshot_find(ps->s, ENT_POLICY, id) == IDMAP_NONE)
            parse_problem(ps, at, "unknown policy '%s'", id);
        else
            ids[(*n)++] = id;
    }
    return ids;
}

static int listed(const char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(ids[i], id))
            return 1;
    }
    return 0;
}

static struct policy_rule *grow(struct scenario *sc, size_t *alloc)
{
    XGROW(sc->rules, sc->n_rules + 1, *alloc);
    return &sc->rules[sc->n_rules];
}

/* The registry's policies, less those removed, parsed from their bodies. */
static void registry_rules(struct parser *ps, struct scenario *sc,
                           const char *const *ids, size_t n_ids, size_t *alloc)
{
    for (uint32_t i = 0; i < snapshot_count(ps->s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(ps->s, ENT_POLICY, i);
        struct err e;

        if (listed(ids, n_ids, y->id))
            continue;
        if (policy_rule_load(ps->s, i, &sc->arena, grow(sc, alloc), &e))
            parse_problem(ps, "policies.registry", "%s", e.msg);
        else
            sc->n_rules++;
    }
}

/* 1 when a rule before index n has the id. */
static int taken(const struct scenario *sc, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(sc->rules[i].id, id))
            return 1;
    }
    return 0;
}

static void added_rules(struct parser *ps, json_t *obj, struct scenario *sc,
                        size_t *alloc)
{
    json_t *arr = json_object_get(obj, "add"), *item;
    char at[SPATH_MAX], where[SPATH_MAX + 64];
    size_t i, n;

    if (!arr || json_is_null(arr))
        return;
    if (!json_is_array(arr)) {
        parse_problem(ps, "policies.add", "expected an array of policies");
        return;
    }
    json_array_foreach(arr, i, item)
    {
        struct policy_rule *r = grow(sc, alloc);

        sparse_index(at, sizeof(at), "policies.add", i);
        snprintf(where, sizeof(where), "%s: %s", ps->where, at);
        if ((n = policy_rule_parse(ps->s, item, where, 0, &sc->arena, r,
                                   ps->p))) {
            ps->n_problems += n;
            continue;
        }
        if (taken(sc, sc->n_rules, r->id)) {
            parse_path(where, sizeof(where), at, "id");
            parse_problem(ps, where,
                          "policy '%s' is already in the scenario (remove "
                          "it to replace it)",
                          r->id);
            continue;
        }
        sc->n_rules++;
    }
}

/* 1 when some rule of the scenario is void under condition name. */
static int voids(const struct scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_rules; i++) {
        if (sc->rules[i].unless && !strcmp(sc->rules[i].unless, name))
            return 1;
    }
    return 0;
}

/* One assumed condition: "NAME" (from the start) or { condition, from }. */
static void condition(struct parser *ps, json_t *item, const char *at,
                      struct scenario *sc, struct condition *out)
{
    static const char *const keys[] = { "condition", "from", NULL };
    char path[SPATH_MAX];

    out->name = NULL;
    out->from = sc->start;
    if (json_is_string(item) && *json_string_value(item)) {
        out->name = arena_strdup(ps->a, json_string_value(item));
    } else if (json_is_object(item)) {
        parse_known_keys(ps, item, at, keys, "unknown field");
        parse_string(ps, item, at, "condition", PARSE_REQUIRED, &out->name);
        parse_date(ps, item, at, "from", PARSE_OPTIONAL, &out->from);
    } else {
        parse_problem(ps, at,
                      "expected a condition name or an object with "
                      "a condition and a from date");
    }
    parse_path(path, sizeof(path), at, "condition");
    if (out->name && !voids(sc, out->name))
        parse_problem(ps, json_is_object(item) ? path : at,
                      "no policy of the scenario is void under condition "
                      "'%s'",
                      out->name);
}

static void conditions(struct parser *ps, json_t *obj, struct scenario *sc)
{
    json_t *arr = json_object_get(obj, "assume"), *item;
    char at[SPATH_MAX];
    size_t i;

    if (!arr || json_is_null(arr))
        return;
    if (!json_is_array(arr)) {
        parse_problem(ps, "policies.assume", "expected an array of conditions");
        return;
    }
    sc->conditions = arena_alloc(ps->a, (json_array_size(arr) + 1) *
                                            sizeof(*sc->conditions));
    json_array_foreach(arr, i, item)
    {
        sparse_index(at, sizeof(at), "policies.assume", i);
        condition(ps, item, at, sc, &sc->conditions[sc->n_conditions]);
        if (sc->conditions[sc->n_conditions].name)
            sc->n_conditions++;
    }
}

void sparse_policies(struct parser *ps, json_t *obj, struct scenario *sc)
{
    static const char *const keys[] = { "registry", "add", "remove", "assume",
                                        NULL };
    json_t *pol = parse_object(ps, obj, "", "policies", PARSE_OPTIONAL);
    json_t *none = json_object();
    int registry = 1;
    const char **ids;
    size_t n_ids, alloc = 0;

    if (!pol)
        pol = none;
    parse_known_keys(ps, pol, "policies", keys, "unknown field");
    parse_bool(ps, pol, "policies", "registry", &registry);
    ids = removed(ps, pol, registry, &n_ids);
    sc->removed = ids;
    sc->n_removed = n_ids;
    if (registry)
        registry_rules(ps, sc, ids, n_ids, &alloc);
    sc->n_registry_rules = sc->n_rules;
    added_rules(ps, pol, sc, &alloc);
    conditions(ps, pol, sc);
    json_decref(none);
}
