/*
 * The field codec: text to value and back, for every field type. Values are
 * reached through the descriptor's offset, so this is the one place that
 * casts record memory; everything above it works field by field by name.
 */
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/utf8.h"
#include "core/entity.h"
#include "core/snapshot.h"

#define AT(rec, f, type)  ((type *)((char *)(rec) + (f)->offset))
#define CAT(rec, f, type) ((const type *)((const char *)(rec) + (f)->offset))

static enum status parse_code(struct snapshot *s, const struct field *f,
                              void *rec, const char *text, struct err *e)
{
    char *code = AT(rec, f, char);

    if (strlen(text) != 3 || strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return err_set(e, ST_INVALID,
                       "invalid state code '%s': expected ISO 3166-1 alpha-3",
                       text);
    if (f->ref == ENT_STATE && snapshot_find(s, ENT_STATE, text) == IDMAP_NONE)
        return err_set(e, ST_INVALID, "unknown state '%s'", text);
    memcpy(code, text, 4);
    return ST_OK;
}

static enum status parse_host(struct snapshot *s, const struct field *f,
                              void *rec, const char *text, struct err *e)
{
    uint32_t i = snapshot_find(s, ENT_STATE, text);

    if (i != IDMAP_NONE) {
        /* A copy: the state rows move when more states are added. */
        *AT(rec, f, const char *) =
            arena_strdup(&s->strings, snap_state(s, i)->code);
        return ST_OK;
    }
    i = snapshot_find(s, ENT_ORGANIZATION, text);
    if (i == IDMAP_NONE)
        return err_set(e, ST_INVALID, "unknown state or organization '%s'",
                       text);
    *AT(rec, f, const char *) = snap_org(s, i)->code;
    return ST_OK;
}

static enum status parse_enum(const struct field *f, void *rec,
                              const char *text, struct err *e)
{
    int v = enum_from_name(f->names, text);
    char names[512];

    if (v == ENUM_NONE) {
        enum_list(f->names, names, sizeof(names));
        return err_set(e, ST_INVALID, "invalid %s '%s' (expected one of: %s)",
                       f->names->what, text, names);
    }
    *AT(rec, f, int) = v;
    return ST_OK;
}

static enum status parse_ref(struct snapshot *s, const struct field *f,
                             void *rec, const char *text, struct err *e)
{
    uint32_t i = snapshot_find(s, f->ref, text);

    if (i == IDMAP_NONE)
        return err_set(e, ST_INVALID, "unknown %s '%s'", ENTITIES[f->ref]->name,
                       text);
    *AT(rec, f, uint32_t) = i;
    return ST_OK;
}

static enum status parse_bool(const struct field *f, void *rec,
                              const char *text, struct err *e)
{
    if (!strcmp(text, "true"))
        *AT(rec, f, int) = 1;
    else if (!strcmp(text, "false"))
        *AT(rec, f, int) = 0;
    else
        return err_set(e, ST_INVALID, "invalid boolean '%s' (true or false)",
                       text);
    return ST_OK;
}

/* A count of days and the like: decimal digits only, at most nine. */
static enum status parse_int(const struct field *f, void *rec, const char *text,
                             struct err *e)
{
    size_t n = strspn(text, "0123456789");
    int32_t v = 0;

    if (text[n] || n > 9)
        return err_set(e, ST_INVALID,
                       "invalid number '%s': expected a whole number from 0 "
                       "to 999999999",
                       text);
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (text[i] - '0');
    *AT(rec, f, int32_t) = v;
    return ST_OK;
}

/* What makes text no id: ids are printable ASCII (no space, no '/', no
 * byte order mark or other invisible character) and short, so that a key,
 * compound or not, is always whole in the change log and in messages. */
static enum status check_id(const char *text, struct err *e)
{
    size_t n = strlen(text);

    if (n > FIELD_ID_MAX)
        return err_set(e, ST_INVALID, "invalid id of %zu bytes: at most %d", n,
                       FIELD_ID_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
            return err_set(e, ST_INVALID,
                           "invalid id '%s': no '/' or white space", text);
        if (c < ' ' || c >= 0x7F)
            return err_set(e, ST_INVALID,
                           "invalid id: byte %zu is not printable ASCII",
                           i + 1);
    }
    return ST_OK;
}

enum status field_check_text(const char *text, size_t max, struct err *e)
{
    size_t n = strlen(text);

    if (n > max)
        return err_set(e, ST_INVALID, "text of %zu bytes: at most %zu", n, max);
    for (size_t i = 0; i < n; i++) {
        if (utf8_hidden(text + i))
            return err_set(e, ST_INVALID,
                           "a control or invisible character at byte %zu: "
                           "not allowed in text",
                           i + 1);
    }
    return ST_OK;
}

static enum status parse_text(struct snapshot *s, const struct field *f,
                              void *rec, const char *text, struct err *e)
{
    enum status rc = ST_OK;

    if (f->flags & FIELD_KEY)
        rc = check_id(text, e);
    else if (!(f->flags & FIELD_JSON))
        rc = field_check_text(text, FIELD_TEXT_MAX, e);
    if (!rc)
        *AT(rec, f, const char *) = arena_strdup(&s->strings, text);
    return rc;
}

static void set_absent(const struct field *f, void *rec)
{
    switch (f->type) {
    case FT_TEXT:
    case FT_HOST:
        *AT(rec, f, const char *) = NULL;
        break;
    case FT_CODE:
        AT(rec, f, char)[0] = '\0';
        break;
    case FT_DATE:
        *AT(rec, f, int32_t) = DATE_NONE;
        break;
    case FT_ENUM:
        *AT(rec, f, int) = ENUM_NONE;
        break;
    case FT_BOOL:
        *AT(rec, f, int) = 0;
        break;
    case FT_REF:
        *AT(rec, f, uint32_t) = IDMAP_NONE;
        break;
    case FT_INT:
        *AT(rec, f, int32_t) = FIELD_INT_NONE;
        break;
    }
}

enum status field_parse(struct snapshot *s, const struct field *f, void *rec,
                        const char *text, struct err *e)
{
    if (!utf8_valid(text, strlen(text)))
        return err_set(e, ST_INVALID, "invalid UTF-8");
    if (!*text) {
        set_absent(f, rec);
        if (f->flags & FIELD_REQUIRED)
            return err_set(e, ST_INVALID, "a value is required");
        return ST_OK;
    }
    switch (f->type) {
    case FT_TEXT:
        return parse_text(s, f, rec, text, e);
    case FT_CODE:
        return parse_code(s, f, rec, text, e);
    case FT_HOST:
        return parse_host(s, f, rec, text, e);
    case FT_DATE:
        return date_parse(text, AT(rec, f, int32_t), e);
    case FT_ENUM:
        return parse_enum(f, rec, text, e);
    case FT_BOOL:
        return parse_bool(f, rec, text, e);
    case FT_REF:
        return parse_ref(s, f, rec, text, e);
    case FT_INT:
        return parse_int(f, rec, text, e);
    }
    BUG("field type %d", (int)f->type);
}

const char *field_text(const struct snapshot *s, const struct field *f,
                       const void *rec, char buf[FIELD_BUF])
{
    const char *str;

    switch (f->type) {
    case FT_TEXT:
    case FT_HOST:
        str = *CAT(rec, f, char *);
        return str ? str : "";
    case FT_CODE:
        return CAT(rec, f, char);
    case FT_DATE:
        date_format(*CAT(rec, f, int32_t), buf);
        return buf;
    case FT_ENUM:
        return enum_name(f->names, *CAT(rec, f, int));
    case FT_BOOL:
        return *CAT(rec, f, int) ? "true" : "false";
    case FT_REF:
        if (*CAT(rec, f, uint32_t) == IDMAP_NONE)
            return "";
        return record_key(s, ENTITIES[f->ref],
                          snapshot_row(s, f->ref, *CAT(rec, f, uint32_t)), buf,
                          FIELD_BUF);
    case FT_INT:
        if (*CAT(rec, f, int32_t) == FIELD_INT_NONE)
            return "";
        snprintf(buf, FIELD_BUF, "%ld", (long)*CAT(rec, f, int32_t));
        return buf;
    }
    BUG("field type %d", (int)f->type);
}

void field_set_ref(const struct field *f, void *rec, uint32_t i)
{
    *AT(rec, f, uint32_t) = i;
}

uint32_t field_ref(const struct field *f, const void *rec)
{
    return *CAT(rec, f, uint32_t);
}

int field_is_absent(const struct field *f, const void *rec)
{
    switch (f->type) {
    case FT_TEXT:
    case FT_HOST:
        return *CAT(rec, f, char *) == NULL;
    case FT_CODE:
        return CAT(rec, f, char)[0] == '\0';
    case FT_DATE:
        return *CAT(rec, f, int32_t) == DATE_NONE;
    case FT_ENUM:
        return *CAT(rec, f, int) == ENUM_NONE;
    case FT_BOOL:
        return 0;
    case FT_REF:
        return *CAT(rec, f, uint32_t) == IDMAP_NONE;
    case FT_INT:
        return *CAT(rec, f, int32_t) == FIELD_INT_NONE;
    }
    BUG("field type %d", (int)f->type);
}

void record_clear(const struct entity *ent, void *rec)
{
    memset(rec, 0, ent->size);
    for (int i = 0; i < ent->n_fields; i++)
        set_absent(&ent->fields[i], rec);
}

const char *record_key(const struct snapshot *s, const struct entity *ent,
                       const void *rec, char *buf, size_t size)
{
    size_t len = 0;
    int parts = 0;

    if (!(ent->fields[1].flags & FIELD_KEY))
        return field_text(s, &ent->fields[0], rec, buf);
    /* A compound key (a dependent's person and posting; a consular row's
     * post, nationality, service and start, which need not be adjacent)
     * joined by '/'. */
    for (int i = 0; i < ent->n_fields; i++) {
        char part[FIELD_BUF];
        int n;

        if (!(ent->fields[i].flags & FIELD_KEY))
            continue;
        n = snprintf(buf + len, size - len, "%s%s", parts++ ? "/" : "",
                     field_text(s, &ent->fields[i], rec, part));
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    return buf;
}
