/*
 * The JSON field readers of the policy parser. They never stop at a
 * problem: each is reported with the field's full path and the reader
 * carries on, which is how one import names every bad field of a file.
 */
#include "rules/parse.h"

#include <stdarg.h>
#include <string.h>

#include "base/xalloc.h"

void parse_problem(struct parser *ps, const char *path, const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    problems_add(ps->p, "%s: field '%s': %s", ps->where, path, msg);
    ps->n_problems++;
}

void parse_path(char *out, size_t size, const char *prefix, const char *key)
{
    snprintf(out, size, "%s%s%s", prefix, *prefix ? "." : "", key);
}

void parse_known_keys(struct parser *ps, json_t *obj, const char *prefix,
                      const char *const *allowed, const char *what)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        const char *const *k = allowed;
        char path[256];

        while (*k && strcmp(*k, key))
            k++;
        if (*k)
            continue;
        parse_path(path, sizeof(path), prefix, key);
        parse_problem(ps, path, "%s", what);
    }
}

/* The value at obj[key], NULL when absent or null; reports a required
 * value missing. */
static json_t *value(struct parser *ps, json_t *obj, const char *path,
                     const char *key, int required)
{
    json_t *v = json_object_get(obj, key);

    if (json_is_null(v))
        v = NULL;
    if (!v && required)
        parse_problem(ps, path, "a value is required");
    return v;
}

json_t *parse_object(struct parser *ps, json_t *obj, const char *prefix,
                     const char *key, int required)
{
    char path[256];
    json_t *v;

    parse_path(path, sizeof(path), prefix, key);
    v = value(ps, obj, path, key, required);
    if (v && !json_is_object(v)) {
        parse_problem(ps, path, "expected an object");
        return NULL;
    }
    return v;
}

/* The string at obj[key] with its path; NULL when absent or bad. */
static const char *string_at(struct parser *ps, json_t *obj, char *path,
                             size_t size, const char *prefix, const char *key,
                             int required)
{
    json_t *v;

    parse_path(path, size, prefix, key);
    v = value(ps, obj, path, key, required);
    if (!v)
        return NULL;
    if (!json_is_string(v) || !*json_string_value(v)) {
        parse_problem(ps, path, "expected a non-empty string");
        return NULL;
    }
    return json_string_value(v);
}

int parse_string(struct parser *ps, json_t *obj, const char *prefix,
                 const char *key, int required, const char **out)
{
    char path[256];
    const char *text =
        string_at(ps, obj, path, sizeof(path), prefix, key, required);

    if (!text)
        return 0;
    *out = arena_strdup(ps->a, text);
    return 1;
}

int parse_date(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, int required, int32_t *out)
{
    char path[256];
    const char *text =
        string_at(ps, obj, path, sizeof(path), prefix, key, required);
    struct err e;

    if (!text)
        return 0;
    if (date_parse(text, out, &e)) {
        parse_problem(ps, path, "%s", e.msg);
        return 0;
    }
    return 1;
}

int parse_period(struct parser *ps, json_t *obj, const char *prefix,
                 const char *key, int required, struct period *out)
{
    char path[256];
    const char *text =
        string_at(ps, obj, path, sizeof(path), prefix, key, required);
    struct err e;

    if (!text)
        return 0;
    if (period_parse(text, out, &e)) {
        parse_problem(ps, path, "%s", e.msg);
        return 0;
    }
    if (out->years < 0 || out->months < 0 || out->days < 0) {
        parse_problem(ps, path, "the period '%s' must not be negative", text);
        return 0;
    }
    return 1;
}

int parse_int(struct parser *ps, json_t *obj, const char *prefix,
              const char *key, int required, long min, long max, long *out)
{
    char path[256];
    json_t *v;

    parse_path(path, sizeof(path), prefix, key);
    v = value(ps, obj, path, key, required);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > max) {
        parse_problem(ps, path, "expected a whole number from %ld to %ld", min,
                      max);
        return 0;
    }
    *out = (long)json_integer_value(v);
    return 1;
}

int parse_bool(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, int *out)
{
    char path[256];
    json_t *v;

    parse_path(path, sizeof(path), prefix, key);
    v = value(ps, obj, path, key, PARSE_OPTIONAL);
    if (!v)
        return 0;
    if (!json_is_boolean(v)) {
        parse_problem(ps, path, "expected true or false");
        return 0;
    }
    *out = json_is_true(v);
    return 1;
}

/* The value named text in names, reported at path when unknown. */
static int enum_value(struct parser *ps, const char *path,
                      const struct enum_names *names, const char *text)
{
    int v = enum_from_name(names, text);
    char list[512];

    if (v == ENUM_NONE) {
        enum_list(names, list, sizeof(list));
        parse_problem(ps, path, "invalid %s '%s' (expected one of: %s)",
                      names->what, text, list);
    }
    return v;
}

int parse_enum(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, int required, const struct enum_names *names,
               int *out)
{
    char path[256];
    const char *text =
        string_at(ps, obj, path, sizeof(path), prefix, key, required);
    int v;

    if (!text || (v = enum_value(ps, path, names, text)) == ENUM_NONE)
        return 0;
    *out = v;
    return 1;
}

/* The array at obj[key], reported when it is not an array of strings. */
static json_t *string_array(struct parser *ps, json_t *obj, const char *path,
                            const char *key)
{
    json_t *v = value(ps, obj, path, key, PARSE_OPTIONAL), *item;
    size_t i;

    if (!v)
        return NULL;
    if (!json_is_array(v)) {
        parse_problem(ps, path, "expected an array of strings");
        return NULL;
    }
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item)) {
            parse_problem(ps, path, "expected an array of strings");
            return NULL;
        }
    }
    return v;
}

int parse_enum_mask(struct parser *ps, json_t *obj, const char *prefix,
                    const char *key, const struct enum_names *names,
                    unsigned *out)
{
    char path[256];
    json_t *arr, *item;
    unsigned mask = 0;
    size_t i, bad = 0;

    parse_path(path, sizeof(path), prefix, key);
    if (!(arr = string_array(ps, obj, path, key)))
        return 0;
    json_array_foreach(arr, i, item)
    {
        int v = enum_value(ps, path, names, json_string_value(item));

        if (v == ENUM_NONE)
            bad++;
        else
            mask |= 1u << v;
    }
    *out = mask;
    return !bad;
}

int parse_known_state(struct parser *ps, const char *path, const char *text)
{
    if (strlen(text) != 3 || strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
        parse_problem(ps, path,
                      "invalid state code '%s': expected ISO 3166-1 alpha-3",
                      text);
        return 0;
    }
    if (snapshot_find(ps->s, ENT_STATE, text) == IDMAP_NONE) {
        parse_problem(ps, path, "unknown state '%s'", text);
        return 0;
    }
    return 1;
}

int parse_state(struct parser *ps, json_t *obj, const char *prefix,
                const char *key, int star, char out[4])
{
    char path[256];
    const char *text =
        string_at(ps, obj, path, sizeof(path), prefix, key, PARSE_REQUIRED);

    if (!text)
        return 0;
    if (!(star && !strcmp(text, "*")) && !parse_known_state(ps, path, text))
        return 0;
    snprintf(out, 4, "%s", text);
    return 1;
}

int parse_refs(struct parser *ps, json_t *obj, const char *prefix,
               const char *key, enum entity_kind kind, uint32_t **out,
               size_t *n)
{
    char path[256];
    json_t *arr, *item;
    size_t i, bad = 0;

    parse_path(path, sizeof(path), prefix, key);
    if (!(arr = string_array(ps, obj, path, key)))
        return 0;
    *out = arena_alloc(ps->a, (json_array_size(arr) + 1) * sizeof(**out));
    *n = 0;
    json_array_foreach(arr, i, item)
    {
        const char *id = json_string_value(item);
        uint32_t r = snapshot_find(ps->s, kind, id);

        if (r == IDMAP_NONE) {
            parse_problem(ps, path, "unknown %s '%s'", ENTITIES[kind]->name,
                          id);
            bad++;
        } else {
            (*out)[(*n)++] = r;
        }
    }
    return !bad;
}

void parse_scope(struct parser *ps, json_t *obj, const char *prefix,
                 const char *key, const char *extra, struct policy_scope *out)
{
    const char *const allowed[] = { "mission_kinds", "categories", "missions",
                                    extra, NULL };
    char path[256];
    json_t *scope = parse_object(ps, obj, prefix, key, PARSE_OPTIONAL);

    memset(out, 0, sizeof(*out));
    if (!scope)
        return;
    parse_path(path, sizeof(path), prefix, key);
    parse_known_keys(ps, scope, path, allowed, "unknown field");
    parse_enum_mask(ps, scope, path, "mission_kinds", &ENUM_MISSION_KIND,
                    &out->kinds);
    parse_enum_mask(ps, scope, path, "categories", &ENUM_STAFF_CATEGORY,
                    &out->categories);
    parse_refs(ps, scope, path, "missions", ENT_MISSION, &out->missions,
               &out->n_missions);
}

/* The path scanner: a JSON tokenizer that only tracks where it is. */
#define SCAN_DEPTH 64

struct scan_frame {
    int is_array;
    long index;      /* of the element being read, in an array */
    const char *key; /* of the member being read, in an object */
    size_t key_len;
};

struct scan {
    const char *at, *end;
    unsigned long line;
    struct scan_frame frames[SCAN_DEPTH];
    int depth;
    const char *target;     /* the path sought, "[2].params.waves[0]" */
    unsigned long found;    /* the line of the path */
    unsigned long fallback; /* the line of its deepest ancestor seen */
    int fallback_depth;     /* the depth of that ancestor */
};

/* Compares the path of the value starting here with the target: records
 * the line when it is the target, or an ancestor of it. */
static void scan_value(struct scan *sc)
{
    char path[512];
    size_t n = 0, t;

    for (int i = 1; i <= sc->depth && n < sizeof(path); i++) {
        const struct scan_frame *f = &sc->frames[i - 1];
        int w = f->is_array
                    ? snprintf(path + n, sizeof(path) - n, "[%ld]", f->index)
                    : snprintf(path + n, sizeof(path) - n, "%s%.*s",
                               n ? "." : "", (int)f->key_len, f->key);

        n += w > 0 ? (size_t)w : 0;
    }
    if (n >= sizeof(path))
        return;
    path[n] = '\0';
    t = strlen(sc->target);
    if (!strcmp(path, sc->target))
        sc->found = sc->line;
    else if (n < t && !strncmp(path, sc->target, n) &&
             (!n || sc->target[n] == '.' || sc->target[n] == '[')) {
        sc->fallback = sc->line;
        sc->fallback_depth = sc->depth;
    }
}

/* Skips a string at sc->at (on its quote); returns its body. */
static const char *scan_string(struct scan *sc, size_t *len)
{
    const char *start = ++sc->at;

    while (sc->at < sc->end && *sc->at != '"') {
        if (*sc->at == '\\' && sc->at + 1 < sc->end)
            sc->at++;
        sc->at++;
    }
    *len = (size_t)(sc->at - start);
    sc->at++;
    return start;
}

static void scan_run(struct scan *sc)
{
    int want_key = 0;

    while (sc->at < sc->end && !sc->found) {
        char c = *sc->at;
        struct scan_frame *top = sc->depth ? &sc->frames[sc->depth - 1] : NULL;
        size_t len;

        if (c == '\n')
            sc->line++;
        if (c == '"' && want_key && top) {
            top->key = scan_string(sc, &top->key_len);
            want_key = 0;
            continue;
        }
        if (c == '}' || c == ']') {
            sc->depth -= sc->depth > 0;
            /* Out of the deepest ancestor: the path is not in the text. */
            if (sc->fallback && sc->depth <= sc->fallback_depth)
                return;
        } else if (c == ',') {
            if (top && top->is_array)
                top->index++;
            want_key = top && !top->is_array;
        } else if (!strchr(" \t\r\n:", c)) {
            scan_value(sc);
            if (c == '{' || c == '[') {
                if (sc->depth == SCAN_DEPTH)
                    return;
                sc->frames[sc->depth++] =
                    (struct scan_frame){ c == '[', 0, "", 0 };
                want_key = c == '{';
            } else if (c == '"') {
                scan_string(sc, &len);
                continue;
            } else {
                while (sc->at + 1 < sc->end && !strchr(",]} \t\r\n", sc->at[1]))
                    sc->at++;
            }
        }
        sc->at++;
    }
}

/* The line of the value at path in text, or of its deepest ancestor. */
static unsigned long line_of(const char *text, size_t len, const char *path)
{
    struct scan sc;

    memset(&sc, 0, sizeof(sc));
    sc.at = text;
    sc.end = text + len;
    sc.line = 1;
    sc.target = path;
    /* A byte order mark is skipped as the reader skips it. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        sc.at += 3;
    scan_run(&sc);
    return sc.found ? sc.found : sc.fallback;
}

void parse_add_lines(struct problems *p, size_t from, const char *file,
                     const char *text, size_t len, long item, int *budget)
{
    size_t n = strlen(file);

    for (size_t i = from; i<p->n_kept && * budget> 0; i++) {
        char *msg = p->msgs[i], path[300];
        const char *field = strstr(msg, ": field '"), *end;
        unsigned long line;
        size_t k = 0;

        if (strncmp(msg, file, n) || strncmp(msg + n, ": ", 2))
            continue;
        if (item >= 0)
            k = (size_t)snprintf(path, sizeof(path), "[%ld]", item);
        if (field && (end = strchr(field + 9, '\'')) &&
            (size_t)(end - field - 9) < sizeof(path) - k - 1)
            snprintf(path + k, sizeof(path) - k, "%s%.*s",
                     k && field[9] != '[' ? "." : "", (int)(end - field - 9),
                     field + 9);
        else
            path[k] = '\0';
        --*budget;
        line = line_of(text, len, path);
        if (!line)
            continue;
        p->msgs[i] = xasprintf("%s:%lu%s", file, line, msg + n);
        free(msg);
    }
}
