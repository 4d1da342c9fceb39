/*
 * A notification's payload turned into records, and its warnings. Each
 * record of the payload is parsed field by field through the entity
 * descriptors and checked by core/interchange.c's row validation, so a
 * notification is refused with the very messages an import gives for the
 * same row; only the place differs: a field path ("posting.rank") where an
 * import names a line. The check functions say "WHERE: column 'X': ...";
 * their messages are collected apart and rewritten to the path, rather
 * than giving every check a second message format.
 */
#include "rules/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/apply.h"
#include "core/interchange.h"
#include "rules/check.h"
#include "rules/policy.h"

#define DUMP_COMPACT (JSON_COMPACT | JSON_PRESERVE_ORDER)

struct reader {
    struct snapshot *s;
    const char *file;
    struct problems *p;
    struct notify_draft *d;
    int32_t today;
};

/* The keys each kind may carry at its top level. */
static const char *const KEYS[NK__COUNT][12] = {
    [NK_APPOINTMENT] = { "kind", "mission", "person", "posting", "dependents",
                         "replaces", "justification", "planned_end", NULL },
    [NK_ARRIVAL] = { "kind", "mission", "posting", "planned_end", "arrived",
                     "accredited", NULL },
    [NK_CHANGE] = { "kind", "mission", "posting", "title", "rank", "category",
                    "head_of_mission", "on", NULL },
    [NK_DEPENDENT_JOIN] = { "kind", "mission", "posting", "person", "relation",
                            "joined", "accredited", NULL },
    [NK_DEPENDENT_LEAVE] = { "kind", "mission", "posting", "person", "left",
                             NULL },
    [NK_TERMINATION] = { "kind", "mission", "posting", "ended", "end_reason",
                         NULL },
    [NK_TRANSFER] = { "kind", "mission", "posting", "ended", "end_reason", "to",
                      "planned_end", NULL },
    [NK_DEPENDENT_ACCREDIT] = { "kind", "mission", "posting", "person",
                                "accredited", NULL },
    [NK_CORRECTION] = { "kind", "mission", "person", "family_name",
                        "given_names", "sex", "birth_date", "nationality",
                        "passport", "on", NULL },
};

/* The key that dates each kind (NULL: "on", else today). */
static const char *const DATE_KEY[NK__COUNT] = {
    [NK_APPOINTMENT] = NULL,
    [NK_ARRIVAL] = "arrived",
    [NK_CHANGE] = NULL,
    [NK_DEPENDENT_JOIN] = "joined",
    [NK_DEPENDENT_LEAVE] = "left",
    [NK_TERMINATION] = "ended",
};

void notify_draft_init(struct notify_draft *d)
{
    memset(d, 0, sizeof(*d));
    d->kind = ENUM_NONE;
    d->mission = IDMAP_NONE;
    d->person = IDMAP_NONE;
    d->posting = IDMAP_NONE;
    d->planned_end = DATE_NONE;
    d->date = DATE_NONE;
    d->closed = DATE_NONE;
}

void notify_draft_release(struct notify_draft *d)
{
    for (size_t i = 0; i < d->n_changes; i++)
        free(d->changes[i].before);
    free(d->changes);
    free(d->payload);
    notify_draft_init(d);
}

/* Lists a record the payload wrote, and brings the snapshot's indexes up
 * to date for it alone (core/apply.h): the checks of the next record see
 * it, and no index of the registry is rebuilt. */
static void add_change(struct snapshot *s, struct notify_draft *d, int update,
                       enum entity_kind entity, uint32_t index, void *before)
{
    struct snapshot_change c = { entity, index, update ? before : NULL };

    XGROW(d->changes, d->n_changes + 1, d->alloc);
    d->changes[d->n_changes++] =
        (struct notify_change){ update, entity, index, before };
    snapshot_reindex(s, &c, 1);
}

static int in_list(const char *const *list, const char *key)
{
    for (; list && *list; list++) {
        if (!strcmp(*list, key))
            return 1;
    }
    return 0;
}

/* "posting" + "rank" -> "posting.rank"; "" + "ended" -> "ended". */
static void join_path(char *out, size_t size, const char *path, const char *key)
{
    snprintf(out, size, "%s%s%s", path, *path ? "." : "", key);
}

/* The text of a scalar JSON value as a CSV field would hold it; NULL for
 * an object or array. */
static const char *value_text(const json_t *v, char *tmp, size_t size)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_null(v))
        return "";
    if (json_is_true(v) || json_is_false(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v)) {
        snprintf(tmp, size, "%lld", (long long)json_integer_value(v));
        return tmp;
    }
    return NULL;
}

/* Moves the problems of a record check (tmp) to r's list, each
 * "WHERE: column 'X': message" (WHERE being path) as "FILE: PATH.X:
 * message". */
static void relay(struct reader *r, const char *path, struct problems *tmp)
{
    size_t n = strlen(path);
    static const char col[] = ": column '";

    for (size_t i = 0; i < tmp->n_kept; i++) {
        const char *m = tmp->msgs[i], *c = m + n, *end;

        if (!strncmp(m, path, n) && !strncmp(c, col, sizeof(col) - 1) &&
            (end = strstr(c + sizeof(col) - 1, "': "))) {
            c += sizeof(col) - 1;
            problems_add(r->p, "%s: %s%s%.*s: %s", r->file, path,
                         *path ? "." : "", (int)(end - c), c, end + 3);
        } else {
            problems_add(r->p, "%s: %s", r->file, m);
        }
    }
    problems_release(tmp);
    problems_init(tmp);
}

/* Parses the keys of obj into rec's fields. Keys in skip are the
 * caller's; a key of only (when given) or of the entity is a field; any
 * other is a problem. */
static void parse_object(struct reader *r, const struct entity *ent,
                         json_t *obj, void *rec, const char *path,
                         const char *const *skip, const char *const *only)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        const struct field *f = entity_field(ent, key);
        char at[256], tmp[32];
        const char *text;
        struct err e;

        join_path(at, sizeof(at), path, key);
        if (in_list(skip, key))
            continue;
        if (!f || (only && !in_list(only, key))) {
            problems_add(r->p, "%s: %s: unknown field", r->file, at);
            continue;
        }
        if (!(text = value_text(v, tmp, sizeof(tmp))))
            problems_add(r->p,
                         "%s: %s: expected text, a whole number, true, "
                         "false or null",
                         r->file, at);
        else if (field_parse(r->s, f, rec, text, &e))
            problems_add(r->p, "%s: %s: %s", r->file, at, e.msg);
    }
}

/* Checks and appends rec as an import row; its index, or IDMAP_NONE. */
static uint32_t add_record(struct reader *r, const struct entity *ent,
                           const void *rec, const char *path)
{
    size_t n = snapshot_count(r->s, ent->kind);
    struct problems tmp;

    problems_init(&tmp);
    interchange_add_row(r->s, ent, rec, path, &tmp);
    relay(r, path, &tmp);
    problems_release(&tmp);
    if (snapshot_count(r->s, ent->kind) == n)
        return IDMAP_NONE;
    add_change(r->s, r->d, 0, ent->kind, (uint32_t)n, NULL);
    return (uint32_t)n;
}

/* Sets the fields of obj (those of only) on record i and checks it. */
static void update_record(struct reader *r, enum entity_kind kind, uint32_t i,
                          json_t *obj, const char *path,
                          const char *const *skip, const char *const *only)
{
    const struct entity *ent = ENTITIES[kind];
    void *row = snapshot_row(r->s, kind, i);
    void *before = xmalloc(ent->size);
    struct problems tmp;

    memcpy(before, row, ent->size);
    parse_object(r, ent, obj, row, path, skip, only);
    problems_init(&tmp);
    if (ent->check)
        ent->check(r->s, row, path, &tmp);
    relay(r, path, &tmp);
    problems_release(&tmp);
    add_change(r->s, r->d, 1, kind, i, before);
}

/* A person: an object of a new person, or the id of a known one. */
static uint32_t person_ref(struct reader *r, json_t *v, const char *path)
{
    const struct entity *ent = ENTITIES[ENT_PERSON];
    struct person rec;
    uint32_t i;

    if (json_is_string(v)) {
        i = snapshot_find(r->s, ENT_PERSON, json_string_value(v));
        if (i == IDMAP_NONE)
            problems_add(r->p, "%s: %s: unknown person '%s'", r->file, path,
                         json_string_value(v));
        return i;
    }
    if (!json_is_object(v)) {
        problems_add(r->p, "%s: %s: required: a person object or id", r->file,
                     path);
        return IDMAP_NONE;
    }
    record_clear(ent, &rec);
    parse_object(r, ent, v, &rec, path, NULL, NULL);
    if (!rec.id) {
        if (!json_object_get(v, "id"))
            problems_add(r->p, "%s: %s.id: required", r->file, path);
        return IDMAP_NONE;
    }
    return add_record(r, ent, &rec, path);
}

/* A known posting of the notification's mission, named by id. */
static uint32_t posting_ref(struct reader *r, json_t *v, const char *path)
{
    const char *id = json_string_value(v);
    uint32_t i;

    if (!id) {
        problems_add(r->p, "%s: %s: required: a posting id", r->file, path);
        return IDMAP_NONE;
    }
    if ((i = snapshot_find(r->s, ENT_POSTING, id)) == IDMAP_NONE) {
        problems_add(r->p, "%s: %s: unknown posting '%s'", r->file, path, id);
    } else if (snap_posting(r->s, i)->mission != r->d->mission) {
        problems_add(r->p, "%s: %s: posting '%s' is not a posting of '%s'",
                     r->file, path, id, snap_mission(r->s, r->d->mission)->id);
        i = IDMAP_NONE;
    }
    return i;
}

static void add_dependent(struct reader *r, json_t *obj, uint32_t posting,
                          const char *path, const char *const *skip)
{
    const struct entity *ent = ENTITIES[ENT_DEPENDENT];
    char at[256];
    struct dependent rec;

    join_path(at, sizeof(at), path, "person");
    record_clear(ent, &rec);
    rec.posting = posting;
    rec.person = person_ref(r, json_object_get(obj, "person"), at);
    if (r->d->person == IDMAP_NONE)
        r->d->person = rec.person;
    parse_object(r, ent, obj, &rec, path, skip, NULL);
    if (rec.person != IDMAP_NONE && posting != IDMAP_NONE)
        add_record(r, ent, &rec, path);
}

/* Adds the appointment's posting. One that would begin in a mission
 * closed by then is checked as if the mission were open, and the closure
 * noted for a warning: the office must see it to decide, and cannot accept
 * it while the mission stays closed (d->accepting checks the posting as
 * an import does). */
static uint32_t add_posting(struct reader *r, const struct posting *rec)
{
    struct mission *m = snap_mission(r->s, rec->mission);
    int32_t start = rec->arrived != DATE_NONE ? rec->arrived : rec->notified;
    int32_t closed = m->closed;
    uint32_t t;

    if (r->d->accepting || closed == DATE_NONE || start == DATE_NONE ||
        start < closed)
        return add_record(r, ENTITIES[ENT_POSTING], rec, "posting");
    r->d->closed = closed;
    m->closed = DATE_NONE;
    t = add_record(r, ENTITIES[ENT_POSTING], rec, "posting");
    m->closed = closed;
    return t;
}

static void appointment_posting(struct reader *r, json_t *root)
{
    static const char *const skip[] = { "person", "mission", NULL };
    json_t *v = json_object_get(root, "posting"), *deps;
    struct posting rec;
    uint32_t t = IDMAP_NONE;
    size_t i;

    r->d->person = person_ref(r, json_object_get(root, "person"), "person");
    if (!json_is_object(v)) {
        problems_add(r->p, "%s: posting: required: a posting object", r->file);
    } else {
        record_clear(ENTITIES[ENT_POSTING], &rec);
        rec.person = r->d->person;
        rec.mission = r->d->mission;
        if (json_object_get(v, "person") || json_object_get(v, "mission"))
            problems_add(r->p,
                         "%s: posting: person and mission are the "
                         "notification's own",
                         r->file);
        parse_object(r, ENTITIES[ENT_POSTING], v, &rec, "posting", skip, NULL);
        r->d->date = rec.notified != DATE_NONE ? rec.notified : rec.arrived;
        if (!rec.id && !json_object_get(v, "id"))
            problems_add(r->p, "%s: posting.id: required", r->file);
        else if (rec.person != IDMAP_NONE)
            t = r->d->posting = add_posting(r, &rec);
    }
    deps = json_object_get(root, "dependents");
    if (deps && !json_is_array(deps))
        problems_add(r->p, "%s: dependents: must be an array", r->file);
    json_array_foreach(deps, i, v)
    {
        static const char *const dskip[] = { "person", NULL };
        char at[32];
        uint32_t keep = r->d->person;

        snprintf(at, sizeof(at), "dependents[%zu]", i);
        if (!json_is_object(v))
            problems_add(r->p, "%s: %s: must be an object", r->file, at);
        else
            add_dependent(r, v, t, at, dskip);
        r->d->person = keep;
    }
}

static void replaces(struct reader *r, json_t *root)
{
    json_t *v = json_object_get(root, "replaces");
    json_t *j = json_object_get(root, "justification");

    if (v && posting_ref(r, v, "replaces") != IDMAP_NONE)
        r->d->replaces = arena_strdup(&r->s->strings, json_string_value(v));
    if (j && !json_is_string(j))
        problems_add(r->p, "%s: justification: must be text", r->file);
    else if (j)
        r->d->justification =
            arena_strdup(&r->s->strings, json_string_value(j));
}

/* A posting's own milestone the kind records must not be recorded yet. */
static int guard(struct reader *r, uint32_t t, const char *field)
{
    const struct field *f = entity_field(ENTITIES[ENT_POSTING], field);
    const void *row = snap_posting(r->s, t);
    char buf[FIELD_BUF];

    if (field_is_absent(f, row))
        return 0;
    problems_add(r->p, "%s: posting: posting '%s' already %s on %s", r->file,
                 snap_posting(r->s, t)->id, field,
                 field_text(r->s, f, row, buf));
    return 1;
}

static const char *const POSTING_SKIP[] = { "kind", "mission",     "posting",
                                            "on",   "planned_end", "to",
                                            NULL };

/* A change names its day, if any, as a date, and at least one field. */
static void check_change(struct reader *r, json_t *root)
{
    json_t *on = json_object_get(root, "on");
    const char *const *f;
    int32_t day;

    if (on &&
        (!json_is_string(on) || date_parse(json_string_value(on), &day, NULL)))
        problems_add(r->p, "%s: on: expected a date YYYY-MM-DD", r->file);
    for (f = KEYS[NK_CHANGE] + 3; *f && !json_object_get(root, *f); f++)
        ;
    if (!*f || !strcmp(*f, "on"))
        problems_add(r->p,
                     "%s: a change names at least one of title, rank, "
                     "category, head_of_mission",
                     r->file);
}

/* arrival, change, termination: fields set on a known posting. */
static void posting_update(struct reader *r, json_t *root, uint32_t t)
{
    const char *const *only = KEYS[r->d->kind] + 3;
    const char *key = DATE_KEY[r->d->kind];

    if (key && !json_object_get(root, key))
        problems_add(r->p, "%s: %s: required", r->file, key);
    if (key && guard(r, t, key))
        return;
    if (r->d->kind == NK_CHANGE)
        check_change(r, root);
    r->d->person = snap_posting(r->s, t)->person;
    r->d->posting = t;
    update_record(r, ENT_POSTING, t, root, "", POSTING_SKIP, only);
}

/* dependent_leave, dependent_accredit: the day the kind records (field),
 * set on a known dependent of posting t that has none yet. */
static void dependent_update(struct reader *r, json_t *root, uint32_t t,
                             const char *field)
{
    static const char *const skip[] = { "kind", "mission", "posting", "person",
                                        NULL };
    const char *const only[] = { field, NULL };
    uint32_t p, i;
    char key[512];

    if (!json_is_string(json_object_get(root, "person"))) {
        problems_add(r->p, "%s: person: required: a person id", r->file);
        return;
    }
    if (!json_object_get(root, field))
        problems_add(r->p, "%s: %s: required", r->file, field);
    p = person_ref(r, json_object_get(root, "person"), "person");
    if (p == IDMAP_NONE)
        return;
    r->d->person = p;
    snprintf(key, sizeof(key), "%s/%s", snap_person(r->s, p)->id,
             snap_posting(r->s, t)->id);
    if ((i = snapshot_find(r->s, ENT_DEPENDENT, key)) == IDMAP_NONE) {
        problems_add(r->p, "%s: person: '%s' is not a dependent of '%s'",
                     r->file, snap_person(r->s, p)->id,
                     snap_posting(r->s, t)->id);
        return;
    }
    if (!field_is_absent(entity_field(ENTITIES[ENT_DEPENDENT], field),
                         snap_dependent(r->s, i))) {
        problems_add(r->p, "%s: %s: dependent '%s' already has one", r->file,
                     field, key);
        return;
    }
    update_record(r, ENT_DEPENDENT, i, root, "", skip, only);
}

/* transfer: the posting ends and its holder's new posting ("to", at the
 * notification's mission unless it names another) begins. */
static void transfer(struct reader *r, json_t *root, uint32_t t)
{
    static const char *const skip[] = { "person", NULL };
    json_t *to = json_object_get(root, "to");
    struct posting rec;

    posting_update(r, root, t);
    if (!json_is_object(to)) {
        problems_add(r->p, "%s: to: required: a posting object", r->file);
        return;
    }
    record_clear(ENTITIES[ENT_POSTING], &rec);
    rec.person = snap_posting(r->s, t)->person;
    parse_object(r, ENTITIES[ENT_POSTING], to, &rec, "to", skip, NULL);
    if (json_object_get(to, "person"))
        problems_add(r->p, "%s: to.person: the holder of the posting ended",
                     r->file);
    if (!json_object_get(to, "mission"))
        rec.mission = r->d->mission;
    if (!rec.id && !json_object_get(to, "id"))
        problems_add(r->p, "%s: to.id: required", r->file);
    else if (rec.id && rec.mission != IDMAP_NONE)
        r->d->posting = add_record(r, ENTITIES[ENT_POSTING], &rec, "to");
}

/* correction: a person holding a posting at the mission, corrected. */
static void correction(struct reader *r, json_t *root)
{
    static const char *const skip[] = { "kind", "mission", "person", "on",
                                        NULL };
    json_t *v = json_object_get(root, "person");
    uint32_t p;

    if (!json_is_string(v)) {
        problems_add(r->p, "%s: person: required: a person id", r->file);
        return;
    }
    if ((p = person_ref(r, v, "person")) == IDMAP_NONE)
        return;
    r->d->person = p;
    ADJ_FOR_EACH(r->s->postings_by_person, p, ti)
    {
        if (snap_posting(r->s, ti)->mission == r->d->mission) {
            update_record(r, ENT_PERSON, p, root, "", skip,
                          KEYS[NK_CORRECTION] + 3);
            return;
        }
    }
    problems_add(r->p, "%s: person: '%s' holds no posting at '%s'", r->file,
                 snap_person(r->s, p)->id,
                 snap_mission(r->s, r->d->mission)->id);
}

/* The kind's records, after kind and mission were read. */
static void read_kind(struct reader *r, json_t *root)
{
    static const char *const jskip[] = { "kind", "mission", "posting", "person",
                                         NULL };
    uint32_t t = IDMAP_NONE;

    if (r->d->kind != NK_APPOINTMENT && r->d->kind != NK_CORRECTION &&
        (t = posting_ref(r, json_object_get(root, "posting"), "posting")) ==
            IDMAP_NONE)
        return;
    switch (r->d->kind) {
    case NK_APPOINTMENT:
        appointment_posting(r, root);
        replaces(r, root);
        break;
    case NK_CORRECTION:
        correction(r, root);
        break;
    case NK_DEPENDENT_JOIN:
        add_dependent(r, root, t, "", jskip);
        break;
    case NK_DEPENDENT_LEAVE:
        dependent_update(r, root, t, "left");
        break;
    case NK_DEPENDENT_ACCREDIT:
        dependent_update(r, root, t, "accredited");
        break;
    case NK_TRANSFER:
        transfer(r, root, t);
        break;
    default: /* arrival, change, termination */
        posting_update(r, root, t);
        break;
    }
}

/* The latest date the payload names (birth dates and a planned end
 * aside), or DATE_NONE:
 * the day on which every record it writes is in place, when the findings
 * with and without it are compared. */
static int32_t latest_date(json_t *v)
{
    int32_t max = DATE_NONE, day;
    const char *key;
    json_t *x;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if ((day = latest_date(x)) != DATE_NONE && day > max)
                max = day;
        }
    }
    json_object_foreach(v, key, x)
    {
        if (!strcmp(key, "birth_date") || !strcmp(key, "planned_end"))
            continue;
        day = DATE_NONE;
        if (json_is_object(x) || json_is_array(x))
            day = latest_date(x);
        else if (json_is_string(x) &&
                 date_parse(json_string_value(x), &day, NULL))
            day = DATE_NONE;
        if (day != DATE_NONE && (max == DATE_NONE || day > max))
            max = day;
    }
    return max;
}

/* The day a notification takes effect: its dating key (a posting's
 * notification or arrival for an appointment), else today. */
static int32_t effect_date(json_t *root, int kind, int32_t today)
{
    const char *key = kind >= 0 && kind < NK__COUNT ? DATE_KEY[kind] : NULL;
    json_t *v = json_object_get(root, key ? key : "on");
    int32_t day;

    if (kind == NK_APPOINTMENT) {
        json_t *t = json_object_get(root, "posting");

        v = json_object_get(t, "notified");
        if (!v)
            v = json_object_get(t, "arrived");
    }
    if (json_is_string(v) && !date_parse(json_string_value(v), &day, NULL))
        return day;
    return today;
}

static void check_keys(struct reader *r, json_t *root)
{
    const char *key;
    json_t *v;

    json_object_foreach(root, key, v)
    {
        if (!in_list(KEYS[r->d->kind], key))
            problems_add(r->p, "%s: %s: unknown field for a%s %s", r->file, key,
                         r->d->kind == NK_APPOINTMENT ? "n" : "",
                         enum_name(&ENUM_NOTIFICATION_KIND, r->d->kind));
    }
}

static void read_head(struct reader *r, json_t *root)
{
    const char *kind = json_string_value(json_object_get(root, "kind"));
    const char *mission = json_string_value(json_object_get(root, "mission"));
    char names[256];

    if (!kind) {
        problems_add(r->p, "%s: kind: required%s", r->file,
                     json_object_get(root, "kind") ? ": text" : "");
    } else if ((r->d->kind = enum_from_name(&ENUM_NOTIFICATION_KIND, kind)) ==
               ENUM_NONE) {
        enum_list(&ENUM_NOTIFICATION_KIND, names, sizeof(names));
        problems_add(r->p, "%s: kind: unknown notification kind '%s' (%s)",
                     r->file, kind, names);
    }
    if (!mission)
        problems_add(r->p, "%s: mission: required%s", r->file,
                     json_object_get(root, "mission") ? ": a mission id" : "");
    else if ((r->d->mission = snapshot_find(r->s, ENT_MISSION, mission)) ==
             IDMAP_NONE)
        problems_add(r->p, "%s: mission: unknown mission '%s'", r->file,
                     mission);
}

static void planned_end(struct reader *r, json_t *root)
{
    json_t *v = json_object_get(root, "planned_end");
    struct err e;

    if (v && (!json_is_string(v) ||
              date_parse(json_string_value(v), &r->d->planned_end, &e)))
        problems_add(r->p, "%s: planned_end: expected a date YYYY-MM-DD",
                     r->file);
}

static void read_root(struct snapshot *s, const char *file, json_t *root,
                      int32_t today, struct notify_draft *d, struct problems *p)
{
    struct reader r = { s, file, p, d, today };

    if (!json_is_object(root)) {
        problems_add(p, "%s: a notification is a JSON object", file);
        return;
    }
    d->payload = json_dumps(root, DUMP_COMPACT);
    read_head(&r, root);
    if (d->kind == ENUM_NONE || d->mission == IDMAP_NONE)
        return;
    check_keys(&r, root);
    d->date = effect_date(root, d->kind, today);
    planned_end(&r, root);
    read_kind(&r, root);
    snapshot_index(s); /* kept by add_change: nothing to build */
}

static json_t *load_json(const char *file, const char *text, size_t len,
                         struct problems *p)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

    if (!root)
        problems_add(p, "%s:%d: invalid JSON: %s", file, je.line, je.text);
    return root;
}

void notify_read(struct snapshot *s, const char *file, const char *text,
                 size_t len, int32_t today, struct notify_draft *d,
                 struct problems *p)
{
    json_t *root = load_json(file, text, len, p);

    if (root)
        read_root(s, file, root, today, d, p);
    json_decref(root);
}

/* Copies finding x into out. */
static void copy_finding(struct findings *out, const struct finding *x)
{
    struct finding *y = findings_add(out, x->policy, x->kind, x->subject_kind,
                                     x->subject, x->as_of);

    finding_detail(out, y, "%s", x->detail);
    for (size_t i = 0; i < x->n_explain; i++)
        finding_explain(out, y, "%s", x->explain[i]);
    y->deadline = x->deadline;
    y->overdue = x->overdue;
}

/* The findings of after that before lacks, or whose detail changed. */
static void diff(const struct findings *before, const struct findings *after,
                 struct findings *out)
{
    for (size_t i = 0; i < after->n; i++) {
        const struct finding *x = &after->items[i];
        const struct finding *o = findings_find(before, x->id);

        if (!o || strcmp(o->detail, x->detail))
            copy_finding(out, x);
    }
}

static void png_posting(const struct snapshot *s, const struct notify_draft *d,
                        const struct posting *t, struct findings *out)
{
    const char *who = snap_person(s, d->person)->id;
    struct finding *x = findings_add(out, "vcdr-art9", FK_DEPARTURE_DUE,
                                     ENT_PERSON, who, d->date);
    char ended[DATE_BUF];

    date_format(t->ended, ended);
    finding_detail(out, x, "declared persona non grata: posting %s ended %s",
                   t->id, ended);
    finding_explain(out, x,
                    "VCDR art. 9(1): the receiving State may declare a "
                    "member of a mission persona non grata; the sending "
                    "State then recalls the person, who is not acceptable "
                    "again.");
    finding_explain(out, x,
                    "Person %s held posting %s at mission %s, which ended on "
                    "%s with end_reason persona_non_grata.",
                    who, t->id, snap_mission(s, t->mission)->id, ended);
    finding_explain(out, x,
                    "The notification would bring person %s back into a "
                    "mission: the office should refuse it unless the "
                    "declaration was lifted.",
                    who);
}

static void png_order(const struct snapshot *s, const struct notify_draft *d,
                      const struct policy_rule *r, struct findings *out)
{
    const char *who = snap_person(s, d->person)->id;
    struct finding *x =
        findings_add(out, r->id, FK_DEPARTURE_DUE, ENT_PERSON, who, d->date);
    char declared[DATE_BUF];

    date_format(r->u.departure.declared, declared);
    finding_detail(out, x, "named by departure order %s declared %s", r->id,
                   declared);
    finding_explain(out, x,
                    "Policy %s (%s, %s to %s): a departure order declared %s "
                    "naming %zu persons (VCDR art. 9).",
                    r->id, r->title ? r->title : "untitled", r->issuer,
                    r->target, declared, r->u.departure.n_persons);
    finding_explain(out, x, "It names person %s.", who);
    finding_explain(out, x,
                    "The notification would bring person %s back into a "
                    "mission: the office should refuse it unless the order "
                    "was withdrawn.",
                    who);
}

/* A departure order naming person p: parsed from its body. */
static void png_orders(const struct snapshot *s, const struct notify_draft *d,
                       struct findings *out)
{
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        struct policy_rule r;
        struct arena a;
        struct err e;

        if (y->kind != PK_DEPARTURE_ORDER)
            continue;
        arena_init(&a);
        if (!policy_rule_load(s, i, &a, &r, &e)) {
            for (size_t k = 0; k < r.u.departure.n_persons; k++) {
                if (r.u.departure.persons[k] == d->person) {
                    png_order(s, d, &r, out);
                    break;
                }
            }
        }
        arena_release(&a);
    }
}

/* VCDR art. 9: a person once declared persona non grata, or named by a
 * departure order, coming back. */
static void persona_non_grata(const struct snapshot *s,
                              const struct notify_draft *d,
                              struct findings *out)
{
    if (d->person == IDMAP_NONE ||
        (d->kind != NK_APPOINTMENT && d->kind != NK_DEPENDENT_JOIN))
        return;
    ADJ_FOR_EACH(s->postings_by_person, d->person, ti)
    {
        const struct posting *t = snap_posting(s, ti);

        if (t->end_reason == END_PERSONA_NON_GRATA) {
            png_posting(s, d, t, out);
            break;
        }
    }
    png_orders(s, d, out);
}

/* An appointment into a mission closed on its date. */
static void mission_closed(const struct snapshot *s,
                           const struct notify_draft *d, struct findings *out)
{
    const struct mission *m = snap_mission(s, d->mission);
    const struct posting *t;
    char closed[DATE_BUF], start[DATE_BUF];
    struct finding *x;

    if (d->closed == DATE_NONE || d->posting == IDMAP_NONE)
        return;
    t = snap_posting(s, d->posting);
    date_format(d->closed, closed);
    date_format(t->arrived != DATE_NONE ? t->arrived : t->notified, start);
    x = findings_add(out, "mission-closed", FK_MISSION_CLOSED, ENT_POSTING,
                     t->id, d->date);
    finding_detail(out, x,
                   "mission %s closed on %s: posting %s would begin on %s",
                   m->id, closed, t->id, start);
    finding_explain(out, x, "Mission %s (%s, %s in %s) closed on %s.", m->id,
                    m->name ? m->name : "unnamed", m->sending, m->host, closed);
    finding_explain(out, x,
                    "The appointment's posting %s would begin on %s (%s), "
                    "after the closure.",
                    t->id, start,
                    t->arrived != DATE_NONE ? "arrived" : "notified");
    finding_explain(out, x,
                    "A posting begins while its mission is open: the office "
                    "cannot accept the appointment while the mission stays "
                    "closed.");
}

/* A tour that would pass a tenure cap before its planned end: the
 * tenure findings about the posting on that day, with the engine's own
 * explain chain (the registry without the notification has no such tour). */
static enum status tenure(const struct snapshot *s,
                          const struct notify_draft *d,
                          const struct check_options *o, struct findings *out,
                          struct err *e)
{
    struct check_options at = *o;
    struct findings f;
    const char *id;
    enum status rc;

    if (d->posting == IDMAP_NONE || d->planned_end == DATE_NONE ||
        d->planned_end <= o->as_of)
        return ST_OK;
    id = snap_posting(s, d->posting)->id;
    at.as_of = d->planned_end - 1; /* its last day in post */
    findings_init(&f);
    rc = rules_check(s, &at, &f, e);
    for (size_t i = 0; !rc && i < f.n; i++) {
        if (f.items[i].kind == FK_OVER_TENURE &&
            f.items[i].subject_kind == ENT_POSTING &&
            !strcmp(f.items[i].subject, id) &&
            !findings_find(out, f.items[i].id))
            copy_finding(out, &f.items[i]);
    }
    findings_release(&f);
    return rc;
}

/* Only the findings of policies on the mission's sending state can
 * change with a notification of its mission (a mirrored cap the sending
 * state applies back is a policy on the other). */
static const char *sending_of(const struct snapshot *s, json_t *root,
                              char out[4])
{
    const char *id = json_string_value(json_object_get(root, "mission"));
    uint32_t m = id ? snapshot_find(s, ENT_MISSION, id) : IDMAP_NONE;

    if (m == IDMAP_NONE)
        return NULL;
    memcpy(out, snap_mission(s, m)->sending, 4);
    return out;
}

enum status notify_prepare(struct snapshot *s, const char *file,
                           const char *text, size_t len, int32_t today,
                           const struct holidays *h, struct notify_draft *d,
                           struct findings *out, struct problems *p,
                           struct err *e)
{
    struct check_options o = { DATE_NONE, NULL, NULL, NULL, 0, h };
    json_t *root = load_json(file, text, len, p);
    struct findings before, after;
    char sending[4];
    enum status rc = ST_OK;

    if (!root)
        return ST_OK;
    findings_init(&before);
    findings_init(&after);
    o.as_of = latest_date(root);
    if (o.as_of == DATE_NONE || o.as_of < today)
        o.as_of = today;
    o.target = sending_of(s, root, sending);
    if (json_is_object(root))
        rc = rules_check(s, &o, &before, e);
    if (!rc)
        read_root(s, file, root, today, d, p);
    if (!rc && !p->n_total)
        rc = rules_check(s, &o, &after, e);
    if (!rc && !p->n_total) {
        diff(&before, &after, out);
        persona_non_grata(s, d, out);
        mission_closed(s, d, out);
        rc = tenure(s, d, &o, out, e);
    }
    findings_release(&before);
    findings_release(&after);
    json_decref(root);
    return rc;
}

char *notify_warnings_json(const struct findings *w)
{
    json_t *a = json_array();
    char *text;

    for (size_t i = 0; i < w->n; i++) {
        const struct finding *x = &w->items[i];
        json_t *steps = json_array();

        for (size_t k = 0; k < x->n_explain; k++)
            json_array_append_new(steps, json_string(x->explain[k]));
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", x->id,
                         "policy", x->policy, "kind",
                         enum_name(&ENUM_FINDING_KIND, (int)x->kind), "subject",
                         x->subject, "detail", x->detail, "explain", steps));
    }
    text = json_dumps(a, DUMP_COMPACT);
    json_decref(a);
    if (!text)
        BUG("cannot encode warnings");
    return text;
}

void notify_next_id(const struct snapshot *s, char out[16])
{
    unsigned long max = 0;

    for (uint32_t i = 0; i < snapshot_count(s, ENT_NOTIFICATION); i++) {
        const struct notification *n = snapshot_row(s, ENT_NOTIFICATION, i);
        unsigned long v;

        char *end;

        if (n->id[0] != 'N')
            continue;
        v = strtoul(n->id + 1, &end, 10);
        if (end != n->id + 1 && !*end && v > max)
            max = v;
    }
    snprintf(out, 16, "N%06lu", (max + 1) % 10000000ul);
}

/* The text of field f in an exported object: JSON for payload and
 * warnings, NULL when the value has the wrong type. */
static char *line_value(const struct field *f, json_t *v)
{
    char tmp[32];
    const char *text;

    if (json_is_null(v))
        return xstrdup("");
    if (!strcmp(f->name, "payload") || !strcmp(f->name, "warnings"))
        return json_dumps(v, DUMP_COMPACT | JSON_ENCODE_ANY);
    text = value_text(v, tmp, sizeof(tmp));
    return text ? xstrdup(text) : NULL;
}

static void read_line(struct snapshot *s, const char *where, json_t *o,
                      void *rec, struct problems *p)
{
    const struct entity *ent = ENTITIES[ENT_NOTIFICATION];
    const char *key;
    json_t *v;

    record_clear(ent, rec);
    json_object_foreach(o, key, v)
    {
        const struct field *f = entity_field(ent, key);
        char *text = f ? line_value(f, v) : NULL;
        struct err e;

        if (!f)
            problems_add(p, "%s: column '%s': unknown column", where, key);
        else if (!text)
            problems_add(p, "%s: column '%s': must be a value", where, key);
        else if (field_parse(s, f, rec, text, &e))
            problems_add(p, "%s: column '%s': %s", where, key, e.msg);
        free(text);
    }
    for (int i = 0; i < ent->n_fields; i++) {
        if ((ent->fields[i].flags & FIELD_REQUIRED) &&
            !json_object_get(o, ent->fields[i].name))
            problems_add(p, "%s: column '%s': required column missing", where,
                         ent->fields[i].name);
    }
}

void notify_read_lines(struct snapshot *s, const char *file, const char *text,
                       size_t len, struct problems *p)
{
    struct notification rec;
    unsigned long line = 0;
    const char *at = text, *end = text + len;

    while (at < end) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        size_t n = nl ? (size_t)(nl - at) : (size_t)(end - at);
        char where[512];
        json_error_t je;
        json_t *o;

        line++;
        snprintf(where, sizeof(where), "%s:%lu", file, line);
        o = n ? json_loadb(at, n, JSON_REJECT_DUPLICATES, &je) : NULL;
        if (n && !json_is_object(o)) {
            problems_add(p, "%s: expected one JSON object per line", where);
        } else if (o) {
            size_t before = p->n_total;

            read_line(s, where, o, &rec, p);
            if (p->n_total == before)
                interchange_add_row(s, ENTITIES[ENT_NOTIFICATION], &rec, where,
                                    p);
        }
        json_decref(o);
        at += n + 1;
    }
}
