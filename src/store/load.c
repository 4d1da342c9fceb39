/*
 * Loading a snapshot. Each table is read in insertion order and every
 * column goes through the same field codec as an import, so a record loaded
 * is a record validated. "As known on" a past date is the present registry with
 * the later changes undone, newest first, inside a transaction that is then
 * rolled back: the database is the scratch space and nothing is written.
 */
#include <jansson.h>
#include <stdint.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "store/internal.h"

static enum status load_row(struct store *st, sqlite3_stmt *q,
                            struct snapshot *s, const struct entity *ent,
                            void *rec, struct err *e)
{
    record_clear(ent, rec);
    for (int i = 0; i < ent->n_fields; i++) {
        const char *text = (const char *)sqlite3_column_text(q, i);

        if (field_parse(s, &ent->fields[i], rec, text ? text : "", e)) {
            err_prefix(e, "database '%s': %s column '%s'", st->path, ent->table,
                       ent->fields[i].name);
            return ST_ERROR;
        }
    }
    if (snapshot_add(s, ent->kind, rec, NULL, e))
        return ST_ERROR;
    return ST_OK;
}

/* Reserves room in s for the rows of ent's table. */
static enum status reserve_rows(struct store *st, struct snapshot *s,
                                const struct entity *ent, struct err *e)
{
    char sql[128];
    sqlite3_stmt *q;

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", ent->table);
    if (db_prepare(st, sql, &q, e))
        return ST_ERROR;
    if (sqlite3_step(q) == SQLITE_ROW)
        snapshot_reserve(s, ent->kind, (size_t)sqlite3_column_int64(q, 0));
    sqlite3_finalize(q);
    return ST_OK;
}

static enum status load_table(struct store *st, struct snapshot *s,
                              const struct entity *ent, struct err *e)
{
    sqlite3_stmt *q = st->stmts[ent->kind].select;
    void *rec = xmalloc(ent->size);
    enum status rc = ST_OK;
    int step;

    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
        rc = load_row(st, q, s, ent, rec, e);
    if (!rc && step != SQLITE_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path,
                     sqlite3_errmsg(st->db));
    sqlite3_reset(q);
    free(rec);
    return rc;
}

/* Binds the fields of a JSON image to stmt's first parameters. */
static enum status bind_image(sqlite3_stmt *q, const struct entity *ent,
                              const char *image, struct err *e)
{
    json_error_t jerr;
    json_t *obj = json_loads(image, 0, &jerr);

    if (!json_is_object(obj)) {
        json_decref(obj);
        return err_set(e, ST_ERROR, "change log: bad %s image: %s", ent->name,
                       jerr.text);
    }
    for (int i = 0; i < ent->n_fields; i++) {
        json_t *v = json_object_get(obj, ent->fields[i].name);

        if (json_is_boolean(v))
            db_bind_text(q, i + 1, json_is_true(v) ? "true" : "false");
        else
            db_bind_text(q, i + 1, json_string_value(v));
    }
    json_decref(obj);
    return ST_OK;
}

/* Undoes one change: removes what it wrote, restores what it replaced. */
static enum status undo_one(struct store *st, sqlite3_stmt *q, struct err *e)
{
    const struct entity *ent =
        entity_by_name((const char *)sqlite3_column_text(q, 0));
    const char *key = (const char *)sqlite3_column_text(q, 1);
    const char *before = (const char *)sqlite3_column_text(q, 2);
    const struct entity_statements *s;

    if (!ent)
        return err_set(e, ST_ERROR, "change log: unknown entity");
    s = &st->stmts[ent->kind];
    bind_key_text(s->delete, 1, ent, key);
    if (db_step_done(st, s->delete, e))
        return ST_ERROR;
    if (!before)
        return ST_OK;
    if (bind_image(s->insert, ent, before, e))
        return ST_ERROR;
    return db_step_done(st, s->insert, e);
}

static enum status undo_after(struct store *st, int32_t day, struct err *e)
{
    char next[DATE_BUF];
    sqlite3_stmt *q;
    enum status rc = ST_OK;
    int step;

    /* Nothing is recorded after the last day there is (9999-12-31). */
    if (day >= date_from_ymd(DATE_MAX_YEAR, 12, 31))
        return ST_OK;
    date_format(day + 1, next);
    /* The log's suffix from the first change set recorded after that day:
     * undoing anything but a suffix could leave a registry that never was. */
    if (db_prepare(st,
                   "SELECT entity, key, before FROM changes WHERE seq >= "
                   "(SELECT min(id) FROM change_sets WHERE recorded >= ?) "
                   "ORDER BY seq DESC",
                   &q, e))
        return ST_ERROR;
    sqlite3_bind_text(q, 1, next, -1, SQLITE_TRANSIENT);
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW)
        rc = undo_one(st, q, e);
    if (!rc && step != SQLITE_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path,
                     sqlite3_errmsg(st->db));
    sqlite3_finalize(q);
    return rc;
}

static enum status load_all(struct store *st, struct snapshot *s, struct err *e)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        if (reserve_rows(st, s, ENTITIES[k], e) ||
            load_table(st, s, ENTITIES[k], e))
            return ST_ERROR;
    }
    snapshot_index(s);
    return ST_OK;
}

static size_t total_records(const struct snapshot *s)
{
    size_t n = 0;

    for (int k = 0; k < ENT__COUNT; k++)
        n += snapshot_count(s, k);
    return n;
}

/* The present registry: from the snapshot cache when it matches the change
 * log's head, else from the tables (then refreshing the cache). */
static enum status load_present(struct store *st, struct snapshot *s,
                                struct err *e)
{
    char hash[HASH_HEX], tag[96];
    int64_t seq;
    int hit = 0;

    if (log_head(st, &seq, hash, e))
        return ST_ERROR;
    snprintf(tag, sizeof(tag), "%lld:%s", (long long)seq, hash);
    st->known_head = seq;
    if (cache_wanted(SIZE_MAX)) /* unless caching is off, any size may hit */
        cache_load(st, tag, s, &hit);
    if (hit)
        return ST_OK;
    if (load_all(st, s, e))
        return ST_ERROR;
    if (cache_wanted(total_records(s)))
        cache_save(st, tag, s);
    return ST_OK;
}

enum status store_load(struct store *st, int32_t as_known_on,
                       struct snapshot *out, struct err *e)
{
    enum status rc;

    if (as_known_on == DATE_NONE)
        return load_present(st, out, e);
    if (db_exec(st, "BEGIN; PRAGMA defer_foreign_keys = ON", e))
        return ST_ERROR;
    rc = undo_after(st, as_known_on, e);
    if (!rc)
        rc = load_all(st, out, e);
    db_exec(st, "ROLLBACK", NULL);
    return rc;
}
