/*
 * Batched writes for the PostgreSQL backend (pg_batch_begin in
 * store/sql_pg.h): while a large change set (an import) is written, each
 * step of an INSERT of one row of `?`s appends the row, in COPY's text
 * format, to its statement's rows, and the rows go to the server with
 * COPY FROM STDIN, table by table, before any other statement runs or
 * when 4 MiB wait: a round trip per table, not per row. Those 4 MiB go on
 * a thread of its own (pg_batch_send), so that the server takes them in
 * while the import reads, checks, hashes and formats the next rows; the
 * caller's next statement waits for it first. With `whole`, the
 * tables' row-by-row reference checks are off while COPY writes and each
 * reference is checked at COMMIT with one query over the rows the
 * transaction wrote. Apart from the statements (store/sql_pg.c) because
 * the import's speed is decided here.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "store/pg_private.h"

/* Frees the n strings of list; n becomes 0. */
static void free_names(char **list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free(list[i]);
    *n = 0;
}

/* The index of name in the n of list, n when it is not there. */
static size_t name_at(char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], name))
            return i;
    return n;
}

void pg_forget_tables(struct pg_conn *c)
{
    free_names(c->tables, &c->n_tables);
    c->unchecked = 0;
}

/* Statistics made again after an import, with this target (the default
 * is 100): the next reads (the change log's tail, store/follow.c) need
 * to know the tables' size and the range of their keys, not a fine
 * histogram, and a sample of 3,000 rows rather than 30,000 is what made
 * ANALYZE cost a fifth of a 100,000-posting import. Autovacuum analyzes
 * the tables again, fully, once it notices them. */
#define PG_IMPORT_STATISTICS "10"

void pg_analyze_copied(struct pg_conn *c, int run)
{
    char *sql = xstrdup(
        "BEGIN; SET LOCAL default_statistics_target = " PG_IMPORT_STATISTICS
        "; ANALYZE ");

    for (size_t i = 0; i < c->n_analyze; i++) {
        char *more = xasprintf("%s%s%s", sql, i ? ", " : "", c->analyze[i]);

        free(sql);
        sql = more;
    }
    if (run && c->n_analyze) {
        char *all = xasprintf("%s; COMMIT", sql);

        PQclear(pg_exec_sql(c, all));
        free(all);
    }
    free(sql);
    free_names(c->analyze, &c->n_analyze);
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
    PGresult *res = pg_query(c,
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
        PGresult *done = pg_query(c, sql, NULL);

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
#define REFERENCE_CHECKS                                                      \
    "SELECT format('SELECT %s FROM %s c WHERE c.xmin = "                      \
    "pg_current_xact_id()::xid AND %s AND NOT EXISTS (SELECT 1 FROM %s p "    \
    "WHERE %s) LIMIT 1', string_agg(format('c.%I', a.attname), ' || ''/'' "   \
    "|| ' ORDER BY k.i), con.conrelid::regclass, string_agg(format('c.%I "    \
    "IS NOT NULL', a.attname), ' AND ' ORDER BY k.i), "                       \
    "con.confrelid::regclass, string_agg(format('p.%I = c.%I', af.attname, "  \
    "a.attname), ' AND ' ORDER BY k.i)), string_agg(a.attname, ', ' ORDER "   \
    "BY k.i), con.confrelid::regclass::text, (SELECT greatest(reltuples, "    \
    "0)::bigint FROM pg_class WHERE oid = con.confrelid) FROM pg_constraint " \
    "con CROSS "                                                              \
    "JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(ck, "  \
    "fk, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum "   \
    "= k.ck JOIN pg_attribute af ON af.attrelid = con.confrelid AND "         \
    "af.attnum = k.fk WHERE con.contype = 'f' AND con.conrelid = "            \
    "$1::regclass GROUP BY con.oid, con.conrelid, con.confrelid"

/* A reference is checked with a hash anti-join, the nested loops of
 * index lookups off, when its table holds at most this many times the
 * rows the transaction wrote into the referring table (else with what
 * the planner picks). An import into a new registry: the planner, which
 * cannot know that every row passes the filter on xmin, made a lookup in
 * the referred table's index, and a fetch of its row, per row written
 * (9.4 s of a 67 s import of the 1,000,000-posting world, 5.9 s by hash).
 * A small import into a large registry keeps its lookups rather than
 * hashing the whole referred table. */
#define HASH_CHECK_RATIO 4

/* One reference's check, sql, with the nested loops off when a hash
 * join is the better (written: the rows of the referring table,
 * referred: the planner's count of the referred one's), and on again
 * after it, for the catalog's queries. Its result, or NULL. */
static PGresult *run_check(struct pg_conn *c, const char *sql, size_t written,
                           const char *referred)
{
    PGresult *res;

    if (strtoll(referred, NULL, 10) > (long long)written * HASH_CHECK_RATIO)
        return pg_query(c, sql, NULL);
    if (!(res = pg_query(c, "SET LOCAL enable_nestloop = off", NULL)))
        return NULL;
    PQclear(res);
    res = pg_query(c, sql, NULL);
    if (res) {
        PGresult *on = pg_query(c, "SET LOCAL enable_nestloop = on", NULL);

        if (!on) {
            PQclear(res);
            return NULL;
        }
        PQclear(on);
    }
    return res;
}

/* Checks every reference of table's rows written in this transaction
 * with one query per reference; a dangling one is a foreign key
 * violation (SQLSTATE 23503), as the row-by-row check would have been. */
static int check_table(struct pg_conn *c, const char *table)
{
    PGresult *res = pg_query(c, REFERENCE_CHECKS, table);
    size_t at = name_at(c->analyze, c->n_analyze, table);
    size_t written = at < c->n_analyze ? c->copied_rows[at] : 0;
    int rc = res ? 0 : -1;

    for (int i = 0; res && !rc && i < PQntuples(res); i++) {
        PGresult *bad =
            run_check(c, PQgetvalue(res, i, 0), written, PQgetvalue(res, i, 3));

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
int pg_check_tables(struct pg_conn *c)
{
    PGresult *res = pg_query(c, "SET CONSTRAINTS ALL IMMEDIATE", NULL);

    if (!res)
        return -1;
    PQclear(res);
    for (size_t i = 0; i < c->n_tables; i++)
        if (switch_checks(c, c->tables[i], 1) || check_table(c, c->tables[i]))
            return -1;
    return 0;
}

/* "COPY t (cols) FROM STDIN" when sql is "INSERT INTO t (cols) VALUES
 * (?, ?, ...)", with one `?` per column in order; else NULL. */
char *pg_copy_of(const char *sql)
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

/* Forgets q's waiting rows. */
void pg_unpend(struct pg_stmt *q)
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

/* One value in COPY's text format at o, which has room for 3 + 2 * n
 * bytes: \N for NULL, text with backslash, tab and line ends escaped,
 * bytea as \\x and hex digits. The end of what was written. A loop of
 * bytes, not a call per piece: the import writes millions of values. */
static char *copy_value(char *o, const struct pg_param *p)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *d = (const unsigned char *)p->data;

    if (!d) {
        *o++ = '\\';
        *o++ = 'N';
        return o;
    }
    if (p->binary) {
        *o++ = '\\';
        *o++ = '\\';
        *o++ = 'x';
        for (int i = 0; i < p->n; i++) {
            *o++ = hex[d[i] >> 4];
            *o++ = hex[d[i] & 15];
        }
        return o;
    }
    for (int i = 0; i < p->n; i++) {
        unsigned char ch = d[i];

        if (ch > '\\' ||
            (ch != '\\' && ch != '\t' && ch != '\n' && ch != '\r')) {
            *o++ = (char)ch;
            continue;
        }
        *o++ = '\\';
        *o++ = ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : '\\';
    }
    return o;
}

/* A test's hook: with CHANCERY_TEST_PG_DROP_ROW="TABLE KEY", a batch
 * whose references are checked whole leaves out the row of TABLE whose
 * first column is KEY, as if the rows' own checks (chancery's, before it
 * writes) had let a dangling reference through: the check at COMMIT must
 * then refuse it. */
static int dropped_row(const struct pg_stmt *q)
{
    const char *hook = q->c->drop_hook, *key, *table;
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

/* Appends the bound row to q's rows for COPY, the room for it at its
 * longest made first. */
void pg_batch_row(struct pg_stmt *q)
{
    struct pg_conn *c = q->c;
    size_t most = 1;
    char *o;

    if (c->drop_hook && dropped_row(q))
        return;
    if (!q->n_rows_bytes) {
        XGROW(c->pending, c->n_pending + 1, c->alloc);
        c->pending[c->n_pending++] = q;
    }
    for (int i = 0; i < q->n_params; i++)
        most += 4 + 2 * (size_t)q->params[i].n;
    if (q->n_rows_bytes + most > q->rows_alloc) {
        q->rows_alloc = (q->n_rows_bytes + most) * 2 + 4096;
        q->rows = xrealloc(q->rows, q->rows_alloc);
    }
    o = q->rows + q->n_rows_bytes;
    for (int i = 0; i < q->n_params; i++) {
        if (i)
            *o++ = '\t';
        o = copy_value(o, &q->params[i]);
    }
    *o++ = '\n';
    c->pending_bytes += (size_t)(o - (q->rows + q->n_rows_bytes));
    q->n_rows_bytes = (size_t)(o - q->rows);
    c->changes = 1;
}

/* The results after a COPY's end: ok while it was and every result says
 * the command went through; the first failure is kept as the error. */
int pg_copy_results(struct pg_conn *c, int ok)
{
    PGresult *res;

    while ((res = PQgetResult(c->conn))) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            if (ok)
                pg_set_error(c, res);
            ok = 0;
        }
        PQclear(res);
    }
    return ok;
}

/* Sends n bytes of rows with copy_sql, one COPY. */
static int copy_rows(struct pg_conn *c, const char *copy_sql, const char *rows,
                     size_t n_bytes)
{
    PGresult *res;
    int ok;

    if (c->copying)
        pg_stream_stop(c);
    if (pg_pipe_flush(c) || (c->unchecked && uncheck_table(c, copy_sql)))
        return -1;
    res = pg_exec_sql(c, copy_sql);
    ok = PQresultStatus(res) == PGRES_COPY_IN;

    PQclear(res);
    for (size_t at = 0; ok && at < n_bytes; at += 1 << 20) {
        size_t n = n_bytes - at < (1u << 20) ? n_bytes - at : 1u << 20;

        ok = PQputCopyData(c->conn, rows + at, (int)n) == 1;
    }
    pg_trip(c, "COPY's end");
    if (PQputCopyEnd(c->conn, ok ? NULL : "chancery: copy failed") != 1)
        ok = 0;
    ok = pg_copy_results(c, ok);
    if (!ok && !c->error[0])
        pg_set_error(c, NULL);
    c->copied |= ok;
    if (ok) {
        char *table = copy_table(copy_sql);
        size_t at = name_at(c->analyze, c->n_analyze, table);

        if (at < c->n_analyze) {
            free(table);
        } else {
            XGROW(c->analyze, c->n_analyze + 1, c->analyze_alloc);
            XGROW(c->copied_rows, c->n_analyze + 1, c->copied_alloc);
            c->analyze[c->n_analyze++] = table;
            c->copied_rows[at] = 0;
        }
        for (const char *p = rows;
             (p = memchr(p, '\n', (size_t)(rows + n_bytes - p))); p++)
            c->copied_rows[at]++;
    }
    return ok ? 0 : -1;
}

/* The sender thread: the rows of the job, a COPY per statement. The
 * connection is its own until pg_copy_wait joins it. */
static void *send_job(void *arg)
{
    struct pg_conn *c = arg;
    int rc = 0;

    for (size_t i = 0; i < c->n_job && !rc; i++) {
        struct pg_stmt *q = c->job[i];

        c->error[0] = '\0';
        rc = copy_rows(c, q->copy_sql, q->sent, q->n_sent);
        q->n_sent = 0;
    }
    c->n_job = 0;
    c->sent_rc = rc;
    return NULL;
}

int pg_copy_wait(struct pg_conn *c)
{
    if (!c->sending)
        return 0;
    pthread_join(c->sender, NULL);
    c->sending = 0;
    return c->sent_rc;
}

/* Streaming: the server takes in one batch of rows (checks, keys,
 * indexes, WAL) while chancery reads, validates, hashes and formats the
 * next, where a flush that waited for its COPYs left one side idle while
 * the other worked. The statements' rows are swapped with their `sent`
 * buffers, which the thread sends, so neither moves under the other. */
int pg_batch_send(struct pg_conn *c)
{
    if (pg_copy_wait(c)) {
        pg_batch_discard(c);
        return -1;
    }
    /* A COPY TO running, or statements in the pipeline, are the
     * caller's to end: then the rows go now, as any flush. */
    if (c->copying || c->piped || c->begin_sql)
        return pg_batch_flush(c);
    for (size_t i = 0; i < c->n_pending; i++) {
        struct pg_stmt *q = c->pending[i];
        char *rows = q->sent;
        size_t alloc = q->sent_alloc;

        q->sent = q->rows;
        q->sent_alloc = q->rows_alloc;
        q->n_sent = q->n_rows_bytes;
        q->rows = rows;
        q->rows_alloc = alloc;
        q->n_rows_bytes = 0;
        XGROW(c->job, c->n_job + 1, c->job_alloc);
        c->job[c->n_job++] = q;
    }
    c->n_pending = 0;
    c->pending_bytes = 0;
    if (pthread_create(&c->sender, NULL, send_job, c)) {
        send_job(c);
        return c->sent_rc;
    }
    c->sending = 1;
    return 0;
}

int pg_batch_flush(struct pg_conn *c)
{
    int rc = pg_copy_wait(c);

    for (size_t i = 0; i < c->n_pending && !rc; i++) {
        struct pg_stmt *q = c->pending[i];

        c->error[0] = '\0';
        rc = copy_rows(c, q->copy_sql, q->rows, q->n_rows_bytes);
    }
    pg_batch_discard(c);
    return rc;
}

void pg_batch_discard(struct pg_conn *c)
{
    (void)pg_copy_wait(c);
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
    c->drop_hook = getenv("CHANCERY_TEST_PG_DROP_ROW");
    /* Turning a reference's own triggers off is a superuser's right. */
    c->unchecked = whole && super && !strcmp(super, "on");
    return 0;
}
