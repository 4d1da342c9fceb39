/*
 * `audit verify`: the whole change log recomputed, entry by entry, against
 * its hash chain, and the tables against the log.
 *
 * Entries leave their after image to the record's next entry or to its
 * present row (store/log.c), so recomputing a hash needs that image. The
 * entries that carry images (updates and deletes, a small part of any
 * log) are read first and grouped by record; then one pass in seq order
 * takes each after image from the next of them for the same record, or
 * from the table. A row edited behind chancery's back therefore breaks the
 * hash of the entry that last wrote it; a row added or removed behind its
 * back shows in the count of rows each table should hold.
 */
#include "base/idmap.h"
#include "base/xalloc.h"
#include "store/internal.h"

/* The images one record's entries carry, in seq order; pos is the first
 * not yet passed by the verification. */
struct image {
    int64_t seq;
    char *before;
};

struct record_images {
    char *id; /* entity, 0x1F, key: the index's key */
    struct image *items;
    size_t n, alloc, pos;
};

struct verifier {
    struct store *st;
    struct idmap by_record;
    struct record_images *records;
    size_t n_records, alloc_records;
    struct row_reader rows;
    int64_t live[ENT__COUNT]; /* rows each table should hold */
    char prev[HASH_HEX];
};

static char *record_id(const char *entity, const char *key)
{
    return xasprintf("%s\x1f%s", entity, key);
}

static struct record_images *find_record(const struct verifier *v,
                                         const char *entity, const char *key)
{
    char *id = record_id(entity, key);
    uint32_t i = idmap_get(&v->by_record, id);

    free(id);
    return i == IDMAP_NONE ? NULL : &v->records[i];
}

static void add_image(struct verifier *v, int64_t seq, const char *entity,
                      const char *key, const char *before)
{
    struct record_images *r = find_record(v, entity, key);

    if (!r) {
        XGROW(v->records, v->n_records + 1, v->alloc_records);
        r = &v->records[v->n_records];
        memset(r, 0, sizeof(*r));
        r->id = record_id(entity, key);
        /* The map borrows r->id, which stays put when records grows. */
        idmap_put(&v->by_record, r->id, (uint32_t)v->n_records++);
    }
    XGROW(r->items, r->n + 1, r->alloc);
    r->items[r->n++] = (struct image){ seq, xstrdup(before) };
}

static enum status read_images(struct verifier *v, struct err *e)
{
    sqlite3_stmt *q;
    int step;

    if (db_prepare(v->st,
                   "SELECT seq, entity, key, before FROM changes "
                   "WHERE before IS NOT NULL ORDER BY seq",
                   &q, e))
        return ST_ERROR;
    while ((step = sqlite3_step(q)) == SQLITE_ROW)
        add_image(v, sqlite3_column_int64(q, 0),
                  (const char *)sqlite3_column_text(q, 1),
                  (const char *)sqlite3_column_text(q, 2),
                  (const char *)sqlite3_column_text(q, 3));
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", v->st->path,
                       sqlite3_errmsg(v->st->db));
    return ST_OK;
}

/* The after image of entry c when the log did not store it: the next
 * image of the same record, else its present row. OUT: *from_row. */
static enum status derived_after(struct verifier *v, const struct entity *ent,
                                 const struct change_entry *c,
                                 const char **image, int *from_row,
                                 struct err *e)
{
    struct record_images *r = find_record(v, c->entity, c->key);

    while (r && r->pos < r->n && r->items[r->pos].seq <= c->seq)
        r->pos++;
    *from_row = !r || r->pos == r->n;
    if (!*from_row) {
        *image = r->items[r->pos].before;
        return ST_OK;
    }
    if (row_reader_image(&v->rows, ent, c->key, image, e))
        return ST_ERROR;
    if (!*image)
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): the record is missing from "
                       "table %s",
                       (long long)c->seq, c->entity, c->key, ent->table);
    return ST_OK;
}

static enum status check_entry(struct verifier *v, const struct change_entry *c,
                               int64_t expect_seq, struct err *e)
{
    const struct entity *ent = entity_by_name(c->entity ? c->entity : "");
    struct log_fields f = { c->seq, c->recorded, c->actor, c->op,    c->entity,
                            c->key, c->before,   c->after, c->reason };
    unsigned char digest[HASH_BYTES];
    int is_delete = c->op && !strcmp(c->op, "delete");
    int from_row = 0;

    if (c->seq != expect_seq)
        return err_set(e, ST_INVALID, "change %lld: expected seq %lld",
                       (long long)c->seq, (long long)expect_seq);
    if (!ent || !c->key || !c->op)
        return err_set(e, ST_INVALID, "change %lld: unknown entity '%s'",
                       (long long)c->seq, c->entity ? c->entity : "");
    if (!c->after && !is_delete &&
        derived_after(v, ent, c, &f.after, &from_row, e))
        return e->status;
    change_hash(v->prev, &f, digest);
    hash_to_hex(digest, v->prev);
    if (!c->hash || strcmp(v->prev, c->hash))
        return err_set(e, ST_INVALID,
                       "change %lld (%s '%s'): hash does not match %s",
                       (long long)c->seq, c->entity, c->key,
                       from_row ? "its content, the chain before it and the "
                                  "record's present row: one of them was "
                                  "rewritten"
                                : "its content and the chain before it");
    v->live[ent->kind] += is_delete ? -1 : !strcmp(c->op, "insert");
    return ST_OK;
}

static enum status check_chain(struct verifier *v, int64_t *n_checked,
                               struct err *e)
{
    sqlite3_stmt *q;
    enum status rc = ST_OK;
    int step = SQLITE_DONE;

    if (db_prepare(v->st, LOG_SELECT "ORDER BY c.seq", &q, e))
        return ST_ERROR;
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        struct change_entry c;

        log_read_entry(q, &c);
        rc = check_entry(v, &c, *n_checked + 1, e);
        if (!rc)
            (*n_checked)++;
        log_entry_release(&c);
    }
    if (!rc && step != SQLITE_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", v->st->path,
                     sqlite3_errmsg(v->st->db));
    sqlite3_finalize(q);
    return rc;
}

/* Each table holds exactly the rows the log inserted and did not delete. */
static enum status check_counts(struct verifier *v, struct err *e)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        char sql[128];
        sqlite3_stmt *q;
        int64_t n = -1;

        snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"",
                 ENTITIES[k]->table);
        if (db_prepare(v->st, sql, &q, e))
            return ST_ERROR;
        if (sqlite3_step(q) == SQLITE_ROW)
            n = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
        if (n != v->live[k])
            return err_set(e, ST_INVALID,
                           "table %s holds %lld rows, but the change log "
                           "accounts for %lld",
                           ENTITIES[k]->table, (long long)n,
                           (long long)v->live[k]);
    }
    return ST_OK;
}

static void verifier_release(struct verifier *v)
{
    for (size_t i = 0; i < v->n_records; i++) {
        struct record_images *r = &v->records[i];

        for (size_t j = 0; j < r->n; j++)
            free(r->items[j].before);
        free(r->items);
        free(r->id);
    }
    free(v->records);
    idmap_release(&v->by_record);
    row_reader_release(&v->rows);
}

enum status store_verify(struct store *st, int64_t *n_checked, struct err *e)
{
    struct verifier v = { .st = st };
    enum status rc;

    *n_checked = 0;
    idmap_init(&v.by_record);
    row_reader_init(&v.rows, st);
    /* One read transaction: the log and the tables as of one moment. */
    rc = db_exec(st, "BEGIN", e);
    if (!rc)
        rc = read_images(&v, e);
    if (!rc)
        rc = check_chain(&v, n_checked, e);
    if (!rc)
        rc = check_counts(&v, e);
    db_exec(st, "ROLLBACK", NULL);
    verifier_release(&v);
    return rc;
}

/* The first field of rec (of kind k in a) that differs from the record of
 * the same key in b; -2 when b has no such record, -1 when none differs. */
static int differing_field(const struct snapshot *a, const struct snapshot *b,
                           int k, const void *rec, const char *key)
{
    const struct entity *ent = ENTITIES[k];
    uint32_t j = snapshot_find(b, k, key);
    char x[FIELD_BUF], y[FIELD_BUF];

    if (j == IDMAP_NONE)
        return -2;
    for (int i = 0; i < ent->n_fields; i++) {
        const char *p = field_text(a, &ent->fields[i], rec, x),
                   *q =
                       field_text(b, &ent->fields[i], snapshot_row(b, k, j), y);

        if ((p == NULL) != (q == NULL) || (p && strcmp(p, q)))
            return i;
    }
    return -1;
}

/* Compares the two snapshots record by record, by key. */
static enum status compare_snapshots(const struct snapshot *tables,
                                     const struct snapshot *image, int64_t *n,
                                     struct err *e)
{
    char buf[256];

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        if (snapshot_count(tables, k) != snapshot_count(image, k))
            return err_set(e, ST_INVALID,
                           "the snapshot image holds %zu %s records, the "
                           "tables %zu",
                           snapshot_count(image, k), ent->name,
                           snapshot_count(tables, k));
        for (uint32_t i = 0; i < snapshot_count(tables, k); i++) {
            const void *rec = snapshot_row(tables, k, i);
            const char *key = record_key(tables, ent, rec, buf, sizeof(buf));
            int f = differing_field(tables, image, k, rec, key);

            if (f == -2)
                return err_set(e, ST_INVALID,
                               "the snapshot image lacks %s '%s'", ent->name,
                               key);
            if (f >= 0)
                return err_set(e, ST_INVALID,
                               "the snapshot image differs from the tables "
                               "at %s '%s', field '%s'",
                               ent->name, key, ent->fields[f].name);
            (*n)++;
        }
    }
    return ST_OK;
}

enum status store_verify_image(struct store *st, int64_t *n_records,
                               struct err *e)
{
    struct snapshot tables, image;
    char hash[HASH_HEX] = "";
    int64_t seq = 0, changes = 0;
    enum status rc;

    *n_records = -1;
    snapshot_init(&tables);
    snapshot_init(&image);
    rc = db_exec(st, "BEGIN", e);
    if (!rc)
        rc = log_head(st, &seq, hash, e);
    if (!rc)
        rc = load_tables(st, &tables, e);
    if (!rc && !load_image(st, seq, hash, &image, &changes)) {
        *n_records = 0;
        rc = compare_snapshots(&tables, &image, n_records, e);
        if (rc)
            err_prefix(e, "database '%s'", st->path);
    }
    db_exec(st, "ROLLBACK", NULL);
    snapshot_release(&tables);
    snapshot_release(&image);
    return rc;
}
