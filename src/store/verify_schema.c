/*
 * `audit verify`'s schema check (store/verify.c): the tables, indexes,
 * triggers and views are exactly those the migrations create. On SQLite
 * the registry's sqlite_master is compared with that of a fresh registry
 * made in memory; on PostgreSQL the catalog with a reference schema made
 * in a savepoint that is rolled back. Either way the reference is the
 * migrations themselves, never a list kept by hand that could drift from
 * them. A trigger that rewrites later writes, or an extra table, is found.
 * A PostgreSQL standby, where the reference cannot be made, is left
 * unchecked (its catalog is the primary's, copied) and says so.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/internal.h"

/* The schema's objects, in an order both schemas share. */
#define SCHEMA_SELECT                                                    \
    "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master " \
    "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name"

static int object_cmp(struct sql_stmt *a, struct sql_stmt *b)
{
    int c = strcmp((const char *)sql_column_text(a, 0),
                   (const char *)sql_column_text(b, 0));

    return c ? c
             : strcmp((const char *)sql_column_text(a, 1),
                      (const char *)sql_column_text(b, 1));
}

/* Walks the two sorted lists of objects; the first difference into e. */
static enum status compare_schemas(struct store *st, struct sql_stmt *have,
                                   struct sql_stmt *want, struct err *e)
{
    int h = sql_step(have), w = sql_step(want);

    for (;;) {
        if ((h != SQL_ROW && h != SQL_DONE) || (w != SQL_ROW && w != SQL_DONE))
            return err_set(e, ST_ERROR, "database '%s': schema: %s", st->path,
                           db_errmsg(st));
        if (h != SQL_ROW && w != SQL_ROW)
            break;
        int c = h != SQL_ROW ? 1 : w != SQL_ROW ? -1 : object_cmp(have, want);

        if (c < 0)
            return err_set(e, ST_INVALID,
                           "schema: %s '%s' (on %s) is not one chancery's "
                           "migrations create: something was added behind "
                           "its back",
                           sql_column_text(have, 0), sql_column_text(have, 1),
                           sql_column_text(have, 2));
        if (c > 0)
            return err_set(e, ST_INVALID, "schema: %s '%s' is missing",
                           sql_column_text(want, 0), sql_column_text(want, 1));
        if (strcmp((const char *)sql_column_text(have, 3),
                   (const char *)sql_column_text(want, 3)))
            return err_set(e, ST_INVALID,
                           "schema: %s '%s' differs from what chancery's "
                           "migrations create",
                           sql_column_text(have, 0), sql_column_text(have, 1));
        h = sql_step(have);
        w = sql_step(want);
    }
    return ST_OK;
}

/* PostgreSQL's catalog read as SCHEMA_SELECT reads SQLite's, for the
 * objects of schema ?1: relations with their columns, indexes,
 * constraints, triggers, rules and functions, each with its definition
 * (the schema's name taken out, so that two schemas compare). */
#define PG_SCHEMA_SELECT                                                        \
    "SELECT * FROM (SELECT 'relation ' || c.relkind::text AS kind, "            \
    "c.relname::text AS name, c.relname::text, "                                \
    "coalesce((SELECT string_agg(a.attname || ' ' || "                          \
    "format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN "      \
    "' not null' ELSE '' END || ' ' || a.attidentity::text || coalesce(' ' || " \
    "pg_get_expr(d.adbin, d.adrelid), ''), ', ' ORDER BY a.attnum) FROM "       \
    "pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND "      \
    "d.adnum = a.attnum WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT "     \
    "a.attisdropped), '') FROM pg_class c JOIN pg_namespace n ON n.oid = "      \
    "c.relnamespace WHERE n.nspname = ?1 AND c.relkind <> 'i' "                 \
    "UNION ALL SELECT 'index', c.relname::text, t.relname::text, "              \
    "replace(pg_get_indexdef(c.oid), n.nspname || '.', '') FROM pg_index x "    \
    "JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = "       \
    "x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "           \
    "n.nspname = ?1 "                                                           \
    "UNION ALL SELECT 'constraint', o.conname::text, t.relname::text, "         \
    "replace(pg_get_constraintdef(o.oid), n.nspname || '.', '') FROM "          \
    "pg_constraint o JOIN pg_class t ON t.oid = o.conrelid JOIN "               \
    "pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ?1 "            \
    "UNION ALL SELECT 'trigger', g.tgname::text, t.relname::text, "             \
    "replace(pg_get_triggerdef(g.oid), n.nspname || '.', '') FROM pg_trigger "  \
    "g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = "    \
    "t.relnamespace WHERE n.nspname = ?1 AND NOT g.tgisinternal "               \
    "UNION ALL SELECT 'rule', r.rulename::text, r.tablename::text, "            \
    "r.definition FROM pg_rules r WHERE r.schemaname = ?1 "                     \
    "UNION ALL SELECT 'function', p.proname::text, '', p.prosrc FROM "          \
    "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "            \
    "n.nspname = ?1) o ORDER BY kind COLLATE \"C\", name COLLATE \"C\""

/* The schema of a PostgreSQL registry against the one chancery makes,
 * made for the comparison in a schema of its own, inside the verifier's
 * transaction, under a savepoint that is rolled back. */
static enum status check_schema_pg(struct store *st, struct err *e)
{
    struct sql_stmt *have = NULL, *want = NULL, *q = NULL;
    char *name = NULL;
    enum status rc = db_exec(st, "SAVEPOINT schema_check", e);

    if (!rc)
        rc = db_prepare(st, "SELECT current_schema()", &q, e);
    if (!rc && sql_step(q) == SQL_ROW && sql_column_text(q, 0))
        name = xstrdup(sql_column_text(q, 0));
    if (!rc && !name)
        rc = err_set(e, ST_ERROR, "database '%s': no current schema", st->path);
    if (!rc)
        rc = db_exec(st,
                     "CREATE SCHEMA chancery_reference; SET LOCAL "
                     "search_path = chancery_reference",
                     e);
    if (!rc)
        rc = schema_create_pg(st, e);
    if (!rc && !db_prepare(st, PG_SCHEMA_SELECT, &have, e) &&
        !db_prepare(st, PG_SCHEMA_SELECT, &want, e)) {
        sql_bind_text(have, 1, name, -1, SQL_STATIC);
        sql_bind_text(want, 1, "chancery_reference", -1, SQL_STATIC);
        rc = compare_schemas(st, have, want, e);
    }
    sql_finalize(q);
    sql_finalize(have);
    sql_finalize(want);
    free(name);
    db_exec(st, "ROLLBACK TO SAVEPOINT schema_check", NULL);
    return rc;
}

/* 1 when st is a PostgreSQL standby (in recovery): read-only. */
static int in_recovery(struct store *st)
{
    struct sql_stmt *q;
    int yes = 0;

    if (db_prepare(st, "SELECT pg_is_in_recovery()::int", &q, NULL))
        return 0;
    if (sql_step(q) == SQL_ROW)
        yes = sql_column_int(q, 0);
    sql_finalize(q);
    return yes;
}

int store_verify_schema_skipped(const struct store *st)
{
    return st->schema_unchecked;
}

enum status verify_schema(struct store *st, struct err *e)
{
    struct store *ref = NULL;
    struct sql_stmt *have = NULL, *want = NULL;
    enum status rc;

    /* A standby refuses the reference schema (a write); its catalog is a
     * physical copy of the primary's, which `audit verify` there checks. */
    st->schema_unchecked = st->pg && in_recovery(st);
    if (st->schema_unchecked)
        return ST_OK;
    if (st->pg)
        return check_schema_pg(st, e);
    rc = store_open(":memory:", STORE_OPEN_CREATE, &ref, e);

    if (!rc)
        rc = db_prepare(st, SCHEMA_SELECT, &have, e);
    if (!rc)
        rc = db_prepare(ref, SCHEMA_SELECT, &want, e);
    if (!rc)
        rc = compare_schemas(st, have, want, e);
    sql_finalize(have);
    sql_finalize(want);
    if (ref)
        store_close(ref);
    return rc;
}
