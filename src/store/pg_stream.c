/*
 * Whole-table reads for the PostgreSQL backend with COPY TO (the comment
 * below says why), each row split and decoded in place as it arrives.
 * Apart from the statements (store/sql_pg.c) because it parses COPY's
 * text format rather than a result set.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/pg_private.h"

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
void pg_stream_stop(struct pg_conn *c)
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
        pg_stream_stop(c);
    if (pg_pipe_flush(c)) {
        free(sql);
        return -1;
    }
    res = pg_exec_sql(c, sql);
    free(sql);
    ok = PQresultStatus(res) == PGRES_COPY_OUT;
    if (!ok)
        pg_set_error(c, res);
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
        pg_set_error(c, NULL);
    ok = pg_copy_results(c, ok);
    return ok ? 101 : 1;
}

/* sql_step of a whole table's statement. */
int pg_stream_step(struct pg_stmt *q)
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
        pg_free_blobs(q);
        q->n_cols = q->n_vals;
        q->blobs = xcalloc((size_t)q->n_cols + 1, sizeof(*q->blobs));
        q->blob_len = xcalloc((size_t)q->n_cols + 1, sizeof(*q->blob_len));
    }
    return 100;
}
