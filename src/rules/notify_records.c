/*
 * A notification's payload turned into records. Each record of the
 * payload is parsed field by field through the entity descriptors and
 * checked by core/interchange.c's row validation, so a notification is
 * refused with the very messages an import gives for the same row; only
 * the place differs: a field path ("posting.rank") where an import names
 * a line. The check functions say "WHERE: column 'X': ..."; their messages
 * are collected apart and rewritten to the path, rather than giving every
 * check a second message format. Each record written is listed in the
 * draft and brought into the snapshot's indexes at once (core/apply.h),
 * so the checks of the next see it and nothing is rebuilt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/apply.h"
#include "core/interchange.h"
#include "rules/notify_internal.h"

const char *const NOTIFY_KEYS[NK__COUNT][12] = {
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

const char *const NOTIFY_DATE_KEY[NK__COUNT] = {
    [NK_APPOINTMENT] = NULL,
    [NK_ARRIVAL] = "arrived",
    [NK_CHANGE] = NULL,
    [NK_DEPENDENT_JOIN] = "joined",
    [NK_DEPENDENT_LEAVE] = "left",
    [NK_TERMINATION] = "ended",
};

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

int notify_in_list(const char *const *list, const char *key)
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

const char *notify_value_text(const json_t *v, char *tmp, size_t size)
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
        if (notify_in_list(skip, key))
            continue;
        if (!f || (only && !notify_in_list(only, key))) {
            problems_add(r->p, "%s: %s: unknown field", r->file, at);
            continue;
        }
        if (!(text = notify_value_text(v, tmp, sizeof(tmp))))
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
    for (f = NOTIFY_KEYS[NK_CHANGE] + 3; *f && !json_object_get(root, *f); f++)
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
    const char *const *only = NOTIFY_KEYS[r->d->kind] + 3;
    const char *key = NOTIFY_DATE_KEY[r->d->kind];

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
                          NOTIFY_KEYS[NK_CORRECTION] + 3);
            return;
        }
    }
    problems_add(r->p, "%s: person: '%s' holds no posting at '%s'", r->file,
                 snap_person(r->s, p)->id,
                 snap_mission(r->s, r->d->mission)->id);
}

void notify_read_kind(struct reader *r, json_t *root)
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
