/*
 * A notification read and its warnings computed (rules/notify.h): the
 * head (kind, mission, the day it takes effect), then the payload's
 * records (notify_records.c), with the findings of the policies on the
 * mission's sending state computed before and after them, whose
 * difference and the warnings no policy states are what the notification
 * would bring (notify_warnings.c). The registry's notifications.jsonl is
 * read by notify_lines.c.
 */
#include "rules/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "rules/notify_internal.h"

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
    const char *key =
        kind >= 0 && kind < NK__COUNT ? NOTIFY_DATE_KEY[kind] : NULL;
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
        if (!notify_in_list(NOTIFY_KEYS[r->d->kind], key))
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
    notify_read_kind(&r, root);
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
        rc = notify_warnings(s, d, &o, &before, &after, out, e);
    }
    findings_release(&before);
    findings_release(&after);
    json_decref(root);
    return rc;
}

void notify_next_id(struct snapshot *s, char out[16])
{
    size_t count = snapshot_count(s, ENT_NOTIFICATION);
    unsigned long max;

    if (s->nid_scanned > count) /* rows taken out: read them all again */
        s->nid_scanned = 0, s->nid_max = 0;
    max = s->nid_max;
    for (size_t i = s->nid_scanned; i < count; i++) {
        const struct notification *n =
            snapshot_row(s, ENT_NOTIFICATION, (uint32_t)i);
        unsigned long v;
        char *end;

        if (n->id[0] != 'N')
            continue;
        v = strtoul(n->id + 1, &end, 10);
        if (end != n->id + 1 && !*end && v > max)
            max = v;
    }
    s->nid_scanned = count;
    s->nid_max = max;
    snprintf(out, 16, "N%06lu", (max + 1) % 10000000ul);
}
