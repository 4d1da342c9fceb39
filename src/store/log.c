/*
 * Reading the change log: one record's history, and the verification of the
 * whole hash chain. Both read the log in seq order.
 */
#include "base/xalloc.h"
#include "store/internal.h"

static char *column_dup(sqlite3_stmt *q, int i)
{
    const char *text = (const char *)sqlite3_column_text(q, i);

    return text ? xstrdup(text) : NULL;
}

static void read_entry(sqlite3_stmt *q, struct change_entry *c)
{
    c->seq = sqlite3_column_int64(q, 0);
    c->recorded = column_dup(q, 1);
    c->actor = column_dup(q, 2);
    c->op = column_dup(q, 3);
    c->entity = column_dup(q, 4);
    c->key = column_dup(q, 5);
    c->before = column_dup(q, 6);
    c->after = column_dup(q, 7);
    c->reason = column_dup(q, 8);
    c->hash = column_dup(q, 9);
}

static void entry_release(struct change_entry *c)
{
    free(c->recorded);
    free(c->actor);
    free(c->op);
    free(c->entity);
    free(c->key);
    free(c->before);
    free(c->after);
    free(c->reason);
    free(c->hash);
}

void change_list_release(struct change_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        entry_release(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->alloc = 0;
}

#define ENTRY_COLUMNS \
    "seq, recorded, actor, op, entity, key, before, after, reason, hash"

enum status store_history(struct store *st, const char *entity, const char *key,
                          struct change_list *list, struct err *e)
{
    sqlite3_stmt *q;
    int step;

    if (db_prepare(st,
                   "SELECT " ENTRY_COLUMNS " FROM changes "
                   "WHERE entity = ? AND key = ? ORDER BY seq",
                   &q, e))
        return ST_ERROR;
    db_bind_text(q, 1, entity);
    db_bind_text(q, 2, key);
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        XGROW(list->items, list->n + 1, list->alloc);
        read_entry(q, &list->items[list->n++]);
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       sqlite3_errmsg(st->db));
    return ST_OK;
}

/* Checks one entry against the chain; ST_INVALID when it breaks. */
static enum status verify_entry(sqlite3_stmt *q, int64_t expect_seq,
                                char prev[65], struct err *e)
{
    struct change_entry c;
    struct log_fields f;
    char hash[65];
    enum status rc = ST_OK;

    read_entry(q, &c);
    f = (struct log_fields){ c.seq, c.recorded, c.actor, c.op,    c.entity,
                             c.key, c.before,   c.after, c.reason };
    change_hash(prev, &f, hash);
    if (c.seq != expect_seq)
        rc = err_set(e, ST_INVALID, "change %lld: expected seq %lld",
                     (long long)c.seq, (long long)expect_seq);
    else if (!c.hash || strcmp(hash, c.hash))
        rc = err_set(e, ST_INVALID,
                     "change %lld (%s '%s'): hash does not match its content "
                     "and the chain before it",
                     (long long)c.seq, c.entity ? c.entity : "",
                     c.key ? c.key : "");
    memcpy(prev, hash, 65);
    entry_release(&c);
    return rc;
}

enum status store_verify(struct store *st, int64_t *n_checked, struct err *e)
{
    sqlite3_stmt *q;
    char prev[65] = "";
    enum status rc = ST_OK;
    int step;

    *n_checked = 0;
    if (db_prepare(st, "SELECT " ENTRY_COLUMNS " FROM changes ORDER BY seq", &q,
                   e))
        return ST_ERROR;
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        rc = verify_entry(q, *n_checked + 1, prev, e);
        if (!rc)
            (*n_checked)++;
    }
    if (!rc && step != SQLITE_DONE)
        rc = err_set(e, ST_ERROR, "database '%s': %s", st->path,
                     sqlite3_errmsg(st->db));
    sqlite3_finalize(q);
    return rc;
}
