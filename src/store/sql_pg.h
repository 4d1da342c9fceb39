/*
 * The PostgreSQL connection behind store/sql.h (store/sql_pg.c): what the
 * store's connection-level calls (store/db.c) need of it.
 */
#ifndef STORE_SQL_PG_H
#define STORE_SQL_PG_H

#include "base/status.h"
#include "store/sql.h"

#define PG_BYTEA_OID 17

struct pg_conn;

/* Connects with a libpq connection string or URI. OUT: *out. */
enum status pg_open(const char *conninfo, struct pg_conn **out, struct err *e);
void pg_close(struct pg_conn *c);
/* Runs sql (one or more statements, no parameters): 0, or -1 with the
 * error kept for pg_errmsg. */
int pg_exec(struct pg_conn *c, const char *sql);
/* A statement of sql (with `?` parameters); it runs at its first step. */
struct pg_stmt *pg_prepare(struct pg_conn *c, const char *sql);
/* Batching, for a large change set: from pg_batch_begin to the end of
 * the transaction, each step of an INSERT of one row is kept, and the
 * rows go to the server with COPY, table by table, before any other
 * statement runs (pg_exec, or a step of another statement) or, on a
 * thread of their own while the next rows are kept, when 4 MiB wait.
 * References are deferred to COMMIT meanwhile. A failure of a row shows
 * at that flush or the next. pg_batch_flush: 0, or -1 with the error
 * kept.
 * With `whole` (a change set of very many rows), when the user is a
 * superuser, the row-by-row reference checks of each table COPY writes
 * are turned off (ALTER TABLE ... DISABLE TRIGGER, which readers do not
 * wait for) and before COMMIT turned back on, and the rows the
 * transaction wrote are checked with one query per reference: a dangling
 * one fails the COMMIT as the row-by-row check would have (SQLSTATE
 * 23503, the row named). */
int pg_batch_begin(struct pg_conn *c, int whole);
int pg_batch_flush(struct pg_conn *c);
void pg_batch_discard(struct pg_conn *c);
/* The transaction under way sends a NOTIFY on channel as it commits
 * (in the round trip of its COMMIT); its end, either way, forgets it. */
void pg_notify_on_commit(struct pg_conn *c, const char *channel);
/* The last error's message, without libpq's trailing newline. */
const char *pg_errmsg(const struct pg_conn *c);
/* Whether the last error was a constraint's (SQLSTATE class 23). */
int pg_is_constraint(const struct pg_conn *c);
/* Whether the last error was a write refused by a read-only standby. */
int pg_is_read_only(const struct pg_conn *c);
/* Whether the connection is lost now (its server gone): it is made
 * again before the next statement outside a transaction. A COMMIT that
 * lost it counts as lost until the next BEGIN, made again or not. */
int pg_lost(const struct pg_conn *c);
/* How many COMMITs were sent on c (whatever their outcome). */
unsigned long pg_commits(const struct pg_conn *c);
/* The process id of c's server backend (0 when not connected). */
int pg_backend_pid(const struct pg_conn *c);
/* The rows the last statement run changed. */
long pg_changes(const struct pg_conn *c);

#endif
