/*
 * The PostgreSQL backend's connection (store/sql_pg.h): opening and
 * closing it, the last error's message and SQLSTATE for db_errmsg,
 * db_is_constraint and the "read-only standby" refusal (SQLSTATE 25006,
 * what a hot standby answers a write), and its remaking after a loss.
 * A connection lost (the primary failing over) is made again before the
 * next statement outside a transaction (pg_revive): its session's SETs
 * are replayed and its statements prepared again, and a multi-host URL
 * finds the new primary. Kept apart from the statements (store/sql_pg.c)
 * because every other part of the backend reports its errors and counts
 * its round trips through it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/pg_private.h"

void pg_set_error(struct pg_conn *c, const PGresult *res)
{
    const char *msg =
        res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail =
        res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    size_t n;

    if (!msg || !*msg)
        msg = PQerrorMessage(c->conn);
    snprintf(c->error, sizeof(c->error), "%s%s%s", msg && *msg ? msg : "error",
             detail ? ": " : "", detail ? detail : "");
    /* libpq ends its messages with a newline and puts hints on lines of
     * their own; the store's messages are one line. */
    n = strlen(c->error);
    while (n && (c->error[n - 1] == '\n' || c->error[n - 1] == ' '))
        c->error[--n] = '\0';
    for (char *p = c->error; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    snprintf(c->sqlstate, sizeof(c->sqlstate), "%s", state ? state : "");
}

/* A test's hook: with CHANCERY_TEST_PG_TRIPS=FILE each round trip to the
 * server appends a line to FILE, the connection's number and the (last)
 * statement it sent, so that a test counts the round trips of a write. */
void pg_trip(struct pg_conn *c, const char *sql)
{
    if (c->trips) {
        fprintf(c->trips, "%u %.40s\n", c->id, sql);
        fflush(c->trips);
    }
}

static void trips_open(struct pg_conn *c)
{
    static unsigned next_id;
    const char *path = getenv("CHANCERY_TEST_PG_TRIPS");

    if (path && *path)
        c->trips = fopen(path, "a");
    c->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
}

/* PQexec, one round trip. */
PGresult *pg_exec_sql(struct pg_conn *c, const char *sql)
{
    pg_trip(c, sql);
    return PQexec(c->conn, sql);
}

enum status pg_open(const char *conninfo, struct pg_conn **out, struct err *e)
{
    struct pg_conn *c = xcalloc(1, sizeof(*c));
    PGresult *res;

    c->conn = PQconnectdb(conninfo);
    trips_open(c);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        pg_set_error(c, NULL);
        err_set(e, ST_ERROR, "cannot connect to the database: %s", c->error);
        pg_close(c);
        return ST_ERROR;
    }
    /* Notices (a table that IF EXISTS did not find) are not for the user. */
    PQsetNoticeProcessor(c->conn, NULL, NULL);
    res = pg_exec_sql(c, "SET client_min_messages = warning");
    PQclear(res);
    *out = c;
    return ST_OK;
}

/* Before a statement outside a transaction, or a BEGIN: a connection
 * that was lost (its server stopped, or failed over) is made again with
 * the same URL. PQreset tries the URL's hosts in turn, so a multi-host
 * URL with target_session_attrs=read-write finds the new primary. Inside
 * a transaction nothing is made again: its statements must fail with it,
 * not run on their own. The statements prepared on the old connection
 * are prepared again as they next run (gen). */
void pg_revive(struct pg_conn *c)
{
    if (PQstatus(c->conn) != CONNECTION_BAD)
        return;
    PQreset(c->conn);
    if (PQstatus(c->conn) != CONNECTION_OK)
        return;
    c->gen++;
    c->in_txn = 0;
    c->batching = 0;
    c->lost = 0;
    pg_forget_tables(c);
    pg_analyze_copied(c, 0);
    pg_batch_discard(c);
    free(c->notify_sql);
    c->notify_sql = NULL;
    free(c->begin_sql);
    c->begin_sql = NULL;
    c->piped = 0;
    c->unread = 0;
    PQclear(pg_exec_sql(c, "SET client_min_messages = warning"));
    if (c->session_sql)
        PQclear(pg_exec_sql(c, c->session_sql));
}

/* A SET outside a transaction lasts as long as the session: kept, to be
 * made again on a connection made again (synchronous_commit, say). */
void pg_keep_session_set(struct pg_conn *c, const char *sql)
{
    char *all = c->session_sql ? xasprintf("%s; %s", c->session_sql, sql)
                               : xstrdup(sql);

    free(c->session_sql);
    c->session_sql = all;
}

int pg_lost(const struct pg_conn *c)
{
    return PQstatus(c->conn) == CONNECTION_BAD || c->commit_lost;
}

unsigned long pg_commits(const struct pg_conn *c)
{
    return c->commits;
}

int pg_backend_pid(const struct pg_conn *c)
{
    return c->conn ? PQbackendPID(c->conn) : 0;
}

void pg_close(struct pg_conn *c)
{
    if (!c)
        return;
    (void)pg_copy_wait(c);
    PQfinish(c->conn);
    if (c->trips)
        fclose(c->trips);
    for (size_t i = 0; i < c->n_kept; i++)
        free(c->kept[i].sql);
    free(c->kept);
    free(c->begin_sql);
    free(c->notify_sql);
    free(c->session_sql);
    free(c->pending);
    free(c->job);
    pg_forget_tables(c);
    pg_analyze_copied(c, 0);
    free(c->tables);
    free(c->analyze);
    free(c->copied_rows);
    free(c);
}

const char *pg_errmsg(const struct pg_conn *c)
{
    return c->error;
}

int pg_is_constraint(const struct pg_conn *c)
{
    /* Class 23: integrity constraint violation. */
    return c->sqlstate[0] == '2' && c->sqlstate[1] == '3';
}

int pg_is_read_only(const struct pg_conn *c)
{
    /* 25006: read_only_sql_transaction, what a hot standby answers. */
    return !strcmp(c->sqlstate, "25006");
}

void pg_notify_on_commit(struct pg_conn *c, const char *channel)
{
    free(c->notify_sql);
    c->notify_sql = xasprintf("NOTIFY %s", channel);
}

long pg_changes(const struct pg_conn *c)
{
    return c->changes;
}
