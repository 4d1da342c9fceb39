/*
 * The change log read by change set, for the auditor's pages: the latest
 * sets with their actor, time, reason and size, and the entries of one
 * set. Entries carry their before images as stored; the after image of
 * an update is in the record's history (store/log.c), which the page
 * links to, so a set of a hundred thousand imported rows costs one query.
 * The list does not count each set's entries: changes has no index by
 * change set, and counting would scan a million-row log per set.
 */
#include "base/xalloc.h"
#include "store/internal.h"

static char *dup_col(struct sql_stmt *q, int i)
{
    const char *text = sql_column_text(q, i);

    return text ? xstrdup(text) : NULL;
}

enum status store_change_sets(struct store *st, int64_t before, size_t limit,
                              struct change_set_list *out, struct err *e)
{
    struct sql_stmt *q;
    int step;

    if (db_prepare(st,
                   "SELECT s.id, s.recorded, s.actor, s.reason "
                   "FROM change_sets s WHERE s.id < ? ORDER BY s.id DESC "
                   "LIMIT ?",
                   &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, before > 0 ? before : INT64_MAX);
    sql_bind_int64(q, 2, (int64_t)limit);
    while ((step = sql_step(q)) == SQL_ROW) {
        struct change_set_info *c;

        XGROW(out->items, out->n + 1, out->alloc);
        c = &out->items[out->n++];
        c->id = sql_column_int64(q, 0);
        c->recorded = dup_col(q, 1);
        c->actor = dup_col(q, 2);
        c->reason = dup_col(q, 3);
    }
    sql_finalize(q);
    if (step != SQL_DONE)
        return err_set(e, ST_ERROR, "database '%s': %s", st->path,
                       db_errmsg(st));
    return ST_OK;
}

void change_set_list_release(struct change_set_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].recorded);
        free(l->items[i].actor);
        free(l->items[i].reason);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

enum status store_change_set(struct store *st, int64_t id, size_t limit,
                             struct change_list *list, struct err *e)
{
    struct sql_stmt *q;

    if (db_prepare(st,
                   LOG_SELECT "WHERE c.change_set = ? ORDER BY c.seq LIMIT ?",
                   &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, id);
    sql_bind_int64(q, 2, (int64_t)limit);
    return log_read_list(st, q, list, e);
}

enum status store_log_range(struct store *st, int64_t after, int64_t upto,
                            size_t limit, struct change_list *list,
                            struct err *e)
{
    struct sql_stmt *q;

    if (db_prepare(st,
                   LOG_SELECT
                   "WHERE c.seq > ? AND c.seq <= ? ORDER BY c.seq LIMIT ?",
                   &q, e))
        return ST_ERROR;
    sql_bind_int64(q, 1, after);
    sql_bind_int64(q, 2, upto);
    sql_bind_int64(q, 3, (int64_t)limit);
    return log_read_list(st, q, list, e);
}
