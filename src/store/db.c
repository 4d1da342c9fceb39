/*
 * Opening the registry: the SQLite connection with foreign keys on and WAL
 * journaling, the schema brought up to date, and one prepared statement per
 * entity and operation, made once and reused for every row.
 */
#include <pthread.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "store/internal.h"

enum status db_exec(struct store *st, const char *sql, struct err *e)
{
    char *msg = NULL;

    /* Anything but a read transaction may write (store/cache.c). */
    if (strcmp(sql, "BEGIN") && strcmp(sql, "COMMIT") &&
        strcmp(sql, "ROLLBACK") && strncmp(sql, "PRAGMA", 6))
        cache_writing();
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, ST_ERROR, "database '%s': %s", st->path,
                msg ? msg : "unknown error");
        sqlite3_free(msg);
        return ST_ERROR;
    }
    return ST_OK;
}

enum status db_prepare(struct store *st, const char *sql, sqlite3_stmt **out,
                       struct err *e)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

enum status db_step_done(struct store *st, sqlite3_stmt *stmt, struct err *e)
{
    int rc = sqlite3_step(stmt);

    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

void db_bind_text(sqlite3_stmt *stmt, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, i);
}

void db_bind_static(sqlite3_stmt *stmt, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(stmt, i);
}

typedef void (*sqlgen_fn)(const struct entity *, struct buf *);

static enum status prepare_generated(struct store *st, const struct entity *ent,
                                     sqlgen_fn gen, sqlite3_stmt **out,
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

static enum status prepare_all(struct store *st, struct err *e)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        struct entity_statements *s = &st->stmts[k];

        if (prepare_generated(st, ENTITIES[k], sqlgen_insert, &s->insert, e) ||
            prepare_generated(st, ENTITIES[k], sqlgen_update, &s->update, e) ||
            prepare_generated(st, ENTITIES[k], sqlgen_update_in_place,
                              &s->update_in_place, e) ||
            prepare_generated(st, ENTITIES[k], sqlgen_delete, &s->delete, e) ||
            prepare_generated(st, ENTITIES[k], sqlgen_select, &s->select, e))
            return ST_ERROR;
    }
    if (db_prepare(st,
                   "INSERT INTO changes (seq, change_set, op, entity, key, "
                   "before, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &st->log_insert, e) ||
        db_prepare(st,
                   "INSERT INTO change_sets (id, recorded, actor, reason) "
                   "VALUES (?, ?, ?, ?)",
                   &st->set_insert, e) ||
        db_prepare(st,
                   "SELECT seq, hash FROM changes ORDER BY seq DESC "
                   "LIMIT 1",
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
    sqlite3_sleep(step);
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

enum status store_open(const char *path, int mode, struct store **out,
                       struct err *e)
{
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    struct store *st;
    /* A connection is only ever used by one thread at a time, so it needs
     * no mutex of its own: SQLite's serialized default would lock one
     * around every bind and step. */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

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
        schema_migrate(st, e) || prepare_all(st, e)) {
        store_close(st);
        return ST_ERROR;
    }
    *out = st;
    return ST_OK;
}

enum status store_set_durable(struct store *st, struct err *e)
{
    return db_exec(st, "PRAGMA synchronous = FULL", e);
}

void store_close(struct store *st)
{
    if (!st)
        return;
    for (int k = 0; k < ENT__COUNT; k++) {
        sqlite3_finalize(st->stmts[k].insert);
        sqlite3_finalize(st->stmts[k].update);
        sqlite3_finalize(st->stmts[k].update_in_place);
        sqlite3_finalize(st->stmts[k].delete);
        sqlite3_finalize(st->stmts[k].select);
    }
    sqlite3_finalize(st->log_insert);
    sqlite3_finalize(st->set_insert);
    sqlite3_finalize(st->log_head);
    sqlite3_close(st->db);
    free(st->path);
    free(st->actor);
    free(st);
}
