/*
 * Applying a record to a snapshot in memory (core/apply.h). The record is
 * built in scratch through the same field codec as a load from the tables,
 * so a record applied is a record validated; its key then says whether it
 * replaces a record in place (the key index does not change, since the key
 * does not) or is appended.
 */
#include "core/apply.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

enum status snapshot_apply_texts(struct snapshot *s, enum entity_kind kind,
                                 const char *const *texts, uint32_t *index,
                                 struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    void *rec = xmalloc(ent->size);
    char key_buf[256];
    const char *key;
    uint32_t at;
    enum status rc = ST_OK;

    record_clear(ent, rec);
    for (int i = 0; i < ent->n_fields && !rc; i++) {
        rc = field_parse(s, &ent->fields[i], rec, texts[i] ? texts[i] : "", e);
        if (rc)
            err_prefix(e, "%s field '%s'", ent->name, ent->fields[i].name);
    }
    if (!rc) {
        key = record_key(s, ent, rec, key_buf, sizeof(key_buf));
        at = snapshot_find(s, kind, key);
        if (at == IDMAP_NONE) {
            rc = snapshot_add(s, kind, rec, &at, e);
        } else {
            memcpy(snapshot_row(s, kind, at), rec, ent->size);
            snapshot_touch_kind(s, kind);
        }
        if (!rc && index)
            *index = at;
    }
    free(rec);
    return rc;
}

enum status snapshot_apply_image(struct snapshot *s, enum entity_kind kind,
                                 const char *image, uint32_t *index,
                                 struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    const char *texts[64] = { NULL };
    json_error_t jerr;
    json_t *obj = json_loads(image, 0, &jerr);
    enum status rc;

    if (!json_is_object(obj) || ent->n_fields > 64) {
        json_decref(obj);
        return err_set(e, ST_INVALID, "bad %s image: %s", ent->name, jerr.text);
    }
    for (int i = 0; i < ent->n_fields; i++) {
        json_t *v = json_object_get(obj, ent->fields[i].name);

        if (json_is_boolean(v))
            texts[i] = json_is_true(v) ? "true" : "false";
        else
            texts[i] = json_string_value(v);
    }
    rc = snapshot_apply_texts(s, kind, texts, index, e);
    json_decref(obj);
    return rc;
}
