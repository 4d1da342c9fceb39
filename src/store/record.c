/*
 * Records to SQL parameters and to the change log's JSON images, both
 * through the entity descriptors. An image is an object of column names to
 * text (null when absent, true/false for booleans), in column order, so the
 * same record always yields the same bytes and the same hash. Images are
 * written here rather than through jansson: an import writes one per row,
 * and building a jansson object per row was a third of the import's time.
 * They are read back with jansson (store/load.c), which checks them.
 */
#include "base/xalloc.h"
#include "store/internal.h"

void bind_record(sqlite3_stmt *stmt, const struct snapshot *s,
                 const struct entity *ent, const void *rec,
                 struct bind_scratch *scratch)
{
    if (ent->n_fields > BIND_MAX_FIELDS)
        BUG("entity '%s' has too many fields", ent->name);
    for (int i = 0; i < ent->n_fields; i++) {
        const struct field *f = &ent->fields[i];

        db_bind_static(stmt, i + 1,
                       field_is_absent(f, rec)
                           ? NULL
                           : field_text(s, f, rec, scratch->text[i]));
    }
}

void bind_key(sqlite3_stmt *stmt, int first, const struct snapshot *s,
              const struct entity *ent, const void *rec,
              struct bind_scratch *scratch)
{
    int n = 0;

    /* Every key field, in descriptor order, as sqlgen's key_list. */
    for (int i = 0; i < ent->n_fields; i++)
        if (ent->fields[i].flags & FIELD_KEY)
            db_bind_static(
                stmt, first + n++,
                field_text(s, &ent->fields[i], rec, scratch->text[i]));
}

/* Appends text as a JSON string. The text is valid UTF-8 (every input path
 * checks it), so only quotes, backslashes and control characters need
 * escaping. */
static void add_json_string(struct buf *b, const char *text)
{
    enum status st = buf_addch(b, '"');

    for (const char *c = text; *c && !st; c++) {
        unsigned char u = (unsigned char)*c;

        if (u == '"' || u == '\\')
            st = buf_addch(b, '\\') | buf_addch(b, *c);
        else if (u < 0x20)
            st = buf_addf(b, "\\u%04x", u);
        else
            st = buf_addch(b, *c);
    }
    if (st || buf_addch(b, '"'))
        BUG("change-log image too large");
}

char *record_image(const struct snapshot *s, const struct entity *ent,
                   const void *rec)
{
    struct buf b;
    char *text;

    buf_init(&b, BUF_MAX_DEFAULT);
    for (int i = 0; i < ent->n_fields; i++) {
        const struct field *f = &ent->fields[i];
        char tmp[FIELD_BUF];

        if (buf_addstr(&b, i ? ",\"" : "{\"") || buf_addstr(&b, f->name) ||
            buf_addstr(&b, "\":"))
            BUG("change-log image too large");
        if (field_is_absent(f, rec))
            buf_addstr(&b, "null");
        else if (f->type == FT_BOOL)
            buf_addstr(&b, field_text(s, f, rec, tmp));
        else
            add_json_string(&b, field_text(s, f, rec, tmp));
    }
    buf_addch(&b, '}');
    text = buf_detach(&b);
    buf_release(&b); /* buf_detach leaves b initialised */
    return text;
}
