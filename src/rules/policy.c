/*
 * Policies: the JSON object read and validated into a struct policy_rule,
 * and the policy records made from it. The record keeps the object exactly
 * as given (compact, keys in order) as its body, so that an export writes
 * back what was imported; the typed rule is parsed again from the body
 * whenever the rules are evaluated, which keeps one source of truth.
 */
#include <string.h>

#include "base/xalloc.h"
#include "rules/parse.h"

/* Dumping flags: keys in their order, and reals as a person writes them. */
#define DUMP_COMPACT \
    (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))
#define DUMP_PRETTY \
    (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static const char *const POLICY_KEYS[] = {
    "id",        "title",  "kind",   "issuer", "target", "scope",
    "effective", "params", "unless", "basis",  "source", NULL,
};

/* An id is also a file name (policies/ID.json): no path or odd bytes. */
static int valid_id(const char *id)
{
    return *id && *id != '.' &&
           strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789._-") == strlen(id);
}

/* Sets ps->where from the policy's id, or its position when it has none. */
static void set_where(char *where, json_t *obj, const char *file, size_t index)
{
    json_t *id = json_object_get(obj, "id");

    if (json_is_string(id) && *json_string_value(id))
        snprintf(where, POLICY_WHERE_MAX, "%s: policy '%s'", file,
                 json_string_value(id));
    else
        snprintf(where, POLICY_WHERE_MAX, "%s: policy #%zu", file, index + 1);
}

static void parse_parties(struct parser *ps, json_t *obj, struct policy_rule *r)
{
    if (parse_state(ps, obj, "", "issuer", 0, r->issuer) &&
        parse_state(ps, obj, "", "target", 1, r->target) &&
        !strcmp(r->issuer, r->target))
        parse_problem(ps, "target", "a state's policy cannot target itself");
}

static void parse_effective(struct parser *ps, json_t *obj,
                            struct policy_rule *r)
{
    static const char *const keys[] = { "from", "to", NULL };
    json_t *eff = parse_object(ps, obj, "", "effective", PARSE_REQUIRED);
    char a[DATE_BUF], b[DATE_BUF];

    r->from = r->to = DATE_NONE;
    if (!eff)
        return;
    parse_known_keys(ps, eff, "effective", keys, "unknown field");
    parse_date(ps, eff, "effective", "from", PARSE_REQUIRED, &r->from);
    if (parse_date(ps, eff, "effective", "to", PARSE_OPTIONAL, &r->to) &&
        r->from != DATE_NONE && r->to < r->from) {
        date_format(r->to, a);
        date_format(r->from, b);
        parse_problem(ps, "effective.to", "to %s is before from %s", a, b);
    }
}

static void parse_head(struct parser *ps, json_t *obj, struct policy_rule *r)
{
    const char *basis;

    if (parse_string(ps, obj, "", "id", PARSE_REQUIRED, &r->id) &&
        !valid_id(r->id))
        parse_problem(ps, "id",
                      "invalid id '%s': letters, digits, '.', '_' and '-' "
                      "only",
                      r->id);
    parse_string(ps, obj, "", "title", PARSE_OPTIONAL, &r->title);
    parse_string(ps, obj, "", "unless", PARSE_OPTIONAL, &r->unless);
    parse_string(ps, obj, "", "basis", PARSE_OPTIONAL, &basis);
    parse_string(ps, obj, "", "source", PARSE_OPTIONAL, &basis);
}

size_t policy_rule_parse(const struct snapshot *s, json_t *obj,
                         const char *file, size_t index, struct arena *a,
                         struct policy_rule *out, struct problems *p)
{
    char where[POLICY_WHERE_MAX];
    struct parser ps = { s, a, p, where, 0 };
    json_t *params;

    memset(out, 0, sizeof(*out));
    out->kind = ENUM_NONE;
    set_where(where, obj, file, index);
    if (!json_is_object(obj)) {
        problems_add(p, "%s: expected a policy object", where);
        return 1;
    }
    parse_known_keys(&ps, obj, "", POLICY_KEYS, "unknown field");
    parse_head(&ps, obj, out);
    parse_parties(&ps, obj, out);
    parse_scope(&ps, obj, "", "scope", NULL, &out->scope);
    parse_effective(&ps, obj, out);
    parse_enum(&ps, obj, "", "kind", PARSE_REQUIRED, &ENUM_POLICY_KIND,
               &out->kind);
    params = parse_object(&ps, obj, "", "params", PARSE_REQUIRED);
    if (params && out->kind != ENUM_NONE)
        parse_params(&ps, params, out);
    return ps.n_problems;
}

int policy_rule_in_effect(const struct policy_rule *r, int32_t date)
{
    return r->from <= date && (r->to == DATE_NONE || date <= r->to);
}

/* The record of a valid rule, its strings in s's arena. */
static void make_record(struct snapshot *s, const struct policy_rule *r,
                        json_t *obj, struct policy *y)
{
    char *body = json_dumps(obj, DUMP_COMPACT);

    if (!body)
        BUG("cannot encode policy '%s'", r->id);
    record_clear(ENTITIES[ENT_POLICY], y);
    y->id = arena_strdup(&s->strings, r->id);
    y->kind = r->kind;
    memcpy(y->issuer, r->issuer, 4);
    y->target = arena_strdup(&s->strings, r->target);
    y->from = r->from;
    y->to = r->to;
    y->unless = r->unless ? arena_strdup(&s->strings, r->unless) : NULL;
    y->title = r->title ? arena_strdup(&s->strings, r->title) : NULL;
    y->body = arena_strdup(&s->strings, body);
    free(body);
}

/* Checks the record's text fields as every text that enters the registry
 * is checked (lengths, control characters): they come from the JSON, not
 * through field_parse. 0 when they pass. */
static int check_texts(struct snapshot *s, const char *file,
                       const struct policy *y, struct problems *p)
{
    const struct entity *ent = ENTITIES[ENT_POLICY];
    struct policy scratch;
    int bad = 0;

    for (int k = 0; k < ent->n_fields; k++) {
        const struct field *f = &ent->fields[k];
        char buf[FIELD_BUF];
        struct err e;

        if (f->type == FT_TEXT && !(f->flags & FIELD_JSON) &&
            field_parse(s, f, &scratch, field_text(s, f, y, buf), &e)) {
            problems_add(p, "%s: policy '%s': field '%s': %s", file, y->id,
                         f->name, e.msg);
            bad = 1;
        }
    }
    return bad;
}

/* Validates one object and appends its record; 1 when it was added. */
static int read_one(struct snapshot *s, const char *file, size_t index,
                    json_t *obj, struct problems *p)
{
    struct policy_rule r;
    struct policy y;
    struct arena a;
    struct err e;
    int added = 0;

    arena_init(&a);
    if (!policy_rule_parse(s, obj, file, index, &a, &r, p)) {
        make_record(s, &r, obj, &y);
        if (check_texts(s, file, &y, p))
            ;
        else if (snapshot_add(s, ENT_POLICY, &y, NULL, &e))
            problems_add(p, "%s: policy '%s': field 'id': %s", file, r.id,
                         e.msg);
        else
            added = 1;
    }
    arena_release(&a);
    return added;
}

void policy_read_text(struct snapshot *s, const char *file, const char *text,
                      size_t len, struct problems *p, size_t *n_added)
{
    json_error_t jerr;
    json_t *root, *item;
    int budget = PARSE_LINE_SCANS;
    size_t i;

    /* A byte order mark is no JSON, but editors write one: skipped. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        text += 3, len -= 3;
    root =
        json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);

    *n_added = 0;
    if (!root) {
        problems_add(p, "%s:%d: invalid JSON: %s", file, jerr.line, jerr.text);
        return;
    }
    if (json_is_object(root)) {
        size_t from = p->n_kept;

        *n_added += (size_t)read_one(s, file, 0, root, p);
        parse_add_lines(p, from, file, text, len, -1, &budget);
    } else if (json_is_array(root))
        json_array_foreach(root, i, item)
        {
            size_t from = p->n_kept;

            *n_added += (size_t)read_one(s, file, i, item, p);
            parse_add_lines(p, from, file, text, len, (long)i, &budget);
        }
    else
        problems_add(p, "%s: expected a policy object or an array of them",
                     file);
    json_decref(root);
}

enum status policy_rule_load(const struct snapshot *s, uint32_t i,
                             struct arena *a, struct policy_rule *out,
                             struct err *e)
{
    const struct policy *y = snapshot_row(s, ENT_POLICY, i);
    json_t *obj = json_loads(y->body, 0, NULL);
    struct problems p;
    enum status rc = ST_OK;

    problems_init(&p);
    if (!obj)
        rc = err_set(e, ST_INVALID, "policy '%s': its body is not JSON", y->id);
    else if (policy_rule_parse(s, obj, "registry", 0, a, out, &p))
        rc = err_set(e, ST_INVALID, "%s", p.msgs[0]);
    json_decref(obj);
    problems_release(&p);
    return rc;
}

char *policy_pretty(const struct policy *y)
{
    json_t *obj = json_loads(y->body, 0, NULL);
    char *text = obj ? json_dumps(obj, DUMP_PRETTY) : NULL;
    char *out;

    json_decref(obj);
    if (!text)
        BUG("policy '%s': its body is not JSON", y->id);
    out = xasprintf("%s\n", text);
    free(text);
    return out;
}

char *policy_body_with_to(const struct policy *y, int32_t to)
{
    json_t *obj = json_loads(y->body, 0, NULL);
    json_t *eff = json_object_get(obj, "effective");
    char date[DATE_BUF], *text;

    if (!json_is_object(eff))
        BUG("policy '%s': no effective object", y->id);
    date_format(to, date);
    json_object_set_new(eff, "to", json_string(date));
    text = json_dumps(obj, DUMP_COMPACT);
    json_decref(obj);
    if (!text)
        BUG("cannot encode policy '%s'", y->id);
    return text;
}
