/*
 * Opening the registry: with an SQLite file, the connection with foreign
 * keys on and WAL journaling; with a postgresql:// URL, a libpq connection
 * (store/sql_pg.c). Either way the schema is brought up to date; one
 * statement per entity and operation is prepared at its first use
 * (db_entity_stmts) and reused for every row. The connection-level calls of
 * store/sql.h are here, each choosing its backend.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/internal.h"
#include "store/sql_pg.h"
#include "store/watch.h"

int db_is_pg_url(const char *path)
{
    return !strncmp(path, "postgresql://", 13) ||
           !strncmp(path, "postgres://", 11);
}

const char *db_errmsg(struct store *st)
{
    return st->pg ? pg_errmsg(st->pg) : sqlite3_errmsg(st->db);
}

int db_is_constraint(struct store *st)
{
    if (st->pg)
        return pg_is_constraint(st->pg);
    return (sqlite3_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT;
}

long db_changes(struct store *st)
{
    return st->pg ? pg_changes(st->pg) : sqlite3_changes(st->db);
}

int store_connection_lost(const struct store *st)
{
    return st->pg && pg_lost(st->pg);
}

int store_commit_unknown(const struct store *st)
{
    return st->commit_unknown;
}

unsigned long store_commits(const struct store *st)
{
    return st->pg ? pg_commits(st->pg) : 0;
}

void db_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

void db_test_read_pause(void)
{
    const char *path = getenv("CHANCERY_TEST_READ_PAUSE");
    char held[4096];

    if (!path || !*path)
        return;
    snprintf(held, sizeof(held), "%s.held", path);
    if (rename(path, held))
        return;
    for (int i = 0; i < 6000 && !access(held, F_OK); i++)
        db_sleep_ms(10);
}

/* A write refused by a PostgreSQL standby says so plainly. */
static enum status db_fail(struct store *st, struct err *e)
{
    if (st->pg && pg_is_read_only(st->pg))
        return err_set(e, ST_ERROR,
                       "database '%s' is a read-only standby: writes go to "
                       "the primary",
                       st->path);
    return err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));
}

/* A write transaction's commit tells the attached watch at once (the
 * others hear its NOTIFY): a read after it sees the write. */
/* PostgreSQL with a watch: the backend of st's commits, whose
 * notifications the watch ignores (the commit touched it already), kept
 * after a commit (or a NOTIFY) that went through; dropped when the commit
 * failed (it may have committed: its notification must count) or the
 * connection's backend changed (its pid may serve another client). */
static void own_backend(struct store *st, int committed)
{
    int pid = committed ? pg_backend_pid(st->pg) : 0;

    if (st->watch_pid && st->watch_pid != pid)
        store_watch_own(st->watch, st->watch_pid, 0);
    if (pid && pid != st->watch_pid)
        store_watch_own(st->watch, pid, 1);
    st->watch_pid = pid;
}

static enum status exec_pg(struct store *st, const char *sql, struct err *e)
{
    int commit = !strncmp(sql, "COMMIT", 6);
    int write = st->pg_writing && commit;

    if (commit || !strncmp(sql, "ROLLBACK", 8))
        st->pg_writing = 0;
    if (pg_exec(st->pg, sql)) {
        /* It may have committed: its notification counts again. */
        if (write && st->watch)
            own_backend(st, 0);
        db_fail(st, e);
        return ST_ERROR;
    }
    if (write && st->watch) {
        own_backend(st, 1);
        store_watch_touch(st->watch);
    }
    return ST_OK;
}

void db_notify(struct store *st)
{
    if (!st->pg)
        return;
    if (!st->watch) {
        (void)pg_exec(st->pg, "NOTIFY " STORE_WATCH_CHANNEL);
        return;
    }
    own_backend(st, !pg_exec(st->pg, "NOTIFY " STORE_WATCH_CHANNEL));
    store_watch_touch(st->watch);
}

/* Whether sql, run by db_exec on SQLite, may write the registry, after
 * which a damaged image block stops the process rather than starting it
 * again (store/image_lazy.c). A transaction's bounds, a savepoint's and a
 * pragma write nothing themselves (BEGIN IMMEDIATE, a write transaction,
 * counts), and neither does anything run on an in-memory database (the
 * schema check's reference registry, store/verify_schema.c): nothing a
 * restart would do twice. */
static int exec_writes(struct store *st, const char *sql)
{
    const char *file;

    if (!strcmp(sql, "BEGIN") || !strcmp(sql, "COMMIT") ||
        !strcmp(sql, "ROLLBACK") || !strncmp(sql, "PRAGMA", 6) ||
        !strncmp(sql, "SAVEPOINT ", 10) || !strncmp(sql, "RELEASE ", 8) ||
        !strncmp(sql, "ROLLBACK TO ", 12))
        return 0;
    file = sqlite3_db_filename(st->db, "main");
    return file && *file;
}

enum status db_exec(struct store *st, const char *sql, struct err *e)
{
    char *msg = NULL;

    if (st->pg)
        return exec_pg(st, sql, e);
    if (exec_writes(st, sql))
        cache_writing();
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ST_ERROR, "database '%s': %s", st->path,
                msg ? msg : "unknown error");
        sqlite3_free(msg);
        return ST_ERROR;
    }
    return ST_OK;
}

enum status db_prepare(struct store *st, const char *sql, struct sql_stmt **out,
                       struct err *e)
{
    struct sql_stmt *q = xcalloc(1, sizeof(*q));

    if (st->pg) {
        q->pg = pg_prepare(st->pg, sql);
    } else if (sqlite3_prepare_v2(st->db, sql, -1, &q->lite, NULL) !=
               SQLITE_OK) {
        free(q);
        *out = NULL;
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    }
    *out = q;
    return ST_OK;
}

void sql_finalize(struct sql_stmt *q)
{
    if (!q)
        return;
    if (q->lite)
        sqlite3_finalize(q->lite);
    else
        pg_finalize(q->pg);
    free(q);
}

enum status db_step_done(struct store *st, struct sql_stmt *stmt, struct err *e)
{
    int rc = sql_step(stmt);

    sql_reset(stmt);
    sql_clear_bindings(stmt);
    if (rc != SQL_DONE)
        return db_fail(st, e);
    return ST_OK;
}

void db_bind_text(struct sql_stmt *stmt, int i, const char *text)
{
    if (text)
        sql_bind_text(stmt, i, text, -1, SQL_TRANSIENT);
    else
        sql_bind_null(stmt, i);
}

void db_bind_static(struct sql_stmt *stmt, int i, const char *text)
{
    if (text)
        sql_bind_text(stmt, i, text, -1, SQL_STATIC);
    else
        sql_bind_null(stmt, i);
}

/* PostgreSQL: the key of the advisory lock that serializes the writers
 * of one database, so that the change log's sequence stays gap-free and
 * its hash chain linear ("chancery" in ASCII). */
#define PG_WRITE_LOCK "7162124244384180601"

/* A writer that finds the lock held tells the user once, then waits. */
static enum status pg_begin_write(struct store *st, struct err *e)
{
    struct sql_stmt *q;
    int got = 0;

    if (db_exec(st, "BEGIN", e))
        return ST_ERROR;
    if (db_prepare(st, "SELECT pg_try_advisory_xact_lock(" PG_WRITE_LOCK ")",
                   &q, e)) {
        db_exec(st, "ROLLBACK", NULL);
        return ST_ERROR;
    }
    if (sql_step(q) == SQL_ROW)
        got = sql_column_int(q, 0);
    sql_finalize(q);
    if (!got) {
        if (st->on_wait)
            st->on_wait(st->on_wait_ctx);
        if (db_exec(st, "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")", e)) {
            db_exec(st, "ROLLBACK", NULL);
            return ST_ERROR;
        }
    }
    /* A damaged block of a mapped image now stops the process rather
     * than starting it again (store/image_lazy.c). */
    cache_writing();
    /* Its commit tells the watches (store/watch.h). */
    st->pg_writing = 1;
    pg_notify_on_commit(st->pg, STORE_WATCH_CHANNEL);
    return ST_OK;
}

/* PostgreSQL: a change set of this many changes or more is written with
 * COPY (store/sql_pg.h, batching) rather than a round trip per row. */
#define PG_COPY_MIN_CHANGES 1000
/* ... and one of this many (as SQLite's store/bulk.c) has its references
 * checked whole before COMMIT rather than row by row. */
#define PG_WHOLE_MIN_CHANGES 50000

enum status db_batch(struct store *st, size_t expected, struct err *e)
{
    if (!st->pg || expected < PG_COPY_MIN_CHANGES)
        return ST_OK;
    return pg_batch_begin(st->pg,
                          expected >= PG_WHOLE_MIN_CHANGES && !st->batch)
               ? db_fail(st, e)
               : ST_OK;
}

enum status db_begin(struct store *st, enum db_txn kind, struct err *e)
{
    if (!st->pg)
        return db_exec(st, kind == DB_WRITE ? "BEGIN IMMEDIATE" : "BEGIN", e);
    if (kind == DB_WRITE)
        return pg_begin_write(st, e);
    /* One snapshot for every statement of the read, as SQLite's. */
    return db_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ", e);
}

typedef void (*sqlgen_fn)(const struct entity *, struct buf *);

static enum status prepare_generated(struct store *st, const struct entity *ent,
                                     sqlgen_fn gen, struct sql_stmt **out,
                                     struct err *e)
{
    struct buf sql;
    enum status rc;

    buf_init(&sql, 1 << 16);
    gen(ent, &sql);
    rc = db_prepare(st, sql.data, out, e);
    buf_release(&sql);
    return rc;
}

/* The statements are prepared at their first use, not at open: a read
 * from the image needs none of an entity's, and preparing the 45 of them
 * cost a whole-process read about 2 ms. */
const struct entity_statements *db_entity_stmts(struct store *st, int kind,
                                                struct err *e)
{
    struct entity_statements *s = &st->stmts[kind];
    const struct entity *ent = ENTITIES[kind];

    if (s->select)
        return s; /* prepared last: the others are there */
    if ((!s->insert &&
         prepare_generated(st, ent, sqlgen_insert, &s->insert, e)) ||
        (!s->update &&
         prepare_generated(st, ent, sqlgen_update, &s->update, e)) ||
        /* PostgreSQL checks references only when a key changes. */
        (!s->update_in_place &&
         prepare_generated(st, ent,
                           st->pg ? sqlgen_update : sqlgen_update_in_place,
                           &s->update_in_place, e)) ||
        (!s->delete &&prepare_generated(st, ent, sqlgen_delete, &s->delete,
                                        e)) ||
        prepare_generated(st, ent, st->pg ? sqlgen_select_pg : sqlgen_select,
                          &s->select, e))
        return NULL;
    return s;
}

enum status db_log_stmts(struct store *st, struct err *e)
{
    if (st->log_head)
        return ST_OK; /* prepared last: the others are there */
    if ((!st->log_insert &&
         db_prepare(st,
                    "INSERT INTO changes (seq, change_set, op, entity, key, "
                    "before, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    &st->log_insert, e)) ||
        (!st->set_insert &&
         db_prepare(st,
                    "INSERT INTO change_sets (id, recorded, actor, reason) "
                    "VALUES (?, ?, ?, ?)",
                    &st->set_insert, e)) ||
        db_prepare(st,
                   "SELECT seq, hash FROM changes ORDER BY seq DESC LIMIT 1",
                   &st->log_head, e))
        return ST_ERROR;
    return ST_OK;
}

/* SQLite's busy handler: sleeps and tries again, telling the user once
 * per wait, until STORE_WAIT_MAX_MS have passed. In WAL only a writer
 * waits (for another writer); readers never do. */
static int busy_wait(void *ctx, int count)
{
    struct store *st = ctx;
    int step = count < 10 ? 1 : count < 50 ? 5 : 20;

    if (count == 0) {
        st->waited_ms = 0;
        if (st->on_wait)
            st->on_wait(st->on_wait_ctx);
    }
    if (st->waited_ms >= STORE_WAIT_MAX_MS)
        return 0;
    db_sleep_ms(step);
    st->waited_ms += step;
    return 1;
}

void store_on_wait(struct store *st, void (*fn)(void *ctx), void *ctx)
{
    st->on_wait = fn;
    st->on_wait_ctx = ctx;
}

/* Before SQLite's first use: no memory statistics, which chancery never
 * reads and which cost a global mutex around every allocation SQLite makes
 * (an import makes millions). */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The URL as messages name it: a password in it shows as "***". */
static char *display_url(const char *url)
{
    const char *auth = strstr(url, "://") + 3;
    const char *at = strchr(auth, '@'), *colon = strchr(auth, ':');
    const char *slash = strchr(auth, '/');

    if (!at || !colon || colon > at || (slash && slash < at))
        return xstrdup(url);
    return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

/* A PostgreSQL registry: its schema made (STORE_OPEN_CREATE) or checked
 * and brought up to date. */
static enum status open_pg(const char *url, int mode, struct store **out,
                           struct err *e)
{
    struct store *st = xcalloc(1, sizeof(*st));

    st->path = display_url(url);
    st->known_head = -1;
    if (pg_open(url, &st->pg, e)) {
        err_prefix(e, "database '%s'", st->path);
        store_close(st);
        return ST_ERROR;
    }
    if (schema_migrate_pg(st, mode == STORE_OPEN_CREATE, e)) {
        store_close(st);
        return ST_ERROR;
    }
    pg_image_locate(st);
    *out = st;
    return ST_OK;
}

enum status store_open(const char *path, int mode, struct store **out,
                       struct err *e)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    struct store *st;
    /* A connection is only ever used by one thread at a time, so it needs
     * no mutex of its own: SQLite's serialized default would lock one
     * around every bind and step. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    if (db_is_pg_url(path))
        return open_pg(path, mode, out, e);
    pthread_once(&configured, configure_sqlite);
    if (mode == STORE_OPEN_CREATE)
        flags |= SQLITE_OPEN_CREATE;
    else if (access(path, F_OK))
        return err_set(e, ST_ERROR,
                       "no registry at '%s' (run 'chancery init' first)", path);
    st = xcalloc(1, sizeof(*st));
    st->path = xstrdup(path);
    st->known_head = -1;
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        err_set(e, ST_ERROR, "cannot open database '%s': %s", path,
                sqlite3_errmsg(st->db));
        store_close(st);
        return ST_ERROR;
    }
    sqlite3_busy_handler(st->db, busy_wait, st);
    /* Pages of 16 KiB: an import appends long runs of rows and log entries,
     * and larger pages cut its B-tree work by a sixth. It only takes effect
     * on a database not yet written, so an existing registry keeps its. */
    if (mode == STORE_OPEN_CREATE &&
        db_exec(st, "PRAGMA page_size = 16384", e)) {
        store_close(st);
        return ST_ERROR;
    }
    if (db_exec(st,
                "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; "
                "PRAGMA synchronous = NORMAL; " PAGE_CACHE_PRAGMA,
                e) ||
        schema_migrate(st, e)) {
        store_close(st);
        return ST_ERROR;
    }
    *out = st;
    return ST_OK;
}

/* PostgreSQL's commits are durable by default (synchronous_commit on: a
 * commit returns once its WAL is flushed, and on the standbys the cluster
 * names); the session asks for it in case the server was set otherwise. */
enum status store_set_durable(struct store *st, struct err *e)
{
    return db_exec(st,
                   DB_DIALECT(st, "PRAGMA synchronous = FULL",
                              "SET synchronous_commit = on"),
                   e);
}

enum status store_checkpoint_elsewhere(struct store *st, struct err *e)
{
    return db_exec(
        st, DB_DIALECT(st, "PRAGMA wal_autocheckpoint = 0", "SELECT 1"), e);
}

enum status store_checkpoint(struct store *st, struct err *e)
{
    return db_exec(
        st, DB_DIALECT(st, "PRAGMA wal_checkpoint(PASSIVE)", "SELECT 1"), e);
}

void store_close(struct store *st)
{
    if (!st)
        return;
    for (int k = 0; k < ENT__COUNT; k++) {
        sql_finalize(st->stmts[k].insert);
        sql_finalize(st->stmts[k].update);
        sql_finalize(st->stmts[k].update_in_place);
        sql_finalize(st->stmts[k].delete);
        sql_finalize(st->stmts[k].select);
    }
    sql_finalize(st->log_insert);
    sql_finalize(st->set_insert);
    sql_finalize(st->log_head);
    if (st->pg)
        pg_close(st->pg);
    else
        sqlite3_close(st->db);
    free(st->path);
    free(st->actor);
    free(st->image_file);
    free(st);
}
