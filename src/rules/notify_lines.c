/*
 * The registry's notifications.jsonl (docs/registry.md, "Notifications"):
 * one notification object per line, as report/notification.h writes them,
 * read into records with the import's messages ("FILE:LINE: column 'X':
 * ..."). payload and warnings are embedded JSON and kept as compact text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/interchange.h"
#include "rules/notify_internal.h"

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
    text = notify_value_text(v, tmp, sizeof(tmp));
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
