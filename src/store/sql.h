/*
 * The store's two backends behind one statement interface: SQLite (the
 * embedded default) and PostgreSQL through libpq (store/sql_pg.c). A
 * statement is prepared from SQL written with `?` parameters; the calls
 * below have SQLite's shapes, so the store's code reads as it did, and for
 * SQLite each is one branch and the SQLite call itself (inline here): the
 * embedded path keeps its prepared statements and binds without copies.
 *
 * The dialect differences live in three places only: store/sql_pg.c turns
 * `?` and `?N` into `$N`; db_begin (store/db.c) says how a read or a write
 * transaction starts; and the few statements that differ choose their text
 * with DB_DIALECT beside the SQLite text (bulk writes, the schema, the
 * accounts' JSON).
 */
#ifndef STORE_SQL_H
#define STORE_SQL_H

#include <sqlite3.h>
#include <stdint.h>

#define SQL_ROW       100 /* as SQLITE_ROW */
#define SQL_DONE      101 /* as SQLITE_DONE */
#define SQL_STATIC    0   /* a bound value outlives the next step */
#define SQL_TRANSIENT 1   /* a bound value is copied */

struct pg_stmt;

/* A prepared statement of either backend: exactly one of the two is set. */
struct sql_stmt {
    sqlite3_stmt *lite;
    struct pg_stmt *pg;
};

/* The libpq side (store/sql_pg.c), for the inline calls below. */
int pg_step(struct pg_stmt *q);
void pg_reset(struct pg_stmt *q);
void pg_clear_bindings(struct pg_stmt *q);
void pg_finalize(struct pg_stmt *q);
void pg_bind(struct pg_stmt *q, int i, const void *data, int n, int binary,
             int copy);
void pg_bind_int64(struct pg_stmt *q, int i, int64_t v);
const char *pg_column_text(struct pg_stmt *q, int i);
const void *pg_column_blob(struct pg_stmt *q, int i);
int pg_column_bytes(struct pg_stmt *q, int i);
int64_t pg_column_int64(struct pg_stmt *q, int i);

/* SQL_ROW, SQL_DONE, or another code on failure (db_errmsg says why). */
static inline int sql_step(struct sql_stmt *q)
{
    return q->lite ? sqlite3_step(q->lite) : pg_step(q->pg);
}

/* Back to before the first step; bindings are kept. */
static inline void sql_reset(struct sql_stmt *q)
{
    if (q->lite)
        sqlite3_reset(q->lite);
    else
        pg_reset(q->pg);
}

static inline void sql_clear_bindings(struct sql_stmt *q)
{
    if (q->lite)
        sqlite3_clear_bindings(q->lite);
    else
        pg_clear_bindings(q->pg);
}

/* Frees q; sql_finalize(NULL) is a no-op. */
void sql_finalize(struct sql_stmt *q);

static inline void sql_bind_null(struct sql_stmt *q, int i)
{
    if (q->lite)
        sqlite3_bind_null(q->lite, i);
    else
        pg_bind(q->pg, i, NULL, 0, 0, 0);
}

/* Text of n bytes (-1: up to its NUL); mode SQL_STATIC or SQL_TRANSIENT. */
static inline void sql_bind_text(struct sql_stmt *q, int i, const char *text,
                                 int n, int mode)
{
    if (q->lite)
        sqlite3_bind_text(q->lite, i, text, n,
                          mode == SQL_STATIC ? SQLITE_STATIC
                                             : SQLITE_TRANSIENT);
    else
        pg_bind(q->pg, i, text, n, 0, mode);
}

static inline void sql_bind_blob(struct sql_stmt *q, int i, const void *data,
                                 int n, int mode)
{
    if (q->lite)
        sqlite3_bind_blob(q->lite, i, data, n,
                          mode == SQL_STATIC ? SQLITE_STATIC
                                             : SQLITE_TRANSIENT);
    else
        pg_bind(q->pg, i, data, n, 1, mode);
}

static inline void sql_bind_int64(struct sql_stmt *q, int i, int64_t v)
{
    if (q->lite)
        sqlite3_bind_int64(q->lite, i, v);
    else
        pg_bind_int64(q->pg, i, v);
}

static inline void sql_bind_int(struct sql_stmt *q, int i, int v)
{
    sql_bind_int64(q, i, v);
}

/* Column i of the current row as text; NULL for SQL NULL. Valid until the
 * next step or reset. */
static inline const char *sql_column_text(struct sql_stmt *q, int i)
{
    return q->lite ? (const char *)sqlite3_column_text(q->lite, i)
                   : pg_column_text(q->pg, i);
}

static inline const void *sql_column_blob(struct sql_stmt *q, int i)
{
    return q->lite ? sqlite3_column_blob(q->lite, i) : pg_column_blob(q->pg, i);
}

/* The bytes of column i (as a blob when it is one). */
static inline int sql_column_bytes(struct sql_stmt *q, int i)
{
    return q->lite ? sqlite3_column_bytes(q->lite, i)
                   : pg_column_bytes(q->pg, i);
}

static inline int64_t sql_column_int64(struct sql_stmt *q, int i)
{
    return q->lite ? sqlite3_column_int64(q->lite, i)
                   : pg_column_int64(q->pg, i);
}

static inline int sql_column_int(struct sql_stmt *q, int i)
{
    return (int)sql_column_int64(q, i);
}

/* Binds column j of src's current row (text or NULL) to q's parameter i. */
static inline void sql_bind_column(struct sql_stmt *q, int i,
                                   struct sql_stmt *src, int j)
{
    sql_bind_text(q, i, sql_column_text(src, j), -1, SQL_TRANSIENT);
}

#endif
