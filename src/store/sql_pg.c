/*
 * The PostgreSQL backend of store/sql.h, through libpq: its statements,
 * their results and the transactions around them. A statement keeps its
 * SQL with `?` and `?N` turned into `$N` (outside quotes), its bound
 * parameters (text, or binary for bytea) and, once run, its whole result,
 * which sql_step walks row by row; columns come back as text, bytea decoded
 * from its hex form on demand. A statement run a second time is prepared on
 * the server and run by name from then on: the write path's statements,
 * run once per row, are parsed once, while the many run only once cost a
 * single round trip; a prepared statement finalized is kept on the server
 * for the next statement of the same SQL. Statements go through libpq's
 * pipeline (store/pg_pipeline.c), so that those whose answer is not needed
 * at once (a BEGIN, a preparation, the change log's appends) share the
 * round trip of the next that is: a write through `serve` makes about six
 * round trips, not a dozen. A write transaction's COMMIT carries its
 * NOTIFY for the watches (store/watch.h).
 *
 * The backend is split by purpose, the files sharing store/pg_private.h:
 * this one; store/pg_conn.c the connection, its errors and its remaking;
 * store/pg_pipeline.c the pipeline and prepared statements;
 * store/pg_copy.c the batched inserts with COPY FROM; store/pg_stream.c
 * the whole-table reads with COPY TO.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/pg_private.h"

/* Runs sql with one text parameter p1 (none when NULL): its result, or
 * NULL with the error kept. */
PGresult *pg_query(struct pg_conn *c, const char *sql, const char *p1)
{
    const char *params[1] = { p1 };
    PGresult *res;
    ExecStatusType s;

    if (c->copying)
        pg_stream_stop(c);
    if (pg_pipe_flush(c))
        return NULL;
    pg_trip(c, sql);
    res = PQexecParams(c->conn, sql, p1 ? 1 : 0, NULL, params, NULL, NULL, 0);
    s = PQresultStatus(res);

    if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
        return res;
    pg_set_error(c, res);
    PQclear(res);
    return NULL;
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
        pg_pipe_sql(c, notify);
    pg_pipe_sql(c, sql);
    res = pg_pipe_end(c, 1, &failed);
    if (failed && PQtransactionStatus(c->conn) != PQTRANS_IDLE)
        PQclear(pg_exec_sql(c, "ROLLBACK"));
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
    pg_forget_tables(c);
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
        pg_pipe_end(c, 0, &failed);
        res = pg_exec_sql(c, sql);
    } else if (c->piped) {
        res = commit_piped(c, notify, sql);
    } else {
        both = notify ? xasprintf("%s; %s", notify, sql) : NULL;
        res = pg_exec_sql(c, both ? both : sql);
    }
    rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc)
        pg_set_error(c, res);
    if (!rollback)
        c->commit_lost = rc && PQstatus(c->conn) == CONNECTION_BAD;
    /* Rows by the thousand (an import) leave the planner's statistics
     * behind them, and the change log's tail queries (store/follow.c)
     * would scan the whole log until autovacuum caught up: those of the
     * tables written are made now (store/pg_copy.c). */
    pg_analyze_copied(c, !rc && !rollback && c->copied);
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

    int rollback =
        !strncmp(sql, "ROLLBACK", 8) && strncmp(sql, "ROLLBACK TO", 11);
    int begin = !strncmp(sql, "BEGIN", 5);
    int commit = !strncmp(sql, "COMMIT", 6);

    /* The rows being sent first, whatever comes: the connection is the
     * sender's until then; a ROLLBACK goes on after its failure. */
    if (pg_copy_wait(c) && !rollback)
        return -1;
    if (c->copying)
        pg_stream_stop(c);
    if (begin || !c->in_txn)
        pg_revive(c);
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
    else if (pg_batch_waits(c) && pg_batch_flush(c))
        return -1;
    if (commit && (c->lost || (c->unchecked && pg_check_tables(c))))
        return -1;
    if (rollback || commit)
        return end_txn(c, sql, rollback);
    if (pg_pipe_flush(c))
        return -1;
    res = pg_exec_sql(c, sql);
    s = PQresultStatus(res);
    rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : -1;
    if (rc)
        pg_set_error(c, res);
    else if (begin)
        c->in_txn = 1;
    else if (!c->in_txn && !strncmp(sql, "SET ", 4))
        pg_keep_session_set(c, sql);
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

/* The change log's appends, whose answers are not waited for (Pipelines
 * above). */
static const char *const APPENDS[] = {
    "INSERT INTO changes (",
    "INSERT INTO change_sets (",
    "INSERT INTO tlog_nodes (",
    "INSERT INTO tlog_leaves (",
};

struct pg_stmt *pg_prepare(struct pg_conn *c, const char *sql)
{
    struct pg_stmt *q = xcalloc(1, sizeof(*q));

    q->c = c;
    q->copy_sql = pg_copy_of(sql);
    q->sql = dollar_params(sql, &q->n_params);
    q->params = xcalloc((size_t)q->n_params + 1, sizeof(*q->params));
    q->row = -1;
    q->stream = !strncmp(sql, "SELECT ", 7) && !q->n_params &&
                strlen(sql) > 16 &&
                !strcmp(sql + strlen(sql) - 16, " ORDER BY \"_row\"");
    for (size_t i = 0; i < sizeof(APPENDS) / sizeof(*APPENDS); i++)
        q->defer |= !strncmp(sql, APPENDS[i], strlen(APPENDS[i]));
    pg_take_kept(q);
    return q;
}

void pg_free_blobs(struct pg_stmt *q)
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
        pg_stream_stop(q->c);
    q->streaming = 0;
    PQfreemem(q->line);
    q->line = NULL;
    pg_free_blobs(q);
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

void pg_finalize(struct pg_stmt *q)
{
    char sql[64];

    /* Its rows waiting are written, not dropped: the transaction goes on
     * without the statement; if they fail, so does its COMMIT. */
    if ((q->n_rows_bytes || q->c->sending) && pg_batch_flush(q->c))
        q->c->lost = 1;
    pg_unpend(q);
    free(q->rows);
    free(q->sent);
    free(q->copy_sql);
    pg_reset(q);
    pg_clear_bindings(q);
    free(q->vals);
    free(q->lens);
    if (q->c->copying)
        pg_stream_stop(q->c);
    if (q->name[0] && q->gen == q->c->gen && !pg_lost(q->c) &&
        !pg_keep_prepared(q)) {
        /* What the pipeline holds fails the transaction if it fails, as
         * no caller is told of it here. */
        if (pg_pipe_flush(q->c))
            q->c->lost = 1;
        snprintf(sql, sizeof(sql), "DEALLOCATE \"%s\"", q->name);
        PQclear(pg_exec_sql(q->c, sql));
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

    if (pg_pipe_stmt(q))
        pg_set_error(q->c, NULL);
    return pg_pipe_end(q->c, 1, &failed);
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
        pg_stream_stop(c);
    if (!c->in_txn)
        pg_revive(c);
    res = run_once(q);
    if (again && PQresultStatus(res) != PGRES_TUPLES_OK &&
        PQresultStatus(res) != PGRES_COMMAND_OK &&
        PQstatus(c->conn) == CONNECTION_BAD) {
        pg_revive(c);
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

int pg_step(struct pg_stmt *q)
{
    if (q->stream) {
        if (pg_batch_waits(q->c) && pg_batch_flush(q->c))
            return 1;
        return pg_stream_step(q);
    }
    if (q->c->batching && q->copy_sql && !q->res) {
        pg_batch_row(q);
        if (q->c->pending_bytes >= PG_BATCH_BYTES && pg_batch_send(q->c))
            return 1;
        return 101;
    }
    /* Anything else runs after the rows waiting, which it may read. */
    if (pg_batch_waits(q->c) && pg_batch_flush(q->c))
        return 1;
    if (q->defer && q->c->in_txn && !q->res) {
        if (q->c->copying)
            pg_stream_stop(q->c);
        if (pg_pipe_stmt(q)) {
            pg_set_error(q->c, NULL);
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
            pg_set_error(q->c, q->res);
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
