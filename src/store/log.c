/*
 * Reading the change log: entries, one record's history (or several
 * records' histories interleaved), and the present rows the log refers
 * to.
 *
 * An entry stores its before image but not its after image (store/write.c):
 * the after image of a record's entry is the before image of that record's
 * next entry, or, for its last entry, the record's present row in its
 * table. Storing it again would double what an import writes; deriving it
 * costs a lookup by key. The hash still covers the after image, so
 * `audit verify` (store/verify.c) checks the tables against the log as it
 * checks the chain. Entries written before schema 4 keep the after images
 * they stored, and a stored image is used as it is.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "store/internal.h"

static char *column_dup(struct sql_stmt *q, int i)
{
    const char *text = (const char *)sql_column_text(q, i);

    return text ? xstrdup(text) : NULL;
}

void log_read_entry(struct sql_stmt *q, struct change_entry *c)
{
    c->seq = sql_column_int64(q, 0);
    c->recorded = column_dup(q, 1);
    c->actor = column_dup(q, 2);
    c->op = column_dup(q, 3);
    c->entity = column_dup(q, 4);
    c->key = column_dup(q, 5);
    c->before = column_dup(q, 6);
    c->after = column_dup(q, 7);
    c->reason = column_dup(q, 8);
    c->hash = NULL;
    if (sql_column_bytes(q, 9) == HASH_BYTES) {
        c->hash = xmalloc(HASH_HEX);
        hash_to_hex(sql_column_blob(q, 9), c->hash);
    }
}

enum status log_read_list(struct store *st, struct sql_stmt *q,
                          struct change_list *list, struct err *e)
{
    int step;

    while ((step = sql_step(q)) == SQL_ROW) {
        XGROW(list->items, list->n + 1, list->alloc);
        log_read_entry(q, &list->items[list->n++]);
    }
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

void log_entry_release(struct change_entry *c)
{
    free(c->recorded);
    free(c->actor);
    free(c->op);
    free(c->entity);
    free(c->key);
    free(c->before);
    free(c->after);
    free(c->reason);
    free(c->hash);
}

void change_list_release(struct change_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        log_entry_release(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->alloc = 0;
}

void bind_key_text(struct sql_stmt *q, int first, const struct entity *ent,
                   const char *key)
{
    int n_keys = 0, i = 0;
    const char *part = key;

    for (int k = 0; k < ent->n_fields; k++)
        n_keys += !!(ent->fields[k].flags & FIELD_KEY);
    /* Every part but the last ends at a '/'; the last takes the rest. */
    for (; i < n_keys - 1; i++) {
        const char *slash = strchr(part, '/');

        if (!slash)
            break;
        sql_bind_text(q, first + i, part, (int)(slash - part), SQL_TRANSIENT);
        part = slash + 1;
    }
    sql_bind_text(q, first + i, part, -1, SQL_TRANSIENT);
}

void row_reader_init(struct row_reader *r, struct store *st)
{
    memset(r, 0, sizeof(*r));
    r->st = st;
    buf_init(&r->image, BUF_MAX_DEFAULT);
}

void row_reader_release(struct row_reader *r)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        sql_finalize(r->by_key[k]);
        if (!r->whole)
            continue;
        for (size_t i = 0; i < r->n_images[k]; i++)
            free(r->images[k][i]);
        free(r->images[k]);
        idmap_release(&r->keys[k]);
    }
    buf_release(&r->image);
}

void row_reader_whole(struct row_reader *r)
{
    r->whole = 1;
    for (int k = 0; k < ENT__COUNT; k++)
        idmap_init(&r->keys[k]);
}

/* The key of the row q holds (its columns in descriptor order), as
 * record_key writes it, into b. */
static void row_key_to(struct buf *b, const struct entity *ent,
                       struct sql_stmt *q)
{
    int n = 0;

    buf_reset(b);
    for (int i = 0; i < ent->n_fields; i++) {
        const char *t;

        if (!(ent->fields[i].flags & FIELD_KEY))
            continue;
        t = sql_column_text(q, i);
        if ((n++ && buf_addstr(b, "/")) || buf_addstr(b, t ? t : ""))
            BUG("key too long");
    }
}

/* Reads ent's whole table into r's images by key. */
static enum status read_whole(struct row_reader *r, const struct entity *ent,
                              struct err *e)
{
    int k = ent->kind, step;
    struct sql_stmt *q;
    struct buf sql, key;

    buf_init(&sql, 1 << 16);
    (r->st->pg ? sqlgen_select_pg : sqlgen_select)(ent, &sql);
    step = db_prepare(r->st, sql.data, &q, e);
    buf_release(&sql);
    if (step)
        return ST_ERROR;
    buf_init(&key, BUF_MAX_DEFAULT);
    while ((step = sql_step(q)) == SQL_ROW) {
        char *both;

        row_key_to(&key, ent, q);
        row_image_to(&r->image, ent, q);
        /* The key, its NUL, then the image: the map borrows the key. */
        both = xmalloc(key.len + r->image.len + 2);
        memcpy(both, key.data, key.len + 1);
        memcpy(both + key.len + 1, r->image.data, r->image.len + 1);
        XGROW(r->images[k], r->n_images[k] + 1, r->alloc_images[k]);
        r->images[k][r->n_images[k]] = both;
        idmap_put(&r->keys[k], both, (uint32_t)r->n_images[k]);
        r->n_images[k]++;
    }
    buf_release(&key);
    sql_finalize(q);
    r->read[k] = 1;
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", r->st->path,
                       db_errmsg(r->st));
    return ST_OK;
}

static enum status whole_image(struct row_reader *r, const struct entity *ent,
                               const char *key, const char **image,
                               struct err *e)
{
    uint32_t i;

    if (!r->read[ent->kind] && read_whole(r, ent, e))
        return ST_ERROR;
    i = idmap_get(&r->keys[ent->kind], key);
    if (i != IDMAP_NONE) {
        const char *both = r->images[ent->kind][i];

        *image = both + strlen(both) + 1;
    }
    return ST_OK;
}

static enum status prepare_by_key(struct row_reader *r,
                                  const struct entity *ent, struct err *e)
{
    struct buf sql;
    enum status rc;

    if (r->by_key[ent->kind])
        return ST_OK;
    buf_init(&sql, 1 << 16);
    sqlgen_select_key(ent, &sql);
    rc = db_prepare(r->st, sql.data, &r->by_key[ent->kind], e);
    buf_release(&sql);
    return rc;
}

enum status row_reader_image(struct row_reader *r, const struct entity *ent,
                             const char *key, const char **image, struct err *e)
{
    struct sql_stmt *q;
    int step;

    *image = NULL;
    if (r->whole)
        return whole_image(r, ent, key, image, e);
    if (prepare_by_key(r, ent, e))
        return ST_ERROR;
    q = r->by_key[ent->kind];
    bind_key_text(q, 1, ent, key);
    step = sql_step(q);
    if (step == SQL_ROW) {
        row_image_to(&r->image, ent, q);
        *image = r->image.data;
    }
    sql_reset(q);
    if (step != SQL_ROW && step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", r->st->path,
                       db_errmsg(r->st));
    return ST_OK;
}

/* Fills in the after images the log left to the next entry or the table. */
static enum status derive_afters(struct store *st, const struct entity *ent,
                                 struct change_list *list, struct err *e)
{
    struct row_reader r;
    enum status rc = ST_OK;

    row_reader_init(&r, st);
    for (size_t i = 0; i < list->n && !rc; i++) {
        struct change_entry *c = &list->items[i];
        const char *image = NULL;

        if (c->after || !strcmp(c->op, "delete"))
            continue;
        if (i + 1 < list->n)
            image = list->items[i + 1].before;
        else
            rc = row_reader_image(&r, ent, c->key, &image, e);
        if (image)
            c->after = xstrdup(image);
    }
    row_reader_release(&r);
    return rc;
}

enum status store_history(struct store *st, const char *entity, const char *key,
                          struct change_list *list, struct err *e)
{
    const struct entity *ent = entity_by_name(entity);
    struct sql_stmt *q;

    if (!ent)
        return err_set(e, ST_USAGE, "unknown entity '%s'", entity);
    if (db_prepare(st,
                   LOG_SELECT "WHERE c.entity = ? AND c.key = ? ORDER BY c.seq",
                   &q, e))
        return ST_ERROR;
    db_bind_text(q, 1, entity);
    db_bind_text(q, 2, key);
    if (log_read_list(st, q, list, e))
        return ST_ERROR;
    return derive_afters(st, ent, list, e);
}

static int by_seq(const void *x, const void *y)
{
    int64_t a = ((const struct change_entry *)x)->seq;
    int64_t b = ((const struct change_entry *)y)->seq;

    return (a > b) - (a < b);
}

/* Moves the entries of from to the end of to; from is left empty. */
static void change_list_take(struct change_list *to, struct change_list *from)
{
    if (!from->n) {
        change_list_release(from);
        return;
    }
    XGROW(to->items, to->n + from->n, to->alloc);
    memcpy(to->items + to->n, from->items, from->n * sizeof(*from->items));
    to->n += from->n;
    free(from->items);
    memset(from, 0, sizeof(*from));
}

/* Each record's entries are read (and their after images derived) on
 * their own, through the log's key index, then merged by sequence. */
enum status store_history_of(struct store *st, const struct record_ref *refs,
                             size_t n, struct change_list *list, struct err *e)
{
    enum status rc = ST_OK;

    for (size_t i = 0; i < n && !rc; i++) {
        struct change_list one = { NULL, 0, 0 };

        rc = store_history(st, refs[i].entity, refs[i].key, &one, e);
        if (rc)
            change_list_release(&one);
        else
            change_list_take(list, &one);
    }
    if (list->n)
        qsort(list->items, list->n, sizeof(*list->items), by_seq);
    return rc;
}

enum status store_log_head(struct store *st, int32_t as_known_on, int64_t *seq,
                           struct err *e)
{
    char next[DATE_BUF];
    struct sql_stmt *q;
    int step;

    /* The same cut as a load as known on a date: the change sets recorded
     * before the next day. */
    if (db_prepare(st,
                   as_known_on == DATE_NONE
                       ? "SELECT max(seq) FROM changes"
                       : "SELECT max(c.seq) FROM changes c JOIN change_sets s "
                         "ON s.id = c.change_set WHERE s.recorded < ?",
                   &q, e))
        return ST_ERROR;
    if (as_known_on != DATE_NONE) {
        date_format(as_known_on + 1, next);
        db_bind_text(q, 1, next);
    }
    step = sql_step(q);
    *seq = step == SQL_ROW ? sql_column_int64(q, 0) : 0;
    sql_finalize(q);
    if (step != SQL_ROW)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}
