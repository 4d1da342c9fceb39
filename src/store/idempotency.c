/*
 * Idempotency keys (store/idempotency.h) in a table of their own, made by
 * schema migration 11: not registry records, so outside the change log,
 * as the accounts and sessions are. The record is written by the
 * server's writer, on its connection, in the very transaction of the
 * write it answers (a batch of one, or the group commit's batch), so
 * that the key is recorded exactly when the write is: a lost COMMIT
 * leaves both or neither, and the retry finds which. Keys past IDEM_TTL
 * are removed by the next record, so the table holds a day of keyed
 * writes and no thread sweeps it.
 */
#include "store/idempotency.h"

#include <sodium.h>

#include "store/internal.h"

/* 32 bytes of BLAKE2b in hex, and the NUL. */
#define IDEM_HASH_HEX 65

enum status idem_key_check(const char *key, struct err *e)
{
    size_t n = strlen(key);

    if (!n || n > IDEM_KEY_MAX)
        return err_set(e, ST_USAGE,
                       "Idempotency-Key: %zu characters, not 1 to %d", n,
                       IDEM_KEY_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)key[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
              c == ':'))
            return err_set(e, ST_USAGE,
                           "Idempotency-Key: character %zu is not a letter, "
                           "a digit or one of - _ . :",
                           i + 1);
    }
    return ST_OK;
}

/* The hash of a request: its route (method and path), a NUL, its body. */
static void request_hash(const char *route, const char *text, size_t len,
                         char out[IDEM_HASH_HEX])
{
    crypto_generichash_state h;
    unsigned char sum[32];

    crypto_generichash_init(&h, NULL, 0, sizeof(sum));
    crypto_generichash_update(&h, (const unsigned char *)route,
                              strlen(route) + 1);
    if (len)
        crypto_generichash_update(&h, (const unsigned char *)text, len);
    crypto_generichash_final(&h, sum, sizeof(sum));
    sodium_bin2hex(out, IDEM_HASH_HEX, sum, sizeof(sum));
}

/* A statement failed: inside a batch, the batch with it (on PostgreSQL
 * the transaction is aborted: its COMMIT would only roll back). */
static enum status fail(struct store *st, struct sql_stmt *q, struct err *e)
{
    enum status rc = err_set(e, ST_ERROR, "database '%s': idempotency: %s",
                             st->path, db_errmsg(st));

    sql_finalize(q);
    if (st->batch)
        st->batch = 2;
    return rc;
}

enum status idem_lookup(struct store *st, const char *account, const char *key,
                        const char *route, const char *text, size_t len,
                        int64_t now, struct idem_hit *hit, struct buf *body,
                        struct err *e)
{
    char hash[IDEM_HASH_HEX];
    struct sql_stmt *q;
    int step;

    memset(hit, 0, sizeof(*hit));
    if (db_prepare(st,
                   "SELECT request, status, response FROM idempotency "
                   "WHERE account = ? AND key = ? AND created > ?",
                   &q, e))
        return fail(st, NULL, e);
    db_bind_text(q, 1, account);
    db_bind_text(q, 2, key);
    sql_bind_int64(q, 3, now - IDEM_TTL);
    step = sql_step(q);
    if (step != SQL_ROW && step != SQL_DONE)
        return fail(st, q, e);
    if (step == SQL_ROW) {
        const char *was = sql_column_text(q, 0);
        const char *answer = sql_column_text(q, 2);

        request_hash(route, text, len, hash);
        hit->found = 1;
        hit->same = was && !strcmp(was, hash);
        hit->status = sql_column_int(q, 1);
        if (hit->same && answer)
            buf_addstr(body, answer);
    }
    sql_finalize(q);
    return ST_OK;
}

enum status idem_begin(struct store *st, int *own, struct err *e)
{
    *own = !st->batch;
    return *own ? store_batch_begin(st, e) : ST_OK;
}

enum status idem_record(struct store *st, const char *account, const char *key,
                        const char *route, const char *text, size_t len,
                        int status, const struct buf *body, int64_t now,
                        struct err *e)
{
    char hash[IDEM_HASH_HEX];
    struct sql_stmt *q;

    if (db_prepare(st, "DELETE FROM idempotency WHERE created <= ?", &q, e))
        return fail(st, NULL, e);
    sql_bind_int64(q, 1, now - IDEM_TTL);
    if (sql_step(q) != SQL_DONE)
        return fail(st, q, e);
    sql_finalize(q);
    if (db_prepare(st,
                   "INSERT INTO idempotency (account, key, route, request, "
                   "status, response, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   &q, e))
        return fail(st, NULL, e);
    request_hash(route, text, len, hash);
    db_bind_text(q, 1, account);
    db_bind_text(q, 2, key);
    db_bind_text(q, 3, route);
    db_bind_text(q, 4, hash);
    sql_bind_int(q, 5, status);
    sql_bind_text(q, 6, body->data ? body->data : "", (int)body->len,
                  SQL_TRANSIENT);
    sql_bind_int64(q, 7, now);
    if (sql_step(q) != SQL_DONE)
        return fail(st, q, e);
    sql_finalize(q);
    return ST_OK;
}

enum status idem_end(struct store *st, int own, int commit, struct err *e)
{
    return own ? store_batch_end(st, commit, e) : ST_OK;
}
