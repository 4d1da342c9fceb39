/*
 * Records to their field texts (the SQL parameters) and to the change
 * log's JSON images, both through the entity descriptors. An image is an object
 * of column names to text (null when absent, true/false for booleans), in
 * column order, so the same record always yields the same bytes and the same
 * hash; a column added after the first schema is left out when absent
 * (FIELD_ADDED), so the images of records written before it do not change.
 * Images are written here rather than through jansson: an import writes one per
 * row, and building a jansson object per row was a third of the import's time.
 * They are read back with jansson (store/load.c), which checks them.
 *
 * A table row holds each field as field_text wrote it (NULL when absent),
 * so the image of a row read back (row_image_to) is byte for byte the image
 * of the record written: the change log relies on that to leave out images
 * the tables already hold (store/log.c).
 */
#include "base/xalloc.h"
#include "store/internal.h"

/* The length of text's leading run of bytes a JSON string holds as they
 * are: anything but quotes, backslashes and control characters (and the
 * terminating NUL). */
static size_t plain_run(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p >= 0x20 && *p != '"' && *p != '\\')
        p++;
    return (size_t)(p - (const unsigned char *)text);
}

/* Appends text as a JSON string. The text is valid UTF-8 (every input path
 * checks it), so only quotes, backslashes and control characters need
 * escaping; the runs between them go in whole. */
static enum status add_json_string(struct buf *b, const char *text)
{
    enum status st = buf_addch(b, '"');

    while (*text && !st) {
        size_t run = plain_run(text);
        unsigned char u = (unsigned char)text[run];

        st = buf_add(b, text, run);
        text += run;
        if (!u || st)
            break;
        if (u == '"' || u == '\\')
            st = buf_addch(b, '\\') | buf_addch(b, (char)u);
        else
            st = buf_addf(b, "\\u%04x", u);
        text++;
    }
    return st | buf_addch(b, '"');
}

/* Appends one member of an image, part by part: absent is null, a boolean
 * is bare, and a string is escaped as JSON needs. */
static void add_member_slowly(struct buf *b, int first, const struct field *f,
                              const char *text)
{
    enum status st = buf_addstr(b, first ? "{\"" : ",\"") |
                     buf_addstr(b, f->name) | buf_addstr(b, "\":");

    if (!text)
        st |= buf_addstr(b, "null");
    else if (f->type == FT_BOOL)
        st |= buf_addstr(b, text);
    else
        st |= add_json_string(b, text);
    if (st)
        BUG("change-log image too large");
}

/* The same member composed in piece, when it is short and its value needs
 * no escaping (nearly every member): its length, else 0. An import builds
 * an image per row, and one append per member instead of six halves what
 * an image costs. */
static size_t compose_member(char piece[static 256], int first,
                             const struct field *f, const char *text)
{
    size_t name_len = strlen(f->name), value_len = 4, n = 0;
    int quoted = text && f->type != FT_BOOL;

    if (text) {
        value_len = plain_run(text);
        if (text[value_len])
            return 0;
    }
    if (name_len + value_len + 6 > 256)
        return 0;
    piece[n++] = first ? '{' : ',';
    piece[n++] = '"';
    memcpy(piece + n, f->name, name_len);
    n += name_len;
    piece[n++] = '"';
    piece[n++] = ':';
    if (quoted)
        piece[n++] = '"';
    memcpy(piece + n, text ? text : "null", value_len);
    n += value_len;
    if (quoted)
        piece[n++] = '"';
    return n;
}

static void add_member(struct buf *b, int first, const struct field *f,
                       const char *text)
{
    char piece[256];
    size_t n = compose_member(piece, first, f, text);

    if (!n)
        add_member_slowly(b, first, f, text);
    else if (buf_add(b, piece, n))
        BUG("change-log image too large");
}

void values_image_to(struct buf *b, const struct entity *ent,
                     const char *const *values)
{
    buf_reset(b);
    /* A column added later is left out when absent (FIELD_ADDED), so a
     * record written before it keeps its image and hash. The key comes
     * first and is never absent. */
    for (int i = 0; i < ent->n_fields; i++)
        if (values[i] || !(ent->fields[i].flags & FIELD_ADDED))
            add_member(b, !i, &ent->fields[i], values[i]);
    if (buf_addch(b, '}'))
        BUG("change-log image too large");
}

void record_values(const struct snapshot *s, const struct entity *ent,
                   const void *rec, struct record_text *out)
{
    if (ent->n_fields > BIND_MAX_FIELDS)
        BUG("entity '%s' has too many fields", ent->name);
    for (int i = 0; i < ent->n_fields; i++) {
        const struct field *f = &ent->fields[i];

        out->values[i] = field_is_absent(f, rec)
                             ? NULL
                             : field_text(s, f, rec, out->scratch[i]);
        out->lengths[i] = out->values[i] ? (int)strlen(out->values[i]) : 0;
    }
}

void record_image_to(struct buf *b, const struct snapshot *s,
                     const struct entity *ent, const void *rec)
{
    struct record_text t;

    record_values(s, ent, rec, &t);
    values_image_to(b, ent, t.values);
}

char *record_image(const struct snapshot *s, const struct entity *ent,
                   const void *rec)
{
    struct buf b;
    char *text;

    buf_init(&b, BUF_MAX_DEFAULT);
    record_image_to(&b, s, ent, rec);
    text = buf_detach(&b);
    buf_release(&b); /* buf_detach leaves b initialised */
    return text;
}

void row_image_to(struct buf *b, const struct entity *ent, struct sql_stmt *q)
{
    const char *values[BIND_MAX_FIELDS];

    if (ent->n_fields > BIND_MAX_FIELDS)
        BUG("entity '%s' has too many fields", ent->name);
    for (int i = 0; i < ent->n_fields; i++)
        values[i] = (const char *)sql_column_text(q, i);
    values_image_to(b, ent, values);
}
