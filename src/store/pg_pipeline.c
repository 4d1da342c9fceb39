/*
 * libpq's pipeline mode for the PostgreSQL backend, and the statements
 * prepared on the server, named and kept for the next statement of the
 * same SQL. Apart from the statements (store/sql_pg.c) because the
 * pipeline's rules (what may go in it, how its answers are read and its
 * failures reported) are the subtle part, and the COPYs
 * (store/pg_copy.c, store/pg_stream.c) must end it before they run.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/pg_private.h"

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

int pg_pipe_enter(struct pg_conn *c)
{
    if (!c->piped && PQenterPipelineMode(c->conn) == 1)
        c->piped = 1;
    return c->piped ? 0 : -1;
}

/* Sends sql (one statement, no parameters) into the pipeline. */
int pg_pipe_sql(struct pg_conn *c, const char *sql)
{
    if (pg_pipe_enter(c) ||
        PQsendQueryParams(c->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
        return -1;
    if (c->trips)
        snprintf(c->last, sizeof(c->last), "%s", sql);
    c->unread++;
    return 0;
}

/* The BEGIN waiting, if any, sent into the pipeline. */
int pg_pipe_begin(struct pg_conn *c)
{
    int rc = c->begin_sql ? pg_pipe_sql(c, c->begin_sql) : 0;

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
PGresult *pg_pipe_end(struct pg_conn *c, int keep, int *failed)
{
    PGresult *last = NULL, *bad = NULL;
    int n = c->unread;

    *failed = 0;
    if (!c->piped)
        return NULL;
    c->unread = 0;
    pg_trip(c, c->last);
    if (PQpipelineSync(c->conn) == 1)
        last = pipe_read(c, n, keep, &bad);
    PQexitPipelineMode(c->conn);
    c->piped = 0;
    if (bad || (keep && !last)) {
        pg_set_error(c, bad);
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
int pg_pipe_flush(struct pg_conn *c)
{
    int failed = 0;

    if (c->begin_sql && pg_pipe_begin(c)) {
        pg_set_error(c, NULL);
        failed = 1;
    }
    if (c->piped) {
        int bad;

        pg_pipe_end(c, 0, &bad);
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
int pg_pipe_stmt(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    const char **values = xcalloc((size_t)q->n_params + 1, sizeof(*values));
    int *lengths = xcalloc((size_t)q->n_params + 1, sizeof(*lengths));
    int *formats = xcalloc((size_t)q->n_params + 1, sizeof(*formats));
    int ok = !pg_pipe_begin(c) && !pg_pipe_enter(c);

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

/* A statement of the same SQL prepared on this connection and since
 * finalized: q runs by its name, with no preparation. */
void pg_take_kept(struct pg_stmt *q)
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
int pg_keep_prepared(struct pg_stmt *q)
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
