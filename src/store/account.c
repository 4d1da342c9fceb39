/*
 * Accounts and sessions (store/account.h) in three tables of their own,
 * made by schema migration 6. They are not registry entities: they have no
 * interchange file and no "as known on" state, and their secrets must not
 * enter the registry's change log, whose entries carry whole record
 * images. account_changes is their history instead: who changed which
 * account when, and the account's public fields after the change.
 */
#include "store/account.h"

#include "base/clock.h"
#include "base/xalloc.h"
#include "store/internal.h"
#include "store/watch.h"

void account_release(struct account *a)
{
    free(a->name);
    free(a->role);
    free(a->sending);
    free(a->mission);
    free(a->hash);
    memset(a, 0, sizeof(*a));
}

static char *col(struct sql_stmt *q, int i)
{
    const char *t = (const char *)sql_column_text(q, i);

    return t ? xstrdup(t) : NULL;
}

static enum status sql_fail(struct store *st, struct sql_stmt *q, struct err *e)
{
    enum status rc =
        err_set(e, ST_ERROR, "database '%s': %s", st->path, db_errmsg(st));

    sql_finalize(q);
    return rc;
}

/* Records a change of account name: its public fields after it. */
static enum status note_change(struct store *st, const char *name,
                               const char *op, const char *actor, struct err *e)
{
    static const char sql[] =
        "INSERT INTO account_changes (recorded, actor, account, op, after) "
        "SELECT ?, ?, name, ?, json_object('name', name, 'role', role, "
        "'sending', sending, 'mission', mission, 'disabled', disabled) "
        "FROM accounts WHERE name = ?";
    /* PostgreSQL's json_build_object spaces its output: the same bytes
     * as SQLite's json_object are spelled out. */
    static const char sql_pg[] =
        "INSERT INTO account_changes (recorded, actor, account, op, after) "
        "SELECT ?, ?, name, ?, '{\"name\":' || to_json(name)::text || "
        "',\"role\":' || to_json(role)::text || ',\"sending\":' || "
        "coalesce(to_json(sending)::text, 'null') || ',\"mission\":' || "
        "coalesce(to_json(mission)::text, 'null') || ',\"disabled\":' || "
        "disabled::text || '}' FROM accounts WHERE name = ?";
    char now[TIMESTAMP_BUF];
    struct sql_stmt *q;

    if (clock_timestamp(now, e) ||
        db_prepare(st, DB_DIALECT(st, sql, sql_pg), &q, e))
        return ST_ERROR;
    db_bind_text(q, 1, now);
    db_bind_text(q, 2, actor);
    db_bind_text(q, 3, op);
    db_bind_text(q, 4, name);
    if (sql_step(q) != SQL_DONE)
        return sql_fail(st, q, e);
    sql_finalize(q);
    return ST_OK;
}

/* Runs one statement with text parameters (NULL-terminated) in a
 * transaction with its account_changes entry. OUT: *changed, rows. */
static enum status account_write(struct store *st, const char *sql,
                                 const char *const *params, const char *name,
                                 const char *op, const char *actor,
                                 int *changed, struct err *e)
{
    struct sql_stmt *q;
    int rc;

    if (db_begin(st, DB_WRITE, e))
        return ST_ERROR;
    if (db_prepare(st, sql, &q, e))
        goto fail;
    for (int i = 0; params[i]; i++)
        db_bind_text(q, i + 1, params[i][0] ? params[i] : NULL);
    rc = sql_step(q);
    if (rc != SQL_DONE && db_is_constraint(st)) {
        sql_finalize(q);
        db_exec(st, "ROLLBACK", NULL);
        return err_set(e, ST_INVALID, "account '%s' exists already", name);
    }
    if (rc != SQL_DONE) {
        sql_fail(st, q, e);
        goto fail;
    }
    sql_finalize(q);
    *changed = db_changes(st);
    if (!*changed) {
        db_exec(st, "ROLLBACK", NULL);
        return err_set(e, ST_NOT_FOUND, "unknown account '%s'", name);
    }
    if (note_change(st, name, op, actor, e) || db_exec(st, "COMMIT", e))
        goto fail;
    return ST_OK;
fail:
    db_exec(st, "ROLLBACK", NULL);
    return ST_ERROR;
}

enum status store_account_add(struct store *st, const struct account *a,
                              const char *actor, struct err *e)
{
    const char *p[] = { a->name,
                        a->role,
                        a->sending ? a->sending : "",
                        a->mission ? a->mission : "",
                        a->hash,
                        NULL };
    int n;

    return account_write(st,
                         "INSERT INTO accounts (name, role, sending, mission, "
                         "hash, disabled) VALUES (?, ?, ?, ?, ?, 0)",
                         p, a->name, "add", actor, &n, e);
}

enum status store_account_disable(struct store *st, const char *name,
                                  const char *actor, struct err *e)
{
    const char *p[] = { name, NULL };
    int n;

    if (account_write(st, "UPDATE accounts SET disabled = 1 WHERE name = ?", p,
                      name, "disable", actor, &n, e))
        return e->status;
    if (db_exec(st,
                "UPDATE sessions SET revoked = 1 WHERE account IN "
                "(SELECT name FROM accounts WHERE disabled = 1)",
                e))
        return ST_ERROR;
    db_notify(st);
    return ST_OK;
}

enum status store_account_passwd(struct store *st, const char *name,
                                 const char *hash, const char *actor,
                                 struct err *e)
{
    const char *p[] = { hash, name, NULL };
    int n;

    struct sql_stmt *q;

    if (account_write(st, "UPDATE accounts SET hash = ? WHERE name = ?", p,
                      name, "passwd", actor, &n, e))
        return e->status;
    /* A new password ends the sessions the old one opened. */
    if (db_prepare(st, "UPDATE sessions SET revoked = 1 WHERE account = ?", &q,
                   e))
        return ST_ERROR;
    db_bind_text(q, 1, name);
    if (sql_step(q) != SQL_DONE)
        return sql_fail(st, q, e);
    sql_finalize(q);
    db_notify(st);
    return ST_OK;
}

static void read_account(struct sql_stmt *q, struct account *a)
{
    a->name = col(q, 0);
    a->role = col(q, 1);
    a->sending = col(q, 2);
    a->mission = col(q, 3);
    a->disabled = sql_column_int(q, 4);
    a->hash = col(q, 5);
}

enum status store_account_get(struct store *st, const char *name,
                              struct account *a, int *found, struct err *e)
{
    struct sql_stmt *q;
    int rc;

    memset(a, 0, sizeof(*a));
    *found = 0;
    if (db_prepare(st,
                   "SELECT name, role, sending, mission, disabled, hash "
                   "FROM accounts WHERE name = ?",
                   &q, e))
        return ST_ERROR;
    db_bind_text(q, 1, name);
    rc = sql_step(q);
    if (rc == SQL_ROW) {
        read_account(q, a);
        *found = 1;
    } else if (rc != SQL_DONE) {
        return sql_fail(st, q, e);
    }
    sql_finalize(q);
    return ST_OK;
}

enum status store_account_list(struct store *st, struct account **list,
                               size_t *n, struct err *e)
{
    size_t alloc = 0;
    struct sql_stmt *q;
    int rc;

    *list = NULL;
    *n = 0;
    if (db_prepare(st,
                   "SELECT name, role, sending, mission, disabled, NULL "
                   "FROM accounts ORDER BY name",
                   &q, e))
        return ST_ERROR;
    while ((rc = sql_step(q)) == SQL_ROW) {
        XGROW(*list, *n + 1, alloc);
        read_account(q, &(*list)[(*n)++]);
    }
    if (rc != SQL_DONE)
        return sql_fail(st, q, e);
    sql_finalize(q);
    return ST_OK;
}

enum status store_session_add(struct store *st, const unsigned char *token_hash,
                              const char *account, int64_t now, int64_t expires,
                              struct err *e)
{
    struct sql_stmt *q;

    if (db_prepare(st,
                   "INSERT INTO sessions (token_hash, account, created, "
                   "last_used, expires, revoked) VALUES (?, ?, ?, ?, ?, 0)",
                   &q, e))
        return ST_ERROR;
    sql_bind_blob(q, 1, token_hash, SESSION_HASH_BYTES, SQL_STATIC);
    db_bind_text(q, 2, account);
    sql_bind_int64(q, 3, now);
    sql_bind_int64(q, 4, now);
    sql_bind_int64(q, 5, expires);
    if (sql_step(q) != SQL_DONE)
        return sql_fail(st, q, e);
    sql_finalize(q);
    db_notify(st);
    return ST_OK;
}

enum status store_session_find(struct store *st,
                               const unsigned char *token_hash, int64_t now,
                               int64_t idle, struct account *a, int *found,
                               struct err *e)
{
    struct sql_stmt *q;
    int64_t last_used = 0;
    int rc;

    memset(a, 0, sizeof(*a));
    *found = 0;
    if (db_prepare(st,
                   "SELECT a.name, a.role, a.sending, a.mission, a.disabled, "
                   "NULL, s.last_used FROM sessions s JOIN accounts a ON "
                   "a.name = "
                   "s.account WHERE s.token_hash = ? AND s.revoked = 0 AND "
                   "a.disabled = 0 AND s.expires > ? AND s.last_used + ? > ?",
                   &q, e))
        return ST_ERROR;
    sql_bind_blob(q, 1, token_hash, SESSION_HASH_BYTES, SQL_STATIC);
    sql_bind_int64(q, 2, now);
    sql_bind_int64(q, 3, idle);
    sql_bind_int64(q, 4, now);
    rc = sql_step(q);
    if (rc == SQL_ROW) {
        read_account(q, a);
        last_used = sql_column_int64(q, 6);
        *found = 1;
    } else if (rc != SQL_DONE) {
        return sql_fail(st, q, e);
    }
    sql_finalize(q);
    /* The touch is a write: at most once a minute per session, so that
     * reads seldom wait for the database's write lock. An UPDATE takes
     * that lock even when it changes no row, so it runs only when the
     * session is due. */
    if (!*found || last_used >= now - 60 ||
        db_prepare(st,
                   "UPDATE sessions SET last_used = ?1 WHERE "
                   "token_hash = ?2 AND last_used < ?1 - 60",
                   &q, e))
        return e && *found ? e->status : ST_OK;
    sql_bind_int64(q, 1, now);
    sql_bind_blob(q, 2, token_hash, SESSION_HASH_BYTES, SQL_STATIC);
    sql_step(q); /* a busy database only loses a touch */
    sql_finalize(q);
    return ST_OK;
}

enum status store_session_revoke(struct store *st,
                                 const unsigned char *token_hash, struct err *e)
{
    struct sql_stmt *q;

    if (db_prepare(st, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?",
                   &q, e))
        return ST_ERROR;
    sql_bind_blob(q, 1, token_hash, SESSION_HASH_BYTES, SQL_STATIC);
    if (sql_step(q) != SQL_DONE)
        return sql_fail(st, q, e);
    sql_finalize(q);
    db_notify(st);
    return ST_OK;
}

enum status store_log_seq(struct store *st, int64_t *seq, struct err *e)
{
    char hash[HASH_HEX];

    return log_head(st, seq, hash, e);
}

/* PostgreSQL has no data_version. Its stand-in is a sum of counters that
 * only grow and that every write the server keeps anything for moves: the
 * change log's head, the account change log's, and the sessions opened
 * and revoked (sessions are never deleted). Read in a statement of its
 * own, it sees what other connections committed, as data_version does;
 * unlike the statistics views (pg_stat_*) it is current at once, and
 * unlike a sequence it cannot move before the write it counts commits. */
#define PG_DATA_VERSION                                      \
    "SELECT (SELECT coalesce(max(seq), 0) FROM changes) + "  \
    "(SELECT coalesce(max(seq), 0) FROM account_changes) + " \
    "(SELECT count(*) + coalesce(sum(revoked), 0) FROM sessions)"

enum status store_data_version(struct store *st, int64_t *version,
                               struct err *e)
{
    struct sql_stmt *q;

    if (st->watch && store_watch_listening(st->watch)) {
        *version = store_watch_version(st->watch);
        return ST_OK;
    }
    if (db_prepare(st, DB_DIALECT(st, "PRAGMA data_version", PG_DATA_VERSION),
                   &q, e))
        return ST_ERROR;
    if (sql_step(q) != SQL_ROW)
        return sql_fail(st, q, e);
    *version = sql_column_int64(q, 0);
    sql_finalize(q);
    return ST_OK;
}
