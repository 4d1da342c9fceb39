/*
 * Schema migrations keyed on PRAGMA user_version: migration N takes the
 * schema from version N - 1 to N, in one transaction with the version bump,
 * so a registry is never left half-migrated. Migration 1 creates the tables
 * of the first six entities from their descriptors and the change log;
 * migration 2 adds the policies; migration 3 the visa cases and consular
 * services. A migration names the entities it creates,
 * so that a later entity never changes what an earlier migration did.
 */
#include "store/internal.h"

#define SCHEMA_VERSION 3

static const char CHANGE_LOG_SQL[] =
    "CREATE TABLE changes (\n"
    "    seq INTEGER NOT NULL PRIMARY KEY,\n"
    "    recorded TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    op TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR "
    "op = 'delete'),\n"
    "    entity TEXT NOT NULL,\n"
    "    key TEXT NOT NULL,\n"
    "    before TEXT,\n"
    "    after TEXT,\n"
    "    reason TEXT,\n"
    "    hash TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX changes_record ON changes(entity, key);\n"
    "CREATE INDEX changes_recorded ON changes(recorded);\n";

static enum status migrate_1(struct store *st, struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, 1 << 20);
    for (int k = ENT_STATE; k <= ENT_DEPENDENT; k++)
        sqlgen_create_table(ENTITIES[k], &sql);
    if (buf_addstr(&sql, CHANGE_LOG_SQL))
        BUG("schema too long");
    rc = db_exec(st, sql.data, e);
    buf_release(&sql);
    return rc;
}

static enum status migrate_2(struct store *st, struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, 1 << 16);
    sqlgen_create_table(ENTITIES[ENT_POLICY], &sql);
    rc = db_exec(st, sql.data, e);
    buf_release(&sql);
    return rc;
}

static enum status migrate_3(struct store *st, struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, 1 << 16);
    sqlgen_create_table(ENTITIES[ENT_VISA], &sql);
    sqlgen_create_table(ENTITIES[ENT_CONSULAR], &sql);
    rc = db_exec(st, sql.data, e);
    buf_release(&sql);
    return rc;
}

static enum status (*const MIGRATIONS[SCHEMA_VERSION])(struct store *,
                                                       struct err *) = {
    migrate_1,
    migrate_2,
    migrate_3,
};

static enum status user_version(struct store *st, int *out, struct err *e)
{
    sqlite3_stmt *stmt;
    enum status rc;

    if ((rc = db_prepare(st, "PRAGMA user_version", &stmt, e)))
        return rc;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        *out = sqlite3_column_int(stmt, 0);
    else
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path,
                     sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    return rc;
}

enum status schema_migrate(struct store *st, struct err *e)
{
    int version = 0;
    char bump[64];

    if (user_version(st, &version, e))
        return ST_ERROR;
    if (version > SCHEMA_VERSION)
        return err_set(e, ST_ERROR,
                       "database '%s' has schema %d, newer than this "
                       "chancery (%d)",
                       st->path, version, SCHEMA_VERSION);
    for (; version < SCHEMA_VERSION; version++) {
        snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", version + 1);
        if (db_exec(st, "BEGIN IMMEDIATE", e))
            return ST_ERROR;
        if (MIGRATIONS[version](st, e) || db_exec(st, bump, e) ||
            db_exec(st, "COMMIT", e)) {
            db_exec(st, "ROLLBACK", NULL);
            return ST_ERROR;
        }
    }
    return ST_OK;
}
