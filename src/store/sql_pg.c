/*
 * The PostgreSQL backend of store/sql.h, through libpq. A statement keeps
 * its SQL with `?` and `?N` turned into `$N` (outside quotes), its bound
 * parameters (text, or binary for bytea) and, once run, its whole result,
 * which sql_step walks row by row; columns come back as text, bytea decoded
 * from its hex form on demand. A statement run a second time is prepared on
 * the server and run by name from then on: the write path's statements,
 * run once per row, are parsed once, while the many run only once cost a
 * single round trip; a prepared statement finalized is kept on the server
 * for the next statement of the same SQL. Statements go through libpq's
 * pipeline ("Pipelines" below), so that those whose answer is not needed
 * at once (a BEGIN, a preparation, the change log's appends) share the
 * round trip of the next that is: a write through `serve` makes about six
 * round trips, not a dozen. The connection keeps the last error's message
 * and SQLSTATE for db_errmsg and db_is_constraint.
 *
 * A connection lost (the primary failing over) is made again before the
 * next statement outside a transaction (revive): its session's SETs are
 * replayed and its statements prepared again, and a multi-host URL finds
 * the new primary. A write transaction's COMMIT carries its NOTIFY for
 * the watches (store/watch.h).
 */
#include "store/sql_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct pg_conn {
    PGconn *conn;
    char error[512];
    char sqlstate[6];
    long changes;
    unsigned long next_name;
    int batching;                  /* pg_batch_begin: COPY the inserts */
    int unchecked;                 /* references checked whole at COMMIT */
    int lost;                      /* rows of a finalized statement failed */
    struct pg_stmt *copying;       /* the statement whose COPY TO runs */
    char **tables;                 /* the tables whose checks are off, */
    size_t n_tables, tables_alloc; /* for pg_batch_begin's `whole` */
    struct pg_stmt **pending;      /* the statements with rows to COPY, */
    size_t n_pending, alloc;       /* in the order of their first row */
    size_t pending_bytes;
    char *notify_sql;       /* "NOTIFY channel" at COMMIT, or NULL */
    int in_txn;             /* between BEGIN and its COMMIT or ROLLBACK */
    char *begin_sql;        /* a BEGIN not sent yet: it goes with the next */
    int commit_lost;        /* the last COMMIT's connection was lost */
    int piped;              /* in libpq's pipeline mode */
    int unread;             /* statements sent in it, answers not read */
    struct pg_kept *kept;   /* prepared statements finalized, kept on the */
    size_t n_kept;          /* server for the next of the same SQL */
    struct pg_stmt **fresh; /* those whose preparation is in the pipeline */
    size_t n_fresh, fresh_alloc;
    FILE *trips;           /* CHANCERY_TEST_PG_TRIPS: each round trip */
    unsigned id;           /* the connection's number in trips */
    char last[48];         /* the last statement put in the pipeline */
    unsigned gen;          /* moves each time the connection is made again */
    unsigned long commits; /* the COMMITs sent */
    char *session_sql;     /* the SETs outside transactions, to replay */
    int copied;            /* the transaction wrote rows with COPY */
};

/* A statement prepared on the server whose pg_stmt was finalized. */
struct pg_kept {
    char *sql;
    char name[24];
    unsigned gen;
};

/* At most this many are kept; past it, a finalized one is deallocated. */
#define PG_KEPT_MAX 64

struct pg_param {
    char *data; /* owned when own */
    int n, binary, own, set;
};

struct pg_stmt {
    struct pg_conn *c;
    char *sql;
    char name[24]; /* "" until prepared on the server */
    unsigned gen;  /* the connection's gen when it was */
    int runs;
    int defer; /* a change log append: its answer is not waited for */
    int n_params;
    struct pg_param *params;
    PGresult *res;
    int row, n_rows;       /* row: the current one, -1 before the first */
    unsigned char **blobs; /* decoded bytea of the current row, by column */
    size_t *blob_len;
    int n_cols;
    char *copy_sql; /* an INSERT of one row of `?`s: its COPY, else NULL */
    char *rows;     /* rows waiting for it, in COPY's text format */
    size_t n_rows_bytes, rows_alloc;
    int stream;    /* a whole table in order: read with COPY TO */
    int streaming; /* its COPY runs: 1, has ended: 2, was cut off: 3 */
    char *line;    /* the current row as COPY sent it, decoded in place */
    char **vals;   /* its values, NULL for NULL */
    int *lens, n_vals, alloc_vals;
};

/* While batching, a flush once this much waits. */
#define PG_BATCH_BYTES (32u << 20)

static void stream_stop(struct pg_conn *c);

static void set_error(struct pg_conn *c, const PGresult *res)
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
static void trip(struct pg_conn *c, const char *sql)
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
static PGresult *exec_sql(struct pg_conn *c, const char *sql)
{
    trip(c, sql);
    return PQexec(c->conn, sql);
}

enum status pg_open(const char *conninfo, struct pg_conn **out, struct err *e)
{
    struct pg_conn *c = xcalloc(1, sizeof(*c));
    PGresult *res;

    c->conn = PQconnectdb(conninfo);
    trips_open(c);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        set_error(c, NULL);
        err_set(e, ST_ERROR, "cannot connect to the database: %s", c->error);
        pg_close(c);
        return ST_ERROR;
    }
    /* Notices (a table that IF EXISTS did not find) are not for the user. */
    PQsetNoticeProcessor(c->conn, NULL, NULL);
    res = exec_sql(c, "SET client_min_messages = warning");
    PQclear(res);
    *out = c;
    return ST_OK;
}

static void forget_tables(struct pg_conn *c)
{
    for (size_t i = 0; i < c->n_tables; i++)
        free(c->tables[i]);
    c->n_tables = 0;
    c->unchecked = 0;
}

/* Before a statement outside a transaction, or a BEGIN: a connection
 * that was lost (its server stopped, or failed over) is made again with
 * the same URL. PQreset tries the URL's hosts in turn, so a multi-host
 * URL with target_session_attrs=read-write finds the new primary. Inside
 * a transaction nothing is made again: its statements must fail with it,
 * not run on their own. The statements prepared on the old connection
 * are prepared again as they next run (gen). */
static void revive(struct pg_conn *c)
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
    forget_tables(c);
    pg_batch_discard(c);
    free(c->notify_sql);
    c->notify_sql = NULL;
    free(c->begin_sql);
    c->begin_sql = NULL;
    c->piped = 0;
    c->unread = 0;
    PQclear(exec_sql(c, "SET client_min_messages = warning"));
    if (c->session_sql)
        PQclear(exec_sql(c, c->session_sql));
}

/* A SET outside a transaction lasts as long as the session: kept, to be
 * made again on a connection made again (synchronous_commit, say). */
static void keep_session_set(struct pg_conn *c, const char *sql)
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

void pg_close(struct pg_conn *c)
{
    if (!c)
        return;
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
    forget_tables(c);
    free(c->tables);
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

/* Pipelines. Most of a write's statements need no answer before the next
 * is sent: a BEGIN, the preparation of a statement before its first run
 * by name, and the change log's appends (to changes, change_sets,
 * tlog_nodes and tlog_leaves, whose chunk being filled is stored with an
 * upsert: the writers' lock makes their keys unique, and a failure
 * fails the whole transaction anyway). So they go into libpq's pipeline
 * and reach the server with the next statement whose answer is needed,
 * in its round trip; the answers are read then, and the first failure is
 * that statement's (those after it did not run). A COMMIT goes into the
 * pipeline too, its NOTIFY as a statement of its own before it. Simple
 * queries and COPY cannot be in a pipeline: before them it is ended
 * (pipe_flush). */

static int pipe_enter(struct pg_conn *c)
{
    if (!c->piped && PQenterPipelineMode(c->conn) == 1)
        c->piped = 1;
    return c->piped ? 0 : -1;
}

/* Sends sql (one statement, no parameters) into the pipeline. */
static int pipe_sql(struct pg_conn *c, const char *sql)
{
    if (pipe_enter(c) ||
        PQsendQueryParams(c->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
        return -1;
    if (c->trips)
        snprintf(c->last, sizeof(c->last), "%s", sql);
    c->unread++;
    return 0;
}

/* The BEGIN waiting, if any, sent into the pipeline. */
static int pipe_begin(struct pg_conn *c)
{
    int rc = c->begin_sql ? pipe_sql(c, c->begin_sql) : 0;

    free(c->begin_sql);
    c->begin_sql = NULL;
    return rc;
}

/* The statements prepared in a pipeline that failed were not: they are
 * prepared again at their next run. */
static void forget_fresh(struct pg_conn *c, int failed)
{
    for (size_t i = 0; failed && i < c->n_fresh; i++) {
        c->fresh[i]->name[0] = '\0';
        c->fresh[i]->runs = 1;
    }
    c->n_fresh = 0;
}

/* Reads the answers of the n statements sent: the last's result when
 * keep, else NULL; *bad the first failure's. */
static PGresult *pipe_read(struct pg_conn *c, int n, int keep, PGresult **bad)
{
    PGresult *res, *last = NULL, *more;
    int sync = 0;

    for (int i = 0; i < n && !sync && (res = PQgetResult(c->conn)); i++) {
        ExecStatusType s = PQresultStatus(res);

        sync = s == PGRES_PIPELINE_SYNC;
        while (!sync && (more = PQgetResult(c->conn)))
            PQclear(more);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && !*bad && !sync)
            *bad = res;
        else if (i == n - 1 && keep && !sync)
            last = res;
        else
            PQclear(res);
    }
    while (!sync && (res = PQgetResult(c->conn))) {
        sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
    }
    return last;
}

/* Ends the pipeline: a Sync, and every answer read. With keep, the last
 * statement's result is returned, or the first failure's; else NULL.
 * On a failure *failed is set and its message kept. */
static PGresult *pipe_end(struct pg_conn *c, int keep, int *failed)
{
    PGresult *last = NULL, *bad = NULL;
    int n = c->unread;

    *failed = 0;
    if (!c->piped)
        return NULL;
    c->unread = 0;
    trip(c, c->last);
    if (PQpipelineSync(c->conn) == 1)
        last = pipe_read(c, n, keep, &bad);
    PQexitPipelineMode(c->conn);
    c->piped = 0;
    if (bad || (keep && !last)) {
        set_error(c, bad);
        *failed = 1;
        PQclear(last);
        last = keep ? bad : NULL;
        if (!keep)
            PQclear(bad);
    }
    forget_fresh(c, *failed);
    return last;
}

/* Before what cannot go in a pipeline: the BEGIN waiting and the
 * statements in the pipeline sent, their answers read. 0, or -1 when
 * one failed. */
static int pipe_flush(struct pg_conn *c)
{
    int failed = 0;

    if (c->begin_sql && pipe_begin(c)) {
        set_error(c, NULL);
        failed = 1;
    }
    if (c->piped) {
        int bad;

        pipe_end(c, 0, &bad);
        failed |= bad;
    }
    return failed ? -1 : 0;
}

/* Whether q is to be prepared now, at its second run (or its first on a
 * connection made again since it was); it is named then. */
static int to_prepare(struct pg_stmt *q)
{
    if (q->name[0] && q->gen != q->c->gen) {
        q->name[0] = '\0'; /* made on a connection since lost */
        q->runs = 1;
    }
    if (++q->runs != 2)
        return 0;
    snprintf(q->name, sizeof(q->name), "chancery_%lu", ++q->c->next_name);
    q->gen = q->c->gen;
    XGROW(q->c->fresh, q->c->n_fresh + 1, q->c->fresh_alloc);
    q->c->fresh[q->c->n_fresh++] = q;
    return 1;
}

/* Sends q with its bound parameters into the pipeline, after the BEGIN
 * waiting, and its preparation first when it is due. */
static int pipe_stmt(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    const char **values = xcalloc((size_t)q->n_params + 1, sizeof(*values));
    int *lengths = xcalloc((size_t)q->n_params + 1, sizeof(*lengths));
    int *formats = xcalloc((size_t)q->n_params + 1, sizeof(*formats));
    int ok = !pipe_begin(c) && !pipe_enter(c);

    for (int i = 0; i < q->n_params; i++) {
        values[i] = q->params[i].data;
        lengths[i] = q->params[i].n;
        formats[i] = q->params[i].binary;
    }
    if (ok && to_prepare(q)) {
        ok = PQsendPrepare(c->conn, q->name, q->sql, 0, NULL) == 1;
        c->unread += ok;
    }
    if (ok && q->name[0])
        ok = PQsendQueryPrepared(c->conn, q->name, q->n_params, values, lengths,
                                 formats, 0) == 1;
    else if (ok)
        ok = PQsendQueryParams(c->conn, q->sql, q->n_params, NULL, values,
                               lengths, formats, 0) == 1;
    c->unread += ok;
    if (c->trips)
        snprintf(c->last, sizeof(c->last), "%s", q->sql);
    free(values);
    free(lengths);
    free(formats);
    return ok ? 0 : -1;
}

/* Runs sql with one text parameter p1 (none when NULL): its result, or
 * NULL with the error kept. */
static PGresult *query(struct pg_conn *c, const char *sql, const char *p1)
{
    const char *params[1] = { p1 };
    PGresult *res;
    ExecStatusType s;

    if (c->copying)
        stream_stop(c);
    if (pipe_flush(c))
        return NULL;
    trip(c, sql);
    res = PQexecParams(c->conn, sql, p1 ? 1 : 0, NULL, params, NULL, NULL, 0);
    s = PQresultStatus(res);

    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
        return res;
    set_error(c, res);
    PQclear(res);
    return NULL;
}

/* The table a COPY statement names ("COPY t (cols) FROM STDIN"). */
static char *copy_table(const char *copy_sql)
{
    const char *from = copy_sql + 5, *to = strstr(from, " (");

    return xasprintf("%.*s", (int)(to ? to - from : 0), from);
}

/* Turns on or off the triggers that check, row by row, the references of
 * the rows inserted into table. */
static int switch_checks(struct pg_conn *c, const char *table, int on)
{
    PGresult *res = query(c,
                          "SELECT tgname FROM pg_trigger WHERE tgrelid = "
                          "$1::regclass AND tgfoid = "
                          "'pg_catalog.\"RI_FKey_check_ins\"'::regproc",
                          table);
    int rc = res ? 0 : -1;

    for (int i = 0; res && !rc && i < PQntuples(res); i++) {
        char *name = PQescapeIdentifier(c->conn, PQgetvalue(res, i, 0),
                                        strlen(PQgetvalue(res, i, 0)));
        char *sql = xasprintf("ALTER TABLE %s %s TRIGGER %s", table,
                              on ? "ENABLE" : "DISABLE", name);
        PGresult *done = query(c, sql, NULL);

        rc = done ? 0 : -1;
        PQclear(done);
        free(sql);
        PQfreemem(name);
    }
    PQclear(res);
    return rc;
}

/* Before the first COPY into table in a transaction whose references are
 * checked whole: its row-by-row checks off. */
static int uncheck_table(struct pg_conn *c, const char *copy_sql)
{
    char *table = copy_table(copy_sql);

    for (size_t i = 0; i < c->n_tables; i++) {
        if (!strcmp(c->tables[i], table)) {
            free(table);
            return 0;
        }
    }
    XGROW(c->tables, c->n_tables + 1, c->tables_alloc);
    c->tables[c->n_tables++] = table;
    return switch_checks(c, table, 0);
}

/* One query per reference of table: the first row this transaction wrote
 * whose reference finds no row, as (key, referenced table). */
#define REFERENCE_CHECKS                                                     \
    "SELECT format('SELECT %s FROM %s c WHERE c.xmin = "                     \
    "pg_current_xact_id()::xid AND %s AND NOT EXISTS (SELECT 1 FROM %s p "   \
    "WHERE %s) LIMIT 1', string_agg(format('c.%I', a.attname), ' || ''/'' "  \
    "|| ' ORDER BY k.i), con.conrelid::regclass, string_agg(format('c.%I "   \
    "IS NOT NULL', a.attname), ' AND ' ORDER BY k.i), "                      \
    "con.confrelid::regclass, string_agg(format('p.%I = c.%I', af.attname, " \
    "a.attname), ' AND ' ORDER BY k.i)), string_agg(a.attname, ', ' ORDER "  \
    "BY k.i), con.confrelid::regclass::text FROM pg_constraint con CROSS "   \
    "JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(ck, " \
    "fk, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum "  \
    "= k.ck JOIN pg_attribute af ON af.attrelid = con.confrelid AND "        \
    "af.attnum = k.fk WHERE con.contype = 'f' AND con.conrelid = "           \
    "$1::regclass GROUP BY con.oid, con.conrelid, con.confrelid"

/* Checks every reference of table's rows written in this transaction
 * with one query per reference; a dangling one is a foreign key
 * violation (SQLSTATE 23503), as the row-by-row check would have been. */
static int check_table(struct pg_conn *c, const char *table)
{
    PGresult *res = query(c, REFERENCE_CHECKS, table);
    int rc = res ? 0 : -1;

    for (int i = 0; res && !rc && i < PQntuples(res); i++) {
        PGresult *bad = query(c, PQgetvalue(res, i, 0), NULL);

        if (!bad) {
            rc = -1;
        } else if (PQntuples(bad)) {
            snprintf(c->error, sizeof(c->error),
                     "%s row with %s '%s' refers to a missing row of %s", table,
                     PQgetvalue(res, i, 1), PQgetvalue(bad, 0, 0),
                     PQgetvalue(res, i, 2));
            snprintf(c->sqlstate, sizeof(c->sqlstate), "23503");
            rc = -1;
        }
        PQclear(bad);
    }
    PQclear(res);
    return rc;
}

/* Before COMMIT: the references deferred so far checked, the tables'
 * triggers back on, and their rows' references checked whole. */
static int check_tables(struct pg_conn *c)
{
    PGresult *res = query(c, "SET CONSTRAINTS ALL IMMEDIATE", NULL);

    if (!res)
        return -1;
    PQclear(res);
    for (size_t i = 0; i < c->n_tables; i++)
        if (switch_checks(c, c->tables[i], 1) || check_table(c, c->tables[i]))
            return -1;
    return 0;
}

/* The COMMIT of the transaction, after the statements in the pipeline
 * and in their round trip; the NOTIFY before it, delivered only if it
 * succeeds. A transaction that failed there is rolled back, as a COMMIT
 * sent alone would have been. */
static PGresult *commit_piped(struct pg_conn *c, const char *notify,
                              const char *sql)
{
    PGresult *res;
    int failed;

    if (notify)
        pipe_sql(c, notify);
    pipe_sql(c, sql);
    res = pipe_end(c, 1, &failed);
    if (failed && PQtransactionStatus(c->conn) != PQTRANS_IDLE)
        PQclear(exec_sql(c, "ROLLBACK"));
    return res;
}

/* COMMIT or ROLLBACK (sql): the transaction's end, whose state is
 * forgotten whatever the outcome. 0, or -1 with the error kept. */
static int end_txn(struct pg_conn *c, const char *sql, int rollback)
{
    char *notify = c->notify_sql, *both = NULL;
    PGresult *res;
    int rc, failed;

    c->batching = 0;
    c->lost = 0;
    forget_tables(c);
    c->in_txn = 0;
    c->commits += !rollback;
    c->notify_sql = NULL;
    if (c->begin_sql) { /* nothing was sent since its BEGIN */
        free(c->begin_sql);
        c->begin_sql = NULL;
        free(notify);
        return 0;
    }
    if (rollback) {
        pipe_end(c, 0, &failed);
        res = exec_sql(c, sql);
    } else if (c->piped) {
        res = commit_piped(c, notify, sql);
    } else {
        both = notify ? xasprintf("%s; %s", notify, sql) : NULL;
        res = exec_sql(c, both ? both : sql);
    }
    rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        set_error(c, res);
    if (!rollback)
        c->commit_lost = rc && PQstatus(c->conn) == CONNECTION_BAD;
    /* Rows by the thousand (an import) leave the planner's statistics
     * behind them, and the change log's tail queries (store/follow.c)
     * would scan the whole log until autovacuum caught up: they are made
     * now. */
    if (!rc && !rollback && c->copied)
        PQclear(exec_sql(c, "ANALYZE"));
    c->copied = 0;
    PQclear(res);
    free(both);
    free(notify);
    return rc;
}

int pg_exec(struct pg_conn *c, const char *sql)
{
    PGresult *res;
    ExecStatusType s;
    int rc;

    if (c->copying)
        stream_stop(c);
    int rollback =
        !strncmp(sql, "ROLLBACK", 8) && strncmp(sql, "ROLLBACK TO", 11);
    int begin = !strncmp(sql, "BEGIN", 5);
    int commit = !strncmp(sql, "COMMIT", 6);

    if (begin || !c->in_txn)
        revive(c);
    c->commit_lost &= !begin;
    /* A BEGIN goes with the transaction's first statement. */
    if (begin && !c->in_txn && !c->begin_sql && !strchr(sql, ';')) {
        c->begin_sql = xstrdup(sql);
        c->in_txn = 1;
        return 0;
    }
    /* A rollback drops the rows waiting; anything else sends them first.
     * The transaction's end ends the batch. */
    if (rollback)
        pg_batch_discard(c);
    else if (c->n_pending && pg_batch_flush(c))
        return -1;
    if (commit && (c->lost || (c->unchecked && check_tables(c))))
        return -1;
    if (rollback || commit)
        return end_txn(c, sql, rollback);
    if (pipe_flush(c))
        return -1;
    res = exec_sql(c, sql);
    s = PQresultStatus(res);
    rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : -1;
    if (rc)
        set_error(c, res);
    else if (begin)
        c->in_txn = 1;
    else if (!c->in_txn && !strncmp(sql, "SET ", 4))
        keep_session_set(c, sql);
    PQclear(res);
    return rc;
}

/* Copies sql with `?` and `?N` as `$N`; *n_params the highest N. */
static char *dollar_params(const char *sql, int *n_params)
{
    size_t len = strlen(sql);
    char *out = xmalloc(len * 4 + 1), *o = out;
    char quote = 0;
    int next = 0, max = 0;

    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            *o++ = *p;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            *o++ = *p;
        } else if (*p == '?') {
            int n = 0;

            if (p[1] >= '0' && p[1] <= '9') {
                while (p[1] >= '0' && p[1] <= '9' && n < 10000)
                    n = n * 10 + (*++p - '0');
            } else {
                n = ++next;
            }
            if (n > max)
                max = n;
            o += snprintf(o, 8, "$%d", n);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    *n_params = max;
    return out;
}

/* "COPY t (cols) FROM STDIN" when sql is "INSERT INTO t (cols) VALUES
 * (?, ?, ...)", with one `?` per column in order; else NULL. */
static char *copy_of(const char *sql)
{
    const char *open = strchr(sql, '('), *close, *values, *p;
    int n_cols = 1, n_params = 0;

    if (strncmp(sql, "INSERT INTO ", 12) || !open || strchr(sql, '\'') ||
        !(close = strchr(open, ')')) || strncmp(close, ") VALUES (", 10))
        return NULL;
    for (p = open; p < close; p++)
        n_cols += *p == ',';
    values = close + 10;
    for (p = values; *p && *p != ')'; p++) {
        if (*p == '?')
            n_params++;
        else if (*p != ',' && *p != ' ')
            return NULL;
    }
    if (*p != ')' || p[1] || n_params != n_cols)
        return NULL;
    return xasprintf("COPY %.*s FROM STDIN", (int)(close + 1 - (sql + 12)),
                     sql + 12);
}

/* The change log's appends, whose answers are not waited for (Pipelines
 * above). */
static const char *const APPENDS[] = {
    "INSERT INTO changes (",
    "INSERT INTO change_sets (",
    "INSERT INTO tlog_nodes (",
    "INSERT INTO tlog_leaves (",
};

/* A statement of the same SQL prepared on this connection and since
 * finalized: q runs by its name, with no preparation. */
static void take_kept(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;

    for (size_t i = 0; i < c->n_kept; i++) {
        struct pg_kept *k = &c->kept[i];

        if (k->gen != c->gen || strcmp(k->sql, q->sql))
            continue;
        memcpy(q->name, k->name, sizeof(q->name));
        q->gen = k->gen;
        q->runs = 2;
        free(k->sql);
        *k = c->kept[--c->n_kept];
        return;
    }
}

/* Keeps q's prepared statement on the server for the next statement of
 * its SQL (the store prepares the same few again and again: the Merkle
 * tree's insert once per change set); 0 when it is to be deallocated. */
static int keep_prepared(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    size_t i;

    for (i = 0; i < c->n_fresh && c->fresh[i] != q; i++)
        ;
    if (i < c->n_fresh) { /* its preparation not known to have worked */
        c->fresh[i] = c->fresh[--c->n_fresh];
        return 1;
    }
    for (i = 0; i < c->n_kept; i++) /* made on a connection since lost */
        if (c->kept[i].gen != c->gen) {
            free(c->kept[i].sql);
            c->kept[i--] = c->kept[--c->n_kept];
        }
    if (c->n_kept >= PG_KEPT_MAX)
        return 0;
    if (!c->kept)
        c->kept = xcalloc(PG_KEPT_MAX, sizeof(*c->kept));
    c->kept[c->n_kept].sql = q->sql;
    memcpy(c->kept[c->n_kept].name, q->name, sizeof(q->name));
    c->kept[c->n_kept++].gen = q->gen;
    q->sql = NULL;
    return 1;
}

struct pg_stmt *pg_prepare(struct pg_conn *c, const char *sql)
{
    struct pg_stmt *q = xcalloc(1, sizeof(*q));

    q->c = c;
    q->copy_sql = copy_of(sql);
    q->sql = dollar_params(sql, &q->n_params);
    q->params = xcalloc((size_t)q->n_params + 1, sizeof(*q->params));
    q->row = -1;
    q->stream = !strncmp(sql, "SELECT ", 7) && !q->n_params &&
                strlen(sql) > 16 &&
                !strcmp(sql + strlen(sql) - 16, " ORDER BY \"_row\"");
    for (size_t i = 0; i < sizeof(APPENDS) / sizeof(*APPENDS); i++)
        q->defer |= !strncmp(sql, APPENDS[i], strlen(APPENDS[i]));
    take_kept(q);
    return q;
}

static void free_blobs(struct pg_stmt *q)
{
    for (int i = 0; i < q->n_cols; i++)
        PQfreemem(q->blobs[i]);
    free(q->blobs);
    free(q->blob_len);
    q->blobs = NULL;
    q->blob_len = NULL;
    q->n_cols = 0;
}

void pg_reset(struct pg_stmt *q)
{
    if (q->c->copying == q)
        stream_stop(q->c);
    q->streaming = 0;
    PQfreemem(q->line);
    q->line = NULL;
    free_blobs(q);
    PQclear(q->res);
    q->res = NULL;
    q->row = -1;
    q->n_rows = 0;
}

static void param_free(struct pg_param *p)
{
    if (p->own)
        free(p->data);
    memset(p, 0, sizeof(*p));
}

void pg_clear_bindings(struct pg_stmt *q)
{
    for (int i = 0; i < q->n_params; i++)
        param_free(&q->params[i]);
}

/* Forgets q's waiting rows. */
static void unpend(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;

    for (size_t i = 0; i < c->n_pending; i++) {
        if (c->pending[i] != q)
            continue;
        memmove(c->pending + i, c->pending + i + 1,
                (c->n_pending - i - 1) * sizeof(*c->pending));
        c->n_pending--;
        break;
    }
    c->pending_bytes -= q->n_rows_bytes;
    q->n_rows_bytes = 0;
}

void pg_finalize(struct pg_stmt *q)
{
    char sql[64];

    /* Its rows waiting are written, not dropped: the transaction goes on
     * without the statement; if they fail, so does its COMMIT. */
    if (q->n_rows_bytes && pg_batch_flush(q->c))
        q->c->lost = 1;
    unpend(q);
    free(q->rows);
    free(q->copy_sql);
    pg_reset(q);
    pg_clear_bindings(q);
    free(q->vals);
    free(q->lens);
    if (q->c->copying)
        stream_stop(q->c);
    if (q->name[0] && q->gen == q->c->gen && !pg_lost(q->c) &&
        !keep_prepared(q)) {
        /* What the pipeline holds fails the transaction if it fails, as
         * no caller is told of it here. */
        if (pipe_flush(q->c))
            q->c->lost = 1;
        snprintf(sql, sizeof(sql), "DEALLOCATE \"%s\"", q->name);
        PQclear(exec_sql(q->c, sql));
    }
    free(q->params);
    free(q->sql);
    free(q);
}

void pg_bind(struct pg_stmt *q, int i, const void *data, int n, int binary,
             int copy)
{
    struct pg_param *p;

    if (i < 1 || i > q->n_params)
        return;
    p = &q->params[i - 1];
    param_free(p);
    p->set = 1;
    if (!data)
        return;
    p->n = n < 0 ? (int)strlen(data) : n;
    p->binary = binary;
    if (copy || (!binary && n >= 0)) {
        /* Text must end in a NUL for libpq: a counted one is copied. */
        p->data = xmalloc((size_t)p->n + 1);
        memcpy(p->data, data, (size_t)p->n);
        p->data[p->n] = '\0';
        p->own = 1;
    } else {
        p->data = (char *)data;
    }
}

void pg_bind_int64(struct pg_stmt *q, int i, int64_t v)
{
    char text[24];

    snprintf(text, sizeof(text), "%lld", (long long)v);
    pg_bind(q, i, text, -1, 0, 1);
}

/* Sends q, with what waits in the pipeline before it, and reads the
 * answers: one round trip. */
static PGresult *run_once(struct pg_stmt *q)
{
    int failed;

    if (pipe_stmt(q))
        set_error(q->c, NULL);
    return pipe_end(q->c, 1, &failed);
}

/* Runs q. A connection found lost by the first statement of a
 * transaction (its BEGIN waiting) or by a read outside one is made again
 * and the statement sent once more: nothing of it took effect, as a
 * transaction never committed does not, and a session the server ended
 * while it was idle (a restart, a pooler, pg_terminate_backend) then
 * costs the request nothing. */
static PGresult *run(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    char *begin = c->begin_sql ? xstrdup(c->begin_sql) : NULL;
    int again = begin || (!c->in_txn && !strncmp(q->sql, "SELECT ", 7));
    PGresult *res;

    if (c->copying)
        stream_stop(c);
    if (!c->in_txn)
        revive(c);
    res = run_once(q);
    if (again && PQresultStatus(res) != PGRES_TUPLES_OK &&
        PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQstatus(c->conn) == CONNECTION_BAD) {
        revive(c);
        if (begin && PQstatus(c->conn) == CONNECTION_OK) {
            c->begin_sql = begin;
            c->in_txn = 1;
            begin = NULL;
        }
        if (PQstatus(c->conn) == CONNECTION_OK) {
            PQclear(res);
            res = run_once(q);
        }
    }
    free(begin);
    return res;
}

static void rows_add(struct pg_stmt *q, const char *data, size_t n)
{
    if (q->n_rows_bytes + n > q->rows_alloc) {
        q->rows_alloc = (q->n_rows_bytes + n) * 2 + 4096;
        q->rows = xrealloc(q->rows, q->rows_alloc);
    }
    memcpy(q->rows + q->n_rows_bytes, data, n);
    q->n_rows_bytes += n;
    q->c->pending_bytes += n;
}

/* One value in COPY's text format: \N for NULL, text with backslash,
 * tab and line ends escaped, bytea as \\x and hex digits. */
static void copy_value(struct pg_stmt *q, const struct pg_param *p)
{
    static const char hex[] = "0123456789abcdef";
    char two[2];

    if (!p->data) {
        rows_add(q, "\\N", 2);
        return;
    }
    if (p->binary) {
        rows_add(q, "\\\\x", 3);
        for (int i = 0; i < p->n; i++) {
            two[0] = hex[(unsigned char)p->data[i] >> 4];
            two[1] = hex[(unsigned char)p->data[i] & 15];
            rows_add(q, two, 2);
        }
        return;
    }
    for (int i = 0, from = 0; i <= p->n; i++) {
        const char *esc = NULL;

        if (i < p->n) {
            char ch = p->data[i];

            esc = ch == '\\'   ? "\\\\"
                  : ch == '\t' ? "\\t"
                  : ch == '\n' ? "\\n"
                  : ch == '\r' ? "\\r"
                               : NULL;
            if (!esc)
                continue;
        }
        rows_add(q, p->data + from, (size_t)(i - from));
        if (esc)
            rows_add(q, esc, 2);
        from = i + 1;
    }
}

/* A test's hook: with CHANCERY_TEST_PG_DROP_ROW="TABLE KEY", a batch
 * whose references are checked whole leaves out the row of TABLE whose
 * first column is KEY, as if the rows' own checks (chancery's, before it
 * writes) had let a dangling reference through: the check at COMMIT must
 * then refuse it. */
static int dropped_row(const struct pg_stmt *q)
{
    const char *hook = getenv("CHANCERY_TEST_PG_DROP_ROW"), *key, *table;
    size_t n;

    if (!hook || !q->c->unchecked || !q->n_params || !q->params[0].data ||
        !(key = strchr(hook, ' ')))
        return 0;
    n = (size_t)(key - hook);
    table = q->copy_sql + 5 + (q->copy_sql[5] == '"');
    return !strncmp(table, hook, n) && (table[n] == ' ' || table[n] == '"') &&
           (size_t)q->params[0].n == strlen(key + 1) &&
           !memcmp(q->params[0].data, key + 1, strlen(key + 1));
}

/* Appends the bound row to q's rows for COPY. */
static void batch_row(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;

    if (dropped_row(q))
        return;

    if (!q->n_rows_bytes) {
        XGROW(c->pending, c->n_pending + 1, c->alloc);
        c->pending[c->n_pending++] = q;
    }
    for (int i = 0; i < q->n_params; i++) {
        if (i)
            rows_add(q, "\t", 1);
        copy_value(q, &q->params[i]);
    }
    rows_add(q, "\n", 1);
    c->changes = 1;
}

/* Sends q's rows with COPY. */
/* The results after a COPY's end: ok while it was and every result says
 * the command went through; the first failure is kept as the error. */
static int copy_results(struct pg_conn *c, int ok)
{
    PGresult *res;

    while ((res = PQgetResult(c->conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            if (ok)
                set_error(c, res);
            ok = 0;
        }
        PQclear(res);
    }
    return ok;
}

static int copy_rows(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    PGresult *res;
    int ok;

    if (c->copying)
        stream_stop(c);
    if (pipe_flush(c) || (c->unchecked && uncheck_table(c, q->copy_sql)))
        return -1;
    res = exec_sql(c, q->copy_sql);
    ok = PQresultStatus(res) == PGRES_COPY_IN;

    PQclear(res);
    for (size_t at = 0; ok && at < q->n_rows_bytes; at += 1 << 20) {
        size_t n =
            q->n_rows_bytes - at < (1u << 20) ? q->n_rows_bytes - at : 1u << 20;

        ok = PQputCopyData(c->conn, q->rows + at, (int)n) == 1;
    }
    trip(c, "COPY's end");
    if (PQputCopyEnd(c->conn, ok ? NULL : "chancery: copy failed") != 1)
        ok = 0;
    ok = copy_results(c, ok);
    if (!ok && !c->error[0])
        set_error(c, NULL);
    c->copied |= ok;
    return ok ? 0 : -1;
}

int pg_batch_flush(struct pg_conn *c)
{
    int rc = 0;

    for (size_t i = 0; i < c->n_pending && !rc; i++) {
        c->error[0] = '\0';
        rc = copy_rows(c->pending[i]);
    }
    pg_batch_discard(c);
    return rc;
}

void pg_batch_discard(struct pg_conn *c)
{
    for (size_t i = 0; i < c->n_pending; i++)
        c->pending[i]->n_rows_bytes = 0;
    c->n_pending = 0;
    c->pending_bytes = 0;
}

int pg_batch_begin(struct pg_conn *c, int whole)
{
    const char *super = PQparameterStatus(c->conn, "is_superuser");

    /* The rows of several tables go in table by table, so their
     * references are checked at COMMIT (they are all DEFERRABLE). */
    if (pg_exec(c, "SET CONSTRAINTS ALL DEFERRED"))
        return -1;
    c->batching = 1;
    /* Turning a reference's own triggers off is a superuser's right. */
    c->unchecked = whole && super && !strcmp(super, "on");
    return 0;
}

/* Whole tables. The snapshot's load reads each entity's table whole, in
 * insertion order, and nothing else meanwhile: with a result set the
 * server would send every row before the first is parsed, and libpq keep
 * them all. So such a statement runs as COPY (SELECT ...) TO STDOUT and
 * sql_step takes the rows one by one as they arrive (PQgetCopyData): the
 * server produces while chancery parses, on the two cores. COPY's text
 * format, not binary: every value goes through the field codec as text
 * anyway, and text needs no knowledge of each column's type. Another
 * statement on the connection ends the COPY (stream_stop), and the read
 * cut off then fails rather than end early. */

/* Ends the COPY TO running on c, reading what is left of it. */
static void stream_stop(struct pg_conn *c)
{
    struct pg_stmt *q = c->copying;
    char *buf = NULL;
    PGresult *res;

    while (PQgetCopyData(c->conn, &buf, 0) > 0) {
        PQfreemem(buf);
        buf = NULL;
    }
    while ((res = PQgetResult(c->conn)))
        PQclear(res);
    c->copying = NULL;
    if (q->streaming == 1)
        q->streaming = 3;
}

/* The character an escape of COPY's text format at *p stands for; *p
 * moves past it. */
static char unescape(char **p)
{
    char *at = *p + 1, ch = *at++;
    int v = 0, n = 0;

    switch (ch) {
    case 'b':
        ch = '\b';
        break;
    case 'f':
        ch = '\f';
        break;
    case 'n':
        ch = '\n';
        break;
    case 'r':
        ch = '\r';
        break;
    case 't':
        ch = '\t';
        break;
    case 'v':
        ch = '\v';
        break;
    case 'x':
        for (; n < 2 && *at && strchr("0123456789abcdefABCDEF", *at); n++, at++)
            v = v * 16 + (*at <= '9' ? *at - '0' : (*at | 32) - 'a' + 10);
        if (n)
            ch = (char)v;
        break;
    default:
        if (ch >= '0' && ch <= '7') {
            v = ch - '0';
            for (; n < 2 && *at >= '0' && *at <= '7'; n++)
                v = v * 8 + (*at++ - '0');
            ch = (char)v;
        }
    }
    *p = at;
    return ch;
}

/* Splits q->line, a row of n bytes in COPY's text format, into its values,
 * decoded in place (libpq ends the buffer with a NUL). */
static void split_row(struct pg_stmt *q, int n)
{
    char *p = q->line, *end = q->line + n;
    int k = 0;

    if (end > p && end[-1] == '\n')
        end--;
    for (;;) {
        char *start = p, *o = p;
        int null = end - p >= 2 && p[0] == '\\' && p[1] == 'N' &&
                   (end - p == 2 || p[2] == '\t');

        if (null)
            p += 2;
        while (!null && p < end && *p != '\t')
            *o++ = *p == '\\' && p + 1 < end ? unescape(&p) : *p++;
        if (k >= q->alloc_vals) {
            q->alloc_vals = 2 * k + 16;
            q->vals = xrealloc(q->vals, (size_t)q->alloc_vals * sizeof(char *));
            q->lens = xrealloc(q->lens, (size_t)q->alloc_vals * sizeof(int));
        }
        q->vals[k] = null ? NULL : start;
        q->lens[k++] = (int)(o - start);
        if (p >= end) {
            if (!null)
                *o = '\0';
            break;
        }
        *o = '\0';
        p++;
    }
    q->n_vals = k;
}

static int stream_begin(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    char *sql = xasprintf("COPY (%s) TO STDOUT", q->sql);
    PGresult *res;
    int ok;

    if (c->copying)
        stream_stop(c);
    if (pipe_flush(c)) {
        free(sql);
        return -1;
    }
    res = exec_sql(c, sql);
    free(sql);
    ok = PQresultStatus(res) == PGRES_COPY_OUT;
    if (!ok)
        set_error(c, res);
    PQclear(res);
    if (!ok)
        return -1;
    q->streaming = 1;
    c->copying = q;
    return 0;
}

/* The end of a COPY TO: 101, or 1 with the error kept. */
static int stream_end(struct pg_stmt *q, int n)
{
    struct pg_conn *c = q->c;
    int ok = n == -1;

    c->copying = NULL;
    q->streaming = 2;
    if (!ok)
        set_error(c, NULL);
    ok = copy_results(c, ok);
    return ok ? 101 : 1;
}

/* sql_step of a whole table's statement. */
static int stream_step(struct pg_stmt *q)
{
    char *buf = NULL;
    int n;

    if (!q->streaming && stream_begin(q))
        return 1;
    for (int i = 0; i < q->n_cols; i++) {
        PQfreemem(q->blobs[i]);
        q->blobs[i] = NULL;
    }
    PQfreemem(q->line);
    q->line = NULL;
    q->n_vals = 0;
    if (q->streaming == 3) {
        snprintf(q->c->error, sizeof(q->c->error),
                 "a read of a whole table was cut off by another statement");
        return 1;
    }
    if (q->streaming == 2)
        return 101;
    n = PQgetCopyData(q->c->conn, &buf, 0);
    if (n <= 0)
        return stream_end(q, n);
    q->line = buf;
    split_row(q, n);
    if (q->n_vals != q->n_cols || !q->blobs) {
        free_blobs(q);
        q->n_cols = q->n_vals;
        q->blobs = xcalloc((size_t)q->n_cols + 1, sizeof(*q->blobs));
        q->blob_len = xcalloc((size_t)q->n_cols + 1, sizeof(*q->blob_len));
    }
    return 100;
}

int pg_step(struct pg_stmt *q)
{
    if (q->stream) {
        if (q->c->n_pending && pg_batch_flush(q->c))
            return 1;
        return stream_step(q);
    }
    if (q->c->batching && q->copy_sql && !q->res) {
        batch_row(q);
        if (q->c->pending_bytes >= PG_BATCH_BYTES && pg_batch_flush(q->c))
            return 1;
        return 101;
    }
    /* Anything else runs after the rows waiting, which it may read. */
    if (q->c->n_pending && pg_batch_flush(q->c))
        return 1;
    if (q->defer && q->c->in_txn && !q->res) {
        if (q->c->copying)
            stream_stop(q->c);
        if (pipe_stmt(q)) {
            set_error(q->c, NULL);
            return 1;
        }
        q->c->changes = 1;
        return 101;
    }
    if (!q->res) {
        ExecStatusType s;

        q->res = run(q);
        s = PQresultStatus(q->res);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            set_error(q->c, q->res);
            return 1;
        }
        q->n_rows = PQntuples(q->res);
        q->c->changes = strtol(PQcmdTuples(q->res), NULL, 10);
        q->n_cols = PQnfields(q->res);
        q->blobs = xcalloc((size_t)q->n_cols + 1, sizeof(*q->blobs));
        q->blob_len = xcalloc((size_t)q->n_cols + 1, sizeof(*q->blob_len));
    }
    for (int i = 0; i < q->n_cols; i++) {
        PQfreemem(q->blobs[i]);
        q->blobs[i] = NULL;
    }
    if (q->row + 1 >= q->n_rows) {
        q->row = q->n_rows;
        return 101;
    }
    q->row++;
    return 100;
}

static int has_value(const struct pg_stmt *q, int i)
{
    return q->res && q->row >= 0 && q->row < q->n_rows && i >= 0 &&
           i < q->n_cols && !PQgetisnull(q->res, q->row, i);
}

const char *pg_column_text(struct pg_stmt *q, int i)
{
    if (q->stream)
        return q->line && i >= 0 && i < q->n_vals ? q->vals[i] : NULL;
    return has_value(q, i) ? PQgetvalue(q->res, q->row, i) : NULL;
}

const void *pg_column_blob(struct pg_stmt *q, int i)
{
    const char *text = pg_column_text(q, i);

    if (!text)
        return NULL;
    if (!q->blobs[i]) {
        size_t n = 0;

        q->blobs[i] = PQunescapeBytea((const unsigned char *)text, &n);
        q->blob_len[i] = n;
    }
    return q->blobs[i];
}

int pg_column_bytes(struct pg_stmt *q, int i)
{
    if (q->stream)
        return pg_column_text(q, i) ? q->lens[i] : 0;
    if (!has_value(q, i))
        return 0;
    if (PQftype(q->res, i) == PG_BYTEA_OID) {
        pg_column_blob(q, i);
        return (int)q->blob_len[i];
    }
    return PQgetlength(q->res, q->row, i);
}

int64_t pg_column_int64(struct pg_stmt *q, int i)
{
    const char *t = pg_column_text(q, i);

    if (!t)
        return 0;
    if (!strcmp(t, "t"))
        return 1;
    return strtoll(t, NULL, 10);
}
