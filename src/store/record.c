/*
 * Records to SQL parameters and to the change log's JSON images, both
 * through the entity descriptors. An image is an object of column names to
 * text (null when absent, true/false for booleans), in column order, so the
 * same record always yields the same bytes and the same hash.
 */
#include <jansson.h>

#include "base/xalloc.h"
#include "store/internal.h"

void bind_record(sqlite3_stmt *stmt, const struct snapshot *s,
                 const struct entity *ent, const void *rec)
{
    for (int i = 0; i < ent->n_fields; i++) {
        const struct field *f = &ent->fields[i];
        char tmp[FIELD_BUF];

        db_bind_text(stmt, i + 1,
                     field_is_absent(f, rec) ? NULL
                                             : field_text(s, f, rec, tmp));
    }
}

void bind_key(sqlite3_stmt *stmt, int first, const struct snapshot *s,
              const struct entity *ent, const void *rec)
{
    for (int i = 0; i < ent->n_fields && (ent->fields[i].flags & FIELD_KEY);
         i++) {
        char tmp[FIELD_BUF];

        db_bind_text(stmt, first + i,
                     field_text(s, &ent->fields[i], rec, tmp));
    }
}

char *record_image(const struct snapshot *s, const struct entity *ent,
                   const void *rec)
{
    json_t *obj = json_object();
    char *text;

    for (int i = 0; i < ent->n_fields; i++) {
        const struct field *f = &ent->fields[i];
        char tmp[FIELD_BUF];
        json_t *v;

        if (field_is_absent(f, rec))
            v = json_null();
        else if (f->type == FT_BOOL)
            v = json_boolean(*(const int *)((const char *)rec + f->offset));
        else
            v = json_string(field_text(s, f, rec, tmp));
        json_object_set_new(obj, f->name, v);
    }
    text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (!text)
        BUG("cannot encode a %s image", ent->name);
    return text;
}
