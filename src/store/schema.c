/*
 * Schema migrations keyed on PRAGMA user_version: migration N takes the
 * schema from version N - 1 to N, in one transaction with the version bump,
 * so a registry is never left half-migrated. Migration 1 creates the tables
 * of the first six entities from their descriptors and the change log;
 * migration 2 adds the policies; migration 3 the visa cases and consular
 * services; migration 4 splits the change log into change sets (when, who
 * and why, once per transaction) and their entries (what), with binary
 * hashes and no stored image where the next entry or the table already
 * holds it (store/log.c explains the derivation); migration 5 drops the
 * indexes the first three made on reference columns (postings.person,
 * visas.post...): no statement of chancery reads a table by a reference
 * (the snapshot answers every question) and no parent row is ever deleted
 * or rekeyed, so they served nothing, while an import paid for each of
 * them row by row or in a rebuild; migration 6 adds the postings'
 * credentials, the day a head of mission took up functions; migration 7
 * the notifications; migration 8 makes the log verifiable by a third party
 * (store/tlog.h): every entry re-hashed in the injective encoding 2, its
 * leaf in the new Merkle tree (tlog_nodes), and the head of the old chain,
 * with the first entry where it did not verify if any, kept in
 * log_encodings; migration 9 the accounts and sessions of `chancery serve`,
 * outside the change log (docs/api.md); migration 10 packs the tree's
 * leaves TLOG_CHUNK to a row (tlog_leaves) and drops the nodes below that
 * level, which a proof recomputes from the leaves (store/tlog.c);
 * migration 11 the idempotency keys of the server's writes
 * (store/idempotency.c), outside the change log. A table is
 * created with the columns it first had: a column added later (FIELD_ADDED)
 * comes with its own migration. A migration names the entities it creates, so
 * that a later entity never changes what an earlier migration did.
 */
#include "base/xalloc.h"
#include "store/tlog.h"

#define SCHEMA_VERSION 11

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

static const char CHANGE_SETS_SQL[] =
    "ALTER TABLE changes RENAME TO changes_v3;\n"
    "DROP INDEX changes_record;\n"
    "DROP INDEX changes_recorded;\n"
    "CREATE TABLE change_sets (\n"
    "    id INTEGER NOT NULL PRIMARY KEY,\n"
    "    recorded TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    reason TEXT\n"
    ");\n"
    "CREATE INDEX change_sets_recorded ON change_sets(recorded);\n"
    "CREATE TABLE changes (\n"
    "    seq INTEGER NOT NULL PRIMARY KEY,\n"
    "    change_set INTEGER NOT NULL REFERENCES change_sets(id),\n"
    "    op TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR "
    "op = 'delete'),\n"
    "    entity TEXT NOT NULL,\n"
    "    key TEXT NOT NULL,\n"
    "    before TEXT,\n"
    "    after TEXT,\n"
    "    hash BLOB NOT NULL CHECK (length(hash) = 32)\n"
    ");\n"
    /* A record's entries by its key alone: keys of different entities
     * seldom meet, and the narrower index builds a third faster. */
    "CREATE INDEX changes_key ON changes(key);\n";

/* 1 when column i of q holds what *last holds (both may be NULL); then
 * *last takes the column's text. */
static int same_text(struct sql_stmt *q, int i, char **last)
{
    const char *t = (const char *)sql_column_text(q, i);
    int same = t ? *last && !strcmp(t, *last) : !*last;

    free(*last);
    *last = t ? xstrdup(t) : NULL;
    return same;
}

/* 1 when the row of q starts a new change set: its time, actor or reason
 * differs from the row before. */
static int starts_set(struct sql_stmt *q, char *last[3])
{
    int same = 1;

    for (int i = 0; i < 3; i++)
        same &= same_text(q, 1 + i, &last[i]);
    return !same;
}

static enum status copy_entry(struct store *st, struct sql_stmt *old,
                              struct sql_stmt *entry, int64_t set_id,
                              struct err *e)
{
    int64_t seq = sql_column_int64(old, 0);
    unsigned char digest[HASH_BYTES];

    if (hash_from_hex((const char *)sql_column_text(old, 9), digest))
        return err_set(e, ST_ERROR, "database '%s': change %lld: bad hash",
                       st->path, (long long)seq);
    sql_bind_int64(entry, 1, seq);
    sql_bind_int64(entry, 2, set_id);
    for (int i = 0; i < 5; i++)
        sql_bind_column(entry, 3 + i, old, 4 + i);
    sql_bind_blob(entry, 8, digest, sizeof(digest), SQL_STATIC);
    return db_step_done(st, entry, e);
}

/* Copies the version-3 entries: a run of entries with the same time, actor
 * and reason becomes one change set, named by its first seq. */
static enum status copy_v3_entries(struct store *st, struct sql_stmt *old,
                                   struct sql_stmt *set, struct sql_stmt *entry,
                                   struct err *e)
{
    int64_t set_id = 0;
    char *last[3] = { NULL, NULL, NULL };
    enum status rc = ST_OK;
    int step;

    while (!rc && (step = sql_step(old)) == SQL_ROW) {
        if (starts_set(old, last) || !set_id) {
            set_id = sql_column_int64(old, 0);
            sql_bind_int64(set, 1, set_id);
            for (int i = 0; i < 3; i++)
                sql_bind_column(set, 2 + i, old, 1 + i);
            rc = db_step_done(st, set, e);
        }
        if (!rc)
            rc = copy_entry(st, old, entry, set_id, e);
    }
    for (int i = 0; i < 3; i++)
        free(last[i]);
    if (!rc && step != SQL_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
    return rc;
}

static enum status migrate_4(struct store *st, struct err *e)
{
    struct sql_stmt *old = NULL, *set = NULL, *entry = NULL;
    enum status rc;

    rc = db_exec(st, CHANGE_SETS_SQL, e);
    if (!rc)
        rc = db_prepare(st,
                        "SELECT seq, recorded, actor, reason, op, entity, key, "
                        "before, after, hash FROM changes_v3 ORDER BY seq",
                        &old, e);
    if (!rc)
        rc = db_prepare(st,
                        "INSERT INTO change_sets (id, recorded, actor, reason) "
                        "VALUES (?, ?, ?, ?)",
                        &set, e);
    if (!rc)
        rc = db_prepare(st,
                        "INSERT INTO changes (seq, change_set, op, entity, "
                        "key, before, after, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        &entry, e);
    if (!rc)
        rc = copy_v3_entries(st, old, set, entry, e);
    sql_finalize(old);
    sql_finalize(set);
    sql_finalize(entry);
    if (!rc)
        rc = db_exec(st, "DROP TABLE changes_v3", e);
    return rc;
}

/* The index migrations 1 to 3 made on each reference column. */
static enum status migrate_5(struct store *st, struct err *e)
{
    char sql[160];

    for (int k = 0; k < ENT__COUNT; k++) {
        const struct entity *ent = ENTITIES[k];

        for (int i = 0; i < ent->n_fields; i++) {
            const struct field *f = &ent->fields[i];

            if (f->type != FT_REF || (f->flags & FIELD_KEY && i == 0))
                continue;
            snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS \"%s_%s\"",
                     ent->table, f->name);
            if (db_exec(st, sql, e))
                return ST_ERROR;
        }
    }
    return ST_OK;
}

/* A column the table gains; existing rows have none (SQL NULL). */
static enum status add_column(struct store *st, enum entity_kind kind,
                              const char *name, struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    const struct field *f = entity_field(ent, name);
    struct buf sql;
    enum status rc;

    if (!f || !(f->flags & FIELD_ADDED))
        BUG("%s.%s is not an added column", ent->table, name);
    buf_init(&sql, 1 << 12);
    sqlgen_add_column(ent, f, &sql);
    rc = db_exec(st, sql.data, e);
    buf_release(&sql);
    return rc;
}

static enum status migrate_6(struct store *st, struct err *e)
{
    return add_column(st, ENT_POSTING, "credentials", e);
}

static enum status migrate_7(struct store *st, struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, 1 << 16);
    sqlgen_create_table(ENTITIES[ENT_NOTIFICATION], &sql);
    rc = db_exec(st, sql.data, e);
    buf_release(&sql);
    return rc;
}

static const char TLOG_SQL[] =
    "CREATE TABLE tlog_nodes (\n"
    "    level INTEGER NOT NULL,\n"
    "    idx INTEGER NOT NULL,\n"
    "    hash BLOB NOT NULL CHECK (length(hash) = 32),\n"
    "    PRIMARY KEY (level, idx)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE log_encodings (\n"
    "    encoding INTEGER NOT NULL PRIMARY KEY,\n"
    "    head_seq INTEGER NOT NULL,\n"
    "    head_hash BLOB,\n"
    "    broken_at INTEGER\n"
    ");\n";

static enum status migrate_8(struct store *st, struct err *e)
{
    if (db_exec(st, TLOG_SQL, e))
        return ST_ERROR;
    return log_reencode(st, e);
}

/* Migration 9: the accounts and sessions of `chancery serve`
 * (store/account.c), outside the registry's change log. */
static const char ACCOUNTS_SQL[] =
    "CREATE TABLE accounts (\n"
    "    name TEXT NOT NULL PRIMARY KEY,\n"
    "    role TEXT NOT NULL CHECK (role IN ('officer', 'liaison', "
    "'analyst', 'auditor')),\n"
    "    sending TEXT,\n"
    "    mission TEXT,\n"
    "    hash TEXT NOT NULL,\n"
    "    disabled INTEGER NOT NULL DEFAULT 0\n"
    ");\n"
    "CREATE TABLE account_changes (\n"
    "    seq INTEGER NOT NULL PRIMARY KEY,\n"
    "    recorded TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    account TEXT NOT NULL,\n"
    "    op TEXT NOT NULL,\n"
    "    after TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE sessions (\n"
    "    token_hash BLOB NOT NULL PRIMARY KEY,\n"
    "    account TEXT NOT NULL REFERENCES accounts(name),\n"
    "    created INTEGER NOT NULL,\n"
    "    last_used INTEGER NOT NULL,\n"
    "    expires INTEGER NOT NULL,\n"
    "    revoked INTEGER NOT NULL DEFAULT 0\n"
    ");\n";

static enum status migrate_9(struct store *st, struct err *e)
{
    return db_exec(st, ACCOUNTS_SQL, e);
}

/* Migration 10, on both backends: the leaves packed (store/tlog.h). The
 * chunk of TLOG_CHUNK leaves at most; CHECKs in both dialects' words. */
#define TLOG_LEAVES_SQL(integer, blob)                                 \
    "CREATE TABLE tlog_leaves (\n"                                     \
    "    chunk " integer " NOT NULL PRIMARY KEY,\n"                    \
    "    hashes " blob                                                 \
    " NOT NULL CHECK (length(hashes) BETWEEN 32 AND " TLOG_CHUNK_BYTES \
    " AND length(hashes) % 32 = 0)\n"                                  \
    ");\n"

static enum status migrate_10(struct store *st, struct err *e)
{
    if (db_exec(st,
                DB_DIALECT(st, TLOG_LEAVES_SQL("INTEGER", "BLOB"),
                           TLOG_LEAVES_SQL("BIGINT", "BYTEA")),
                e))
        return ST_ERROR;
    return tlog_pack(st, e);
}

/* Migration 11, on both backends: the idempotency keys of `chancery
 * serve`'s writes (store/idempotency.c), outside the change log. */
#define IDEMPOTENCY_SQL(integer)          \
    "CREATE TABLE idempotency (\n"        \
    "    account TEXT NOT NULL,\n"        \
    "    key TEXT NOT NULL,\n"            \
    "    route TEXT NOT NULL,\n"          \
    "    request TEXT NOT NULL,\n"        \
    "    status INTEGER NOT NULL,\n"      \
    "    response TEXT NOT NULL,\n"       \
    "    created " integer " NOT NULL,\n" \
    "    PRIMARY KEY (account, key)\n"    \
    ");\n"                                \
    "CREATE INDEX idempotency_created ON idempotency(created);\n"

static enum status migrate_11(struct store *st, struct err *e)
{
    return db_exec(
        st,
        DB_DIALECT(st, IDEMPOTENCY_SQL("INTEGER"), IDEMPOTENCY_SQL("BIGINT")),
        e);
}

static enum status (*const MIGRATIONS[SCHEMA_VERSION])(struct store *,
                                                       struct err *) = {
    migrate_1, migrate_2, migrate_3, migrate_4,  migrate_5,  migrate_6,
    migrate_7, migrate_8, migrate_9, migrate_10, migrate_11,
};

static enum status user_version(struct store *st, int *out, struct err *e)
{
    struct sql_stmt *stmt;
    enum status rc;

    if ((rc = db_prepare(st, "PRAGMA user_version", &stmt, e)))
        return rc;
    if (sql_step(stmt) == SQL_ROW)
        *out = sql_column_int(stmt, 0);
    else
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
    sql_finalize(stmt);
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

/* PostgreSQL. A new database gets the newest schema at once, in one
 * transaction (the SQLite migrations above rebuild data that a new
 * database does not have): the same tables, columns and constraints, with
 * PostgreSQL's types (BIGINT, BYTEA), references that a load "as known
 * on" a date may defer, and an identity column "_row" in each entity's
 * table for the insertion order SQLite's rowid gives. The version is kept
 * in chancery_schema; migrations after SCHEMA_VERSION_PG run on both. */
#define SCHEMA_VERSION_PG 11

static const char PG_LOG_SQL[] =
    "CREATE TABLE change_sets (\n"
    "    id BIGINT NOT NULL PRIMARY KEY,\n"
    "    recorded TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    reason TEXT\n"
    ");\n"
    "CREATE INDEX change_sets_recorded ON change_sets(recorded);\n"
    "CREATE TABLE changes (\n"
    "    seq BIGINT NOT NULL PRIMARY KEY,\n"
    "    change_set BIGINT NOT NULL REFERENCES change_sets(id) DEFERRABLE,\n"
    "    op TEXT NOT NULL CHECK (op = 'insert' OR op = 'update' OR "
    "op = 'delete'),\n"
    "    entity TEXT NOT NULL,\n"
    "    key TEXT NOT NULL,\n"
    "    before TEXT,\n"
    "    after TEXT,\n"
    "    hash BYTEA NOT NULL CHECK (length(hash) = 32)\n"
    ");\n"
    "CREATE INDEX changes_key ON changes(key);\n"
    "CREATE TABLE tlog_nodes (\n"
    "    level INTEGER NOT NULL,\n"
    "    idx BIGINT NOT NULL,\n"
    "    hash BYTEA NOT NULL CHECK (length(hash) = 32),\n"
    "    PRIMARY KEY (level, idx)\n"
    ");\n" TLOG_LEAVES_SQL(
        "BIGINT",
        "BYTEA") "CREATE TABLE log_encodings (\n"
                 "    encoding INTEGER NOT NULL PRIMARY KEY,\n"
                 "    head_seq BIGINT NOT NULL,\n"
                 "    head_hash BYTEA,\n"
                 "    broken_at BIGINT\n"
                 ");\n"
                 /* What migration 8 records for an empty log. */
                 "INSERT INTO log_encodings VALUES (1, 0, NULL, NULL);\n"
                 "CREATE TABLE accounts (\n"
                 "    name TEXT NOT NULL PRIMARY KEY,\n"
                 "    role TEXT NOT NULL CHECK (role IN ('officer', 'liaison', "
                 "'analyst', 'auditor')),\n"
                 "    sending TEXT,\n"
                 "    mission TEXT,\n"
                 "    hash TEXT NOT NULL,\n"
                 "    disabled INTEGER NOT NULL DEFAULT 0\n"
                 ");\n"
                 "CREATE TABLE account_changes (\n"
                 "    seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
                 "    recorded TEXT NOT NULL,\n"
                 "    actor TEXT NOT NULL,\n"
                 "    account TEXT NOT NULL,\n"
                 "    op TEXT NOT NULL,\n"
                 "    after TEXT NOT NULL\n"
                 ");\n"
                 "CREATE TABLE sessions (\n"
                 "    token_hash BYTEA NOT NULL PRIMARY KEY,\n"
                 "    account TEXT NOT NULL REFERENCES accounts(name),\n"
                 "    created BIGINT NOT NULL,\n"
                 "    last_used BIGINT NOT NULL,\n"
                 "    expires BIGINT NOT NULL,\n"
                 "    revoked INTEGER NOT NULL DEFAULT 0\n"
                 ");\n" IDEMPOTENCY_SQL("BIGINT");

enum status schema_create_pg(struct store *st, struct err *e)
{
    struct buf sql;
    enum status rc;
    char bump[128];

    buf_init(&sql, 1 << 20);
    for (int k = 0; k < ENT__COUNT; k++)
        sqlgen_create_table_pg(ENTITIES[k], &sql);
    if (buf_addstr(&sql, PG_LOG_SQL))
        BUG("schema too long");
    snprintf(bump, sizeof(bump),
             "CREATE TABLE chancery_schema (version INTEGER NOT NULL);\n"
             "INSERT INTO chancery_schema VALUES (%d);\n",
             SCHEMA_VERSION_PG);
    if (buf_addstr(&sql, bump))
        BUG("schema too long");
    rc = db_exec(st, sql.data, e);
    buf_release(&sql);
    return rc;
}

/* The first column of sql's single row as an integer (0 for none). */
static enum status pg_int(struct store *st, const char *sql, int *out,
                          struct err *e)
{
    struct sql_stmt *q;
    int step;

    *out = 0;
    if (db_prepare(st, sql, &q, e))
        return ST_ERROR;
    step = sql_step(q);
    if (step == SQL_ROW)
        *out = sql_column_int(q, 0);
    sql_finalize(q);
    if (step != SQL_ROW && step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

/* The schema's version, 0 when the database has none. */
static enum status pg_version(struct store *st, int *out, struct err *e)
{
    int exists;

    *out = 0;
    if (pg_int(st,
               "SELECT count(*) FROM pg_tables WHERE tablename = "
               "'chancery_schema' AND schemaname = current_schema()",
               &exists, e))
        return ST_ERROR;
    if (!exists)
        return ST_OK;
    return pg_int(st, "SELECT max(version) FROM chancery_schema", out, e);
}

enum status schema_migrate_pg(struct store *st, int create, struct err *e)
{
    int version = 0;
    char bump[64];

    if (pg_version(st, &version, e))
        return ST_ERROR;
    if (!version && !create)
        return err_set(e, ST_ERROR,
                       "no registry at '%s' (run 'chancery init' first)",
                       st->path);
    if (version >= SCHEMA_VERSION) {
        if (version > SCHEMA_VERSION)
            return err_set(e, ST_ERROR,
                           "database '%s' has schema %d, newer than this "
                           "chancery (%d)",
                           st->path, version, SCHEMA_VERSION);
        return ST_OK;
    }
    /* Under the writers' lock, so that two first runs make it once. */
    if (db_begin(st, DB_WRITE, e) || pg_version(st, &version, e))
        goto fail;
    if (!version && schema_create_pg(st, e))
        goto fail;
    if (!version)
        version = SCHEMA_VERSION_PG;
    for (; version < SCHEMA_VERSION; version++) {
        snprintf(bump, sizeof(bump), "UPDATE chancery_schema SET version = %d",
                 version + 1);
        if (MIGRATIONS[version](st, e) || db_exec(st, bump, e))
            goto fail;
    }
    if (db_exec(st, "COMMIT", e))
        goto fail;
    return ST_OK;
fail:
    db_exec(st, "ROLLBACK", NULL);
    return ST_ERROR;
}
