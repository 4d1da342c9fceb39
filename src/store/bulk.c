/*
 * Bulk writes. Keeping a secondary index up to date row by row costs a
 * B-tree descent per row per index; building it once from sorted keys at
 * the end costs far less. So a large change set drops the secondary
 * indexes (not the primary keys, which enforce uniqueness as rows go in)
 * inside its transaction and recreates them before COMMIT: if anything
 * fails, ROLLBACK restores them with everything else. Reading the index
 * definitions back from sqlite_master is SQLite's dialect; a PostgreSQL
 * backend would read pg_indexes.
 */
#include "base/xalloc.h"
#include "store/internal.h"

/* Change sets smaller than this keep their indexes. */
#define BULK_MIN_CHANGES 50000

void bulk_init(struct bulk *b)
{
    b->sql = NULL;
    b->n = b->alloc = 0;
}

void bulk_release(struct bulk *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->sql[i]);
    free(b->sql);
    bulk_init(b);
}

static enum status save_indexes(struct store *st, struct bulk *b, struct err *e)
{
    sqlite3_stmt *q;
    int step;

    if (db_prepare(st,
                   "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                   "AND sql IS NOT NULL",
                   &q, e))
        return ST_ERROR;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        XGROW(b->sql, b->n + 1, b->alloc);
        b->sql[b->n++] = xasprintf("DROP INDEX \"%s\"",
                                   (const char *)sqlite3_column_text(q, 0));
        XGROW(b->sql, b->n + 1, b->alloc);
        b->sql[b->n++] = xstrdup((const char *)sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

enum status bulk_begin(struct store *st, struct bulk *b, size_t n_changes,
                       struct err *e)
{
    if (n_changes < BULK_MIN_CHANGES)
        return ST_OK;
    if (save_indexes(st, b, e))
        return ST_ERROR;
    for (size_t i = 0; i < b->n; i += 2)
        if (db_exec(st, b->sql[i], e))
            return ST_ERROR;
    return ST_OK;
}

enum status bulk_end(struct store *st, struct bulk *b, struct err *e)
{
    for (size_t i = 1; i < b->n; i += 2)
        if (db_exec(st, b->sql[i], e))
            return ST_ERROR;
    return ST_OK;
}
