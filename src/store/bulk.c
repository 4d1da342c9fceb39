/*
 * Bulk writes. Row by row, SQLite pays a B-tree descent per row for each
 * secondary index and for each foreign key, and in WAL mode every page is
 * written twice (to the log, then back to the database). For a large change
 * set (an import) it is far cheaper to do that work once. So a large
 * change set:
 *  - turns foreign key enforcement off before BEGIN. A set that only
 *    inserts, written from the registry the transaction holds (no other
 *    change set landed since it was loaded), refers only to records of
 *    that registry or of the set itself: every reference was resolved in
 *    memory when the records were validated, so checking them again costs
 *    an index lookup per reference for nothing (1.9 s of the world's
 *    import, more for ten million visa cases). Any other set runs PRAGMA
 *    foreign_key_check before COMMIT on every table it wrote (every table
 *    when it also updates or deletes): one dangling reference and the
 *    whole transaction rolls back, as a row-by-row check would have;
 *  - turns the CHECK constraints off (PRAGMA ignore_check_constraints)
 *    while it lasts: its records were validated field by field before they
 *    were handed over, and evaluating a LIKE per date column per row was
 *    the largest part of SQLite's own work per row. The pragma expires the
 *    prepared statements, so those of later writes check again;
 *  - drops the secondary indexes (not the primary keys, which enforce
 *    uniqueness as rows go in) of each table it at least doubles, inside
 *    its transaction, when its first rows for that table arrive, and
 *    recreates them before COMMIT: if anything fails, ROLLBACK restores
 *    them. A table it grows less keeps its indexes: rebuilding them would
 *    cost more than it saves;
 *  - stays in WAL, as every write does: readers go on reading the last
 *    committed state while it runs (docs/registry.md, "Concurrency"). A
 *    rollback journal would write new pages once instead of twice, but
 *    it locks every reader out from the first spill of the page cache to
 *    the commit, and "database is locked" is no answer to a read;
 *  - keeps a page cache of 64 MiB instead of 2 GiB. The change set writes
 *    most of its pages once and does not read them again before COMMIT,
 *    so a cache that held them all (some 700 MB for the generated world)
 *    would only cost fresh memory, a page fault every 4 KiB, while a small
 *    one lets SQLite spill the pages it is done with to the file and reuse
 *    their buffers. Measured on the world import: system time from 7 s to
 *    3 s and, in most runs, the import from 23-25 s to 18-19 s; 32 and 256
 *    MiB both did worse than 64.
 * Reading the index definitions back from sqlite_master, foreign_key_check
 * and journal modes are SQLite's dialect; a PostgreSQL backend would defer
 * its constraints and read pg_indexes.
 */
#include "base/xalloc.h"
#include "store/internal.h"

/* Change sets smaller than this are written row by row. */
#define BULK_MIN_CHANGES 50000

enum status bulk_open(struct store *st, struct bulk *b, size_t expected,
                      struct err *e)
{
    memset(b, 0, sizeof(*b));
    if (expected < BULK_MIN_CHANGES || st->pg)
        return ST_OK;
    b->on = 1;
    b->expected = expected;
    db_exec(st, BULK_PAGE_CACHE_PRAGMA, NULL);
    if (db_exec(st, "PRAGMA ignore_check_constraints = ON", e))
        return ST_ERROR;
    return db_exec(st, "PRAGMA foreign_keys = OFF", e);
}

void bulk_close(struct store *st, struct bulk *b)
{
    if (b->on) {
        db_exec(st, "PRAGMA foreign_keys = ON", NULL);
        db_exec(st, "PRAGMA ignore_check_constraints = OFF", NULL);
        db_exec(st, PAGE_CACHE_PRAGMA, NULL);
    }
    for (size_t i = 0; i < b->n; i++)
        free(b->sql[i]);
    free(b->sql);
    memset(b, 0, sizeof(*b));
}

static void add_sql(struct bulk *b, char *sql)
{
    XGROW(b->sql, b->n + 1, b->alloc);
    b->sql[b->n++] = sql;
}

/* The rows table holds now (its largest rowid: exact for the append-only
 * tables here, and a lookup rather than a scan). */
static int64_t table_rows(struct store *st, const char *table)
{
    char sql[128];
    struct sql_stmt *q;
    int64_t n = 0;

    snprintf(sql, sizeof(sql), "SELECT max(rowid) FROM \"%s\"", table);
    if (db_prepare(st, sql, &q, NULL))
        return 0;
    if (sql_step(q) == SQL_ROW)
        n = sql_column_int64(q, 0);
    sql_finalize(q);
    return n;
}

/* Drops the secondary indexes of table, keeping their definitions to
 * recreate them in bulk_end. */
static enum status drop_indexes(struct store *st, struct bulk *b,
                                const char *table, struct err *e)
{
    struct sql_stmt *q;
    size_t first = b->n;
    int step;

    if (db_prepare(st,
                   "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                   "AND sql IS NOT NULL AND tbl_name = ?",
                   &q, e))
        return ST_ERROR;
    sql_bind_text(q, 1, table, -1, SQL_STATIC);
    while ((step = sql_step(q)) == SQL_ROW) {
        add_sql(b, xasprintf("DROP INDEX \"%s\"",
                             (const char *)sql_column_text(q, 0)));
        add_sql(b, xstrdup((const char *)sql_column_text(q, 1)));
    }
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    for (size_t i = first; i < b->n; i += 2)
        if (db_exec(st, b->sql[i], e))
            return ST_ERROR;
    return ST_OK;
}

/* Drops table's indexes when the rows to come are at least as many as it
 * holds: then rebuilding them beats keeping them up to date. */
static enum status maybe_drop(struct store *st, struct bulk *b,
                              const char *table, size_t coming, struct err *e)
{
    if (!coming || (int64_t)coming < table_rows(st, table))
        return ST_OK;
    return drop_indexes(st, b, table, e);
}

enum status bulk_note(struct store *st, struct bulk *b,
                      const struct change *changes, size_t n, struct err *e)
{
    size_t added[ENT__COUNT] = { 0 };

    if (!b->on)
        return ST_OK;
    for (size_t i = 0; i < n; i++) {
        b->touched[changes[i].entity] = 1;
        added[changes[i].entity] += changes[i].op == OP_INSERT;
        b->all_tables |= changes[i].op != OP_INSERT;
    }
    if (!b->log_decided) {
        b->log_decided = 1;
        if (maybe_drop(st, b, "changes", b->expected, e))
            return ST_ERROR;
    }
    for (int k = 0; k < ENT__COUNT; k++) {
        if (!added[k] || b->decided[k])
            continue;
        b->decided[k] = 1;
        if (maybe_drop(st, b, ENTITIES[k]->table, added[k], e))
            return ST_ERROR;
    }
    return ST_OK;
}

/* Runs foreign_key_check on one table (all of them when table is NULL);
 * the first dangling reference is ST_INVALID. */
static enum status check_references(struct store *st, const char *table,
                                    struct err *e)
{
    char sql[96];
    struct sql_stmt *q;
    enum status rc = ST_OK;
    int step;

    snprintf(sql, sizeof(sql), "PRAGMA foreign_key_check%s%s%s",
             table ? "(\"" : "", table ? table : "", table ? "\")" : "");
    if (db_prepare(st, sql, &q, e))
        return ST_ERROR;
    step = sql_step(q);
    if (step == SQL_ROW)
        rc = err_set(e, ST_INVALID, "%s row %lld refers to a missing row of %s",
                     (const char *)sql_column_text(q, 0),
                     (long long)sql_column_int64(q, 1),
                     (const char *)sql_column_text(q, 2));
    else if (step != SQL_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
    sql_finalize(q);
    return rc;
}

enum status bulk_end(struct store *st, struct bulk *b, int current,
                     struct err *e)
{
    if (!b->on)
        return ST_OK;
    for (size_t i = 1; i < b->n; i += 2)
        if (db_exec(st, b->sql[i], e))
            return ST_ERROR;
    if (current && !b->all_tables)
        return ST_OK;
    if (b->all_tables)
        return check_references(st, NULL, e);
    for (int k = 0; k < ENT__COUNT; k++)
        if (b->touched[k] && check_references(st, ENTITIES[k]->table, e))
            return e->status;
    return ST_OK;
}
