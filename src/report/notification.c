/*
 * Rendering notifications (report/notification.h). The JSON object is
 * built from the entity descriptor, so a field added to the notification
 * shows in every output and in the export without a change here; payload
 * and warnings, stored as JSON text, are embedded as JSON.
 */
#include "report/notification.h"

#include <jansson.h>
#include <stdarg.h>

#define DUMP_COMPACT (JSON_COMPACT | JSON_PRESERVE_ORDER)
#define DUMP_PRETTY  (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

static int is_json_field(const struct field *f)
{
    return !strcmp(f->name, "payload") || !strcmp(f->name, "warnings");
}

/* The value of field f of n as JSON: null when absent. */
static json_t *field_json(const struct snapshot *s, const struct field *f,
                          const struct notification *n)
{
    char buf[FIELD_BUF];
    const char *text;

    if (field_is_absent(f, n))
        return json_null();
    text = field_text(s, f, n, buf);
    if (is_json_field(f)) {
        json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

        return v ? v : json_string(text);
    }
    if (f->type == FT_INT)
        return json_integer(*(const int32_t *)((const char *)n + f->offset));
    return json_string(text);
}

static json_t *notification_json(const struct snapshot *s,
                                 const struct notification *n)
{
    const struct entity *ent = ENTITIES[ENT_NOTIFICATION];
    json_t *o = json_object();

    for (int i = 0; i < ent->n_fields; i++)
        json_object_set_new(o, ent->fields[i].name,
                            field_json(s, &ent->fields[i], n));
    return o;
}

static void add_json(struct buf *b, json_t *o, size_t flags, int newline)
{
    char *text = json_dumps(o, flags);

    if (!text)
        BUG("cannot encode a notification");
    buf_printf(b, "%s%s", text, newline ? "\n" : "");
    free(text);
}

void notification_line(struct buf *b, const struct snapshot *s,
                       const struct notification *n)
{
    json_t *o = notification_json(s, n);

    add_json(b, o, DUMP_COMPACT, 1);
    json_decref(o);
}

static void render_json(struct buf *b, const struct snapshot *s,
                        const struct notification *n,
                        const struct notification_step *steps, size_t n_steps)
{
    json_t *o = notification_json(s, n);

    if (n_steps) {
        json_t *h = json_array();

        for (size_t i = 0; i < n_steps; i++)
            json_array_append_new(h, json_pack("{s:s, s:s, s:s, s:s?}",
                                               "recorded", steps[i].recorded,
                                               "actor", steps[i].actor, "state",
                                               steps[i].state, "reason",
                                               steps[i].reason));
        json_object_set_new(o, "history", h);
    }
    add_json(b, o, DUMP_PRETTY, 1);
    json_decref(o);
}

static void render_warnings(struct buf *b, const char *warnings)
{
    json_t *a = warnings ? json_loads(warnings, 0, NULL) : NULL;
    size_t i, k;
    json_t *w, *step;

    buf_printf(b, "\nwarnings: %zu\n", json_array_size(a));
    json_array_foreach(a, i, w)
    {
        buf_printf(b, "\n%s  %s\n", json_string_value(json_object_get(w, "id")),
                   json_string_value(json_object_get(w, "detail")));
        json_array_foreach(json_object_get(w, "explain"), k, step)
        {
            buf_printf(b, "  %zu. %s\n", k + 1, json_string_value(step));
        }
    }
    json_decref(a);
}

static void render_table(struct buf *b, const struct snapshot *s,
                         const struct notification *n,
                         const struct notification_step *steps, size_t n_steps)
{
    const struct entity *ent = ENTITIES[ENT_NOTIFICATION];

    for (int i = 0; i < ent->n_fields; i++) {
        const struct field *f = &ent->fields[i];
        char buf[FIELD_BUF];

        if (!strcmp(f->name, "warnings") || field_is_absent(f, n))
            continue;
        buf_printf(b, "%-14s %s\n", f->name, field_text(s, f, n, buf));
    }
    render_warnings(b, n->warnings);
    if (!n_steps)
        return;
    buf_printf(b, "\nhistory:\n");
    for (size_t i = 0; i < n_steps; i++)
        buf_printf(b, "  %s  %-9s  %s%s%s\n", steps[i].recorded, steps[i].state,
                   steps[i].actor, steps[i].reason ? "  " : "",
                   steps[i].reason ? steps[i].reason : "");
}

static void render_csv(struct buf *b, const struct snapshot *s,
                       const struct notification *n)
{
    const struct entity *ent = ENTITIES[ENT_NOTIFICATION];
    const char *names[32], *cells[32];
    char bufs[32][FIELD_BUF];
    struct grid g;

    for (int i = 0; i < ent->n_fields && i < 32; i++) {
        names[i] = ent->fields[i].name;
        cells[i] = field_text(s, &ent->fields[i], n, bufs[i]);
    }
    grid_init(&g, names, (size_t)ent->n_fields);
    grid_add_row(&g, cells);
    grid_render(&g, OUT_CSV, b);
    grid_release(&g);
}

void notification_render(struct buf *b, enum out_format format,
                         const struct snapshot *s, const struct notification *n,
                         const struct notification_step *steps, size_t n_steps)
{
    if (format == OUT_JSON)
        render_json(b, s, n, steps, n_steps);
    else if (format == OUT_CSV)
        render_csv(b, s, n);
    else
        render_table(b, s, n, steps, n_steps);
}

static const char *const LIST_COLUMNS[] = {
    "id",           "kind",       "mission",  "state",      "submitted_at",
    "submitted_by", "decided_by", "warnings", "change_set",
};
#define N_LIST_COLUMNS (sizeof(LIST_COLUMNS) / sizeof(LIST_COLUMNS[0]))

void notification_grid_init(struct grid *g)
{
    grid_init(g, LIST_COLUMNS, N_LIST_COLUMNS);
}

void notification_grid_add(struct grid *g, const struct snapshot *s,
                           const struct notification *n)
{
    json_t *w = n->warnings ? json_loads(n->warnings, 0, NULL) : NULL;
    char count[24], set[24];
    const char *row[N_LIST_COLUMNS] = {
        n->id,
        enum_name(&ENUM_NOTIFICATION_KIND, n->kind),
        snap_mission(s, n->mission)->id,
        enum_name(&ENUM_NOTIFICATION_STATE, n->state),
        n->submitted_at,
        n->submitted_by,
        n->decided_by ? n->decided_by : "",
        count,
        set,
    };

    snprintf(count, sizeof(count), "%zu", json_array_size(w));
    if (n->change_set == FIELD_INT_NONE)
        set[0] = '\0';
    else
        snprintf(set, sizeof(set), "%ld", (long)n->change_set);
    grid_add_row(g, row);
    json_decref(w);
}
