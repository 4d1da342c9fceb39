/*
 * The private parts of the PostgreSQL backend (store/sql_pg.h), shared by
 * the files it is split into, each of one purpose: store/sql_pg.c the
 * statements, their results and transactions; store/pg_conn.c the
 * connection, its errors and its remaking after a loss; store/pg_pipeline.c
 * libpq's pipeline mode and the statements prepared on the server;
 * store/pg_copy.c the batched writes with COPY FROM and their reference
 * checks; store/pg_stream.c the whole-table reads with COPY TO. They share
 * one connection's state, so its structures are here, not behind
 * accessors: nothing outside these files includes this header.
 */
#ifndef STORE_PG_PRIVATE_H
#define STORE_PG_PRIVATE_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>

#include "store/sql_pg.h"

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
    const char *drop_hook; /* CHANCERY_TEST_PG_DROP_ROW (store/pg_copy.c) */
    char **analyze;        /* the tables COPY wrote, analyzed */
    size_t n_analyze, analyze_alloc; /* after COMMIT */
    size_t *copied_rows;             /* the rows COPY wrote, by table of */
    size_t copied_alloc;             /* analyze */
    pthread_t sender;     /* sends the rows of a flush (store/pg_copy.c) */
    int sending;          /* while it runs: nothing else uses conn */
    int sent_rc;          /* its outcome, the error kept when -1 */
    struct pg_stmt **job; /* the statements whose `sent` rows it sends */
    size_t n_job, job_alloc;
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
    char *sent; /* rows handed to the sender, which swaps them with rows */
    size_t n_sent, sent_alloc;
    int stream;    /* a whole table in order: read with COPY TO */
    int streaming; /* its COPY runs: 1, has ended: 2, was cut off: 3 */
    char *line;    /* the current row as COPY sent it, decoded in place */
    char **vals;   /* its values, NULL for NULL */
    int *lens, n_vals, alloc_vals;
};

/* While batching, once this much waits, it goes to the server on a
 * thread of its own while the next rows are made (store/pg_copy.c). */
#define PG_BATCH_BYTES (4u << 20)

/* store/pg_conn.c */

/* Keeps res's error (or the connection's, res NULL) for pg_errmsg. */
void pg_set_error(struct pg_conn *c, const PGresult *res);
/* The test hook's record of a round trip (CHANCERY_TEST_PG_TRIPS). */
void pg_trip(struct pg_conn *c, const char *sql);
/* PQexec, one round trip. */
PGresult *pg_exec_sql(struct pg_conn *c, const char *sql);
/* Makes a lost connection again, outside a transaction. */
void pg_revive(struct pg_conn *c);
/* Keeps a session's SET, to replay on a connection made again. */
void pg_keep_session_set(struct pg_conn *c, const char *sql);

/* store/pg_pipeline.c */

int pg_pipe_enter(struct pg_conn *c);
/* Sends sql (one statement, no parameters) into the pipeline. */
int pg_pipe_sql(struct pg_conn *c, const char *sql);
/* The BEGIN waiting, if any, sent into the pipeline. */
int pg_pipe_begin(struct pg_conn *c);
/* Ends the pipeline, every answer read (see there). */
PGresult *pg_pipe_end(struct pg_conn *c, int keep, int *failed);
/* Before what cannot go in a pipeline: 0, or -1 when a statement in it
 * failed. */
int pg_pipe_flush(struct pg_conn *c);
/* Sends q with its bound parameters into the pipeline. */
int pg_pipe_stmt(struct pg_stmt *q);
/* q runs by the name of a statement of its SQL kept on the server. */
void pg_take_kept(struct pg_stmt *q);
/* Keeps q's prepared statement on the server; 0 when it is to go. */
int pg_keep_prepared(struct pg_stmt *q);

/* store/pg_copy.c */

/* Forgets the tables whose row-by-row reference checks are off. */
void pg_forget_tables(struct pg_conn *c);
/* After the COMMIT of a transaction that wrote with COPY (run): the
 * statistics of the tables it wrote made again (light ones). Either way
 * the tables are forgotten. */
void pg_analyze_copied(struct pg_conn *c, int run);
/* Before COMMIT: the references of the rows written checked. */
int pg_check_tables(struct pg_conn *c);
/* The COPY of sql when it inserts one row of `?`s, else NULL. */
char *pg_copy_of(const char *sql);
/* Forgets q's rows waiting for COPY. */
void pg_unpend(struct pg_stmt *q);
/* Appends the bound row of q to its rows for COPY. */
void pg_batch_row(struct pg_stmt *q);
/* The results after a COPY's end: ok, or 0 with the first error kept. */
int pg_copy_results(struct pg_conn *c, int ok);
/* Hands the rows waiting to the sender thread, which COPYs them while
 * the caller goes on: 0, or -1 when the rows sent before failed. */
int pg_batch_send(struct pg_conn *c);
/* Waits until the sender is done: 0, or -1 with its error kept. Whatever
 * else uses the connection calls it first. */
int pg_copy_wait(struct pg_conn *c);
/* Whether rows wait to be written, or are being sent. */
static inline int pg_batch_waits(const struct pg_conn *c)
{
    return c->n_pending || c->sending;
}

/* store/pg_stream.c */

/* Ends the COPY TO running on c, reading what is left of it. */
void pg_stream_stop(struct pg_conn *c);
/* sql_step of a whole table's statement. */
int pg_stream_step(struct pg_stmt *q);

/* store/sql_pg.c */

/* Runs sql with one text parameter p1 (none when NULL): its result, or
 * NULL with the error kept. */
PGresult *pg_query(struct pg_conn *c, const char *sql, const char *p1);
void pg_free_blobs(struct pg_stmt *q);

#endif
